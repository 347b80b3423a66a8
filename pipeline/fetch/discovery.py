"""Discovery: where to look beyond a source's own URL.

Why it is built this way:

* An HTML source is often a press page whose data sit in the PDFs it links to. Those are
  found on the page we archived, one level deep and on the page's own host only, so
  following them never contacts a host the registry does not name.
* Government sites move and remove files. For a dead link the Internet Archive's raw
  (``id_``) capture nearest to now is the next best thing, and the only other host asked.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

from bs4 import BeautifulSoup

from pipeline.fetch.http import Download, HttpClient
from pipeline.workspace.files import safe_file_name
from pipeline.workspace.manifest import ManifestEntry
from pipeline.workspace.registry import Source, attachment_source_id

_WAYBACK_TS_RE = re.compile(r"/(\d{4,14})id_/")


def attachment_links(html: bytes, base_url: str) -> list[str]:
    """PDF links (``<a href>`` ending in .pdf) on the same host as ``base_url``, in page order."""
    host = urlparse(base_url).hostname
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        url = urldefrag(urljoin(base_url, href))[0]
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or parsed.hostname != host:
            continue
        if parsed.path.lower().endswith(".pdf"):
            found.setdefault(url, None)
    return list(found)


def discover_attachments(
    parent: Source, page: ManifestEntry, raw_dir: Path, registered: set[str]
) -> list[Source]:
    """Same-host PDFs linked from ``page`` (the parent's archived file), as sources of their own.

    Links resolve against the URL the page was finally fetched from when it stayed on the
    parent's host. Ids already registered are left to the registry.
    """
    if not parent.url:
        return []
    path = raw_dir / page.path
    base = parent.url
    if page.origin == "fetched" and page.final_url:
        if urlparse(page.final_url).hostname == parent.host:
            base = page.final_url
    try:
        links = attachment_links(path.read_bytes(), base)
    except OSError:
        return []
    found: dict[str, Source] = {}
    for url in links:
        name = safe_file_name(url, "application/pdf")
        sid = attachment_source_id(parent.source_id, name)
        if sid in found and found[sid].url != url:
            # Two links whose file names make the same id (a-1.pdf, A_1.pdf): keep both.
            sid = f"{sid}_{hashlib.sha256(url.encode()).hexdigest()[:6]}"
        if sid in registered or sid in found:
            continue
        found[sid] = Source(
            source_id=sid,
            kind="remote",
            title=f"Attachment of {parent.source_id}: {name}",
            publisher=parent.publisher,
            media_type="application/pdf",
            url=url,
            parent_source_id=parent.source_id,
            authority=parent.authority,
        )
    return list(found.values())


def wayback_capture(
    client: HttpClient, wayback_base: str, source: Source, folder: Path, name: str
) -> tuple[Download, str | None]:
    """The raw (``id_``) Internet Archive capture of the source URL, nearest to now.

    Returns the download and the capture's timestamp, read from the URL the archive
    redirected to (None when it did not say).
    """
    assert source.url is not None
    url = f"{wayback_base.rstrip('/')}/2id_/{source.url}"
    download = client.download(url, {}, folder, name, source.media_type, source.source_id)
    match = _WAYBACK_TS_RE.search(download.final_url)
    return download, match.group(1) if match else None
