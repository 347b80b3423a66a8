"""FY2020-FY2025 (issue 19): the announcement record, the programmes' lineage, the regions of a
joint selection, the platform's counts. Files written here are SYNTHETIC test fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.announced import ANNOUNCED_FILE, ANNOUNCEMENTS, PLATFORM_COUNTS, load_announced
from pipeline.errors import PipelineError, SourceError
from pipeline.extract import manual, manual_programs
from pipeline.transform.normalize import link_joint_selections
from pipeline.transform.platform_counts import build_platform_member_counts
from pipeline.transform.programs import with_lineage
from schemas import TABLES

SYNTHETIC = "SYNTHETIC TEST FIXTURE - not an official document"


# --- the announcement record ------------------------------------------------------------------


def _record(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of pipeline/announced.toml with one edit (SYNTHETIC)."""
    text = ANNOUNCED_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "announced.toml"
    path.write_text(f"# {SYNTHETIC}\n" + text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('fiscal_year = 2010\nround = "single"\ncount = 4',
         'fiscal_year = 2010\nround = "second"\ncount = 4', r"round 'second'"),
        ('fiscal_year = 2010\nround = "single"\ncount = 4',
         'fiscal_year = 2010\nround = ""\ncount = 4', r"round ''; expected one of"),
        ('announced_on = "2010-04-08"', 'announced_on = "2010-04-31"',
         r"announced_on = '2010-04-31' is not a date"),
        ('count = 4\nannounced_on = "2010-04-08"\ncitation = "https://tenbou.nies.go.jp/news/'
         'jnews/detail.php?i=3518"\n', 'count = 4\n', r"a count or a date needs the citation"),
        ("count = 12\n", "count = -12\n", r"count = -12 is not a count"),
        ("count = 12\n", "counted = 12\n", r"unknown keys \['counted'\]"),
        ("[[platform_count]]\nas_of = \"2019-08-08\"\ncomposition = \"corrected",
         "[[announcement]]\nprogram_id = \"future_tech_2020\"\ntrack = \"selected_project\"\n"
         "fiscal_year = 2021\nround = \"single\"\nsources = []\n\n[[platform_count]]\n"
         "as_of = \"2019-08-08\"\ncomposition = \"corrected",
         r"announced twice: \[\('future_tech_2020', 'selected_project', 2021, 'single'\)\]"),
        ('lists = ["regional_maas_2020/advanced_pilot_region", "japan_maas_2020/maas_project"]',
         'lists = ["regional_maas_2020/advanced_pilot_region", "regional_dx_package_2025/'
         'smartcity_project"]', r"FY2020 names \['regional_dx_package_2025/smartcity_project'\]"),
        ("total = 471\n", "total = 470\n", r"the categories add up to 471, not 470"),
    ],
)
def test_a_bad_record_names_the_file_and_entry(tmp_path: Path, old: str, new: str,
                                               message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        load_announced(_record(tmp_path, old, new))


def test_no_inferred_count_is_a_figure() -> None:
    """The research's inferred figures stay in notes: 日本版MaaS FY2025 (11 by subtraction) has no
    count, and no date completed from a day without its month is published."""
    maas = next(a for a in ANNOUNCEMENTS
                if a.key == ("japan_maas_2020", "maas_project", 2025, "single"))
    assert maas.count is None and "inferred" in maas.note
    cao = next(a for a in ANNOUNCEMENTS if a.key == ("future_tech_2020", "selected_project", 2024,
                                                      "single"))
    assert cao.count is None and cao.announced_on is None and cao.citation is None
    for a in ANNOUNCEMENTS:
        if "without a month" in a.note:
            assert a.announced_on is None, a.key


def test_joint_years_and_totals_add_up() -> None:
    """The joint totals the sources state agree with the per-programme counts they state."""
    by_year = {}
    for a in ANNOUNCEMENTS:
        if a.joint and a.count is not None:
            by_year.setdefault(a.fiscal_year, 0)
            by_year[a.fiscal_year] += a.count
    assert by_year[2022] == 54 and by_year[2023] == 34  # 10+13+11+6+14, 2+5+8+6+13
    assert by_year[2021] == 9 + 9 + 14 + 12 + 5 + 5  # MLIT's 30 counts continuing projects too
    assert min(a.fiscal_year for a in ANNOUNCEMENTS if a.joint) == 2021


# --- programmes after 2019 --------------------------------------------------------------------


def _programs(folder: Path, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / manual.CITED_FILE).write_text(
        "source_id,url,title,publisher,authority\n"
        f"cited_synthetic,https://example.invalid/p,{SYNTHETIC},synthetic,official\n",
        encoding="utf-8",
    )
    path = folder / manual.PROGRAMS_FILE
    path.write_text(",".join(manual_programs.PROGRAM_TRANSCRIPTION_COLUMNS) + "\n"
                    + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


GOOD = ("future_tech_2020,未来技術社会実装事業,SYNTHETIC,2020,,near_future_tech_2018,cao,"
        "SYNTHETIC description,https://example.invalid/p,"
        f"{SYNTHETIC},https://example.invalid/p")


def test_a_programme_row_is_read_with_its_lead_and_predecessor(tmp_path: Path) -> None:
    output = manual_programs.extract("manual_programs", [_programs(tmp_path, [GOOD])])
    row = output["programs"].iloc[0]
    assert (row.predecessor_program_id, row.source_id) == ("near_future_tech_2018",
                                                          "cited_synthetic")
    # described from the official page it cites, like the document's programmes; the root
    # document does not name it, so it quotes no document text
    assert (row.description_en, row.description_source_id) == ("SYNTHETIC description",
                                                              "cited_synthetic")
    assert row.document_text_en is None
    assert output["program_agencies"].values.tolist() == [
        ["future_tech_2020", "cao", "lead", "cited_synthetic"]]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("future_tech_2020", "future_tech_2030"), "has no tracks"),
        (GOOD.replace("future_tech_2020", "near_future_tech_2018", 1),
         "named by the root document"),
        (GOOD.replace(",2020,,", ",2020,2019,"), "end_year 2019 is before start_year 2020"),
        (GOOD.replace("near_future_tech_2018", "future_tech_2020"), "is not another programme"),
        (GOOD.replace(",cao,", ",cabinet,"), "lead_agency 'cabinet'"),
        (GOOD.replace("https://example.invalid/p", "https://example.invalid/q"),
         "is not in manual/cited_sources.csv"),
        (GOOD.replace("SYNTHETIC description,https://example.invalid/p", "SYNTHETIC description,"),
         "description_en and description_url go together"),
        (GOOD.replace("SYNTHETIC description,", ","),
         "description_en and description_url go together"),
    ],
)
def test_a_bad_programme_row_names_the_line(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(SourceError, match=f"line 2: .*{message}"):
        manual_programs.extract("manual_programs", [_programs(tmp_path, [row])])


def test_the_family_is_derived_and_a_broken_chain_fails_validation() -> None:
    programs = pd.DataFrame({
        "program_id": ["a_2019", "b_2020", "c_2022", "x_2021"],
        "name_en": ["A", "B", "C", "X"], "name_ja": ["甲", "乙", "丙", "某"],
        "start_year": [2019, 2020, 2022, 2021], "end_year": [None, None, None, None],
        "description_en": None, "note": SYNTHETIC, "source_id": "document",
        "predecessor_program_id": [None, "a_2019", "b_2020", "gone_2018"],
    })
    frame = with_lineage(programs)
    assert frame["family_id"].iloc[:3].tolist() == ["a_2019", "a_2019", "a_2019"]
    assert pd.isna(frame["family_id"].iloc[3])  # its predecessor is no programme
    frame.loc[3, "family_id"] = "x_2021"  # as if typed: the check still sees the broken chain
    with pytest.raises(Exception, match="family_is_the_first_of_the_lineage"):
        TABLES["programs"].validate(frame, lazy=True)


# --- one region in a joint selection ---------------------------------------------------------


def _joint_rows(rows: list[tuple[str, str, int, str]]) -> pd.DataFrame:
    ids = [f"{p}-{t}-{y}-{i}" for i, (p, t, y, _) in enumerate(rows)]
    return pd.DataFrame({
        "selection_id": ids, "selection_group_id": ids,
        "program_id": [r[0] for r in rows], "track": [r[1] for r in rows],
        "fiscal_year": [r[2] for r in rows], "round": "single", "area_ja": [r[3] for r in rows],
    })


def _areas(selections: pd.DataFrame, codes: list[list[str]], link: str = "local_government"
           ) -> pd.DataFrame:
    return pd.DataFrame([
        {"selection_id": sid, "lg_code": code, "link": link}
        for sid, row_codes in zip(selections["selection_id"], codes, strict=True)
        for code in row_codes
    ])


JOINT = {("p_cao", "t", 2022, "single"): 2022, ("p_mic", "t", 2022, "single"): 2022,
         ("p_meti", "t", 2022, "single"): 2022}


def test_identical_local_governments_in_one_joint_year_are_one_region() -> None:
    rows = _joint_rows([("p_cao", "t", 2022, "塩尻市"), ("p_meti", "t", 2022, "塩尻市"),
                        ("p_mic", "t", 2022, "横須賀市"), ("p_meti", "t", 2022, "横須賀市など"),
                        ("p_cao", "t", 2021, "豊能町"), ("p_mic", "t", 2022, "豊能町")])
    areas = _areas(rows, [["202151"], ["202151"], ["142018"], ["142018"], ["273228"],
                          ["273228"]])
    groups = link_joint_selections(rows, areas, partly_placed={rows.selection_id[3]},
                                   joint_keys=JOINT)
    assert groups[0] == groups[1] == rows.selection_id[0]  # 塩尻市 in CAO and METI
    assert groups[2] == rows.selection_id[2] and groups[3] == rows.selection_id[3]  # 「など」
    assert groups[4] == rows.selection_id[4]  # FY2021 is not in this synthetic joint year
    assert groups[5] == rows.selection_id[5]


def test_two_rows_of_one_list_in_one_place_stay_two_selections() -> None:
    rows = _joint_rows([("p_cao", "t", 2022, "岡崎市"), ("p_cao", "t", 2022, "岡崎市"),
                        ("p_mic", "t", 2022, "岡崎市")])
    areas = _areas(rows, [["232025"]] * 3)
    groups = link_joint_selections(rows, areas, partly_placed=set(), joint_keys=JOINT)
    assert groups.tolist() == rows["selection_id"].tolist()


def test_a_region_linked_to_its_prefecture_only_never_links() -> None:
    rows = _joint_rows([("p_cao", "t", 2022, "三浦半島"), ("p_mic", "t", 2022, "三浦半島")])
    areas = _areas(rows, [["140007"], ["140007"]], link="within_prefecture")
    groups = link_joint_selections(rows, areas, partly_placed=set(), joint_keys=JOINT)
    assert groups.tolist() == rows["selection_id"].tolist()


# --- the platform's counts --------------------------------------------------------------------


def test_platform_counts_cite_their_pages_with_their_evidence(repo_raw: Path) -> None:
    cited = manual.cited_sources(repo_raw / "manual" / manual.CITED_FILE)
    evidence = {sid: ("official_page" if a == "official" else "secondary")
                for sid, a in zip(cited.source_id, cited.authority, strict=True)}
    frame = build_platform_member_counts(cited, evidence)
    assert len(frame) == len(PLATFORM_COUNTS)
    TABLES["platform_member_counts"].validate(frame)
    first = frame[frame["as_of"] == pd.Timestamp("2019-08-08").date()]
    assert sorted(first["total"]) == [471, 473]
    assert first.set_index("total").loc[471, "evidence"] == "official_page"  # METI's release
    later = frame.set_index("as_of").loc[pd.Timestamp("2023-01-29").date()]
    assert (later.total, later.first_class_members, bool(later.total_approximate)) == (
        930, 641, False)
    with pytest.raises(PipelineError, match="not in raw/manual/cited_sources.csv"):
        build_platform_member_counts(cited.iloc[:3], evidence)


# --- what the Datasette front page says --------------------------------------------------------


def test_front_page_shows_held_of_announced_per_fiscal_year() -> None:
    """Each year's row says held of announced and the evidence of the rows held, as the
    report's titles do; what no stated count covers is apart."""
    from pipeline.serve import front_page_html

    package = {"description": SYNTHETIC, "version": "0", "complete": False, "sources": [],
               "announced_selections_held_by_year": [
                   {"fiscal_year": 2024, "held": 17, "announced": 38, "lists_without_count": 1,
                    "held_without_count": 0,
                    "evidence": {"official_page": 2, "secondary": 15}}],
               "incomplete_coverage": [
                   {"program_id": "future_tech_2020", "track": "selected_project",
                    "fiscal_year": 2024, "round": "single", "announced_count": None,
                    "held_count": 0}]}
    page = front_page_html(package)
    assert "<h3>Selections held of those announced, per fiscal year</h3>" in page
    assert ("<td>FY2024</td><td>17 of 38</td><td>evidence: official pages 2, secondary "
            "sources 15</td><td>0</td><td>1</td>") in page
    assert "0 held, number announced not known" in page
