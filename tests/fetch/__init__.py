"""pipeline.fetch: raw/ from the network, against local fault-injecting servers."""
