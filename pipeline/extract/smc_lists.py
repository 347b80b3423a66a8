"""The two Smart Mobility Challenge selection lists (METI パイロット地域, MLIT 先行モデル事業).

Both lists are published as PDF attachments of the METI release and again as MLIT-hosted
copies; nobody on the team has seen any of them. So a list is found by its table header
(column aliases in ``layouts/smc_lists.csv``), never by page number or file name, and which
list a PDF holds is read from its own title words (パイロット地域 / 先行モデル事業 ...).
Counts are checked against ``pipeline.announced`` at extraction time, so a layout the reader
does not understand fails with the file and page to look at instead of publishing a short list.

The table reader in the first half of this module is not SMC-specific (the Cabinet Office
extractor uses it too): it handles ruled tables (pdfplumber's table finder), unruled tables
(columns from the header words and the white gutters between data words), wrapped cells,
section rows (``観光地型``) and tables continued on the next page without a header.

``list_key`` (how the normalize stage links one region selected in both lists): the area text
as printed, NFKC, without spaces, without a leading prefecture name or a trailing
``（茨城県）``, with list separators (、,/) written as ``・``; prefixed ``smc:``. The prefecture
is left out because one list may print it and the other not. Two rows of one list with the
same key get ``#2``, ``#3`` suffixes, so they never merge with each other.
"""

from __future__ import annotations

import copy
import csv
import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.announced import (
    ANNOUNCED_COUNTS,
    SMC_ANNOUNCED_ON,
    SMC_SELECTED_BY_BOTH,
    SMC_TOTAL_SELECTED,
)
from pipeline.errors import SourceError
from pipeline.extract.pdf import (
    PageView,
    Word,
    check_text_layer,
    cluster_positions,
    group_lines,
    iter_pages,
    merge_words,
    open_pdf,
)
from pipeline.extract.result import ExtractOutput
from pipeline.text import area_key, text_or_empty

LAYOUTS = Path(__file__).with_name("layouts")

SELECTION_EXTRACT_COLUMNS = [
    "program_id", "track", "fiscal_year", "round", "announced_on", "project_name_ja",
    "lead_org_ja", "consortium_ja", "prefecture_ja", "area_ja", "note", "source_id", "page",
    "list_key",
]

PROGRAM_ID = "smart_mobility_challenge_2019"
METI_PILOT = "meti_pilot"
MLIT_MODEL = "mlit_model"
LIST_NAMES = {METI_PILOT: "METI パイロット地域 list", MLIT_MODEL: "MLIT 先行モデル事業 list"}

# Title words that say which list a PDF holds. Strong words name the list; weak words only
# name the ministry and decide when no strong word is present.
STRONG_ANCHORS = {
    METI_PILOT: ("パイロット地域",),
    MLIT_MODEL: ("先行モデル", "新モビリティサービス推進事業"),
}
WEAK_ANCHORS = {
    METI_PILOT: ("経済産業省", "経産省"),
    MLIT_MODEL: ("国土交通省", "国交省"),
}

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
_PREFECTURE_RE = re.compile("^(" + "|".join(PREFECTURES) + ")")

# A row with one filled cell that matches this is a section heading inside the table.
SMC_SECTION_RE = re.compile(r"型|タイプ")
# Lines that end a table (notes under it) and lines that are only page furniture.
_NOTE_RE = re.compile(r"^[\s　]*(※|\*|＊|注[\d０-９]*[:：.．)）]|（注|\(注|出典|備考|資料[:：])")
_PAGE_NUMBER_RE = re.compile(r"^[\s\-－―—–]*\d{1,3}(\s*/\s*\d{1,3})?[\s\-－―—–]*$")
_NUMBER_CELL_RE = re.compile(r"^[\d０-９]{1,3}[.．]?$|^[①-⑳❶-❿]$")


# --- text helpers ---------------------------------------------------------------------------

def norm(text: str | None) -> str:
    """NFKC without any whitespace: how header cells and anchors are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def join_wrapped(parts: Iterable[str]) -> str:
    """Join the lines of a wrapped cell without a space: Japanese text wraps anywhere, even
    inside a Latin word (``Maa`` / ``S``), so a line end is not a word boundary."""
    return "".join(p.strip() for p in parts)


def split_prefecture(area: str) -> tuple[str | None, str]:
    """A leading prefecture name of an area as printed (``茨城県日立市`` -> 茨城県)."""
    match = _PREFECTURE_RE.match(area.strip())
    return (match.group(1), area) if match else (None, area)


def list_key(area: str | None) -> str | None:
    """Key linking one region across the two lists (see the module docstring): the area as
    lists are compared (pipeline.text.area_key), so the two cannot disagree."""
    text = area_key(text_or_empty(area)).strip("・")
    return f"smc:{text}" if text else None


@cache
def load_aliases(file_name: str) -> dict[str, str]:
    """Header alias -> column role, from a layouts CSV (role,alias,note)."""
    with (LAYOUTS / file_name).open(encoding="utf-8", newline="") as fh:
        return {norm(row["alias"]): row["role"] for row in csv.DictReader(fh)}


def role_of(text: str | None, aliases: dict[str, str]) -> str | None:
    """Role of a header cell; a trailing bracket (``事業名（概要）``) or mark is ignored."""
    key = norm(text)
    if key in aliases:
        return aliases[key]
    key = re.sub(r"[（(][^）)]*[）)]$|[※*＊]\d*$", "", key)
    return aliases.get(key)


# --- generic header-anchored table reader -----------------------------------------------------

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


CARRIED_ROLES = ("type", "fiscal_year")


@dataclass
class FoundTable:
    page: int
    roles: list[str | None]
    header_texts: list[str]
    rows: list[Row]
    above: list[str]  # lines above the header on its page, top to bottom
    section_lines: list[str] = field(default_factory=list)
    col_xs: list[float] = field(default_factory=list)
    bottom: float = 0.0
    page_height: float = 0.0
    continued: bool = False
    ruled: bool = False


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
) -> list[FoundTable]:
    found: list[FoundTable] = []
    lines = group_lines(view.words)
    for table in view.tables:
        for h, header in enumerate(table.rows[:3]):
            roles = _unique_roles([role_of(c, aliases) for c in header])
            if not header_ok(roles):
                continue
            top = table.bbox[1]
            above = [_line_text(ln) for ln in lines if ln[0]["bottom"] <= top + 1]
            ft = FoundTable(
                page=view.number,
                roles=roles,
                header_texts=[norm(c) for c in header],
                rows=[],
                above=above,
                col_xs=cluster_positions(c[0] for c in table.cells),
                bottom=table.bbox[3],
                page_height=view.height,
                ruled=True,
            )
            _add_ruled_rows(ft, table.rows[h + 1:], view.number, top, section_re, carry)
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
) -> None:
    """Rows of a pdfplumber table; a merged cell's value is carried down its column."""
    carried = carry.values
    for i, raw in enumerate(rows):
        texts = [join_wrapped((c or "").split("\n")) for c in raw]
        filled = [t for t in texts if t]
        if not filled:
            continue
        if len(filled) == 1 and texts[0] and section_re.search(filled[0]):
            carry.section = filled[0]
            ft.section_lines.append(filled[0])
            continue
        cells: dict[str, str] = {}
        for role, text, cell in zip(ft.roles, texts, raw, strict=False):
            if role is None:
                continue
            if not text and (cell is None or role in CARRIED_ROLES):
                text = carried.get(role, "")  # vertically merged cell, or a group's label
            cells[role] = text
            if text:
                carried[role] = text
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
        if merged and w["x0"] - merged[-1][-1]["x1"] <= max(6.0, w.get("size", 10) * 0.9):
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
    regular = [
        w for w in data_words
        if sum(1 for c in centers if w["x0"] < c < w["x1"]) < 2  # not a spanning section row
    ]
    bounds: list[float] = []
    for left, right in zip(centers, centers[1:], strict=False):
        rules = [
            r["x0"] for r in v_rules
            if left < r["x0"] < right and r["top"] <= top + 2 and r["bottom"] >= top
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
    sections = [
        len(line) == 1
        and bool(section_re.search(line[0]["text"]))
        and (not bounds or line[0]["x0"] < bounds[0])  # starts in the first column
        and (number_col is None or not cols.get(number_col))
        for line, cols in parsed
    ]
    gaps = [  # spacing inside a wrapped cell vs between rows (section lines left out)
        b[0][0]["top"] - max(w["bottom"] for w in a[0])
        for a, b, sa, sb in zip(parsed, parsed[1:], sections, sections[1:], strict=False)
        if not (sa or sb)
    ]
    threshold = None
    if gaps:
        lo, hi = min(gaps), max(gaps)
        if hi - lo > 2 and hi > 1.6 * max(lo, 0.5):
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
        ft.rows.append(Row(cells, carry.section, ft.page, current_top))

    for (line, cols), is_section in zip(parsed, sections, strict=True):
        text = _line_text(line)
        if is_section:
            flush()
            current, previous_line = None, line
            carry.section = norm(text)
            ft.section_lines.append(carry.section)
            continue
        top = line[0]["top"]
        if current is None:
            new_row = True
        elif h_rules:
            new_row = any(current_top - 1 < y < top + 1 for y in h_rules)
        elif number_col is not None:
            new_row = bool(cols.get(number_col))
        elif threshold is not None and previous_line is not None:
            new_row = top - max(w["bottom"] for w in previous_line) > threshold
        else:
            new_row = True
        if new_row:
            flush()
            current, current_top = {}, top
        assert current is not None
        for i, words in cols.items():
            current.setdefault(i, []).append(join_wrapped(w["text"] for w in words))
        previous_line = line
    flush()


def _table_lines(lines: list[list[Word]], start: int, stop_at: set[int]) -> list[list[Word]]:
    """Data lines after a header: up to the next header, a note line, or a wide vertical gap."""
    out: list[list[Word]] = []
    heights: list[float] = []
    for i in range(start, len(lines)):
        line = lines[i]
        if i in stop_at or _NOTE_RE.match(_line_text(line)):
            break
        if _is_furniture(line):
            continue
        if out:
            gap = line[0]["top"] - max(w["bottom"] for w in out[-1])
            if gap > max(40.0, 4 * statistics.median(heights)):
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
        data = _table_lines(lines, i + 1, set(headers))
        top = min(w["top"] for w in header)
        bounds = _boundaries(header, [w for ln in data for w in ln], view.v_rules, top)
        x_min = min(w["x0"] for w in header) - 50
        ft = FoundTable(
            page=view.number,
            roles=roles,
            header_texts=[norm(w["text"]) for w in header],
            rows=[],
            above=[_line_text(ln) for ln in lines[:i]],
            col_xs=[x_min, *bounds],
            bottom=max((w["bottom"] for ln in data for w in ln), default=top),
            page_height=view.height,
        )
        h_rules = _row_rules(view, header, data)
        _word_rows(ft, data, bounds, h_rules, section_re, carry)
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
        if r["x0"] <= x0 + 5 and r["x1"] >= x1 - 5 and top <= r["top"] <= bottom
    ]
    ys = cluster_positions(ys)
    return ys if len(ys) >= 2 else []


def _continuation(
    view: PageView, prev: FoundTable, section_re: re.Pattern, carry: Carry
) -> list[FoundTable]:
    """A table continued from the previous page without repeating its header."""
    if prev.ruled:
        for table in view.tables:
            xs = cluster_positions(c[0] for c in table.cells)
            if len(xs) == len(prev.col_xs) and all(
                abs(a - b) <= 3 for a, b in zip(xs, prev.col_xs, strict=True)
            ):
                ft = FoundTable(
                    page=view.number, roles=prev.roles, header_texts=prev.header_texts,
                    rows=[], above=[], col_xs=xs, bottom=table.bbox[3],
                    page_height=view.height, continued=True, ruled=True,
                )
                _add_ruled_rows(ft, table.rows, view.number, table.bbox[1], section_re, carry)
                return [ft] if ft.rows else []
        return []
    # unruled: only if the previous table ran to the bottom of its page and this page starts
    # with a line that fills at least two columns
    if prev.bottom < 0.75 * prev.page_height:
        return []
    lines = [ln for ln in group_lines(view.words) if not _is_furniture(ln)]
    if not lines:
        return []
    bounds = prev.col_xs[1:]
    first_cols = {_column(w, bounds) for w in lines[0]}
    if len(first_cols) < 2:
        return []
    data = _table_lines(lines, 0, set())
    ft = FoundTable(
        page=view.number, roles=prev.roles, header_texts=prev.header_texts, rows=[],
        above=[], col_xs=prev.col_xs, page_height=view.height, continued=True,
        bottom=max((w["bottom"] for ln in data for w in ln), default=0.0),
    )
    _word_rows(ft, data, bounds, [], section_re, carry)
    return [ft] if ft.rows else []


def scan_pdf(
    source_id: str,
    path: Path,
    aliases: dict[str, str],
    header_ok: HeaderTest,
    section_re: re.Pattern = SMC_SECTION_RE,
) -> PdfScan:
    """Read every page: its lines of text and every table with a recognised header.

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
            trial = copy.deepcopy(carry)  # kept only if the ruled tables are
            found = _ruled_tables(view, aliases, header_ok, section_re, trial)
            if any(t.rows for t in found):
                carry = trial
            else:  # no ruled table, or its body split off: read the words instead
                found = []
            if not found:
                found = _word_tables(view, aliases, header_ok, section_re, rejected, carry)
            if not found and prev is not None:
                found = _continuation(view, prev, section_re, carry)
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


# --- the SMC lists ----------------------------------------------------------------------------

def debug_marks(view: PageView) -> list[tuple[tuple[float, float, float, float], str]]:
    """What the SMC list reader recognises on a page (``python -m pipeline debug``)."""
    return table_debug_marks(view, load_aliases("smc_lists.csv"), smc_header_ok, SMC_SECTION_RE)


def smc_header_ok(roles: list[str | None]) -> bool:
    """A list header names the region and at least one of project / organisation."""
    present = set(roles)
    return bool(present & {"area", "prefecture"}) and bool(
        present & {"project", "lead", "consortium"}
    )


@dataclass
class SmcList:
    """One of the two lists as read from one PDF."""

    track: str
    source_id: str
    path: Path
    rows: list[Row]
    pages: list[int]
    other_runs: list[int]  # pages of later header tables that were not read as this list


def _anchor_kind(text: str) -> tuple[str | None, str]:
    """Which list a title names: strong words first, then the ministry; '' if both."""
    t = norm(text)
    for anchors in (STRONG_ANCHORS, WEAK_ANCHORS):
        kinds = {k for k, words in anchors.items() if any(norm(w) in t for w in words)}
        if len(kinds) == 1:
            return kinds.pop(), "named"
        if len(kinds) == 2:
            return None, "both"
    return None, "none"


def anchors_seen(scan: PdfScan) -> dict[str, list[int]]:
    """Pages on which each list's strong title words appear."""
    seen: dict[str, list[int]] = {}
    for page, lines in scan.page_lines.items():
        t = norm("".join(lines))
        for kind, words in STRONG_ANCHORS.items():
            if any(norm(w) in t for w in words):
                seen.setdefault(kind, []).append(page)
    return seen


def read_smc_list(
    source_id: str, path: Path, expected: str | None = None
) -> tuple[SmcList | None, PdfScan]:
    """The list a PDF holds, or None if it has no list table (e.g. the 参考 attachment).

    The first run of consecutive table pages is the list; a later table (a 概要 page of
    "一覧および概要") is not read and is named in count errors.
    """
    scan = scan_pdf(source_id, path, load_aliases("smc_lists.csv"), smc_header_ok)
    if not scan.tables:
        if expected is not None:
            raise no_header_error(scan, expected)
        return None, scan
    first = scan.tables[0]
    run = [first]
    for t in scan.tables[1:]:
        if t.page - run[-1].page <= 1 and (t.continued or t.page == run[-1].page
                                          or t.roles == first.roles):
            run.append(t)
        else:
            break
    other = sorted({t.page for t in scan.tables[len(run):]})
    title = "\n".join(first.above) or scan.text(first.page)
    kind, how = _anchor_kind(title)
    if kind is None:
        # the header page says nothing: try the whole first page, then the whole file
        for text in (scan.text(1), "\n".join(scan.text(p) for p in scan.page_lines)):
            kind, how = _anchor_kind(text)
            if kind is not None:
                break
    if kind is None and expected is None:
        raise SourceError(
            source_id,
            "found a selection table but cannot tell which list it is: the title names "
            + ("both パイロット地域 and 先行モデル事業" if how == "both" else "neither list")
            + f" (title lines: {first.above[:3]})",
            path=path, page=first.page,
        )
    if expected is not None and kind is not None and kind != expected:
        raise SourceError(
            source_id,
            f"expected the {LIST_NAMES[expected]} but the title names the {LIST_NAMES[kind]} "
            f"(title lines: {first.above[:3]})",
            path=path, page=first.page,
        )
    rows = [r for t in run for r in t.rows]
    found = SmcList(kind or expected or "", source_id, Path(path), rows,
                    sorted({t.page for t in run}), other)
    return found, scan


def no_header_error(scan: PdfScan, track: str) -> SourceError:
    """No table header was recognised: name the pages that look like the list."""
    pages = anchors_seen(scan).get(track) or sorted(scan.page_lines)[:1]
    page = pages[0]
    seen = scan.header_candidates.get(page) or scan.page_lines.get(page, [])[:4]
    detail = (
        f"no table header was recognised for the {LIST_NAMES[track]} (looked for a line "
        "with a region column such as 地域/都道府県/市町村 and one of 事業名/代表団体/実施主体; "
        f"aliases in pipeline/extract/layouts/smc_lists.csv); lines seen on the page: {seen}"
    )
    if scan.no_text_pages:
        detail += f"; pages without a text layer: {scan.no_text_pages}"
    return SourceError(scan.source_id, detail, path=scan.path, page=page)


def announced_for(track: str) -> tuple[int, int]:
    """(fiscal year, count) announced for one SMC track."""
    (entry,) = [
        a for a in ANNOUNCED_COUNTS if a.program_id == PROGRAM_ID and a.track == track
    ]
    return entry.fiscal_year, entry.count


def check_count(lst: SmcList) -> None:
    """A list must hold exactly the announced number of selections."""
    _, expected = announced_for(lst.track)
    if len(lst.rows) == expected:
        return
    last = lst.rows[-1].page if lst.rows else lst.pages[0]
    short = "short" if len(lst.rows) < expected else "long"
    hint = (
        f" (tables on later pages {lst.other_runs} were not read as part of the list)"
        if lst.other_runs else ""
    )
    raise SourceError(
        lst.source_id,
        f"the {LIST_NAMES[lst.track]} is {short}: {len(lst.rows)} rows read on pages "
        f"{lst.pages}, {expected} announced{hint}; areas read: "
        f"{[r.cells.get('area', '') for r in lst.rows]}",
        path=lst.path, page=last,
    )


def check_both(meti: SmcList, mlit: SmcList, frame: pd.DataFrame) -> None:
    """28 = 13 + 19 - 4: the lists must share exactly the announced regions."""
    keys = {
        t: set(frame.loc[frame.track == t, "list_key"].dropna()) for t in (METI_PILOT, MLIT_MODEL)
    }
    both = keys[METI_PILOT] & keys[MLIT_MODEL]
    total = len(keys[METI_PILOT] | keys[MLIT_MODEL])
    if len(both) != SMC_SELECTED_BY_BOTH or total != SMC_TOTAL_SELECTED:
        raise SourceError(
            meti.source_id,
            f"the two lists share {len(both)} regions ({sorted(both)}) and name {total} in "
            f"all; {SMC_SELECTED_BY_BOTH} shared and {SMC_TOTAL_SELECTED} in all were announced "
            f"(METI list {meti.path} pages {meti.pages}; MLIT list {mlit.path} pages "
            f"{mlit.pages}); area names printed differently in the two lists?",
            path=meti.path, page=meti.pages[0],
        )


def _note(row: Row) -> str | None:
    parts = []
    section = row.cells.get("type") or row.section
    if section:
        parts.append(f"類型: {section}")
    if row.cells.get("concept"):
        parts.append(f"コンセプト: {row.cells['concept']}")
    return "; ".join(parts) or None


def smc_frame(lst: SmcList, announced_on: str = SMC_ANNOUNCED_ON) -> pd.DataFrame:
    """Selection extract rows of one list, text as printed."""
    fiscal_year, _ = announced_for(lst.track)
    records = []
    seen: dict[str, int] = {}
    for row in lst.rows:
        area = row.cells.get("area") or ""
        prefecture = row.cells.get("prefecture") or None
        if prefecture is None and area:
            prefecture, area = split_prefecture(area)
        key = list_key(area or prefecture)
        if key is not None:
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key}#{seen[key]}"
        records.append({
            "program_id": PROGRAM_ID,
            "track": lst.track,
            "fiscal_year": fiscal_year,
            "round": "",
            "announced_on": announced_on,
            "project_name_ja": row.cells.get("project") or None,
            "lead_org_ja": row.cells.get("lead") or None,
            "consortium_ja": row.cells.get("consortium") or None,
            "prefecture_ja": prefecture,
            "area_ja": area or None,
            "note": _note(row),
            "source_id": lst.source_id,
            "page": row.page,
            "list_key": key,
        })
    return selections_frame(records)


def selections_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """A selection extract frame with the contract's columns and types (also when empty)."""
    frame = pd.DataFrame.from_records(records, columns=SELECTION_EXTRACT_COLUMNS)
    frame["fiscal_year"] = frame["fiscal_year"].astype("int64")
    frame["page"] = frame["page"].astype("Int64")
    return frame


def extract_single_list(source_id: str, files: list[Path], track: str) -> ExtractOutput:
    """Extractor body of the MLIT-hosted copies: one PDF, one list, its own count checked."""
    pdfs = [Path(f) for f in files if Path(f).suffix.lower() == ".pdf"] or [
        Path(f) for f in files
    ]
    if not pdfs:
        raise SourceError(source_id, "no file to extract")
    lists: list[SmcList] = []
    for path in sorted(pdfs):
        lst, _ = read_smc_list(source_id, path, expected=track)
        assert lst is not None
        check_count(lst)
        lists.append(lst)
    frames = [smc_frame(lst) for lst in lists]
    if len(frames) > 1:
        keys = [tuple(f["list_key"]) for f in frames]
        if len(set(keys)) > 1:
            raise SourceError(
                source_id,
                f"{len(frames)} files hold different versions of the {LIST_NAMES[track]}: "
                f"{[str(p) for p in sorted(pdfs)]}; keep one",
            )
    frame = frames[0]
    note = f"{LIST_NAMES[track]}: {len(frame)} rows from {lists[0].path.name}"
    return ExtractOutput({"selections": frame}, notes=[note])
