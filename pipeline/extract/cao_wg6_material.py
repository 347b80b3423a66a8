"""Cabinet Office hearing material (wg6, 2019-11-05, 資料1-4): 近未来技術等社会実装事業 projects.

Nobody has seen this file (research section 7): it is a slide deck that *may* list the
selected projects (FY2018: 14, FY2019: 8). So this is the one extractor for which zero rows is
a legitimate result: a deck without a table of selected projects gives an empty frame and a
note that says so.

The deck is read by the shared list reader (``pipeline.extract.reader``), and so are the
official selected-project lists (``cao_kinmirai_lists``), since the Cabinet Office prints both
in the same family of layouts, whose vocabulary is ``layouts/cao_wg6_material.csv``. What this
module adds is the programme's part:

- the categories are fiscal years: a heading (平成30年度選定事業（14事業）, H30選定, 【R1】,
  2018年度 ...) or a 選定年度 cell (平成30年度, 2019; printed on every row, once per group or
  merged) sets the year of the rows under it (:func:`year_label`); a title naming two years
  names none, and a row under no year, or under a year printed before a page holding none of
  its rows, is an error, never a guess;
- which pages hold the list (:class:`ListPages`): those naming the programme with a table
  header or a year heading on them, and the next page repeating the table's header; the
  hearing also heard MLIT, whose material may table its own projects with the same columns;
- what was announced (``pipeline.announced``): the deck may table some of the projects
  (``Expected(exact=False)``), but a heading stating a count makes the table claim to be
  complete, so the count must be what was announced;
- the content check (``selection_lists.check_place``: a joint proposal 北海道・更別村・岩見沢市,
  or one proposer per line in its cell, is one project with three areas);
- and the rows (:meth:`ProjectList.records`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline.announced import ANNOUNCED_COUNTS
from pipeline.errors import SourceError
from pipeline.extract import reader, selection_lists
from pipeline.extract.pdf import check_text_layer
from pipeline.extract.reader import classify
from pipeline.extract.reader.cells import Page
from pipeline.extract.reader.structure import RowKind, kind_of
from pipeline.extract.reader.verify import choose
from pipeline.extract.reader.vocabulary import key
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.text import split_prefecture, western_year

PROGRAM_ID = "near_future_tech_2018"
TRACK = "selected_project"
VOCABULARY = "cao_wg6_material.csv"
NO_TABLE_NOTE = "no table of selected projects found"
# A table is this programme's only on a page that names it (近未来技術等社会実装事業, renamed
# 未来技術社会実装事業 in 2020), or in a file that does (an attachment of its page).
PROGRAM_ANCHOR = "未来技術"
PLACE_ROLES = ("area",)

# A year as printed: an era and its year (平成30, 令和元, H30, R1) or a western year, maybe
# followed by 年度 or 年; a date (令和元年11月5日, H30年8月8日) is no year.
YEAR_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<era>平成|令和|H|R)(?P<n>[0-9]{1,2}|元)|(?P<west>20[0-9]{2}))"
    r"(?!年?[0-9])(?:年度?)?"
)
# An era year whose digits run on into a count set with the same spacing as its letters
# (「H　3　0　１４事業」: no space left to tell them apart): H30, then 14事業.
_ERA_BEFORE_COUNT_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<era>平成|令和|H|R)(?P<n>[0-9]{1,2})"
    r"(?=[1-9][0-9]{0,2}(?:事業|件|団体|自治体|地域|プロジェクト))"
)
# Where the printed text had a space (kept while a year is looked for: 「R1 18事業」).
_SPACE = "\x00"
# A circled heading number (①…㊿): NFKC makes it a digit, glued to the year after it
# (「①2018年度」 read 12018).
_CIRCLED_RE = re.compile("[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]")
# What stands in for the year while its decoration is checked (no mark or tail contains it).
_YEAR_PLACEHOLDER = "〓"
# A count as printed after a year; none starts with 0 (「H 3 0１４事業」 is H30, then 14事業).
_COUNT_RE = re.compile(
    r"([1-9][0-9]{0,2})(?:事業|件|団体|自治体|地域|プロジェクト)|計([1-9][0-9]{0,2})"
)


def _year_matches(k: str, regex: re.Pattern[str] = YEAR_RE) -> list[tuple[int, re.Match[str]]]:
    found = []
    for match in regex.finditer(k):
        west = match.groupdict().get("west")  # (_ERA_BEFORE_COUNT_RE has none)
        if west:
            found.append((int(west), match))
        else:
            found.append((western_year(match["era"], match["n"]), match))
    return found


def _spaced_key(text: str | None) -> str:
    """``key`` of each printed word, the words' spaces kept as _SPACE."""
    return _SPACE.join(key(word) for word in (text or "").split())


def _runs_key(text: str | None) -> str:
    """``_spaced_key`` with letters spread one by one joined, the last one even when glued to a
    bracket after it (「第１　平　成　3　0　年　度」 is 第1, then 平成30年度; 「第１　H　3　0（１４
    事業）」 is 第1, then H30, then (14事業)): without its spaces the year runs into the
    heading's number (第1平成30…, 第12018…, 第1H30…) and is no year."""
    joined: list[str] = []
    run = False  # the last of ``joined`` is letters set one by one
    for word in map(key, (text or "").split()):
        if run and len(word) > 1 and not word[1].isalnum():  # 「0（14事業）」: 0, then (14事業)
            joined[-1] += word[0]
            word, run = word[1:], False
        if run and len(word) == 1:
            joined[-1] += word
        else:
            joined.append(word)
            run = len(word) == 1
    return _SPACE.join(joined)


def fiscal_years(text: str | None) -> list[int]:
    """Distinct fiscal years written in ``text``, in order (平成30年度 -> 2018, R1 -> 2019)."""
    return list(dict.fromkeys(year for year, _ in _year_matches(key(text))))


def category_of(year: int) -> str:
    """The reader's category for a fiscal year."""
    return f"FY{year}"


def year_of(category: str | None) -> int:
    return int((category or "").removeprefix("FY"))


def year_label(text: str) -> reader.Label | None:
    """The fiscal year a heading or a 選定年度 cell names, as the reader's category label: the
    text is one year and its decoration (numbering, brackets, 選定事業, the programme's name,
    a count, 続き: the layout CSV's marks and tails). A title naming two years, a sentence
    or a date names none."""
    uncircled = _CIRCLED_RE.sub(" ", text)
    spaced = _spaced_key(uncircled)
    plain = spaced.replace(_SPACE, "")
    for k, regex in ((spaced, YEAR_RE), (_runs_key(uncircled), YEAR_RE), (plain, YEAR_RE),
                     (plain, _ERA_BEFORE_COUNT_RE)):
        found = _year_matches(k, regex)
        if len(found) != 1:
            continue
        year, match = found[0]
        rest = (k[:match.start()] + _YEAR_PLACEHOLDER + k[match.end():]).replace(_SPACE, "")
        core, tail = vocabulary().strip(rest)
        if core != _YEAR_PLACEHOLDER:
            continue
        count = _COUNT_RE.search(tail)
        return reader.Label(category_of(year), match[0],
                            int(count[1] or count[2]) if count else None,
                            "続" in tail or "つづき" in tail)
    return None


def vocabulary() -> reader.Vocabulary:
    return reader.load_vocabulary(VOCABULARY)


@lru_cache(maxsize=1)
def shape() -> reader.Shape:
    """How the programme's lists print a project: a record of area, prefecture, project and
    field, under a year."""
    return reader.Shape(
        vocabulary(),
        record=True,
        category_role="fiscal_year",
        entry_roles=frozenset({"area", "prefecture", "project"}),
        list_roles=frozenset({"area"}),
        extra_label=year_label,
        place_role="area",
        content_order=("project", "field"),
    )


def announced(fiscal_year: int) -> int | None:
    """The number of selections announced for a fiscal year (``pipeline.announced``)."""
    for a in ANNOUNCED_COUNTS:
        if (a.program_id, a.track, a.fiscal_year) == (PROGRAM_ID, TRACK, fiscal_year):
            return a.count
    return None


def announced_counts() -> dict[str, int]:
    """Category -> announced count, for every announced year of the programme."""
    return {category_of(a.fiscal_year): a.count for a in ANNOUNCED_COUNTS
            if (a.program_id, a.track) == (PROGRAM_ID, TRACK)}


class ListPages:
    """Which pages of a file hold the programme's list (``ListSpec.pages``): a page naming the
    programme (or any page of a file that does, ``whole_file``) with a table header or a year
    heading on it, a page repeating the header of the table on the page before, and a page
    naming the programme right after a table's page (the table continued without its header:
    the reader reads its rows only if they stand in the table's columns), and a page of a file
    naming it right after a page read whose first line is a row number or a prefecture
    sub-heading (a numbered list going on over the page). Slides of
    prose or diagrams around the list are not read; nor is a table on a page that does not
    name the programme (another programme's list with the same columns). Remembers the pages
    passed over, for the notes."""

    def __init__(self, source_id: str, path: Path, whole_file: bool = False) -> None:
        self.source_id = source_id
        self.path = Path(path)
        self.whole_file = whole_file
        self.not_naming: list[int] = []  # pages with a table that do not name the programme
        self.no_text: list[int] = []  # pages without a text layer

    def __call__(self, pages: Iterator[Page]) -> Iterator[Page]:
        texts: dict[int, str] = {}
        seen: list[Page] = []
        file_named = False
        if self.whole_file:  # the whole file is read if any page names the programme
            seen = list(pages)
            texts = {page.number: self._text(page.number, page.rows) for page in seen}
            file_named = any(PROGRAM_ANCHOR in text for text in texts.values())
            pages = iter(seen)
        last_header: tuple[int, list[str | None]] | None = None  # (page, roles) of the last read
        last_read: int | None = None
        total = 0
        for page in pages:
            number, rows = page.number, page.rows
            total += 1
            text = texts[number] if number in texts else self._text(number, rows)
            if not text:
                self.no_text.append(number)
                continue
            kinds = [kind_of(row, shape()) for row in rows]
            headers = [[h[2] for h in k.header] for k in kinds if k.header is not None]
            labelled = any(k.label is not None for k in kinds)
            named = file_named or PROGRAM_ANCHOR in text
            after_table = last_header is not None and last_header[0] == number - 1
            continues = after_table and (headers[0] == last_header[1] if headers else named)
            # a numbered list without a header going on over the page (its first line a row
            # number or a prefecture sub-heading): read, its rows checked like the rest
            goes_on = named and last_read == number - 1 and _begins_numbered(rows, kinds)
            if (named and (headers or labelled)) or continues or goes_on:
                if headers:
                    last_header = (number, headers[-1])
                elif after_table:
                    last_header = (number, last_header[1])
                last_read = number
                yield page
            elif headers:
                self.not_naming.append(number)
        if total and len(self.no_text) == total:
            check_text_layer(self.source_id, self.path, 1, "")  # raises: a scan, nothing to read

    def _text(self, number: int, rows: list[reader.Row]) -> str:
        """The page's text without spaces; empty for a page without a (readable) text layer."""
        text = " ".join(row.text for row in rows)
        try:
            check_text_layer(self.source_id, self.path, number, text)
        except SourceError:
            return ""
        return key(text)

    def notes(self) -> list[str]:
        name = self.path.name
        notes = []
        if self.no_text:
            notes.append(f"{name}: pages without a text layer (a table there would not be "
                         f"seen): {self.no_text}")
        if self.not_naming:
            notes.append(f"{name}: tables on pages {self.not_naming} not read: they do not "
                         "name 近未来技術等社会実装事業")
        return notes


def _begins_numbered(rows: list[reader.Row], kinds: list[RowKind]) -> bool:
    """The page's first line that is no furniture is a prefecture sub-heading or begins with a
    row number (「22　大和村」)."""
    first = next(((row, k) for row, k in zip(rows, kinds, strict=True) if not k.furniture), None)
    if first is None:
        return False
    row, kind = first
    text = row.own_cells[0].text if row.own_cells else ""
    return kind.prefecture is not None or classify.number(text) is not None \
        or classify.leading_number(text) is not None


def spec_for(source_id: str, path: Path | None = None, pages: ListPages | None = None,
             expected: tuple[reader.Expected, ...] | None = None) -> reader.ListSpec:
    """What the reader needs to know of the deck: some of the announced projects, on the
    pages naming the programme."""
    counts = announced_counts()
    return reader.ListSpec(
        source_id=source_id,
        what="近未来技術等社会実装事業 list",
        shape=shape(),
        expected=expected or (reader.Expected(
            "at most " + ", ".join(f"{k} {v}" for k, v in counts.items()), counts,
            "pipeline.announced", exact=False),),
        check=lambda entry: selection_lists.check_place(entry, PLACE_ROLES),
        pages=pages or ListPages(source_id, Path(path or "")),
    )


@dataclass
class ProjectList:
    """The selected projects one PDF holds, from the reading kept."""

    source_id: str
    path: Path
    entries: list[reader.Entry]
    claims: dict[int, tuple[int, int]]  # year -> (count its heading states, page)
    notes: list[str]
    title: str = ""  # the text of the first page holding entries (a list names itself 一覧)

    def years(self) -> list[int]:
        return sorted({year_of(e.category) for e in self.entries})

    def pages_of(self, year: int) -> list[int]:
        return sorted({e.page for e in self.entries if year_of(e.category) == year})

    def areas_of(self, year: int) -> list[str]:
        return [_area(e) for e in self.entries if year_of(e.category) == year]

    def records(self, years: set[int] | None = None) -> list[dict]:
        """Selection extract rows, text as printed: the area cell (several proposers stay as
        printed, 北海道・更別村・岩見沢市; the normalize stage links each), the prefecture
        printed for it (or in front of it), the field in the note."""
        out = []
        for entry in self.entries:
            year = year_of(entry.category)
            if years is not None and year not in years:
                continue
            f = entry.fields
            area = f.get("area") or ""
            prefecture = entry.prefecture or None
            if prefecture is None and area:
                prefecture, area = split_prefecture(area)
            out.append({
                "program_id": PROGRAM_ID,
                "track": TRACK,
                "fiscal_year": year,
                "round": "",
                "announced_on": None,
                "project_name_ja": f.get("project") or None,
                "lead_org_ja": None,
                "consortium_ja": None,
                "prefecture_ja": prefecture,
                "area_ja": area or prefecture or None,
                "note": f"分野: {f['field']}" if f.get("field") else None,
                "source_id": self.source_id,
                "page": entry.page,
                "list_key": None,
            })
        return out

    def frame(self) -> pd.DataFrame:
        return selections_frame(self.records())


def _area(entry: reader.Entry) -> str:
    return entry.fields.get("area") or entry.prefecture or ""


def no_rows_read(readings: list[reader.Reading]) -> bool:
    """No reading found a single project: the pages read hold no list."""
    return not any(r.entries for r in readings)


def project_list(spec: reader.ListSpec, path: Path, found: reader.ListReading,
                 notes: list[str]) -> ProjectList:
    """The projects of the reading kept, once their years are shown to be printed for them
    and the counts their headings state are what was announced."""
    reading = found.chosen.reading
    check_years_printed(spec.source_id, Path(path), reading)
    claims = check_claims(spec.source_id, Path(path), reading)
    first_page = min(e.page for e in found.entries)
    title = key(" ".join(text for page, _, text in reading.roles if page == first_page))
    return ProjectList(spec.source_id, Path(path), found.entries, claims, notes, title)


def check_years_printed(source_id: str, path: Path, reading: reader.Reading) -> None:
    """A year heading holds for the rows after it on its page and on the pages the table goes
    on over; not for a table that comes back after a page without any of its rows (a slide
    continued from further back cannot tell its year)."""
    headings = {h.index: h for h in reading.headings}
    pages_of: dict[int, set[int]] = {}
    for entry in reading.entries:
        pages_of.setdefault(entry.section, set()).add(entry.page)
    for entry in reading.entries:
        heading = headings.get(entry.section)
        if heading is None:
            continue
        between = set(range(heading.page + 1, entry.page)) - pages_of[entry.section]
        if between:
            raise SourceError(
                source_id,
                f"found a table of selected projects but cannot tell its selection year: its "
                f"nearest year heading {heading.printed!r} is on page {heading.page}, with "
                f"page(s) {sorted(between)} between that hold none of its rows (row "
                f"{' | '.join(v for v in entry.fields.values() if v)!r}); not guessing",
                path=path, page=entry.page,
            )


def check_claims(source_id: str, path: Path, reading: reader.Reading) -> dict[int, tuple[int, int]]:
    """A heading stating a count makes its table claim to be the year's whole list: the count
    must be what was announced (the reader has checked the rows against it). Returns
    year -> (count, page) of the claims."""
    claims: dict[int, tuple[int, int]] = {}
    for heading in reading.headings:
        if heading.count is None or heading.continued:
            continue
        year = year_of(heading.category)
        expected = announced(year)
        if expected is not None and heading.count != expected:
            raise SourceError(
                source_id,
                f"the material claims {heading.count} selections for FY{year}; {expected} were "
                "announced (pipeline.announced): another list or another programme?",
                path=path, page=heading.page,
            )
        claims.setdefault(year, (heading.count, heading.page))
    return claims


def read_deck(source_id: str, path: Path) -> ProjectList:
    """The selected projects the deck tables (maybe none)."""
    path = Path(path)
    pages = ListPages(source_id, path)
    spec = spec_for(source_id, path, pages)
    readings = reader.readings_of(spec, path)
    notes = pages.notes()
    if no_rows_read(readings):
        if any(role == "header" for r in readings for _, role, _ in r.roles):
            raise SourceError(source_id, "found a table header of selected projects but no "
                              "rows under it", path=path)
        return ProjectList(source_id, path, [], {}, [f"{path.name}: {NO_TABLE_NOTE}", *notes])
    return project_list(spec, path, choose(readings, spec, path), notes)


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """Selected projects where the material tables them; otherwise zero rows and a note."""
    pdfs = [Path(f) for f in files]
    if not pdfs:
        raise SourceError(source_id, "no file to extract")
    if len(pdfs) > 1:
        raise SourceError(source_id, f"expected one PDF, found {[str(p) for p in pdfs]}")
    found = read_deck(source_id, pdfs[0])
    notes = [n.removeprefix(f"{pdfs[0].name}: ") for n in found.notes]
    frame = found.frame()
    notes += [f"FY{year}: {len(found.areas_of(year))} rows, the table does not claim to be "
              "complete" for year in found.years() if year not in found.claims]
    return ExtractOutput({"selections": frame}, notes=notes)
