"""What every official selection list shares once the list reader has read it: the content check
of a selection (it names a place), the announced counts as the reader's expectations, the
announcements a file holds by registration, and an entry as a selection extract row.

A selection's place is where it is printed: a local government (札幌市, 北海道札幌市,
府中市（東京都）), several (北海道・更別村・岩見沢市, or one per line in the cell), a prefecture,
or a
region (ひがし北海道, 瀬戸内エリア, 八重山地域). A reading that puts a project title or a
company in the place column is refused, and so is a local government printed under a
prefecture it does not lie in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.announced import ANNOUNCED_COUNTS, ANNOUNCEMENTS, Announcement
from pipeline.errors import SourceError
from pipeline.extract.html import starts_like_pdf
from pipeline.extract.reader import Entry, Expected, classify
from pipeline.extract.reader.vocabulary import key
from pipeline.text import split_prefecture

_SEPARATORS_RE = re.compile(r"[・、,，/／]")
_BRACKETED_RE = re.compile(r"[（(][^）)]*[）)]")


def place_names(entry: Entry, role: str) -> list[str]:
    """The names a selection's place cell lists (one per line, or joined by ・、,/)."""
    if role in entry.items:
        return list(entry.items[role])
    text = _BRACKETED_RE.sub("", key(entry.fields.get(role, "")))  # a target area in brackets
    return [p for p in _SEPARATORS_RE.split(text) if p]


def check_place(entry: Entry, roles: Iterable[str]) -> str | None:
    """The content check of a selection: the first of ``roles`` it fills names a place, and a
    local government lies in the prefecture printed for it; a later role's place naming no local
    government (全域) stands only when no other text begins with one (a place glued to its
    project, the place column then empty); places ending at a separator (「…海老名市・」) miss
    their wrapped last one. None when it passes."""
    roles = tuple(roles)
    role = next((r for r in roles if entry.fields.get(r)), None)
    shown = " | ".join(v for v in entry.fields.values() if v)
    if role is None:
        glued = next((v for v in entry.fields.values()
                      if v and classify.is_place(_SEPARATORS_RE.split(key(v))[0])), None)
        if entry.prefecture and glued is None:
            return None  # a prefecture's own selection, printed in the prefecture column
        return f"an entry without a place ({shown!r}): " + (
            "columns misread?" if glued is None
            else f"{glued!r} begins with one: a place and a project glued together?")
    place = entry.fields[role]
    if role != roles[0] and not (classify.is_local_government(place)
                                 or classify.begins_with_local_government(place)):
        # (or a place wrapped, 「山陽小野田」 / 「市（山口県）」, its two lines glued to the project
        # beside them: a prefecture in brackets after a local government's end)
        glued = next((v for r, v in entry.fields.items() if v and r != role and
                      not classify.is_place(v) and (classify.begins_with_local_government(v)
                                                    or _ends_a_place_in_brackets(v))), None)
        if glued is not None:
            return (f"{place!r} is read as the place ({role}), no {roles[0]} being read, and "
                    f"{glued!r} begins with one: a place and a project glued together?")
    names = place_names(entry, role)
    if not any(classify.is_place(n) for n in names):
        return (f"{entry.fields[role]!r} is read as the place of a selection but names no local "
                "government, prefecture or region: columns misread?")
    for name in names:
        glued = _wrapped_end_elsewhere(entry, role, name)
        if glued is not None:
            return (f"{name!r}, one of the places {place!r}, is only the first letters of a "
                    f"local government's name, and {glued!r} begins with their end: the "
                    "place's wrapped end read into another field?")
    if _SEPARATORS_RE.search(key(entry.fields[role])[-1:]):
        return (f"the places {entry.fields[role]!r} end at a separator: the next one, "
                "wrapped, not read?")
    if entry.prefecture:
        for name in names:
            if classify.in_prefecture(name, entry.prefecture) is False:
                return (f"{name!r} is printed under the prefecture {entry.prefecture!r} but no "
                        "local government of that name lies in it")
    return None


def _ends_a_place_in_brackets(text: str) -> bool:
    """A text holding a local government's end and its prefecture in brackets (「…市（山口県）」):
    a place's wrapped last line read into another field."""
    return any(classify.prefecture(m[1]) is not None and m.start() > 0
               for m in _PREFECTURE_IN_BRACKETS_RE.finditer(key(text)))


_PREFECTURE_IN_BRACKETS_RE = re.compile(r"[市区町村][（(]([^）)]+)[）)]")


def _wrapped_end_elsewhere(entry: Entry, role: str, name: str) -> str | None:
    """Another field of the entry beginning with the letters that make ``name`` a local
    government (「鰺ヶ沢」 and 「町AIとIoTによる…」): the name's wrapped end, read there. A name
    printed cut, its end nowhere (「…稚内市、美唄」 in a list that prints it so), is read as
    printed."""
    if classify.is_place(name) or not classify.begins_a_local_government(name):
        return None
    return next((v for r, v in entry.fields.items() if v and r != role and any(
        classify.is_local_government(name + key(v)[:n]) for n in range(1, 4))), None)


def announced_tracks(program_id: str, fiscal_year: int | None = None) -> dict[str, int]:
    """Track -> announced count of one programme (one fiscal year), all rounds together."""
    counts: dict[str, int] = {}
    for a in ANNOUNCED_COUNTS:
        if a.program_id == program_id and (fiscal_year is None or a.fiscal_year == fiscal_year):
            counts[a.track] = counts.get(a.track, 0) + a.count
    return counts


def expectations(counts: dict[str, int], citation: str = "pipeline.announced",
                 each_alone: bool = True) -> tuple[Expected, ...]:
    """The whole list, and (``each_alone``) each category alone: a file may hold one track."""
    whole = Expected("+".join(f"{k} {v}" for k, v in counts.items()), counts, citation)
    if not each_alone or len(counts) == 1:
        return (whole,)
    return (whole, *(Expected(f"{k} {v}", {k: v}, citation) for k, v in counts.items()))


def registered_announcements(source_id: str) -> list[Announcement]:
    """The announcements whose records in pipeline/announced.toml name this source as their
    official announcement (``sources``): the lists, years and rounds a file holds by
    registration (a list file of one year that may not print its year)."""
    return [a for a in ANNOUNCEMENTS if source_id in a.sources]


def announcement_of(source_id: str, program_id: str, track: str,
                    counted: bool = False) -> Announcement:
    """The one year of a programme track whose announcement names this source (a list file of
    one year); ``counted``: that announcement must state its count."""
    found = [a for a in registered_announcements(source_id)
             if (a.program_id, a.track) == (program_id, track)
             and (a.count is not None or not counted)]
    if len(found) != 1:
        raise SourceError(source_id, f"pipeline/announced.toml names this source for "
                          f"{len(found)} {'counted ' if counted else ''}years of {program_id}; "
                          "expected one")
    return found[0]


def the_pdf(source_id: str, files: list[Path]) -> Path:
    """The one PDF a list source holds."""
    pdfs = sorted(Path(f) for f in files if starts_like_pdf(Path(f)))
    if len(pdfs) != 1:
        raise SourceError(source_id, f"expected one PDF, found {[Path(f).name for f in files]}")
    return pdfs[0]


def selection_record(announcement: Announcement, entry: Entry, source_id: str,
                     note: str | None = None, announced_on: str | None = None) -> dict:
    """One selection extract row of an entry read from an official list, text as printed: the
    area cell (several places stay as printed; the normalize stage links each), the prefecture
    printed for it or in front of it, the project and the lead where the list prints them."""
    fields = entry.fields
    area = fields.get("area") or ""
    prefecture = entry.prefecture or None
    if prefecture is None and area:
        prefecture, area = split_prefecture(area)
    return {
        "program_id": announcement.program_id,
        "track": announcement.track,
        "fiscal_year": announcement.fiscal_year,
        "round": announcement.round,
        "announced_on": announced_on or announcement.announced_on,
        # a list without a project column names the project by what it does (主な取組)
        "project_name_ja": fields.get("project") or fields.get("summary") or None,
        "lead_org_ja": fields.get("lead") or None,
        "consortium_ja": fields.get("consortium") or None,
        "prefecture_ja": prefecture,
        "area_ja": area or prefecture or None,
        "note": note,
        "source_id": source_id,
        "page": entry.page,
        "list_key": None,
    }


def entry_note(entry: Entry, group_name: str = "区分") -> str | None:
    """What a row's note keeps of how its list printed it: the group it stands under (a 類型, a
    タイプ) and a prefecture printed once for its group."""
    parts = []
    if entry.group:
        parts.append(f"{group_name}: {entry.group}")
    if entry.prefecture_carried and entry.prefecture:
        parts.append(f"都道府県: {entry.prefecture} (printed once for its group)")
    return "; ".join(parts) or None
