"""Figures of the published dataset (``make report``): six PNGs and a Markdown page.

They are drawn from the published Parquet files only, so they show what a user of the dataset
gets, gaps included. Empty tables (a source missing) give a figure that says "no data" rather
than an error, because an incomplete publication is a normal state of this dataset.
Output bytes depend on the data only: fixed sizes and DPI, sorted inputs, no PNG timestamp.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import japanmap
import matplotlib
import matplotlib_fontja  # noqa: F401  (importing it registers and selects IPAex Gothic)
import numpy as np
import pandas as pd
from matplotlib import colors, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from pipeline import REPORT_DIR
from pipeline.announced import MEMBER_CATEGORIES, TRACKS
from pipeline.errors import PipelineError
from pipeline.workspace.files import atomic_write_bytes
from schemas import TABLES, columns

DPI = 120
NO_DATA = "データなし / no data"

# The contract's columns (from schemas/), used to give a missing table an empty frame.
TABLE_COLUMNS: dict[str, list[str]] = {table: columns(table) for table in TABLES}

CATEGORY_EN: dict[str, str] = {
    "company": "Companies etc.",
    "university_research": "Universities & research institutes",
    "local_government": "Local governments",
    "ministry_economic_org": "Ministries & economic organisations",
}

# Roles that make an agency the one "running" a programme, in order of preference: the
# platform has a secretariat of four ministries rather than a lead.
LEAD_ROLES: tuple[tuple[str, ...], ...] = (("lead", "co_lead"), ("secretariat",))
PLATFORM_PROGRAM = "scpf_2019"

COLOR_HELD = "#2b6cb0"
COLOR_ANNOUNCED = "#c9ced6"
COLOR_NONE = "#ececec"
COLOR_EDGE = "#ffffff"


@dataclass
class FigureSpec:
    """One figure with its file name and the one-line caption of the Markdown page."""

    name: str
    title: str
    caption: str
    figure: Figure


# ---------------------------------------------------------------------------------------------
# Input


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Read every contract table from ``out_dir/parquet``; an absent file reads as empty."""
    parquet_dir = out_dir / "parquet"
    if not parquet_dir.is_dir():
        raise PipelineError(
            f"no publication at {out_dir} (missing {parquet_dir}): run `make build` first"
        )
    tables = {}
    for name, names in TABLE_COLUMNS.items():
        path = parquet_dir / f"{name}.parquet"
        frame = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=names)
        for column in names:
            if column not in frame.columns:
                frame[column] = pd.Series(dtype="object")
        tables[name] = frame
    return tables


def _text(value: object) -> str:
    """A cell as text; nulls become ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _int_or_none(value: object) -> int | None:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else int(number)


def _group_ids(selections: pd.DataFrame) -> pd.Series:
    """One id per selected region/project: rows in two tracks share a selection_group_id."""
    group = selections["selection_group_id"].astype("object")
    return group.where(group.notna() & (group.astype(str) != ""), selections["selection_id"])


def _program_order(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Programmes by start year, then id; ids only seen in other tables come last."""
    programs = tables["programs"]
    known = programs.assign(_start=pd.to_numeric(programs["start_year"], errors="coerce"))
    known = known.sort_values(["_start", "program_id"], na_position="last", kind="stable")
    order = [str(p) for p in known["program_id"]]
    others = set(tables["selections"]["program_id"].dropna().astype(str))
    others |= set(tables["coverage"]["program_id"].dropna().astype(str))
    return order + sorted(others - set(order))


def _no_data(ax, message: str) -> None:
    ax.set_axis_off()
    ax.text(
        0.5, 0.5, f"{NO_DATA}\n{message}", ha="center", va="center", fontsize=13,
        color="#555555", transform=ax.transAxes,
    )


def _new_figure(width: float, height: float) -> Figure:
    """A figure on its own Agg canvas: no pyplot, no global backend switch, no display."""
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _empty_figure(
    name: str, title: str, short_title: str, reason: str, caption: str, size: tuple[float, float]
) -> FigureSpec:
    """A figure that says there is no data (and why) instead of failing on an empty table."""
    fig = _new_figure(*size)
    ax = fig.add_subplot()
    ax.set_title(title)
    _no_data(ax, reason)
    return FigureSpec(name, short_title, caption, fig)


# ---------------------------------------------------------------------------------------------
# 1. Platform members by category


def figure_members(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """Bar chart of platform members per category, in the order the official list uses."""
    members = tables["platform_members"]
    title = "スマートシティ官民連携プラットフォーム 会員 / Platform members by category"
    name = "1_platform_members_by_category.png"
    if members.empty:
        return _empty_figure(
            name, title, "Platform members by category",
            "platform_members has no rows (source missing?)",
            "No member rows: platform_members is empty (source missing?).", (9, 5.2),
        )
    fig = _new_figure(9, 5.2)
    ax = fig.add_subplot()
    counts = members["category"].astype(str).value_counts()
    categories = [c for c in MEMBER_CATEGORIES if c in counts.index]
    categories += sorted(set(counts.index) - set(MEMBER_CATEGORIES))
    values = [int(counts[c]) for c in categories]
    printed = (
        members.dropna(subset=["category_ja"]).astype({"category": str})
        .sort_values(["category", "category_ja"]).groupby("category")["category_ja"].first()
    )
    labels = [
        f"{MEMBER_CATEGORIES.get(c) or printed.get(c, c)}\n{CATEGORY_EN.get(c, c)}"
        for c in categories
    ]
    x = np.arange(len(categories))
    bars = ax.bar(x, values, color=COLOR_HELD, width=0.6)
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize=11)
    ax.set_xticks(x, labels, fontsize=10)
    ax.set_ylabel("会員数 / members")
    ax.set_ylim(0, max(values) * 1.15 + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    as_of = sorted({_text(v)[:10] for v in members["as_of"] if _text(v)})
    when = f" (as of {', '.join(as_of)})" if as_of else ""
    ax.set_title(f"{title}\n{sum(values)} members{when}", fontsize=12)
    caption = (
        f"{sum(values)} member organisations of the Smart City Public-Private Partnership "
        f"Platform{when}, by the category heading of the official list."
    )
    return FigureSpec(name, "Platform members by category", caption, fig)


# ---------------------------------------------------------------------------------------------
# 2. Programme timeline


def _lead_agencies(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """program_id -> lead agencies' abbreviations ('MLIT / CAO'), from program_agencies."""
    links = tables["program_agencies"]
    agencies = tables["agencies"]
    short = {
        str(a): _text(b) or _text(e) or str(a)
        for a, b, e in zip(
            agencies["agency_id"], agencies["abbreviation"], agencies["name_en"], strict=True
        )
    }
    leads: dict[str, str] = {}
    for program_id, rows in links.groupby("program_id", sort=True):
        roles = rows["role"].astype(str)
        for wanted in LEAD_ROLES:
            chosen = rows[roles.isin(wanted)]
            if not chosen.empty:
                rank = chosen["role"].map({r: i for i, r in enumerate(wanted)})
                chosen = chosen.assign(_rank=rank).sort_values(["_rank", "agency_id"])
                names = [short.get(str(a), str(a)) for a in chosen["agency_id"]]
                role = "secretariat" if wanted == ("secretariat",) else "lead"
                leads[str(program_id)] = f"{role}: {' / '.join(names)}"
                break
    return leads


def figure_timeline(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """Programmes as start–end year bars, labelled with lead agencies and selection counts."""
    programs = tables["programs"]
    name = "2_programme_timeline.png"
    title = "国の主なスマートシティ事業 / National programmes: years, lead agencies, selections"
    if programs.empty:
        return _empty_figure(
            name, title, "Programme timeline", "programs has no rows",
            "No programme rows: programs is empty.", (11, 4),
        )
    order = [p for p in _program_order(tables) if p in set(programs["program_id"].astype(str))]
    by_id = programs.assign(program_id=programs["program_id"].astype(str)).set_index("program_id")
    selections = tables["selections"]
    per_program = (
        selections.assign(_group=_group_ids(selections))
        .groupby(selections["program_id"].astype(str))["_group"].nunique()
    )
    n_members = len(tables["platform_members"])
    leads = _lead_agencies(tables)

    fig = _new_figure(12, 1.0 + 0.72 * len(order))
    ax = fig.add_subplot()
    starts = [_int_or_none(by_id.at[p, "start_year"]) for p in order]
    ends = [_int_or_none(by_id.at[p, "end_year"]) for p in order]
    known_years = [y for y in starts + ends if y is not None]
    lo = min(known_years) if known_years else 2010
    hi = max(known_years) if known_years else lo
    undated = []
    for row, (program_id, start, end) in enumerate(zip(order, starts, ends, strict=True)):
        if program_id == PLATFORM_PROGRAM:
            count = f"{n_members} members" if n_members else "members: no data"
        else:
            n = int(per_program.get(program_id, 0))
            count = f"{n} selection{'s' if n != 1 else ''}"
        label = " · ".join(x for x in (leads.get(program_id, ""), count) if x)
        if start is None:
            undated.append(program_id)
            ax.text(lo, row, "years unknown", va="center", fontsize=9, color="#555")
            ax.annotate(label, (1.01, row), xycoords=("axes fraction", "data"), va="center",
                        fontsize=9)
            continue
        last = end if end is not None and end >= start else start
        ax.barh(row, last + 1 - start, left=start, height=0.55, color=COLOR_HELD,
                hatch=None if end is not None else "//", edgecolor="white")
        years = f"{start}–{end}" if end is not None and end != start else f"{start}"
        if end is None:
            years += "–"  # still running, or the source gives no end year
        ax.text(last + 1.1, row, years, va="center", fontsize=9)
        ax.annotate(label, (1.01, row), xycoords=("axes fraction", "data"), va="center",
                    fontsize=9)
    ax.set_yticks(
        range(len(order)),
        [f"{_text(by_id.at[p, 'name_ja'])}\n{_text(by_id.at[p, 'name_en'])}" for p in order],
        fontsize=9,
    )
    ax.invert_yaxis()
    ax.set_xlim(lo - 0.5, hi + 3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year (a bar spans its start and end years; hatched: no end year given)")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=12)
    caption = (
        f"{len(order)} programmes by start and end year (a hatched single-year bar where no end "
        "year is given), their lead agencies (the platform: its secretariat) and the number of "
        "regions or projects selected that the dataset holds (a region selected in two tracks "
        "counts once; figure 4 compares with the announced counts)."
    )
    if undated:
        caption += f" No start year: {', '.join(undated)}."
    return FigureSpec(name, "Programme timeline", caption, fig)


# ---------------------------------------------------------------------------------------------
# 3. Map by prefecture


def _prefecture_of(lg_codes: pd.Series, municipalities: pd.DataFrame) -> pd.Series:
    """Prefecture number (1–47) of each lg_code: the municipalities table, else its first two
    digits (JIS X 0402 codes start with the prefecture code)."""
    lookup = dict(
        zip(
            municipalities["lg_code"].astype(str),
            municipalities["prefecture_code"].astype(str),
            strict=True,
        )
    )
    codes = lg_codes.astype(str).map(lambda c: lookup.get(c) or c[:2])
    return pd.to_numeric(codes, errors="coerce").astype("Int64")


def _prefecture_counts(tables: dict[str, pd.DataFrame]) -> tuple[pd.Series, pd.Series, int]:
    """Selections and local-government members per prefecture number; and the number of
    selections that cover no matched local government (they cannot be mapped)."""
    selections = tables["selections"]
    areas = tables["selection_areas"]
    municipalities = tables["municipalities"]
    groups = dict(zip(selections["selection_id"], _group_ids(selections), strict=True))
    located = areas.dropna(subset=["lg_code"])
    located = located.assign(
        _pref=_prefecture_of(located["lg_code"], municipalities),
        _group=located["selection_id"].map(groups).fillna(located["selection_id"]),
    ).dropna(subset=["_pref"])
    per_selection = located.groupby("_pref")["_group"].nunique()
    unlocated = len(set(groups.values()) - set(located["_group"]))

    members = tables["platform_members"]
    local = members[
        (members["category"].astype(str) == "local_government") & members["lg_code"].notna()
    ]
    per_member = _prefecture_of(local["lg_code"], municipalities).dropna().value_counts()
    index = range(1, japanmap.NUM_PREF + 1)
    return (
        per_selection.reindex(index, fill_value=0).astype(int),
        per_member.reindex(index, fill_value=0).astype(int),
        unlocated,
    )


def _palette(name: str, vmax: int) -> tuple[colors.Colormap, colors.Normalize, list[int] | None]:
    """Colours for counts 1..vmax: one shade per count when counts are small, a ramp otherwise.

    The ramp starts at a visible shade (the pale end of a sequential map looks like "none"),
    and zero falls below the first bin so that it is drawn grey.
    """
    base = matplotlib.colormaps[name]
    if vmax <= 12:
        shades = np.linspace(0.35, 0.95, vmax) if vmax > 1 else np.array([0.6])
        palette = colors.ListedColormap(base(shades)).with_extremes(under=COLOR_NONE)
        norm = colors.BoundaryNorm(np.arange(0.5, vmax + 1.5), ncolors=vmax)
        return palette, norm, list(range(1, vmax + 1))
    palette = colors.ListedColormap(base(np.linspace(0.3, 1.0, 256)))
    return palette.with_extremes(under=COLOR_NONE), colors.Normalize(vmin=0.5, vmax=vmax), None


def _draw_map(fig: Figure, ax, counts: pd.Series, title: str, label: str, cmap: str) -> None:
    points = japanmap.pref_points()  # Hokkaido and Okinawa moved into insets
    polygons = [np.asarray(p) for p in points]
    values = counts.to_numpy(dtype=float)
    vmax = int(values.max()) if len(values) else 0
    ax.set_title(title, fontsize=11)
    ax.set_aspect(1 / math.cos(math.radians(36)))
    ax.set_axis_off()
    if vmax == 0:
        collection = PolyCollection(polygons, facecolors=COLOR_NONE, edgecolors=COLOR_EDGE,
                                    linewidths=0.4)
        ax.add_collection(collection)
        ax.autoscale_view()
        for box in _inset_boxes(polygons):
            ax.add_patch(box)
        ax.text(0.5, 0.5, f"{NO_DATA}\n{label}: 0", ha="center", va="center", fontsize=13,
                color="#555555", transform=ax.transAxes,
                bbox={"facecolor": "white", "edgecolor": "#bbbbbb", "alpha": 0.9})
        return
    palette, norm, ticks = _palette(cmap, vmax)
    collection = PolyCollection(polygons, array=values, cmap=palette, norm=norm,
                                edgecolors=COLOR_EDGE, linewidths=0.4)
    ax.add_collection(collection)
    ax.autoscale_view()
    outline = [patheffects.withStroke(linewidth=2, foreground="white")]
    for number, polygon in enumerate(polygons, start=1):
        if values[number - 1] > 0:
            x, y = polygon.mean(axis=0)
            ax.text(x, y, str(int(values[number - 1])), ha="center", va="center", fontsize=7,
                    path_effects=outline)
    for box in _inset_boxes(polygons):
        ax.add_patch(box)
    bar = fig.colorbar(collection, ax=ax, shrink=0.6, pad=0.01, label=label, ticks=ticks)
    if ticks is None:
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    bar.ax.minorticks_off()


def _inset_boxes(polygons: list[np.ndarray]) -> list[Rectangle]:
    """Thin frames around Hokkaido and Okinawa, drawn away from their real position."""
    boxes = []
    for number in (1, 47):
        (x0, y0), (x1, y1) = polygons[number - 1].min(axis=0), polygons[number - 1].max(axis=0)
        pad = 0.3
        boxes.append(Rectangle((x0 - pad, y0 - pad), x1 - x0 + 2 * pad, y1 - y0 + 2 * pad,
                               fill=False, edgecolor="#999999", linewidth=0.6))
    return boxes


def figure_map(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """Two choropleths: selections per prefecture and local-government members per prefecture."""
    title = "Selections and members by prefecture"
    selections, members, unlocated = _prefecture_counts(tables)
    fig = _new_figure(12, 6.4)
    left, right = fig.subplots(1, 2)
    _draw_map(fig, left, selections, "選定数 / selections per prefecture", "selections",
              "Blues")
    _draw_map(fig, right, members,
              "プラットフォーム会員（地方公共団体）/ local-government members", "members",
              "Oranges")
    fig.suptitle("都道府県別 / By prefecture (Hokkaido and Okinawa in frames)", fontsize=12)
    categories = tables["platform_members"]["category"].astype(str)
    n_other = int((categories != "local_government").sum())
    n_uncoded = int((categories == "local_government").sum()) - int(members.sum())
    if selections.sum() == 0:
        caption = "Left: no data (no selection is matched to a local government)"
    else:
        caption = (
            f"Left: selections in {int((selections > 0).sum())} prefectures, via "
            "selection_areas (a selection covering several prefectures counts in each; a "
            "region selected in two tracks counts once)"
        )
    if unlocated:
        caption += f"; {unlocated} selection(s) with no matched local government not shown"
    if tables["platform_members"].empty:
        caption += ". Right: no data (platform_members is empty; source missing?)."
        return FigureSpec(name="3_prefecture_map.png", title=title, caption=caption, figure=fig)
    if members.sum() == 0:
        caption += ". Right: no data (no local-government member with an lg_code)"
    else:
        caption += f". Right: {int(members.sum())} local-government members by prefecture"
    if n_uncoded:
        caption += f" ({n_uncoded} local-government member(s) without an lg_code not shown)"
    caption += (
        f"; the other {n_other} members (companies, universities, ministries and economic "
        "organisations) have no location in the list and are not mapped."
    )
    return FigureSpec(name="3_prefecture_map.png", title=title, caption=caption, figure=fig)


# ---------------------------------------------------------------------------------------------
# 4. Coverage: announced vs held


def figure_coverage(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """Announced against held selections per programme and track (all years and rounds)."""
    coverage = tables["coverage"]
    name = "4_coverage_announced_vs_held.png"
    title = "公表数と収録数 / Selections announced vs held in the dataset"
    if coverage.empty:
        return _empty_figure(
            name, title, "Coverage", "coverage has no rows",
            "No coverage rows: coverage is empty.", (10, 4),
        )
    frame = coverage.assign(
        program_id=coverage["program_id"].astype(str),
        track=coverage["track"].astype(str),
        announced=pd.to_numeric(coverage["announced_count"], errors="coerce"),
        held=pd.to_numeric(coverage["held_count"], errors="coerce").fillna(0),
        year=pd.to_numeric(coverage["fiscal_year"], errors="coerce"),
    )
    summary = frame.groupby(["program_id", "track"], sort=False).agg(
        announced=("announced", lambda s: s.sum(min_count=1)),
        held=("held", "sum"),
        first=("year", "min"),
        last=("year", "max"),
    )
    program_rank = {p: i for i, p in enumerate(_program_order(tables))}

    def track_rank(key: tuple[str, str]) -> tuple[int, int, str]:
        tracks = list(TRACKS.get(key[0], {}))
        return (program_rank.get(key[0], 99),
                tracks.index(key[1]) if key[1] in tracks else 99, key[1])

    keys = sorted(summary.index, key=track_rank)
    names = dict(zip(tables["programs"]["program_id"].astype(str),
                     tables["programs"]["name_ja"].map(_text), strict=True))
    fig = _new_figure(11, 1.2 + 0.62 * len(keys))
    ax = fig.add_subplot()
    y = np.arange(len(keys))
    height = 0.38
    announced = [summary.at[k, "announced"] for k in keys]
    held = [int(summary.at[k, "held"]) for k in keys]
    bars_a = ax.barh(y - height / 2, [0 if pd.isna(a) else a for a in announced], height,
                     color=COLOR_ANNOUNCED, label="announced (公表)")
    bars_h = ax.barh(y + height / 2, held, height, color=COLOR_HELD, label="held (収録)")
    ax.bar_label(bars_a, labels=["n/a" if pd.isna(a) else str(int(a)) for a in announced],
                 padding=2, fontsize=8)
    ax.bar_label(bars_h, labels=[str(h) for h in held], padding=2, fontsize=8)
    labels = []
    for program_id, track in keys:
        first, last = summary.at[(program_id, track), "first"], summary.at[(program_id, track),
                                                                           "last"]
        years = "" if pd.isna(first) else (
            f"FY{int(first)}" if first == last else f"FY{int(first)}–{int(last)}"
        )
        track_ja = TRACKS.get(program_id, {}).get(track, "")
        labels.append(
            f"{names.get(program_id) or program_id}\n{track_ja or track} ({track}, {years})"
        )
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    top = max([h for h in held] + [a for a in announced if not pd.isna(a)] + [1])
    ax.set_xlim(0, top * 1.12 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("selections")
    fig.legend(handles=[bars_a, bars_h], loc="outside lower center", ncols=2, fontsize=9,
               frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=12)
    short = sum(1 for a, h in zip(announced, held, strict=True) if not pd.isna(a) and h < a)
    caption = (
        f"Announced selections against rows held, per programme and track ({len(keys)} tracks, "
        f"fiscal years and rounds added up); {short} track(s) hold fewer rows than announced."
    )
    return FigureSpec(name, "Coverage: announced vs held", caption, fig)


# ---------------------------------------------------------------------------------------------
# 5. Programme families over the years: held / announced


def _families(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """program_id -> family_id (a programme without one is its own family), and each family's
    programmes in start-year order."""
    programs = tables["programs"]
    family = {
        str(p): (_text(f) or str(p))
        for p, f in zip(programs["program_id"], programs["family_id"], strict=True)
    }
    members: dict[str, list[str]] = {}
    for program_id in _program_order(tables):
        members.setdefault(family.get(program_id, program_id), []).append(program_id)
    return family, members


def figure_families(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """One row per programme family (a programme and its successors), one column per fiscal
    year: selections held / announced, every track and round of the year together."""
    name = "5_programme_families_by_year.png"
    title = "事業の系譜と年度 / Programme families by fiscal year: held / announced"
    coverage = tables["coverage"]
    coverage = coverage[coverage["program_id"].astype(str) != PLATFORM_PROGRAM]
    if coverage.empty:
        return _empty_figure(name, title, "Programme families by year", "coverage has no rows",
                             "No coverage rows: coverage is empty.", (12, 4))
    family, members = _families(tables)
    frame = coverage.assign(
        family=coverage["program_id"].astype(str).map(lambda p: family.get(p, p)),
        year=pd.to_numeric(coverage["fiscal_year"], errors="coerce").astype(int),
        announced=pd.to_numeric(coverage["announced_count"], errors="coerce"),
        held=pd.to_numeric(coverage["held_count"], errors="coerce").fillna(0).astype(int),
    )
    years = list(range(int(frame["year"].min()), int(frame["year"].max()) + 1))
    order = [f for f in members if f in set(frame["family"])]
    names = dict(zip(tables["programs"]["program_id"].astype(str),
                     tables["programs"]["name_ja"].map(_text), strict=True))
    fig = _new_figure(max(12, 1.6 + 0.72 * len(years)), 1.4 + 0.78 * len(order))
    ax = fig.add_subplot()
    unknown_cells = 0
    for row, fam in enumerate(order):
        part = frame[frame["family"] == fam]
        for col, year in enumerate(years):
            cell = part[part["year"] == year]
            if cell.empty:
                continue
            counted = cell[cell["announced"].notna()]
            held = int(counted["held"].sum())
            announced = int(counted["announced"].sum())
            uncounted = cell[cell["announced"].isna()]
            unknown = len(uncounted)
            unknown_cells += bool(unknown)
            share = min(held, announced) / announced if announced else 0.0
            colour = colors.to_hex(matplotlib.colormaps["Blues"](0.15 + 0.75 * share))
            ax.add_patch(Rectangle((col, row), 0.94, 0.86, facecolor=colour,
                                   edgecolor="#999999" if unknown else "white",
                                   linestyle="--" if unknown else "-", linewidth=0.8))
            label = f"{held}/{announced}" if len(counted) else ""
            if unknown:
                label += f"\n+{int(uncounted['held'].sum())}/?"
            ax.text(col + 0.47, row + 0.43, label, ha="center", va="center", fontsize=8,
                    color="white" if share > 0.6 else "#222222")
    ax.set_xlim(0, len(years))
    ax.set_ylim(len(order), 0)
    ax.set_xticks([c + 0.47 for c in range(len(years))], [f"FY{y}" for y in years],
                  fontsize=8, rotation=45)
    ax.set_yticks(
        [r + 0.43 for r in range(len(order))],
        ["\n→ ".join(names.get(p) or p for p in members[f]) for f in order], fontsize=8,
    )
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    ax.set_title(title, fontsize=12)
    caption = (
        f"{len(order)} programme families (a programme and the programmes that followed it, "
        "programs.family_id), fiscal years "
        f"FY{years[0]}–FY{years[-1]}: selections held / announced, every track and round of "
        "the year added up; the darker the cell, the more of the announced lists is held. "
        f"'+n/?' (dashed frame, {unknown_cells} cell(s)): n rows held of a list of that year "
        "whose count no source states (or of no announced round), kept out of the sum."
    )
    return FigureSpec(name, "Programme families by fiscal year", caption, fig)


# ---------------------------------------------------------------------------------------------
# 6. The platform over time


def figure_platform_counts(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """The platform's total membership on each date a source states it."""
    name = "6_platform_members_over_time.png"
    title = "プラットフォーム会員数の推移 / Platform members over time"
    counts = tables["platform_member_counts"]
    if counts.empty:
        return _empty_figure(name, title, "Platform members over time",
                             "platform_member_counts has no rows",
                             "No rows: platform_member_counts is empty.", (10, 4.5))
    frame = counts.assign(
        when=pd.to_datetime(counts["as_of"]),
        total=pd.to_numeric(counts["total"]),
        approx=counts["total_approximate"].astype(bool),
    ).sort_values(["when", "total"])
    fig = _new_figure(10, 4.8)
    ax = fig.add_subplot()
    ax.plot(frame["when"], frame["total"], color=COLOR_ANNOUNCED, linewidth=1, zorder=1)
    for approx, marker in ((False, "o"), (True, "^")):
        part = frame[frame["approx"] == approx]
        ax.scatter(part["when"], part["total"], color=COLOR_HELD, marker=marker, zorder=2,
                   label="約 (approximate)" if approx else "stated exactly")
    for when, rows in frame.groupby("when", sort=True):  # 2019-08-08: 471 and 473
        label = " / ".join(("約" if a else "") + str(int(t))
                           for t, a in zip(rows["total"], rows["approx"], strict=True))
        ax.annotate(label, (when, rows["total"].max()), textcoords="offset points",
                    xytext=(0, 7), ha="center", fontsize=8)
    ax.set_ylim(0, int(frame["total"].max()) * 1.18)
    ax.set_ylabel("会員数 / members")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=12)
    first, last = frame.iloc[0], frame.iloc[-1]
    caption = (
        f"{len(frame)} counts of the Smart City Public-Private Partnership Platform's members "
        f"stated by the sources (platform_member_counts), from {int(first.total)} on "
        f"{first.when.date()} to {'約' if last.approx else ''}{int(last.total)} on "
        f"{last.when.date()}; two dates may carry two figures (the first report and the "
        "correction of 2019-08-08). The members themselves are the 2019 list "
        "(platform_members)."
    )
    return FigureSpec(name, "Platform members over time", caption, fig)


# ---------------------------------------------------------------------------------------------
# Output

FIGURES: tuple[Callable[[dict[str, pd.DataFrame]], FigureSpec], ...] = (
    figure_members,
    figure_timeline,
    figure_map,
    figure_coverage,
    figure_families,
    figure_platform_counts,
)


def build_figures(tables: dict[str, pd.DataFrame]) -> list[FigureSpec]:
    """Every figure, drawn in memory (tests inspect them without writing files)."""
    return [draw(tables) for draw in FIGURES]


def png_bytes(figure: Figure) -> bytes:
    """The PNG of a figure without the Software tag, so bytes depend on the drawing only."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None},
                   facecolor="white")
    return buffer.getvalue()


def _markdown(specs: list[FigureSpec]) -> str:
    lines = [
        "# Figures",
        "",
        "Drawn by `make report` from the published Parquet files in this folder's parent. "
        "Where a table is empty (a source was missing at build time) the figure says "
        "*no data*; see `../validation_report.json` and `../README.md` for which sources "
        "are missing.",
        "",
    ]
    for number, spec in enumerate(specs, start=1):
        lines += [f"## {number}. {spec.title}", "", f"![{spec.title}]({spec.name})", "",
                  spec.caption, ""]
    return "\n".join(lines)


def make_report(out_dir: Path) -> list[Path]:
    """Write the figures and ``report/README.md`` under ``out_dir``; return their paths."""
    specs = build_figures(load_tables(out_dir))
    report_dir = out_dir / REPORT_DIR
    written = []
    for spec in specs:
        path = report_dir / spec.name
        atomic_write_bytes(path, png_bytes(spec.figure))
        written.append(path)
    readme = report_dir / "README.md"
    atomic_write_bytes(readme, _markdown(specs).encode("utf-8"))
    written.append(readme)
    return written
