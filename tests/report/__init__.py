"""pipeline.report: the figures (`make report`)."""
