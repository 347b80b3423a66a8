"""Closed vocabularies of the published tables: one place for each list of allowed values.

A value outside them fails validation instead of quietly becoming a new category in the
published data. The extractors and checks in ``pipeline`` import them from here.
"""

from __future__ import annotations

ORIGINS = ("bundled", "fetched", "wayback", "manual", "cited")
# Origins of files the pipeline itself archived and extracted (not a cited web page).
EXTRACTED_ORIGINS = ("bundled", "fetched", "wayback", "manual")
AUTHORITIES = ("official", "secondary")
STATUSES = ("ok", "missing", "failed")
MUNICIPALITY_KINDS = (
    "prefecture", "designated_city", "ward", "special_ward", "city", "town", "village",
)
# The contract names lead/co_lead/member; the platform's secretariat ministries (内閣府, 総務省,
# 経済産業省, 国土交通省) are neither, so 'secretariat' is accepted too.
ROLES = ("lead", "co_lead", "secretariat", "member")

# The date the member list is "as of" (MLIT list of 2019-08-08; METI release of that day:
# https://www.meti.go.jp/press/2019/08/20190808001/20190808001.html).
PLATFORM_AS_OF = "2019-08-08"

# Member categories of the Smart City Public-Private Partnership Platform, with the heading
# the official breakdown uses for each.
MEMBER_CATEGORIES: dict[str, str] = {
    "company": "企業等",
    "university_research": "大学・研究機関",
    "local_government": "地方公共団体",
    "ministry_economic_org": "関係府省・経済団体等",
}

# Tracks inside each programme: short English ids, with the Japanese name they stand for.
TRACKS: dict[str, dict[str, str]] = {
    "energy_demo_2010": {"demonstration_area": "次世代エネルギー・社会システム実証地域"},
    "data_smartcity_2017": {"subsidy": "データ利活用型スマートシティ推進事業 採択候補"},
    "near_future_tech_2018": {"selected_project": "近未来技術等社会実装事業 選定事業"},
    "smartcity_model_2019": {
        "leading_model": "先行モデルプロジェクト",
        "priority": "重点事業化促進プロジェクト",
    },
    "smart_mobility_challenge_2019": {
        "meti_pilot": "経済産業省 パイロット地域",
        "mlit_model": "国土交通省 新モビリティサービス推進事業 先行モデル事業",
    },
}
