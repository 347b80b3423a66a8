"""Figures of the published dataset (``make report``): six PNGs and a Markdown page.

They are drawn from the published Parquet files only, so they show what a user of the dataset
gets, gaps included: each title says how much of what was announced the dataset holds
(``coverage``) and on what evidence (``evidence``), and each PNG carries its title and caption
as PNG text, so that a figure shown alone still says how much it shows. Empty tables (a source
missing) give a figure that says "no data" rather than an error, because an incomplete
publication is a normal state of this dataset. Output bytes depend on the data only: fixed
sizes and DPI, sorted inputs, no PNG timestamp.
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
from pipeline.announced import MEMBER_CATEGORIES, PLATFORM_AS_OF, TRACKS
from pipeline.errors import PipelineError
from pipeline.workspace.files import atomic_write_bytes
from schemas import TABLES, columns
from schemas.vocabularies import EVIDENCE_WORDS, evidence_text
from schemas.vocabularies import PLATFORM_PROGRAM_ID as PLATFORM_PROGRAM

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

COLOR_HELD = "#2b6cb0"
COLOR_ANNOUNCED = "#c9ced6"
COLOR_NONE = "#ececec"
COLOR_EDGE = "#ffffff"


@dataclass
class FigureSpec:
    """One figure: its file name, the heading of the Markdown page, the title drawn on it (and
    written into the PNG's metadata) and its caption (the page's, and the PNG's Description)."""

    name: str
    heading: str
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
    name: str, heading: str, title: str, reason: str, caption: str, size: tuple[float, float]
) -> FigureSpec:
    """A figure that says there is no data (and why) instead of failing on an empty table."""
    fig = _new_figure(*size)
    ax = fig.add_subplot()
    _suptitle(fig, title)
    _no_data(ax, reason)
    return FigureSpec(name, heading, title, caption, fig)


def _suptitle(fig: Figure, title: str) -> None:
    """The figure's title, drawn once at its top: the text the PNG's Title metadata repeats."""
    fig.suptitle(title, fontsize=12)


def _sentence(text: str) -> str:
    """A caption's clause as a sentence: its first letter upper-case, nothing else changed."""
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# How much each figure shows: held against announced, and on what evidence

@dataclass(frozen=True)
class Held:
    """How much of what a programme (or the platform) announced the published tables hold.

    ``rows`` are the published rows (selections, or members); ``counted`` those coverage
    counts against an announced figure, each figure's rows at most its announced count (the
    datapackage's ``announced_*_held`` counts the same way); ``announced`` sums those figures
    (None: no figure announced). ``outside`` are held rows no announced figure counts, by
    reason; ``evidence`` is every held row by its evidence grade.
    """

    rows: int
    counted: int
    announced: int | None
    outside: dict[str, int]
    evidence: dict[str, int]

    @property
    def partial(self) -> bool:
        return self.announced is None or self.counted < self.announced

    def count_text(self, noun: str) -> str:
        """'33 of 471 members', '4 of 12 selections (+2 round not known)', '5 selections
        (number announced not known)'."""
        if self.announced is None:
            return f"{self.rows} {noun} (number announced not known)"
        text = f"{self.counted} of {self.announced} {noun}"
        extra = ", ".join(f"+{n} {why}" for why, n in self.outside.items() if n)
        return f"{text} ({extra})" if extra else text

    def evidence_text(self) -> str:
        """'evidence: official pages 2, secondary sources 31' (every grade held, in order)."""
        return evidence_text(self.evidence)

    def summary(self, noun: str) -> str:
        """One line a title carries: partial or complete, held of announced, the evidence."""
        state = "partial" if self.partial else "complete"
        return f"{state}: {self.count_text(noun)} · {self.evidence_text()}"


OUTSIDE_NO_YEAR = "year not confirmed"
OUTSIDE_NO_FIGURE = "outside the announced rounds"
OUTSIDE_BEYOND = "beyond the announced number"


def _fact_rows(tables: dict[str, pd.DataFrame], program_ids: set[str],
               tracks: set[str] | None) -> pd.DataFrame:
    """The published rows behind some coverage rows: selections, or for the platform its
    members (a member's category is its coverage track)."""
    if program_ids == {PLATFORM_PROGRAM}:
        rows, track = tables["platform_members"], "category"
    elif PLATFORM_PROGRAM in program_ids:
        raise ValueError("selections and platform members are counted apart")
    else:
        rows, track = tables["selections"], "track"
        rows = rows[rows["program_id"].astype(str).isin(program_ids)]
    if tracks is not None:
        rows = rows[rows[track].astype(str).isin(tracks)]
    return rows


def held_of(tables: dict[str, pd.DataFrame], program_ids: set[str] | str,
            tracks: set[str] | None = None) -> Held:
    """Held against announced for some programmes (and tracks), read from coverage and the
    published fact rows: the one count every figure's title and caption gives."""
    program_ids = {program_ids} if isinstance(program_ids, str) else set(program_ids)
    coverage = tables["coverage"]
    scope = coverage[coverage["program_id"].astype(str).isin(program_ids)]
    if tracks is not None:
        scope = scope[scope["track"].astype(str).isin(tracks)]
    held = pd.to_numeric(scope["held_count"], errors="coerce").fillna(0).astype(int)
    announced = pd.to_numeric(scope["announced_count"], errors="coerce")
    has_figure = announced.notna()
    counted = int(held[has_figure].clip(upper=announced[has_figure]).sum())
    rows = _fact_rows(tables, program_ids, tracks)
    # Selections whose year is not confirmed count in no coverage row.
    no_year = int(rows["fiscal_year"].isna().sum()) if "fiscal_year" in rows else 0
    outside = {
        OUTSIDE_NO_YEAR: no_year,
        OUTSIDE_NO_FIGURE: int(held[~has_figure].sum()),
        OUTSIDE_BEYOND: int((held[has_figure] - announced[has_figure]).clip(lower=0).sum()),
    }
    grades = rows["evidence"].map(_text).replace("", "not graded").value_counts()
    order = [g for g in EVIDENCE_WORDS if g in grades.index]
    order += sorted(set(grades.index) - set(order))
    return Held(
        rows=len(rows),
        counted=counted,
        announced=int(announced[has_figure].sum()) if has_figure.any() else None,
        outside={why: n for why, n in outside.items() if n},
        evidence={grade: int(grades[grade]) for grade in order},
    )



def _selection_programs(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Every programme that selects regions or projects (all but the platform)."""
    ids = set(tables["coverage"]["program_id"].dropna().astype(str))
    ids |= set(tables["selections"]["program_id"].dropna().astype(str))
    return ids - {PLATFORM_PROGRAM}


def _whole(tables: dict[str, pd.DataFrame]) -> tuple[Held, Held]:
    """Held against announced for every selection, and for the platform's members."""
    return held_of(tables, _selection_programs(tables)), held_of(tables, PLATFORM_PROGRAM)


def _whole_line(tables: dict[str, pd.DataFrame], evidence: bool = False) -> str:
    """'partial: 61 of 108 selections (…) and 33 of 471 platform members held', with the
    evidence of each when asked (captions)."""
    selections, members = _whole(tables)
    state = "partial" if selections.partial or members.partial else "complete"
    parts = [selections.count_text("selections"), members.count_text("platform members")]
    if evidence:
        parts = [f"{text} ({held.evidence_text()})"
                 for text, held in zip(parts, (selections, members), strict=True)]
    return f"{state}: {parts[0]} and {parts[1]} held"


# ---------------------------------------------------------------------------------------------
# 1. Platform members by category


def _announced_per_track(tables: dict[str, pd.DataFrame], program_id: str) -> dict[str, int]:
    """The announced figure of each track of a programme (all years and rounds), from coverage."""
    coverage = tables["coverage"]
    rows = coverage[coverage["program_id"].astype(str) == program_id]
    counts = pd.to_numeric(rows["announced_count"], errors="coerce")
    summed = counts.groupby(rows["track"].astype(str)).sum(min_count=1).dropna()
    return {str(track): int(n) for track, n in summed.items()}


def _announced_sources(tables: dict[str, pd.DataFrame], program_id: str) -> list[str]:
    """The sources (coverage.announced_source_id) a programme's announced figures cite."""
    coverage = tables["coverage"]
    rows = coverage[coverage["program_id"].astype(str) == program_id]
    return sorted({_text(s) for s in rows["announced_source_id"] if _text(s)})


def figure_members(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """Platform members per category held, against the number announced, in the official
    breakdown's order."""
    members = tables["platform_members"]
    name = "1_platform_members_by_category.png"
    heading = "Platform members by category"
    held = held_of(tables, PLATFORM_PROGRAM)
    as_of = sorted({_text(v)[:10] for v in members["as_of"] if _text(v)})
    when = f" (as of {', '.join(as_of)})" if as_of else ""
    title = (
        "スマートシティ官民連携プラットフォーム 会員 / Platform members by category"
        f"{when}\n{held.summary('members')}"
    )
    cited = _announced_sources(tables, PLATFORM_PROGRAM)
    announced_from = (
        f"the number announced (grey; coverage.announced_count, cited as {', '.join(cited)})"
        if cited else "no announced number (coverage has no row for the platform)"
    )
    if members.empty:
        return _empty_figure(
            name, heading, title, "platform_members has no rows (source missing?)",
            f"No member rows: platform_members is empty (source missing?); {announced_from}. "
            f"{_sentence(held.summary('members'))}.",
            (9, 5.4),
        )
    fig = _new_figure(9, 5.4)
    ax = fig.add_subplot()
    counts = members["category"].astype(str).value_counts()
    announced = _announced_per_track(tables, PLATFORM_PROGRAM)
    categories = [c for c in MEMBER_CATEGORIES if c in counts.index or c in announced]
    categories += sorted((set(counts.index) | set(announced)) - set(MEMBER_CATEGORIES))
    values = [int(counts.get(c, 0)) for c in categories]
    printed = (
        members.dropna(subset=["category_ja"]).astype({"category": str})
        .sort_values(["category", "category_ja"]).groupby("category")["category_ja"].first()
    )
    labels = [
        f"{MEMBER_CATEGORIES.get(c) or printed.get(c, c)}\n{CATEGORY_EN.get(c, c)}"
        for c in categories
    ]
    x = np.arange(len(categories))
    bars_a = ax.bar(x, [announced.get(c, 0) for c in categories], color=COLOR_ANNOUNCED,
                    width=0.6, label="announced (公表)")
    bars_h = ax.bar(x, values, color=COLOR_HELD, width=0.6, label="held (収録)")
    for position, category, value in zip(x, categories, values, strict=True):
        top = max(value, announced.get(category, 0))
        text = f"{value} of {announced[category]}" if category in announced else str(value)
        ax.text(position, top, text, ha="center", va="bottom", fontsize=11)
    ax.set_xticks(x, labels, fontsize=10)
    ax.set_ylabel("会員数 / members")
    ax.set_ylim(0, max(values + list(announced.values())) * 1.15 + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(handles=[bars_a, bars_h], loc="upper right", fontsize=9, frameon=False)
    _suptitle(fig, title)
    caption = (
        f"Member organisations of the Smart City Public-Private Partnership Platform{when} "
        f"held in platform_members, per category (blue), against {announced_from}; the "
        f"categories are the headings of the release's breakdown. "
        f"{_sentence(held.summary('members'))}."
    )
    return FigureSpec(name, heading, title, caption, fig)


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
    """Programmes as start–end year bars, labelled with lead agencies and, for each, how many
    selections (members) it announced and the dataset holds, on what evidence."""
    programs = tables["programs"]
    name = "2_programme_timeline.png"
    heading = "Programme timeline"
    title = ("国の主なスマートシティ事業 / National programmes: years, lead agencies, "
             f"held of announced\n{_whole_line(tables)}")
    if programs.empty:
        return _empty_figure(
            name, heading, title, "programs has no rows",
            f"No programme rows: programs is empty. {_sentence(_whole_line(tables))}.", (11, 4),
        )
    order = [p for p in _program_order(tables) if p in set(programs["program_id"].astype(str))]
    by_id = programs.assign(program_id=programs["program_id"].astype(str)).set_index("program_id")
    selections = tables["selections"]
    regions = (
        selections.assign(_group=_group_ids(selections))
        .groupby(selections["program_id"].astype(str))["_group"].nunique()
    )
    leads = _lead_agencies(tables)
    counts = {p: held_of(tables, p) for p in order}
    # Regions selected in two tracks (one selection each): how many regions a programme's
    # selections are, where fewer than its rows.
    shared = {
        p: int(regions[p]) for p in order
        if p != PLATFORM_PROGRAM and p in regions and regions[p] < counts[p].rows
    }

    fig = _new_figure(13, 1.3 + 0.8 * len(order))
    ax = fig.add_subplot()
    starts = [_int_or_none(by_id.at[p, "start_year"]) for p in order]
    ends = [_int_or_none(by_id.at[p, "end_year"]) for p in order]
    known_years = [y for y in starts + ends if y is not None]
    lo = min(known_years) if known_years else 2010
    hi = max(known_years) if known_years else lo
    undated = []
    for row, (program_id, start, end) in enumerate(zip(order, starts, ends, strict=True)):
        noun = "members" if program_id == PLATFORM_PROGRAM else "selections"
        held = counts[program_id]
        count = held.count_text(noun)
        if program_id in shared:
            count += f" in {shared[program_id]} regions"
        label = "\n".join(x for x in (leads.get(program_id, ""), count, held.evidence_text()) if x)
        ax.annotate(label, (1.01, row), xycoords=("axes fraction", "data"), va="center",
                    fontsize=9)
        if start is None:
            undated.append(program_id)
            ax.text(lo, row, "years unknown", va="center", fontsize=9, color="#555")
            continue
        last = end if end is not None and end >= start else start
        ax.barh(row, last + 1 - start, left=start, height=0.55, color=COLOR_HELD,
                hatch=None if end is not None else "//", edgecolor="white")
        years = f"{start}–{end}" if end is not None and end != start else f"{start}"
        if end is None:
            years += "–"  # still running, or the source gives no end year
        ax.text(last + 1.1, row, years, va="center", fontsize=9)
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
    _suptitle(fig, title)
    caption = (
        f"{len(order)} programmes by start and end year (a hatched single-year bar where no end "
        "year is given), their lead agencies (the platform: its secretariat) and, for each, the "
        "selections (the platform: members) held of those announced (coverage.announced_count), "
        "with their evidence. A region selected in two tracks is a selection of each"
        + "".join(f" ({p}: {n} regions)" for p, n in shared.items())
        + f". {_sentence(_whole_line(tables, evidence=True))}."
    )
    if undated:
        caption += f" No start year: {', '.join(undated)}."
    return FigureSpec(name, heading, title, caption, fig)


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
    """Two choropleths: selections per prefecture and local-government members per prefecture,
    each titled with how many of those announced the dataset holds."""
    heading = "Selections and members by prefecture"
    selections, members, unlocated = _prefecture_counts(tables)
    held_selections = held_of(tables, _selection_programs(tables))
    held_local = held_of(tables, PLATFORM_PROGRAM, {"local_government"})
    state = "partial" if held_selections.partial or held_local.partial else "complete"
    title = (
        "都道府県別 / By prefecture (Hokkaido and Okinawa in frames)\n"
        f"{state}: {held_selections.count_text('selections')} · "
        f"{held_local.count_text('local-government members')}"
    )
    fig = _new_figure(12, 6.8)
    left, right = fig.subplots(1, 2)
    _draw_map(fig, left, selections,
              f"選定数 / selections per prefecture\n{held_selections.evidence_text()}",
              "selections", "Blues")
    _draw_map(fig, right, members,
              "プラットフォーム会員（地方公共団体）/ local-government members\n"
              f"{held_local.evidence_text()}", "members", "Oranges")
    _suptitle(fig, title)
    categories = tables["platform_members"]["category"].astype(str)
    n_other = int((categories != "local_government").sum())
    n_uncoded = int((categories == "local_government").sum()) - int(members.sum())
    caption = f"Left, selections per prefecture: {held_selections.summary('selections')}; "
    if selections.sum() == 0:
        caption += "no data (no selection is matched to a local government)"
    else:
        caption += (
            f"mapped in {int((selections > 0).sum())} prefectures via selection_areas (a "
            "selection covering several prefectures counts in each; a region selected in two "
            "tracks counts once)"
        )
    if unlocated:
        caption += f"; {unlocated} selection(s) with no matched local government not shown"
    caption += (". Right, local-government members per prefecture: "
                f"{held_local.summary('local-government members')}; ")
    if tables["platform_members"].empty:
        caption += "no data (platform_members is empty; source missing?)."
        return FigureSpec("3_prefecture_map.png", heading, title, caption, fig)
    if members.sum() == 0:
        caption += "no data (no local-government member with an lg_code)"
    else:
        caption += f"{int(members.sum())} mapped"
    if n_uncoded:
        caption += f" ({n_uncoded} local-government member(s) without an lg_code not shown)"
    caption += (
        f"; the other {n_other} members (companies, universities, ministries and economic "
        "organisations) have no location in the list and are not mapped."
    )
    return FigureSpec("3_prefecture_map.png", heading, title, caption, fig)


# ---------------------------------------------------------------------------------------------
# 4. Coverage: announced vs held


def figure_coverage(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """Announced against held selections per programme and track (all years and rounds), and
    announced against held platform members per category."""
    coverage = tables["coverage"]
    name = "4_coverage_announced_vs_held.png"
    heading = "Coverage: announced vs held"
    title = ("公表数と収録数 / Announced vs held: selections per programme track, platform "
             f"members per category\n{_whole_line(tables)}")
    if coverage.empty:
        return _empty_figure(
            name, heading, title, "coverage has no rows",
            f"No coverage rows: coverage is empty. {_sentence(_whole_line(tables))}.", (10, 4),
        )
    frame = coverage.assign(
        program_id=coverage["program_id"].astype(str),
        track=coverage["track"].astype(str),
        year=pd.to_numeric(coverage["fiscal_year"], errors="coerce"),
    )
    years = frame.groupby(["program_id", "track"], sort=False)["year"].agg(["min", "max"])
    program_rank = {p: i for i, p in enumerate(_program_order(tables))}

    def track_rank(key: tuple[str, str]) -> tuple[int, int, str]:
        tracks = list(TRACKS.get(key[0], {}) or MEMBER_CATEGORIES)
        return (program_rank.get(key[0], 99),
                tracks.index(key[1]) if key[1] in tracks else 99, key[1])

    keys = sorted(years.index, key=track_rank)
    held = {key: held_of(tables, key[0], {key[1]}) for key in keys}
    names = dict(zip(tables["programs"]["program_id"].astype(str),
                     tables["programs"]["name_ja"].map(_text), strict=True))
    fig = _new_figure(13, 1.4 + 0.62 * len(keys))
    ax = fig.add_subplot()
    y = np.arange(len(keys))
    height = 0.38
    announced = [held[k].announced for k in keys]
    counted = [held[k].counted for k in keys]
    outside = [sum(held[k].outside.values()) for k in keys]
    bars_a = ax.barh(y - height / 2, [a or 0 for a in announced], height,
                     color=COLOR_ANNOUNCED, label="announced (公表)")
    bars_h = ax.barh(y + height / 2, counted, height, color=COLOR_HELD,
                     label="held, counted against an announced figure (収録)")
    bars_o = ax.barh(y + height / 2, outside, height, left=counted, color="white",
                     edgecolor=COLOR_HELD, hatch="////", linewidth=0.6,
                     label="held, year or round outside the announced figures")
    ax.bar_label(bars_a, labels=["n/a" if a is None else str(a) for a in announced],
                 padding=2, fontsize=8)
    ax.bar_label(bars_o, labels=[f"{c} +{o}" if o else str(c)
                                 for c, o in zip(counted, outside, strict=True)],
                 padding=2, fontsize=8)
    labels = []
    for program_id, track in keys:
        first, last = years.at[(program_id, track), "min"], years.at[(program_id, track), "max"]
        span = "" if pd.isna(first) else (
            f"FY{int(first)}" if first == last else f"FY{int(first)}–{int(last)}"
        )
        track_ja = (MEMBER_CATEGORIES if program_id == PLATFORM_PROGRAM
                    else TRACKS.get(program_id, {})).get(track, "")
        labels.append(
            f"{names.get(program_id) or program_id}\n{track_ja or track} ({track}, {span})"
        )
        noun = "members" if program_id == PLATFORM_PROGRAM else "selections"
        row = len(labels) - 1
        ax.annotate(f"{held[(program_id, track)].count_text(noun)}\n"
                    f"{held[(program_id, track)].evidence_text()}",
                    (1.01, row), xycoords=("axes fraction", "data"), va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    top = max([c + o for c, o in zip(counted, outside, strict=True)]
              + [a for a in announced if a is not None] + [1])
    ax.set_xlim(0, top * 1.12 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("selections (the platform: members)")
    fig.legend(handles=[bars_a, bars_h, bars_o], loc="outside lower center", ncols=3,
               fontsize=9, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    _suptitle(fig, title)
    short = sum(1 for k in keys if held[k].partial)
    caption = (
        "Announced selections (the platform: members per category) against the rows held, per "
        f"programme and track ({len(keys)} tracks, fiscal years and rounds added up; "
        "coverage.announced_count and held_count, each track's evidence on the right); "
        f"{short} track(s) hold fewer rows than announced. "
        f"{_sentence(_whole_line(tables, evidence=True))}."
    )
    return FigureSpec(name, heading, title, caption, fig)


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
    heading = "Programme families by fiscal year"
    whole = held_of(tables, _selection_programs(tables))
    title = ("事業の系譜と年度 / Programme families by fiscal year: selections held of announced\n"
             f"{whole.summary('selections')}")
    coverage = tables["coverage"]
    coverage = coverage[coverage["program_id"].astype(str) != PLATFORM_PROGRAM]
    if coverage.empty:
        return _empty_figure(name, heading, title, "coverage has no rows",
                             f"No coverage rows: coverage is empty. "
                             f"{_sentence(whole.summary('selections'))}.", (12, 4))
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
    _suptitle(fig, title)
    caption = (
        f"{len(order)} programme families (a programme and the programmes that followed it, "
        "programs.family_id), fiscal years "
        f"FY{years[0]}–FY{years[-1]}: in each cell, selections held / announced "
        "(coverage.held_count and announced_count), every track and round of the year added "
        "up; the darker the cell, the more of the announced lists is held. "
        f"'+n/?' (dashed frame, {unknown_cells} cell(s)): n rows held of a list of that year "
        "whose count no source states (or of a round not known), kept out of the sum. "
        f"{_sentence(whole.summary('selections'))}."
    )
    return FigureSpec(name, heading, title, caption, fig)


# ---------------------------------------------------------------------------------------------
# 6. The platform over time


def figure_platform_counts(tables: dict[str, pd.DataFrame]) -> FigureSpec:
    """The platform's total membership on each date a source states it."""
    name = "6_platform_members_over_time.png"
    heading = "Platform members over time"
    counts = tables["platform_member_counts"]
    members = held_of(tables, PLATFORM_PROGRAM)
    stated = evidence_text(counts["evidence"].map(_text).value_counts().to_dict())
    title = ("プラットフォーム会員数の推移 / Platform members over time: the counts sources state\n"
             f"{len(counts)} counts, {stated}\n"
             f"founding list ({PLATFORM_AS_OF}), {members.summary('members')}")
    if counts.empty:
        return _empty_figure(name, heading, title, "platform_member_counts has no rows",
                             "No rows: platform_member_counts is empty. The founding list "
                             f"({PLATFORM_AS_OF}): {members.summary('members')}.", (10, 4.5))
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
    _suptitle(fig, title)
    first, last = frame.iloc[0], frame.iloc[-1]
    caption = (
        f"{len(frame)} counts of the Smart City Public-Private Partnership Platform's members "
        f"stated by the sources (platform_member_counts; {stated}), from {int(first.total)} on "
        f"{first.when.date()} to {'約' if last.approx else ''}{int(last.total)} on "
        f"{last.when.date()}; two dates may carry two figures (the first report and the "
        "correction of 2019-08-08). The members themselves are the 2019 list "
        f"(platform_members): {members.summary('members')}."
    )
    return FigureSpec(name, heading, title, caption, fig)


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


def png_bytes(spec: FigureSpec) -> bytes:
    """The PNG of a figure, its title and caption in the file's Title and Description text
    (what an image viewer shows as its properties), without the Software tag, so that the
    bytes depend on the drawing and its words only."""
    buffer = io.BytesIO()
    spec.figure.savefig(
        buffer, format="png", dpi=DPI, facecolor="white",
        metadata={"Software": None, "Title": spec.title, "Description": spec.caption},
    )
    return buffer.getvalue()


def _markdown(specs: list[FigureSpec]) -> str:
    """The page beside the figures: each one's heading, picture, drawn title and caption."""
    lines = [
        "# Figures",
        "",
        "Drawn by `make report` from the published Parquet files in this folder's parent. "
        "Each figure's title says how much of what was announced the dataset holds, and on "
        "what evidence (official list, official pages, secondary sources). Where a table is "
        "empty (a source was missing at build time) the figure says *no data*; see "
        "`../validation_report.json` and `../README.md` for which sources are missing.",
        "",
    ]
    for number, spec in enumerate(specs, start=1):
        title = spec.title.replace("\n", "  \n")  # Markdown line breaks, as drawn
        lines += [f"## {number}. {spec.heading}", "", f"![{spec.heading}]({spec.name})", "",
                  f"**{title}**", "", spec.caption, ""]
    return "\n".join(lines)


def make_report(out_dir: Path) -> list[Path]:
    """Write the figures and ``report/README.md`` under ``out_dir``; return their paths."""
    specs = build_figures(load_tables(out_dir))
    report_dir = out_dir / REPORT_DIR
    written = []
    for spec in specs:
        path = report_dir / spec.name
        atomic_write_bytes(path, png_bytes(spec))
        written.append(path)
    readme = report_dir / "README.md"
    atomic_write_bytes(readme, _markdown(specs).encode("utf-8"))
    written.append(readme)
    return written
