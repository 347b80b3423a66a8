"""A fault-injecting HTTP server on 127.0.0.1 for the fetch tests.

Each path has a script of replies, used in order (the last one repeats), so a test can say
"500 then 200" or "429 with Retry-After then 200". Faults: status codes, extra headers,
a delay before answering (read timeout), a body cut short after a larger Content-Length
(connection dropped), a close-delimited body with no length (endless body), redirects, and a
304 when the request's If-None-Match matches, and a trickle (one byte at a time, a pause between
bytes, which resets a read timeout at every byte). ``SilentServer`` accepts connections and
never answers (a network that swallows requests). Every request is recorded so tests can count
hits and read the headers the client sent. Unknown paths answer 404.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

SYNTHETIC = b"SYNTHETIC TEST FIXTURE - not an official document"


def tiny_pdf(label: str = "v1") -> bytes:
    """A minimal PDF-shaped body (enough for fetch checks), labelled synthetic in its Info."""
    info = b"(" + SYNTHETIC + b") /Subject (" + SYNTHETIC + b" " + label.encode() + b")"
    return (
        b"%PDF-1.4\n%" + SYNTHETIC + b"\n1 0 obj\n<< /Title " + info + b" >>\nendobj\n"
        b"trailer\n<< /Info 1 0 R >>\n%%EOF\n"
    )


def html_page(body: str, title: str = "synthetic page") -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>"
        f"<p>{SYNTHETIC.decode()}</p>{body}</body></html>"
    ).encode()


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before the status line (read timeout)
    truncate_to: int | None = None  # announce len(body), send only this many bytes, close
    close_delimited: bool = False  # no Content-Length: send body, then close (endless body)
    etag: str | None = None  # sent as ETag; a matching If-None-Match gets a 304
    trickle: float = 0.0  # seconds between two bytes of the body (a read timeout never fires)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


class FaultServer:
    """``with FaultServer() as server: server.route('/a.pdf', Reply(500), Reply(200, ...))``."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.routes[unquote(path)] = list(replies)

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if unquote(h.path) == unquote(path)]

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_reply(self, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.hits.append(Hit(path, headers, time.monotonic()))
            # Clients may re-encode escapes (%2f -> %2F): match on the decoded path.
            script = self.routes.get(unquote(path))
            if not script:
                return Reply(404, b"not found")
            return script.pop(0) if len(script) > 1 else script[0]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # keep test output quiet

            def handle(self) -> None:
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client closed a kept-alive connection (size cap, timeout)

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                reply = server._next_reply(self.path, dict(self.headers.items()))
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeouts, size cap): expected in these tests

            def _send(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.etag and self.headers.get("If-None-Match") == reply.etag:
                    self.send_response(304)
                    self.send_header("ETag", reply.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.etag:
                    self.send_header("ETag", reply.etag)
                step = 1 if reply.trickle else 4096
                if reply.close_delimited:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    self._write(reply.body, step, reply.trickle)
                    return
                self.send_header("Content-Length", str(len(reply.body)))
                if reply.truncate_to is not None:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(reply.body[: reply.truncate_to])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.end_headers()
                self._write(reply.body, step, reply.trickle)

            def _write(self, body: bytes, step: int, pause: float) -> None:
                for start in range(0, len(body), step):
                    self.wfile.write(body[start : start + step])
                    if pause:
                        self.wfile.flush()
                        time.sleep(pause)

        return Handler


class SilentServer:
    """A listening socket on 127.0.0.1 that never accepts: the kernel completes each connection
    (up to the backlog) and the request is never read nor answered."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> SilentServer:
        self._socket.listen(256)
        return self

    def __exit__(self, *exc: object) -> None:
        self._socket.close()
