"""Cabinet Office wg6 material: selected projects where the deck tables them, an explicit
zero-row result with a note where it does not, and no guessed years."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.announced import ANNOUNCED_COUNTS
from pipeline.errors import SourceError
from pipeline.extract.cao_wg6_material import NO_TABLE_NOTE, extract, fiscal_years, year_label
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
    assert_prefectures(fy2018, fx.FY2018)
    assert list(fy2018.project_name_ja) == [p.title for p in fx.FY2018]
    assert set(fy2018.page) == {3}
    fy2019 = frame[frame.fiscal_year == 2019]
    assert list(fy2019.area_ja) == [p.label for p in fx.FY2019]  # unruled, wrapped titles
    assert_prefectures(fy2019, fx.FY2019)
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



def assert_prefectures(got, projects, layout: str = "") -> None:  # type: ignore[no-untyped-def]
    """The prefecture printed for each row. A joint proposal printed 北海道・更別村・岩見沢市
    with no prefecture column names 北海道 as a proposer, not as the row's prefecture; and a
    prefecture printed once for its group is not carried to a SYNTHETIC placeholder area (テスト
    地区NN), which is no local government: a region's blank cell says nothing (the reader's
    rule, so that 瀬戸内エリア never takes the prefecture above it)."""
    for p, a, v in zip(projects, got.area_ja, got.prefecture_ja, strict=True):
        joint = isinstance(a, str) and a.startswith(f"{p.prefecture}・")
        placeholder = isinstance(a, str) and "（合成）" in a
        allowed = (p.prefecture, None) if joint or placeholder else (p.prefecture,)
        assert (v if isinstance(v, str) else None) in allowed, (layout, a, v)

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
        assert_prefectures(got, projects, layout)
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
    assert_prefectures(frame, fx.FY2018)
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


def test_a_slide_without_text_is_noted_and_the_others_read(tmp_path: Path) -> None:
    def picture(c) -> None:
        c.rect(100, 100, 300, 200, stroke=1, fill=1)

    pdf = fx._write(tmp_path / "x.pdf", [
        fx.title_slide, picture, fx.ruled_projects_slide("平成30年度選定事業（14事業）", fx.FY2018),
    ])
    out = extract(SOURCE, [pdf])
    assert list(out["selections"].area_ja) == [p.government for p in fx.FY2018]
    assert "pages without a text layer (a table there would not be seen): [2]" in out.note
    scan = fx._write(tmp_path / "scan.pdf", [picture, picture])
    with pytest.raises(SourceError, match="no text layer") as err:
        rows(scan)
    assert err.value.page == 1


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
    assert err.value.page == 3 and "stands under no category label" in str(err.value)
    assert err.value.path == str(cao["without_year"])


def test_claimed_count_must_match_the_rows(cao: dict[str, Path]) -> None:
    with pytest.raises(SourceError) as err:
        rows(cao["one_short"])
    assert err.value.page == 3
    assert "FY2018: the headings state 14" in str(err.value)
    assert "short by 1 (13 of 14)" in str(err.value)


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
    with pytest.raises(SourceError, match=r"FY2019 long by 1 \(9 of 8\)"):
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
    ("text", "category", "count"),
    [
        ("平成30年度選定事業（14事業）", "FY2018", 14),
        ("H30選定（14事業）", "FY2018", 14),
        ("【R1】", "FY2019", None),
        ("2018年度 近未来技術等社会実装事業 選定事業（14事業）", "FY2018", 14),
        ("近未来技術等社会実装事業 平成30年度選定事業の主な事例", "FY2018", None),
        ("令和元年度 近未来技術等社会実装事業 選定事業一覧", "FY2019", None),
        ("2019", "FY2019", None),  # a 選定年度 cell
        ("平成30年度・令和元年度 選定事業一覧", None, None),  # two years: no category
        ("令和元年11月5日", None, None),  # a date
        ("・令和6年度までに他地域へ横展開", None, None),  # a sentence naming a year
        ("令和2年度 未来技術社会実装事業 募集要項", None, None),  # a call, not a list
        # a year's letters set apart as widely as the count after it
        ("１．■H　3　0　１４事業", "FY2018", 14),
        ("２．■R　1　８事業", "FY2019", 8),
        ("R1 18事業", "FY2019", 18),  # a space after the year tells it from R11
        ("①2 0 1 8 年 度 選 定 事 業 （計１４）", "FY2018", 14),  # ① is no digit of the year
        ("②令和元年度選定事業", "FY2019", None),
        # a heading number before letters spread one by one: 第1, then the year (read without
        # spaces, 第1平成30… and 第12018… hold no year)
        ("第１　平　成　3　0　年　度　選　定　計１４", "FY2018", 14),
        ("第２　2　0　1　9　年　度　選　定　計８", "FY2019", 8),
        ("第１　H　3　0（１４事業）", "FY2018", 14),  # the year's last letter glued to (
        ("第２　R　1（８事業）", "FY2019", 8),
        ("R　1　18事業", "FY2019", 18),  # a count in a word of its own: not R11
        # the year's last letter glued to the count (no count starts with 0: not H3, 014事業)
        ("H　3　0１４事業", "FY2018", 14),
    ],
)
def test_year_label(text: str, category: str | None, count: int | None) -> None:
    label = year_label(text)
    assert (label.category if label else None) == category
    assert (label.count if label else None) == count


def test_a_table_naming_no_one_selected_is_refused(tmp_path: Path) -> None:
    """事業名 | 分野 under a year heading: projects without a place are never published."""
    pdf = fx._write(tmp_path / "x.pdf", [
        fx.ruled_projects_slide("平成30年度選定事業", fx.FY2018[:5],
                                header=("No.", "事業名", "分野")),
    ])
    with pytest.raises(SourceError,
                       match="an entry without a place|a table row without area/prefecture"):
        rows(pdf)


def test_a_joint_proposal_printed_one_proposer_per_line_is_one_project(tmp_path: Path) -> None:
    """北海道 / 更別村 / 岩見沢市 in one cell: one selection with three areas, not a glued name,
    and 北海道 is not lost."""
    def draw(c) -> None:
        fx.draw_text(c, 40, 30, "近未来技術等社会実装事業 平成30年度選定事業", fx.GOTHIC, 16)
        rows_ = [["都道府県", "提案団体", "事業名"]] + [
            [p.prefecture, p.government.split("・") if p is fx.JOINT else p.government, p.title]
            for p in fx.FY2018[:4]
        ]
        fx.ruled_table(c, 40, 70, (80, 160, 440), rows_, row_height=22, size=10)

    frame = rows(fx._write(tmp_path / "x.pdf", [draw]))
    assert list(frame.area_ja) == [p.government for p in fx.FY2018[:4]]
    assert frame.iloc[0].area_ja == "北海道・更別村・岩見沢市"


def test_a_joint_proposal_whose_last_place_wraps_in_its_box_keeps_it_whole(
        tmp_path: Path) -> None:
    """One box per project, the joint proposal's last place wrapped (「…・岩見沢」 / 「市」) on a
    line above the project's: 岩見沢市 is the place, the project does not begin with 「市」
    (generated layout cao 402535 published 「鰺ヶ沢」 and 「町AIとIoT…」)."""
    def draw(c) -> None:
        fx.draw_text(c, 40, 30, "近未来技術等社会実装事業 平成30年度選定事業", fx.GOTHIC, 16)
        for k, project in enumerate(fx.FY2018[:4]):
            x, top = 40 + 190 * k, 80
            c.rect(x, fx.SLIDE[1] - top - 90, 180, 90, stroke=1, fill=0)
            place = project.government
            lines = [f"{k + 1}  {place[:-1]}", place[-1]] if project is fx.JOINT \
                else [f"{k + 1}  {place}"]
            lines += fx.wrap(project.title, 14)
            for n, line in enumerate(lines):
                fx.draw_text(c, x + 6, top + 6 + 13 * n, line, fx.GOTHIC, 10)

    frame = rows(fx._write(tmp_path / "x.pdf", [draw]))
    assert list(frame.area_ja) == [p.government for p in fx.FY2018[:4]]
    assert list(frame.project_name_ja) == [p.title for p in fx.FY2018[:4]]


def test_continuation_without_a_year_needs_the_previous_slide(tmp_path: Path) -> None:
    """A 続き slide inherits the year of the table it follows, never of one further back."""
    pdf = fx._write(tmp_path / "x.pdf", [
        fx.ruled_projects_slide("平成30年度選定事業", fx.FY2018[:4]),
        fx.bullet_slide,
        fx.ruled_projects_slide("選定事業（続き）", fx.FY2018[4:8], first_number=5),
    ])
    with pytest.raises(SourceError, match="cannot tell its selection year") as err:
        rows(pdf)
    assert err.value.page == 3 and err.value.path == str(pdf)


def test_debug_gives_each_line_a_role(cao: dict[str, Path]) -> None:
    from pipeline.debug import debug_text

    lines = debug_text(SOURCE, cao["with_tables"], pages=[3]) or []
    assert lines[0].startswith("reading kept: ")
    roles = {line[4:].split(maxsplit=1)[1]: line[4:].split()[0] for line in lines[1:]
             if line.startswith("p3 ")}
    assert roles["平成30年度選定事業（14事業）"] == "heading"
    assert roles["No. 都道府県 地方公共団体 事業名 分野"] == "header"
    assert "entry" in roles.values() and not any(line.startswith("p1 ") for line in lines)


def test_fixture_says_it_is_synthetic(cao: dict[str, Path]) -> None:
    from pypdf import PdfReader

    for path in cao.values():
        assert PdfReader(path).metadata.subject == SYNTHETIC
