"""Fetch stage against a real, fault-injecting HTTP server on 127.0.0.1 (tests/fetch_server.py).

No test reaches beyond loopback: sources point at the local server, the Internet Archive is a
second local server, and the no-network test makes every other host name fail to resolve.
Each fault checks the outcome, the manifest entry, and that an archived copy is untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from requests.adapters import HTTPAdapter

from pipeline import __version__
from pipeline.fetch import (
    FetchConfig,
    SourceFetchResult,
    attachment_links,
    fetch_all,
)
from pipeline.workspace.files import safe_file_name
from pipeline.workspace.manifest import MANIFEST_NAME, inventory, known_sources, read_manifest
from pipeline.workspace.registry import Source, attachment_source_id, load_registry
from tests.fetch_server import FaultServer, Reply, SilentServer, html_page, tiny_pdf

PDF_V1 = tiny_pdf("v1")
PDF_V2 = tiny_pdf("v2 (changed upstream)")
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def archive() -> Iterator[FaultServer]:
    """Local stand-in of the Internet Archive (a second port on 127.0.0.1)."""
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


@pytest.fixture
def config(archive: FaultServer) -> FetchConfig:
    return FetchConfig(
        connect_timeout=1.0,
        read_timeout=1.0,
        retries=2,
        backoff=0.01,
        per_host_delay=0.0,
        max_retry_after=0.3,
        wayback_base=f"{archive.base}/web",
        progress=False,
    )


def pdf_source(url: str, source_id: str = "pdf_src") -> Source:
    return Source(
        source_id=source_id,
        kind="remote",
        title="synthetic PDF source",
        publisher="test",
        media_type="application/pdf",
        url=url,
    )


def html_source(url: str, source_id: str = "page_src", attachments: bool = True) -> Source:
    return Source(
        source_id=source_id,
        kind="remote",
        title="synthetic HTML source",
        publisher="test",
        media_type="text/html",
        url=url,
        follow_attachments=attachments,
    )


def one(results: list[SourceFetchResult], source_id: str) -> SourceFetchResult:
    return next(r for r in results if r.source_id == source_id)


def snapshot(raw: Path) -> dict[str, bytes]:
    """Every file under raw/, with its bytes (the manifest included)."""
    return {p.relative_to(raw).as_posix(): p.read_bytes() for p in raw.rglob("*") if p.is_file()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_first(
    raw: Path, server: FaultServer, config: FetchConfig, source: Source, path: str
) -> Path:
    """Fetch v1 once so the source has a good archived copy; return the archived file."""
    server.route(path, Reply(200, PDF_V1, etag='"v1"'))
    result = fetch_all(raw, [source], config)[0]
    assert result.status == "ok" and result.origin == "fetched", result.message
    file = raw / result.entries[0].path
    assert file.read_bytes() == PDF_V1
    return file


def assert_untouched(raw: Path, before: dict[str, bytes], archived: Path) -> None:
    after = snapshot(raw)
    assert after == before
    assert sha(archived.read_bytes()) == sha(PDF_V1)
    assert not [p for p in raw.rglob("*") if p.name.endswith((".part", ".tmp"))]


# -- happy path, manifest entry, conditional GET, changed upstream -----------------------------


def test_download_records_full_manifest_entry(raw, server, config):
    server.route(
        "/common/001302313.pdf",
        Reply(
            200, PDF_V1, headers={"Last-Modified": "Mon, 05 Aug 2019 00:00:00 GMT"}, etag='"abc"'
        ),
    )
    source = pdf_source(server.url("/common/001302313.pdf"), "mlit_scpf_members")
    result = fetch_all(raw, [source], config)[0]

    assert (result.status, result.origin, result.changed) == ("ok", "fetched", False)
    assert "raw/mlit_scpf_members/001302313.pdf" in result.message
    entry = read_manifest(raw)[0]
    assert entry.path == "mlit_scpf_members/001302313.pdf"
    assert entry.url == entry.final_url == source.url
    assert (entry.http_status, entry.origin) == (200, "fetched")
    assert entry.media_type == "application/pdf"
    assert entry.bytes == len(PDF_V1) and entry.sha256 == sha(PDF_V1)
    assert ISO_Z.match(entry.retrieved_at)
    assert (entry.etag, entry.last_modified) == ('"abc"', "Mon, 05 Aug 2019 00:00:00 GMT")
    assert entry.wayback_timestamp is None and entry.parent_source_id is None and entry.current
    assert (raw / entry.path).read_bytes() == PDF_V1
    user_agent = server.hits[0].headers["User-Agent"]
    assert user_agent.startswith(f"jp-smartcity-dataset/{__version__} (+https://")
    assert not [p for p in raw.rglob(".*") if p.is_file()]  # no temporary file left


def test_downloaded_file_is_readable_by_others(raw, server, config):
    server.route("/common/001302313.pdf", Reply(200, PDF_V1))
    source = pdf_source(server.url("/common/001302313.pdf"), "mlit_scpf_members")
    previous = os.umask(0o022)
    try:
        result = fetch_all(raw, [source], config)[0]
    finally:
        os.umask(previous)
    archived = raw / result.entries[0].path
    assert stat.S_IMODE(archived.stat().st_mode) == 0o644  # not mkstemp's 0600
    assert stat.S_IMODE((raw / MANIFEST_NAME).stat().st_mode) == 0o644


def test_unchanged_source_costs_one_304_and_rewrites_nothing(raw, server, config):
    source = pdf_source(server.url("/a.pdf"))
    archived = archive_first(raw, server, config, source, "/a.pdf")
    before = snapshot(raw)
    mtimes = {p: p.stat().st_mtime_ns for p in raw.rglob("*") if p.is_file()}

    for _ in range(2):
        result = fetch_all(raw, [source], config)[0]
        assert (result.status, result.origin, result.changed) == ("ok", "fetched", False)
        assert "304" in result.message
    hits = server.hits_for("/a.pdf")
    assert len(hits) == 3  # the first download, then one conditional GET per run
    assert hits[1].headers["If-None-Match"] == '"v1"'
    assert_untouched(raw, before, archived)
    assert mtimes == {p: p.stat().st_mtime_ns for p in raw.rglob("*") if p.is_file()}


def test_changed_upstream_file_is_kept_beside_the_old_one(raw, server, config):
    source = pdf_source(server.url("/docs/list.pdf"))
    archived = archive_first(raw, server, config, source, "/docs/list.pdf")
    server.route("/docs/list.pdf", Reply(200, PDF_V2, etag='"v2"'))

    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin, result.changed) == ("ok", "fetched", True)
    assert "changed" in result.message
    new_name = f"list.{sha(PDF_V2)[:12]}.pdf"
    assert archived.read_bytes() == PDF_V1
    assert (archived.parent / new_name).read_bytes() == PDF_V2
    entries = {e.path: e for e in read_manifest(raw)}
    assert entries["pdf_src/list.pdf"].current is False
    assert entries[f"pdf_src/{new_name}"].current is True
    assert entries[f"pdf_src/{new_name}"].sha256 == sha(PDF_V2)
    # Later stages see only the current copy.
    assert [e.path for e in inventory(raw, [source])] == [f"pdf_src/{new_name}"]


@pytest.mark.slow
def test_manifest_is_byte_identical_across_two_runs(raw, server, config, repo_raw):
    shutil.copytree(repo_raw / "document", raw / "document")
    bundled = Source(
        source_id="document",
        kind="bundled",
        title="root document",
        publisher="test",
        media_type="text/plain",
        path="document/japan-smart-city-initiatives.txt",
        url="https://contest.japias.jp/tqj22/220235F/en/l5-1.html",
    )
    server.route("/x.pdf", Reply(200, PDF_V1, etag='"x1"'))
    server.route("/y.pdf", Reply(200, PDF_V2, headers={"Last-Modified": "Tue, 18 Jun 2019"}))
    sources = [
        bundled,
        pdf_source(server.url("/x.pdf"), "x"),
        pdf_source(server.url("/y.pdf"), "y"),
    ]
    first = fetch_all(raw, sources, config)
    assert [(r.status, r.origin) for r in first] == [
        ("ok", "bundled"),
        ("ok", "fetched"),
        ("ok", "fetched"),
    ]
    manifest = (raw / MANIFEST_NAME).read_bytes()
    time.sleep(1.1)  # a rewritten retrieved_at would differ now
    second = fetch_all(raw, sources, config)
    assert all(r.status == "ok" and not r.changed for r in second)
    assert (raw / MANIFEST_NAME).read_bytes() == manifest
    assert server.hits_for("/y.pdf")[1].headers["If-Modified-Since"] == "Tue, 18 Jun 2019"


# -- retries, backoff, Retry-After ------------------------------------------------------------


def test_500_then_200_is_retried(raw, server, config):
    server.route("/r.pdf", Reply(500, b"oops"), Reply(200, PDF_V1))
    result = fetch_all(raw, [pdf_source(server.url("/r.pdf"))], config)[0]
    assert (result.status, result.origin) == ("ok", "fetched")
    assert len(server.hits_for("/r.pdf")) == 2
    assert (raw / "pdf_src/r.pdf").read_bytes() == PDF_V1


def test_429_honours_retry_after_with_a_cap(raw, server, config):
    server.route(
        "/busy.pdf", Reply(429, b"slow down", headers={"Retry-After": "30"}), Reply(200, PDF_V1)
    )
    started = time.monotonic()
    result = fetch_all(raw, [pdf_source(server.url("/busy.pdf"))], config)[0]
    assert result.status == "ok"
    first, second = server.hits_for("/busy.pdf")
    assert second.at - first.at >= config.max_retry_after * 0.9  # waited, not just 10 ms
    assert time.monotonic() - started < 5  # capped: 30 s were not waited


def test_persistent_5xx_gives_up_and_keeps_the_archived_copy(raw, server, config):
    source = pdf_source(server.url("/down.pdf"))
    archived = archive_first(raw, server, config, source, "/down.pdf")
    before = snapshot(raw)
    server.route("/down.pdf", Reply(503, b"maintenance"))

    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin) == ("stale", "fetched")
    assert "refresh failed" in result.message and "503" in result.message
    assert "raw/pdf_src/down.pdf" in result.message
    assert len(server.hits_for("/down.pdf")) == 1 + config.retries + 1
    assert_untouched(raw, before, archived)


def test_persistent_5xx_without_archive_fails_with_instructions(raw, server, config):
    server.route("/down.pdf", Reply(500, b"error"))
    source = pdf_source(server.url("/down.pdf"))
    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin) == ("failed", None)
    assert source.url in result.message and "raw/pdf_src/" in result.message
    assert not (raw / "pdf_src").exists()
    assert read_manifest(raw) == []
    assert not archive_hits_expected(result)


def archive_hits_expected(result: SourceFetchResult) -> bool:
    return "Internet Archive" in result.message


# -- broken bodies ----------------------------------------------------------------------------


def test_connection_dropped_mid_body_never_replaces_the_archive(raw, server, config):
    source = pdf_source(server.url("/cut.pdf"))
    archived = archive_first(raw, server, config, source, "/cut.pdf")
    before = snapshot(raw)
    server.route("/cut.pdf", Reply(200, PDF_V2 + b"x" * 5000, truncate_to=100, etag='"v2"'))

    result = fetch_all(raw, [source], config)[0]
    assert result.status == "stale" and "refresh failed" in result.message
    assert len(server.hits_for("/cut.pdf")) == 1 + config.retries + 1  # retried each time
    assert_untouched(raw, before, archived)


def test_connection_dropped_without_archive_fails_and_leaves_nothing(raw, server, config):
    server.route("/cut.pdf", Reply(200, PDF_V1 * 50, truncate_to=64))
    result = fetch_all(raw, [pdf_source(server.url("/cut.pdf"))], config)[0]
    assert result.status == "failed" and "dropped" in result.message
    assert not (raw / "pdf_src").exists()


def test_body_over_the_size_cap_is_aborted(raw, server, config):
    config.max_bytes = 4096
    source = pdf_source(server.url("/big.pdf"))
    archived = archive_first(raw, server, config, source, "/big.pdf")
    before = snapshot(raw)
    endless = b"%PDF-1.4\n" + b"0" * 200_000  # no Content-Length: only the cap stops it
    server.route("/big.pdf", Reply(200, endless, close_delimited=True))

    result = fetch_all(raw, [source], config)[0]
    assert result.status == "stale" and "cap" in result.message
    assert len(server.hits_for("/big.pdf")) == 2  # not retried
    assert_untouched(raw, before, archived)

    server.route("/huge.pdf", Reply(200, b"%PDF-1.4\n" + b"0" * 10_000))  # announced length
    result = fetch_all(raw, [pdf_source(server.url("/huge.pdf"), "huge")], config)[0]
    assert result.status == "failed" and "cap" in result.message
    assert not (raw / "huge").exists()


def test_html_page_served_for_a_pdf_is_a_failure(raw, server, config):
    source = pdf_source(server.url("/members.pdf"))
    archived = archive_first(raw, server, config, source, "/members.pdf")
    before = snapshot(raw)
    login = html_page("<form>password</form>", title="Login required")
    server.route("/members.pdf", Reply(200, login, headers={"Content-Type": "text/html"}))

    result = fetch_all(raw, [source], config)[0]
    assert result.status == "stale" and "refresh failed" in result.message
    assert "HTML page" in result.message and "Login required" in result.message
    assert_untouched(raw, before, archived)

    server.route("/other.pdf", Reply(200, login))
    result = fetch_all(raw, [pdf_source(server.url("/other.pdf"), "other")], config)[0]
    assert result.status == "failed" and "where a PDF was expected" in result.message
    assert "raw/other/" in result.message and not (raw / "other").exists()


def test_empty_body_and_non_html_page_fail(raw, server, config):
    server.route("/empty.pdf", Reply(200, b""))
    server.route("/page.html", Reply(200, b"%PDF-1.4 not a page"))
    results = fetch_all(
        raw,
        [
            pdf_source(server.url("/empty.pdf"), "empty"),
            html_source(server.url("/page.html"), "page"),
        ],
        config,
    )
    assert [r.status for r in results] == ["failed", "failed"]
    assert "empty body" in results[0].message
    assert "HTML" in results[1].message
    assert read_manifest(raw) == []


def test_read_timeout_on_a_slow_server(raw, server, config):
    config.read_timeout = 0.2
    config.retries = 1
    source = pdf_source(server.url("/slow.pdf"))
    archived = archive_first(raw, server, config, source, "/slow.pdf")
    before = snapshot(raw)
    server.route("/slow.pdf", Reply(200, PDF_V2, delay=3.0))

    started = time.monotonic()
    result = fetch_all(raw, [source], config)[0]
    assert time.monotonic() - started < 2.0  # two tries of 0.2 s, not 3 s each
    assert result.status == "stale" and "timed out" in result.message
    assert_untouched(raw, before, archived)

    result = fetch_all(raw, [pdf_source(server.url("/slow.pdf"), "slow2")], config)[0]
    assert result.status == "failed" and "timed out" in result.message


# -- hosts, redirects, file names --------------------------------------------------------------


def test_redirect_to_a_foreign_host_is_refused(raw, server, config):
    source = pdf_source(server.url("/moved.pdf"))
    archived = archive_first(raw, server, config, source, "/moved.pdf")
    before = snapshot(raw)
    server.route("/moved.pdf", Reply(302, headers={"Location": "http://evil.invalid/x.pdf"}))

    result = fetch_all(raw, [source], config)[0]
    assert result.status == "stale" and "evil.invalid" in result.message
    assert "not named in the sources registry" in result.message
    assert_untouched(raw, before, archived)

    result = fetch_all(raw, [pdf_source(server.url("/moved.pdf"), "fresh")], config)[0]
    assert result.status == "failed" and "evil.invalid" in result.message


def test_same_host_redirect_is_followed_and_recorded(raw, server, config):
    server.route("/old/a.pdf", Reply(301, headers={"Location": "/new/a.pdf"}))
    server.route("/new/a.pdf", Reply(200, PDF_V1))
    server.route("/loop.pdf", Reply(302, headers={"Location": "/loop.pdf"}))
    results = fetch_all(
        raw,
        [pdf_source(server.url("/old/a.pdf"), "a"), pdf_source(server.url("/loop.pdf"), "loop")],
        config,
    )
    assert results[0].status == "ok"
    entry = one(results, "a").entries[0]
    assert entry.path == "a/a.pdf" and entry.final_url == server.url("/new/a.pdf")
    assert results[1].status == "failed" and "redirects" in results[1].message


@pytest.mark.parametrize(
    "path",
    ["/files/..%2f..%2fetc%2fpasswd", "/..%2F..%2F..%2Ftmp%2Fescape.pdf", "/a/%2e%2e%5c%2e%2e.pdf"],
)
def test_path_traversal_names_stay_inside_the_source_folder(raw, server, config, path):
    server.route(path, Reply(200, PDF_V1))
    result = fetch_all(raw, [pdf_source(server.url(path), "trav")], config)[0]
    assert result.status == "ok", result.message
    files = [p for p in raw.parent.rglob("*") if p.is_file() and p.name != MANIFEST_NAME]
    assert len(files) == 1
    assert files[0].parent == raw / "trav"
    assert ".." not in files[0].name and not files[0].name.startswith(".")


def test_safe_file_name():
    assert safe_file_name("https://www.mlit.go.jp/common/001302313.pdf", "application/pdf") == (
        "001302313.pdf"
    )
    assert safe_file_name("http://h/..%2f..%2fetc%2fpasswd", "application/pdf") == "passwd.pdf"
    assert safe_file_name("http://h/", "text/html") == "download.html"
    assert safe_file_name("http://h/%2e%2e", "application/pdf") == "download.pdf"
    assert safe_file_name("http://h/a/x%00y%20z.pdf?q=1", "application/pdf") == "x_y_z.pdf"
    assert safe_file_name("http://h/press/20190618004.html", "text/html") == "20190618004.html"
    assert safe_file_name("http://h/C:%5Cwin%5Cboot.ini", "text/plain") == "boot.ini"


# -- dead links and the Internet Archive --------------------------------------------------------


def wayback_capture(archive: FaultServer, url: str, body: bytes, ts: str = "20190901000000"):
    """The archive's behaviour: /web/2id_/<url> redirects to the nearest capture."""
    archive.route(f"/web/2id_/{url}", Reply(302, headers={"Location": f"/web/{ts}id_/{url}"}))
    archive.route(f"/web/{ts}id_/{url}", Reply(200, body))


def test_404_falls_back_to_the_internet_archive(raw, server, archive, config):
    source = pdf_source(server.url("/gone.pdf"), "gone")
    server.route("/gone.pdf", Reply(404, b"not here"))
    wayback_capture(archive, source.url, PDF_V1)

    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin) == ("ok", "wayback"), result.message
    assert "20190901000000" in result.message
    entry = read_manifest(raw)[0]
    assert entry.origin == "wayback" and entry.wayback_timestamp == "20190901000000"
    assert entry.url == source.url
    assert entry.final_url == f"{archive.base}/web/20190901000000id_/{source.url}"
    assert entry.path == "gone/gone.pdf" and entry.sha256 == sha(PDF_V1)
    assert len(server.hits_for("/gone.pdf")) == 1  # a 404 is not retried

    # Next run: the link is still dead (a failed refresh: stale), the capture is used, the
    # archive not asked.
    hits = len(archive.hits)
    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin) == ("stale", "wayback")
    assert len(archive.hits) == hits


def test_404_with_archived_copy_keeps_it_without_asking_the_archive(raw, server, archive, config):
    source = pdf_source(server.url("/later-gone.pdf"))
    archived = archive_first(raw, server, config, source, "/later-gone.pdf")
    before = snapshot(raw)
    server.route("/later-gone.pdf", Reply(410, b"gone"))
    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin) == ("stale", "fetched") and "410" in result.message
    assert archive.hits == []
    assert_untouched(raw, before, archived)


def test_dead_host_falls_back_to_the_archive_and_is_not_retried(raw, archive, config):
    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    first = pdf_source(f"http://127.0.0.1:{dead_port}/a.pdf", "dead_a")
    wayback_capture(archive, first.url, PDF_V1, "20200101000000")
    started = time.monotonic()
    results = fetch_all(raw, [first], config)
    assert time.monotonic() - started < 2
    assert (results[0].status, results[0].origin) == ("ok", "wayback")
    assert results[0].entries[0].wayback_timestamp == "20200101000000"


def test_404_with_no_capture_is_missing_with_instructions(raw, server, archive, config):
    source = pdf_source(server.url("/nowhere.pdf"), "nowhere")
    server.route("/nowhere.pdf", Reply(404))
    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin) == ("missing", None)
    assert "Internet Archive" in result.message
    assert source.url in result.message and "raw/nowhere/" in result.message
    assert len(archive.hits) == 1


# -- attachments -----------------------------------------------------------------------------


def attachment_page(server: FaultServer) -> bytes:
    return html_page(
        '<a href="att/a.pdf">A</a> <a href="/files/b.PDF#page=2">B</a>'
        '<a href="att/a.pdf">A again</a> <a href="http://evil.invalid/c.pdf">foreign</a>'
        f'<a href="{server.url("/notes.txt")}">text</a> <a href="mailto:x@y">mail</a>'
    )


def test_html_attachments_are_fetched_as_their_own_sources(raw, server, config):
    server.route("/press/release.html", Reply(200, attachment_page(server)))
    server.route("/press/att/a.pdf", Reply(200, PDF_V1))
    server.route("/files/b.PDF", Reply(200, PDF_V2))
    parent = html_source(server.url("/press/release.html"), "meti_smc_release")

    results = fetch_all(raw, [parent], config)
    a_id = attachment_source_id("meti_smc_release", "a.pdf")
    b_id = attachment_source_id("meti_smc_release", "b.PDF")
    assert [r.source_id for r in results] == ["meti_smc_release", a_id, b_id]
    assert all(r.status == "ok" and r.origin == "fetched" for r in results)
    assert "2 attached PDF(s)" in results[0].message
    assert (raw / a_id / "a.pdf").read_bytes() == PDF_V1
    assert (raw / b_id / "b.PDF").read_bytes() == PDF_V2
    entries = {e.source_id: e for e in read_manifest(raw)}
    assert entries[a_id].parent_source_id == "meti_smc_release"
    assert entries[a_id].url == server.url("/press/att/a.pdf")
    assert entries[b_id].url == server.url("/files/b.PDF")
    assert entries["meti_smc_release"].path == "meti_smc_release/release.html"
    assert len(server.hits_for("/press/att/a.pdf")) == 1  # de-duplicated
    assert server.hits_for("/notes.txt") == []
    # Later stages find the attachments through the manifest.
    found = inventory(raw, known_sources(raw, [parent]))
    assert {e.source_id for e in found} == {"meti_smc_release", a_id, b_id}


def test_attachments_whose_names_give_the_same_id_are_all_kept(raw, server, config):
    page = html_page('<a href="a-1.pdf">a</a><a href="A_1.pdf">b</a><a href="y/a-1.pdf">c</a>')
    server.route("/press/release.html", Reply(200, page))
    for path, body in (
        ("/press/a-1.pdf", PDF_V1),
        ("/press/A_1.pdf", PDF_V2),
        ("/press/y/a-1.pdf", PDF_V1 + b"%"),
    ):
        server.route(path, Reply(200, body))
    parent = html_source(server.url("/press/release.html"), "meti_smc_release")
    results = fetch_all(raw, [parent], config)
    attachments = [r for r in results if r.source_id != "meti_smc_release"]
    assert len(attachments) == 3 and len({r.source_id for r in attachments}) == 3
    assert all(r.status == "ok" for r in attachments)


def test_attachment_links_same_host_pdfs_in_page_order():
    page = html_page(
        '<a href="z.pdf">z</a><a href="https://h.example/y.pdf">y</a>'
        '<a href="//other.example/x.pdf">x</a><a href="z.pdf#p2">z</a><a href="w.pdf?v=1">w</a>'
    )
    assert attachment_links(page, "https://h.example/press/p.html") == [
        "https://h.example/press/z.pdf",
        "https://h.example/y.pdf",
        "https://h.example/press/w.pdf?v=1",
    ]


def test_manual_html_copy_is_used_and_its_attachments_fetched(raw, server, config):
    (raw / "page_src").mkdir()
    manual = raw / "page_src" / "saved by hand.html"
    page = attachment_page(server).replace(b"att/a.pdf", server.url("/press/a.pdf").encode())
    manual.write_bytes(page)
    server.route("/press/a.pdf", Reply(200, PDF_V1))
    parent = html_source(server.url("/press/release.html"))

    results = fetch_all(raw, [parent], config)
    assert (results[0].status, results[0].origin) == ("ok", "manual")
    assert server.hits_for("/press/release.html") == []
    assert [r.status for r in results[1:]] == ["ok", "missing"]  # b.PDF is a 404 here
    assert (raw / attachment_source_id("page_src", "a.pdf") / "a.pdf").read_bytes() == PDF_V1


# -- manual copies, offline, bundled -----------------------------------------------------------


def test_manual_copy_is_recorded_and_never_overwritten(raw, server, config):
    server.route("/m.pdf", Reply(200, PDF_V2))
    source = pdf_source(server.url("/m.pdf"))
    folder = raw / "pdf_src"
    folder.mkdir()
    (folder / "m.pdf").write_bytes(PDF_V1)
    (folder / ".m.pdf.abc.part").write_bytes(b"leftover of an interrupted run")

    for _ in range(2):
        result = fetch_all(raw, [source], config)[0]
        assert (result.status, result.origin) == ("ok", "manual"), result.message
        assert "manual copy raw/pdf_src/m.pdf" in result.message
    assert server.hits == []
    assert (folder / "m.pdf").read_bytes() == PDF_V1
    (entry,) = read_manifest(raw)
    assert (entry.origin, entry.path, entry.sha256) == ("manual", "pdf_src/m.pdf", sha(PDF_V1))


def test_offline_contacts_nothing(raw, server, archive, config):
    kept = pdf_source(server.url("/kept.pdf"), "kept")
    archive_first(raw, server, config, kept, "/kept.pdf")
    before = snapshot(raw)
    hits = len(server.hits)
    config.offline = True
    absent = pdf_source(server.url("/absent.pdf"), "absent")
    page = html_source(server.url("/p.html"), "page")

    results = fetch_all(raw, [kept, absent, page], config)
    assert len(server.hits) == hits and archive.hits == []
    assert (one(results, "kept").status, one(results, "kept").origin) == ("ok", "fetched")
    assert "offline" in one(results, "kept").message
    for source in (absent, page):
        result = one(results, source.source_id)
        assert (result.status, result.origin) == ("missing", None)
        assert "offline" in result.message and source.url in result.message
        assert f"raw/{source.source_id}/" in result.message
    assert snapshot(raw) == before


def test_bundled_source_is_recorded_without_network(raw, repo_raw, config):
    shutil.copytree(repo_raw / "document", raw / "document")
    sources = load_registry(raw)
    document = next(s for s in sources if s.source_id == "document")
    config.offline = True
    result = fetch_all(raw, [document], config)[0]
    assert (result.status, result.origin) == ("ok", "bundled")
    entry = result.entries[0]
    assert entry.path == "document/japan-smart-city-initiatives.txt"
    assert entry.sha256 == sha((raw / entry.path).read_bytes())
    assert entry.url == document.url


def test_entries_of_other_sources_are_kept(raw, server, config):
    other = pdf_source(server.url("/other.pdf"), "other")
    archive_first(raw, server, config, other, "/other.pdf")
    server.route("/new.pdf", Reply(200, PDF_V2))
    fetch_all(raw, [pdf_source(server.url("/new.pdf"), "new")], config)
    assert sorted(e.source_id for e in read_manifest(raw)) == ["new", "other"]


# -- no network at all -----------------------------------------------------------------------


@pytest.fixture
def no_dns(monkeypatch):
    """Make every host name but loopback fail to resolve, as on the machines we develop on."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in ("127.0.0.1", "localhost", "::1"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_no_network_fails_fast_on_the_real_registry(tmp_path, repo_raw, no_dns):
    raw = tmp_path / "raw"
    shutil.copytree(repo_raw / "document", raw / "document")
    sources = load_registry(raw)
    started = time.monotonic()
    results = fetch_all(raw, sources, FetchConfig(progress=False))  # default, patient settings
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    assert one(results, "document").status == "ok"
    for source in sources:
        if source.is_remote:
            result = one(results, source.source_id)
            assert result.status == "missing", result.message
            assert "DNS" in result.message and source.url in result.message
            assert f"raw/{source.source_id}/" in result.message
    assert [e.source_id for e in read_manifest(raw)] == ["document"]
    manifest = json.loads((raw / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["files"][0]["origin"] == "bundled"


def test_hanging_dns_costs_one_connect_timeout_in_all(tmp_path, repo_raw, monkeypatch):
    """A resolver that never answers: host names are resolved in parallel, with a time limit."""
    raw = tmp_path / "raw"
    shutil.copytree(repo_raw / "document", raw / "document")
    sources = load_registry(raw)
    release = threading.Event()
    real = socket.getaddrinfo

    def hanging_getaddrinfo(host, *args, **kwargs):
        if host in ("127.0.0.1", "localhost", "::1"):
            return real(host, *args, **kwargs)
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    try:
        started = time.monotonic()
        results = fetch_all(raw, sources, FetchConfig(connect_timeout=0.3, progress=False))
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert elapsed < 2, elapsed
    remote = [one(results, s.source_id) for s in sources if s.is_remote]
    assert remote and all(r.status == "missing" and "timed out" in r.message for r in remote)


class _NoAnswerAdapter(HTTPAdapter):
    """Every connection attempt times out, as when packets to the outside are dropped."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def send(self, request, **kwargs):
        self.calls.append(request.url)
        raise requests.ConnectTimeout(f"connect to {request.url} timed out")


def test_unreachable_network_is_detected_and_not_tried_for_every_source(raw, monkeypatch):
    real = socket.getaddrinfo

    def resolving_getaddrinfo(host, *args, **kwargs):  # names resolve, packets go nowhere
        if host.endswith(".example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolving_getaddrinfo)
    adapter = _NoAnswerAdapter()
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    sources = [pdf_source(f"https://h{i}.example/f{i}.pdf", f"s{i}") for i in range(1, 6)]
    sources.append(pdf_source("http://h1.example/other.pdf", "s6"))  # same host, other port
    config = FetchConfig(wayback_base="https://archive.example/web", progress=False)

    results = fetch_all(raw, sources, config, session=session)
    assert [r.status for r in results] == ["missing"] * 6
    # h1, then the archive, then h2: three hosts with no answer and the network counts as down.
    assert [urlparse(u).hostname for u in adapter.calls] == [
        "h1.example",
        "archive.example",
        "h2.example",
    ]
    assert "network seems down" in one(results, "s3").message
    assert "timed out" in one(results, "s6").message
    assert all("by hand" in r.message for r in results)


# -- politeness, progress, interruption -------------------------------------------------------


def test_requests_to_one_host_are_spaced(raw, server, config):
    config.per_host_delay = 0.2
    server.route("/1.pdf", Reply(200, PDF_V1))
    server.route("/2.pdf", Reply(200, PDF_V2))
    fetch_all(
        raw,
        [pdf_source(server.url("/1.pdf"), "one"), pdf_source(server.url("/2.pdf"), "two")],
        config,
    )
    first, second = server.hits
    assert second.at - first.at >= 0.18


def test_progress_bar_shows_bytes(raw, server, config, capsys):
    config.progress = True
    server.route("/p.pdf", Reply(200, PDF_V1))
    result = fetch_all(raw, [pdf_source(server.url("/p.pdf"), "with_progress")], config)[0]
    assert result.status == "ok"
    assert "with_progress" in capsys.readouterr().err


def test_interrupted_download_leaves_the_archive_as_it_was(raw, server, config, monkeypatch):
    source = pdf_source(server.url("/i.pdf"))
    archived = archive_first(raw, server, config, source, "/i.pdf")
    before = snapshot(raw)
    server.route("/i.pdf", Reply(200, PDF_V2 * 100, etag='"v2"'))

    def interrupted(self, chunk_size=1, decode_unicode=False):
        yield b"%PDF-1.4 first chunk"
        raise KeyboardInterrupt

    monkeypatch.setattr(requests.Response, "iter_content", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_all(raw, [source], config)
    assert_untouched(raw, before, archived)


# -- deadlines: a network that never answers, a server that trickles ------------------------
# Small configured deadlines; the bounds asserted are generous (a loaded machine is slow), and
# far below what the same faults cost without deadlines (a read timeout per byte, forever).


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    with SilentServer() as srv:
        yield srv


def status_lines(stderr: str) -> list[str]:
    """The status lines shown one after the other (each rewrites the last: CR, ESC [ K), the
    download's progress bar (its own carriage returns) left out."""
    return [line.split("\r")[0] for line in stderr.split("\r\x1b[K") if line.split("\r")[0]]


@pytest.mark.slow
def test_a_server_that_never_answers_costs_one_download_deadline(raw, silent, config, capsys):
    config.progress = True  # as on a terminal
    config.read_timeout = 30.0  # the read timeout alone would wait 30 s per try, 4 tries
    config.retries = 3
    config.download_deadline = 1.0
    source = pdf_source(f"{silent.base}/never.pdf", "never")
    started = time.monotonic()
    result = fetch_all(raw, [source], config)[0]
    assert time.monotonic() - started < 10
    assert result.status == "missing", result.message
    assert "1-second download deadline" in result.message and "by hand" in result.message
    shown = status_lines(capsys.readouterr().err)
    assert shown[0] == f"fetch never: GET {source.url}"
    assert shown[-1].startswith("fetch never: stopped: no complete answer by the 1-second")
    assert not [p for p in raw.rglob("*") if p.name.endswith(".part")]


@pytest.mark.slow
@pytest.mark.parametrize("close_delimited", [False, True])
def test_a_trickling_body_is_cut_at_the_download_deadline(raw, server, config, close_delimited):
    config.read_timeout = 1.0  # never fires: a byte comes every 0.05 s
    config.download_deadline = 1.5
    source = pdf_source(server.url("/trickle.pdf"), "trickle")
    archived = archive_first(raw, server, config, source, "/trickle.pdf")
    before = snapshot(raw)
    server.route(
        "/trickle.pdf", Reply(200, PDF_V2 * 3, trickle=0.05, close_delimited=close_delimited)
    )  # about 700 bytes: 35 s at this pace
    started = time.monotonic()
    result = fetch_all(raw, [source], config)[0]
    assert time.monotonic() - started < 10
    assert result.status == "stale" and "download deadline" in result.message, result.message
    assert_untouched(raw, before, archived)


@pytest.mark.slow
def test_the_whole_fetch_has_a_deadline(raw, silent, config):
    config.download_deadline = 1.0
    config.fetch_deadline = 2.5
    sources = [pdf_source(f"{silent.base}/f{i}.pdf", f"s{i}") for i in range(8)]
    started = time.monotonic()
    results = fetch_all(raw, sources, config)
    assert time.monotonic() - started < 12  # 8 download deadlines would be 8 s, plus retries
    assert all(r.status == "missing" for r in results)
    not_tried = [r for r in results if "not tried" in r.message]
    assert not_tried and "2.5-second deadline" in not_tried[-1].message
    assert results[0].message.count("not tried") == 0


def test_retries_are_shown_as_they_happen_on_a_terminal(raw, server, config, capsys):
    server.route("/flaky.pdf", Reply(503), Reply(200, PDF_V1), Reply(503), Reply(200, PDF_V1))
    config.progress = True  # as on a terminal
    result = fetch_all(raw, [pdf_source(server.url("/flaky.pdf"), "flaky")], config)[0]
    assert result.status == "ok"
    lines = status_lines(capsys.readouterr().err)
    assert lines[0] == f"fetch flaky: GET {server.url('/flaky.pdf')}"
    assert lines[1].startswith("fetch flaky: HTTP 503; retrying in ")
    assert lines[2] == f"fetch flaky: GET {server.url('/flaky.pdf')} (try 2 of 3)"
    config.progress = False  # in a log (no terminal) or CI: nothing of it
    fetch_all(raw, [pdf_source(server.url("/flaky.pdf"), "flaky2")], config)
    assert capsys.readouterr().err == ""


def test_410_falls_back_to_the_internet_archive_as_404_does(raw, server, archive, config):
    source = pdf_source(server.url("/removed.pdf"), "removed")
    server.route("/removed.pdf", Reply(410, b"gone for good"))
    wayback_capture(archive, source.url, PDF_V1)
    result = fetch_all(raw, [source], config)[0]
    assert (result.status, result.origin) == ("ok", "wayback"), result.message
    assert read_manifest(raw)[0].wayback_timestamp == "20190901000000"
