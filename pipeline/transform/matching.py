"""Match local-government names as printed in the sources to JIS X 0402 codes (``lg_code``).

The rule is *never guess*: a name found in several prefectures (府中市, 伊達市) is resolved only
by a prefecture given in the text or by the caller, otherwise the result carries a problem
listing the candidates. Text that is not a local-government name (瀬戸内エリア, 八重山地域) is
not matched either; its problem contains ``NOT_A_LOCAL_GOVERNMENT`` so that callers can tell
"region, not a municipality" from "something we failed to read".

How a text is read:

1. NFKC, then split into fragments at list separators (・ 、 , / ; 及び および 並びに, line
   breaks, brackets); spaces are removed inside fragments (line-wrapped names).
2. Each fragment is read left to right, longest known name first: prefecture names,
   municipality names (with or without their district: 河東郡上士幌町), designated-city wards
   (札幌市中央区). A prefecture followed by a municipality is context, not a code of its own.
   After a designated city, bare ward names (北区) are read as that city's wards.
3. Known trailing words (全域, 市街地, 周辺, 地域 ...) after a name are accepted as part of it.
4. Short forms 県/道/府/都 (also "(県)") stand for the context prefecture if its suffix agrees.

Spelling variants compared as equal: ケ/ヶ/ヵ, 竜/龍, 梼/檮, 崎/﨑, 高/髙, 沢/澤, 辺/邊/邉,
浜/濱, 島/嶋, 広/廣, 国/國, 桧/檜, 鯵/鰺, 富/冨, 条/條, ノ/の.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from pipeline.text import NAME_VARIANTS as _VARIANTS
from pipeline.text import nfkc_no_whitespace as _clean  # the text as reported in ``parts``

NOT_A_LOCAL_GOVERNMENT = "not a local government name"

# List separators (after NFKC). Brackets also separate: "(県)" is its own fragment.
_SEPARATOR_RE = re.compile(
    r"[・、,/;:\n]|及び|および|並びに|ならびに|[()\[\]「」『』【】<>〈〉《》]"
)
_OPEN_BRACKETS = "([「『【<〈《"
# Words accepted after a name: they qualify the area, they do not name another one.
_TRAILING_RE = re.compile(
    r"(?:全域|全体|全市|全町|全村|一円|一帯|中心市街地|市街地|中心部|周辺地域|周辺|地域|地区|"
    r"エリア|域内|管内|内|等|など|ほか|他)+"
)
# Short forms of a prefecture's name and the suffix they stand for.
_SHORT_FORMS = {"都": "都", "道": "道", "府": "府", "県": "県"}


def name_key(text: str) -> str:
    """Comparison key: NFKC, no spaces, spelling variants folded (same length as ``_clean``)."""
    return _clean(text).translate(_VARIANTS)


def _fragments(text: str) -> list[tuple[str, bool]]:
    """Fragments of an area text and whether each stood in brackets."""
    normalized = unicodedata.normalize("NFKC", text or "")
    out: list[tuple[str, bool]] = []
    depth = 0
    pos = 0
    for match in _SEPARATOR_RE.finditer(normalized):
        piece = _clean(normalized[pos : match.start()])
        if piece:
            out.append((piece, depth > 0))
        sep = match.group(0)
        if sep in _OPEN_BRACKETS:
            depth += 1
        elif len(sep) == 1 and sep in ")]」』】>〉》":
            depth = max(0, depth - 1)
        pos = match.end()
    piece = _clean(normalized[pos:])
    if piece:
        out.append((piece, depth > 0))
    return out


def split_area_text(text: str) -> list[str]:
    """Split an area text into the fragments read one by one (NFKC, spaces removed)."""
    return [piece for piece, _ in _fragments(text)]


@dataclass
class MatchResult:
    """Codes found in a text, in text order, with the fragment each came from."""

    codes: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """At least one code and nothing left unexplained."""
        return bool(self.codes) and not self.problems

    def _add(self, code: str, part: str) -> None:
        if code not in self.codes:
            self.codes.append(code)
            self.parts.append(part)


@dataclass(frozen=True)
class _Entry:
    lg_code: str
    prefecture_code: str
    kind: str
    label: str  # prefecture + name, for messages


@dataclass
class _Context:
    """What earlier text tells us: the prefecture named and the designated city named."""

    prefecture: str | None = None  # from the text
    city: str | None = None  # lg_code of the last designated city


class Matcher:
    """Name → lg_code lookups over the ``municipalities`` table."""

    def __init__(self, municipalities: pd.DataFrame):
        self._names: dict[str, list[_Entry]] = defaultdict(list)
        self._prefectures: dict[str, _Entry] = {}  # prefecture_code -> entry
        self._pref_names: dict[str, str] = {}  # prefecture_code -> name_ja
        self._wards: dict[str, dict[str, _Entry]] = defaultdict(dict)  # city -> short -> entry
        self._ward_parent: dict[str, str] = {}  # ward lg_code -> designated city lg_code
        self._by_code: dict[str, _Entry] = {}
        frame = municipalities.sort_values("lg_code", kind="stable")
        for row in frame.itertuples(index=False):
            label = row.name_ja if row.kind == "prefecture" else row.prefecture_ja + row.name_ja
            entry = _Entry(row.lg_code, row.prefecture_code, row.kind, label)
            self._by_code[row.lg_code] = entry
            self._names[name_key(row.name_ja)].append(entry)
            if row.kind == "prefecture":
                self._prefectures[row.prefecture_code] = entry
                self._pref_names[row.prefecture_code] = row.name_ja
            district = row.district_ja if isinstance(row.district_ja, str) else ""
            if district:
                self._names[name_key(district + row.name_ja)].append(entry)
        for row in frame[frame["kind"] == "ward"].itertuples(index=False):
            city = self._by_code[row.parent_lg_code]
            city_name = city.label[len(row.prefecture_ja) :]
            short = row.name_ja[len(city_name) :] if row.name_ja.startswith(city_name) else ""
            if short:
                self._wards[row.parent_lg_code][name_key(short)] = self._by_code[row.lg_code]
            self._ward_parent[row.lg_code] = row.parent_lg_code
        self._max_len = max(len(k) for k in self._names)
        self._pref_lookup: dict[str, str] = {}
        for pp, name in self._pref_names.items():
            self._pref_lookup[name_key(name)] = pp
            self._pref_lookup[pp] = pp
            self._pref_lookup[pp + "000"] = pp
            self._pref_lookup[self._prefectures[pp].lg_code] = pp
            if name != "北海道":
                self._pref_lookup[name_key(name[:-1])] = pp

    # -- public API -----------------------------------------------------------------------

    def match(self, text: str, prefecture: str | None = None) -> MatchResult:
        """Codes of the local governments an area text names (see the module docstring)."""
        result = MatchResult()
        given = self._given_prefecture(prefecture, result)
        fragments = _fragments(text)
        if not fragments:
            result.problems.append(f"empty area text {text!r}")
            return result
        context = _Context()
        previous: list[str] = []
        for piece, in_brackets in fragments:
            found = self._read(piece, given, context, result, trailing=True)
            codes = [code for code, _ in found]
            if in_brackets and self._is_annotation(piece, codes, previous):
                continue  # 熱海市(静岡県): the bracket only says where 熱海市 is
            for code, part in found:
                result._add(code, part)
            if codes:
                previous = codes
        return result

    def match_member_name(self, name: str, prefecture: str | None = None) -> MatchResult:
        """The one local government a platform member's name denotes (北海道, 静岡県藤枝市)."""
        result = MatchResult()
        given = self._given_prefecture(prefecture, result)
        piece = _clean(name)
        if not piece:
            result.problems.append(f"empty member name {name!r}")
            return result
        for code, part in self._read(piece, given, _Context(), result, trailing=False):
            result._add(code, part)
        if len(result.codes) > 1:
            result.problems.append(
                f"member name {name!r} names several local governments: {result.codes}"
            )
        return result

    def prefecture_code_of(self, name: str) -> str | None:
        """The lg_code of a prefecture named exactly (沖縄県, 沖縄), or None."""
        code = self._pref_lookup.get(name_key(name.strip()))
        return self._prefectures[code].lg_code if code else None

    def prefecture_name_of(self, lg_code: str) -> str | None:
        """The prefecture a local government lies in (北海道 for 札幌市 and for 北海道 itself)."""
        entry = self._by_code.get(lg_code)
        return self._pref_names.get(entry.prefecture_code) if entry else None

    def label(self, lg_code: str) -> str:
        """Prefecture + name of a code, for messages."""
        return self._by_code[lg_code].label

    # -- internals -----------------------------------------------------------------------

    def _given_prefecture(self, prefecture: str | None, result: MatchResult) -> str | None:
        if prefecture is None or (isinstance(prefecture, float) and pd.isna(prefecture)):
            return None
        key = name_key(str(prefecture))
        if not key:
            return None
        pp = self._pref_lookup.get(key)
        if pp is None:
            result.problems.append(f"unknown prefecture {prefecture!r} given as context; ignored")
        return pp

    def _is_annotation(self, piece: str, codes: list[str], previous: list[str]) -> bool:
        """A bracketed full prefecture name after names in that prefecture: 熱海市(静岡県)."""
        named = self._names.get(name_key(piece), [])
        if len(codes) != 1 or not previous or len(named) != 1 or named[0].kind != "prefecture":
            return False
        entry = self._by_code[codes[0]]
        return entry.kind == "prefecture" and all(
            self._by_code[c].prefecture_code == entry.prefecture_code for c in previous
        )

    def _longest_name(self, key: str, pos: int) -> tuple[str, list[_Entry]] | None:
        for length in range(min(self._max_len, len(key) - pos), 0, -1):
            entries = self._names.get(key[pos : pos + length])
            if entries:
                return key[pos : pos + length], entries
        return None

    def _ward_of_context(self, key: str, pos: int, city: str | None) -> tuple[str, _Entry] | None:
        if city is None:
            return None
        wards = self._wards.get(city, {})
        for length in range(min(8, len(key) - pos), 0, -1):
            entry = wards.get(key[pos : pos + length])
            if entry:
                return key[pos : pos + length], entry
        return None

    def _read(
        self,
        piece: str,
        given: str | None,
        context: _Context,
        result: MatchResult,
        trailing: bool,
    ) -> list[tuple[str, str]]:
        """Read one fragment; returns (code, part) pairs and records problems in ``result``."""
        key = piece.translate(_VARIANTS)
        found: list[tuple[str, str]] = []
        pos = 0
        start = 0  # where the current part began (a prefecture prefix belongs to it)
        pending: str | None = None  # prefecture named in this fragment, not yet used as context
        while pos < len(key):
            ward = self._ward_of_context(key, pos, context.city)
            hit = self._longest_name(key, pos)
            if ward and not (hit and len(hit[0]) > len(ward[0])):
                found.append((ward[1].lg_code, piece[start : pos + len(ward[0])]))
                pos += len(ward[0])
                start = pos
                continue
            if hit:
                name, entries = hit
                if len(entries) == 1 and entries[0].kind == "prefecture":
                    if pending is not None:
                        found.append((self._prefectures[pending].lg_code, piece[start:pos]))
                        start = pos
                    pending = entries[0].prefecture_code
                    context.prefecture = pending
                    context.city = None
                    pos += len(name)
                    continue
                code = self._resolve(name, entries, pending, given, context, result)
                if code:
                    found.append((code, piece[start : pos + len(name)]))
                    if self._by_code[code].kind == "designated_city":
                        context.city = code
                    elif code in self._ward_parent:
                        context.city = self._ward_parent[code]
                pending = None
                pos += len(name)
                start = pos
                continue
            if (
                pos == 0
                and key[:1] in _SHORT_FORMS
                and (len(key) == 1 or (trailing and _trailing_len(key, 1) == len(key) - 1))
            ):
                code = self._short_form(piece, given, context, result)
                if code:
                    found.append((code, piece))
                return found
            tail = _trailing_len(key, pos) if trailing else 0
            if tail and (found or pending is not None):
                if pending is not None:
                    found.append((self._prefectures[pending].lg_code, piece[start:pos]))
                    pending = None
                code, part = found[-1]
                found[-1] = (code, part + piece[pos : pos + tail])
                pos += tail
                start = pos
                continue
            if pos == 0:
                result.problems.append(f"{NOT_A_LOCAL_GOVERNMENT}: {piece!r}")
            elif pending is not None and not found:
                # "三重県志摩地域": an area inside the named prefecture, not the prefecture itself;
                # it is not mapped to the prefecture unless a source lists what it covers.
                result.problems.append(f"{NOT_A_LOCAL_GOVERNMENT}: {piece[pos:]!r} in {piece!r}")
                pending = None
            else:
                result.problems.append(f"unmatched text {piece[pos:]!r} in {piece!r}")
            break
        if pending is not None:
            found.append((self._prefectures[pending].lg_code, piece[start:]))
        return found

    def _resolve(
        self,
        name: str,
        entries: list[_Entry],
        pending: str | None,
        given: str | None,
        context: _Context,
        result: MatchResult,
    ) -> str | None:
        """One code for a name, or None and a problem: never a guess."""
        listing = ", ".join(f"{e.lg_code} {e.label}" for e in entries)
        if pending is not None:
            inside = [e for e in entries if e.prefecture_code == pending]
            if len(inside) == 1:
                return inside[0].lg_code
            if not inside:
                result.problems.append(
                    f"{name!r} is not in {self._pref_names[pending]} (candidates: {listing})"
                )
            else:
                result.problems.append(f"{name!r} is ambiguous: {listing}")
            return None
        for pp, source in ((context.prefecture, "text"), (given, "given")):
            if pp is None:
                continue
            inside = [e for e in entries if e.prefecture_code == pp]
            if len(inside) == 1:
                return inside[0].lg_code
            if len(inside) > 1:
                result.problems.append(f"{name!r} is ambiguous: {listing}")
                return None
            if len(entries) == 1 and source == "given":
                result.problems.append(
                    f"{name!r} is in {self._pref_names[entries[0].prefecture_code]}, "
                    f"not in the given prefecture {self._pref_names[pp]}"
                )
                return entries[0].lg_code
        if len(entries) == 1:
            return entries[0].lg_code
        result.problems.append(f"{name!r} is ambiguous without a prefecture: {listing}")
        return None

    def _short_form(
        self, piece: str, given: str | None, context: _Context, result: MatchResult
    ) -> str | None:
        """県/道/府/都 for the prefecture in context, if its name ends that way."""
        short = piece[0]
        pp = context.prefecture or given
        if pp is None:
            result.problems.append(f"{piece!r} needs a prefecture context")
            return None
        name = self._pref_names[pp]
        if not name.endswith(_SHORT_FORMS[short]):
            result.problems.append(f"{piece!r} does not fit the context prefecture {name}")
            return None
        return self._prefectures[pp].lg_code


def _trailing_len(key: str, pos: int) -> int:
    """Length of accepted trailing words at ``pos`` (0 if none)."""
    match = _TRAILING_RE.match(key, pos)
    return match.end() - pos if match else 0
