"""Header-anchored table reader: the rows of a PDF table found by its column header words.

Nobody on the team has seen most of the source PDFs, so a table is never found by page number
or position: it is the lines under a header whose cells name known columns (aliases in a
``layouts/*.csv`` file, compared NFKC without spaces), and a caller's ``HeaderTest`` decides
which combinations of column roles make a header. Two readings, in this order:

- a *ruled* table (pdfplumber's table finder, from ruling lines) whose first rows hold such a
  header: cells come as pdfplumber drew them, and an empty merged cell takes the value above;
- otherwise the *words* of the page: columns are cut at a vertical rule between two header
  cells or else in the widest white gutter between them, and visual lines are grouped into rows
  by horizontal rules, by a number cell, or by a line gap wider than the gaps inside wrapped
  cells (the gaps are measured on the page, so no font size is assumed).

Around both: a wrapped cell's lines are joined without a space (Japanese wraps anywhere); a
lone line matching the caller's ``section_re`` is a section heading that applies to the rows
under it; group labels printed once (``CARRIED_ROLES``) carry down; page numbers are page
furniture; a note line (※, 注, 出典 ...) or a wide vertical gap ends a table; and a page without
a header continues the previous page's table only if that one ran to the page bottom (unruled)
or has the same column rulings (ruled). The tolerances below are in PDF points (1/72 inch) and
named for what they separate; a layout they do not fit shows up as a count error of the caller,
and ``pipeline.debug`` (``table_debug_marks``) draws what was recognised.
"""

from __future__ import annotations

import copy
import csv
import re
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.extract.pdf import (
    PageView,
    TableView,
    Word,
    check_text_layer,
    cluster_positions,
    group_lines,
    iter_pages,
    merge_words,
    open_pdf,
)
from pipeline.text import nfkc_no_whitespace

LAYOUTS = Path(__file__).with_name("layouts")

# Tolerances and thresholds, in PDF points unless said otherwise.
# A line belongs above a ruled table if its bottom is at most this far below the table's top.
ABOVE_TABLE_TOLERANCE = 1
# A ruled table's header is one of its first rows (a title row may come before it).
RULED_HEADER_ROWS = 3
# Letter-spaced header words (地　域) closer than this are one cell: the larger of a fixed gap
# and a fraction of the font size (DEFAULT_FONT_SIZE when the word has none).
LETTER_SPACING_MIN_GAP = 6.0
LETTER_SPACING_FONT_RATIO = 0.9
DEFAULT_FONT_SIZE = 10
# A word crossing this many header centres spans columns (a section row): no gutter evidence.
SPANNING_HEADER_CENTRES = 2
# A vertical rule separates two header cells if it reaches this close to the header's top.
RULE_REACH_TOLERANCE = 2
# Line gaps tell rows apart only if the widest exceeds the narrowest by this much and by this
# factor (narrowest taken as at least ROW_GAP_FLOOR); rows then split at the middle gap.
ROW_GAP_MIN_DIFFERENCE = 2
ROW_GAP_MIN_RATIO = 1.6
ROW_GAP_FLOOR = 0.5
# A horizontal rule starts a new row if it lies between two lines, give or take this much.
ROW_RULE_TOLERANCE = 1
# A row rule must span the header's width, give or take this much, and a table needs at least
# MIN_ROW_RULES of them to be read as ruled by rows.
ROW_RULE_SPAN_TOLERANCE = 5
MIN_ROW_RULES = 2
# A vertical gap wider than both of these ends a table: a fixed gap and a number of median
# line heights.
TABLE_END_MIN_GAP = 40.0
TABLE_END_LINE_HEIGHTS = 4
# The first column starts this far left of the header's first cell (row numbers, labels).
FIRST_COLUMN_MARGIN = 50
# A ruled table continues on the next page if its column x positions agree within this.
CONTINUED_COLUMN_TOLERANCE = 3
# An unruled table may continue on the next page only if it ended below this fraction of its
# page's height, and the next page's first line fills at least CONTINUED_MIN_COLUMNS columns.
CONTINUED_MIN_DEPTH = 0.75
CONTINUED_MIN_COLUMNS = 2
# Columns whose values are printed once for a group of rows and carry down (類型, 選定年度).
CARRIED_ROLES = ("type", "fiscal_year")
# A header cell is matched by a word ending (``*地域`` aliases) only if it is this short.
SUFFIX_MATCH_MAX_CHARS = 8

# Lines that end a table (notes under it) and lines that are only page furniture.
_NOTE_RE = re.compile(r"^[\s　]*(※|\*|＊|注[\d０-９]*[:：.．)）]|（注|\(注|出典|備考|資料[:：])")
_PAGE_NUMBER_RE = re.compile(r"^[\s\-－―—–]*\d{1,3}(\s*/\s*\d{1,3})?[\s\-－―—–]*$")
# A row number cell (1, １, 1., (1), ①): a lone line that is not one may be a heading even if
# it starts in the number column.
_ROW_NUMBER_RE = re.compile(r"^[\s(（]*([0-9０-９]{1,3}|[①-⑳])[\s.．)）]*$")


def join_wrapped(parts: Iterable[str]) -> str:
    """Join the lines of a wrapped cell without a space: Japanese text wraps anywhere, even
    inside a Latin word (``Maa`` / ``S``), so a line end is not a word boundary."""
    return "".join(p.strip() for p in parts)


@cache
def load_aliases(file_name: str) -> dict[str, str]:
    """Header alias -> column role, from a layouts CSV (role,alias,note)."""
    with (LAYOUTS / file_name).open(encoding="utf-8", newline="") as fh:
        return {nfkc_no_whitespace(row["alias"]): row["role"] for row in csv.DictReader(fh)}


def role_of(text: str | None, aliases: dict[str, str]) -> str | None:
    """Role of a header cell; a trailing bracket (``事業名（概要）``) or mark is ignored.

    An alias written ``*地域`` is a word ending: a short cell ending so (``選定地域``, at most
    SUFFIX_MATCH_MAX_CHARS characters, longest ending first) gets its role when no alias
    names the cell exactly. Japanese compounds end in the word that says what they are, so
    this reads a header by meaning without listing every compound.
    """
    key = nfkc_no_whitespace(text)
    if key in aliases:
        return aliases[key]
    key = re.sub(r"[（(][^）)]*[）)]$|[※*＊]\d*$", "", key)
    if key in aliases:
        return aliases[key]
    if not key or len(key) > SUFFIX_MATCH_MAX_CHARS:
        return None
    for ending, role in _suffix_aliases(aliases):
        if key.endswith(ending):
            return role
    return None


def _suffix_aliases(aliases: dict[str, str]) -> list[tuple[str, str]]:
    """``*ending`` aliases as (ending, role), longest ending first."""
    found = [(alias[1:], role) for alias, role in aliases.items()
             if alias.startswith("*") and len(alias) > 1]
    return sorted(found, key=lambda pair: -len(pair[0]))


@dataclass
class Row:
    """One table row: cell text by column role, the section heading in effect, its page."""

    cells: dict[str, str]
    section: str | None
    page: int
    top: float


@dataclass
class Carry:
    """What runs on from one table (or page) to the next: the section heading in effect and
    group labels printed once for several rows (類型, 選定年度)."""

    section: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # from group label lines (GroupLabels)



@dataclass
class FoundTable:
    page: int
    roles: list[str | None]
    header_texts: list[str]
    rows: list[Row]
    above: list[str]  # lines above the header on its page, top to bottom
    section_lines: list[str] = field(default_factory=list)
    group_lines: list[str] = field(default_factory=list)  # group label lines (【愛知県】)
    col_xs: list[float] = field(default_factory=list)
    bottom: float = 0.0
    page_height: float = 0.0
    continued: bool = False
    ruled: bool = False
    # What the reader made of each visual line, for ``page_line_roles``: unruled tables by
    # the id of the line's first word; ruled tables by pdfplumber's table and a role per row.
    line_roles: dict[int, str] = field(default_factory=dict)
    table: TableView | None = None
    header_row: int = -1  # index in table.rows of the header, -1 for a continued table
    row_roles: list[str] = field(default_factory=list)  # per table row after the header


@dataclass
class PdfScan:
    """Everything read from one PDF: tables with a recognised header and each page's text."""

    source_id: str
    path: Path
    tables: list[FoundTable]
    page_lines: dict[int, list[str]]
    no_text_pages: list[int]
    header_candidates: dict[int, list[str]]  # page -> header-like lines that were rejected

    def text(self, page: int) -> str:
        return "\n".join(self.page_lines.get(page, []))


HeaderTest = Callable[[list[str | None]], bool]
# Role -> pattern of a lone line that labels the rows under it instead of a column
# (prefecture sub-headings such as ``【愛知県】``); a named group ``label`` is the value.
GroupLabels = Mapping[str, re.Pattern]


def group_label(text: str, groups: GroupLabels | None) -> tuple[str, str] | None:
    """(role, value) if ``text`` is a group label line."""
    for role, pattern in (groups or {}).items():
        match = pattern.search(nfkc_no_whitespace(text))
        if match:
            return role, match.groupdict().get("label") or match.group(0)
    return None


def _fill_group_roles(cells: dict[str, str], groups: GroupLabels | None, carry: Carry) -> None:
    """A cell left blank takes the label of the group heading above its row."""
    for role in groups or {}:
        if not cells.get(role) and carry.labels.get(role):
            cells[role] = carry.labels[role]


def _line_text(line: list[Word]) -> str:
    return " ".join(w["text"] for w in line)


def _unique_roles(roles: list[str | None]) -> list[str | None]:
    """A role used by two columns keeps only its first column (e.g. 事業名 and 事業概要)."""
    seen: set[str] = set()
    out: list[str | None] = []
    for role in roles:
        out.append(None if role in seen else role)
        if role:
            seen.add(role)
    return out


def _ruled_tables(
    view: PageView,
    aliases: dict[str, str],
    header_ok: HeaderTest,
    section_re: re.Pattern,
    carry: Carry,
    groups: GroupLabels | None = None,
) -> list[FoundTable]:
    found: list[FoundTable] = []
    lines = group_lines(view.words)
    for table in view.tables:
        for h, header in enumerate(table.rows[:RULED_HEADER_ROWS]):
            roles = _unique_roles([role_of(c, aliases) for c in header])
            if not header_ok(roles):
                continue
            top = table.bbox[1]
            above = [
                _line_text(ln) for ln in lines if ln[0]["bottom"] <= top + ABOVE_TABLE_TOLERANCE
            ]
            ft = FoundTable(
                page=view.number,
                roles=roles,
                header_texts=[nfkc_no_whitespace(c) for c in header],
                rows=[],
                above=above,
                col_xs=cluster_positions(c[0] for c in table.cells),
                bottom=table.bbox[3],
                page_height=view.height,
                ruled=True,
                table=table,
                header_row=h,
            )
            _add_ruled_rows(ft, table.rows[h + 1:], view.number, top, section_re, carry, groups)
            found.append(ft)
            break
    return found


def _add_ruled_rows(
    ft: FoundTable,
    rows: list[list[str | None]],
    page: int,
    top: float,
    section_re: re.Pattern,
    carry: Carry,
    groups: GroupLabels | None = None,
) -> None:
    """Rows of a pdfplumber table; a merged cell's value is carried down its column."""
    carried = carry.values
    for i, raw in enumerate(rows):
        texts = [join_wrapped((c or "").split("\n")) for c in raw]
        filled = [t for t in texts if t]
        ft.row_roles.append("section")
        if not filled:
            ft.row_roles[-1] = "unplaced"
            continue
        label = group_label(filled[0], groups) if len(filled) == 1 and texts[0] else None
        if label is not None:
            carry.labels[label[0]] = label[1]
            ft.group_lines.append(filled[0])
            continue
        if len(filled) == 1 and texts[0] and section_re.search(filled[0]):
            carry.section = filled[0]
            ft.section_lines.append(filled[0])
            continue
        ft.row_roles[-1] = "entry"
        cells: dict[str, str] = {}
        for role, text, cell in zip(ft.roles, texts, raw, strict=False):
            if role is None:
                continue
            if not text and (cell is None or role in CARRIED_ROLES):
                text = carried.get(role, "")  # vertically merged cell, or a group's label
            cells[role] = text
            if text:
                carried[role] = text
        _fill_group_roles(cells, groups, carry)
        ft.rows.append(Row(cells, carry.section, page, top + i))


def _header_line(
    line: list[Word], aliases: dict[str, str], header_ok: HeaderTest
) -> list[Word] | None:
    """The header cells of a line, if it is a table header (words, or letter-spaced words)."""
    roles = _unique_roles([role_of(w["text"], aliases) for w in line])
    if header_ok(roles):
        return line
    # letter-spaced headers (地　域 drawn as separate characters): merge close words
    merged: list[list[Word]] = []
    for w in line:
        max_gap = max(
            LETTER_SPACING_MIN_GAP,
            w.get("size", DEFAULT_FONT_SIZE) * LETTER_SPACING_FONT_RATIO,
        )
        if merged and w["x0"] - merged[-1][-1]["x1"] <= max_gap:
            merged[-1].append(w)
        else:
            merged.append([w])
    cells = [merge_words(m) if len(m) > 1 else m[0] for m in merged]
    roles = _unique_roles([role_of(w["text"], aliases) for w in cells])
    return cells if header_ok(roles) else None


def _boundaries(
    header: list[Word], data_words: list[Word], v_rules: list[dict[str, Any]], top: float
) -> list[float]:
    """x positions between columns: a vertical rule, else the widest white gutter."""
    centers = [(w["x0"] + w["x1"]) / 2 for w in header]
    regular = [  # a word across several header centres is a spanning section row
        w for w in data_words
        if sum(1 for c in centers if w["x0"] < c < w["x1"]) < SPANNING_HEADER_CENTRES
    ]
    bounds: list[float] = []
    for left, right in zip(centers, centers[1:], strict=False):
        rules = [
            r["x0"] for r in v_rules
            if left < r["x0"] < right
            and r["top"] <= top + RULE_REACH_TOLERANCE
            and r["bottom"] >= top
        ]
        if rules:
            bounds.append(min(rules, key=lambda x: abs(x - (left + right) / 2)))
            continue
        covered = sorted(
            (max(left, w["x0"]), min(right, w["x1"]))
            for w in regular + header
            if w["x1"] > left and w["x0"] < right
        )
        gaps: list[tuple[float, float]] = []
        cursor = left
        for x0, x1 in covered:
            if x0 > cursor:
                gaps.append((cursor, x0))
            cursor = max(cursor, x1)
        if cursor < right:
            gaps.append((cursor, right))
        if gaps:
            g = max(gaps, key=lambda g: g[1] - g[0])
            bounds.append((g[0] + g[1]) / 2)
        else:
            bounds.append((left + right) / 2)
    return bounds


def _column(word: Word, bounds: list[float]) -> int:
    mid = (word["x0"] + word["x1"]) / 2
    return sum(1 for b in bounds if b < mid)


def _is_furniture(line: list[Word]) -> bool:
    return bool(_PAGE_NUMBER_RE.match(_line_text(line)))


def _word_rows(
    ft: FoundTable,
    lines: list[list[Word]],
    bounds: list[float],
    h_rules: list[float],
    section_re: re.Pattern,
    carry: Carry,
    groups: GroupLabels | None = None,
) -> None:
    """Group visual lines into rows: by horizontal rules, a number cell, or wider spacing."""
    n_cols = len(ft.roles)
    number_col = ft.roles.index("number") if "number" in ft.roles else None
    parsed: list[tuple[list[Word], dict[int, list[Word]]]] = []
    for line in lines:
        cols: dict[int, list[Word]] = {}
        for w in line:
            cols.setdefault(min(_column(w, bounds), n_cols - 1), []).append(w)
        parsed.append((line, cols))
    lone = [  # a lone line starting in the first column that is not a row number
        len(line) == 1
        and (not bounds or line[0]["x0"] < bounds[0])
        and (number_col is None or not cols.get(number_col)
             or not _ROW_NUMBER_RE.match(line[0]["text"]))
        for line, cols in parsed
    ]
    labels = [
        group_label(line[0]["text"], groups) if is_lone else None
        for (line, _), is_lone in zip(parsed, lone, strict=True)
    ]
    sections = [
        is_lone and (label is not None or bool(section_re.search(line[0]["text"])))
        for (line, _), is_lone, label in zip(parsed, lone, labels, strict=True)
    ]
    gaps = [  # spacing inside a wrapped cell vs between rows (section lines left out)
        b[0][0]["top"] - max(w["bottom"] for w in a[0])
        for a, b, sa, sb in zip(parsed, parsed[1:], sections, sections[1:], strict=False)
        if not (sa or sb)
    ]
    threshold = None
    if gaps:
        lo, hi = min(gaps), max(gaps)
        if hi - lo > ROW_GAP_MIN_DIFFERENCE and hi > ROW_GAP_MIN_RATIO * max(lo, ROW_GAP_FLOOR):
            threshold = (lo + hi) / 2
    current: dict[int, list[str]] | None = None
    current_top = 0.0
    previous_line: list[Word] | None = None

    def flush() -> None:
        if current is None:
            return
        cells = {
            role: join_wrapped(current.get(i, []))
            for i, role in enumerate(ft.roles)
            if role is not None
        }
        if not any(cells.values()):
            return
        for role in CARRIED_ROLES:  # printed once for a group of rows
            if role in cells:
                cells[role] = cells[role] or carry.values.get(role, "")
                carry.values[role] = cells[role]
        _fill_group_roles(cells, groups, carry)
        ft.rows.append(Row(cells, carry.section, ft.page, current_top))

    for (line, cols), is_section, label in zip(parsed, sections, labels, strict=True):
        text = _line_text(line)
        if label is not None or is_section:
            ft.line_roles[id(line[0])] = "section"
        if label is not None:
            flush()
            current, previous_line = None, line
            carry.labels[label[0]] = label[1]
            ft.group_lines.append(nfkc_no_whitespace(text))
            continue
        if is_section:
            flush()
            current, previous_line = None, line
            carry.section = nfkc_no_whitespace(text)
            ft.section_lines.append(carry.section)
            continue
        top = line[0]["top"]
        if current is None:
            new_row = True
        elif h_rules:
            new_row = any(
                current_top - ROW_RULE_TOLERANCE < y < top + ROW_RULE_TOLERANCE for y in h_rules
            )
        elif number_col is not None:
            new_row = bool(cols.get(number_col))
        elif threshold is not None and previous_line is not None:
            new_row = top - max(w["bottom"] for w in previous_line) > threshold
        else:
            new_row = True
        ft.line_roles[id(line[0])] = "entry" if new_row else "continuation"
        if new_row:
            flush()
            current, current_top = {}, top
        assert current is not None
        for i, words in cols.items():
            current.setdefault(i, []).append(join_wrapped(w["text"] for w in words))
        previous_line = line
    flush()


def _table_lines(
    lines: list[list[Word]], start: int, stop_at: set[int], skipped: dict[int, str] | None = None
) -> list[list[Word]]:
    """Data lines after a header: up to the next header, a note line, or a wide vertical gap.
    Page furniture skipped on the way, and the note line that ends the table, go to
    ``skipped`` (id of the line's first word -> "furniture")."""
    out: list[list[Word]] = []
    heights: list[float] = []
    for i in range(start, len(lines)):
        line = lines[i]
        if i in stop_at:
            break
        if _NOTE_RE.match(_line_text(line)):
            if skipped is not None:
                skipped[id(line[0])] = "furniture"
            break
        if _is_furniture(line):
            if skipped is not None:
                skipped[id(line[0])] = "furniture"
            continue
        if out:
            gap = line[0]["top"] - max(w["bottom"] for w in out[-1])
            if gap > max(TABLE_END_MIN_GAP, TABLE_END_LINE_HEIGHTS * statistics.median(heights)):
                break
        out.append(line)
        heights.append(max(w["bottom"] - w["top"] for w in line))
    return out


def _word_tables(
    view: PageView,
    aliases: dict[str, str],
    header_ok: HeaderTest,
    section_re: re.Pattern,
    rejected: list[str],
    carry: Carry,
    groups: GroupLabels | None = None,
) -> list[FoundTable]:
    lines = group_lines(view.words)
    headers: dict[int, list[Word]] = {}
    for i, line in enumerate(lines):
        cells = _header_line(line, aliases, header_ok)
        if cells is not None:
            headers[i] = cells
        elif sum(1 for w in line if role_of(w["text"], aliases)) >= 1 and len(line) >= 2:
            rejected.append(_line_text(line))
    found: list[FoundTable] = []
    for i, header in headers.items():
        roles = _unique_roles([role_of(w["text"], aliases) for w in header])
        skipped: dict[int, str] = {id(lines[i][0]): "header"}
        data = _table_lines(lines, i + 1, set(headers), skipped)
        top = min(w["top"] for w in header)
        bounds = _boundaries(header, [w for ln in data for w in ln], view.v_rules, top)
        x_min = min(w["x0"] for w in header) - FIRST_COLUMN_MARGIN
        ft = FoundTable(
            page=view.number,
            roles=roles,
            header_texts=[nfkc_no_whitespace(w["text"]) for w in header],
            rows=[],
            above=[_line_text(ln) for ln in lines[:i]],
            col_xs=[x_min, *bounds],
            bottom=max((w["bottom"] for ln in data for w in ln), default=top),
            page_height=view.height,
            line_roles=skipped,
        )
        h_rules = _row_rules(view, header, data)
        _word_rows(ft, data, bounds, h_rules, section_re, carry, groups)
        found.append(ft)
    return found


def _row_rules(view: PageView, header: list[Word], data: list[list[Word]]) -> list[float]:
    """y of horizontal rules crossing the table's width below the header (ruled, unfound)."""
    if not data:
        return []
    x0 = min(w["x0"] for w in header)
    x1 = max(w["x1"] for w in header)
    top = max(w["bottom"] for w in header)
    bottom = max(w["bottom"] for ln in data for w in ln)
    ys = [
        r["top"] for r in view.h_rules
        if r["x0"] <= x0 + ROW_RULE_SPAN_TOLERANCE
        and r["x1"] >= x1 - ROW_RULE_SPAN_TOLERANCE
        and top <= r["top"] <= bottom
    ]
    ys = cluster_positions(ys)
    return ys if len(ys) >= MIN_ROW_RULES else []


def _continuation(
    view: PageView,
    prev: FoundTable,
    section_re: re.Pattern,
    carry: Carry,
    groups: GroupLabels | None = None,
) -> list[FoundTable]:
    """A table continued from the previous page without repeating its header."""
    if prev.ruled:
        for table in view.tables:
            xs = cluster_positions(c[0] for c in table.cells)
            if len(xs) == len(prev.col_xs) and all(
                abs(a - b) <= CONTINUED_COLUMN_TOLERANCE
                for a, b in zip(xs, prev.col_xs, strict=True)
            ):
                ft = FoundTable(
                    page=view.number, roles=prev.roles, header_texts=prev.header_texts,
                    rows=[], above=[], col_xs=xs, bottom=table.bbox[3],
                    page_height=view.height, continued=True, ruled=True, table=table,
                )
                _add_ruled_rows(ft, table.rows, view.number, table.bbox[1], section_re, carry,
                                groups)
                return [ft] if ft.rows else []
        return []
    # unruled: only if the previous table ran to the bottom of its page and this page starts
    # with a line that fills at least two columns
    if prev.bottom < CONTINUED_MIN_DEPTH * prev.page_height:
        return []
    lines = [ln for ln in group_lines(view.words) if not _is_furniture(ln)]
    if not lines:
        return []
    bounds = prev.col_xs[1:]
    first_cols = {_column(w, bounds) for w in lines[0]}
    if len(first_cols) < CONTINUED_MIN_COLUMNS:
        return []
    skipped: dict[int, str] = {}
    data = _table_lines(lines, 0, set(), skipped)
    ft = FoundTable(
        page=view.number, roles=prev.roles, header_texts=prev.header_texts, rows=[],
        above=[], col_xs=prev.col_xs, page_height=view.height, continued=True,
        bottom=max((w["bottom"] for ln in data for w in ln), default=0.0), line_roles=skipped,
    )
    _word_rows(ft, data, bounds, [], section_re, carry, groups)
    return [ft] if ft.rows else []


def _read_page(
    view: PageView,
    aliases: dict[str, str],
    header_ok: HeaderTest,
    section_re: re.Pattern,
    groups: GroupLabels | None,
    carry: Carry,
    prev: FoundTable | None,
    rejected: list[str],
) -> tuple[list[FoundTable], Carry]:
    """The tables of one page (ruled, else read from the words, else continued from the
    previous page's) and what runs on to the next page."""
    trial = copy.deepcopy(carry)  # kept only if the ruled tables are
    found = _ruled_tables(view, aliases, header_ok, section_re, trial, groups)
    if any(t.rows for t in found):
        carry = trial
    else:  # no ruled table, or its body split off: read the words instead
        found = []
    if not found:
        found = _word_tables(view, aliases, header_ok, section_re, rejected, carry, groups)
    if not found and prev is not None:
        found = _continuation(view, prev, section_re, carry, groups)
    return found, carry


def page_line_roles(
    view: PageView,
    aliases: dict[str, str],
    header_ok: HeaderTest,
    section_re: re.Pattern,
    groups: GroupLabels | None = None,
) -> list[tuple[str, str]]:
    """(role, text) of each visual line of a page, top to bottom, as the reader placed it:
    ``header``, ``entry`` (a line that starts a row), ``continuation`` (a further line of
    that row), ``section`` (a heading or group label over rows), ``furniture`` (page numbers,
    notes), ``unplaced`` (read as none of these: titles, prose, and on a page that continues
    a table without repeating its header, since the page is read alone here)."""
    found, _ = _read_page(view, aliases, header_ok, section_re, groups, Carry(), None, [])
    lines = group_lines(view.words)
    roles: dict[int, str] = {}
    for ft in found:
        roles.update(ft.line_roles)
        if ft.table is not None:
            roles.update(_ruled_line_roles(lines, ft))
    out = []
    for line in lines:
        text = _line_text(line)
        role = roles.get(id(line[0]))
        if role is None:
            role = "furniture" if _is_furniture(line) or _NOTE_RE.match(text) else "unplaced"
        out.append((role, text))
    return out


def _ruled_line_roles(lines: list[list[Word]], ft: FoundTable) -> dict[int, str]:
    """Roles of the lines inside a ruled table, by the table row each line lies in."""
    assert ft.table is not None
    bbox = ft.table.bbox
    tops = sorted(cluster_positions(c[1] for c in ft.table.cells))
    spans = [(t, tops[k + 1] if k + 1 < len(tops) else bbox[3]) for k, t in enumerate(tops)]
    first = ft.header_row + 1
    row_role = {first + k: role for k, role in enumerate(ft.row_roles)}
    if ft.header_row >= 0:
        row_role[ft.header_row] = "header"
    roles: dict[int, str] = {}
    seen_rows: set[int] = set()
    for line in lines:
        mid = (line[0]["top"] + line[0]["bottom"]) / 2
        if not (bbox[0] <= line[0]["x0"] <= bbox[2]):
            continue
        row = next((k for k, (t, b) in enumerate(spans) if t <= mid < b), None)
        if row is None:
            continue
        role = row_role.get(row, "unplaced")
        if role == "entry" and row in seen_rows:
            role = "continuation"
        seen_rows.add(row)
        roles[id(line[0])] = role
    return roles


def scan_pdf(
    source_id: str,
    path: Path,
    aliases: dict[str, str],
    header_ok: HeaderTest,
    section_re: re.Pattern,
    groups: GroupLabels | None = None,
) -> PdfScan:
    """Read every page: its lines of text and every table with a recognised header.

    ``groups``: lone lines that label the rows under them instead of a column (role ->
    pattern, e.g. prefecture sub-headings); a row's blank cell of that role takes the label.

    Pages without text are recorded, not fatal: an attachment may be a map or a photo. Pages
    whose text is mostly unmapped glyphs still fail (``check_text_layer``).
    """
    scan = PdfScan(source_id, Path(path), [], {}, [], {})
    with open_pdf(source_id, path) as pdf:
        prev: FoundTable | None = None
        carry = Carry()
        for view in iter_pages(source_id, path, pdf, check_text=False, tables=True):
            lines = group_lines(view.words)
            scan.page_lines[view.number] = [_line_text(ln) for ln in lines]
            if not view.words:
                scan.no_text_pages.append(view.number)
                prev, carry = None, Carry()
                continue
            check_text_layer(source_id, path, view.number, view.text)
            rejected: list[str] = []
            found, carry = _read_page(
                view, aliases, header_ok, section_re, groups, carry, prev, rejected
            )
            if rejected:
                scan.header_candidates[view.number] = rejected
            scan.tables.extend(found)
            prev = found[-1] if found else None
            if prev is None:
                carry = Carry()  # a page without a table ends what ran on
    return scan


def table_debug_marks(
    view: PageView, aliases: dict[str, str], header_ok: HeaderTest, section_re: re.Pattern
) -> list[tuple[tuple[float, float, float, float], str]]:
    """Boxes for ``pipeline.debug``: recognised header cells, section lines, page furniture."""
    marks: list[tuple[tuple[float, float, float, float], str]] = []
    for line in group_lines(view.words):
        cells = _header_line(line, aliases, header_ok)
        if cells is not None:
            marks += [((w["x0"], w["top"], w["x1"], w["bottom"]), "header") for w in cells]
            continue
        label = (
            "heading" if len(line) == 1 and section_re.search(line[0]["text"])
            else "furniture" if _is_furniture(line) or _NOTE_RE.match(_line_text(line))
            else None
        )
        if label:
            marks += [((w["x0"], w["top"], w["x1"], w["bottom"]), label) for w in line]
    return marks

