"""MIC データ利活用型スマートシティ推進事業: one round's candidates (採択候補) from a release page.

The national releases and the regional bureaus' copies (総合通信局) are HTML pages holding the
list as an HTML table (cells merged over rows or columns, wrapped with ``<br>``), as text lines
under a header line, or as ``実施地域：…`` blocks, with the columns in any order. Columns are
recognised by meaning from the header vocabulary in ``layouts/mic_release.csv`` (a new header
is a line there), no single column required. The page must name the programme and carry the
date its round was announced (``pipeline.announced.DATA_SMARTCITY_ROUNDS``), in 和暦 or
western form; otherwise it is not the release its source expects and the source fails, naming
the file. A regional page lists only its region's candidates, so the count is checked against
the nationwide figure as an upper bound, and against the figure the page prints, if any.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from pipeline.announced import (
    DATA_SMARTCITY_PROGRAM,
    DATA_SMARTCITY_ROUNDS,
    AnnouncedRound,
    announced_round_count,
)
from pipeline.errors import SourceError
from pipeline.extract.html import read_html_page
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.text import (
    KANJI_DATE_RE,
    iso_dates,
    nfkc_no_whitespace,
    normalize_text,
    split_prefecture,
)

TRACK = "subsidy"
LAYOUT_FILE = Path(__file__).with_name("layouts") / "mic_release.csv"
ROLES = ("area", "prefecture", "lead", "project", "consortium", "number")

_NUMERIC_DATE_RE = re.compile(r"(?<!\d)(?P<era>[HR])?(?P<y>\d{4}|\d{1,2})[./](?P<m>\d{1,2})"
                              r"[./](?P<d>\d{1,2})(?!\d)")
# "全国で4件", "全国4件", "計4件の提案を採択候補": the nationwide figure a regional page prints.
_NATIONWIDE_RE = re.compile(r"全国(?:で|から|において)?(?:計|合計)?"
                            r"(?P<n>\d+|[一二三四五六七八九十]+)(?:件|団体|事業|者)")
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九十")}
# Separators between the columns of a text line: a tab, a full-width space, a bar, 2+ spaces.
_COLUMN_GAP_RE = re.compile(r"\t|\u3000|[|｜]|\s{2,}")
_KEY_VALUE_RE = re.compile(r"^[○◯●・■◆\-\s]*(?P<key>[^：:]{1,12})\s*[：:]\s*(?P<value>.+)$")
_END_OF_LIST_RE = re.compile(r"^(?:※|以上|【|<|＜|\(注|（注|問い合わせ|お問い合わせ|お問合せ|"
                             r"連絡先)")


@dataclass
class Candidate:
    """One row as printed: the text of each recognised column, and where it was read."""

    cells: dict[str, str]
    place: str


@cache
def header_roles() -> dict[str, str]:
    """Header cell (compared without spaces, NFKC) -> role, from the layout CSV."""
    with LAYOUT_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    roles: dict[str, str] = {}
    for row in rows:
        if row["role"] not in ROLES:
            raise ValueError(f"{LAYOUT_FILE}: unknown role {row['role']!r}")
        roles[nfkc_no_whitespace(row["alias"])] = row["role"]
    return roles


def role_of(cell: str) -> str | None:
    """The role of a header cell (a trailing note mark or bracket ignored), or None."""
    key = nfkc_no_whitespace(cell).strip("※*()[]（）")
    return header_roles().get(key)


def page_dates(text: str) -> list[str]:
    """Every date in the text (ISO), 和暦 or western; a two-digit year needs an era."""
    return iso_dates(text, (KANJI_DATE_RE, _NUMERIC_DATE_RE))


def read_page(source_id: str, path: Path) -> BeautifulSoup:
    """The page as parsed HTML; an empty file, a PDF or an error page is an error."""
    return read_html_page(source_id, path, "the release").soup


def read_single_page(source_id: str, files: list[Path]) -> tuple[Path, BeautifulSoup, str]:
    """The source's one page: its path, parsed HTML and text; more or fewer files is an error."""
    pages = [Path(f) for f in files]
    if len(pages) != 1:
        raise SourceError(source_id, f"expected one page, found {len(pages)}: "
                          f"{[str(p) for p in pages]}")
    (path,) = pages
    soup = read_page(source_id, path)
    return path, soup, soup.get_text("\n", strip=True)


def check_release(source_id: str, path: Path, text: str, expected: AnnouncedRound,
                  programme: str, rounds: tuple[AnnouncedRound, ...]) -> None:
    """The page names the programme and carries its round's date, else it is another page."""
    if nfkc_no_whitespace(programme) not in nfkc_no_whitespace(text):
        raise SourceError(source_id, f"the page does not name {programme}: not the release of "
                          f"that programme", path=path)
    dates = page_dates(text)
    if expected.announced_on in dates:
        return
    other = [r for r in rounds if r.announced_on in dates]
    label = f"FY{expected.fiscal_year} {expected.round or ''} round".replace("  ", " ")
    if other:
        found = ", ".join(f"FY{r.fiscal_year} {r.round} ({r.announced_on})" for r in other)
        raise SourceError(source_id, f"the page is the release of {found}, not of the {label} "
                          f"announced on {expected.announced_on}: archived under the wrong "
                          "source?", path=path)
    shown = ", ".join(dates[:3]) or "none"
    raise SourceError(source_id, f"the page is not dated {expected.announced_on}, the day the "
                      f"{label} was announced (dates on the page: {shown}): a different or "
                      "updated release?", path=path)


def _cell_text(cell: Tag) -> str:
    """A cell's text with wrapped lines joined (no space inside Japanese, one between Latin)."""
    return normalize_text(cell.get_text(" ", strip=True))


def table_grid(table: Tag) -> list[list[str]]:
    """The table's rows with merged cells (rowspan, colspan) repeated into every slot."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows left, text) of a rowspan
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # a row of a nested table
        row: list[str] = []
        cells = [c for c in tr.find_all(["th", "td"]) if c.find_parent("tr") is tr]
        column = 0
        for cell in cells:
            column = _carry_rowspans(row, pending, column)
            text = _cell_text(cell)
            span = _span(cell, "colspan")
            down = _span(cell, "rowspan")
            for _ in range(span):
                row.append(text)
                if down > 1:
                    pending[column] = (down - 1, text)
                column += 1
        _carry_rowspans(row, pending, column)
        grid.append(row)
    return grid


def _carry_rowspans(row: list[str], pending: dict[int, tuple[int, str]], column: int) -> int:
    """Fill ``row`` from ``column`` on with the cells that rows above span into it; returns the
    next free column."""
    while column in pending:
        left, text = pending[column]
        row.append(text)
        if left == 1:
            del pending[column]
        else:
            pending[column] = (left - 1, text)
        column += 1
    return column


def _span(cell: Tag, attribute: str) -> int:
    try:
        return max(1, int(str(cell.get(attribute, "1")).strip() or 1))
    except ValueError:
        return 1


def _header_columns(cells: list[str]) -> dict[int, str] | None:
    """Column index -> role when the cells are a list header (two roles or more, one of them
    the area, the proposer or the project), else None."""
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        role = role_of(cell)
        if role and role not in columns.values():
            columns[index] = role
    named = set(columns.values()) & {"area", "lead", "project"}
    return columns if len(columns) >= 2 and named else None


def rows_from_tables(soup: BeautifulSoup) -> list[Candidate]:
    """Rows of every table whose header (its first rows, merged headers included) names the
    list's columns; a header repeated further down is skipped."""
    found: list[Candidate] = []
    for number, table in enumerate(soup.find_all("table"), start=1):
        grid = table_grid(table)
        header_at, columns = None, None
        for index, cells in enumerate(grid[:4]):
            columns = _header_columns(cells)
            if columns:
                header_at = index
                break
        if columns is None or header_at is None:
            continue
        for index, cells in enumerate(grid[header_at + 1:], start=header_at + 2):
            if _header_columns(cells) or not any(cells):
                continue
            values = {role: cells[i] for i, role in columns.items() if i < len(cells)}
            if not any(v for r, v in values.items() if r != "number"):
                continue
            found.append(Candidate(values, f"table {number}, row {index}"))
    return found


def _split_line(line: str, width: int, strong: bool) -> list[str] | None:
    """The line's cells, split as its header was: on strong gaps (tab, full-width space, bar,
    2+ spaces) or, when the header had only single spaces, on any space."""
    parts = _COLUMN_GAP_RE.split(line) if strong else line.split()
    parts = [p.strip() for p in parts if p.strip()]
    return parts if len(parts) == width else None


def rows_from_text(source_id: str, path: Path, soup: BeautifulSoup) -> list[Candidate]:
    """Rows printed as text: lines under a header line, or ``実施地域：…`` blocks."""
    # Split before any clean-up: NFKC turns the full-width space between columns into a space.
    lines = [line.strip() for line in soup.get_text("\n").splitlines()]
    lines = [(n, line) for n, line in enumerate(lines, start=1) if line]
    found: list[Candidate] = []
    for at, (_, line) in enumerate(lines):
        header = line.replace("|", " ").replace("｜", " ").split()
        columns = _header_columns(header)
        if not columns or len(columns) != len(header):
            continue
        roles = [columns[i] for i in range(len(header))]
        strong = len([p for p in _COLUMN_GAP_RE.split(line) if p.strip()]) == len(header)
        last: Candidate | None = None
        for number, text in lines[at + 1:]:
            if _END_OF_LIST_RE.match(normalize_text(text)):
                break
            parts = _split_line(text, len(roles), strong)
            if parts is None:
                if last is not None and len(text.split()) == 1 and len(found) and \
                        len(text) < 60:
                    # a long last cell wrapped onto the next line
                    last.cells[roles[-1]] += normalize_text(text)
                    continue
                if not found:
                    raise SourceError(source_id, f"line {number}: cannot split {text!r} into "
                                      f"the {len(roles)} columns {roles} of the header line",
                                      path=path)
                break
            cells = [normalize_text(part) for part in parts]
            last = Candidate(dict(zip(roles, cells, strict=True)), f"line {number}")
            found.append(last)
        if found:
            return found
    return _key_value_blocks(lines)


def _key_value_blocks(lines: list[tuple[int, str]]) -> list[Candidate]:
    """``実施地域：札幌市`` / ``代表提案団体：…`` lines; a role seen again starts a new row."""
    found: list[Candidate] = []
    current: Candidate | None = None
    for number, line in lines:
        match = _KEY_VALUE_RE.match(line)
        role = role_of(match.group("key")) if match else None
        if role is None or role == "number":
            continue
        if current is None or role in current.cells:
            current = Candidate({}, f"line {number}")
            found.append(current)
        current.cells[role] = normalize_text(match.group("value"))
    return [c for c in found if len(c.cells) >= 2 or "area" in c.cells]


def nationwide_count(text: str) -> int | None:
    """The nationwide number of candidates the page prints (全国で4件), if it prints one."""
    match = _NATIONWIDE_RE.search(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    n = match.group("n")
    if n.isdigit():
        return int(n)
    if n.startswith("十"):
        return 10 + (_KANJI_DIGITS.get(n[1:], 0) if len(n) > 1 else 0)
    return _KANJI_DIGITS.get(n)


def _record(candidate: Candidate, expected: AnnouncedRound, source_id: str) -> dict:
    cells = candidate.cells
    area = cells.get("area") or ""
    printed_prefecture = cells.get("prefecture") or None
    prefecture = printed_prefecture or split_prefecture(area)[0] or split_prefecture(
        cells.get("lead") or "")[0]
    if not area:  # no area column: the page names only the proposer, a local government?
        area = cells.get("lead") or ""
    return {
        "program_id": expected.program_id,
        "track": TRACK,
        "fiscal_year": expected.fiscal_year,
        "round": expected.round,
        "announced_on": expected.announced_on,
        "project_name_ja": cells.get("project") or None,
        "lead_org_ja": cells.get("lead") or None,
        "consortium_ja": cells.get("consortium") or None,
        "prefecture_ja": prefecture,
        "area_ja": area or None,
        "note": f"採択候補 (candidate); read at {candidate.place}",
        "source_id": source_id,
        "page": None,
        "list_key": None,
    }


def extract_round(source_id: str, files: list[Path], fiscal_year: int,
                  round_: str, regional: bool) -> ExtractOutput:
    """The candidates of one round (FY, ``first``/``additional``) from its release page.

    A national page (``regional`` false) lists every candidate of the round, so fewer rows than
    announced is a misread; a regional bureau's page lists only its own (registry
    ``partial_list``)."""
    (expected,) = [r for r in DATA_SMARTCITY_ROUNDS
                   if (r.fiscal_year, r.round) == (fiscal_year, round_)]
    path, soup, text = read_single_page(source_id, files)
    check_release(source_id, path, text, expected, DATA_SMARTCITY_PROGRAM, DATA_SMARTCITY_ROUNDS)
    candidates = rows_from_tables(soup) or rows_from_text(source_id, path, soup)
    if not candidates:
        raise SourceError(source_id, "no list of candidates was recognised (no table or text "
                          f"line with a header such as 実施地域 | 代表提案団体 | 事業名; headers "
                          f"known: {LAYOUT_FILE.name})", path=path)
    announced = announced_round_count(expected, TRACK)
    printed = nationwide_count(text)
    if printed is not None and printed != announced:
        raise SourceError(source_id, f"the page says {printed} candidates nationwide, "
                          f"{announced} were announced (pipeline/announced.py)", path=path)
    if len(candidates) > announced:
        raise SourceError(source_id, f"{len(candidates)} rows read ({candidates[-1].place} is "
                          f"the last), more than the {announced} announced for FY{fiscal_year} "
                          f"{round_}: a table that is not the list?", path=path)
    for candidate in candidates:
        if not (candidate.cells.get("area") or candidate.cells.get("lead")):
            raise SourceError(source_id, f"{candidate.place}: neither an area nor a proposer "
                              f"is printed ({candidate.cells})", path=path)
    notes = []
    if len(candidates) < announced and not regional:
        raise SourceError(source_id, f"{len(candidates)} rows read, {announced} announced for "
                          f"FY{fiscal_year} {round_}: the national release lists every "
                          "candidate, so a row was not read", path=path)
    if len(candidates) < announced:
        notes.append(f"lists {len(candidates)} of the {announced} candidates announced "
                     "nationwide (a regional page)")
    frame = selections_frame([_record(c, expected, source_id) for c in candidates])
    return ExtractOutput({"selections": frame}, notes=notes)
