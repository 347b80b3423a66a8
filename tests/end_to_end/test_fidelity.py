"""The fidelity check of 2026-12 (corrections D1-D12, the two missing MLIT mobility projects,
evidence grades, participation): one test per correction, on the tables built offline from
the committed raw/ (root document and transcriptions), as a user queries them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.end_to_end.test_examples import named_queries


@pytest.fixture(scope="module")
def db(committed_build: tuple[Path, Path]):
    _, out = committed_build
    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as connection:
        yield connection


def rows(db, sql: str, *params) -> list[tuple]:
    return db.execute(sql, list(params)).fetchall()


def selection(db, program: str, area: str) -> dict:
    found = db.execute(
        "select * from selections where program_id = ? and area_ja = ?", [program, area]
    )
    names = [d[0] for d in found.description]
    (row,) = found.fetchall()
    return dict(zip(names, row, strict=True))


def areas_of(db, selection_id: str) -> dict[str, str]:
    return dict(rows(db, "select m.name_ja, sa.link from selection_areas sa join municipalities m "
                         "using (lg_code) where selection_id = ?", selection_id))


@pytest.mark.slow
def test_d1_hokkaido_joint_proposal_is_one_fy2018_project(db) -> None:
    cao = "near_future_tech_2018"
    row = selection(db, cao, "北海道、更別村、岩見沢市")
    assert row["fiscal_year"] == 2018
    assert row["project_name_ja"].startswith("世界トップレベルの『スマート一次産業』")
    assert areas_of(db, row["selection_id"]) == {
        "北海道": "local_government", "更別村": "local_government", "岩見沢市": "local_government"
    }
    assert rows(db, "select * from selections where program_id = ? and area_ja in "
                    "('岩見沢市', '更別村')", cao) == []


def test_d2_aichi_is_fy2018_with_its_title_on_the_prefecture_page(db) -> None:
    row = selection(db, "near_future_tech_2018", "愛知県")
    assert row["fiscal_year"] == 2018
    assert row["project_name_ja"] == (
        "「産業首都あいち」が生み出す近未来技術集積・社会実装プロジェクト"
    )
    assert row["evidence"] == "official_page"


def test_d3_kasugai_is_fy2018(db) -> None:
    assert selection(db, "near_future_tech_2018", "春日井市")["fiscal_year"] == 2018


def test_d4_kawachinagano_year_stays_null_with_the_inference_in_the_note(db) -> None:
    row = selection(db, "near_future_tech_2018", "大阪府・河内長野市")
    assert row["fiscal_year"] is None
    assert "FY2018 is inferred, not confirmed" in row["note"]


def test_d5_shizuoka_and_kobe_are_not_published_as_cao_selections(db) -> None:
    held = {a for (a,) in rows(db, "select area_ja from selections where program_id = ?",
                               "near_future_tech_2018")}
    assert held == {
        "北海道、更別村、岩見沢市", "愛知県", "春日井市", "大阪府・河内長野市", "大分県"
    }


def test_d6_kakogawa_is_fy2017_with_the_disagreement_in_the_note(db) -> None:
    row = selection(db, "data_smartcity_2017", "加古川市")
    assert row["fiscal_year"] == 2017 and row["round"] is None  # not known: NULL, never ''
    assert "PC-Webzine" in row["note"] and "2018" in row["note"]


def test_d7_keihanna_is_recorded_as_printed_not_narrowed_to_seika(db) -> None:
    row = selection(db, "energy_demo_2010", "けいはんな学研都市")
    assert row["prefecture_ja"] == "京都府"
    assert areas_of(db, row["selection_id"]) == {"京都府": "within_prefecture"}
    assert "精華町" in row["note"]
    # 精華町 is neither selected nor "not selected": it may lie in the area.
    (status,) = rows(db, "select p.status from participation p join municipalities m using "
                         "(lg_code) where m.name_ja = '精華町' and p.program_id = "
                         "'energy_demo_2010'")
    assert status == ("unknown",)


def test_d8_energy_demonstration_ends_fy2014_and_the_note_keeps_the_document(db) -> None:
    (end_year, note), = rows(db, "select end_year, note from programs where program_id = ?",
                             "energy_demo_2010")
    assert end_year == 2014
    assert "root document gives 2010-2013" in note


def test_d9_a_company_release_is_secondary(db) -> None:
    assert rows(db, "select authority from sources where url = ?",
                "https://global.toyota/jp/detail/1357875/") == [("secondary",)]
    assert selection(db, "energy_demo_2010", "豊田市")["evidence"] == "secondary"


def test_d10_maebashi_priority_project_has_its_consortium(db) -> None:
    (consortium,), = rows(db, "select consortium_ja from selections where track = 'priority' "
                              "and area_ja = '前橋市'")
    assert consortium == "超スマート自治体研究協議会"


def test_d11_higashi_hokkaido_alias_is_noted(db) -> None:
    assert "阿寒・知床" in selection(db, "smart_mobility_challenge_2019", "ひがし北海道")["note"]


def test_d12_senboku_keeps_the_mlit_name_and_notes_the_variant(db) -> None:
    row = selection(db, "smartcity_model_2019", "仙北市")
    assert row["project_name_ja"] == "イノベーションの駆動力としてのスマートシティ"
    assert "スマートシティモデル" in row["note"]


def test_the_two_missing_mlit_mobility_projects_are_held(db) -> None:
    smc = "smart_mobility_challenge_2019"
    kyotango = selection(db, smc, "京丹後地域")
    sanin = selection(db, smc, "山陰エリア")
    assert {kyotango["track"], sanin["track"]} == {"mlit_model"}
    assert areas_of(db, sanin["selection_id"]) == {
        "島根県": "within_prefecture", "鳥取県": "within_prefecture"
    }
    assert rows(db, "select held_count, complete from coverage where track = 'mlit_model'") == [
        (19, True)
    ]


def test_every_fact_row_has_its_evidence_from_its_source(db) -> None:
    for table in ("selections", "platform_members"):
        bad = rows(db, f"select count(*) from {table} t join sources s using (source_id) where "
                       "(t.evidence = 'official_page') <> (s.authority = 'official' and "
                       "s.origin = 'cited') or t.evidence is null")
        assert bad == [(0,)], table
    assert dict(rows(db, "select evidence, count(*) from selections where fiscal_year < 2020 "
                         "or fiscal_year is null group by 1")) == {
        "official_page": 13, "secondary": 52
    }
    # FY2020-FY2025: 13 of the research's 165 rows were seen on a government body's own page
    assert dict(rows(db, "select evidence, count(*) from selections where fiscal_year >= 2020 "
                         "group by 1")) == {"official_page": 13, "secondary": 152}


def test_platform_members_transcribed_with_coverage_per_category(db) -> None:
    held = dict(rows(db, "select track, held_count || ' / ' || announced_count from coverage "
                         "where program_id = 'scpf_2019'"))
    assert held == {"local_government": "7 / 112", "company": "13 / 304",
                    "university_research": "1 / 43", "ministry_economic_org": "12 / 12"}


@pytest.mark.parametrize(
    ("name", "program", "track", "status"),
    [
        ("横浜市", "energy_demo_2010", "demonstration_area", "selected"),
        ("大阪市", "energy_demo_2010", "demonstration_area", "not_selected"),
        ("大阪市", "smartcity_model_2019", "priority", "unknown"),
        ("藤枝市", "scpf_2019", "local_government", "member"),
        ("大阪市", "scpf_2019", "local_government", "unknown"),
    ],
)
def test_participation_is_three_valued(db, name, program, track, status) -> None:
    assert rows(db, "select p.status from participation p join municipalities m using (lg_code) "
                    "where m.name_ja = ? and p.program_id = ? and p.track = ?",
                name, program, track) == [(status,)]


def test_a_region_counts_for_its_prefecture_in_the_example_query(db) -> None:
    per_prefecture = dict(db.execute(named_queries()["selections_per_prefecture"]).fetchall())
    # 八重山地域 (2019, a region linked to its prefecture), 沖縄県 and 宮古島市 (日本版MaaS
    # FY2021), 恩納村 and 北谷町 (地域新MaaS FY2022); 「九州・沖縄各県など」 places no one.
    assert per_prefecture["沖縄県"] == 5
