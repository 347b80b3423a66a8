"""The root document parser, on the real document and on variants of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.extract.document import extract
from pipeline.workspace.registry import document_links, load_registry

DOCUMENT = "document/japan-smart-city-initiatives.txt"


def _extract_text(tmp_path: Path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return extract("document", [path])


def test_real_document_has_six_programmes_with_years(repo_raw: Path) -> None:
    tables = extract("document", [repo_raw / DOCUMENT])
    programs = tables["programs"].set_index("program_id")
    assert list(programs.index) == [
        "energy_demo_2010",
        "data_smartcity_2017",
        "near_future_tech_2018",
        "smartcity_model_2019",
        "smart_mobility_challenge_2019",
        "scpf_2019",
    ]
    assert programs.loc["energy_demo_2010", ["start_year", "end_year"]].tolist() == [2010, 2014]
    assert programs.loc["scpf_2019", "start_year"] == 2019
    assert programs.loc["near_future_tech_2018", "name_ja"] == "近未来技術等社会実装事業"
    assert "FY2010-FY2014" in programs.loc["energy_demo_2010", "note"]


def test_real_document_maps_each_agency_spelling_to_one_agency(repo_raw: Path) -> None:
    links = extract("document", [repo_raw / DOCUMENT])["program_agencies"]
    lead = links[links.role.isin(["lead", "co_lead"])]
    by_program = lead.groupby("program_id").agency_id.apply(sorted).to_dict()
    assert by_program == {
        "energy_demo_2010": ["meti"],
        "data_smartcity_2017": ["mic"],
        "near_future_tech_2018": ["cao"],
        "smartcity_model_2019": ["mlit"],
        "smart_mobility_challenge_2019": ["meti", "mlit"],
    }
    platform = links[links.program_id == "scpf_2019"]
    assert len(platform) == 11  # "Related 11 Ministries and Agencies"
    assert sorted(platform[platform.role == "secretariat"].agency_id) == [
        "cao",
        "meti",
        "mic",
        "mlit",
    ]


def test_document_quotations_drop_repeated_paragraphs(repo_raw: Path) -> None:
    programs = extract("document", [repo_raw / DOCUMENT])["programs"].set_index("program_id")
    smc = programs.loc["smart_mobility_challenge_2019", "document_text_en"]
    assert smc.count("The Smart Mobility Challenge was launched") == 1
    assert not smc.startswith("Land")  # the wrapped heading is not part of the quotation


def test_descriptions_are_curated_from_official_pages_not_the_document(repo_raw: Path) -> None:
    programs = extract("document", [repo_raw / DOCUMENT])["programs"].set_index("program_id")
    for program_id, row in programs.iterrows():
        assert row["description_en"] and row["description_citation"].startswith("http"), program_id
        assert row["description_en"] != row["document_text_en"]
    # the document's loosest sentence stays only in the quotation
    loose = "Mobility is the English word"
    assert loose in programs.loc["smart_mobility_challenge_2019", "document_text_en"]
    assert not programs["description_en"].str.contains(loose).any()


def test_the_platforms_counted_agencies_each_cite_a_page(repo_raw: Path) -> None:
    links = extract("document", [repo_raw / DOCUMENT])["program_agencies"]
    platform = links[links.program_id == "scpf_2019"]
    assert platform["source_id"].isna().all()  # the document only counts them
    assert platform["citation"].str.startswith("http").all()
    named = links[links.program_id != "scpf_2019"]
    assert (named["source_id"] == "document").all() and named["citation"].isna().all()


def test_links_are_discovered_not_typed(repo_raw: Path) -> None:
    text = (repo_raw / DOCUMENT).read_text(encoding="utf-8")
    assert document_links(text) == [
        "https://www5.cao.go.jp/keizai-shimon/kaigi/special/reform/wg6/20191105/pdf/shiryou1-4.pdf",
        "https://www.meti.go.jp/press/2019/06/20190618004/20190618004.html",
        "https://www.mlit.go.jp/common/001302313.pdf",
    ]
    urls = {s.source_id: s.url for s in load_registry(repo_raw)}
    assert urls["mlit_scpf_members"] == "https://www.mlit.go.jp/common/001302313.pdf"


def test_heading_wrapped_differently_still_parses(repo_raw: Path, tmp_path: Path) -> None:
    text = (repo_raw / DOCUMENT).read_text(encoding="utf-8")
    variant = text.replace(
        "(2017 years)/Ministry of Internal Affairs\nand Communications",
        "(2017 years)/Ministry of\nInternal Affairs and Communications",
    ).replace(
        "/Ministry\nof Economy , Trade and Industry", "/Ministry of Economy, Trade and Industry"
    )
    assert variant != text
    links = _extract_text(tmp_path, variant)["program_agencies"]
    assert set(links[links.program_id == "data_smartcity_2017"].agency_id) == {"mic"}
    assert set(links[links.program_id == "energy_demo_2010"].agency_id) == {"meti"}


def test_unknown_agency_in_a_heading_is_an_error_naming_the_line(
    repo_raw: Path, tmp_path: Path
) -> None:
    text = (
        (repo_raw / DOCUMENT)
        .read_text(encoding="utf-8")
        .replace("(2018 years)/Cabinet Office", "(2018 years)/Ministry of Magic")
    )
    with pytest.raises(
        SourceError, match=r"document: .*line \d+: heading of near_future_tech_2018 .*Magic"
    ):
        _extract_text(tmp_path, text)


def test_missing_programme_heading_is_an_error(repo_raw: Path, tmp_path: Path) -> None:
    text = (
        (repo_raw / DOCUMENT)
        .read_text(encoding="utf-8")
        .replace("Smart City Model Project (2019", "Model (2019")
    )
    with pytest.raises(SourceError, match="smartcity_model_2019"):
        _extract_text(tmp_path, text)


def test_disagreeing_related_count_is_an_error(repo_raw: Path, tmp_path: Path) -> None:
    text = (
        (repo_raw / DOCUMENT)
        .read_text(encoding="utf-8")
        .replace("Related 11 Ministries", "Related 12 Ministries")
    )
    with pytest.raises(SourceError, match="12 related ministries"):
        _extract_text(tmp_path, text)


def test_the_platforms_ministries_are_the_ones_the_release_names() -> None:
    """program_agencies.csv and pipeline/announced.py (the 12 bodies the MIC release names) agree:
    the 11 ministries are those 12 but 経団連, each citing that release or the METI one."""
    from pipeline.announced import PLATFORM_MINISTRIES_AND_BODIES, PLATFORM_MINISTRIES_CITATION
    from pipeline.extract.curated import agencies_table, program_agencies_table

    curated = program_agencies_table()
    names = dict(zip(agencies_table().agency_id, agencies_table().name_ja, strict=True))
    assert sorted(names[a] for a in curated.agency_id) == sorted(
        set(PLATFORM_MINISTRIES_AND_BODIES) - {"日本経済団体連合会"}
    )
    members = curated[curated.role == "member"]
    assert set(members.citation) == {PLATFORM_MINISTRIES_CITATION}
