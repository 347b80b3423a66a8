"""The shared PDF mechanism: every bad file ends in one clear SourceError naming source and file
(and page where a page is at fault); pages are read one at a time; fixtures are reproducible."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.utils import extract_words

from pipeline.errors import SourceError
from pipeline.extract.pdf import (
    MAX_PAGES,
    WORD_SETTINGS,
    check_text_layer,
    cluster_positions,
    group_lines,
    iter_pages,
    open_pdf,
    split_cells,
    words_of_lines,
)
from tests.fixtures.make_bad_fixtures import make_bad_fixtures
from tests.fixtures.pdfkit import (
    GOTHIC,
    IPAEX,
    MINCHO,
    SYNTHETIC,
    draw_text,
    ruled_table,
    write_pdf,
)

SID = "test_source"


@pytest.fixture(scope="session")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_bad_fixtures(tmp_path_factory.mktemp("bad"))


def _read_all(path: Path) -> list:
    with open_pdf(SID, path) as pdf:
        return list(iter_pages(SID, path, pdf))


@pytest.mark.parametrize(
    ("case", "fragment", "page"),
    [
        ("empty", "empty file", None),
        ("html", "HTML page saved as .pdf", None),
        ("truncated", "no %%EOF marker", None),
        ("corrupt", "truncated or corrupt PDF", None),
        ("encrypted", "encrypted PDF", None),
        ("zero_pages", "zero pages", None),
        ("huge_page_count", f"{MAX_PAGES + 1} pages, more than the {MAX_PAGES}", None),
        ("no_text_layer", "scanned page? no text layer", 1),
        ("scan_on_page_2", "scanned page? no text layer", 2),
        ("cid_garbage", "fonts without a Unicode map", 1),
    ],
)
def test_bad_file_gives_clear_error(
    bad: dict[str, Path], case: str, fragment: str, page: int | None
) -> None:
    path = bad[case]
    with pytest.raises(SourceError) as info:
        _read_all(path)
    message = str(info.value)
    assert message.startswith(f"{SID}: {path}")
    assert path.name in message
    assert fragment in message
    assert info.value.page == page
    if page is not None:
        assert f"page {page}:" in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found"):
        _read_all(tmp_path / "nope.pdf")


def test_max_pages_is_a_parameter(bad: dict[str, Path]) -> None:
    with open_pdf(SID, bad["huge_page_count"], max_pages=MAX_PAGES + 1) as pdf:
        assert len(pdf.pages) == MAX_PAGES + 1


def test_good_file_reads(bad: dict[str, Path]) -> None:
    views = _read_all(bad["truncated"].parent / "good_one_page.pdf")
    assert [v.number for v in views] == [1]
    assert "テストさくら商事株式会社" in views[0].text


def test_check_text_layer() -> None:
    check_text_layer(SID, Path("x.pdf"), 1, "テスト商事 (cid:12)")  # one stray glyph is fine
    with pytest.raises(SourceError, match=r"x\.pdf page 4: scanned page\?"):
        check_text_layer(SID, Path("x.pdf"), 4, " \n ")
    with pytest.raises(SourceError, match=r"page 2: .*fonts without a Unicode map"):
        check_text_layer(SID, Path("x.pdf"), 2, "(cid:1)(cid:2)(cid:3) 会")


def _hidden_text_page(c) -> None:  # type: ignore[no-untyped-def]
    draw_text(c, 60, 60, "見える株式会社", GOTHIC, 10)
    c.setFillColorRGB(1, 1, 1)
    draw_text(c, 60, 80, "隠れた株式会社", GOTHIC, 10)
    c.setFillColorRGB(0, 0, 0)
    draw_text(c, 60, 100, "小さすぎる", GOTHIC, 0.5)
    draw_text(c, 900, 100, "ページの外", GOTHIC, 10)


def _white_only_page(c) -> None:  # type: ignore[no-untyped-def]
    c.setFillColorRGB(1, 1, 1)
    draw_text(c, 60, 80, "隠れた株式会社", GOTHIC, 10)


def test_invisible_text_is_dropped(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "hidden.pdf", [_hidden_text_page, _white_only_page])
    with open_pdf(SID, path) as pdf:
        pages = iter_pages(SID, path, pdf)
        first = next(pages)
        assert [w["text"] for w in first.words] == ["見える株式会社"]
        assert first.invisible_chars > 0
        with pytest.raises(SourceError, match="page 2: .*only invisible text"):
            next(pages)


def _mixed_page(c) -> None:  # type: ignore[no-untyped-def]
    draw_text(c, 50, 50, "ＣＩＤ角ゴシック　テスト", GOTHIC, 10)
    draw_text(c, 50, 70, "ＣＩＤ明朝 テスト", MINCHO, 10)
    draw_text(c, 50, 90, "埋め込みIPAex ㈱テスト", IPAEX, 10)
    ruled_table(c, 50, 120, [40, 200], [["No.", "会員名"], ["1", ["長い名前の", "続き"]]],
                font=IPAEX)


def test_fonts_tables_and_reuse(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "mixed.pdf", [_mixed_page, _mixed_page], title="mixed")
    with open_pdf(SID, path) as pdf:
        assert pdf.metadata["Subject"] == SYNTHETIC
        assert SYNTHETIC in pdf.metadata["Title"]
        views = list(iter_pages(SID, path, pdf, pages=[2], tables=True))
        assert not hasattr(pdf, "_pages")  # pages were made one at a time, none kept
    (view,) = views
    assert view.number == 2
    texts = [w["text"] for w in view.words]
    assert "ＣＩＤ角ゴシック　テスト" in texts  # full-width space kept inside the word
    assert "ＣＩＤ明朝 テスト" in texts
    assert "埋め込みIPAex ㈱テスト" in texts
    assert view.h_rules and view.v_rules
    assert view.tables[0].rows == [["No.", "会員名"], ["1", "長い名前の\n続き"]]


def _centred_by_blanks_page(c) -> None:  # type: ignore[no-untyped-def]
    draw_text(c, 42, 100, "113", GOTHIC, 9)
    draw_text(c, 68.5, 100, "\u3000団\u3000体\u3000", GOTHIC, 9)  # centred by a leading 「　」


def test_a_word_begins_and_ends_at_its_ink(tmp_path: Path) -> None:
    """Blanks stay inside a word; those at its ends are no part of it: a label centred by a
    leading 「　」 would otherwise reach the row number beside it and be read glued to it."""
    path = write_pdf(tmp_path / "blanks.pdf", [_centred_by_blanks_page])
    with open_pdf(SID, path) as pdf:
        (view,) = list(iter_pages(SID, path, pdf))
    number, label = view.words
    assert label["text"] == "団\u3000体"
    assert label["x0"] == pytest.approx(68.5 + 9)  # where 団 is inked, not its blank
    assert label["x1"] == pytest.approx(68.5 + 4 * 9)
    assert number["x1"] < label["x0"] - 1.5 * 9  # a gap wide enough to part two cells


def test_page_out_of_range(bad: dict[str, Path]) -> None:
    path = bad["scan_on_page_2"]
    with open_pdf(SID, path) as pdf, pytest.raises(SourceError, match="page 9 out of range"):
        list(iter_pages(SID, path, pdf, pages=[9]))


def test_fixtures_are_reproducible(tmp_path: Path) -> None:
    a = write_pdf(tmp_path / "a.pdf", [_mixed_page], title="same")
    b = write_pdf(tmp_path / "b.pdf", [_mixed_page], title="same")
    assert a.read_bytes() == b.read_bytes()
    with pdfplumber.open(a) as pdf:
        assert pdf.metadata["Creator"] == "jp-smartcity tests/fixtures"


def _w(text: str, x0: float, top: float, width: float = 20) -> dict:
    return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + 10, "size": 10}


def test_group_lines_and_split_cells() -> None:
    words = [_w("b", 100, 51), _w("a", 10, 50), _w("c", 10, 70), _w("a2", 31, 49)]
    lines = group_lines(words)
    assert [[w["text"] for w in line] for line in lines] == [["a", "a2", "b"], ["c"]]
    cells = split_cells(lines[0], gap=15)
    assert [c["text"] for c in cells] == ["aa2", "b"]
    assert cells[0]["x0"] == 10 and cells[0]["x1"] == 51
    assert cluster_positions([10, 10.5, 50, 11, 90]) == [10, 50, 90]


def test_pages_already_listed_are_reused_and_closed(bad: dict[str, Path]) -> None:
    path = bad["scan_on_page_2"]
    with open_pdf(SID, path) as pdf:
        listed = pdf.pages
        (view,) = iter_pages(SID, path, pdf, pages=[1])
        assert view.number == 1 and "テストさくら商事株式会社" in view.text
        assert not hasattr(listed[0], "_layout")  # closed after use


def _chars(text: str, x0: float, top: float, size: float = 9.0) -> list[dict]:
    return [{"text": ch, "x0": x0 + size * k, "x1": x0 + size * (k + 1), "top": top,
             "bottom": top + size, "doctop": top, "upright": True, "size": size}
            for k, ch in enumerate(text)]


def test_a_wrapped_line_does_not_cut_the_line_above_it_into_pieces() -> None:
    # seed 46078 of the generated layouts: four columns, each set 3 points lower than the one
    # before (871.6, 874.6, 877.6, 880.6), chain pdfplumber's line clustering down to a name's
    # wrapped line (883.6): the name was published as 「ＴＥ会Ｓ社Ｔスマート…株式」
    chars = [*_chars("久喜市", 42.5, 880.59), *_chars("香川県", 236.0, 874.59),
             *_chars("国立研究開発法人", 429.4, 877.59),
             *_chars("ＴＥＳＴスマート株式", 622.9, 871.59), *_chars("会社", 631.9, 883.59)]
    plain = [w["text"] for w in extract_words(chars, **WORD_SETTINGS)]
    assert "ＴＥ" in plain  # (what pdfplumber gives: the premise of this test)
    words = {w["text"]: (w["x0"], w["top"]) for w in words_of_lines(chars)}
    assert words == {"久喜市": (42.5, 880.59), "香川県": (236.0, 874.59),
                     "国立研究開発法人": (429.4, 877.59),
                     "ＴＥＳＴスマート株式": (622.9, 871.59), "会社": (631.9, 883.59)}


def test_words_a_gap_apart_on_one_line_stay_apart() -> None:
    chars = [*_chars("札幌市", 40.0, 100.0), *_chars("函館市", 40.0 + 27 + 4, 100.0),
             *_chars("小樽市", 60.0, 102.0 + 9)]
    assert [w["text"] for w in words_of_lines(chars)] == ["札幌市", "函館市", "小樽市"]
