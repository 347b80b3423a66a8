"""A source's printed vocabulary, from one layout CSV format: what its labels, column headers,
titles and page furniture look like.

Every list source has a ``layouts/<source>.csv`` with columns ``kind,text,value,note``, read on
top of ``layouts/common.csv`` (numbering, brackets, counts, continuation marks and page furniture
that every Japanese government list shares). Kinds:

- ``label``: a category label and the category it names (企業等 -> company, 先行モデル -> a track);
  compared after numbering, brackets, counts and continuation marks are stripped (``mark`` and
  ``tail`` patterns) and without spaces, so 「１．企業等（304団体）」 and 「【企　業　等】（続き）」
  are
  both 企業等;
- ``column``: a column header alias and the role of its column (会員名 -> name); an alias written
  ``*地域`` matches a short header ending so (選定地域);
- ``group``: a pattern of a group label inside a category (a 類型 such as 観光地型: ``.+型``),
  matched against the whole text without numbering, brackets and count: the group is kept
  with each entry under it (the ``value`` column, or the label itself) and counts nothing;
- ``value``: a text that is a value of a column (自動運転 in a 分野 column), so that a list
  printed without a header still tells that field by what it says;
- ``title``: words that, in a page title, name a category (a per-track sheet's title);
- ``furniture`` / ``margin``: patterns of page furniture (anywhere / only in the top or bottom
  tenth of a page);
- ``mark`` / ``tail``: what may stand before or after a label.

Texts are compared in one form (:func:`key`): NFKC, no whitespace.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.text import nfkc_no_whitespace

LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"
COMMON = "common.csv"
KINDS = ("label", "group", "column", "value", "title", "furniture", "total", "margin", "mark",
         "tail")
# A header cell matches a ``*ending`` alias only if it is this short (選定地域, not a sentence).
SUFFIX_MATCH_MAX_CHARS = 8
_COUNT_RE = re.compile(r"[0-9][0-9,]*")
_HEADING_MARK_RE = re.compile(
    r"^(?:[0-9]+[.、):]?|\([0-9]+\)|第[0-9]+)?[【\[■□●○◎◯★☆◆◇▼▽▶▷<〈《〔]"
    # numbering no list numbers its entries with: Ⅰ． (NFKC I.); not 第１ (a name's wrapped
    # end 「第3株式会社」 begins so)
    r"|^[IVX]{1,4}\.(?=[^\x00-\x7f])"
)
# 第１ set apart from the text after it within its cell (a space or a point): a heading's
# numbering; glued to it, or in a cell of its own, it may be a name's wrapped end
# (「第3株式会社」, or 「…第3」 beside the next column's 「社」)
_DAI_APART_RE = re.compile(r"\s*第[0-9０-９]+[\s.．、:：]+\S")
_CIRCLED_RE = re.compile(r"[\u2460-\u2473]")  # ①..⑳: no list numbers its entries so
_CLOSING_RE = re.compile(r"[】\]>〉》〕]")
_TRAILING_NOTE_RE = re.compile(r"[（(][^）)]*[）)]$|[※*＊][0-9]*$")


@lru_cache(maxsize=1 << 16)
def key(text: str | None) -> str:
    """The comparison form of printed text: NFKC, no whitespace (letter-spacing gone); each
    readings' checks ask it of the same cells again, hence the cache."""
    return nfkc_no_whitespace(text)


@dataclass(frozen=True)
class Label:
    """A printed text read as a category label: the category, the label as printed (without
    numbering, count and marks), the count it states, and whether it says it continues."""

    category: str
    printed: str
    count: int | None
    continued: bool


@dataclass(frozen=True)
class Vocabulary:
    """One source's vocabulary (its CSV on top of the common one), in comparison form."""

    name: str
    labels: dict[str, str]
    groups: tuple[tuple[re.Pattern[str], str], ...]
    columns: dict[str, str]
    values: dict[str, str]
    titles: dict[str, str]
    furniture: tuple[re.Pattern[str], ...]
    margin: tuple[re.Pattern[str], ...]
    heading_re: re.Pattern[str]
    # furniture stating how many entries the list holds (合計 471団体, 選定数：22事業)
    totals: tuple[re.Pattern[str], ...] = ()
    # answers already given (a copy made with ``replace`` starts its own)
    furniture_seen: dict[tuple[str, bool], bool] = field(
        default_factory=dict, init=False, compare=False, repr=False)
    labels_seen: dict[str, Label | None] = field(
        default_factory=dict, init=False, compare=False, repr=False)
    misread_seen: dict[str, bool] = field(
        default_factory=dict, init=False, compare=False, repr=False)
    stripped_seen: dict[str, tuple[str, str]] = field(
        default_factory=dict, init=False, compare=False, repr=False)
    column_runs_seen: dict[str, list[str] | None] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    @property
    def file(self) -> str:
        return f"pipeline/extract/layouts/{self.name}"

    def strip(self, text: str) -> tuple[str, str]:
        """(core, tail) of a heading-like text: numbering and marks before it removed, closing
        brackets, counts and continuation marks after it split off."""
        if text not in self.stripped_seen:  # asked of each cell by every reading
            m = self.heading_re.match(key(text))
            self.stripped_seen[text] = (m["label"], m["tail"]) if m else (key(text), "")
        return self.stripped_seen[text]

    def label(self, text: str | None) -> Label | None:
        """The category ``text`` names when the whole text is one label (marks and tail
        aside): a name that merely contains 企業 is no label."""
        k = key(text)
        if not k:
            return None
        if k not in self.labels_seen:  # every reading asks of each cell
            self.labels_seen[k] = self._label(k)
        return self.labels_seen[k]

    def _label(self, k: str) -> Label | None:
        core, tail = (k, "") if k in self.labels else self.strip(k)
        category = self.labels.get(core)
        if category is None:
            return None
        number = _COUNT_RE.search(tail)
        count = int(number[0].replace(",", "")) if number else None
        return Label(category, core, count, _continued(tail))

    def group(self, text: str | None) -> str | None:
        """The group a text names when the whole text is one group label (marks aside)."""
        k = key(text)
        if not k or self.label(k) is not None:
            return None
        core = self.strip(k)[0]
        for pattern, value in self.groups:
            if pattern.fullmatch(core):
                return value or core
        return None

    def is_label_line(self, text: str | None) -> bool:
        """Whether ``text`` (two letters or more) is part of a category label of the vocabulary:
        a line of a label wrapped in its column (「・経済」 of 関係府省・経済団体等)."""
        k = key(text)
        return len(k) >= 2 and any(k in label for label in self.labels)

    def glued_to(self, text: str | None) -> str | None:
        """The label of the vocabulary that ``text`` is, with one letter after it (「民間企業等
        社」: a label's wrapped 「等」 and a name's wrapped 「社」 beside it read as one line): such
        a text is never inferred as a label of its own."""
        core = self.strip(key(text))[0]
        if self.cut_off(core) is not None:
            return None  # a label's first line (「企業・団」 of 企業・団体等), not one with more
        glued = max((label for label in self.labels
                     if len(label) >= 2 and core.startswith(label) and label != core),
                    key=len, default=None)
        if glued is None:
            return None
        # one letter more (a wrapped name's last), no ending labels of the vocabulary take
        # themselves (「地方自治体等」 beside 地方自治体; 「地方公共団体会員」: a label of its own)
        tail = core[len(glued):]
        return None if len(tail) != 1 or any(label.endswith(tail) and label != tail
                                             for label in self.labels) else glued

    def cut_off(self, text: str | None) -> str | None:
        """The label of the vocabulary that ``text`` begins (「大学・高専・研」 of 大学・高専・研究
        機関, its end lost to the next column?): inferred from its entries, such a text must
        come out as that label's category."""
        core = self.strip(key(text))[0]
        if len(core) < 2:
            return None
        return next((label for label in self.labels if label.startswith(core) and label != core),
                    None)

    def unknown_label(self, text: str | None) -> Label | None:
        """A text decorated as a heading (numbering or brackets before it and/or a count after
        it) whose core is no known label: a category label the vocabulary lacks. Its category is
        left empty for the reader to infer from the entries under it."""
        k = key(text)
        if not k or self.label(k) is not None:
            return None
        core, tail = self.strip(k)
        circled = _CIRCLED_RE.match((text or "").lstrip()) is not None  # ① (NFKC: 1)
        # decorated as a heading: a bracket or a bullet, or a count after it; numbering alone is
        # no sign (a numbered list numbers its entries the same way)
        continued = _continued(tail)  # a heading restated on its next page: 「（つづき）」
        marked = _HEADING_MARK_RE.match(k) is not None or _CLOSING_RE.search(tail) is not None \
            or circled or _DAI_APART_RE.match(text or "") is not None
        if not (marked or continued or _COUNT_RE.search(tail)) or not core or len(core) > 20:
            return None
        return self.lacked_label(k)

    def lacked_label(self, text: str) -> Label:
        """A text read as a label the vocabulary lacks: its core, the count and continuation
        mark after it; the category is left for the reader to infer."""
        core, tail = self.strip(text)
        number = _COUNT_RE.search(tail)
        count = int(number[0].replace(",", "")) if number else None
        return Label("", core, count, _continued(tail))

    def column(self, text: str | None) -> str | None:
        """The role of a column header cell (a trailing bracket or note mark ignored)."""
        k = key(text)
        if k in self.columns:
            return self.columns[k]
        k = _TRAILING_NOTE_RE.sub("", k)
        if k in self.columns:
            return self.columns[k]
        if not k or len(k) > SUFFIX_MATCH_MAX_CHARS:
            return None
        for ending, role in self._suffixes:
            if k.endswith(ending):
                return role
        return None

    @property
    def _suffixes(self) -> list[tuple[str, str]]:
        return _suffix_aliases(tuple(self.columns.items()))

    def value_role(self, text: str | None) -> str | None:
        """The column a text is a value of, when it is one or several known values (自動運転,
        AI・ロボット)."""
        parts = [p for p in re.split(r"[・、,，/／]", key(text)) if p]
        roles = {self.values.get(p) for p in parts}
        return roles.pop() if parts and len(roles) == 1 and None not in roles else None

    def title_category(self, text: str | None) -> str | None:
        """The category a title line names: a ``title`` phrase in it, or a known label standing
        in brackets or after a separator (会員一覧（地方公共団体）, 会員名簿－企業等－)."""
        k = key(text)
        found = {cat for words, cat in self.titles.items() if words in k}
        for part in re.findall(r"[（(【〔\[<＜「『](.+?)[）)】〕\]>＞」』]|[-－―—:：](.+?)$", k):
            for piece in part:
                hit = self.label(piece)
                if hit is not None:
                    found.add(hit.category)
        return found.pop() if len(found) == 1 else None

    def is_furniture(self, text: str, in_margin: bool) -> bool:
        known = self.furniture_seen.get((text, in_margin))  # every reading asks of each row
        if known is None:
            k = key(text)
            patterns = self.furniture + self.totals + (self.margin if in_margin else ())
            known = any(p.search(text.strip()) or p.search(k) for p in patterns)
            self.furniture_seen[(text, in_margin)] = known
        return known

    def stated_total(self, text: str) -> int | None:
        """The number of entries a total line states (「合計　４７１団体」: 471), if it is one."""
        k = key(text)
        if not any(p.search(text.strip()) or p.search(k) for p in self.totals):
            return None
        number = _COUNT_RE.search(k)
        return int(number[0].replace(",", "")) if number else None


def _continued(tail: str) -> bool:
    return "続" in tail or "つづき" in tail


@lru_cache(maxsize=64)
def _suffix_aliases(columns: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    found = [(alias[1:], role) for alias, role in columns
             if alias.startswith("*") and len(alias) > 1]
    return sorted(found, key=lambda pair: -len(pair[0]))


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns) or "(?!)"


@lru_cache(maxsize=16)
def load_vocabulary(name: str) -> Vocabulary:
    """The vocabulary of ``layouts/<name>`` read on top of ``layouts/common.csv``."""
    rows: list[dict[str, str]] = []
    for file in (COMMON, name):
        with (LAYOUTS / file).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["kind"] not in KINDS:
                    raise ValueError(f"{LAYOUTS / file}: unknown kind {row['kind']!r}")
                rows.append(row)
    by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    for row in rows:
        by_kind[row["kind"]].append((row["text"], row["value"]))
    marks = [re.compile(t).pattern for t, _ in by_kind["mark"]]
    tails = [re.compile(t).pattern for t, _ in by_kind["tail"]]
    heading_re = re.compile(
        f"^(?:{_alternation(marks)})*(?P<label>.+?)(?P<tail>(?:{_alternation(tails)})*)$"
    )
    return Vocabulary(
        name=name,
        labels={key(t): v for t, v in by_kind["label"]},
        groups=tuple((re.compile(t), v) for t, v in by_kind["group"]),
        columns={key(t): v for t, v in by_kind["column"]},
        values={key(t): v for t, v in by_kind["value"]},
        titles={key(t): v for t, v in by_kind["title"]},
        furniture=tuple(re.compile(t) for t, _ in by_kind["furniture"]),
        margin=tuple(re.compile(t) for t, _ in by_kind["margin"]),
        heading_re=heading_re,
        totals=tuple(re.compile(t) for t, _ in by_kind["total"]),
    )
