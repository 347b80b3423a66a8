"""The test suite, one folder per stage of pipeline/ (README, "For developers"). Packages, so that
two folders may each hold a test file of the same name."""
