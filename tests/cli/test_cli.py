"""The command line as a user meets it: `python -m pipeline ...` in a subprocess, its exit codes
(README's table), and what it prints when it refuses something."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from tests.conftest import REPO


def cli(*args: str, python: list[str] | None = None, cwd: Path = REPO,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m pipeline ARGS`` with this worktree's package first on the path."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [*(python or [sys.executable]), "-m", "pipeline", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def offline_raw(repo_raw: Path, tmp_path: Path) -> Path:
    """The committed raw/ (root document and transcriptions), as a fresh clone has it."""
    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    return raw


@pytest.mark.slow
def test_a_users_files_survive_build_force(offline_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "processed"
    first = cli("build", "--raw-dir", str(offline_raw), "--out-dir", str(out))
    assert first.returncode == EXIT_OK, first.stderr
    (out / "my_analysis.csv").write_text("lg_code,note\n010006,mine\n", encoding="utf-8")
    (out / "notebooks").mkdir()
    (out / "notebooks" / "explore.ipynb").write_text('{"cells": []}', encoding="utf-8")
    (out / "report").mkdir()
    (out / "report" / "README.md").write_text("# figures\n", encoding="utf-8")

    again = cli("build", "--force", "--raw-dir", str(offline_raw), "--out-dir", str(out))
    assert again.returncode == EXIT_OK, again.stderr
    assert (out / "my_analysis.csv").read_text(encoding="utf-8") == "lg_code,note\n010006,mine\n"
    assert (out / "notebooks" / "explore.ipynb").read_text(encoding="utf-8") == '{"cells": []}'
    assert (out / "report" / "README.md").read_text(encoding="utf-8") == "# figures\n"
    assert "kept 3 file(s) of yours" in again.stdout
    assert "my_analysis.csv" in again.stdout and "notebooks/" in again.stdout
    assert "run `make report` to redraw them" in again.stdout
    # No cache (nor anything else) was written beside the user's --out-dir.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw"]

    # `make clean` (this command) deletes the publication and the figures, never the rest.
    cleaned = cli("clean", "--out-dir", str(out))
    assert cleaned.returncode == EXIT_OK, cleaned.stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        ".publication-removed", "my_analysis.csv", "notebooks", "notebooks/explore.ipynb"
    ]  # the marker: the folder stays the build's to publish into
    assert "kept your files: my_analysis.csv, notebooks/" in cleaned.stdout
    rebuilt = cli("build", "--raw-dir", str(offline_raw), "--out-dir", str(out))
    assert rebuilt.returncode == EXIT_OK, rebuilt.stderr
    assert (out / "datapackage.json").is_file() and not (out / ".publication-removed").exists()
    assert (out / "my_analysis.csv").is_file()
    assert cli("clean", "--out-dir", str(out)).returncode == EXIT_OK
    (out / "my_analysis.csv").unlink()
    shutil.rmtree(out / "notebooks")
    assert cli("clean", "--out-dir", str(out)).returncode == EXIT_OK
    assert not out.exists()


def test_out_dir_that_is_a_file_is_a_usage_error(offline_raw: Path, tmp_path: Path) -> None:
    target = tmp_path / "data.csv"
    target.write_text("mine\n", encoding="utf-8")
    for command in ("build", "all", "check"):
        done = cli(command, "--offline", "--raw-dir", str(offline_raw), "--out-dir", str(target))
        assert done.returncode == EXIT_USAGE, (command, done.stderr)
        assert "is a file" in done.stderr and "Traceback" not in done.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "raw"]


def test_folder_that_is_not_a_publication_is_a_usage_error(offline_raw, tmp_path) -> None:
    folder = tmp_path / "my-data"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me", encoding="utf-8")
    done = cli("build", "--raw-dir", str(offline_raw), "--out-dir", str(folder))
    assert done.returncode == EXIT_USAGE
    assert "not a publication" in done.stderr
    assert [p.name for p in folder.iterdir()] == ["precious.txt"]


def test_debug_with_an_unknown_source_id_lists_the_known_ones(offline_raw: Path) -> None:
    done = cli("debug", "no_such_source", "--raw-dir", str(offline_raw))
    assert done.returncode == EXIT_USAGE
    assert "unknown source id 'no_such_source'" in done.stderr
    assert "mlit_scpf_members" in done.stderr and "document" in done.stderr


def test_a_python_without_the_dependencies_says_run_make(tmp_path: Path) -> None:
    """-S: no site-packages, as the system python3 without pandas; the package from PYTHONPATH."""
    done = cli("build", "--out-dir", str(tmp_path / "p"), python=[sys.executable, "-S"],
               cwd=tmp_path)
    assert done.returncode == EXIT_ERROR
    assert "run `make`" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "p").exists()


def test_help_needs_no_dependencies(tmp_path: Path) -> None:
    done = cli("--help", python=[sys.executable, "-S"], cwd=tmp_path)
    assert done.returncode == EXIT_OK and "Exit codes" in done.stdout


def _registry_pointing_at(base: str, target: Path) -> Path:
    """The real registry with every fetched source's URL on ``base`` (TOML written by hand:
    strings and booleans only, JSON-escaped, which TOML basic strings accept)."""
    import tomllib

    from pipeline.workspace.registry import DEFAULT_REGISTRY

    entries = tomllib.loads(DEFAULT_REGISTRY.read_text(encoding="utf-8"))["source"]
    lines = []
    for entry in entries:
        entry = dict(entry)
        if entry["kind"] in ("linked", "remote"):
            entry.pop("link", None)
            entry["url"] = f"{base}/{entry['source_id']}.pdf"
        lines.append("[[source]]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}"
                  for key, value in entry.items()]
        lines.append("")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.mark.slow
def test_make_with_a_network_that_never_answers_finishes_in_90_s(offline_raw, tmp_path):
    """`python -m pipeline all` (what `make` runs) with default deadlines, every source host a
    local server that accepts connections and never answers; any other host (the Internet
    Archive) goes through it too, as a proxy, so nothing leaves 127.0.0.1. On a terminal, as a
    user runs it: each request is shown as it happens, and what stays names the deadline."""
    import time

    from tests.cli.terminal import run_on_terminal
    from tests.fetch_server import SilentServer

    with SilentServer() as silent:
        registry = _registry_pointing_at(silent.base, tmp_path / "sources.toml")
        env = {"HTTP_PROXY": silent.base, "HTTPS_PROXY": silent.base, "NO_PROXY": "",
               "http_proxy": silent.base, "https_proxy": silent.base, "no_proxy": ""}
        environment = {k: v for k, v in os.environ.items() if k != "CI"}
        started = time.monotonic()
        done = run_on_terminal(
            [sys.executable, "-m", "pipeline", "all", "--raw-dir", str(offline_raw),
             "--out-dir", str(tmp_path / "processed"), "--sources", str(registry)],
            cwd=REPO, env={**environment, "PYTHONPATH": str(REPO), **env}, timeout=180,
        )
        elapsed = time.monotonic() - started
    assert done.returncode == EXIT_OK, done.output[-2000:]
    assert elapsed < 90, elapsed
    assert f"GET {silent.base}/" in done.output  # progress was shown as it happened
    stays = "\n".join(done.lines_that_stay)
    assert f"GET {silent.base}/" not in stays  # ... on the status line, which is gone
    # the list of missing sources says why (the deadline) above the sources it kept out,
    # then each of them once, with the URL to download it from by hand
    missing = json.loads((tmp_path / "processed" / "datapackage.json").read_text(
        encoding="utf-8"))["missing_sources"]
    listed = stays.split(f"{len(missing)} source(s) not in raw/; ")[1].split("\npublished, ")[0]
    reasons = re.findall(r"^  (\S.*) \((\d+)\):$", listed, re.M)
    assert reasons and all("deadline" in why for why, _ in reasons)
    assert sum(int(n) for _, n in reasons) == len(missing)
    for source_id in missing:
        assert len(re.findall(rf"^    {source_id} +{silent.base}/", listed, re.M)) == 1
    assert re.search(r"^fetch: \d+ source\(s\): .*\d+ not downloaded", stays, re.M)
    assert re.search(r"^published, INCOMPLETE \(\d+ source\(s\) missing\): ", stays, re.M)
    assert (tmp_path / "processed" / "datapackage.json").exists()


def test_make_sources_lists_the_official_source_of_each_announced_list() -> None:
    """`make sources`, as README shows it, on this checkout's raw/ (read only)."""
    if not shutil.which("make") or not (REPO / ".venv" / "bin" / "python").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run `make sources`: make or .venv is missing")
        pytest.skip("needs make and the project's .venv (make test installs both)")
    done = subprocess.run(["make", "-s", "sources"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^document +bundled +document/", done.stdout, re.M)
    lists, records = done.stdout.split("Official announcement of each announced list")[1].split(
        "Each announcement (pipeline/announced.toml")
    assert "scpf_2019" in lists and "mlit_scpf_members (" in lists
    # every announced list has its official source, but the one no official list is known for
    # (MIC's FY2025 list is the joint list, registered without a URL: no page gives it)
    unsourced = [line.split()[0] for line in lists.splitlines() if "none registered" in line]
    assert unsourced == ["smartcity_implementation_2022/handson_support"]
    assert re.search(r"^  regional_dx_package_2025/smartcity_project +2 announced +"
                     r"cao_smartcity_joint_2025_list \(missing\)$", lists, re.M)
    assert "cao_smartcity_joint_2021 (missing)" in lists  # read by its extractor once held
    assert "mic_data_linkage_2021 (missing, no extractor yet)" in lists
    # one line per programme x track x fiscal year x round, with its count or '-'
    assert re.search(r"^  FY2024 future_tech_2020/selected_project +- +date not known", records,
                     re.M)
    assert re.search(r"^  FY2023 regional_smartcity_2022/subsidy \(additional\) +3 +2023-10-02 +"
                     r"mic_kanto_regional_smartcity_2023_r2 \(", records, re.M)


@pytest.mark.slow
def test_debug_prints_the_role_of_each_line(tmp_path: Path) -> None:
    """What a user who meets a new heading sees: `debug SOURCE --page N` prints each printed
    row with the role the reader gave it (an unknown heading shows as a heading inferred from
    its entries), why the other readings were refused, then the pictures."""
    from tests.fixtures.make_fixtures import MEMBER_FILE, make_fixture_raw
    from tests.fixtures.pdfkit import GOTHIC, draw_text, write_pdf

    raw = make_fixture_raw(tmp_path / "raw", members="numbered_headings")
    pictures = tmp_path / "pictures"
    done = cli("debug", "mlit_scpf_members", "--page", "1", "--raw-dir", str(raw),
               "--pictures", str(pictures))
    assert done.returncode == EXIT_OK, done.stderr
    lines = done.stdout.splitlines()
    assert "p1  heading       １．企業等（304団体）" in lines
    assert "p1  furniture     ※五十音順・敬称略" in lines
    assert any(line.startswith("p1  entry         テストさくら商事株式会社 ") for line in lines)
    assert not any(line.startswith("p2") for line in lines)
    assert lines[0] == f"{raw / MEMBER_FILE}: the role of each printed line (page, role, text)"
    assert lines[-1] == str(pictures / f"mlit_scpf_members-{Path(MEMBER_FILE).stem}-p001.png")
    assert [p.suffix for p in pictures.iterdir()] == [".png"]

    def page(c) -> None:  # type: ignore[no-untyped-def]
        for top, text in ((60, "◎ 地方公共団体会員（112）"), (80, "札幌市")):
            draw_text(c, 60, top, text, GOTHIC, 10)

    write_pdf(raw / MEMBER_FILE, [page])  # SYNTHETIC: a heading the layout file lacks
    done = cli("debug", "mlit_scpf_members", "--raw-dir", str(raw), "--pictures", str(pictures))
    assert done.returncode == EXIT_OK, done.stderr
    shown = done.stdout.splitlines()
    assert "p1  heading?      ◎ 地方公共団体会員（112）" in shown  # read as a heading, inferred
    assert any(line.startswith("reading closest (refused): ") and "local_government" in line
               for line in shown)  # the heading's entries are local governments, too few
    assert any(line.startswith("other reading: ") and "stands under no category label" in line
               for line in shown)


@pytest.mark.slow
def test_debug_of_an_attachment_uses_its_parents_extractor(tmp_path: Path) -> None:
    """The build names an attachment's own id in its errors (meti_smc_release_<file>): `debug`
    with that id shows what the parent's extractor made of each line, not a bare picture."""
    from tests.fixtures.make_fixtures import make_fixture_raw

    raw = make_fixture_raw(tmp_path / "raw")
    done = cli("debug", "meti_smc_release_20190618004_01", "--page", "1", "--raw-dir", str(raw),
               "--pictures", str(tmp_path / "png"))
    assert done.returncode == EXIT_OK, done.stderr
    roles = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("p1 ")]
    assert "header" in roles and "entry" in roles
