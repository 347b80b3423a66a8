"""Cabinet Office hearing material (wg6, 2019-11-05, 資料1-4): 近未来技術等社会実装事業 projects.

Nobody has seen this file (research section 7): it is a slide deck that *may* list the
selected projects (FY2018: 14, FY2019: 8). So this is the one extractor for which zero rows is
a legitimate result: a deck without a table of selected projects gives an empty frame and a
note that says so.

The reading of a CAO project table is here too (:func:`read_projects`), and shared with the
official selected-project lists (``cao_kinmirai_lists``), since the Cabinet Office prints both
in the same family of layouts: one table per year under a heading (平成30年度選定, 令和元年度,
H30, R1, 2018年度 ...), or one table with a 選定年度 column (era or western years, printed once
per group); 都道府県 printed on a group's first row only; a joint proposal naming several local
governments in one cell (北海道・更別村・岩見沢市: one project, three areas, split by the
normalize stage); wrapped cells; a table continued over slides with its header repeated. The
header words are data (``layouts/cao_wg6_material.csv``): a header needs a column naming who
was selected (area or prefecture) and one more known column, no single column is required.

Every row needs a selection year from a 選定年度 column, a section row inside the table, the
nearest heading above it, or the table it continues; a table whose year cannot be read is an
error, never a guess. A heading that states a count ("14事業") makes the table claim to be
complete, and the count is checked against the rows and ``pipeline.announced``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.announced import ANNOUNCED_COUNTS
from pipeline.errors import SourceError
from pipeline.extract.pdf import PageView, check_text_layer, group_lines
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.extract.tables import (
    FoundTable,
    PdfScan,
    load_aliases,
    scan_pdf,
    table_debug_marks,
)
from pipeline.text import nfkc_no_whitespace, split_prefecture, western_year

PROGRAM_ID = "near_future_tech_2018"
TRACK = "selected_project"
LAYOUT = "cao_wg6_material.csv"
NO_TABLE_NOTE = "no table of selected projects found"
# A table is this programme's only on a page that names it (近未来技術等社会実装事業, renamed
# 未来技術社会実装事業 in 2020), or continued from such a page: the hearing also heard MLIT,
# whose material may table its own smart-city model projects with the same columns.
PROGRAM_ANCHOR = "未来技術"

# A year as printed: an era and its year (平成30, 令和元, H30, R1) or a western year.
_YEAR = r"(?:平成|令和|H|R)\s*(?:\d{1,2}|元)|20\d\d"
_YEAR_PARTS_RE = re.compile(r"(?P<era>平成|令和|H|R)\s*(?P<n>\d{1,2}|元)|(?P<west>20\d\d)")
# In headings and section rows a year says 年度, or is followed by 選定/採択 (H30選定), or is
# the whole line (【R1】): a date 令和元年11月5日 is not a year.
HEADING_YEAR_RE = re.compile(
    rf"(?:{_YEAR})\s*(?:年度|年?\s*(?=選定|採択))|^[\W_]*(?:H|R)\s*(?:\d{{1,2}}|元)[\W_]*$"
)
# In a 選定年度 column the bare forms H30, R1, 2018 are years too.
CELL_YEAR_RE = re.compile(rf"(?:{_YEAR})(?:\s*年度?)?")
CLAIM_RE = re.compile(r"(\d{1,3})\s*(?:事業|件|団体|自治体|地域|プロジェクト)")
# Roles that name who was selected, and the roles that may stand beside them in a header.
WHO_ROLES = {"area", "prefecture"}
WHAT_ROLES = {"area", "project", "field", "fiscal_year"}


def header_ok(roles: list[str | None]) -> bool:
    """A header names who was selected (area or prefecture) and at least one more known
    column (project, field, year, or the area beside a prefecture)."""
    present = {r for r in roles if r}
    return bool(present & WHO_ROLES) and len(present & (WHO_ROLES | WHAT_ROLES)) >= 2


def debug_marks(view: PageView) -> list[tuple[tuple[float, float, float, float], str]]:
    """What the reader recognises on a slide (``python -m pipeline debug cao_wg6_material``)."""
    return table_debug_marks(view, load_aliases(LAYOUT), header_ok, HEADING_YEAR_RE)


def debug_lines(view: PageView) -> list[tuple[str, str]]:
    """(role, text) per visual line, top to bottom: header, heading (a year heading or
    section row), furniture (page numbers, notes) or text."""
    boxes = {box: label for box, label in debug_marks(view)}
    out: list[tuple[str, str]] = []
    for line in group_lines(view.words):
        labels = {boxes.get((w["x0"], w["top"], w["x1"], w["bottom"])) for w in line}
        role = next((r for r in ("header", "heading", "furniture") if r in labels), "text")
        out.append((role, " ".join(w["text"] for w in line)))
    return out


def fiscal_years(text: str | None, pattern: re.Pattern = HEADING_YEAR_RE) -> list[int]:
    """Distinct fiscal years written in ``text``, in order (平成30年度 -> 2018)."""
    found: list[int] = []
    for match in pattern.finditer(unicodedata.normalize("NFKC", text or "")):
        for part in _YEAR_PARTS_RE.finditer(match.group(0)):
            if part.group("west"):
                year = int(part.group("west"))
            else:
                year = western_year(part.group("era"), part.group("n"))
            if year not in found:
                found.append(year)
    return found


def _claim(text: str) -> int | None:
    """A count stated next to a year ("平成30年度選定事業（14事業）")."""
    match = CLAIM_RE.search(HEADING_YEAR_RE.sub(" ", unicodedata.normalize("NFKC", text)))
    return int(match.group(1)) if match else None


def announced(fiscal_year: int) -> int | None:
    """The number of selections announced for a fiscal year (``pipeline.announced``)."""
    for a in ANNOUNCED_COUNTS:
        if (a.program_id, a.track, a.fiscal_year) == (PROGRAM_ID, TRACK, fiscal_year):
            return a.count
    return None


@dataclass
class ProjectList:
    """The selected projects one PDF tables, with the counts its headings claim."""

    source_id: str
    path: Path
    records: list[dict]
    claims: dict[int, tuple[int, int]]  # year -> (claimed count, page)
    notes: list[str]
    scan: PdfScan
    tables: list[FoundTable] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        return selections_frame(self.records)

    def pages_of(self, year: int) -> list[int]:
        return sorted({int(r["page"]) for r in self.records if r["fiscal_year"] == year})

    def areas_of(self, year: int) -> list[str]:
        return [r["area_ja"] or r["prefecture_ja"] or "" for r in self.records
                if r["fiscal_year"] == year]


TableFilter = Callable[[PdfScan], tuple[list[FoundTable], list[int]]]


def tables_on_programme_pages(scan: PdfScan) -> tuple[list[FoundTable], list[int]]:
    """Tables on pages naming the programme, or continuing one from the previous page."""
    kept: list[FoundTable] = []
    skipped: list[int] = []
    for table in scan.tables:
        named = PROGRAM_ANCHOR in nfkc_no_whitespace(scan.text(table.page))
        if named or _continues(kept[-1] if kept else None, table):
            kept.append(table)
        elif table.page not in skipped:
            skipped.append(table.page)
    return kept, skipped


def tables_in_programme_file(scan: PdfScan) -> tuple[list[FoundTable], list[int]]:
    """Every table, if the file names the programme anywhere (an attachment of its page)."""
    text = nfkc_no_whitespace("".join(scan.text(p) for p in scan.page_lines))
    if PROGRAM_ANCHOR in text:
        return list(scan.tables), []
    return [], sorted({t.page for t in scan.tables})


def _continues(previous: FoundTable | None, table: FoundTable) -> bool:
    """A table on the next page with the same columns (header repeated, or not) goes on
    with the previous one."""
    return previous is not None and table.page - previous.page == 1 and (
        table.continued or table.roles == previous.roles
    )


def read_projects(
    source_id: str, path: Path, keep: TableFilter = tables_on_programme_pages
) -> ProjectList:
    """The selected projects a PDF tables (maybe none), every row with its year and page.

    ``keep`` picks the programme's tables among those found. Raises when a table's year cannot
    be read or headings claim two counts for one year.
    """
    path = Path(path)
    scan = scan_pdf(source_id, path, load_aliases(LAYOUT), header_ok=header_ok,
                    section_re=HEADING_YEAR_RE)
    if scan.page_lines and len(scan.no_text_pages) == len(scan.page_lines):
        check_text_layer(source_id, path, 1, "")  # raises: a scan, nothing can be read
    result = ProjectList(source_id, path, [], {}, [], scan)
    if scan.no_text_pages:
        result.notes.append(f"{path.name}: pages without a text layer (a table there would "
                            f"not be seen): {scan.no_text_pages}")
    tables, skipped = keep(scan)
    result.tables = tables
    if skipped:
        result.notes.append(f"{path.name}: tables on pages {skipped} not read: they do not "
                            "name 近未来技術等社会実装事業")
    if not tables:
        seen = "; ".join(f"page {p}: {c}" for p, c in scan.header_candidates.items())
        result.notes.insert(0, f"{path.name}: {NO_TABLE_NOTE}")
        if seen:
            result.notes.append(f"{path.name}: header-like lines not read as a table: {seen}")
        return result

    previous: FoundTable | None = None
    previous_year: int | None = None
    prefecture_in_group: str | None = None
    for table in tables:
        heading_year, heading = _heading_year(source_id, path, table)
        if heading_year is None and _continues(previous, table):
            heading_year = previous_year  # the same list, over another slide
        else:
            prefecture_in_group = None
        if heading_year is not None and _claim(heading) is not None:
            _add_claim(source_id, path, result.claims, heading_year, _claim(heading), table.page)
        for line in table.section_lines:
            years = fiscal_years(line)
            if len(years) == 1 and _claim(line) is not None:
                _add_claim(source_id, path, result.claims, years[0], _claim(line), table.page)
        for row in table.rows:
            year = _row_year(row.cells.get("fiscal_year"), row.section, heading_year)
            if year is None:
                raise SourceError(
                    source_id,
                    "found a table of selected projects but cannot tell its selection year: no "
                    "選定年度 column, no section row and no heading such as 平成30年度選定 above "
                    f"it (row {row.cells.get('area')!r} / {row.cells.get('project')!r}); "
                    "not guessing",
                    path=path, page=row.page,
                )
            area = row.cells.get("area") or ""
            printed = row.cells.get("prefecture") or None
            if "prefecture" in table.roles:
                # printed on a group's first row only: the rows under it share it
                prefecture = printed or prefecture_in_group
                prefecture_in_group = prefecture
            else:
                prefecture = None
            if prefecture is None and area:
                prefecture, area = split_prefecture(area)
            field_note = row.cells.get("field")
            result.records.append({
                "program_id": PROGRAM_ID,
                "track": TRACK,
                "fiscal_year": year,
                "round": "",
                "announced_on": None,
                "project_name_ja": row.cells.get("project") or None,
                "lead_org_ja": None,
                "consortium_ja": None,
                "prefecture_ja": prefecture,
                "area_ja": area or prefecture or None,
                "note": f"分野: {field_note}" if field_note else None,
                "source_id": source_id,
                "page": row.page,
                "list_key": None,
            })
        previous, previous_year = table, heading_year
    if not result.records:
        raise SourceError(
            source_id, "found a table header of selected projects but no rows under it",
            path=path, page=tables[0].page,
        )
    return result


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """Selected projects where the material tables them; otherwise zero rows and a note."""
    pdfs = [Path(f) for f in files]
    if not pdfs:
        raise SourceError(source_id, "no file to extract")
    if len(pdfs) > 1:
        raise SourceError(source_id, f"expected one PDF, found {[str(p) for p in pdfs]}")
    found = read_projects(source_id, pdfs[0])
    notes = [n.removeprefix(f"{pdfs[0].name}: ") for n in found.notes]
    if not found.records:
        return ExtractOutput({"selections": selections_frame([])}, notes=notes)
    frame = found.frame()
    notes += _check_counts(found, frame)
    return ExtractOutput({"selections": frame}, notes=notes)


def _heading_year(source_id: str, path: Path, table: FoundTable) -> tuple[int | None, str]:
    """The year of the nearest line above the table that names one (and that line)."""
    for line in reversed(table.above):
        years = fiscal_years(line)
        if len(years) == 1:
            return years[0], line
        if len(years) > 1:
            raise SourceError(
                source_id,
                f"the heading above the table names several years {years} ({line!r}): "
                "cannot tell which year the table lists",
                path=path, page=table.page,
            )
    return None, ""


def _row_year(cell: str | None, section: str | None, heading_year: int | None) -> int | None:
    """Year column first, then the section row in effect, then the heading above."""
    for years in (fiscal_years(cell, CELL_YEAR_RE), fiscal_years(section)):
        if len(years) == 1:
            return years[0]
    return heading_year


def _add_claim(
    source_id: str, path: Path, claims: dict[int, tuple[int, int]], year: int, count: int,
    page: int,
) -> None:
    if year in claims and claims[year][0] != count:
        raise SourceError(
            source_id,
            f"headings claim both {claims[year][0]} (page {claims[year][1]}) and {count} "
            f"selections for FY{year}",
            path=path, page=page,
        )
    claims.setdefault(year, (count, page))


def check_claims(found: ProjectList, year: int) -> bool:
    """A count the headings claim must match the rows and the announced figure; returns
    whether the year's table claims one."""
    if year not in found.claims:
        return False
    claimed, page = found.claims[year]
    held = len(found.areas_of(year))
    expected = announced(year)
    if held != claimed:
        raise SourceError(
            found.source_id,
            f"the table claims {claimed} selections for FY{year} but {held} rows were "
            f"read on pages {found.pages_of(year)}: a row lost or a layout not understood",
            path=found.path, page=page,
        )
    if expected is not None and claimed != expected:
        raise SourceError(
            found.source_id,
            f"the material claims {claimed} selections for FY{year}; {expected} were "
            "announced (pipeline.announced): another list or another programme?",
            path=found.path, page=page,
        )
    return True


def _check_counts(found: ProjectList, frame: pd.DataFrame) -> list[str]:
    """Claimed counts must match the rows and the announced figures; no claim, no excess."""
    notes: list[str] = []
    for year, rows in frame.groupby("fiscal_year"):
        year = int(year)
        held = len(rows)
        expected = announced(year)
        pages = found.pages_of(year)
        if check_claims(found, year):
            continue
        if expected is not None and held > expected:
            raise SourceError(
                found.source_id,
                f"{held} rows for FY{year} on pages {pages}, more than the {expected} "
                "announced: rows read twice or another table?",
                path=found.path, page=pages[0],
            )
        notes.append(f"FY{year}: {held} rows, the table does not claim to be complete")
    return notes
