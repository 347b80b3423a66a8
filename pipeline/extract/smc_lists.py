"""The two Smart Mobility Challenge selection lists (METI パイロット地域, MLIT 先行モデル事業).

Both lists are published as PDF attachments of the METI release and again as MLIT-hosted
copies; nobody on the team has seen any of them. So a list is found by its table header
(column aliases in ``layouts/smc_lists.csv``), never by page number or file name, and which
list a PDF holds is read from its own title words (パイロット地域 / 先行モデル事業 ...).
Counts are checked against ``pipeline.announced`` at extraction time, so a layout the reader
does not understand fails with the file and page to look at instead of publishing a short list.

The tables are read by the shared header-anchored reader (``pipeline.extract.tables``: ruled
and unruled tables, wrapped cells, section rows such as ``観光地型``, tables continued on the
next page without a header); this module adds what is about the two lists: which list a PDF
holds, the announced counts, and the rows as selection extracts.

``list_key`` (how the normalize stage links one region selected in both lists): the area text
as printed, NFKC, without spaces, without a leading prefecture name or a trailing
``（茨城県）``, with list separators (、,/) written as ``・``; prefixed ``smc:``. The prefecture
is left out because one list may print it and the other not. Two rows of one list with the
same key get ``#2``, ``#3`` suffixes, so they never merge with each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.announced import (
    ANNOUNCED_COUNTS,
    SMC_ANNOUNCED_ON,
    SMC_SELECTED_BY_BOTH,
    SMC_TOTAL_SELECTED,
)
from pipeline.errors import SourceError
from pipeline.extract.pdf import PageView
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.extract.tables import (
    PdfScan,
    Row,
    load_aliases,
    page_line_roles,
    scan_pdf,
    table_debug_marks,
)
from pipeline.text import (
    PREFECTURES,
    area_key,
    nfkc_no_whitespace,
    split_prefecture,
    text_or_empty,
)

PROGRAM_ID = "smart_mobility_challenge_2019"
METI_PILOT = "meti_pilot"
MLIT_MODEL = "mlit_model"
LIST_NAMES = {METI_PILOT: "METI パイロット地域 list", MLIT_MODEL: "MLIT 先行モデル事業 list"}

# Title words that say which list a PDF holds. Strong words name the list; weak words only
# name the ministry and decide when no strong word is present.
STRONG_ANCHORS = {
    METI_PILOT: ("パイロット地域",),
    MLIT_MODEL: ("先行モデル", "新モビリティサービス推進事業"),
}
WEAK_ANCHORS = {
    METI_PILOT: ("経済産業省", "経産省"),
    MLIT_MODEL: ("国土交通省", "国交省"),
}

# A row with one filled cell that matches this is a section heading inside the table.
SMC_SECTION_RE = re.compile(r"型|タイプ")
# A lone line naming one prefecture (numbered or bracketed, with a count or not: 【愛知県】,
# ■北海道（2地域）, １．福島県, 〔静岡県〕) heads the rows of that prefecture, when a list prints
# prefecture sub-headings instead of a prefecture column.
_MARKS = r"[\s　【】■□●◆◇＜＞<>〔〕\[\]［］()（）・]*"
_NUMBERING = r"(?:[0-9]{1,2}[.)]|\([0-9]{1,2}\)|[①-⑳]|[IVXⅠ-Ⅻ]+[.]?)?"
PREFECTURE_HEADING_RE = re.compile(
    f"^{_MARKS}{_NUMBERING}{_MARKS}(?P<label>{'|'.join(PREFECTURES)}){_MARKS}"
    r"(?:[（(]?(?:計)?[0-9]{1,3}(?:地域|事業|件|団体)?[）)]?)?" f"{_MARKS}$"
)
SMC_GROUPS = {"prefecture": PREFECTURE_HEADING_RE}

# Column roles, by what they say about a selection: where it is, and what it is or who runs it.
PLACE_ROLES = {"area", "prefecture"}
ENTRY_ROLES = PLACE_ROLES | {"project", "lead", "consortium"}


def list_key(area: str | None) -> str | None:
    """Key linking one region across the two lists (see the module docstring): the area as
    lists are compared (pipeline.text.area_key), so the two cannot disagree."""
    text = area_key(text_or_empty(area)).strip("・")
    return f"smc:{text}" if text else None


def debug_marks(view: PageView) -> list[tuple[tuple[float, float, float, float], str]]:
    """What the SMC list reader recognises on a page (``python -m pipeline debug``)."""
    return table_debug_marks(view, load_aliases("smc_lists.csv"), smc_header_ok, SMC_SECTION_RE)


def debug_lines(view: PageView) -> list[tuple[str, str]]:
    """(role, text) per visual line, as the SMC list reader placed it (``python -m pipeline
    debug``): header, entry, continuation, section, furniture or unplaced."""
    return page_line_roles(view, load_aliases("smc_lists.csv"), smc_header_ok, SMC_SECTION_RE,
                           SMC_GROUPS)


def smc_header_ok(roles: list[str | None]) -> bool:
    """A list header names where the selections are and one more thing about them: two
    different entry roles, one a place (都道府県 + 地域名, 実施地域 + 事業名, 代表提案者 +
    事業名称 + 実施地域 ...). No single column is required; a line naming only one role is
    prose or a title, and a table without a place column is not a list of regions."""
    present = set(roles) & ENTRY_ROLES
    return len(present) >= 2 and bool(present & PLACE_ROLES)


@dataclass
class SmcList:
    """One of the two lists as read from one PDF."""

    track: str
    source_id: str
    path: Path
    rows: list[Row]
    pages: list[int]
    other_runs: list[int]  # pages of later header tables that were not read as this list


def _anchor_kind(text: str) -> tuple[str | None, str]:
    """Which list a title names: strong words first, then the ministry; '' if both."""
    t = nfkc_no_whitespace(text)
    for anchors in (STRONG_ANCHORS, WEAK_ANCHORS):
        kinds = {
            k for k, words in anchors.items() if any(nfkc_no_whitespace(w) in t for w in words)
        }
        if len(kinds) == 1:
            return kinds.pop(), "named"
        if len(kinds) == 2:
            return None, "both"
    return None, "none"


def anchors_seen(scan: PdfScan) -> dict[str, list[int]]:
    """Pages on which each list's strong title words appear."""
    seen: dict[str, list[int]] = {}
    for page, lines in scan.page_lines.items():
        t = nfkc_no_whitespace("".join(lines))
        for kind, words in STRONG_ANCHORS.items():
            if any(nfkc_no_whitespace(w) in t for w in words):
                seen.setdefault(kind, []).append(page)
    return seen


def read_smc_list(
    source_id: str, path: Path, expected: str | None = None
) -> tuple[SmcList | None, PdfScan]:
    """The list a PDF holds, or None if it has no list table (e.g. the 参考 attachment).

    The first run of consecutive table pages is the list; a later table (a 概要 page of
    "一覧および概要") is not read and is named in count errors.
    """
    scan = scan_pdf(
        source_id, path, load_aliases("smc_lists.csv"), smc_header_ok, SMC_SECTION_RE,
        SMC_GROUPS,
    )
    if not scan.tables:
        if expected is not None:
            raise no_header_error(scan, expected)
        return None, scan
    first = scan.tables[0]
    run = [first]
    for t in scan.tables[1:]:
        if t.page - run[-1].page <= 1 and (t.continued or t.page == run[-1].page
                                          or t.roles == first.roles):
            run.append(t)
        else:
            break
    other = sorted({t.page for t in scan.tables[len(run):]})
    title = "\n".join(first.above) or scan.text(first.page)
    kind, how = _anchor_kind(title)
    if kind is None:
        # the header page says nothing: try the whole first page, then the whole file
        for text in (scan.text(1), "\n".join(scan.text(p) for p in scan.page_lines)):
            kind, how = _anchor_kind(text)
            if kind is not None:
                break
    if kind is None and expected is None:
        raise SourceError(
            source_id,
            "found a selection table but cannot tell which list it is: the title names "
            + ("both パイロット地域 and 先行モデル事業" if how == "both" else "neither list")
            + f" (title lines: {first.above[:3]})",
            path=path, page=first.page,
        )
    if expected is not None and kind is not None and kind != expected:
        raise SourceError(
            source_id,
            f"expected the {LIST_NAMES[expected]} but the title names the {LIST_NAMES[kind]} "
            f"(title lines: {first.above[:3]})",
            path=path, page=first.page,
        )
    rows = carry_prefectures([r for t in run for r in t.rows])
    found = SmcList(kind or expected or "", source_id, Path(path), rows,
                    sorted({t.page for t in run}), other)
    return found, scan


# An area cell naming one municipality (not a region such as 瀬戸内エリア or 八重山地域).
_MUNICIPALITY_LIKE_RE = re.compile(r"^[^・、,/]+[市町村区]$")


def carry_prefectures(rows: list[Row]) -> list[Row]:
    """A prefecture column printed only on a group's first row: its blank cells mean "as
    above", read as the group's prefecture.

    A blank can also mean "none" (瀬戸内エリア spans three prefectures), so a blank is read as
    the group's only where the layout shows the convention: the list never prints the same
    prefecture on two rows in a row (a list that prints it on every row shows 茨城県 twice),
    and the row's area names one municipality. A carried prefecture is said in the note.
    """
    printed = [r.cells.get("prefecture", "") for r in rows]
    if "prefecture" not in (rows[0].cells if rows else {}) or "" not in printed:
        return rows
    filled = [p for p in printed if p]
    if any(a == b for a, b in zip(filled, filled[1:], strict=False)) or len(filled) < 2:
        return rows
    out: list[Row] = []
    group = ""
    for row in rows:
        prefecture = row.cells.get("prefecture", "")
        if prefecture:
            group = prefecture
        elif group and _MUNICIPALITY_LIKE_RE.match(nfkc_no_whitespace(row.cells.get("area"))):
            cells = {**row.cells, "prefecture": group, "_carried_prefecture": group}
            row = Row(cells, row.section, row.page, row.top)
        out.append(row)
    return out


def no_header_error(scan: PdfScan, track: str) -> SourceError:
    """No table header was recognised: name the pages that look like the list."""
    pages = anchors_seen(scan).get(track) or sorted(scan.page_lines)[:1]
    page = pages[0]
    seen = scan.header_candidates.get(page) or scan.page_lines.get(page, [])[:4]
    detail = (
        f"no table header was recognised for the {LIST_NAMES[track]} (looked for a line "
        "with a region column such as 地域/都道府県/市町村 and one of 事業名/代表団体/実施主体; "
        f"aliases in pipeline/extract/layouts/smc_lists.csv); lines seen on the page: {seen}"
    )
    if scan.no_text_pages:
        detail += f"; pages without a text layer: {scan.no_text_pages}"
    return SourceError(scan.source_id, detail, path=scan.path, page=page)


def announced_for(track: str) -> tuple[int, int]:
    """(fiscal year, count) announced for one SMC track."""
    (entry,) = [
        a for a in ANNOUNCED_COUNTS if a.program_id == PROGRAM_ID and a.track == track
    ]
    return entry.fiscal_year, entry.count


def check_count(lst: SmcList) -> None:
    """A list must hold exactly the announced number of selections."""
    _, expected = announced_for(lst.track)
    if len(lst.rows) == expected:
        return
    last = lst.rows[-1].page if lst.rows else lst.pages[0]
    short = "short" if len(lst.rows) < expected else "long"
    hint = (
        f" (tables on later pages {lst.other_runs} were not read as part of the list)"
        if lst.other_runs else ""
    )
    raise SourceError(
        lst.source_id,
        f"the {LIST_NAMES[lst.track]} is {short}: {len(lst.rows)} rows read on pages "
        f"{lst.pages}, {expected} announced{hint}; areas read: "
        f"{[r.cells.get('area', '') for r in lst.rows]}",
        path=lst.path, page=last,
    )


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


# What a 類型 heading may carry around its name: numbering and marks before it (（１）, ①, ■,
# 【】, Ⅰ.), a count or a continuation mark after it (（６事業）, ：8, （続き）). A 類型 name
# is taken to start with no bare number or Roman numeral before a non-Latin character (① and
# Ⅲ are 1 and III after NFKC), so 5G活用型 and IoT型 keep their names.
_TYPE_LABEL_RE = re.compile(
    r"^[\s【〔［\[<＜■□●◆◇・]*(?:[(（]?[0-9]{1,2}(?![0-9A-Za-z])[)）.．]?|[IVX]+(?![A-Za-z])[.．]?)?"
    r"[\s【〔［\[<＜■□●◆◇・]*(?P<name>.+?)"
    r"[\s】〕］\]>＞]*(?:[(（]?(?:計)?[0-9０-９]{1,3}(?:地域|事業|件)?[)）]?|[:：][0-9０-９]{1,3}"
    r"(?:地域|事業|件)?)?(?:[(（](?:続き|つづき|続)[)）])?[\s】〕］\]>＞]*$"
)


def type_label(text: str) -> str:
    """The 類型 a heading or cell names, without its numbering, marks, count or （続き）."""
    match = _TYPE_LABEL_RE.match(nfkc_no_whitespace(text))
    return match.group("name") if match else nfkc_no_whitespace(text)


def _note(row: Row) -> str | None:
    parts = []
    section = row.cells.get("type") or row.section
    if section:
        parts.append(f"類型: {type_label(section)}")
    if row.cells.get("concept"):
        parts.append(f"コンセプト: {row.cells['concept']}")
    if row.cells.get("_carried_prefecture"):
        parts.append(f"都道府県: {row.cells['_carried_prefecture']} (printed once for its group)")
    return "; ".join(parts) or None


def smc_frame(lst: SmcList, announced_on: str = SMC_ANNOUNCED_ON) -> pd.DataFrame:
    """Selection extract rows of one list, text as printed."""
    fiscal_year, _ = announced_for(lst.track)
    records = []
    seen: dict[str, int] = {}
    for row in lst.rows:
        area = row.cells.get("area") or ""
        prefecture = row.cells.get("prefecture") or None
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
            "project_name_ja": row.cells.get("project") or None,
            "lead_org_ja": row.cells.get("lead") or None,
            "consortium_ja": row.cells.get("consortium") or None,
            "prefecture_ja": prefecture,
            "area_ja": area or None,
            "note": _note(row),
            "source_id": lst.source_id,
            "page": row.page,
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
        lst, _ = read_smc_list(source_id, path, expected=track)
        assert lst is not None
        check_count(lst)
        lists.append(lst)
    frames = [smc_frame(lst) for lst in lists]
    check_same_versions(source_id, lists, frames)
    frame = frames[0]
    note = f"{LIST_NAMES[track]}: {len(frame)} rows from {lists[0].path.name}"
    return ExtractOutput({"selections": frame}, notes=[note])
