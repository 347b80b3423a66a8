"""pipeline.dist and the wheel: what ships (`make dist`, `pip wheel .`). Not named dist/: pytest
and .gitignore both pass over a folder of that name."""
