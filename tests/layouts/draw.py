"""Drawing primitives shared by the list drawers: pages (any size, landscape by media box or by
/Rotate), text (wrapped, indented, shrunk, evenly spaced), rules, shading, and one table flow
that lays rows of cells out in 1-4 blocks read by rows or in newspaper order, with headings,
section rows, merged cells and cells printed once per group.

Built on ``tests/fixtures/pdfkit.py`` (fonts, a reproducible canvas marked SYNTHETIC). ``top``
arguments are distances from the top edge of the page as the reader sees it (pdfplumber's
``top``), also on a page turned by /Rotate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth

from tests.fixtures.pdfkit import GOTHIC, IPAEX, MINCHO, new_canvas
from tests.layouts.dimensions import GUTTER, MARGIN, PAPER

FONTS = {"gothic_cid": GOTHIC, "mincho_cid": MINCHO, "ipaex_embedded": IPAEX}
BOTTOM_MARGIN = 48.0
GREY = 0.85


@dataclass(frozen=True)
class Geometry:
    """The page as it is read: width and height, and whether /Rotate made it landscape."""

    width: float
    height: float
    rotate: bool = False

    @property
    def usable(self) -> float:
        return self.width - 2 * MARGIN


def geometry(page_size: str, orientation: str) -> Geometry:
    w, h = PAPER[page_size]
    if orientation == "portrait":
        return Geometry(w, h)
    return Geometry(h, w, rotate=orientation == "rotate")


@dataclass(frozen=True)
class Line:
    """One printed line of a cell: its text, indent from the cell's left and type size."""

    text: str
    indent: float = 0.0
    size: float = 9.0


class Doc:
    """A PDF being drawn page by page; ``furniture`` prints a new page's furniture and returns
    where its body starts."""

    def __init__(self, path: Path, geo: Geometry, font: str, title: str,
                 furniture: Callable[[Doc], float] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.geo = geo
        raw = (geo.height, geo.width) if geo.rotate else (geo.width, geo.height)
        self.canvas = new_canvas(path, pagesize=raw, title=title)
        self.font = font
        self.furniture = furniture
        self.page = 0
        self.body_top = MARGIN
        self.bottom = geo.height - BOTTOM_MARGIN
        self._open = False

    # pages ------------------------------------------------------------------------------
    def new_page(self) -> float:
        """Start a page (closing the current one) and print its furniture; returns body top."""
        self._close_page()
        self.page += 1
        c = self.canvas
        if self.geo.rotate:
            c.setPageRotation(90)
            c.saveState()
            c.translate(self.geo.height, 0)
            c.rotate(90)
        self._open = True
        self.body_top = self.furniture(self) if self.furniture else MARGIN
        return self.body_top

    def _close_page(self) -> None:
        if self._open:
            if self.geo.rotate:
                self.canvas.restoreState()
            self.canvas.showPage()
            self._open = False

    def save(self) -> None:
        if not self._open and self.page == 0:
            self.new_page()
        self._close_page()
        self.canvas.save()

    # text -------------------------------------------------------------------------------
    def width_of(self, text: str, size: float, font: str | None = None) -> float:
        return stringWidth(text, font or self.font, size)

    def text(self, x: float, top: float, text: str, size: float = 9.0,
             font: str | None = None) -> None:
        c = self.canvas
        c.setFont(font or self.font, size)
        c.drawString(x, self.geo.height - top - size * 0.88, text)

    def fitted(self, text: str, size: float, width: float) -> float:
        """``size``, or smaller so that ``text`` fits ``width``."""
        natural = self.width_of(text, size)
        return size if natural <= width else max(5.0, size * width / natural * 0.98)

    def centred(self, x_centre: float, top: float, text: str, size: float = 9.0) -> None:
        size = self.fitted(text, size, self.geo.usable)
        self.text(x_centre - self.width_of(text, size) / 2, top, text, size)

    def right(self, x1: float, top: float, text: str, size: float = 9.0) -> None:
        self.text(x1 - self.width_of(text, size), top, text, size)

    def spread(self, x: float, top: float, text: str, size: float, gap: float) -> float:
        """均等割付: each character set ``gap`` apart; returns the x after the text."""
        for ch in text:
            self.text(x, top, ch, size)
            x += self.width_of(ch, size) + gap
        return x

    # rules ------------------------------------------------------------------------------
    def hline(self, x0: float, x1: float, top: float, width: float = 0.5) -> None:
        if x1 - x0 < 0.5:
            return
        self.canvas.setLineWidth(width)
        y = self.geo.height - top
        self.canvas.line(x0, y, x1, y)

    def vline(self, x: float, top: float, bottom: float, width: float = 0.5) -> None:
        if bottom - top < 0.5:
            return
        self.canvas.setLineWidth(width)
        self.canvas.line(x, self.geo.height - top, x, self.geo.height - bottom)

    def shade(self, x0: float, top: float, x1: float, bottom: float) -> None:
        c = self.canvas
        c.saveState()
        c.setFillGray(GREY)
        c.rect(x0, self.geo.height - bottom, x1 - x0, bottom - top, stroke=0, fill=1)
        c.restoreState()

    def box(self, x0: float, top: float, x1: float, bottom: float, width: float = 0.8) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.rect(x0, self.geo.height - bottom, x1 - x0, bottom - top, stroke=1, fill=0)


def wrap(doc: Doc, text: str, width: float, size: float, mode: str) -> list[Line]:
    """``text`` as printed in a cell ``width`` wide: one line if it fits; else more lines in
    the cell (``within_cell``), a next line indented by one character (``indented``), or the
    type made smaller to fit (``shrink``, down to 5.5 pt, then more lines)."""
    if doc.width_of(text, size) <= width or not text:
        return [Line(text, 0.0, size)]
    if mode == "shrink":
        smaller = max(5.5, size * width / doc.width_of(text, size) * 0.98)
        if doc.width_of(text, smaller) <= width:
            return [Line(text, 0.0, round(smaller, 2))]
        size, mode = smaller, "within_cell"
    indent = size if mode == "indented" else 0.0
    lines: list[Line] = []
    current = ""
    for ch in text:
        room = width - (indent if lines else 0.0)
        if current and doc.width_of(current + ch, size) > room:
            lines.append(Line(current, indent if lines else 0.0, size))
            current = ""
        current += ch
    lines.append(Line(current, indent if lines else 0.0, size))
    return lines


@dataclass
class Furniture:
    """What each page prints around the list, as text (empty: not printed): the title, an
    attachment label (別紙1), an as-of or date line, a note, a count under the title, page
    numbers. ``every_page``: title, label, date and note on every page, else on the first
    (page numbers are on every page). A group title (a category or track in each page's
    title) is set by ``group`` before the group's first page; its continuation text, if any,
    replaces it on the group's later pages."""

    title: str
    every_page: bool
    attachment: str = ""
    as_of: str = ""
    note: str = ""
    total: str = ""
    page_number: Callable[[int, int], str] = lambda page, pages: ""
    pages: int = 0  # the page count, once known (for 3/12)
    group_title: str = ""
    continued: str | None = None
    first_of_group: bool = True

    def group(self, title: str, continued: str | None) -> Callable[[], None]:
        def before() -> None:
            self.group_title, self.continued, self.first_of_group = title, continued, True
        return before

    def __call__(self, doc: Doc) -> float:
        """Print the page's furniture; returns where its body starts."""
        geo = doc.geo
        shown = doc.page == 1 or self.every_page
        top = 28.0
        group_title = self.group_title
        if group_title and not self.first_of_group and self.continued:
            group_title = self.continued
        self.first_of_group = False
        if self.attachment and shown:
            doc.right(geo.width - MARGIN, top, self.attachment, 10.5)
            top += 18
        if doc.page == 1:
            doc.centred(geo.width / 2, top, self.title, 14.0)
            top += 24
        elif shown:
            doc.text(MARGIN, top, self.title, 8.0)
            top += 14
        if group_title:
            doc.text(MARGIN, top, group_title, doc.fitted(group_title, 11.5, geo.usable))
            top += 21
        if self.as_of and shown:
            doc.right(geo.width - MARGIN, top, self.as_of, 9.0)
            top += 16
        if self.note and shown:
            doc.text(MARGIN, top, self.note, 8.0)
            top += 14
        if self.total and doc.page == 1:
            doc.text(MARGIN, top, self.total, 9.0)
            top += 16
        number = self.page_number(doc.page, self.pages or doc.page)
        if number:
            doc.centred(geo.width / 2, geo.height - 30, number, 9.0)
        return top + 6


# --- the table flow ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a block: what it holds, its width, its header text."""

    role: str
    width: float
    header: str = ""


@dataclass
class Unit:
    """One entry's row. ``cells`` by role (a role left out is blank); ``groups`` by role the
    label of a group column (printed per ``Flow.group_modes``); ``placed`` is told the page."""

    cells: dict[str, list[Line]]
    groups: dict[str, str] = field(default_factory=dict)
    placed: Callable[[int], None] | None = None


@dataclass
class Heading:
    """A line between entries: a heading over the page (``line``), a row spanning the table
    (``section``, shaded or not), or a prefecture sub-heading (``sub``). ``continued`` is what
    a new page prints while the group runs on (None: nothing)."""

    text: str
    size: float = 10.5
    style: str = "line"
    shaded: bool = False
    spread: bool = False  # 均等割付 of ``spread_part`` (the label) inside ``text``
    spread_part: str = ""
    continued: str | None = None
    header_after: bool = False  # a table header follows (a table per group)


@dataclass
class Gap:
    """Vertical space, a plain line of text (a total line) printed in the flow, or a page
    break (``before`` runs first: it may set what the new page's furniture prints)."""

    height: float = 6.0
    text: str = ""
    new_page: bool = False
    before: Callable[[], None] | None = None


Item = Unit | Heading | Gap


@dataclass
class Flow:
    """Lays out items in ``blocks`` side by side, read by rows (``order='rows'``) or each block
    top to bottom in turn (``order='columns'``, newspaper order).

    ``group_modes`` says how each group column prints its label: ``every`` row, ``merged``
    over the rows of its group (one cell: no rule inside it, its text in the middle; a cell
    cannot cross a page or a block) or ``once`` on the group's first row only (not again on
    a new page). ``header`` is ``every_page`` (each table's start and every page), ``first_page``
    (each table's start only: the list's, and after each heading that starts a table) or
    ``none``.
    """

    doc: Doc
    columns: list[Column]
    blocks: int = 1
    order: str = "rows"
    ruling: str = "full"
    header: str = "every_page"
    group_modes: dict[str, str] = field(default_factory=dict)
    size: float = 9.0
    pad: float = 2.5
    gutter: float = GUTTER
    left: float = MARGIN

    def __post_init__(self) -> None:
        self.block_width = sum(c.width for c in self.columns)
        self.xs: list[float] = [0.0]
        for col in self.columns:
            self.xs.append(self.xs[-1] + col.width)
        self.slot = 0
        self.top = 0.0
        self.slot_tops: list[float] = []
        self.context: Heading | None = None  # the heading whose group is running
        self.table_open = False  # the current table's header is printed (or none is wanted)
        self.open: dict[tuple[int, str], list] = {}  # (block, role) -> merged cell
        self.printed_once: dict[tuple[int, str], str] = {}
        self.run_bottom: dict[int, float] = {}
        self.shade_parity: dict[int, int] = {}
        self.pending: list[Unit] = []

    # geometry -------------------------------------------------------------------------------
    def block_x(self, block: int) -> float:
        return self.left + block * (self.block_width + self.gutter)

    @property
    def table_right(self) -> float:
        return self.block_x(self.blocks - 1) + self.block_width

    def line_height(self, size: float) -> float:
        return size + 3.0

    def cell_height(self, lines: list[Line]) -> float:
        return sum(self.line_height(ln.size) for ln in lines) + 2 * self.pad

    @property
    def header_height(self) -> float:
        return self.line_height(self.size) + 2 * self.pad

    def room(self, height: float) -> bool:
        return self.top + height <= self.doc.bottom

    # the run ----------------------------------------------------------------------------------
    def run(self, items: Sequence[Item]) -> None:
        items = list(items)
        if items and isinstance(items[0], Gap) and items[0].new_page:
            if items[0].before is not None:
                items[0].before()
            items = items[1:]
        self.start_page(for_unit=False)
        for item in items:
            if isinstance(item, Unit):
                if self.order == "rows":
                    self.pending.append(item)
                    if len(self.pending) == self.blocks:
                        self.flush_row()
                else:
                    self.place_column_unit(item)
                continue
            self.flush_row()
            if isinstance(item, Heading):
                self.place_heading(item)
            else:
                self.place_gap(item)
        self.flush_row()
        self.close_runs()

    def start_page(self, for_unit: bool) -> None:
        """A new page; when an entry comes next, the running group's continuation heading
        and (``every_page``) the header."""
        self.close_runs()
        self.top = self.doc.new_page()
        self.slot = 0
        self.slot_tops = [self.top] * self.blocks
        if not for_unit:
            return
        cont = self.context
        if cont is not None and cont.continued is not None:
            again = Heading(cont.continued, cont.size, cont.style, cont.shaded, cont.spread,
                            cont.spread_part)
            if cont.style == "section" and self.header == "every_page":
                self.print_header()
            self.draw_heading(again)
            if cont.style != "section" and self.header == "every_page":
                self.print_header()
        elif self.header == "every_page":
            self.print_header()

    def ensure_header(self) -> None:
        if not self.table_open:
            self.table_open = True
            if self.header != "none":
                self.print_header()

    # headers ----------------------------------------------------------------------------------
    def print_header(self) -> None:
        self.table_open = True
        if not any(c.header for c in self.columns):
            return
        blocks = range(self.blocks) if self.order == "rows" else [self.slot]
        height = self.header_height
        for b in blocks:
            x0 = self.block_x(b)
            if self.ruling == "shaded":
                self.doc.shade(x0, self.top, x0 + self.block_width, self.top + height)
            for col, x in zip(self.columns, self.xs, strict=False):
                # a header word wider than its column is set smaller (a word processor never
                # prints it over the next column's)
                size = self.doc.fitted(col.header, self.size, col.width - 2 * self.pad)
                self.doc.text(x0 + x + self.pad, self.top + self.pad, col.header, size)
            if self.ruling in ("full", "horizontal"):
                self.doc.hline(x0, x0 + self.block_width, self.top)
                self.doc.hline(x0, x0 + self.block_width, self.top + height)
            if self.ruling == "full":
                for x in self.xs:
                    self.doc.vline(x0 + x, self.top, self.top + height)
        self.top += height
        if self.order == "columns":
            self.slot_tops[self.slot] = self.top

    # headings ---------------------------------------------------------------------------------
    def heading_width(self) -> float:
        """The width a heading may take: its block (newspaper order) or the table's."""
        if self.order == "columns":
            return self.block_width - 2 * self.pad
        return self.table_right - self.left - 2 * self.pad

    def heading_size(self, h: Heading) -> float:
        """The heading's type size, made smaller until it fits its width (as a word
        processor's shrink-to-fit would)."""
        natural = self.label_width(h, h.size)
        room = self.heading_width()
        return h.size if natural <= room else max(5.0, h.size * room / natural * 0.98)

    def label_width(self, h: Heading, size: float) -> float:
        if not h.spread or not h.spread_part or h.spread_part not in h.text:
            return self.doc.width_of(h.text, size)
        rest = h.text.replace(h.spread_part, "", 1)
        spread = sum(self.doc.width_of(ch, size) + size * 0.9 for ch in h.spread_part)
        return self.doc.width_of(rest, size) + spread + 2

    def heading_height(self, h: Heading) -> float:
        size = self.heading_size(h)
        if h.style == "section":
            return self.line_height(size) + 2 * self.pad
        return self.line_height(size) + (6.0 if h.style == "line" else 2.0)

    def place_heading(self, h: Heading) -> None:
        if h.style in ("sub", "section"):
            self.ensure_header()  # a row inside the table: below its header
        self.close_runs()
        need = self.heading_height(h) + 2 * self.header_height
        if h.header_after:
            need += self.header_height
        if self.order == "columns":
            self.ensure_column_room(need, for_unit=False)
        elif not self.room(need):
            self.start_page(for_unit=False)
        if h.style != "sub":
            self.context = h
        self.draw_heading(h)
        if h.header_after:  # a table of its own starts under the heading
            self.table_open = False
            self.ensure_header()

    def draw_heading(self, h: Heading) -> None:
        doc = self.doc
        if self.order == "columns":
            x0, x1 = self.block_x(self.slot), self.block_x(self.slot) + self.block_width
        else:
            x0, x1 = self.left, self.table_right
        height = self.heading_height(h)
        if h.style == "section":
            if h.shaded or self.ruling == "shaded":
                doc.shade(x0, self.top, x1, self.top + height)
            if self.ruling in ("full", "horizontal"):
                doc.hline(x0, x1, self.top)
                doc.hline(x0, x1, self.top + height)
            if self.ruling == "full":
                doc.vline(x0, self.top, self.top + height)
                doc.vline(x1, self.top, self.top + height)
            text_top = self.top + self.pad
        else:
            text_top = self.top + (3.0 if h.style == "line" else 1.0)
        self.draw_label(x0 + self.pad, text_top, h)
        self.top += height
        if self.order == "columns":
            self.slot_tops[self.slot] = self.top

    def draw_label(self, x: float, top: float, h: Heading) -> None:
        size = self.heading_size(h)
        if not h.spread or not h.spread_part or h.spread_part not in h.text:
            self.doc.text(x, top, h.text, size)
            return
        before, after = h.text.split(h.spread_part, 1)
        if before:
            self.doc.text(x, top, before, size)
            x += self.doc.width_of(before, size)
        x = self.doc.spread(x, top, h.spread_part, size, size * 0.9)
        if after:
            self.doc.text(x + 2, top, after, size)

    def place_gap(self, g: Gap) -> None:
        if g.new_page:
            if g.before is not None:
                g.before()
            self.context = None
            self.table_open = False
            self.start_page(for_unit=False)
            return
        height = max(g.height, self.line_height(self.size) + 6 if g.text else 0)
        if self.order == "columns":
            self.ensure_column_room(height, for_unit=False)
            x = self.block_x(self.slot)
        else:
            if not self.room(height):
                self.start_page(for_unit=False)
            x = self.left
        if g.text:
            self.doc.text(x + self.pad, self.top + 6, g.text, self.size)
        self.top += height
        if self.order == "columns":
            self.slot_tops[self.slot] = self.top

    # rows (order='rows') ----------------------------------------------------------------------
    def flush_row(self) -> None:
        if not self.pending:
            return
        units, self.pending = self.pending, []
        self.ensure_header()
        height = max(self.unit_height(u, b) for b, u in enumerate(units))
        if not self.room(height):
            self.start_page(for_unit=True)
            height = max(self.unit_height(u, b) for b, u in enumerate(units))
        for b, u in enumerate(units):
            self.draw_unit(u, b, self.top, height)
        self.top += height

    # newspaper order ------------------------------------------------------------------------
    def ensure_column_room(self, height: float, for_unit: bool) -> None:
        if self.top + height <= self.doc.bottom:
            return
        self.close_runs()
        if self.slot + 1 < self.blocks:
            self.slot += 1
            self.top = self.slot_tops[self.slot]
            if for_unit and self.header == "every_page":
                self.print_header()
            return
        self.start_page(for_unit)

    def place_column_unit(self, u: Unit) -> None:
        self.ensure_header()
        height = self.unit_height(u, self.slot)
        if self.top + height > self.doc.bottom:
            self.ensure_column_room(height, for_unit=True)
            height = self.unit_height(u, self.slot)
        self.draw_unit(u, self.slot, self.top, height)
        self.top += height
        self.slot_tops[self.slot] = self.top

    # one unit ---------------------------------------------------------------------------------
    def group_lines(self, label: str, width: float) -> list[Line]:
        return wrap(self.doc, label, width - 2 * self.pad, self.size, "within_cell")

    def starts_group(self, u: Unit, block: int, role: str) -> bool:
        mode = self.group_modes.get(role, "every")
        label = u.groups.get(role, "")
        if mode == "merged":
            current = self.open.get((block, role))
            return current is None or current[0] != label
        if mode == "once":
            return self.printed_once.get((block, role)) != label
        return True

    def unit_height(self, u: Unit, block: int) -> float:
        heights = [self.cell_height(lines) for lines in u.cells.values()]
        for col in self.columns:
            if col.role in u.groups and self.starts_group(u, block, col.role):
                heights.append(self.cell_height(self.group_lines(u.groups[col.role],
                                                                 col.width)))
        return max([self.line_height(self.size) + 2 * self.pad, *heights])

    def draw_unit(self, u: Unit, block: int, top: float, height: float) -> None:
        doc = self.doc
        x0 = self.block_x(block)
        bottom = top + height
        self.run_bottom[block] = bottom
        parity = self.shade_parity.get(block, 0)
        self.shade_parity[block] = parity + 1
        if self.ruling == "shaded" and parity % 2 == 1:
            doc.shade(x0, top, x0 + self.block_width, bottom)
        for col, x in zip(self.columns, self.xs, strict=False):
            cx = x0 + x
            continues = False
            if col.role in u.groups:
                continues = self.draw_group_cell(u, block, col, cx, top, bottom)
            else:
                y = top + self.pad
                for ln in u.cells.get(col.role, []):
                    doc.text(cx + self.pad + ln.indent, y, ln.text, ln.size)
                    y += self.line_height(ln.size)
            if self.ruling in ("full", "horizontal") and not continues:
                doc.hline(cx, cx + col.width, top)
        if self.ruling == "full":
            for x in self.xs:
                doc.vline(x0 + x, top, bottom)
        if u.placed is not None:
            u.placed(doc.page)

    def draw_group_cell(self, u: Unit, block: int, col: Column, cx: float, top: float,
                        bottom: float) -> bool:
        """Print a group column's cell; True when it continues the merged cell above."""
        mode = self.group_modes.get(col.role, "every")
        label = u.groups[col.role]
        key = (block, col.role)
        if mode == "merged":
            current = self.open.get(key)
            if current is not None and current[0] == label:
                current[2] = bottom
                return True
            self.close_merged(key)
            self.open[key] = [label, top, bottom, cx, col.width]
            return False
        if mode == "once" and self.printed_once.get(key) == label:
            return False
        self.printed_once[key] = label
        y = top + self.pad
        for ln in self.group_lines(label, col.width):
            self.doc.text(cx + self.pad + ln.indent, y, ln.text, ln.size)
            y += self.line_height(ln.size)
        return False

    def close_merged(self, key: tuple[int, str]) -> None:
        current = self.open.pop(key, None)
        if current is None:
            return
        label, top, bottom, cx, width = current
        lines = self.group_lines(label, width)
        text_height = sum(self.line_height(ln.size) for ln in lines)
        y = max(top + self.pad, (top + bottom - text_height) / 2)
        for ln in lines:
            self.doc.text(cx + self.pad, y, ln.text, ln.size)
            y += self.line_height(ln.size)

    def close_runs(self) -> None:
        """End every block's run of rows: merged cells get their text, the run its last rule."""
        for key in list(self.open):
            self.close_merged(key)
        for block, bottom in self.run_bottom.items():
            if self.ruling in ("full", "horizontal"):
                x0 = self.block_x(block)
                self.doc.hline(x0, x0 + self.block_width, bottom)
        self.run_bottom.clear()
        self.shade_parity.clear()
