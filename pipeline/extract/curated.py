"""Curated facts kept as small CSV tables in ``pipeline/extract/data/`` (agencies, programmes,
the platform's ministries).

These are facts no linked file states in machine-readable form (the Japanese names of the
ministries, each programme's description written from its official pages, the platform's
secretariat and member ministries); each row carries the URL it was taken from, which the
transform stage resolves to the ``sources`` row of that cited page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).with_name("data")


@cache
def agencies_table() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "agencies.csv", dtype=str, keep_default_na=False)


@cache
def programs_table() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "programs.csv", dtype=str, keep_default_na=False)


@cache
def program_agencies_table() -> pd.DataFrame:
    """Agencies a programme heading counts without naming them ("Related 11 Ministries and
    Agencies"), each with its role and the page that names it."""
    return pd.read_csv(DATA_DIR / "program_agencies.csv", dtype=str, keep_default_na=False)
