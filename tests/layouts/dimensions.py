"""The layout dimensions of each list kind and their values: the one place they are listed.

A sample chooses one value per dimension (``choose``), independently, from its seed; then
``resolve`` settles the combinations that cannot be printed together (a numbered-pairs grid
has no category column; a slide deck has no table header) by a fixed rule and marks a
dimension that has no effect in the sample as ``n/a``. The resolved values are the sample's
*effective* values: what the drawer prints, what the covering sample counts and what the
runner reports, so a value is never counted as tried when nothing printed it.

Values are the forms real government lists use (the member list of the platform, MLIT's model
project list, the Cabinet Office's 選定事業一覧 and decks, the Smart Mobility Challenge lists);
the drawers say how each is printed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NA = "n/a"

MM = 72 / 25.4
# Portrait (width, height) of each page_size value, in points; B4 is the JIS size Japanese
# offices print on.
PAPER = {"A4": (210 * MM, 297 * MM), "A3": (297 * MM, 420 * MM), "B4": (257 * MM, 364 * MM)}
MARGIN = 40.0
GUTTER = 12.0
# Widths of the member list's columns (points): the number, category and prefecture columns,
# and the least a name column may have; a grid that cannot give its blocks these has fewer.
MEMBER_COLUMN_WIDTHS = {"number": 26.0, "category": 72.0, "prefecture": 50.0, "name": 118.0}

KINDS = ("members", "mlit_model", "cao", "smc")


@dataclass(frozen=True)
class Dimension:
    """One layout dimension: its values (with weights when not uniform) and what it varies."""

    name: str
    values: tuple[str, ...]
    doc: str
    weights: tuple[int, ...] | None = None

    def choose(self, rng: random.Random) -> str:
        if self.weights is None:
            return rng.choice(self.values)
        return rng.choices(self.values, weights=self.weights)[0]


# --- shared by every kind ----------------------------------------------------------------------

HEADING_NUMBER = Dimension(
    "heading_number", ("none", "fullwidth_dot", "paren", "dai", "roman", "circled"),
    "numbering before a heading: １． （２） 第3 Ⅳ． ①")
HEADING_BRACKET = Dimension(
    "heading_bracket", ("none", "sumi", "kikkou", "angle", "square"),
    "brackets or mark around a heading's label: 【】 〔〕 ＜＞ ■")
HEADING_COUNT = Dimension(
    "heading_count", ("none", "paren_unit", "kei", "colon", "bare_unit", "paren_kei"),
    "the group's count after its label: （112団体） 計112 ：112 112団体 （計112）")
CONTINUATION = Dimension(
    "continuation", ("none", "tsuzuki", "tsuzuki_kana", "repeat"),
    "a group running onto a new page: （続き）, （つづき）, its heading repeated as is, nothing")
EVEN_SPACING = Dimension(
    "even_spacing", ("no", "ideographic_space", "char_spread"),
    "均等割付 of a label: 「地　方　公　共　団　体」 as one text, or each character set apart")
RULING = Dimension(
    "ruling", ("full", "horizontal", "none", "shaded"),
    "full grid, horizontal rules only, no rules, alternate rows shaded (filled rectangles)")
PAGE_SIZE = Dimension("page_size", ("A4", "A3", "B4"), "paper size")
ORIENTATION = Dimension(
    "orientation", ("portrait", "landscape", "rotate"),
    "portrait, landscape media box, or landscape made by /Rotate 90 on a portrait page")
WRAPPING = Dimension(
    "wrapping", ("within_cell", "indented", "shrink"),
    "a name too long for its cell: more lines in the cell, an indented next line, smaller type")
TABLE_HEADER = Dimension(
    "table_header", ("every_page", "first_page", "none"),
    "column header row (No. 区分 会員名 …) on every page, on the first only, or none")
FONT = Dimension(
    "font", ("gothic_cid", "mincho_cid", "ipaex_embedded"),
    "CID fonts mapped by Adobe-Japan1 CMaps (not embedded) or an embedded TrueType subset")
FURNITURE_WHERE = Dimension(
    "furniture_where", ("every_page", "first_page"),
    "titles, 別紙, as-of line and notes on every page or the first only")
PAGE_NUMBER = Dimension(
    "page_number", ("none", "dash", "slash", "bare"), "page numbers: - 3 -, 3/12, 3")
ATTACHMENT_LABEL = Dimension(
    "attachment_label", ("none", "bessi_number", "bessi", "shiryou"), "別紙1, 別紙, 資料1-4")
AS_OF = Dimension(
    "as_of", ("none", "reiwa_genzai", "western_jiten"),
    "an as-of line: 令和元年８月８日現在, （2019年8月8日時点）")
NOTE = Dimension(
    "note", ("none", "gojuon_keisho", "paren_gojuon", "junfudou"),
    "a note: ※五十音順・敬称略, （五十音順）, ※順不同")
TOTAL = Dimension(
    "total", ("none", "end_line", "top_line"),
    "the list's total: 「合計　471団体」 after the last entry, or 「会員数：471団体」 "
    "under the title")
HEADER_WORDS = Dimension(
    "header_words", ("standard", "synonym"),
    "column header words: the common ones, or other aliases from the source's layout CSV")

_FURNITURE = (FURNITURE_WHERE, PAGE_NUMBER, ATTACHMENT_LABEL, AS_OF, NOTE, TOTAL)

# --- the member list ---------------------------------------------------------------------------

MEMBER_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("composition", ("corrected_471", "first_473", "reduced"),
              "the announced 471 (304/43/112/12), the first report's 473, or a shorter list "
              "read against its own composition (for speed)", weights=(6, 2, 1)),
    Dimension("category_place",
              ("heading", "column", "merged_cell", "first_row", "page_title"),
              "where the category is printed: a heading line; a column on every row; a cell "
              "merged over its group; a cell on the group's first row only; each page's title"),
    HEADING_NUMBER, HEADING_BRACKET, HEADING_COUNT, CONTINUATION, EVEN_SPACING,
    Dimension("category_order", ("official", "local_first", "ministry_first", "reversed"),
              "order of the four categories"),
    Dimension("label_vocabulary", ("official", "synonym", "unknown"),
              "category labels: the official breakdown's, synonyms from the layout CSV, or one "
              "label the CSV lacks (the reader must infer it from the entries)"),
    Dimension("arrangement",
              ("one_column", "rows_2", "rows_3", "rows_4", "newspaper_2", "newspaper_3",
               "newspaper_4", "numbered_pairs"),
              "entries in one column; a grid of 2-4 columns read by rows; 2-4 columns in "
              "newspaper order (each column top to bottom); number-name pairs across the page"),
    Dimension("numbering",
              ("none", "column", "in_cell_space", "in_cell_nospace", "in_cell_dot"),
              "entry numbers: none; own column; in the name's cell 「12　札幌市」「12札幌市」"
              "「12.札幌市」"),
    Dimension("number_restart", ("running", "per_category"), "numbers run on or restart"),
    RULING, PAGE_SIZE, ORIENTATION,
    Dimension("lg_form",
              ("alone", "prefixed", "prefixed_county", "bracketed", "pref_column_every",
               "pref_column_once", "pref_subheadings"),
              "a local government: alone; 「北海道札幌市」; with its county "
              "「北海道河東郡上士幌町」; 「府中市（東京都）」; a prefecture column on every row "
              "or once per group; "
              "prefecture sub-headings"),
    Dimension("subheading_style", ("angle", "sumi", "square"),
              "prefecture sub-headings: ＜北海道＞ 【北海道】 ■北海道"),
    WRAPPING, TABLE_HEADER, HEADER_WORDS, FONT,
    Dimension("title_text", ("ichiran", "meibo", "with_date"),
              "the title: …会員一覧, …構成員名簿, …会員一覧（令和元年8月8日時点）"),
    *_FURNITURE,
)

# --- the selection lists -------------------------------------------------------------------------

_SELECTION_COMMON: tuple[Dimension, ...] = (
    Dimension("family", ("table", "numbered_list", "boxes", "sheets"),
              "a table; an unruled numbered list under ■ headings; slides with one box (a drawn "
              "rectangle) per project; one sheet per project with label/value lines"),
    Dimension("group_place",
              ("heading", "section_row", "shaded_section_row", "merged_column",
               "column_every", "first_row", "sheet_per_group"),
              "where the track (or year, or 類型) is printed: a heading above its table; a "
              "row spanning the table; the same, shaded; a column merged over its group; a "
              "column on every row; a column on the group's first row; one sheet per group "
              "whose title names it"),
    Dimension("group_label", ("standard", "short", "long"),
              "how a group is named (先行モデルプロジェクト / 先行 / スマートシティモデル事業"
              "先行モデルプロジェクト; 平成30年度 / H30 / 2018年度)"),
    HEADING_NUMBER, HEADING_BRACKET, HEADING_COUNT, CONTINUATION, EVEN_SPACING,
    Dimension("area_form",
              ("alone", "prefixed", "bracketed", "pref_column_every", "pref_column_once",
               "pref_subheadings"),
              "areas: alone; prefixed 「静岡県熱海市」; 「熱海市（静岡県）」; in a prefecture "
              "column on every row or once per group; under prefecture sub-headings"),
    Dimension("joint", ("nakaguro", "touten", "one_per_line"),
              "a joint proposal's areas: 北海道・更別村・岩見沢市, 熱海市、下田市, or one per "
              "line in the cell"),
    Dimension("numbering", ("none", "column", "in_cell"), "row numbers"),
    Dimension("columns", ("minimal", "full"),
              "the area and the project only, or with lead (and consortium, target area, "
              "field where the kind has them)"),
    HEADER_WORDS, WRAPPING, RULING,
    Dimension("page_size", ("A4", "A3"), "paper size"),
    ORIENTATION,
    Dimension("table_header", ("every_page", "first_page"),
              "the header row on every page, or at the table's start only (a selection "
              "table without any header is the numbered list family)"),
    FONT, *_FURNITURE,
)

SELECTION_DIMENSIONS: dict[str, tuple[Dimension, ...]] = {
    "mlit_model": (
        *_SELECTION_COMMON,
        Dimension("title_scope", ("programme", "both_tracks"),
                  "the title names the programme only, or both tracks (a 区分 column or the "
                  "headings then say which)"),
    ),
    "cao": (
        *_SELECTION_COMMON,
        Dimension("title_scope", ("programme", "both_years"),
                  "the title names the programme only, or both years (平成30年度・令和元年度: "
                  "a 選定年度 column or the headings then say which)"),
    ),
    "smc": (
        Dimension("list", ("meti_pilot", "mlit_model"),
                  "METI's 13 パイロット地域 (no groups) or MLIT's 19 先行モデル事業 (by 類型)"),
        *_SELECTION_COMMON,
        Dimension("title_scope", ("list_name", "ministry_only"),
                  "the title names the list (パイロット地域 / 先行モデル事業) or only its "
                  "ministry (経済産業省 / 国土交通省)"),
    ),
}

DIMENSIONS: dict[str, tuple[Dimension, ...]] = {"members": MEMBER_DIMENSIONS,
                                                 **SELECTION_DIMENSIONS}


def choose(kind: str, rng: random.Random) -> dict[str, str]:
    """One value per dimension of ``kind``, each chosen independently."""
    return {d.name: d.choose(rng) for d in DIMENSIONS[kind]}


def resolve(kind: str, chosen: dict[str, str]) -> dict[str, str]:
    """The effective values: impossible combinations settled, dimensions without effect n/a."""
    v = dict(chosen)
    if kind == "members":
        _resolve_members(v)
    else:
        _resolve_selections(kind, v)
    return v


def _na(v: dict[str, str], *names: str) -> None:
    for name in names:
        v[name] = NA


def page_width(v: dict[str, str]) -> float:
    """The width of the page as read (landscape: the long side)."""
    w, h = PAPER[v["page_size"]]
    return w if v["orientation"] == "portrait" else h


def member_block_width(v: dict[str, str]) -> float:
    """The least width of one block of the member list: its name column and the others."""
    widths = MEMBER_COLUMN_WIDTHS
    width = widths["name"]
    if v["numbering"] == "column":
        width += widths["number"]
    if v["category_place"] in GROUP_COLUMNS_MEMBERS:
        width += widths["category"]
    if v["lg_form"] in ("pref_column_every", "pref_column_once"):
        width += widths["prefecture"]
    return width


def blocks_of(arrangement: str) -> int:
    """How many blocks side by side an arrangement has (numbered pairs: three)."""
    if arrangement == "numbered_pairs":
        return 3
    return 1 if arrangement == "one_column" else int(arrangement[-1])


def _resolve_members(v: dict[str, str]) -> None:
    if v["arrangement"] == "numbered_pairs":
        # number-name pairs across the page: the number is its own cell, nothing else is
        v["numbering"] = "column"
        if v["category_place"] in GROUP_COLUMNS_MEMBERS:
            v["category_place"] = "heading"
        if v["lg_form"] in ("pref_column_every", "pref_column_once"):
            v["lg_form"] = "prefixed"
    # a grid has as many blocks as the page gives room for
    fit = int((page_width(v) - 2 * MARGIN + GUTTER) // (member_block_width(v) + GUTTER))
    if blocks_of(v["arrangement"]) > fit and v["arrangement"] != "numbered_pairs":
        v["arrangement"] = "one_column" if fit < 2 else v["arrangement"][:-1] + str(fit)
    if v["category_place"] in GROUP_COLUMNS_MEMBERS:
        _na(v, "heading_number", "heading_bracket", "heading_count", "continuation")
    if v["category_place"] != "heading" and v["even_spacing"] == "char_spread":
        v["even_spacing"] = "ideographic_space"  # a cell's or a title's label is one text
    if v["numbering"] == "none":
        _na(v, "number_restart")
    if v["lg_form"] != "pref_subheadings":
        _na(v, "subheading_style")
    if v["table_header"] == "none":
        _na(v, "header_words")


GROUP_COLUMNS_MEMBERS = ("column", "merged_cell", "first_row")
GROUP_COLUMNS = ("merged_column", "column_every", "first_row")


def _resolve_selections(kind: str, v: dict[str, str]) -> None:
    family = v["family"]
    if family == "numbered_list":
        # an unruled list under headings: no table, no group column, a number on each line
        if v["group_place"] not in ("heading", "sheet_per_group"):
            v["group_place"] = "heading"
        if v["numbering"] == "none":
            v["numbering"] = "column"
        if v["area_form"] in ("pref_column_every", "pref_column_once"):
            v["area_form"] = "prefixed"
        _na(v, "ruling", "table_header", "header_words")
    elif family in ("boxes", "sheets"):
        # a slide or a sheet names its group in its title and prints its own lines
        v["group_place"] = "sheet_per_group"
        if v["area_form"] in ("pref_column_once", "pref_subheadings"):
            v["area_form"] = "pref_column_every"
        _na(v, "ruling", "table_header", "continuation")
        if family == "sheets":
            _na(v, "numbering", "wrapping")
        else:
            _na(v, "header_words")
    grouped = not (kind == "smc" and v["list"] == "meti_pilot")
    if not grouped:
        _na(v, "group_place", "group_label", "heading_number", "heading_bracket",
            "heading_count", "continuation", "even_spacing")
    else:
        if v["group_place"] in GROUP_COLUMNS:
            _na(v, "heading_number", "heading_bracket", "heading_count", "continuation")
        if v["group_place"] in (*GROUP_COLUMNS, "sheet_per_group") \
                and v["even_spacing"] == "char_spread":
            v["even_spacing"] = "ideographic_space"  # a cell's or a title's label is one text
