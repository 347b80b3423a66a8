"""The one door to raw/: the sources registry, the manifest and the files archived there."""
