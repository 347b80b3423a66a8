"""The Cabinet Office's official 近未来技術等社会実装事業 selected-project lists (選定事業一覧).

The programme's index page (https://www.chisou.go.jp/tiiki/kinmirai/index.html, 内閣府地方創生
推進事務局) links its PDFs: calls for proposals, casebooks, and the lists of the projects
selected each year (FY2018: 14, FY2019: 8; later years too). None of them has been seen
(the index page, and a mirror of the CAO survey report that holds one on p.4,
https://vdocuments.site/eoeecce-effff-ieoee-oe.html, were read only as far as their headings).
The fetch stage archives every attached PDF; this extractor reads them all with the CAO
project-table reader (``cao_wg6_material.read_projects``, the same layout family and layout
CSV) and finds each year's list by content: a table of
selected projects, in a file that names the programme, whose rows for an announced year are
exactly as many as were announced (``pipeline.announced``). Never by file name, link label or
order. A partial table (a casebook's examples) is noted and not read as the list; a year whose
only tables are short or long is an error naming the file and page; a list of a year this
dataset does not cover (FY2020 on) is noted. Rows are official lists: evidence
``official_list`` (given by the sources table from the source's origin and authority).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from pipeline.announced import ANNOUNCED_COUNTS
from pipeline.errors import SourceError
from pipeline.extract.cao_wg6_material import (
    PROGRAM_ANCHOR,
    PROGRAM_ID,
    TRACK,
    ProjectList,
    announced,
    check_claims,
    debug_lines,
    debug_marks,
    read_projects,
    tables_in_programme_file,
)
from pipeline.extract.html import attachment_provenance, read_html_page, starts_like_pdf
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.text import area_key, nfkc_no_whitespace

__all__ = ["debug_lines", "debug_marks", "extract", "read_index"]



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


def _first_page(lst: ProjectList) -> str:
    """The text of the page the file's first table is on, without spaces."""
    page = lst.tables[0].page if lst.tables else min(lst.scan.page_lines, default=1)
    return nfkc_no_whitespace(lst.scan.text(page))


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
            found.append(read_projects(attachment_provenance(source_id, pdf), pdf,
                                       keep=tables_in_programme_file))
        except SourceError as exc:
            if "text layer" not in exc.detail:
                raise
            notes.append(f"{pdf.name}: {exc.detail}")
            scans.append((attachment_provenance(source_id, pdf), pdf))
    for lst in found:
        notes += [n for n in lst.notes if "no table of selected projects" not in n]

    years = sorted({r["fiscal_year"] for lst in found for r in lst.records})
    chosen: dict[int, ProjectList] = {}
    for year in years:
        expected = announced(year)
        holding = [lst for lst in found if lst.areas_of(year)]
        if expected is None:
            notes += [f"{lst.path.name}: a FY{year} list of {len(lst.areas_of(year))} projects, "
                      "a year this dataset does not cover (pipeline.announced): not read"
                      for lst in holding]
            continue
        for lst in holding:
            check_claims(lst, year)
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
                f"({'short' if held < expected else 'long'}): a row lost or a layout not "
                f"understood? areas read: {best.areas_of(year)}",
                path=best.path, page=best.pages_of(year)[-1],
            )
        keys = {tuple(sorted(area_key(a) for a in lst.areas_of(year))) for lst in complete}
        if len(keys) > 1:
            # a casebook may table all the year's projects too: the file titled as a list
            # (選定事業一覧) is the list, and the other reading is noted
            titled = [lst for lst in complete if LIST_TITLE in _first_page(lst)]
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

    wanted = [a.fiscal_year for a in ANNOUNCED_COUNTS
              if (a.program_id, a.track) == (PROGRAM_ID, TRACK)]
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
    records = [r for year, lst in sorted(chosen.items()) for r in lst.records
               if r["fiscal_year"] == year]
    return ExtractOutput({"selections": selections_frame(records)}, notes=notes)


def _links_wanted(index: IndexPage | None) -> str:
    if index is None or not index.pdf_links:
        return "the index page (not archived, or linking no PDF) names no attachment to fetch"
    return "the index page links: " + "; ".join(f"{label or name} ({name})"
                                                for label, name in index.pdf_links)
