"""`make` as a new user meets it: a fresh clone (this checkout's code and committed raw/, with
the project's .venv linked in), offline (OFFLINE=1: no test touches the network), run in a
subprocess, on a pipe and on a real pseudo-terminal.

Issue 20, items 1, 2, 3, 5 and 6: `make clean` then `make` builds again; `make sql` passes any
query through untouched; `make check`'s exit status and the pipeline's; the end of `make`'s
output; a no-op `make` decides before loading pandas.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipeline.workspace.registry import load_registry
from tests.cli.terminal import run_on_terminal
from tests.conftest import REPO

BASE_STAMP = ".venv/.installed-base"  # make -o: never (re)install from a test
# What a clone holds that `make` reads (tests, docs and examples play no part in a build).
CLONED = ("Makefile", "pyproject.toml", "README.md", "requirements", "pipeline", "schemas")
COMMITTED_RAW = ("document", "manual")


def _environment(**extra: str) -> dict[str, str]:
    """The user's environment: no CI, no make variables inherited from a `make test` run."""
    skip = {"CI", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "OUT_DIR", "RAW_DIR", "OFFLINE", "Q"}
    return {k: v for k, v in os.environ.items() if k not in skip} | extra


def make(clone: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-o", BASE_STAMP, *args], cwd=clone, env=_environment(**env),
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
    )


def _require_make() -> None:
    if shutil.which("make") and (REPO / ".venv" / "bin" / "python").exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run make: make or .venv is missing")
    pytest.skip("needs make and the project's .venv (make test installs both)")


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone: the code and the committed raw/, nothing built, nothing fetched."""
    _require_make()
    root = tmp_path_factory.mktemp("clone") / "jp-smartcity"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    for name in CLONED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    for name in COMMITTED_RAW:
        shutil.copytree(REPO / "raw" / name, root / "raw" / name, ignore=ignore)
    (root / ".venv").symlink_to(REPO / ".venv")
    return root


@pytest.fixture(scope="module")
def first_make(clone: Path) -> subprocess.CompletedProcess[str]:
    """`make` on the fresh clone, its output on a pipe (as CI and `make | tee` see it)."""
    done = make(clone, "OFFLINE=1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _missing_sources(out: Path) -> list[str]:
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["missing_sources"]


@pytest.mark.slow
def test_make_ends_with_where_the_data_is_how_to_look_and_what_is_missing(
    clone: Path, first_make: subprocess.CompletedProcess[str]
) -> None:
    out = clone / "processed"
    missing = _missing_sources(out)
    assert missing, "the committed raw/ alone is incomplete"
    assert first_make.stderr == ""  # no terminal: no progress, nothing but the result
    assert "\r" not in first_make.stdout and "\x1b" not in first_make.stdout
    lines = first_make.stdout.splitlines()
    # Dozens are missing offline: one heading says where their files go, one says why, then
    # each source once, on a line of its own: its id and, in a column, the URL to download.
    heading = lines.index(f"{len(missing)} source(s) not in raw/; download each by hand from "
                          "the address given into raw/<source_id>/:")
    urls = {s.source_id: s.url for s in load_registry(clone / "raw")}
    located = [s for s in missing if urls[s]]
    assert lines[heading + 1] == f"  offline: not downloaded ({len(located)}):"
    listed = lines[heading + 2:heading + 2 + len(located)]
    width = max(map(len, missing))
    assert listed == [f"    {s:{width}}  {urls[s]}" for s in located]
    # the sources no page gives a URL for (the joint lists of FY2024 and FY2025): where the
    # file goes, under their own reason
    unlocated = [s for s in missing if not urls[s]]
    at = heading + 2 + len(located)
    assert unlocated and lines[at] == f"  no URL is known ({len(unlocated)}):"
    assert lines[at + 1:at + 1 + len(unlocated)] == [
        f"    {s:{width}}  no URL is known: put its file in raw/{s}/" for s in unlocated]
    for source_id in missing:
        assert len([li for li in lines if re.search(rf"\b{source_id}\b", li)]) == 1, source_id
    *_, where, look, what = lines
    assert where == f"published, INCOMPLETE ({len(missing)} source(s) missing): {out}"
    assert 'make sql Q="SELECT' in look and "make serve" in look
    assert what.startswith(f"  missing: {len(missing)} source(s)")
    assert "make sources" in what and "When a site cannot be reached" in what
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    heading = "### When a site cannot be reached"  # the README section the line names
    assert heading in readme
    # README's example is this output, as printed (its elisions aside)
    example = re.search(r"`make OFFLINE=1` on a fresh clone.*?```text\n(.*?)```", readme, re.S)
    assert example, "README shows the end of `make OFFLINE=1`"
    shown = [line.replace("/home/you/jp-smartcity", str(clone))
             for line in example.group(1).splitlines() if "…" not in line]
    assert shown and all(line in lines for line in shown), shown


@pytest.mark.slow
def test_on_a_terminal_progress_shows_as_it_happens_and_goes(
    clone: Path, first_make: subprocess.CompletedProcess[str]
) -> None:
    """A build into a new folder, on a terminal: each stage shows on a status line rewritten in
    place, and what stays is what the same build says on a pipe."""
    done = run_on_terminal(
        ["make", "-o", BASE_STAMP, "OFFLINE=1", "OUT_DIR=on-a-terminal"], clone,
        _environment(), timeout=600,
    )
    assert done.returncode == 0, done.output[-3000:]
    for stage in ("extract: ", "validate: ", "publish: "):
        assert f"\r\x1b[K{stage}" in done.output, stage
    stays = done.lines_that_stay
    assert not any(line.startswith(("extract: ", "validate: ", "publish: ")) for line in stays)
    on_a_pipe = first_make.stdout.splitlines()
    assert stays[-1] == on_a_pipe[-1]  # what is missing
    assert stays[-2] == on_a_pipe[-2].replace("make sql ", "make sql OUT_DIR=on-a-terminal ")\
        .replace("make shell ", "make shell OUT_DIR=on-a-terminal ")\
        .replace("make serve ", "make serve OUT_DIR=on-a-terminal ")  # how to look at it
    assert stays[-3] == on_a_pipe[-3].replace(
        str(clone / "processed"), str(clone / "on-a-terminal"))  # where it is


@pytest.mark.slow
def test_in_ci_a_terminal_shows_no_progress(clone: Path) -> None:
    done = run_on_terminal(
        ["make", "-o", BASE_STAMP, "OFFLINE=1", "OUT_DIR=in-ci"], clone,
        _environment(CI="true"), timeout=600,
    )
    assert done.returncode == 0, done.output[-3000:]
    assert "\x1b[K" not in done.output and "extract: " not in done.output
    assert "published, INCOMPLETE (" in done.output


@pytest.mark.slow
def test_a_no_op_make_decides_before_loading_pandas(
    clone: Path, first_make: subprocess.CompletedProcess[str]
) -> None:
    """Nothing changed: `make` says up to date without importing pandas or pandera (their
    import alone took most of a no-op's time); `make bench` reports how long it takes."""
    done = make(clone, "OFFLINE=1", PYTHONPROFILEIMPORTTIME="1")
    assert done.returncode == 0, done.stderr[-3000:]
    imported = {m.group(1).strip() for m in re.finditer(r"^import time:.*\|\s*(\S+)\s*$",
                                                        done.stderr, re.M)}
    assert "pipeline.build" in imported and "pipeline.fetch" in imported  # it did run
    assert not {m for m in imported if m.split(".")[0] in ("pandas", "pandera")}
    assert "\nup to date, INCOMPLETE (" in done.stdout


@pytest.mark.slow
def test_make_check_exits_2_and_the_readme_shows_the_pipelines_code(
    clone: Path, first_make: subprocess.CompletedProcess[str]
) -> None:
    """make turns every failed command into its own status 2: README says so, and shows the
    command that gives the pipeline's code (4: a source is missing)."""
    done = make(clone, "check")
    assert done.returncode == 2
    assert re.search(r"make: \*\*\* \[Makefile:\d+: check\] Error 4", done.stderr)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(make check; echo .*?)```", readme, re.S)
    assert block, "README shows `make check; echo ...` in a sh block"
    ran = subprocess.run(["bash", "-c", block.group(1)], cwd=clone, env=_environment(),
                         capture_output=True, text=True, timeout=600)
    assert "make: 2" in ran.stdout and "pipeline: 4" in ran.stdout, ran.stdout + ran.stderr


@pytest.mark.slow
def test_make_clean_keeps_your_files_and_make_builds_there_again(
    clone: Path, first_make: subprocess.CompletedProcess[str]
) -> None:
    out = clone / "processed"
    (out / "my_notes.md").write_text("mine\n", encoding="utf-8")
    cleaned = make(clone, "clean")
    assert cleaned.returncode == 0, cleaned.stderr
    assert "kept your files: my_notes.md" in cleaned.stdout
    assert not (out / "datapackage.json").exists()
    for target in ("all", "build"):
        done = make(clone, target, "OFFLINE=1")
        assert done.returncode == 0, (target, done.stderr[-3000:])
        assert "not a publication" not in done.stderr
        assert (out / "datapackage.json").is_file(), target
        assert (out / "my_notes.md").read_text(encoding="utf-8") == "mine\n"
        # each missing source once; `make build` fetched nothing, so it gives no reason
        for source_id in _missing_sources(out):
            assert len(re.findall(rf"^ +{source_id} +(http|no URL is known)", done.stdout,
                                  re.M)) == 1, source_id
        assert ("  offline: not downloaded (" in done.stdout) == (target == "all")
        assert make(clone, "clean").returncode == 0


QUERIES = {  # issue 20's two queries: a $ and parentheses, and quotes with % inside
    "villages": "SELECT name_ja FROM municipalities WHERE regexp_matches(name_ja, '村$') "
                "ORDER BY lg_code",
    "smart city programmes": "SELECT program_id, name_en FROM programs "
                             "WHERE name_en LIKE '%Smart City%' ORDER BY program_id",
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_make_sql_prints_the_answer_and_nothing_else(
    query: str, fixture_build: tuple[Path, Path]
) -> None:
    _require_make()
    _, out = fixture_build
    done = subprocess.run(
        ["make", "-s", "-o", BASE_STAMP, "sql", f"OUT_DIR={out}", f"Q={query}"],
        cwd=REPO, env=_environment(), capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        cursor = db.execute(query)
        header, answer = [d[0] for d in cursor.description], cursor.fetchall()
    assert answer, "the query finds rows in the fixture build"
    printed = [line.split() for line in done.stdout.splitlines()]
    assert printed[0] == header
    assert [row[0] for row in printed[1:]] == [row[0] for row in answer]


def test_ci_runs_the_lint_before_the_tests() -> None:
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in run.splitlines() if line.strip().startswith("make ")]
    assert commands == ["make lint", "make test"]
