"""pipeline.serve and pipeline.screenshots: Datasette (`make serve`) and the README's pictures."""
