"""Cabinet Office wg6 material: selected projects where the deck tables them, an explicit
zero-row result with a note where it does not, and no guessed years."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.announced import ANNOUNCED_COUNTS
from pipeline.errors import SourceError
from pipeline.extract.cao_wg6_material import NO_TABLE_NOTE, extract, fiscal_years
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
    assert list(fy2018.project_name_ja) == [p.title for p in fx.FY2018]
    assert set(fy2018.page) == {3}
    fy2019 = frame[frame.fiscal_year == 2019]
    assert list(fy2019.area_ja) == [p.label for p in fx.FY2019]  # unruled, wrapped titles
    assert list(fy2019.project_name_ja) == [p.title for p in fx.FY2019]
    assert list(fy2019.note) == [f"分野: {p.field}" for p in fx.FY2019]
    assert note(cao["with_tables"]) == ""  # both tables claim a count and match it


def test_deck_without_table_gives_zero_rows_and_says_so(cao: dict[str, Path]) -> None:
    frame = rows(cao["without_table"])
    assert len(frame) == 0
    assert list(frame.columns) == SELECTION_EXTRACT_COLUMNS
    assert note(cao["without_table"]).startswith(NO_TABLE_NOTE)


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
    assert err.value.page == 3 and "cannot tell its selection year" in str(err.value)


def test_claimed_count_must_match_the_rows(cao: dict[str, Path]) -> None:
    with pytest.raises(SourceError) as err:
        rows(cao["one_short"])
    assert err.value.page == 3
    assert "claims 14 selections for FY2018 but 13 rows" in str(err.value)


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
    with pytest.raises(SourceError, match="more than the 8 announced"):
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
    ],
)
def test_fiscal_years(text: str, years: list[int]) -> None:
    assert fiscal_years(text) == years


def test_fixture_says_it_is_synthetic(cao: dict[str, Path]) -> None:
    from pypdf import PdfReader

    for path in cao.values():
        assert PdfReader(path).metadata.subject == SYNTHETIC
