"""What a cell's text says by itself (pipeline/extract/reader/classify.py)."""

from __future__ import annotations

import pytest

from pipeline.extract.reader import classify


@pytest.mark.parametrize("text, begins", [
    ("株式会社テスト商事", True),
    ("(株)テスト商事", True),
    ("㈱テスト商事", True),
    ("札幌市", True),
    # a legal form alone names nothing: the wrapped end of 「テスト商事第2」 / 「(株)」
    # (seed 2300090: read as an entry of its own, the list long by four)
    ("(株)", False),
    ("㈱", False),
    ("株式会社", False),
    ("第3株式会社", False),
    ("ィング協会", False),
])
def test_a_line_begins_a_name_of_its_own(text: str, begins: bool) -> None:
    assert classify.begins_a_name(text) is begins
