"""Generated list layouts: SYNTHETIC list PDFs drawn from the product of layout dimensions.

A sample is a list kind and a seed; ``sampler.sample`` turns it into dimension values and
entries, a drawer (``members``, ``selections``) draws the PDF and returns the truth (every row
with its page), ``compare.difference`` says whether an extraction is exact, and ``run`` is
``make layouts``. Every extractor call is in ``adapter``. Nothing here reaches the network.
"""
