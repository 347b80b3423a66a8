"""Model of the ``municipalities`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import MUNICIPALITY_KINDS, lg_code_field, source_id_field


class Municipalities(pa.DataFrameModel):
    """Japan's local governments (prefectures, municipalities, wards) with their JIS X 0402
    codes: the key to join this dataset to other Japanese statistics (lg_code for MIC's code
    lists, lg_code5 for e-Stat tables)."""

    lg_code: Series[str] = lg_code_field(
        "Local-government code: 6 digits, JIS X 0402 with its check digit, kept as a string "
        "(leading zero), e.g. 011002 for 札幌市.",
        unique=True,
    )
    lg_code5: Series[str] = pa.Field(
        str_matches=r"^\d{5}$",
        unique=True,
        description="The same code without its check digit (lg_code[:5]): the 5-digit "
        "標準地域コード that e-Stat tables use for areas; join e-Stat data on it, e.g. 01100 "
        "for 札幌市.",
    )
    prefecture_code: Series[str] = pa.Field(
        str_matches=r"^(0[1-9]|[1-3]\d|4[0-7])$",
        description="Two-digit prefecture code (01 北海道 .. 47 沖縄県): lg_code[:2].",
    )
    prefecture_ja: Series[str] = pa.Field(description="Prefecture name (e.g. 北海道).")
    name_ja: Series[str] = pa.Field(
        description="Name of the local government (for wards of designated cities, with the "
        "city: 札幌市中央区)."
    )
    name_kana: Series[str] = pa.Field(description="Reading in katakana.")
    name_en: Series[str] = pa.Field(description="Romanized name (Hepburn), e.g. Sapporo-shi.")
    kind: Series[str] = pa.Field(
        isin=list(MUNICIPALITY_KINDS),
        description="prefecture, designated_city (政令指定都市), ward (区 of a designated city), "
        "special_ward (東京23区), city, town or village.",
    )
    district_ja: Series[str] = pa.Field(
        nullable=True, description="District (郡) of a town or village; null otherwise."
    )
    parent_lg_code: Series[str] = lg_code_field(
        "For a ward of a designated city, the city's lg_code; null otherwise.", nullable=True
    )
    source_id: Series[str] = source_id_field()

    class Config:
        name = "municipalities"
        title = "Municipalities"
        strict = True
        coerce = True

    @pa.dataframe_check(name="lg_code5_is_lg_code_without_check_digit")
    def _code5_prefix(cls, df: pd.DataFrame) -> pd.Series:
        return df["lg_code"].str[:5] == df["lg_code5"]

    @pa.dataframe_check(name="prefecture_code_is_lg_code_prefix")
    def _prefecture_prefix(cls, df: pd.DataFrame) -> pd.Series:
        return df["lg_code"].str[:2] == df["prefecture_code"]
