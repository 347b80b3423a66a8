"""Model of the ``programs`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import ID_RE, source_id_field


def lineage_root(program_id: str, predecessor: dict[str, object]) -> str | None:
    """The first programme of ``program_id``'s lineage; None if the chain loops or breaks."""
    seen = {program_id}
    while isinstance(before := predecessor.get(program_id), str):
        if before in seen or before not in predecessor:
            return None
        seen.add(before)
        program_id = before
    return program_id


class Programs(pa.DataFrameModel):
    """National smart-city programmes named by the root document, the Smart City
    Public-Private Partnership Platform (scpf_2019), and the programmes that succeeded them
    from FY2020 (transcribed from government pages), each naming its predecessor."""

    program_id: Series[str] = pa.Field(
        unique=True, str_matches=ID_RE, description="Stable id, e.g. smartcity_model_2019."
    )
    name_en: Series[str] = pa.Field(
        description="English name as in the root document; for a programme the document does "
        "not name (after 2019), this dataset's translation."
    )
    name_ja: Series[str] = pa.Field(description="Official Japanese name.")
    start_year: Series[int] = pa.Field(
        ge=1990, le=2100, description="First (fiscal) year, as the root document gives it "
        "(for a programme after 2019, as its source gives it)."
    )
    end_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1990,
        le=2100,
        description="Last (fiscal) year; null when the document gives no end (open-ended).",
    )
    description_en: Series[str] = pa.Field(
        nullable=True,
        description="What the programme is, written by the curators from its official pages "
        "(the page cited in description_source_id); null when none is written.",
    )
    description_source_id: Series[str] = source_id_field(
        "sources.source_id of the page description_en is written from (origin cited; its "
        "authority says whether it is the government's own page).",
        nullable=True,
    )
    document_text_en: Series[str] = pa.Field(
        nullable=True,
        description="The root document's own words about the programme, quoted as printed "
        "(source_id document: a secondary English page whose wording is loose); a quotation, "
        "not a statement of the programme's facts.",
    )
    note: Series[str] = pa.Field(
        nullable=True, description="Curators' note: other years, renamings, with URLs."
    )
    source_id: Series[str] = source_id_field()
    predecessor_program_id: Series[str] = pa.Field(
        nullable=True,
        str_matches=ID_RE,
        description="The programme this one follows (renamed or replaced it), a "
        "programs.program_id; null for the first of a lineage.",
    )
    family_id: Series[str] = pa.Field(
        str_matches=ID_RE,
        description="The lineage the programme belongs to: the program_id of its first "
        "programme (follow predecessor_program_id back), e.g. near_future_tech_2018 for "
        "future_tech_2020; equal to program_id for the first.",
    )  # checked below, not a declared foreign key: DuckDB cannot store a row naming itself

    class Config:
        name = "programs"
        title = "Programmes"
        strict = True
        coerce = True

    @pa.dataframe_check(name="description_cites_its_page")
    def _description_cited(cls, df: pd.DataFrame) -> pd.Series:
        return df["description_en"].isna() == df["description_source_id"].isna()

    @pa.dataframe_check(name="family_is_the_first_of_the_lineage")
    def _family_of_lineage(cls, df: pd.DataFrame) -> pd.Series:
        before = dict(zip(df["program_id"], df["predecessor_program_id"], strict=True))
        return pd.Series(
            [lineage_root(p, before) == f for p, f in zip(df["program_id"], df["family_id"],
                                                          strict=True)],
            index=df.index, dtype=bool,
        )

    @pa.dataframe_check(name="end_year_not_before_start_year")
    def _years_in_order(cls, df: pd.DataFrame) -> pd.Series:
        return df["end_year"].isna() | (df["end_year"] >= df["start_year"])
