"""The pandera models: contract columns, descriptions, and each check failing on a frame that
breaks it (synthetic tables from tests/table_samples.py)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from schemas import (
    FOREIGN_KEYS,
    PRIMARY_KEYS,
    TABLES,
    column_descriptions,
    columns,
    table_description,
)
from schemas.codes import is_valid_lg_code, with_check_digit
from tests.table_samples import sample_tables

CONTRACT = {
    "sources": "source_id title publisher url parent_source_id media_type origin authority "
    "status status_detail retrieved_at sha256 bytes file_path",
    "agencies": "agency_id name_en name_ja abbreviation",
    "programs": "program_id name_en name_ja start_year end_year description_en "
    "description_source_id document_text_en note source_id predecessor_program_id family_id",
    "program_agencies": "program_id agency_id role source_id",
    "municipalities": "lg_code lg_code5 prefecture_code prefecture_ja name_ja name_kana name_en "
    "kind district_ja parent_lg_code source_id",
    "platform_members": "member_id name_ja name_normalized category category_ja prefecture_ja "
    "lg_code as_of evidence source_id page",
    "platform_member_counts": "as_of total total_approximate company university_research "
    "local_government ministry_economic_org first_class_members note evidence source_id",
    "selections": "selection_id program_id track fiscal_year round announced_on project_name_ja "
    "lead_org_ja consortium_ja prefecture_ja area_ja selection_group_id note evidence source_id "
    "page",
    "selection_areas": "selection_id lg_code link area_part_ja source_id page",
    "coverage": "program_id track fiscal_year round announced_count announced_source_id "
    "held_count complete announced_on note",
    "participation": "lg_code program_id track status basis",
}

# Codes as published by MIC (全国地方公共団体コード).
REAL_CODES = {
    "札幌市": "011002", "横浜市": "141003", "千代田区": "131016", "豊田市": "232114",
    "北九州市": "401005", "北海道": "010006", "東京都": "130001",
}


def failures(table: str, frame: pd.DataFrame) -> set[str]:
    """Names of the checks the frame fails (empty when valid).

    The index must be unique: pandera cannot report composite-key duplicates otherwise (the
    validate stage resets it)."""
    try:
        TABLES[table].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return set(errors.failure_cases["check"].astype(str))
    return set()


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return sample_tables()


def test_tables_follow_the_contract_in_publication_order():
    assert list(TABLES) == list(CONTRACT)
    for table, names in CONTRACT.items():
        assert columns(table) == names.split(), table


def test_every_table_and_column_is_described():
    for table in TABLES:
        assert len(table_description(table)) > 20, table
        for column, text in column_descriptions(table).items():
            assert text.strip(), f"{table}.{column} has no description"


def test_keys_name_real_columns():
    for table, key in PRIMARY_KEYS.items():
        assert set(key) <= set(columns(table))
    for table, column, ref_table, ref_column in FOREIGN_KEYS:
        assert column in columns(table) and (ref_column,) == PRIMARY_KEYS[ref_table]


def test_sample_tables_are_valid(tables):
    for table, frame in tables.items():
        assert failures(table, frame) == set(), table


@pytest.mark.parametrize("name,code", sorted(REAL_CODES.items()))
def test_check_digit_accepts_real_codes(name, code):
    assert is_valid_lg_code(code) and with_check_digit(code[:5]) == code, name


@pytest.mark.parametrize("code", ["011003", "141000", "13101", "1310160", "13101a", "", None])
def test_check_digit_rejects_bad_codes(code):
    assert not is_valid_lg_code(code)


def test_exactly_one_check_digit_is_valid_for_every_code():
    for n in range(0, 100000, 7):
        code5 = f"{n:05d}"
        valid = [digit for digit in "0123456789" if is_valid_lg_code(code5 + digit)]
        assert [code5 + d for d in valid] == [with_check_digit(code5)]


def test_bad_lg_code_check_digit_fails(tables):
    frame = tables["municipalities"].copy()
    frame.loc[1, "lg_code"] = "011003"  # 札幌市 is 011002
    assert "jis_lg_code" in failures("municipalities", frame)
    areas = tables["selection_areas"].copy()
    areas.loc[0, "lg_code"] = "141000"
    assert "jis_lg_code" in failures("selection_areas", areas)


def test_lg_code5_must_be_lg_code_without_its_check_digit(tables):
    frame = tables["municipalities"].copy()
    frame.loc[1, "lg_code5"] = "01101"  # 札幌市 is 011002, so 01100
    assert "lg_code5_is_lg_code_without_check_digit" in failures("municipalities", frame)


def test_unknown_category_fails(tables):
    frame = tables["platform_members"].copy()
    frame.loc[0, "category"] = "startup"
    assert any(c.startswith("isin") for c in failures("platform_members", frame))


@pytest.mark.parametrize(
    "table,column,value",
    [
        ("sources", "origin", "downloaded"),
        ("sources", "authority", "official-ish"),
        ("sources", "status", "gone"),
        ("municipalities", "kind", "county"),
        ("program_agencies", "role", "sponsor"),
        ("selections", "track", "unknown_track"),
        ("coverage", "track", "unknown_track"),
    ],
)
def test_closed_sets(tables, table, column, value):
    frame = tables[table].copy()
    frame.loc[0, column] = value
    assert any(c.startswith("isin") for c in failures(table, frame))


def test_track_of_another_programme_fails(tables):
    frame = tables["selections"].copy()
    frame.loc[0, "track"] = "meti_pilot"  # a track of the SMC, not of energy_demo_2010
    assert "track_belongs_to_program" in failures("selections", frame)


def test_duplicate_keys_fail(tables):
    members = tables["platform_members"].copy()
    members.loc[1, "member_id"] = members.loc[0, "member_id"]
    assert "field_uniqueness" in failures("platform_members", members)
    selections = tables["selections"].copy()
    selections.loc[1, "selection_id"] = selections.loc[0, "selection_id"]
    assert "field_uniqueness" in failures("selections", selections)


def test_duplicate_composite_keys_fail(tables):
    for table in ("selection_areas", "coverage", "program_agencies"):
        frame = pd.concat([tables[table], tables[table].iloc[[0]]], ignore_index=True)
        assert "multiple_fields_uniqueness" in failures(table, frame), table


def test_bad_sha256_fails(tables):
    frame = tables["sources"].copy()
    frame.loc[0, "sha256"] = frame.loc[0, "sha256"].upper()
    assert any("str_matches" in c for c in failures("sources", frame))
    frame.loc[0, "sha256"] = "abc"
    assert any("str_matches" in c for c in failures("sources", frame))


def test_page_must_be_one_based(tables):
    frame = tables["platform_members"].copy()
    frame.loc[0, "page"] = 0
    assert any("greater_than_or_equal_to(1)" in c for c in failures("platform_members", frame))


def test_as_of_is_the_date_a_source_states_never_before_the_platform(tables):
    frame = tables["platform_members"].copy()
    frame.loc[0, "as_of"] = "2020-03-24"  # a later page's date is a row's own as-of date
    assert failures("platform_members", frame) == set()
    frame.loc[0, "as_of"] = "2019-08-07"  # the platform did not exist before 2019-08-08
    assert any(c.startswith("greater_than_or_equal_to") for c in
               failures("platform_members", frame))


def test_lg_code_only_for_local_governments(tables):
    frame = tables["platform_members"].copy()
    at = frame.index[frame["category"] == "company"][0]
    frame.loc[at, "lg_code"] = "011002"
    assert "lg_code_only_for_local_governments" in failures("platform_members", frame)


def test_strict_columns_and_nullability(tables):
    frame = tables["agencies"].copy()
    frame["extra"] = 1
    assert "column_in_schema" in failures("agencies", frame)
    frame = tables["agencies"].drop(columns=["name_ja"])
    assert "column_in_dataframe" in failures("agencies", frame)
    frame = tables["agencies"].copy()
    frame.loc[0, "name_ja"] = None
    assert "not_nullable" in failures("agencies", frame)


def test_coverage_complete_flag_and_citation(tables):
    frame = tables["coverage"].copy()
    frame.loc[2, "complete"] = True
    assert "complete_iff_held_equals_announced" in failures("coverage", frame)
    frame = tables["coverage"].copy()
    frame.loc[0, "announced_source_id"] = None
    assert "announced_source_iff_announced_count" in failures("coverage", frame)


def test_programme_years_in_order(tables):
    frame = tables["programs"].copy()
    frame.loc[0, "end_year"] = 2009
    assert "end_year_not_before_start_year" in failures("programs", frame)


def test_a_description_cites_the_page_it_is_written_from(tables):
    frame = tables["programs"].copy()
    frame.loc[0, "description_source_id"] = None
    assert "description_cites_its_page" in failures("programs", frame)


def test_selection_group_is_a_selection(tables):
    frame = tables["selections"].copy()
    frame.loc[0, "selection_group_id"] = "no-such-selection"
    assert "selection_group_id_is_a_selection_id" in failures("selections", frame)


def test_coercion_gives_contract_types(tables):
    frame = tables["selections"].astype({"fiscal_year": str, "page": object})
    out = TABLES["selections"].validate(frame)
    assert out["fiscal_year"].dtype == "Int64"  # nullable: a year may be unconfirmed
    assert str(out["page"].dtype) == "Int64"
    assert out["announced_on"].iloc[0].isoformat() == "2010-04-08"
