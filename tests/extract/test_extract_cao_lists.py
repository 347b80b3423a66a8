"""The Cabinet Office's official selected-project lists (source ``cao_kinmirai_lists``): found
among the index page's attachments by content, never by file name or order; and, end to end, a
SYNTHETIC index page with its attachments served on 127.0.0.1 through the real fetch stage,
published as ``official_list`` rows, compared with the transcription on the terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import SourceError
from pipeline.extract.cao_kinmirai_lists import extract
from pipeline.workspace.registry import DEFAULT_REGISTRY, attachment_source_id
from tests.conftest import REPO
from tests.fetch_server import FaultServer, Reply
from tests.fixtures import make_cao_fixtures as fx

SOURCE = fx.KINMIRAI_ID


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return fx.make_kinmirai_fixtures(tmp_path_factory.mktemp("kinmirai") / SOURCE)


def run(files: list[Path]):
    return extract(SOURCE, files)


def test_the_two_lists_are_found_by_content(lists: dict[str, Path]) -> None:
    out = run(list(lists.values()))
    frame = out["selections"]
    assert frame.fiscal_year.value_counts().to_dict() == {2018: 14, 2019: 8}
    fy2018 = frame[frame.fiscal_year == 2018]
    assert list(fy2018.area_ja) == [p.government for p in fx.FY2018]
    assert list(fy2018.prefecture_ja) == [p.prefecture for p in fx.FY2018]  # merged cells
    assert list(fy2018.project_name_ja) == [p.title for p in fx.FY2018]  # wrapped titles
    assert set(fy2018.page) == {1, 2}  # header repeated on page 2, no year heading there
    assert list(frame[frame.fiscal_year == 2019].area_ja) == [p.government for p in fx.FY2019]
    assert (frame.source_id == SOURCE).all()  # dropped beside the page: credited to it
    assert "jireisyu.pdf: a FY2018 table of 3 projects" in out.note  # the casebook's examples
    assert "siryou_c.pdf: a FY2020 list of 12 projects, a year this dataset does not cover" \
        in out.note
    assert "FY2018: 14 projects from siryou_b.pdf pages [1, 2]" in out.note


def test_file_names_and_order_say_nothing(lists: dict[str, Path], tmp_path: Path) -> None:
    """Swap the names of the two lists and of the casebook: the same rows come out."""
    folder = tmp_path / SOURCE
    folder.mkdir()
    renamed = {"siryou_a.pdf": "z_2018.pdf", "siryou_b.pdf": "a_2019.pdf",
               "jireisyu.pdf": "ichiran.pdf"}
    files = []
    for name, path in reversed(list(lists.items())):
        files.append(folder / renamed.get(name, name))
        shutil.copyfile(path, files[-1])
    before = run(list(lists.values()))["selections"].drop(columns="page")
    after = run(files)["selections"].drop(columns="page")
    pd.testing.assert_frame_equal(before, after)


def test_an_attachment_in_its_own_folder_is_credited_to_itself(
    lists: dict[str, Path], tmp_path: Path
) -> None:
    """As the fetch stage lays them out: raw/<attachment id>/<file>."""
    files = [lists["index.html"]]
    for name in ("siryou_a.pdf", "siryou_b.pdf"):
        target = tmp_path / attachment_source_id(SOURCE, name) / name
        target.parent.mkdir()
        files.append(shutil.copyfile(lists[name], target))
    frame = run(files)["selections"]
    assert set(frame[frame.fiscal_year == 2018].source_id) == {"cao_kinmirai_lists_siryou_b"}


def test_a_list_one_short_names_the_file_and_page(lists: dict[str, Path], tmp_path: Path) -> None:
    short = fx.official_list(tmp_path / "siryou_b.pdf", fx.FY2018[:-1], "平成30年度",
                             rows_per_page=9)
    files = [lists["index.html"], lists["siryou_a.pdf"], lists["jireisyu.pdf"], short]
    with pytest.raises(SourceError) as err:
        run(files)
    assert err.value.path == str(short) and err.value.page == 2
    assert "no attachment holds the FY2018 list of 14 announced projects" in str(err.value)
    assert "13 rows on pages [1, 2] (short)" in str(err.value)


def test_a_list_one_long_is_the_readers_error_naming_file_and_page(
    lists: dict[str, Path], tmp_path: Path
) -> None:
    """More rows than announced under a year is no casebook: the list is misread or not it."""
    long = fx.official_list(tmp_path / "siryou_b.pdf", (*fx.FY2018, fx.FY2019[1]), "平成30年度",
                            rows_per_page=9)
    with pytest.raises(SourceError) as err:
        run([lists["index.html"], lists["siryou_a.pdf"], long])
    assert err.value.path == str(long) and err.value.page == 2
    assert "FY2018 long by 1 (15 of 14)" in str(err.value)


def test_a_list_under_a_year_before_the_programme_is_refused_not_passed_over(
    lists: dict[str, Path], tmp_path: Path
) -> None:
    """A year after the announced ones is a later list, noted and not read (siryou_c); a year
    before the programme's first selections is a year misread (「H 3 0」 read H3, FY1991):
    passing it over would publish the other year alone, as if the file held nothing else."""
    misdated = fx.official_list(tmp_path / "siryou_b.pdf", fx.FY2018, "平成3年度",
                                rows_per_page=9)
    with pytest.raises(SourceError) as err:
        run([lists["index.html"], lists["siryou_a.pdf"], misdated])
    assert err.value.path == str(misdated) and err.value.page is not None
    assert "FY1991 long by 14 (14 of 0)" in str(err.value)


def test_one_list_of_both_years_under_a_title_naming_both(tmp_path: Path) -> None:
    """The title names two years, so it names none: each row's year is its 選定年度 cell."""
    both = fx.official_list_both_years(tmp_path / SOURCE / "ichiran.pdf")
    out = run([both])
    frame = out["selections"]
    assert frame.fiscal_year.value_counts().to_dict() == {2018: 14, 2019: 8}
    for year, projects in ((2018, fx.FY2018), (2019, fx.FY2019)):
        got = frame[frame.fiscal_year == year]
        assert list(got.area_ja) == [p.government for p in projects]
        assert list(got.prefecture_ja) == [p.prefecture for p in projects]  # merged cells
        assert list(got.project_name_ja) == [p.title for p in projects]  # wrapped
    assert "FY2019: 8 projects from ichiran.pdf pages [1]" in out.note


def test_a_list_without_any_year_is_an_error_not_a_guess(tmp_path: Path) -> None:
    def draw(c) -> None:
        fx.draw_text(c, 50, 40, "平成30年度・令和元年度 近未来技術等社会実装事業 選定事業一覧",
                     fx.GOTHIC, 12)
        rows = [["都道府県", "提案団体", "事業名"]] + [
            [p.prefecture, p.government, p.title] for p in (*fx.FY2018, *fx.FY2019)
        ]
        fx.ruled_table(c, 40, 70, (60, 150, 300), rows, row_height=16, size=8)

    pdf = fx._write(tmp_path / "x.pdf", [draw], fx.PORTRAIT)
    with pytest.raises(SourceError, match="stands under no category label") as err:
        run([pdf])
    assert err.value.path == str(pdf) and err.value.page == 1


def test_only_one_list_archived_is_published_and_noted(lists: dict[str, Path]) -> None:
    out = run([lists["index.html"], lists["siryou_b.pdf"], lists["boshu.pdf"]])
    assert out["selections"].fiscal_year.value_counts().to_dict() == {2018: 14}
    assert "the FY2019 list is not among the archived attachments" in out.note


def test_no_list_names_the_attachments_the_page_links(lists: dict[str, Path]) -> None:
    with pytest.raises(SourceError) as err:
        run([lists["index.html"], lists["boshu.pdf"], lists["jireisyu.pdf"]])
    assert "no attachment holds the FY2018 list" in str(err.value)  # the casebook's 3
    with pytest.raises(SourceError) as err:
        run([lists["index.html"], lists["boshu.pdf"]])
    assert "no selected-project list for FY2018/2019" in str(err.value)
    assert "選定事業一覧（PDF） (siryou_a.pdf)" in str(err.value)


def test_a_casebook_tabling_every_project_differently_gives_way_to_the_list(
    lists: dict[str, Path], tmp_path: Path
) -> None:
    """Two complete FY2018 tables with different area names: the one titled 一覧 is read,
    the other noted; when both say 一覧, nothing tells them apart: an error naming both."""
    respelt = tuple(replace(p, government="更別村・岩見沢市") if p is fx.JOINT else p
                    for p in fx.FY2018)

    def all_cases(c) -> None:
        fx.draw_text(c, 40, 30, "近未来技術等社会実装事業 平成30年度選定事業の事例", fx.GOTHIC, 14)
        rows = [["都道府県", "自治体名", "事業名"]] + [
            [p.prefecture, p.government, p.title] for p in respelt
        ]
        fx.ruled_table(c, 40, 60, (80, 200, 420), rows, row_height=20, size=9)

    casebook = fx._write(tmp_path / "jireisyu.pdf", [all_cases])
    out = run([lists["index.html"], lists["siryou_b.pdf"], lists["siryou_a.pdf"], casebook])
    fy2018 = out["selections"][out["selections"].fiscal_year == 2018]
    assert fx.JOINT.government in set(fy2018.area_ja)
    assert "['jireisyu.pdf'] also table 14 projects, with other area names; read siryou_b.pdf" \
        in out.note
    plain = fx.official_list(tmp_path / "b.pdf", fx.FY2018, "平成30年度", rows_per_page=9)
    with pytest.raises(SourceError, match="2 files hold different FY2018 lists of 14"):
        # both titled: the official list names itself 一覧 and so does this one
        run([lists["index.html"], plain, fx._write(tmp_path / "c.pdf", [
            lambda c: (fx.draw_text(c, 40, 10, "選定事業一覧（合成）", fx.GOTHIC, 10),
                       all_cases(c))
        ])])


def test_a_scanned_attachment_is_named_when_a_list_is_missing(
    lists: dict[str, Path], tmp_path: Path
) -> None:
    def image_only(c) -> None:
        c.rect(100, 100, 300, 400, stroke=1, fill=1)

    scan = fx._write(tmp_path / "scan.pdf", [image_only], fx.PORTRAIT)
    with pytest.raises(SourceError) as err:
        run([lists["index.html"], lists["siryou_b.pdf"], scan])
    assert err.value.path == str(scan)
    assert "FY2019 list was not found" in str(err.value) and "no text layer" in str(err.value)


def test_an_error_page_is_not_the_index(lists: dict[str, Path], tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text("<html><head><title>ページが見つかりません</title></head></html>",
                    encoding="utf-8")
    with pytest.raises(SourceError, match="error page"):
        run([page, lists["siryou_b.pdf"]])


# -- end to end: served on 127.0.0.1 through the real fetch stage ------------------------------

INDEX_PATH = "/tiiki/kinmirai/index.html"
# The served FY2018 list lacks 春日井市 (a SYNTHETIC stand-in takes its place), so the
# comparison with the transcription has a difference to print in each direction.
SERVED_FY2018 = tuple(
    replace(p, government="（合成）テスト地区99") if p.government == "春日井市" else p
    for p in fx.FY2018
)


def _registry_with_only_the_lists(base: str, target: Path) -> Path:
    """The real registry without the other fetched sources, the lists' page on ``base``."""
    entries = tomllib.loads(DEFAULT_REGISTRY.read_text(encoding="utf-8"))["source"]
    lines = []
    for entry in entries:
        if entry["kind"] in ("linked", "remote") and entry["source_id"] != SOURCE:
            continue
        if entry["source_id"] == SOURCE:
            entry = {**entry, "url": base + INDEX_PATH}
        lines.append("[[source]]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}"
                  for key, value in entry.items()]
        lines.append("")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.mark.slow
def test_served_index_page_and_attachments_are_fetched_extracted_and_compared(
    repo_raw: Path, tmp_path: Path
) -> None:
    made = tmp_path / "made"
    files = fx.make_kinmirai_fixtures(made)
    fx.official_list(files["siryou_b.pdf"], SERVED_FY2018, "平成30年度", rows_per_page=9)
    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    out = tmp_path / "processed"
    with FaultServer() as server:
        for name, path in files.items():
            server.route(f"/tiiki/kinmirai/{name}", Reply(200, path.read_bytes()))
        registry = _registry_with_only_the_lists(server.base, tmp_path / "sources.toml")
        # anything not on 127.0.0.1 (there should be nothing) goes to the local server
        env = {**os.environ, "PYTHONPATH": str(REPO), "HTTP_PROXY": server.base,
               "HTTPS_PROXY": server.base, "NO_PROXY": "127.0.0.1", "http_proxy": server.base,
               "https_proxy": server.base, "no_proxy": "127.0.0.1"}
        command = [sys.executable, "-m", "pipeline", "all", "--raw-dir", str(raw),
                   "--out-dir", str(out), "--sources", str(registry)]
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=600)
        listed = subprocess.run(
            [sys.executable, "-m", "pipeline", "sources", "--raw-dir", str(raw),
             "--sources", str(registry)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )
        hosts = {hit.path for hit in server.hits}
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert hosts == {f"/tiiki/kinmirai/{name}" for name in files}  # each file, nothing else

    # the terminal: what was read from which attachment, and every difference with the
    # transcription, in both directions
    terminal = done.stdout
    assert "cao_kinmirai_lists: FY2018: 14 projects from siryou_b.pdf pages [1, 2]" in terminal
    assert "a FY2020 list of 12 projects, a year this dataset does not cover" in terminal
    prefix = "selection lists disagree: near_future_tech_2018/selected_project/2018: "
    assert (f"{prefix}'春日井市' in manual_near_future_tech_2018, not in "
            f"{SOURCE}") in terminal
    assert f"{prefix}'（合成）テスト地区99' in {SOURCE}, not in manual_near_future_tech_2018" \
        in terminal
    # each difference once, with the area as printed, and none for the rows without a year
    # beyond their own (their year gives way to the official list's)
    lines = [line for line in terminal.splitlines() if "selection lists disagree" in line]
    assert len(lines) == len(set(lines))
    assert not [line for line in lines if "selected_project: " in line and "in manual" not in
                line]
    assert "near_future_tech_2018/selected_project/2018: 14 / 14 (complete)" in terminal
    assert "near_future_tech_2018/selected_project/2019: 8 / 8 (complete)" in terminal

    # `sources` lists the page and each attachment it archived
    for name in ("siryou_a", "siryou_b", "jireisyu", "boshu"):
        assert f"{SOURCE}_{name} " in listed.stdout
    assert f"{SOURCE} " in listed.stdout and "fetched" in listed.stdout

    selections = pd.read_parquet(out / "parquet" / "selections.parquet")
    cao = selections[selections.program_id == "near_future_tech_2018"]
    official = cao[cao.evidence == "official_list"]
    assert official.fiscal_year.value_counts().to_dict() == {2018: 14, 2019: 8}
    assert set(official.source_id) == {f"{SOURCE}_siryou_a", f"{SOURCE}_siryou_b"}
    sources = pd.read_parquet(out / "parquet" / "sources.parquet").set_index("source_id")
    assert sources.loc[SOURCE, "authority"] == "official"
    assert sources.loc[f"{SOURCE}_siryou_b", "parent_source_id"] == SOURCE
    # the joint proposal: one project, three local governments
    areas = pd.read_parquet(out / "parquet" / "selection_areas.parquet")
    (joint,) = official[official.area_ja == fx.JOINT.government].selection_id
    linked = areas[areas.selection_id == joint]
    assert len(linked) == 3 and set(linked.link) == {"local_government"}
