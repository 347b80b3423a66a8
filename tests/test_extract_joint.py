"""The joint selection lists (選定結果一覧, FY2021-) and the single-programme official lists of
FY2021-FY2025, read by the one list reader. Every file written here is a SYNTHETIC fixture."""

from __future__ import annotations

from pipeline.extract import reader
from pipeline.extract.reader.structure import Entry, Options, Reading
from pipeline.extract.reader.verify import judge

# --- the reader: a category no source counts, and a stated total ----------------------------


def _judged(categories: list[str], expected: reader.Expected) -> reader.Verdict:
    entries = [Entry({"area": "札幌市"}, c, c, None, None, 1 + i // 10, float(i))
               for i, c in enumerate(categories)]
    spec = reader.ListSpec("synthetic", "SYNTHETIC list",
                           reader.Shape(reader.load_vocabulary("smc_lists.csv"), record=True),
                           (expected,))
    return judge(Reading(Options(), entries=entries), spec)


def test_an_uncounted_category_takes_any_number_and_a_stated_total_checks_it() -> None:
    """A list holding a programme whose count no source states: its entries are read, any
    number of them, and the whole list's stated total is what checks them."""
    open_ended = reader.Expected("a 2 + b ?", {"a": 2}, uncounted=frozenset({"b"}))
    for n in (0, 1, 7):
        assert _judged(["a", "a"] + ["b"] * n, open_ended).ok
    assert "a short by 1" in _judged(["a", "b", "b"], open_ended).error[0]  # type: ignore[index]
    totalled = reader.Expected("a 2 + b ? = 5", {"a": 2}, uncounted=frozenset({"b"}), whole=5)
    assert _judged(["a", "a", "b", "b", "b"], totalled).ok
    verdict = _judged(["a", "a", "b", "b"] + ["b"] * 10, totalled)
    message, page = verdict.error  # type: ignore[misc]
    assert "the whole list long by 9 (14 of 5)" in message and page == 2  # where the list ends
    assert not _judged(["a", "a", "c", "b", "b"], totalled).ok  # an unannounced category
