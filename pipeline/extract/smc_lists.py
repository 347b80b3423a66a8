"""The two Smart Mobility Challenge selection lists (METI パイロット地域, MLIT 先行モデル事業).

Both lists are published as PDF attachments of the METI release and again as MLIT-hosted
copies; nobody on the team has seen any of them. They are read by the one list reader
(``pipeline.extract.reader``), in whatever layout they come (ruled or not, a header per page or
a table continued without one, 類型 as section lines or in a column merged over its group,
the prefecture in its own column, printed once per group, as sub-headings or before the
area); this module is the sources' part:

- the vocabulary, ``layouts/smc_lists.csv``: column headers by meaning, the 類型 groups, and the
  title words that say which list a file holds (パイロット地域 / 先行モデル事業 ...): the category
  of every entry is its list (the track); an MLIT copy holds one list by registration
  (``Shape.default_category``), and its title may not name the other;
- what was announced (``pipeline.announced``: 13 and 19) as the reader's expectations, and
  after the reader the cross-check of the two lists (28 = 13 + 19 - 4 in both);
- the content check (``selection_lists.check_place``: the area names a place, a local
  government lies in the prefecture printed for it);
- the rows: text as printed, the 類型, the concept mark and a prefecture printed once for its
  group in the note.

``list_key`` (how the normalize stage links one region selected in both lists): the area text
as printed, NFKC, without spaces, without a leading prefecture name or a trailing
``（茨城県）``, with list separators (、,/) written as ``・``; prefixed ``smc:``. The prefecture
is left out because one list may print it and the other not. Two rows of one list with the
same key get ``#2``, ``#3`` suffixes, so they never merge with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from pipeline.announced import SMC_ANNOUNCED_ON, SMC_SELECTED_BY_BOTH, SMC_TOTAL_SELECTED
from pipeline.errors import SourceError
from pipeline.extract import reader, selection_lists
from pipeline.extract.pdf import iter_pages, open_pdf
from pipeline.extract.reader.verify import choose
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.text import area_key, split_prefecture, text_or_empty

PROGRAM_ID = "smart_mobility_challenge_2019"
METI_PILOT = "meti_pilot"
MLIT_MODEL = "mlit_model"
TRACKS = (METI_PILOT, MLIT_MODEL)
# How messages name each list (the reader prints ``mlit_model (MLIT 先行モデル事業)``).
TRACK_NAMES = {METI_PILOT: "METI パイロット地域", MLIT_MODEL: "MLIT 先行モデル事業"}
LIST_NAMES = {track: f"{name} list" for track, name in TRACK_NAMES.items()}
VOCABULARY = "smc_lists.csv"
# Where a selection is: the area column (a prefecture column alone is a place too).
PLACE_ROLES = ("area",)


def list_key(area: str | None) -> str | None:
    """Key linking one region across the two lists (see the module docstring): the area as
    lists are compared (pipeline.text.area_key), so the two cannot disagree."""
    text = area_key(text_or_empty(area)).strip("・")
    return f"smc:{text}" if text else None


def shape(track: str | None = None) -> reader.Shape:
    """How the lists are printed: one row of fields per selection, told by the column header
    or a field's label (代表：…); without either, the one text beside the place is the project
    when it does not read as an organisation's name (``check``); of two such texts the one that
    alone reads as an organisation's name is the proposer (the list names no other organisation),
    and two of a kind or a third are refused, never guessed; ``track``: the one list a file holds by
    registration (an MLIT copy), else its title or a heading says."""
    return reader.Shape(
        reader.load_vocabulary(VOCABULARY),
        record=True,
        entry_roles=frozenset({"area", "prefecture", "project", "summary", "lead", "consortium"}),
        list_roles=frozenset({"area"}),
        place_role="area",
        content_order=("project",),
        proposer_role="lead",
        default_category=track,
    )


def one_list_shape(track: str) -> reader.Shape:
    """The shape of a file registered as one list of the family (MLIT's 日本版MaaS list): its
    titles and headings name that list only; the family's others (国土交通省 in a title names
    the 2019 先行モデル事業 list) name nothing there."""
    vocab = reader.load_vocabulary(VOCABULARY)
    vocab = replace(vocab, titles={k: v for k, v in vocab.titles.items() if v == track},
                    labels={k: v for k, v in vocab.labels.items() if v == track})
    return replace(shape(track), vocabulary=vocab)


def announced_for(track: str) -> tuple[int, int]:
    """(fiscal year, count) announced for one SMC track."""
    (entry,) = [a for a in selection_lists.ANNOUNCED_COUNTS
                if (a.program_id, a.track) == (PROGRAM_ID, track)]
    return entry.fiscal_year, entry.count


def check_entry(entry: reader.Entry) -> str | None:
    """The place check, and a project that is no organisation's name: a list printing the
    proposer alone beside the place, without a header or label, is refused."""
    project = entry.fields.get("project", "")
    if project and reader.classify.reads_as_organisation(project):
        return (f"{project!r} is read as the project of {entry.fields.get('area')!r} but reads "
                "as an organisation's name (a proposer printed without a header or label?)")
    return selection_lists.check_place(entry, PLACE_ROLES)


def spec(source_id: str, track: str | None = None) -> reader.ListSpec:
    """What the reader needs to know of a file holding the lists (``track``: exactly that one)."""
    counts = selection_lists.announced_tracks(PROGRAM_ID)
    if track is not None:
        counts = {track: counts[track]}
    return reader.ListSpec(
        source_id=source_id,
        what=LIST_NAMES[track] if track else "Smart Mobility Challenge list",
        shape=shape(track),
        expected=selection_lists.expectations(counts),
        check=check_entry,
        names=TRACK_NAMES,
    )


@dataclass
class SmcList:
    """One of the two lists as read from one PDF."""

    track: str
    source_id: str
    path: Path
    entries: list[reader.Entry]

    @property
    def pages(self) -> list[int]:
        return sorted({e.page for e in self.entries})


@dataclass
class NoList:
    """A PDF without a list table (the 参考 overview), and the lists its titles name."""

    source_id: str
    path: Path
    titles: set[str]


def read_smc_lists(source_id: str, path: Path, track: str | None = None) -> list[SmcList] | NoList:
    """The lists one PDF holds (one, or both as sections), or :class:`NoList` when no reading
    finds a column header in it: an overview or a map naming regions is no list (given
    ``track``, the file must hold that list)."""
    path = Path(path)
    list_spec = spec(source_id, track)
    readings = reader.readings_of(list_spec, path)
    if track is None and not any(role == "header" for r in readings for _, role, _ in r.roles):
        return NoList(source_id, path, {h.category for r in readings for h in r.headings})
    found = choose(readings, list_spec, path)
    return [
        SmcList(t, source_id, path, [e for e in found.entries if e.category == t])
        for t in TRACKS if any(e.category == t for e in found.entries)
    ]


def no_list_error(no_list: NoList, track: str) -> SourceError:
    """Why a PDF whose titles name only ``track`` holds no table of it: the reader's refusal
    when read as that list, else (its places alone would pass) that it has no list table."""
    list_spec = spec(no_list.source_id, track)
    try:
        choose(reader.readings_of(list_spec, no_list.path), list_spec, no_list.path)
    except SourceError as err:
        return err
    return SourceError(
        no_list.source_id,
        f"the {LIST_NAMES[track]} was not found: this file names it in its title but holds no "
        f"table of it (no row of column headers that {list_spec.shape.vocabulary.file} knows)",
        path=no_list.path, page=1,
    )


def image_only(source_id: str, path: Path) -> bool:
    """Whether no page of the PDF has a text layer (a scan): it cannot be read at all. A file
    that does not open is no scan (its own error says what it is)."""
    try:
        with open_pdf(source_id, path) as pdf:
            views = iter_pages(source_id, path, pdf, check_text=False)
            return not any(view.words for view in views)
    except SourceError:
        return False


def check_both(meti: SmcList, mlit: SmcList, frame: pd.DataFrame) -> None:
    """28 = 13 + 19 - 4: the lists must share exactly the announced regions."""
    keys = {
        t: set(frame.loc[frame.track == t, "list_key"].dropna()) for t in (METI_PILOT, MLIT_MODEL)
    }
    both = keys[METI_PILOT] & keys[MLIT_MODEL]
    total = len(keys[METI_PILOT] | keys[MLIT_MODEL])
    if len(both) != SMC_SELECTED_BY_BOTH or total != SMC_TOTAL_SELECTED:
        raise SourceError(
            meti.source_id,
            f"the two lists share {len(both)} regions ({sorted(both)}) and name {total} in "
            f"all; {SMC_SELECTED_BY_BOTH} shared and {SMC_TOTAL_SELECTED} in all were announced "
            f"(METI list {meti.path} pages {meti.pages}; MLIT list {mlit.path} pages "
            f"{mlit.pages}); area names printed differently in the two lists?",
            path=meti.path, page=meti.pages[0],
        )


def _note(entry: reader.Entry) -> str | None:
    parts = []
    if entry.group:
        parts.append(f"類型: {entry.group}")
    if entry.fields.get("concept"):
        parts.append(f"コンセプト: {entry.fields['concept']}")
    if entry.prefecture_carried and entry.prefecture:
        parts.append(f"都道府県: {entry.prefecture} (printed once for its group)")
    return "; ".join(parts) or None


def smc_frame(lst: SmcList, announced_on: str = SMC_ANNOUNCED_ON) -> pd.DataFrame:
    """Selection extract rows of one list, text as printed; the project is the 事業名 column,
    or the 主な取組 column of a list that has none."""
    fiscal_year, _ = announced_for(lst.track)
    records = []
    seen: dict[str, int] = {}
    for entry in lst.entries:
        fields = entry.fields
        area = fields.get("area") or ""
        prefecture = entry.prefecture or None
        if prefecture is None and area:
            prefecture, area = split_prefecture(area)
        key = list_key(area or prefecture)
        if key is not None:
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key}#{seen[key]}"
        records.append({
            "program_id": PROGRAM_ID,
            "track": lst.track,
            "fiscal_year": fiscal_year,
            "round": "",
            "announced_on": announced_on,
            "project_name_ja": fields.get("project") or fields.get("summary") or None,
            "lead_org_ja": fields.get("lead") or None,
            "consortium_ja": fields.get("consortium") or None,
            "prefecture_ja": prefecture,
            "area_ja": area or None,
            "note": _note(entry),
            "source_id": lst.source_id,
            "page": entry.page,
            "list_key": key,
        })
    return selections_frame(records)


def check_same_versions(source_id: str, lists: list[SmcList], frames: list[pd.DataFrame]) -> None:
    """Several files holding one list must hold the same regions: else name the first row
    where a later file differs from the first, with its file and page."""
    first = list(frames[0]["list_key"])
    for lst, frame in zip(lists[1:], frames[1:], strict=True):
        keys = list(frame["list_key"])
        if keys == first:
            continue
        at = next((i for i, (a, b) in enumerate(zip(first, keys, strict=False)) if a != b),
                  min(len(first), len(keys)) - 1)
        page = int(frame["page"].iloc[at]) if len(frame) else lst.pages[0]
        raise SourceError(
            source_id,
            f"{len(lists)} files hold different versions of the {LIST_NAMES[lst.track]} "
            f"({[str(x.path) for x in lists]}): row {at + 1} reads {keys[at:at + 1]} here and "
            f"{first[at:at + 1]} in {lists[0].path.name}; keep one",
            path=lst.path, page=page,
        )


def extract_single_list(source_id: str, files: list[Path], track: str) -> ExtractOutput:
    """Extractor body of the MLIT-hosted copies: one PDF, one list, its own count checked."""
    pdfs = [Path(f) for f in files if Path(f).suffix.lower() == ".pdf"] or [
        Path(f) for f in files
    ]
    if not pdfs:
        raise SourceError(source_id, "no file to extract")
    lists: list[SmcList] = []
    for path in sorted(pdfs):
        (lst,) = read_smc_lists(source_id, path, track)  # type: ignore[misc]
        lists.append(lst)
    frames = [smc_frame(lst) for lst in lists]
    check_same_versions(source_id, lists, frames)
    frame = frames[0]
    note = f"{LIST_NAMES[track]}: {len(frame)} rows from {lists[0].path.name}"
    return ExtractOutput({"selections": frame}, notes=[note])
