"""pipeline.validate and schemas/: the pandera models and the cross-checks."""
