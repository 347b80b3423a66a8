"""Model of the ``platform_members`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    AS_OF,
    CATEGORIES,
    ID_RE,
    evidence_field,
    lg_code_field,
    page_field,
    source_id_field,
)


class PlatformMembers(pa.DataFrameModel):
    """Member organisations of the Smart City Public-Private Partnership Platform
    (スマートシティ官民連携プラットフォーム) at its start on 2019-08-08: the official MLIT list
    when it is archived, otherwise the members named by the pages transcribed (news articles
    and government pages; partial by design, coverage shows held against announced per
    category). Each row's source_id names its page, and sources.title what that page counts
    (473 as first reported, or 471 as corrected on 2019-08-29)."""

    member_id: Series[str] = pa.Field(
        unique=True,
        str_matches=ID_RE,
        description="Stable id derived from category, prefecture and normalized name.",
    )
    name_ja: Series[str] = pa.Field(
        description="Name as printed in the row's source: the official member list when it "
        "is archived; otherwise the page the row was transcribed from (source_id), today news "
        "articles and government pages, which may shorten a name (デンソー for 株式会社デンソー)."
    )
    name_normalized: Series[str] = pa.Field(
        description="Comparable name: NFKC, no stray spaces, (株) spelt 株式会社, footnote "
        "marks dropped."
    )
    category: Series[str] = pa.Field(
        isin=list(CATEGORIES),
        description="company (企業等), university_research (大学・研究機関), local_government "
        "(地方公共団体), ministry_economic_org (関係府省・経済団体等).",
    )
    category_ja: Series[str] = pa.Field(description="The list's category heading as printed.")
    prefecture_ja: Series[str] = pa.Field(
        nullable=True,
        description="For a local government, the prefecture it lies in, from the municipality "
        "reference through its lg_code (北海道 for 札幌市, and for 北海道 itself); for other "
        "members, the prefecture section the source lists it under, when it has one; otherwise "
        "null.",
    )
    lg_code: Series[str] = lg_code_field(
        "For a local government, its JIS X 0402 code (municipalities.lg_code); null for "
        "other members.",
        nullable=True,
    )
    as_of: Series[pa.Date] = pa.Field(
        ge=pd.Timestamp(AS_OF).date(),
        description="Date the row's source states the membership for: for the official list "
        f"its date ({AS_OF}); for a transcribed page, the date that page gives (every page "
        f"held today: {AS_OF}, the platform's start, whether it counts 473 members as first "
        "reported or 471 as corrected on 2019-08-29; sources.title says which).",
    )
    evidence: Series[str] = evidence_field("membership")
    source_id: Series[str] = source_id_field()
    page: Series[pd.Int64Dtype] = page_field(nullable=True)

    class Config:
        name = "platform_members"
        title = "Platform members"
        strict = True
        coerce = True

    @pa.dataframe_check(name="lg_code_only_for_local_governments")
    def _lg_code_only_for_local_governments(cls, df: pd.DataFrame) -> pd.Series:
        return df["lg_code"].isna() | (df["category"] == "local_government")
