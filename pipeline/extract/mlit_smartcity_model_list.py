"""MLIT スマートシティモデル事業 (2019-05-31): the official list of the selected projects.

The 15 先行モデルプロジェクト and the 23 重点事業化促進プロジェクト, read from MLIT's data PDF of
all selected projects (``001291681.pdf``). Nobody on the team has seen it, so it is read in
the family of layouts such MLIT lists come in, never by page number:

- *a table per track under a heading* (``１．先行モデルプロジェクト（15件）``, ``【重点事業化促進
  プロジェクト】``, ``(2) … （続き）``): the heading above a table header, or a spanning row
  inside the table, says which track the rows under it belong to;
- *one table with a track column* (``区分``/``種別``), its cell printed once per group (merged
  over rows);
- *a sheet per project* (an overview page whose title names the track, with label/value lines
  such as ``対象区域 全域``), when no page holds a list table.

Columns are found by meaning (``layouts/mlit_smartcity_model_list.csv``: 都道府県, 市町村 /
地方公共団体, 対象区域 / 対象地域, 事業名, コンソーシアム名 / 提案者, 代表者 …), no single column
required; a prefecture printed only on a group's first row carries down to the group; several
local governments in one cell (``熱海市、下田市``) stay as printed (the normalize stage links
each). Tables are read by the shared header-anchored reader (``pipeline.extract.tables``:
ruled and unruled, wrapped cells, header repeated or not on each page, portrait or landscape).
Each track's count is checked against ``pipeline.announced`` here, so a layout the reader
does not understand fails with the source, file and page instead of publishing a short list.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline.announced import ANNOUNCED_COUNTS, SMARTCITY_MODEL_ANNOUNCED_ON
from pipeline.errors import SourceError
from pipeline.extract.pdf import PageView, Word, group_lines, iter_pages, open_pdf
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.extract.tables import LAYOUTS, FoundTable, PdfScan, scan_pdf, table_debug_marks
from pipeline.text import nfkc_no_whitespace, split_prefecture

PROGRAM_ID = "smartcity_model_2019"
LEADING_MODEL = "leading_model"
PRIORITY = "priority"
TRACK_NAMES = {LEADING_MODEL: "先行モデルプロジェクト", PRIORITY: "重点事業化促進プロジェクト"}
LAYOUT_FILE = LAYOUTS / "mlit_smartcity_model_list.csv"
LAYOUT_HINT = f"pipeline/extract/layouts/{LAYOUT_FILE.name}"
PLACE_ROLES = {"prefecture", "municipality", "target_area"}
# Column roles kept in the note, with the label they are printed under there.
NOTE_ROLES = {"target_area": "対象区域 (target area)", "participants": "構成員 (members)"}


@dataclass(frozen=True)
class Layout:
    """Vocabulary of the list, from the layout CSV, in comparison form (NFKC, no spaces)."""

    columns: dict[str, str]  # header cell -> column role
    tracks: dict[str, str]  # heading or 区分 cell (marks and tails removed) -> track
    titles: dict[str, str]  # words of a per-project sheet's title -> track
    heading_re: re.Pattern[str]  # marks, label, tail


@lru_cache(maxsize=2)
def load_layout(path: Path = LAYOUT_FILE) -> Layout:
    columns: dict[str, str] = {}
    tracks: dict[str, str] = {}
    titles: dict[str, str] = {}
    marks: list[str] = []
    tails: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, text, value = row["kind"], row["text"], row["value"]
            if kind == "column":
                columns[nfkc_no_whitespace(text)] = value
            elif kind == "track":
                tracks[nfkc_no_whitespace(text)] = value
            elif kind == "title":
                titles[nfkc_no_whitespace(text)] = value
            elif kind == "heading_mark":
                marks.append(re.compile(text).pattern)
            elif kind == "heading_tail":
                tails.append(re.compile(text).pattern)
            else:
                raise ValueError(f"{path}: unknown kind {kind!r}")
    mark = "|".join(f"(?:{m})" for m in marks) or "(?!)"
    tail = "|".join(f"(?:{t})" for t in tails) or "(?!)"
    heading_re = re.compile(f"^(?:{mark})*(?P<label>.+?)(?P<tail>(?:{tail})*)$")
    return Layout(columns, tracks, titles, heading_re)


def track_of(text: str | None, layout: Layout | None = None) -> str | None:
    """The track a heading line or a 区分 cell names, if the whole text is one (after its
    numbering, brackets, count and continuation mark): a project name that merely contains
    先行モデル is not a heading."""
    layout = layout or load_layout()
    key = nfkc_no_whitespace(text)
    if not key:
        return None
    if key in layout.tracks:
        return layout.tracks[key]
    match = layout.heading_re.match(key)
    return layout.tracks.get(match.group("label")) if match else None


class TrackHeading:
    """The ``section_re`` handed to the shared table reader: ``search`` is true for a line that
    is a track heading (``track_of``), so a spanning row inside a table sets the track."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    def search(self, text: str) -> bool:
        return track_of(text, self.layout) is not None


def header_ok(roles: list[str | None]) -> bool:
    """A list header names where (prefecture, local government or target area) and at least one
    more column by meaning; no single column is required."""
    present = {r for r in roles if r and r != "number"}
    return bool(present & PLACE_ROLES) and len(present) >= 2


@dataclass
class ListRow:
    """One selected project as read: its cells by role, track and page."""

    track: str
    cells: dict[str, str]
    page: int
    path: Path


@dataclass
class ModelList:
    """What one PDF holds: the rows of both tracks, and how they were read."""

    source_id: str
    path: Path
    rows: list[ListRow] = field(default_factory=list)
    family: str = ""  # "table" or "sheet"

    def pages(self, track: str) -> list[int]:
        return sorted({r.page for r in self.rows if r.track == track})


def _table_heading(table: FoundTable, layout: Layout) -> str | None:
    """The nearest track heading above a table's header on its page."""
    for line in reversed(table.above):
        track = track_of(line, layout)
        if track is not None:
            return track
    return None


def _rows_from_tables(scan: PdfScan, layout: Layout) -> list[ListRow]:
    """Rows of every list table, each with its track: its 区分 cell, else a heading row inside
    the table, else the heading above the table, else the track running from before."""
    rows: list[ListRow] = []
    running: str | None = None
    prefecture = ""
    for table in scan.tables:
        above = _table_heading(table, layout)
        if above is not None and not table.continued:
            running, prefecture = above, ""
        has_prefecture = "prefecture" in table.roles
        for row in table.rows:
            filled = [v for v in row.cells.values() if v]
            if len(filled) == 1 and track_of(filled[0], layout) and not row.cells.get("type"):
                running, prefecture = track_of(filled[0], layout), ""  # a heading read as a row
                continue
            if not filled:
                continue
            type_cell = row.cells.get("type", "")
            if type_cell:
                track = track_of(type_cell, layout)
                if track is None:
                    raise SourceError(
                        scan.source_id,
                        f"the track column ({'/'.join(_aliases(layout, 'type'))}) holds "
                        f"{type_cell!r}, which names neither {TRACK_NAMES[LEADING_MODEL]} nor "
                        f"{TRACK_NAMES[PRIORITY]} (add a `track` row to {LAYOUT_HINT})",
                        path=scan.path, page=row.page,
                    )
            elif row.section and row.section in table.section_lines:
                track = track_of(row.section, layout)
            else:
                track = running
            if track is None:
                raise SourceError(
                    scan.source_id,
                    "cannot tell which track a row belongs to: no 区分 column, and no heading "
                    f"naming {TRACK_NAMES[LEADING_MODEL]} or {TRACK_NAMES[PRIORITY]} above it "
                    f"(row {row.cells}; lines above the table: {table.above[-3:]}; headings "
                    f"are `track` rows of {LAYOUT_HINT})",
                    path=scan.path, page=row.page,
                )
            if track != running:
                running, prefecture = track, ""
            cells = dict(row.cells)
            if has_prefecture:  # printed only on a group's first row: carries down the group
                prefecture = cells.get("prefecture") or prefecture
                cells["prefecture"] = prefecture
            rows.append(ListRow(track, cells, row.page, scan.path))
    return rows


def _aliases(layout: Layout, role: str) -> list[str]:
    return [alias for alias, r in layout.columns.items() if r == role][:3]


# --- the per-project sheet family ------------------------------------------------------------

_LABEL_STRIP_RE = re.compile(r"^[【\[■□●○◆◇・<〈《〔]+|[】\]>〉》〕:：]+$")


def _label_role(word: Word, layout: Layout) -> str | None:
    key = _LABEL_STRIP_RE.sub("", nfkc_no_whitespace(word["text"]))
    role = layout.columns.get(key)
    return role if role not in (None, "number", "type") else None


def sheet_fields(view: PageView, layout: Layout) -> tuple[str | None, dict[str, str]]:
    """A per-project sheet: the track its title names, and its label/value lines (a value
    wrapped onto indented lines is joined; a line back at the label margin ends it)."""
    track: str | None = None
    cells: dict[str, str] = {}
    current: str | None = None
    label_x0 = 0.0
    value_x0 = 0.0
    for line in group_lines(view.words):
        role = _label_role(line[0], layout)
        if role is not None and len(line) >= 2:
            current, label_x0, value_x0 = role, line[0]["x0"], line[1]["x0"]
            cells.setdefault(role, "")
            cells[role] += "".join(w["text"].strip() for w in line[1:])
            continue
        text = nfkc_no_whitespace("".join(w["text"] for w in line))
        if track is None and not cells:
            track = next((t for words, t in layout.titles.items() if words in text), None)
        if current is not None and line[0]["x0"] >= value_x0 - 2 > label_x0:
            cells[current] += "".join(w["text"].strip() for w in line)  # wrapped value
        else:
            current = None
    return track, cells


def _rows_from_sheets(source_id: str, path: Path, layout: Layout) -> list[ListRow]:
    rows: list[ListRow] = []
    with open_pdf(source_id, path) as pdf:
        for view in iter_pages(source_id, path, pdf, check_text=False):
            track, cells = sheet_fields(view, layout)
            if track is not None and set(cells) & PLACE_ROLES:
                rows.append(ListRow(track, cells, view.number, Path(path)))
    return rows


# --- reading, checking, rows -----------------------------------------------------------------

def read_model_list(source_id: str, path: Path) -> ModelList:
    """Every selected project one PDF holds, in either family."""
    layout = load_layout()
    scan = scan_pdf(source_id, path, layout.columns, header_ok, TrackHeading(layout))  # type: ignore[arg-type]
    found = ModelList(source_id, Path(path))
    if scan.tables:
        found.rows, found.family = _rows_from_tables(scan, layout), "table"
        return found
    found.rows, found.family = _rows_from_sheets(source_id, Path(path), layout), "sheet"
    if not found.rows:
        first = sorted(scan.page_lines)[0] if scan.page_lines else 1
        seen = scan.header_candidates.get(first) or scan.page_lines.get(first, [])[:4]
        detail = (
            "no list of the スマートシティモデル事業 projects was recognised: no table header "
            "(a place column such as 都道府県/市町村/対象区域 and one more such as 事業名/"
            "コンソーシアム名/代表者) and no per-project sheet (a title naming "
            f"{TRACK_NAMES[LEADING_MODEL]} or {TRACK_NAMES[PRIORITY]} with label lines such as "
            f"対象区域); vocabulary in {LAYOUT_HINT}; lines seen on page {first}: {seen}"
        )
        if scan.no_text_pages:
            detail += f"; pages without a text layer: {scan.no_text_pages}"
        raise SourceError(source_id, detail, path=path, page=first)
    return found


def announced_for(track: str) -> tuple[int, int]:
    """(fiscal year, count) announced for one track of the programme."""
    (entry,) = [a for a in ANNOUNCED_COUNTS if (a.program_id, a.track) == (PROGRAM_ID, track)]
    return entry.fiscal_year, entry.count


def check_counts(found: ModelList) -> None:
    """Each track must hold exactly its announced number of projects."""
    for track in (LEADING_MODEL, PRIORITY):
        _, expected = announced_for(track)
        rows = [r for r in found.rows if r.track == track]
        if len(rows) == expected:
            continue
        pages = found.pages(track) or sorted({r.page for r in found.rows}) or [1]
        short = "short" if len(rows) < expected else "long"
        raise SourceError(
            found.source_id,
            f"the {TRACK_NAMES[track]} list is {short}: {len(rows)} read ({found.family} "
            f"layout, pages {pages}), {expected} announced; places read: "
            f"{[_place(r.cells) for r in rows]}",
            path=rows[-1].path if rows else found.path, page=pages[-1],
        )


def _place(cells: dict[str, str]) -> str:
    return cells.get("municipality") or cells.get("target_area") or cells.get("prefecture", "")


def _note(cells: dict[str, str]) -> str | None:
    parts = [f"{label}: {cells[role]}" for role, label in NOTE_ROLES.items() if cells.get(role)]
    return "; ".join(parts) or None


def split_trailing_bracket(text: str) -> tuple[str, str]:
    """``札幌市（市中心部および郊外）`` -> (札幌市, 市中心部および郊外): an area cell printed as the
    local government(s) with the target area in a closing bracket (which may nest); a text
    not ending in a bracket, or only a bracket, is all area."""
    text = text.strip()
    if not text.endswith(("）", ")")):
        return text, ""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {"）": 1, ")": 1, "（": -1, "(": -1}.get(text[i], 0)
        if depth == 0:
            area = text[:i].strip()
            return (area, text[i + 1:-1]) if area else (text, "")
    return text, ""


def model_frame(found: ModelList, announced_on: str = SMARTCITY_MODEL_ANNOUNCED_ON) -> pd.DataFrame:
    """Selection extract rows, text as printed: the area is the local government cell (or,
    without one, the target area), the target area goes to the note."""
    records = []
    for row in found.rows:
        cells = row.cells
        area = cells.get("municipality") or ""
        if not area:  # one column for both: 札幌市（市中心部および郊外）; printed cell in note
            area, _ = split_trailing_bracket(cells.get("target_area", ""))
        prefecture = cells.get("prefecture") or None
        if prefecture is None and area:
            prefecture, area = split_prefecture(area)
        note_cells = dict(cells)
        fiscal_year, _ = announced_for(row.track)
        records.append({
            "program_id": PROGRAM_ID,
            "track": row.track,
            "fiscal_year": fiscal_year,
            "round": "",
            "announced_on": announced_on,
            "project_name_ja": cells.get("project") or None,
            "lead_org_ja": cells.get("lead") or None,
            "consortium_ja": cells.get("consortium") or None,
            "prefecture_ja": prefecture,
            "area_ja": area or prefecture,
            "note": _note(note_cells),
            "source_id": found.source_id,
            "page": row.page,
            "list_key": None,
        })
    return selections_frame(records)


def combine(source_id: str, lists: list[ModelList]) -> ModelList:
    """One list from the source's files: each track from the file that holds it (別紙1 先行,
    別紙2 重点 dropped in as two files); files holding the same track must agree on it."""
    combined = ModelList(source_id, lists[0].path, family="+".join(
        sorted({found.family for found in lists})))
    for track in (LEADING_MODEL, PRIORITY):
        holders = [found for found in lists if found.pages(track)]
        versions = {
            tuple(_place(r.cells) for r in found.rows if r.track == track) for found in holders
        }
        if len(versions) > 1:
            raise SourceError(
                source_id,
                f"{len(holders)} files hold different versions of the {TRACK_NAMES[track]} "
                f"list: {[str(found.path) for found in holders]}; keep one",
                path=holders[1].path, page=holders[1].pages(track)[0],
            )
        if holders:
            combined.rows += [r for r in holders[0].rows if r.track == track]
    return combined


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The list from the source's PDF(s), each track's count checked."""
    pdfs = sorted(Path(f) for f in files if Path(f).suffix.lower() == ".pdf") or sorted(
        Path(f) for f in files
    )
    if not pdfs:
        raise SourceError(source_id, "no file to extract")
    found = combine(source_id, [read_model_list(source_id, path) for path in pdfs])
    check_counts(found)
    frame = model_frame(found)
    counts = frame.track.value_counts().to_dict()
    files_read = sorted({r.path.name for r in found.rows})
    note = (
        f"スマートシティモデル事業 list: {counts.get(LEADING_MODEL, 0)} {LEADING_MODEL} + "
        f"{counts.get(PRIORITY, 0)} {PRIORITY} from {', '.join(files_read)} "
        f"({found.family} layout)"
    )
    return ExtractOutput({"selections": frame}, notes=[note])


def debug_marks(view: PageView) -> list[tuple[tuple[float, float, float, float], str]]:
    """What the list reader recognises on a page (``python -m pipeline debug``)."""
    layout = load_layout()
    return table_debug_marks(view, layout.columns, header_ok, TrackHeading(layout))  # type: ignore[arg-type]


def debug_lines(view: PageView) -> list[tuple[str, str]]:
    """(role, text) per visual line in reading order: header, heading, furniture, label (a
    per-project sheet's label line) or entry."""
    layout = load_layout()
    marks = debug_marks(view)
    out: list[tuple[str, str]] = []
    for line in group_lines(view.words):
        text = " ".join(w["text"] for w in line)
        boxes = {(w["x0"], w["top"], w["x1"], w["bottom"]) for w in line}
        roles = [label for box, label in marks if box in boxes]
        if roles:
            role = roles[0]
        elif _label_role(line[0], layout) is not None and len(line) >= 2:
            role = "label"
        else:
            role = "entry"
        out.append((role, text))
    return out
