"""End to end: `python -m pipeline build/check` on a raw folder of synthetic fixtures, and on
the committed raw/ alone (the offline case every fresh clone meets)."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.announced import ANNOUNCED_COUNTS, MEMBER_COMPOSITIONS
from pipeline.cli import EXIT_INVALID, EXIT_MISSING, EXIT_OK, main
from tests.conftest import REPO
from tests.fixtures.make_bad_fixtures import make_bad_fixtures
from tests.fixtures.make_fixtures import MEMBER_FILE, make_fixture_raw
from tests.fixtures.make_member_fixtures import LAYOUTS

pytestmark = pytest.mark.slow  # end to end: make test-fast leaves them to make test

CORRECTED = MEMBER_COMPOSITIONS[0]


def run(command: str, raw: Path, out: Path, *extra: str) -> int:
    return main([command, "--raw-dir", str(raw), "--out-dir", str(out), *extra])


def table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / "parquet" / f"{name}.parquet")


def test_fixture_build_publishes_every_table(fixture_build: tuple[Path, Path]) -> None:
    _, out = fixture_build
    members = table(out, "platform_members")
    assert members.groupby("category").size().to_dict() == CORRECTED.counts
    assert members.page.notna().all() and (members.source_id == "mlit_scpf_members").all()
    local = members[members.category == "local_government"]
    assert local.lg_code.notna().all()

    selections = table(out, "selections")
    smc = selections[selections.program_id == "smart_mobility_challenge_2019"]
    assert smc.groupby("track").size().to_dict() == {"meti_pilot": 13, "mlit_model": 19}
    assert smc.selection_group_id.nunique() == 28
    both = smc.groupby("selection_group_id").track.nunique()
    assert (both == 2).sum() == 4
    assert smc.source_id.str.startswith("meti_smc_release_").all()  # the official attachments
    assert smc.page.notna().all()
    cao = selections[selections.program_id == "near_future_tech_2018"]
    # the official selection lists outrank the hearing deck (registry order), which is compared
    assert len(cao) == 22 and (cao.source_id == "cao_kinmirai_lists").all()
    assert (cao.evidence == "official_list").all()

    sources = table(out, "sources").set_index("source_id")
    assert sources.loc["mlit_scpf_members", "status"] == "ok"
    assert sources.loc["meti_smc_release_20190618004_01", "parent_source_id"] == "meti_smc_release"


def test_fixture_build_is_complete_and_says_so(fixture_build: tuple[Path, Path]) -> None:
    import json

    _, out = fixture_build
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["complete"] is True and package["missing_sources"] == []


def test_duckdb_answers_the_contract(fixture_build: tuple[Path, Path]) -> None:
    _, out = fixture_build
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        # the 6 programmes of the root document and the 8 that followed them (FY2020-)
        assert db.execute("select count(*) from programs").fetchone()[0] == 14
        row = db.execute(
            "select programs, tracks, selection_history from municipality_participation "
            "where name_ja = '前橋市'"
        ).fetchone()
        histories = db.execute(
            "select name_ja, tracks, selection_history from municipality_participation").fetchall()
    assert "smart_mobility_challenge_2019" in row[0] and "smartcity_model_2019" in row[0]
    assert {"meti_pilot", "mlit_model", "priority"} <= set(row[1])
    # 前橋市's whole history, 2019 to 2023: SMC, then 日本版MaaS each year, CAO in FY2021
    assert {"2019 smart_mobility_challenge_2019/meti_pilot", "2020 japan_maas_2020/maas_project",
            "2021 future_tech_2020/selected_project", "2023 japan_maas_2020/maas_project"
            } <= set(row[2])
    # The history has one definition of taking part (participation.status = 'selected'): only
    # the tracks a local government took part in; けいはんな学研都市 lies in 京都府
    # (within_prefecture), which the prefectural government's history does not list.
    for name_ja, tracks, history in histories:
        assert {entry.split("/")[-1] for entry in history} <= set(tracks), name_ja
    kyoto = next(history for name_ja, _, history in histories if name_ja == "京都府")
    assert kyoto and not any("energy_demo_2010" in entry for entry in kyoto)


@pytest.mark.parametrize("layout", [name for name in LAYOUTS if name != "table"])
def test_every_member_layout_builds_471_or_473(layout: str, tmp_path: Path) -> None:
    raw = make_fixture_raw(tmp_path / "raw", members=layout)
    out = tmp_path / "processed"
    assert run("build", raw, out) == EXIT_OK
    counts = table(out, "platform_members").groupby("category").size().to_dict()
    expected = MEMBER_COMPOSITIONS[1] if layout.endswith("_473") else CORRECTED
    assert counts == expected.counts


def _digests(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in {".parquet", ".csv", ".json", ".md"}
    }


def test_two_builds_give_identical_bytes(fixture_build: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = fixture_build
    again = tmp_path / "again"
    assert run("build", raw, again) == EXIT_OK
    first, second = _digests(out), _digests(again)
    first.pop("diff.json", None), second.pop("diff.json", None)  # compares with the previous
    assert first == second


def _member_grid(path: Path, edit) -> Path:
    """A member list in the section-grid layout, changed by ``edit`` (a list -> list)."""
    from tests.fixtures.make_member_fixtures import GOTHIC, GridStyle, _grid, members_for

    _grid(path, edit(members_for(CORRECTED.counts)), GridStyle(font=GOTHIC), "edited list")
    return path


def _drop_one_local_government(members: list) -> list:
    members.remove(next(m for m in members if m.category == "local_government"))
    return members


def _unknown_local_government(members: list) -> list:
    index = next(i for i, m in enumerate(members) if m.category == "local_government")
    members[index] = replace(members[index], name_ja="架空市")
    return members


def _ambiguous_local_government(members: list) -> list:
    """府中市 without its prefecture: a local government's name, but of two (東京都, 広島県)."""
    index = next(i for i, m in enumerate(members) if m.category == "local_government")
    members[index] = replace(members[index], name_ja="府中市")
    return members


@pytest.mark.parametrize(
    "edit, message",
    [
        (_drop_one_local_government, "local_government short by 1"),
        (_unknown_local_government, "架空市"),
    ],
)
def test_bad_member_list_fails_check_and_keeps_the_publication(
    fixture_build: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit,
    message: str,
) -> None:
    raw, out = fixture_build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    published = tmp_path / "processed"
    shutil.copytree(out, published)
    before = _digests(published)
    _member_grid(copy / MEMBER_FILE, edit)
    assert run("check", copy, published) == EXIT_INVALID
    printed = capsys.readouterr()
    assert message in printed.out + printed.err
    assert _digests(published) == before


def test_bad_member_file_is_named_and_other_sources_still_extract(
    fixture_build: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, _ = fixture_build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    bad = make_bad_fixtures(tmp_path / "bad")
    for case in ("truncated", "html", "no_text_layer", "encrypted"):
        shutil.copyfile(bad[case], copy / MEMBER_FILE)
        out = tmp_path / f"out-{case}"
        assert run("build", copy, out) == EXIT_INVALID
        printed = capsys.readouterr()
        text = printed.out + printed.err
        assert f"failed: mlit_scpf_members: {copy / MEMBER_FILE}" in text, case
        assert "python -m pipeline debug mlit_scpf_members" in text, case
        # the other sources are published; the failed one holds no rows and says why (the
        # members published are the transcribed ones, none from the official list)
        members = table(out, "platform_members")
        assert not (members["source_id"] == "mlit_scpf_members").any(), case
        assert set(members["evidence"]) <= {"official_page", "secondary"}, case
        assert len(table(out, "selections")) > 0, case
        status = table(out, "sources").set_index("source_id")
        assert status.loc["mlit_scpf_members", "status"] == "failed", case
        assert status.loc["mlit_scpf_members", "status_detail"].startswith(
            f"mlit_scpf_members: raw/{MEMBER_FILE}"
        ), case
        assert (status.drop("mlit_scpf_members").status != "failed").all(), case


def _quarantined(raw: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Build into ``out`` expecting exit 3 with the member list quarantined; the terminal."""
    assert run("build", raw, out) == EXIT_INVALID
    printed = capsys.readouterr()
    return printed.out + printed.err


def assert_no_rows_from_the_member_list(out: Path) -> None:
    """The quarantined list publishes nothing; the partial transcription stands in for it."""
    members = table(out, "platform_members")
    assert not (members["source_id"] == "mlit_scpf_members").any()
    assert len(members) and set(members["evidence"]) <= {"official_page", "secondary"}


def test_an_unreadable_member_list_costs_that_source_only(
    fixture_build: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    raw, good = fixture_build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    shutil.copyfile(make_bad_fixtures(tmp_path / "bad")["scan_on_page_2"], copy / MEMBER_FILE)
    out = tmp_path / "processed"
    text = _quarantined(copy, out, capsys)
    assert f"mlit_scpf_members: {copy / MEMBER_FILE} page 2" in text
    assert "python -m pipeline debug mlit_scpf_members --page 2" in text
    assert "pipeline/extract/layouts/mlit_scpf_members.csv" in text
    assert f"published, INCOMPLETE (1 failed: mlit_scpf_members): {out}" in text
    for name in ("selections", "selection_areas", "programs", "municipalities"):
        assert table(out, name).equals(table(good, name)), name
    assert_no_rows_from_the_member_list(out)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["complete"] is False
    [failed] = package["failed_sources"]
    assert failed["source_id"] == "mlit_scpf_members"
    assert failed["error"].startswith(f"mlit_scpf_members: raw/{MEMBER_FILE} page 2")
    assert "python -m pipeline debug mlit_scpf_members --page 2" in failed["how_to_look"]
    assert str(tmp_path) not in (out / "datapackage.json").read_text(encoding="utf-8")
    # membership is unknown, not false, and no key points at a member row
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        flags = db.execute(
            "select distinct is_platform_member from municipality_participation"
        ).fetchall()
    assert False not in {flag for (flag,) in flags}  # the transcription is partial: never "no"
    # nothing changed: still up to date, and still exit 3 (scripts notice)
    assert run("build", copy, out) == EXIT_INVALID
    assert "up to date" in capsys.readouterr().out
    # check stays strict: it publishes nothing
    strict = tmp_path / "strict"
    assert run("check", copy, strict) == EXIT_INVALID
    assert not strict.exists()


def test_a_failing_source_never_costs_the_previous_publication(
    fixture_build: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, good = fixture_build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    published = tmp_path / "processed"
    shutil.copytree(good, published)
    before = _digests(published)
    shutil.copyfile(make_bad_fixtures(tmp_path / "bad")["truncated"], copy / MEMBER_FILE)
    text = _quarantined(copy, published, capsys)
    assert "holds rows of mlit_scpf_members" in text and "left exactly as it was" in text
    assert _digests(published) == before


@pytest.mark.parametrize(
    "edit, message, detail",
    [  # one member short and a name that is no local government are caught by the
       # extractor; a name of two local governments by validation
        (_drop_one_local_government, "local_government short by 1",
         "match no announced composition"),
        (_unknown_local_government, "架空市", "'架空市' is printed under '地方公共団体'"),
        (_ambiguous_local_government, "府中市", "validation failed: [platform_members.lg_code]"),
    ],
)
def test_a_member_list_that_fails_validation_is_quarantined(
    fixture_build: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit,
    message: str,
    detail: str,
) -> None:
    raw, good = fixture_build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    _member_grid(copy / MEMBER_FILE, edit)
    out = tmp_path / "processed"
    text = _quarantined(copy, out, capsys)
    assert message in text and "failed: mlit_scpf_members" in text
    assert_no_rows_from_the_member_list(out)
    assert table(out, "selections").equals(table(good, "selections"))
    status = table(out, "sources").set_index("source_id")
    assert status.loc["mlit_scpf_members", "status"] == "failed"
    assert detail in status.loc["mlit_scpf_members", "status_detail"]


def test_offline_clone_publishes_what_it_has(repo_raw: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    out = tmp_path / "processed"
    assert run("all", raw, out, "--offline") == EXIT_OK
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        assert db.execute("select count(*) from programs").fetchone()[0] == 14
        status = dict(db.execute("select source_id, status from sources").fetchall())
        maebashi = db.execute(
            "select tracks from municipality_participation where name_ja = '前橋市'"
        ).fetchone()[0]
    assert status["mlit_scpf_members"] == "missing" and status["document"] == "ok"
    import json

    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    gaps = {(g["program_id"], g["track"]) for g in package["incomplete_coverage"]}
    assert ("smartcity_model_2019", "priority") in gaps
    assert ("smartcity_model_2019", "leading_model") not in gaps
    # offline: sources are missing, and (a different word) not every selection is held
    assert package["all_source_files_present"] is False
    assert package["all_announced_selections_held"] is False
    coverage = table(out, "coverage")
    official = coverage[coverage.announced_count.notna() & (coverage.program_id != "scpf_2019")]
    expected = {
        "held": int(official[["held_count", "announced_count"]].min(axis=1).sum()),
        "announced": sum(a.count for a in ANNOUNCED_COUNTS),
    }
    assert package["announced_selections_held"] == expected
    assert 0 < expected["held"] < expected["announced"]
    assert {"meti_pilot", "mlit_model", "priority"} <= set(maebashi)
    # The README's coverage table is this build's, year by year (lists with a stated count).
    counted = coverage[coverage.announced_count.notna() & (coverage.program_id != "scpf_2019")]
    by_year = counted.groupby("fiscal_year")[["held_count", "announced_count"]].sum()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    years = re.search(r"^\| FY \|(.*)\|$", readme, re.M).group(1).split("|")
    cells = re.search(r"^\| held / announced \|(.*)\|$", readme, re.M).group(1).split("|")
    assert {int(y): tuple(map(int, c.split("/"))) for y, c in zip(years, cells, strict=True)} == {
        int(y): (int(h), int(a)) for y, (h, a) in by_year.iterrows()
    }
    assert f"{expected['held']} of {expected['announced']} announced selections" in readme
    assert package["announced_selections_held_by_year"][0] == {
        "fiscal_year": 2010, "held": 4, "announced": 4, "lists_without_count": 0,
        "held_without_count": 0, "evidence": {"secondary": 4}}
    # FY2017: 高松市 and 加古川市, round not known, are held apart; that row is no list
    fy2017 = package["announced_selections_held_by_year"][1]
    assert (fy2017["fiscal_year"], fy2017["held_without_count"],
            fy2017["lists_without_count"]) == (2017, 2, 0)
    assert run("check", raw, out) == EXIT_MISSING


def test_membership_is_unknown_without_a_member_list(repo_raw: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    out = tmp_path / "processed"
    assert run("build", raw, out) == EXIT_OK
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        flags = dict(
            db.execute(
                "select name_ja, is_platform_member from municipality_participation"
            ).fetchall()
        )
    # The transcribed members are a partial list: absence from it is unknown, never False.
    assert False not in flags.values()
    assert {name for name, flag in flags.items() if flag} == {
        "北海道", "札幌市", "旭川市", "岩見沢市", "上士幌町", "更別村", "藤枝市"
    }
    assert flags["前橋市"] is None


def test_every_command_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import COMMANDS

    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert all(f"    {name} " in text for name in COMMANDS)


def test_report_and_dist_commands(fixture_build: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = fixture_build
    copy = tmp_path / "processed"
    shutil.copytree(out, copy)
    assert main(["report", "--out-dir", str(copy)]) == EXIT_OK
    assert len(list((copy / "report").glob("*.png"))) == 6
    assert main(["dist", "--out-dir", str(copy), "--dist-dir", str(tmp_path / "dist")]) == EXIT_OK
    assert len(list((tmp_path / "dist").glob("jp-smartcity-*.zip"))) == 1


def test_check_publishes_nothing_when_a_source_is_missing(
    fixture_build: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, out = fixture_build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    shutil.rmtree(copy / "mlit_scpf_members")
    published = tmp_path / "processed"
    shutil.copytree(out, published)
    before = _digests(published)
    assert run("check", copy, published) == EXIT_MISSING
    assert _digests(published) == before


def test_out_dir_that_is_not_a_publication_is_never_replaced(
    repo_raw: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "my-data"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me", encoding="utf-8")
    assert run("build", repo_raw, folder) != EXIT_OK
    assert (folder / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_an_edited_registry_is_a_new_input(repo_raw: Path, tmp_path: Path) -> None:
    from pipeline.workspace.registry import DEFAULT_REGISTRY

    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    out = tmp_path / "processed"
    registry = tmp_path / "sources.toml"
    registry.write_text(DEFAULT_REGISTRY.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("build", raw, out, "--sources", str(registry)) == EXIT_OK
    stamp = (out / "build_stamp.json").read_bytes()
    assert run("build", raw, out, "--sources", str(registry)) == EXIT_OK
    assert (out / "build_stamp.json").read_bytes() == stamp  # nothing changed: up to date
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(
            'authority = "secondary"', 'authority = "official"', 1
        ),
        encoding="utf-8",
    )
    assert run("build", raw, out, "--sources", str(registry)) == EXIT_OK
    assert (out / "build_stamp.json").read_bytes() != stamp


def test_a_changed_municipality_count_fails_the_build(
    repo_raw: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import pipeline.transform.reference as reference

    monkeypatch.setitem(reference.EXPECTED_COUNTS, "town", reference.EXPECTED_COUNTS["town"] + 1)
    assert run("build", repo_raw, tmp_path / "processed") == EXIT_INVALID
    assert "town:" in capsys.readouterr().out


def test_sources_command_lists_what_raw_holds(
    fixture_build: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    raw, _ = fixture_build
    assert main(["sources", "--raw-dir", str(raw)]) == EXIT_OK
    out = capsys.readouterr().out
    table, lists = out.split("\nOfficial announcement of each announced list")
    lists = lists.split("\nEach announcement (pipeline/announced.toml")[0]
    lines = {line.split()[0]: line.split()[1] for line in table.splitlines()}
    assert lines["document"] == "bundled"
    assert lines["mlit_scpf_members"] == "manual"  # dropped in by hand, no manifest entry
    assert lines["meti_smc_release_20190618004_01"] == "manual"
    # Every announced list, with its announced figure and its official sources, held or not.
    by_list = {line.split()[0]: line.split(maxsplit=3)[1:] for line in lists.splitlines()[1:]}
    assert by_list["scpf_2019"] == ["471", "announced", "mlit_scpf_members (held)"]
    assert by_list["smart_mobility_challenge_2019/mlit_model"][0] == "19"
    assert "meti_smc_release (held)" in by_list["smart_mobility_challenge_2019/mlit_model"][2]


def test_a_failing_new_file_never_hides_an_older_copy_that_reads(
    fixture_build: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.workspace.files import sha256_file
    from pipeline.workspace.manifest import ManifestEntry, read_manifest, write_manifest

    raw, good = fixture_build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    current = copy / MEMBER_FILE
    kept = current.with_name("001302313-20190808.pdf")  # the copy fetch kept when upstream changed
    shutil.move(current, kept)
    shutil.copyfile(make_bad_fixtures(tmp_path / "bad")["truncated"], current)

    def entry(path: Path, retrieved_at: str, is_current: bool) -> ManifestEntry:
        return ManifestEntry(
            source_id="mlit_scpf_members", path=path.relative_to(copy).as_posix(),
            origin="fetched", sha256=sha256_file(path), bytes=path.stat().st_size,
            media_type="application/pdf", url="https://www.mlit.go.jp/common/001302313.pdf",
            retrieved_at=retrieved_at, current=is_current,
        )

    others = [e for e in read_manifest(copy) if e.source_id != "mlit_scpf_members"]
    write_manifest(copy, [*others, entry(kept, "2019-08-09T00:00:00Z", False),
                          entry(current, "2020-01-01T00:00:00Z", True)])
    out = tmp_path / "processed"
    text = _quarantined(copy, out, capsys)
    assert f"failed: mlit_scpf_members: {current}" in text
    assert f"rows are from the older archived copy raw/{MEMBER_FILE[:-4]}-20190808.pdf" in text
    members = table(out, "platform_members")
    assert members.groupby("category").size().to_dict() == CORRECTED.counts
    row = table(out, "sources").set_index("source_id").loc["mlit_scpf_members"]
    assert row.status == "ok" and row.file_path == f"raw/{kept.relative_to(copy).as_posix()}"
    assert row.sha256 == sha256_file(kept) and "current file failed" in row.status_detail
    assert run("build", copy, out) == EXIT_INVALID  # up to date, and still says so
