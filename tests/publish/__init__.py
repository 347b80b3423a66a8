"""pipeline.publish: the published files, and the tools users open them with."""
