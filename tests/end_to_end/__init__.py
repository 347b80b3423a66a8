"""Whole builds (`python -m pipeline`) from fixtures or the committed raw/, queried as a user."""
