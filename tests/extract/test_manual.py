"""Hand transcriptions (raw/manual/) and their extractor: load, counts, citations, strictness."""

from __future__ import annotations

import csv
import importlib
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from pipeline import announced
from pipeline.errors import SourceError
from pipeline.extract import curated, manual, manual_members, manual_programs
from pipeline.extract.result import ExtractOutput
from pipeline.workspace.registry import load_registry

ROUND_NOT_KNOWN = "(round not known)"  # how the counts below key a NULL round
# Rows expected per programme / track / fiscal year / round (published), as the pages each row
# of raw/manual/ cites state them.
EXPECTED_PUBLISHED = {
    ("energy_demo_2010", "demonstration_area", 2010, "single"): 4,
    ("data_smartcity_2017", "subsidy", 2017, "first"): 1,  # 札幌市
    # 高松市, 加古川市: FY2017, round not known (NULL), counted apart from the first round
    ("data_smartcity_2017", "subsidy", 2017, ROUND_NOT_KNOWN): 2,
    ("data_smartcity_2017", "subsidy", 2018, "additional"): 2,  # 富山市, 京都府
    ("data_smartcity_2017", "subsidy", 2019, "first"): 1,  # 新居浜市
    ("smartcity_model_2019", "leading_model", 2019, "single"): 15,
    ("smartcity_model_2019", "priority", 2019, "single"): 3,
    ("smart_mobility_challenge_2019", "meti_pilot", 2019, "single"): 13,
    ("smart_mobility_challenge_2019", "mlit_model", 2019, "single"): 19,
    # 北海道・更別村・岩見沢市 (one joint project), 愛知県, 春日井市
    ("near_future_tech_2018", "selected_project", 2018, "single"): 3,
    # FY2020-FY2025: the confirmed rows of the research of issue 19 (its §2), per
    # programme and year (34 + 26 + 50 + 17 + 17 + 21 = 165).
    ("data_smartcity_2017", "subsidy", 2020, "single"): 5,  # the 関東 bureau's 5 of 7
    ("future_tech_2020", "selected_project", 2020, "single"): 7,
    ("future_tech_2020", "selected_project", 2021, "single"): 9,
    ("future_tech_2020", "selected_project", 2022, "single"): 10,
    ("future_tech_2020", "selected_project", 2025, "single"): 3,
    ("data_linkage_2021", "subsidy", 2021, "single"): 1,
    ("regional_smartcity_2022", "subsidy", 2022, "single"): 13,
    ("regional_smartcity_2022", "subsidy", 2023, "additional"): 3,
    ("regional_smartcity_2022", "subsidy", 2024, "single"): 2,
    ("regional_dx_package_2025", "smartcity_project", 2025, "single"): 2,
    ("regional_maas_2020", "advanced_pilot_region", 2020, "single"): 4,
    ("regional_maas_2020", "advanced_pilot_region", 2021, "single"): 1,
    ("regional_maas_2020", "advanced_pilot_region", 2022, "single"): 11,
    ("regional_maas_2020", "advanced_pilot_region", 2025, "single"): 5,
    ("japan_maas_2020", "maas_project", 2020, "single"): 6,
    ("japan_maas_2020", "maas_project", 2021, "single"): 12,
    ("japan_maas_2020", "maas_project", 2022, "single"): 6,
    ("japan_maas_2020", "maas_project", 2023, "single"): 6,
    ("japan_maas_2020", "maas_project", 2024, "single"): 2,
    ("japan_maas_2020", "maas_project", 2025, "single"): 1,
    ("smartcity_model_project_2020", "leading_model", 2020, "single"): 7,
    ("smartcity_model_project_2020", "priority", 2020, "single"): 5,
    ("smartcity_model_project_2020", "leading_model", 2021, "single"): 2,
    ("smartcity_model_project_2020", "priority", 2021, "single"): 1,
    ("smartcity_implementation_2022", "implementation_support", 2022, "single"): 10,
    ("smartcity_implementation_2022", "implementation_support", 2023, "single"): 6,
    ("smartcity_implementation_2022", "handson_support", 2023, "single"): 2,
    ("smartcity_implementation_2022", "implementation_support", 2024, "single"): 13,
    ("smartcity_implementation_2022", "implementation_support", 2025, "first"): 8,
    ("smartcity_implementation_2022", "implementation_support", 2025, "additional"): 2,
}
# Rows of FY2020-FY2025 seen on a government body's own page (research §0: 13 of 165).
EXPECTED_OFFICIAL_AFTER_2019 = 13
# Published with fiscal_year null: two CAO participants (大阪府・河内長野市, 大分県).
EXPECTED_YEAR_UNCONFIRMED = {"near_future_tech_2018": 2}
PROGRAMS = [
    "energy_demo_2010",
    "data_smartcity_2017",
    "near_future_tech_2018",
    "smartcity_model_2019",
    "smart_mobility_challenge_2019",
    "future_tech_2020",
    "data_linkage_2021",
    "regional_smartcity_2022",
    "regional_dx_package_2025",
    "regional_maas_2020",
    "japan_maas_2020",
    "smartcity_model_project_2020",
    "smartcity_implementation_2022",
]
# Copies of government pages on other hosts: the research tags them gov, but they are copies.
MIRROR_HOSTS = ("40.74.122.252", "cache.yimg.jp", "gov-base.info", "vdocuments", "pdfslide")
SYNTHETIC = "SYNTHETIC TEST FIXTURE - not an official document"


def _announced_urls() -> set[str]:
    urls = {a.citation for a in announced.ANNOUNCEMENTS if a.citation}
    urls |= {j.citation for j in announced.JOINT_ANNOUNCEMENTS}
    urls |= {c.citation for c in announced.PLATFORM_COUNTS}
    return urls | {announced.PLATFORM_MINISTRIES_CITATION, announced.SMC_CITATION}


@pytest.fixture(scope="module")
def transcription_sources(repo_raw: Path):
    return [s for s in load_registry(repo_raw) if s.kind == "transcription"]


@pytest.fixture(scope="module")
def extracted(outputs: dict[str, ExtractOutput]) -> dict[str, pd.DataFrame]:
    return {
        source_id: output["selections"]
        for source_id, output in outputs.items()
        if "selections" in output.tables
    }


@pytest.fixture(scope="module")
def outputs(repo_raw: Path, transcription_sources) -> dict[str, ExtractOutput]:
    return {
        s.source_id: importlib.import_module(s.extractor_module).extract(
            s.source_id, [repo_raw / s.path]
        )
        for s in transcription_sources
    }


@pytest.fixture(scope="module")
def selections(extracted) -> pd.DataFrame:
    return pd.concat(extracted.values(), ignore_index=True)


@pytest.fixture(scope="module")
def cited(repo_raw: Path) -> pd.DataFrame:
    return manual.cited_sources(repo_raw / "manual" / manual.CITED_FILE)


# --- the real transcriptions -----------------------------------------------------------------


def test_every_programme_has_a_registered_transcription(repo_raw: Path, transcription_sources):
    members, programs = "manual_scpf_2019_members", "manual_programs"
    assert {s.source_id for s in transcription_sources} == {f"manual_{p}" for p in PROGRAMS} | {
        members, programs
    }
    for source in transcription_sources:
        if source.source_id == members:
            assert source.path == f"manual/{manual.MEMBERS_FILE}"
            continue
        if source.source_id == programs:
            assert source.path == f"manual/{manual.PROGRAMS_FILE}"
            continue
        assert source.path == f"manual/{source.source_id.removeprefix('manual_')}.csv"
        assert (repo_raw / source.path).is_file()
        assert source.media_type == "text/csv"
    on_disk = {p.name for p in manual.transcription_files(repo_raw)}
    assert on_disk == {f"{p}.csv" for p in PROGRAMS}


def test_every_transcribed_programme_has_tracks_and_a_lineage(outputs) -> None:
    """The programmes after 2019 each name the programme they follow, and every programme with
    tracks is either the root document's or transcribed (programs.csv)."""
    programs = outputs["manual_programs"]["programs"].set_index("program_id")
    after_2019 = set(PROGRAMS[5:])
    assert set(programs.index) == after_2019
    assert programs["predecessor_program_id"].notna().all()
    assert programs["start_year"].min() == 2020
    assert programs.loc["future_tech_2020", "predecessor_program_id"] == "near_future_tech_2018"
    links = outputs["manual_programs"]["program_agencies"]
    assert set(links["role"]) == {"lead"} and set(links["program_id"]) == after_2019


def test_every_file_loads_with_the_contract_columns(extracted):
    for source_id, frame in extracted.items():
        assert list(frame.columns) == manual.SELECTION_EXTRACT_COLUMNS, source_id
        assert frame["fiscal_year"].dtype == "Int64"
        assert frame["page"].isna().all()
        assert frame["round"].dropna().isin(["first", "additional", "single"]).all()
        program = source_id.removeprefix("manual_")
        assert set(frame["program_id"]) <= {program}


def test_published_counts_per_programme_track_year_round(selections):
    counts = (
        selections.dropna(subset=["fiscal_year"])
        .fillna({"round": ROUND_NOT_KNOWN})
        .groupby(["program_id", "track", "fiscal_year", "round"])
        .size()
    )
    measured = {key: int(n) for key, n in counts.items()}
    assert measured == EXPECTED_PUBLISHED


def test_rows_without_a_confirmed_year_are_published_with_a_null_year(
    repo_raw: Path, extracted, outputs
):
    unconfirmed = manual.year_unconfirmed_rows(repo_raw)
    assert unconfirmed["program_id"].value_counts().to_dict() == EXPECTED_YEAR_UNCONFIRMED
    assert (unconfirmed["fiscal_year"] == "").all()
    assert unconfirmed["note"].str.len().gt(0).all()
    cao = extracted["manual_near_future_tech_2018"]
    undated = cao[cao["fiscal_year"].isna()]
    assert len(cao) == 5 and len(undated) == 2
    assert undated["note"].str.contains("FY2018 or FY2019 (not confirmed)", regex=False).all()
    assert outputs["manual_near_future_tech_2018"].notes == [
        "2 row(s) published with fiscal_year null (selection year not confirmed)",
        "2 row(s) not published, selection not confirmed: 神戸市, 静岡県",
    ]
    assert not any("fiscal_year null" in note
                   for note in outputs["manual_data_smartcity_2017"].notes)
    assert set(unconfirmed["area_ja"]) == {"大阪府・河内長野市", "大分県"}


def test_facts_not_guesses(repo_raw: Path, selections):
    # The truncated 秋田 row of FY2018 is left out. A prefecture is transcribed only as printed:
    # where the research inferred one (from a municipality's or a region's name), the cell is
    # empty, and only 京丹後地域's note keeps the inference, marked as such.
    mic_2018 = selections[(selections.program_id == "data_smartcity_2017")
                          & (selections.fiscal_year == 2018)]
    assert not mic_2018["area_ja"].fillna("").str.startswith("秋田").any()
    rows = manual.read_transcription(
        "t",
        repo_raw / "manual" / "smart_mobility_challenge_2019.csv",
        manual.url_index(manual.read_cited(repo_raw / "manual" / manual.CITED_FILE)),
    )
    by_area = rows.set_index(["track", "area_ja"])
    for area in ("浪江町", "豊田市", "春日井市", "永平寺町", "大分市"):
        assert by_area.loc[("meti_pilot", area), "prefecture_ja"] == "", area
    assert not rows["note"].str.contains("prefecture inferred", regex=False).any()
    kyotango = by_area.loc[("mlit_model", "京丹後地域")]
    assert kyotango["prefecture_ja"] == "" and "inferred from the name" in kyotango["note"]
    for cell in selections.drop(columns=["page", "fiscal_year"]).stack():
        assert "(not seen)" not in str(cell) and "(not given)" not in str(cell)


def test_announced_dates(selections):
    dates = selections.groupby(["program_id", "track"])["announced_on"].agg(
        lambda s: set(s.dropna())
    )
    assert dates["energy_demo_2010", "demonstration_area"] == {"2010-04-08"}
    assert dates["smartcity_model_2019", "leading_model"] == {"2019-05-31"}
    assert dates["smart_mobility_challenge_2019", "meti_pilot"] == {announced.SMC_ANNOUNCED_ON}
    assert dates["smart_mobility_challenge_2019", "mlit_model"] == {announced.SMC_ANNOUNCED_ON}


def test_regions_in_both_smc_lists_share_a_list_key(selections):
    smc = selections[selections.program_id == "smart_mobility_challenge_2019"]
    keyed = smc[smc["list_key"].notna()]
    assert keyed.groupby("list_key")["track"].apply(sorted).to_dict() == {
        key: ["meti_pilot", "mlit_model"]
        for key in ("smc:日立市", "smc:前橋市", "smc:静岡市", "smc:大津市")
    }
    assert keyed["list_key"].nunique() == announced.SMC_SELECTED_BY_BOTH
    # FY2020 (スマートモビリティチャレンジ 2nd): the one region both ministries' rows name alike;
    # 会津 and 日立, which METI joined into one project, are linked to no single MLIT row.
    others = selections[selections.program_id != "smart_mobility_challenge_2019"]
    keyed = others[others["list_key"].notna()]
    assert keyed.groupby("list_key")["program_id"].apply(sorted).to_dict() == {
        "smc2020:静岡市": ["japan_maas_2020", "regional_maas_2020"]
    }


def test_rows_after_2019_as_the_research_gives_them(selections, cited):
    """Names as printed (slips kept, the reference spelling beside them), nothing inferred
    published as a fact, and as many rows on government pages as the research found."""
    later = selections[selections["fiscal_year"] >= 2020]
    authority = cited.set_index("source_id")["authority"]
    assert (authority[later["source_id"]] == "official").sum() == EXPECTED_OFFICIAL_AFTER_2019
    slip = later[later["area_ja"] == "三重県多気町、大台町、渡会町"].iloc[0]
    assert slip["area_reference_ja"] == "三重県多気町、大台町、度会町"
    assert "matched as 三重県多気町、大台町、度会町" in slip["note"]
    # Two FY2022 日本版MaaS titles are paired with their areas only by inference: not published.
    maas = later[(later.program_id == "japan_maas_2020") & (later.fiscal_year == 2022)]
    assert maas["project_name_ja"].notna().sum() == 2
    paired = maas[maas["area_ja"].isin(["神奈川県横須賀市など", "神奈川県三浦半島"])]
    assert paired["project_name_ja"].isna().all()
    assert paired["note"].str.contains("inferred").all()
    # A day printed without its month is not completed: the FY2024 MLIT rows have no date.
    mlit_2024 = later[(later.program_id == "smartcity_implementation_2022")
                      & (later.fiscal_year == 2024)]
    assert len(mlit_2024) == 13 and mlit_2024["announced_on"].isna().all()


def test_every_row_cites_a_listed_source_with_an_authority(selections, cited):
    by_id = cited.set_index("source_id")
    assert selections["source_id"].isin(by_id.index).all()
    assert set(by_id.loc[selections["source_id"].unique(), "authority"]) <= {
        "official",
        "secondary",
    }


def test_cited_sources_table_rows(cited, repo_raw: Path):
    assert list(cited.columns) == manual.SOURCES_COLUMNS
    assert cited["source_id"].is_unique and cited["url"].is_unique
    assert (cited["origin"] == "cited").all() and (cited["status"] == "ok").all()
    assert cited["file_path"].isna().all() and cited["sha256"].isna().all()
    registered = {s.source_id for s in load_registry(repo_raw)}
    assert not registered & set(cited["source_id"])


def test_cited_sources_are_exactly_what_is_cited(repo_raw: Path, cited):
    urls = manual.url_index(cited)
    used: set[str] = set()
    for path in manual.transcription_files(repo_raw):
        rows = manual.read_transcription(path.stem, path, urls)
        used |= set(rows["cited_source_id"])
        used |= {i for ids in rows["other_source_ids"] for i in ids}
    used |= {urls[u] for u in _announced_urls()}
    # the curated programme descriptions and the platform's ministries cite pages too
    used |= {urls[u] for u in curated.programs_table()["description_citation"] if u}
    used |= {urls[u] for u in curated.program_agencies_table()["citation"]}
    members = repo_raw / "manual" / manual.MEMBERS_FILE
    used |= set(manual_members.extract("m", [members])["platform_members"]["source_id"])
    programs = repo_raw / "manual" / manual.PROGRAMS_FILE
    after_2019 = manual_programs.extract("p", [programs])["programs"]
    used |= set(after_2019["source_id"]) | set(after_2019["description_source_id"].dropna())
    assert used == set(cited["source_id"])


def test_authority_follows_the_host(cited):
    for row in cited.itertuples():
        host = urlparse(row.url).hostname or ""
        if any(m in row.url for m in MIRROR_HOSTS):
            assert row.authority == "secondary", row.url
        elif host.endswith((".go.jp", ".lg.jp")) or host.startswith("www.city.") or (
            ".pref." in host
        ):
            assert row.authority == "official", row.url
    # A company's release is not a government body's page (fidelity check D9).
    assert cited.set_index("source_id").loc["cited_toyota_1357875", "authority"] == "secondary"


def test_cited_file_can_be_passed_with_the_transcription(repo_raw: Path):
    folder = repo_raw / "manual"
    a = manual.extract("m", [folder / "energy_demo_2010.csv"])["selections"]
    b = manual.extract("m", [folder / manual.CITED_FILE, folder / "energy_demo_2010.csv"])
    pd.testing.assert_frame_equal(a, b["selections"])


def test_published_note_carries_target_area_participants_and_other_sources(selections):
    sapporo = selections[
        (selections.program_id == "smartcity_model_2019") & (selections.area_ja == "札幌市")
    ].iloc[0]
    assert sapporo["lead_org_ja"] == "日建設計総合研究所"
    assert sapporo["source_id"] == "cited_mlit_tk_000051"
    assert "対象区域 (target area): 市中心部および郊外" in sapporo["note"]
    assert "also cited: cited_carwatch_1187673" in sapporo["note"]


# --- malformed transcriptions (synthetic) ----------------------------------------------------

GOOD_URL = "https://example.invalid/synthetic-page"


def _write_fixture(folder: Path, rows: list[dict[str, str]], columns=None) -> Path:
    """A synthetic transcription plus a synthetic cited-sources list in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / manual.CITED_FILE).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(manual.CITED_COLUMNS)
        writer.writerow(["cited_synthetic_page", GOOD_URL, SYNTHETIC, "synthetic", "secondary"])
    path = folder / "smartcity_model_2019.csv"
    columns = columns or manual.TRANSCRIPTION_COLUMNS
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def _good(**changes: str) -> dict[str, str]:
    row = {
        "program_id": "smartcity_model_2019",
        "track": "leading_model",
        "status": "selected",
        "fiscal_year": "2019",
        "round": "single",
        "announced_on": "2019-05-31",
        "prefecture_ja": "北海道",
        "area_ja": "札幌市",
        "note": SYNTHETIC,
        "source_url": GOOD_URL,
    }
    row.update(changes)
    return row


def test_synthetic_good_file_extracts(tmp_path: Path):
    path = _write_fixture(tmp_path, [_good(), _good(status="year_unconfirmed", fiscal_year="")])
    output = manual.extract("manual_synthetic", [path])
    frame = output["selections"]
    assert len(frame) == 2 and output.notes == [
        "1 row(s) published with fiscal_year null (selection year not confirmed)"]
    assert frame["fiscal_year"].isna().tolist() == [False, True]
    assert frame.loc[0, "source_id"] == "cited_synthetic_page"
    assert frame.loc[0, "fiscal_year"] == 2019


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"track": "meti_pilot"}, "track 'meti_pilot' is not a track of smartcity_model_2019"),
        ({"program_id": "no_such_programme"}, "program_id 'no_such_programme' is unknown"),
        ({"source_url": "https://example.invalid/unknown"}, "is not in manual/cited_sources.csv"),
        ({"other_urls": f"{GOOD_URL} ; https://example.invalid/x"}, "other_urls"),
        ({"announced_on": "2019-02-30"}, "announced_on '2019-02-30' is not a date"),
        ({"announced_on": "2019/05/31"}, "announced_on '2019/05/31' is not a date"),
        ({"fiscal_year": ""}, "fiscal_year '' must be a year"),
        ({"fiscal_year": "FY2019"}, "fiscal_year 'FY2019' must be a year"),
        ({"status": "year_unconfirmed"}, "fiscal_year must be empty"),
        ({"status": "maybe"}, "status 'maybe'"),
        ({"round": "second"}, "round 'second'"),
        ({"round": ""}, "round is empty (not known), but smartcity_model_2019/leading_model "
                        "announced FY2019 in a single round"),
        ({"area_ja": "", "prefecture_ja": ""}, "area_ja and prefecture_ja are both empty"),
        ({"source_url": ""}, "source_url is empty"),
        ({"region_prefectures_ja": "島根、鳥取"}, "region_prefectures_ja names ['島根', '鳥取']"),
        ({"area_ja": "", "region_prefectures_ja": "北海道"}, "area_ja (the region) is empty"),
        ({"project_name_ja": "(not seen)"}, "placeholder '(not seen)'"),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path: Path, bad: dict, message: str):
    path = _write_fixture(tmp_path, [_good(), _good(**bad)])
    with pytest.raises(SourceError) as info:
        manual.extract("manual_synthetic", [path])
    text = str(info.value)
    assert text.startswith(f"manual_synthetic: {path}: line 3: "), text
    assert message in text


def test_unknown_column_names_file_and_line(tmp_path: Path):
    path = _write_fixture(tmp_path, [_good()], columns=[*manual.TRANSCRIPTION_COLUMNS, "extra"])
    with pytest.raises(SourceError, match=r"line 1: .*unknown columns \['extra'\]") as info:
        manual.extract("manual_synthetic", [path])
    assert str(path) in str(info.value)


def test_missing_column_and_empty_file(tmp_path: Path):
    columns = [c for c in manual.TRANSCRIPTION_COLUMNS if c != "note"]
    path = _write_fixture(tmp_path, [_good()], columns=columns)
    with pytest.raises(SourceError, match=r"missing columns \['note'\]"):
        manual.extract("manual_synthetic", [path])
    path = _write_fixture(tmp_path / "empty", [])
    with pytest.raises(SourceError, match="no rows transcribed"):
        manual.extract("manual_synthetic", [path])


def test_an_empty_round_is_not_known_and_published_as_null(tmp_path: Path):
    """A round no source confirms is an empty cell, published NULL (never ''): possible where
    the programme's year has rounds, or no announced figure says otherwise."""
    path = _write_fixture(tmp_path, [_good(fiscal_year="2020", round="")])
    frame = manual.extract("manual_synthetic", [path])["selections"]
    assert frame["round"].isna().all()


def test_an_empty_round_fails_in_a_single_year_without_a_stated_count(tmp_path: Path):
    """FY2024 of 未来技術社会実装事業 was one announcement, though no source states its count: the
    record (pipeline/announced.toml), not its count, says the year had a single round."""
    row = _good(program_id="future_tech_2020", track="selected_project", fiscal_year="2024",
                round="", announced_on="")
    path = _write_fixture(tmp_path, [row])
    path = path.rename(path.with_name("future_tech_2020.csv"))
    with pytest.raises(SourceError, match=r"announced FY2024 in a single round .*write 'single'"):
        manual.extract("manual_synthetic", [path])


def test_row_of_another_programme_in_the_file(tmp_path: Path):
    other = _good(program_id="energy_demo_2010", track="demonstration_area", fiscal_year="2010")
    path = _write_fixture(tmp_path, [other])
    with pytest.raises(SourceError, match="file is named smartcity_model_2019.csv"):
        manual.extract("manual_synthetic", [path])


def test_bad_cited_sources_file(tmp_path: Path):
    path = _write_fixture(tmp_path, [_good()])
    cited = tmp_path / manual.CITED_FILE
    with cited.open("a", encoding="utf-8") as fh:
        fh.write(f"cited_synthetic_again,{GOOD_URL},{SYNTHETIC},synthetic,secondary\n")
    with pytest.raises(SourceError, match="line 3: .* already listed on line 2") as info:
        manual.extract("manual_synthetic", [path])
    assert str(info.value).startswith(f"cited_sources: {cited}: ")
    cited.write_text(
        "source_id,url,title,publisher,authority\n"
        f"Cited-Bad,{GOOD_URL},{SYNTHETIC},synthetic,secondary\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="line 2: source_id 'Cited-Bad'"):
        manual.extract("manual_synthetic", [path])
    cited.write_text(
        f"source_id,url,title,publisher,authority\ncited_x,{GOOD_URL},{SYNTHETIC},synthetic,gov\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="line 2: authority 'gov'"):
        manual.read_cited(cited)


def test_cited_sources_reads_raw_manual(tmp_path: Path):
    _write_fixture(tmp_path / "manual", [_good()])
    frame = manual.cited_sources(tmp_path / manual.MANUAL_DIR / manual.CITED_FILE)
    assert frame["source_id"].tolist() == ["cited_synthetic_page"]
    assert frame.loc[0, "status_detail"] == manual.CITED_STATUS_DETAIL


def test_line_numbers_count_physical_lines(tmp_path: Path):
    """A quoted note spanning two lines shifts the next row to line 4, and the error says so."""
    path = _write_fixture(
        tmp_path, [_good(note=f"{SYNTHETIC}\nsecond line"), _good(track="no_such_track")]
    )
    with pytest.raises(SourceError, match=r": line 4: track 'no_such_track'"):
        manual.extract("manual_synthetic", [path])
