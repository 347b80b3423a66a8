"""Normalize stage: stable ids, comparable names, and local-government codes.

Extractors keep text as printed; this stage derives the comparable forms (``name_normalized``)
and the keys researchers join on (``lg_code``), and never changes the printed text. The text
clean-up itself is in ``pipeline/text.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pipeline.errors import Problem
from pipeline.text import (
    area_key,
    normalize_org_name,
    prefecture_list,
    stable_id,
    text_or_empty,
)
from schemas import columns

if TYPE_CHECKING:
    from pipeline.transform.matching import Matcher

# --- platform members ---------------------------------------------------------------------

MEMBER_COLUMNS = columns("platform_members")


def normalize_members(
    extracted: pd.DataFrame, matcher: Matcher, as_of: str, evidence: dict[str, str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Add ids, comparable names, the evidence grade (``evidence``: source id -> grade, from
    :func:`pipeline.transform.sources.evidence_by_source`) and, for local governments, the
    JIS X 0402 code."""
    problems: list[Problem] = []
    frame = extracted.copy()
    frame["name_normalized"] = frame["name_ja"].map(normalize_org_name)
    frame["member_id"] = [
        stable_id("m", row.category, text_or_empty(row.prefecture_ja), row.name_normalized)
        for row in frame.itertuples()
    ]
    codes: list[str | None] = []
    for row in frame.itertuples():
        if row.category != "local_government":
            codes.append(None)
            continue
        prefecture = text_or_empty(row.prefecture_ja) or None
        match = matcher.match_member_name(row.name_ja, prefecture=prefecture)
        if match.ok and len(match.codes) == 1:
            codes.append(match.codes[0])
            continue
        codes.append(None)
        detail = "; ".join(match.problems) or f"matched {len(match.codes)} codes {match.codes}"
        problems.append(
            Problem(
                "platform_members",
                "lg_code",
                "local_government_matches_one_code",
                f"{row.name_ja!r}: {detail}",
                row.source_id,
                row.page,
            )
        )
    frame["lg_code"] = codes
    frame["as_of"] = as_of
    frame["evidence"] = [evidence.get(str(s), "secondary") for s in frame["source_id"]]
    return frame[MEMBER_COLUMNS], problems


# --- selections -----------------------------------------------------------------------------

SELECTION_COLUMNS = columns("selections")
SELECTION_AREA_COLUMNS = columns("selection_areas")
_NOT_A_LOCAL_GOVERNMENT = "not a local government"


def choose_selection_rows(
    candidates: list[tuple[str, pd.DataFrame]],
) -> tuple[pd.DataFrame, list[str]]:
    """Publish each programme track and year from one source: the first candidate holding it.

    ``candidates`` are (source id, extracted rows) in order of preference: official files in
    registry order, then transcriptions. Every later candidate holding the same track and year
    is compared with the chosen one, and each difference is returned as a line to report, so a
    transcription error (or a misread official file) is visible after every build. Rows whose
    year is not confirmed give way to any earlier source that holds the track.
    """
    keys = ["program_id", "track", "fiscal_year", "round"]
    chosen: dict[tuple, tuple[str, pd.DataFrame]] = {}
    parts: list[pd.DataFrame] = []
    differences: list[str] = []
    for source_id, frame in candidates:
        if not len(frame):
            continue
        frame = frame.assign(round=frame["round"].map(text_or_empty))
        for key, rows in frame.groupby(keys, sort=True, dropna=False):
            if pd.isna(key[2]):  # year not confirmed: gives way to another source of the track
                held = [
                    (sid, r)
                    for k, (sid, r) in chosen.items()
                    if k[:2] == key[:2] and sid != source_id
                ]
                winner = (held[0][0], pd.concat([r for _, r in held])) if held else None
            else:
                winner = chosen.get(key)
            if winner is None:
                chosen[key] = (source_id, rows)
                parts.append(rows)
                continue
            winner_id, winner_rows = winner
            label = "/".join(text_or_empty(part) for part in key if text_or_empty(part))
            for area in sorted(_areas(winner_rows) - _areas(rows)):
                differences.append(f"{label}: {area!r} in {winner_id}, not in {source_id}")
            for area in sorted(_areas(rows) - _areas(winner_rows)):
                differences.append(f"{label}: {area!r} in {source_id}, not in {winner_id}")
    return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()), differences


def _areas(rows: pd.DataFrame) -> set[str]:
    return {area_key(text_or_empty(area)) for area in rows["area_ja"]}


def _selection_ids(frame: pd.DataFrame) -> list[str]:
    """``<programme>-<track>-<year>[-<round>]-<hash of the area>``: readable, and stable when a
    list is re-ordered or a track moves from a transcription to the official file, so that
    joins and the row-level diff keep working. A second row with the same area gets ``-2``."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for row in frame.itertuples():
        area = area_key(text_or_empty(row.area_ja) or text_or_empty(row.prefecture_ja))
        year = "unknown_year" if pd.isna(row.fiscal_year) else int(row.fiscal_year)
        parts = (row.program_id, row.track, year, row.round, stable_id("", area)[:6])
        base = "-".join(str(part) for part in parts if part != "")
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def normalize_selections(
    extracted: pd.DataFrame, matcher: Matcher, evidence: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Give each selection a stable id and its evidence grade, link rows selected in several
    tracks, match areas."""
    if not len(extracted):
        return (
            pd.DataFrame(columns=SELECTION_COLUMNS),
            pd.DataFrame(columns=SELECTION_AREA_COLUMNS),
            [],
        )
    frame = extracted.copy()
    frame["round"] = frame["round"].fillna("")
    frame["selection_id"] = _selection_ids(frame)
    frame["selection_group_id"] = frame["selection_id"]
    frame["evidence"] = [evidence.get(str(s), "secondary") for s in frame["source_id"]]
    linked = frame[frame["list_key"].notna() & (frame["list_key"] != "")]
    for _, group in linked.groupby(["program_id", "list_key"]):
        frame.loc[group.index, "selection_group_id"] = min(group["selection_id"])

    problems: list[Problem] = []
    areas: list[dict] = []
    for row in frame.itertuples():
        # A region over several prefectures may print them all (山陰エリア: 島根県、鳥取県;
        # 瀬戸内エリア: 広島県・岡山県・香川県): it is linked to each, within_prefecture.
        printed_ja = text_or_empty(row.prefecture_ja)
        printed = prefecture_list(printed_ja) or ([printed_ja] if printed_ja else [])
        prefecture = printed[0] if len(printed) == 1 else None
        text = text_or_empty(row.area_ja) or prefecture or ""
        match = matcher.match(text, prefecture=prefecture)
        prefecture_codes = [c for p in printed if (c := matcher.prefecture_code_of(p))]
        if len(prefecture_codes) != len(printed):
            real_prefecture = f"prefecture_ja {row.prefecture_ja!r} names an unknown prefecture"
            problems.append(Problem("selection_areas", "lg_code", "area_matches_local_governments",
                                    f"{row.selection_id}: {real_prefecture}", row.source_id,
                                    row.page))
        real = [p for p in match.problems if _NOT_A_LOCAL_GOVERNMENT not in p]
        for problem in real:
            problems.append(
                Problem(
                    "selection_areas",
                    "lg_code",
                    "area_matches_local_governments",
                    f"{row.selection_id} {text!r}: {problem}",
                    row.source_id,
                    row.page,
                )
            )
        links = [(code, part, "local_government") for code, part in zip(
            match.codes, match.parts, strict=True)]
        if not links and not real:
            # A region no source maps to local governments (八重山地域): link the prefecture(s)
            # it is printed in, so per-prefecture counts keep it; never its municipalities.
            links = [(code, text, "within_prefecture") for code in prefecture_codes]
        for code, part, link in links:
            areas.append(
                {
                    "selection_id": row.selection_id,
                    "lg_code": code,
                    "link": link,
                    "area_part_ja": part,
                    "source_id": row.source_id,
                    "page": row.page,
                }
            )
    selection_areas = pd.DataFrame(areas, columns=SELECTION_AREA_COLUMNS)
    selection_areas = selection_areas.drop_duplicates(["selection_id", "lg_code"])
    return frame[SELECTION_COLUMNS], selection_areas, problems
