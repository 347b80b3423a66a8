"""The ``programs`` table's lineage: each programme's predecessor and the family it belongs to.

The root document's programmes are the first of their lineages; the programmes after 2019
(``raw/manual/programs.csv``) name the one they follow. The family is derived, never typed: the
first programme reached by following ``predecessor_program_id`` back.
"""

from __future__ import annotations

import pandas as pd

from schemas import columns
from schemas.programs import lineage_root


def with_lineage(programs: pd.DataFrame) -> pd.DataFrame:
    """``programs`` with ``predecessor_program_id`` (null where no source names one) and
    ``family_id``, in the contract's columns; a broken chain leaves family_id null, which
    validation reports."""
    frame = programs.copy()
    if "predecessor_program_id" not in frame.columns:
        frame["predecessor_program_id"] = None
    frame["predecessor_program_id"] = frame["predecessor_program_id"].astype(object).where(
        frame["predecessor_program_id"].notna(), None)
    before = dict(zip(frame["program_id"], frame["predecessor_program_id"], strict=True))
    frame["family_id"] = [lineage_root(p, before) for p in frame["program_id"]]
    return frame[[c for c in columns("programs") if c in frame.columns]]
