"""Page geometry: the words of one page as rows of cells, before anything is classified.

A *cell* is what one printed list cell holds:
- in a ruled region, the words inside one box of ruling lines (a stroked rectangle, a grid
  cell, a slide's box, a band between two horizontal rules); a box no rule cuts over several
  rows (a category merged over its group) belongs to each of those rows (``repeated`` below
  its first); inside a box, text in columns with a wide white gutter between them is several
  cells (a table ruled only horizontally);
- elsewhere, the words of one visual line up to a gap wider than ``GAP_CHARS`` characters.
The printed lines of a cell are kept (``lines``): whether they are one wrapped name or a list
of names is decided by the classifier, which knows names. Characters set with even spacing
(均等割付: 「地　方　公　共　団　体」 drawn one character at a time) are one word.

Rows come top to bottom; :func:`newspaper_order` gives the other reading of a page set in
columns (each column top to bottom, between rows that span the columns).
Tolerances are in PDF points (1/72 inch) or in characters of the text's own size.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from pipeline.extract.pdf import PageView, Word, group_lines

# A gap between words wider than this many characters separates two cells.
GAP_CHARS = 1.5
# Single characters at most this many characters apart, with equal gaps, are one spaced word.
LETTER_SPACING_CHARS = 6.0
LETTER_SPACING_EQUAL = 1.5  # points: gaps this close are equal
# Two single characters alone (no third to show the spacing even) at most this many apart: a
# label's wrapped 「等」 and a name's wrapped 「社」 in the next column are two words.
LETTER_PAIR_CHARS = 3.0
# Single characters closer than this many characters touch: a word its producer wrote letter
# by letter (as on a page turned by /Rotate), merged back but not set with even spacing.
TOUCHING_CHARS = 0.1
# A box holding more printed lines than this is a frame around text, not one cell.
MAX_CELL_LINES = 10
# A rule stands beside or above a word if within this of its edge.
RULE_TOLERANCE = 1.5
# Words whose tops are this close stand on one visual line (as pdf.group_lines).
LINE_TOLERANCE = 3.0
# Boxes whose tops are this close start the same row.
ROW_TOLERANCE = 2.0
# Text on one line at most this many characters after another's end goes on that line (a
# heading spread with even spacing across boxes of horizontal rules).
LINE_GOES_ON_CHARS = 2.0
# Newspaper columns: a gutter is at least this many characters wide and crossed by at most
# this share of the body's rows (titles and spanning headings cross it).
GUTTER_CHARS = 1.5
GUTTER_CROSSING_SHARE = 0.15
# A strip left of a gutter with text on fewer rows than this share of the strip right of it,
# each of them with text right of the gutter too, labels the rows of that strip (a prefecture
# printed once per group): the columns of a newspaper page fill from the left.
LABEL_STRIP_SHARE = 0.6
MIN_BODY_ROWS = 4
# White at least this many characters high between two lines of a column is a blank line
BLANK_LINE_CHARS = 1.5
# A line set closer than this many characters under the row above, starting within it, is
# that row's text wrapped (even at the page's foot, where a bare number reads as a page number).
WRAP_GAP_CHARS = 0.8

Box = tuple[float, float, float, float]


@dataclass
class Cell:
    """What one printed list cell holds."""

    text: str  # the printed lines joined as one wrapped text
    lines: tuple[str, ...]  # the printed lines
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # font size (height of the text)
    box: Box | None = None  # the ruled box it lies in
    repeated: bool = False  # a merged box's copy in a row below its first
    words: tuple[Word, ...] = ()  # its words, to cut it again at a table's column bounds

    @property
    def ruled(self) -> bool:
        return self.box is not None


@dataclass
class Row:
    """One row of cells of one page, left to right."""

    cells: list[Cell]
    page: int
    top: float
    bottom: float
    in_margin: bool = False  # in the top or bottom tenth of the page
    # where cells start in the column of the page it stands in (newspaper order), so that a
    # table whose header is printed in the first column only is read in the others too
    starts: tuple[float, ...] = ()
    kinds: dict[int, object] = field(default_factory=dict)  # what it is, per shape (structure)

    @property
    def ruled(self) -> bool:
        return any(c.ruled for c in self.cells)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells if not c.repeated)

    @property
    def own_cells(self) -> list[Cell]:
        return [c for c in self.cells if not c.repeated]


def join_wrapped(parts: Iterable[str]) -> str:
    """Join the printed lines of one wrapped text without a separator: Japanese text wraps
    anywhere, even inside a Latin word (``SMARTCI`` / ``TY``) or a number."""
    return "".join(part.strip() for part in parts)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _join_words(words: list[Word]) -> str:
    """The words of one printed line of a cell, left to right (a space only between Latin
    words set apart)."""
    out = ""
    last: Word | None = None
    for w in sorted(words, key=lambda w: w["x0"]):
        if last is not None and out and _latin(out[-1]) and _latin(w["text"][0]) \
                and w["x0"] - last["x1"] > 0.2 * _size(w):
            out += " "
        out += w["text"]
        last = w
    return out


def _size(w: Word) -> float:
    return float(w.get("size") or (w["bottom"] - w["top"]) or 10.0)


def _merge(words: list[Word], spaced: bool) -> Word:
    return {
        "x0": min(w["x0"] for w in words),
        "x1": max(w["x1"] for w in words),
        "top": min(w["top"] for w in words),
        "bottom": max(w["bottom"] for w in words),
        "text": "".join(w["text"] for w in sorted(words, key=lambda w: w["x0"])),
        "size": max(_size(w) for w in words),
        "spaced": spaced,  # letters set with even spacing (see unspace_letters)
    }


def unspace_letters(line: list[Word]) -> list[Word]:
    """Merge runs of single characters set with even spacing (均等割付) into one word: two or
    more single characters (a letter that is no ASCII, or a digit) whose gaps, or steps, are
    equal and at most LETTER_SPACING_CHARS characters apart (two alone: LETTER_PAIR_CHARS), two
    of them at least no digit (a year spread in a heading 「2 0 1 8 年 度」; digits alone, as
    row numbers, are no word). A name is never one character, so such a run is one spaced
    word; letters that touch (gaps under TOUCHING_CHARS) are one word too, but not spaced: a
    name written letter by letter is no label's line."""
    out: list[Word] = []
    run: list[Word] = []

    def single(w: Word) -> bool:
        return len(w["text"]) == 1 and (w["text"].isdigit() or not w["text"].isascii())

    def flush() -> None:
        letters = sum(1 for w in run if not w["text"].isdigit())
        if letters < 2 or len(run) == 2 and \
                run[1]["x0"] - run[0]["x1"] > LETTER_PAIR_CHARS * _size(run[1]):
            out.extend(run)
        elif len(run) >= 2:
            touching = all(b["x0"] - a["x1"] < TOUCHING_CHARS * _size(b)
                           for a, b in zip(run, run[1:], strict=False))
            out.append(_merge(run, spaced=not touching))
        else:
            out.extend(run)
        run.clear()

    for w in line:
        if run and single(w):
            gap, pitch = w["x0"] - run[-1]["x1"], w["x0"] - run[-1]["x0"]
            first_gap = run[1]["x0"] - run[0]["x1"] if len(run) > 1 else gap
            first_pitch = run[1]["x0"] - run[0]["x0"] if len(run) > 1 else pitch
            # equal gaps, or equal steps (letters of two widths: 「2 0 1 8 年 度」)
            if gap <= LETTER_SPACING_CHARS * _size(w) and (
                    abs(gap - first_gap) <= LETTER_SPACING_EQUAL
                    or abs(pitch - first_pitch) <= LETTER_SPACING_EQUAL):
                run.append(w)
                continue
            flush()
        elif run:
            flush()
        if single(w):
            run.append(w)
        else:
            out.append(w)
    flush()
    return out


def split_at_gaps(words: list[Word], gap_chars: float = GAP_CHARS) -> list[list[Word]]:
    """Words of one line split where the white gap is wider than ``gap_chars`` characters, and
    after letters set with even spacing where a name set tight follows (``_ends_spacing``)."""
    parts: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        if parts and w["x0"] - parts[-1][-1]["x1"] <= gap_chars * _size(w) \
                and not _ends_spacing(parts[-1][-1], w):
            parts[-1].append(w)
        else:
            parts.append([w])
    return parts


# Letters set apart by ideographic spaces printed as characters: one word 「自　治　体　等」.
_IDEOGRAPHIC_SPACED_RE = re.compile(r"(?:\S\u3000+)+\S")


def _ends_spacing(spaced: Word, w: Word) -> bool:
    """A word of several letters set tight, standing apart (no bracket, mark or digit: no
    count or continuation mark of a spaced label) after letters set with even spacing: a label
    spaced out over its narrow column never ends in a tight word, so the word is the next
    column's name (「自　治　体　等」 then 「福島県西白河郡中島村」, a letter's space apart)."""
    text = w["text"]
    return (bool(spaced.get("spaced")) or _IDEOGRAPHIC_SPACED_RE.fullmatch(spaced["text"])
            is not None) and len(text) >= 3 and text.isalpha() \
        and w["x0"] - spaced["x1"] >= 0.5 * _size(w)


def _cell(lines: list[list[Word]], box: Box | None) -> Cell:
    texts = tuple(t for t in (_join_words(ln) for ln in lines) if t)
    words = [w for ln in lines for w in ln]
    return Cell(
        text=join_wrapped(texts),
        lines=texts,
        x0=min(w["x0"] for w in words),
        top=min(w["top"] for w in words),
        x1=max(w["x1"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=statistics.median(_size(w) for w in words),
        box=box,
        words=tuple(words),
    )


def cut_cell(cell: Cell, bounds: list[float]) -> list[Cell]:
    """A cell cut at x positions (a table's column bounds): a category printed close to the
    name beside it, with no rule between them, is two cells. Lines are regrouped per part."""
    if not bounds or not cell.words:
        return [cell]
    parts: dict[int, list[Word]] = {}
    for w in cell.words:
        parts.setdefault(sum(1 for b in bounds if w["x0"] >= b), []).append(w)
    if len(parts) < 2:
        return [cell]
    return [replace(_cell(group_lines(ws), cell.box), repeated=cell.repeated)
            for _, ws in sorted(parts.items())]


class _Rules:
    """The page's ruling lines, for finding the box around a word."""

    def __init__(self, view: PageView) -> None:
        # shading is left out: a shaded band may hold one row, an unshaded one several
        self.h = [(e["top"], e["x0"], e["x1"]) for e in view.edges if e["orientation"] == "h"]
        self.lines = _joined_rules(self.h)
        self.v = [(e["x0"], e["top"], e["bottom"]) for e in view.edges if e["orientation"] == "v"]

    def box(self, w: Word) -> Box | None:
        """The box of rules around a word: four rules, or two horizontal rules (a band)."""
        if not self.h:
            return None
        mx, my = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        t = RULE_TOLERANCE
        above = [y for y, x0, x1 in self.h if y <= w["top"] + t and x0 - t <= mx <= x1 + t]
        below = [y for y, x0, x1 in self.h if y >= w["bottom"] - t and x0 - t <= mx <= x1 + t]
        if not above or not below:
            return None
        left = [x for x, y0, y1 in self.v if x <= w["x0"] + t and y0 - t <= my <= y1 + t]
        right = [x for x, y0, y1 in self.v if x >= w["x1"] - t and y0 - t <= my <= y1 + t]
        top = max(above)
        bottom = min(below)
        # no wider than the line above it: a row whose side rule is missing does not reach
        # the rule of a table standing beside it
        x0, x1 = next((x0, x1) for y, x0, x1 in self.lines
                      if abs(y - top) <= t and x0 - t <= mx <= x1 + t)
        left = [x for x in left if x >= x0 - t]
        right = [x for x in right if x <= x1 + t]
        if left and right:
            return (max(left), top, min(right), bottom)
        # a band between two horizontal rules: as wide as the piece of rule above it (a table
        # ruled only horizontally, each cell's rule drawn on its own)
        x0, x1 = next((x0, x1) for y, x0, x1 in self.h
                      if y == top and x0 - t <= mx <= x1 + t)
        return (max(left) if left else x0, top, min(right) if right else x1, bottom)


def _joined_rules(rules: Iterable[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Horizontal rules (y, x0, x1) with the pieces of one line joined: the edges of cells
    drawn one rectangle each meet end to end along a row."""
    lines: list[list[tuple[float, float, float]]] = []
    for rule in sorted(rules):
        if lines and rule[0] - lines[-1][0][0] <= RULE_TOLERANCE:
            lines[-1].append(rule)
        else:
            lines.append([rule])
    joined: list[tuple[float, float, float]] = []
    for line in lines:
        y = line[0][0]
        pieces: list[list[float]] = []
        for _, x0, x1 in sorted(line, key=lambda r: r[1]):
            if pieces and x0 <= pieces[-1][1] + RULE_TOLERANCE:
                pieces[-1][1] = max(pieces[-1][1], x1)
            else:
                pieces.append([x0, x1])
        joined += [(y, x0, x1) for x0, x1 in pieces]
    return joined


def _box_cells(words: list[Word], box: Box) -> list[Cell]:
    """The cells of one ruled box: its text split at white gutters into columns."""
    lines = [unspace_letters(ln) for ln in group_lines(words)]
    spans = sorted((w["x0"], w["x1"], _size(w)) for ln in lines for w in ln)
    columns: list[list[float]] = []  # [x0, x1] of text columns inside the box
    for x0, x1, size in spans:
        if columns and x0 - columns[-1][1] <= GAP_CHARS * size:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    cells = []
    for cx0, cx1 in columns:
        col_lines = [[w for w in ln if cx0 <= w["x0"] and w["x1"] <= cx1] for ln in lines]
        col_lines = [ln for ln in col_lines if ln]
        cells.append(_cell(col_lines, box))
    return cells


@dataclass
class Page:
    """One page read into rows, and where its ruled tables stand across the page."""

    number: int
    rows: list[Row]
    # x extents of the page's horizontal rules, merged: tables side by side are one each
    table_spans: list[tuple[float, float]] = field(default_factory=list)


def read_page(view: PageView) -> Page:
    """The page's rows and the x extents of its ruled tables."""
    spans: list[list[float]] = []
    for x0, x1 in sorted((e["x0"], e["x1"]) for e in view.edges if e["orientation"] == "h"):
        if spans and x0 <= spans[-1][1] + RULE_TOLERANCE:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    return Page(view.number, page_rows(view), [(a, b) for a, b in spans])


def page_rows(view: PageView) -> list[Row]:
    """The page as rows of cells, top to bottom."""
    rules = _Rules(view)
    boxed: dict[Box, list[Word]] = {}
    loose: list[Word] = []
    for w in view.words:
        box = rules.box(w)
        if box is None:
            loose.append(w)
        else:
            boxed.setdefault(box, []).append(w)
    if boxed and loose:  # a word begun in a box, run past its rule (a heading's letters spread
        loose = [w for w in loose if not _spilled_into(w, boxed)]  # wider than the table: 〕)
    cells: list[Cell] = []
    for box, words in boxed.items():
        if len(group_lines(words)) > MAX_CELL_LINES:  # a frame around text: not one cell
            loose.extend(words)
            continue
        cells.extend(_box_cells(words, box))
    rows = _ruled_rows(cells, view.number)
    ruled = list(rows)
    for line in _visual_lines(loose):
        parts = split_at_gaps(unspace_letters(line))
        # a cell's words are kept where they tell more than its text: several words, or
        # letters set with even spacing (a label's line)
        row_cells = [replace(_cell([part], None), words=tuple(part)
                             if len(part) > 1 or part[0].get("spaced") else ())
                     for part in parts]
        band = next((r for r in ruled if _in_gutter(row_cells, r)), None)
        if band is not None:  # a letter of a line spread over the row's cells, between them
            band.cells = sorted(band.cells + row_cells, key=lambda c: c.x0)
            continue
        rows.append(Row(row_cells, view.number, row_cells[0].top,
                        max(c.bottom for c in row_cells)))
    rows.sort(key=lambda r: (r.top, r.cells[0].x0))
    margin = 0.1 * view.height
    for i, row in enumerate(rows):
        row.in_margin = (row.top < margin or row.bottom > view.height - margin) and not any(
            _wraps_onto(above, row) for above in rows[max(0, i - 8):i])
    return rows


def _visual_lines(words: list[Word]) -> list[list[Word]]:
    """Words in visual lines, each left to right: a word goes on the line of the word above
    it (by top) when their tops are within LINE_TOLERANCE, whatever the line's first word (a
    row number set a little lower than its name, shrunk to two small lines, goes with the
    name, though the next column's row on that line stands a little higher)."""
    lines: list[list[Word]] = []
    last_top = float("-inf")
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and w["top"] - last_top <= LINE_TOLERANCE:
            lines[-1].append(w)
        else:
            lines.append([w])
        last_top = w["top"]
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _spilled_into(w: Word, boxed: dict[Box, list[Word]]) -> bool:
    """Whether a word outside every box by its middle begins inside one, on its lines (its mid
    height within the box): then it is added to that box's words."""
    my = (w["top"] + w["bottom"]) / 2
    box = next((b for b in boxed if b[0] <= w["x0"] < b[2] < w["x1"] and b[1] <= my <= b[3]),
               None)
    if box is None:
        return False
    boxed[box].append(w)
    return True


def _in_gutter(cells: list[Cell], row: Row) -> bool:
    """Whether loose cells stand in a ruled row, between its boxes: within its band of rules
    and its width, beside no box of it (「団」 of 「関係府省・経済団体等」 set with even spacing
    across cells ruled one by one, fallen between two of them)."""
    boxes = [c.box for c in row.cells if c.box is not None]
    if not boxes:
        return False
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    return all(top <= (c.top + c.bottom) / 2 <= bottom and left < c.x0 and c.x1 < right
               and not any(b[0] < c.x1 and c.x0 < b[2] for b in boxes) for c in cells)


def _wraps_onto(above: Row, row: Row) -> bool:
    """Short lines set close under a row, each starting within one of its cells (「…ネット
    ワークス第」 then 「2」 at the foot of a page, flush with the name's start or indented; one
    such line under each of two columns): names' ends wrapped onto the next line, never page
    numbers, however near the page's edge they stand."""
    return all(any(c.x0 - ROW_TOLERANCE <= line.x0 < c.x1
                   and 0 <= line.top - c.bottom < WRAP_GAP_CHARS * line.size
                   for c in above.cells)
               for line in row.cells)


def _ruled_rows(cells: list[Cell], page: int) -> list[Row]:
    """Rows of ruled cells: one per distinct box top; a box spanning several rows (merged)
    is repeated in each row below its first that it spans and that stands beside it."""
    rows: list[Row] = []
    tops: list[float] = []
    for c in sorted(cells, key=lambda c: (c.box[1], c.x0)):  # type: ignore[index]
        top = c.box[1]  # type: ignore[index]
        if tops and abs(top - tops[-1]) <= ROW_TOLERANCE:
            rows[-1].cells.append(c)
        else:
            rows.append(Row([c], page, c.top, c.bottom))
            tops.append(top)
    _lines_moved_down(rows)
    for row, top in zip(rows, tops, strict=True):
        row.top = min(c.top for c in row.cells)
        row.bottom = max(c.bottom for c in row.cells)
        spanning = [
            c for c in cells
            if c.box[1] < top - ROW_TOLERANCE and c.box[3] > top + ROW_TOLERANCE  # type: ignore[index]
            and all(c is not o for o in row.cells)
        ]
        added = True
        while added and spanning:  # merged boxes that share a vertical rule with the row
            added = False
            for c in list(spanning):
                if any(adjacent(c.box, o.box) for o in row.cells):  # type: ignore[arg-type]
                    row.cells.append(replace(c, repeated=True))
                    spanning.remove(c)
                    added = True
        row.cells.sort(key=lambda c: c.x0)
    return rows


def _lines_moved_down(rows: list[Row]) -> None:
    """A box whose text stands beside none of its row's texts but goes on a line of the next
    row (the same line, a letter's gap or two apart), the box reaching down into that row,
    moved there: a line printed across the page (a heading spread 「第４■関係府省・経」
    「済団体等」) whose part over an empty cell of the row above falls in a box of horizontal
    rules that begins with that row. (A cell merged over rows, its text centred, stays in its
    first row: its text is no part of a line beside it.)"""
    def beside(a: Cell, b: Cell) -> bool:
        return a.top < b.bottom and b.top < a.bottom

    def goes_on(a: Cell, b: Cell) -> bool:
        return abs(a.top - b.top) <= ROW_TOLERANCE and abs(a.size - b.size) <= 0.5 and \
            -0.5 <= a.x0 - b.x1 <= LINE_GOES_ON_CHARS * a.size

    for row, below in zip(rows, rows[1:], strict=False):
        for c in list(row.cells):
            if len(row.cells) > 1 and c.box is not None and \
                    c.box[3] > below.cells[0].box[1] + ROW_TOLERANCE and \
                    not any(beside(c, o) for o in row.cells if o is not c) and \
                    any(goes_on(c, o) for o in below.cells):  # type: ignore[index]
                row.cells.remove(c)
                below.cells.append(c)


def adjacent(a: Box, b: Box) -> bool:
    """Two boxes side by side sharing a vertical rule."""
    return abs(a[2] - b[0]) <= ROW_TOLERANCE or abs(a[0] - b[2]) <= ROW_TOLERANCE


def newspaper_order(page: Page, skip: Callable[[Row], bool],
                    goes_with_names: Callable[[str], bool] = lambda text: False,
                    ends_a_line: Callable[[str], bool] = lambda text: False,
                    ) -> list[Row] | None:
    """The rows of a page set in columns, read column by column: each block of rows between
    rows that span the gutters, left column top to bottom, then the next (a table continued
    in a second column of the page included). None when the page's text (its rows other than
    those ``skip`` says are furniture) stands in no columns.

    A gutter is a strip at least GUTTER_CHARS characters wide between text, crossed by at
    most GUTTER_CROSSING_SHARE of the body rows (a title or a heading across the page). Each
    row read in a column says where cells start in that column (``Row.starts``), so that a
    table whose header is printed in the first column only is read in the others too. Ruled
    tables standing side by side are columns by their rules (an empty column of a table does
    not split it). A strip holding only texts that ``goes_with_names`` (row numbers,
    prefectures, category labels) is no column of its own: they go with the names right of
    them; nor is a strip that labels a few of the rows right of it (a prefecture printed once
    per group). A text that ``ends_a_line`` (a heading's count) standing between two white
    strips ends a line of the column on its left."""
    rows = page.rows
    body = [r for r in rows if not skip(r)]
    if len(body) < MIN_BODY_ROWS:
        return None
    size = statistics.median(c.size for r in body for c in r.cells)
    # a ruled page stands in columns by its rules only (an empty column of a table is white)
    gutters = _rule_gutters(page.table_spans) if page.table_spans \
        else _gutters(body, size, ends_a_line, goes_with_names)
    gutters = _labels_kept_with_names(gutters, body, goes_with_names)
    gutters = _sparse_labels_kept_with_names(gutters, body)
    if not gutters:
        return None

    def crosses(row: Row) -> bool:
        """Text across a gutter, or ending within a letter of its right end, most of it right of
        its left end (a title across the page's head, reaching close to the next column)."""
        return any(c.x0 < g0 and (c.x1 > g1 or c.x1 > g1 - size and (c.x0 + c.x1) / 2 > g0)
                   for c in row.cells for g0, g1 in gutters)

    def column(c: Cell) -> int:
        mid = (c.x0 + c.x1) / 2
        return sum(1 for g0, _ in gutters if mid > g0)

    starts: list[set[float]] = [set() for _ in range(len(gutters) + 1)]
    for row in body:
        if not crosses(row):
            for c in row.cells:
                if not ends_a_line(c.text):  # (a heading's count starts no column's cells)
                    starts[column(c)].add(round(c.x0))
    out: list[Row] = []
    block: list[Row] = []

    def flush() -> None:
        for k in range(len(gutters) + 1):
            above: Row | None = None
            for row in block:
                cells = [c for c in row.cells if column(c) == k]
                if cells:
                    part = replace(row, cells=cells, top=min(c.top for c in cells),
                                   bottom=max(c.bottom for c in cells),
                                   starts=tuple(sorted(starts[k])), kinds={})
                    # a name's end wrapped at the page's foot, within its column
                    part.in_margin = row.in_margin and not (above and _wraps_onto(above, part))
                    out.append(part)
                    above = part
        block.clear()

    for row in rows:
        if crosses(row) or (skip(row) and not block):
            flush()
            out.append(row)
        else:
            block.append(row)
    flush()
    return out


def _labels_kept_with_names(gutters: list[tuple[float, float]], body: list[Row],
                            goes_with_names: Callable[[str], bool]) -> list[tuple[float, float]]:
    """The gutters less those right of a strip of row numbers, prefectures or labels only
    (「1」 … at x 42, the names at x 68): white between such a column and its names is no
    gutter between columns of the page."""
    kept: list[tuple[float, float]] = []
    for g0, g1 in gutters:
        left = kept[-1][1] if kept else float("-inf")
        cells = [c for r in body for c in r.cells
                 if c.x0 >= left and c.x1 <= g0 and not any(
                     d.x0 < g0 and d.x1 > g1 for d in r.cells)]  # rows across the gutter aside
        if cells and all(_goes_with_names(c, goes_with_names) for c in cells):
            continue
        kept.append((g0, g1))
    return kept


def _goes_with_names(cell: Cell, goes_with_names: Callable[[str], bool]) -> bool:
    """The cell's text goes with the names right of it, or each of its lines does (a label
    wrapped, 「地　方　公　共」 / 「団　体」)."""
    return goes_with_names(cell.text) or len(cell.lines) > 1 \
        and all(goes_with_names(line) for line in cell.lines)


def _next_line(above: Row, row: Row, x: float, size: float) -> bool:
    """The text of ``row`` right of ``x`` starts on the line after that of ``above`` ends, less
    than a blank line below (rows of the column on the left, set at other heights, between
    them: 581606)."""
    bottom = max(c.bottom for c in above.cells if c.x0 >= x)
    top = min(c.top for c in row.cells if c.x0 >= x)
    return 0 <= top - bottom < BLANK_LINE_CHARS * size


def _rule_gutters(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Gaps between ruled tables standing side by side (each table's horizontal rules span
    it, so each table is one stretch of x)."""
    return [(a[1], b[0]) for a, b in zip(spans, spans[1:], strict=False)]


def _sparse_labels_kept_with_names(gutters: list[tuple[float, float]],
                                   body: list[Row]) -> list[tuple[float, float]]:
    """The gutters less those right of a strip that labels the rows of the strip right of it
    (「北海道」 printed once on its group's first row, the names beside it): each row with text
    in the strip has text just right of the gutter, and the strip has text on fewer rows than
    LABEL_STRIP_SHARE of those of the strip right of it. The columns of a newspaper page fill
    from the left, so a column of the page is never much shorter than the one after it."""
    kept: list[tuple[float, float]] = []
    for i, (g0, g1) in enumerate(gutters):
        left = kept[-1][1] if kept else float("-inf")
        right = gutters[i + 1][0] if i + 1 < len(gutters) else float("inf")

        def has_text(row: Row, x0: float, x1: float) -> bool:
            return any(c.x0 >= x0 and c.x1 <= x1 for c in row.cells)

        labelled = [r for r in body if has_text(r, left, g0)]
        named = [r for r in body if has_text(r, g1, right)]
        if (labelled and len(labelled) < LABEL_STRIP_SHARE * len(named)
                and all(has_text(r, g1, right) for r in labelled)):
            continue
        kept.append((g0, g1))
    return kept


def _text_between_ends_left(body: list[Row], x0: float, x1: float,
                            ends_a_line: Callable[[str], bool]) -> bool:
    """Whether the cells standing between x0 and x1 each end a line of the column on the left
    (a heading's count 「１２団体」 set apart from 「関係府省・経済団体」), none starting one on
    the right."""
    between = [c for r in body for c in r.cells
               if c.x0 >= x0 - RULE_TOLERANCE and c.x1 <= x1 + RULE_TOLERANCE]
    return bool(between) and all(ends_a_line(c.text) for c in between)


def _widest_strip(run: list[tuple[float, float, int]], depth: int) -> tuple[float, float]:
    """The widest stretch of a run of segments (x0, x1, rows with text there) that at most
    ``depth`` rows cross."""
    widest = (0.0, 0.0)
    start: float | None = None
    for x0, x1, d in run:
        if d <= depth:
            start = x0 if start is None else start
            if x1 - start > widest[1] - widest[0]:
                widest = (start, x1)
        else:
            start = None
    return widest


def _gutters(body: list[Row], size: float,
             ends_a_line: Callable[[str], bool] = lambda text: False,
             goes_with_names: Callable[[str], bool] = lambda text: False,
             ) -> list[tuple[float, float]]:
    """White strips between columns of text (see :func:`newspaper_order`): runs of x where at
    most GUTTER_CROSSING_SHARE of the rows have text, narrowed to where the fewest have (a
    long name reaching into the gutter does not cross it)."""
    events: list[tuple[float, int]] = []
    for row in body:
        merged: list[list[float]] = []
        for x0, x1 in sorted((c.x0, c.x1) for c in row.cells):
            if merged and x0 <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], x1)
            else:
                merged.append([x0, x1])
        for x0, x1 in merged:
            events += [(x0, 1), (x1, -1)]
    events.sort()
    segments: list[tuple[float, float, int]] = []  # (x0, x1, rows with text there)
    depth = 0
    for (x, step), (nxt, _) in zip(events, events[1:], strict=False):
        depth += step
        if nxt > x:
            segments.append((x, nxt, depth))
    allowed = int(GUTTER_CROSSING_SHARE * len(body))
    gutters: list[tuple[float, float]] = []

    def column_begins(x: float) -> bool:
        """A quarter of the rows or more have text beginning at ``x``, just right of a white
        strip over a letter wide, too narrow for a gutter: names set small to fit their column
        (shrunk) end close to the next column, which begins at one place (a letter wide, it is
        the white between a category column and its names: 2400024)."""
        return sum(1 for r in body if any(abs(c.x0 - x) <= 1 for c in r.cells)) \
            >= max(MIN_BODY_ROWS, len(body) // 4)

    run: list[tuple[float, float, int]] = []
    crossed: set[int] = set()  # gutters found where rows cross the white (see below)
    for seg in segments + [(0.0, 0.0, allowed + 1)]:
        if seg[2] <= allowed:
            run.append(seg)
            continue
        if run:
            fewest = min(d for _, _, d in run)
            widest = _widest_strip(run, fewest)
            if not (widest[1] - widest[0] >= GUTTER_CHARS * size
                    or widest[1] - widest[0] > size + 1 and column_begins(widest[1])):
                # a heading reaching close to the last column, begun at the page's head,
                # narrows the white to a sliver: the strip crossed by the fewest rows that is
                # wide enough, if that column is one (checked below; 137418)
                for depth in sorted({d for _, _, d in run}):
                    strip = _widest_strip(run, depth)
                    if strip[1] - strip[0] >= GUTTER_CHARS * size:
                        fewest, widest = depth, strip
                        crossed.add(len(gutters))
                        break
            if (widest[1] - widest[0] >= GUTTER_CHARS * size
                    or widest[1] - widest[0] > size + 1 and column_begins(widest[1])):
                # from the first white strip to the last: a cell standing between them (a
                # category printed on its group's first row, left of the names) belongs to
                # the column on its right, the one it starts
                white = [(x0, x1) for x0, x1, d in run if d <= fewest]
                start = white[0][0]
                if white[-1][1] - white[-1][0] >= GUTTER_CHARS * size and \
                        _text_between_ends_left(body, white[0][1], white[-1][0], ends_a_line):
                    start = white[-1][0]  # (a heading's count set apart from its label)
                gutters.append((start, white[-1][1]))
        run = []

    def side_rows(g: tuple[float, float], side: int) -> int:
        return sum(
            1 for r in body
            if any((c.x1 <= g[1]) if side < 0 else (c.x0 >= g[0]) for c in r.cells)
        )

    def last_column_begun(g: tuple[float, float]) -> bool:
        """Text right of the gutter on consecutive rows at the page's head only (below a
        heading or two), each with a cell starting where the others do (a category cell
        beside one of them aside, or alone in its row, centred between two of them: a row of
        texts that only ``goes_with_names`` is no row of names): the last column of a page set
        in columns, filled from the top (by one entry, maybe: the readings across and down
        both stand to be checked)."""
        right = [[c for c in r.cells if c.x0 >= g[0]] for r in body]
        on = [i for i, cells in enumerate(right) if cells]
        if not on or on[0] > 2 or not all(j == i + 1 or _next_line(body[i], body[j], g[0], size)
                                          for i, j in zip(on, on[1:], strict=False)):
            return False
        starts = [[c.x0 for c in right[i]] for i in on
                  if not all(_goes_with_names(c, goes_with_names) for c in right[i])] \
            or [[c.x0 for c in right[i]] for i in on]
        return any(all(any(abs(x - y) <= 1 for y in row) for row in starts[1:])
                   for x in starts[0])

    def column_on_right(g: tuple[float, float]) -> bool:
        """MIN_BODY_ROWS rows or more whose text right of the gutter begins at one x: a column
        of text, however few its rows beside a column of wrapped names (a ragged right edge
        begins nowhere right of the strip)."""
        begins = Counter(round(min(c.x0 for c in r.cells if c.x0 >= g[0])) for r in body
                         if any(c.x0 >= g[0] for c in r.cells))
        return any(sum(begins[x + d] for d in (-1, 0, 1)) >= MIN_BODY_ROWS for x in begins)
    # a gutter needs text on both sides in a fair share of rows (not a ragged right edge)
    def crossed_at_the_head(g: tuple[float, float]) -> bool:
        """The rows whose text narrows the strip to a sliver (reaching close to its right end)
        all stand above every other row, that text begun at the page's left edge: a title or
        heading across the page's head, ending close to a column that is not the last
        (581632; a label glued to a name across the white inside a column is none: 2300273)."""
        edge = min(c.x0 for r in body for c in r.cells) + size
        across = [i for i, r in enumerate(body) if any(
            c.x0 < g[0] and c.x1 > g[1] - GUTTER_CHARS * size for c in r.cells)]
        return bool(across) and across[-1] + 1 == len(across) and all(
            any(c.x0 <= edge and c.x1 > g[1] - GUTTER_CHARS * size for c in body[i].cells)
            for i in across)

    return [g for k, g in enumerate(gutters) if last_column_begun(g) or (
            k not in crossed or crossed_at_the_head(g)) and (
            min(side_rows(g, -1), side_rows(g, 1)) >= len(body) // 4
            or side_rows(g, -1) >= len(body) // 4 and column_on_right(g))]
