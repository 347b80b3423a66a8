"""Closed vocabularies of the published tables: one place for each list of allowed values.

A value outside them fails validation instead of quietly becoming a new category in the
published data. The extractors and checks in ``pipeline`` import them from here.
"""

from __future__ import annotations

ORIGINS = ("bundled", "fetched", "wayback", "manual", "cited")
# Origins of files the pipeline itself archived and extracted (not a cited web page).
EXTRACTED_ORIGINS = ("bundled", "fetched", "wayback", "manual")
# official: a government body's own publication (go.jp, lg.jp, a prefecture's or municipality's
# own host); everything else, including company releases and copies or mirrors of government
# pages, is secondary.
AUTHORITIES = ("official", "secondary")
# How a fact row (a selection, a platform member) is backed, derived from its source:
# official_list: read from an official list file the pipeline archived and extracted;
# official_page: transcribed from a government body's own web page (a cited official source);
# secondary: transcribed from news, company releases, blogs, mirrors and copies of official pages.
EVIDENCE = ("official_list", "official_page", "secondary")
# How titles and pages word each grade for people (the report's figures, Datasette's front page).
EVIDENCE_WORDS = {
    "official_list": "official list",
    "official_page": "official pages",
    "secondary": "secondary sources",
}


def evidence_text(counts: dict[str, int]) -> str:
    """'evidence: official pages 2, secondary sources 31': the rows held per evidence grade, in
    the order of EVIDENCE (any other label after), the one wording of every title and page."""
    order = [g for g in EVIDENCE if counts.get(g)]
    order += sorted(g for g in counts if g not in EVIDENCE and counts[g])
    parts = [f"{EVIDENCE_WORDS.get(grade, grade)} {counts[grade]}" for grade in order]
    return "evidence: " + (", ".join(parts) if parts else "no rows")


# How a selection_areas row links a selection to a local government: local_government, the
# area names it; within_prefecture, the area is a region no source maps to local governments
# (八重山地域) and this is the prefecture it lies in (the prefectural government itself is not
# thereby selected).
AREA_LINKS = ("local_government", "within_prefecture")
# Participation of a local government in a programme track (or in the platform): selected /
# member, not_selected / not_member only where that track's list is held complete, otherwise
# unknown (absence from an incomplete list is not "no").
TRACK_PARTICIPATION = ("selected", "not_selected", "unknown")
PLATFORM_PARTICIPATION = ("member", "not_member", "unknown")
STATUSES = ("ok", "missing", "failed")
# The call a selection came from (selections.round, coverage.round). first / additional: the
# fiscal year's first call and an additional call of the same year (一次公募 / 追加公募, as MIC's
# releases name them for data_smartcity_2017); single: the programme announced the year's
# selections together, in no rounds (every other programme; for the platform, its member list).
# NULL, never '', when the round is not known: the row's note says what is.
ROUNDS = ("first", "additional", "single")
SINGLE_ROUND = "single"
MUNICIPALITY_KINDS = (
    "prefecture", "designated_city", "ward", "special_ward", "city", "town", "village",
)
# The contract names lead/co_lead/member; the platform's secretariat ministries (内閣府, 総務省,
# 経済産業省, 国土交通省) are neither, so 'secretariat' is accepted too.
ROLES = ("lead", "co_lead", "secretariat", "member")

# The date the member list is "as of" (MLIT list of 2019-08-08; METI release of that day:
# https://www.meti.go.jp/press/2019/08/20190808001/20190808001.html).
PLATFORM_AS_OF = "2019-08-08"
PLATFORM_PROGRAM_ID = "scpf_2019"
PLATFORM_FISCAL_YEAR = 2019  # the fiscal year the member list is counted in (coverage)

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
    # The successors from FY2020 (issue 19): programmes of their own, each naming its
    # predecessor (raw/manual/programs.csv). From FY2021 they are selected jointly (スマートシティ
    # 関連事業, 合同審査会); MIC's データ利活用型 call of FY2020 is data_smartcity_2017's last year.
    "future_tech_2020": {"selected_project": "未来技術社会実装事業 選定事業"},
    "data_linkage_2021": {"subsidy": "データ連携促進型スマートシティ推進事業 採択候補"},
    "regional_smartcity_2022": {
        "subsidy": "地域課題解決のためのスマートシティ推進事業 採択候補",
    },
    "regional_dx_package_2025": {
        "smartcity_project": "地域社会DX推進パッケージ事業 スマートシティ関連事業の選定事業",
    },
    "regional_maas_2020": {"advanced_pilot_region": "地域新MaaS創出推進事業 先進パイロット地域"},
    "japan_maas_2020": {"maas_project": "日本版MaaS推進・支援事業 選定事業"},
    "smartcity_model_project_2020": {
        "leading_model": "先行モデルプロジェクト",
        "priority": "重点事業化促進プロジェクト",
    },
    "smartcity_implementation_2022": {
        "implementation_support": "スマートシティ実装化支援事業 選定事業",
        "handson_support": "ハンズオン支援地区",
    },
}
