"""Readings judged and one kept or refused (pipeline/extract/reader/verify.py).

The readings are built here by hand (synthetic entries, as the reader would give them), so
that the check under test is the only one they differ by."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.announced import MemberComposition
from pipeline.errors import SourceError
from pipeline.extract.mlit_scpf_members import member_spec
from pipeline.extract.reader.structure import Entry, Options, Reading
from pipeline.extract.reader.verify import choose


def _entry(name: str, category: str, top: float) -> Entry:
    return Entry(fields={"name": name}, category=category, label=None, prefecture=None,
                 number=None, page=1, top=top)


def test_a_reading_far_off_the_printed_total_is_not_the_one_named() -> None:
    # seed 49560 of the generated layouts, one entry moved: a reading that read 119 entries
    # where the list prints 「合計　９４団体」 was named as the nearest, over the reading that
    # read the right number and broke where the moved entry stands
    total = [(5, 1, "合計　５団体")]
    far = Reading(Options(split_numbers=False), totals=total, entries=[
        _entry(f"株式会社テスト{n}", "company", 10.0 * n) for n in range(20)])
    near = Reading(Options(), totals=total, entries=[
        _entry("株式会社テスト月影", "local_government", 10.0),
        *(_entry(f"株式会社テスト{n}", "company", 20.0 + 10 * n) for n in range(4))])
    with pytest.raises(SourceError) as raised:
        choose([far, near], member_spec("mlit_scpf_members"), Path("list.pdf"))
    assert "株式会社テスト月影" in str(raised.value)
    assert "states 5 entries" not in str(raised.value)


def test_a_reading_one_entry_off_the_printed_total_is_named() -> None:
    # an entry dropped: the reading that read all the others is the nearest
    total = [(5, 1, "合計　５団体")]
    short = Reading(Options(), totals=total, entries=[
        _entry(f"株式会社テスト{n}", "company", 10.0 * n) for n in range(4)])
    checked = Reading(Options(split_numbers=False), totals=total, entries=[
        _entry("株式会社テスト月影", "local_government", 10.0),
        *(_entry(f"株式会社テスト{n}", "company", 20.0 + 10 * n) for n in range(4))])
    with pytest.raises(SourceError) as raised:
        choose([checked, short], member_spec("mlit_scpf_members"), Path("list.pdf"))
    assert "the list states 5 entries" in str(raised.value)
    assert "but 4 were read" in str(raised.value)


def _composition(**counts: int) -> tuple[MemberComposition, ...]:
    return (MemberComposition("synthetic", counts, "synthetic composition of this test"),)


def test_a_refusal_for_the_total_names_the_category_short() -> None:
    # an entry dropped from a list printing its total: the error names the category too
    total = [(5, 1, "合計　５団体")]
    short = Reading(Options(), totals=total, entries=[
        _entry("株式会社テスト1", "company", 10.0), _entry("株式会社テスト2", "company", 20.0),
        _entry("東京大学", "university_research", 30.0),
        _entry("京都大学", "university_research", 40.0)])
    spec = member_spec("mlit_scpf_members", _composition(company=3, university_research=2))
    with pytest.raises(SourceError) as raised:
        choose([short], spec, Path("list.pdf"))
    assert "but 4 were read; its entries per category, against synthetic: company short by 1 " \
           "(2 of 3)" in str(raised.value)


def test_counts_far_off_are_not_said_per_category() -> None:
    # a page misread: the categories tell nothing, the error alone is said
    total = [(9, 1, "合計　９団体")]
    far = Reading(Options(), totals=total, entries=[
        _entry(f"株式会社テスト{n}", "company", 10.0 * n) for n in range(4)])
    spec = member_spec("mlit_scpf_members", _composition(company=9))
    with pytest.raises(SourceError) as raised:
        choose([far], spec, Path("list.pdf"))
    assert "but 4 were read (reading:" in str(raised.value)
