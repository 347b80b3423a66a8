"""Model of the ``programs`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import ID_RE, source_id_field


class Programs(pa.DataFrameModel):
    """National smart-city programmes named by the root document, and the Smart City
    Public-Private Partnership Platform (scpf_2019)."""

    program_id: Series[str] = pa.Field(
        unique=True, str_matches=ID_RE, description="Stable id, e.g. smartcity_model_2019."
    )
    name_en: Series[str] = pa.Field(description="English name as in the root document.")
    name_ja: Series[str] = pa.Field(description="Official Japanese name.")
    start_year: Series[int] = pa.Field(
        ge=1990, le=2100, description="First (fiscal) year, as the root document gives it."
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

    class Config:
        name = "programs"
        title = "Programmes"
        strict = True
        coerce = True

    @pa.dataframe_check(name="description_cites_its_page")
    def _description_cited(cls, df: pd.DataFrame) -> pd.Series:
        return df["description_en"].isna() == df["description_source_id"].isna()

    @pa.dataframe_check(name="end_year_not_before_start_year")
    def _years_in_order(cls, df: pd.DataFrame) -> pd.Series:
        return df["end_year"].isna() | (df["end_year"] >= df["start_year"])
