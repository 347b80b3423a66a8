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
        nullable=True, description="What the root document says about the programme."
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

    @pa.dataframe_check(name="end_year_not_before_start_year")
    def _years_in_order(cls, df: pd.DataFrame) -> pd.Series:
        return df["end_year"].isna() | (df["end_year"] >= df["start_year"])
