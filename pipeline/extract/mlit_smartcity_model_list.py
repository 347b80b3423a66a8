"""MLIT スマートシティモデル事業 (2019-05-31): the official list of the selected projects.

The 15 先行モデルプロジェクト and the 23 重点事業化促進プロジェクト, read from MLIT's data PDF of
all selected projects (``001291681.pdf``) by the shared list reader (``pipeline.extract.reader``),
in whatever layout it comes: a table per track under a heading (``１．先行モデルプロジェクト
（15件）``, ``【重点事業化促進プロジェクト】（続き）``), one table with a 区分 column (merged
over its
group or printed on its first row), tracks as rows spanning the table, a sheet per project
(a title naming the track, then label/value lines), or a numbered list.

This module is the source's part: its vocabulary (``layouts/mlit_smartcity_model_list.csv``:
columns by meaning, no single column required; the track labels), what was announced
(``pipeline.announced``), the content check (``selection_lists.check_place``), and the rows: the
area is the local-government cell as printed (several in one cell stay as printed, 熱海市、
下田市; the normalize stage links each), or without one the target area's local government;
the target area and the participants go to the note. A file may hold one track (別紙1 先行,
別紙2 重点): the source's files together must hold both, and files holding the same track must
agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.announced import SMARTCITY_MODEL_ANNOUNCED_ON
from pipeline.errors import SourceError
from pipeline.extract import reader, selection_lists
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.text import split_prefecture

PROGRAM_ID = "smartcity_model_2019"
LEADING_MODEL = "leading_model"
PRIORITY = "priority"
TRACK_NAMES = {LEADING_MODEL: "先行モデルプロジェクト", PRIORITY: "重点事業化促進プロジェクト"}
VOCABULARY = "mlit_smartcity_model_list.csv"
PLACE_ROLES = ("municipality", "target_area", "prefecture")
# Column roles kept in the note, with the label they are printed under there.
NOTE_ROLES = {"target_area": "対象区域 (target area)", "participants": "構成員 (members)"}


def shape() -> reader.Shape:
    return reader.Shape(
        reader.load_vocabulary(VOCABULARY),
        record=True,
        entry_roles=frozenset({"prefecture", "municipality", "target_area", "project",
                               "consortium", "lead"}),
        list_roles=frozenset({"municipality"}),
        place_role="municipality",
        content_order=("project", "consortium", "lead"),
    )


def spec_for(source_id: str, path: Path | None = None) -> reader.ListSpec:
    """What the reader needs to know of the list (a file holding both tracks, or one)."""
    return reader.ListSpec(
        source_id=source_id,
        what="スマートシティモデル事業 list",
        shape=shape(),
        expected=selection_lists.expectations(selection_lists.announced_tracks(PROGRAM_ID)),
        check=lambda entry: selection_lists.check_place(entry, PLACE_ROLES[:2]),
        names=TRACK_NAMES,
    )


def track_of(text: str | None) -> str | None:
    """The track a heading line or a 区分 cell names, if the whole text is one (after its
    numbering, brackets, count and continuation mark): a project name that merely contains
    先行モデル is not a heading."""
    found = reader.load_vocabulary(VOCABULARY).label(text)
    return found.category if found else None


@dataclass
class ModelList:
    """What one or more PDFs hold: the entries of both tracks, and where each came from."""

    source_id: str
    path: Path
    entries: list[tuple[reader.Entry, Path]] = field(default_factory=list)

    def pages(self, track: str) -> list[int]:
        return sorted({e.page for e, _ in self.entries if e.category == track})

    def places(self, track: str) -> list[str]:
        return [_place(e) for e, _ in self.entries if e.category == track]


def read_model_list(source_id: str, path: Path) -> ModelList:
    """Every selected project one PDF holds (one track or both)."""
    found = reader.read_list(spec_for(source_id), Path(path))
    return ModelList(source_id, Path(path), [(e, Path(path)) for e in found.entries])


def announced_for(track: str) -> tuple[int, int]:
    """(fiscal year, count) announced for one track of the programme."""
    (entry,) = [a for a in selection_lists.ANNOUNCED_COUNTS
                if (a.program_id, a.track) == (PROGRAM_ID, track)]
    return entry.fiscal_year, entry.count


def check_counts(found: ModelList) -> None:
    """Each track must hold exactly its announced number of projects (over all files)."""
    for track in (LEADING_MODEL, PRIORITY):
        _, expected = announced_for(track)
        held = found.places(track)
        if len(held) == expected:
            continue
        pages = found.pages(track) or sorted({e.page for e, _ in found.entries}) or [1]
        short = "short" if len(held) < expected else "long"
        raise SourceError(
            found.source_id,
            f"the {TRACK_NAMES[track]} list is {short}: {len(held)} read (pages {pages}), "
            f"{expected} announced; places read: {held}",
            path=found.path, page=pages[-1],
        )


def _place(entry: reader.Entry) -> str:
    f = entry.fields
    return f.get("municipality") or f.get("target_area") or entry.prefecture or ""


def _note(fields: dict[str, str]) -> str | None:
    parts = [f"{label}: {fields[role]}" for role, label in NOTE_ROLES.items() if fields.get(role)]
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
    for entry, _ in found.entries:
        fields = entry.fields
        area = fields.get("municipality") or ""
        if not area:  # one column for both: 札幌市（市中心部および郊外）; printed cell in note
            area, _ = split_trailing_bracket(fields.get("target_area", ""))
        prefecture = entry.prefecture or None
        if prefecture is None and area:
            prefecture, area = split_prefecture(area)
        fiscal_year, _ = announced_for(entry.category or "")
        records.append({
            "program_id": PROGRAM_ID,
            "track": entry.category,
            "fiscal_year": fiscal_year,
            "round": "",
            "announced_on": announced_on,
            "project_name_ja": fields.get("project") or None,
            "lead_org_ja": fields.get("lead") or None,
            "consortium_ja": fields.get("consortium") or None,
            "prefecture_ja": prefecture,
            "area_ja": area or prefecture,
            "note": _note(fields),
            "source_id": found.source_id,
            "page": entry.page,
            "list_key": None,
        })
    return selections_frame(records)


def combine(source_id: str, lists: list[ModelList]) -> ModelList:
    """One list from the source's files: each track from the file that holds it (別紙1 先行,
    別紙2 重点 dropped in as two files); files holding the same track must agree on it."""
    combined = ModelList(source_id, lists[0].path)
    for track in (LEADING_MODEL, PRIORITY):
        holders = [found for found in lists if found.pages(track)]
        if len({tuple(found.places(track)) for found in holders}) > 1:
            raise SourceError(
                source_id,
                f"{len(holders)} files hold different versions of the {TRACK_NAMES[track]} "
                f"list: {[str(found.path) for found in holders]}; keep one",
                path=holders[1].path, page=holders[1].pages(track)[0],
            )
        if holders:
            combined.entries += [(e, p) for e, p in holders[0].entries if e.category == track]
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
    files_read = sorted({p.name for _, p in found.entries})
    note = (
        f"スマートシティモデル事業 list: {counts.get(LEADING_MODEL, 0)} {LEADING_MODEL} + "
        f"{counts.get(PRIORITY, 0)} {PRIORITY} from {', '.join(files_read)}"
    )
    return ExtractOutput({"selections": frame}, notes=[note])
