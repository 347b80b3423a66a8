"""pipeline.extract: the extractors, the list reader, and the generated list layouts."""
