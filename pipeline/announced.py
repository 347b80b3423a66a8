"""What the sources themselves announce: the figures every extraction and table is checked against.

The figures are data, in ``pipeline/announced.toml`` (one record per programme x track x fiscal
year x round, the joint announcements, the platform's member counts; each with the URL it was
seen at). This module only reads and checks that file and
offers the names the extractors, the registry, coverage and validation use; no other module
writes an announced number.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.errors import PipelineError

# The member categories (with the heading the official breakdown prints for each), the tracks of
# each programme and the member list's date are vocabularies of the published tables, so they
# live in schemas/; re-exported here for the extractors and checks that read them with the
# announced figures.
from schemas.vocabularies import MEMBER_CATEGORIES as MEMBER_CATEGORIES
from schemas.vocabularies import PLATFORM_AS_OF as PLATFORM_AS_OF
from schemas.vocabularies import PLATFORM_PROGRAM_ID as PLATFORM_PROGRAM_ID
from schemas.vocabularies import ROUNDS as ROUNDS
from schemas.vocabularies import SINGLE_ROUND as SINGLE_ROUND
from schemas.vocabularies import TRACKS as TRACKS

ANNOUNCED_FILE = Path(__file__).with_name("announced.toml")
JOINT_KINDS = ("smart_mobility_challenge", "joint_review")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- the records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Announcement:
    """One programme track's announcement of one fiscal year and round.

    ``count`` is None where no source states it (an inferred figure stays in ``note``);
    ``sources`` are the registry ids of its official page and list file, if any are known.
    """

    program_id: str
    track: str
    fiscal_year: int
    round: str
    count: int | None
    announced_on: str | None
    citation: str | None
    sources: tuple[str, ...]
    joint: bool
    note: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.program_id, self.track, self.fiscal_year, self.round)

    @property
    def list_name(self) -> str:
        return f"{self.program_id}/{self.track}"


@dataclass(frozen=True)
class JointAnnouncement:
    """One announcement bundling several lists of a fiscal year, with its totals."""

    fiscal_year: int
    kind: str
    lists: tuple[str, ...]
    announced_on: str | None
    regions: int | None
    projects: int | None
    in_several: int | None
    applicant_regions: int | None
    proposals: int | None
    citation: str
    sources: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class PlatformCount:
    """The platform's membership on one date: the total and the categories a source states."""

    as_of: str
    total: int
    approximate: bool
    categories: dict[str, int]  # MEMBER_CATEGORIES -> count, where stated
    first_class: int | None  # 一号会員, the class the website counts from 2023
    composition: str | None  # label of an announced breakdown of the 2019 member list
    citation: str
    sources: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Announced:
    """Everything ``announced.toml`` holds, checked."""

    announcements: tuple[Announcement, ...]
    joint: tuple[JointAnnouncement, ...]
    platform_counts: tuple[PlatformCount, ...]


class _Entry:
    """Typed access to one table of the file, naming the file and entry in every error."""

    def __init__(self, path: Path, kind: str, index: int, data: dict, allowed: set[str]) -> None:
        self.where = f"{path.name}: [[{kind}]] #{index + 1}"
        self.data = data
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise self.error(f"unknown keys {unknown}; expected some of {sorted(allowed)}")

    def error(self, message: str) -> PipelineError:
        return PipelineError(f"{self.where}: {message}")

    def required(self, key: str, kind: type) -> object:
        if key not in self.data:
            raise self.error(f"{key} is missing")
        return self.optional(key, kind)

    def optional(self, key: str, kind: type, default: object = None) -> object:
        value = self.data.get(key, default)
        if value is None:
            return None
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise self.error(f"{key} = {value!r} is not a count")
        if not isinstance(value, kind):
            raise self.error(f"{key} = {value!r} is not a {kind.__name__}")
        return value

    def date(self, key: str) -> str | None:
        value = self.optional(key, str)
        if value is None:
            return None
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            value = ""
        if not _DATE_RE.match(value):
            raise self.error(f"{key} = {self.data[key]!r} is not a date YYYY-MM-DD")
        return value

    def ids(self, key: str) -> tuple[str, ...]:
        value = self.required(key, list)
        if not all(isinstance(v, str) and v for v in value):
            raise self.error(f"{key} must list registry source ids")
        return tuple(value)


def _list_name(entry: _Entry, name: str) -> str:
    program_id, _, track = name.partition("/")
    if track not in TRACKS.get(program_id, {}):
        raise entry.error(f"{name!r} is not a programme/track of schemas/vocabularies.py TRACKS")
    return name


def _announcement(path: Path, index: int, data: dict) -> Announcement:
    entry = _Entry(path, "announcement", index, data, {
        "program_id", "track", "fiscal_year", "round", "count", "announced_on", "citation",
        "sources", "joint", "note"})
    program_id = str(entry.required("program_id", str))
    track = str(entry.required("track", str))
    _list_name(entry, f"{program_id}/{track}")
    round_ = str(entry.required("round", str))
    if round_ not in ROUNDS:
        # An announcement is of a known call: a year announced in one go is 'single'.
        raise entry.error(f"round {round_!r}; expected one of {ROUNDS}")
    count = entry.optional("count", int)
    announced_on = entry.date("announced_on")
    citation = entry.optional("citation", str)
    if (count is not None or announced_on) and not citation:
        raise entry.error("a count or a date needs the citation it was seen at")
    return Announcement(
        program_id=program_id,
        track=track,
        fiscal_year=int(entry.required("fiscal_year", int)),  # type: ignore[arg-type]
        round=round_,
        count=count,  # type: ignore[arg-type]
        announced_on=announced_on,
        citation=citation,  # type: ignore[arg-type]
        sources=entry.ids("sources"),
        joint=bool(entry.optional("joint", bool, False)),
        note=str(entry.optional("note", str, "")),
    )


def _joint(path: Path, index: int, data: dict) -> JointAnnouncement:
    counts = ("regions", "projects", "in_several", "applicant_regions", "proposals")
    entry = _Entry(path, "joint_announcement", index, data, {
        "fiscal_year", "kind", "lists", "announced_on", "citation", "sources", "note", *counts})
    kind = str(entry.required("kind", str))
    if kind not in JOINT_KINDS:
        raise entry.error(f"kind {kind!r}; expected one of {JOINT_KINDS}")
    lists = tuple(_list_name(entry, name) for name in entry.ids("lists"))
    return JointAnnouncement(
        fiscal_year=int(entry.required("fiscal_year", int)),  # type: ignore[arg-type]
        kind=kind,
        lists=lists,
        announced_on=entry.date("announced_on"),
        **{key: entry.optional(key, int) for key in counts},  # type: ignore[arg-type]
        citation=str(entry.required("citation", str)),
        sources=entry.ids("sources"),
        note=str(entry.optional("note", str, "")),
    )


def _platform_count(path: Path, index: int, data: dict) -> PlatformCount:
    entry = _Entry(path, "platform_count", index, data, {
        "as_of", "total", "approximate", "first_class", "composition", "citation", "sources",
        "note", *MEMBER_CATEGORIES})
    as_of = entry.date("as_of")
    if as_of is None:
        raise entry.error("as_of is missing")
    total = int(entry.required("total", int))  # type: ignore[arg-type]
    categories = {c: int(entry.optional(c, int)) for c in MEMBER_CATEGORIES  # type: ignore[arg-type]
                  if entry.optional(c, int) is not None}
    composition = entry.optional("composition", str)
    if composition and set(categories) != set(MEMBER_CATEGORIES):
        raise entry.error("a composition states every member category")
    if len(categories) == len(MEMBER_CATEGORIES) and sum(categories.values()) != total:
        raise entry.error(f"the categories add up to {sum(categories.values())}, not {total}")
    return PlatformCount(
        as_of=as_of,
        total=total,
        approximate=bool(entry.optional("approximate", bool, False)),
        categories=categories,
        first_class=entry.optional("first_class", int),  # type: ignore[arg-type]
        composition=composition,  # type: ignore[arg-type]
        citation=str(entry.required("citation", str)),
        sources=tuple(entry.ids("sources")) if "sources" in data else (),
        note=str(entry.optional("note", str, "")),
    )


@cache
def load_announced(path: Path = ANNOUNCED_FILE) -> Announced:
    """Read and check the announcement record (each key once, every joint list announced)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PipelineError(f"{path}: cannot read the announced figures ({exc})") from exc
    unknown = sorted(set(data) - {"announcement", "joint_announcement", "platform_count"})
    if unknown:
        raise PipelineError(f"{path}: unknown tables {unknown}")
    announcements = tuple(
        _announcement(path, i, d) for i, d in enumerate(data.get("announcement", []))
    )
    joint = tuple(_joint(path, i, d) for i, d in enumerate(data.get("joint_announcement", [])))
    counts = tuple(
        _platform_count(path, i, d) for i, d in enumerate(data.get("platform_count", []))
    )
    keys = [a.key for a in announcements]
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    if doubled:
        raise PipelineError(f"{path}: announced twice: {doubled}")
    for item in joint:
        held = {a.list_name for a in announcements if a.fiscal_year == item.fiscal_year}
        lacking = sorted(set(item.lists) - held)
        if lacking:
            raise PipelineError(
                f"{path}: the joint announcement of FY{item.fiscal_year} names {lacking}, "
                "which have no [[announcement]] of that year"
            )
    for a in (a for a in announcements if a.joint):
        if not any(j.fiscal_year == a.fiscal_year and a.list_name in j.lists
                   and j.kind == "joint_review" for j in joint):
            raise PipelineError(f"{path}: {a.key} is joint, but no joint_review of FY"
                                f"{a.fiscal_year} lists {a.list_name}")
    return Announced(announcements, joint, counts)


_ANNOUNCED = load_announced()
ANNOUNCEMENTS: tuple[Announcement, ...] = _ANNOUNCED.announcements
JOINT_ANNOUNCEMENTS: tuple[JointAnnouncement, ...] = _ANNOUNCED.joint
PLATFORM_COUNTS: tuple[PlatformCount, ...] = _ANNOUNCED.platform_counts


def announcement(program_id: str, track: str, fiscal_year: int, round_: str = SINGLE_ROUND
                 ) -> Announcement | None:
    """The record of one programme track, fiscal year and round, if there is one."""
    wanted = (program_id, track, fiscal_year, round_)
    return next((a for a in ANNOUNCEMENTS if a.key == wanted), None)


def joint_key_years() -> dict[tuple[str, str, int, str], int]:
    """Coverage key -> fiscal year, for every list selected in a joint review (FY2021 on)."""
    return {a.key: a.fiscal_year for a in ANNOUNCEMENTS if a.joint}


def list_sources() -> dict[str, list[str]]:
    """Announced list -> the registry ids named as its official announcement, in file order:
    each programme track (``program/track``), and the platform's member list (its id)."""
    found: dict[str, list[str]] = {f"{p}/{t}": [] for p, tracks in TRACKS.items()
                                   for t in tracks}
    found[PLATFORM_PROGRAM_ID] = []
    named = [(a.list_name, a.sources) for a in ANNOUNCEMENTS]
    named += [(PLATFORM_PROGRAM_ID, c.sources) for c in PLATFORM_COUNTS]
    for name, ids in named:
        found[name] += [i for i in ids if i not in found[name]]
    return found


# --- the platform's member list (2019-08-08) ------------------------------------------------


@dataclass(frozen=True)
class MemberComposition:
    """One announced composition of the member list (the file may hold either)."""

    label: str
    counts: dict[str, int]
    citation: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# The release was replaced on 2019-08-29 because the organisation count was wrong; the PDF at
# the linked URL may hold the first or the corrected list. Exactly these two are accepted,
# the corrected one first (coverage counts against it).
MEMBER_COMPOSITIONS: tuple[MemberComposition, ...] = tuple(
    MemberComposition(c.composition, dict(c.categories), c.citation)
    for c in PLATFORM_COUNTS
    if c.composition and c.as_of == PLATFORM_AS_OF
)


def matching_composition(
    counts: dict[str, int], compositions: tuple[MemberComposition, ...] = MEMBER_COMPOSITIONS
) -> MemberComposition | None:
    """The announced composition that ``counts`` (members per category) equal exactly, if any.

    The one comparison of member counts with the announcements: the extractor uses it to reject
    a misread list, validation to check the published table.
    """
    held = {category: n for category, n in counts.items() if n}
    for composition in compositions:
        if held == composition.counts:
            return composition
    return None


# The 12 ministries and economic organisations, named by the MIC copy of the release.
PLATFORM_MINISTRIES_AND_BODIES: tuple[str, ...] = (
    "内閣官房", "警察庁", "金融庁", "文部科学省", "厚生労働省", "農林水産省", "環境省",
    "内閣府", "総務省", "経済産業省", "国土交通省", "日本経済団体連合会",
)
PLATFORM_MINISTRIES_CITATION = (
    "http://40.74.122.252/index.cgi/contrast/http://www.soumu.go.jp/menu_news/s-news/"
    "01ryutsu06_02000220.html"
)


# --- announced counts: the names the extractors and checks use -------------------------------


@dataclass(frozen=True)
class AnnouncedCount:
    """How many selections a programme announced for one track, fiscal year and round."""

    program_id: str
    track: str
    fiscal_year: int
    round: str
    count: int
    citation: str
    note: str = ""


# Every record that states a count (records without one have no figure to check against).
ANNOUNCED_COUNTS: tuple[AnnouncedCount, ...] = tuple(
    AnnouncedCount(a.program_id, a.track, a.fiscal_year, a.round, a.count, str(a.citation),
                   a.note)
    for a in ANNOUNCEMENTS
    if a.count is not None
)


def announced_count(program_id: str, track: str) -> int:
    """Total announced selections of one track, all years and rounds whose count is stated."""
    return sum(a.count for a in ANNOUNCED_COUNTS if (a.program_id, a.track) == (program_id, track))


def _only_date(program_id: str, track: str | None = None) -> str:
    dates = {a.announced_on for a in ANNOUNCEMENTS
             if a.program_id == program_id and track in (None, a.track) and a.announced_on}
    if len(dates) != 1:
        raise PipelineError(f"{ANNOUNCED_FILE.name}: expected one date for {program_id}, "
                            f"found {sorted(dates)}")
    return dates.pop()


def _smc_2019() -> JointAnnouncement:
    (smc,) = [j for j in JOINT_ANNOUNCEMENTS
              if j.kind == "smart_mobility_challenge" and j.fiscal_year == 2019]
    return smc


# MLIT スマートシティモデル事業: 15 先行モデル + 23 重点事業化促進 projects selected on 2019-05-31.
SMARTCITY_MODEL_ANNOUNCED_ON = _only_date("smartcity_model_2019")

# The Smart Mobility Challenge of 2019: 13 METI + 19 MLIT selections, 28 regions, 4 in both.
SMC_ANNOUNCED_ON = _only_date("smart_mobility_challenge_2019")
SMC_TOTAL_SELECTED = int(_smc_2019().regions or 0)
SMC_SELECTED_BY_BOTH = int(_smc_2019().in_several or 0)
SMC_CITATION = _smc_2019().citation


# --- MIC データ利活用型スマートシティ推進事業 and METI 次世代エネルギー・社会システム実証 -----
# The day each round's candidates (採択候補) were announced: a release page's date says which
# round it lists, and a page dated otherwise is not the release its source expects.
@dataclass(frozen=True)
class AnnouncedRound:
    """One announced selection round: its programme, fiscal year, round and date."""

    program_id: str
    fiscal_year: int
    round: str
    announced_on: str
    citation: str


def _rounds(program_id: str) -> tuple[AnnouncedRound, ...]:
    return tuple(
        AnnouncedRound(a.program_id, a.fiscal_year, a.round, a.announced_on, str(a.citation))
        for a in ANNOUNCEMENTS
        if a.program_id == program_id and a.announced_on
    )


DATA_SMARTCITY_PROGRAM = "データ利活用型スマートシティ推進事業"
DATA_SMARTCITY_ROUNDS: tuple[AnnouncedRound, ...] = _rounds("data_smartcity_2017")
ENERGY_DEMO_PROGRAM = "次世代エネルギー・社会システム実証"
(ENERGY_DEMO_ROUND,) = _rounds("energy_demo_2010")


def announced_round_count(round_: AnnouncedRound, track: str) -> int:
    """The announced number of selections of one round (ANNOUNCED_COUNTS, the one place)."""
    for figure in ANNOUNCED_COUNTS:
        if (figure.program_id, figure.track, figure.fiscal_year, figure.round) == (
            round_.program_id, track, round_.fiscal_year, round_.round
        ):
            return figure.count
    raise KeyError(f"no announced count for {round_.program_id}/{track}/{round_.fiscal_year}")
