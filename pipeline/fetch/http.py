"""How to ask: one polite, patient HTTP client that turns a URL into a checked temporary file.

It knows hosts, status codes and bodies, not sources or the manifest: the caller says which
hosts may be contacted and where the temporary file goes, and decides what to keep.

Why it is built this way:

* We are guests on government servers: one request at a time per host with a delay between
  requests, an honest User-Agent, retries with exponential backoff (honouring
  ``Retry-After``) only for errors worth retrying.
* Only the hosts the caller allows are contacted. Redirects are followed by hand so that a
  redirect to any other host is refused.
* The machines this is developed on have no network. A host that fails at the connection
  level (DNS, refused, connect timeout) is marked dead for the rest of the run, host names are
  resolved up front in parallel with a time limit, so a fetch with no network fails in
  seconds and the build goes on with what ``raw/`` holds.
* A network that accepts connections but never answers, or a server that sends one byte every
  few seconds, would hold a read timeout off forever (each byte resets it). So each download
  has a total deadline (all its tries and redirects) and the whole run has one: when it comes,
  a watchdog shuts the socket the download waits on, and the download fails with a message
  saying which deadline passed. On a terminal every request and retry is shown as it happens
  (on the status line, pipeline.progress), so a slow fetch is never silent; logs (no terminal,
  or CI) keep only the outcome of each source, which names the deadline that passed.
* A body goes to a hidden temporary file beside the archive and is checked (size, ``%PDF-``,
  HTML) before anyone may rename it into place, so a bad or interrupted download never
  touches an archived copy.
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import ParseResult, urljoin, urlparse

import requests
import urllib3
from requests.adapters import HTTPAdapter
from tqdm import tqdm

from pipeline import __version__, progress

USER_AGENT = (
    f"jp-smartcity-dataset/{__version__} (+https://github.com/jp-smartcity; open-data archivist)"
)
_CHUNK = 64 * 1024
_HEAD_BYTES = 2048
_TAIL_BYTES = 8192
_REDIRECTS = (301, 302, 303, 307, 308)


class HttpSettings(Protocol):
    """The knobs the client reads (``FetchConfig`` has them), so this module needs no config."""

    user_agent: str
    connect_timeout: float
    read_timeout: float
    retries: int
    backoff: float
    per_host_delay: float
    max_bytes: int
    max_retry_after: float
    max_redirects: int
    download_deadline: float
    fetch_deadline: float

    def show_progress(self) -> bool: ...


class RequestFailure(Exception):
    """A request that produced no usable file. ``kind`` tells the caller what it means:

    ``gone`` (404/410) and ``unreachable`` (DNS, refused, connect timeout) say the link or its
    host is dead, so the file may be found elsewhere; ``deadline`` says the download or the
    whole fetch ran out of time (looking elsewhere would cost more of it); ``error`` (bad
    content, size cap, foreign redirect, ...) says looking elsewhere would not help.
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
class Download:
    """The outcome of a good request: a 304, or a 200 whose body waits, checked, in ``tmp``."""

    status: int  # 200 or 304
    final_url: str
    tmp: Path | None = None  # verified temporary file, for a 200
    sha256: str | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None


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


def file_content_problem(path: Path, media_type: str) -> str | None:
    """:func:`content_problem` for a file already on disk, judged on the same head and tail.

    Its length counts as announced: a copy made by hand is not called truncated.
    """
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
        size = path.stat().st_size
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read()
    return content_problem(media_type, head, tail, path.stat().st_size, True)


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


# The connections the current thread's download uses, so that its watchdog can shut them.
_WATCHED = threading.local()


def _watch(connection: object) -> None:
    connections = getattr(_WATCHED, "connections", None)
    if connections is not None:
        connections.append(connection)


class _Watched:
    """A connection whose socket the deadline watchdog can shut (mixed into urllib3's)."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        # http.client drops ``sock`` when a response will close the connection (a body with no
        # length); the response still reads from this socket, so the watchdog keeps it.
        self.watched_sock = self.sock  # type: ignore[attr-defined]

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _watch(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections a download's watchdog can shut (see _deadline)."""

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


def deadline_session() -> requests.Session:
    """A session whose downloads the deadlines can cut short, even mid-read."""
    session = requests.Session()
    adapter = DeadlineAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@contextmanager
def _deadline(seconds: float) -> Iterator[threading.Event]:
    """Shut the sockets this thread opens or reuses once ``seconds`` have passed.

    A blocked read then returns at once (end of stream), whatever the read timeout; the event
    tells the caller that the deadline, not the server, ended the download.
    """
    connections: list[object] = []
    fired = threading.Event()

    def fire() -> None:
        fired.set()
        for connection in list(connections):
            sock = getattr(connection, "watched_sock", None)
            if sock is not None:
                try:  # socket.socket's own shutdown: an SSLSocket's would unwrap it
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass

    timer = threading.Timer(max(0.0, seconds), fire)
    timer.daemon = True
    _WATCHED.connections = connections
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()
        _WATCHED.connections = None


class HttpClient:
    """The HTTP side of one fetch run: host politeness state and the hosts found dead."""

    def __init__(
        self,
        session: requests.Session | None,
        settings: HttpSettings,
        allowed_hosts: set[str],
    ) -> None:
        self.session = session  # None only for an offline run, which never asks
        self.settings = settings
        self.allowed_hosts = allowed_hosts
        self.progress = settings.show_progress()
        # Why a host is unreachable in this run: keyed by host name (DNS) or host:port (connect).
        self.dead: dict[str, str] = {}
        # No answer from anybody yet, and connections to this many hosts failed: the network
        # is down, so stop trying (each try could cost a connect timeout).
        self.answered = False
        self.unreachable_hosts: set[str] = set()
        self.network_down_after = 3
        self.last_request: dict[str, float] = {}
        self.host_locks: dict[str, threading.Lock] = {}
        self.run_deadline = time.monotonic() + settings.fetch_deadline

    def say(self, line: str) -> None:
        """Progress as it happens, on a terminal's status line (nothing in logs)."""
        progress.status(line, shown=self.progress)

    def probe(self, hosts: set[str]) -> None:
        """Resolve the host names about to be asked, all at once, and mark the dead ones."""
        hosts = {h for h in hosts if not _is_ip_literal(h)}
        hosts = {h for h in hosts if not self._proxied(h)}
        if hosts:
            self.dead.update(_resolve_hosts(hosts, self.settings.connect_timeout))

    def _proxied(self, host: str) -> bool:
        """A proxy does the DNS lookup, so a local lookup failure proves nothing."""
        if self.session is not None and self.session.proxies:
            return True
        return bool(requests.utils.get_environ_proxies(f"https://{host}/"))

    def download(
        self,
        url: str,
        headers: dict[str, str],
        folder: Path,
        name: str,
        media_type: str,
        label: str,
    ) -> Download:
        """GET with retries and backoff; raise RequestFailure when no good file came of it.

        The body goes to a hidden temporary file in ``folder`` named after ``name``; ``label``
        names the download in the progress lines. All tries end by the download's deadline
        (``download_deadline`` seconds, and never after the run's ``fetch_deadline``).
        """
        now = time.monotonic()
        if now >= self.run_deadline:
            raise RequestFailure(
                f"not tried: the fetch's {self.settings.fetch_deadline:g}-second deadline "
                "had passed",
                "deadline",
            )
        own = now + self.settings.download_deadline
        deadline = min(own, self.run_deadline)
        which = (
            f"the {self.settings.download_deadline:g}-second download deadline"
            if own <= self.run_deadline
            else f"the fetch's {self.settings.fetch_deadline:g}-second deadline"
        )
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            remaining = deadline - time.monotonic()
            tries = f" (try {attempt + 1} of {attempts})" if attempt else ""
            self.say(f"fetch {label}: GET {url}{tries}")
            with _deadline(remaining) as fired:
                try:
                    got = self._attempt(url, headers, folder, name, media_type, label, remaining)
                    if not fired.is_set():
                        return got
                    # The watchdog shut the socket: a close-delimited body merely looks ended.
                    if got.tmp is not None:
                        got.tmp.unlink(missing_ok=True)
                    raise _Retryable("cut short by the deadline")
                except (_Retryable, RequestFailure, requests.RequestException, OSError) as exc:
                    if fired.is_set() or time.monotonic() >= deadline:
                        message = f"no complete answer by {which} ({url})"
                        self.say(f"fetch {label}: stopped: {message}")
                        raise RequestFailure(message, "deadline") from exc
                    if not isinstance(exc, _Retryable):
                        raise
                    failure = exc
            if attempt == attempts - 1:
                raise RequestFailure(
                    f"{failure.message} (gave up after {attempts} attempts)"
                ) from failure
            delay = self.settings.backoff * 2**attempt
            if failure.retry_after is not None:
                delay = max(delay, min(failure.retry_after, self.settings.max_retry_after))
            if time.monotonic() + delay >= deadline:
                message = (
                    f"{failure.message}; no time left for another try before {which}"
                )
                self.say(f"fetch {label}: {message}")
                raise RequestFailure(message, "deadline") from failure
            self.say(f"fetch {label}: {failure.message}; retrying in {delay:.2f} s")
            time.sleep(delay)
        raise AssertionError("unreachable")

    @contextmanager
    def _polite(self, host: str) -> Iterator[None]:
        """One request at a time per host, and a pause between two requests to it."""
        lock = self.host_locks.setdefault(host, threading.Lock())
        with lock:
            wait = self.last_request.get(host, -1e9) + self.settings.per_host_delay
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
        label: str,
        remaining: float,
    ) -> Download:
        """One try, following at most ``max_redirects`` redirects within allowed hosts."""
        assert self.session is not None
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            parsed = urlparse(current)
            host = parsed.hostname
            if parsed.scheme not in ("http", "https") or not host:
                raise RequestFailure(f"refused to follow a redirect to {current!r}")
            if host not in self.allowed_hosts:
                raise RequestFailure(
                    f"refused a redirect to {host}, a host not named in the sources registry"
                )
            why = self.dead.get(host) or self.dead.get(_endpoint(parsed))
            if why:
                raise RequestFailure(why, "unreachable")
            if not self.answered and len(self.unreachable_hosts) >= self.network_down_after:
                hosts = ", ".join(sorted(self.unreachable_hosts))
                raise RequestFailure(
                    f"not tried: the network seems down (no connection to {hosts})", "unreachable"
                )
            with self._polite(host):
                response = self._get(current, host, headers, remaining)
                try:
                    if response.status_code in _REDIRECTS and response.headers.get("Location"):
                        current = urljoin(current, response.headers["Location"])
                        continue
                    return self._handle(response, current, folder, name, media_type, label)
                finally:
                    response.close()
        raise RequestFailure(f"more than {self.settings.max_redirects} redirects")

    def _get(
        self, url: str, host: str, headers: dict[str, str], remaining: float
    ) -> requests.Response:
        """One request; a host that cannot be reached is marked dead for the rest of the run.

        A DNS failure or a connect timeout marks the host name (another port of a host that
        does not answer will not answer either); a refused connection marks host:port.
        """
        assert self.session is not None
        try:
            response = self.session.get(
                url,
                headers={"User-Agent": self.settings.user_agent, **headers},
                stream=True,
                allow_redirects=False,
                timeout=(
                    min(self.settings.connect_timeout, max(remaining, 0.01)),
                    min(self.settings.read_timeout, max(remaining, 0.01)),
                ),
            )
        except requests.exceptions.SSLError as exc:
            self.answered = True
            raise RequestFailure(f"TLS error ({_short(exc)})") from exc
        except requests.exceptions.ConnectTimeout as exc:
            self.unreachable_hosts.add(host)
            why = self.dead[host] = f"connection to {host} timed out"
            raise RequestFailure(why, "unreachable") from exc
        except requests.ConnectionError as exc:
            failure = _connect_failure(exc)
            if failure == "dns":
                self.unreachable_hosts.add(host)
                why = self.dead[host] = f"DNS lookup of {host} failed"
                raise RequestFailure(why, "unreachable") from exc
            if failure == "connect":
                self.unreachable_hosts.add(host)
                why = f"cannot connect to {host} ({_short(exc)})"
                self.dead[_endpoint(urlparse(url))] = why
                raise RequestFailure(why, "unreachable") from exc
            raise _Retryable(f"connection error ({_short(exc)})") from exc
        except requests.Timeout as exc:
            raise _Retryable("read timed out") from exc
        except requests.RequestException as exc:
            raise RequestFailure(_short(exc)) from exc
        self.answered = True
        return response

    def _handle(
        self,
        response: requests.Response,
        url: str,
        folder: Path,
        name: str,
        media_type: str,
        label: str,
    ) -> Download:
        code = response.status_code
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if code == 304:
            return Download(304, url, etag=etag, last_modified=last_modified)
        if code in (404, 410):
            raise RequestFailure(f"HTTP {code} (link dead)", "gone")
        if code == 429 or code >= 500:
            raise _Retryable(f"HTTP {code}", _retry_after(response.headers.get("Retry-After")))
        if code != 200:
            raise RequestFailure(f"HTTP {code} {response.reason or ''}".rstrip())
        tmp, size, digest = self._save_body(response, folder, name, media_type, label)
        return Download(200, url, tmp, digest, size, etag, last_modified)

    def _save_body(
        self,
        response: requests.Response,
        folder: Path,
        name: str,
        media_type: str,
        label: str,
    ) -> tuple[Path, int, str]:
        """Stream the body into a hidden temporary file beside the archive, then check it."""
        cap = self.settings.max_bytes
        length_header = response.headers.get("Content-Length", "")
        length = int(length_header) if length_header.isdigit() else None
        if length is not None and length > cap:
            raise RequestFailure(f"the file is {length} bytes, over the {cap}-byte cap")
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
                    desc=label,
                    disable=not self.progress,
                    leave=False,
                    file=sys.stderr,
                ) as bar,
            ):
                try:
                    for chunk in response.iter_content(_CHUNK):
                        size += len(chunk)
                        if size > cap:
                            raise RequestFailure(f"the body goes past the {cap}-byte cap")
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
                raise RequestFailure(problem)
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


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _short(exc: BaseException) -> str:
    """The innermost useful words of a requests/urllib3 error, on one line."""
    text = str(exc)
    for marker in ("Connection refused", "Network is unreachable", "No route to host"):
        if marker in text:
            return marker.lower()
    return " ".join(text.split())[:160]
