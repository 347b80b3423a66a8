"""The shared text helpers every stage uses (pipeline/text.py)."""

from __future__ import annotations

import pytest

from pipeline.text import nfkc_no_whitespace, split_prefecture, western_year


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
