"""Readings are verified, never trusted: every reading a layout admits is built, and the one
kept gives exactly what the source announces, passes the content checks, and agrees with the
printed numbering.

The readings (``structure.Options``) are built side by side while the pages stream by: a
choice is opened only on the first page where it can make a difference (a page set in
columns, a number before a name, a header row, a heading the vocabulary lacks), so a plain
list is read once. A reading opened on a later page reads the pages before it again with its
own options (from the rows already read, not from the PDF): a reading is one set of choices
for the whole list, never one set for its first pages and another for the rest. Then each
reading is checked, in this order:

1. every row was placed, and every entry stands under a category;
2. a heading the vocabulary lacks gets its category from its entries (``ListSpec.infer``), or
   the reading fails;
3. the content checks of the source (``ListSpec.check``: a local government exactly under
   local governments, within the prefecture it is printed under ...), and of a list of
   records: none holds its place alone where every other holds more (a line of the record
   above read as one of its own);
4. the printed numbering, where there is one: each number one more than the last, or 1 again
   where a category or a group (a 類型 inside a list) starts;
5. a total line the list prints (合計　471団体), where it prints one total: that many entries;
6. the counts: headings that state a count hold that many entries, and the entries per
   category equal one of the compositions the source announced.

No reading passes: the source fails, naming the file and the page where the reading that came
closest first breaks, and what it expected there (with how its counts per category are off,
where they are near). Closest (``nearest``): one the printed numbering confirms before one that
breaks it, then the fewest entries off; a reading refused only for an entry or a few under a
category they do not fit, all else holding, is near (the list most likely prints them there,
and the refusal names them and their category). Two pass and give different lists: the
source fails as ambiguous, naming both. A category inferred for an unknown label is a note
that names the label, so that it can be added to the layout CSV.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from pipeline.errors import SourceError
from pipeline.extract.reader import classify
from pipeline.extract.reader.cells import Page, Row, newspaper_order
from pipeline.extract.reader.structure import (
    Entry,
    Options,
    PageFacts,
    Reading,
    Shape,
    _column_names,
    _is_count,
    _is_place,
    _labelled_cells,
    _spaced,
    _State,
    could_be_label,
    drop_furniture_cells,
    join_wrapped_labels,
    kind_of,
    page_facts,
    split_glued_cells,
    split_stacked_headings,
    under_heading,
)
from pipeline.extract.reader.vocabulary import Vocabulary, key

# Names in a row beginning with numbers that run on (「1　…」 「2　…」 「3　…」): row numbers.
RUNNING_NUMBERS_MIN = 3
# How far a reading that misses the printed total is, for each entry it misses it by: one
# entry off is nearer than a failed content check (1_000), a page misread (tens of entries
# too many or too few) is further than one label whose entries say no category (2_000), never
# as far as a reading that could not be built (10_000).
TOTAL_MISSED_PER_ENTRY = 100
TOTAL_MISSED_MAX = 9_000
# A refusal says how its reading's counts per category are off when they are off by at most
# this many entries in all (an entry or two missing or moved; beyond, a page misread). So
# many entries, at most, under a category they do not fit (a content check refuses them) make
# a reading near, when every other check holds.
PER_CATEGORY_NEAR = 3
# How far a reading refused for entries under a category they do not fit is: near, further
# than a total missed by an entry (600: that reading read all else as the list prints it) and
# nearer than other failed content checks, its counts' distance added; otherwise as far as
# they are. (Where the list is numbered, a reading its numbering confirms is nearer than any
# it does not, whatever their distances: see ``nearest``.)
MISPLACED_NEAR = 700
MISPLACED_FAR = 1_000


@dataclass(frozen=True)
class Expected:
    """One announced composition of a list: entries per category, and where it is stated.
    ``exact`` False: the file may hold part of it (a deck showing some of the selections).

    ``uncounted``: categories the list may hold whose count no source states (any number of
    entries; a count only inferred is never an expectation); ``whole``: the total the source
    states for the whole list, which then checks them together with the rest."""

    label: str
    counts: Mapping[str, int]
    citation: str = ""
    exact: bool = True
    uncounted: frozenset[str] = frozenset()
    whole: int | None = None

    @property
    def total(self) -> int:
        return self.whole if self.whole is not None else sum(self.counts.values())


@dataclass(frozen=True)
class ListSpec:
    """What the reader needs to know of one source's lists."""

    source_id: str
    what: str  # how messages name the list ("member list", "先行モデルプロジェクト list")
    shape: Shape
    expected: tuple[Expected, ...]
    check: Callable[[Entry], str | None] | None = None
    infer: Callable[[list[Entry]], str | None] | None = None
    names: Mapping[str, str] = field(default_factory=dict)  # category -> as messages print it
    # Which pages hold the list, from their rows (a deck holds it among slides of other
    # things): it sees every page, one without a text layer with no rows, and yields those
    # to read. None: every page, and a page without text fails the source.
    pages: Callable[[Iterator[Page]], Iterator[Page]] | None = None

    def name(self, category: str | None) -> str:
        """A category as messages name it: ``priority (重点事業化促進プロジェクト)``."""
        printed = self.names.get(category or "")
        return f"{category} ({printed})" if printed else str(category)


@dataclass
class Verdict:
    """A reading and what the checks found: ``error`` (message, page) when it fails."""

    reading: Reading
    error: tuple[str, int] | None = None
    distance: int = 0  # how far the counts are from the nearest announced composition
    numbered: bool = False
    matched: Expected | None = None
    notes: list[str] = field(default_factory=list)
    counts_error: bool = False  # the error is that the counts per category are off

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ListReading:
    """The reading kept, why, and the verdicts on every reading built."""

    entries: list[Entry]
    matched: Expected
    chosen: Verdict
    verdicts: list[Verdict]
    notes: list[str]


def _features(rows: list[Row], shape: Shape, facts: PageFacts) -> set[str]:
    """Which reading choices a page's rows (``facts``: what they say) can make a difference
    to."""
    # texts printed as category cells, known labels and a column's name in a header row
    # (「区分」) aside: labels the vocabulary lacks
    lacked = {t for t in facts.category_texts - shape.vocabulary.columns.keys()
              if shape.label(t) is None}
    found: set[str] = {"infer_labels"} if lacked else set()
    # a cell centred on its group is an unruled one: on a page whose every cell of the list
    # is ruled (a full grid), the reading that centres them reads as the one that does not
    unruled = any(not c.ruled for row in rows if not kind_of(row, shape).furniture
                  for c in row.own_cells)
    if facts.category_strips:  # a known label printed as a category cell, alone in its row
        found.add("centered_labels")
    for row in rows:
        kind = kind_of(row, shape)
        if kind.header is not None:
            found.add("carry_columns")
        title = kind.label is None and not kind.furniture \
            and key(row.text) in facts.table_titles | facts.numbered_headings
        if kind.unknown is not None or title \
                or kind.header is None and _unknown_category_cell(row, shape):
            found.add("infer_labels")
        if kind.header is not None and any(h[2] == shape.category_role for h in kind.header) \
                or kind.labels >= 1 and len(row.own_cells) >= 2:
            found.add("centered_labels")  # a category column: its cells may stand centred
        if not kind.furniture and kind.header is None and any(  # beside a category cell too
            classify.leading_number(c.text) and shape.label(c.text) is None
            for c in row.own_cells
        ):
            found.add("split_numbers")
    if _lacked_in_category_column(rows, shape):
        found.add("infer_labels")
    return found if unruled else found - {"centered_labels"}


def _lacked_in_category_column(rows: list[Row], shape: Shape) -> bool:
    """Whether a table's category column (under a header naming it) holds a text that is no
    known label: a label the vocabulary lacks, or a cell glued to the name beside it, which
    the reading that infers labels cuts at the header's columns."""
    strips = [(x0, x1) for row in rows for x0, x1, role, _ in kind_of(row, shape).header or ()
              if role == shape.category_role]
    return any(c.x0 < x1 and x0 < c.x1 and shape.label(c.text) is None
               and classify.number(c.text) is None
               for row in rows if kind_of(row, shape).header is None
               and not kind_of(row, shape).furniture
               for c in row.own_cells for x0, x1 in strips)


def _unknown_category_cell(row: Row, shape: Shape) -> bool:
    """A row whose first cell could be a category cell no label of the vocabulary names (a
    category column printing a synonym the layout CSV lacks): worth a reading that infers."""
    cells = row.own_cells
    if cells and classify.number(cells[0].text) is not None:  # after the row's number:
        cells = cells[1:]  # a category cell, then a name (「1 | 学術研究機関 | …大学」)
        if len(cells) >= 2 and classify.number(cells[1].text) is not None:
            return False  # a name between two row numbers (a grid of numbered names)
    return len(cells) >= 2 and shape.label(cells[0].text) is None and \
        could_be_label(cells[0].text, shape)


def _record_header(roles: list[str | None] | None) -> bool:
    """A header naming two different fields besides the row number: each row under it is one
    entry across the columns (a name grid's 会員名 | 会員名 may be read down its columns)."""
    return roles is not None and len(set(roles) - {None, "number"}) >= 2


def _record_across(row: Row) -> bool:
    """A row holding a record's fields side by side (a place, then a text that is none): the
    page's columns are fields of one entry, not columns of entries to read down."""
    cells = row.own_cells
    return any(_is_place(_unnumbered(a.text)) and not _is_place(b.text)
               and classify.number(b.text) is None
               for a, b in zip(cells, cells[1:], strict=False))


def _unnumbered(text: str) -> str:
    """A cell's text without a row number printed before it (「1　中富良野町・長沼町」)."""
    found = classify.leading_number(text)
    return found[1] if found else text


def read_readings(
    pages: Iterable[Page], shape: Shape, furniture: Callable[[Row], bool], infer: bool = True,
) -> list[Reading]:
    with _kept_rows_not_traversed():
        return _read_readings(pages, shape, furniture, infer)


def _read_readings(
    pages: Iterable[Page], shape: Shape, furniture: Callable[[Row], bool], infer: bool,
) -> list[Reading]:
    """Every reading of the pages, built side by side (see the module docstring). Without
    ``infer`` (a source whose categories cannot be told from their entries) a line decorated
    as a heading is never read as one: such a reading could only fail."""
    states = [_State(shape, Options(newspaper=False, split_numbers=False))]

    def goes_with_names(text: str) -> bool:
        """A row number, a prefecture (or its sub-heading, 「■埼玉県」 set left of the names), a
        category label (or letters set apart as labels are, 「大　学　等　研」: a label the
        vocabulary lacks) or the header over such a column (「通し番号都道府県」): a strip of the
        page holding only these labels the names right of it, no column of the page of its own."""
        return classify.number(text) is not None or classify.prefecture(text) is not None \
            or classify.prefecture_heading(text, shape.vocabulary) is not None \
            or shape.label(text) is not None or _spaced({"text": text}) \
            or _column_names(shape.vocabulary, key(text)) is not None

    opened: set[str] = set()
    read: list[_PageRead] = []  # the pages so far
    for page in pages:
        page.rows = split_stacked_headings(join_wrapped_labels(
            split_glued_cells(drop_furniture_cells(page.rows, shape), shape), shape), shape)
        number, rows = page.number, page.rows
        # a record's ``label value`` rows (a sheet, a box) tie the page's columns together:
        # read across (a name list's header word beside a name in the next column is none)
        labelled = shape.record and any(
            _labelled_cells(shape.vocabulary, r.own_cells) and kind_of(r, shape).header is None
            or _record_across(r) for r in rows)
        page_read = _PageRead(number, rows, None, shape)
        # a label the vocabulary lacks, printed as a category cell would be, goes with the names
        # right of it as known labels do
        lacked = page_read.rows_facts.category_texts
        columns = None if labelled else newspaper_order(
            page, furniture,
            lambda text, lacked=lacked: goes_with_names(text) or key(text) in lacked,
            lambda text: _is_count(shape.vocabulary, text))
        if columns is not None:  # a column's own row may stack a heading and a sub-heading
            columns = split_stacked_headings(columns, shape)
        if shape.record and any(_record_header([h[2] for h in kind_of(row, shape).header or []])
                                for row in rows):
            columns = None  # a table of records is read row by row, whatever its gutters
        page_read.columns = columns
        wanted = _features(rows, shape, page_read.rows_facts) | (
            {"newspaper"} if columns is not None else set())
        if not infer:
            wanted.discard("infer_labels")
        for choice in sorted(wanted - opened):
            opened.add(choice)
            forks = []
            for state in states:
                fork = _State(shape, replace(state.options, **{choice: True}))
                for earlier in read:
                    _read_page(fork, earlier)
                forks.append(fork)
            states += forks
        read.append(page_read)
        for state in states:
            _read_page(state, page_read)
    return [s.finish() for s in states]


@contextmanager
def _kept_rows_not_traversed() -> Iterator[None]:
    """The rows of every page read are kept (a reading opened late reads them again), and the
    readings make many small objects: Python's cycle collector, run as they pile up, traversed
    all of them again and again (a 30-page list read 1.15x slower for it; `make bench`). It
    is paused while a list is read and resumed after, as it was: what was made meanwhile is
    then collected as usual. (``gc.freeze`` did the same, but its objects, thawed, escaped the
    collector's counts: a process reading hundreds of lists grew by gigabytes.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _PageRead:
    """A page as the readings read it: its rows, its columns read down (None: it stands in
    no columns), and what each says (computed once, whatever the readings, and only if one
    reads it: the readings of columns have often failed by then)."""

    number: int
    rows: list[Row]
    columns: list[Row] | None
    shape: Shape

    @cached_property
    def rows_facts(self) -> PageFacts:
        return page_facts(self.rows, self.shape)

    @cached_property
    def columns_facts(self) -> PageFacts:
        assert self.columns is not None  # (a heading's line is seen across the page)
        return replace(page_facts(self.columns, self.shape),
                       heading_counts=self.rows_facts.heading_counts)


def _read_page(state: _State, page: _PageRead) -> None:
    """One page fed to one reading: its rows, or its columns read down where the reading
    says so and the page is set in columns (a table of records is read row by row)."""
    if state.reading.problems:  # failed already: its first problem is its verdict
        return
    shape = state.shape
    in_table = shape.record and state.columns is not None and \
        _record_header([c.role for c in state.columns])
    if state.options.newspaper and page.columns is not None and not in_table:
        ordered, facts = page.columns, page.columns_facts
    else:
        ordered, facts = page.rows, page.rows_facts
    state.start_page(page.number, ordered, facts)
    for row in ordered:
        state.feed(row)


def judge(reading: Reading, spec: ListSpec) -> Verdict:
    """The checks of the module docstring, on one reading."""
    verdict = Verdict(reading)
    if reading.problems:
        first = reading.problems[0]
        verdict.error = (first.describe(), first.page)
        verdict.distance = 10_000 + len(reading.problems)
        return verdict
    if not reading.entries:
        verdict.error = (f"no entries of the {spec.what} found (no heading, header or list "
                         f"the vocabulary {spec.shape.vocabulary.file} knows)", 1)
        verdict.distance = 100_000
        return verdict
    orphan = next((e for e in reading.entries
                   if e.category is None and not reading.under_inferred_label(e)), None)
    if orphan is not None:
        verdict.error = (f"{_entry_text(orphan)!r} stands under no category label (a heading "
                         f"missing from {spec.shape.vocabulary.file}?)", orphan.page)
        verdict.distance = 5_000
        return verdict
    header_word = next((e for e in reading.entries for v in e.fields.values()
                        if _header_or_label_misread(v, spec.shape.vocabulary)), None)
    if header_word is not None:
        verdict.error = (f"{_entry_text(header_word)!r} is, or begins with, a column's name or "
                         "a line of a category label, read as an entry: a header or label "
                         "misread?",
                         header_word.page)
        verdict.distance = 5_000
        return verdict
    misplaced: list[tuple[Entry, str]] = []  # entries under a category they do not fit
    if not _infer(verdict, spec, misplaced):
        return verdict
    if spec.check is not None:
        misplaced += [(e, message) for e in reading.entries
                      if (message := spec.check(e)) is not None]
    if len(misplaced) > PER_CATEGORY_NEAR:
        return _misplaced(verdict, misplaced, spec, near=False)
    if not (_place_alone(verdict, spec) and _numbering(verdict)
            and _stated_total(verdict, spec)):
        return _misplaced(verdict, misplaced, spec, near=False) if misplaced else verdict
    _counts(verdict, spec)
    if misplaced:
        return _misplaced(verdict, misplaced, spec, near=True)
    if verdict.ok:  # (asked last: it fails only a reading that would pass otherwise)
        _no_row_numbers_in_names(verdict)
    return verdict


def _misplaced(verdict: Verdict, misplaced: list[tuple[Entry, str]], spec: ListSpec,
               near: bool) -> Verdict:
    """A reading refused for entries under a category they do not fit, by the first of
    them. Near (``near`` and its counts near an announced composition): every other check
    holds, so the list most likely prints those entries there (an entry moved)."""
    entry, message = misplaced[0]
    verdict.error = (message, entry.page)
    verdict.counts_error, verdict.matched = False, None
    off = (_nearest(Counter(e.category for e in verdict.reading.entries), spec)[0]
           if spec.expected else 0)
    verdict.distance = (MISPLACED_NEAR + off if near and off <= PER_CATEGORY_NEAR
                        else MISPLACED_FAR)
    return verdict


def _header_or_label_misread(printed: str, vocabulary: Vocabulary) -> bool:
    """A field that is a column's name or begins with one, begins with a label's first line
    and then a name, or begins with letters spaced out that are part of a label. Asked of
    every field of every reading, so answered once per text."""
    if printed not in vocabulary.misread_seen:
        text = key(printed)
        vocabulary.misread_seen[printed] = (
            text in vocabulary.columns
            or _begins_with_column_name(text, vocabulary)
            or _begins_with_part_of_a_label(text, vocabulary)
            or _begins_with_spaced_part_of_a_label(printed, vocabulary))
    return vocabulary.misread_seen[printed]


def _begins_with_column_name(text: str, vocabulary: Vocabulary) -> bool:
    """A field that begins with a column's name (「会員名テスト月影10大学」): a header cell read
    into the first entry under it. Names of three characters or more, other than the number
    column's (a name may begin with 「No.」)."""
    return any(text.startswith(name) and text != name for name, role in
               vocabulary.columns.items() if len(name) >= 3 and role != "number")


def _begins_with_part_of_a_label(text: str, vocabulary: Vocabulary) -> bool:
    """A field that begins with a category label's first line, then a name (「企業・団合同会社
    …」: the label wrapped 「企業・団」 / 「体等」 in its column, its first line glued to the name
    beside it)."""
    return any(text.startswith(label[:i]) and classify.begins_a_name(text[i:])
               for label in vocabulary.labels if text.startswith(label[:2])
               for i in range(2, len(label) + 1))


def _begins_with_spaced_part_of_a_label(printed: str, vocabulary: Vocabulary) -> bool:
    """A field that begins with single letters spaced out that are a line of a category label,
    then more (「・　経　済厚生労働省」: the middle line of 関係府省・経済団体等, spaced to its
    column's width, glued to the name beside it)."""
    tokens = printed.split()
    singles = ""
    while len(tokens) > 1 and len(tokens[0]) == 1:
        singles += tokens.pop(0)
    if not singles or len(tokens[0]) == 1:
        return False  # all of it letters spaced out (「内　閣　府」: a name so printed)
    # the last spaced letter glued to the name (「済厚生労働省」), or the name a word apart
    candidates = (singles + tokens[0][0], singles)
    return any(vocabulary.is_label_line(c) for c in candidates)


def _stated_total(verdict: Verdict, spec: ListSpec) -> bool:
    """The total the list prints (合計　471団体, 選定数：22事業), where it prints one: the
    entries read are that many. A file printing several different totals (two lists, each
    with its own) is checked by its headings and the announced counts alone. A reading off by
    an entry is near; one whose counts per category are far from every announced composition
    is not, however near its total (a category's entries read under another: 「13.石川県加賀市」
    and 111 more read as universities)."""
    totals = verdict.reading.totals
    if len({n for n, _, _ in totals}) != 1:
        return True
    stated, page, text = totals[0]
    held = len(verdict.reading.entries)
    if held == stated:
        return True
    verdict.error = (f"the list states {stated} entries ({text!r}) but {held} were read",
                     page if held > stated else verdict.reading.entries[-1].page)
    missed = abs(held - stated)
    if spec.expected and all(e.category is not None for e in verdict.reading.entries):
        missed = max(missed, _nearest(Counter(e.category for e in verdict.reading.entries),
                                      spec)[0])
    verdict.distance = min(500 + TOTAL_MISSED_PER_ENTRY * missed, TOTAL_MISSED_MAX)
    return False


def _entry_text(entry: Entry) -> str:
    return " ".join(v for v in entry.fields.values() if v)


def _infer(verdict: Verdict, spec: ListSpec, misplaced: list[tuple[Entry, str]]) -> bool:
    """Categories of headings the vocabulary lacks, from their entries: from all the
    entries under the same printed label together (a label stands for one category wherever
    it is printed, so that a local government printed under 府省庁・経済団体 is one there,
    not the category of a section of its own). Where all but a few of them say one category
    no other heading holds, the label is read as that one and the few join ``misplaced``."""
    reading = verdict.reading
    sections: dict[str, set[int]] = {}
    for heading in reading.headings:
        if heading.inferred:
            sections.setdefault(heading.printed, set()).add(heading.index)
    for heading in reading.headings:
        if not heading.inferred:
            continue
        same_label = sections[heading.printed]
        entries = [e for e in reading.entries if e.section in same_label]
        category = spec.infer(entries) if spec.infer is not None and entries else None
        cut = spec.shape.vocabulary.cut_off(heading.printed)
        if category is not None and cut is not None \
                and spec.shape.vocabulary.labels[cut] != category:
            verdict.error = (
                f"the heading {heading.printed!r} begins the label {cut!r} "
                f"({spec.name(spec.shape.vocabulary.labels[cut])}) but its entries read as "
                f"{spec.name(category)}: a label cut off, over entries of another category?",
                heading.page,
            )
            verdict.distance = 2_000
            return False
        glued = spec.shape.vocabulary.glued_to(heading.printed)
        if glued is not None:
            verdict.error = (
                f"the heading {heading.printed!r} is the label {glued!r} with "
                f"{heading.printed[len(glued):]!r} after it: a wrapped line of the name beside "
                "it read into the category column?",
                heading.page,
            )
            verdict.distance = 2_000
            return False
        taken = {h.category for h in reading.headings if h.printed != heading.printed}
        if (category is None or category in taken) and entries:
            category = _all_but_a_few(heading.printed, entries, spec, taken, misplaced) \
                or category
        if category is None:
            verdict.error = (
                f"the heading {heading.printed!r} is no category label of "
                f"{spec.shape.vocabulary.file}, and its entries do not say which category it is",
                heading.page,
            )
            verdict.distance = 2_000
            return False
        if category in taken:
            other = next(h.printed for h in reading.headings
                         if h.category == category and h.printed != heading.printed)
            # one category, two labels: a label the vocabulary lacks never shares its category
            # with another (a name's text read as a label would publish both wrong)
            verdict.error = (
                f"the heading {heading.printed!r} reads as {spec.name(category)}, as "
                f"{other!r} does: a name's text read as a label?", heading.page)
            verdict.distance = 2_000
            return False
        heading.category = category
        for e in entries:
            e.category = category
        if heading.index != min(same_label):
            continue  # one note per label
        verdict.notes.append(
            f"the heading {heading.printed!r} (page {heading.page}) is not in "
            f"{spec.shape.vocabulary.file}; read as {category} from the {len(entries)} entries "
            f"under it wherever it is printed (add a `label` row: {heading.printed},{category})"
        )
    return True


def _all_but_a_few(printed: str, entries: list[Entry], spec: ListSpec, taken: set[str | None],
                   misplaced: list[tuple[Entry, str]]) -> str | None:
    """The category all but at most PER_CATEGORY_NEAR of a lacked label's entries say, each
    on its own, where no other heading holds it; the others join ``misplaced`` (an entry
    printed under the label from another category: refused, naming it, never published)."""
    assert spec.infer is not None
    alone = [spec.infer([e]) for e in entries]
    most, _ = Counter(alone).most_common(1)[0]
    few = [(e, said) for e, said in zip(entries, alone, strict=True) if said != most]
    if most is None or most in taken or not few or len(few) > PER_CATEGORY_NEAR \
            or 2 * len(few) >= len(entries) \
            or spec.infer([e for e, said in zip(entries, alone, strict=True) if said == most]) \
            != most:
        return None
    misplaced += [(e, f"{_entry_text(e)!r} is printed under {printed!r} (read as "
                      f"{spec.name(most)}, as the other {len(entries) - len(few)} entries "
                      f"under it say) but reads as {spec.name(said)}: an entry of another "
                      "category?") for e, said in few]
    return most


def _place_alone(verdict: Verdict, spec: ListSpec) -> bool:
    """A record that holds its place and nothing else, where every other record of the list
    holds more (its project, its lead): a line of the record above read as one of its own (a
    joint proposal's second place on a line of its own, the category cell beside it), which
    with one record dropped elsewhere made up the count. A list printing places alone holds
    no other field in any record and passes."""
    shape = spec.shape
    if not shape.record:
        return True
    entries = verdict.reading.entries
    alone = [e for e in entries if not any(v for r, v in e.fields.items() if r != shape.place_role)]
    if not alone or 2 * len(alone) >= len(entries):
        return True
    first = alone[0]
    verdict.error = (
        f"{first.fields.get(shape.place_role, '')!r} is read as a selection of its own with "
        f"nothing but its place, where every other holds more (its project): a place of the "
        f"selection above, printed on a line of its own?{under_heading(first.label)}",
        first.page)
    verdict.distance = 1_000
    return False


def _numbering(verdict: Verdict) -> bool:
    """Printed numbers run on by one, or restart at 1 where a category or a group starts. A
    category is numbered throughout or not at all (a numbered table for one, an unnumbered one
    for the next)."""
    entries = verdict.reading.entries
    numbered = {e.category for e in entries if e.number is not None}
    if not numbered:
        return True
    previous: Entry | None = None
    for entry in entries:
        if entry.number is None:
            if entry.category not in numbered:
                continue
            verdict.error = (f"{_entry_text(entry)!r} has no row number where the entries "
                             f"around it are numbered{under_heading(entry.label)}", entry.page)
            verdict.distance = 500
            return False
        if previous is not None:
            restart = entry.number == 1 and (entry.category, entry.group) != (
                previous.category, previous.group)
            if entry.number != previous.number + 1 and not restart:  # type: ignore[operator]
                verdict.error = (
                    f"the numbering breaks: {_entry_text(entry)!r} is numbered {entry.number} "
                    f"after {previous.number} ({_entry_text(previous)!r})"
                    + under_heading(entry.label), entry.page)
                verdict.distance = 500
                return False
        elif entry.number != 1:
            verdict.error = (f"the numbering starts at {entry.number}, not 1", entry.page)
            verdict.distance = 500
            return False
        previous = entry
    verdict.numbered = True
    return True


def _no_row_numbers_in_names(verdict: Verdict) -> None:
    """A reading keeping a number before each name as part of it (「1　株式会社…」) fails where
    those numbers run on from one entry to the next: they are the list's row numbers. (A page
    the reading that cuts them off misread otherwise left this one to pass, numbers and all.)"""
    if verdict.reading.options.split_numbers:
        return
    entries = verdict.reading.entries
    leading = [classify.leading_number(next(iter(e.fields.values()), "")) for e in entries]
    pairs = [(k, a[0], b[0]) for k, (a, b) in enumerate(zip(leading, leading[1:], strict=False))
             if a and b]
    running = [k for k, a, b in pairs if b == a + 1]
    if len(running) < RUNNING_NUMBERS_MIN or 2 * len(running) < len(pairs):
        return
    first = entries[running[0]]
    verdict.error = (f"{_entry_text(first)!r} and the names after it begin with numbers that "
                     "run on from one to the next: the list's row numbers read into its names"
                     + under_heading(first.label), first.page)
    verdict.distance = 2_000  # (a reading that cuts them off tells better where it broke)


def _counts(verdict: Verdict, spec: ListSpec) -> None:
    reading = verdict.reading
    counts = Counter(e.category for e in reading.entries)
    # a heading going on with its category (（続き）, repeated on a page) restates its count
    claims = [h for h in reading.headings if h.count is not None and not h.continued]
    for category in {h.category for h in claims}:
        stated = [h for h in claims if h.category == category]
        claimed = sum(h.count for h in stated)  # type: ignore[misc]
        if counts[category] != claimed:
            printed = "; ".join(f"{h.printed!r} ({h.count}) on page {h.page}" for h in stated)
            verdict.error = (
                f"{spec.name(category)}: the headings state {claimed} ({printed}) but "
                f"{counts[category]} "
                f"entries were read under them ({_diff(counts[category], claimed)})",
                _last_page(reading.entries, category, stated[-1].page),
            )
            # as far as its counts are from an announced composition, where further: a page
            # read across its columns moves entries between categories, one stated or not
            verdict.distance = max(abs(counts[category] - claimed),
                                   _nearest(counts, spec)[0] if spec.expected else 0)
            verdict.counts_error = True
            return
    distance, tied = _nearest(counts, spec)
    if not tied[0][1]:
        verdict.matched = tied[0][0]
        return
    first_off = tied[0][1][0].split(" ")[0]  # the category, before its printed name
    # the whole list off alone: where the list ends
    default = reading.entries[-1].page if first_off == "the" and reading.entries else 1
    verdict.error = (
        "the entries per category match no announced composition: nearest is "
        + "; or ".join(f"{expected.label} ({expected.total}): " + ", ".join(off)
                       for expected, off in tied),
        _last_page(reading.entries, first_off, default),
    )
    verdict.distance = distance
    verdict.counts_error = True


def _nearest(counts: Counter[str | None], spec: ListSpec
             ) -> tuple[int, list[tuple[Expected, list[str]]]]:
    """The announced compositions nearest the counts per category, each with how the counts
    are off from it (``short by 1 (29 of 30)`` per category); the first matched, if any, alone
    with nothing off. Compositions equally near are each given: the one the list was printed
    from may be any."""
    nearest: list[tuple[int, Expected, list[str]]] = []
    for expected in spec.expected:
        off = []
        distance = 0
        for category in sorted(set(expected.counts) | set(counts), key=str):
            if category in expected.uncounted:
                continue
            want, got = expected.counts.get(category, 0), counts.get(category, 0)
            if got != want and (expected.exact or got > want):
                off.append(f"{spec.name(category)} {_diff(got, want)}")
                distance += abs(got - want)
        held = sum(counts.values())
        if expected.whole is not None and held != expected.whole:
            off.append(f"the whole list {_diff(held, expected.whole)}")
            distance += abs(held - expected.whole)
        if not off:
            return 0, [(expected, off)]
        nearest.append((distance, expected, off))
    distance = min(d for d, _, _ in nearest)
    return distance, [(expected, off) for d, expected, off in nearest if d == distance]


def _per_category(verdict: Verdict, spec: ListSpec) -> str:
    """How the counts per category of a refused reading that read the list through (no
    problem, every entry under a category) are off from the nearest announced composition,
    said after its error: where an entry is missing or moved, it names the category though
    the error names a total or an entry. Empty when the counts match, when the error is about
    the counts already, or when they are off by more than PER_CATEGORY_NEAR entries (a misread
    page: the categories tell nothing then)."""
    reading = verdict.reading
    if verdict.error is None or verdict.distance >= 5_000 or verdict.counts_error \
            or not reading.entries or any(e.category is None for e in reading.entries) \
            or not spec.expected:
        return ""
    distance, tied = _nearest(Counter(e.category for e in reading.entries), spec)
    expected, off = tied[0]
    if not off or distance > PER_CATEGORY_NEAR:
        return ""
    return f"; its entries per category, against {expected.label}: " + ", ".join(off)


def _last_page(entries: list[Entry], category: str, default: int) -> int:
    pages = [e.page for e in entries if e.category == category]
    return pages[-1] if pages else default


def _diff(found: int, expected: int) -> str:
    if found < expected:
        return f"short by {expected - found} ({found} of {expected})"
    return f"long by {found - expected} ({found} of {expected})"


def signature(reading: Reading) -> tuple:
    """What a reading publishes, order aside: two readings with equal signatures agree."""
    return tuple(sorted(
        (e.category or "", tuple(sorted(e.fields.items())), e.prefecture or "", e.page)
        for e in reading.entries
    ))


def _fills_blanks(fuller: tuple, blanker: tuple) -> bool:
    """Whether two signatures publish the same entries, ``fuller`` giving a prefecture where
    ``blanker`` gives none and never another: a prefecture printed once for its group, carried
    in one reading's order over a page or column break and not in the other's. The carried one
    passed the place check (the municipality lies in it), so keeping it publishes nothing
    the list contradicts."""
    if len(fuller) != len(blanker):
        return False
    pairs = zip(sorted(fuller, key=_unplaced), sorted(blanker, key=_unplaced), strict=True)
    return all(_unplaced(f) == _unplaced(b) and (f[2] == b[2] or not b[2]) for f, b in pairs)


def _unplaced(entry: tuple) -> tuple:
    """A signature's entry without its prefecture."""
    return entry[0], entry[1], entry[3]


def choose(readings: list[Reading], spec: ListSpec, path: Path) -> ListReading:
    """The one reading that passes (see the module docstring), or a SourceError."""
    verdicts = [judge(r, spec) for r in readings]
    passing = [v for v in verdicts if v.ok]
    if not passing:
        best = nearest(verdicts)
        message, page = best.error  # type: ignore[misc]
        others = len(verdicts) - 1
        raise SourceError(
            spec.source_id,
            f"the {spec.what} cannot be read so that it matches what was announced: {message}"
            f"{_per_category(best, spec)} (reading: {best.reading.options.describe()}"
            + (f"; {others} other reading(s) came out further off" if others else "")
            + "; `python -m pipeline debug` shows each line's role)",
            path=path, page=page,
        )
    if any(v.numbered for v in passing):  # the printed numbering confirms these readings
        passing = [v for v in passing if v.numbered]
    distinct: dict[tuple, Verdict] = {}
    for v in passing:
        distinct.setdefault(signature(v.reading), v)
    if len(distinct) > 1:  # a reading that leaves blank a prefecture another one carries
        distinct = {sig: v for sig, v in distinct.items()
                    if not any(other != sig and _fills_blanks(other, sig) for other in distinct)}
    if len(distinct) > 1:
        a, b = list(distinct.values())[:2]
        only_a = sorted(set(signature(a.reading)) - set(signature(b.reading)))
        only_b = sorted(set(signature(b.reading)) - set(signature(a.reading)))
        page = (only_a or only_b)[0][3]
        raise SourceError(
            spec.source_id,
            f"the {spec.what} reads two ways that both match what was announced, so neither is "
            f"kept: ({a.reading.options.describe()}) gives {_show(only_a)} where "
            f"({b.reading.options.describe()}) gives {_show(only_b)}",
            path=path, page=page,
        )
    chosen = next(iter(distinct.values()))
    assert chosen.matched is not None
    return ListReading(chosen.reading.entries, chosen.matched, chosen, verdicts, chosen.notes)


def nearest(verdicts: list[Verdict]) -> Verdict:
    """The refused reading that came closest, the one a refusal names. The printed numbering
    confirms a reading's order, failing or not: a reading that holds it is nearer than one
    that breaks it (a page's columns read across), whatever their distances."""
    return min(verdicts, key=lambda v: (not v.numbered, v.distance))


def _show(rows: list[tuple]) -> str:
    shown = [f"{cat}: {'/'.join(v for _, v in fields)}" for cat, fields, _, _ in rows[:2]]
    return "; ".join(shown) + (f" (+{len(rows) - 2} more)" if len(rows) > 2 else "")
