"""`make serve`: the SQLite copy of the publication, Datasette's generated metadata, the running
server through its JSON API, and its pages in a real browser (headless Chromium).

The server is `python -m pipeline serve` itself, started on a free loopback port against the
fixture build (SYNTHETIC data), and stopped with SIGINT as Ctrl-C would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.publish.descriptors import SQLITE_NAME, VIEW_NAME
from pipeline.publish.sqlite import write_sqlite
from schemas import (
    FOREIGN_KEYS,
    PRIMARY_KEYS,
    TABLES,
    column_descriptions,
    columns,
    key_has_nulls,
)
from tests.conftest import REPO

IN_CI = os.environ.get("CI") == "true"
STARTUP_SECONDS = 60


def require(available: bool, what: str) -> None:
    """Skip with a reason outside CI; in CI (CI=true) a missing tool is a failure."""
    if not available:
        if IN_CI:
            pytest.fail(f"{what} is not installed, and CI must run this test")
        pytest.skip(f"{what} is not installed")


def datasette_installed() -> bool:
    try:
        import datasette  # noqa: F401
    except ImportError:
        return False
    return True


def sqlite_value(value: object) -> object:
    """A value as SQLite holds it: booleans 0/1, dates ISO text, lists JSON."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # as SQLite writes
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --- the SQLite file --------------------------------------------------------------------------


def sqlite_connection(out: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{out / SQLITE_NAME}?mode=ro", uri=True)


def test_sqlite_holds_exactly_the_parquet_rows(fixture_build: tuple[Path, Path]) -> None:
    _, out = fixture_build
    with sqlite_connection(out) as db:
        for table in TABLES:
            parquet = pq.read_table(out / "parquet" / f"{table}.parquet")
            expected = Counter(
                tuple(sqlite_value(row[c]) for c in columns(table)) for row in parquet.to_pylist()
            )
            held = Counter(db.execute(f"SELECT {', '.join(columns(table))} FROM {table}"))
            assert held == expected, table
            assert sum(held.values()) == parquet.num_rows > 0, table


def test_sqlite_keys_are_the_schemas_keys(fixture_build: tuple[Path, Path]) -> None:
    _, out = fixture_build
    with sqlite_connection(out) as db:
        for table in TABLES:
            info = db.execute(f"PRAGMA table_info({table})").fetchall()
            primary = [name for _, name, *_, pk in sorted(info, key=lambda r: r[5]) if pk]
            if key_has_nulls(table):  # coverage: round may be NULL, so the key is UNIQUE
                assert primary == []
                unique = [row for row in db.execute(f"PRAGMA index_list({table})") if row[2]]
                (index,) = unique
                named = [r[2] for r in db.execute(f"PRAGMA index_info('{index[1]}')")]
                assert tuple(named) == PRIMARY_KEYS[table]
            else:
                assert tuple(primary) == PRIMARY_KEYS[table]
            foreign = {
                (table, row[3], row[2], row[4])
                for row in db.execute(f"PRAGMA foreign_key_list({table})")
            }
            assert foreign == {fk for fk in FOREIGN_KEYS if fk[0] == table}
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_view_gives_the_duckdb_view_rows(fixture_build: tuple[Path, Path]) -> None:
    _, out = fixture_build
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        expected = [tuple(map(sqlite_value, row))
                    for row in db.execute(f"SELECT * FROM {VIEW_NAME} ORDER BY lg_code").fetchall()]
    with sqlite_connection(out) as db:
        cursor = db.execute(f"SELECT * FROM {VIEW_NAME} ORDER BY lg_code")
        names = [d[0] for d in cursor.description]
        held = cursor.fetchall()
    assert held == expected
    member, history = names.index("is_platform_member"), names.index("selection_history")
    assert any(row[member] == 1 for row in held) and any(json.loads(row[4]) for row in held)
    assert any(any(h.startswith("2022 ") for h in json.loads(row[history])) for row in held)


def test_sqlite_file_is_reproducible(fixture_build: tuple[Path, Path], tmp_path: Path) -> None:
    """Written again from the published Parquet files, the file has the published bytes."""
    _, out = fixture_build
    frames = {t: pd.read_parquet(out / "parquet" / f"{t}.parquet") for t in TABLES}
    write_sqlite(tmp_path / SQLITE_NAME, frames)
    assert (tmp_path / SQLITE_NAME).read_bytes() == (out / SQLITE_NAME).read_bytes()


def test_publication_readme_lists_the_sqlite_file(fixture_build: tuple[Path, Path]) -> None:
    _, out = fixture_build
    assert f"`{SQLITE_NAME}`" in (out / "README.md").read_text(encoding="utf-8")


# --- Datasette's metadata ---------------------------------------------------------------------


def test_metadata_comes_from_the_schemas_and_the_datapackage(
    fixture_build: tuple[Path, Path],
) -> None:
    from pipeline.serve import DATABASE, datasette_metadata, named_queries

    _, out = fixture_build
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    metadata = datasette_metadata(out)
    tables = metadata["databases"][DATABASE]["tables"]
    for table in TABLES:
        assert tables[table]["columns"] == column_descriptions(table)
        assert all(tables[table]["columns"].values()), table
        assert set(tables[table]["facets"]) <= set(columns(table))
    assert tables["selections"]["facets"][:3] == ["program_id", "track", "fiscal_year"]
    assert tables["municipalities"]["label_column"] == "name_ja"
    assert metadata["license_url"] == package["licenses"][0]["path"]
    official = [s for s in package["sources"] if s.get("authority") == "official"
                and s.get("path") and s.get("status") == "ok"]
    assert official and all(s["path"] in metadata["description_html"] for s in official)
    queries = metadata["databases"][DATABASE]["queries"]
    assert list(queries) == list(named_queries()) and len(queries) >= 10
    assert all(q["title"].endswith("?") for q in queries.values())


def test_front_page_says_what_an_incomplete_build_lacks() -> None:
    from pipeline.serve import front_page_html

    page = front_page_html({
        "complete": False,
        "sources": [{"source_id": "mlit_scpf_members", "title": "mlit_scpf_members: list",
                     "path": "https://www.mlit.go.jp/common/001302313.pdf",
                     "status": "missing", "authority": "official"}],
        "incomplete_coverage": [{"program_id": "smartcity_model_2019", "track": "priority",
                                 "fiscal_year": 2019, "round": "single",
                                 "announced_count": 23, "held_count": 3},
                                {"program_id": "data_smartcity_2017", "track": "subsidy",
                                 "fiscal_year": 2017, "round": None, "announced_count": None,
                                 "held_count": 2}],
    })
    assert "Incomplete" in page
    assert "mlit_scpf_members</code> missing" in page
    assert "priority FY2019: 3 held of 23 announced" in page
    assert "subsidy FY2017 (round not known): 2 held, number announced not known" in page


def _front_lists(page: str) -> dict[str, list[str]]:
    """The source ids of each list of the front page, by the list's id."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    return {
        ul["id"]: [li.code.get_text() for li in ul.find_all("li")]
        for ul in soup.find_all("ul", id=True)
    }


def test_front_page_tells_files_read_from_pages_cited() -> None:
    """A page a transcription cites is not a file the build read, even an official page at
    the very URL of a missing source (the NIES news item)."""
    from pipeline.serve import front_page_html

    url = "https://tenbou.nies.go.jp/news/jnews/detail.php?i=3518"
    page = front_page_html({
        "complete": False,
        "announced_selections_held": {"held": 61, "announced": 108},
        "announced_members_held": {"held": 33, "announced": 471},
        "sources": [
            {"source_id": "nies_energy_demo_2010", "title": "nies_energy_demo_2010: news",
             "path": url, "status": "missing", "authority": "official"},
            {"source_id": "cited_nies_tenbou_3518", "title": "cited_nies_tenbou_3518: news",
             "path": url, "status": "ok", "authority": "official", "origin": "cited"},
            {"source_id": "cited_decn_107683", "title": "cited_decn_107683: article",
             "path": "https://www.decn.co.jp/?p=107683", "status": "ok",
             "authority": "secondary", "origin": "cited"},
            {"source_id": "meti_smc_release", "title": "meti_smc_release: release",
             "path": "https://www.meti.go.jp/press/2019/06/20190618004/20190618004.html",
             "status": "ok", "authority": "official", "origin": "fetched"},
            {"source_id": "manual_energy_demo_2010", "title": "manual_energy_demo_2010: rows",
             "status": "ok", "authority": "secondary", "origin": "manual"},
            {"source_id": "mlit_scpf_members", "title": "mlit_scpf_members: list",
             "path": "https://www.mlit.go.jp/common/001302313.pdf", "status": "failed",
             "authority": "official", "origin": "manual"},
        ],
    })
    lists = _front_lists(page)
    assert lists["files-read"] == ["meti_smc_release", "manual_energy_demo_2010",
                                   "mlit_scpf_members"]
    assert lists["pages-cited"] == ["cited_nies_tenbou_3518", "cited_decn_107683"]
    assert lists["sources-lacking"] == ["nies_energy_demo_2010", "mlit_scpf_members"]
    assert "(fetched, official, ok)" in page and "(manual, official, failed)" in page
    assert "2 pages: 1 official, 1 secondary" in page
    assert ("cited_nies_tenbou_3518</code> <a href=\"" + url + "\">news</a> (official): the page "
            "of <code>nies_energy_demo_2010</code>, whose file this build did not read") in page
    assert "61 of 108 announced selections and 33 of 471 announced platform members" in page
    assert "Official sources read" not in page


def test_every_file_origin_is_worded() -> None:
    from pipeline.serve import ORIGIN_WORDS
    from schemas.vocabularies import EXTRACTED_ORIGINS

    assert set(ORIGIN_WORDS) == set(EXTRACTED_ORIGINS)


# --- the running server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_serve(out: Path, port: int) -> subprocess.Popen[str]:
    """`python -m pipeline serve` in its own process group; returns once it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--out-dir", str(out), "--port", str(port)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                kill_group(process)
                pytest.fail(f"the server did not start: {process.communicate()[0]}")
            time.sleep(0.3)


def kill_group(process: subprocess.Popen[str]) -> None:
    """Whatever is left of the server's process group (the test's own processes only)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def server(fixture_build: tuple[Path, Path]) -> Iterator[str]:
    """`python -m pipeline serve` on a free loopback port; stopped with SIGINT (Ctrl-C)."""
    require(datasette_installed(), "Datasette (the serve extra: pip install -e '.[serve]')")
    _, out = fixture_build
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_serve(out, port)
    yield base
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's process group
    try:
        assert process.wait(timeout=20) == 0, process.communicate()[0]
    finally:
        kill_group(process)


def get_json(base: str, path: str, **params: str) -> dict | list:
    url = f"{base}{urllib.parse.quote(path)}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def parquet(fixture_build: tuple[Path, Path], table: str) -> pd.DataFrame:
    return pd.read_parquet(fixture_build[1] / "parquet" / f"{table}.parquet")


@pytest.mark.slow
def test_every_table_is_served_with_its_row_count(server: str, fixture_build) -> None:
    database = get_json(server, "/smartcity.json")
    counts = {t["name"]: t["count"] for t in database["tables"]}
    assert counts == {table: len(parquet(fixture_build, table)) for table in TABLES}
    assert [v["name"] for v in database["views"]] == [VIEW_NAME]


def test_canned_queries_give_duckdb_rows(server: str, fixture_build) -> None:
    """Each example query, run by Datasette on SQLite, gives DuckDB's rows on the DuckDB file."""
    from pipeline.serve import named_queries

    _, out = fixture_build
    queries = named_queries()
    with_rows = 0
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        for name, query in queries.items():
            expected = [list(map(sqlite_value, row)) for row in db.execute(query["sql"]).fetchall()]
            result = get_json(server, f"/smartcity/{name}.json", _shape="arrays")
            assert result["rows"] == expected, name
            with_rows += bool(expected)
    assert len(queries) >= 10 and with_rows >= len(queries) - 1  # missing_sources: none here


def test_facet_counts(server: str, fixture_build) -> None:
    result = get_json(server, "/smartcity/platform_members.json", _size="0")
    facet = {r["value"]: r["count"] for r in result["facet_results"]["category"]["results"]}
    assert facet == parquet(fixture_build, "platform_members")["category"].value_counts().to_dict()


def test_foreign_keys_show_labels(server: str, fixture_build) -> None:
    programs = parquet(fixture_build, "programs").set_index("program_id")["name_ja"]
    result = get_json(server, "/smartcity/selections.json", _labels="on", _shape="objects",
                      _size="max")
    assert result["rows"]
    for row in result["rows"]:
        assert row["program_id"]["label"] == programs[row["program_id"]["value"]]


def test_japanese_contains_filter_round_trips(server: str, fixture_build) -> None:
    municipalities = parquet(fixture_build, "municipalities")
    expected = sorted(municipalities.loc[municipalities["name_ja"].str.contains("前橋"),
                                         "name_ja"])
    result = get_json(server, "/smartcity/municipalities.json", name_ja__contains="前橋",
                      _shape="objects")
    assert expected and sorted(r["name_ja"] for r in result["rows"]) == expected


def test_server_is_read_only(server: str) -> None:
    (database,) = get_json(server, "/-/databases.json")
    assert database["name"] == "smartcity" and database["is_mutable"] is False
    assert get_json(server, "/-/plugins.json") == []  # none beyond Datasette's own
    with pytest.raises(urllib.error.HTTPError):
        get_json(server, "/smartcity.json", sql="DELETE FROM programs")
    assert get_json(server, "/smartcity.json", sql="SELECT count(*) AS n FROM programs",
                    _shape="array") == [{"n": 14}]


@pytest.mark.slow
def test_stopping_serve_stops_the_server(fixture_build: tuple[Path, Path]) -> None:
    """SIGTERM to `pipeline serve` (not to its group) leaves no Datasette behind on the port."""
    require(datasette_installed(), "Datasette (the serve extra: pip install -e '.[serve]')")
    _, out = fixture_build
    port = free_port()
    process = start_serve(out, port)
    try:
        process.terminate()  # the parent only, as `kill PID` would
        assert process.wait(timeout=20) == 0
        time.sleep(1)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
    finally:
        kill_group(process)


def test_serve_listens_on_loopback_by_default() -> None:
    from pipeline.cli import _parser

    args = _parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8001)


# --- a real browser ---------------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")
WINDOW = (1280, 900)


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    require(binary is not None, "chromium (Debian package chromium; .ci/run installs it)")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", *args],
            capture_output=True, text=True, timeout=120, check=True,
        )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_browser_renders_the_front_page(server: str, fixture_build) -> None:
    dom = chromium("--dump-dom", f"{server}/").stdout
    assert "Japan smart-city initiatives" in dom
    assert "Complete</strong>" in dom  # the fixture build is complete
    assert "subsidy FY2019 first: 1 held of 4 announced" in dom  # a coverage gap (datapackage)
    assert "Creative Commons Attribution 4.0 International" in dom
    assert f"in {len(TABLES)} tables, 1 view" in dom


@pytest.mark.slow
def test_browser_front_page_lists_files_read_apart_from_pages_cited(
    server: str, fixture_build
) -> None:
    """As the browser built the page: the files of the build (origin bundled, fetched, wayback,
    manual) in one list, the pages cited (origin cited) in another, none in both."""
    dom = chromium("--dump-dom", f"{server}/").stdout
    lists = _front_lists(dom)
    sources = parquet(fixture_build, "sources")
    extracted = sources[sources["origin"].isin(["bundled", "fetched", "wayback", "manual"])]
    cited = sources[sources["origin"] == "cited"]
    assert sorted(lists["files-read"]) == sorted(extracted["source_id"])
    assert sorted(lists["pages-cited"]) == sorted(cited["source_id"])
    assert len(cited) > 0 and len(extracted) > 0
    assert "Files read for this build" in dom and "Pages cited by the hand transcriptions" in dom
    assert "Official sources read" not in dom


@pytest.mark.slow
def test_browser_renders_a_table_page(server: str, tmp_path: Path) -> None:
    url = f"{server}/smartcity/selection_areas?lg_code=102016"  # 前橋市
    dom = chromium("--dump-dom", url).stdout
    assert "前橋市" in dom  # the lg_code label, in Japanese, as the browser built the page
    assert "selection_areas" in dom and "Selection" in dom
    screenshot = tmp_path / "table.png"
    chromium(f"--screenshot={screenshot}", url)
    assert png_size(screenshot) == WINDOW
    assert screenshot.stat().st_size > 20_000  # a page with text, not a blank window


def test_readme_shows_how_to_browse_and_stop() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make serve" in text and "Ctrl-C" in text
    images = re.findall(r"!\[[^\]]*\]\((docs/img/[^)]+\.png)\)", text)
    assert len(images) >= 2
    for image in images:
        width, height = png_size(REPO / image)
        assert width >= 800 and height >= 600 and (REPO / image).stat().st_size < 300_000
