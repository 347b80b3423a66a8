"""Local-government names as printed in the sources -> lg_code; never guessed."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.transform.matching import NOT_A_LOCAL_GOVERNMENT, Matcher, name_key, split_area_text
from pipeline.transform.reference import build_municipalities

# lg_codes used below (MIC codes, 6 digits with check digit).
HOKKAIDO = "010006"
SAPPORO = "011002"
SAPPORO_CHUO = "011011"
SAPPORO_KITA = "011029"
DATE_HOKKAIDO = "012335"
DATE_FUKUSHIMA = "072133"
KAMISHIHORO = "016331"
TSUKUBA = "082201"
RYUGASAKI = "082082"
KAMAGAYA = "122246"
TOKYO_CHIYODA = "131016"
TOKYO_CHUO = "131024"
FUCHU_TOKYO = "132063"
FUCHU_HIROSHIMA = "342084"
TOYAMA_CITY = "162019"
NAGANO = "200000"
SHIZUOKA = "220001"
ATAMI = "222054"
SHIMODA = "222194"
FUJIEDA = "222143"
AICHI = "230006"
KYOTO = "260002"
OSAKA = "270008"
SEIKA = "263664"
KIZUGAWA = "262145"
YUSUHARA = "394050"
KIMOTSUKI = "464929"
KINKO = "464902"
MINAMIOSUMI = "464911"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(build_municipalities())


@pytest.mark.parametrize(
    ("text", "prefecture", "codes"),
    [
        ("静岡県熱海市", None, [ATAMI]),
        ("つくば市", None, [TSUKUBA]),
        ("長野県", None, [NAGANO]),
        ("北海道", None, [HOKKAIDO]),
        ("熱海市・下田市", None, [ATAMI, SHIMODA]),
        ("熱海市、下田市", None, [ATAMI, SHIMODA]),
        ("精華町、木津川市", None, [SEIKA, KIZUGAWA]),
        ("肝付町・錦江町・南大隅町", None, [KIMOTSUKI, KINKO, MINAMIOSUMI]),
        ("熱海市及び下田市", None, [ATAMI, SHIMODA]),
        ("熱海市および下田市", None, [ATAMI, SHIMODA]),
        ("静岡県熱海市・下田市", None, [ATAMI, SHIMODA]),
        ("下田市・熱海市", None, [SHIMODA, ATAMI]),  # text order kept
        ("熱海市・熱海市", None, [ATAMI]),  # duplicates once
        # short forms of the context prefecture
        ("道", "北海道", [HOKKAIDO]),
        ("府", "大阪府", [OSAKA]),
        ("府", "京都府", [KYOTO]),
        ("県", "愛知県", [AICHI]),
        ("(県)", "愛知県", [AICHI]),
        ("（県）", "愛知県", [AICHI]),
        ("藤枝市、(県)", "静岡県", [FUJIEDA, SHIZUOKA]),
        # old and new spellings
        ("鎌ケ谷市", None, [KAMAGAYA]),
        ("鎌ヶ谷市", None, [KAMAGAYA]),
        ("竜ヶ崎市", None, [RYUGASAKI]),
        ("龍ケ崎市", None, [RYUGASAKI]),
        ("檮原町", None, [YUSUHARA]),
        ("梼原町", None, [YUSUHARA]),
        # names in several prefectures, resolved by context
        ("府中市", "東京都", [FUCHU_TOKYO]),
        ("府中市", "広島県", [FUCHU_HIROSHIMA]),
        ("広島県府中市", None, [FUCHU_HIROSHIMA]),
        ("伊達市", "北海道", [DATE_HOKKAIDO]),
        ("福島県伊達市", None, [DATE_FUKUSHIMA]),
        ("福島県伊達市", "北海道", [DATE_FUKUSHIMA]),  # the text's prefecture wins
        # designated city and wards
        ("札幌市", None, [SAPPORO]),
        ("札幌市中央区", None, [SAPPORO_CHUO]),
        ("北海道札幌市中央区", None, [SAPPORO_CHUO]),
        ("札幌市中央区・北区", None, [SAPPORO_CHUO, SAPPORO_KITA]),
        ("札幌市、北区", None, [SAPPORO, SAPPORO_KITA]),
        ("東京都千代田区", None, [TOKYO_CHIYODA]),
        ("中央区", "東京都", [TOKYO_CHUO]),
        # district-prefixed towns
        ("河東郡上士幌町", None, [KAMISHIHORO]),
        ("北海道河東郡上士幌町", None, [KAMISHIHORO]),
        ("上士幌町", None, [KAMISHIHORO]),
        # words after a name
        ("富山市全域", None, [TOYAMA_CITY]),
        ("熱海市市街地", None, [ATAMI]),
        ("長野県全域", None, [NAGANO]),
        # NFKC and spaces
        ("静岡県　熱海市", None, [ATAMI]),
        ("熱 海 市", None, [ATAMI]),
        ("熱海市 下田市", None, [ATAMI, SHIMODA]),
        ("熱海市(静岡県)", None, [ATAMI]),  # bracketed prefecture only locates the city
    ],
)
def test_matches(matcher: Matcher, text: str, prefecture: str | None, codes: list[str]) -> None:
    result = matcher.match(text, prefecture=prefecture)
    assert result.problems == []
    assert result.codes == codes
    assert result.ok
    assert len(result.parts) == len(result.codes)


def test_parts_are_the_fragments_matched(matcher: Matcher) -> None:
    result = matcher.match("静岡県熱海市・下田市市街地")
    assert result.parts == ["静岡県熱海市", "下田市市街地"]
    assert matcher.match("河東郡上士幌町").parts == ["河東郡上士幌町"]


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("府中市", [FUCHU_TOKYO, FUCHU_HIROSHIMA]),
        ("伊達市", [DATE_HOKKAIDO, DATE_FUKUSHIMA]),
        ("日高町", ["016012", "303828"]),
    ],
)
def test_ambiguous_names_are_not_guessed(
    matcher: Matcher, text: str, candidates: list[str]
) -> None:
    result = matcher.match(text)
    assert result.codes == []
    assert not result.ok
    (problem,) = result.problems
    assert "ambiguous" in problem
    for code in candidates:
        assert code in problem


def test_ambiguous_name_inside_a_list(matcher: Matcher) -> None:
    result = matcher.match("熱海市・府中市")
    assert result.codes == [ATAMI]
    assert len(result.problems) == 1 and "府中市" in result.problems[0]


@pytest.mark.parametrize(
    "text", ["瀬戸内エリア", "八重山地域", "ひがし北海道", "志摩地域", "霞ヶ浦"]
)
def test_areas_that_are_not_local_governments(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.codes == []
    assert result.problems == [f"{NOT_A_LOCAL_GOVERNMENT}: {text!r}"]


@pytest.mark.parametrize("text", ["三重県志摩地域", "沖縄県八重山地域", "北海道ひがし北海道"])
def test_area_inside_a_named_prefecture_is_not_the_prefecture(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.codes == []
    assert len(result.problems) == 1 and NOT_A_LOCAL_GOVERNMENT in result.problems[0]


def test_region_next_to_a_municipality(matcher: Matcher) -> None:
    result = matcher.match("熱海市・八重山地域")
    assert result.codes == [ATAMI]
    assert result.problems == [f"{NOT_A_LOCAL_GOVERNMENT}: '八重山地域'"]


def test_short_form_needs_a_fitting_context(matcher: Matcher) -> None:
    assert "needs a prefecture context" in matcher.match("県").problems[0]
    assert "does not fit" in matcher.match("県", prefecture="大阪府").problems[0]
    assert matcher.match("県").codes == []


def test_name_outside_the_given_prefecture_is_reported(matcher: Matcher) -> None:
    result = matcher.match("下田市", prefecture="神奈川県")
    assert result.codes == [SHIMODA]  # unique in Japan, but the mismatch is visible
    assert not result.ok
    assert "not in the given prefecture 神奈川県" in result.problems[0]
    result = matcher.match("静岡県伊達市")
    assert result.codes == [] and "not in 静岡県" in result.problems[0]


def test_unmatched_rest_is_reported(matcher: Matcher) -> None:
    result = matcher.match("熱海市の一部")
    assert result.codes == [ATAMI]
    assert not result.ok
    assert "unmatched text 'の一部'" in result.problems[0]


def test_unknown_prefecture_context(matcher: Matcher) -> None:
    result = matcher.match("熱海市", prefecture="アトランティス")
    assert result.codes == [ATAMI]
    assert "unknown prefecture" in result.problems[0]


@pytest.mark.parametrize("prefecture", ["静岡県", "静岡", "22", "220001", None, float("nan"), ""])
def test_prefecture_argument_forms(matcher: Matcher, prefecture: object) -> None:
    assert matcher.match("熱海市", prefecture=prefecture).ok  # type: ignore[arg-type]


def test_empty_text(matcher: Matcher) -> None:
    result = matcher.match("  ")
    assert result.codes == [] and result.problems


@pytest.mark.parametrize(
    ("name", "prefecture", "code"),
    [
        ("北海道", None, HOKKAIDO),
        ("札幌市", None, SAPPORO),
        ("静岡県藤枝市", None, FUJIEDA),
        ("藤枝市", None, FUJIEDA),
        ("藤枝市", "静岡県", FUJIEDA),
        ("静岡県 藤枝市", None, FUJIEDA),
        ("府中市", "広島県", FUCHU_HIROSHIMA),
        ("札幌市中央区", None, SAPPORO_CHUO),
    ],
)
def test_member_names(matcher: Matcher, name: str, prefecture: str | None, code: str) -> None:
    result = matcher.match_member_name(name, prefecture=prefecture)
    assert result.ok, result.problems
    assert result.codes == [code]


def test_member_names_never_guessed(matcher: Matcher) -> None:
    result = matcher.match_member_name("府中市")
    assert result.codes == [] and "ambiguous" in result.problems[0]
    assert not matcher.match_member_name("札幌市役所").ok
    assert not matcher.match_member_name("熱海市・下田市").ok


def test_every_row_matches_itself() -> None:
    """Each reference row, written as prefecture + name, finds exactly its own code."""
    table = build_municipalities()
    matcher = Matcher(table)
    for row in table.itertuples():
        text = row.name_ja if row.kind == "prefecture" else row.prefecture_ja + row.name_ja
        assert matcher.match(text).codes == [row.lg_code], text
        member = matcher.match_member_name(row.name_ja, prefecture=row.prefecture_ja)
        assert member.ok and member.codes == [row.lg_code], row.name_ja


def test_synthetic_table_is_enough() -> None:
    """The matcher needs only the contract columns (SYNTHETIC rows, not official data)."""
    rows = [
        ("220001", "22", "静岡県", "静岡県", "prefecture", None, None),
        ("222054", "22", "静岡県", "熱海市", "city", None, None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "lg_code",
            "prefecture_code",
            "prefecture_ja",
            "name_ja",
            "kind",
            "district_ja",
            "parent_lg_code",
        ],
    )
    assert Matcher(frame).match("静岡県熱海市").codes == ["222054"]


def test_split_area_text() -> None:
    assert split_area_text("熱海市・下田市（静岡県） 及び 伊東市、(県)") == [
        "熱海市",
        "下田市",
        "静岡県",
        "伊東市",
        "県",
    ]
    assert split_area_text("精華町，木津川市") == ["精華町", "木津川市"]
    assert split_area_text("熱 海 市") == ["熱海市"]
    assert split_area_text("") == []


def test_name_key_folds_variants() -> None:
    assert name_key("鎌ヶ谷市") == name_key("鎌ケ谷市")
    assert name_key("竜ヶ崎市") == name_key("龍ケ崎市")
    assert name_key("檮原町") == name_key("梼原町")
    assert name_key("ｶﾏｶﾞﾔ") == "カマガヤ"
