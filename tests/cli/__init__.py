"""pipeline.cli, the Makefile and the README as a user meets them."""
