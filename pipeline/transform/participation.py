"""Participation: for every local government × programme track (and the platform), selected,
not_selected or unknown.

Absence from a list is "no" only when the list is held complete: every coverage row of the
track is complete (held = announced, and no row of the track lacks a confirmed year). Even
then, a local government in a prefecture holding a region-level selection of the track
(八重山地域, linked ``within_prefecture``) may lie in that region, so it is unknown; a region
no source places in any prefecture (瀬戸内エリア) makes every non-listed local government
unknown for that track. The wards of designated cities are not local governments and get no
rows.
"""

from __future__ import annotations

import pandas as pd

from schemas import columns
from schemas.vocabularies import PLATFORM_PROGRAM_ID, TRACKS

PARTICIPATION_COLUMNS = columns("participation")
PLATFORM_TRACK = "local_government"  # the member category a local government belongs to


def _complete_tracks(coverage: pd.DataFrame, selections: pd.DataFrame) -> dict[tuple, str]:
    """(programme, track) -> '' when its list is held complete, else why it is not."""
    reasons: dict[tuple, str] = {}
    counted = set(zip(coverage["program_id"], coverage["track"], strict=True))
    for program_id, tracks in TRACKS.items():
        for track in tracks:
            if (program_id, track) not in counted:
                continue  # a track with no coverage row (not in this build) has no rows
            rows = coverage[(coverage["program_id"] == program_id) & (coverage["track"] == track)]
            announced = rows.dropna(subset=["announced_count"])
            undated = selections[
                (selections["program_id"] == program_id)
                & (selections["track"] == track)
                & selections["fiscal_year"].isna()
            ]
            if not len(announced):
                reasons[(program_id, track)] = "no announced count for this track"
            elif not rows["complete"].all() or len(undated):
                held = int(announced["held_count"].sum())
                total = int(announced["announced_count"].sum())
                extra = f"; {len(undated)} held with year not confirmed" if len(undated) else ""
                reasons[(program_id, track)] = f"list incomplete: {held} of {total} held{extra}"
            else:
                reasons[(program_id, track)] = ""
    return reasons


def build_participation(
    municipalities: pd.DataFrame,
    selections: pd.DataFrame,
    selection_areas: pd.DataFrame,
    coverage: pd.DataFrame,
    members: pd.DataFrame,
) -> pd.DataFrame:
    """The ``participation`` table (see the module docstring for the rule)."""
    local = municipalities[municipalities["kind"] != "ward"]
    linked_wards = set(selection_areas["lg_code"]) | set(members["lg_code"].dropna())
    wards = municipalities[(municipalities["kind"] == "ward")
                           & municipalities["lg_code"].isin(linked_wards)]
    governments = pd.concat([local, wards]).sort_values("lg_code")
    prefecture_of = dict(zip(municipalities["lg_code"], municipalities["prefecture_code"],
                             strict=True))
    track_of = {
        sid: (p, t)
        for sid, p, t in zip(selections["selection_id"], selections["program_id"],
                             selections["track"], strict=True)
    }
    selected: dict[tuple, list[str]] = {}  # (lg_code, programme, track) -> selection ids
    regions: dict[tuple, list[str]] = {}  # (prefecture_code, programme, track) -> area texts
    unplaced: dict[tuple, list[str]] = {}  # (programme, track) -> regions in no prefecture
    linked = set(selection_areas["selection_id"])
    area_of = dict(zip(selections["selection_id"], selections["area_ja"], strict=True))
    for row in selection_areas.itertuples(index=False):
        program_track = track_of[row.selection_id]
        if row.link == "local_government":
            selected.setdefault((row.lg_code, *program_track), []).append(row.selection_id)
        else:
            key = (prefecture_of[row.lg_code], *program_track)
            regions.setdefault(key, []).append(str(area_of[row.selection_id]))
    for sid, program_track in track_of.items():
        if sid not in linked:
            unplaced.setdefault(program_track, []).append(str(area_of[sid]))

    reasons = _complete_tracks(coverage, selections)
    rows: list[dict[str, str]] = []
    for lg_code, prefecture_code in zip(governments["lg_code"], governments["prefecture_code"],
                                        strict=True):
        for (program_id, track), incomplete in reasons.items():
            ids = selected.get((lg_code, program_id, track))
            in_regions = regions.get((prefecture_code, program_id, track), [])
            nowhere = unplaced.get((program_id, track), [])
            if ids:
                status, basis = "selected", "listed: " + ", ".join(sorted(ids))
            elif incomplete:
                status, basis = "unknown", incomplete
            elif in_regions or nowhere:
                status = "unknown"
                basis = "complete list, but it may lie in " + ", ".join(
                    sorted(set(in_regions) | set(nowhere))
                ) + " (a region no source maps to local governments)"
            else:
                status, basis = "not_selected", "complete list; not listed"
            rows.append({"lg_code": lg_code, "program_id": program_id, "track": track,
                         "status": status, "basis": basis})
    rows += _platform_rows(governments, members, coverage)
    frame = pd.DataFrame(rows, columns=PARTICIPATION_COLUMNS)
    return frame.sort_values(["lg_code", "program_id", "track"], ignore_index=True)


def _platform_rows(
    governments: pd.DataFrame, members: pd.DataFrame, coverage: pd.DataFrame
) -> list[dict[str, str]]:
    """member where listed; not_member only when the local-government list is held complete."""
    key = (coverage["program_id"] == PLATFORM_PROGRAM_ID) & (coverage["track"] == PLATFORM_TRACK)
    row = coverage[key]
    complete = bool(len(row)) and bool(row["complete"].iloc[0])
    held = f"{int(row['held_count'].iloc[0])} of {int(row['announced_count'].iloc[0])}" if len(
        row) else "no count"
    listed = {
        code: mid
        for code, mid in zip(members["lg_code"], members["member_id"], strict=True)
        if isinstance(code, str)
    }
    out = []
    for lg_code in governments["lg_code"]:
        if lg_code in listed:
            status, basis = "member", f"listed: {listed[lg_code]}"
        elif complete:
            status, basis = "not_member", "complete member list; not listed"
        else:
            status, basis = "unknown", f"member list incomplete: {held} local governments held"
        out.append({"lg_code": lg_code, "program_id": PLATFORM_PROGRAM_ID,
                    "track": PLATFORM_TRACK, "status": status, "basis": basis})
    return out
