"""Extractors: one module per source, raw file in, tidy DataFrame out (see pdf.py for PDFs)."""
