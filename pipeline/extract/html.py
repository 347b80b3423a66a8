"""A saved web page, read the one way every HTML source is read.

Release and index pages come as they were saved: fetched, captured by the Internet Archive or
dropped in by hand, in Shift_JIS, EUC-JP or UTF-8, and sometimes as the site's error page or a
PDF under an .html name. Each is checked here before an extractor looks for its own content, so
every HTML source fails the same way, naming the file, when the file is not the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from pipeline.errors import SourceError
from pipeline.text import nfkc_no_whitespace

# Words of the error pages Japanese government sites and the Internet Archive serve.
ERROR_PAGE_RE = re.compile(
    r"ページが見つかりません|お探しのページ|404\s*Not\s*Found|\bNot Found\b|"
    r"ページは存在しません|ファイルが見つかりません|アクセスできません|Service Unavailable|"
    r"\b50[0-4]\b.*Error|エラーが発生|Wayback Machine has not archived",
    re.IGNORECASE,
)
# A page this short that says so is an error page even when its title does not (characters).
SHORT_PAGE_CHARS = 400
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# Shift_JIS as Japanese sites declare it, read as its superset cp932 (①, ㈱, 髙 …).
_CP932_NAMES = {"shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "ms932"}


@dataclass
class HtmlPage:
    """A page as parsed: scripts and styles removed, with its title, first h1 and text."""

    soup: BeautifulSoup
    title: str
    heading: str
    text: str


def decode_html(data: bytes) -> str:
    """The declared charset (Shift_JIS read as cp932), else UTF-8, cp932 or EUC-JP."""
    match = _CHARSET_RE.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else ""
    candidates = ["cp932" if declared in _CP932_NAMES else declared] if declared else []
    for encoding in [*candidates, "utf-8", "cp932", "euc-jp"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def starts_like_pdf(path: Path) -> bool:
    """Whether the file's first bytes are a PDF header, whatever its name."""
    with path.open("rb") as fh:
        return fh.read(1024).lstrip().startswith(b"%PDF-")


def read_html_page(source_id: str, path: Path, what: str) -> HtmlPage:
    """The page at ``path``; an empty file, a PDF or an error page is a SourceError naming the
    file. ``what`` says which page was expected ("the release"), for the message."""
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(source_id, "empty file (0 bytes): a failed download?", path=path)
    if data.lstrip().startswith(b"%PDF-"):
        raise SourceError(source_id, f"expected {what} (an HTML page), found a PDF", path=path)
    soup = BeautifulSoup(decode_html(data), "html.parser")
    for bad in soup(["script", "style", "noscript"]):
        bad.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    h1 = soup.find("h1")
    heading = h1.get_text(" ", strip=True) if h1 else ""
    text = soup.get_text("\n", strip=True)
    if ERROR_PAGE_RE.search(f"{title}\n{heading}") or (
        len(nfkc_no_whitespace(text)) < SHORT_PAGE_CHARS and ERROR_PAGE_RE.search(text)
    ):
        raise SourceError(
            source_id,
            f"the file is an error page, not {what} (title {title!r}, heading {heading!r}): "
            "the page moved? fetch it again or use an archived copy",
            path=path,
        )
    return HtmlPage(soup, title, heading, text)


def attachment_provenance(source_id: str, path: Path) -> str:
    """The source id a file's rows are credited to: an attachment's own id is its folder's
    name; a copy dropped by hand beside the page credits the page's source."""
    folder = path.parent.name
    return folder if folder and folder != source_id else source_id
