"""Model of the ``selections`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    ALL_TRACKS,
    ID_RE,
    PROGRAM_TRACKS,
    ROUNDS,
    evidence_field,
    page_field,
    source_id_field,
)


class Selections(pa.DataFrameModel):
    """Regions and projects selected by each programme, one row per selection per track, with
    the text as printed in the source."""

    selection_id: Series[str] = pa.Field(
        unique=True,
        str_matches=ID_RE,
        description="Stable id: program_id-track-fiscal_year[-round]-<6 hex digits from the area> "
        "(fiscal_year 'unknown_year' when not confirmed; the round only when it is first or "
        "additional; -2, -3 for a repeated area).",
    )
    program_id: Series[str] = pa.Field(str_matches=ID_RE, description="A programs.program_id.")
    track: Series[str] = pa.Field(
        isin=list(ALL_TRACKS),
        description="Track (selection list) inside the programme, e.g. leading_model; see "
        "schemas/vocabularies.py TRACKS.",
    )
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1990,
        le=2100,
        nullable=True,
        description="Japanese fiscal year of the selection (April to March); null when the "
        "sources do not confirm it (the note says what is known, e.g. FY2018 or FY2019).",
    )
    round: Series[str] = pa.Field(
        nullable=True,
        isin=list(ROUNDS),
        description="Call the selection came from: first or additional (the fiscal year's "
        "first call, or an additional call of the same year: data_smartcity_2017); single "
        "(the programme announced the year's selections together, in no rounds). NULL when "
        "the round is not known (the note says what is known); never an empty string.",
    )
    announced_on: Series[pa.Date] = pa.Field(
        nullable=True, description="Date the selection was announced; null when not known."
    )
    project_name_ja: Series[str] = pa.Field(nullable=True, description="Project name as printed.")
    lead_org_ja: Series[str] = pa.Field(
        nullable=True, description="Lead applicant or representative organisation as printed."
    )
    consortium_ja: Series[str] = pa.Field(
        nullable=True, description="Consortium or council as printed."
    )
    prefecture_ja: Series[str] = pa.Field(
        nullable=True,
        description="Prefecture as the source prints it for this selection, text as printed; "
        "NULL when the source prints none. Never inferred: the prefecture of each local "
        "government a selection covers is in municipalities (join selection_areas), and the "
        "prefectures a region lies in are its selection_areas rows with link = "
        "within_prefecture (山陰エリア: 島根県 and 鳥取県), never this column.",
    )
    area_ja: Series[str] = pa.Field(
        nullable=True, description="Area (region, municipalities) as printed."
    )
    selection_group_id: Series[str] = pa.Field(
        str_matches=ID_RE,
        description="Same value on rows that are one region or project selected in several "
        "tracks (e.g. the 4 Smart Mobility Challenge regions in both the METI and the MLIT "
        "list); otherwise equal to selection_id.",
    )
    note: Series[str] = pa.Field(nullable=True, description="Curators' note, with URLs.")
    evidence: Series[str] = evidence_field("selection")
    source_id: Series[str] = source_id_field()
    page: Series[pd.Int64Dtype] = page_field(nullable=True)

    class Config:
        name = "selections"
        title = "Selections"
        strict = True
        coerce = True

    @pa.dataframe_check(name="track_belongs_to_program")
    def _track_of_program(cls, df: pd.DataFrame) -> pd.Series:
        pairs = zip(df["program_id"], df["track"], strict=True)
        return pd.Series([p in PROGRAM_TRACKS for p in pairs], index=df.index, dtype=bool)

    @pa.dataframe_check(name="selection_group_id_is_a_selection_id")
    def _group_is_a_selection(cls, df: pd.DataFrame) -> pd.Series:
        # Not a declared foreign key: DuckDB cannot store a row that references itself.
        return df["selection_group_id"].isin(set(df["selection_id"]))
