"""Fetch stage: download every registered source into ``raw/`` and record it in the manifest.

Why it is built this way:

* Government sites move and remove files, so what we once downloaded is precious: a download
  goes to a hidden temporary file in the source's folder, is checked (size, ``%PDF-``, HTML),
  and only then renamed over nothing (``os.replace``). A failed or interrupted fetch never
  replaces, truncates or deletes an archived copy; a changed upstream file is kept *beside*
  the old one.
* We are guests on those servers: one request at a time per host with a delay between
  requests, conditional GET (an unchanged file costs one 304), an honest User-Agent, retries
  with exponential backoff (honouring ``Retry-After``) only for errors worth retrying.
* Only hosts named in the registry (and the Internet Archive, for dead links) are contacted.
  Redirects are followed by hand so that a redirect to any other host is refused.
* The machines this is developed on have no network. A host that fails at the connection
  level (DNS, refused, connect timeout) is marked dead for the rest of the run, host names are
  resolved up front in parallel with a time limit, so a fetch with no network fails in
  seconds and the build goes on with what ``raw/`` holds.
* A file a user put in ``raw/<source_id>/`` by hand is a manual copy: used, recorded, and
  never overwritten.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import ParseResult, urldefrag, urljoin, urlparse

import requests
import urllib3
from bs4 import BeautifulSoup
from tqdm import tqdm

from pipeline import __version__
from pipeline.workspace.files import safe_file_name, sha256_file
from pipeline.workspace.manifest import (
    ManifestEntry,
    read_manifest,
    source_files_on_disk,
    write_manifest,
)
from pipeline.workspace.registry import Source, attachment_source_id

USER_AGENT = (
    f"jp-smartcity-dataset/{__version__} (+https://github.com/jp-smartcity; open-data archivist)"
)
_CHUNK = 64 * 1024
_HEAD_BYTES = 2048
_TAIL_BYTES = 8192
_REDIRECTS = (301, 302, 303, 307, 308)
_WAYBACK_TS_RE = re.compile(r"/(\d{4,14})id_/")


@dataclass
class FetchConfig:
    """How politely and how patiently to fetch. Tests shrink the timeouts and delays."""

    user_agent: str = USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3  # extra attempts after the first, for 429 / 5xx / dropped connections
    backoff: float = 1.0  # seconds; doubled after each failed attempt
    per_host_delay: float = 1.0  # seconds between two requests to the same host
    max_bytes: int = 50 * 1024 * 1024
    wayback_base: str = "https://web.archive.org/web"
    offline: bool = False
    progress: bool | None = None  # None: only when stderr is a terminal and CI is unset
    max_retry_after: float = 60.0  # cap on a server's Retry-After, in seconds
    max_redirects: int = 5

    def show_progress(self) -> bool:
        if self.progress is not None:
            return self.progress
        return sys.stderr.isatty() and not os.environ.get("CI")


@dataclass
class SourceFetchResult:
    """What happened to one source; ``message`` is one line a user can act on."""

    source_id: str
    status: str  # ok | missing | failed
    origin: str | None  # fetched | wayback | manual | bundled | None
    message: str
    changed: bool = False  # a new upstream version was archived beside the old one
    entries: list[ManifestEntry] = field(default_factory=list)


class _Failure(Exception):
    """A request that produced no usable file. ``kind`` decides what happens next:

    ``gone`` (404/410) and ``unreachable`` (DNS, refused, connect timeout) may fall back to
    the Internet Archive; ``error`` (bad content, size cap, foreign redirect, ...) does not.
    """

    def __init__(self, message: str, kind: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class _Retryable(Exception):
    """A transient failure (429, 5xx, read timeout, dropped connection): worth another try."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass
class _Download:
    status: int  # 200 or 304
    final_url: str
    tmp: Path | None = None  # verified temporary file, for a 200
    sha256: str | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None


def fetch_all(
    raw_dir: Path,
    sources: list[Source],
    config: FetchConfig | None = None,
    session: requests.Session | None = None,
) -> list[SourceFetchResult]:
    """Fetch every source into ``raw_dir`` and update ``raw_dir/manifest.json``.

    Manifest entries of sources not in ``sources`` are kept as they are. The manifest is
    rewritten after every source (atomically, and only if it changed), so an interrupted run
    never leaves a downloaded file that the next run would mistake for a manual copy.
    """
    config = config or FetchConfig()
    raw_dir = Path(raw_dir)
    own_session = session is None and not config.offline
    if own_session:
        session = requests.Session()
    try:
        fetcher = _Fetcher(raw_dir, sources, config, session)
        return fetcher.run()
    finally:
        if own_session and session is not None:
            session.close()


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


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(tag in text for tag in (b"<!doctype html", b"<html", b"<head", b"<body", b"<title"))


def _html_title(head: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title", head, re.IGNORECASE | re.DOTALL)
    if not match:
        return ""
    title = match.group(1).decode("utf-8", "replace")
    return " ".join(title.split())[:80]


def content_problem(
    media_type: str, head: bytes, tail: bytes, size: int, sized: bool
) -> str | None:
    """Why a body is not the file we asked for, or None when it looks right.

    ``sized``: the server announced the length (so truncation was already checked).
    """
    if size == 0:
        return "the server sent an empty body"
    if media_type == "application/pdf":
        if head.startswith(b"%PDF-"):
            if not sized and b"%%EOF" not in tail:
                return "the PDF is truncated (no %%EOF at its end)"
            return None
        if _looks_like_html(head):
            title = _html_title(head)
            shown = f" titled {title!r}" if title else ""
            return f"got an HTML page{shown} where a PDF was expected (an error or login page?)"
        return f"not a PDF: it starts with {head[:16]!r}, not %PDF-"
    if media_type == "text/html" and not _looks_like_html(head):
        return f"does not look like an HTML page: it starts with {head[:16]!r}"
    return None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _connect_failure(exc: requests.ConnectionError) -> str | None:
    """``dns`` or ``connect`` when the host is not there (retrying will not help), else None."""
    if isinstance(exc, requests.exceptions.ProxyError):
        return "connect"
    for arg in exc.args:
        reason = getattr(arg, "reason", arg)
        if isinstance(reason, urllib3.exceptions.NameResolutionError | socket.gaierror):
            return "dns"
        if isinstance(reason, urllib3.exceptions.NewConnectionError):
            return "connect"
    return None


def _resolve_hosts(hosts: set[str], timeout: float) -> dict[str, str]:
    """Resolve host names in parallel; return host -> reason for those that do not resolve.

    A resolver that hangs (no network, unreachable DNS server) costs ``timeout`` once for
    all hosts together instead of once per request. Threads are daemons, so a hung lookup
    never delays exit.
    """
    failures: dict[str, str] = {}
    done: set[str] = set()
    lock = threading.Lock()

    def lookup(host: str) -> None:
        try:
            socket.getaddrinfo(host, None)
        except OSError:
            with lock:
                failures[host] = f"DNS lookup of {host} failed"
        with lock:
            done.add(host)

    threads = [threading.Thread(target=lookup, args=(h,), daemon=True) for h in sorted(hosts)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    with lock:
        for host in hosts - done:
            failures.setdefault(host, f"DNS lookup of {host} timed out")
        return dict(failures)


class _Fetcher:
    """One fetch run: the manifest being rewritten, host politeness state, dead hosts."""

    def __init__(
        self,
        raw_dir: Path,
        sources: list[Source],
        config: FetchConfig,
        session: requests.Session | None,
    ) -> None:
        self.raw_dir = raw_dir
        self.sources = sources
        self.config = config
        self.session = session
        self.progress = config.show_progress()
        self.manifest = read_manifest(raw_dir)
        self.wayback_host = urlparse(config.wayback_base).hostname
        self.allowed_hosts = {s.host for s in sources if s.host}
        if self.wayback_host:
            self.allowed_hosts.add(self.wayback_host)
        # Why a host is unreachable in this run: keyed by host name (DNS) or host:port (connect).
        self.dead: dict[str, str] = {}
        # No answer from anybody yet, and connections to this many hosts failed: the network
        # is down, so stop trying (each try could cost a connect timeout).
        self.answered = False
        self.unreachable_hosts: set[str] = set()
        self.network_down_after = 3
        self.last_request: dict[str, float] = {}
        self.host_locks: dict[str, threading.Lock] = {}

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> list[SourceFetchResult]:
        if not self.config.offline:
            self._probe_hosts()
        results: list[SourceFetchResult] = []
        registered = {s.source_id for s in self.sources}
        for source in self.sources:
            result = self._process(source)
            results.append(result)
            if source.follow_attachments and source.media_type == "text/html":
                for attachment in self._attachments(source, result, registered):
                    results.append(self._process(attachment))
        return results

    def _process(self, source: Source) -> SourceFetchResult:
        old = [e for e in self.manifest if e.source_id == source.source_id]
        if source.kind in ("bundled", "transcription"):
            result = self._bundled(source, old)
        else:
            result = self._remote(source, old)
        self.manifest = [e for e in self.manifest if e.source_id != source.source_id]
        self.manifest += result.entries
        write_manifest(self.raw_dir, self.manifest)
        return result

    def _probe_hosts(self) -> None:
        hosts = {s.host for s in self.sources if s.is_remote and s.host}
        hosts |= {self.wayback_host} if self.wayback_host else set()
        hosts = {h for h in hosts if not _is_ip_literal(h)}
        hosts = {h for h in hosts if not self._proxied(h)}
        if hosts:
            self.dead.update(_resolve_hosts(hosts, self.config.connect_timeout))

    def _proxied(self, host: str) -> bool:
        """A proxy does the DNS lookup, so a local lookup failure proves nothing."""
        if self.session is not None and self.session.proxies:
            return True
        return bool(requests.utils.get_environ_proxies(f"https://{host}/"))

    # -- kinds of source ----------------------------------------------------------------------

    def _bundled(self, source: Source, old: list[ManifestEntry]) -> SourceFetchResult:
        origin = "bundled" if source.kind == "bundled" else "manual"
        files = source_files_on_disk(self.raw_dir, source)
        if not files:
            where = f"raw/{source.path}" if source.path else f"raw/{source.source_id}/"
            return SourceFetchResult(
                source.source_id,
                "missing",
                None,
                f"{source.kind} file {where} is missing; restore it from the repository",
            )
        entries = [self._local_entry(source, path, origin, old) for path in files]
        rel = ", ".join(f"raw/{e.path}" for e in entries)
        return SourceFetchResult(
            source.source_id,
            "ok",
            origin,
            f"{source.kind} file {rel} (not downloaded)",
            entries=entries,
        )

    def _local_entry(
        self, source: Source, path: Path, origin: str, old: list[ManifestEntry]
    ) -> ManifestEntry:
        """The entry of a file we did not download; the old entry if the file is the same."""
        rel = path.relative_to(self.raw_dir).as_posix()
        digest = sha256_file(path)
        for entry in old:
            if entry.path == rel and entry.sha256 == digest and entry.origin == origin:
                return entry
        return ManifestEntry(
            source_id=source.source_id,
            path=rel,
            origin=origin,
            sha256=digest,
            bytes=path.stat().st_size,
            media_type=source.media_type,
            url=source.url if origin == "bundled" else None,
            parent_source_id=source.parent_source_id,
        )

    def _manual(
        self, source: Source, files: list[Path], old: list[ManifestEntry]
    ) -> SourceFetchResult:
        manual_paths = {p.relative_to(self.raw_dir).as_posix() for p in files}
        entries = [self._local_entry(source, p, "manual", old) for p in files]
        # Entries of files we fetched earlier stay as they are; the manual copy is added.
        entries += [
            e for e in old if e.path not in manual_paths and (self.raw_dir / e.path).is_file()
        ]
        problems = []
        for path in files:
            head, tail = _head_tail(path)
            problem = content_problem(source.media_type, head, tail, path.stat().st_size, True)
            if problem:
                problems.append(f"raw/{path.relative_to(self.raw_dir).as_posix()}: {problem}")
        names = ", ".join(f"raw/{p}" for p in sorted(manual_paths))
        if problems:
            return SourceFetchResult(
                source.source_id,
                "failed",
                "manual",
                f"manual copy does not look like {source.media_type}: {'; '.join(problems)}; "
                f"replace it with the file from {source.url} in raw/{source.source_id}/",
                entries=entries,
            )
        return SourceFetchResult(
            source.source_id,
            "ok",
            "manual",
            f"using the manual copy {names} (not downloaded; remove it to fetch {source.url})",
            entries=entries,
        )

    def _remote(self, source: Source, old: list[ManifestEntry]) -> SourceFetchResult:
        sid = source.source_id
        by_path = {e.path: e for e in old}
        unrecorded = []
        for path in source_files_on_disk(self.raw_dir, source):
            entry = by_path.get(path.relative_to(self.raw_dir).as_posix())
            if entry is None or entry.origin == "manual" or entry.bytes != path.stat().st_size:
                unrecorded.append(path)
        if unrecorded:
            return self._manual(source, unrecorded, old)

        kept = [e for e in old if (self.raw_dir / e.path).is_file()]
        current = next((e for e in reversed(kept) if e.current), None)
        by_hand = f"download {source.url} by hand and put it in raw/{sid}/"
        if not source.url:
            return SourceFetchResult(sid, "missing", None, f"{sid} has no URL", entries=kept)
        if self.config.offline:
            if current:
                return SourceFetchResult(
                    sid,
                    "ok",
                    current.origin,
                    f"offline: using the archived copy raw/{current.path} "
                    f"(retrieved {current.retrieved_at or 'earlier'})",
                    entries=kept,
                )
            return SourceFetchResult(
                sid, "missing", None, f"offline: not downloaded; {by_hand}", entries=kept
            )

        name = safe_file_name(source.url, source.media_type)
        headers: dict[str, str] = {}
        if current and current.origin == "fetched" and current.url == source.url:
            if current.etag:
                headers["If-None-Match"] = current.etag
            if current.last_modified:
                headers["If-Modified-Since"] = current.last_modified
        folder = self.raw_dir / sid
        origin, wayback_ts = "fetched", None
        try:
            download = self._request(source.url, headers, folder, name, source.media_type, sid)
        except _Failure as failure:
            if current:
                return SourceFetchResult(
                    sid,
                    "ok",
                    current.origin,
                    f"refresh failed ({failure.message}); using the archived copy "
                    f"raw/{current.path} (retrieved {current.retrieved_at or 'earlier'})",
                    entries=kept,
                )
            if failure.kind == "error":
                return SourceFetchResult(
                    sid,
                    "failed",
                    None,
                    f"not downloaded: {failure.message}; {by_hand}",
                    entries=kept,
                )
            try:
                download, wayback_ts = self._wayback(source, folder, name)
                origin = "wayback"
            except _Failure as wayback_failure:
                status = "failed" if wayback_failure.kind == "error" else "missing"
                return SourceFetchResult(
                    sid,
                    status,
                    None,
                    f"not downloaded: {failure.message}; no Internet Archive capture either "
                    f"({wayback_failure.message}); {by_hand}",
                    entries=kept,
                )
        return self._store(source, download, origin, wayback_ts, kept, current, name)

    def _store(
        self,
        source: Source,
        download: _Download,
        origin: str,
        wayback_ts: str | None,
        kept: list[ManifestEntry],
        current: ManifestEntry | None,
        name: str,
    ) -> SourceFetchResult:
        sid = source.source_id
        if download.status == 304:
            if current is None:  # we only send conditional headers when we hold a copy
                return SourceFetchResult(
                    sid,
                    "failed",
                    None,
                    f"{download.final_url}: unexpected HTTP 304 for a file we do not hold; "
                    f"download {source.url} by hand and put it in raw/{sid}/",
                    entries=kept,
                )
            return SourceFetchResult(
                sid,
                "ok",
                current.origin,
                f"unchanged upstream (HTTP 304); archived copy raw/{current.path}",
                entries=kept,
            )
        assert download.tmp is not None and download.sha256 is not None
        same = [e for e in kept if e.sha256 == download.sha256]
        if same:
            download.tmp.unlink(missing_ok=True)
            match = next((e for e in same if e.current), same[-1])
            if match.origin == origin:
                updated = replace(
                    match,
                    etag=download.etag or match.etag,
                    last_modified=download.last_modified or match.last_modified,
                    current=True,
                )
            else:
                updated = self._entry(source, match.path, download, origin, wayback_ts)
            entries = [
                updated if e is match else (replace(e, current=False) if e.current else e)
                for e in kept
            ]
            if match.current:
                message = f"unchanged upstream (same sha256); archived copy raw/{match.path}"
                return SourceFetchResult(sid, "ok", origin, message, entries=entries)
            message = (
                f"upstream file changed back to the copy raw/{match.path} "
                f"(retrieved {match.retrieved_at}); it is current again"
            )
            return SourceFetchResult(sid, "ok", origin, message, changed=True, entries=entries)

        folder = self.raw_dir / sid
        target = folder / name
        if current is not None or target.exists():
            stem, suffix = os.path.splitext(name)
            target = folder / f"{stem}.{download.sha256[:12]}{suffix}"
        try:
            _check_inside(folder, target)
            os.replace(download.tmp, target)
        except (_Failure, OSError) as exc:
            download.tmp.unlink(missing_ok=True)
            if current is not None:
                return SourceFetchResult(
                    sid,
                    "ok",
                    current.origin,
                    f"refresh failed (cannot store the download: {exc}); using the archived "
                    f"copy raw/{current.path}",
                    entries=kept,
                )
            return SourceFetchResult(
                sid, "failed", None, f"cannot store the download: {exc}", entries=kept
            )
        rel = target.relative_to(self.raw_dir).as_posix()
        entry = self._entry(source, rel, download, origin, wayback_ts)
        entries = [replace(e, current=False) if e.current else e for e in kept] + [entry]
        via = f" from the Internet Archive capture {wayback_ts}" if origin == "wayback" else ""
        if current is not None:
            message = (
                f"upstream file changed: new copy raw/{rel} (sha256 {download.sha256[:12]}) "
                f"archived beside the old raw/{current.path} (sha256 {current.sha256[:12]})"
                f"{via}"
            )
            return SourceFetchResult(sid, "ok", origin, message, changed=True, entries=entries)
        message = f"downloaded raw/{rel} ({download.size} bytes){via}"
        return SourceFetchResult(sid, "ok", origin, message, entries=entries)

    def _entry(
        self, source: Source, rel: str, download: _Download, origin: str, wayback_ts: str | None
    ) -> ManifestEntry:
        wayback = origin == "wayback"
        return ManifestEntry(
            source_id=source.source_id,
            path=rel,
            origin=origin,
            sha256=download.sha256 or "",
            bytes=download.size,
            media_type=source.media_type,
            url=source.url,
            final_url=download.final_url,
            http_status=download.status,
            retrieved_at=_utc_now(),
            # An archive's validators say nothing about the original server's file.
            etag=None if wayback else download.etag,
            last_modified=None if wayback else download.last_modified,
            wayback_timestamp=wayback_ts,
            parent_source_id=source.parent_source_id,
            current=True,
        )

    def _wayback(self, source: Source, folder: Path, name: str) -> tuple[_Download, str | None]:
        """The raw (``id_``) Internet Archive capture of the source URL, nearest to now."""
        assert source.url is not None
        url = f"{self.config.wayback_base.rstrip('/')}/2id_/{source.url}"
        download = self._request(url, {}, folder, name, source.media_type, source.source_id)
        match = _WAYBACK_TS_RE.search(download.final_url)
        return download, match.group(1) if match else None

    # -- attachments --------------------------------------------------------------------------

    def _attachments(
        self, parent: Source, result: SourceFetchResult, registered: set[str]
    ) -> list[Source]:
        """Same-host PDFs linked from an HTML source's current file, as sources of their own."""
        page = next((e for e in reversed(result.entries) if e.current), None)
        if page is None or result.status == "failed" or not parent.url:
            return []
        path = self.raw_dir / page.path
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
        result.message += f"; {len(found)} attached PDF(s) found" if found else ""
        return list(found.values())

    # -- HTTP ---------------------------------------------------------------------------------

    def _request(
        self,
        url: str,
        headers: dict[str, str],
        folder: Path,
        name: str,
        media_type: str,
        source_id: str,
    ) -> _Download:
        """GET with retries and backoff; raise _Failure when no good file came of it."""
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            try:
                return self._attempt(url, headers, folder, name, media_type, source_id)
            except _Retryable as exc:
                if attempt == attempts - 1:
                    raise _Failure(f"{exc.message} (gave up after {attempts} attempts)") from exc
                delay = self.config.backoff * 2**attempt
                if exc.retry_after is not None:
                    delay = max(delay, min(exc.retry_after, self.config.max_retry_after))
                time.sleep(delay)
        raise AssertionError("unreachable")

    @contextmanager
    def _polite(self, host: str) -> Iterator[None]:
        """One request at a time per host, and a pause between two requests to it."""
        lock = self.host_locks.setdefault(host, threading.Lock())
        with lock:
            wait = self.last_request.get(host, -1e9) + self.config.per_host_delay
            pause = wait - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                yield
            finally:
                self.last_request[host] = time.monotonic()

    def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        folder: Path,
        name: str,
        media_type: str,
        source_id: str,
    ) -> _Download:
        """One try, following at most ``max_redirects`` redirects within allowed hosts."""
        assert self.session is not None
        current = url
        for _hop in range(self.config.max_redirects + 1):
            parsed = urlparse(current)
            host = parsed.hostname
            if parsed.scheme not in ("http", "https") or not host:
                raise _Failure(f"refused to follow a redirect to {current!r}")
            if host not in self.allowed_hosts:
                raise _Failure(
                    f"refused a redirect to {host}, a host not named in the sources registry"
                )
            why = self.dead.get(host) or self.dead.get(_endpoint(parsed))
            if why:
                raise _Failure(why, "unreachable")
            if not self.answered and len(self.unreachable_hosts) >= self.network_down_after:
                hosts = ", ".join(sorted(self.unreachable_hosts))
                raise _Failure(
                    f"not tried: the network seems down (no connection to {hosts})", "unreachable"
                )
            with self._polite(host):
                response = self._get(current, host, headers)
                try:
                    if response.status_code in _REDIRECTS and response.headers.get("Location"):
                        current = urljoin(current, response.headers["Location"])
                        continue
                    return self._handle(response, current, folder, name, media_type, source_id)
                finally:
                    response.close()
        raise _Failure(f"more than {self.config.max_redirects} redirects")

    def _get(self, url: str, host: str, headers: dict[str, str]) -> requests.Response:
        """One request; a host that cannot be reached is marked dead for the rest of the run.

        A DNS failure or a connect timeout marks the host name (another port of a host that
        does not answer will not answer either); a refused connection marks host:port.
        """
        assert self.session is not None
        try:
            response = self.session.get(
                url,
                headers={"User-Agent": self.config.user_agent, **headers},
                stream=True,
                allow_redirects=False,
                timeout=(self.config.connect_timeout, self.config.read_timeout),
            )
        except requests.exceptions.SSLError as exc:
            self.answered = True
            raise _Failure(f"TLS error ({_short(exc)})") from exc
        except requests.exceptions.ConnectTimeout as exc:
            self.unreachable_hosts.add(host)
            why = self.dead[host] = f"connection to {host} timed out"
            raise _Failure(why, "unreachable") from exc
        except requests.ConnectionError as exc:
            failure = _connect_failure(exc)
            if failure == "dns":
                self.unreachable_hosts.add(host)
                why = self.dead[host] = f"DNS lookup of {host} failed"
                raise _Failure(why, "unreachable") from exc
            if failure == "connect":
                self.unreachable_hosts.add(host)
                why = f"cannot connect to {host} ({_short(exc)})"
                self.dead[_endpoint(urlparse(url))] = why
                raise _Failure(why, "unreachable") from exc
            raise _Retryable(f"connection error ({_short(exc)})") from exc
        except requests.Timeout as exc:
            raise _Retryable("read timed out") from exc
        except requests.RequestException as exc:
            raise _Failure(_short(exc)) from exc
        self.answered = True
        return response

    def _handle(
        self,
        response: requests.Response,
        url: str,
        folder: Path,
        name: str,
        media_type: str,
        source_id: str,
    ) -> _Download:
        code = response.status_code
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if code == 304:
            return _Download(304, url, etag=etag, last_modified=last_modified)
        if code in (404, 410):
            raise _Failure(f"HTTP {code} (link dead)", "gone")
        if code == 429 or code >= 500:
            raise _Retryable(f"HTTP {code}", _retry_after(response.headers.get("Retry-After")))
        if code != 200:
            raise _Failure(f"HTTP {code} {response.reason or ''}".rstrip())
        tmp, size, digest = self._save_body(response, folder, name, media_type, source_id)
        return _Download(200, url, tmp, digest, size, etag, last_modified)

    def _save_body(
        self,
        response: requests.Response,
        folder: Path,
        name: str,
        media_type: str,
        source_id: str,
    ) -> tuple[Path, int, str]:
        """Stream the body into a hidden temporary file beside the archive, then check it."""
        cap = self.config.max_bytes
        length_header = response.headers.get("Content-Length", "")
        length = int(length_header) if length_header.isdigit() else None
        if length is not None and length > cap:
            raise _Failure(f"the file is {length} bytes, over the {cap}-byte cap")
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        created = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        size = 0
        head = b""
        tail = b""
        try:
            with (
                os.fdopen(fd, "wb") as handle,
                tqdm(
                    total=length,
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    desc=source_id,
                    disable=not self.progress,
                    leave=False,
                    file=sys.stderr,
                ) as bar,
            ):
                try:
                    for chunk in response.iter_content(_CHUNK):
                        size += len(chunk)
                        if size > cap:
                            raise _Failure(f"the body goes past the {cap}-byte cap")
                        handle.write(chunk)
                        digest.update(chunk)
                        if len(head) < _HEAD_BYTES:
                            head += chunk[: _HEAD_BYTES - len(head)]
                        tail = (tail + chunk)[-_TAIL_BYTES:]
                        bar.update(len(chunk))
                except (
                    requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError,
                    requests.ConnectionError,
                ) as exc:
                    raise _Retryable(
                        f"connection dropped after {size} bytes ({_short(exc)})"
                    ) from exc
                except requests.Timeout as exc:
                    raise _Retryable(f"read timed out after {size} bytes") from exc
                handle.flush()
                os.fsync(handle.fileno())
            if length is not None and not encoded and size != length:
                raise _Retryable(f"connection dropped: got {size} of {length} bytes")
            length_checked = length is not None and not encoded
            problem = content_problem(media_type, head, tail, size, length_checked)
            if problem:
                raise _Failure(problem)
        except BaseException:
            tmp.unlink(missing_ok=True)
            if created:
                _remove_if_empty(folder)
            raise
        return tmp, size, digest.hexdigest()


def _endpoint(parsed: ParseResult) -> str:
    """``host:port`` of a URL, with the scheme's default port: what a refused connect names."""
    return f"{parsed.hostname}:{parsed.port or (443 if parsed.scheme == 'https' else 80)}"


def _is_ip_literal(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True


def _check_inside(folder: Path, target: Path) -> None:
    """Defence in depth: a derived file name must name a file directly inside ``folder``."""
    if target.resolve().parent != folder.resolve():
        raise _Failure(f"refused to write {target}: outside {folder}")


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _head_tail(path: Path) -> tuple[bytes, bytes]:
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
        size = path.stat().st_size
        handle.seek(max(0, size - _TAIL_BYTES))
        return head, handle.read()


def _short(exc: BaseException) -> str:
    """The innermost useful words of a requests/urllib3 error, on one line."""
    text = str(exc)
    for marker in ("Connection refused", "Network is unreachable", "No route to host"):
        if marker in text:
            return marker.lower()
    return " ".join(text.split())[:160]
