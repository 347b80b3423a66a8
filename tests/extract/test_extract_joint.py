"""The joint selection lists (選定結果一覧, FY2021-) and the single-programme official lists of
FY2021-FY2025, read by the one list reader. Every file written here is a SYNTHETIC fixture."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import SourceError
from pipeline.extract import cao_future_tech_list as future_tech
from pipeline.extract import cao_smartcity_joint_list as joint
from pipeline.extract import mlit_japan_maas_list as japan_maas
from pipeline.extract import reader
from pipeline.extract.reader.structure import Entry, Options, Reading
from pipeline.extract.reader.verify import judge
from pipeline.text import area_key, nfkc_no_whitespace
from tests.conftest import REPO
from tests.fixtures import make_joint_fixtures as fx
from tests.fixtures.make_joint_fixtures import SYN
from tests.fixtures.pdfkit import SYNTHETIC, draw_text, write_pdf

# --- the reader: a category no source counts, and a stated total ----------------------------


def _judged(categories: list[str], expected: reader.Expected) -> reader.Verdict:
    entries = [Entry({"area": "札幌市"}, c, c, None, None, 1 + i // 10, float(i))
               for i, c in enumerate(categories)]
    spec = reader.ListSpec("synthetic", "SYNTHETIC list",
                           reader.Shape(reader.load_vocabulary("smc_lists.csv"), record=True),
                           (expected,))
    return judge(Reading(Options(), entries=entries), spec)


def test_an_uncounted_category_takes_any_number_and_a_stated_total_checks_it() -> None:
    """A list holding a programme whose count no source states: its entries are read, any
    number of them, and the whole list's stated total is what checks them."""
    open_ended = reader.Expected("a 2 + b ?", {"a": 2}, uncounted=frozenset({"b"}))
    for n in (0, 1, 7):
        assert _judged(["a", "a"] + ["b"] * n, open_ended).ok
    assert "a short by 1" in _judged(["a", "b", "b"], open_ended).error[0]  # type: ignore[index]
    totalled = reader.Expected("a 2 + b ? = 5", {"a": 2}, uncounted=frozenset({"b"}), whole=5)
    assert _judged(["a", "a", "b", "b", "b"], totalled).ok
    verdict = _judged(["a", "a", "b", "b"] + ["b"] * 10, totalled)
    message, page = verdict.error  # type: ignore[misc]
    assert "the whole list long by 9 (14 of 5)" in message and page == 2  # where the list ends
    assert not _judged(["a", "a", "c", "b", "b"], totalled).ok  # an unannounced category


# --- the joint lists ----------------------------------------------------------------------------


def _text(printed: str | None) -> str:
    """Text compared up to width and spacing, and the tilde the CID fonts decode as 〜."""
    return nfkc_no_whitespace(printed if isinstance(printed, str) else "").replace("〜", "~")


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The SYNTHETIC joint list of each year, as make_fixture_raw places it."""
    return fx.place_joint_lists(tmp_path_factory.mktemp("joint"))


@pytest.mark.parametrize("year", fx.YEARS)
def test_each_years_list_is_read_exactly(year: int, lists: dict[int, Path]) -> None:
    """Every entry under its programme and track, the year's round and date, areas, projects
    and proposers as printed; MLIT's continuing model projects (FY2021) read, not published."""
    source_id = fx.SOURCES[year]
    output = joint.extract(source_id, [lists[year].parent / "index.html", lists[year]]
                           if not source_id.endswith("_list") else [lists[year]])
    frame = output["selections"]
    entries = [e for e in fx.joint_entries(year) if not e.category.endswith("/continuing")]
    published = [(f"{r.program_id}/{r.track}", area_key(r.area_ja), _text(r.project_name_ja),
                  _text(r.lead_org_ja)) for r in frame.itertuples()]
    leads = fx.LAYOUTS[year] != "category_column"  # that layout prints no proposer
    assert sorted(published) == sorted(
        (e.category, area_key(e.area), _text(e.project), _text(e.lead if leads else None))
        for e in entries)
    assert set(frame.fiscal_year) == {year} and frame.page.notna().all()
    rounds = {(a.program_id, a.track): a.round for a in joint.joint_announcements(year)}
    assert all(r == rounds[p, t] for p, t, r in zip(frame.program_id, frame.track, frame["round"],
                                                     strict=True))
    assert frame.announced_on.notna().all() or year == 2024  # FY2024's day is not known
    if year == 2021:
        assert "20 projects continuing from earlier years" in output.note
    if year == 2025:  # 日本版MaaS: no count announced, checked through the total of 29
        assert (frame.program_id == "japan_maas_2020").sum() == 11
        assert "checked only through the list's stated total of 29" in output.note


@pytest.mark.parametrize(
    ("year", "source", "target"),
    [(2021, "data_linkage_2021/subsidy", "future_tech_2020/selected_project"),
     (2022, "regional_maas_2020/advanced_pilot_region", "japan_maas_2020/maas_project"),
     (2023, "smartcity_implementation_2022/implementation_support",
      "regional_smartcity_2022/subsidy"),
     (2024, "regional_smartcity_2022/subsidy", "future_tech_2020/selected_project"),
     (2025, "future_tech_2020/selected_project", "japan_maas_2020/maas_project")],
)
def test_a_list_one_short_or_with_an_entry_misplaced_is_refused(
    year: int, source: str, target: str, tmp_path: Path
) -> None:
    """Refused naming the programme, the file and the page (also where the entry moves under a
    programme whose count is not announced: the one it left is short)."""
    entries = fx.joint_entries(year)
    for variant, changed in (("short", fx.drop_one(entries, source)),
                             ("moved", fx.move_one(entries, source, target))):
        path = fx.draw_joint_list(tmp_path / f"{variant}.pdf", year, changed)
        with pytest.raises(SourceError) as err:
            joint.extract(fx.SOURCES[year], [path])
        message = str(err.value)
        assert f"{source} (" in message and f"{variant}.pdf" in message, message
        assert err.value.page is not None and "short by 1" in message


def test_a_ministry_alone_names_its_programme_of_the_year_and_never_two(tmp_path: Path) -> None:
    """総務省 over MIC's entries is the programme of that year; 国土交通省 alone (two programmes
    a year) is refused, naming it, rather than guessed."""
    entries = fx.joint_entries(2022)
    path = fx.draw_joint_list(tmp_path / "ministry.pdf", 2022, entries, "category_column")
    assert len(joint.extract(fx.SOURCES[2022], [path])["selections"]) == 54
    vocab = joint.vocabulary(2022)
    assert vocab.label("総務省").category == "regional_smartcity_2022/subsidy"  # type: ignore[union-attr]
    assert joint.vocabulary(2021).label("総務省").category == "data_linkage_2021/subsidy"  # type: ignore[union-attr]
    printed = dict(fx.PRINTED)
    fx.PRINTED["japan_maas_2020/maas_project"] = ("国土交通省", "国土交通省")
    try:
        path = fx.draw_joint_list(tmp_path / "mlit.pdf", 2022, entries, "category_column")
    finally:
        fx.PRINTED.update(printed)
    with pytest.raises(SourceError, match="国土交通省/国交省, naming several programmes of FY2022"):
        joint.extract(fx.SOURCES[2022], [path])


def test_other_attachments_beside_the_list_are_noted_and_two_lists_must_agree(
    lists: dict[int, Path], tmp_path: Path
) -> None:
    committee = write_pdf(tmp_path / "bessi1.pdf", [lambda c: (
        draw_text(c, 40, 40, f"別紙１　合同審査会 委員名簿 {SYNTHETIC}"),
        draw_text(c, 40, 70, "（合成）委員　山田太郎　（合成）大学教授"))], title="委員名簿")
    output = joint.extract(fx.SOURCES[2022], [committee, lists[2022]])
    assert len(output["selections"]) == 54
    assert any(n.startswith("bessi1.pdf: not the list") for n in output.notes)
    other = fx.draw_joint_list(tmp_path / "other.pdf", 2022, fx.move_one(
        fx.drop_one(fx.joint_entries(2022), "future_tech_2020/selected_project"),
        "regional_maas_2020/advanced_pilot_region", "future_tech_2020/selected_project"))
    copy = fx.draw_joint_list(tmp_path / "copy.pdf", 2022)
    assert "copy.pdf: read as the list too" in joint.extract(
        fx.SOURCES[2022], [lists[2022], copy]).note
    with pytest.raises(SourceError) as err:  # one of them is refused: 地域新MaaS short by one
        joint.extract(fx.SOURCES[2022], [committee, other])
    assert "none of the 2 PDFs reads as the FY2022 joint list" in str(err.value)


# --- the single-programme lists --------------------------------------------------------------


def test_single_programme_lists_are_read_for_their_registered_year(tmp_path: Path) -> None:
    made = fx.place_single_lists(tmp_path)
    frame = future_tech.extract("cao_future_tech_2022_list",
                                [made["cao_future_tech_2022_list"]])["selections"]
    assert len(frame) == 10 and set(frame.program_id) == {"future_tech_2020"}
    assert set(frame.fiscal_year) == {2022} and set(frame.announced_on) == {"2022-07-13"}
    assert "岩手県" in set(frame.prefecture_ja) and "盛岡市" in set(frame.area_ja)
    maas = japan_maas.extract("mlit_japan_maas_2021_list",
                              [made["mlit_japan_maas_2021_list"]])["selections"]
    assert len(maas) == 12 and set(maas.track) == {"maas_project"}
    assert "大丸有版MaaS事業" in set(maas.project_name_ja)
    # the FY2022 list dropped in as FY2025's: its year heading is not the registered one
    with pytest.raises(SourceError) as err:
        future_tech.extract("cao_future_tech_2025_list", [made["cao_future_tech_2022_list"]])
    assert "FY2025" in str(err.value) and "01_mirai_senteiR04.pdf" in str(err.value)


# --- through the build ---------------------------------------------------------------------------


def _raw_with(repo_raw: Path, folder: Path) -> Path:
    """A copy of the committed raw/ (root document and transcriptions)."""
    raw = folder / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    return raw


def _build(raw: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """``python -m pipeline build --offline`` as a user runs it, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--offline", "--raw-dir", str(raw),
         "--out-dir", str(out)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
        timeout=600)


def _joint_keys(year: int) -> set[tuple[str, str, int, str]]:
    return {(a.program_id, a.track, a.fiscal_year, a.round)
            for a in joint.joint_announcements(year)}


@pytest.mark.slow
def test_the_joint_lists_dropped_in_replace_the_transcriptions(
    repo_raw: Path, tmp_path: Path
) -> None:
    """Each year's SYNTHETIC list dropped into raw/<source_id>/: the build publishes exactly its
    rows (evidence official_list) in place of the transcription's rows of that year's joint
    programmes, and prints every difference; rounds outside the joint call stay transcribed."""
    raw = _raw_with(repo_raw, tmp_path)
    fx.place_joint_lists(raw)
    out = tmp_path / "processed"
    done = _build(raw, out)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = done.stdout + done.stderr
    selections = pd.read_parquet(out / "parquet" / "selections.parquet")
    keys = list(zip(selections.program_id, selections.track, selections.fiscal_year,
                    selections["round"], strict=True))
    for year in fx.YEARS:
        source_id = fx.SOURCES[year]
        wanted = _joint_keys(year)
        joint_rows = selections[[k in wanted for k in keys]]
        assert set(joint_rows.source_id) <= {source_id}, (year, set(joint_rows.source_id))
        assert set(joint_rows.evidence) <= {"official_list"}
        entries = [e for e in fx.joint_entries(year) if not e.category.endswith("/continuing")]
        assert sorted(zip(joint_rows.program_id + "/" + joint_rows.track,
                          joint_rows.area_ja.map(area_key), strict=True)) == sorted(
            (e.category, area_key(e.area)) for e in entries), year
        # a placeholder where the transcription holds rows of the programme: said to differ
        placeholder = next(e for e in entries if SYN in e.area and any(
            x.transcribed and x.category == e.category for x in entries))
        program, track = placeholder.category.split("/")
        label = "/".join([program, track, str(year)] + (
            [] if (rounds := {a.round for a in joint.joint_announcements(year)
                              if a.program_id == program and a.track == track}) == {"single"}
            else sorted(rounds)))
        assert (f"selection lists disagree: {label}: {placeholder.area!r} in {source_id}, "
                f"not in manual_{program}") in printed
    # what the FY2023 list lacks of the transcription is said (its area names no place)
    assert ("selection lists disagree: japan_maas_2020/maas_project/2023: "
            "'関西各県・愛知県の一部など' in manual_japan_maas_2020, not in "
            "cao_smartcity_joint_2023") in printed
    # second calls are no part of the joint lists: their transcribed rows stay
    second = selections[(selections["round"] == "additional") & (selections.fiscal_year > 2020)]
    assert {(p, y) for p, y in zip(second.program_id, second.fiscal_year, strict=True)} == {
        ("regional_smartcity_2022", 2023), ("smartcity_implementation_2022", 2025)}
    assert "official_list" not in set(second.evidence)  # the pages the transcription cites
    coverage = pd.read_parquet(out / "parquet" / "coverage.parquet").set_index(
        ["program_id", "track", "fiscal_year", "round"])
    assert coverage.loc[("japan_maas_2020", "maas_project", 2022, "single"),
                        ["announced_count", "held_count"]].tolist() == [6, 6]
    # 日本版MaaS FY2025: 11 read from the list, its count still not announced
    row = coverage.loc[("japan_maas_2020", "maas_project", 2025, "single")]
    assert row.held_count == 11 and pd.isna(row.announced_count)


@pytest.mark.slow
def test_a_refused_joint_list_keeps_the_transcription_published(
    repo_raw: Path, tmp_path: Path
) -> None:
    """FY2022's list one entry short and FY2023's with an entry under the wrong programme: each
    source fails naming the programme, the file and the page; the transcribed rows of those
    years stay published, and the build says a source failed (exit 3)."""
    raw = _raw_with(repo_raw, tmp_path)
    short = fx.drop_one(fx.joint_entries(2022), "regional_maas_2020/advanced_pilot_region")
    fx.draw_joint_list(raw / fx.SOURCES[2022] / fx.FILE_NAMES[2022], 2022, short)
    moved = fx.move_one(fx.joint_entries(2023), "japan_maas_2020/maas_project",
                        "regional_maas_2020/advanced_pilot_region")
    fx.draw_joint_list(raw / fx.SOURCES[2023] / fx.FILE_NAMES[2023], 2023, moved)
    out = tmp_path / "processed"
    done = _build(raw, out)
    printed = done.stdout + done.stderr
    assert done.returncode == 3, printed
    for year, programme in ((2022, "regional_maas_2020/advanced_pilot_region"),
                            (2023, "japan_maas_2020/maas_project")):
        line = next(ln for ln in printed.splitlines()
                    if ln.startswith(f"failed: {fx.SOURCES[year]}: "))
        assert fx.FILE_NAMES[year] in line and re.search(r" page \d+:", line), line
        assert f"{programme} (" in line and "short by 1" in line, line
    selections = pd.read_parquet(out / "parquet" / "selections.parquet")
    held = selections[selections.fiscal_year.isin([2022, 2023])]
    assert len(held) and "official_list" not in set(held.evidence)  # the transcriptions' rows
    for year in (2022, 2023):
        for a in joint.joint_announcements(year):
            rows = held[(held.program_id == a.program_id) & (held.track == a.track)
                        & (held.fiscal_year == year) & (held["round"] == a.round)]
            assert len(rows) == len(fx.transcribed(year, a.program_id, a.track, a.round)), a.key
