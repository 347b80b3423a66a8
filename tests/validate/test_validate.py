"""Validate stage: schemas run lazily, foreign keys, cross-checks against announced figures, the
report (synthetic tables from tests/table_samples.py)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.errors import Failure, ValidationFailed
from pipeline.validate import ValidationReport, validate_tables
from tests.table_samples import (
    MEMBER_SOURCE,
    METI_LIST,
    members,
    sample_tables,
    with_members,
    without_member_source,
)


def checks(report: ValidationReport) -> set[str]:
    return {f.check for f in report.failures}


def failure(report: ValidationReport, check: str):
    found = [f for f in report.failures if f.check == check]
    assert found, f"{check} not among {sorted(checks(report))}"
    return found[0]


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return sample_tables()


def test_valid_tables_pass_and_come_back_coerced(tables):
    tables["selections"] = tables["selections"].astype({"fiscal_year": str})
    report = validate_tables(tables, set())
    assert report.ok, report.summary_text()
    assert report.complete
    assert report.member_composition == "corrected_2019-08-29"
    assert report.tables["selections"]["fiscal_year"].dtype == "Int64"
    assert list(report.tables) == list(tables)
    assert "validation: OK" in report.summary_text()


def test_one_run_reports_every_failure(tables):
    tables["municipalities"].loc[1, "lg_code"] = "011003"
    tables["platform_members"].loc[0, "category"] = "startup"
    tables["selections"].loc[0, "program_id"] = "no_such_program"
    report = validate_tables(tables, set())
    assert not report.ok
    found = checks(report)
    assert "jis_lg_code" in found
    assert any(c.startswith("isin") for c in found)
    assert "foreign_key:programs.program_id" in found


def test_foreign_key_to_a_missing_program_fails(tables):
    tables["programs"] = tables["programs"][tables["programs"].program_id != "energy_demo_2010"]
    report = validate_tables(tables, set())
    by_table = {f.table: f for f in report.failures if f.check == "foreign_key:programs.program_id"}
    fk = by_table["selections"]
    assert fk.column == "program_id"
    assert fk.rows == 4  # the 4 energy_demo_2010 selections
    assert len(fk.examples) <= 5
    assert fk.examples[0]["value"] == "energy_demo_2010"
    assert fk.examples[0]["source_id"] == "cited_energy"
    assert "page" in fk.examples[0]
    assert set(by_table) == {"selections", "coverage", "program_agencies", "participation"}


def test_foreign_keys_to_municipalities_and_sources(tables):
    tables["selection_areas"].loc[0, "lg_code"] = "131016"  # valid code, but...
    tables["municipalities"] = tables["municipalities"][
        tables["municipalities"].lg_code != "131016"
    ]
    tables["selections"].loc[0, "source_id"] = "cited_nowhere"
    report = validate_tables(tables, set())
    assert failure(report, "foreign_key:municipalities.lg_code").table == "selection_areas"
    assert failure(report, "foreign_key:sources.source_id").table == "selections"


def test_self_references_are_checked(tables):
    tables["municipalities"].loc[2, "parent_lg_code"] = "141003"
    tables["sources"].loc[2, "parent_source_id"] = "no_such_parent"
    report = validate_tables(tables, set())
    assert report.ok is False
    fk = failure(report, "foreign_key:sources.source_id")
    assert fk.table == "sources" and fk.column == "parent_source_id"


def test_fiscal_year_outside_programme_years_fails(tables):
    tables["selections"].loc[0, "fiscal_year"] = 2015  # energy_demo_2010 runs 2010-2013
    tables["coverage"].loc[0, "fiscal_year"] = 2009
    report = validate_tables(tables, set())
    bad = [f for f in report.failures if f.check == "fiscal_year_within_program_years"]
    assert {f.table for f in bad} == {"selections", "coverage"}


def test_open_ended_programme_accepts_later_years(tables):
    tables["selections"].loc[tables["selections"].track == "mlit_model", "fiscal_year"] = 2030
    tables["coverage"].loc[2, "fiscal_year"] = 2030
    report = validate_tables(tables, set())
    assert "fiscal_year_within_program_years" not in checks(report)


def test_member_counts_must_match_an_announced_composition(tables):
    counts = {"company": 304, "university_research": 43, "local_government": 111,
              "ministry_economic_org": 12}
    tables = with_members(tables, members(counts))
    report = validate_tables(tables, set())
    bad = failure(report, "member_counts_match_announced_composition")
    assert "local_government" in bad.message and "471" in bad.message
    assert "debug mlit_scpf_members" in bad.message


def test_first_member_composition_is_accepted_too(tables):
    counts = {"company": 305, "university_research": 43, "local_government": 113,
              "ministry_economic_org": 12}
    tables = with_members(tables, members(counts))
    report = validate_tables(tables, set())
    assert report.ok, report.summary_text()
    assert report.member_composition == "first_2019-08-08"


def test_missing_member_source_makes_incomplete_not_invalid(tables):
    report = validate_tables(without_member_source(tables), {MEMBER_SOURCE})
    assert report.ok, report.summary_text()
    assert not report.complete
    assert report.missing_sources == [MEMBER_SOURCE]
    assert any("member composition not checked" in n for n in report.notes)
    assert MEMBER_SOURCE not in report.summary_text()  # listed once, at the build's end


def test_rows_from_a_missing_source_fail(tables):
    report = validate_tables(tables, {METI_LIST})
    assert "no_rows_from_missing_source" in checks(report)
    assert "missing_source_listed_as_missing" in checks(report)


def test_official_list_disagreeing_with_announced_count_fails(tables):
    meti = tables["selections"].index[tables["selections"].track == "meti_pilot"]
    tables["selections"] = tables["selections"].drop(meti[-1])
    tables["coverage"].loc[1, ["held_count", "complete"]] = [12, False]
    report = validate_tables(tables, set())
    bad = failure(report, "official_list_matches_announced_count")
    assert bad.examples[0]["held"] == 12 and bad.examples[0]["announced"] == 13
    assert bad.examples[0]["source_id"] == METI_LIST


def test_transcribed_list_may_hold_fewer_than_announced(tables):
    # mlit_model holds 2 of 19, transcribed from a cited page: a gap, not a failure.
    report = validate_tables(tables, set())
    assert report.ok


def test_held_above_announced_fails(tables):
    extra = tables["selections"][tables["selections"].track == "demonstration_area"].iloc[[0]]
    extra = extra.assign(selection_id="energy_demo_2010-demonstration_area-2010-05",
                         selection_group_id="energy_demo_2010-demonstration_area-2010-05")
    tables["selections"] = pd.concat([tables["selections"], extra], ignore_index=True)
    tables["coverage"].loc[0, ["held_count", "complete"]] = [5, False]
    report = validate_tables(tables, set())
    bad = failure(report, "held_not_above_announced_count")
    assert bad.examples[0]["held"] == 5 and bad.examples[0]["announced"] == 4


def test_coverage_held_count_must_match_selections(tables):
    tables["coverage"].loc[2, "held_count"] = 3
    report = validate_tables(tables, set())
    assert "held_count_matches_selections" in checks(report)


def test_smc_regions_in_both_lists_at_most_announced(tables):
    selections = tables["selections"]
    meti = selections.index[selections.track == "meti_pilot"]
    mlit = selections[selections.track == "mlit_model"].iloc[[0]]
    copies = [
        mlit.assign(selection_id=f"smart_mobility_challenge_2019-mlit_model-2019-{n:02d}",
                    selection_group_id=selections.loc[meti[n], "selection_id"])
        for n in range(3, 8)
    ]
    tables["selections"] = pd.concat([selections, *copies], ignore_index=True)
    tables["coverage"].loc[2, "held_count"] = 7
    report = validate_tables(tables, set())
    assert failure(report, "smc_regions_in_both_lists").rows == 6


def test_failures_found_before_validation_fail_it(tables):
    message = "'架空市': no local government of that name"
    found = [Failure.found("selection_areas", "lg_code", "area_matches_local_governments",
                           message, "cited_smc", 3),
             Failure.found("selection_areas", "lg_code", "area_matches_local_governments",
                           "'幻町': no local government of that name", "cited_smc", pd.NA)]
    report = validate_tables(tables, set(), found=found)
    bad = failure(report, "area_matches_local_governments")
    assert bad.examples[0] == {"source_id": "cited_smc", "page": 3, "message": message}
    assert bad.examples[1]["page"] is None
    assert bad.rows == 2 and bad.source_ids == ("cited_smc",)
    nobodys = Failure.found("municipalities", "kind", "reference_counts", "47 prefectures?")
    report = validate_tables(tables, set(), found=[*found, nobodys])
    assert failure(report, "reference_counts").source_ids == ()  # fails the whole build


def test_empty_and_absent_tables(tables):
    tables["platform_members"] = pd.DataFrame()
    report = validate_tables(tables, set())
    assert "table_present" not in checks(report)
    del tables["agencies"]
    report = validate_tables(tables, set())
    assert "table_present" in checks(report)


def test_report_json_is_stable_and_sorted(tables):
    tables["municipalities"].loc[1, "lg_code"] = "011003"
    tables["selections"].loc[0, "fiscal_year"] = 2015
    first = validate_tables(tables, {"cao_wg6_material"}).to_json()
    again = validate_tables(sample_tables() | {
        "municipalities": tables["municipalities"], "selections": tables["selections"]
    }, {"cao_wg6_material"}).to_json()
    assert first == again
    data = json.loads(first)
    assert data["ok"] is False and data["complete"] is False
    assert data["missing_sources"] == ["cao_wg6_material"]
    keys = [(f["table"], f["column"], f["check"]) for f in data["failures"]]
    assert keys == sorted(keys)
    assert all(len(f["examples"]) <= 5 for f in data["failures"])


def test_summary_text_has_one_block_per_failure(tables):
    tables["municipalities"].loc[1, "lg_code"] = "011003"
    tables["programs"] = tables["programs"][tables["programs"].program_id != "energy_demo_2010"]
    report = validate_tables(tables, set())
    text = report.summary_text()
    assert text.startswith("validation: FAILED")
    for f in report.failures:
        assert f"[{f.table}.{f.column}] {f.check}: {f.rows} row(s)" in text
    assert "cited_energy" in text  # examples name their source


def test_refuses_when_pandera_validation_is_disabled(tables, monkeypatch):
    monkeypatch.setenv("PANDERA_VALIDATION_ENABLED", "False")
    with pytest.raises(ValidationFailed, match="PANDERA_VALIDATION_ENABLED"):
        validate_tables(tables, set())


def test_refuses_when_pandera_would_skip_the_data_checks(tables, monkeypatch):
    monkeypatch.setenv("PANDERA_VALIDATION_DEPTH", "SCHEMA_ONLY")
    with pytest.raises(ValidationFailed, match="SCHEMA_ONLY"):
        validate_tables(tables, set())


def test_a_joint_selection_holds_at_most_its_announced_regions(tables):
    """FY2020 スマートモビリティチャレンジ: 52 regions, 3 in both ministries' lists
    (pipeline/announced.toml). SYNTHETIC rows linking 4 regions across the two lists fail."""
    selections = tables["selections"]
    base = selections[selections.track == "meti_pilot"].iloc[0]
    rows = []
    for n in range(4):
        for program, track in (("regional_maas_2020", "advanced_pilot_region"),
                               ("japan_maas_2020", "maas_project")):
            rows.append(base.copy())
            rows[-1]["selection_id"] = f"{program}-{track}-2020-{n:02d}"
            rows[-1]["selection_group_id"] = (
                f"regional_maas_2020-advanced_pilot_region-2020-{n:02d}")
            rows[-1][["program_id", "track", "fiscal_year"]] = [program, track, 2020]
    tables["selections"] = pd.concat([selections, pd.DataFrame(rows)], ignore_index=True)
    report = validate_tables(tables, set())
    found = [f for f in report.failures
             if f.check == "smc_regions_in_both_lists" and "FY2020" in f.message]
    assert len(found) == 1 and found[0].rows == 4 and "3 announced" in found[0].message
