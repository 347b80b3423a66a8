"""Structure from the sequence: rows of cells, in reading order, become entries under their
category, for one reading of the pages (:class:`Options`).

A category label sets the category of what follows wherever it is printed: a heading line, a
cell of a category column (merged over its group, or printed on the group's first row only), a
spanning row inside a table, or a page's title. A prefecture printed as a sub-heading, or in a
prefecture column, sets the prefecture likewise. A column header row starts a table: the cells
of the rows under it are read by column; a heading outside the table starts a new section with
fresh context (``Options.carry_columns`` keeps the columns instead). Without a header, each
cell of a row is one entry (a name grid), or, for lists whose entries have several fields, the
row is one entry whose fields are told by what they say.

A prefecture column printed only on a group's first row is carried down to the rows of its
group where the list shows that convention (:meth:`_State.finish`): the list never prints the
same prefecture on two rows in a row of one page (a list printing it on every row shows 茨城県
twice), and the row's place names one local government (a blank before 瀬戸内エリア, over three
prefectures, means "none", not "as above"). A carried prefecture is flagged on its entry.

A wrapped name is joined: lines of one ruled cell; a line indented under a column's start; a
line closer to the one above than rows are to each other; in a numbered table, a line without
a number. Nothing here decides whether a reading is right: ``verify`` does, with the counts
the source announced and the content checks.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pipeline.extract.reader import classify
from pipeline.extract.reader.cells import ROW_TOLERANCE, Cell, Row, cut_at, join_wrapped
from pipeline.extract.reader.vocabulary import Label, Vocabulary, key

# A line indented this many characters right of a column's start continues the name above.
INDENT_MIN_CHARS = 0.4
INDENT_MAX_CHARS = 2.5
# Line pitches tell a wrapped line from the next row only if the usual one exceeds the
# narrowest by this many points and by this factor.
ROW_GAP_MIN_DIFFERENCE = 2.0
ROW_GAP_MIN_RATIO = 1.25
# A cell belongs to the column whose header it overlaps most; with no overlap, to the column
# whose header starts nearest, within this many characters.
COLUMN_SNAP_CHARS = 3.0


@dataclass(frozen=True)
class Options:
    """One reading of the pages: the choices a layout leaves open."""

    newspaper: bool = False  # pages set in columns read column by column
    split_numbers: bool = True  # a number before a name in its cell is a row number
    carry_columns: bool = False  # a table's columns hold across a heading outside it
    infer_labels: bool = False  # a decorated line that is no known label is a heading

    def describe(self) -> str:
        parts = [
            "columns read down (newspaper)" if self.newspaper else "rows read across",
            "leading numbers are row numbers" if self.split_numbers else "leading numbers kept",
        ]
        if self.carry_columns:
            parts.append("table columns carried over headings")
        if self.infer_labels:
            parts.append("unknown headings inferred")
        return ", ".join(parts)


@dataclass(slots=True)
class Entry:
    """One entry of a list: its fields by role, its category and where it is printed."""

    fields: dict[str, str]
    category: str | None
    label: str | None  # the category label as printed (core, without numbering or count)
    prefecture: str | None
    number: int | None
    page: int
    top: float
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role -> listed names
    section: int = 0  # index of the heading it stands under (for inferred categories)
    group: str | None = None  # the group label it stands under (a 類型), if any
    prefecture_carried: bool = False  # its prefecture cell was blank: the group's (see finish)


@dataclass
class Heading:
    """A category label read: the category, as printed, the count it states, where."""

    category: str
    printed: str
    count: int | None
    page: int
    inferred: bool = False  # a label the vocabulary lacks; its category comes from entries
    index: int = 0
    continued: bool = False  # it goes on with the category in effect (（続き）, a page title)


@dataclass
class Problem:
    """Something the reading could not place, with its page."""

    message: str
    page: int


@dataclass
class Reading:
    """What one reading of the pages gives."""

    options: Options
    entries: list[Entry] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    roles: list[tuple[int, str, str]] = field(default_factory=list)  # (page, role, text)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Shape:
    """How a source's entries are printed: the vocabulary, the column roles, and whether an
    entry is one name per cell (a member list) or a row of several fields (a selection list).

    ``name_role`` is the field of a name entry; ``category_role`` the column whose cells are
    category labels; ``extra_label`` reads labels the vocabulary cannot list (fiscal years);
    ``list_roles`` are fields whose cell may list several local governments one per line;
    ``place_role`` is where a record printed without a header has its place (a local
    government, a list of them, a prefecture), ``content_order`` where its other texts go
    (empty: a source whose fields are told only by a header or a label, never by their order).
    ``default_category``: the category of entries no label precedes (a list of one track)."""

    vocabulary: Vocabulary
    record: bool = False
    name_role: str = "name"
    category_role: str = "category"
    entry_roles: frozenset[str] = frozenset({"name"})
    list_roles: frozenset[str] = frozenset()
    extra_label: Callable[[str], Label | None] | None = None
    place_role: str = "area"
    content_order: tuple[str, ...] = ("project", "lead")
    default_category: str | None = None  # a list of one category (one file, one track)

    def label(self, text: str) -> Label | None:
        found = self.vocabulary.label(text)
        if found is None and self.extra_label is not None:
            found = self.extra_label(text)
        return found


@dataclass
class _Column:
    x0: float
    x1: float
    role: str | None
    span: tuple[float, float]  # the header cell's ruled box, or its text without one


class _State:
    """What one reading carries from row to row (and over page breaks)."""

    def __init__(self, shape: Shape, options: Options) -> None:
        self.shape = shape
        self.options = options
        self.reading = Reading(options)
        self.category: str | None = shape.default_category
        self.label: str | None = None
        self.group: str | None = None
        self.section = 0
        self.prefecture: str | None = None
        self.columns: list[_Column] | None = None
        self.table_ruled = False
        self.col_starts: list[float] = []
        self.last_in_col: dict[float, Entry] = {}
        self.pending_number: int | None = None
        self.page = 0
        self.entries_on_page = 0
        self.gap_threshold: float | None = None
        self.previous: Row | None = None
        # the field a sheet's wrapped value continues, and the x its values start at
        self.last_field: tuple[str, float] | None = None
        # entries read in a table with a prefecture column, and the prefecture each printed
        self.prefecture_cells: list[tuple[Entry, str]] = []
        # the page the table's header is on, the last page checked to go on with it, and
        # whether the list ended with the table (see continues_table)
        self.columns_page = 0
        self.checked_page = 0
        self.ended = False
        self.page_rows: list[Row] = []

    # -- bookkeeping ---------------------------------------------------------------------
    def role(self, row: Row, role: str) -> None:
        self.reading.roles.append((row.page, role, row.text))

    def problem(self, row: Row, message: str) -> None:
        self.reading.problems.append(Problem(message, row.page))
        self.role(row, "unplaced")

    def new_section(self, label: Label, row: Row, inferred: bool = False) -> None:
        self.section += 1
        self.ended = False
        continued = label.continued or (bool(label.category) and label.category == self.category)
        heading = Heading(label.category, label.printed, label.count, row.page, inferred,
                          self.section, continued)
        self.reading.headings.append(heading)
        self.category = label.category or None
        self.label = label.printed
        self.prefecture = None
        self.group = None
        self.col_starts, self.last_in_col = [], {}
        if not (self.options.carry_columns or (row.ruled and self.table_ruled)):
            self.columns = None

    # -- rows ----------------------------------------------------------------------------
    def start_page(self, page: int, rows: list[Row]) -> None:
        self.page = page
        self.entries_on_page = 0
        self.previous = None
        self.col_starts, self.last_in_col = [], {}
        # a page with too few lines to show two pitches is set like the pages before it
        self.gap_threshold = _gap_threshold(rows, self.shape) or self.gap_threshold
        self.page_rows = rows

    def feed(self, row: Row) -> None:
        kind = kind_of(row, self.shape)
        if kind.label is not None:
            self.new_section(kind.label, row)
            self.role(row, "heading")
            return
        if kind.group is not None:
            self.group = kind.group
            self.role(row, "group")
            return
        if kind.title is not None and self.entries_on_page == 0 and not row.ruled:
            if kind.title == self.category and (self.ended or self.columns is not None):
                # a running title restating the category: the table goes on, if this page's
                # rows stand in its columns, or the list has ended (概要 pages)
                self.role(row, "after" if self.ended else "title")
                return
            self.new_section(Label(kind.title, key(row.text), None, True), row)
            self.role(row, "title")
            return
        if kind.furniture:
            self.role(row, "furniture")
            return
        if kind.labels >= 2 and self.columns is None:
            self.problem(row, f"{kind.labels} category labels in one row ({row.text!r}): a "
                         "summary line, not a list?")
            return
        if self.ended and kind.header is None:
            self.role(row, "after")  # after the list's table: 概要 pages, an annex
            return
        if kind.header is not None and self.restates_columns(row, kind.header):
            cells = row.own_cells
            self.columns = [_Column(c.x0, c.x1, r, _span(c))
                            for c, r in zip(cells, kind.header, strict=True)]
            self.table_ruled = row.ruled
            self.columns_page = row.page
            self.ended = False
            self.role(row, "header")
            return
        if kind.prefecture is not None:
            self.prefecture = kind.prefecture
            self.role(row, "prefecture")
            return
        if self.options.infer_labels and kind.unknown is not None:
            self.new_section(kind.unknown, row, inferred=True)
            self.role(row, "heading?")
            return
        if self.columns is not None and not self.continues_table(row):
            self.columns, self.ended = None, True
            self.role(row, "after")
            return
        if self.columns is not None:
            self.table_row(row)
        elif self.shape.record:
            self.record_row(row)
        else:
            self.grid_row(row)
        self.previous = row

    def restates_columns(self, row: Row, roles: list[str | None]) -> bool:
        """Whether a row of column names is a header: always at the top of a page or a section;
        below entries of a table on the same page, only if it names the columns it stands in
        (else it is a wrapped line that happens to read 地域 | 協議会)."""
        if self.columns is None or self.entries_on_page == 0:
            return True
        for cell, role in zip(row.own_cells, roles, strict=True):
            column = _column_of(cell, self.columns)
            if role is not None and (column is None or column.role != role):
                return False
        return True

    def continues_table(self, row: Row) -> bool:
        """Whether a page without a header of its own goes on with the table above: most of
        its body rows (up to a heading, title or header) stand in the table's columns (no cell
        across a column boundary; a ruled cell's box on the columns' rules). Else the table,
        and with it the list, ended on the page before (what follows, a 概要 page with a small
        label/value table, is not the list) until a heading, a header or a title naming
        another category starts anew."""
        if row.page in (self.columns_page, self.checked_page):
            return True
        self.checked_page = row.page
        start = next((i for i, r in enumerate(self.page_rows) if r is row), 0)
        body: list[Row] = []
        for later in self.page_rows[start:]:
            kind = kind_of(later, self.shape)
            if kind.label is not None or kind.header is not None or kind.title is not None:
                break
            if _is_body(kind):
                body.append(later)
        assert self.columns is not None
        standing = sum(_stands_in(r, self.columns) for r in body)
        return 2 * standing >= len(body)

    def tight(self, row: Row) -> bool:
        """The row is closer to the one above than rows are to each other: a wrapped line."""
        previous = self.previous
        if self.gap_threshold is None or previous is None or row.ruled:
            return False
        beside = any(c.x0 < p.x1 and p.x0 < c.x1 for c in row.cells for p in previous.cells)
        return beside and 0 < row.top - previous.top < self.gap_threshold

    def add(self, row: Row, fields: dict[str, str], number: int | None, prefecture: str | None,
            items: dict[str, tuple[str, ...]] | None = None, top: float | None = None,
            carried: bool = False) -> Entry:
        entry = Entry(fields, self.category, self.label, prefecture or self.prefecture, number,
                      row.page, row.top if top is None else top, items or {}, self.section,
                      self.group, carried)
        self.reading.entries.append(entry)
        self.entries_on_page += 1
        return entry

    def split_number(self, text: str) -> tuple[int | None, str]:
        if self.options.split_numbers:
            found = classify.leading_number(text)
            if found is not None:
                return found
        return None, text

    # -- a name grid ---------------------------------------------------------------------
    def grid_row(self, row: Row) -> None:
        role_parts: list[str] = []
        pending: int | None = None
        for cell in row.own_cells:
            target = self.continued_entry(row, cell) if pending is None else None
            if target is not None:
                name = self.shape.name_role
                target.fields[name] = join_wrapped([target.fields[name], *cell.lines])
                role_parts.append("continuation")
                continue
            n = classify.number(cell.text)
            if n is not None:
                pending = n
                continue
            number, text = self.split_number(_cell_text(cell))
            if pending is not None:
                number, pending = pending, None
            start = next((s for s in self.col_starts if abs(cell.x0 - s) <= 1), None)
            if start is None:
                start = cell.x0
                self.col_starts.append(start)
            entry = self.add(row, {self.shape.name_role: text}, number, None, top=cell.top)
            self.last_in_col[start] = entry
            role_parts.append("entry")
        if pending is not None:
            self.problem(row, f"a row number {pending} with no name after it")
            return
        self.role(row, "+".join(dict.fromkeys(role_parts)) or "entry")

    def continued_entry(self, row: Row, cell: Cell) -> Entry | None:
        """The entry an unruled cell continues (a wrapped name's next line), if any."""
        if cell.ruled or not self.col_starts:
            return None
        at_start = any(abs(cell.x0 - s) <= 1 for s in self.col_starts)
        if not at_start:
            indented = [
                s for s in self.col_starts
                if INDENT_MIN_CHARS * cell.size < cell.x0 - s <= INDENT_MAX_CHARS * cell.size
            ]
            if indented:
                return self.last_in_col.get(max(indented))
        if self.tight(row):
            start = min(self.col_starts, key=lambda s: abs(cell.x0 - s))
            if abs(cell.x0 - start) <= INDENT_MAX_CHARS * cell.size:
                return self.last_in_col.get(start)
        return None

    # -- a table -------------------------------------------------------------------------
    def table_row(self, row: Row) -> None:
        assert self.columns is not None
        shape = self.shape
        by_role: dict[str, list[Cell]] = {}
        starts = [c.x0 for c in self.columns]
        for cell in (part for c in row.cells for part in cut_at(c, starts)):
            column = _column_of(cell, self.columns)
            if column is None or column.role is None:
                continue
            by_role.setdefault(column.role, []).append(cell)
        own = {role for role, cs in by_role.items() if any(not c.repeated for c in cs)}
        text = {role: join_wrapped(_cell_text(c) for c in cs) for role, cs in by_role.items()}
        has_number_column = any(c.role == "number" for c in self.columns)
        entry_roles = shape.entry_roles & own
        if not own:
            self.role(row, "empty")
            return
        if not entry_roles and not (own & {shape.category_role}) and self.reading.entries:
            # a wrapped line: cells only in columns that no entry starts with
            self.append_to_last(by_role, text)
            self.role(row, "continuation")
            return
        last = self.reading.entries[-1] if self.reading.entries else None
        if (last is not None and "number" not in own and has_number_column and not row.ruled
                and own <= (shape.entry_roles | {"project", "lead", "consortium"})):
            self.append_to_last(by_role, text)
            self.role(row, "continuation")
            return
        if last is not None and self.tight(row) and "number" not in own:
            self.append_to_last(by_role, text)
            self.role(row, "continuation")
            return
        if shape.category_role in by_role:
            printed = text[shape.category_role]
            label = shape.label(printed)
            if label is None and self.options.infer_labels:
                label = Label("", key(printed), None, False)
            if label is None:
                self.problem(row, f"the category cell {printed!r} is no category label of "
                             f"{shape.vocabulary.file}")
                return
            if label.printed != self.label or label.category != (self.category or ""):
                columns = self.columns
                self.new_section(label, row, inferred=not label.category)
                self.columns = columns  # a category column is part of its table
        carried = False
        has_prefecture_column = any(c.role == "prefecture" for c in self.columns)
        printed_prefecture = text.get("prefecture", "")  # a merged cell's copy is printed too
        if printed_prefecture:
            self.prefecture = printed_prefecture
        elif has_prefecture_column:
            carried = self.prefecture is not None  # until finish() sees the convention
        if "group" in own and text["group"]:
            self.group = shape.vocabulary.group(text["group"]) or key(text["group"])
        number = classify.number(text["number"]) if "number" in text else None
        fields: dict[str, str] = {}
        items: dict[str, tuple[str, ...]] = {}
        for role, cells in by_role.items():
            if role in ("number", shape.category_role, "prefecture", "group"):
                continue
            lines = tuple(ln for c in cells for ln in c.lines)
            if role in shape.list_roles and classify.is_list_of_local_governments(lines):
                items[role] = lines
                fields[role] = "・".join(lines)
            else:
                fields[role] = text[role]
        if not shape.record:
            name = fields.get(shape.name_role, "")
            if number is None:
                number, name = self.split_number(name)
            fields = {shape.name_role: name}
        if not any(fields.get(r) for r in shape.entry_roles):
            self.problem(row, f"a table row without {'/'.join(sorted(shape.entry_roles))}: "
                         f"{row.text!r}")
            return
        entry = self.add(row, fields, number, None, items, carried=carried)
        if has_prefecture_column:
            self.prefecture_cells.append((entry, printed_prefecture))
        self.role(row, "entry")

    def append_to_last(self, by_role: dict[str, list[Cell]], text: dict[str, str]) -> None:
        last = self.reading.entries[-1]
        for role, cells in by_role.items():
            if all(c.repeated for c in cells):
                continue
            joined = join_wrapped([last.prefecture or "", text[role]])
            if role == "prefecture" and classify.prefecture(joined) and self.prefecture_cells \
                    and self.prefecture_cells[-1] == (last, last.prefecture or ""):
                # the printed prefecture wraps (神奈川 / 県): the group's is the whole name
                self.prefecture = last.prefecture = joined
                self.prefecture_cells[-1] = (last, joined)
                continue
            if role in ("number", "prefecture", "group", self.shape.category_role):
                continue
            field_role = role if self.shape.record else self.shape.name_role
            last.fields[field_role] = join_wrapped([last.fields.get(field_role, ""), text[role]])

    # -- the end of the pages ------------------------------------------------------------
    def finish(self) -> Reading:
        """The reading, once every page is read: a blank prefecture cell keeps its group's
        prefecture only where the list shows that convention (see the module docstring)."""
        printed = [(e.page, p) for e, p in self.prefecture_cells if p]
        once_per_group = len(printed) >= 2 and not any(
            a == b for a, b in zip(printed, printed[1:], strict=False)
        )
        for entry, prefecture in self.prefecture_cells:
            if prefecture or not entry.prefecture_carried:
                continue
            if not (once_per_group and _names_one_local_government(entry, self.shape)):
                entry.prefecture, entry.prefecture_carried = None, False
        return self.reading

    # -- a list of records without a header ----------------------------------------------
    def record_row(self, row: Row) -> None:
        """A row of a list without a header: a numbered entry, a ``label value`` line of an
        entry printed as a sheet or a box, or an entry whose fields are told by content."""
        cells = row.own_cells
        number: int | None = None
        n = classify.number(cells[0].text)
        if n is not None:
            number, cells = n, cells[1:]
        elif self.options.split_numbers and (found := classify.leading_number(cells[0].text)):
            number = found[0]
            first = cells[0]
            cells = [replace(first, text=found[1], lines=(found[1], *first.lines[1:]))] + cells[1:]
        if not cells:
            self.problem(row, f"a row number {number} with no entry after it")
            return
        last = self.reading.entries[-1] if self.reading.entries else None
        same_place = last is not None and last.page == row.page and last.section == self.section
        labelled = _labelled_cells(self.shape.vocabulary, cells)
        filled = set(last.fields) | ({"prefecture"} if last and last.prefecture else set()) \
            if last is not None else set()
        if labelled is not None and number is None and same_place and last is not None \
                and not set(labelled) & filled:
            self.fill_labelled(last, labelled, cells)  # the next field of a sheet or a box
            self.role(row, "field")
            return
        numbered = any(e.number is not None for e in self.reading.entries[-3:])
        value_x = self.last_field[1] if self.last_field is not None else None
        if last is not None and labelled is None and number is None and not row.ruled and (
            numbered or self.tight(row) or (same_place and value_x is not None)
        ):
            if value_x is not None and same_place:
                if cells[0].x0 < value_x - INDENT_MIN_CHARS * cells[0].size:
                    self.last_field = None  # back at the label margin: the fields ended
                    self.role(row, "text")
                    return
                role = self.last_field[0]  # type: ignore[index]
                last.fields[role] = join_wrapped([last.fields.get(role, ""), *(c.text for c in cells)])
            else:
                unplaced = [t for c in cells
                            for t in _fill_by_content(self.shape, last.fields, last.items, c)]
                if unplaced:
                    self.unplaced_texts(row, unplaced)
                    return
            self.role(row, "continuation")
            return
        self.last_field = None
        if labelled is not None:
            entry = self.add(row, {}, number, None)
            self.fill_labelled(entry, labelled, cells)
            self.role(row, "entry")
            return
        fields: dict[str, str] = {}
        items: dict[str, tuple[str, ...]] = {}
        unplaced = [t for c in cells for t in _fill_by_content(self.shape, fields, items, c)]
        if number is None and self.shape.place_role not in fields:
            self.role(row, "text")  # no place, no number: a title or prose, no entry
            return
        if unplaced:
            self.unplaced_texts(row, unplaced)
            return
        self.add(row, fields, number, None, items)
        self.role(row, "entry")

    def unplaced_texts(self, row: Row, texts: list[str]) -> None:
        self.problem(row, f"{' | '.join(texts)!r} stands in a row under no column header "
                     f"{self.shape.vocabulary.file} knows, and this list's fields are not told "
                     "by their order (a table whose header is missing from the vocabulary?)")

    def fill_labelled(self, entry: Entry, labelled: dict[str, str], cells: list[Cell]) -> None:
        """Fields of a ``label value`` row into an entry (a prefecture is the entry's own)."""
        for role, value in labelled.items():
            if role == "prefecture":
                entry.prefecture = classify.prefecture(value) or value
            else:
                entry.fields[role] = value
        role = next(reversed(labelled))
        self.last_field = (role, cells[-1].x0 if len(cells) > 1 else cells[0].x0)


def _labelled_cells(vocab: Vocabulary, cells: list[Cell]) -> dict[str, str] | None:
    """Fields of a row printed as ``label value`` (対象区域 | 全域; 事業名：…), or None."""
    if len(cells) == 2 and (role := vocab.column(cells[0].text.strip("【】[]■・：:"))):
        return {role: cells[1].text}
    if len(cells) == 1 and (found := _labelled(vocab, cells[0].text)) and found[1]:
        return {found[0]: found[1]}
    return None


@dataclass(slots=True)
class RowKind:
    """What a row is, whatever the reading: computed once per row and kept on it."""

    label: Label | None  # the row is a category label
    group: str | None  # the row is a group label
    title: str | None  # the row is a title naming a category
    furniture: bool
    labels: int  # how many of its cells are category labels
    header: list[str | None] | None  # the column roles of a header row
    prefecture: str | None  # a prefecture sub-heading
    unknown: Label | None  # a decorated heading the vocabulary lacks


def kind_of(row: Row, shape: Shape) -> RowKind:
    """The :class:`RowKind` of a row for a shape (cached on the row)."""
    cached = row.kinds.get(id(shape))
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    vocab = shape.vocabulary
    cells = row.own_cells
    texts = [c.text for c in cells]
    whole = "".join(texts)
    label = _row_label(shape, cells)
    group = vocab.group(whole) if label is None and len(cells) <= 2 else None
    title = vocab.title_category(whole) if label is None and group is None else None
    furniture = vocab.is_furniture(row.text, row.in_margin) or (
        len(cells) > 1 and all(vocab.is_furniture(t, row.in_margin) for t in texts)
    )
    roles = [vocab.column(t) for t in texts]
    # a header names two columns; a record list's names two different ones (where, and what
    # or who: a row of region names such as 志摩地域 | 伊豆地域 is no header)
    named = [r for r in roles if r is not None]
    header = roles if len(set(named) if shape.record else named) >= 2 \
        and set(roles) & shape.entry_roles else None
    unknown = vocab.unknown_label(whole) if len(cells) <= 2 and label is None else None
    if unknown is not None and classify.is_local_government(unknown.printed):
        unknown = None
    kind = RowKind(
        label=label,
        group=group,
        title=title,
        furniture=furniture,
        labels=sum(shape.label(t) is not None for t in texts) if len(texts) > 1 else 0,
        header=header,
        prefecture=classify.prefecture_heading(texts[0], vocab) if len(cells) == 1 else None,
        unknown=None if furniture else unknown,
    )
    row.kinds[id(shape)] = kind
    return kind


def _cell_text(cell: Cell) -> str:
    return cell.text


def _fill_by_content(shape: Shape, fields: dict[str, str], items: dict[str, tuple[str, ...]],
                     cell: Cell) -> list[str]:
    """Fields of a record printed without a header, from what each printed line says: a line
    that is a column label (事業名：…) names its field; a local government, a list of them or a
    prefecture is the area; the other text fills the remaining fields in ``content_order``.
    Returns the texts left unplaced: with an empty ``content_order``, every other text."""
    unplaced: list[str] = []
    lines = list(cell.lines) or [cell.text]
    vocab = shape.vocabulary
    i = 0
    while i < len(lines):
        line = lines[i]
        labelled = _labelled(vocab, line)
        if labelled is not None:
            role, value = labelled
            if not value and i + 1 < len(lines):
                i += 1
                value = lines[i]
            fields[role] = join_wrapped([fields.get(role, ""), value])
            i += 1
            continue
        place = shape.place_role
        if place not in fields and _is_place(line):
            run = [line]
            while i + len(run) < len(lines) and _is_place(lines[i + len(run)]):
                run.append(lines[i + len(run)])
            if len(run) > 1 and classify.is_list_of_local_governments(tuple(run)):
                items[place] = tuple(run)
                fields[place] = "・".join(run)
            else:
                fields[place] = join_wrapped(run)
            i += len(run)
            continue
        i += 1
        if not shape.content_order:
            unplaced.append(line)
            continue
        role = next((r for r in shape.content_order if r not in fields), shape.content_order[-1])
        fields[role] = join_wrapped([fields.get(role, ""), line])
    return unplaced


def _labelled(vocab: Vocabulary, line: str) -> tuple[str, str] | None:
    """(role, value) of a ``label：value`` or ``label value`` line whose label is a column."""
    for sep in ("：", ":", "　", " "):
        if sep in line:
            head, _, value = line.partition(sep)
            role = vocab.column(head.strip("【】[]■・"))
            if role is not None:
                return role, value.strip()
    role = vocab.column(line.strip("【】[]■・：:"))
    return (role, "") if role is not None else None


def _names_one_local_government(entry: Entry, shape: Shape) -> bool:
    """Whether an entry's place (a name list's name) is exactly one local government."""
    role = shape.place_role if shape.record else shape.name_role
    if role in entry.items:
        return False
    text = entry.fields.get(role, "")
    return classify.is_local_government(text) and not classify.prefecture(text)


def _is_place(text: str) -> bool:
    k = key(text)
    if classify.is_local_government(k) or classify.prefecture(k):
        return True
    parts = [p for p in k.replace("、", "・").replace(",", "・").split("・") if p]
    return len(parts) > 1 and all(classify.is_local_government(p) for p in parts)


def _row_label(shape: Shape, cells: list[Cell]) -> Label | None:
    """The label a row is, if it is one: its whole text, or a label cell followed only by a
    count cell (企業等 | 304団体)."""
    if not cells:
        return None
    whole = "".join(c.text for c in cells)
    label = shape.label(whole)
    if label is not None or len(cells) != 2:
        return label
    label = shape.label(cells[0].text)
    count = shape.vocabulary.strip("x" + cells[1].text)
    if label is not None and count[0] == "x" and count[1]:
        return shape.label(cells[0].text + cells[1].text) or label
    return None


def _span(header_cell: Cell) -> tuple[float, float]:
    box = header_cell.box
    if box is not None and box[0] > float("-inf") and box[2] < float("inf"):
        return box[0], box[2]
    return header_cell.x0, header_cell.x1


def _stands_in(row: Row, columns: list[_Column]) -> bool:
    """Whether a row's cells stand in a table's columns: none across a column boundary, and
    a ruled cell's box on the column rules (within ROW_TOLERANCE)."""
    spans = [c.span for c in columns]
    edges = [x for span in spans for x in span]
    starts = [c.x0 for c in columns]
    for cell in (part for c in row.own_cells for part in cut_at(c, starts)):
        crossed = sum(1 for a, b in spans if min(cell.x1, b) - max(cell.x0, a) > ROW_TOLERANCE)
        if crossed > 1:
            return False
        if cell.box is not None and all(c.span != (c.x0, c.x1) for c in columns):
            for x in (cell.box[0], cell.box[2]):
                if abs(x) != float("inf") and not any(abs(x - e) <= ROW_TOLERANCE for e in edges):
                    return False
    return True


def _column_of(cell: Cell, columns: list[_Column]) -> _Column | None:
    best, overlap = None, 0.0
    for column in columns:
        o = min(cell.x1, column.x1) - max(cell.x0, column.x0)
        if o > overlap:
            best, overlap = column, o
    if best is not None:
        return best
    near = min(columns, key=lambda c: abs(c.x0 - cell.x0))
    if abs(near.x0 - cell.x0) <= COLUMN_SNAP_CHARS * cell.size:
        return near
    # right of the last column's start, left of the next one's: the column it stands in
    left = [c for c in columns if c.x0 <= cell.x0]
    return max(left, key=lambda c: c.x0) if left else None


def _gap_threshold(rows: list[Row], shape: Shape) -> float | None:
    """The line pitch (top to top) below which an unruled line continues the row above, when
    the page's body lines (headings, titles, headers and furniture aside: their spacing is
    their own) show two pitches, inside wrapped names and between rows; None otherwise.
    Pitch, not the white gap: glyph boxes differ in height from font to font."""
    body = [_is_body(kind_of(r, shape)) and not r.ruled for r in rows]
    pitches = [
        b.top - a.top for a, b, a_body, b_body in zip(rows, rows[1:], body, body[1:], strict=False)
        if a_body and b_body and b.top > a.top
    ]
    sizes = [c.size for r in rows for c in r.cells]
    if len(pitches) < 2 or not sizes:
        return None
    size = statistics.median(sizes)
    pitches = [p for p in pitches if p < 3 * size]  # a heading's or section's space apart
    if len(pitches) < 2:
        return None
    # the row pitch: the usual one of those clearly wider than the narrowest (on a page whose
    # rows mostly wrap, wrapped lines outnumber rows)
    lo = min(pitches)
    wider = [p for p in pitches if p - lo > ROW_GAP_MIN_DIFFERENCE]
    if not wider:
        return None
    hi = statistics.median(wider)
    if hi > ROW_GAP_MIN_RATIO * lo:
        return (lo + hi) / 2
    return None


def _is_body(kind: RowKind) -> bool:
    """A row that is neither a heading, group, title, header, prefecture nor furniture."""
    return (kind.label is None and kind.group is None and kind.title is None
            and not kind.furniture and kind.header is None and kind.prefecture is None)


def read(pages: list[tuple[int, list[Row]]], shape: Shape, options: Options) -> Reading:
    """One reading of the pages' rows (each page's rows in the order to read them)."""
    state = _State(shape, options)
    for number, rows in pages:
        state.start_page(number, rows)
        for row in rows:
            state.feed(row)
    return state.finish()
