"""The member list drawer: a SYNTHETIC member list of the platform in the layout the
dimension values ``v`` describe (``tests/layouts/dimensions.py``), with its truth."""

from __future__ import annotations

import csv
import functools
import random
from dataclasses import dataclass
from pathlib import Path

from pipeline.announced import MEMBER_CATEGORIES
from pipeline.extract.mlit_scpf_members import VOCABULARY
from pipeline.extract.reader.vocabulary import LAYOUTS
from pipeline.text import nfkc_no_whitespace
from tests.layouts import texts
from tests.layouts.compare import MemberRow
from tests.layouts.dimensions import (
    GROUP_COLUMNS_MEMBERS,
    GUTTER,
    MEMBER_COLUMN_WIDTHS,
    blocks_of,
)
from tests.layouts.draw import (
    FONTS,
    Column,
    Doc,
    Flow,
    Furniture,
    Gap,
    Geometry,
    Heading,
    Item,
    Unit,
    geometry,
    wrap,
)
from tests.layouts.entries import Member

ORDERS = {
    "official": ("company", "university_research", "local_government", "ministry_economic_org"),
    "local_first": ("local_government", "company", "university_research",
                    "ministry_economic_org"),
    "ministry_first": ("ministry_economic_org", "local_government", "university_research",
                       "company"),
    "reversed": ("ministry_economic_org", "local_government", "university_research", "company"),
}
TITLES = {
    "ichiran": "スマートシティ官民連携プラットフォーム　会員一覧",
    "meibo": "スマートシティ官民連携プラットフォーム構成員名簿",
    "with_date": "スマートシティ官民連携プラットフォーム会員一覧（令和元年8月8日時点）",
}
AS_OF = {"reiwa_genzai": "令和元年８月８日現在", "western_jiten": "（2019年8月8日時点）"}
ATTACHMENT = {"bessi_number": "別紙1", "bessi": "別紙", "shiryou": "資料３"}
# Category labels a real list might print that the layout CSV lacks: the reader has to infer
# the category from the entries under them (checked against the CSV in ``labels_for``).
UNKNOWN_LABELS = {
    "company": ("民間事業者", "民間事業者等", "事業者・団体"),
    "university_research": ("学術研究機関", "大学・研究開発法人", "大学等研究機関"),
    "local_government": ("都道府県・市区町村", "地方自治体等", "自治体等"),
    "ministry_economic_org": ("国の機関・経済団体", "関係省庁等", "府省庁・経済団体"),
}
STANDARD_HEADERS = {"number": "No.", "category": "区分", "prefecture": "都道府県",
                    "name": "会員名"}
SUBHEADING = {"angle": "＜{}＞", "sumi": "【{}】", "square": "■{}"}
UNIT = "団体"


@functools.lru_cache(maxsize=1)
def layout_rows() -> tuple[tuple[str, str, str], ...]:
    """(kind, text, value) rows of the member list's layout CSV: the reader's vocabulary."""
    with (LAYOUTS / VOCABULARY).open(encoding="utf-8", newline="") as fh:
        return tuple((r["kind"], r["text"], r["value"]) for r in csv.DictReader(fh))


def labels_for(v: dict[str, str], order: tuple[str, ...], rng: random.Random) -> dict[str, str]:
    """The label each category is printed under."""
    labels = dict(MEMBER_CATEGORIES)
    if v["label_vocabulary"] == "synonym":
        for cat in order:
            others = [t for k, t, val in layout_rows() if k == "label" and val == cat
                      and t != MEMBER_CATEGORIES[cat]]
            labels[cat] = rng.choice(others)
    elif v["label_vocabulary"] == "unknown":
        known = {nfkc_no_whitespace(t) for k, t, _ in layout_rows() if k == "label"}
        cat = rng.choice(order)
        labels[cat] = rng.choice([t for t in UNKNOWN_LABELS[cat]
                                  if nfkc_no_whitespace(t) not in known])
    return labels


def headers_for(v: dict[str, str], rng: random.Random) -> dict[str, str]:
    """Column header words: the common ones, or aliases of the layout CSV."""
    if v["header_words"] != "synonym":
        return dict(STANDARD_HEADERS)
    return {role: rng.choice([t for k, t, val in layout_rows() if k == "column" and val == role])
            for role in STANDARD_HEADERS}


@dataclass
class Printed:
    """How one member is printed: its name cell, prefecture cell, and the prefecture its row
    states (the truth's)."""

    name: str
    prefecture_cell: str
    stated_prefecture: str | None


def printed_member(m: Member, lg_form: str) -> Printed:
    lg = m.lg
    if lg is None:
        return Printed(m.name, "", None)
    pref, own = lg.prefecture, lg.is_prefecture
    if lg_form in ("pref_column_every", "pref_column_once", "pref_subheadings"):
        return Printed(lg.name, pref, pref)
    if own or lg_form == "alone":
        return Printed(lg.name, "", None)
    if lg_form == "prefixed":
        return Printed(pref + lg.name, "", pref)
    if lg_form == "prefixed_county":
        return Printed(pref + lg.county + lg.name, "", pref)
    return Printed(f"{lg.name}（{pref}）", "", pref)  # bracketed


def furniture(v: dict[str, str], total: int) -> Furniture:
    """The member list's page furniture for the values ``v``."""
    return Furniture(
        title=TITLES[v["title_text"]], every_page=v["furniture_where"] == "every_page",
        attachment=ATTACHMENT.get(v["attachment_label"], ""), as_of=AS_OF.get(v["as_of"], ""),
        note=texts.NOTES[v["note"]],
        total=f"会員数：{texts.fullwidth(total)}{UNIT}" if v["total"] == "top_line" else "",
        page_number=lambda page, pages: texts.page_number(v["page_number"], page, pages))


def draw_members(
    path: Path, v: dict[str, str], entries: dict[str, list[Member]], rng: random.Random
) -> list[MemberRow]:
    """Draw the list; returns the truth (every member with the page its first line is on)."""
    order = ORDERS[v["category_order"]]
    labels = labels_for(v, order, rng)
    headers = headers_for(v, rng)
    total = sum(len(entries[c]) for c in order)
    pages = 0
    for _ in range(2 if v["page_number"] == "slash" else 1):  # 3/12 needs the page count
        frame = furniture(v, total)
        frame.pages = pages
        rows, pages = _draw(path, v, frame, order, labels, headers, entries, total)
    return rows


def _draw(
    path: Path, v: dict[str, str], frame: Furniture, order: tuple[str, ...],
    labels: dict[str, str], headers: dict[str, str], entries: dict[str, list[Member]],
    total: int,
) -> tuple[list[MemberRow], int]:
    geo = geometry(v["page_size"], v["orientation"])
    doc = Doc(path, geo, FONTS[v["font"]], f"member list {v}", frame)
    place = v["category_place"]
    columns, blocks, order_mode = _columns(v, geo, headers)
    modes = {"category": {"merged_cell": "merged", "first_row": "once"}.get(place, "every"),
             "prefecture": "once" if v["lg_form"] == "pref_column_once" else "every"}
    flow = Flow(doc, columns, blocks=blocks, order=order_mode, ruling=v["ruling"],
                header=v["table_header"], group_modes=modes)
    items: list[Item] = []
    truth: list[MemberRow] = []
    number = 0
    name_width = next(c.width for c in columns if c.role == "name") - 2 * flow.pad
    for index, cat in enumerate(order, start=1):
        group = entries[cat]
        if place in GROUP_COLUMNS_MEMBERS:
            head = None
        else:
            head = texts.heading(v, labels[cat], index, len(group), UNIT)
        if place == "heading" and head is not None:
            items.append(Heading(head.text, 11.0, "line", spread=v["even_spacing"] ==
                                 "char_spread", spread_part=head.label,
                                 continued=head.continued, header_after=True))
        elif place == "page_title" and head is not None:
            items.append(Gap(new_page=True, before=frame.group(head.text, head.continued)))
        if v["number_restart"] == "per_category":
            number = 0
        subheading = None
        cell_label = texts.spaced(labels[cat], v["even_spacing"])
        for m in group:
            number += 1
            p = printed_member(m, v["lg_form"])
            if v["lg_form"] == "pref_subheadings" and m.lg is not None \
                    and m.lg.prefecture != subheading:
                subheading = m.lg.prefecture
                items.append(Heading(SUBHEADING[v["subheading_style"]].format(subheading),
                                     9.0, "sub"))
            row = MemberRow(m.name, cat, p.stated_prefecture, label=labels[cat])
            truth.append(row)
            name = texts.entry_number(v["numbering"], number, p.name)
            cells = {"name": wrap(doc, name, name_width, 9.0, v["wrapping"])}
            if v["numbering"] == "column":
                cells["number"] = wrap(doc, str(number), 40, 9.0, "within_cell")
            groups = {}
            if place in GROUP_COLUMNS_MEMBERS:
                groups["category"] = cell_label
            if v["lg_form"] in ("pref_column_every", "pref_column_once"):
                groups["prefecture"] = p.prefecture_cell
            items.append(Unit(cells, groups, row.placed))
    if v["total"] == "end_line":
        items.append(Gap(text=f"合計　{texts.fullwidth(total)}{UNIT}"))
    flow.run(items)
    doc.save()
    return truth, doc.page


def _columns(v: dict[str, str], geo: Geometry,
             headers: dict[str, str]) -> tuple[list[Column], int, str]:
    """The columns of one block, the number of blocks and their reading order."""
    arrangement = v["arrangement"]
    blocks = blocks_of(arrangement)
    order = "columns" if arrangement.startswith("newspaper") else "rows"
    widths = MEMBER_COLUMN_WIDTHS
    fixed: list[tuple[str, float]] = []
    if v["numbering"] == "column":
        fixed.append(("number", widths["number"]))
    if v["category_place"] in GROUP_COLUMNS_MEMBERS:
        fixed.append(("category", widths["category"]))
    if v["lg_form"] in ("pref_column_every", "pref_column_once"):
        fixed.append(("prefecture", widths["prefecture"]))
    block = (geo.usable - (blocks - 1) * GUTTER) / blocks
    if blocks == 1:
        block = min(block, 420.0 + sum(w for _, w in fixed))
    name = block - sum(w for _, w in fixed)
    cols = [Column(role, w, headers[role]) for role, w in fixed]
    cols.append(Column("name", name, headers["name"]))
    return cols, blocks, order
