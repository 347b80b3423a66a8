"""Words made into cells, rows and columns of the list (pipeline/extract/reader/cells.py).

The words and rules are written here by hand (synthetic positions, size 9 points), as
pdfplumber gives them: one dict per word, one per ruling line."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from pipeline.extract.pdf import PageView, Word
from pipeline.extract.reader.cells import (
    Page,
    newspaper_order,
    page_rows,
    split_at_gaps,
    unspace_letters,
)


def _word(text: str, x0: float, size: float = 9.0, top: float = 100.0) -> Word:
    return {"text": text, "x0": x0, "x1": x0 + size * len(text), "top": top,
            "bottom": top + size, "size": size}


def _h(y: float, x0: float, x1: float) -> dict[str, Any]:
    return {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y}


def _v(x: float, top: float, bottom: float) -> dict[str, Any]:
    return {"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom}


def _texts(words: list[Word]) -> list[str]:
    return [w["text"] for w in words]


def test_letters_set_with_even_spacing_are_one_word() -> None:
    # 「民　間　企　業」: one character's gap between letters, then a name two gaps on
    line = [_word("民", 42.5), _word("間", 60.5), _word("企", 78.5), _word("業", 96.5),
            _word("283.TEST", 114.5)]
    assert _texts(unspace_letters(line)) == ["民間企業", "283.TEST"]


def test_two_letters_close_together_are_one_word() -> None:
    assert _texts(unspace_letters([_word("区", 42.5), _word("分", 69.5)])) == ["区分"]


def test_two_letters_far_apart_stay_two_words() -> None:
    # a label's wrapped 「等」 in its column and a name's wrapped 「社」 in the next (seed
    # 960390 of the generated layouts: read as 「等社」, the name lost its 社)
    assert _texts(unspace_letters([_word("等", 51.5), _word("社", 114.5)])) == ["等", "社"]


def test_a_year_spread_at_equal_steps_is_one_word() -> None:
    # 「2 0 1 8 年 度」 spread 16 points a step: half-width digits leave wider gaps than letters
    line = [{**_word(ch, 90.1 + 16 * i), "x1": 90.1 + 16 * i + (4.5 if ch.isdigit() else 9)}
            for i, ch in enumerate("2018年度")]
    assert _texts(unspace_letters(line)) == ["2018年度"]


def test_digits_alone_are_no_spaced_word() -> None:
    # row numbers or counts standing evenly apart stay numbers
    line = [_word(ch, 42.0 + 18 * i) for i, ch in enumerate("123")] + [_word("年", 96.0)]
    assert _texts(unspace_letters(line)) == ["1", "2", "3", "年"]


def test_letters_that_touch_are_one_word_not_spaced() -> None:
    # a page turned by /Rotate gives a name's letters as words of one letter each, no white
    # between them (seed 49701 of the generated layouts): a name, never a label's spaced line
    line = [_word(ch, 40.0 + 9 * i) for i, ch in enumerate("推進コンソーシアム")]
    words = unspace_letters(line)
    assert _texts(words) == ["推進コンソーシアム"]
    assert not words[0].get("spaced")
    spread = unspace_letters([_word(ch, 40.0 + 18 * i) for i, ch in enumerate("民間企業")])
    assert spread[0].get("spaced")


def test_uneven_gaps_end_a_run() -> None:
    line = [_word("内", 40.0), _word("閣", 58.0), _word("府", 76.0), _word("省", 130.0)]
    assert _texts(unspace_letters(line)) == ["内閣府", "省"]


def _box_rect(x0: float, top: float, x1: float, bottom: float) -> list[dict[str, Any]]:
    return [_h(top, x0, x1), _h(bottom, x0, x1), _v(x0, top, bottom), _v(x1, top, bottom)]


@pytest.mark.parametrize(("after", "cells"), [
    ("福島県西白河郡中島村", 2),  # a name set tight, a letter's space after the label
    ("（続き）", 1),  # a continuation mark
    ("１２団体", 1),  # a count
])
def test_a_name_set_tight_after_letters_set_apart_is_the_next_cell(after: str,
                                                                     cells: int) -> None:
    # seed 720594: a category cell the vocabulary lacks, 「自　治　体　等」 (its ideographic
    # spaces printed, one word), a letter's space before the names' column: its name was read
    # as the label's end; the same gap after letters spread one by one
    printed = [_word("自\u3000治\u3000体\u3000等", 300.5), _word(after, 372.5)]
    spread = unspace_letters([_word("自", 300.5), _word("治", 318.5), _word("体", 336.5),
                              _word("等", 354.5), _word(after, 372.5)])
    assert len(split_at_gaps(printed)) == cells
    assert len(split_at_gaps(spread)) == cells


def test_a_row_without_its_right_rule_ends_where_its_rules_end() -> None:
    # two ruled tables side by side, their rows at different heights; the left table's heading
    # row has no rule on its right (seed 1400165 of the generated layouts: its box reached the
    # right table's rule, so the heading was repeated in the right table's rows it overlaps)
    edges = [_h(628, 40, 589), _h(648, 40, 589), _v(40, 628, 648),
             *_box_rect(601, 625, 1150, 642), *_box_rect(601, 642, 1150, 659)]
    words = [_word("Ⅱ．〔企業等〕", 42, top=632), _word("40　TEST商事", 604, top=628.4),
             _word("41　TEST通信", 604, top=645.4)]
    rows = page_rows(PageView(1, 1190, 842, words, edges))
    assert [[c.text for c in r.cells] for r in rows] == [
        ["40　TEST商事"], ["Ⅱ．〔企業等〕"], ["41　TEST通信"]]
    assert rows[1].cells[0].box == (40, 628, 589, 648)


def test_a_band_between_rules_drawn_per_cell_is_as_wide_as_its_cell() -> None:
    # a table ruled horizontally only, each cell's rules drawn on their own: a category cell
    # merged over two rows is its column's width, not the row's (seed 1400036)
    edges = [_h(96, 40, 112), _h(96, 112, 248), _h(125, 112, 248), _h(154, 40, 112),
             _h(154, 112, 248)]
    words = [_word("企業", 42, top=120), _word("259株式会社A", 114, top=100),
             _word("260株式会社B", 114, top=129)]
    rows = page_rows(PageView(1, 595, 842, words, edges))
    category = next(c for r in rows for c in r.cells if c.text == "企業")
    assert category.box == (40, 96, 112, 154)


def test_a_letter_fallen_between_two_ruled_cells_stays_in_their_row() -> None:
    # a heading set with even spacing across a row of cells ruled one by one (horizontal rules
    # only): 「団」 of 「関係府省・経済団体等」 stands between two cells' rules (seed 2300296: a
    # row of its own, and the heading read as 「関係府省・経済」 and 「体等】」)
    edges = [_h(666, 40, 221.5), _h(686, 40, 221.5), _h(666, 233.5, 414.9),
             _h(686, 233.5, 414.9)]
    words = [_word("４．【関", 42.5, size=11, top=670.3),
             {**_word("係府省・経済", 96.4, size=11, top=670.3), "x1": 211.9},
             _word("団", 221.8, size=11, top=670.3),
             {**_word("体等", 242.7, size=11, top=670.3), "x1": 274.6},
             _word("】（計１２）", 286.5, size=11, top=670.3)]
    rows = page_rows(PageView(3, 842, 595, words, edges))
    assert len(rows) == 1
    assert "".join(c.text for c in rows[0].cells).replace(" ", "") \
        == "４．【関係府省・経済団体等】（計１２）"


def test_a_line_across_cells_of_which_one_begins_a_row_above_stays_one_row() -> None:
    # numbered pairs ruled horizontally per column, the last row with one entry: the heading
    # below it spread across the page falls partly in the second column's box, which begins
    # at the last entry's rule (seed 805205: 「済団体等」 went into the row of entry 112 and
    # the heading was read as 「関係府省・経」)
    edges = [_h(578, 40, 203.8), _h(595, 40, 203.8), _h(615, 40, 203.8),
             _h(578, 215.8, 379.5), _h(615, 215.8, 379.5)]
    words = [{**_word("112", 42, top=581), "x1": 57}, _word("沖縄県伊平屋村", 80, top=581),
             {**_word("第４■関係府省・経", 42, size=11, top=598), "x1": 202},
             {**_word("済団体等", 212, size=11, top=598), "x1": 285.6}]
    rows = page_rows(PageView(6, 595, 842, words, edges))
    assert [[c.text for c in r.cells] for r in rows] == [
        ["112", "沖縄県伊平屋村"], ["第４■関係府省・経", "済団体等"]]


def test_a_loose_line_beside_a_ruled_table_is_a_row_of_its_own() -> None:
    # the same row, and a note printed right of the table at its height: not one of its cells
    edges = [_h(666, 40, 221.5), _h(686, 40, 221.5)]
    words = [_word("名前市", 42.5, top=670.3), _word("※注記", 300, top=670.3)]
    rows = page_rows(PageView(3, 842, 595, words, edges))
    assert [[c.text for c in r.cells] for r in rows] == [["名前市"], ["※注記"]]


def test_a_row_number_a_little_lower_than_its_shrunk_name_is_on_its_line() -> None:
    # seed 49557: a name shrunk to two small lines, its row number set a little lower than
    # its first line, the next column's row on that line a little higher: the name goes on
    # the next column's line, and the number, over 3 points below that row's top, went on a
    # line of its own (「1」 a row without name, the name's number lost)
    words = [_word("40", 306.1, top=143.41), _word("テストほくと電機", 382.1, 8.5, top=143.36),
             _word("一般社団法人テストやまなみ推", 118.5, 5.5, top=146.06),
             _word("進コンソーシアム", 118.5, 5.5, top=154.56), _word("1", 42.5, top=146.41)]
    rows = page_rows(PageView(1, 595, 842, words))
    assert [[c.text for c in r.cells] for r in rows] == [
        ["1", "一般社団法人テストやまなみ推", "40", "テストほくと電機"], ["進コンソーシアム"]]


def _newspaper_page(prefectures: list[tuple[int, str]], right_prefectures: list[tuple[int, str]],
                    right_rows: int = 40) -> Page:
    """Two columns of numbered names, each with a prefecture column printed once per group."""
    words: list[Word] = []
    for i in range(40):
        top = 130.0 + 17 * i
        words.append(_word(f"{i + 1}名前市", 92, top=top))
        if i < right_rows:
            words.append(_word(f"{i + 41}名前町", 356, top=top))
    for i, name in prefectures:
        words.append(_word(name, 42, top=130.0 + 17 * i))
    for i, name in right_prefectures:
        words.append(_word(name, 306, top=130.0 + 17 * i))
    view = PageView(1, 595, 842, words)
    return Page(1, page_rows(view))


def test_a_prefecture_printed_once_per_group_is_no_column_of_the_page() -> None:
    # seed 1400294: the prefectures of the right column stood on 17 rows, those of the left on
    # 10, so only the right ones were taken for a column of the page, read after the left
    # column's names and before the right column's
    page = _newspaper_page([(i, "北海道") for i in range(0, 40, 4)],
                           [(i, "神奈川県") for i in range(0, 40, 2)][:17])
    order = newspaper_order(page, lambda row: False)
    assert order is not None
    texts = [[c.text for c in r.cells] for r in order]
    assert texts[0] == ["北海道", "1名前市"]
    assert texts[40] == ["神奈川県", "41名前町"]
    assert len(texts) == 80


def test_the_last_column_of_a_page_may_be_short() -> None:
    # the page's last column filled to its tenth row: still a column, read after the first
    page = _newspaper_page([], [(0, "東京都"), (5, "大阪府")], right_rows=10)
    order = newspaper_order(page, lambda row: False)
    assert order is not None
    texts = [[c.text for c in r.cells] for r in order]
    assert texts[0] == ["1名前市"]
    assert texts[40] == ["東京都", "41名前町"]
    assert len(texts) == 50


def _is_label(text: str) -> bool:
    return text in {"北海道", "岩手県", "地方公共団体"} or text.isdigit()


def test_a_strip_of_prefectures_and_labels_goes_with_the_names_right_of_it() -> None:
    # seed 1400037: a category column and a prefecture printed on every row, left of the
    # names, in each of the page's two columns: the strip of them was read down on its own,
    # before the names it labels
    words: list[Word] = []
    for i in range(30):
        top = 130.0 + 17 * i
        words += [_word("北海道" if i < 15 else "岩手県", 114, top=top),
                  _word(f"{i + 1}名前町", 164, top=top),
                  _word("岩手県", 501, top=top), _word(f"{i + 31}名前村", 551, top=top)]
    words += [_word("地方公共団体", 42, top=300.0), _word("地方公共団体", 429, top=300.0)]
    page = Page(1, page_rows(PageView(1, 842, 595, words)))
    order = newspaper_order(page, lambda row: False, _is_label)
    assert order is not None
    texts = [[c.text for c in r.cells] for r in order]
    assert texts[0] == ["北海道", "1名前町"]
    assert ["岩手県", "31名前村"] in texts
    assert texts.index(["岩手県", "31名前村"]) > texts.index(["岩手県", "30名前町"])


def test_a_strip_of_wrapped_labels_goes_with_the_names_right_of_it() -> None:
    # seed 2400025: a label the vocabulary lacks, set with even spacing, wrapped in the
    # category column (「地　方　公　共」 / 「団　体」): each line a label's, the whole none
    # the vocabulary knows; the strip of them is still no column of the page of its own
    words = [_word(f"{i + 1}名前市", 164, top=130.0 + 17 * i) for i in range(30)]
    words += [_word("地方公共", 42, top=130.0 + 17 * i) for i in range(30)]  # on every row
    rows = page_rows(PageView(1, 842, 595, words))
    for row in rows:  # each label's two lines in one cell, as the reader joins them before
        row.cells = [replace(c, text="地方公共団体", lines=("地方公共", "団体"))
                     if c.text == "地方公共" else c for c in row.cells]
    page = Page(1, rows)
    lines = {"地方公共", "団体"}
    assert newspaper_order(page, lambda row: False, lambda text: text in lines) is None


def test_the_last_column_begun_may_hold_a_category_cell_beside_a_name() -> None:
    # seed 1400037, page 9: the page's last column holds five names, a category cell beside
    # the third: still a column, read after the first
    words: list[Word] = []
    for i in range(30):
        words.append(_word(f"{i + 1}株式会社名前", 164, top=130.0 + 17 * i))
    for i in range(5):
        words.append(_word(f"{i + 31}株式会社名前", 551, top=130.0 + 17 * i))
    words.append(_word("企業等", 429, top=164.0))
    page = Page(1, page_rows(PageView(1, 842, 595, words)))
    order = newspaper_order(page, lambda row: False, _is_label)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[29] == "30株式会社名前"
    assert texts[30] == "31株式会社名前"


@pytest.mark.parametrize("lines", [("地方公共団体",), ("地　方　公　共", "団　体")])
def test_the_last_column_begun_may_hold_a_category_cell_alone_between_two_names(
        lines: tuple[str, ...]) -> None:
    # seeds 720848 and 720491 (its label spaced and wrapped, each line a label's), the page's
    # last: the page's last column holds two or three names, their category cell centred
    # between the first two, alone in its row and left of where the names start (no row of
    # names): still a column, read after the second (it was read across, the names taken into
    # the second column's rows)
    words: list[Word] = []
    for i in range(30):
        top = 130.0 + 17 * i
        words += [_word(f"{i + 1}株式会社名前", 42, top=top),
                  _word(f"{i + 31}株式会社名前", 300, top=top)]
    words += [_word(f"{i + 61}名前省", 620, top=130.0 + 17 * i) for i in range(3)]
    words.append(_word("".join(lines), 540, top=138.5))
    rows = page_rows(PageView(1, 842, 595, words))
    for row in rows:  # a wrapped label's lines in one cell, as the reader joins them before
        row.cells = [replace(c, lines=lines) if c.text == "".join(lines) else c
                     for c in row.cells]
    order = newspaper_order(Page(1, rows), lambda row: False,
                            lambda text: text in lines or text.isdigit())
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[59] == "60株式会社名前"
    assert texts[60:] == ["61名前省", "".join(lines), "62名前省", "63名前省"]


def test_the_last_column_begun_may_hold_one_entry() -> None:
    # seed 2400059, page 4: the page's last column holds one name, level with the first
    # column's first row: still a column, read after the first (it was read across, the name
    # taken into the row before it)
    words = [_word(f"{i + 1}株式会社名前", 164, top=130.0 + 17 * i) for i in range(30)]
    words.append(_word("31株式会社名前", 551, top=130.0))
    page = Page(1, page_rows(PageView(1, 842, 595, words)))
    order = newspaper_order(page, lambda row: False)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[0] == "1株式会社名前" and texts[-1] == "31株式会社名前"
    assert len(texts) == 31


def test_a_heading_reaching_near_the_last_column_begun_leaves_its_gutter() -> None:
    # seed 137418, page 4: a heading across the first column ends a point or two before the
    # second column, which holds one name under its header: the white no row crosses is a
    # sliver; the strip the heading alone crosses is the gutter (the name 43 was read beside 1)
    words = [_word("３．〔大学・高専・研究機関〕", 40, size=18.5, top=28.0),
             _word("会員名", 42, top=58.0), _word("会員名", 306, top=58.0),
             _word("43株式会社名前", 306, top=75.0)]
    words += [_word(f"{i + 1}株式会社名前名前名前名前名前名前", 42, top=75.0 + 17 * i)
              for i in range(30)]
    order = newspaper_order(Page(1, page_rows(PageView(1, 842, 595, words))), lambda r: False)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[2] == "1株式会社名前名前名前名前名前名前" and texts[-1] == "43株式会社名前"


def test_white_crossed_by_rows_is_no_gutter_unless_the_last_column_is_begun() -> None:
    # seed 2300273: prefecture sub-headings set left of their names in the page's second
    # column, a label glued to the first name across the white between them: that white,
    # wide enough where one row crosses it, splits no column when text stands right of it
    # down the page (the sub-headings were read apart from their names)
    words = [_word(f"{i + 1}名前省", 42, top=130.0 + 17 * i) for i in range(30)]
    words += [_word("地方公共栃木県", 263, top=113.0)]
    for i in range(6):
        top = 147.0 + 68 * i
        words += [_word(f"【{'栃群埼千神新'[i]}木県】", 263, top=top),
                  _word(f"名前市{i}a", 335, top=top + 17), _word(f"名前市{i}b", 335, top=top + 34)]
    order = newspaper_order(Page(1, page_rows(PageView(1, 842, 595, words))), lambda r: False)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    at = texts.index("【栃木県】")
    assert texts[at + 1:at + 3] == ["名前市0a", "名前市0b"]


def test_a_column_of_few_rows_beside_wrapped_names_is_a_column() -> None:
    # seed 2300220, page 5: names wrapped over two lines each in the left column, twelve in
    # the right (fewer rows than a quarter of the page's): still a column of the page, its
    # text beginning at one place; a long name reaching right alone makes none
    words: list[Word] = []
    for i in range(30):
        top = 130.0 + 24 * i
        words += [_word(f"{i + 1}株式会社名", 164, top=top), _word("前", 173, top=top + 10)]
    words += [_word(f"{i + 31}名前省", 551, top=130.0 + 24 * i) for i in range(12)]
    page = Page(1, page_rows(PageView(1, 842, 595, words)))
    order = newspaper_order(page, lambda row: False)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[:2] == ["1株式会社名", "前"] and texts[60] == "31名前省"
    ragged = words[:60] + [_word("31株式会社名前株式会社名前株式会社名前", 164, top=900.0)]
    assert newspaper_order(Page(1, page_rows(PageView(1, 842, 1200, ragged))),
                           lambda row: False) is None


def test_a_column_begun_at_one_place_beside_names_reaching_near_it_is_a_column() -> None:
    # seed 1700124, page 6: names set small to fit their column, the longest (on rows the
    # next column does not reach) ending 12 points before it (under a gutter's letter and a
    # half); the next column's names all begin at one x: two columns read down, 10..39 then
    # 40..49
    words = [_word(f"{i + 10}株式会社名前名" + ("前" if i >= 24 else ""), 42,
                   top=130.0 + 17 * i) for i in range(30)]
    words += [_word(f"{i + 40}株式会社名前", 144, top=130.0 + 17 * i) for i in range(10)]
    order = newspaper_order(Page(1, page_rows(PageView(1, 842, 595, words))), lambda r: False)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[29] == "39株式会社名前名前" and texts[30] == "40株式会社名前"


def test_a_headings_count_set_apart_ends_its_line_in_the_column_on_the_left() -> None:
    # seed 2300103: 「関係府省・経済団体」 spread to its column's width, its count 「１２団体」
    # two letters further, about as far from the right column's first name: white on both
    # sides of the count, which ends the heading, never starts a line of the right column
    words = [{**_word("関係府省・経済団体", 42.5, top=80), "x1": 214.2},
             {**_word("１２団体", 236.3, top=80), "x1": 278.7},
             _word("12　宮城県女川町", 300.5, top=80)]
    for i in range(30):
        top = 97.0 + 17 * i
        words += [_word(f"{i + 1}　名前市", 42.5, top=top),
                  _word(f"{i + 13}　名前町", 300.5, top=top)]
    page = Page(1, page_rows(PageView(1, 842, 595, words)))

    def count(text: str) -> bool:
        return text == "１２団体"

    unknown = newspaper_order(page, lambda row: False)  # (nothing says what the count is)
    assert unknown is not None and [c.text for c in unknown[0].cells] == ["関係府省・経済団体"]
    order = newspaper_order(page, lambda row: False, ends_a_line=count)
    assert order is not None
    texts = [[c.text for c in r.cells] for r in order]
    assert texts[0] == ["関係府省・経済団体", "１２団体"]
    assert texts[31] == ["12　宮城県女川町"]
    assert {r.starts for r in order[1:31]} == {(42,)}  # the count starts no cells of its column


def test_a_letter_begun_in_a_band_and_run_past_its_rule_is_the_bands() -> None:
    # seed 581595, page 2: a heading set with even spacing in a band ruled horizontally, its
    # closing 「〕」 begun inside the band and run past the rules' end: it made a row of its
    # own, and the heading 「〔大学・研究機関」 seemed to stand between rows of entries
    edges = [_h(185, 40, 203.8), _h(205, 40, 203.8)]
    words = [_word("〔大学・研究機関", 42.5, top=189.3), _word("〕", 201.8, top=189.3)]
    rows = page_rows(PageView(2, 595, 842, words, edges))
    assert len(rows) == 1
    assert [c.text for c in rows[0].cells] == ["〔大学・研究機関", "〕"]
    assert all(c.box == (40, 185, 203.8, 205) for c in rows[0].cells)


def test_a_title_reaching_near_a_middle_column_leaves_its_gutter() -> None:
    # seed 581632, page 2: a page title across the page's head (「Ⅱ．〔地方公共団体〕（続き）」)
    # ends two points before the second of three columns: the strip it alone crosses is the
    # gutter, and the title reads before the columns, not in the second
    words = [{**_word("Ⅱ．〔地方公共団体〕（続き）", 40, top=43.0), "x1": 281.5}]
    for k, x in enumerate((42.5, 283.5, 524.4)):
        words += [_word(f"{k * 30 + i + 1}名前町", x, top=101.0 + 17 * i) for i in range(30)]
    order = newspaper_order(Page(2, page_rows(PageView(2, 842, 595, words))), lambda r: False)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[0].startswith("Ⅱ．") and texts[1:4] == ["1名前町", "2名前町", "3名前町"]
    assert texts[30:32] == ["30名前町", "31名前町"]


def test_the_last_column_begun_may_interleave_with_the_rows_beside_it() -> None:
    # seed 581606, page 7: the last column holds two names, each beside a category cell
    # wrapped over three lines; the first column's rows, set at other heights, fall between
    # them: still a column begun at the page's head, read after the first
    words = []
    for i in range(15):
        words += [_word("地方", 42.5, top=114.0 + 29 * i), _word(f"{457 + i}名前町", 114.5,
                                                                 top=114.0 + 29 * i)]
    for j, top in enumerate((98.0, 143.0)):  # (its three lines joined: join_wrapped_labels)
        words += [{**_word("関係府省経済団体等", 363.8, top=top), "x1": 426.8, "bottom": top + 33},
                  _word(f"{472 + j}名前省", 435.8, top=top)]
    labels = {"地方", "関係府省経済団体等"}  # a category column goes with its names
    order = newspaper_order(Page(7, page_rows(PageView(7, 842, 595, words))), lambda r: False,
                            lambda text: text in labels)
    assert order is not None
    texts = [" ".join(c.text for c in r.cells) for r in order]
    assert texts[:2] == ["地方 457名前町", "地方 458名前町"]
    assert [t.replace(" ", "") for t in texts[15:]] == ["関係府省経済団体等472名前省",
                                                         "関係府省経済団体等473名前省"]
