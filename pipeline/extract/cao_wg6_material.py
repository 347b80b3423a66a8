"""Cabinet Office hearing material (wg6, 2019-11-05, 資料1-4): 近未来技術等社会実装事業 projects.

Nobody has seen this file (research section 7): it is a slide deck that *may* list the
selected projects (FY2018: 14, FY2019: 8). So this is the one extractor for which zero rows is
a legitimate result: a deck without a table of selected projects gives an empty frame whose
``attrs['note']`` says so. Where a table is found (headers in
``layouts/cao_wg6_material.csv``), every row needs a selection year from a 選定年度 column, a
section row inside the table, or the nearest heading above it (平成30年度選定 ...); a table
whose year cannot be read is an error, never a guess. A heading that states a count
("14事業") makes the table claim to be complete, and the count is then checked, also against
``pipeline.announced``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from pipeline.announced import ANNOUNCED_COUNTS
from pipeline.errors import SourceError
from pipeline.extract.pdf import PageView, check_text_layer
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
NO_TABLE_NOTE = "no table of selected projects found"
# A table is this programme's only on a page that names it (近未来技術等社会実装事業, renamed
# 未来技術社会実装事業 in 2020), or continued from such a page: the hearing also heard MLIT,
# whose material may table its own smart-city model projects with the same columns.
PROGRAM_ANCHOR = "未来技術"

_ERA = r"(?P<era>平成|令和|H|R)\s*(?P<n>\d{1,2}|元)"
# In headings and section rows a year must say 年度 (a date 令和元年11月5日 is not a year).
HEADING_YEAR_RE = re.compile(rf"(?:{_ERA}|(?P<west>20\d\d))\s*年度")
# In a 選定年度 column the bare forms H30, R1, 2018 are years too.
CELL_YEAR_RE = re.compile(rf"(?:{_ERA}|(?P<west>20\d\d))(?:\s*年度?)?")
CLAIM_RE = re.compile(r"(\d{1,3})\s*(?:事業|件|団体|自治体|地域|プロジェクト)")


def _header_ok(roles: list[str | None]) -> bool:
    return "area" in roles and "project" in roles


def debug_marks(view: PageView) -> list[tuple[tuple[float, float, float, float], str]]:
    """What the reader recognises on a slide (``python -m pipeline debug cao_wg6_material``)."""
    return table_debug_marks(view, load_aliases("cao_wg6_material.csv"), _header_ok,
                             HEADING_YEAR_RE)


def fiscal_years(text: str | None, pattern: re.Pattern = HEADING_YEAR_RE) -> list[int]:
    """Distinct fiscal years written in ``text``, in order (平成30年度 -> 2018)."""
    found: list[int] = []
    for m in pattern.finditer(unicodedata.normalize("NFKC", text or "")):
        if m.group("west"):
            year = int(m.group("west"))
        else:
            year = western_year(m.group("era"), m.group("n"))
        if year not in found:
            found.append(year)
    return found


def _claim(text: str) -> int | None:
    """A count stated next to a year ("平成30年度選定事業（14事業）")."""
    match = CLAIM_RE.search(HEADING_YEAR_RE.sub(" ", unicodedata.normalize("NFKC", text)))
    return int(match.group(1)) if match else None


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


def _announced(fiscal_year: int) -> int | None:
    for a in ANNOUNCED_COUNTS:
        if (a.program_id, a.track, a.fiscal_year) == (PROGRAM_ID, TRACK, fiscal_year):
            return a.count
    return None


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """Selected projects where the material tables them; otherwise zero rows and a note."""
    pdfs = [Path(f) for f in files]
    if not pdfs:
        raise SourceError(source_id, "no file to extract")
    if len(pdfs) > 1:
        raise SourceError(source_id, f"expected one PDF, found {[str(p) for p in pdfs]}")
    path = pdfs[0]
    aliases = load_aliases("cao_wg6_material.csv")
    scan = scan_pdf(
        source_id, path, aliases,
        header_ok=_header_ok,
        section_re=HEADING_YEAR_RE,
    )
    if len(scan.no_text_pages) == len(scan.page_lines):
        check_text_layer(source_id, path, 1, "")  # raises: a scan, nothing can be read
    notes: list[str] = []
    if scan.no_text_pages:
        notes.append(f"pages without a text layer (a table there would not be seen): "
                     f"{scan.no_text_pages}")
    tables, skipped = _programme_tables(scan)
    if skipped:
        notes.append(f"tables on pages {skipped} not read: their pages do not name "
                     "近未来技術等社会実装事業")
    if not tables:
        seen = "; ".join(f"page {p}: {c}" for p, c in scan.header_candidates.items())
        return ExtractOutput(
            {"selections": selections_frame([])},
            notes=[NO_TABLE_NOTE, *notes,
                   *([f"header-like lines not read as a table: {seen}"] if seen else [])],
        )

    records: list[dict] = []
    claims: dict[int, tuple[int, int]] = {}  # year -> (claimed count, page)
    for table in tables:
        heading_year, heading = _heading_year(source_id, path, table)
        if heading_year is not None and _claim(heading) is not None:
            _add_claim(source_id, path, claims, heading_year, _claim(heading), table.page)
        for line in table.section_lines:
            years = fiscal_years(line)
            if len(years) == 1 and _claim(line) is not None:
                _add_claim(source_id, path, claims, years[0], _claim(line), table.page)
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
            prefecture = row.cells.get("prefecture") or None
            if prefecture is None and area:
                prefecture, area = split_prefecture(area)
            field_note = row.cells.get("field")
            records.append({
                "program_id": PROGRAM_ID,
                "track": TRACK,
                "fiscal_year": year,
                "round": "",
                "announced_on": None,
                "project_name_ja": row.cells.get("project") or None,
                "lead_org_ja": None,
                "consortium_ja": None,
                "prefecture_ja": prefecture,
                "area_ja": area or None,
                "note": f"分野: {field_note}" if field_note else None,
                "source_id": source_id,
                "page": row.page,
                "list_key": None,
            })
    if not records:
        raise SourceError(
            source_id, "found a table header of selected projects but no rows under it",
            path=path, page=tables[0].page,
        )
    frame = selections_frame(records)
    notes += _check_counts(source_id, path, frame, claims)
    return ExtractOutput({"selections": frame}, notes=notes)


def _programme_tables(scan: PdfScan) -> tuple[list[FoundTable], list[int]]:
    """Tables on pages naming the programme, or continuing one from the previous page."""
    kept: list[FoundTable] = []
    skipped: list[int] = []
    for table in scan.tables:
        named = PROGRAM_ANCHOR in nfkc_no_whitespace(scan.text(table.page))
        continues = bool(kept) and table.page - kept[-1].page <= 1 and (
            table.continued or table.roles == kept[-1].roles
        )
        if named or continues:
            kept.append(table)
        elif table.page not in skipped:
            skipped.append(table.page)
    return kept, skipped


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


def _check_counts(
    source_id: str, path: Path, frame: pd.DataFrame, claims: dict[int, tuple[int, int]]
) -> list[str]:
    """Claimed counts must match the rows and the announced figures; no claim, no excess."""
    notes: list[str] = []
    for year, rows in frame.groupby("fiscal_year"):
        held = len(rows)
        announced = _announced(int(year))
        pages = sorted({int(p) for p in rows.page})
        if year in claims:
            claimed, page = claims[year]
            if held != claimed:
                raise SourceError(
                    source_id,
                    f"the table claims {claimed} selections for FY{year} but {held} rows were "
                    f"read on pages {pages}: a row lost or a layout not understood",
                    path=path, page=page,
                )
            if announced is not None and claimed != announced:
                raise SourceError(
                    source_id,
                    f"the material claims {claimed} selections for FY{year}; {announced} were "
                    "announced (pipeline.announced): another list or another programme?",
                    path=path, page=page,
                )
        elif announced is not None and held > announced:
            raise SourceError(
                source_id,
                f"{held} rows for FY{year} on pages {pages}, more than the {announced} "
                "announced: rows read twice or another table?",
                path=path, page=pages[0],
            )
        else:
            notes.append(f"FY{year}: {held} rows, the table does not claim to be complete")
    return notes
