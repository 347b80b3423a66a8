"""Transform (normalize) stage: the extracted frames become the published tables."""
