"""Japanese text clean-up: pure functions on strings, used by the extract and normalize stages.

Full/half width, legal-entity marks (``(株)``/``㈱``/``株式会社``), spaces inside names, footnote
marks, the key under which two lists' area texts compare, a prefecture printed before an
area, and years written in a Japanese era (平成30年度).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

import pandas as pd

# Abbreviated legal-entity marks and their full forms, checked after NFKC (which turns
# ㈱ into (株) and full-width brackets into ASCII ones).
_ENTITY_FORMS: dict[str, str] = {
    "(株)": "株式会社",
    "(有)": "有限会社",
    "(合)": "合同会社",
    "(一社)": "一般社団法人",
    "(一財)": "一般財団法人",
    "(公社)": "公益社団法人",
    "(公財)": "公益財団法人",
    "(独)": "独立行政法人",
    "(国研)": "国立研究開発法人",
    "(特非)": "特定非営利活動法人",
}
# Footnote marks printed after names: ※1, *, ＊2, †, (注1)
_FOOTNOTE_RE = re.compile(r"(※\s*\d*|\*+\d*|†+|\(注\d*\))")
_SPACE_RE = re.compile(r"\s+")
# A space is kept only between two Latin letters or digits ("NEC Solution Innovators").
_INNER_SPACE_RE = re.compile(r"(?<![A-Za-z0-9&.]) | (?![A-Za-z0-9&])")


def text_or_empty(value: object) -> str:
    """A text cell as a string: a missing cell (None, NaN, pd.NA) is the empty string."""
    return "" if value is None or pd.isna(value) else str(value)


def nfkc_no_whitespace(text: str | None) -> str:
    """NFKC without any whitespace: how anchors, header cells and name fragments are compared,
    since PDFs space Japanese text arbitrarily (``地　域``, ``日 立 市``)."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text or ""))


# Spelling variants of local-government names compared as equal (after NFKC): the matcher's
# and the extractors' content checks' one table.
NAME_VARIANTS = str.maketrans(
    {
        "ヶ": "ケ",
        "ヵ": "ケ",
        "龍": "竜",
        "檮": "梼",
        "﨑": "崎",
        "髙": "高",
        "澤": "沢",
        "邊": "辺",
        "邉": "辺",
        "濱": "浜",
        "嶋": "島",
        "廣": "広",
        "國": "国",
        "檜": "桧",
        "鰺": "鯵",
        "冨": "富",
        "條": "条",
        "ノ": "の",
    }
)


def name_variant_key(text: str | None) -> str:
    """NFKC, no whitespace, spelling variants folded (ヶ→ケ, 龍→竜, ノ→の): how local-government
    names compare."""
    return nfkc_no_whitespace(text).translate(NAME_VARIANTS)


def normalize_text(text: str | None) -> str:
    """NFKC, one space at most, and no space between Japanese characters."""
    text = unicodedata.normalize("NFKC", text_or_empty(text))
    text = _SPACE_RE.sub(" ", text).strip()
    return _INNER_SPACE_RE.sub("", text)


def normalize_org_name(text: str) -> str:
    """Comparable organisation name: widths, entity marks spelt out, footnote marks dropped."""
    name = _FOOTNOTE_RE.sub("", normalize_text(text))
    for short, full in _ENTITY_FORMS.items():
        name = name.replace(short, full)
    return normalize_text(name)


def stable_id(prefix: str, *parts: object) -> str:
    """A short id that depends only on the given values, so it survives re-ordering of a list."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:10]}"


_PREFECTURE = r"(?:北海道|東京都|京都府|大阪府|\S{2,3}?県)"
_LEADING_PREFECTURE_RE = re.compile(rf"^{_PREFECTURE}(?=\S)")
_BRACKETED_PREFECTURE_RE = re.compile(rf"\({_PREFECTURE}\)")
_LIST_SEPARATOR_RE = re.compile(r"[、,/]")


def area_key(text: str) -> str:
    """How two lists' area texts compare: without the prefecture (leading or in brackets), with
    one list separator."""
    key = normalize_text(text).replace(" ", "")
    key = _LEADING_PREFECTURE_RE.sub("", _BRACKETED_PREFECTURE_RE.sub("", key))
    return _LIST_SEPARATOR_RE.sub("・", key)


PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
# a leading prefecture, not the first of a list (千葉県・八千代市 names the prefecture itself)
_PREFECTURE_NAME_RE = re.compile("^(" + "|".join(PREFECTURES) + ")(?![・、,，/／])")


_PREFECTURE_LIST_RE = re.compile(
    "^(?:" + "|".join(PREFECTURES) + ")(?:[・、,/](?:" + "|".join(PREFECTURES) + "))+$"
)


def prefecture_list(cell: str) -> list[str]:
    """The prefectures of a cell naming several (``広島県・岡山県・香川県``); [] otherwise."""
    text = unicodedata.normalize("NFKC", cell or "").replace(" ", "").replace("　", "")
    if not _PREFECTURE_LIST_RE.match(text):
        return []
    return re.findall("|".join(PREFECTURES), text)


def split_prefecture(area: str) -> tuple[str | None, str]:
    """A leading prefecture name of an area as printed (``茨城県日立市`` -> 茨城県)."""
    match = _PREFECTURE_NAME_RE.match(area.strip())
    return (match.group(1), area) if match else (None, area)


# The western year before year 1 (元年) of each era, by its name and its initial.
ERA_START: dict[str, int] = {"平成": 1988, "H": 1988, "令和": 2018, "R": 2018}


def western_year(era: str, year_in_era: str) -> int:
    """The western year of a year written in an era (``平成``, ``30`` -> 2018; ``元`` is 1)."""
    return ERA_START[era] + (1 if year_in_era == "元" else int(year_in_era))


# Dates as Japanese pages print them: 令和元年7月9日, 平成30年７月１０日, 2019年6月18日 …
KANJI_DATE_RE = re.compile(
    r"(?P<era>令和|平成)?\s*(?P<y>\d{4}|\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
)


def iso_dates(text: str, patterns: tuple[re.Pattern[str], ...] = (KANJI_DATE_RE,)) -> list[str]:
    """Every date in the text (ISO), pattern by pattern in order of appearance; a two-digit
    year counts only with its era, and an impossible date (2月30日) is skipped. Each pattern
    has the groups ``era`` (an ERA_START key, optional), ``y``, ``m`` and ``d``."""
    found: list[str] = []
    text = unicodedata.normalize("NFKC", text)
    for pattern in patterns:
        for match in pattern.finditer(text):
            era, y = match.group("era"), match.group("y")
            if era:
                year = western_year(era, y)
            elif len(y) == 4:
                year = int(y)
            else:
                continue
            try:
                found.append(date(year, int(match.group("m")), int(match.group("d"))).isoformat())
            except ValueError:
                continue
    return found
