"""The Smart Mobility Challenge as a first-time user meets it: `python -m pipeline all` (what
`make` runs) against a METI-style release page served on 127.0.0.1.

The page (Shift_JIS, as METI's pages are) links three attachments: the パイロット地域 list
(header No. | 都道府県 | 地域名 | 主な取組), the 先行モデル事業 list (ruled, its 類型 cell merged
over each group's rows, 瀬戸内エリア printed with three prefectures) and an overview without a
list. Nothing is put into raw/ by hand but the committed root document and transcriptions: the
real fetch stage finds the attachments on the page, archives them, and the build reads them.
Every file served is a SYNTHETIC fixture (tests/fixtures/make_smc_fixtures.py); the counts
checked come from pipeline.announced. The registry is the project's own with every remote URL
pointed at the local server (as tests/cli/test_cli.py does), and the process's proxy is a second
local server, so nothing leaves 127.0.0.1 (the Internet Archive fallback and the DNS probe
included).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from pipeline.announced import SMC_SELECTED_BY_BOTH, SMC_TOTAL_SELECTED
from pipeline.cli import EXIT_INVALID, EXIT_OK
from pipeline.extract.smc_lists import METI_PILOT, MLIT_MODEL, announced_for
from pipeline.workspace.manifest import read_manifest
from pipeline.workspace.registry import DEFAULT_REGISTRY, attachment_source_id
from tests.conftest import REPO
from tests.fetch_server import FaultServer, Reply
from tests.fixtures import make_smc_fixtures as fx
from tests.fixtures.make_bad_fixtures import make_bad_fixtures
from tests.fixtures.make_cao_fixtures import make_cao_fixtures
from tests.fixtures.make_member_fixtures import make_member_fixtures

pytestmark = pytest.mark.slow  # end to end: make test-fast leaves them to make test

RELEASE = "meti_smc_release"
PRESS = "/press/2019/06/20190618004"
PAGE_PATH = f"{PRESS}/{fx.HTML_NAME}"
PILOT_ROWS_PER_PAGE = 7  # fx.meti_list_main_activities
MODEL_ROWS_PER_PAGE = 10  # fx.merged_type_list
ATTACHMENT_IDS = {key: attachment_source_id(RELEASE, name) for key, name in fx.ATTACHMENTS.items()}
# The prefectures' own JIS X 0402 codes (with check digit): 広島県, 岡山県, 香川県.
SETOUCHI_CODES = {"340006", "330001", "370002"}


def _serve_file(server: FaultServer, path: str, file: Path, media_type: str) -> None:
    server.route(path, Reply(200, file.read_bytes(), headers={"Content-Type": media_type}))


def _site(server: FaultServer, made: Path, first_attachment: Path | None = None) -> dict[str, str]:
    """Serve the release, its attachments and the other remote sources; source id -> URL."""
    html = fx.release_html(made / "page" / fx.HTML_NAME)
    _serve_file(server, PAGE_PATH, html, "text/html; charset=Shift_JIS")
    attachments = {
        "meti": first_attachment or fx.meti_list_main_activities(made / "a" / "meti.pdf"),
        "mlit": fx.merged_type_list(made / "a" / "mlit.pdf"),
        "reference": fx.reference_pdf(made / "a" / "reference.pdf"),
    }
    for key, file in attachments.items():
        _serve_file(server, f"{PRESS}/pdf/{fx.ATTACHMENTS[key]}", file, "application/pdf")
    others = {
        "mlit_smc_model_list": ("/common/001293854.pdf",
                                fx.mlit_model_list_copy(made / "o" / "001293854.pdf")),
        "mlit_smc_meti_list": ("/common/001293868.pdf",
                               fx.meti_list_copy(made / "o" / "001293868.pdf")),
        "mlit_scpf_members": ("/common/001302313.pdf",
                              make_member_fixtures(made / "members", layouts=["table"])["table"]),
        "cao_wg6_material": ("/kokkakouzou/shiryou1-4.pdf",
                             make_cao_fixtures(made / "cao")["with_tables"]),
    }
    for path, file in others.values():
        _serve_file(server, path, file, "application/pdf")
    return {RELEASE: server.url(PAGE_PATH)} | {
        sid: server.url(path) for sid, (path, _) in others.items()
    }


def _registry(urls: dict[str, str], base: str, target: Path) -> Path:
    """The project's registry, every remote source at the local server (unknown ones: 404)."""
    entries = tomllib.loads(DEFAULT_REGISTRY.read_text(encoding="utf-8"))["source"]
    lines = []
    for entry in entries:
        entry = dict(entry)
        if entry["kind"] in ("linked", "remote"):
            entry.pop("link", None)
            entry["url"] = urls.get(entry["source_id"], f"{base}/absent/{entry['source_id']}.pdf")
        lines.append("[[source]]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}"
                  for key, value in entry.items()]
        lines.append("")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def _fresh_raw(repo_raw: Path, raw: Path) -> Path:
    """What a fresh clone's raw/ holds: the root document and the transcriptions."""
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    return raw


@pytest.fixture
def servers() -> Iterator[tuple[FaultServer, FaultServer]]:
    """The government site, and the proxy every other host goes through (answers 404)."""
    with FaultServer() as site, FaultServer() as proxy:
        yield site, proxy


def run_all(
    servers: tuple[FaultServer, FaultServer], repo_raw: Path, tmp_path: Path,
    first_attachment: Path | None = None,
) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    site, proxy = servers
    urls = _site(site, tmp_path / "served", first_attachment)
    registry = _registry(urls, site.base, tmp_path / "sources.toml")
    raw = _fresh_raw(repo_raw, tmp_path / "raw")
    out = tmp_path / "processed"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[name] = proxy.base
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "all", "--raw-dir", str(raw), "--out-dir", str(out),
         "--sources", str(registry)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    return done, raw, out


def table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / "parquet" / f"{name}.parquet")


def test_served_release_gives_both_lists_each_row_with_its_page(servers, repo_raw, tmp_path):
    done, raw, out = run_all(servers, repo_raw, tmp_path)
    assert done.returncode == EXIT_OK, done.stdout[-3000:] + done.stderr[-3000:]

    # the fetch stage found the three attachments on the page and archived them
    entries = {e.source_id: e for e in read_manifest(raw)}
    for key, sid in ATTACHMENT_IDS.items():
        assert entries[sid].origin == "fetched" and entries[sid].parent_source_id == RELEASE
        assert (raw / sid / fx.ATTACHMENTS[key]).is_file()
    assert "3 attached PDF(s) found" in done.stdout

    selections = table(out, "selections")
    smc = selections[selections.program_id == "smart_mobility_challenge_2019"]
    official = smc[smc.source_id.str.startswith(f"{RELEASE}_")]
    assert official.groupby("track").size().to_dict() == {
        METI_PILOT: announced_for(METI_PILOT)[1], MLIT_MODEL: announced_for(MLIT_MODEL)[1]}
    assert official.selection_group_id.nunique() == SMC_TOTAL_SELECTED
    per_group = official.groupby("selection_group_id").track.nunique()
    assert (per_group == 2).sum() == SMC_SELECTED_BY_BOTH

    # the published table is in key order: compare each row with its fixture entry by area
    pilots = official[official.track == METI_PILOT]
    assert set(pilots.source_id) == {ATTACHMENT_IDS["meti"]}
    assert sorted(zip(pilots.area_ja, pilots.page, strict=True)) == sorted(
        (e.area, i // PILOT_ROWS_PER_PAGE + 1) for i, e in enumerate(fx.METI_PILOTS))
    models = official[official.track == MLIT_MODEL]
    assert set(models.source_id) == {ATTACHMENT_IDS["mlit"]}
    # (what the transcription adds to a row follows the list's own note, after " | ")
    list_notes = models.note.str.split(" | ", regex=False).str[0]
    assert sorted(zip(models.area_ja, models.page, list_notes, strict=True)) == sorted(
        # the 類型 printed once per group, in a merged cell, reaches every row of its group
        (e.area, i // MODEL_ROWS_PER_PAGE + 1, f"類型: {e.type}")
        for i, e in enumerate(fx.MLIT_MODELS))

    # 瀬戸内エリア lies in all three prefectures its cell names
    setouchi = models[models.area_ja == "瀬戸内エリア"].selection_id.item()
    areas = table(out, "selection_areas")
    links = areas[areas.selection_id == setouchi]
    assert set(links.lg_code) == SETOUCHI_CODES
    assert set(links.link) == {"within_prefecture"}

    sources = table(out, "sources").set_index("source_id")
    assert (sources.loc[list(ATTACHMENT_IDS.values()), "status"] == "ok").all()


def test_a_scanned_first_attachment_is_named_as_the_scanned_file(servers, repo_raw, tmp_path):
    scan = make_bad_fixtures(tmp_path / "bad")["no_text_layer"]
    done, raw, out = run_all(servers, repo_raw, tmp_path, first_attachment=scan)
    assert done.returncode == EXIT_INVALID, done.stdout[-3000:] + done.stderr[-3000:]
    scanned = f"{ATTACHMENT_IDS['meti']}/{fx.ATTACHMENTS['meti']}"
    overview = fx.ATTACHMENTS["reference"]

    terminal = done.stdout + done.stderr
    failed_lines = [ln for ln in terminal.splitlines() if "no text layer" in ln]
    assert failed_lines and all(scanned in ln for ln in failed_lines), terminal[-3000:]
    assert not any(overview in ln for ln in failed_lines)

    sources = table(out, "sources").set_index("source_id")
    failed = sources[sources.status == "failed"]
    assert not failed.empty
    for detail in failed.status_detail:
        assert scanned in detail and "page 1" in detail and overview not in detail
    # the other sources are published: the platform members, the MLIT copies of both lists
    assert len(table(out, "platform_members")) > 0
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["failed_sources"]
