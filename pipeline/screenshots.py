"""Regenerate the README's screenshots (``make screenshots``): a fresh offline build in a
temporary folder, served as ``make serve`` serves it, captured in headless Chromium.

The build is made from the committed ``raw/`` alone (the files git tracks, copied into the
temporary folder), never from the user's ``raw/`` downloads nor into their ``processed/``, so
the pictures show what a fresh clone shows. Chromium is driven over its DevTools pipe
(``--remote-debugging-pipe``: no extra package, no port): each page is loaded, its fonts
awaited, and the text it must show checked in the DOM at the moment of capture, so that a
picture of an error page or of the wrong page is never written. The README paragraph between
the ``screenshots`` markers is rewritten to say which build the pictures show (version, date,
commit, row counts and what is missing, read from that build).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import fcntl
import io
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError

REPO = Path(__file__).resolve().parent.parent
IMG_DIR = REPO / "docs" / "img"
README = REPO / "README.md"
BEGIN = "<!-- screenshots: begin (written by make screenshots) -->"
END = "<!-- screenshots: end -->"
DATABASE = "smartcity"

# As the browser tests run it: headless, no sandbox (containers), nothing fetched on its own.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars")
STARTUP_SECONDS = 60
STEP_SECONDS = 60


class ScreenshotError(PipelineError):
    """A screenshot could not be taken as asked (no browser, a page that is not the one)."""


@dataclass(frozen=True)
class Shot:
    """One picture: the page, the text it must show, and the part of it to keep.

    ``start`` names an element (CSS selector, and text it shows) whose top is the picture's
    top; without it the picture starts at the top of the page. ``height`` None: the whole page.
    """

    file_name: str
    path: str
    must_show: str
    width: int
    height: int | None
    start: tuple[str, str] | None = None


SHOTS: tuple[Shot, ...] = (
    Shot("front-page.png", "/", "Files read for this build", 1200, None),
    Shot("table-page.png", f"/{DATABASE}/selections?program_id=smart_mobility_challenge_2019",
         "rows where program_id", 1400, 1120, start=("h3", "rows where")),
)


@dataclass(frozen=True)
class Capture:
    """A picture taken: where it went, and what the page said when it was taken."""

    path: Path
    title: str
    checked: str


# ---------------------------------------------------------------------------------------------
# Chromium over its DevTools pipe


class Browser:
    """Headless Chromium, driven with DevTools commands over fds 3 (in) and 4 (out)."""

    def __init__(self, binary: str, profile: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # Above 2 and 4, so that placing them at 3 and 4 in the child never overwrites one.
        high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD_CLOEXEC, 10)
        high_write = fcntl.fcntl(replies_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(commands_read)
        os.close(replies_write)

        def wire() -> None:  # in the child, before exec: Chromium reads 3, writes 4
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire, start_new_session=True,
        )
        os.close(high_read)
        os.close(high_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []

    def _message(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise ScreenshotError(f"Chromium did not answer within {timeout:.0f} s")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise ScreenshotError("Chromium closed its DevTools pipe (did it start?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """One DevTools command; its result (events that come meanwhile are kept)."""
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            reply = self._message(STEP_SECONDS)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ScreenshotError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self._events.append(reply)

    def drop_events(self) -> None:
        """Forget the events seen so far (those of an earlier page)."""
        self._events.clear()

    def wait_for(self, event: str, session: str) -> None:
        deadline = time.monotonic() + STEP_SECONDS
        while True:
            for i, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == session:
                    del self._events[: i + 1]
                    return
            self._events.clear()
            self._events.append(self._message(max(deadline - time.monotonic(), 0.1)))

    def evaluate(self, expression: str, session: str) -> object:
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True}, session)
        if "exceptionDetails" in result:
            raise ScreenshotError(f"script failed in the page: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(ScreenshotError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for fd in (self._commands, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise ScreenshotError("chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        browser = Browser(binary, Path(profile))
        try:
            yield browser
        finally:
            browser.close()


def take(browser: Browser, base_url: str, shot: Shot, out_dir: Path) -> Capture:
    """Load the page, check it shows ``shot.must_show``, and write the picture."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget",
                           {"targetId": target, "flatten": True})["sessionId"]
    try:
        browser.send("Page.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": shot.width, "height": shot.height or 900, "deviceScaleFactor": 1,
                      "mobile": False}, session)
        browser.drop_events()
        loaded = browser.send("Page.navigate", {"url": base_url + shot.path}, session)
        if loaded.get("errorText"):
            raise ScreenshotError(f"{base_url}{shot.path}: {loaded['errorText']}")
        browser.wait_for("Page.loadEventFired", session)
        browser.evaluate("document.fonts.ready.then(() => true)", session)
        page = browser.evaluate(
            "JSON.stringify({title: document.title, text: document.body.innerText,"
            " height: document.documentElement.scrollHeight, top: "
            f"(() => {{ const want = {json.dumps(shot.start)}; if (!want) return 0;"
            " const el = [...document.querySelectorAll(want[0])]"
            ".find(e => e.innerText.includes(want[1]));"
            " return el ? el.getBoundingClientRect().top + window.scrollY : null; })()})",
            session,
        )
        state = json.loads(str(page))
        if shot.must_show not in state["text"]:
            raise ScreenshotError(f"{base_url}{shot.path} does not show {shot.must_show!r} "
                                  f"(page title {state['title']!r}): no picture written")
        if state["top"] is None:
            raise ScreenshotError(f"{base_url}{shot.path}: no {shot.start} to start from")
        top = max(int(state["top"]) - 12, 0)
        height = shot.height or int(state["height"])
        image = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": top, "width": shot.width, "height": height, "scale": 1},
        }, session)
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / shot.file_name
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(_small_png(base64.b64decode(image["data"])))
    temporary.replace(path)
    return Capture(path, state["title"], shot.must_show)


def _small_png(data: bytes) -> bytes:
    """The picture in 16 colours (a page of text, links and rules needs no more; the front
    page, whole, lists every source: 64 colours took it past the README's 300 KB a picture):
    a fraction of the bytes in the repository, and the same pixels give the same file."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        palette = image.convert("RGB").quantize(
            colors=16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The build and its server


def committed_raw(into: Path) -> Path:
    """The files git tracks under raw/, copied into ``into``: what a fresh clone holds."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", "raw"], cwd=REPO, check=True,
                                capture_output=True).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ScreenshotError("the committed raw/ is read with git: run this in a checkout, "
                              "or pass --raw-dir") from exc
    names = [name for name in listed.split("\0") if name]
    if not names:
        raise ScreenshotError("git lists no file under raw/")
    for name in names:
        target = into / Path(name).relative_to("raw")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, target)
    return into


def _pipeline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO,
                          capture_output=True, text=True)


def build(raw_dir: Path, out_dir: Path) -> None:
    """``pipeline build --offline`` into ``out_dir``; a failed build stops here, loudly."""
    done = _pipeline("build", "--offline", "--raw-dir", str(raw_dir), "--out-dir", str(out_dir))
    if done.returncode != 0:
        raise ScreenshotError(f"the build failed (exit {done.returncode}):\n"
                              f"{done.stdout}{done.stderr}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served(out_dir: Path) -> Iterator[str]:
    """``pipeline serve`` on a free loopback port, stopped as Ctrl-C stops it."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--out-dir", str(out_dir), "--port",
         str(port)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ScreenshotError("the server did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ---------------------------------------------------------------------------------------------
# What the pictures show, said in the README


def build_facts(out_dir: Path) -> dict[str, object]:
    """Version, row counts and what is missing, read from the build itself."""
    import pyarrow.parquet as pq

    package = json.loads((out_dir / "datapackage.json").read_text(encoding="utf-8"))
    tables = sorted((out_dir / "parquet").glob("*.parquet"))
    return {
        "version": package.get("version", ""),
        "complete": bool(package.get("complete")),
        "rows": sum(pq.ParquetFile(path).metadata.num_rows for path in tables),
        "tables": len(tables),
        "missing": len(package.get("missing_sources") or []),
        "failed": len(package.get("failed_sources") or []),
        "selections": package.get("announced_selections_held") or {},
        "members": package.get("announced_members_held") or {},
    }


def _commit() -> str:
    """The checkout's commit, and whether the code or committed data the build reads differ
    from it ('' outside a git checkout)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, check=True,
                                capture_output=True, text=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "schemas",
                                  "raw"], cwd=REPO, check=True, capture_output=True,
                                 text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"{commit} with local changes" if changed else commit


def caption(facts: dict[str, object], raw_label: str, day: datetime.date, commit: str) -> str:
    """The README's sentence on which build the screenshots show."""
    held = []
    for key, noun in (("selections", "announced selections"),
                      ("members", "announced platform members")):
        figure = facts[key]
        if isinstance(figure, dict) and figure.get("announced"):
            held.append(f"{figure.get('held', 0)} of {figure['announced']} {noun}")
    state = "complete" if facts["complete"] else (
        f"incomplete: {facts['missing']} sources missing"
        + (f", {facts['failed']} failed" if facts["failed"] else "")
    )
    return textwrap.fill(
        f"(Screenshots of version {facts['version']}, built offline on {day.isoformat()} from "
        f"{raw_label}{f' at commit {commit}' if commit else ''}: {facts['rows']:,} rows in "
        f"{facts['tables']} tables, {state}"
        + (f"; {' and '.join(held)} held" if held else "")
        + ". Taken by `make screenshots` from the running server in headless Chromium; the "
        "table page is cropped to its facets and first rows.)",
        width=100, break_long_words=False, break_on_hyphens=False,
    )


def rewrite_readme(readme: Path, text: str) -> None:
    """Put ``text`` between the screenshot markers of ``readme``."""
    content = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(content):
        raise ScreenshotError(f"{readme} has no {BEGIN} … {END} markers")
    readme.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}\n{END}", content),
                      encoding="utf-8")


def make_screenshots(raw_dir: Path | None, img_dir: Path, readme: Path | None) -> list[Capture]:
    """Build offline into a temporary folder, serve it, capture every shot, say which build."""
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder:
        work = Path(folder)
        raw = raw_dir if raw_dir is not None else committed_raw(work / "raw")
        out = work / "processed"
        print(f"screenshots: building offline from {raw} into {out}", flush=True)
        build(raw, out)
        facts = build_facts(out)
        with served(out) as base, chromium() as browser:
            captures = [take(browser, base, shot, img_dir) for shot in SHOTS]
    for capture in captures:
        print(f"screenshots: {capture.path} (page title {capture.title!r}; showed "
              f"{capture.checked!r} when taken)")
    if readme is not None:
        label = "the committed `raw/` alone" if raw_dir is None else f"`{raw_dir}`"
        rewrite_readme(readme, caption(facts, label, datetime.date.today(), _commit()))
        print(f"screenshots: {readme} says which build they show")
    return captures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.screenshots",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", type=Path, default=None,
                        help="build from this raw folder (default: the committed raw/ alone)")
    parser.add_argument("--img-dir", type=Path, default=IMG_DIR, help="where the PNGs go")
    parser.add_argument("--readme", type=Path, default=README,
                        help="the README whose screenshot paragraph is rewritten")
    parser.add_argument("--no-readme", action="store_true", help="leave the README alone")
    args = parser.parse_args(argv)
    try:
        make_screenshots(args.raw_dir, args.img_dir, None if args.no_readme else args.readme)
    except PipelineError as exc:
        print(f"screenshots: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
