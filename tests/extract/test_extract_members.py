"""The platform member-list extractor on synthetic lists in every plausible layout, and on
lists that are wrong in the ways the cross-checks must catch."""

from __future__ import annotations

import gc
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from pipeline.announced import (
    MEMBER_CATEGORIES,
    MEMBER_COMPOSITIONS,
    MemberComposition,
    matching_composition,
)
from pipeline.debug import render_debug
from pipeline.errors import SourceError
from pipeline.extract import reader
from pipeline.extract.mlit_scpf_members import (
    VOCABULARY,
    extract,
    member_spec,
    read_member_list,
)
from pipeline.extract.pdf import PageView
from pipeline.extract.reader import load_vocabulary
from pipeline.extract.reader.cells import Row, page_rows
from pipeline.extract.reader.structure import numbered_headings
from pipeline.extract.result import MEMBER_EXTRACT_COLUMNS as COLUMNS
from pipeline.extract.result import ExtractOutput
from tests.conftest import expensive
from tests.fixtures.make_bad_fixtures import make_bad_fixtures
from tests.fixtures.make_member_fixtures import (
    LAYOUTS,
    GridStyle,
    _grid,
    company_names,
    make_member_fixtures,
    members_for,
)
from tests.fixtures.pdfkit import GOTHIC, draw_text, ruled_table, write_pdf

SID = "mlit_scpf_members"
CORRECTED, FIRST = MEMBER_COMPOSITIONS
LONG_NAME = company_names(12)[11]  # wraps onto two lines in every layout


@pytest.fixture(scope="session")
@expensive
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_member_fixtures(tmp_path_factory.mktemp("members"))


@pytest.fixture(scope="session")
def extracted(outputs: dict[str, ExtractOutput]) -> dict[str, pd.DataFrame]:
    return {name: output["platform_members"] for name, output in outputs.items()}


@pytest.fixture(scope="session")
def outputs(fixtures: dict[str, Path]) -> dict[str, ExtractOutput]:
    return {name: extract(SID, [path]) for name, path in fixtures.items()}


def _expected(path: Path) -> tuple[str, pd.DataFrame]:
    data = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return data["composition"], pd.DataFrame(data["members"])


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_gives_every_member_as_printed(
    layout: str,
    fixtures: dict[str, Path],
    extracted: dict[str, pd.DataFrame],
    outputs: dict[str, ExtractOutput],
) -> None:
    frame = extracted[layout]
    label, expected = _expected(fixtures[layout])
    assert list(frame.columns) == COLUMNS
    comp = FIRST if layout.endswith("_473") else CORRECTED
    assert len(frame) == comp.total
    assert dict(Counter(frame["category"])) == comp.counts
    assert matching_composition(Counter(frame["category"])) == comp and comp.label == label
    assert frame["name_ja"].tolist() == expected["name_ja"].tolist()
    assert frame["category"].tolist() == expected["category"].tolist()
    assert frame["category_ja"].tolist() == expected["category_ja"].tolist()
    assert frame["page"].tolist() == expected["page"].tolist()
    assert (frame["source_id"] == SID).all()
    got_pref = [None if pd.isna(p) else p for p in frame["prefecture_ja"]]
    want_pref = [None if pd.isna(p) else p for p in expected["prefecture_ja"]]
    assert got_pref == want_pref


def test_wrapped_names_are_joined(extracted: dict[str, pd.DataFrame]) -> None:
    assert len(LONG_NAME) >= 30
    for layout, frame in extracted.items():
        assert LONG_NAME in set(frame["name_ja"]), layout


def test_names_kept_as_printed(extracted: dict[str, pd.DataFrame]) -> None:
    names = set(extracted["sections_grid"]["name_ja"])
    generated = company_names(10)
    for form in ("株式会社テスト", "（株）", "㈱", "(株)", "ＴＥＳＴ", "TEST ", "テスト　"):
        printed = next(n for n in generated if form in n)
        assert printed in names, printed
    assert any(n.endswith("※1") for n in names)
    assert any(n.endswith("*") for n in names)


def test_page_numbers(extracted: dict[str, pd.DataFrame]) -> None:
    frame = extracted["table"]
    assert frame["page"].min() == 1 and frame["page"].max() >= 3
    names = company_names(CORRECTED.counts["company"])
    on_page_3 = frame[frame["page"] == 3]
    # the table prints about 35 members per page, in list order
    assert names.index(on_page_3["name_ja"].iloc[0]) > 60
    assert frame.set_index("name_ja").loc[on_page_3["name_ja"].iloc[0], "page"] == 3


def test_prefecture_grouping_keeps_same_names_apart(extracted: dict[str, pd.DataFrame]) -> None:
    frame = extracted["by_prefecture"]
    fuchu = frame[frame["name_ja"] == "府中市"]
    assert sorted(fuchu["prefecture_ja"]) == ["広島県", "東京都"]
    lg = frame[frame["category"] == "local_government"]
    assert lg["prefecture_ja"].notna().all()
    assert frame[frame["category"] != "local_government"]["prefecture_ja"].isna().all()
    assert set(lg["category_ja"]) == {"自治体"}
    hokkaido = lg[lg["prefecture_ja"] == "北海道"]["name_ja"].tolist()
    assert hokkaido[:6] == ["北海道", "札幌市", "旭川市", "岩見沢市", "上士幌町", "更別村"]


def test_official_headings_as_printed(extracted: dict[str, pd.DataFrame]) -> None:
    assert set(extracted["sections_grid"]["category_ja"]) == set(MEMBER_CATEGORIES.values())


def _grid_pdf(path: Path, remove: str | None = None, heading_bonus: str | None = None,
              printed_from: MemberComposition | None = None) -> Path:
    members = members_for((printed_from or CORRECTED).counts)
    if remove:
        members.remove(next(m for m in members if m.category == remove))

    def heading(label: str, n: int) -> str:
        return f"【{label}】（{n + (1 if label == heading_bonus else 0)}団体）"

    _grid(path, members, GridStyle(font=GOTHIC, heading=heading), "broken list")
    return path


def test_one_member_missing_names_the_short_category(tmp_path: Path) -> None:
    path = _grid_pdf(tmp_path / "short.pdf", remove="university_research")
    with pytest.raises(SourceError) as info:
        extract(SID, [path])
    message = str(info.value)
    assert message.startswith(f"{SID}: {path} page ")
    assert "nearest is corrected_2019-08-29 (471): university_research short by 1 (42 of 43)" \
        in message


def test_a_short_category_is_named_where_two_compositions_are_as_near(tmp_path: Path) -> None:
    # printed from the first composition (473) less one local government: as near the corrected
    # one (471, a company fewer) as the first; naming only the corrected one named a category
    # nobody had touched
    path = _grid_pdf(tmp_path / "short.pdf", remove="local_government", printed_from=FIRST)
    with pytest.raises(SourceError) as info:
        extract(SID, [path])
    message = str(info.value)
    assert "corrected_2019-08-29 (471): company long by 1 (305 of 304)" in message
    assert "first_2019-08-08 (473): local_government short by 1 (112 of 113)" in message


def test_heading_count_is_cross_checked(tmp_path: Path) -> None:
    path = _grid_pdf(tmp_path / "heading.pdf", remove="company", heading_bonus="企業等")
    with pytest.raises(SourceError, match=r"company: the headings state 304 .* but 303 entries"):
        extract(SID, [path])


def _page_rows(words: list[tuple[str, float, float]], width: float = 595, height: float = 842,
               size: float = 9.0, page: int = 1) -> list[Row]:
    """The rows the reader makes of a page of words (text, x0, top), each letter ``size``
    points wide and 9 high."""
    return page_rows(PageView(page, width, height, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + size * len(t), "top": top, "bottom": top + 9,
         "size": size} for t, x0, top in words]))


def _page(*lines: tuple[float, float, str]):  # type: ignore[no-untyped-def]
    def draw(c) -> None:  # type: ignore[no-untyped-def]
        for x, top, text in lines:
            draw_text(c, x, top, text, GOTHIC, 10)

    return draw


def test_a_table_goes_on_in_a_page_of_one_column_wherever_it_stands(tmp_path: Path) -> None:
    # seed 137436: a header printed on the first page atop each column of the page (read down),
    # the table going on in a page of one column: where that column stands is where its cells
    # start, the page number centred at its foot aside (it stood nearer the header's column:
    # the names fell outside the table's column shifted there and were read as nothing)
    names = [f"株式会社テスト{i + 1}" for i in range(70)]
    first = [(60, 40, "【企業等】"), (60, 60, "会員名"), (320, 60, "会員名")]
    first += [(60 if i < 30 else 320, 80 + 20 * (i % 30), f"{i + 1}　{name}")
              for i, name in enumerate(names[:60])]
    second = [(60, 60 + 20 * i, f"{i + 61}　{name}") for i, name in enumerate(names[60:])]
    second += [(300, 800, "- 2 -")]
    path = write_pdf(tmp_path / "goes_on.pdf", [_page(*first), _page(*second)])
    composition = MemberComposition("test", {"company": 70}, "synthetic")
    read = read_member_list(SID, path, (composition,)).tables["platform_members"]
    assert read["name_ja"].tolist() == names


def test_a_label_lacked_read_on_one_page_is_one_on_the_next(tmp_path: Path) -> None:
    # seed 137346: a category column printing a label the vocabulary lacks on every row, the
    # list's last page holding one row: printed once there, it is the label read on the page
    # before (it was read into the name)
    bodies = ["内閣官房", "警察庁", "金融庁", "総務省"]
    rows = [(60, 60 + 20 * i, "関係省庁等") for i in range(3)]
    rows += [(160, 60 + 20 * i, f"{i + 1}　{name}") for i, name in enumerate(bodies[:3])]
    path = write_pdf(tmp_path / "last.pdf", [
        _page(*rows), _page((60, 60, "関係省庁等"), (160, 60, "4　総務省"))])
    composition = MemberComposition("test", {"ministry_economic_org": 4}, "synthetic")
    read = read_member_list(SID, path, (composition,))
    assert read.tables["platform_members"]["name_ja"].tolist() == bodies
    assert any("関係省庁等" in note for note in read.notes)


def test_row_numbers_are_never_published_as_part_of_the_names(tmp_path: Path) -> None:
    # a numbered list whose numbering skips (4): the reading that cuts the numbers off fails
    # on it, and the one keeping them in the names matched the counts: it was published,
    # 「1　株式会社テストA」 and all
    numbers = [1, 2, 3, 5, 6]
    path = write_pdf(tmp_path / "skips.pdf", [_page(
        (60, 40, "【企業等】"),
        *[(60, 60 + 20 * i, f"{n}　株式会社テスト{n}") for i, n in enumerate(numbers)])])
    composition = MemberComposition("test", {"company": 5}, "synthetic")
    with pytest.raises(SourceError, match=r"skips\.pdf page 1: .*numbering breaks"):
        read_member_list(SID, path, (composition,))


def test_a_category_cell_centred_beside_a_names_wrapped_line_is_both(tmp_path: Path) -> None:
    # seed 581503: rows numbered in a column of their own, a category cell centred on its
    # group (no rules) on the line of a name's wrapped end (「企業等」 beside 「協会」): the
    # line holds no number, so the name goes on in it, and the cell is the group's label (the
    # wrapped end was read as a member of its own, 「協会」, without a number)
    lines = [(60, 40, "No"), (100, 40, "区分"), (200, 40, "会員名")]
    names = ["株式会社テストA", "株式会社テストB", "一般社団法人テストC", "株式会社テストD",
             "株式会社テストE"]
    tops = [60, 80, 100, 140, 160]  # the wrapped end as far below its line as rows are apart
    lines += [(60, top, str(i + 1)) for i, top in enumerate(tops)]
    lines += [(200, top, name) for top, name in zip(tops, names, strict=True)]
    lines += [(210, 120, "協会"), (100, 120, "企業等")]
    path = write_pdf(tmp_path / "beside.pdf", [_page(*lines)])
    composition = MemberComposition("test", {"company": 5}, "synthetic")
    read = read_member_list(SID, path, (composition,)).tables["platform_members"]
    assert read["name_ja"].tolist() == [*names[:2], "一般社団法人テストC協会", *names[3:]]


def test_a_name_goes_on_below_a_category_cell_the_vocabulary_lacks(tmp_path: Path) -> None:
    # seed 581533: a category cell naming a category the vocabulary lacks, centred on its
    # group, alone in its line between a numbered name and the name's wrapped end: the wrapped
    # end goes on from the name above the cell (a known label's cell stood so already; this
    # one made the wrapped end a member of its own, without a number)
    places = ["札幌市", "旭川市", "函館市"]
    names = ["株式会社テストA", "株式会社テストB", "一般社団法人テストC", "株式会社テストD",
             "株式会社テストE"]
    tops = [60, 80, 100, 120, 140, 172, 204, 224]
    lines = [(100, 40, "区分"), (200, 40, "会員名")]
    lines += [(200, top, f"{i + 1}.{name}")
              for i, (top, name) in enumerate(zip(tops, places + names, strict=True))]
    lines += [(100, 80, "地方公共団体"), (212, 152, "第2"), (100, 178, "事業者・団体"),
              (212, 184, "協会")]
    path = write_pdf(tmp_path / "below.pdf", [_page(*lines)])
    composition = MemberComposition("test", {"local_government": 3, "company": 5}, "synthetic")
    read = read_member_list(SID, path, (composition,))
    assert read.tables["platform_members"]["name_ja"].tolist() == [
        *places, names[0], "株式会社テストB第2", "一般社団法人テストC協会", *names[3:]]
    assert any("事業者・団体" in note for note in read.notes)

def test_a_label_lacked_wrapped_beside_its_groups_first_name_is_one_label(
        tmp_path: Path) -> None:
    # seed 581683: a category printed on its group's first row only, a label the vocabulary
    # lacks wrapped onto the next line beside the first name's wrapped end (「大学・研究開発」 /
    # 「法人」): the label is the two lines (its second was taken for a name's text cut off)
    lines = [(60, 40, "分類"), (134, 40, "法人名"),  # (the label set close to the name)
             (60, 60, "大学・研究開発"), (134, 60, "1.公立大学法人テスト県立"),
             (60, 72, "法人"), (144, 72, "大学"),
             (134, 92, "2.テスト大学"), (134, 112, "3.国立研究開発法人テスト研究所")]
    path = write_pdf(tmp_path / "wrapped.pdf", [_page(*lines)])
    composition = MemberComposition("test", {"university_research": 3}, "synthetic")
    read = read_member_list(SID, path, (composition,))
    assert read.tables["platform_members"]["name_ja"].tolist() == [
        "公立大学法人テスト県立大学", "テスト大学", "国立研究開発法人テスト研究所"]
    assert any("大学・研究開発法人" in note for note in read.notes)


def test_a_label_lacked_wrapped_in_each_of_two_blocks_side_by_side_is_one_label(
        tmp_path: Path) -> None:
    # seed 720884: tables side by side, numbered across, each printing the group's label the
    # vocabulary lacks on its first row, wrapped (「大学・研究開発」 / 「法人」): the second line
    # ends the label in each block (the group's first row holds an entry in each)
    lines = [(40, 40, "分類"), (114, 40, "法人名"), (320, 40, "分類"), (394, 40, "法人名"),
             (40, 60, "大学・研究開発"), (114, 60, "1.テスト甲大学"),
             (320, 60, "大学・研究開発"), (394, 60, "2.テスト乙大学"),
             (40, 72, "法人"), (320, 72, "法人"),
             (114, 92, "3.テスト丙大学"), (394, 92, "4.テスト丁大学"),
             (114, 112, "5.テスト戊大学"), (394, 112, "6.テスト己大学")]
    path = write_pdf(tmp_path / "blocks.pdf", [_page(*lines)])
    composition = MemberComposition("test", {"university_research": 6}, "synthetic")
    read = read_member_list(SID, path, (composition,))
    assert read.tables["platform_members"]["name_ja"].tolist() == [
        f"テスト{c}大学" for c in "甲乙丙丁戊己"]
    assert set(read.tables["platform_members"]["category_ja"]) == {"大学・研究開発法人"}


def test_a_wrapped_line_continues_its_own_columns_entry_not_one_further_left(
        tmp_path: Path) -> None:
    # seed 323269 (published wrong, two names swapped): two blocks side by side, unnumbered,
    # the right block's rows set lower; the right block's name wraps (「…スマートシティ推進」 /
    # 「コンソーシアム」, indented) and the left block's next row stands between its two lines:
    # read across, the wrapped line went to that left entry, the row just above it
    from reportlab.lib.pagesizes import A4, landscape

    left = [f"株式会社テスト{c}" for c in "甲乙丙丁戊"]
    right = ["株式会社テスト己", "一般社団法人テスト庚スマートシティ推進", "株式会社テスト辛",
             "株式会社テスト壬", "株式会社テスト癸"]
    lines = [(164, top, name) for top, name in zip((60, 77, 107, 124, 141), left, strict=True)]
    lines += [(551, top, name) for top, name in zip((65, 100, 129, 146, 163), right, strict=True)]
    lines += [(560, 112, "コンソーシアム")]
    path = write_pdf(tmp_path / "blocks.pdf", [_page(*lines)], landscape(A4))
    across = [r for r in reader.readings_of(member_spec(SID), path)
              if not r.options.newspaper and not r.problems]
    assert across  # the rows read across: the wrapped line goes to its own column's entry
    for reading in across:
        names = [e.fields["name"] for e in reading.entries]
        assert "株式会社テスト丙" in names  # (once 「株式会社テスト丙コンソーシアム」)
        assert "一般社団法人テスト庚スマートシティ推進コンソーシアム" in names


@pytest.mark.parametrize("rules", [True, False])
def test_a_reading_choice_that_cannot_matter_is_not_built(tmp_path: Path, rules: bool) -> None:
    # every reading costs a pass over the list (`make bench`): in a full grid no category
    # cell can stand centred on its group (each is ruled), and a header's 「区分」 is no label
    # the vocabulary lacks; unruled, the category cells may stand centred
    table = [("No.", "区分", "会員名")] + [(str(n), "企業等", f"株式会社テスト{c}")
                                         for n, c in enumerate("甲乙丙", start=1)]

    def draw(c) -> None:  # type: ignore[no-untyped-def]
        ruled_table(c, 60, 60, (40, 80, 200), table, rules=rules)

    path = write_pdf(tmp_path / "grid.pdf", [draw])
    readings = reader.readings_of(member_spec(SID), path)
    assert not any(r.options.infer_labels for r in readings)
    assert any(r.options.centered_labels for r in readings) is not rules
    composition = MemberComposition("test", {"company": 3}, "synthetic")
    read = read_member_list(SID, path, (composition,)).tables["platform_members"]
    assert read["name_ja"].tolist() == [f"株式会社テスト{c}" for c in "甲乙丙"]


def test_a_label_lacked_numbered_as_the_pages_known_headings_is_one(tmp_path: Path) -> None:
    # seed 618236: headings numbered 「（３）」, entries 「168.」; 「（４）民間事業者」, a label the
    # vocabulary lacks, numbered only (numbering alone marks no heading), was read as an entry
    # and the numbering broke; numbered as the page's known heading is, and no entry so, it is one
    lines = [(60, 40, "（１）大学・研究機関"), (60, 60, "1.テスト北辰大学"),
             (60, 80, "2.テスト南星大学"), (60, 110, "（２）協賛事業者"),
             (60, 130, "3.株式会社テストA"), (60, 150, "4.株式会社テストB")]
    path = write_pdf(tmp_path / "numbered.pdf", [_page(*lines)])
    composition = MemberComposition("test", {"university_research": 2, "company": 2}, "synthetic")
    read = read_member_list(SID, path, (composition,)).tables["platform_members"]
    assert read["name_ja"].tolist() == ["テスト北辰大学", "テスト南星大学", "株式会社テストA",
                                        "株式会社テストB"]
    assert read["category_ja"].tolist() == ["大学・研究機関"] * 2 + ["協賛事業者"] * 2
    # entries numbered as the headings are: such a text is no heading (an entry of the list)
    rows = _page_rows([("（１）大学・研究機関", 60, 40), ("（１）テスト北辰大学", 60, 60),
                       ("（２）協賛事業者", 60, 80), ("（３）株式会社テストA", 60, 100),
                       ("（４）株式会社テストB", 60, 120)])
    assert not numbered_headings(rows, member_spec(SID).shape)


def test_a_total_line_under_a_prefecture_column_leaves_it_one() -> None:
    # seed 618292: the page's last column held one group (沖縄県 | 伊江村), a heading and the
    # list's total 「合計　４７１団体」, all starting where the prefecture column does: the
    # total, no prefecture, made the column none, and 沖縄県 was read as a member
    from pipeline.extract.reader.structure import page_facts
    rows = _page_rows([("北海道", 60, 40), ("札幌市", 110, 40), ("函館市", 110, 58),
                       ("青森県", 60, 76), ("青森市", 110, 76), ("岩手県", 60, 94),
                       ("盛岡市", 110, 94), ("合計　５団体", 60, 130)])
    assert page_facts(rows, member_spec(SID).shape).prefecture_columns == [60]
@pytest.mark.parametrize(("label_top", "below", "heading"), [
    (220, 245, True),  # on its own line, as far below the row above as a sub-heading's line
    (210, 220, False),  # a row's pitch below the row above: a cell centred between the rows
])
def test_a_heading_after_rows_each_under_its_sub_heading_takes_a_line(
        tmp_path: Path, label_top: float, below: float, heading: bool) -> None:
    # seed 618141: each row of local governments under its prefecture sub-heading, so no two
    # rows of entries stand with nothing between them; the next category's heading on its own
    # line between the last of them and the first row of companies (as far apart as two rows
    # with a sub-heading between them): a heading over the rows below, no cell centred between
    # them (the rows' least distance measured across the sub-headings refused it)
    places = [("＜北海道＞", "上川町"), ("＜青森県＞", "青森県"), ("＜岩手県＞", "岩手県"),
              ("＜宮城県＞", "栗原市")]
    companies = [f"株式会社テスト{c}" for c in "甲乙丙丁戊己庚辛"]
    lines = [(42, 40, "①〔地方公共団体〕")]
    for i, (prefecture, name) in enumerate(places):
        lines += [(42, 60 + 40 * i, prefecture), (42, 80 + 40 * i, str(i + 1)),
                  (68, 80 + 40 * i, name)]
    lines += [(42, label_top, "②〔企業等〕")]
    for i, name in enumerate(companies):
        top = below + 20 * (i // 2)
        lines += [(42 + 200 * (i % 2), top, str(i + 5)), (68 + 200 * (i % 2), top, name)]
    path = write_pdf(tmp_path / "sub_headed.pdf", [_page(*lines)])
    composition = MemberComposition(
        "test", {"local_government": 4, "company": 8}, "synthetic")
    if not heading:
        with pytest.raises(SourceError, match="takes no line of its own"):
            read_member_list(SID, path, (composition,))
        return
    read = read_member_list(SID, path, (composition,)).tables["platform_members"]
    assert read["name_ja"].tolist() == [name for _, name in places] + companies
    assert read["category"].tolist() == ["local_government"] * 4 + ["company"] * 8


def test_a_strip_of_numbers_and_a_lacked_label_goes_with_its_names_read_down(
        tmp_path: Path) -> None:
    # seed 720619, page 6: two blocks side by side, each a strip of row numbers, a label the
    # vocabulary lacks centred on the group over two lines (「都道府県・市区」 / 「町村」, once
    # in each block) and a prefecture printed once, left of the names: the strip goes with the
    # names as a known label's does, no column of the page of its own (read down, the numbers
    # stood apart from their names)
    from reportlab.lib.pagesizes import A4, landscape

    names = ["札幌市", "函館市", "小樽市", "旭川市", "室蘭市", "釧路市", "帯広市", "北見市",
             "夕張市", "岩見沢市", "網走市", "留萌市", "苫小牧市", "稚内市", "美唄市", "芦別市"]
    lines: list[tuple[float, float, str]] = []
    for block, x in enumerate((42, 524)):
        lines += [(x + 98, 60, "北海道"), (x + 26, 104, "都道府県・市区"), (x + 26, 116, "町村")]
        for i in range(8):
            lines += [(x, 60 + 17 * i, str(8 * block + i + 1)),
                      (x + 148, 60 + 17 * i, names[8 * block + i])]
    path = write_pdf(tmp_path / "strips.pdf", [_page(*lines)], landscape(A4))
    down = [r for r in reader.readings_of(member_spec(SID), path) if r.options.newspaper]
    assert down
    for reading in down:  # (the label's lines read as entries, no reading centring cells)
        assert [(e.number, e.fields["name"]) for e in reading.entries if e.number] == list(
            enumerate(names, start=1))


def test_a_label_lacked_never_shares_its_category_with_another(tmp_path: Path) -> None:
    # a text read as a label the vocabulary lacks whose entries read as a category another
    # heading of the list has: published, the entries under it carried that text as their
    # category_ja (a name's wrapped line read as a label would publish both wrong)
    path = write_pdf(tmp_path / "two.pdf", [_page(
        (60, 40, "【企業等】"), (60, 60, "株式会社テストA"), (60, 80, "株式会社テストB"),
        (60, 110, "【事業者団体】"), (60, 130, "株式会社テストC"), (60, 150, "株式会社テストD"))])
    composition = MemberComposition("test", {"company": 4}, "synthetic")
    with pytest.raises(SourceError, match=r"two\.pdf page 1: "):
        read_member_list(SID, path, (composition,))


def test_a_label_lacked_ending_in_a_letter_of_a_known_label_keeps_it(tmp_path: Path) -> None:
    # seed 252748: a label the vocabulary lacks on its group's first row, its last letter
    # wrapped alone (「府省庁・経済団」 / 「体」): 「体」 is in 「地方公共団体」, and was dropped as
    # a known label's wrapped end: the twelve ministries were published under 「府省庁・経済団」
    lines = [(60, 40, "区分"), (134, 40, "会員名"),
             (60, 60, "府省庁・経済団"), (134, 60, "1　内閣官房"), (60, 72, "体"),
             (134, 80, "2　警察庁"), (134, 100, "3　金融庁")]
    path = write_pdf(tmp_path / "tail.pdf", [_page(*lines)])
    composition = MemberComposition("test", {"ministry_economic_org": 3}, "synthetic")
    read = read_member_list(SID, path, (composition,)).tables["platform_members"]
    assert read["name_ja"].tolist() == ["内閣官房", "警察庁", "金融庁"]
    assert set(read["category_ja"]) == {"府省庁・経済団体"}


def test_unplaceable_text_is_an_error_with_its_page(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "stray.pdf", [
        _page((60, 60, "スマートシティ官民連携プラットフォーム 会員一覧")),
        _page((60, 60, "会員の皆様へのお知らせ")),
    ])
    with pytest.raises(
        SourceError, match=r"stray\.pdf page 2: .*'会員の皆様へのお知らせ' stands under no category"
    ):
        extract(SID, [path])


def test_a_refusal_names_the_heading_it_was_read_under(tmp_path: Path) -> None:
    # where the reading broke tells which category an entry dropped or moved was in
    path = write_pdf(tmp_path / "gap.pdf", [_page(
        (60, 60, "【地方公共団体】"), (60, 80, "1　札幌市"), (60, 100, "2　函館市"),
        (60, 130, "【企業等】"), (60, 150, "1　株式会社テストA"), (60, 170, "3　株式会社テストB"))])
    with pytest.raises(SourceError, match=r"gap\.pdf page 1: .*numbering breaks.*read under "
                                          r"the heading '企業等'"):
        extract(SID, [path])


def test_summary_line_of_headings_is_not_a_list(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "summary.pdf", [
        _page((60, 60, "企業等"), (200, 60, "大学・研究機関"), (400, 60, "地方公共団体")),
    ])
    with pytest.raises(SourceError, match="page 1: .*3 category labels in one row"):
        extract(SID, [path])


def test_garbage_page_is_an_error_not_zero_rows(tmp_path: Path) -> None:
    bad = make_bad_fixtures(tmp_path / "bad")
    with pytest.raises(SourceError, match=r"cid_garbage\.pdf page 1: .*Unicode map"):
        extract(SID, [bad["cid_garbage"]])
    with pytest.raises(SourceError, match=r"scan_on_page_2\.pdf page 2: scanned page"):
        extract(SID, [bad["scan_on_page_2"]])


@pytest.mark.slow
def test_several_files_use_the_valid_one(tmp_path: Path, fixtures: dict[str, Path]) -> None:
    html = tmp_path / "001302313.pdf"
    html.write_text("<!DOCTYPE html><html><body>404</body></html>", encoding="utf-8")
    output = extract(SID, [html, fixtures["sections_grid_473"]])
    assert matching_composition(Counter(output["platform_members"]["category"])) == FIRST
    short = _grid_pdf(tmp_path / "short.pdf", remove="company")
    with pytest.raises(SourceError) as info:
        extract(SID, [html, short])
    assert "none of 2 files" in str(info.value)
    assert "HTML page" in str(info.value) and "company short by 1" in str(info.value)


def test_layout_file_has_the_official_headings() -> None:
    vocabulary = load_vocabulary(VOCABULARY)
    for category, heading in MEMBER_CATEGORIES.items():
        assert vocabulary.labels[heading] == category
    assert {"name", "category", "number"} <= set(vocabulary.columns.values())


def test_debug_render_writes_png(tmp_path: Path, fixtures: dict[str, Path]) -> None:
    written = render_debug(SID, fixtures["by_prefecture"], tmp_path / "debug", pages=[1])
    assert [p.name for p in written] == ["mlit_scpf_members-members_by_prefecture-p001.png"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "printed, category, count",
    [  # numbered or not, bracketed or not, a count in any form or none, continuation marks
        ("１．地方公共団体（112団体）", "local_government", 112),
        ("1. 地方公共団体", "local_government", None),
        ("(1)企業等 304団体", "company", 304),
        ("（２）大学・研究機関（計43団体）", "university_research", 43),
        ("①企業等", "company", None),
        ("第1 企業等：304", "company", 304),
        ("Ⅲ．地方公共団体 計112団体", "local_government", 112),
        ("【企業等】（304団体）", "company", 304),
        ("■ 地方公共団体", "local_government", None),
        ("＜大学・研究機関＞", "university_research", None),
        ("〔関係府省・経済団体等〕：12", "ministry_economic_org", 12),
        ("地方公共団体（続き）", "local_government", None),
        ("【企業等】（つづき）", "company", None),
        ("企業等 計304", "company", 304),
    ],
)
def test_heading_forms_from_the_layout_file(printed: str, category: str, count) -> None:
    label = load_vocabulary(VOCABULARY).label(printed)
    assert label is not None and (label.category, label.count) == (category, count)


@pytest.mark.parametrize("printed", ["株式会社企業等", "地方公共団体連合会", "あ行", "１．"])
def test_text_that_is_no_heading(printed: str) -> None:
    assert load_vocabulary(VOCABULARY).label(printed) is None


@pytest.mark.parametrize(
    "printed, glued",
    [  # a label with a name's wrapped end read into it (「等」 beside 「社」)
        ("民間企業等社", "民間企業等"),
        ("地方公共団体会", "地方公共団体"),
        # a label of the source the vocabulary lacks (ending as its labels do, or a word more)
        ("地方自治体等", None),
        ("地方公共団体会員", None),
        ("企業等", None),
        ("大学・研", None),
        ("企業・団", None),  # the first line of 企業・団体等, though it begins with 企業
    ],
)
def test_a_label_with_more_after_it(printed: str, glued: str | None) -> None:
    assert load_vocabulary(VOCABULARY).glued_to(printed) == glued


@pytest.mark.parametrize(
    "printed, misread",
    [  # a label's line spaced out to its column's width, glued to the name beside it
        ("・　経　済厚生労働省", True),
        ("・　経　済　厚生労働省", True),
        ("関　係　府　省厚生労働省", True),
        # names as printed: spaced out whole, or with a space of their own
        ("内　閣　府", False),
        ("関　係　府　省", False),
        ("テスト　のぞみ建設第3株式会社", False),
        ("厚生労働省", False),
    ],
)
def test_an_entry_beginning_with_a_spaced_line_of_a_label(printed: str, misread: bool) -> None:
    from pipeline.extract.reader.verify import _begins_with_spaced_part_of_a_label

    assert _begins_with_spaced_part_of_a_label(printed, load_vocabulary(VOCABULARY)) is misread


def _spaced_line(text: str, x0: float, top: float, spread: bool) -> list[dict[str, object]]:
    """One printed line of a label set with even spacing, as pdfplumber gives its words: one
    word with ideographic spaces between the letters, or (``spread``) one word per letter."""
    if not spread:
        return [{"text": "\u3000".join(text), "x0": x0, "x1": x0 + 18 * len(text) - 9,
                 "top": top, "bottom": top + 9, "size": 9.0}]
    return [{"text": ch, "x0": x0 + 18 * i, "x1": x0 + 18 * i + 9, "top": top,
             "bottom": top + 9, "size": 9.0} for i, ch in enumerate(text)]


def _label_column(lines: list[str], spread: bool) -> list[str]:
    """The category column's texts (spacing aside) after join_wrapped_labels, for a label
    printed in ``lines`` 3 points apart, beside two names."""
    from pipeline.extract.reader.structure import join_wrapped_labels

    words = [w for k, line in enumerate(lines)
             for w in _spaced_line(line, 42, 100 + 12 * k, spread)]
    words += [{"text": f"{n}　株式会社テスト{n}", "x0": 164.0, "x1": 300.0, "top": top,
               "bottom": top + 9, "size": 9.0} for n, top in ((1, 100.0), (2, 117.0))]
    rows = page_rows(PageView(1, 595, 842, words))  # type: ignore[arg-type]
    joined = join_wrapped_labels(rows, member_spec(SID).shape)
    return [c.text.replace("\u3000", "") for r in joined for c in r.cells if c.x0 < 150]


@pytest.mark.parametrize("spread", [False, True])
def test_a_wrapped_label_the_vocabulary_lacks_is_joined_when_spaced(spread: bool) -> None:
    # seed 1400015 of the generated layouts: 大学・研究開発法人 (no label of the CSV) wrapped
    # in three lines, its first beginning a known label (大学・研究機関)
    assert _label_column(["大学・研", "究開発", "法人"], spread) == ["大学・研究開発法人"]


@pytest.mark.parametrize("spread", [False, True])
def test_a_known_label_below_a_label_line_is_not_joined_to_it(spread: bool) -> None:
    # the second line begins a label of the CSV: it begins a label of its own
    assert _label_column(["学術研究", "地方公共", "団体"], spread) == ["学術研究", "地方公共団体"]


@pytest.mark.parametrize("number", ["", "461"])
def test_a_label_line_glued_to_a_name_is_cut_when_the_lines_below_complete_it(
        number: str) -> None:
    # seeds 1700092 and 2000049: 「関係府省・経済」 set one letter from 「内閣官房」, the label's
    # second line 「団体等」 under it: label and name, not one name 「関係府省・経済内閣官房団体等」
    from pipeline.extract.reader.structure import join_wrapped_labels

    def word(text: str, x0: float, top: float) -> dict[str, object]:
        return {"text": text, "x0": x0, "x1": x0 + 9 * len(text), "top": top,
                "bottom": top + 9, "size": 9.0}

    first = [word(number, 14, 100)] if number else []
    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        *first, word("関係府省・経済", 42, 100), word("内閣官房", 114.5, 100),
        word("団体等", 42, 112), word("警察庁", 114.5, 129)]))
    joined = join_wrapped_labels(rows, member_spec(SID).shape)
    assert [c.text for c in joined[0].cells] == [*([number] if number else []),
                                                 "関係府省・経済団体等", "内閣官房"]


def test_a_name_written_letter_by_letter_is_no_label_line_to_join() -> None:
    # seed 49701 (a page turned by /Rotate): a name's second line 「ンサルティング第3」 given
    # letter by letter, touching, then 「スマートシティ」, its third line 「推進コンソーシアム」
    # letter by letter too: read as a label's spaced line and joined with the third, the name
    # was published 「…第3推進コンソーシアムスマートシティ」
    from pipeline.extract.reader.structure import join_wrapped_labels

    def letters(text: str, x0: float, top: float) -> list[dict[str, object]]:
        return [{"text": ch, "x0": x0 + 9 * i, "x1": x0 + 9 * i + 9, "top": top,
                 "bottom": top + 9, "size": 9.0} for i, ch in enumerate(text)]

    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": "211　一般社団法人テストゆたかコ", "x0": 40.0, "x1": 184.0, "top": 100.0,
         "bottom": 109.0, "size": 9.0},
        *letters("ンサルティング第3", 49, 112),
        {"text": "スマートシティ", "x0": 130.0, "x1": 193.0, "top": 112.0, "bottom": 121.0,
         "size": 9.0},
        *letters("推進コンソーシアム", 49, 124)]))
    joined = join_wrapped_labels(rows, member_spec(SID).shape)
    assert [[c.text for c in r.cells] for r in joined] == [
        ["211　一般社団法人テストゆたかコ"], ["ンサルティング第3スマートシティ"],
        ["推進コンソーシアム"]]


def _joined_rows(words: list[tuple[str, float, float]]) -> list[list[str]]:
    """Each row's cell texts (spacing aside) after join_wrapped_labels, for words (text, x0,
    top) of size 9 (digits half as wide), whose ideographic spaces spread letters apart."""
    from pipeline.extract.reader.structure import join_wrapped_labels

    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + sum(4.5 if ch.isascii() else 9 for ch in t),
         "top": top, "bottom": top + 9, "size": 9.0} for t, x0, top in words]))
    return [[c.text.replace("\u3000", "") for c in r.cells]
            for r in join_wrapped_labels(rows, member_spec(SID).shape)]


def test_row_numbers_set_close_to_a_wrapped_label_stay_row_numbers() -> None:
    # seed 2300038 of the generated layouts: a narrow category column, 12 points right of the
    # row numbers (under 1.5 letters: one cell by the gap), a label the vocabulary lacks
    # wrapped in three lines; its first line also set close to the name beside it
    spaced = "\u3000".join
    assert _joined_rows([
        ("158", 42.5, 147), ("テスト北辰8工業高等専門学校", 140.5, 147),
        ("159", 42.5, 164), (spaced("大学・研"), 68.5, 164), ("テスト桜台10大学", 140.5, 164),
        (spaced("究開発"), 78, 176), ("160", 42.5, 181), ("テスト桜台8研究所", 140.5, 181),
        (spaced("法人"), 68.5, 189), ("161", 42.5, 198), ("テスト白鷺8大学", 140.5, 198),
    ]) == [["158", "テスト北辰8工業高等専門学校"],
           ["159", "大学・研究開発法人", "テスト桜台10大学"],
           ["160", "テスト桜台8研究所"], ["161", "テスト白鷺8大学"]]
    # the label's last line glued to the row number before it: 「139法　人」
    assert _joined_rows([
        (spaced("大学・研"), 68.5, 696), ("138", 42.5, 703), ("テスト潮見7研究所", 140.5, 703),
        (spaced("究開発"), 78, 708), ("139", 42.5, 720), (spaced("法人"), 68.5, 720),
        ("テスト星見3研究所", 140.5, 720),
    ]) == [["大学・研究開発法人"], ["138", "テスト潮見7研究所"], ["139", "テスト星見3研究所"]]


def test_a_label_printed_on_every_row_is_not_joined_to_the_next_rows() -> None:
    # seed 2300022: 「学術研究」 / 「機関」 wrapped in the category column of each row
    spaced = "\u3000".join
    assert _joined_rows([
        ("1", 42.5, 100), (spaced("学術研究"), 68.5, 100), ("テスト桜台10大学", 190, 100),
        (spaced("機関"), 78, 112),
        ("2", 42.5, 129), (spaced("学術研究"), 68.5, 129), ("テスト東雲8大学", 190, 129),
        (spaced("機関"), 78, 141),
    ]) == [["1", "学術研究機関", "テスト桜台10大学"], ["2", "学術研究機関", "テスト東雲8大学"]]


def test_a_label_lacked_wrapped_between_rows_of_names_is_joined_unspaced() -> None:
    # seed 2300024: 「国の機関・経済」 / 「団体」 centred on its group in the category column,
    # each line alone in its row between two rows of names, letters not spread
    assert _joined_rows([
        ("5", 42.5, 543), ("厚生労働省", 140.5, 543), ("国の機関・経済", 68.5, 556),
        ("6", 42.5, 560), ("農林水産省", 140.5, 560), ("団体", 68.5, 568),
        ("7", 42.5, 577), ("環境省", 140.5, 577),
    ]) == [["5", "厚生労働省"], ["国の機関・経済団体"], ["6", "農林水産省"], ["7", "環境省"]]


def test_a_label_lacked_glued_to_a_name_in_one_column_is_cut_where_others_print_it() -> None:
    # seed 2400035: 「大学・研究開発」 / 「法人」 printed on every row of its group, a page in
    # columns; in the first column, wider, the label's first line reads as one cell with the
    # numbered name beside it (「大学・研究開発1　国立…」), the label printed so only twice
    from pipeline.extract.reader.structure import join_wrapped_labels, split_glued_cells

    words = []
    for k, top in enumerate((100.0, 129.0, 158.0)):  # the second column: label and name apart
        words += [("大学・研究開発", 364.0, top), (f"{k + 3}　テスト大学{k}", 436.0, top),
                  ("法人", 364.0, top + 12)]
    for k, top in enumerate((200.0, 229.0)):  # the first: the label glued to the name
        words += [("大学・研究開発", 42.0, top), (f"{k + 1}　テスト研究所{k}", 114.0, top),
                  ("法人", 42.0, top + 12)]
    shape = member_spec(SID).shape
    rows = page_rows(PageView(1, 842, 595, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + sum(4.5 if ch.isascii() else 9 for ch in t),
         "top": top, "bottom": top + 9, "size": 9.0} for t, x0, top in words]))
    joined = join_wrapped_labels(split_glued_cells(rows, shape), shape)
    first_column = [[c.text for c in r.cells if c.x0 < 300] for r in joined]
    assert [cells for cells in first_column if cells] == [
        ["大学・研究開発法人", "1　テスト研究所0"], ["大学・研究開発法人", "2　テスト研究所1"]]


def test_a_header_cell_of_two_words_names_each_column_where_its_word_is() -> None:
    # seed 805185: 「通し番号」 「組織名」 set close (one cell); the names start under 組織名 at
    # 68, not at 73 where its share of the cell's width put it: shifted to the page's second
    # column, the table's name column began 5 points right of the names there
    from pipeline.extract.reader.structure import _header_cell_parts

    (row,) = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": "通し番号", "x0": 42.0, "x1": 63.0, "top": 129.0, "bottom": 138.0, "size": 9.0},
        {"text": "組織名", "x0": 68.0, "x1": 96.0, "top": 129.0, "bottom": 138.0, "size": 9.0}]))
    (cell,) = row.cells
    parts = _header_cell_parts(member_spec(SID).shape.vocabulary, cell)
    assert [(round(x0), name) for x0, _, name, _ in parts] == [(42, "通し番号"), (68, "組織名")]


@pytest.mark.parametrize("header, pitch, joined", [
    (True, 12, True),  # seed 805196: lines set closer than rows, under the header's 区分
    (True, 17, False),  # as far apart as rows: two texts, not one label's lines
    (False, 12, False),  # no category column shown: names may start there
])
def test_a_label_lacked_wrapped_in_the_category_column_is_joined(
        header: bool, pitch: float, joined: bool) -> None:
    # a cell merged over its group, its label lacked by the CSV wrapped in two lines
    # (「大学・研究開発」 / 「法人」), the second beside the group's first name
    rows = _joined_rows([
        *([("区分", 42, 82), ("会員名", 114, 82)] if header else []),
        ("453テスト大学", 114, 179 - pitch), ("大学・研究開発", 42, 184),
        ("法人", 42, 184 + pitch), ("454テスト研究所", 114, 184 + pitch),
        ("455テスト高専", 114, 201 + pitch)])
    labels = [cells[0] for cells in rows if cells[0] in ("大学・研究開発法人", "大学・研究開発")]
    assert labels == (["大学・研究開発法人"] if joined else ["大学・研究開発"])
    assert (["454テスト研究所"] in rows) is joined


def test_a_header_word_over_a_known_labels_lines_is_no_label_wrapped_alike() -> None:
    # seed 2300037: a page in three columns, each under 「区分」 「会員名」, each first row's
    # label 「関係府省・経済団体等」 spread over three lines: 「区分」 over 「関　係　府　省」
    # three times on the page is a header over a label, not a label wrapped on every row
    spaced = "\u3000".join
    words = []
    for dx in (0, 322, 643):
        words += [("区分", 42 + dx, 125), ("会員名", 114 + dx, 125),
                  (spaced("関係府省"), 42 + dx, 138), ("内閣官房", 114 + dx, 142),
                  (spaced("・経済"), 52 + dx, 150), (spaced("団体等"), 52 + dx, 162),
                  ("文部科学省", 114 + dx, 183)]
    rows = _joined_rows(words)
    assert rows[0] == ["区分", "会員名"] * 3
    assert sum(cells.count("関係府省・経済団体等") for cells in rows) == 3


def test_names_one_per_line_where_a_label_stands_before_a_name_are_not_joined() -> None:
    # the member fixture columns_newspaper: a label before a name in one column of the page,
    # names set one per line, as close as a label's lines, at the same x in another: no line
    # stands beside a name, so none is a category cell's
    rows = _joined_rows([
        ("区分", 42, 82), ("会員名", 114, 82), ("企業等", 42, 99), ("テスト商事", 114, 99),
        ("テストさくら商事", 42, 300), ("テストみどり商事", 42, 312),
        ("テストあおぞら商事", 42, 324)])
    assert [cells for cells in rows if cells[0].startswith("テストさくら")] \
        == [["テストさくら商事"]]


def test_a_names_wrapped_lines_alone_in_their_rows_are_not_joined_as_a_label() -> None:
    # the same lines under the name they wrap: each stands under the line above it
    assert _joined_rows([
        ("5", 42.5, 100), ("一般社団法人テストビジョン", 140.5, 100), ("ロボティクス", 140.5, 112),
        ("協会", 140.5, 124), ("6", 42.5, 141), ("環境省", 140.5, 141),
    ]) == [["5", "一般社団法人テストビジョン"], ["ロボティクス"], ["協会"], ["6", "環境省"]]


def test_a_list_of_one_name_per_line_is_not_joined_as_a_label() -> None:
    # seed 2300001: a header and names alone in their rows, where the rows begin
    assert _joined_rows([
        ("（１）関係府省・経済団体等（１２団体）", 40, 71), ("令和元年８月８日現在", 402, 92),
        ("会員名", 42, 116),
        ("内閣官房", 42, 133), ("警察庁", 42, 150), ("1", 42.5, 200), ("北海道", 140.5, 200),
    ]) == [["（１）関係府省・経済団体等（１２団体）"], ["令和元年８月８日現在"], ["会員名"],
           ["内閣官房"], ["警察庁"], ["1", "北海道"]]


def test_a_text_alone_where_the_page_prints_category_cells_may_be_one() -> None:
    # seed 2300024: the label the vocabulary lacks, alone in its row, stands in the strip
    # where 「地方公共団体」 stands before a name; a name's wrapped line, in the names' column,
    # does not
    from pipeline.extract.reader.structure import lone_category_cells

    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + 9 * len(t), "top": top, "bottom": top + 9,
         "size": 9.0} for t, x0, top in [
            ("101", 42.5, 100), ("地方公共団体", 60.5, 100), ("糸田町", 140.5, 100),
            ("1", 42.5, 117), ("内閣官房", 140.5, 117), ("国の機関・経済団体", 55.5, 130),
            ("2", 42.5, 147), ("一般社団法人テストビジョン", 140.5, 147),
            ("ロボティクス", 140.5, 159)]]))
    assert lone_category_cells(rows, member_spec(SID).shape) == {"国の機関・経済団体"}


def test_category_cells_between_rows_set_no_pitch_of_the_names() -> None:
    # seed 581538: category cells centred on their groups stand in their column between rows
    # of names, a few points from them: line to line, those gaps made the narrowest pitch, and
    # the pitch of a name's wrapped line (12) read as one of rows apart (17)
    from pipeline.extract.reader.structure import gap_threshold

    names = [(f"{i + 1}　株式会社テスト", 140.5, 100 + 17 * i + (12 if i > 2 else 0))
             for i in range(8)]
    lines = [*names, ("コンソーシアム", 140.5, 146), ("大学等研究機関", 42.5, 105),
             ("大学等研究機関", 42.5, 207.5)]
    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + 9 * len(t), "top": top, "bottom": top + 9,
         "size": 9.0} for t, x0, top in lines]))
    threshold = gap_threshold(rows, member_spec(SID).shape)
    assert threshold is not None and 12 < threshold < 17


def test_a_lacked_category_cell_over_two_lines_read_as_two_cells_is_one() -> None:
    # seed 2300024: a category cell the vocabulary lacks, centred on its group, its two lines
    # with a row of names between them (「国の機関・経済」 / 「団体」): one label, not two halves
    # of the group each carrying half of it as its category_ja; a known label's cell and the
    # next group's cell a row apart stay apart
    from pipeline.extract.reader.cells import Cell, Row
    from pipeline.extract.reader.structure import Label, _lacked_lines_joined

    def at(text: str, top: float) -> Row:
        return Row([Cell(text, (text,), 68.5, top, 68.5 + 9 * len(text), top + 9, 9.0)], 6,
                   top, top + 9)

    def label(text: str, category: str = "") -> Label:
        return Label(category, text, None, False)

    joined = _lacked_lines_joined([(246.1, label("地方公共団体", "local_government"),
                                    at("地方公共団体", 241.6)),
                                   (560.6, label("国の機関・経済"), at("国の機関・経済", 556.1)),
                                   (572.6, label("団体"), at("団体", 568.1))])
    assert [(round(m, 1), lb.printed) for m, lb, _ in joined] == [
        (246.1, "地方公共団体"), (566.6, "国の機関・経済団体")]
    apart = _lacked_lines_joined([(100.0, label("関係省庁等"), at("関係省庁等", 95.5)),
                                  (117.0, label("事業者"), at("事業者", 112.5))])
    assert len(apart) == 2


@pytest.mark.parametrize(("label", "label_x", "strip"), [
    ("地方公共団体", 42.5, True),
    ("地方公共団体", 110.5, False),  # standing where the names begin: a heading
    ("【企業等】", 42.5, False),  # bracketed: a heading (seed 2300041: a draft took one)
])
def test_a_known_label_alone_before_the_names_shows_the_category_strip_too(
        label: str, label_x: float, strip: bool) -> None:
    # seed 137383: a page going on with a group whose merged cell prints 「地方公共団体」 alone
    # on its part of the page, before the names, then a label the vocabulary lacks centred
    # on the next group: where the known label stands, the lacked one is a category cell
    from pipeline.extract.reader.structure import lone_category_cells

    words = [(label, label_x, 90), ("大学等研究機関", 42.5, 159)]
    words += [(f"{i + 121}　テスト{i}大学", 110.5, 100 + 17 * i) for i in range(6)]
    rows = _page_rows(words)
    found = lone_category_cells(rows, member_spec(SID).shape)
    assert found == ({"大学等研究機関"} if strip else set())


@pytest.mark.parametrize(("label_x", "strip"), [
    (440.5, True),
    (500.5, False),  # standing where the block's names begin: a heading over them
])
def test_in_blocks_side_by_side_a_known_label_alone_shows_its_blocks_category_strip(
        label_x: float, strip: bool) -> None:
    # seed 720584: two blocks side by side, each with a category column of cells centred on
    # their groups; the right block's 「企業等」 ends its group two rows from the page's head
    # (in the top margin), the next group's lacked 「学術研究機関」 stands in the same strip, a
    # column no name reaches: a category cell, though the page's rows begin far left of it
    from pipeline.extract.reader.structure import lone_category_cells

    words = [("企業等", label_x, 50), ("学術研究機関", 440.5, 190)]
    for i in range(10):
        top = 40 + 20 * i
        words += [(str(i + 1), 42.5, top), (f"テスト{i}株式会社", 140.5, top),
                  (str(i + 301), 404.5, top), (f"テスト{i}大学", 500.5, top)]
    rows = _page_rows(words, 842, 595)
    found = lone_category_cells(rows, member_spec(SID).shape)
    assert found == ({"学術研究機関"} if strip else set())


@pytest.mark.parametrize(("lacked_x", "found"), [
    (75.5, True),
    (140.5, False),  # where the names begin: a name (the row's number before it)
])
def test_a_lacked_category_cell_on_a_row_between_its_number_and_name(
        lacked_x: float, found: bool) -> None:
    # seed 720861: the lacked label's cell (three lines joined, 「国の機関・」 / 「経済」 /
    # 「団体」) centred on its group lands on a row, between the row's number and its name, in
    # the strip where the known 「大学・研究機関」 stands alone: a category cell, not part of
    # the name
    from pipeline.extract.reader.structure import lone_category_cells

    words = [("大学・研究機関", 75.5, 50)]
    for i in range(10):
        top = 40 + 20 * i
        words += [(str(i + 451), 42.5, top), (f"テスト{i}省", 140.5 + (i == 6) * 60, top)]
    words.append(("国の機関・経済団体", lacked_x, 160))
    rows = _page_rows(words, size=7.0)
    assert lone_category_cells(rows, member_spec(SID).shape) == (
        {"国の機関・経済団体"} if found else set())


@pytest.mark.parametrize(("right", "found"), [
    ("関係省庁等", True),
    ("内閣府", False),  # two names side by side: each printed once
])
def test_a_lacked_label_printed_once_in_each_block_of_a_row_is_a_category_text(
        right: str, found: bool) -> None:
    # seed 720798: rows numbered across two blocks, each block's category cell the vocabulary
    # lacks (「関　係　省　庁」 / 「等」) centred on its group: the row holds the label twice
    # and nothing else
    from pipeline.extract.reader.structure import _category_texts

    words = [("関係省庁等", 68.5, 90), (right, 630.5, 90)]
    for i in range(4):
        top = 60 + 20 * i + (i >= 2) * 20
        words += [(str(2 * i + 1), 42.5, top), (f"テスト{i}省", 140.5, top),
                  (str(2 * i + 2), 604.5, top), (f"テスト{i}庁", 702.5, top)]
    rows = _page_rows(words, 842, 595, size=7.0)
    assert ("関係省庁等" in _category_texts(rows, member_spec(SID).shape)) is found


def test_a_headings_count_printed_apart_starts_no_column_of_the_page() -> None:
    # seed 720731: the last page of a list in four columns read down holds its last heading,
    # restated, and one entry; the heading's 「１２団体」 set apart was taken for where a
    # column of the page starts, the table's columns moved there, and the entry read as after
    # the list
    from pipeline.extract.reader.structure import page_facts

    rows = page_rows(PageView(4, 1191, 842, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + 9 * len(t), "top": top, "bottom": top + 9,
         "size": 9.0} for t, x0, top in [
            ("Ⅳ．関係府省・経済団体等", 42.5, 100), ("１２団体", 262.5, 100),
            ("12", 42.5, 118), ("日本経済団体連合会", 64.5, 118)]]))
    assert page_facts(rows, member_spec(SID).shape).starts == (42,)


def test_a_lacked_label_on_a_first_row_in_the_pages_top_margin_is_a_category_text() -> None:
    # seed 49907: the page's first row of names stands in its top tenth, the group's label the
    # vocabulary lacks on it (「関係省庁等」 | 「1」 | 「内閣官房」): rows in the margin were
    # passed over as furniture, and the label read as a member under no category
    from pipeline.extract.reader.structure import _category_texts

    words = [("スマートシティ官民連携プラットフォーム会員一覧", 126.5, 30),
             ("関係省庁等", 42.5, 92)]
    words += [(w, x, 92 + 17 * i) for i in range(6)
              for w, x in ((str(i + 1), 114.5), (f"テスト{i}省", 132.5))]
    rows = _page_rows(words, 728, 1032)
    assert rows[1].in_margin
    assert _category_texts(rows, member_spec(SID).shape) == {"関係省庁等"}


@pytest.mark.parametrize(("label_x", "after", "found"), [
    (590.5, "47㈱テスト商事", True),  # its number glued to the name
    (590.5, "TEST　ゆたか商事", True),  # no numbering (seed 49718)
    (676.5, "TEST　ゆたか商事", False),  # where the names begin: a name beside a name
])
def test_a_lacked_label_before_a_name_in_a_known_labels_strip(
        label_x: float, after: str, found: bool) -> None:
    # seed 49548: blocks side by side, labels printed on their group's first row; the right
    # block's 「事業者・団体」 the vocabulary lacks stands before 「47㈱テスト…」 (the number glued
    # to the name), in the strip where the known 「大学・研究機関」 stands before a name
    from pipeline.extract.reader.structure import lone_category_cells

    words = [("大学・研究機関", 590.5, 60), ("41テスト大学", 676.5, 60),
             ("事業者・団体", label_x, 160), (after, label_x + 86, 160)]
    for i in range(8):
        top = 60 + 20 * i
        words.append((f"{i + 1}テスト{i}市", 42.5, top))
        if i not in (0, 5):
            words.append((f"{i + 41}テスト{i}大学", 676.5, top))
    rows = _page_rows(words, 1191, 842)
    assert lone_category_cells(rows, member_spec(SID).shape) == (
        {"事業者・団体"} if found else set())


@pytest.mark.parametrize(("title", "found"), [
    ("（３）大\u3000学\u3000等\u3000研\u3000究\u3000機\u3000関", True),
    ("（３）大学等研究機関", False),  # numbering alone marks no heading
    ("大\u3000学\u3000等\u3000研\u3000究\u3000機\u3000関", False),  # no numbering
])
def test_a_numbered_title_spread_letter_by_letter_may_be_a_lacked_label(
        title: str, found: bool) -> None:
    # seed 720971: each page's title names its category (「（２）地　方　公　共　団　体（つづき）」,
    # known); the next category's, 「（３）大　学　等　研　究　機　関」, the vocabulary lacks:
    # it was read as an entry under the local governments
    from pipeline.extract.reader.structure import page_facts
    from pipeline.extract.reader.vocabulary import key

    words = [(title, 40.5, 61)] + [(f"{i + 125}　テスト{i}大学", 42.5, 107 + 17 * i)
                                   for i in range(4)]
    rows = _page_rows(words, 842, 595, page=5)
    titles = page_facts(rows, member_spec(SID).shape).table_titles
    assert (key(title) in titles) is found


def test_a_count_on_a_headings_line_is_no_total_of_the_list() -> None:
    # seed 720490: a page in four columns, 「（１）■関係府省・経済団体　計１２」 on the line of
    # the other columns' names: read down its columns, 「計１２」 fell in another column than
    # its heading and was taken for the list's total (「the list states 12 entries」)
    from pipeline.extract.reader.structure import heading_counts
    from pipeline.extract.reader.vocabulary import key

    words = [("（１）■関係府省・経済団体", 42.5, 96), ("計１２", 196.5, 96),
             ("青森県", 250.5, 95), ("25.階上町", 300.5, 95), ("1.内閣官房", 92.5, 111),
             ("合計　４７３団体", 42.5, 300)]
    rows = _page_rows(words, 842, 595)
    assert heading_counts(rows, member_spec(SID).shape) == {key("計１２")}


@pytest.mark.parametrize(
    "cells, heading",
    [  # a heading the vocabulary lacks printed in two cells, one of them its decoration
        (["〈国の機関・経済団体〉", "計12"], True),
        (["Ⅰ．", "国の機関・経済団体（12）"], True),
        (["国の機関・経済団体", "（12団体）"], True),
        # seed 2400139: two names' wrapped ends on one line read 「…※1社」, a count of one
        (["ス第3株式会社※1", "社"], False),
        # seed 49581: two names' wrapped ends 「…第3」 | 「社」: 第１ in a cell of its own is
        # no heading's numbering (set apart within one cell it is: 「第１　国の機関」)
        (["第3", "社"], False),
    ],
)
def test_a_heading_the_vocabulary_lacks_in_two_cells(cells: list[str], heading: bool) -> None:
    from pipeline.extract.reader.structure import kind_of

    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": t, "x0": 42.0 + 200 * i, "x1": 42.0 + 200 * i + 9 * len(t), "top": 100.0,
         "bottom": 109.0, "size": 9.0} for i, t in enumerate(cells)]))
    assert [len(r.cells) for r in rows] == [2]
    assert (kind_of(rows[0], member_spec(SID).shape).unknown is not None) is heading


def _glued_then_joined(words: list[tuple[str, float, float]]) -> list[list[str]]:
    """As ``_joined_rows``, after split_glued_cells (as the reader does, before)."""
    from pipeline.extract.reader.structure import join_wrapped_labels, split_glued_cells

    shape = member_spec(SID).shape
    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + sum(4.5 if ch.isascii() else 9 for ch in t),
         "top": top, "bottom": top + 9, "size": 9.0} for t, x0, top in words]))
    return [[c.text for c in r.cells]
            for r in join_wrapped_labels(split_glued_cells(rows, shape), shape)]


def test_a_table_goes_on_in_a_later_column_with_its_names_where_cells_start() -> None:
    # seed 137467: a header 「都道府県」 | 「会員名」 read in the page's last column; in a later
    # column the companies' section prints no prefecture, its names starting at 333: either
    # column could be put there, and the nearest shift put 「都道府県」 (no name read on the
    # rows); the names' column goes where the cells start
    from pipeline.extract.reader.structure import _Column, _shift

    columns = [_Column(765.0, 801.0, "prefecture", (765.0, 801.0)),
               _Column(815.0, 900.0, "name", (815.0, 900.0))]
    assert _shift(columns, (333.0,), frozenset({"name"})) == 333.0 - 815.0
    assert _shift(columns, (333.0,)) == 333.0 - 765.0  # (no entry's column known: the nearest)
    # two columns placed beat one, the names' or not (the table's own columns, shifted)
    assert _shift(columns, (283.0, 333.0), frozenset({"name"})) == 283.0 - 765.0


@pytest.mark.parametrize(("before", "kept"), [
    ("４．関係省庁等", True),  # a heading the vocabulary lacks: numbered, its count after it
    ("112　粟国村", False),  # an entry: the count beside it is furniture of its own
    ("４．テストみなと物流(株)", False),  # a numbered name, however like a heading it is set
])
def test_a_count_after_a_heading_lacked_is_its_own(before: str, kept: bool) -> None:
    # seed 137503: 「４．関係省庁等」 and 「計１２」 across a rule in a page's last column: the
    # count, taken out as furniture (a total), left a numbered line no heading
    from pipeline.extract.reader.structure import drop_furniture_cells

    rows = page_rows(PageView(1, 842, 595, [  # type: ignore[arg-type]
        {"text": t, "x0": x0, "x1": x0 + 9 * len(t), "top": 100.0, "bottom": 109.0, "size": 9.0}
        for t, x0 in ((before, 42.0), ("計１２", 300.0))]))
    read = [[c.text for c in r.cells] for r in drop_furniture_cells(rows, member_spec(SID).shape)]
    assert read == ([[before, "計１２"]] if kept else [[before], ["計１２"]])


@pytest.mark.parametrize(("tail", "joined"), [
    ("等", True),  # 「関係省庁等」: a label the vocabulary lacks, beginning as one it knows does
    ("津市", False),  # a place is no label's end
    ("・経", False),  # goes on as 「関係府省・経済団体等」 would: no end of a label it lacks
])
def test_a_spaced_label_lacked_ends_in_a_short_unspaced_line(tail: str, joined: bool) -> None:
    # seed 137437: 「関　係　省　庁」 / 「等」 on its group's first row: 「関係省庁」 begins a
    # known label, so no rule joined the two, and 「等」 was read as an entry
    first = "関　係　府　省" if tail == "・経" else "関　係　省　庁"
    read = _glued_then_joined([(first, 42.5, 100.0), ("1　内閣官房", 150.0, 100.0),
                               (tail, 60.5, 112.0), ("2　警察庁", 150.0, 129.0)])
    assert (read[0][0] == first + tail) is joined
    assert (len(read) == 2) is joined


@pytest.mark.parametrize("rows", [2, 3])
def test_a_label_lacked_printed_on_every_row_close_to_each_name_is_cut_from_it(
        rows: int) -> None:
    # seeds 2300090, 2400035: 「大学・研究開発」 / 「法人」 in the category column of each row,
    # one letter-space before the name (one cell by the gap): the label printed alike on
    # three rows or more is a label, cut from the names and joined with its wrapped line;
    # on two rows it could be two names' first words, and is left whole
    words = []
    for i in range(rows):
        top = 100.0 + 29 * i
        words += [("大学・研究開発", 42.5, top), (f"{i + 1}　テスト桜台{i}大学", 114.5, top),
                  ("法人", 42.5, top + 12)]
    read = _glued_then_joined(words)
    if rows == 3:
        assert read == [["大学・研究開発法人", f"{i + 1}　テスト桜台{i}大学"] for i in range(3)]
    else:  # one cell: the label glued to the name, as before (the reading then refuses it)
        assert [len(cells) for cells in read[::2]] == [1, 1]
        assert read[0][0].startswith("大学・研究開発") and read[0][0].endswith("テスト桜台0大学")


@pytest.mark.parametrize(
    "printed, heading",
    [  # numbering no list numbers its entries with marks a heading the vocabulary lacks
        ("Ⅰ．国　の　機　関・経済団体", True),
        ("①府省庁・経済団体", True),
        # and 第１ set apart from the label (seed 49739: 「第１」 | 「都道府県・市区町村」 over
        # the page, no bracket, no count, read as an entry under no label)
        ("第１　国の機関・経済団体", True),
        ("第１．国の機関・経済団体", True),
        # numbering alone, as entries are numbered, does not; nor 第１ glued to the text, as
        # a name's wrapped end begins (「第3株式会社」)
        ("1　府省庁・経済団体", False),
        ("1.府省庁・経済団体", False),
        ("第１国の機関・経済団体", False),
        ("第3株式会社", False),
    ],
)
def test_a_heading_the_vocabulary_lacks_by_its_numbering(printed: str, heading: bool) -> None:
    assert (load_vocabulary(VOCABULARY).unknown_label(printed) is not None) is heading


def test_a_name_beginning_like_a_label_is_not_cut_without_the_label_below() -> None:
    from pipeline.extract.reader.structure import join_wrapped_labels

    rows = page_rows(PageView(1, 595, 842, [  # type: ignore[arg-type]
        {"text": "企業", "x0": 42.0, "x1": 60.0, "top": 100.0, "bottom": 109.0, "size": 9.0},
        {"text": "組合", "x0": 69.0, "x1": 87.0, "top": 100.0, "bottom": 109.0, "size": 9.0},
        {"text": "警察庁", "x0": 42.0, "x1": 69.0, "top": 117.0, "bottom": 126.0, "size": 9.0}]))
    joined = join_wrapped_labels(rows, member_spec(SID).shape)
    assert [c.text for r in joined for c in r.cells] == [rows[0].cells[0].text, "警察庁"]


def _grid_with(path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """A section-grid list with ``edit`` applied to its members (a list -> list)."""
    _grid(path, edit(members_for(CORRECTED.counts)), GridStyle(font=GOTHIC), "edited list")
    return path


def _swap_first(category: str, name: str):  # type: ignore[no-untyped-def]
    def edit(members):  # type: ignore[no-untyped-def]
        first = next(m for m in members if m.category == category)
        first.name_ja = name
        return members

    return edit


def test_a_bare_municipality_under_companies_is_an_error_naming_page_and_name(
    tmp_path: Path,
) -> None:
    path = _grid_with(tmp_path / "lg_in_companies.pdf", _swap_first("company", "更別村"))
    with pytest.raises(SourceError) as info:
        extract(SID, [path])
    message = str(info.value)
    assert message.startswith(f"{SID}: {path} page 1: ")
    assert "'更別村' is printed under '企業等'" in message
    assert "exactly the name of a local government" in message


def test_a_name_under_local_governments_must_be_one(tmp_path: Path) -> None:
    path = _grid_with(
        tmp_path / "union.pdf", _swap_first("local_government", "テスト後志広域連合")
    )
    with pytest.raises(SourceError) as info:
        extract(SID, [path])
    assert "'テスト後志広域連合' is printed under '地方公共団体' (local_government) but is no " \
        "local government" in str(info.value)
    printed_on = next(m.page for m in _grid(tmp_path / "again.pdf", _swap_first(
        "local_government", "テスト後志広域連合")(members_for(CORRECTED.counts)),
        GridStyle(font=GOTHIC), "edited list") if m.name_ja == "テスト後志広域連合")
    assert (info.value.path, info.value.page) == (str(path), printed_on)


def test_companies_named_after_places_are_not_local_governments(tmp_path: Path) -> None:
    def edit(members):  # type: ignore[no-untyped-def]
        companies = [m for m in members if m.category == "company"]
        companies[0].name_ja = "札幌市交通事業振興公社"
        companies[1].name_ja = "北海道電力株式会社"
        lgs = [m for m in members if m.category == "local_government"]
        lgs[0].name_ja, lgs[1].name_ja = "静岡県藤枝市", "龍ヶ崎市"  # prefecture; variant ヶ
        return members

    frame = extract(SID, [_grid_with(tmp_path / "places.pdf", edit)])["platform_members"]
    assert {"札幌市交通事業振興公社", "北海道電力株式会社", "静岡県藤枝市", "龍ヶ崎市"} <= set(
        frame["name_ja"]
    )


@pytest.mark.parametrize(
    "name, expected",
    [("札幌市", True), ("北海道", True), ("更別村", True), ("河西郡更別村", True),
     ("札幌市中央区", True), ("三宅村", True), ("千代田区", True), ("東京都千代田区", True),
     ("札幌市※1", True), ("札 幌 市", True), ("龍ヶ崎市", True),
     ("札幌市交通事業振興公社", False), ("北海道電力", False), ("後志広域連合", False),
     ("南区", False), ("北海道庁", False), ("テスト北辰大学", False)],
)
def test_local_government_names(name: str, expected: bool) -> None:
    from pipeline.extract.local_governments import is_local_government_name

    assert is_local_government_name(name) is expected


def test_the_names_are_the_reference_tables() -> None:
    """The content check and the municipalities reference read one postal list: every name
    the reference publishes is known to the check, and the check knows nothing else besides
    the district forms (河西郡更別村)."""
    from pipeline.extract.local_governments import local_government_keys
    from pipeline.text import name_variant_key
    from pipeline.transform.reference import build_municipalities

    ref = build_municipalities()
    names = {name_variant_key(n) for n in ref["name_ja"]}
    districts = {
        name_variant_key(d + n)
        for d, n in zip(ref["district_ja"], ref["name_ja"], strict=True) if isinstance(d, str)
    }
    assert local_government_keys() == names | districts


def _roles(lines: list[str], page: int) -> list[tuple[str, str]]:
    """(role, text) of the rows of one page in ``pipeline.debug.debug_text``'s output."""
    out = []
    for line in lines:
        if line.startswith(f"p{page} "):
            role, _, text = line[len(f"p{page}"):].strip().partition(" ")
            out.append((role, text.strip()))
    return out


def test_debug_lines_are_the_roles_the_reader_gave(fixtures: dict[str, Path]) -> None:
    from pipeline.debug import debug_text

    lines = debug_text(SID, fixtures["numbered_headings"], pages=[1, 3])
    assert lines is not None and lines[0].startswith("reading kept: rows read across")
    first = _roles(lines, 1)
    assert ("heading", "１．企業等（304団体）") in first
    assert ("furniture", "※五十音順・敬称略") in first and ("furniture", "あ行") in first
    assert ("furniture", "（2019年8月8日時点）") in first
    entries = [text for role, text in first if role.startswith("entry")]
    assert entries[0].startswith("テストさくら商事株式会社 株式会社テストみどり商事")
    # every printed row once, in reading order; the ※1 wrapped onto its own line continues
    assert first[first.index(("continuation", "1")) - 1][1].endswith("株式会社※")
    roles = {role for role, _ in _roles(lines, 3)}  # page 3 continues page 2's section
    assert "heading" in roles and "unplaced" not in roles
    assert {"entry", "continuation"} <= roles
    assert not any(line.startswith("p2 ") for line in lines)


def test_debug_lines_of_a_table_and_an_unplaced_line(tmp_path: Path, fixtures) -> None:
    from pipeline.debug import debug_text

    lines = _roles(debug_text(SID, fixtures["table"], pages=[1]) or [], 1)
    assert ("header", "No. 区分 会員名") in lines
    assert ("entry", "1 企業等 テストさくら商事株式会社") in lines
    # a ruled cell's two printed lines are one name
    wrapped = "12 企業等 一般社団法人テストなぎさ商事スマートシティ推進コンソーシアム"
    assert ("entry", wrapped) in lines
    stray = write_pdf(tmp_path / "stray.pdf", [
        _page((60, 60, "会員の皆様へのお知らせ"), (60, 90, "【企業等】"),
              (60, 110, "テスト株式会社")),
    ])
    shown = debug_text(SID, stray) or []
    assert shown[0].startswith("reading closest (refused): ")
    assert "'会員の皆様へのお知らせ' stands under no category label" in shown[0]
    assert _roles(shown, 1) == [
        ("entry", "会員の皆様へのお知らせ"), ("heading", "【企業等】"), ("entry", "テスト株式会社"),
    ]


def test_newspaper_columns_put_headings_and_wrapped_names_in_the_right_column(
    fixtures: dict[str, Path], extracted: dict[str, pd.DataFrame]
) -> None:
    """The columns_newspaper fixture does what it is for: a category heading and a wrapped
    name's indented line stand in the right-hand column beside names in the left one, and the
    extraction still follows the left column down before the right one."""
    from pipeline.extract.pdf import iter_pages, open_pdf

    path = fixtures["columns_newspaper"]
    right_headings, right_indented = [], 0
    with open_pdf(SID, path) as pdf:
        for view in iter_pages(SID, path, pdf):
            starts = {round(w["x0"]) for w in view.words if w["x0"] > 300}
            right_headings += [w["text"] for w in view.words
                               if w["x0"] > 300 and w["text"].startswith("【")]
            right_indented += sum(1 for x in starts if x == 329)
    assert right_headings and right_indented
    frame = extracted["columns_newspaper"]
    assert frame["name_ja"].tolist()[:2] == company_names(2)
    assert LONG_NAME in set(frame["name_ja"])


def test_a_prefecture_under_a_header_cell_it_cannot_read_is_refused(tmp_path: Path) -> None:
    """A header cell the vocabulary cannot read (two header words printed over each other read
    「通し番都号道府県」) leaves its column without a role: the prefectures printed in it are
    never dropped for a list published without them."""
    rows = [(60, 100, "【地方公共団体】（2団体）"),
            (60, 130, "No."), (90, 130, "通し番都号道府県"), (180, 130, "名称")]
    for i, (pref, name) in enumerate([("北海道", "札幌市"), ("青森県", "弘前市")]):
        rows += [(60, 150 + 20 * i, str(i + 1)), (90, 150 + 20 * i, pref),
                 (180, 150 + 20 * i, name)]
    path = write_pdf(tmp_path / "header.pdf", [_page(*rows)])
    two = replace(member_spec(SID), expected=(reader.Expected("two", {"local_government": 2}),))
    with pytest.raises(SourceError, match=r"header\.pdf page 1: .*the prefecture '北海道' "
                                          r"stands in a column whose header names no column"):
        reader.read_list(two, path)
    readable = write_pdf(tmp_path / "readable.pdf", [_page(*[
        (x, top, "都道府県" if text == "通し番都号道府県" else text) for x, top, text in rows])])
    read = reader.read_list(two, readable)
    assert [(e.fields["name"], e.prefecture) for e in read.entries] == [
        ("札幌市", "北海道"), ("弘前市", "青森県")]


def test_reading_a_list_leaves_the_cycle_collector_as_it_was(
    fixtures: dict[str, Path]
) -> None:
    """The reader pauses Python's cycle collector while it reads (speed), and must hand it
    back as it found it: what the host froze stays frozen, a collector the host switched off
    stays off, and what the reading made is counted again (objects thawed by gc.unfreeze were
    not: reading hundreds of lists in one process grew by gigabytes)."""
    path = fixtures["sections_grid"]
    hosts_own = [["a host's object"]]  # a container: tracked by the collector
    gc.freeze()
    try:
        extract(SID, [path])
        assert all(o is not hosts_own for o in gc.get_objects())  # still frozen
        assert gc.isenabled()
        gc.disable()
        extract(SID, [path])
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
