"""Model of the ``coverage`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import ALL_COVERAGE_TRACKS, COVERAGE_TRACKS, ID_RE, ROUNDS


class Coverage(pa.DataFrameModel):
    """How many selections each programme announced per track, fiscal year and round, against
    how many rows this dataset holds: gaps are published, not hidden. One row per announcement
    of pipeline/announced.toml, 2010-2025, also where no source states the count (then
    announced_count is null); and one per key of held rows that no announcement covers.
    Selections whose round is not known are counted apart, on a row with round NULL; those
    whose fiscal year is not known count in no row. The platform (scpf_2019) has one row per
    member category (track = category, e.g. local_government: 7 / 112)."""

    program_id: Series[str] = pa.Field(str_matches=ID_RE, description="A programs.program_id.")
    track: Series[str] = pa.Field(
        isin=list(ALL_COVERAGE_TRACKS),
        description="Track in the programme; for scpf_2019 the member category.",
    )
    fiscal_year: Series[int] = pa.Field(ge=1990, le=2100, description="Fiscal year.")
    round: Series[str] = pa.Field(
        nullable=True,
        isin=list(ROUNDS),
        description="Call round, as in selections.round: first, additional, or single (the "
        "year's selections were announced together; for scpf_2019, the member list). NULL on "
        "the row counting the held selections whose round is not known: they count in no "
        "round, and that row has no announced figure (never complete).",
    )
    announced_count: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        description="Number of selections the programme announced; null when no source "
        "states it (see note) or no announcement covers rows we hold.",
    )
    announced_source_id: Series[str] = pa.Field(
        nullable=True,
        str_matches=ID_RE,
        description="sources.source_id of the page that announced the figure.",
    )
    held_count: Series[int] = pa.Field(
        ge=0,
        description="Number of rows of the selections table for this key (for scpf_2019, "
        "of platform_members in this category).",
    )
    complete: Series[bool] = pa.Field(
        description="True when held_count equals announced_count."
    )
    announced_on: Series[pa.Date] = pa.Field(
        nullable=True,
        description="Date the list was announced, where a source states the day; null "
        "otherwise (a day printed without its month is not completed by guess).",
    )
    note: Series[str] = pa.Field(
        nullable=True,
        description="What else the sources say about the announcement: other figures, the "
        "official page or list file that is missing, a count only inferred (never published in "
        "announced_count). From pipeline/announced.toml.",
    )

    class Config:
        name = "coverage"
        title = "Coverage"
        strict = True
        coerce = True
        unique = ["program_id", "track", "fiscal_year", "round"]

    @pa.dataframe_check(name="track_belongs_to_program")
    def _track_of_program(cls, df: pd.DataFrame) -> pd.Series:
        pairs = zip(df["program_id"], df["track"], strict=True)
        return pd.Series([p in COVERAGE_TRACKS for p in pairs], index=df.index, dtype=bool)

    @pa.dataframe_check(name="complete_iff_held_equals_announced")
    def _complete(cls, df: pd.DataFrame) -> pd.Series:
        equal = (df["held_count"] == df["announced_count"]).fillna(False).astype(bool)
        return df["complete"] == equal

    @pa.dataframe_check(name="announced_source_iff_announced_count")
    def _cited(cls, df: pd.DataFrame) -> pd.Series:
        return df["announced_count"].isna() == df["announced_source_id"].isna()
