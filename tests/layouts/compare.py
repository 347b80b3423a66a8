"""The truth a drawer returns, and the one definition of an exact extraction.

Exact means: every published row equals a truth row and every truth row is published, one to
one. Two rows are equal when they agree on

- members: the name, the category, the page the entry's first line is printed on, and the
  prefecture where the list prints one for the entry (a column, a group cell, a sub-heading,
  「北海道札幌市」, 「府中市（東京都）」);
- selections: the track, the fiscal year, the areas (the list of names after splitting a joint
  proposal at ・、,/ so the separator printed does not matter), the page, and the prefecture,
  the project and the lead where the list prints them.

Names compare as printed up to width and spacing (NFKC without whitespace: a wrapped name may
be joined with or without a space). A local government compares by its name and prefecture:
「北海道札幌市」 published as one name is 札幌市 in 北海道, and so is 「北海道河東郡上士幌町」
(上士幌町) or 「府中市（東京都）」, since the normalize stage splits them the same way. A field the
list does not print is not compared (the extractor cannot know it); nothing else is lenient.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pipeline.text import PREFECTURES, nfkc_no_whitespace, text_or_empty


@dataclass
class MemberRow:
    """One member as printed: its name (a local government's without prefecture or county),
    category, the prefecture the list prints for it (else None), and its page."""

    name: str
    category: str
    prefecture: str | None = None
    page: int = 0
    label: str | None = None  # the category label printed over it (None: not compared)

    def placed(self, page: int) -> None:
        """Told by the drawer where the entry's first line went."""
        self.page = page


@dataclass
class SelectionRow:
    """One selection as printed; ``project``/``lead``/``prefecture`` None when not printed."""

    track: str
    fiscal_year: int
    areas: tuple[str, ...]
    prefecture: str | None = None
    project: str | None = None
    lead: str | None = None
    page: int = 0

    def placed(self, page: int) -> None:
        """Told by the drawer where the entry's first line went."""
        self.page = page


TruthRow = MemberRow | SelectionRow

_PREFIX_RE = re.compile("^(" + "|".join(PREFECTURES) + ")(?=.)")
_BRACKET_RE = re.compile(r"^(.+?)\((" + "|".join(PREFECTURES) + r")\)$")
_COUNTY_RE = re.compile(r"^[^郡]{1,6}郡(.+[町村])$")
_AREA_SEPARATOR_RE = re.compile(r"[・、,，/／]")


def place_key(text: str) -> tuple[str | None, str]:
    """(prefecture printed with it, name) of a local government or area as printed:
    「北海道札幌市」 -> (北海道, 札幌市), 「北海道河東郡上士幌町」 -> (北海道, 上士幌町),
    「府中市（東京都）」 -> (東京都, 府中市), 「北海道」 -> (None, 北海道)."""
    key = nfkc_no_whitespace(text)
    prefecture = None
    if m := _BRACKET_RE.match(key):
        key, prefecture = m.group(1), m.group(2)
    elif m := _PREFIX_RE.match(key):
        prefecture, key = m.group(1), key[m.end():]
    if m := _COUNTY_RE.match(key):
        key = m.group(1)
    return prefecture, key


def _cell(value: object) -> str | None:
    text = nfkc_no_whitespace(text_or_empty(value))
    return text or None


def member_key(row: dict) -> tuple:
    """(name, category, prefecture, page, label) of a published member row, compared form."""
    name = _cell(row.get("name_ja")) or ""
    prefecture = _cell(row.get("prefecture_ja"))
    if row.get("category") == "local_government":
        printed, name = place_key(name)
        prefecture = prefecture or printed
    return (name, row.get("category"), prefecture, int(row.get("page") or 0),
            _cell(row.get("category_ja")))


def selection_key(row: dict) -> tuple:
    """(track, year, areas, prefecture, project, lead, page) of a published selection row."""
    area = text_or_empty(row.get("area_ja")) or text_or_empty(row.get("prefecture_ja"))
    parts = [p for p in _AREA_SEPARATOR_RE.split(nfkc_no_whitespace(area)) if p]
    areas = []
    printed = None
    for part in parts:
        pref, name = place_key(part)
        printed = printed or pref
        areas.append(name)
    prefecture = _cell(row.get("prefecture_ja")) or printed
    return (row.get("track"), int(row.get("fiscal_year") or 0), tuple(areas), prefecture,
            _cell(row.get("project_name_ja")), _cell(row.get("lead_org_ja")),
            int(row.get("page") or 0))


def _truth_member(t: MemberRow) -> tuple:
    return (nfkc_no_whitespace(t.name), t.category, t.prefecture, t.page,
            _cell(t.label) if t.label is not None else None)


def _truth_selection(t: SelectionRow) -> tuple:
    return (t.track, t.fiscal_year, tuple(nfkc_no_whitespace(a) for a in t.areas),
            t.prefecture, _cell(t.project), _cell(t.lead), t.page)


def _matches(truth: tuple, published: tuple, optional: Sequence[int]) -> bool:
    """Equal in every field, except that a field at an ``optional`` index the truth leaves
    None (not printed) is not compared."""
    return all(t == p or (i in optional and t is None) for i, (t, p) in
               enumerate(zip(truth, published, strict=True)))


FIELDS = {
    "members": ("name", "category", "prefecture", "page", "label"),
    "selections": ("track", "fiscal_year", "areas", "prefecture", "project", "lead", "page"),
}


def difference(truth: Sequence[TruthRow], published: pd.DataFrame) -> str | None:
    """None when the extraction is exact (module docstring); else how many rows differ and
    the first difference, field by field against the closest published row."""
    members = bool(truth) and isinstance(truth[0], MemberRow)
    if members:
        want = [_truth_member(t) for t in truth]  # type: ignore[arg-type]
        got = [member_key(r) for r in published.to_dict("records")]
        optional: tuple[int, ...] = (2, 4)
        fields = FIELDS["members"]
    else:
        want = [_truth_selection(t) for t in truth]  # type: ignore[arg-type]
        got = [selection_key(r) for r in published.to_dict("records")]
        optional = (3, 4, 5)
        fields = FIELDS["selections"]
    unused = list(range(len(got)))
    missing: list[tuple] = []
    for t in want:
        hit = next((i for i in unused if _matches(t, got[i], optional)), None)
        if hit is None:
            missing.append(t)
        else:
            unused.remove(hit)
    if not missing and not unused:
        return None
    said = [f"{len(missing)} of {len(want)} printed rows not published as printed, "
            f"{len(unused)} of {len(got)} published rows not printed"]
    if missing and unused:
        first = missing[0]
        near = max(unused, key=lambda i: sum(a == b for a, b in zip(first, got[i],
                                                                       strict=True)))
        what = [f"{f} {a!r} published as {b!r}" for f, a, b, k in
                zip(fields, first, got[near], range(len(fields)), strict=True)
                if a != b and not (k in optional and a is None)]
        said.append(f"first: {dict(zip(fields, first, strict=True))} -> " + "; ".join(what))
    elif missing:
        said.append(f"first not published: {dict(zip(fields, missing[0], strict=True))}")
    else:
        said.append(f"first published, not printed: "
                    f"{dict(zip(fields, got[unused[0]], strict=True))}")
    return "; ".join(said)
