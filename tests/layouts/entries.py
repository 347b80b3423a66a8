"""Entries of the generated lists: realistic enough for the readers' content checks.

Local governments are real prefecture + municipality pairs from the postal data behind the
municipality reference (``pipeline.extract.local_governments.read_postal_cities``); companies
and universities are the invented names of the member fixtures
(``tests/fixtures/make_member_fixtures.py``: never a local government's name, checked here);
the ministries and economic organisations are the 12 announced ones
(``pipeline.announced.PLATFORM_MINISTRIES_AND_BODIES``). Project and organisation names of the
selection lists are invented from templates around the real area names. All SYNTHETIC.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.announced import PLATFORM_MINISTRIES_AND_BODIES
from pipeline.extract.local_governments import (
    POSTAL_NAME_FIXES,
    is_local_government_name,
    read_postal_cities,
)
from pipeline.text import PREFECTURES
from tests.fixtures.make_member_fixtures import company_names, university_names

_WARD_RE = re.compile(r"(.+?市)(.+区)")


@dataclass(frozen=True)
class LocalGovernment:
    """A real local government: its prefecture, its name, and its county (郡) if it has one."""

    prefecture: str
    name: str
    county: str = ""
    code5: str = ""

    @property
    def is_prefecture(self) -> bool:
        return self.name == self.prefecture


@functools.lru_cache(maxsize=1)
def local_governments() -> tuple[LocalGovernment, ...]:
    """Every prefecture, municipality, designated city and Tokyo ward, north to south (wards of
    designated cities left out: they are not members or selected areas on their own)."""
    out: dict[tuple[str, str], LocalGovernment] = {}
    order = {p: i for i, p in enumerate(PREFECTURES)}
    for pref in PREFECTURES:
        out[(pref, pref)] = LocalGovernment(pref, pref, "", f"{order[pref] + 1:02d}000")
    for rec in read_postal_cities():
        city = POSTAL_NAME_FIXES.get(rec.code5, (rec.city,))[0]
        if ward := _WARD_RE.fullmatch(city):
            key = (rec.prefecture, ward.group(1))
            out.setdefault(key, LocalGovernment(rec.prefecture, ward.group(1), "", rec.code5))
            continue
        county = ""
        if city[-1] in "町村" and "郡" in city[:-1]:
            county, city = city[: city.index("郡") + 1], city[city.index("郡") + 1 :]
        out[(rec.prefecture, city)] = LocalGovernment(rec.prefecture, city, county, rec.code5)
    return tuple(sorted(out.values(), key=lambda lg: (order[lg.prefecture], lg.code5)))


@functools.lru_cache(maxsize=1)
def _name_counts() -> Counter[str]:
    return Counter(lg.name for lg in local_governments())


def is_unique(lg: LocalGovernment) -> bool:
    """True when the name alone says which local government it is (no other has it)."""
    return _name_counts()[lg.name] == 1


def pick_local_governments(
    rng: random.Random, n: int, unique_only: bool, prefectures: int = 0
) -> list[LocalGovernment]:
    """``n`` distinct real local governments, about ``prefectures`` of them prefectures, in
    the reference's order (north to south). Names printed without their prefecture must be
    unique nationwide, as a real list would make them."""
    pool = [lg for lg in local_governments() if not lg.is_prefecture
            and (is_unique(lg) or not unique_only)]
    prefs = [lg for lg in local_governments() if lg.is_prefecture]
    chosen = rng.sample(prefs, min(prefectures, n)) + rng.sample(pool, n - min(prefectures, n))
    order = {lg: i for i, lg in enumerate(local_governments())}
    return sorted(chosen, key=order.__getitem__)


# --- the member list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One member as the generator knows it (the truth), before any layout prints it."""

    name: str  # a local government's name without prefecture or county
    category: str
    lg: LocalGovernment | None = None


@functools.lru_cache(maxsize=1)
def _company_pool() -> tuple[str, ...]:
    names = [n for n in company_names(1800) if not is_local_government_name(n)]
    # names that begin with a place or a digit, as real member lists have them
    extra = [f"{p}テスト{t}株式会社" for p, t in zip(
        ("北海道", "静岡", "大阪", "沖縄県", "札幌", "横浜"),
        ("電力", "鉄道", "ガス", "観光", "通信", "地所"), strict=True)]
    return tuple(dict.fromkeys(names + extra))


def member_entries(
    rng: random.Random, counts: dict[str, int], unique_only: bool
) -> dict[str, list[Member]]:
    """Members per category, exactly ``counts``: invented companies and universities, real
    local governments (about one in six a prefecture), the announced ministries and bodies."""
    companies = rng.sample(_company_pool(), counts["company"])
    if rng.random() < 0.3:  # a name beginning with digits: 12 before it is ambiguous
        companies[rng.randrange(len(companies))] = "3Dテストプリント株式会社"
    universities = rng.sample(university_names(150), counts["university_research"])
    n_lg = counts["local_government"]
    lgs = pick_local_governments(rng, n_lg, unique_only, prefectures=max(1, n_lg // 6))
    ministries = list(PLATFORM_MINISTRIES_AND_BODIES)[: counts["ministry_economic_org"]]
    return {
        "company": [Member(n, "company") for n in companies],
        "university_research": [Member(n, "university_research") for n in universities],
        "local_government": [Member(lg.name, "local_government", lg) for lg in lgs],
        "ministry_economic_org": [Member(n, "ministry_economic_org") for n in ministries],
    }


# --- the selection lists -------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """One selected project as the generator knows it (the truth)."""

    group: str  # track, fiscal year (as text) or 類型
    areas: tuple[LocalGovernment, ...]
    project: str
    lead: str
    consortium: str = ""
    target_area: str = ""
    field: str = ""

    @property
    def prefecture(self) -> str:
        return self.areas[0].prefecture


_PROJECTS = {
    "mlit_model": (
        "{s}スマートシティ推進事業", "ICTを活用した{s}のまちづくり",
        "データ駆動型{s}スマートシティモデル", "{s}における市民参加型スマートシティ",
        "{s}版スマートシティ実証プロジェクト（人流・交通データの利活用）",
        "スマートシティ「{s}モデル」", "{s}の中心市街地における都市OS構築事業",
    ),
    "cao": (
        "{s}における自動運転の社会実装", "ドローンを活用した{s}の物流実証",
        "AIとIoTによる{s}の健康まちづくり", "{s}スマート農業実装プロジェクト",
        "近未来技術を活用した{s}の地域交通の確保", "{s}におけるロボット技術の社会実装",
    ),
    "smc": (
        "{s}地域MaaS実証実験", "{s}におけるオンデマンド交通の実証",
        "{s}版MaaSの社会実装に向けた実証", "観光型MaaSによる{s}の周遊促進",
        "{s}における貨客混載と自動走行の試行", "{s}ニュータウン内移動サービスの拡充",
    ),
}
_LEADS = ("{s}スマートシティ推進協議会", "{s}MaaS推進協議会", "{s}地域公共交通活性化協議会",
          "一般社団法人{s}まちづくり機構")
_FIELDS = ("自動運転", "ドローン", "AI", "IoT", "ロボット", "スマート農業")
_TARGETS = ("全域", "中心市街地", "駅周辺地区", "{s}ニュータウン", "市街化区域")


def _stem(lg: LocalGovernment) -> str:
    name = lg.name
    return name[:-1] if len(name) > 2 and name[-1] in "都道府県市町村区" else name


def selection_entries(
    rng: random.Random, kind: str, groups: list[tuple[str, int]], unique_only: bool
) -> list[Selection]:
    """``groups`` (group, count) of selections in real areas, in north-to-south order within
    a group; one to three joint proposals (two or three proposers in one prefecture, sometimes
    the prefecture itself first: 北海道・更別村・岩見沢市). No area is selected twice."""
    total = sum(n for _, n in groups)
    pool = pick_local_governments(rng, total * 3, unique_only, prefectures=total // 5)
    rng.shuffle(pool)
    joint = set(rng.sample(range(total), rng.randint(1, 3)))
    used: set[LocalGovernment] = set()
    order = {lg: i for i, lg in enumerate(local_governments())}
    out: list[Selection] = []
    index = 0
    for group, count in groups:
        made: list[Selection] = []
        for _ in range(count):
            first = next(lg for lg in pool if lg not in used)
            areas = [first]
            if index in joint and not first.is_prefecture:
                mates = [lg for lg in local_governments()
                         if lg.prefecture == first.prefecture and not lg.is_prefecture
                         and lg != first and lg not in used
                         and (is_unique(lg) or not unique_only)]
                areas += rng.sample(mates, min(len(mates), rng.randint(1, 2)))
                prefecture = next(lg for lg in local_governments() if lg.name == first.prefecture)
                if rng.random() < 0.4 and prefecture not in used:
                    areas.insert(0, prefecture)
            used.update(areas)
            index += 1
            named = areas[1] if areas[0].is_prefecture and len(areas) > 1 else areas[0]
            stem = _stem(named)
            made.append(Selection(
                group, tuple(areas),
                rng.choice(_PROJECTS[kind]).format(s=stem),
                rng.choice(_LEADS).format(s=stem) if rng.random() < 0.6
                else rng.choice(_company_pool()),
                consortium=f"{stem}スマートシティコンソーシアム",
                target_area=rng.choice(_TARGETS).format(s=stem),
                field=rng.choice(_FIELDS),
            ))
        made.sort(key=lambda sel: order[sel.areas[0]])
        out += made
    return out
