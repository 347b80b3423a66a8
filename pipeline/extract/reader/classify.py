"""What a cell says, from data: a number, a prefecture, a local government, or what kind of
organisation a name is. The category labels, column headers and page furniture of a source are
its vocabulary (``vocabulary.py``); names of local governments come from the municipality
reference (``pipeline.extract.local_governments``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from pipeline.extract.local_governments import (
    is_local_government_name,
    local_government_keys,
    prefectures_of,
    split_local_government,
)
from pipeline.extract.reader.vocabulary import Vocabulary, key
from pipeline.text import PREFECTURES, name_variant_key

_NUMBER_RE = re.compile(r"^[(（]?([0-9]{1,4})[)）.．、:：]?$")
# a row number printed before a name in the same cell: 「12　札幌市」 「12札幌市」 「12.札幌市」
# 「(12)札幌市」 (NFKC); the name must start with something other than a digit
_LEADING_NUMBER_RE = re.compile(
    r"^[(（]?(?P<n>[0-9]{1,4})(?:[)）.．、:：]\s*|\s+|(?=[^\s0-9.,%]))(?P<rest>\S.*)$"
)
# a sub-heading's bracket or bullet, possibly after its numbering; a count or closing bracket
_BULLET_RE = re.compile(r"^(?:[0-9]+[.、):]?|\([0-9]+\)|第[0-9]+)?[【\[■□●○◎◯★☆◆◇▼▽▶▷<〈《〔(]")
_COUNTED_RE = re.compile(r"[0-9]")
_CLOSE_RE = re.compile(r"[】\]>〉》〕)]")
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ① .. ⑳
_PREFECTURE_SET = frozenset(PREFECTURES)

# What ministries, economic organisations, universities and research bodies are called; used
# to infer the category of a label the vocabulary lacks, and never to reject a list.
MINISTRY_RE = re.compile(
    r"(省|庁|内閣官房|内閣府|委員会|本部|経済団体連合会|経団連|商工会議所|経済同友会|"
    r"商工会連合会|経済連合会)$"
)
UNIVERSITY_RE = re.compile(
    r"(大学|大学院|研究所|研究機構|研究機関|研究センター|研究開発法人|高等専門学校|高専|"
    r"研究開発機構|学園|学院|総合研究機構|科学技術振興機構|産業技術総合研究所)"
)


def number(text: str) -> int | None:
    """The row number a cell holds when it holds only one (12, 12., (12), ⑫)."""
    t = key(text)
    if t in _CIRCLED:
        return _CIRCLED[t]
    m = _NUMBER_RE.match(t)
    return int(m[1]) if m else None


@lru_cache(maxsize=65536)  # (asked of every name of every reading that keeps the numbers)
def leading_number(text: str) -> tuple[int, str] | None:
    """(number, the rest as printed) when a cell starts with a row number before a name."""
    raw = text.strip()
    if raw[:1] in _CIRCLED:
        rest = raw[1:].lstrip(" 　.．、")
        return (_CIRCLED[raw[0]], rest) if rest else None
    m = _LEADING_NUMBER_RE.match(unicodedata.normalize("NFKC", raw))
    if not m:
        return None
    # the rest as printed (full-width text kept): drop as many printed chars as NFKC consumed
    consumed = len(unicodedata.normalize("NFKC", raw)) - len(m["rest"])
    printed = _drop_normalized_prefix(raw, consumed)
    return int(m["n"]), printed.strip()


def _drop_normalized_prefix(raw: str, n: int) -> str:
    """``raw`` without the printed characters whose NFKC form is the first ``n`` characters."""
    taken = 0
    for i, ch in enumerate(raw):
        if taken >= n:
            return raw[i:]
        taken += len(unicodedata.normalize("NFKC", ch))
    return ""


def prefecture(text: str | None) -> str | None:
    """The prefecture a cell names when it is exactly one (北海道, 東京都)."""
    t = key(text)
    return t if t in _PREFECTURE_SET else None


def prefecture_heading(text: str, vocabulary: Vocabulary) -> str | None:
    """A prefecture printed as a sub-heading: in brackets or after a bullet (＜北海道＞,
    【北海道】, ■北海道), or with a count (北海道（3団体）). A bare 北海道, or a numbered one
    (「21.茨城県」 in a numbered list), is a name: a member, an area."""
    core, tail = vocabulary.strip(text)
    if core not in _PREFECTURE_SET or core == key(text):
        return None
    if _BULLET_RE.match(key(text)) or _COUNTED_RE.search(tail) or _CLOSE_RE.search(tail):
        return core
    return None


def local_government(text: str) -> tuple[str | None, str] | None:
    """(prefecture printed or None, name) when the text is exactly one local government."""
    return split_local_government(text)


@lru_cache(maxsize=65536)
def is_local_government(text: str) -> bool:
    """Whether the text names exactly one local government (with or without its prefecture)."""
    return is_local_government_name(text) or split_local_government(text) is not None


@lru_cache(maxsize=1)
def _local_government_keys_sorted() -> tuple[str, ...]:
    return tuple(sorted(local_government_keys()))


def begins_a_local_government(text: str) -> bool:
    """Whether the text is the first letters of a local government's name, not the whole: the
    first line of a name wrapped (「美郷」 / 「町」, 「え」 / 「びの市」)."""
    k = name_variant_key(key(text))
    names = _local_government_keys_sorted()
    i = bisect.bisect_left(names, k)
    return bool(k) and i < len(names) and names[i] != k and names[i].startswith(k)


def begins_with_local_government(text: str) -> bool:
    """A text whose first letters name a local government or prefecture, more following
    (「南アルプス市南アルプスにおける…」: a place and a project glued together, or a project
    named after its place)."""
    k = key(text)
    return any(is_local_government(k[:i]) for i in range(2, min(len(k) - 1, 12) + 1))


def in_prefecture(name: str, pref: str) -> bool | None:
    """Whether a local government of this name lies in ``pref`` (None: not a local government,
    nothing to say)."""
    found = prefectures_of(name)
    if not found:
        return None
    return pref in found


def organisation_kind(name: str) -> str:
    """What a name looks like: ``local_government``, ``ministry_economic_org``,
    ``university_research`` or ``company`` (the rest)."""
    if is_local_government(name):
        return "local_government"
    k = key(name)
    if MINISTRY_RE.search(k):
        return "ministry_economic_org"
    if UNIVERSITY_RE.search(k):
        return "university_research"
    return "company"


# A name ending or beginning so is an organisation's (a proposer, a member), never a project's
# or a place's: 「…推進協議会」「一般社団法人…」「テスト交通(株)」「…株式会社※1」.
_ORGANISATION_RE = re.compile(
    r"(協議会|コンソーシアム|会社|法人|組合|機構|協会|財団|研究所|大学|センター|委員会|会議所|"
    r"\(株\)|\(有\))(※[0-9]*|\*)?$"
    r"|^(株式会社|有限会社|合同会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人|"
    r"特定非営利活動法人|\(株\)|\(有\))"
)


def reads_as_organisation(name: str) -> bool:
    """A name an organisation bears (its legal form or what it is: 協議会, 機構, 大学...); a
    local government is not counted, being a place first."""
    k = unicodedata.normalize("NFKC", key(name)).replace("㈱", "(株)")
    return bool(k) and not is_local_government(k) and _ORGANISATION_RE.search(k) is not None


def is_list_of_local_governments(lines: tuple[str, ...]) -> bool:
    """Lines in one cell that are each a local government (北海道 / 更別村 / 岩見沢市): a list of
    names, not one name wrapped; two lines that together name one (札幌市 / 中央区, or a
    prefecture and one local government in it: 神奈川県 / 横須賀市) are a wrap."""
    if len(lines) < 2 or not all(is_local_government(ln) for ln in lines):
        return False
    if len(lines) == 2 and prefecture(lines[0]) and in_prefecture(lines[1], key(lines[0])):
        return False  # a prefixed name wrapped after its prefecture (神奈川県 / 横須賀市)
    return not any(wraps_into_one(a, b) for a, b in zip(lines, lines[1:], strict=False))


def prefecture_then_its_own(lines: tuple[str, ...]) -> bool:
    """Two lines, a prefecture and then a local government in it printed bare (鹿児島県 /
    南大隅町): one name wrapped after its prefecture, or the prefecture and the municipality
    proposing together. The lines alone cannot tell; the list's other places can."""
    if len(lines) != 2 or prefecture(lines[0]) is None:
        return False
    found = local_government(lines[1])
    return found is not None and found[0] is None and in_prefecture(lines[1], key(lines[0])) is True


def prefixed(text: str) -> bool:
    """A local government printed after its prefecture on one line (北海道弟子屈町)."""
    found = local_government(text)
    return found is not None and found[0] is not None


def wraps_into_one(first: str, second: str) -> bool:
    """Two printed lines that are one local government's name wrapped (札幌市 / 中央区); a
    prefecture on a line of its own before a municipality is one of a list (広島県 / 府中町
    names 広島県 as a proposer)."""
    return is_local_government(first + second) and not prefecture(first)


# How a region no reference knows is named: it ends in one of these words.
# A region's name is short (八重山地域, 瀬戸内エリア, 会津若松市を中心とした会津地域 is 15).
REGION_MAX_CHARS = 16
_GOVERNMENT_BODY_RE = re.compile(r"省|庁|内閣官房|内閣府")
REGION_ENDINGS = (
    "地域", "エリア", "圏域", "地区", "全域", "区域", "沿線", "周辺", "圏", "諸島", "半島",
)
_BRACKETED_RE = re.compile(r"[（(][^）)]*[）)]")


def is_place(name: str) -> bool:
    """A local government, a prefecture, or a name that reads as a region (ひがし北海道,
    瀬戸内エリア, 八重山地域（沖縄県）, a synthetic …地区01)."""
    k = key(name)
    if is_local_government(k) or k in _PREFECTURE_SET:
        return True
    bare = re.sub(r"[0-9]+$", "", _BRACKETED_RE.sub("", k))
    if is_local_government(bare):
        return True
    # a region: named so (…地域, …エリア) or after its prefecture (ひがし北海道), in a short
    # name that names no ministry (「経済産業省スマートモビリティチャレンジ支援対象地域」 is a
    # title); names of local governments glued together (新見市倉敷市) are none
    return (bare.endswith(REGION_ENDINGS) or bare.endswith(PREFECTURES)) and \
        len(bare) <= REGION_MAX_CHARS and _GOVERNMENT_BODY_RE.search(bare) is None


# How organisations' names begin: a line beginning so starts a name, it does not continue one.
LEGAL_FORMS = (
    "株式会社", "合同会社", "有限会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人",
    "公益社団法人", "公益財団法人", "国立研究開発法人", "独立行政法人", "地方独立行政法人",
    "国立大学法人", "公立大学法人", "学校法人", "特定非営利活動法人", "NPO法人", "(株)", "(有)",
    "(一社)", "(一財)", "(公財)", "(公社)",
)


def begins_a_name(text: str) -> bool:
    """A printed line that starts a name of its own (a legal form first, 株式会社…/(株)…, or a
    local government's whole name): never the wrapped end of the name above. A legal form
    alone (「(株)」, 「株式会社」) names nothing: it ends the name above."""
    k = unicodedata.normalize("NFKC", key(text)).replace("㈱", "(株)")
    return k.startswith(LEGAL_FORMS) and k not in LEGAL_FORMS or is_local_government(k)
