"""The shared text helpers every stage uses (pipeline/text.py)."""

from __future__ import annotations

import pytest

from pipeline.text import iso_dates, nfkc_no_whitespace, split_prefecture, western_year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地　域", "地域"),  # full-width space in a letter-spaced header
        ("日 立\n市", "日立市"),
        ("ＡＢＣ　１２", "ABC12"),
        ("", ""),
        (None, ""),
    ],
)
def test_nfkc_no_whitespace(text: str | None, expected: str) -> None:
    assert nfkc_no_whitespace(text) == expected


@pytest.mark.parametrize(
    ("era", "year", "expected"),
    [("平成", "30", 2018), ("H", "31", 2019), ("令和", "元", 2019), ("R", "2", 2020)],
)
def test_western_year(era: str, year: str, expected: int) -> None:
    assert western_year(era, year) == expected


def test_split_prefecture_keeps_the_area_as_printed() -> None:
    assert split_prefecture("茨城県日立市") == ("茨城県", "茨城県日立市")
    assert split_prefecture("日立市") == (None, "日立市")


@pytest.mark.parametrize(
    "text, dates",
    [
        ("令和元年７月９日", ["2019-07-09"]),
        ("平成30年7月10日 / 2019年6月18日", ["2018-07-10", "2019-06-18"]),
        ("19年6月18日", []),  # a two-digit year needs its era
        ("平成31年2月30日", []),  # no such day
    ],
)
def test_dates_as_pages_print_them(text: str, dates: list[str]) -> None:
    assert iso_dates(text) == dates
