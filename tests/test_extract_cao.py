"""Cabinet Office wg6 material: selected projects where the deck tables them, an explicit
zero-row result with a note where it does not, and no guessed years."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.announced import ANNOUNCED_COUNTS
from pipeline.errors import SourceError
from pipeline.extract.cao_wg6_material import (
    NO_TABLE_NOTE,
    debug_lines,
    extract,
    fiscal_years,
    header_ok,
)
from pipeline.extract.result import SELECTION_EXTRACT_COLUMNS
from tests.fixtures import make_cao_fixtures as fx
from tests.fixtures.pdfkit import SYNTHETIC

SOURCE = "cao_wg6_material"
ANNOUNCED = {
    a.fiscal_year: a.count
    for a in ANNOUNCED_COUNTS
    if (a.program_id, a.track) == ("near_future_tech_2018", "selected_project")
}


@pytest.fixture(scope="module")
def cao(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return fx.make_cao_fixtures(tmp_path_factory.mktemp("cao"))


def rows(path: Path) -> pd.DataFrame:
    return extract(SOURCE, [path])["selections"]


def note(path: Path) -> str:
    return extract(SOURCE, [path]).note


def test_deck_with_tables(cao: dict[str, Path]) -> None:
    frame = rows(cao["with_tables"])
    assert list(frame.columns) == SELECTION_EXTRACT_COLUMNS
    assert frame.fiscal_year.value_counts().to_dict() == ANNOUNCED
    assert (frame.program_id == "near_future_tech_2018").all()
    assert (frame.track == "selected_project").all()
    assert (frame.source_id == SOURCE).all()
    assert frame.page.notna().all()
    assert frame.announced_on.isna().all()  # not known: never invented
    fy2018 = frame[frame.fiscal_year == 2018]
    assert list(fy2018.area_ja) == [p.government for p in fx.FY2018]  # ruled table
    # 都道府県 printed on a group's first row only: the rows under it share it
    assert list(fy2018.prefecture_ja) == [p.prefecture for p in fx.FY2018]
    assert list(fy2018.project_name_ja) == [p.title for p in fx.FY2018]
    assert set(fy2018.page) == {3}
    fy2019 = frame[frame.fiscal_year == 2019]
    assert list(fy2019.area_ja) == [p.label for p in fx.FY2019]  # unruled, wrapped titles
    assert list(fy2019.prefecture_ja) == [p.prefecture for p in fx.FY2019]
    assert list(fy2019.project_name_ja) == [p.title for p in fx.FY2019]
    assert list(fy2019.note) == [f"分野: {p.field}" for p in fx.FY2019]
    assert note(cao["with_tables"]) == ""  # both tables claim a count and match it


# Each layout family of a deck listing the projects, and the pages its rows are on.
LAYOUT_FAMILIES = {
    # a ruled table per year under 平成30年度選定 / 令和元年度 headings with counts, 都道府県 once
    # per group; the FY2019 table unruled with wrapped titles
    "with_tables": {2018: {3}, 2019: {4}},
    # one table over two slides, header repeated, 選定年度 on every row, era and western years
    "year_column": {2018: {2, 3}, 2019: {3}},
    # 選定年度 and 都道府県 in merged cells (printed once per group), 提案団体 | 事業名称
    "merged_year_cells": {2018: {2, 3}, 2019: {3}},
    "western_merged_year_cells": {2018: {2, 3}, 2019: {3}},
    # H30選定 / 【R1】 headings; the joint proposal wrapped over two lines of its cell
    "abbreviated_headings": {2018: {2}, 2019: {3}},
    # 2018年度 heading, the list over two slides with the header repeated under a heading
    # without a year (選定事業（続き）), the prefecture group running on over the break
    "continued_slides": {2018: {2, 3}, 2019: {4}},
}


@pytest.mark.parametrize("layout", sorted(LAYOUT_FAMILIES))
def test_every_layout_family_gives_the_announced_projects(
    cao: dict[str, Path], layout: str
) -> None:
    frame = rows(cao[layout])
    assert frame.fiscal_year.value_counts().to_dict() == ANNOUNCED
    for year, projects in ((2018, fx.FY2018), (2019, fx.FY2019)):
        got = frame[frame.fiscal_year == year]
        assert set(got.page) == LAYOUT_FAMILIES[layout][year]
        assert list(got.project_name_ja) == [p.title for p in projects]  # wrapped: joined
        assert list(got.prefecture_ja) == [p.prefecture for p in projects]
        # as printed: the government column, or one column with the prefecture in front
        assert list(got.area_ja) in (
            [p.government for p in projects], [p.label for p in projects]
        )
    joint = frame[frame.area_ja.str.contains("更別村")]
    assert len(joint) == 1 and joint.iloc[0].area_ja == fx.JOINT.government  # one project


@pytest.mark.parametrize(
    "header",
    [
        ("No.", "都道府県", "地方公共団体", "事業名", "分野"),
        ("番号", "都道府県名", "代表提案者", "事業の名称", "活用する技術"),
        ("#", "都道府県", "提案団体", "事業名称", "技術分野"),
        ("No", "都道府県", "実施主体", "プロジェクト名", "主な技術"),
        ("No.", "都道府県", "地域名", "事業概要", "分野"),
    ],
)
def test_header_vocabularies_are_read_by_meaning(header: tuple[str, ...], tmp_path: Path) -> None:
    pdf = fx._write(tmp_path / "x.pdf", [
        fx.ruled_projects_slide("平成30年度選定事業（14事業）", fx.FY2018, header=header),
    ])
    frame = rows(pdf)
    assert list(frame.area_ja) == [p.government for p in fx.FY2018]
    assert list(frame.prefecture_ja) == [p.prefecture for p in fx.FY2018]
    assert list(frame.project_name_ja) == [p.title for p in fx.FY2018]


@pytest.mark.slow
def test_a_joint_proposal_is_one_project_covering_three_areas(cao: dict[str, Path]) -> None:
    from pipeline.transform.matching import Matcher
    from pipeline.transform.reference import build_municipalities

    frame = rows(cao["abbreviated_headings"])  # the joint cell wrapped over two lines
    (joint,) = frame[frame.area_ja.str.contains("岩見沢市")].itertuples()
    match = Matcher(build_municipalities()).match(joint.area_ja, prefecture=joint.prefecture_ja)
    assert match.parts == ["北海道", "更別村", "岩見沢市"] and not match.problems


def test_deck_without_table_gives_zero_rows_and_says_so(cao: dict[str, Path]) -> None:
    frame = rows(cao["without_table"])
    assert len(frame) == 0
    assert list(frame.columns) == SELECTION_EXTRACT_COLUMNS
    assert note(cao["without_table"]).startswith(NO_TABLE_NOTE)


def test_table_of_another_programme_is_not_read(cao: dict[str, Path]) -> None:
    frame = rows(cao["other_programme"])
    assert len(frame) == 0
    assert note(cao["other_programme"]).startswith(NO_TABLE_NOTE)
    assert "tables on pages [3] not read" in note(cao["other_programme"])


def test_year_column_wins_and_unclaimed_counts_are_noted(cao: dict[str, Path]) -> None:
    frame = rows(cao["year_column"])
    assert frame.fiscal_year.value_counts().to_dict() == ANNOUNCED  # 平成30年度 / 2019
    assert sorted(set(frame.page)) == [2, 3]
    assert "does not claim to be complete" in note(cao["year_column"])


def test_table_without_year_is_an_error_not_a_guess(cao: dict[str, Path]) -> None:
    with pytest.raises(SourceError) as err:
        rows(cao["without_year"])
    assert err.value.page == 3 and "cannot tell its selection year" in str(err.value)
    assert err.value.path == str(cao["without_year"])


def test_claimed_count_must_match_the_rows(cao: dict[str, Path]) -> None:
    with pytest.raises(SourceError) as err:
        rows(cao["one_short"])
    assert err.value.page == 3
    assert "claims 14 selections for FY2018 but 13 rows" in str(err.value)


def test_claim_other_than_announced_is_an_error(tmp_path: Path) -> None:
    pdf = fx._write(tmp_path / "x.pdf", [
        fx.ruled_projects_slide("平成30年度選定事業（5事業）", fx.FY2018[:5]),
    ])
    with pytest.raises(SourceError, match="claims 5 selections for FY2018; 14 were announced"):
        rows(pdf)


def test_more_rows_than_announced_without_claim_is_an_error(tmp_path: Path) -> None:
    pdf = fx._write(tmp_path / "x.pdf", [
        fx.ruled_projects_slide("令和元年度選定事業", fx.FY2018[:9]),
    ])
    with pytest.raises(SourceError, match="more than the 8 announced"):
        rows(pdf)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("平成30年度選定事業（14事業）", [2018]),
        ("令和元年度選定", [2019]),
        ("Ｒ１年度", [2019]),
        ("2019年度", [2019]),
        ("令和元年11月5日", []),  # a date is not a fiscal year
        ("平成30年度～令和元年度", [2018, 2019]),
        ("H30選定（14事業）", [2018]),
        ("【R1】", [2019]),
        ("R1", [2019]),
        ("H30", [2018]),
        ("2018年度 選定事業", [2018]),
        ("令和元年度採択", [2019]),
        ("R1年11月5日", []),
        ("H30年8月8日公表", []),
    ],
)
def test_fiscal_years(text: str, years: list[int]) -> None:
    assert fiscal_years(text) == years


@pytest.mark.parametrize(
    ("roles", "ok"),
    [
        (["number", "prefecture", "area", "project", "field"], True),
        (["area", "project"], True),
        (["area", "field"], True),  # no 事業名: no single column is required
        (["prefecture", "area"], True),
        (["fiscal_year", "prefecture", "project"], True),
        (["area"], False),
        (["project", "field"], False),  # nobody selected
        (["number", "area", None], False),
    ],
)
def test_header_needs_who_was_selected_and_one_more_column(
    roles: list[str | None], ok: bool
) -> None:
    assert header_ok(roles) is ok


def test_continuation_without_a_year_needs_the_previous_slide(tmp_path: Path) -> None:
    """A 続き slide inherits the year of the table it follows, never of one further back."""
    pdf = fx._write(tmp_path / "x.pdf", [
        fx.ruled_projects_slide("平成30年度選定事業", fx.FY2018[:4]),
        fx.bullet_slide,
        fx.ruled_projects_slide("選定事業（続き）", fx.FY2018[4:8]),
    ])
    with pytest.raises(SourceError, match="cannot tell its selection year") as err:
        rows(pdf)
    assert err.value.page == 3 and err.value.path == str(pdf)


def test_debug_lines_give_each_line_a_role(cao: dict[str, Path]) -> None:
    from pipeline.extract.pdf import iter_pages, open_pdf

    path = cao["with_tables"]
    with open_pdf(SOURCE, path) as pdf:
        (view,) = list(iter_pages(SOURCE, path, pdf, [3], check_text=False))
        lines = debug_lines(view)
    assert ("heading", "平成30年度選定事業（14事業）") in lines
    assert ("header", "No. 都道府県 地方公共団体 事業名 分野") in lines
    assert {role for role, _ in lines} <= {"header", "heading", "furniture", "text"}


def test_fixture_says_it_is_synthetic(cao: dict[str, Path]) -> None:
    from pypdf import PdfReader

    for path in cao.values():
        assert PdfReader(path).metadata.subject == SYNTHETIC
