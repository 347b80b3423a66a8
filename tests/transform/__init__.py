"""pipeline.transform: normalize, matching, the municipality reference, coverage."""
