"""The selection list drawers (MLIT's model projects, the Cabinet Office's 選定事業一覧, the
Smart Mobility Challenge lists): a SYNTHETIC list in the layout the dimension values ``v``
describe, with its truth. Each kind keeps its own vocabulary (``KINDS``): its groups (tracks,
years, 類型) and how they are named, its titles, its column header words (from the kind's
layout CSV, the reader's vocabulary), its dates and counts."""

from __future__ import annotations

import csv
import functools
import random
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.reader.vocabulary import LAYOUTS
from tests.layouts import texts
from tests.layouts.compare import SelectionRow
from tests.layouts.dimensions import GROUP_COLUMNS, MARGIN
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
    Line,
    Unit,
    geometry,
    wrap,
)
from tests.layouts.entries import Selection


@dataclass(frozen=True)
class Group:
    """A group of one list: its key, announced count, track and year, and its names."""

    key: str
    count: int
    track: str
    fiscal_year: int
    labels: dict[str, str]  # group_label value -> heading label
    cell_labels: dict[str, str]  # group_label value -> text in a group column


@dataclass(frozen=True)
class KindSpec:
    """What one kind of list prints: its groups, titles, header vocabulary and dates."""

    groups: tuple[Group, ...]
    titles: dict[str, str]  # title_scope value -> title
    layout_csv: str
    csv_format: str  # "kind" (kind,text,value) or "role" (role,alias,note)
    roles: dict[str, str]  # column role -> the reader's role for it in the CSV
    standard_headers: dict[str, str]
    full_columns: tuple[str, ...]
    unit: str
    dates: dict[str, str]
    attachment: dict[str, str]
    # full columns an unruled numbered list (no header) prints bare, as told apart by what they
    # say (a known 分野; the one organisation's name beside a project); the others it prints
    # after their column's name (代表者：…): MLIT's consortium and lead both name organisations,
    # and bare, side by side, nobody can tell which is which (test_layouts proves the reader
    # refuses them so, never guessing)
    bare_in_lists: tuple[str, ...] = ()


MLIT_MODEL = KindSpec(
    groups=(
        Group("leading_model", 15, "leading_model", 2019,
              {"standard": "先行モデルプロジェクト", "short": "先行",
               "long": "スマートシティモデル事業先行モデルプロジェクト"},
              {"standard": "先行モデルプロジェクト", "short": "先行", "long": "先行モデル"}),
        Group("priority", 23, "priority", 2019,
              {"standard": "重点事業化促進プロジェクト", "short": "重点",
               "long": "スマートシティモデル事業重点事業化促進プロジェクト"},
              {"standard": "重点事業化促進プロジェクト", "short": "重点",
               "long": "重点事業化促進"}),
    ),
    titles={"programme": "スマートシティモデル事業　選定プロジェクト一覧",
            "both_tracks": "スマートシティモデル事業　先行モデルプロジェクト及び重点事業化促進"
                           "プロジェクト一覧"},
    layout_csv="mlit_smartcity_model_list.csv", csv_format="kind",
    roles={"number": "number", "prefecture": "prefecture", "area": "municipality",
           "target_area": "target_area", "project": "project", "consortium": "consortium",
           "lead": "lead", "group": "category"},
    standard_headers={"number": "No.", "prefecture": "都道府県", "area": "市町村",
                      "target_area": "対象区域", "project": "事業名",
                      "consortium": "コンソーシアム名", "lead": "代表者", "group": "区分"},
    full_columns=("target_area", "consortium", "lead"),
    unit="件",
    dates={"reiwa_genzai": "令和元年５月３１日", "western_jiten": "（2019年5月31日）"},
    attachment={"bessi_number": "別紙1", "bessi": "別紙", "shiryou": "資料２"},
)

CAO = KindSpec(
    groups=(
        Group("2018", 14, "selected_project", 2018,
              {"standard": "平成30年度選定", "short": "H30", "long": "2018年度選定事業"},
              {"standard": "平成30年度", "short": "H30", "long": "2018年度"}),
        Group("2019", 8, "selected_project", 2019,
              {"standard": "令和元年度選定", "short": "R1", "long": "2019年度選定事業"},
              {"standard": "令和元年度", "short": "R1", "long": "2019年度"}),
    ),
    titles={"programme": "近未来技術等社会実装事業　選定事業一覧",
            "both_years": "平成30年度・令和元年度　近未来技術等社会実装事業　選定事業一覧"},
    layout_csv="cao_wg6_material.csv", csv_format="kind",
    roles={"number": "number", "prefecture": "prefecture", "area": "area",
           "project": "project", "field": "field", "group": "fiscal_year"},
    standard_headers={"number": "No.", "prefecture": "都道府県", "area": "地方公共団体名",
                      "project": "事業名", "field": "分野", "group": "選定年度"},
    full_columns=("field",),
    unit="事業",
    dates={"reiwa_genzai": "令和元年１１月５日", "western_jiten": "（2019年11月5日）"},
    attachment={"bessi_number": "別紙1", "bessi": "別紙", "shiryou": "資料1-4"},
    bare_in_lists=("field",),
)

SMC_TYPES = (
    ("大都市近郊型・地方都市型", "都市型", "類型Ⅰ　大都市近郊型・地方都市型"),
    ("地方郊外・過疎地型", "過疎地型", "類型Ⅱ　地方郊外・過疎地型"),
    ("観光地型", "観光型", "類型Ⅲ　観光地型"),
)


def _smc(track: str, groups: tuple[Group, ...], titles: dict[str, str]) -> KindSpec:
    return KindSpec(
        groups=groups, titles=titles, layout_csv="smc_lists.csv", csv_format="kind",
        roles={"number": "number", "prefecture": "prefecture", "area": "area",
               "project": "project", "lead": "lead", "group": "group"},
        standard_headers={"number": "No.", "prefecture": "都道府県", "area": "地域",
                          "project": "事業名", "lead": "代表団体", "group": "類型"},
        full_columns=("lead",), unit="地域" if track == "meti_pilot" else "事業",
        dates={"reiwa_genzai": "令和元年６月１８日", "western_jiten": "（2019年6月18日）"},
        attachment={"bessi_number": "別紙1" if track == "meti_pilot" else "別紙2",
                    "bessi": "別紙", "shiryou": "参考資料"},
        bare_in_lists=("lead",),
    )


SMC_METI = _smc("meti_pilot", (Group("meti_pilot", 13, "meti_pilot", 2019, {}, {}),),
                {"list_name": "スマートモビリティチャレンジ　パイロット地域一覧",
                 "ministry_only": "経済産業省　スマートモビリティチャレンジ　支援対象地域"})


def smc_mlit(sizes: tuple[int, int, int]) -> KindSpec:
    """MLIT's 19 先行モデル事業 in its three 類型, of ``sizes`` (they are not announced)."""
    groups = tuple(
        Group(standard, n, "mlit_model", 2019,
              {"standard": standard, "short": short, "long": long},
              {"standard": standard, "short": short, "long": standard})
        for (standard, short, long), n in zip(SMC_TYPES, sizes, strict=True))
    return _smc("mlit_model", groups,
                {"list_name": "新モビリティサービス推進事業　先行モデル事業一覧",
                 "ministry_only": "国土交通省　スマートモビリティチャレンジ　支援対象事業"})


@functools.lru_cache(maxsize=8)
def header_aliases(layout_csv: str, csv_format: str) -> dict[str, tuple[str, ...]]:
    """Reader role -> the header words of the kind's layout CSV (word endings ``*…`` left
    out: they are patterns, not words)."""
    out: dict[str, list[str]] = {}
    with (LAYOUTS / layout_csv).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if csv_format == "kind":
                if row["kind"] != "column":
                    continue
                role, alias = row["value"], row["text"]
            else:
                role, alias = row["role"], row["alias"]
            if not alias.startswith("*"):
                out.setdefault(role, []).append(alias)
    return {role: tuple(aliases) for role, aliases in out.items()}


def headers_for(spec: KindSpec, v: dict[str, str], rng: random.Random) -> dict[str, str]:
    if v["header_words"] != "synonym":
        return dict(spec.standard_headers)
    aliases = header_aliases(spec.layout_csv, spec.csv_format)
    return {role: rng.choice(aliases[spec.roles[role]]) for role in spec.standard_headers}


# --- how an entry is printed --------------------


@dataclass
class PrintedSelection:
    area_lines: list[str]  # the area cell, one text per printed line before wrapping
    prefecture: str  # the prefecture cell ('' without one)
    stated_prefecture: str | None  # the prefecture the row states (the truth's)


def printed_selection(s: Selection, area_form: str, joint: str) -> PrintedSelection:
    names = [lg.name for lg in s.areas]
    pref = s.prefecture
    first_is_pref = s.areas[0].is_prefecture
    stated: str | None = None
    if area_form in ("pref_column_every", "pref_column_once", "pref_subheadings"):
        stated = pref
    elif area_form == "prefixed" and not first_is_pref:
        names[0] = pref + names[0]
        stated = pref
    elif area_form == "bracketed" and not (first_is_pref and len(names) == 1):
        names[-1] = f"{names[-1]}（{pref}）"
        stated = pref
    if joint == "one_per_line":
        lines = names
    else:
        lines = [("、" if joint == "touten" else "・").join(names)]
    cell = pref if area_form in ("pref_column_every", "pref_column_once") else ""
    return PrintedSelection(lines, cell, stated)


def _truth(s: Selection, group: Group, p: PrintedSelection, v: dict[str, str],
           spec: KindSpec) -> SelectionRow:
    full = v["columns"] == "full"
    return SelectionRow(
        track=group.track, fiscal_year=group.fiscal_year,
        areas=tuple(lg.name for lg in s.areas), prefecture=p.stated_prefecture,
        project=s.project, lead=s.lead if full and "lead" in spec.full_columns else None)


# --- the drawer --------------------


@dataclass
class Context:
    """What every part of one drawing shares."""

    v: dict[str, str]
    spec: KindSpec
    headers: dict[str, str]
    geo: Geometry
    frame: Furniture


def furniture(v: dict[str, str], spec: KindSpec, total: int) -> Furniture:
    """The list's page furniture for the values ``v``."""
    return Furniture(
        title=spec.titles[v["title_scope"]], every_page=v["furniture_where"] == "every_page",
        attachment=spec.attachment.get(v["attachment_label"], ""),
        as_of=spec.dates.get(v["as_of"], ""), note=texts.NOTES[v["note"]],
        total=f"選定数：{texts.fullwidth(total)}{spec.unit}" if v["total"] == "top_line" else "",
        page_number=lambda page, pages: texts.page_number(v["page_number"], page, pages))


def draw_selections(path: Path, v: dict[str, str], spec: KindSpec,
                    entries: list[Selection], rng: random.Random) -> list[SelectionRow]:
    """Draw the list; returns the truth (every selection with the page its first line is on)."""
    headers = headers_for(spec, v, rng)
    geo = geometry(v["page_size"], v["orientation"])
    pages = 0
    rows: list[SelectionRow] = []
    for _ in range(2 if v["page_number"] == "slash" else 1):  # 3/12 needs the page count
        frame = furniture(v, spec, len(entries))
        frame.pages = pages
        ctx = Context(v, spec, headers, geo, frame)
        doc = Doc(path, geo, FONTS[v["font"]], f"{spec.titles} {v}", frame)
        family = v["family"]
        if family in ("table", "numbered_list"):
            rows = _table(doc, ctx, entries)
        elif family == "boxes":
            rows = _boxes(doc, ctx, entries)
        else:
            rows = _sheets(doc, ctx, entries)
        doc.save()
        pages = doc.page
    return rows


def _groups(ctx: Context, entries: list[Selection]) -> list[tuple[Group, list[Selection]]]:
    """The groups in list order with their entries (as the entries were made)."""
    out = []
    for group in ctx.spec.groups:
        members = [s for s in entries if s.group == group.key]
        if members:
            out.append((group, members))
    return out


def _group_heading(ctx: Context, group: Group, index: int, count: int) -> texts.HeadingText:
    label = group.labels.get(ctx.v["group_label"], group.labels.get("standard", ""))
    return texts.heading(ctx.v, label, index, count, ctx.spec.unit)


def _column_roles(ctx: Context) -> list[str]:
    v = ctx.v
    roles = []
    if v["numbering"] == "column":
        roles.append("number")
    if v["group_place"] in GROUP_COLUMNS:
        roles.append("group")
    if v["area_form"] in ("pref_column_every", "pref_column_once"):
        roles.append("prefecture")
    roles.append("area")
    roles.append("project")
    if v["columns"] == "full":
        roles += list(ctx.spec.full_columns)
    return roles


SHARES = {"number": 0.9, "group": 2.6, "prefecture": 2.0, "area": 3.2, "target_area": 3.0,
          "project": 7.0, "consortium": 4.0, "lead": 4.0, "field": 2.2}


def _table(doc: Doc, ctx: Context, entries: list[Selection]) -> list[SelectionRow]:
    v = ctx.v
    listed = v["family"] == "numbered_list"
    roles = _column_roles(ctx)
    width = min(ctx.geo.usable, 1000.0)
    share = sum(SHARES[r] for r in roles)
    columns = [Column(r, width * SHARES[r] / share, "" if listed else ctx.headers[r])
               for r in roles]
    group_mode = {"merged_column": "merged", "first_row": "once"}.get(v["group_place"], "every")
    modes = {"group": group_mode,
             "prefecture": "once" if v["area_form"] == "pref_column_once" else "every"}
    flow = Flow(doc, columns, ruling="none" if listed else v["ruling"],
                header="none" if listed else v["table_header"], group_modes=modes,
                size=9.0)
    items: list[Item] = []
    truth: list[SelectionRow] = []
    number = 0
    for index, (group, members) in enumerate(_groups(ctx, entries), start=1):
        head = _group_heading(ctx, group, index, len(members))
        place = v["group_place"]
        if place == "heading":
            items.append(Heading(head.text, 10.5, "line", spread=v["even_spacing"] ==
                                 "char_spread", spread_part=head.label,
                                 continued=head.continued, header_after=True))
        elif place in ("section_row", "shaded_section_row"):
            items.append(Heading(head.text, 9.5, "section",
                                 shaded=place == "shaded_section_row",
                                 spread=v["even_spacing"] == "char_spread",
                                 spread_part=head.label, continued=head.continued))
        elif place == "sheet_per_group":
            items.append(Gap(new_page=True, before=ctx.frame.group(head.text, head.continued)))
        subheading = None
        for s in members:
            number += 1
            p = printed_selection(s, v["area_form"], v["joint"])
            if v["area_form"] == "pref_subheadings" and s.prefecture != subheading:
                subheading = s.prefecture
                items.append(Heading(f"【{subheading}】", 9.0, "sub"))
            row = _truth(s, group, p, v, ctx.spec)
            truth.append(row)
            cells = _cells(doc, ctx, columns, s, p, number)
            groups: dict[str, str] = {}
            if "group" in roles:
                label = group.cell_labels.get(v["group_label"], group.cell_labels["standard"])
                groups["group"] = texts.spaced(label, v["even_spacing"]) \
                    if v["even_spacing"] == "ideographic_space" else label
            if "prefecture" in roles:
                groups["prefecture"] = p.prefecture
            items.append(Unit(cells, groups, row.placed))
    if v["total"] == "end_line":
        items.append(Gap(text=f"合計　{texts.fullwidth(len(entries))}{ctx.spec.unit}"))
    flow.run(items)
    return truth


def _cells(doc: Doc, ctx: Context, columns: list[Column], s: Selection, p: PrintedSelection,
           number: int) -> dict[str, list[Line]]:
    v = ctx.v
    mode = v["wrapping"] if v["wrapping"] != "n/a" else "within_cell"
    listed = v["family"] == "numbered_list"
    texts_by_role = {"project": s.project, "lead": s.lead, "consortium": s.consortium,
                     "target_area": s.target_area, "field": s.field,
                     "number": str(number)}
    cells: dict[str, list[Line]] = {}
    for col in columns:
        width = col.width - 5.0
        if col.role == "area":
            lines = list(p.area_lines)
            if v["numbering"] == "in_cell":
                lines[0] = texts.entry_number("in_cell", number, lines[0])
            cells["area"] = [ln for text in lines for ln in wrap(doc, text, width, 9.0, mode)]
        elif col.role in texts_by_role:
            text = texts_by_role[col.role]
            if listed and col.role in ctx.spec.full_columns and \
                    col.role not in ctx.spec.bare_in_lists:
                text = f"{ctx.headers[col.role]}：{text}"
            cells[col.role] = wrap(doc, text, width, 9.0, mode)
    return cells


# --- slides with one box per project --------------------


def _boxes(doc: Doc, ctx: Context, entries: list[Selection]) -> list[SelectionRow]:
    v = ctx.v
    geo = ctx.geo
    across = 3 if geo.width > geo.height else 2
    down = 3 if geo.height > 700 else 2
    gap = 14.0
    box_w = (geo.usable - (across - 1) * gap) / across
    truth: list[SelectionRow] = []
    number = 0
    full = v["columns"] == "full"
    for index, (group, members) in enumerate(_groups(ctx, entries), start=1):
        head = _group_heading(ctx, group, index, len(members))
        ctx.frame.group(head.text, head.continued)()
        per_slide = across * down
        for start in range(0, len(members), per_slide):
            top0 = doc.new_page()
            box_h = (doc.bottom - top0 - (down - 1) * gap) / down
            for k, s in enumerate(members[start:start + per_slide]):
                number += 1
                p = printed_selection(s, v["area_form"], v["joint"])
                row = _truth(s, group, p, v, ctx.spec)
                row.page = doc.page
                truth.append(row)
                x0 = MARGIN + (k % across) * (box_w + gap)
                top = top0 + (k // across) * (box_h + gap)
                doc.box(x0, top, x0 + box_w, top + box_h)
                lines: list[Line] = []
                if p.prefecture:
                    lines.append(Line(f"【{p.prefecture}】", 0.0, 10.0))
                area = list(p.area_lines)
                if v["numbering"] in ("column", "in_cell"):
                    area[0] = texts.entry_number("in_cell", number, area[0])
                for text in area:
                    lines += wrap(doc, text, box_w - 12, 11.0, "within_cell")
                lines += wrap(doc, s.project, box_w - 12, 9.0, "within_cell")
                if full and "lead" in ctx.spec.full_columns:
                    lines += wrap(doc, f"代表：{s.lead}", box_w - 12, 8.5, "within_cell")
                y = top + 6
                for ln in lines:
                    doc.text(x0 + 6 + ln.indent, y, ln.text, ln.size)
                    y += ln.size + 4
    return truth


# --- one sheet per project --------------------


def _sheets(doc: Doc, ctx: Context, entries: list[Selection]) -> list[SelectionRow]:
    v = ctx.v
    truth: list[SelectionRow] = []
    full = v["columns"] == "full"
    for index, (group, members) in enumerate(_groups(ctx, entries), start=1):
        head = _group_heading(ctx, group, index, len(members))
        ctx.frame.group(head.text, head.continued)()
        for s in members:
            top = doc.new_page()
            p = printed_selection(s, v["area_form"], v["joint"])
            row = _truth(s, group, p, v, ctx.spec)
            row.page = doc.page
            truth.append(row)
            fields: list[tuple[str, list[str]]] = []
            if p.prefecture:
                fields.append(("prefecture", [p.prefecture]))
            fields.append(("area", p.area_lines))
            fields.append(("project", [s.project]))
            if full:
                extra = {"lead": s.lead, "consortium": s.consortium,
                         "target_area": s.target_area, "field": s.field}
                fields += [(r, [extra[r]]) for r in ctx.spec.full_columns]
            value_x = MARGIN + 110
            width = ctx.geo.width - MARGIN - value_x
            top += 10
            for role, values in fields:
                doc.text(MARGIN, top, ctx.headers[role], 10.0)
                for text in values:
                    for ln in wrap(doc, text, width, 10.0, "indented"):
                        doc.text(value_x + ln.indent, top, ln.text, ln.size)
                        top += 16
                top += 8
    return truth
