"""The ``platform_member_counts`` table: the platform's membership on each date a source states.

The figures are announced ones (``pipeline.announced.PLATFORM_COUNTS``, from
``pipeline/announced.toml``), each cited by a ``cited_sources.csv`` row whose authority gives the
row's evidence grade, exactly as for the selections a transcription cites.
"""

from __future__ import annotations

import pandas as pd

from pipeline.announced import MEMBER_CATEGORIES, PLATFORM_COUNTS, PlatformCount
from pipeline.errors import PipelineError
from schemas import columns

COUNT_COLUMNS = columns("platform_member_counts")


def build_platform_member_counts(
    cited_sources: pd.DataFrame, evidence: dict[str, str],
    counts: tuple[PlatformCount, ...] = PLATFORM_COUNTS,
) -> pd.DataFrame:
    """One row per announced count, its citation as ``source_id``."""
    url_to_id = dict(zip(cited_sources["url"], cited_sources["source_id"], strict=True))
    rows = []
    for count in counts:
        if count.citation not in url_to_id:
            raise PipelineError(
                f"platform_member_counts: the citation {count.citation} of the count as of "
                f"{count.as_of} is not in raw/manual/cited_sources.csv; add it there"
            )
        source_id = url_to_id[count.citation]
        rows.append({
            "as_of": pd.Timestamp(count.as_of).date(),
            "total": count.total,
            "total_approximate": count.approximate,
            **{c: count.categories.get(c) for c in MEMBER_CATEGORIES},
            "first_class_members": count.first_class,
            "note": count.note or None,
            "evidence": evidence.get(source_id, "secondary"),
            "source_id": source_id,
        })
    frame = pd.DataFrame(rows, columns=COUNT_COLUMNS)
    for column in (*MEMBER_CATEGORIES, "first_class_members"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["as_of", "source_id"], ignore_index=True)
