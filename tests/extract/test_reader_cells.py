"""Words of one printed line made into words of the list (pipeline/extract/reader/cells.py).

The words are written here by hand (synthetic positions, size 9 points), as pdfplumber gives
them: one dict per word."""

from __future__ import annotations

from pipeline.extract.pdf import Word
from pipeline.extract.reader.cells import unspace_letters


def _word(text: str, x0: float, size: float = 9.0) -> Word:
    return {"text": text, "x0": x0, "x1": x0 + size * len(text), "top": 100.0,
            "bottom": 100.0 + size, "size": size}


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


def test_uneven_gaps_end_a_run() -> None:
    line = [_word("内", 40.0), _word("閣", 58.0), _word("府", 76.0), _word("省", 130.0)]
    assert _texts(unspace_letters(line)) == ["内閣府", "省"]
