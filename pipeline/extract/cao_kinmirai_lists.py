"""The Cabinet Office's official 近未来技術等社会実装事業 selected-project lists (選定事業一覧).

The programme's index page (https://www.chisou.go.jp/tiiki/kinmirai/index.html, 内閣府地方創生
推進事務局) links its PDFs: calls for proposals, casebooks, and the lists of the projects
selected each year (FY2018: 14, FY2019: 8; later years too). None of them has been seen
(the index page, and a mirror of the CAO survey report that holds one on p.4,
https://vdocuments.site/eoeecce-effff-ieoee-oe.html, were read only as far as their headings).
The fetch stage archives every attached PDF; this
extractor reads each with the shared list reader and the programme's part of it
(``cao_wg6_material``: the same layout family, layout CSV, years and place check), and finds
each year's list by content: a list of selected projects, in a file that names the programme,
that holds exactly what was announced for the year(s) it holds (``pipeline.announced``). Never
by file name, link label or order. A file holding fewer (a casebook's examples) is noted and
not read as the list; a year whose only tables are short is an error naming the file and page,
and a file holding more than announced is the reader's error; a list of a year this dataset
does not cover (FY2020 on) is noted. Rows are official lists: evidence ``official_list``
(given by the sources table from the source's origin and authority).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from pipeline.errors import SourceError
from pipeline.extract import reader, selection_lists
from pipeline.extract.cao_wg6_material import (
    PROGRAM_ANCHOR,
    ListPages,
    ProjectList,
    announced,
    announced_counts,
    no_rows_read,
    project_list,
    year_of,
)
from pipeline.extract.cao_wg6_material import spec_for as deck_spec_for
from pipeline.extract.html import attachment_provenance, read_html_page, starts_like_pdf
from pipeline.extract.reader.verify import choose
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.text import area_key, nfkc_no_whitespace

__all__ = ["extract", "read_index", "spec_for"]

# How a list's own title calls it, which a casebook or a call for proposals does not.
LIST_TITLE = "一覧"


@dataclass
class IndexPage:
    path: Path
    title: str
    pdf_links: list[tuple[str, str]] = field(default_factory=list)  # (label, file name)


def read_index(source_id: str, path: Path) -> IndexPage:
    """Title and PDF links of the programme's index page; an error page is an error."""
    html = read_html_page(source_id, path, "the programme's index page")
    soup, title, text = html.soup, html.title, html.text
    if PROGRAM_ANCHOR not in nfkc_no_whitespace(text):
        raise SourceError(source_id, f"the page does not name 近未来技術等社会実装事業 "
                          f"(title {title!r}): not the programme's index page", path=path)
    page = IndexPage(path, title)
    for a in soup.find_all("a", href=True):
        name = PurePosixPath(unquote(urlparse(str(a["href"])).path)).name
        if name.lower().endswith(".pdf"):
            page.pdf_links.append((re.sub(r"\s+", " ", a.get_text(" ", strip=True)), name))
    return page


def spec_for(source_id: str, path: Path | None = None,
             pages: ListPages | None = None) -> reader.ListSpec:
    """An official list: exactly what was announced for the year(s) it holds, read from every
    page of a file that names the programme."""
    return deck_spec_for(
        source_id, path, pages or ListPages(source_id, Path(path or ""), whole_file=True),
        expected=selection_lists.expectations(announced_counts()),
    )


def survey(readings: list[reader.Reading]) -> reader.Expected:
    """What a file that is not a year's list may hold: part of what was announced for a year (a
    casebook's examples, or a list a row short, which the years' check then names), and any
    number for a later year this dataset does not cover (noted, not read). A year before the
    programme's first selections is a year misread (「H 3 0」 read H3): none is allowed."""
    counts = announced_counts()
    last = max(map(year_of, counts))
    other_years = {e.category for r in readings for e in r.entries
                   if e.category and e.category not in counts and year_of(e.category) > last}
    return reader.Expected(
        "at most the announced, other years any", counts | dict.fromkeys(other_years, sys.maxsize),
        "pipeline.announced", exact=False,
    )


def read_attachment(source_id: str, path: Path) -> ProjectList:
    """The selected projects one attachment lists (maybe none: a call for proposals), from
    the reading that matches what was announced for the years it holds, or else from the one
    that holds part of it; a file holding more than announced, or that cannot be read, fails
    with the reader's error."""
    pages = ListPages(source_id, path, whole_file=True)
    spec = spec_for(source_id, path, pages)
    readings = reader.readings_of(spec, path)
    if no_rows_read(readings):
        return ProjectList(source_id, path, [], {}, pages.notes())
    try:
        chosen = choose(readings, spec, path)
    except SourceError as not_a_whole_list:
        try:
            chosen = choose(readings, replace(spec, expected=(survey(readings),)), path)
        except SourceError:
            raise not_a_whole_list from None
    return project_list(spec, path, chosen, pages.notes())


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The FY2018 and FY2019 lists among the index page's attachments, found by content."""
    files = [Path(f) for f in files]
    if not files:
        raise SourceError(source_id, "no file to extract")
    pdfs = sorted((f for f in files if starts_like_pdf(f)), key=str)
    pages = [f for f in files if f not in pdfs]
    if len(pages) > 1:
        raise SourceError(source_id, f"{len(pages)} index pages archived, expected one: "
                          f"{[str(p) for p in pages]}")
    index = read_index(source_id, pages[0]) if pages else None
    notes: list[str] = [] if index else ["index page not archived: only the PDFs were read"]
    if not pdfs:
        raise SourceError(source_id, "no PDF attachment archived: " + _links_wanted(index),
                          path=index.path if index else None)

    found: list[ProjectList] = []
    scans: list[tuple[str, Path]] = []  # (provenance, file) of files with no text layer
    for pdf in pdfs:
        try:
            found.append(read_attachment(attachment_provenance(source_id, pdf), pdf))
        except SourceError as exc:
            if "text layer" not in exc.detail:
                raise
            notes.append(f"{pdf.name}: {exc.detail}")
            scans.append((attachment_provenance(source_id, pdf), pdf))
    for lst in found:
        notes += lst.notes

    years = sorted({year for lst in found for year in lst.years()})
    chosen: dict[int, ProjectList] = {}
    for year in years:
        expected = announced(year)
        holding = [lst for lst in found if lst.areas_of(year)]
        if expected is None:
            notes += [f"{lst.path.name}: a FY{year} list of {len(lst.areas_of(year))} projects, "
                      "a year this dataset does not cover (pipeline.announced): not read"
                      for lst in holding]
            continue
        complete = [lst for lst in holding if len(lst.areas_of(year)) == expected]
        for lst in holding:
            if lst not in complete:
                notes.append(f"{lst.path.name}: a FY{year} table of {len(lst.areas_of(year))} "
                             f"projects on pages {lst.pages_of(year)}, not the {expected} "
                             "announced: not read as the list (examples or a casebook?)")
        if not complete:
            best = max(holding, key=lambda lst: len(lst.areas_of(year)))
            held = len(best.areas_of(year))
            raise SourceError(
                best.source_id,
                f"no attachment holds the FY{year} list of {expected} announced projects; the "
                f"largest FY{year} table has {held} rows on pages {best.pages_of(year)} "
                f"(short): a row lost or a layout not understood? areas read: "
                f"{best.areas_of(year)}",
                path=best.path, page=best.pages_of(year)[-1],
            )
        keys = {tuple(sorted(area_key(a) for a in lst.areas_of(year))) for lst in complete}
        if len(keys) > 1:
            # a casebook may table all the year's projects too: the file titled as a list
            # (選定事業一覧) is the list, and the other reading is noted
            titled = [lst for lst in complete if LIST_TITLE in lst.title]
            if len(titled) != 1:
                raise SourceError(
                    source_id,
                    f"{len(complete)} files hold different FY{year} lists of {expected}: "
                    f"{[str(lst.path) for lst in complete]}; keep one",
                )
            others = [lst.path.name for lst in complete if lst is not titled[0]]
            notes.append(f"FY{year}: {others} also table {expected} projects, with other area "
                         f"names; read {titled[0].path.name}, titled {LIST_TITLE}")
            complete = titled
        elif len(complete) > 1:
            notes.append(f"FY{year} list found in {len(complete)} files with the same areas; "
                         f"read {complete[0].path.name}")
        chosen[year] = complete[0]

    wanted = sorted(year_of(category) for category in announced_counts())
    missing = [year for year in wanted if year not in chosen]
    if missing and scans:
        scan_id, scan_path = scans[0]
        raise SourceError(
            scan_id,
            f"the FY{missing[0]} list was not found, and this attachment has no text layer (an "
            "image-only scan?): it cannot be read; transcribe the list into raw/manual/ or drop "
            f"a copy with text into raw/{source_id}/",
            path=scan_path, page=1,
        )
    if not chosen:
        raise SourceError(
            source_id,
            f"no selected-project list for FY{'/'.join(map(str, wanted))} among the archived "
            f"files ({[p.name for p in pdfs]}); " + _links_wanted(index),
            path=index.path if index else None,
        )
    notes += [f"the FY{year} list is not among the archived attachments" for year in missing]
    notes += [f"FY{year}: {len(lst.areas_of(year))} projects from {lst.path.name} pages "
              f"{lst.pages_of(year)}" for year, lst in sorted(chosen.items())]
    records = [r for year, lst in sorted(chosen.items()) for r in lst.records({year})]
    return ExtractOutput({"selections": selections_frame(records)}, notes=notes)


def _links_wanted(index: IndexPage | None) -> str:
    if index is None or not index.pdf_links:
        return "the index page (not archived, or linking no PDF) names no attachment to fetch"
    return "the index page links: " + "; ".join(f"{label or name} ({name})"
                                                for label, name in index.pdf_links)
