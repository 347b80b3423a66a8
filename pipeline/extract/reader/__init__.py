"""One reader of printed lists, under every PDF list extractor.

Nobody on the team has seen the real list files, so the reader is built for the family of
layouts such lists come in, and proven on generated ones (``make layouts``):

- ``cells``: a page's words as rows of cells (ruling lines, boxes, merged and wrapped cells,
  gaps, letter-spacing), and the other reading order of a page set in columns;
- ``classify``: what a cell says (a number, a prefecture, a local government, a kind of
  organisation), from data;
- ``vocabulary``: what a source prints (labels, column headers, titles, furniture), from one
  layout CSV format;
- ``structure``: entries under their category, from the sequence of rows, for one reading;
- ``verify``: every reading the layout admits, checked against what the source announces;
  one passes, or the source fails naming file and page.

An extractor is then its source's vocabulary, what the source announces, its content checks,
and how entries become rows (a :class:`ListSpec`); it calls :func:`read_list`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.extract.pdf import iter_pages, open_pdf
from pipeline.extract.reader.cells import Page, read_page
from pipeline.extract.reader.structure import (
    Entry,
    Heading,
    Options,
    Reading,
    Shape,
    under_heading,
)
from pipeline.extract.reader.verify import (
    Expected,
    ListReading,
    ListSpec,
    Verdict,
    choose,
    judge,
    nearest,
    read_readings,
)
from pipeline.extract.reader.vocabulary import Label, Vocabulary, load_vocabulary

__all__ = [
    "Entry", "Expected", "Heading", "Label", "ListReading", "ListSpec", "Options", "Reading",
    "Shape", "Verdict", "Vocabulary", "explain", "format_line", "load_vocabulary", "read_list",
    "readings_of", "under_heading",
]


def format_line(page: int, role: str, text: str) -> str:
    """One printed row with its role: ``p3  heading       【地方公共団体】（112団体）``."""
    return f"{'p' + str(page):<3} {role:<13} {text}"


def _pages(spec: ListSpec, path: Path) -> Iterator[Page]:
    """The pages read, or those ``spec.pages`` picks (it sees the pages without text too)."""
    with open_pdf(spec.source_id, path) as pdf:
        views = iter_pages(spec.source_id, path, pdf, check_text=spec.pages is None)
        pages = (read_page(view) for view in views)
        yield from (pages if spec.pages is None else spec.pages(pages))


def readings_of(spec: ListSpec, path: Path) -> list[Reading]:
    """Every reading of one PDF the layout admits (unchecked)."""
    vocab = spec.shape.vocabulary
    return read_readings(
        _pages(spec, Path(path)), spec.shape,
        lambda row: vocab.is_furniture(row.text, row.in_margin), infer=spec.infer is not None,
    )


def read_list(spec: ListSpec, path: Path) -> ListReading:
    """The entries of one list PDF, from the one reading that matches what the source
    announced and passes its checks; a SourceError naming file and page otherwise."""
    return choose(readings_of(spec, path), spec, Path(path))


def explain(spec: ListSpec, path: Path, pages: list[int] | None = None) -> list[str]:
    """For ``pipeline debug``: the reading kept (or the one that came closest) with the role of
    each printed row of the pages asked for, then why each other reading was refused."""
    verdicts = [judge(r, spec) for r in readings_of(spec, Path(path))]
    passing = [v for v in verdicts if v.ok]
    shown = passing[0] if passing else nearest(verdicts)
    out = [
        f"reading {'kept' if passing else 'closest (refused)'}: {shown.reading.options.describe()}"
        + ("" if shown.ok else f": {shown.error[0]} (page {shown.error[1]})")  # type: ignore[index]
    ]
    for page, role, text in shown.reading.roles:
        if pages is None or page in pages:
            out.append(format_line(page, role, text))
    for v in verdicts:
        if v is shown:
            continue
        why = "passes too" if v.ok else f"{v.error[0]} (page {v.error[1]})"  # type: ignore[index]
        out.append(f"other reading: {v.reading.options.describe()}: {why}")
    return out
