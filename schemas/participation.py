"""Model of the ``participation`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    ALL_COVERAGE_TRACKS,
    COVERAGE_TRACKS,
    ID_RE,
    PLATFORM_PARTICIPATION,
    PLATFORM_PROGRAM_ID,
    TRACK_PARTICIPATION,
    lg_code_field,
)


class Participation(pa.DataFrameModel):
    """Every local government (prefectures, municipalities, special wards; not the wards of
    designated cities) × every programme track and the platform: selected, not_selected or
    unknown. not_selected is published only where the track's list is held complete (coverage)
    and no region-level selection of the track could include the local government; absence
    from an incomplete list is unknown, not "no"."""

    lg_code: Series[str] = lg_code_field("A municipalities.lg_code.")
    program_id: Series[str] = pa.Field(str_matches=ID_RE, description="A programs.program_id.")
    track: Series[str] = pa.Field(
        isin=list(ALL_COVERAGE_TRACKS),
        description="Track in the programme; for the platform (scpf_2019) local_government, "
        "the member category a local government belongs to.",
    )
    status: Series[str] = pa.Field(
        isin=sorted(set(TRACK_PARTICIPATION) | set(PLATFORM_PARTICIPATION)),
        description="selected / not_selected / unknown for a programme track; member / "
        "not_member / unknown for the platform.",
    )
    basis: Series[str] = pa.Field(
        description="Why: listed (with the selection or member ids), the complete list does "
        "not hold it, or why the list cannot say (held of announced, a region it may lie in)."
    )

    class Config:
        name = "participation"
        title = "Participation"
        strict = True
        coerce = True
        unique = ["lg_code", "program_id", "track"]

    @pa.dataframe_check(name="track_belongs_to_program")
    def _track_of_program(cls, df: pd.DataFrame) -> pd.Series:
        pairs = zip(df["program_id"], df["track"], strict=True)
        return pd.Series([p in COVERAGE_TRACKS for p in pairs], index=df.index, dtype=bool)

    @pa.dataframe_check(name="status_vocabulary_of_row_kind")
    def _status_of_kind(cls, df: pd.DataFrame) -> pd.Series:
        platform = df["program_id"] == PLATFORM_PROGRAM_ID
        return (platform & df["status"].isin(PLATFORM_PARTICIPATION)) | (
            ~platform & df["status"].isin(TRACK_PARTICIPATION)
        )
