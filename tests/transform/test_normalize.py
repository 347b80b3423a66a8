"""The normalize stage on small frames: missing cells, choice between lists, ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.extract.manual import SELECTION_EXTRACT_COLUMNS
from pipeline.text import area_key, normalize_org_name, text_or_empty
from pipeline.transform.matching import Matcher
from pipeline.transform.normalize import choose_selection_rows, normalize_selections
from pipeline.transform.reference import build_municipalities


def selection(**values) -> dict:
    row = dict.fromkeys(SELECTION_EXTRACT_COLUMNS)
    row.update(
        program_id="data_smartcity_2017",
        track="subsidy",
        fiscal_year=2018,
        round="",
        source_id="cited_x",
    )
    row.update(values)
    return row


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(build_municipalities())


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_missing_cells_read_as_empty(missing) -> None:
    assert text_or_empty(missing) == ""


def test_a_prefecture_without_an_area_matches_the_prefecture(matcher: Matcher) -> None:
    frame = pd.DataFrame([selection(prefecture_ja="京都府", area_ja=np.nan)])
    _, areas, problems = normalize_selections(frame, matcher, {})
    assert problems == []
    assert areas.lg_code.tolist() == ["260002"]


def test_an_area_across_several_prefectures_covers_each_of_them(matcher: Matcher) -> None:
    rows = [
        selection(prefecture_ja="広島県・岡山県・香川県", area_ja="瀬戸内エリア"),
        selection(prefecture_ja="広島県・岡山県", area_ja="福山市"),  # names a municipality
    ]
    selections, areas, problems = normalize_selections(pd.DataFrame(rows), matcher, {})
    assert problems == []
    area_of = dict(zip(selections.selection_id, selections.area_ja, strict=True))
    codes = areas.groupby(areas.selection_id.map(area_of)).lg_code.apply(sorted).to_dict()
    assert codes == {
        "瀬戸内エリア": ["330001", "340006", "370002"],  # 岡山県, 広島県, 香川県 (JIS X 0402)
        "福山市": ["342076"],
    }


def test_each_year_comes_from_the_first_source_that_holds_it() -> None:
    official = pd.DataFrame([selection(area_ja="富山市", source_id="official")])
    transcribed = pd.DataFrame(
        [
            selection(area_ja="富山市全域", source_id="cited_a"),
            selection(fiscal_year=2019, round="first", area_ja="新居浜市", source_id="cited_b"),
        ]
    )
    chosen, differences = choose_selection_rows([("official", official), ("manual", transcribed)])
    assert sorted(chosen.source_id) == ["cited_b", "official"]  # FY2019 kept from the other
    assert differences == [
        "data_smartcity_2017/subsidy/2018: '富山市' in official, not in manual",
        "data_smartcity_2017/subsidy/2018: '富山市全域' in manual, not in official",
    ]


def test_an_official_list_keeps_what_the_transcription_adds_in_the_note() -> None:
    """The official list prints only the areas: the transcribed project name, lead and note of
    the same selection go to the note, naming the transcription, never into the fact columns."""
    official = pd.DataFrame([
        selection(area_ja="京都府けいはんな学研都市", source_id="official"),
        selection(area_ja="北九州市", source_id="official", note="printed 北九州市"),
    ])
    transcribed = pd.DataFrame([
        selection(area_ja="京都府けいはんな学研都市", project_name_ja="けいはんなエコシティ",
                  lead_org_ja="京都府", note="精華町 is narrower", source_id="cited_a"),
        selection(area_ja="北九州市", source_id="cited_b"),
    ])
    chosen, _ = choose_selection_rows(
        [("official", official), ("manual", transcribed)], transcribed={"manual"}
    )
    assert chosen.project_name_ja.isna().all() and chosen.lead_org_ja.isna().all()
    assert chosen.note.tolist() == [
        "manual (transcription) adds: project けいはんなエコシティ; lead 京都府; "
        "精華町 is narrower",
        "printed 北九州市",
    ]
    unmarked, _ = choose_selection_rows([("official", official), ("manual", transcribed)])
    assert unmarked.note.isna().tolist() == [True, False]


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("㈱アーキビジョン", "株式会社アーキビジョン"),
        ("アーキビジョン（株）", "アーキビジョン株式会社"),
        ("株式会社　アーキ ビジョン", "株式会社アーキビジョン"),
        ("ＮＥＣ", "NEC"),
        ("NEC Solution Innovators", "NEC Solution Innovators"),
        ("トヨタ自動車株式会社※1", "トヨタ自動車株式会社"),
        ("(一社)京都スマートシティ推進協議会*", "一般社団法人京都スマートシティ推進協議会"),
        ("ｿﾌﾄﾊﾞﾝｸ株式会社", "ソフトバンク株式会社"),
    ],
)
def test_organisation_names_normalize(printed: str, expected: str) -> None:
    assert normalize_org_name(printed) == expected


def test_selection_ids_survive_reordering_and_repeat_areas(matcher: Matcher) -> None:
    rows = [selection(area_ja="富山市"), selection(area_ja="京都府"), selection(area_ja="富山市")]
    first, _, _ = normalize_selections(pd.DataFrame(rows), matcher, {})
    reordered, _, _ = normalize_selections(pd.DataFrame([rows[1], rows[0], rows[2]]), matcher, {})

    def kyoto_id(frame: pd.DataFrame) -> str:
        return frame.loc[frame.area_ja == "京都府", "selection_id"].item()

    assert kyoto_id(first) == kyoto_id(reordered)
    assert kyoto_id(first).startswith("data_smartcity_2017-subsidy-2018-")
    assert first.selection_id.is_unique
    assert sum(i.endswith("-2") for i in first.selection_id) == 1  # the repeated area


def test_rows_without_a_year_stay_beside_their_own_source_and_give_way_to_another() -> None:
    own = pd.DataFrame(
        [
            selection(area_ja="富山市", source_id="cited_a"),
            selection(fiscal_year=None, round="", area_ja="加古川市", source_id="cited_b"),
        ]
    )
    chosen, differences = choose_selection_rows([("manual", own)])
    assert len(chosen) == 2 and differences == []
    official = pd.DataFrame([selection(area_ja="富山市", source_id="official")])
    chosen, differences = choose_selection_rows([("official", official), ("manual", own)])
    assert chosen.source_id.tolist() == ["official"]
    assert "'加古川市' in manual, not in official" in differences[-1]


@pytest.mark.parametrize(
    "printed",
    ["茨城県日立市", "日立市（茨城県）", "日立市", "日立市 (茨城県)"],
)
def test_area_key_ignores_how_the_prefecture_is_printed(printed: str) -> None:
    assert area_key(printed) == "日立市"


def test_area_key_unifies_list_separators() -> None:
    assert area_key("鹿児島県肝付町、錦江町、南大隅町") == area_key("肝付町・錦江町・南大隅町")
