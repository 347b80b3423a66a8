"""METI press release of 2019-06-18 (Smart Mobility Challenge) and its attached PDFs.

The release page itself holds no list: it gives the announcement date and links the
attachments (別紙1: METI's パイロット地域, presumably 別紙2: MLIT's 先行モデル事業, 参考: unknown).
The extract stage passes the page and every attachment file together. An attachment archived
under ``raw/<attachment id>/`` keeps that id as its provenance; a PDF dropped by hand next to
the page in ``raw/meti_smc_release/`` is credited to the release itself. Which PDF holds which
list is read from its content (``smc_lists``), never from its file name or link label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import pandas as pd
from bs4 import BeautifulSoup

from pipeline.announced import SMC_ANNOUNCED_ON
from pipeline.errors import SourceError
from pipeline.extract import reader
from pipeline.extract.html import attachment_provenance, read_html_page, starts_like_pdf
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.extract.smc_lists import (
    LIST_NAMES,
    METI_PILOT,
    MLIT_MODEL,
    TRACKS,
    NoList,
    SmcList,
    check_both,
    check_same_versions,
    image_only,
    no_list_error,
    read_smc_lists,
    smc_frame,
    spec,
)
from pipeline.text import iso_dates, nfkc_no_whitespace
from pipeline.workspace.registry import attachment_source_id

__all__ = ["extract", "read_release", "spec_for"]

# The publisher's site. The registry holds the release URL (discovered in the root document);
# this is only the fallback for telling the release's own attachments from links elsewhere
# when the saved page does not name its own address (canonical link, og:url or <base>).
RELEASE_SITE = "www.meti.go.jp"
RELEASE_ANCHOR = "スマートモビリティチャレンジ"

# An Internet Archive capture rewrites links to /web/<timestamp>/<original URL>.
_WAYBACK_RE = re.compile(r"^(?:https?://web\.archive\.org)?/web/[0-9a-z_]+/(?P<url>https?://.+)$")


@dataclass
class Attachment:
    label: str
    href: str
    source_id: str


@dataclass
class Release:
    path: Path
    title: str
    announced_on: str | None
    attachments: list[Attachment] = field(default_factory=list)
    ignored_links: list[str] = field(default_factory=list)


def _dates(text: str) -> list[str]:
    """Every date in the text, in order (ISO); a two-digit year needs an era (令和/平成)."""
    return iso_dates(text)


def _parse_date(text: str) -> str | None:
    dates = _dates(text)
    return dates[0] if dates else None


def _own_hosts(soup: BeautifulSoup) -> set[str]:
    hosts = {RELEASE_SITE}
    for tag, attr in (
        (soup.find("link", rel="canonical"), "href"),
        (soup.find("meta", attrs={"property": "og:url"}), "content"),
        (soup.find("base"), "href"),
    ):
        if tag is not None and tag.get(attr):
            host = urlparse(str(tag.get(attr))).hostname
            if host:
                hosts.add(host)
    return hosts


def read_release(source_id: str, path: Path) -> Release:
    """Title, date and attachment links of the release page; an error page is an error."""
    html = read_html_page(source_id, path, "the release")
    soup, title, heading, text = html.soup, html.title, html.heading, html.text
    if nfkc_no_whitespace(RELEASE_ANCHOR) not in nfkc_no_whitespace(text):
        raise SourceError(
            source_id,
            f"the page does not mention {RELEASE_ANCHOR}: not the Smart Mobility Challenge "
            f"release (title {title!r})",
            path=path,
        )
    dated = None
    for candidate in (
        soup.find(class_=re.compile("date", re.I)),
        soup.find(id=re.compile("date", re.I)),
        soup.find("time"),
    ):
        if candidate is not None:
            dated = _parse_date(candidate.get_text(" ", strip=True))
            if dated:
                break
    if SMC_ANNOUNCED_ON in _dates(text):
        dated = SMC_ANNOUNCED_ON  # other dates on the page (menus, "updated") do not matter
    dated = dated or _parse_date(text)

    release = Release(path, title or heading, dated)
    hosts = _own_hosts(soup)
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        wayback = _WAYBACK_RE.match(href)
        url = urlparse(wayback.group("url") if wayback else href)
        if not PurePosixPath(unquote(url.path)).suffix.lower() == ".pdf":
            continue
        if url.scheme and url.scheme not in ("http", "https") or (
            url.hostname and url.hostname not in hosts
        ):
            release.ignored_links.append(href)
            continue
        name = PurePosixPath(unquote(url.path)).name
        if name in seen:
            continue
        seen.add(name)
        label = re.sub(r"\s+", " ", a.get_text(" ", strip=True))
        release.attachments.append(Attachment(label, href, attachment_source_id(source_id, name)))
    return release


def _is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    return starts_like_pdf(path)


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """Both lists from the release's attachments, dated by the release page."""
    files = [Path(f) for f in files]
    if not files:
        raise SourceError(source_id, "no file to extract")
    pdfs = sorted((f for f in files if _is_pdf(f)), key=lambda p: (p.parent.name == source_id,
                                                                     str(p)))
    pages = [f for f in files if f not in pdfs]
    if len(pages) > 1:
        raise SourceError(
            source_id, f"{len(pages)} release pages archived, expected one: "
            f"{[str(p) for p in pages]}",
        )
    notes: list[str] = []
    release = read_release(source_id, pages[0]) if pages else None
    announced_on = SMC_ANNOUNCED_ON
    if release is None:
        notes.append("release page not archived: announcement date taken from "
                     "pipeline.announced.SMC_ANNOUNCED_ON")
    elif release.announced_on is None:
        notes.append("release page has no date: date taken from pipeline.announced")
    elif release.announced_on != SMC_ANNOUNCED_ON:
        raise SourceError(
            source_id,
            f"the page is dated {release.announced_on}, the release was announced on "
            f"{SMC_ANNOUNCED_ON}: a different or updated release?",
            path=release.path,
        )
    else:
        announced_on = release.announced_on

    lists: dict[str, list[SmcList]] = {}
    not_lists: list[NoList] = []
    scans: list[SourceError] = []
    for pdf in pdfs:
        provenance = attachment_provenance(source_id, pdf)
        try:
            found = read_smc_lists(provenance, pdf)
        except SourceError as err:
            if not image_only(provenance, pdf):
                raise
            scans.append(err)
            continue
        if isinstance(found, NoList):
            not_lists.append(found)
            notes.append(f"{pdf.name}: no selection list (e.g. the 参考 attachment)")
            continue
        for lst in found:
            lists.setdefault(lst.track, []).append(lst)

    frames: dict[str, pd.DataFrame] = {}
    chosen: dict[str, SmcList] = {}
    for track, held in lists.items():
        versions = [smc_frame(lst, announced_on) for lst in held]
        check_same_versions(source_id, held, versions)
        if len(held) > 1:
            notes.append(f"{LIST_NAMES[track]} found in {len(held)} identical files; "
                         f"read {held[0].path}")
        frames[track], chosen[track] = versions[0], held[0]

    for track in TRACKS:
        if track in frames:
            continue
        if scans:  # a list printed as an image: the scan is the file to name, not the next one
            scan = scans[0]
            raise SourceError(
                scan.source_id,
                f"the {LIST_NAMES[track]} was not found, and this attachment has no text layer "
                f"(an image-only scan?: {scan.detail}): it cannot be read; transcribe the list "
                "into raw/manual/ or drop a copy with text into raw/meti_smc_release/",
                path=scan.path, page=scan.page,
            )
        for no_list in not_lists:
            # a PDF whose titles name only this list (not an overview naming both) should
            # have held it: the reader's refusal names what it found there
            if no_list.titles == {track}:
                raise no_list_error(no_list, track)
    if not frames:
        raise SourceError(source_id, _missing_message(source_id, release, pdfs),
                          path=release.path if release else None)
    if len(frames) == 2:
        both = pd.concat([frames[METI_PILOT], frames[MLIT_MODEL]], ignore_index=True)
        check_both(chosen[METI_PILOT], chosen[MLIT_MODEL], both)
    else:
        (have,) = frames
        missing = MLIT_MODEL if have == METI_PILOT else METI_PILOT
        notes.append(f"{LIST_NAMES[missing]} not among the archived files")
    frame = selections_frame(
        [r for t in TRACKS if t in frames
         for r in frames[t].to_dict("records")]
    )
    if release is not None and release.ignored_links:
        notes.append(f"links to other sites ignored: {release.ignored_links}")
    return ExtractOutput({"selections": frame}, notes=notes)


def _missing_message(source_id: str, release: Release | None, pdfs: list[Path]) -> str:
    if release is not None and release.attachments:
        wanted = "; ".join(
            f"{a.label or a.href} -> raw/{a.source_id}/" for a in release.attachments
        )
        return (
            f"no selection list among the archived files ({[p.name for p in pdfs]}); the "
            f"release links these attachments: {wanted}"
        )
    return (
        f"no selection list among the archived files ({[p.name for p in pdfs]}) and the "
        "release page links no PDF attachment"
    )


def spec_for(source_id: str, path: Path | None = None) -> reader.ListSpec:
    """The spec ``pipeline debug`` explains an attachment with (either list, by its title)."""
    return spec(source_id)
