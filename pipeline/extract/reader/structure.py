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

import bisect
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pipeline.extract.pdf import Word
from pipeline.extract.reader import classify
from pipeline.extract.reader.cells import (
    ROW_TOLERANCE,
    Cell,
    Row,
    adjacent,
    cut_cell,
    join_wrapped,
)
from pipeline.extract.reader.vocabulary import Label, Vocabulary, key
from pipeline.text import PREFECTURES

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
# The lines of a label the vocabulary knows may stand this many letters apart (a merged cell's
# lines spread over its height); the label they make is checked against the vocabulary.
KNOWN_LABEL_REACH = 2.5
# A text wrapped alike onto the line below it on this many rows of a page is a label printed on
# every row of its group (see join_wrapped_labels).
REPEATED_WRAPS = 3
# The lines of a label the vocabulary lacks, wrapped in a category column, stand less than this
# many letters apart: closer than rows of names (see join_wrapped_labels).
LACKED_LABEL_REACH = 0.5
# The last line of a spaced label the vocabulary lacks may be this many letters, unspaced
# (「関　係　省　庁」 / 「等」).
LACKED_TAIL_CHARS = 2
# Two category cells the vocabulary lacks, centred in one column, whose middles are closer than
# this many characters are the lines of one cell (a row is further apart than a line)
CELL_LINE_CHARS = 1.6
# A category cell stands beside its group's names: the name starts within this many letters of
# the label's start (a page's next column of names stands further off).
LABEL_BESIDE_CHARS = 10.0


@dataclass(frozen=True)
class Options:
    """One reading of the pages: the choices a layout leaves open."""

    newspaper: bool = False  # pages set in columns read column by column
    split_numbers: bool = True  # a number before a name in its cell is a row number
    carry_columns: bool = False  # a table's columns hold across a heading outside it
    infer_labels: bool = False  # a decorated line that is no known label is a heading
    centered_labels: bool = False  # category cells stand in the middle of their group

    def describe(self) -> str:
        parts = [
            "columns read down (newspaper)" if self.newspaper else "rows read across",
            "leading numbers are row numbers" if self.split_numbers else "leading numbers kept",
        ]
        if self.carry_columns:
            parts.append("table columns carried over headings")
        if self.infer_labels:
            parts.append("unknown headings inferred")
        if self.centered_labels:
            parts.append("category cells centred on their group")
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
    """Something the reading could not place, with its page and the heading it was read under
    (where in the list it broke: an entry dropped or moved breaks it in its own section)."""

    message: str
    page: int
    under: str | None = None

    def describe(self) -> str:
        return self.message + under_heading(self.under)


def under_heading(label: str | None) -> str:
    """Where in the list a reading broke, said after what broke it: an entry dropped or moved
    breaks the list in its own section."""
    return f" (read under the heading {label!r})" if label else ""


@dataclass
class Reading:
    """What one reading of the pages gives."""

    options: Options
    entries: list[Entry] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    roles: list[tuple[int, str, str]] = field(default_factory=list)  # (page, role, text)
    problems: list[Problem] = field(default_factory=list)
    # the totals the list prints (合計　471団体): (count, page, text)
    totals: list[tuple[int, int, str]] = field(default_factory=list)

    def under_inferred_label(self, entry: Entry) -> bool:
        """The entry stands under a label the vocabulary lacks (its category comes later)."""
        return any(h.inferred and h.index == entry.section for h in self.headings)


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
    ``proposer_role``: the field of the one further text beside the place and the project
    when that text alone reads as an organisation's name (``classify.reads_as_organisation``),
    the other not (a source whose records name one organisation: none can be another field).
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
    proposer_role: str | None = None
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
    span: tuple[float, float]  # the header cell's ruled box, or its text without one (a cell
    # printing two column names gives both its whole span: no rule between them was drawn)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What a page's rows (in one order: across, or its columns read down) say whatever the
    reading: worked out once per page, not once per reading."""

    threshold: float | None  # gap_threshold
    merged_boxes: set[tuple[float, float, float, float]]  # ruled boxes spanning rows
    category_texts: set[str]  # texts printed as category cells would be (_category_texts)
    prefecture_columns: list[float]  # where its cells are prefectures only
    table_titles: set[str]  # texts printed alone just above a table's header, or numbered and
    # spread letter by letter (_table_titles): at a page's head, a label the vocabulary lacks
    # where its cells start, furniture and headings aside (a page number centred at its foot
    # starts none, nor a heading's count: _in_body)
    starts: tuple[float, ...]
    lone_category_texts: set[str]  # of those, the ones standing where known labels stand as
    # category cells (lone_category_cells)
    category_strips: list[tuple[float, float, float]]  # where known labels stand as category
    # cells (category_strips): such a cell may be centred on its group
    heading_counts: set[str]  # counts printed on a heading's line (heading_counts)
    numbered_headings: set[str]  # texts numbered as the page numbers its known headings, and
    # its entries not (numbered_headings): a label the vocabulary lacks, wherever it stands


def page_facts(rows: list[Row], shape: Shape) -> PageFacts:
    strips = category_strips(rows, shape)
    lone = lone_category_cells(rows, shape, strips)
    return PageFacts(gap_threshold(rows, shape), _merged_boxes(rows),
                     _category_texts(rows, shape) | lone,
                     [] if shape.record else _prefecture_columns(rows, shape),
                     _table_titles(rows, shape),
                     tuple(sorted({round(c.x0) for r in rows if _in_body(r, shape)
                                   for c in r.cells})), lone,
                     strips, heading_counts(rows, shape), numbered_headings(rows, shape))


def heading_counts(rows: list[Row], shape: Shape) -> set[str]:
    """Counts printed apart on a heading's line, after it (「（１）■関　係…体」 「計１２」):
    the heading's, never the list's total, though a page read down its columns may set them
    in another column than the heading's (so worked out on the page's rows across)."""
    vocab = shape.vocabulary

    def heading(c: Cell) -> bool:
        return shape.label(c.text) is not None or vocab.unknown_label(c.text) is not None

    # (a total on a line of other text is taken out of its row, into one of its own)
    return {key(c.text) for row in rows for c in row.own_cells
            if vocab.stated_total(c.text) is not None
            and any(heading(b) and b.x1 <= c.x0 for line in rows
                    if abs(line.top - row.top) <= ROW_TOLERANCE for b in line.own_cells)}


def _numbering_form(text: str, shape: Shape) -> str | None:
    """The numbering printed before a heading-like text's core, its digits as 0 (「（３）大学・
    研究機関」: 「(0)」); None without digits before the core."""
    k = key(text)
    at = k.find(shape.vocabulary.strip(text)[0])
    prefix = k[:at] if at > 0 else ""
    return re.sub(r"[0-9]+", "0", prefix) if re.search(r"[0-9]", prefix) else None


# A page numbering this many texts or more as its known headings numbers its entries so too.
NUMBERED_HEADINGS_MAX = 3


def numbered_headings(rows: list[Row], shape: Shape) -> set[str]:
    """Texts alone in their row numbered as the page numbers its known labels alone in their
    rows (「（３）大学・研究機関（つづき）」, then 「（４）民間事業者」), that could be a label the
    vocabulary lacks: numbering alone marks no heading (a list may number its entries so),
    but a page whose entries are numbered otherwise (「169.」) numbers so its headings only.
    Where more texts than a few are numbered so, the entries are too: none."""
    alone = [row.own_cells[0] for row in rows if len(row.own_cells) == 1]
    forms = {_numbering_form(c.text, shape) for c in alone if shape.label(c.text) is not None}
    found: set[str] = set()
    for form in forms - {None}:
        numbered = [(row, c) for row in rows for c in row.own_cells
                    if shape.label(c.text) is None and _numbering_form(c.text, shape) == form]
        if len(numbered) < NUMBERED_HEADINGS_MAX \
                and all(len(row.own_cells) == 1 for row, _ in numbered):
            found |= {key(c.text) for _, c in numbered
                      if could_be_label(shape.vocabulary.strip(c.text)[0], shape)}
    return found


def _in_body(row: Row, shape: Shape) -> bool:
    """A row of the list's body: no furniture, and no heading (a heading's count printed
    apart, 「１２団体」, starts no column of the page)."""
    kind = kind_of(row, shape)
    return not kind.furniture and kind.label is None


def _table_titles(rows: list[Row], shape: Shape) -> set[str]:
    """Texts alone in their row just above a row of column headers, that could be a category
    label the vocabulary lacks once their numbering is taken off (「３．大学・研究開発法人」
    over 「所在都道府県　会員名」 at each page's head, where the reader takes them): numbering
    alone marks no heading (a list numbers its entries so too), but a table's title is no
    entry."""
    titles: set[str] = set()
    for row, below in zip(rows, rows[1:], strict=False):
        if len(row.own_cells) == 1 and kind_of(below, shape).header is not None \
                and kind_of(row, shape).header is None \
                and could_be_label(shape.vocabulary.strip(row.text)[0], shape):
            titles.add(key(row.text))
    return titles | _spread_titles(rows, shape)


# Three letters or more set apart by ideographic spaces (「大　学　等　研　究」).
_SPREAD_RE = re.compile(r"(?:\S\u3000+){2,}\S")


def _spread_titles(rows: list[Row], shape: Shape) -> set[str]:
    """Texts alone in their row, numbered, their letters spread (「（３）大　学　等　研　究　機
    関」, each page's title naming its category): numbering alone marks no heading, but a
    member's name is not spread letter by letter after its number; a label the vocabulary
    lacks, which the reader takes at a page's head only."""
    titles: set[str] = set()
    for row in rows:
        if len(row.own_cells) != 1 or _SPREAD_RE.search(row.text) is None:
            continue
        core = shape.vocabulary.strip(row.text)[0]
        if core != key(row.text) and could_be_label(core, shape):
            titles.add(key(row.text))
    return titles


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
        self.table_starts: tuple[float, ...] = ()  # cell starts in the header's page column
        self.page_starts: tuple[float, ...] = ()  # cell starts on the page (read across)
        self.heading_counts: set[str] = set()  # (see PageFacts)
        self.last_in_group: dict[int, Entry] = {}  # the last entry of each group of columns
        self.col_starts: list[float] = []
        self.last_in_col: dict[float, Entry] = {}
        self.pending_number: int | None = None
        self.page = 0
        self.entries_on_page = 0
        self.gap_threshold: float | None = None
        self.previous: Row | None = None
        # the field a sheet's wrapped value continues, and the x its values start at
        self.last_field: tuple[str, float] | None = None
        self.numbered_rows = 0  # grid rows with numbers in a row (their wrapped lines aside)
        self.record_x: dict[str, float] = {}  # where each field of the last record starts
        self.text_row: Row | None = None  # a text passed over since the last entry
        self.last_numbered: Entry | None = None  # the last entry read with a row number
        # category cells centred on their group (centered_labels): this page's cells (their
        # middle, label, row) and entries, settled when the page ends
        self.page_labels: list[tuple[float, float, Label, Row]] = []  # middle, x0
        self.page_entries: list[tuple[Entry, float]] = []  # and its x0
        self.prefecture_row: Row | None = None  # the sub-heading in effect, if any
        # where the prefecture in effect was printed (the entry read next), and for each entry
        # that carried it (by id) where that was: a cell centred on its group starts the
        # group's section only when the page is settled, so a prefecture carried into it from
        # a group of another category is dropped at the end (see finish)
        self.prefecture_at = 0
        self.carried_from: dict[int, int] = {}
        # the sub-heading a new group closed (its entries may not be the new group's last word)
        self.prefecture_closed: Row | None = None
        self.prefecture_entries = 0  # entries read under it
        # entries read in a table with a prefecture column, and the prefecture each printed
        self.prefecture_cells: list[tuple[Entry, str]] = []
        self.cell_group: dict[int, int] = {}  # id of such an entry -> its group of columns
        # the page the table's header is on, the last page checked to go on with it, and
        # whether the list ended with the table (see continues_table)
        self.columns_page = 0
        self.checked_page = 0
        self.ended = False
        self.page_rows: list[Row] = []
        self.page_column: tuple[float, ...] = ()  # where cells start in the column read down
        self.merged_boxes: set[tuple[float, float, float, float]] = set()  # the page's facts
        self.category_texts: set[str] = set()  # (see PageFacts)
        self.table_titles: set[str] = set()  # (see PageFacts)
        self.numbered_headings: set[str] = set()  # (see PageFacts)
        self.prefecture_columns: list[float] = []
        self.label_row: Row | None = None  # a label alone in its row, read since the last row
        self.heading_row: Row | None = None  # the last row read as a category label
        # the least distance between two rows of entries, by the number of rows printed between
        # them (a prefecture sub-heading on a line of its own), and the rows read since the last
        self.pitches: dict[int, float] = {}
        self.rows_since_previous = 0

    # -- bookkeeping ---------------------------------------------------------------------
    def role(self, row: Row, role: str) -> None:
        self.reading.roles.append((row.page, role, row.text))

    def problem(self, row: Row, message: str) -> None:
        self.reading.problems.append(Problem(message, row.page, self.label))
        self.role(row, "unplaced")

    def new_section(self, label: Label, row: Row, inferred: bool = False) -> None:
        self.section += 1
        self.ended = False
        # the same category goes on; a label the vocabulary lacks: the same label restated
        continued = label.continued or (bool(label.category) and label.category == self.category) \
            or (not label.category and label.printed == self.label)
        heading = Heading(label.category, label.printed, label.count, row.page, inferred,
                          self.section, continued)
        self.reading.headings.append(heading)
        self.category = label.category or None
        self.label = label.printed
        if continued:
            return  # the same category goes on (（続き）, a heading repeated on a new page)
        if self.prefecture_entries or self.prefecture_row is None:
            # a sub-heading read since the last entry heads what follows (a category printed
            # in a column starts its section on the row after the sub-heading)
            self.set_prefecture(None, row)
        self.group = None
        self.col_starts, self.last_in_col = [], {}
        if not (self.options.carry_columns or (row.ruled and self.table_ruled)):
            self.columns = None

    def set_prefecture(self, prefecture: str | None, row: Row) -> None:
        """A prefecture sub-heading (or none, a new section): the one before must have stood
        over an entry, or it was misread (a sub-heading lost silently would publish wrong
        prefectures)."""
        if self.prefecture_row is not None and self.prefecture_entries == 0:
            self.problem(row, f"the prefecture sub-heading {self.prefecture_row.text!r} "
                         f"(page {self.prefecture_row.page}) stands over no entry")
        self.prefecture = prefecture
        self.prefecture_at = len(self.reading.entries)
        self.prefecture_row = row if prefecture is not None else None
        self.prefecture_entries = 0
        self.prefecture_closed = None

    def centred(self, label: Label, cells: list[Cell], row: Row) -> None:
        """A category cell in centred mode: settled with the page (see settle_centered)."""
        middle = (min(c.top for c in cells) + max(c.bottom for c in cells)) / 2
        self.page_labels.append((middle, min(c.x0 for c in cells), label, row))

    def settle_centered(self) -> None:
        """Each category cell of the page names the group of entries it stands in the middle
        of: groups follow each other from the page's first entry, each ending as far below
        its cell as it starts above it (a merged cell without rules, text centred). A page
        set in blocks side by side, each with its category column, is settled block by block
        (a group may end within a line of blocks: its cell is lower in the block it ends in)."""
        labels, entries = self.page_labels, self.page_entries
        self.page_labels, self.page_entries = [], []
        if not labels or not entries:
            return
        starts: list[float] = []  # each block's category column
        for x0 in sorted(x for _, x, _, _ in labels):
            if not starts or x0 - starts[-1] > ROW_TOLERANCE:
                starts.append(x0)

        def nearest(x: float) -> int:
            """The block whose category column is nearest: an entry may start left of its
            block's column (a row number before the category cell), never half a block off."""
            return min(range(len(starts)), key=lambda b: abs(x - starts[b]))

        for b in range(len(starts)):
            in_block = [(m, label, row) for m, x, label, row in labels if nearest(x) == b]
            block_entries = [e for e, x in entries if nearest(x) == b]
            if not self.settle_block(sorted(in_block, key=lambda t: t[0]), block_entries):
                return

    def settle_block(self, labels: list[tuple[float, Label, Row]], entries: list[Entry]) -> bool:
        """One block's category cells and entries (see settle_centered); False: not centred."""
        if not entries:
            return True
        labels = _lacked_lines_joined(labels)
        start, k = entries[0].top, 0
        for i, (middle, label, row) in enumerate(labels):
            end = 2 * middle - start if i + 1 < len(labels) else float("inf")
            if label.printed != self.label or label.category != (self.category or ""):
                # settled after the page's rows were read: the columns and the prefecture
                # sub-heading in effect are the page's, not reset by the label
                kept = (self.columns, self.prefecture, self.prefecture_at, self.prefecture_row,
                        self.prefecture_entries, self.prefecture_closed)
                self.new_section(label, row, inferred=not label.category)
                (self.columns, self.prefecture, self.prefecture_at, self.prefecture_row,
                 self.prefecture_entries, self.prefecture_closed) = kept
            first = k
            while k < len(entries) and entries[k].top < end - 1:
                entries[k].category, entries[k].label = self.category, self.label
                entries[k].section = self.section
                k += 1
            above = sum(1 for e in entries[first:k] if e.top < middle)
            # the page's last group may go on over the page: its cell stands no higher than
            # its middle on this page, never above it (in entries, or in lines: a name may
            # take two)
            last_top = entries[k - 1].top if k > first else start
            if above < k - first - above - 1 and middle < (start + last_top) / 2 - ROW_TOLERANCE:
                self.problem(row, f"the category cell {label.printed!r} stands above the "
                             f"middle of the group it would be centred on ({above} entries "
                             f"above it, {k - first - above} below): not centred")
                return False
            start = entries[k].top if k < len(entries) else end
        return True

    # -- rows ----------------------------------------------------------------------------
    def start_page(self, page: int, rows: list[Row], facts: PageFacts) -> None:
        """A new page (or its columns, read down), with what its rows say (``page_facts``)."""
        self.settle_centered()
        self.page = page
        self.entries_on_page = 0
        self.text_row = None
        self.previous = None
        self.col_starts, self.last_in_col = [], {}
        self.page_column = ()
        self.merged_boxes = facts.merged_boxes
        if self.options.infer_labels:  # (a label printed so on one page is one on the next,
            self.category_texts = self.category_texts | facts.category_texts  # on one row)
        self.table_titles = facts.table_titles if self.options.infer_labels else set()
        self.numbered_headings = facts.numbered_headings if self.options.infer_labels else set()
        self.prefecture_columns = facts.prefecture_columns
        # a page with too few lines to show two pitches is set like the pages before it
        self.gap_threshold = facts.threshold or self.gap_threshold
        self.page_rows = rows
        self.page_starts = facts.starts
        self.heading_counts = facts.heading_counts

    def feed(self, row: Row) -> None:
        self.rows_since_previous += 1
        if self.options.newspaper and row.starts and row.starts != self.page_column:
            if self.page_column:  # the page's next column, read down: no name of the column
                self.col_starts, self.last_in_col = [], {}  # before goes on in it
            self.page_column = row.starts
        kind = kind_of(row, self.shape)
        if kind.tail is not None and self.reading.roles and self.reading.roles[-1][1] == "heading":
            # 「〕　計１２」: the heading's end, wrapped (a category cell centred on its group is
            # read when the page is settled: its count goes with it)
            if self.page_labels and self.page_labels[-1][3] is self.heading_row \
                    and self.page_labels[-1][2].count is None:
                middle, x0, label, at = self.page_labels[-1]
                self.page_labels[-1] = (middle, x0, replace(label, count=kind.tail), at)
            elif self.reading.headings and self.reading.headings[-1].count is None:
                self.reading.headings[-1].count = kind.tail
            self.role(row, "heading")
            return
        if kind.label is not None:
            self.label_row = row  # read as a heading over the rows below: see takes_a_line
            self.heading_row = row
            if self.options.centered_labels and not row.ruled and self.in_category_column(row):
                self.label_row = None
                cells = row.own_cells
                if len(cells) > 1 and all(self.shape.label(c.text) == kind.label for c in cells):
                    for cell in cells:  # one category cell in each block
                        self.centred(kind.label, [cell], row)
                else:
                    self.centred(kind.label, cells, row)
            else:
                self.new_section(kind.label, row)
            self.role(row, "heading")
            return
        if kind.group is not None:
            new_group = kind.group != self.group
            if new_group and (self.prefecture_entries or self.prefecture_row is None):
                closed = self.prefecture_row
                self.set_prefecture(None, row)  # a new group starts its own prefectures
                self.prefecture_closed = closed
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
            total = self.shape.vocabulary.stated_total(row.text)
            if total is not None and key(row.text) not in self.heading_counts:
                self.reading.totals.append((total, row.page, row.text))
            self.role(row, "furniture")
            return
        if kind.labels >= 2 and self.columns is None and kind.labels_only:
            self.problem(row, f"{kind.labels} category labels in one row ({row.text!r}): a "
                         "summary line, not a list?")
            return
        if self.ended and kind.header is None:
            self.role(row, "after")  # after the list's table: 概要 pages, an annex
            return
        if kind.header is not None and self.restates_columns(row, kind.header):
            self.columns = [_Column(x0, x1, r, span) for x0, x1, r, span in kind.header]
            self.table_ruled = row.ruled
            self.table_starts = row.starts
            self.last_in_group = {}
            self.columns_page = row.page
            self.ended = False
            self.role(row, "header")
            return
        if kind.prefecture is not None:
            self.set_prefecture(kind.prefecture, row)
            self.role(row, "prefecture")
            return
        if self.options.infer_labels and kind.unknown is not None:
            self.new_section(kind.unknown, row, inferred=True)
            self.role(row, "heading?")
            return
        if self.options.infer_labels and key(row.text) in self.table_titles \
                and self.previous is None and self.entries_on_page == 0 \
                and kind.label is None and not kind.furniture:  # (at the page's head)
            core = self.shape.vocabulary.strip(row.text)[0]
            self.new_section(Label("", core, None, False), row, inferred=True)
            self.role(row, "heading?")
            return
        if key(row.text) in self.numbered_headings and kind.label is None \
                and not kind.furniture:  # (infer_labels)
            self.new_section(self.shape.vocabulary.lacked_label(row.text), row, inferred=True)
            self.role(row, "heading?")
            return
        if self.columns is not None and not self.continues_table(row):
            self.columns, self.ended = None, True
            self.role(row, "after")
            return
        if not self.takes_a_line(row):
            return
        if self.columns is not None:
            self.table_row(row)
        elif self.shape.record:
            self.record_row(row)
        else:
            self.grid_row(row)
        if not (self.options.centered_labels and self.reading.roles[-1][1] == "heading"):
            # (not a category cell alone in its row, centred on its group: between a name and
            # its wrapped line, as a known label's is)
            self.previous = row
            self.rows_since_previous = 0
        self.label_row = None

    def takes_a_line(self, row: Row) -> bool:
        """Read as a heading over the rows below it (not centred on its group), a label alone
        in its row takes a line of its own: set between two rows of entries no further apart
        than rows are, it is a cell merged over the rows around it, centred on them, and this
        reading is wrong about its group's first rows (a problem recorded). Where no two rows
        of entries have stood with nothing between them yet (each under its prefecture
        sub-heading), a label that alone stands between two rows takes a line if they are
        about as far apart as two rows with a sub-heading's line between them."""
        previous, label_row = self.previous, self.label_row
        between = self.rows_since_previous - 1  # rows printed between previous and row
        if previous is not None and previous.page == row.page and label_row is None:
            pitch = row.top - previous.top
            if pitch > 0 and (self.gap_threshold is None or pitch >= self.gap_threshold):
                # rows apart (not a name's wrapped line)
                self.pitches[between] = min(self.pitches.get(between, pitch), pitch)
        if label_row is None or previous is None or previous.page != row.page \
                or label_row.top < previous.top:
            return True  # (a label above the row before it heads the page's next column)
        distance = row.top - previous.top
        if 0 not in self.pitches and between == 1 and 1 in self.pitches:
            # (half a line less: a label's line may be set tighter than a sub-heading's)
            if distance >= self.pitches[1] - 0.5 * (label_row.bottom - label_row.top):
                return True
        elif not self.pitches or distance >= 1.5 * min(self.pitches.values()):
            return True
        self.problem(label_row, f"the category label {label_row.text!r} stands between two "
                     "rows of entries and takes no line of its own: a cell centred on its "
                     "group (merged over its rows), not a heading over the rows below it")
        return False

    def in_category_column(self, row: Row) -> bool:
        """The row's cells stand in the category column of the table (or, without a header, each
        left of a column of the page's names: the category column of its block)."""
        columns = self.columns_for(row) if self.columns is not None else []
        cats = [c for c in columns if c.role == self.shape.category_role]
        if cats:  # (in a later column of the page, the table's columns shifted there)
            return all(_column_of(c, columns) in cats for c in row.own_cells)
        return bool(self.col_starts) and all(any(c.x1 <= s + 1 for s in self.col_starts)
                                             for c in row.own_cells)

    def restates_columns(self, row: Row, header: list[tuple[float, float, str | None,
                                                       tuple[float, float]]]) -> bool:
        """Whether a row of column names is a header: always at the top of a page or a section;
        below entries of a table on the same page, only if it names the columns it stands in
        (else it is a wrapped line that happens to read 地域 | 協議会)."""
        if self.columns is None or self.entries_on_page == 0:
            return True
        if _same_columns_shifted(header, self.columns):
            return True  # the header restated atop the next column of the page
        columns = self.columns_for(row)
        for x0, x1, role, _ in header:
            if role is None:
                continue
            best = max(columns, key=lambda c: min(x1, c.x1) - max(x0, c.x0), default=None)
            if best is None or best.role != role or min(x1, best.x1) - max(x0, best.x0) <= 0:
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
        standing = sum(_stands_in(r, self.columns_for(r)) for r in body)
        return 2 * standing >= len(body)

    def columns_for(self, row: Row) -> list[_Column]:
        """The table's columns where the row stands: shifted in a later column of the page,
        or on a later page (a table continued there without its header)."""
        assert self.columns is not None
        # a page not set in columns, after a header read in a column of an earlier page: the
        # table goes on in the page's one column, wherever that stands (where its cells start)
        starts = row.starts or (self.page_starts if self.table_starts else ())
        if starts == self.table_starts:
            return self.columns
        d = _shift(self.columns, starts, self.shape.entry_roles)
        return [_Column(c.x0 + d, c.x1 + d, c.role, (c.span[0] + d, c.span[1] + d))
                for c in self.columns]

    def tight(self, row: Row, cell: Cell | None = None) -> bool:
        """The row (or one cell of it, to the cell above it) is closer to the one above than rows
        are to each other: a wrapped line. A cell's own top counts: a line set beside a label's
        line a little lower makes one row with it, whose top is the label's."""
        previous = self.previous
        if self.gap_threshold is None or previous is None or row.ruled:
            return False
        if cell is None:
            beside = any(c.x0 < p.x1 and p.x0 < c.x1 for c in row.cells for p in previous.cells)
            return beside and 0 < row.top - previous.top < self.gap_threshold
        return any(cell.x0 < p.x1 and p.x0 < cell.x1
                   and 0 < cell.top - p.top < self.gap_threshold for p in previous.cells)

    def add(self, row: Row, fields: dict[str, str], number: int | None, prefecture: str | None,
            items: dict[str, tuple[str, ...]] | None = None, top: float | None = None,
            carried: bool = False, x0: float | None = None) -> Entry:
        if self.text_row is not None and self.entries_on_page:
            # a text passed over between two entries of a list is a field misread (a column
            # read down on its own), not prose
            self.problem(self.text_row, f"{self.text_row.text!r} stands between entries and "
                         "is read as none: a column read apart from its entries?")
        self.text_row = None
        if self.prefecture_closed is not None and not (prefecture or self.prefecture) \
                and self.shape.record:
            # a group cell merged over rows under one sub-heading stands between them: the
            # sub-heading may go on past it, or the entry have none; never guessed
            self.problem(row, f"{row.text!r} begins a group with no prefecture sub-heading of "
                         f"its own where the list prints them ({self.prefecture_closed.text!r}"
                         " before the group's label): does that one go on?")
        entry = Entry(fields, self.category, self.label, prefecture or self.prefecture, number,
                      row.page, row.top if top is None else top, items or {}, self.section,
                      self.group, carried)
        self.reading.entries.append(entry)
        if entry.number:
            self.last_numbered = entry
        if self.options.centered_labels:
            self.page_entries.append((entry, row.cells[0].x0 if x0 is None else x0))
            if entry.prefecture and not prefecture:
                self.carried_from[id(entry)] = self.prefecture_at
        self.entries_on_page += 1
        self.prefecture_entries += 1
        return entry

    def split_number(self, text: str) -> tuple[int | None, str]:
        """A row number printed before the name in its cell, when this reading says so; the
        digits are cut where the printed numbering says (「2573Dプリント」 after 256: 257)."""
        if not self.options.split_numbers:
            return None, text
        found = classify.leading_number(text)
        if found is None:
            return None, text
        last = self.last_numbered
        digits = str(found[0])
        expected_numbers: tuple[int, ...] = ()
        if last is not None and last.number is not None:
            restart = last.category != self.category  # a new category may number from 1
            expected_numbers = (last.number + 1, 1) if restart else (last.number + 1,)
        if found[0] in expected_numbers:
            return found
        for expected in expected_numbers:
            cut = str(expected)
            if digits != cut and digits.startswith(cut) and text.lstrip().startswith(cut):
                return expected, text.lstrip()[len(cut):]
        return found

    # -- a name grid ---------------------------------------------------------------------
    def grid_row(self, row: Row) -> None:
        role_parts: list[str] = []
        pending: int | None = None
        cells = row.own_cells
        has_numbers = any(  # a number in a cell of its own, a name after it
            classify.number(a.text) is not None and classify.number(b.text) is None
            for a, b in zip(cells, cells[1:], strict=False)
        )
        # rows numbered in cells of their own (two in a row: a lone wrapped 「1」 of 「※1」 is
        # no numbering): a line without a number continues the names
        # (a number set close to its name, 「100島根県」, is a number too: not a wrapped line)
        glued = not has_numbers and any(classify.leading_number(c.text) for c in cells)
        numbered = has_numbers or glued
        unnumbered = self.numbered_rows >= 2 and not numbered and not row.ruled
        cell_prefecture: str | None = None
        for k, cell in enumerate(cells):
            if (_prefecture_column_cell(cells, k, self.options.split_numbers)
                    or _in_prefecture_column(cells, k, self.prefecture_columns)) \
                    if pending is None else _prefecture_before_name(cells, k):
                cell_prefecture = classify.prefecture(cell.text)
                role_parts.append("prefecture")
                continue
            label = self.shape.label(cell.text)
            free = self.under_nothing(cell)
            if label is None and self.options.infer_labels and (
                    (k + 1 < len(cells) or free) and key(cell.text) in self.category_texts
                    or (k == 0 and len(cells) > 1 and cell.box in self.merged_boxes
                        and could_be_label(cell.text, self.shape))):
                # a ruled cell merged over rows before the names, or a short text printed
                # before names again and again (a category cell on each block's first row, or
                # on every row) or left of where the page's rows begin (on its group's first
                # row), naming no known category: a category cell the vocabulary lacks,
                # inferred from its entries; never a line standing where a name's wrapped
                # line would (「社」 「第3株式会社」 printed again and again under names); alone
                # or last in its row only under no cell of the row above (a block's category
                # cell centred on its group, between two rows of names)
                if pending is not None or free or \
                        self.continued_entry(row, cell, unnumbered) is None:
                    label = Label("", key(cell.text), None, False)
            # a category label standing apart from every names' column (the category column of
            # a later block) continues no name, whatever the numbering of the rows
            apart = label is not None and not any(
                -1 <= cell.x0 - s <= INDENT_MAX_CHARS * cell.size for s in self.col_starts)
            target = self.continued_entry(row, cell, unnumbered) \
                if pending is None and not apart else None
            if target is not None:
                name = self.shape.name_role
                target.fields[name] = join_wrapped([target.fields[name], *cell.lines])
                role_parts.append("continuation")
                continue
            n = classify.number(cell.text)
            if n is not None:
                pending = n
                continue
            if label is not None and self.options.centered_labels and not cell.ruled:
                self.centred(label, [cell], row)
                role_parts.append("heading")
                continue
            if label is not None:  # a category printed in a cell before its group's names
                if label.printed != self.label or label.category != (self.category or ""):
                    starts, last = self.col_starts, self.last_in_col
                    self.new_section(label, row, inferred=not label.category)
                    self.col_starts, self.last_in_col = starts, last
                role_parts.append("heading")
                continue
            if pending is not None:  # a number printed in a cell of its own before the name
                number, text, pending = pending, _cell_text(cell), None
            else:
                number, text = self.split_number(_cell_text(cell))
            start = next((s for s in self.col_starts if abs(cell.x0 - s) <= 1), None)
            if start is None:
                start = cell.x0
                self.col_starts.append(start)
            if cell_prefecture is not None:  # a prefecture column, printed once per group
                self.prefecture = cell_prefecture  # or on every row: it holds until the next
                self.prefecture_at = len(self.reading.entries)
            entry = self.add(row, {self.shape.name_role: text}, number, None, top=cell.top,
                             carried=cell_prefecture is None and self.prefecture is not None,
                             x0=cell.x0)
            cell_prefecture = None
            self.last_in_col[start] = entry
            name_start = _name_start(cell, number)
            if name_start is not None:  # a wrapped line may start under the name, not the number
                if all(abs(name_start - s) > 1 for s in self.col_starts):
                    self.col_starts.append(name_start)
                self.last_in_col[next(s for s in self.col_starts
                                      if abs(name_start - s) <= 1)] = entry
            role_parts.append("entry")
        # two numbered rows in a row count as such with the wrapped lines of their names between
        # them (a line of name ends only: 「株式会社」 begins no name there)
        wrapped = bool(role_parts) and set(role_parts) == {"continuation"}
        self.numbered_rows = self.numbered_rows + 1 if numbered \
            else self.numbered_rows if wrapped else 0
        if pending is not None:
            self.problem(row, f"a row number {pending} with no name after it")
            return
        self.role(row, "+".join(dict.fromkeys(role_parts)) or "entry")

    def under_nothing(self, cell: Cell) -> bool:
        """No cell of the row above stands over any of the cell's width: no name's wrapped line
        (a name wraps because it filled its column), whatever the numbering and the columns."""
        previous = self.previous
        return previous is None or not any(cell.x0 < p.x1 and p.x0 < cell.x1
                                           for p in previous.cells)

    def entry_above(self, cell: Cell) -> Entry | None:
        """The entry of the row just above whose column the cell stands in (the rightmost
        column start left of it), where that row holds entries: a wrapped line continues the
        line above it, never an entry of an earlier row whose column started nearer."""
        if self.previous is None:
            return None
        above = self.previous.top
        starts = [s for s, e in self.last_in_col.items() if s <= cell.x0 and e.page == self.page]
        if not starts:
            return None
        # (the column it stands in, whose entry is not on the row above: it continues none of
        # that row's, though a column further left has one there: 323269)
        entry = self.last_in_col[max(starts)]
        return entry if abs(entry.top - above) <= ROW_TOLERANCE else None

    def continued_entry(self, row: Row, cell: Cell, unnumbered: bool = False) -> Entry | None:
        """The entry an unruled cell continues (a wrapped name's next line), if any: indented
        under a column's start, closer to the line above than rows are, or, in rows numbered
        in cells of their own, on a line without a number; always on the entry's page (a
        line at a page's head continues nothing of the page before: a heading restated)."""
        target = self._continued_entry(row, cell, unnumbered)
        return target if target is not None and target.page == row.page else None

    def _continued_entry(self, row: Row, cell: Cell, unnumbered: bool) -> Entry | None:
        if cell.ruled or not self.col_starts:
            return None
        if unnumbered:
            left = [s for s in self.col_starts if s <= cell.x0 + 1]
            if left:
                return self.entry_above(cell) or self.last_in_col.get(max(left))
        at_start = any(abs(cell.x0 - s) <= 1 for s in self.col_starts)
        if not at_start:
            indented = [
                s for s in self.col_starts
                if INDENT_MIN_CHARS * cell.size < cell.x0 - s <= INDENT_MAX_CHARS * cell.size
            ]
            if indented:
                return self.entry_above(cell) or self.last_in_col.get(max(indented))
        if self.tight(row, cell) and not classify.begins_a_name(cell.text):
            start = min(self.col_starts, key=lambda s: abs(cell.x0 - s))
            if abs(cell.x0 - start) <= INDENT_MAX_CHARS * cell.size:
                return self.last_in_col.get(start)
        return None

    # -- a table -------------------------------------------------------------------------
    def table_row(self, row: Row) -> None:
        """A row under a header: its cells by column, one entry per group of columns (a
        header printing its columns twice side by side holds two entries per row)."""
        assert self.columns is not None
        shape = self.shape
        columns = self.columns_for(row)
        bounds = [(a.x1 + b.x0) / 2 for a, b in zip(columns, columns[1:], strict=False)]
        groups = _column_groups(columns)
        by_group: dict[int, dict[str, list[Cell]]] = {}
        for whole in row.cells:
            for cell in cut_cell(whole, bounds):
                column = _column_of(cell, columns)
                if column is not None and column.role is None \
                        and classify.prefecture(cell.text) is not None:
                    self.problem(row, f"the prefecture {cell.text!r} stands in a column whose "
                                 "header names no column of the list: header misread?")
                    return
                if column is None or column.role is None:
                    continue
                by_group.setdefault(groups[id(column)], {}).setdefault(column.role, []).append(cell)
        misplaced = next((c for by_role in by_group.values() for role, cs in by_role.items()
                          if role != shape.category_role
                          for c in cs if not c.repeated and shape.label(c.text) is not None), None)
        if misplaced is not None:
            self.problem(row, f"the category label {misplaced.text!r} stands in a column that is "
                         "not the category's: columns misread?")
            return
        if self.options.split_numbers and any(c.role == "number" for c in columns):
            for by_role in by_group.values():
                _number_cut_off(by_role)
        roles = []
        for g in sorted(by_group):
            played = self.table_entry(row, g, by_group[g])
            if played is None:
                return  # a problem, recorded with the row
            roles.append(played)
        self.role(row, "+".join(dict.fromkeys(roles)) or "empty")

    def table_entry(self, row: Row, group: int, by_role: dict[str, list[Cell]]) -> str | None:
        """The cells of one group of columns of a table row: an entry, a wrapped line of the
        entry above, or nothing; returns the role it played (None after a problem)."""
        shape = self.shape
        own = {role for role, cs in by_role.items() if any(not c.repeated for c in cs)}
        text = {role: join_wrapped(_cell_text(c) for c in cs) for role, cs in by_role.items()}
        has_number_column = any(c.role == "number" for c in self.columns or ())
        last = self.last_in_group.get(group)
        if last is not None and (last.page != row.page or row.top <= last.top):
            # a line at a page's head continues nothing of the page before, nor one at the
            # head of the page's next column (read down) the foot of the column before
            last = None
        if not own:
            return "empty"
        if not shape.entry_roles & own and not (own & {shape.category_role, "number"}) and last:
            # a wrapped line: cells only in columns that no entry starts with (a row number
            # starts one)
            if not self.append_to(last, by_role, text, row):
                return None
            return "continuation"
        # rows numbered in a column, or in their first field's cell (this reading): a line
        # without a number is more of the entry above (a joint proposal's next place)
        numbered_in_cell = not has_number_column and self.options.split_numbers and \
            shape.record and last is not None and last.number is not None and \
            not any(classify.leading_number(c.text) for cs in by_role.values() for c in cs)
        # a category cell centred on its group may share its line with a name's wrapped line
        # (「企　業　等」 beside 「協会」, the end of the name above): set apart, it is the label
        centred_beside = self.centred_label(by_role, text)
        wrapped_roles = own - {shape.category_role} if centred_beside is not None else own
        if (last is not None and "number" not in own and not row.ruled and wrapped_roles
                and (has_number_column or numbered_in_cell)
                and wrapped_roles <= (shape.entry_roles | {"project", "lead", "consortium"})):
            if centred_beside is not None:
                self.centred(centred_beside, by_role[shape.category_role], row)
                by_role = {r: cs for r, cs in by_role.items() if r != shape.category_role}
            if not self.append_to(last, by_role, text, row):
                return None
            return "continuation"
        # a wrapped line: its texts close under the cells above (a name's, not a label's line)
        texts = [c for role in own - {shape.category_role} for c in by_role[role]
                 if not c.repeated]
        tight = all(self.tight(row, c) for c in texts) if texts else self.tight(row)
        if last is not None and tight and "number" not in own:
            wrapped = key(text.get(shape.category_role, ""))
            if wrapped and last.category and not self.ends_a_label(last, wrapped) \
                    and centred_beside is None:
                # (「等社」: the label's wrapped 「等」 and a name's wrapped 「社」 read as one)
                self.problem(row, f"{wrapped!r} stands in the category column under "
                             f"{last.label!r} but is part of no category label: a name's "
                             "wrapped end beside it?")
                return None
            if centred_beside is not None:
                self.centred(centred_beside, by_role[shape.category_role], row)
                by_role = {r: cs for r, cs in by_role.items() if r != shape.category_role}
            if not self.append_to(last, by_role, text, row):
                return None
            return "continuation"
        if shape.category_role in by_role:
            printed = text[shape.category_role]
            label = shape.label(printed)
            if label is None and self.options.infer_labels:
                label = Label("", key(printed), None, False)
            if label is None:
                self.problem(row, f"the category cell {printed!r} is no category label of "
                             f"{shape.vocabulary.file}")
                return None
            category_cells = by_role[shape.category_role]
            if self.options.centered_labels and not any(c.ruled for c in category_cells):
                self.centred(label, by_role[shape.category_role], row)
            elif label.printed != self.label or label.category != (self.category or ""):
                columns = self.columns
                self.new_section(label, row, inferred=not label.category)
                self.columns = columns  # a category column is part of its table
        carried = False
        has_prefecture_column = any(c.role == "prefecture" for c in self.columns)
        printed_prefecture = text.get("prefecture", "")  # a merged cell's copy is printed too
        if printed_prefecture:
            self.prefecture = printed_prefecture
            self.prefecture_at = len(self.reading.entries)
        elif has_prefecture_column:
            carried = self.prefecture is not None  # until finish() sees the convention
        if "group" in own and text["group"]:
            self.group = shape.vocabulary.group(text["group"]) or key(text["group"])
        number = classify.number(text["number"]) if "number" in text else None
        fields: dict[str, str] = {}
        items: dict[str, tuple[str, ...]] = {}
        field_roles = [r for r in by_role if r not in ("number", shape.category_role,
                                                       "prefecture", "group")]
        # a row number before the record's first field, in its first line (18 青森県 /
        # おいらせ町 / 十和田市: a list of places one per line all the same)
        first = min(field_roles, key=lambda r: min(c.x0 for c in by_role[r])) \
            if shape.record and number is None and field_roles else None
        for role in field_roles:
            # (a bracket wrapped open is one line with its close: 「小値賀町（長崎県」 / 「）」)
            lines = tuple(_brackets_closed([ln for c in by_role[role] for ln in c.lines]))
            printed = text[role]
            if role == first:
                number, printed = self.split_number(printed)
                if number is not None:
                    head = self.split_number(lines[0])[1]
                    lines = (head, *lines[1:]) if head else lines[1:]
            if role in shape.list_roles and (classify.is_list_of_local_governments(lines)
                                             or classify.prefecture_then_its_own(lines)):
                items[role] = lines  # (a prefecture then its own: see settle_prefecture_lines)
                fields[role] = "・".join(lines)
            else:
                fields[role] = printed
        if not shape.record:
            name = fields.get(shape.name_role, "")
            if number is None:
                number, name = self.split_number(name)
            glued = classify.leading_number(text["number"]) if "number" in text else None
            if not name and glued is not None:
                # a number wider than its column, set close to the name beside it
                # (「100新居浜市」): one cell, standing in the number's column
                number, name = glued
            fields = {shape.name_role: name}
        if "prefecture" in {c.role for c in self.columns or ()} and not self.prefecture and \
                classify.is_local_government(fields.get(shape.place_role if shape.record
                                                        else shape.name_role, "")):
            self.problem(row, f"{row.text!r}: a local government with no prefecture where the "
                         "list has a prefecture column (printed once for a group begun "
                         "before a heading?)")
            return None
        if not any(fields.get(r) for r in shape.entry_roles):
            if own <= {"number", shape.category_role, "prefecture", "group"} and not (
                own - {shape.category_role}
            ):
                return "heading"  # a category cell printed on a row of its own
            self.problem(row, f"a table row without {'/'.join(sorted(shape.entry_roles))}: "
                         f"{row.text!r}")
            return None
        # where its group of columns starts: a page of tables side by side is settled block
        # by block (settle_centered)
        x0 = min(c.x0 for cs in by_role.values() for c in cs)
        entry = self.add(row, fields, number, None, items, carried=carried, x0=x0)
        self.last_in_group[group] = entry
        if has_prefecture_column:
            self.prefecture_cells.append((entry, printed_prefecture))
            self.cell_group[id(entry)] = group
        return "entry"

    def centred_label(self, by_role: dict[str, list[Cell]], text: dict[str, str]) -> Label | None:
        """The label of a row's category cell where this reading centres category cells on
        their groups and the cell may be one (unruled, printed, not a merged cell's copy): a
        known label, or, where this reading infers them, a text that could be one."""
        cells = by_role.get(self.shape.category_role, [])
        if not self.options.centered_labels or not cells \
                or any(c.ruled or c.repeated for c in cells):
            return None
        printed = text[self.shape.category_role]
        label = self.shape.label(printed)
        core = key(printed)
        if label is None and self.options.infer_labels and could_be_label(printed, self.shape) \
                and len(core) > LACKED_TAIL_CHARS \
                and not any(core in known for known in self.shape.vocabulary.labels):
            # (never 「社」, a name's wrapped end, nor 「研究機関」, a known label's)
            label = Label("", core, None, False)
        return label

    def ends_a_label(self, entry: Entry, wrapped: str) -> bool:
        """A category cell's wrapped line: part of a label of the vocabulary, or what makes the
        entry's label one (「2018年」 / 「度」: a year the source's own rule reads)."""
        return any(wrapped in label for label in self.shape.vocabulary.labels) or \
            self.shape.label((entry.label or "") + wrapped) is not None

    def ends_an_inferred_label(self, entry: Entry, wrapped: str) -> bool:
        """A category cell printed on its group's first row, wrapped onto the next line (beside
        the first name's wrapped line, or none: 「大学・研究開発」 / 「法人」), where this reading
        infers a label the vocabulary lacks: its line ends that label, which is the whole (the
        group's only entries so far stand on the row it began on, one per block of a row of
        blocks side by side; a name's wrapped line starts under its name, never left of it in
        the category column)."""
        heading = self.reading.headings[-1] if self.reading.headings else None
        if not (self.options.infer_labels and heading is not None and heading.inferred
                and entry.section == self.section
                and all(e.page == entry.page and abs(e.top - entry.top) <= ROW_TOLERANCE
                        for e in self.reading.entries if e.section == self.section)):
            return False  # (the group's entries so far: the first row's, one per block)
        tail = key(wrapped)
        if entry.label == heading.printed and len(heading.printed) > len(tail) \
                and heading.printed.endswith(tail):
            return True  # the line of a block beside, its label ended with the first block's
        whole = key((entry.label or "") + wrapped)
        if not could_be_label(whole, self.shape):
            return False
        cut = entry.label
        if cut == heading.printed == self.label:
            heading.printed = self.label = whole
        elif whole != heading.printed:  # (the cell of a block beside, wrapped the same way)
            return False
        for e in self.reading.entries:  # (the first row's entries: of every block beside)
            if e.section == self.section and e.label == cut:
                e.label = whole
        return True

    def append_to(self, entry: Entry, by_role: dict[str, list[Cell]], text: dict[str, str],
                  row: Row) -> bool:
        """A wrapped line's cells appended to the entry above; False (a problem recorded) where
        text stands in a column that takes none on a wrapped line (a name's end cut into the
        prefecture column by a bound read wrong would be lost)."""
        for role, cells in by_role.items():
            if all(c.repeated for c in cells):
                continue
            joined = join_wrapped([entry.prefecture or "", text[role]])
            if role == "prefecture" and classify.prefecture(joined) and self.prefecture_cells \
                    and self.prefecture_cells[-1] == (entry, entry.prefecture or ""):
                # the printed prefecture wraps (神奈川 / 県): the group's is the whole name
                self.prefecture = entry.prefecture = joined
                self.prefecture_cells[-1] = (entry, joined)
                continue
            if role == self.shape.category_role and self.ends_an_inferred_label(entry, text[role]):
                continue
            if role == "group" or role == self.shape.category_role and \
                    self.ends_a_label(entry, key(text[role])) and \
                    not self.reading.under_inferred_label(entry):
                continue  # a group's or category label's wrapped end (a label the vocabulary
                # lacks ends so above, or not at all: 「体」 is in 「地方公共団体」, 252748)
            if role in ("number", "prefecture", self.shape.category_role):
                above = " ".join(v for v in entry.fields.values() if v)
                self.problem(row, f"{text[role]!r} stands in the {role} column on a line that "
                             f"continues {above!r}: part of its text, cut off at a column "
                             "bound read wrong?")
                return False
            field_role = role if self.shape.record else self.shape.name_role
            _append_field(self.shape, entry, field_role, text[role])  # wrapped, or listed
        return True

    # -- the end of the pages ------------------------------------------------------------
    def finish(self) -> Reading:
        """The reading, once every page is read: a blank prefecture cell keeps its group's
        prefecture only where the list shows that convention (see the module docstring)."""
        self.settle_centered()
        self.settle_proposers()
        self.settle_prefecture_lines()
        self.drop_prefectures_of_other_categories()
        # the same prefecture printed on two rows in a row of one column of one page (printed
        # again at the top of a page, of the page's next column, or in the next group of
        # columns of a row, a group goes on)
        by_group: dict[int, list[tuple[Entry, str]]] = {}
        for e, p in self.prefecture_cells:
            if p:
                by_group.setdefault(self.cell_group.get(id(e), 0), []).append((e, p))
        once_per_group = sum(len(v) for v in by_group.values()) >= 2 and not any(
            pa == pb and a.page == b.page and b.top > a.top
            for printed in by_group.values()
            for (a, pa), (b, pb) in zip(printed, printed[1:], strict=False)
        )
        for entry, prefecture in self.prefecture_cells:
            if prefecture or not entry.prefecture_carried:
                continue
            if not (once_per_group and _names_one_local_government(entry, self.shape)):
                entry.prefecture, entry.prefecture_carried = None, False
        return self.reading

    def settle_prefecture_lines(self) -> None:
        """A place printed on two lines, a prefecture and then a local government in it
        (「鹿児島県」 / 「南大隅町」), is one name wrapped after its prefecture where the list
        prints its places so (another place on one line after its prefecture, 北海道弟子屈町) or
        joins a joint proposal's places with a separator (群馬県・館林市・吉岡町); it is two
        proposers where the list prints joint proposals one bare name per line. Neither, or
        both: not guessed, a problem."""
        roles = tuple(dict.fromkeys((self.shape.place_role, *self.shape.list_roles)))
        entries = self.reading.entries
        pairs = [(e, r) for e in entries for r in roles
                 if classify.prefecture_then_its_own(e.items.get(r, ()))]
        if not pairs:
            return
        printed = [(e.items[r] if r in e.items else (e.fields[r],))
                   for e in entries for r in roles if e.fields.get(r)
                   and not classify.prefecture_then_its_own(e.items.get(r, ()))]
        one_line = [names[0] for names in printed if len(names) == 1]
        wrapped = any(_SEPARATORS_RE.search(key(t)) for t in one_line) \
            or any(classify.prefixed(n) for names in printed for n in names)
        listed = any(len(names) > 1 and not any(classify.prefixed(n) for n in names)
                     for names in printed)
        for entry, role in pairs:
            lines = entry.items[role]
            if wrapped and not listed:
                del entry.items[role]
                entry.fields[role] = join_wrapped(lines)
            elif wrapped or not listed:  # (listed alone: two proposers, kept)
                self.reading.problems.append(Problem(
                    f"{' / '.join(lines)!r}, a prefecture and then a local government in it on "
                    "two lines, is one place wrapped or two proposers, and the list prints "
                    "its other places " + ("both ways" if wrapped else "neither way") +
                    ": not guessed", entry.page))

    def settle_proposers(self) -> None:
        """The text beside an entry's place and project that no header or label named, with
        its wrapped lines: the proposer when it alone reads as an organisation's name."""
        for entry in self.reading.entries:
            text = entry.fields.pop(_UNPLACED, None)
            if text is None or _proposer_by_content(self.shape, entry.fields, text) is not None:
                continue
            self.reading.problems.append(Problem(
                f"{text!r} stands beside the place and the project "
                f"{entry.fields.get(self.shape.content_order[0], '')!r} under no column header "
                f"{self.shape.vocabulary.file} knows, and no label says what it is; both or "
                "neither read as an organisation's name (a proposer?): not guessed", entry.page))

    def drop_prefectures_of_other_categories(self) -> None:
        """An entry that carried a prefecture printed for an entry of another category (a
        cell centred on its group begins the group's section only when its page is settled)
        has none: a new section starts with no prefecture, as a heading's does."""
        entries = self.reading.entries
        for entry in entries:
            at = self.carried_from.get(id(entry))
            if at is None or at >= len(entries):
                continue
            source = entries[at]
            if source.category != entry.category or (
                    not entry.category and source.label != entry.label):
                entry.prefecture, entry.prefecture_carried = None, False

    # -- a list of records without a header ----------------------------------------------
    def record_row(self, row: Row) -> None:
        """A row of a list without a header. Boxes standing apart (a slide with one box per
        project) are an entry each; otherwise the row is one: see :meth:`record_cells`."""
        boxes = _box_groups(row.own_cells)
        if len(boxes) > 1:
            for cells in boxes:
                self.record_cells(replace(row, cells=cells, top=min(c.top for c in cells),
                                          kinds={}))
            return
        self.record_cells(row)

    def record_cells(self, row: Row) -> None:
        """A numbered entry, a ``label value`` line of an entry printed as a sheet or a box, or
        an entry whose fields are told by content."""
        cells = list(row.own_cells)
        at = next((i for i, c in enumerate(cells) if classify.number(c.text) is None
                   and classify.prefecture(c.text) is None), None)
        if at is not None:  # where the record's place is printed
            cells[at:at + 1] = _cut_after_place(cells[at])
        cells = [part for cell in cells for part in _cut_at_labels(self.shape.vocabulary, cell)]
        number: int | None = None
        may_be_numbered = not self.under_a_text(cells[0])
        n = classify.number(cells[0].text) if may_be_numbered else None
        if n is not None:
            number, cells = n, cells[1:]
        elif self.options.split_numbers and may_be_numbered and \
                (found := classify.leading_number(cells[0].text)):
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
        if labelled is not None and number is None and set(labelled) <= filled and \
                self.under_fields(cells):
            labelled = None  # fields' wrapped ends that read as one (「コンソーシアム」 「構」)
        if labelled is not None and number is None and same_place and last is not None \
                and not set(labelled) & filled:
            self.fill_labelled(last, labelled, cells)  # the next field of a sheet or a box
            self.role(row, "field")
            return
        numbered = any(e.number is not None for e in self.reading.entries[-3:])
        value_x = self.last_field[1] if self.last_field is not None else None
        if last is not None and labelled is None and number is None and not row.ruled and \
                last.page == row.page and (
                    numbered or self.tight(row) or (same_place and value_x is not None)):
            if value_x is not None and same_place:
                if cells[0].x0 < value_x - INDENT_MIN_CHARS * cells[0].size:
                    self.last_field = None  # back at the label margin: the fields ended
                    self.role(row, "text")
                    return
                role = self.last_field[0]  # type: ignore[index]
                for cell in cells:  # a wrapped value, or the next place of a list
                    _append_field(self.shape, last, role, cell.text)
            else:
                stray: dict[str, object] = {}
                across = next((c for c in cells if self.reaches_across(c)), None)
                if across is not None:
                    self.problem(row, f"{across.text!r} stands under the entry above across "
                                 "where two of its fields begin, with no gap between them "
                                 "there: not guessed")
                    return
                cells = [part for c in cells for part in self.cut_at_fields(c)]
                for cell in cells:  # under the field whose text starts where it does
                    role = next((r for r, x in self.record_x.items()
                                 if abs(x - cell.x0) <= COLUMN_SNAP_CHARS * cell.size), None)
                    if role is None:
                        _fill_by_content(self.shape, last.fields, last.items, cell, stray)
                    else:
                        _append_field(self.shape, last, role, cell.text)
                if stray.get("unplaced"):  # never dropped: a field's wrapped end, lost, is wrong
                    self.problem(row, f"{' | '.join(stray['unplaced'])!r} stands under the "  # type: ignore[arg-type]
                                 "entry above but under none of its fields: not guessed")
                    return
            self.role(row, "continuation")
            return
        self.last_field = None
        if labelled is not None:
            self.record_x = {}  # no record's fields printed side by side
            entry = self.add(row, {}, number, None)
            self.fill_labelled(entry, labelled, cells)
            self.role(row, "entry")
            return
        fields: dict[str, str] = {}
        items: dict[str, tuple[str, ...]] = {}
        found: dict[str, object] = {}
        self.record_x = {}
        for cell in cells:
            before, unplaced = set(fields), len(found.get("unplaced", ()))  # type: ignore[arg-type]
            _fill_by_content(self.shape, fields, items, cell, found)
            for role in set(fields) - before:
                self.record_x[role] = cell.x0
            if len(found.get("unplaced", ())) > unplaced:  # type: ignore[arg-type]
                self.record_x[_UNPLACED] = cell.x0
        unplaced = found.get("unplaced")
        if isinstance(unplaced, list) and len(unplaced) == 1 and self.shape.proposer_role \
                and self.shape.proposer_role not in fields:
            fields[_UNPLACED] = unplaced[0]  # told by what it says once its lines are all read
        elif unplaced:
            self.problem(row, f"{' | '.join(found['unplaced'])!r} stands beside an entry's place "
                         f"and name under no column header {self.shape.vocabulary.file} knows, "
                         "and no label says what it is (a lead? a consortium?): not guessed")
            return
        if number is None and isinstance(found.get("number"), int):
            number = found["number"]  # type: ignore[assignment]
        if number is None and self.shape.place_role not in fields:
            self.role(row, "text")  # no place, no number: a title or prose, no entry
            self.text_row = row
            return
        prefecture = found.get("prefecture")
        self.add(row, fields, number, prefecture if isinstance(prefecture, str) else None, items)
        self.role(row, "entry")

    def under_a_text(self, cell: Cell) -> bool:
        """A cell right of the last record's place, where one of its texts begins: that text's
        wrapped end (「3株式会社」, a note mark's 「1」), never a row number."""
        place_x = self.record_x.get(self.shape.place_role)
        snap = COLUMN_SNAP_CHARS * cell.size
        return place_x is not None and cell.x0 > place_x + snap and any(
            abs(x - cell.x0) <= snap for role, x in self.record_x.items()
            if role != self.shape.place_role)

    def under_fields(self, cells: list[Cell]) -> bool:
        """Each cell starts where one of the last record's fields does."""
        return bool(self.record_x) and all(
            any(abs(x - c.x0) <= COLUMN_SNAP_CHARS * c.size for x in self.record_x.values())
            for c in cells)

    def _field_starts_inside(self, cell: Cell) -> list[float]:
        """Where the last record's fields begin inside a cell's width, its text reaching half a
        letter or more past them (a short last word, 「(株)」, reaches little further)."""
        snap = COLUMN_SNAP_CHARS * cell.size
        return sorted(x for x in self.record_x.values()
                      if cell.x0 + snap < x < cell.x1 - cell.size / 2)

    def cut_at_fields(self, cell: Cell) -> list[Cell]:
        """A wrapped line reaching into the next field's column (two fields' wrapped ends set
        close: 「スマートシティコンソーシアム」 and 「ィクス第3(株)*」, one cell by the width of
        their gap) cut where that field's text begins: a line wrapped within its cell never
        crosses into the next column, so what stands there is the next field's."""
        starts = self._field_starts_inside(cell)
        snap = COLUMN_SNAP_CHARS * cell.size
        cuts = [w["x0"] for w in cell.words if any(abs(w["x0"] - x) <= snap for x in starts)]
        return cut_cell(cell, sorted(cuts)) if cuts else [cell]

    def reaches_across(self, cell: Cell) -> bool:
        """A cell across a field's start with no word beginning there: it cannot be cut."""
        snap = COLUMN_SNAP_CHARS * cell.size
        return any(not any(abs(w["x0"] - x) <= snap for w in cell.words)
                   for x in self._field_starts_inside(cell))

    def fill_labelled(self, entry: Entry, labelled: dict[str, str], cells: list[Cell]) -> None:
        """Fields of a ``label value`` row into an entry (a prefecture is the entry's own)."""
        for role, value in labelled.items():
            if role == "prefecture":
                entry.prefecture = classify.prefecture(value) or value
            else:
                entry.fields[role] = value
        role = next(reversed(labelled))
        self.last_field = (role, cells[-1].x0 if len(cells) > 1 else cells[0].x0)


def _lacked_lines_joined(labels: list[tuple[float, Label, Row]]
                        ) -> list[tuple[float, Label, Row]]:
    """A category cell the vocabulary lacks wrapped over two lines, each read as a cell of its
    own (a row of names between them: 「国の機関・経済」 / 「団体」), is one cell: its lines
    joined, centred between them (read as two labels, each half of its group carried half the
    label as its category_ja)."""
    joined: list[tuple[float, Label, Row]] = []
    for middle, label, row in labels:
        if joined and not label.category and not joined[-1][1].category and \
                middle - joined[-1][0] < CELL_LINE_CHARS * row.cells[0].size:
            above, first, first_row = joined[-1]
            joined[-1] = ((above + middle) / 2,
                          Label("", key(first.printed + label.printed), None, False), first_row)
        else:
            joined.append((middle, label, row))
    return joined


def _merged_boxes(rows: list[Row]) -> set[tuple[float, float, float, float]]:
    """The ruled boxes of a page that span rows: another row starts within their height."""
    tops = sorted(r.top for r in rows)
    merged: set[tuple[float, float, float, float]] = set()
    for row in rows:
        for c in row.cells:
            if c.box is not None:
                i = bisect.bisect_right(tops, row.top + ROW_TOLERANCE)  # the next row's top
                if i < len(tops) and tops[i] < c.box[3] - ROW_TOLERANCE:
                    merged.add(c.box)
    return merged


def _category_texts(rows: list[Row], shape: Shape) -> set[str]:
    """Texts printed as category cells the vocabulary lacks would be: twice or more on a page
    before another cell of their row, or in each cell of a row (a member's name is printed
    once), or before the names of their row, ending left of where the page's other rows begin
    (a category printed on its group's first row only)."""
    printed = Counter(key(c.text) for row in rows for c in row.own_cells[:-1])
    # or once in each block of a row of blocks side by side (the row holding nothing else)
    printed.update(key(row.own_cells[-1].text) for row in rows if len(row.own_cells) >= 2
                   and len({key(c.text) for c in row.own_cells}) == 1)
    texts = {text for text, n in printed.items() if n >= 2 and could_be_label(text, shape)}
    firsts = [(row, row.own_cells[0]) for row in rows if row.own_cells
              and not (row.in_margin and kind_of(row, shape).furniture)]  # (a first row of
    # names may stand in the page's top margin)
    before_names = [c for row, c in firsts if len(row.own_cells) >= 2
                    and shape.label(c.text) is None and could_be_label(c.text, shape)]
    others = [c.x0 for _, c in firsts if all(c is not b for b in before_names)]
    if len(others) >= 3:
        begin = statistics.median(others)
        texts |= {key(c.text) for c in before_names if c.x1 <= begin + ROW_TOLERANCE}
    return texts


def lone_category_cells(rows: list[Row], shape: Shape,
                        strips: list[tuple[float, float, float]] | None = None) -> set[str]:
    """Texts alone in their row, between a row's number and its name, or before a name, that
    could be a category label the vocabulary lacks, standing where the page prints a known
    label as a category cell (``category_strips``) and ending before the names: a category
    cell centred on its group, its row between two rows of names or on one of them, or
    printed on its group's first row."""
    if strips is None:
        strips = category_strips(rows, shape)
    if not strips:
        return set()
    lone = [c for row in rows for k, c in enumerate(row.own_cells)
            if len(row.own_cells) == 1 or _between_number_and_name(row, k)
            or _before_a_name(row, k)]
    return {key(c.text) for c in lone
            if shape.label(c.text) is None and could_be_label(c.text, shape) and any(
                c.x0 < x1 and x0 < c.x1 and c.x1 <= after + ROW_TOLERANCE
                for x0, x1, after in strips)}


def category_strips(rows: list[Row], shape: Shape) -> list[tuple[float, float, float]]:
    """Where the page prints a known label as a category cell, each with where the names to
    its right begin: before another cell of its row, or alone in its row before where the
    names begin (see ``_category_column_strips``)."""
    strips = [(c.x0, c.x1, row.own_cells[k + 1].x0) for row in rows
              for k, c in enumerate(row.own_cells[:-1]) if shape.label(c.text) is not None]
    # a known label alone in its row too, undecorated (a heading is numbered or bracketed),
    # ending before where the page's names begin (its group going on from the page before,
    # 「地　方　公　共」 / 「団　体」 centred on its part)
    alone = [c for row in rows if len(row.own_cells) == 1 for c in row.own_cells
             if _undecorated_label(c, shape)]
    begins = [row.own_cells[0].x0 for row in rows if row.own_cells and not row.in_margin
              and all(shape.label(c.text) is None for c in row.own_cells)]
    if alone and len(begins) >= 3:
        names = statistics.median(begins)
        strips += [(c.x0, c.x1, names) for c in alone if c.x1 <= names + ROW_TOLERANCE]
    return strips + _category_column_strips(rows, shape)


def _category_column_strips(rows: list[Row], shape: Shape) -> list[tuple[float, float, float]]:
    """The strips where known labels stand alone in their rows (undecorated; one per block on
    a page set in blocks side by side, 「企業等」 | 「企業等」) and no cell of a row of names
    stands over their width: the page's category column, or each block's, its cells centred
    on their groups. Each strip with where the names to its right begin."""
    labelled = [row for row in rows if row.own_cells  # (in the margin too: a group's end)
                and all(_undecorated_label(c, shape) for c in row.own_cells)]
    if not labelled:
        return []
    names = [c for row in rows if len(row.own_cells) >= 2 and not row.in_margin
             and not kind_of(row, shape).furniture
             and all(shape.label(c.text) is None for c in row.own_cells)
             for k, c in enumerate(row.own_cells) if not _between_number_and_name(row, k)]
    strips = []
    for c in (c for row in labelled for c in row.own_cells):
        if len(names) < 3 or any(n.x0 < c.x1 and c.x0 < n.x1 for n in names):
            continue
        after = min((n.x0 for n in names if n.x0 >= c.x1 - ROW_TOLERANCE), default=None)
        if after is not None:
            strips.append((c.x0, c.x1, after))
    return strips


def _undecorated_label(cell: Cell, shape: Shape) -> bool:
    """A known label printed bare, as a category cell is (a heading is numbered or bracketed)."""
    return shape.label(cell.text) is not None \
        and shape.vocabulary.strip(cell.text)[0] == key(cell.text)


def _between_number_and_name(row: Row, k: int) -> bool:
    """Whether a row's cell stands after the row's number and before another text: where a
    category cell on its group's row stands (464 | 国の機関・経済団体 | 厚生労働省), not a name
    of a block set beside another (1 | 札幌市 | 2 | 函館市)."""
    cells = row.own_cells
    return 0 < k < len(cells) - 1 and classify.number(cells[k - 1].text) is not None \
        and classify.number(cells[k + 1].text) is None


def _before_a_name(row: Row, k: int) -> bool:
    """Whether a row's cell stands just before a name (「事業者・団体」 | 「47㈱テスト…」 or
    「TEST　ゆたか…」), not a row number: where a category cell on its group's first row
    stands."""
    cells = row.own_cells
    return k + 1 < len(cells) and classify.number(cells[k + 1].text) is None


def could_be_label(text: str, shape: Shape) -> bool:
    """Whether a cell's text could be a category label the vocabulary lacks: short, and no
    place, number or value the vocabulary knows."""
    return shape.vocabulary.value_role(text) is None and len(key(text)) <= 12 \
        and not classify.is_place(text) and classify.number(text) is None


def _prefecture_column_cell(cells: list[Cell], k: int, split_numbers: bool) -> bool:
    """A bare prefecture standing before a numbered name in the same row (自治体 | 北海道 |
    1夕張市) is that name's prefecture column, not a member: the numbering says so."""
    if classify.prefecture(cells[k].text) is None or k + 1 >= len(cells):
        return False
    after = cells[k + 1].text
    return classify.number(after) is not None or (
        split_numbers and classify.leading_number(after) is not None)


def _name_start(cell: Cell, number: int | None) -> float | None:
    """Where the name starts in a cell that begins with its row number set apart as a word of
    its own (「256　一般社団法人…」, the number column's three digits reaching the name's)."""
    words = cell.words
    if number is None or len(words) < 2 or len(cell.lines) != 1 \
            or classify.number(words[0]["text"]) != number:
        return None
    return float(words[1]["x0"])


def _prefecture_columns(rows: list[Row], shape: Shape) -> list[float]:
    """Where a page's cells are bare prefectures only, three or more, each with a cell after
    it in its row: a prefecture column printed once per group (青森県 | 黒石市, then 大間町
    alone), whatever the numbering (a column of names holds more than prefectures); the same
    column in the page's other columns (as far left of the names), however few there; and a
    prefecture alone where no other cell starts, before a column of names (a group's first row
    at the page's last lines: 地方公共団体 | 北海道 | 旭川市, then 網走市 under 旭川市). A
    heading standing where the column starts (「【地方公共団体】（続き）」 atop a page's column)
    is none of its cells, nor is furniture standing there (the list's total line under it).
    """
    at: dict[int, list[int | None]] = {}  # where a cell starts: how far the next one is
    for row in rows:
        kind = kind_of(row, shape)
        if kind.label is not None or kind.furniture:
            continue
        cells = row.own_cells
        for k, cell in enumerate(cells):
            prefecture = k + 1 < len(cells) and classify.prefecture(cell.text) is not None
            at.setdefault(round(cell.x0), []).append(
                round(cells[k + 1].x0 - cell.x0) if prefecture else None)
    only = {x: seen for x, seen in at.items() if None not in seen
            and all(None not in at.get(x + d, [0]) for d in (-1, 1))}
    offsets = {d for seen in only.values() if len(seen) >= 3 for d in seen}
    return [x for x, seen in only.items()
            if len(seen) >= 3 or all(any(abs(d - o) <= 1 for o in offsets) for d in seen)
            or all(d is not None and _names_start(at, x + d) for d in seen)]


def _names_start(at: dict[int, list[int | None]], x: int) -> bool:
    """Three or more of the page's cells start at ``x`` (±1): a column of names, where a cell
    after a lone prefecture standing where nothing else starts is that prefecture's name."""
    return sum(len(at.get(x + d, ())) for d in (-1, 0, 1)) >= 3


def _in_prefecture_column(cells: list[Cell], k: int, columns: list[float]) -> bool:
    return k + 1 < len(cells) and any(abs(cells[k].x0 - x) <= 1 for x in columns) \
        and classify.prefecture(cells[k].text) is not None


def _prefecture_before_name(cells: list[Cell], k: int) -> bool:
    """A bare prefecture between a row number in its own cell and a name (1 | 北海道 | 網走市)
    is that name's prefecture column: the number is the name's."""
    return classify.prefecture(cells[k].text) is not None and k + 1 < len(cells) \
        and classify.number(cells[k + 1].text) is None \
        and classify.leading_number(cells[k + 1].text) is None


def _box_groups(cells: list[Cell]) -> list[list[Cell]]:
    """Cells by the box they stand in, boxes that touch (cells of one table row) together; a
    row with a cell outside any box is one group."""
    if any(c.box is None for c in cells):
        return [cells]
    groups: list[list[Cell]] = []
    for cell in sorted(cells, key=lambda c: c.x0):
        if groups and (groups[-1][-1].box == cell.box
                       or adjacent(groups[-1][-1].box, cell.box)):  # type: ignore[arg-type]
            groups[-1].append(cell)
        else:
            groups.append([cell])
    return groups


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
    labels_only: bool  # every cell is a label (or a count): a summary line
    # a header row's columns: x0, x1, role, and the ruled box (or text) it spans
    header: list[tuple[float, float, str | None, tuple[float, float]]] | None
    prefecture: str | None  # a prefecture sub-heading
    unknown: Label | None  # a decorated heading the vocabulary lacks
    tail: int | None  # a row that is only a heading's end: closing brackets and a count


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
    # a title is a line of its own (a table row naming its category in a cell is an entry)
    title = vocab.title_category(whole) if label is None and group is None and len(cells) <= 2 \
        else None
    # a row of several cells is furniture only if each cell is (「※1」 「協会」 「グ第3」 is
    # a line of wrapped names, not a footnote)
    furniture = all(vocab.is_furniture(t, row.in_margin) for t in texts) if len(cells) > 1 \
        else vocab.is_furniture(row.text, row.in_margin)
    header = _header(shape, cells)
    unknown = _unknown_heading(vocab, cells) if label is None else None
    if unknown is not None and classify.is_local_government(unknown.printed):
        unknown = None
    kind = RowKind(
        label=label,
        group=group,
        title=title,
        furniture=furniture,
        labels=sum(shape.label(t) is not None for t in texts) if len(texts) > 1 else 0,
        labels_only=all(shape.label(t) is not None or classify.number(t) is not None
                        or _is_count(vocab, t) for t in texts),
        header=header,
        prefecture=classify.prefecture_heading(texts[0], vocab) if len(cells) == 1 else None,
        unknown=None if furniture else unknown,
        tail=_tail_count(vocab, whole) if label is None and len(cells) == 1 else None,
    )
    row.kinds[id(shape)] = kind
    return kind


def _cell_text(cell: Cell) -> str:
    return cell.text


def _append_field(shape: Shape, entry: Entry, role: str, text: str) -> None:
    """A further printed line of a field: another name of a list of places (a joint proposal
    printed one proposer per line), or the wrapped rest of a text."""
    existing = entry.fields.get(role, "")
    # (the last name of several may wrap too: 「港区、武蔵村山市、小笠」 / 「原村」, 原村 being
    # a village of Nagano: 191006 published 小笠 and 原村 as two places)
    last = _SEPARATORS_RE.split(key(existing))[-1]
    if role in (shape.place_role, *shape.list_roles) and existing and _is_place(text) and \
            not classify.wraps_into_one(last, text) and not existing.endswith(_SEPARATORS):
        listed = entry.items.get(role) or (existing,)
        if all(_is_place(n) for n in listed):
            entry.items[role] = (*listed, text)
            entry.fields[role] = "・".join(entry.items[role])
            return
    entry.fields[role] = join_wrapped([existing, text])


def _fill_by_content(shape: Shape, fields: dict[str, str], items: dict[str, tuple[str, ...]],
                     cell: Cell, found: dict[str, object] | None = None) -> None:
    """Fields of a record printed without a header, from what each printed line says: a line
    that is a column label (事業名：…, 代表：…) starts that field; a prefecture sub-heading
    (【北海道】) and a row number before the place (「1　初山別村」) go to ``found``; a local
    government, a list of them or a prefecture is the place; any other line goes on with the
    field before it, the first such text being the first of ``content_order`` (a project
    name). A further unlabelled text goes to ``found["unplaced"]``: only what it says can place
    it (``_proposer_by_content``), never its order."""
    lines = _brackets_closed(list(cell.lines) or [cell.text])
    vocab = shape.vocabulary
    found = {} if found is None else found
    place = shape.place_role
    current: str | None = None  # a cell of its own is a field of its own
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = classify.prefecture_heading(line, vocab)
        if heading is not None and "prefecture" not in found:
            found["prefecture"] = heading
            i += 1
            continue
        numbered = classify.leading_number(line)
        if numbered is not None and "number" not in found and _is_place(numbered[1]):
            found["number"] = numbered[0]
            lines[i] = line = numbered[1]
        labelled = _labelled(vocab, line)
        if labelled is not None and not labelled[1] and i + 1 == len(lines) and current:
            labelled = None  # a column's name alone on a field's last line (「…推進」 /
            # 「コンソーシアム」): the field's text wrapped, not a label without its value
        if labelled is not None:
            role, value = labelled
            if not value and i + 1 < len(lines):
                i += 1
                value = lines[i]
            fields[role] = join_wrapped([fields.get(role, ""), value])
            current = role
            i += 1
            continue
        if place not in fields and _is_place(line):
            run = [line]
            while i + len(run) < len(lines):
                nxt = lines[i + len(run)]
                if _completes_place(run[-1], nxt):
                    # the last place's name wrapped (「…・五所川原市・鰺ヶ沢」 / 「町」): its end,
                    # never the start of the project after it
                    run[-1] = join_wrapped([run[-1], nxt])
                    i += 1
                elif _is_place(nxt):
                    run.append(nxt)
                else:
                    break
            bracket = i + len(run)
            if bracket < len(lines) and _bracketed_prefecture(lines[bracket]):
                # the place's prefecture wrapped onto a line of its own (「…、秩父別町」 /
                # 「（北海道）」): the place's, never the start of the project after it
                run[-1] += lines[bracket]
                i += 1
            if len(run) > 1 and classify.is_list_of_local_governments(tuple(run)):
                items[place] = tuple(run)
                fields[place] = "・".join(run)
            else:
                fields[place] = join_wrapped(run)
            current = None
            i += len(run)
            continue
        valued = vocab.value_role(line)
        first = shape.content_order[0] if shape.content_order else None
        role = current or valued or (first if first is not None and first not in fields
                                     else None)
        if role is None or role == _UNPLACED:  # a second text of its own: told by content
            unplaced: list[str] = found.setdefault("unplaced", [])  # type: ignore[assignment]
            if role == _UNPLACED:  # its wrapped line
                unplaced[-1] = join_wrapped([unplaced[-1], line])
            else:
                unplaced.append(line)
            role = _UNPLACED
        else:
            fields[role] = join_wrapped([fields.get(role, ""), line])
        current = role
        i += 1


_UNPLACED = "(unplaced)"  # a text no header, label or order names, its wrapped lines after it


def _proposer_by_content(shape: Shape, fields: dict[str, str], other: str) -> bool | None:
    """The unplaced text and the project told apart by what they say: one reads as an
    organisation's name and the other not; that one is the proposer, whichever is printed first
    (True: it was read as the project). Two of a kind: None, never guessed."""
    first = shape.content_order[0] if shape.content_order else None
    role = shape.proposer_role
    if role is None or first is None or role in fields or not fields.get(first):
        return None
    project = fields[first]
    if classify.reads_as_organisation(other) and not classify.reads_as_organisation(project):
        fields[role] = other
        return False
    if classify.reads_as_organisation(project) and not classify.reads_as_organisation(other):
        fields[role], fields[first] = project, other
        return True
    return None


def _brackets_closed(lines: list[str]) -> list[str]:
    """Lines of a cell with a bracket wrapped open joined to the line that closes it
    (「まんのう町（香川県」 / 「）AIとIoTによる…」): the wrap is inside the place, never a new
    field beginning with 「）」."""
    out: list[str] = []
    for line in lines:
        if out and _open_brackets(out[-1]) > 0:
            out[-1] = join_wrapped([out[-1], line])
        else:
            out.append(line)
    return out


def _open_brackets(text: str) -> int:
    k = key(text)
    return k.count("(") + k.count("（") - k.count(")") - k.count("）")


def _cut_after_place(cell: Cell) -> list[Cell]:
    """A record's first cells cut where a place set close to the text after it ends
    (「豊前市・宇美町・北九州市　ICTを活用した…」, one cell by the width of their gap): the
    words before are a place, or several (after the row's number), and the words after,
    together, none."""
    first_line = [w for w in cell.words if abs(w["top"] - cell.top) <= ROW_TOLERANCE]
    if len(first_line) < 2 or _is_place(cell.text):
        return [cell]
    first_line.sort(key=lambda w: w["x0"])
    for k in range(1, len(first_line)):
        head = "".join(w["text"] for w in first_line[:k])
        tail = "".join(w["text"] for w in first_line[k:])
        numbered = classify.leading_number(head)  # 「12　豊前市…」: the row's number first
        place = numbered[1] if numbered is not None else head
        if _is_place(place) and not _is_place(tail) and not classify.is_local_government(tail):
            return cut_cell(cell, [first_line[k]["x0"]])
    return [cell]


def _cut_at_labels(vocab: Vocabulary, cell: Cell) -> list[Cell]:
    """A cell cut where a word inside it begins with a column's name and a colon (a field
    printed close after the one before it: 「コンソーシアム名：…　代表者：…」): each labelled
    field is a cell of its own, and its wrapped lines stay under it."""
    starts = [w["x0"] for w in cell.words
              if w["x0"] > cell.x0 + cell.size and _begins_a_labelled_field(vocab, w["text"])]
    return cut_cell(cell, sorted(starts)) if starts else [cell]


_LABEL_COLON_RE = re.compile(r"^[【\[■・]?([^：:]{1,12})[】\]]?[：:]")


def _begins_a_labelled_field(vocab: Vocabulary, text: str) -> bool:
    found = _LABEL_COLON_RE.match(text)
    return found is not None and vocab.column(found[1]) is not None


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
    """Whether an entry's place (a name list's name) names local governments only (one, or a
    joint proposal of several): the content check then sees that they lie in the prefecture
    carried to them. A region (瀬戸内エリア) is none."""
    role = shape.place_role if shape.record else shape.name_role
    names = entry.items.get(role) or [n for n in re.split(r"[・、,，/／]", key(entry.fields.get(
        role, ""))) if n]
    return bool(names) and all(
        classify.is_local_government(n) and not classify.prefecture(n) for n in names)


_BRACKET_LEFT_OPEN_RE = re.compile(r"[（(]([^（()）]*)$")


_SEPARATORS = ("・", "、", ",", "，")  # between the places of a joint proposal
_SEPARATORS_RE = re.compile("[" + "".join(_SEPARATORS) + "]")


def _completes_place(text: str, line: str) -> bool:
    """The line begins with the end of the text's last place, cut by a wrap: the last name
    of the text only begins a local government's name, and with the line's first name it is
    one (「鰺ヶ沢」 / 「町」; 「美郷」 / 「町・日之影町」)."""
    last = [p for p in _SEPARATORS_RE.split(key(text)) if p][-1:]
    first = [p for p in _SEPARATORS_RE.split(key(line)) if p][:1]
    return bool(last and first) and not classify.is_place(last[0]) and \
        classify.begins_a_local_government(last[0]) and \
        classify.is_local_government(last[0] + first[0])


def _bracketed_prefecture(text: str) -> bool:
    """A line that is only a prefecture in brackets (「（北海道）」)."""
    m = re.fullmatch(r"[（(](.+)[）)]", key(text))
    return m is not None and classify.prefecture(m.group(1)) is not None


def _is_place(text: str) -> bool:
    """A place, or several joined by ・、, (北海道・更別村・岩見沢市); its bracketed prefecture
    may be cut by a wrap (「清川村（神奈川」, its 「県）」 on the next line), and so may the last
    name of several (「宮崎県、都城市、高千穂町、美郷」, its 「町」 on the next line: whether
    the joined place names local governments is checked once its lines are read), or a list
    end at a separator (「神奈川県海老名市・」 / 「伊勢原市」)."""
    k = key(text).rstrip("".join(_SEPARATORS))
    cut = _BRACKET_LEFT_OPEN_RE.search(k)
    if cut and cut.start() and any(p.startswith(cut.group(1)) for p in PREFECTURES):
        k = k[: cut.start()]
    parts = [p for p in k.replace("、", "・").replace(",", "・").split("・") if p]
    return classify.is_place(k) or len(parts) > 1 and all(
        classify.is_place(p) for p in parts[:-1]) and (
        classify.is_place(parts[-1]) or classify.begins_a_local_government(parts[-1]))


def _header(
    shape: Shape, cells: list[Cell]
) -> list[tuple[float, float, str | None, tuple[float, float]]] | None:
    """The columns of a header row, if the row is one: two or more cells naming columns, one
    of them an entry's (No. | 区分 | 会員名 | 備考), or a list of names headed by its name
    column alone (会員名, 会員名 会員名 over columns of names); header words set close together
    (No.会員名No.会員名) are read word by word."""
    vocab = shape.vocabulary
    for printed in ([_header_cell_parts(vocab, c) for c in cells],
                    [[(w["x0"], w["x1"], w["text"], (w["x0"], w["x1"]))]
                     for c in cells for w in c.words]):
        parts = [part for cell_parts in printed for part in cell_parts]
        roles = [vocab.column(t) for _, _, t, _ in parts]
        named = [r for r in roles if r is not None]
        if not parts or not set(roles) & shape.entry_roles:
            continue
        # a record list's header names two different columns (where, and what or who: a row
        # of region names such as 志摩地域 | 伊豆地域 is no header)
        enough = len(set(named)) >= 2 if shape.record else len(named) >= 2
        one_name_column = not shape.record and set(roles) == {shape.name_role}
        if enough or (len(named) == len(parts) and one_name_column):
            # a box several header cells share (rules across the page, none between columns;
            # or a band as wide as the table over one cell printing two column names) bounds
            # no column: each column is then where its header's text is
            shared = _overlapping([cell_parts[0][3] for cell_parts in printed])
            overlaps = [o for o, cell_parts in zip(shared, printed, strict=True)
                        for _ in cell_parts]
            return [(x0, x1, r, (x0, x1) if o else span)
                    for (x0, x1, _, span), r, o in zip(parts, roles, overlaps, strict=True)]
    return None


def _overlapping(spans: list[tuple[float, float]]) -> list[bool]:
    """For each span, whether another overlaps it."""
    return [any(min(a1, b1) - max(a0, b0) > ROW_TOLERANCE
                for j, (b0, b1) in enumerate(spans) if j != i)
            for i, (a0, a1) in enumerate(spans)]


def _header_cell_parts(
    vocab: Vocabulary, cell: Cell
) -> list[tuple[float, float, str, tuple[float, float]]]:
    """A header cell as (x0, x1, text, span); a cell printing two column names close together
    as one part per name: each where its word is (「通し番号」 「組織名」), or, with no gap
    between them (「No.都道府県」), its text's width shared by the names' lengths (a half-width
    letter half a full-width one), so that the number and the prefecture under it each find
    their column. The parts share the cell's span: where the rule between their columns
    stands, the header does not show."""
    whole = [(cell.x0, cell.x1, cell.text, _span(cell))]
    if vocab.column(cell.text) is not None:
        return whole
    names = _column_names(vocab, key(cell.text))
    if names is None or len(names) < 2:
        return whole
    span = _span(cell)
    if [key(w["text"]) for w in cell.words] == names:  # each name a word: where it is printed
        return [(float(w["x0"]), float(w["x1"]), name, span)
                for w, name in zip(cell.words, names, strict=True)]
    widths = [sum(0.5 if ch.isascii() else 1.0 for ch in name) for name in names]
    parts = []
    at, total = 0.0, sum(widths)
    for name, width in zip(names, widths, strict=True):
        x0 = cell.x0 + (cell.x1 - cell.x0) * at / total
        x1 = cell.x0 + (cell.x1 - cell.x0) * (at + width) / total
        parts.append((x0, x1, name, span))
        at += width
    return parts


def _column_names(vocab: Vocabulary, text: str) -> list[str] | None:
    """``text`` as a run of column names of the vocabulary, longest first at each step; None
    when some part of it names no column. (Asked of each cell: answered once per text.)"""
    if text not in vocab.column_runs_seen:
        vocab.column_runs_seen[text] = _column_run(vocab, text)
    found = vocab.column_runs_seen[text]
    return None if found is None else list(found)


def _column_run(vocab: Vocabulary, text: str) -> list[str] | None:
    names: list[str] = []
    known = sorted(vocab.columns, key=len, reverse=True)
    while text:
        name = next((k for k in known if k and text.startswith(k)), None)
        if name is None:
            return None
        names.append(name)
        text = text[len(name):]
    return names


def _unknown_heading(vocab: Vocabulary, cells: list[Cell]) -> Label | None:
    """A heading the vocabulary lacks, in one cell or two, one of them only its decoration
    (「Ⅰ．」 | 「国の機関」, 「〈国の機関〉」 | 「計12」); never two texts read as one (two names'
    wrapped ends 「ス第3株式会社※1」 | 「社」 read 「…※1社」, a count of one)."""
    if not cells or len(cells) > 2:
        return None
    if len(cells) == 2 and not any(vocab.strip(c.text + "x")[0] == "x"  # numbering, bracket
                                   or vocab.strip("x" + c.text)[0] == "x" for c in cells):  # count
        return None
    return vocab.unknown_label("".join(c.text for c in cells))


def _tail_count(vocab: Vocabulary, text: str) -> int | None:
    """The count of a row that is only a heading's end (「〕　計１２」, 「（１２団体）」)."""
    if not _is_count(vocab, text):
        return None
    digits = re.search(r"[0-9]+", key(text))
    return int(digits[0]) if digits else None


def _is_count(vocab: Vocabulary, text: str) -> bool:
    """A cell that is only a count (304団体, （計112））."""
    core, tail = vocab.strip("x" + text)
    return core == "x" and bool(tail)


def _row_label(shape: Shape, cells: list[Cell]) -> Label | None:
    """The label a row is, if it is one: its whole text, or a label cell followed only by a
    count cell (企業等 | 304団体)."""
    if not cells:
        return None
    whole = "".join(c.text for c in cells)
    label = shape.label(whole)
    if label is not None:
        return label
    if len(cells) >= 2:  # one category cell in each block of a page set in blocks side by side
        labels = {shape.label(c.text) for c in cells}
        if len(labels) == 1 and None not in labels:
            return labels.pop()
    if len(cells) != 2:
        return None
    label = shape.label(cells[0].text)
    if label is not None and _is_count(shape.vocabulary, cells[1].text):
        return shape.label(cells[0].text + cells[1].text) or label
    return None


def _column_groups(columns: list[_Column]) -> dict[int, int]:
    """id of each column -> its group: a new group starts where a role comes again (a header
    printing No. 会員名 twice across the page)."""
    groups: dict[int, int] = {}
    seen: set[str] = set()
    group = 0
    for column in columns:
        if column.role is not None and column.role in seen:
            group += 1
            seen = set()
        if column.role is not None:
            seen.add(column.role)
        groups[id(column)] = group
    return groups


def _same_columns_shifted(header: list[tuple[float, float, str | None, tuple[float, float]]],
                          columns: list[_Column]) -> bool:
    """A header naming the table's columns in the same order, each as wide, all shifted alike:
    the same header printed again (atop a column of the page set in columns), not a wrapped
    line that happens to read 地域 | 協議会."""
    if len(header) != len(columns) or [h[2] for h in header] != [c.role for c in columns]:
        return False
    d = header[0][0] - columns[0].x0
    return all(abs(x0 - (c.x0 + d)) <= 2 and abs(x1 - (c.x1 + d)) <= 2
               for (x0, x1, _, _), c in zip(header, columns, strict=True))


def _shift(columns: list[_Column], starts: tuple[float, ...],
           entry_roles: frozenset[str] = frozenset()) -> float:
    """How far right a table continued in another column of the page stands: the shift that
    puts the most of its header's column starts on cell starts of that column; of shifts
    placing as many, one placing an entry's own column (a section whose prefecture column is
    empty starts its cells where the names do: 「都道府県」 put there read no name)."""
    if not starts:
        return 0.0
    candidates = {s - c.x0 for s in starts for c in columns}

    def placed(d: float) -> tuple[int, int]:
        on = [c for c in columns if any(abs(c.x0 + d - s) <= 2 for s in starts)]
        return len(on), sum(1 for c in on if c.role in entry_roles)

    return max(sorted(candidates, key=abs), key=placed)


def _span(header_cell: Cell) -> tuple[float, float]:
    box = header_cell.box
    if box is not None and box[0] > float("-inf") and box[2] < float("inf"):
        return box[0], box[2]
    return header_cell.x0, header_cell.x1


def _stands_in(row: Row, columns: list[_Column]) -> bool:
    """Whether a row's cells stand in a table's columns: none across a column boundary, and
    a ruled cell's box on the column rules (within ROW_TOLERANCE). Columns named in one header
    cell (「通し番号名称」) are one span: a rule between them is anywhere inside it."""
    spans = list(dict.fromkeys(c.span for c in columns))
    joint = [s for s in spans if sum(1 for c in columns if c.span == s) > 1]
    edges = [x for span in spans for x in span]
    bounds = [(a.x1 + b.x0) / 2 for a, b in zip(columns, columns[1:], strict=False)]
    for cell in (part for c in row.own_cells for part in cut_cell(c, bounds)):
        crossed = sum(1 for a, b in spans if min(cell.x1, b) - max(cell.x0, a) > ROW_TOLERANCE)
        if crossed > 1:
            return False
        if cell.box is not None and all(c.span != (c.x0, c.x1) for c in columns):
            for x in (cell.box[0], cell.box[2]):
                if abs(x) != float("inf") and not any(abs(x - e) <= ROW_TOLERANCE for e in edges) \
                        and not any(a < x < b for a, b in joint):
                    return False
    return True


def _number_cut_off(by_role: dict[str, list[Cell]]) -> None:
    """A row number printed as a word of its own at the head of the entry's first cell, the
    number column left empty (「115」 「合同会社…」 set close in a column of the page where
    three digits reach the name; the header's column found by shifting the table there): the
    row's number, in the reading where leading numbers are row numbers."""
    if "number" in by_role:
        return
    cells = [(c.x0, role, i) for role, cs in by_role.items() for i, c in enumerate(cs)
             if not c.repeated]
    if not cells:
        return
    _, role, i = min(cells)
    cell = by_role[role][i]
    if len(cell.words) < 2 or classify.number(cell.words[0]["text"]) is None \
            or len(cell.lines) != 1:
        return
    pieces = cut_cell(cell, [float(cell.words[1]["x0"])])
    if len(pieces) == 2:
        by_role["number"] = [pieces[0]]
        by_role[role][i] = pieces[1]


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


def gap_threshold(rows: list[Row], shape: Shape) -> float | None:
    """The line pitch (top to top) below which an unruled line continues the row above, when
    the page's body lines (headings, titles, headers and furniture aside: their spacing is
    their own) show two pitches, inside wrapped names and between rows; None otherwise.
    Pitch, not the white gap: glyph boxes differ in height from font to font. Of two lines
    one under the other, the pitch is from a cell to the nearest cell over it (a category
    cell centred on its group, in a column of its own, stands between the rows of the names
    and may share its line with a name's wrapped line set a little lower: no pitch of theirs)."""
    sizes = [c.size for r in rows for c in r.cells]
    if not sizes:
        return None
    size = statistics.median(sizes)
    body = [_is_body(kind_of(r, shape)) and not r.ruled for r in rows]
    pitches: list[float] = []
    for above, row, above_body, row_body in zip(rows, rows[1:], body, body[1:], strict=False):
        if not (above_body and row_body):
            continue
        over = [c.top - a.top for c in row.cells for a in above.cells
                if c.x0 < a.x1 and a.x0 < c.x1 and a.top < c.top]
        if over:
            pitches.append(min(over))
    if len(pitches) < 2:
        return None
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


def join_wrapped_labels(rows: list[Row], shape: Shape) -> list[Row]:
    """Category labels wrapped over lines of their own (「関　係　府　省」 / 「・　経　済」 /
    「団　体　等」 in a narrow category column without rules) joined back into one cell: a cell
    that begins a longer label, continued by the cells just below it that complete it; or a
    spaced line of a label the vocabulary lacks, continued by the spaced lines just below it
    that begin no known label (the reading that infers labels then sees the whole label)."""
    labels = list(shape.vocabulary.labels)
    if not labels and shape.extra_label is None:
        return rows
    # a vocabulary without labels (a source whose labels are years, read by its own rule):
    # only a label's wrapped lines are joined, no label it lacks is looked for
    lacks = bool(labels)

    def begins(text: str) -> bool:
        return any(label.startswith(text) and label != text for label in labels)

    def spaced(cell: Cell) -> bool:
        """Letters set with even spacing, as labels are (「大　学　・　研」)."""
        if cell.ruled:
            return False
        if cell.words:
            return all(_spaced(w) for w in cell.words)
        return all(_spaced({"text": line}) for line in cell.lines)

    # a label's line glued to the row number before it, cut from it: the line -> (the cell
    # as printed, the row number left in its row)
    numbered_lines: dict[int, tuple[Cell, Cell]] = {}

    def off_its_number(cell: Cell) -> Cell:
        """The spaced letters of a cell 「139法　人」 (a row number set close before a label's
        line), or the letter of 「165等」, or the cell: a row number never ends a label."""
        words = cell.words
        if cell.ruled or len(words) != 2 or classify.number(words[0]["text"]) is None \
                or not (_spaced(words[1]) or len(key(words[1]["text"])) == 1):
            return cell
        pieces = cut_cell(cell, [float(words[1]["x0"])])
        if len(pieces) != 2:
            return cell
        numbered_lines[id(pieces[1])] = (cell, pieces[0])
        return pieces[1]

    def lines_below(i: int, cell: Cell, fits: Callable[[str, Cell], bool],
                    reach: float = 1.0) -> list[Cell]:
        """``cell`` and the cells just below it that ``fits`` says continue it, each less
        than ``reach`` letters below the one before."""
        parts, text, last = [cell], key(cell.text), cell
        for below in rows[i + 1:]:  # (rows of other columns of the page may stand between)
            if below.top - last.bottom >= reach * last.size:
                break
            # under the label's lines so far (each centred in the column: 「究　機　関」 /
            # 「等」 need not overlap each other)
            lo, hi = min(p.x0 for p in parts), max(p.x1 for p in parts)
            nxt = next((b for b in below.cells if b.x0 < hi and lo < b.x1), None)
            if nxt is None:  # a line of the entries beside the label, between its lines
                continue
            if (line := off_its_number(nxt)) is not nxt and fits(text, line):
                nxt = line
            if key(nxt.text) == key(cell.text):
                break  # the label's first line again: the label printed on the next row
            if nxt.ruled or classify.number(nxt.text) is not None or not fits(text, nxt):
                break  # (a row number below a heading's count is no more of its count)
            parts.append(nxt)
            text += key(nxt.text)
            last = nxt
        return parts

    def known(text: str, nxt: Cell) -> bool:
        return begins(text + key(nxt.text)) or shape.label(text + key(nxt.text)) is not None

    def unknown(text: str, nxt: Cell) -> bool:
        """A spaced line that no known label is or begins with: a line of a label the
        vocabulary lacks (「大　学　・　研」 / 「究　開　発」 / 「法　人」), inferred from its
        entries or refused, never a name; or its last line of a letter or two, unspaced,
        ending it where no label it knows goes on so (「関　係　省　庁」 / 「等」)."""
        if shape.label(nxt.text) is not None or begins(key(nxt.text)):
            return False
        if spaced(nxt):
            return True
        tail = key(nxt.text)
        return len(tail) <= LACKED_TAIL_CHARS and not begins(text + tail) \
            and shape.label(text + tail) is None and could_be_label(nxt.text, shape) \
            and not classify.begins_a_name(nxt.text)

    def label_line_cut(i: int, cell: Cell) -> list[Cell]:
        """A label's first line glued to the name beside it (「関係府省・経済」「内閣官房」,
        after a row number or not), or to the row number only (「281企　業　・　団」), the
        lines just below completing the label (「団体等」): the cell cut into its number, that
        line and the name."""
        words = cell.words
        if cell.ruled or len(cell.lines) != 1 or len(words) < 2 or begins(key(cell.text)):
            return [cell]
        first = 1 if classify.number(words[0]["text"]) is not None else 0

        def cut(end: int) -> list[Cell] | None:
            bounds = ([float(words[first]["x0"])] if first else []) + \
                ([float(words[end]["x0"])] if end < len(words) else [])
            pieces = cut_cell(cell, bounds) if bounds else []
            return pieces if len(pieces) == len(bounds) + 1 else None

        for end in range(first + 1, len(words) + 1):
            if not begins(key("".join(w["text"] for w in words[first:end]))):
                break
            if (pieces := cut(end)) is None:
                break
            line = lines_below(i, pieces[first], known, KNOWN_LABEL_REACH)
            if len(line) >= 2 and shape.label("".join(key(p.text) for p in line)) is not None:
                return pieces
        # a spaced line of a label the vocabulary lacks, if spaced lines just below complete
        # it (「大　学　・　研」 / 「究　開　発」 / 「法　人」): letters set apart are no name's
        if _spaced(words[first]) and shape.label(words[first]["text"]) is None \
                and (pieces := cut(first + 1)) and len(lines_below(i, pieces[first], unknown)) >= 2:
            return pieces
        return [cell]

    def repeated_wraps() -> dict[int, Cell]:
        """A text and the line just below it printed alike at one place on REPEATED_WRAPS
        rows or more: a label the vocabulary lacks, printed on every row of its group and
        wrapped (「大学・研究開発」 / 「法人」); a name's lines are never the same on two rows.
        The first line -> the line below it."""
        def one_line(_: str, below: Cell) -> bool:
            """(a line that begins a name, 「一般社団法人…」 under a name's wrapped 「株式会社」,
            is the next name's first, however often the two stand so)"""
            return len(below.lines) == 1 and classify.number(below.text) is None \
                and not begins(key(below.text)) and shape.label(below.text) is None \
                and not classify.begins_a_name(below.text)

        # (only texts printed on as many rows are looked under: a page of names has few; in
        # each column of a page set in columns, its label stands at a place of its own)
        printed = Counter(key(c.text) for r in rows for c in r.cells)
        alike: dict[tuple[str, str], list[tuple[Cell, Cell]]] = {}
        for i, row in enumerate(rows):
            for cell in row.cells:
                if printed[key(cell.text)] < REPEATED_WRAPS or cell.ruled \
                        or len(cell.lines) != 1 or shape.label(cell.text) is not None \
                        or begins(key(cell.text)) or not could_be_label(cell.text, shape) \
                        or shape.vocabulary.column(cell.text) is not None:  # (a header's)
                    continue
                parts = lines_below(i, cell, one_line)[:2]
                if len(parts) == 2:
                    alike.setdefault((key(cell.text), key(parts[1].text)),
                                     []).append((parts[0], parts[1]))
        return {id(first): below for pairs in alike.values() if len(pairs) >= REPEATED_WRAPS
                for first, below in pairs}

    def stacked_alone() -> dict[int, list[Cell]]:
        """Short lines each alone in its row, one just below the other, the first just below
        a row of several cells and under none of them (「国の機関・経済」 / 「団体」 between rows
        of numbered names; a name's wrapped line stands under its first), beginning where no
        such row has a cell (a list of one name per line begins its lines where its rows
        do): a label the vocabulary lacks, wrapped in its category column, unspaced. The
        first line -> its lines."""
        alone = {id(r.cells[0]) for r in rows if len(r.cells) == 1}
        starts = {round(c.x0) for r in rows if len(r.cells) > 1 for c in r.cells}

        def short(cell: Cell) -> bool:
            return not cell.ruled and could_be_label(cell.text, shape) \
                and shape.label(cell.text) is None

        def fits(_: str, below: Cell) -> bool:
            return id(below) in alone and short(below)

        stacks: dict[int, list[Cell]] = {}
        for i, row in enumerate(rows):
            cell = row.cells[0]
            if id(cell) not in alone or not short(cell) or i == 0 \
                    or len(rows[i - 1].cells) < 2 or any(
                        cell.x0 < p.x1 and p.x0 < cell.x1 for p in rows[i - 1].cells) \
                    or any(round(cell.x0) + d in starts for d in (-1, 0, 1)):
                continue
            parts = lines_below(i, cell, fits)
            if len(parts) >= 2:
                stacks[id(cell)] = parts
        return stacks

    def in_category_column() -> dict[int, list[Cell]]:
        """Lines set closer than rows, each the first of its row, in the page's category
        column (where its header 区分 stands beside 会員名, or a label it knows stands before
        a name), none a label or the beginning of one: a label the vocabulary lacks, wrapped
        in a cell merged over its group (「大学・研究開発」 / 「法人」, the second line beside
        a name). The first line -> its lines."""
        vocab = shape.vocabulary
        firsts = {id(r.cells[0]) for r in rows}
        beside = {id(r.cells[0]) for r in rows if len(r.cells) >= 2
                  and r.cells[1].x0 - r.cells[0].x0 <= LABEL_BESIDE_CHARS * r.cells[0].size}
        strip = {round(r.cells[0].x0) for r in rows if len(r.cells) >= 2 and (
            vocab.column(r.cells[0].text) == shape.category_role
            or shape.label(r.cells[0].text) is not None)}

        def lacked(cell: Cell) -> bool:
            return id(cell) in firsts and any(abs(round(cell.x0) - x) <= 2 for x in strip) \
                and not cell.ruled and len(cell.lines) == 1 and could_be_label(cell.text, shape) \
                and shape.label(cell.text) is None and not begins(key(cell.text)) \
                and vocab.column(cell.text) is None and not classify.begins_a_name(cell.text)

        def fits(_: str, below: Cell) -> bool:
            return lacked(below)

        found: dict[int, list[Cell]] = {}
        for i, row in enumerate(rows):
            if strip and lacked(row.cells[0]):
                parts = lines_below(i, row.cells[0], fits, LACKED_LABEL_REACH)
                # (one of them beside a name of its group: a category column, not names set
                # one per line where a page's other column prints its labels)
                if len(parts) >= 2 and any(id(p) in beside for p in parts):
                    found[id(row.cells[0])] = parts
        return found

    rows = [replace(r, cells=list(r.cells), kinds={}) for r in rows]
    for i, row in enumerate(rows):
        row.cells = [piece for cell in row.cells for piece in label_line_cut(i, cell)] \
            if lacks else row.cells
    wraps = repeated_wraps() if lacks else {}
    stacks = stacked_alone() if lacks else {}
    # (lines another rule joins are none of these)
    taken = {id(c) for c in wraps.values()} | {id(c) for p in stacks.values() for c in p}
    strip_lines = {first: parts for first, parts in in_category_column().items()
                   if first not in wraps and first not in taken
                   and not any(id(p) in taken or id(p) in wraps for p in parts)} if lacks else {}
    for i, row in enumerate(rows):
        for c, cell in enumerate(row.cells):
            parts = [cell]
            if not cell.ruled and (begins(shape.vocabulary.strip(cell.text)[0] or key(cell.text))
                                   or shape.extra_label is not None
                                   and shape.extra_label(cell.text) is not None):
                # (lines set apart in a tall merged cell: what they make must be a label; a
                # label the source's own rule reads, 「2018年」 / 「度」, may go on too)
                parts = lines_below(i, cell, known, KNOWN_LABEL_REACH)
                if shape.label("".join(key(p.text) for p in parts)) is None:
                    parts = [cell]
            if len(parts) < 2 and lacks and spaced(cell) and shape.label(cell.text) is None:
                parts = lines_below(i, cell, unknown)
            if len(parts) < 2 and id(cell) in wraps:
                parts = [cell, wraps[id(cell)]]
            if len(parts) < 2 and id(cell) in stacks:
                parts = stacks[id(cell)]
            if len(parts) < 2 and id(cell) in strip_lines:
                parts = strip_lines[id(cell)]
            if len(parts) < 2:
                continue
            joined = join_wrapped(p.text for p in parts)
            row.cells[c] = replace(cell, text=joined, lines=tuple(p.text for p in parts),
                                   bottom=parts[-1].bottom,
                                   words=tuple(w for p in parts for w in p.words))
            for below in rows[i + 1:]:
                for p in parts[1:]:
                    if id(p) in numbered_lines:  # its row keeps the number
                        printed, number = numbered_lines[id(p)]
                        below.cells = [number if b is printed else b for b in below.cells]
                below.cells = [b for b in below.cells if all(b is not p for p in parts[1:])]
    return [r for r in rows if r.cells]


def split_glued_cells(rows: list[Row], shape: Shape) -> list[Row]:
    """Two cells set so close that they read as one, cut apart at a word boundary: a row number
    and the category label or prefecture in the next column (「100地方公共団体」: three digits
    reach near it), and a category label and the name beside it (「関　係　府　省厚生労働省」:
    a label spaced out to its column's width ends one letter-space from the name). No reading
    takes a label for a name then. A label the vocabulary lacks is cut off where its word is
    printed alike before the names of REPEATED_WRAPS rows or more (「大学・研究開発」 on every
    row of its group, one letter-space from each name)."""
    repeated = _repeated_first_words(rows, shape)

    def cut(cell: Cell, more: bool) -> list[Cell]:
        at = _glued_at(cell, more, shape)
        if at is None and (second := _second_word(cell)) is not None \
                and key(cell.words[0]["text"]) in repeated:
            at = float(second["x0"])
        if at is None:
            return [cell]
        pieces = cut_cell(cell, [at])
        if len(pieces) < 2:
            return pieces
        return [pieces[0], *cut(pieces[1], more)]  # (a row number, a label, a name: three)

    out: list[Row] = []
    for row in rows:
        cells: list[Cell] = []
        for i, cell in enumerate(row.cells):
            cells += cut(cell, i + 1 < len(row.cells))
        out.append(row if len(cells) == len(row.cells) else replace(row, cells=cells, kinds={}))
    return out


def _second_word(cell: Cell) -> Word | None:
    """The word after a cell's first on its first line, if any."""
    words = cell.words
    if len(words) < 2 or abs(words[1]["top"] - words[0]["top"]) > ROW_TOLERANCE \
            or words[1]["x0"] <= words[0]["x1"]:
        return None
    return words[1]


def _repeated_first_words(rows: list[Row], shape: Shape) -> set[str]:
    """First words before more words on a line, printed alike (so, or as cells of their own)
    REPEATED_WRAPS times or more anywhere on the page (in each column of a page set in
    columns; a cell of its own where its column is wider), that could be a label the
    vocabulary lacks, unmarked (a name's words are one word with their blanks: a name never
    begins with another's word)."""
    firsts: set[str] = set()
    printed: Counter[str] = Counter()
    for row in rows:
        for cell in row.cells:
            if _second_word(cell) is not None:
                firsts.add(key(cell.words[0]["text"]))
                printed[key(cell.words[0]["text"])] += 1
            elif len(cell.words) == 1 and len(cell.lines) == 1:
                printed[key(cell.text)] += 1
    return {text for text in firsts if printed[text] >= REPEATED_WRAPS
            and shape.label(text) is None and could_be_label(text, shape)
            # (a heading's marked first word, 「＜類型」 of 「＜類型Ⅰ　…＞」, begins no cell)
            and shape.vocabulary.strip(text)[0] == text}


def _glued_at(cell: Cell, more: bool, shape: Shape) -> float | None:
    """Where ``cell`` is two cells glued (see split_glued_cells), or None; ``more``: cells
    follow it in its row."""
    words = cell.words
    if len(cell.lines) != 1 or len(words) < 2:
        return None
    rest = "".join(w["text"] for w in words[1:])
    if classify.number(words[0]["text"]) is not None:
        # a numbered heading alone in its row is one cell (「１　地方公共団体」)
        if more and (shape.label(rest) is not None or classify.prefecture(rest) is not None):
            return float(words[1]["x0"])
        # a row number, the label of a cell centred on its group, the name beside it
        # (「163」「大学・研究機関」「公立大学法人…」 set close together)
        if len(words) > 2 and shape.label(rest) is None \
                and shape.label(words[1]["text"]) is not None:
            return float(words[1]["x0"])
        return None
    whole = key(cell.text)
    if shape.label(cell.text) is not None \
            or any(label.startswith(whole) for label in shape.vocabulary.labels):
        return None  # a label, or its first line (「関係府省・経済」 / 「団体等」)
    for j in range(1, len(words)):
        first = "".join(w["text"] for w in words[:j])
        if shape.label(first) is not None:
            return float(words[j]["x0"])
        # a label's first line (one the vocabulary begins, or letters spaced out to the
        # column's width), then a numbered name 「1.…」; or letters spaced out that are a line
        # of a label, then any name (「先　行　モ　デ東松島市」, 「・　経　済厚生労働省」)
        begins = any(label.startswith(key(first)) for label in shape.vocabulary.labels)
        spaced = all(_spaced(w) for w in words[:j])
        if (begins or spaced) and classify.leading_number("".join(w["text"] for w in words[j:])) \
                or spaced and shape.vocabulary.is_label_line(first):
            return float(words[j]["x0"])
    return None


def _spaced(word: Word) -> bool:
    """Letters set with even spacing: merged from single letters (cells.unspace_letters), or
    one word of single letters between ideographic spaces (「先　行　モ　デ」)."""
    parts = word["text"].split("\u3000")
    return bool(word.get("spaced")) or len(parts) >= 2 and all(len(p) == 1 for p in parts)


def drop_furniture_cells(rows: list[Row], shape: Shape) -> list[Row]:
    """A row's cells that are page furniture by themselves (a total 「合計　９４団体」 set on
    the line of a column's last entry, a note beside a heading) taken out into a row of their
    own, so that the entry or heading beside them reads as it is (and a total is still read
    as one). A row of furniture only is left whole."""
    vocab = shape.vocabulary

    def heading_count(row: Row, k: int) -> bool:
        """A count right after a numbered or bracketed label the vocabulary lacks (「４．関係
        省庁等」 | 「計１２」) is that heading's, no total (without it, numbering alone marks no
        heading); never after a name (「112　粟国村」 | 「合計　９４団体」)."""
        if k == 0 or not _is_count(vocab, row.cells[k].text):
            return False
        before = row.cells[k - 1].text
        core = vocab.strip(before)[0]
        return core != key(before) and could_be_label(core, shape) \
            and not classify.reads_as_organisation(core) \
            and _unknown_heading(vocab, row.cells[k - 1:k + 1]) is not None

    out: list[Row] = []
    for row in rows:
        furniture = [c for k, c in enumerate(row.cells)
                     if vocab.is_furniture(c.text, False) and not heading_count(row, k)]
        if not furniture or len(furniture) == len(row.cells):
            out.append(row)
            continue
        kept = [c for c in row.cells if all(c is not f for f in furniture)]
        out += [replace(row, cells=kept, kinds={}), replace(row, cells=furniture, kinds={})]
    return out


def split_stacked_headings(rows: list[Row], shape: Shape) -> list[Row]:
    """A category heading with a prefecture sub-heading after it in one box, on its next line
    (「（２）地方公共団体：１１２」 / 「＜北海道＞」), or in the next cell of its row
    (「〔地方自治体〕　【北海道】」), read as the rows they are: two headings, never one label
    that loses the prefecture."""
    out: list[Row] = []
    for row in rows:
        cell = row.cells[0]
        last = row.cells[-1].text if len(row.cells) > 1 or not cell.lines else cell.lines[-1]
        if classify.prefecture_heading(last, shape.vocabulary) is None:
            out.append(row)  # no sub-heading last: nothing stacked (the cheap test first)
            continue
        if len(row.cells) > 1:
            parts = [replace(row, cells=[c], kinds={}) for c in row.cells]
        elif len(cell.lines) > 1:
            pitch = (row.bottom - row.top) / len(cell.lines)
            parts = [Row([replace(cell, text=line, lines=(line,), words=(),
                                  top=row.top + i * pitch, bottom=row.top + (i + 1) * pitch)],
                         row.page, row.top + i * pitch, row.top + (i + 1) * pitch, row.in_margin)
                     for i, line in enumerate(cell.lines)]
        else:
            out.append(row)
            continue
        kinds = [kind_of(p, shape) for p in parts]
        stacked = kinds[-1].prefecture is not None and all(
            k.label is not None or k.unknown is not None or k.prefecture is not None
            for k in kinds[:-1]) and any(k.prefecture is None for k in kinds)
        out += parts if stacked else [row]
    return out


def _is_body(kind: RowKind) -> bool:
    """A row that is neither a heading, group, title, header, prefecture nor furniture."""
    return (kind.label is None and kind.group is None and kind.title is None
            and not kind.furniture and kind.header is None and kind.prefecture is None)
