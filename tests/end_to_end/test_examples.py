"""Every named query in examples/queries.sql runs on a build from the fixtures, and its result
is checked against what the fixtures hold."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipeline.announced import MEMBER_COMPOSITIONS
from pipeline.cli import EXIT_OK, main
from tests.conftest import REPO

QUERIES = REPO / "examples" / "queries.sql"


def named_queries() -> dict[str, str]:
    text = QUERIES.read_text(encoding="utf-8")
    blocks = re.split(r"^-- name: ", text, flags=re.M)[1:]
    return {block.split("\n", 1)[0].strip(): block.split("\n", 1)[1].strip() for block in blocks}


@pytest.fixture(scope="module")
def db(fixture_build: tuple[Path, Path]):
    _, out = fixture_build
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as connection:
        yield connection


def rows(db, name: str) -> list[tuple]:
    return db.execute(named_queries()[name]).fetchall()


def test_there_are_at_least_eight_examples() -> None:
    assert len(named_queries()) >= 8


def test_programmes_by_agency(db) -> None:
    result = {
        abbreviation: programs for abbreviation, _, programs in rows(db, "programmes_by_agency")
    }
    assert result["METI"] == (
        "energy_demo_2010, smart_mobility_challenge_2019, regional_maas_2020")
    assert result["MLIT"] == (
        "smart_mobility_challenge_2019, smartcity_model_2019, japan_maas_2020, "
        "smartcity_model_project_2020, smartcity_implementation_2022")
    assert result["CAO"] == "near_future_tech_2018, future_tech_2020"


def test_members_by_category(db) -> None:
    assert dict(rows(db, "members_by_category")) == MEMBER_COMPOSITIONS[0].counts


def test_selections_per_prefecture(db) -> None:
    result = dict(rows(db, "selections_per_prefecture"))
    assert result["静岡県"] >= 3  # 静岡市 in both SMC tracks, 熱海市・下田市, 藤枝市
    assert all(count > 0 for count in result.values())


def test_local_governments_in_several_programmes(db) -> None:
    names = {name for _, _, name, _ in rows(db, "local_governments_in_several_programmes")}
    assert {"前橋市", "豊田市", "つくば市"} <= names  # SMC + model projects; energy + SMC
    # "took part" is participation's: the example and the view give the same answer
    view = {name for (name,) in db.execute(
        "select name_ja from municipality_participation where len(programs) > 1").fetchall()}
    assert names == view


def test_platform_members_without_selection(db) -> None:
    result = rows(db, "platform_members_without_selection")
    members = db.execute(
        "select count(*) from platform_members where category = 'local_government'"
    ).fetchone()[0]
    assert 0 < len(result) < members


def test_coverage_gaps(db) -> None:
    gaps = {
        (program, track): not_held for program, track, *_, not_held in rows(db, "coverage_gaps")
    }
    # the fixture build holds the official スマートシティモデル事業 list (15 + 23)
    assert ("smartcity_model_2019", "priority") not in gaps
    assert ("smartcity_model_2019", "leading_model") not in gaps
    assert ("data_smartcity_2017", "subsidy") in gaps


def test_smart_mobility_selected_by_both(db) -> None:
    result = rows(db, "smart_mobility_selected_by_both")
    assert len(result) == 4
    assert {tracks for _, tracks, _ in result} == {"meti_pilot + mlit_model"}


def test_selections_by_evidence(db) -> None:
    result = {
        (program, evidence): n for program, evidence, n in rows(db, "selections_by_evidence")
    }
    # The fixtures hold both official Smart Mobility Challenge lists (13 + 19).
    assert result[("smart_mobility_challenge_2019", "official_list")] == 32
    assert sum(n for (p, _), n in result.items() if p == "energy_demo_2010") == 4
    assert {e for _, e in result} <= {"official_list", "official_page", "secondary"}


def test_official_facts_only(db) -> None:
    result = rows(db, "official_facts_only")
    assert result and {evidence for *_, evidence, _ in result} <= {
        "official_list", "official_page"
    }
    official = db.execute(
        "select count(*) from selections where evidence <> 'secondary'"
    ).fetchone()[0]
    assert len(result) == official


def test_participation_of_osaka(db) -> None:
    result = {(p, t): status for p, t, status, _ in rows(db, "participation_of_osaka")}
    # complete in the fixture build (the official list holds all 23), so absence is "no"
    assert result[("smartcity_model_2019", "priority")] == "not_selected"
    assert set(result.values()) <= {"selected", "not_selected", "unknown", "member",
                                    "not_member"}
    # The fixture build holds the official member list, so membership is known.
    assert result[("scpf_2019", "local_government")] in {"member", "not_member"}


def test_participation_of_maebashi(db) -> None:
    columns = [d[0] for d in db.execute(named_queries()["participation_of_maebashi"]).description]
    (row,) = rows(db, "participation_of_maebashi")
    record = dict(zip(columns, row, strict=True))
    assert record["is_platform_member"] is True
    assert {"meti_pilot", "mlit_model", "priority"} <= set(record["tracks"])


def test_programme_lineage(db) -> None:
    lineage = {program: (family, before) for family, program, _, _, _, before
               in rows(db, "programme_lineage")}
    assert lineage["regional_dx_package_2025"] == ("data_smartcity_2017",
                                                   "regional_smartcity_2022")
    assert lineage["japan_maas_2020"][0] == lineage["regional_maas_2020"][0] == (
        "smart_mobility_challenge_2019")
    assert lineage["smartcity_model_2019"] == ("smartcity_model_2019", None)


def test_selections_by_family_and_year(db) -> None:
    result = {(family, year): (held, announced, apart, unknown)
              for family, year, held, announced, apart, unknown
              in rows(db, "selections_by_family_and_year")}
    assert result["near_future_tech_2018", 2021] == (9, 9, 0, 0)  # 未来技術社会実装事業
    assert result["near_future_tech_2018", 2024] == (0, None, 0, 1)  # no count found
    # 高松市 and 加古川市: FY2017, round not known: held apart, on a row that is no list
    assert result["data_smartcity_2017", 2017] == (1, 4, 2, 0)
    years = {year for _, year in result}
    assert min(years) == 2010 and max(years) == 2025


def test_regions_in_several_programmes_of_a_year(db) -> None:
    result = {(year, area): lists for year, _, lists, area
              in rows(db, "regions_in_several_programmes_of_a_year")}
    # FY2020: the region both ministries list alike; FY2021-: one region in a joint selection
    assert result[2020, "静岡県静岡市"] == (
        "japan_maas_2020/maas_project + regional_maas_2020/advanced_pilot_region")
    assert result[2022, "長野県塩尻市"] == (
        "future_tech_2020/selected_project + regional_maas_2020/advanced_pilot_region")
    assert (2022, "神奈川県横須賀市") not in result  # 「横須賀市など」 names more than 横須賀市


def test_platform_members_over_time(db) -> None:
    result = rows(db, "platform_members_over_time")
    assert [total for _, total, *_ in result][:2] == [471, 473]  # 2019-08-08, both figures
    assert all(url.startswith("http") for *_, url in result)


def test_missing_sources_is_empty_for_a_complete_build(db) -> None:
    assert rows(db, "missing_sources") == []


def test_sql_command_prints_a_table(fixture_build, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = fixture_build
    assert main(["sql", "--out-dir", str(out), "select count(*) as n from programs"]) == EXIT_OK
    assert capsys.readouterr().out.split() == ["n", "14"]
    # a date prints as the date it is, a NULL as NULL
    query = ("select as_of, cast(null as integer) as none from platform_members "
             "order by as_of limit 1")
    assert main(["sql", "--out-dir", str(out), query]) == EXIT_OK
    assert capsys.readouterr().out.split() == ["as_of", "none", "2019-08-08", "NULL"]


def readme_blocks(language: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_readme_python_examples_run(fixture_build, tmp_path: Path, monkeypatch) -> None:
    _, out = fixture_build
    (tmp_path / "processed").symlink_to(out)
    monkeypatch.chdir(tmp_path)
    blocks = readme_blocks("python")
    assert blocks
    namespace: dict = {}  # one session: a later block may use an earlier one's names
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert len(namespace["members"]) == sum(MEMBER_COMPOSITIONS[0].counts.values())
    assert namespace["selections"].height > 0


def test_readme_sql_examples_run(db) -> None:
    blocks = readme_blocks("sql")
    assert blocks
    for block in blocks:
        assert db.execute(block).fetchall()
