"""One cell's value in plain Python: what every reader of the tables compares, prints or writes.

pandas hands out numpy scalars, ``NA``, ``NaN`` and ``Timestamp``; validation's examples, the
row-level diff, the descriptors and the SQLite copy all need the same JSON-native value, so it
is computed here, once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd


def plain_value(value: object) -> object:
    """A JSON-native form of a cell value (numpy scalars, NA, dates)."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return None if pd.isna(value) else value.isoformat()[:10]
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def text_values(values: Iterable[object]) -> list[str | None]:
    """Cells as text for key comparison; nulls as None (a Series would turn None into NaN)."""
    return [None if (p := plain_value(v)) is None else str(p) for v in values]
