"""The publication opens in the tools its users have, as they use them: DuckDB 1.1 (Python) and
the DuckDB shell in a real terminal (`make shell`), the README's CSV lines for pandas and polars
(codes stay text), and `frictionless validate` from the command line.

The old DuckDB and the shell are installed by the Makefile (`make test`); outside CI a test
whose tool is absent is skipped with the reason, in CI (CI=true) it fails."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.publish.writers import DUCKDB_STORAGE_VERSION
from tests.conftest import REPO

OLD_DUCKDB = REPO / ".cache" / "compat" / "duckdb-1.1"  # make test installs it (Makefile)
SHELL_BINARY = REPO / ".venv" / "bin" / "duckdb"  # what `make shell` runs (duckdb-cli)
BASE_STAMP = ".venv/.installed-base"  # make -o: never (re)install from a test


def require(path: Path, what: str) -> None:
    """Skip without ``path`` on a developer's machine; fail in CI, where make installs it."""
    if path.exists():
        return
    message = f"{path} is missing: {what} is installed by `make test`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# -- DuckDB ----------------------------------------------------------------------------------

OLD_READER = """
import json, sys
import duckdb
db = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "sapporo": db.execute(
        "SELECT lg_code, lg_code5 FROM municipalities WHERE name_ja = '札幌市'").fetchall(),
    "counts": {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("municipalities", "selections", "selection_areas")},
    "view_rows": db.execute("SELECT count(*) FROM municipality_participation").fetchone()[0],
    "comment": db.execute(
        "SELECT comment FROM duckdb_tables() WHERE table_name = 'municipalities'").fetchone()[0],
}))
"""


def test_python_duckdb_1_1_opens_the_published_file(fixture_build: tuple[Path, Path]) -> None:
    require(OLD_DUCKDB, "duckdb 1.1 (requirements/compat-duckdb-1.1.txt)")
    _, out = fixture_build
    env = {**os.environ, "PYTHONPATH": str(OLD_DUCKDB)}  # before site-packages' duckdb
    done = subprocess.run(
        [sys.executable, "-c", OLD_READER, str(out / "smartcity.duckdb")],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["version"].startswith("1.1.")
    assert seen["sapporo"] == [["011002", "01100"]]
    for table, count in seen["counts"].items():
        assert count == len(pd.read_parquet(out / "parquet" / f"{table}.parquet")), table
    assert seen["view_rows"] > 0 and seen["comment"]


def test_file_is_written_in_the_old_storage_format(fixture_build: tuple[Path, Path]) -> None:
    _, out = fixture_build
    header = (out / "smartcity.duckdb").read_bytes()[:20]
    # The main header: a checksum, b"DUCK", then the storage version number as uint64. 64 is
    # the number of DuckDB 1.0-1.1 files (1.1 reads 64 only); duckdb 2.x writes more otherwise.
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64, DUCKDB_STORAGE_VERSION


class Terminal:
    """A program in a real terminal (tmux, on a server of its own): DuckDB's shell asks the
    terminal questions (background colour, cursor position) that only a terminal answers."""

    def __init__(self, command: str, cwd: Path, socket_name: str):
        self.tmux = ["tmux", "-L", socket_name]
        subprocess.run(
            [*self.tmux, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40",
             "-c", str(cwd), f"{command}; echo \"exit status $?\"; sleep 60"],
            check=True, timeout=30,
        )

    def screen(self) -> str:
        return subprocess.run([*self.tmux, "capture-pane", "-p", "-S", "-100"],
                              capture_output=True, text=True, timeout=30).stdout

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while text not in (screen := self.screen()):
            assert time.monotonic() < deadline, f"waited {timeout}s for {text!r}:\n{screen}"
            time.sleep(0.3)
        return screen

    def type(self, line: str) -> None:
        """Type ``line`` and Enter (tmux reads a trailing ';' as its own separator: escaped)."""
        subprocess.run([*self.tmux, "send-keys", "-l", line.removesuffix(";")], check=True)
        keys = ["\\;", "Enter"] if line.endswith(";") else ["Enter"]
        subprocess.run([*self.tmux, "send-keys", *keys], check=True)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True, timeout=30)


def test_make_shell_answers_a_query_in_a_terminal(
    fixture_build: tuple[Path, Path], tmp_path: Path
) -> None:
    require(SHELL_BINARY, "the DuckDB shell (duckdb-cli)")
    if shutil.which("tmux") is None:
        require(Path("/usr/bin/tmux"), "tmux (a terminal for the test; apt-get install tmux)")
    _, out = fixture_build
    terminal = Terminal(f"make -s -o {BASE_STAMP} shell OUT_DIR={out}", REPO,
                        f"jp-smartcity-test-{os.getpid()}")
    try:
        banner = terminal.wait_for("smartcity D")  # the prompt: the catalog, then D
        assert re.search(r"DuckDB v1\.\d+", banner), banner
        terminal.type("SELECT lg_code, lg_code5 FROM municipalities WHERE name_ja = '札幌市';")
        answer = terminal.wait_for("01100 ")
        assert re.search(r"011002\s*│\s*01100\s", answer), answer
        terminal.type(".quit")
        terminal.wait_for("exit status 0")
    finally:
        terminal.close()


def test_make_shell_without_a_publication_says_so(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "-s", "-o", BASE_STAMP, "shell", f"OUT_DIR={tmp_path}"],
        cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert done.returncode == 2
    assert "does not exist yet: run make first" in done.stderr


def test_make_sql_without_a_query_prints_usage_and_exits_2() -> None:
    done = subprocess.run(
        ["make", "-s", "-o", BASE_STAMP, "sql"],
        cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert done.returncode == 2
    assert 'usage: make sql Q="' in done.stderr


# -- CSV: the README's lines keep codes as text --------------------------------------------


def readme_block(marker: str) -> str:
    """The README code block whose first line carries ``marker``."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```\w*\n(.*?)^```$", readme, flags=re.S | re.M)
    return next(block for block in blocks if marker in block.splitlines()[0])


@pytest.fixture
def in_publication_parent(fixture_build: tuple[Path, Path], monkeypatch) -> Path:
    """cwd where ``processed/`` is the fixture build, as the README's paths expect."""
    _, out = fixture_build
    if out.name != "processed":
        pytest.fail(f"the fixture build is not named processed/: {out}")
    monkeypatch.chdir(out.parent)
    return out


def expected_codes(out: Path) -> list[str]:
    codes = pd.read_parquet(out / "parquet" / "selection_areas.parquet")["lg_code"].tolist()
    assert any(c.startswith("0") for c in codes), "the fixture needs a code with a leading 0"
    return codes


def test_readme_pandas_csv_line_keeps_lg_code_as_text(in_publication_parent: Path) -> None:
    names: dict = {}
    exec(readme_block("# pandas: CSV"), names)
    areas = names["areas"]
    assert areas["lg_code"].tolist() == expected_codes(in_publication_parent)
    assert "selection_id" in areas.columns  # the BOM did not end up in the first column name


def test_readme_polars_csv_line_keeps_lg_code_as_text(in_publication_parent: Path) -> None:
    names: dict = {}
    exec(readme_block("# polars: CSV"), names)
    areas = names["areas"]
    assert areas["lg_code"].to_list() == expected_codes(in_publication_parent)
    assert "selection_id" in areas.columns


# -- frictionless ----------------------------------------------------------------------------


@pytest.mark.slow
def test_frictionless_validate_command_passes(in_publication_parent: Path) -> None:
    """The README's command, with the package the README names (frictionless[parquet])."""
    command = Path(sys.executable).parent / "frictionless"
    assert "frictionless validate processed/datapackage.json" in (REPO / "README.md").read_text(
        encoding="utf-8"
    )
    done = subprocess.run(
        [str(command), "validate", "processed/datapackage.json"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "200"},  # wide enough that no resource path is cut
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "parquet/municipalities.parquet" in done.stdout  # the Parquet resources were read
    assert "INVALID" not in done.stdout
