"""pipeline.workspace: the one door to raw/ (files, manifest, registry)."""
