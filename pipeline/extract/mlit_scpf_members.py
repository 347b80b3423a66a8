"""Member list of the Smart City Public-Private Partnership Platform (MLIT 001302313.pdf, 別紙1).

The real file has not been seen here, so nothing depends on page numbers or on one layout.
The list is read as a stream of rows; what a row is comes from anchor texts kept as data in
``layouts/mlit_scpf_members.csv`` (category headings and their aliases, column header aliases,
page furniture patterns):

- a row matching a furniture pattern (page header, ``- 3 -``, date line, footnote) is dropped;
- a row whose cells are column headers (会員名, 区分, No. ...) starts *table* mode: cells are
  assigned to columns by x position and the category comes from the category column;
- a row that is one category heading (``【地方公共団体】（112団体）``) starts a *section*: every
  cell after it is a member name of that category (a multi-column grid);
- a bracketed prefecture (``＜北海道＞``) inside a section sets ``prefecture_ja``.

Wrapped names are joined into one ``name_ja``: in a ruled region every line between the same
two horizontal rules and vertical rules is one cell; in an unruled table a line holding only
a name (no number, no category) continues the row above; in an unruled grid a line indented
0.4-2.5 characters right of a column start continues the name above it in that column.

A category or prefecture printed once per group holds for the rows below it: a ruled cell
that no rule cuts belongs to every row it spans, an unruled one carries over to the next
category (also over page breaks). Columns of names are read in newspaper order (each column
top to bottom) once a page shows a heading in one column beside a name in another.

Anything the extractor cannot place is a ``SourceError`` with its page. The names back the
headings (``check_content``): a bare local-government name under another category, or a name
under local governments that is none, is an error naming the page and the name. The
per-category counts are checked against the announced compositions (``pipeline.announced``)
and against the counts printed in headings: a miscount names the category that is short or
long. ``debug_lines`` gives the role the parser gave each printed line (``pipeline debug``).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline.announced import MEMBER_COMPOSITIONS, MemberComposition, matching_composition
from pipeline.errors import SourceError
from pipeline.extract.local_governments import is_local_government_name
from pipeline.extract.pdf import (
    PageView,
    Word,
    cluster_positions,
    group_lines,
    iter_pages,
    open_pdf,
    split_cells,
)
from pipeline.extract.result import MEMBER_EXTRACT_COLUMNS, ExtractOutput
from pipeline.text import nfkc_no_whitespace

TABLE = "platform_members"
LAYOUT_FILE = Path(__file__).parent / "layouts" / "mlit_scpf_members.csv"

# A heading, after NFKC without spaces: marks (numbering, bullets, brackets), the label (a
# heading alias of the layout file), then a tail of closing brackets, counts and continuation
# marks. Marks and tail pieces are data: the heading_mark and heading_tail rows of the layout.
_COUNT_RE = re.compile(r"[0-9][0-9,]*")
_PREFECTURE_RE = re.compile(
    r"^[【\[■□●○◆◇・<〈《(]+(?P<pref>北海道|東京都|京都府|大阪府|[^\s()<>]{2,3}県)[】\]>〉》)]*$"
)
_CID_RE = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class Layout:
    """Anchor texts from the layout file, in comparison form."""

    headings: dict[str, str]
    columns: dict[str, str]
    furniture: tuple[re.Pattern[str], ...]
    margin: tuple[re.Pattern[str], ...]  # furniture only in the top or bottom tenth of a page
    heading_re: re.Pattern[str]  # marks, label, tail (see heading_pattern)


def heading_pattern(marks: list[str], tails: list[str]) -> re.Pattern[str]:
    """Any number of marks, the label, and a tail made of any number of tail pieces."""
    mark = "|".join(f"(?:{m})" for m in marks) or "(?!)"
    tail = "|".join(f"(?:{t})" for t in tails) or "(?!)"
    return re.compile(f"^(?:{mark})*(?P<label>.+?)(?P<tail>(?:{tail})*)$")


@lru_cache(maxsize=4)
def load_layout(path: Path = LAYOUT_FILE) -> Layout:
    headings: dict[str, str] = {}
    columns: dict[str, str] = {}
    furniture: list[re.Pattern[str]] = []
    margin: list[re.Pattern[str]] = []
    marks: list[str] = []
    tails: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, text, value = row["kind"], row["text"], row["value"]
            if kind == "heading":
                headings[nfkc_no_whitespace(text)] = value
            elif kind == "column":
                columns[nfkc_no_whitespace(text)] = value
            elif kind == "furniture":
                furniture.append(re.compile(text))
            elif kind == "margin":
                margin.append(re.compile(text))
            elif kind == "heading_mark":
                marks.append(re.compile(text).pattern)
            elif kind == "heading_tail":
                tails.append(re.compile(text).pattern)
            else:
                raise ValueError(f"{path}: unknown kind {kind!r}")
    return Layout(
        headings, columns, tuple(furniture), tuple(margin), heading_pattern(marks, tails)
    )


@dataclass
class Cell:
    """Text of one table cell or grid entry (several printed lines when wrapped)."""

    text: str
    x0: float
    top: float
    size: float
    ruled: bool
    x1: float = 0
    bottom: float = 0
    lines: tuple[str, ...] = ()  # the printed lines, when more than one
    repeated: bool = False  # a merged cell's copy in a row below the one it starts in


def _join_lines(parts: Sequence[str]) -> str:
    """Join the printed lines of one wrapped name: no separator, except between two Latin
    letters/digits (a wrap at a word boundary in an English name)."""
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[:1].isascii() \
                and part[:1].isalnum():
            out += " "
        out += part
    return out


def row_lines(cells: list[Cell]) -> list[str]:
    """The printed lines of one row (a ruled row whose cells wrap spans several)."""
    per_cell = [c.lines or (c.text,) for c in cells if not c.repeated]
    depth = max((len(ls) for ls in per_cell), default=1)
    return [" ".join(ls[k] for ls in per_cell if k < len(ls)) for k in range(depth)]


def page_rows(view: PageView) -> list[list[Cell]]:
    """The page as rows of cells, top to bottom.

    A visual line crossed by two or more vertical rules is inside a ruled region. There each
    column (slot between two vertical rules) is cut into cells by the horizontal rules that
    cross that column, so all lines of one cell (a wrapped name) become one cell, and a cell
    that no rule cuts over several rows (a category or prefecture printed once per group,
    merged over the rows below it) belongs to each of those rows. Other lines are split into
    cells at gaps wider than 1.5 characters.
    """
    v_rules = view.v_rules
    rows: list[tuple[float, list[Cell]]] = []
    regions: dict[tuple, list[Word]] = {}
    for line in group_lines(view.words):
        top = min(w["top"] for w in line)
        mid = (top + max(w["bottom"] for w in line)) / 2
        xs = cluster_positions(
            e["x0"] for e in v_rules if e["top"] - 1 <= mid <= e["bottom"] + 1
        )
        inside = len(xs) >= 2 and all(xs[0] - 1 <= w["x0"] <= xs[-1] + 1 for w in line)
        if not inside:
            rows.append((top, line_cells(line)))
            continue
        regions.setdefault(tuple(round(x, 1) for x in xs), []).extend(line)
    for xs_key, words in regions.items():
        rows.extend(_ruled_rows(xs_key, words, view.h_rules))
    return [cells for _, cells in sorted(rows, key=lambda r: r[0])]


def line_cells(line: list[Word]) -> list[Cell]:
    """An unruled visual line split into cells at gaps wider than 1.5 characters."""
    size = max(w.get("size", 10) for w in line)
    return [
        Cell(w["text"], w["x0"], w["top"], w.get("size", size), False, w["x1"], w["bottom"])
        for w in split_cells(line, 1.5 * size)
    ]


def _gutters(lines: list[list[Word]]) -> list[tuple[float, float]]:
    """Vertical strips at least two characters wide that no word of ``lines`` touches, between
    the leftmost and the rightmost word: the gaps between columns of text."""
    spans = sorted((w["x0"], w["x1"]) for ln in lines for w in ln)
    sizes = sorted(w.get("size", 10) for ln in lines for w in ln)
    if not spans:
        return []
    min_gap = 2 * sizes[len(sizes) // 2]
    out: list[tuple[float, float]] = []
    right = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - right >= min_gap:
            out.append((right, x0))
        right = max(right, x1)
    return out


def _ruled_rows(
    xs: tuple[float, ...], words: list[Word], h_rules: list[dict]
) -> list[tuple[float, list[Cell]]]:
    """Rows of one ruled region: a row per band between rules of its finest column; a cell
    spanning several bands (merged) is repeated in each row that has a cell of its own."""
    slot_rules: list[list[float]] = []
    for left, right in zip(xs, xs[1:], strict=False):
        tops = cluster_positions(
            e["top"] for e in h_rules if e["x0"] <= left + 1 and e["x1"] >= right - 1
        )
        slot_rules.append(tops)
    cells: dict[tuple[int, float], list[list[Word]]] = {}
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        centre = (w["x0"] + w["x1"]) / 2
        slot = min(len(slot_rules) - 1, max(0, sum(1 for x in xs if x < centre) - 1))
        above = [t for t in slot_rules[slot] if t <= w["top"] + 1]
        key = (slot, max(above) if above else -1.0)
        lines = cells.setdefault(key, [])
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    built: dict[tuple[int, float], Cell] = {}
    for key, lines in cells.items():
        first = min(lines[0], key=lambda w: w["x0"])
        texts = ["".join(w["text"] for w in sorted(ln, key=lambda w: w["x0"])) for ln in lines]
        built[key] = Cell(
            _join_lines(texts), first["x0"], first["top"], first.get("size", 10), True,
            max(w["x1"] for ln in lines for w in ln),
            max(w["bottom"] for ln in lines for w in ln),
            tuple(texts) if len(texts) > 1 else (),
        )

    def span(key: tuple[int, float]) -> tuple[float, float]:
        slot, start = key
        below = [t for t in slot_rules[slot] if t > start + 1]
        return start, min(below) if below else float("inf")

    rows: list[tuple[float, list[Cell]]] = []
    for band in sorted({start for _, start in built}):
        native = [k for k in built if k[1] == band]
        # a band whose every cell started higher up is inside a merged cell: no row of its own
        if not native:
            continue
        row = [built[k] for k in native] + [
            replace(built[k], repeated=True) for k in sorted(built)
            if k not in native and span(k)[0] < band < span(k)[1]
        ]
        rows.append((min(built[k].top for k in native), sorted(row, key=lambda c: c.x0)))
    return rows


@dataclass
class Members:
    """Extracted members, column by column (a list per column with shared category strings
    costs a third of a list per row; the 100x benchmark list has 30,000 rows)."""

    name_ja: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    category_ja: list[str | None] = field(default_factory=list)
    prefecture_ja: list[str | None] = field(default_factory=list)
    page: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.name_ja)

    def append(self, name: str, category: str, category_ja: str | None,
               prefecture: str | None, page: int) -> None:
        self.name_ja.append(name)
        self.category.append(sys.intern(category))
        self.category_ja.append(sys.intern(category_ja) if category_ja else None)
        self.prefecture_ja.append(sys.intern(prefecture) if prefecture else None)
        self.page.append(page)


@dataclass
class _Heading:
    category: str
    printed: str
    count: int | None
    page: int


@dataclass
class _Parser:
    """Turns rows into members; keeps the state that carries over page breaks."""

    source_id: str
    path: Path
    layout: Layout
    members: Members = field(default_factory=Members)
    headings: list[_Heading] = field(default_factory=list)
    category: str | None = None
    category_ja: str | None = None
    prefecture: str | None = None
    table: list[tuple[float, str]] | None = None  # (header x0, role), sorted by x
    col_starts: list[float] = field(default_factory=list)
    last_in_col: dict[float, int] = field(default_factory=dict)
    # (role, printed line) of every line read, when asked for (``debug_lines``); a line the
    # parser cannot place is then recorded as ``unplaced`` instead of raising
    roles: list[tuple[str, str]] | None = None
    # columns of text read one after the other (newspaper order), once a page showed it
    column_major: bool = False

    def read_page(self, view: PageView) -> None:
        """Read one page, column by column when its text stands in columns read that way."""
        columns = self.columns_of(view)
        if columns is None:
            self.feed(view.number, page_rows(view), view.height)
            return
        for words in columns:
            self.feed(view.number, page_rows(replace(view, words=words)), view.height)

    def columns_of(self, view: PageView) -> list[list[Word]] | None:
        """The page's words as parts read one after the other: lines crossing the columns
        above them, each column top to bottom, lines crossing below; None to read by rows.

        Columns of text (strips between gutters no word of the body touches) are read as
        columns when a category or prefecture heading stands in one of them beside a name in
        another (in a name grid read by rows a heading has its line to itself), and, once a
        page showed that, on every later page with columns. A table is read by rows."""
        if self.table is not None:
            return None
        lines = group_lines(view.words)
        body = [ln for ln in lines if not self.is_furniture(line_cells(ln), view.height)]
        gutters = _gutters(body)
        if not gutters:
            return None
        edges = [g[0] for g in gutters]

        def column(w: Word) -> int:
            return sum(1 for e in edges if (w["x0"] + w["x1"]) / 2 > e)

        if not self.column_major:
            for ln in body:
                roles = [self.layout.columns.get(nfkc_no_whitespace(c.text))
                         for c in line_cells(ln)]
                if "name" in roles and sum(r is not None for r in roles) >= 2:
                    return None  # a table header
            for ln in body:
                parts: dict[int, list[Word]] = {}
                for w in ln:
                    parts.setdefault(column(w), []).append(w)
                if len(parts) < 2:
                    continue
                texts = [" ".join(w["text"] for w in ws) for ws in parts.values()]
                kinds = [bool(self.heading(t) or _PREFECTURE_RE.match(nfkc_no_whitespace(t)))
                         for t in texts]
                if any(kinds) and not all(kinds):  # a heading beside a name
                    self.column_major = True
            if not self.column_major:
                return None

        def crosses(ln: list[Word]) -> bool:
            return any(w["x0"] < a and w["x1"] > b for w in ln for a, b in gutters)

        top = min(min(w["top"] for w in ln) for ln in body)
        above = [w for ln in lines if crosses(ln) and ln[0]["top"] < top for w in ln]
        below = [w for ln in lines if crosses(ln) and ln[0]["top"] >= top for w in ln]
        inside = [w for ln in lines if not crosses(ln) for w in ln]
        out = [above] + [
            [w for w in inside if column(w) == k] for k in range(len(gutters) + 1)
        ] + [below]
        return [ws for ws in out if ws]

    def fail(self, page: int, message: str) -> SourceError:
        return SourceError(self.source_id, message, path=self.path, page=page)

    def heading(self, text: str) -> tuple[str, int | None] | None:
        m = self.layout.heading_re.match(nfkc_no_whitespace(text))
        if not m or m["label"] not in self.layout.headings:
            return None
        number = _COUNT_RE.search(m["tail"])
        count = int(number[0].replace(",", "")) if number else None
        return self.layout.headings[m["label"]], count

    def feed(self, page: int, rows: Iterable[list[Cell]], height: float) -> None:
        for cells in rows:
            if self.roles is None:
                self.row(page, cells, height)
                continue
            try:
                role = self.row(page, cells, height)
            except SourceError:
                role = "unplaced"
            lines = row_lines(cells)
            self.roles.append((role, lines[0]))
            # the further printed lines of a ruled row whose cells wrap
            self.roles += [("continuation" if role == "entry" else role, ln) for ln in lines[1:]]

    def is_furniture(self, cells: list[Cell], height: float) -> bool:
        if any(c.ruled for c in cells):
            return False
        text = " ".join(c.text for c in cells)
        patterns = list(self.layout.furniture)
        if not 0.1 * height < cells[0].top < 0.9 * height:
            patterns += self.layout.margin
        return any(p.search(text) or p.search(nfkc_no_whitespace(text)) for p in patterns)

    def row(self, page: int, cells: list[Cell], height: float = 0) -> str:
        """Read one row; returns the role it played (heading, entry, furniture ...)."""
        if self.is_furniture(cells, height):
            return "furniture"
        text = " ".join(c.text for c in cells)
        roles = [self.layout.columns.get(nfkc_no_whitespace(c.text)) for c in cells]
        if "name" in roles and sum(r is not None for r in roles) >= 2:
            self.table = sorted(
                (c.x0, r) for c, r in zip(cells, roles, strict=True) if r is not None
            )
            return "header"
        found = [(c, h) for c in cells if (h := self.heading(c.text))]
        whole = self.heading(text)
        if whole and len(found) <= 1:
            self.start_section(page, whole[0], cells, whole[1])
            return "heading"
        if len(found) > 1 and not self.table:
            raise self.fail(
                page,
                f"found {len(found)} category headings in one line ({text!r}), expected a "
                "table or a name grid",
            )
        if len(cells) == 1 and (m := _PREFECTURE_RE.match(nfkc_no_whitespace(text))):
            if self.category is None:
                raise self.fail(page, f"prefecture heading {text!r} before any category heading")
            self.prefecture = m["pref"]
            return "prefecture"
        if self.table:
            return self.table_row(page, cells)
        if self.category:
            return self.grid_row(page, cells)
        else:
            raise self.fail(
                page,
                f"cannot place {text!r}: no category heading or table header before it "
                "(add the anchor to pipeline/extract/layouts/mlit_scpf_members.csv?)",
            )

    def start_section(
        self, page: int, category: str, cells: list[Cell], count: int | None
    ) -> None:
        printed = " ".join(c.text for c in cells)
        m = self.layout.heading_re.match(nfkc_no_whitespace(printed))
        label = m["label"] if m else printed
        # category_ja as printed: the heading text without brackets, count and continuation
        raw = cells[0].text
        start = raw.find(label[0]) if label else 0
        self.category_ja = _printed_label(raw[max(start, 0):], label)
        if category != self.category or count is not None:
            self.headings.append(_Heading(category, printed, count, page))
        self.category = category
        self.prefecture = None
        self.col_starts = []
        self.last_in_col = {}

    def add(self, page: int, name: str, category: str, category_ja: str | None,
            prefecture: str | None) -> None:
        if _CID_RE.search(name):
            raise self.fail(page, f"name {name!r} has unmapped glyphs (cid:NN)")
        self.members.append(name, category, category_ja, prefecture, page)

    def append_to(self, index: int, page: int, text: str) -> None:
        self.members.name_ja[index] = _join_lines([self.members.name_ja[index], text])

    def table_row(self, page: int, cells: list[Cell]) -> str:
        assert self.table is not None
        by_role: dict[str, Cell] = {}
        for c in cells:
            tol = 2 * c.size
            role = next((r for x, r in reversed(self.table) if x <= c.x0 + tol), self.table[0][1])
            if role in by_role:
                prev = by_role[role]
                by_role[role] = Cell(prev.text + c.text, prev.x0, prev.top, c.size, c.ruled,
                                     c.x1, max(prev.bottom, c.bottom))
            else:
                by_role[role] = c
        text = " ".join(c.text for c in cells)
        name = by_role.get("name")
        has_number = any(r == "number" for _, r in self.table)
        if name is None:
            raise self.fail(page, f"table row without a name: {text!r}")
        if set(by_role) == {"name"} and has_number and not name.ruled and self.members:
            self.append_to(len(self.members) - 1, page, name.text)  # wrapped name
            return "continuation"
        if "category" in by_role:
            # a category cell printed once per group holds for the rows below it
            printed = by_role["category"].text
            found = self.heading(printed)
            if not found:
                raise self.fail(page, f"unknown category {printed!r} in row {text!r}")
            if found[0] != self.category:
                self.prefecture = None
            self.category, self.category_ja = found[0], printed
        if self.category is None:
            raise self.fail(page, f"table row before any category: {text!r}")
        if "prefecture" in by_role:  # likewise a prefecture printed on a group's first row
            self.prefecture = by_role["prefecture"].text
        self.add(page, name.text, self.category, self.category_ja, self.prefecture)
        return "entry"

    def grid_row(self, page: int, cells: list[Cell]) -> str:
        assert self.category is not None
        roles: list[str] = []
        for c in cells:
            if not c.ruled:
                starts = [s for s in self.col_starts if 0.4 * c.size < c.x0 - s <= 2.5 * c.size]
                if starts and not any(abs(c.x0 - s) <= 1 for s in self.col_starts):
                    index = self.last_in_col.get(starts[-1])
                    if index is None:
                        raise self.fail(page, f"indented line {c.text!r} continues nothing")
                    self.append_to(index, page, c.text)
                    roles.append("continuation")
                    continue
                start = next((s for s in self.col_starts if abs(c.x0 - s) <= 1), None)
                if start is None:
                    start = c.x0
                    self.col_starts.append(start)
                self.last_in_col[start] = len(self.members)
            self.add(page, c.text, self.category, self.category_ja, self.prefecture)
            roles.append("entry")
        return "+".join(dict.fromkeys(roles))  # entry, continuation, or both on one line


EARLIER_PAGE = "(category from an earlier page)"


def _debug_parse(view: PageView) -> tuple[list[list[Cell]], list[tuple[str, str]], list[int]]:
    """The page's rows, the (role, line) the parser gave each printed line, and the index of
    each row's first line. Run on this page alone: after page 1 the parser starts as inside a
    section begun on an earlier page, as the whole-file parse would be there (a page of
    columns without a heading in any reads by rows here, as it would only after such a
    page)."""
    parser = _Parser("debug", Path("-"), load_layout(), roles=[])
    if view.number > 1:
        parser.category = parser.category_ja = EARLIER_PAGE
    columns = parser.columns_of(view)
    rows = page_rows(view) if columns is None else [
        row for words in columns for row in page_rows(replace(view, words=words))
    ]
    first_line: list[int] = []
    for cells in rows:
        first_line.append(len(parser.roles or []))
        parser.feed(view.number, [cells], view.height)
    return rows, parser.roles or [], first_line


def debug_lines(view: PageView) -> list[tuple[str, str]]:
    """(role, printed line) per line of the page in reading order, as the parser placed it:
    heading, header, prefecture, entry, continuation (a wrapped name's next line), furniture,
    unplaced (for ``pipeline debug``: a new heading shows as unplaced or entry, and the layout
    file gets a line)."""
    return _debug_parse(view)[1]


def debug_marks(view: PageView) -> list[tuple[tuple[float, float, float, float], str]]:
    """Boxes of the rows the parser read as furniture, header, heading or prefecture (for the
    pictures of ``pipeline debug``): the roles of :func:`debug_lines`, drawn."""
    rows, roles, first_line = _debug_parse(view)
    marks = []
    for cells, index in zip(rows, first_line, strict=True):
        role = roles[index][0]
        if role in ("furniture", "header", "heading", "prefecture", "unplaced"):
            box = (min(c.x0 for c in cells), min(c.top for c in cells),
                   max(c.x1 for c in cells), max(c.bottom for c in cells))
            marks.append((box, role))
    return marks


def _printed_label(raw: str, label: str) -> str:
    """The heading label as printed (original widths), cut where its comparison form ends."""
    target = nfkc_no_whitespace(label)
    out = ""
    for ch in raw:
        if nfkc_no_whitespace(out) == target:
            break
        out += ch
    return out.strip() if nfkc_no_whitespace(out) == target else label


def parse_pages(
    source_id: str, path: Path, views: Iterable[PageView], layout: Layout | None = None,
) -> tuple[Members, list[_Heading]]:
    """Members and headings from the pages, one after the other."""
    parser = _Parser(source_id, path, layout or load_layout())
    for view in views:
        parser.read_page(view)
    return parser.members, parser.headings


def check_counts(
    source_id: str,
    path: Path,
    counts: Counter[str],
    headings: list[_Heading],
    compositions: Sequence[MemberComposition] = MEMBER_COMPOSITIONS,
) -> MemberComposition:
    """The composition the counts match exactly, else an error saying what is off in each."""
    for cat in {h.category for h in headings if h.count is not None}:
        announced = sum(h.count for h in headings if h.category == cat and h.count is not None)
        if counts[cat] != announced:
            printed = "; ".join(
                f"{h.printed!r} on page {h.page}" for h in headings if h.category == cat
            )
            raise SourceError(
                source_id,
                f"{cat}: headings announce {announced} ({printed}) but {counts[cat]} names "
                f"were found under them ({_diff(counts[cat], announced)})",
                path=path,
            )
    matched = matching_composition(dict(counts), tuple(compositions))
    if matched is not None:
        return matched
    found = ", ".join(f"{k} {counts.get(k, 0)}" for k in compositions[0].counts)
    detail = []
    for comp in compositions:
        off = [
            f"{k} {_diff(counts.get(k, 0), v)}" for k, v in comp.counts.items()
            if counts.get(k, 0) != v
        ]
        detail.append(f"vs {comp.label} ({comp.total}): " + ", ".join(off))
    raise SourceError(
        source_id,
        f"member counts match no announced composition: found {found} = "
        f"{sum(counts.values())}; " + "; ".join(detail),
        path=path,
    )


def check_content(source_id: str, path: Path, members: Members) -> None:
    """The names back the headings: a bare local-government name (札幌市, 北海道) under another
    category, or a name under local governments that is none, means a heading was missed or
    misread; an error naming the page and the name, before the counts (which would only say
    that two categories are off)."""
    for name, category, printed, page in zip(
        members.name_ja, members.category, members.category_ja, members.page, strict=True
    ):
        is_lg = is_local_government_name(name)
        if category == "local_government" and not is_lg:
            raise SourceError(
                source_id,
                f"{name!r} is printed under {printed!r} (local_government) but is no local "
                "government in the municipalities reference (special bodies such as 広域連合 "
                "or 一部事務組合 are not there either): a heading missed before it?",
                path=path, page=page,
            )
        if category != "local_government" and is_lg:
            raise SourceError(
                source_id,
                f"{name!r} is printed under {printed!r} ({category}) but is exactly the name "
                "of a local government: a 地方公共団体 heading missed or misread before it?",
                path=path, page=page,
            )


def _diff(found: int, expected: int) -> str:
    if found < expected:
        return f"short by {expected - found} ({found} of {expected})"
    return f"long by {found - expected} ({found} of {expected})"


def read_member_list(
    source_id: str,
    path: Path,
    compositions: Sequence[MemberComposition] = MEMBER_COMPOSITIONS,
) -> ExtractOutput:
    """One PDF to the member table, checked against ``compositions`` (validation names the
    composition it matched again, from the published rows)."""
    frame, _ = _read(source_id, path, compositions)
    return ExtractOutput({TABLE: frame})


def _read(
    source_id: str, path: Path, compositions: Sequence[MemberComposition]
) -> tuple[pd.DataFrame, MemberComposition]:
    with open_pdf(source_id, path) as pdf:
        members, headings = parse_pages(source_id, path, iter_pages(source_id, path, pdf))
    if not members:
        raise SourceError(source_id, "no members found (no heading or table header?)", path=path)
    check_content(source_id, path, members)
    counts = Counter(members.category)
    comp = check_counts(source_id, path, counts, headings, compositions)
    return _frame(members, source_id), comp


def _frame(members: Members, source_id: str) -> pd.DataFrame:
    """The published column order and types (text columns ``str``, missing as NaN); each
    Python list is released as soon as its column is built, to keep the peak low."""
    columns: dict[str, pd.Series] = {}
    for name in ("name_ja", "category", "category_ja", "prefecture_ja"):
        columns[name] = pd.Series(getattr(members, name), dtype="str")
        setattr(members, name, [])
    columns["source_id"] = pd.Series([source_id] * len(members.page), dtype="str")
    columns["page"] = pd.Series(members.page, dtype="int64")
    members.page = []
    return pd.DataFrame(columns, copy=False)[MEMBER_EXTRACT_COLUMNS]


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The member table from the first file that yields a valid list (the others' errors are
    reported only if none does)."""
    if not files:
        raise SourceError(source_id, "no files to extract")
    errors: list[SourceError] = []
    for path in sorted(files, key=lambda p: (p.suffix.lower() != ".pdf", p.name)):
        try:
            output = read_member_list(source_id, path)
        except SourceError as exc:
            errors.append(exc)
            continue
        return output
    if len(errors) == 1:
        raise errors[0]
    raise SourceError(
        source_id,
        f"none of {len(files)} files holds a valid member list: "
        + " | ".join(str(e) for e in errors),
    )
