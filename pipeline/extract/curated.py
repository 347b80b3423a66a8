"""Curated facts kept as small CSV tables in ``pipeline/extract/data/`` (agencies, programmes).

These are facts no linked file states in machine-readable form (the Japanese names of the
ministries, the platform's secretariat); each row carries the URL it was taken from.
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
