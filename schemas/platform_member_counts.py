"""Model of the ``platform_member_counts`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import evidence_field, source_id_field


def _count(what: str) -> pa.Field:
    return pa.Field(nullable=True, ge=0, description=f"Members {what}, where the source "
                    "states it; null otherwise.")


class PlatformMemberCounts(pa.DataFrameModel):
    """How many organisations the Smart City Public-Private Partnership Platform
    (スマートシティ官民連携プラットフォーム) had on each date a source states: the founding
    list of 2019-08-08 (473 in the first reports, 471 after the correction of 2019-08-29) to
    about 900 (2023), with the members per category where the source gives them. One row per
    date and source; the members themselves are platform_members (the 2019 list only)."""

    as_of: Series[pa.Date] = pa.Field(description="Date the count is as of.")
    total: Series[int] = pa.Field(ge=0, description="Number of member organisations.")
    total_approximate: Series[bool] = pa.Field(
        description="True when the source prints the total as approximate (約900)."
    )
    company: Series[pd.Int64Dtype] = _count("in category company (企業等)")
    university_research: Series[pd.Int64Dtype] = _count(
        "in category university_research (大学・研究機関)")
    local_government: Series[pd.Int64Dtype] = _count(
        "in category local_government (地方公共団体)")
    ministry_economic_org: Series[pd.Int64Dtype] = _count(
        "in category ministry_economic_org (関係府省・経済団体等)")
    first_class_members: Series[pd.Int64Dtype] = _count(
        "of the 一号会員 class (bodies running a relevant ministry programme), the class the "
        "platform counts from 2023 (its classes are 一号, 二号, 三号会員 and オブザーバー)")
    note: Series[str] = pa.Field(
        nullable=True, description="What the source says beyond the figures, as printed."
    )
    evidence: Series[str] = evidence_field("count")
    source_id: Series[str] = source_id_field()

    class Config:
        name = "platform_member_counts"
        title = "Platform member counts"
        strict = True
        coerce = True
        unique = ["as_of", "source_id"]

    @pa.dataframe_check(name="categories_add_up_to_the_total")
    def _categories_add_up(cls, df: pd.DataFrame) -> pd.Series:
        parts = df[["company", "university_research", "local_government",
                    "ministry_economic_org"]]
        stated = parts.notna().all(axis=1)
        return ~stated | (parts.sum(axis=1) == df["total"])
