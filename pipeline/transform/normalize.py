"""Normalize stage: stable ids, comparable names, and local-government codes.

Extractors keep text as printed; this stage derives the comparable forms (``name_normalized``)
and the keys researchers join on (``lg_code``), and never changes the printed text. The text
clean-up itself is in ``pipeline/text.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pipeline.announced import joint_key_years
from pipeline.errors import Failure
from pipeline.text import (
    area_key,
    normalize_org_name,
    prefecture_list,
    stable_id,
    text_or_empty,
)
from schemas import columns
from schemas.vocabularies import SINGLE_ROUND

if TYPE_CHECKING:
    from pipeline.transform.matching import Matcher

# --- platform members ---------------------------------------------------------------------

MEMBER_COLUMNS = columns("platform_members")


def normalize_members(
    extracted: pd.DataFrame, matcher: Matcher, as_of: str, evidence: dict[str, str]
) -> tuple[pd.DataFrame, list[Failure]]:
    """Add ids, comparable names, the evidence grade (``evidence``: source id -> grade, from
    :func:`pipeline.transform.sources.evidence_by_source`) and, for local governments, the
    JIS X 0402 code and the prefecture the municipality reference gives it.

    ``as_of`` is the date of rows whose source states none of its own (the official member
    list's); a transcribed row carries the date its page states (extract column ``as_of``)."""
    problems: list[Failure] = []
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
            Failure.found(
                "platform_members",
                "lg_code",
                "local_government_matches_one_code",
                f"{row.name_ja!r}: {detail}",
                row.source_id,
                row.page,
            )
        )
    frame["lg_code"] = codes
    # The prefecture section the list prints a member under, if any; for a local government,
    # the prefecture the reference knows for its code (the member id keeps the printed one).
    frame["prefecture_ja"] = [
        matcher.prefecture_name_of(code) if code else text_or_empty(printed) or None
        for code, printed in zip(codes, frame["prefecture_ja"], strict=True)
    ]
    own = frame["as_of"] if "as_of" in frame else pd.Series(None, index=frame.index)
    frame["as_of"] = [text_or_empty(date) or as_of for date in own]
    frame["evidence"] = [evidence.get(str(s), "secondary") for s in frame["source_id"]]
    return frame[MEMBER_COLUMNS], problems


# --- selections -----------------------------------------------------------------------------

SELECTION_COLUMNS = columns("selections")
SELECTION_AREA_COLUMNS = columns("selection_areas")
_NOT_A_LOCAL_GOVERNMENT = "not a local government"
# Words after a name that say the area reaches beyond it (横須賀市など): such an area names more
# than the local governments matched, so it is never taken as the same region as another.
_AND_OTHERS = ("など", "等", "ほか", "他")


def choose_selection_rows(
    candidates: list[tuple[str, pd.DataFrame]],
    partial: set[str] | frozenset[str] = frozenset(),
    transcribed: set[str] | frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, list[str]]:
    """Publish each programme track and year from one source: the first candidate holding it.

    ``candidates`` are (source id, extracted rows) in order of preference: official files in
    registry order, then transcriptions. Every later candidate holding the same track and year
    is compared with the chosen one, and each difference is returned as a line to report, so a
    transcription error (or a misread official file) is visible after every build. Rows whose
    year is not confirmed give way to any earlier source that holds the track.

    ``partial`` sources (registry ``partial_list``: a regional bureau's page listing only its
    own region's candidates of a round) never decide a round alone, since their silence about
    other regions says nothing: their rows replace the rows of the same selections (same area,
    or same project name) in the source chosen for the round, are added where it lacks them,
    and the chosen source's other rows stay. Every replaced or added row, and every field that
    differs, is a difference. A complete official source ranked before them still wins; then
    they are only compared with it.

    When an official list wins a round over a ``transcribed`` source, what the transcription
    adds to a row of the same selection (project name, lead, note) is kept in that row's
    ``note``, naming the transcription: it is not the official list's fact, but it is not lost.
    """
    keys = ["program_id", "track", "fiscal_year", _ROUND_GROUP]
    chosen: dict[tuple, tuple[str, pd.DataFrame]] = {}
    partial_rows: dict[tuple, list[tuple[str, pd.DataFrame]]] = {}
    order: list[tuple] = []  # every round, in the order first met
    differences: list[str] = []
    for source_id, frame in candidates:
        if not len(frame):
            continue
        frame = frame.assign(round=frame["round"].map(published_round))
        frame[_ROUND_GROUP] = frame["round"].map(text_or_empty)  # a not-known round groups too
        for key, rows in frame.groupby(keys, sort=True, dropna=False):
            label = _round_label(key)
            if source_id in partial:
                if key in chosen:  # a complete official list ranked before it holds the round
                    winner_id, winner_rows = chosen[key]
                    differences += _merge_partial(label, [(source_id, rows)], winner_id,
                                                  winner_rows)[1]
                    continue
                if key not in partial_rows and key not in chosen:
                    order.append(key)
                partial_rows.setdefault(key, []).append((source_id, rows))
                continue
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
                if key not in partial_rows:
                    order.append(key)
                continue
            winner_id, winner_rows = winner
            ours, theirs = _areas(rows), _areas(winner_rows)
            if not pd.isna(key[2]):  # rows without a year are few: only their own are checked
                for area in sorted(set(theirs) - set(ours)):
                    differences.append(f"{label}: {theirs[area]!r} in {winner_id}, "
                                       f"not in {source_id}")
            for area in sorted(set(ours) - set(theirs)):
                differences.append(f"{label}: {ours[area]!r} in {source_id}, not in {winner_id}")
            if source_id in transcribed and chosen.get(key, (None,))[0] == winner_id:
                chosen[key] = (winner_id, _with_transcribed_notes(winner_rows, rows, source_id))
    parts: list[pd.DataFrame] = []
    for key in order:
        held_rows = chosen.get(key)
        if key not in partial_rows:
            parts.append(held_rows[1])
            continue
        winner_id, winner_rows = held_rows if held_rows else ("", pd.DataFrame())
        merged, found = _merge_partial(_round_label(key), partial_rows[key], winner_id,
                                       winner_rows, replace=True)
        parts.append(merged)
        differences += found
    if not parts:
        return pd.DataFrame(), differences
    return pd.concat(parts, ignore_index=True).drop(columns=_ROUND_GROUP), differences


# The round a selection is grouped by while sources are chosen: its published round, '' when
# that is not known (a grouping key cannot be NULL).
_ROUND_GROUP = "_round_group"


def published_round(value: object) -> str | None:
    """The published round of an extracted one (schemas.vocabularies.ROUNDS, or None when it is
    not known). The list extractors give '' for a list that names no round, the year's one
    announcement: that is ``single``. A transcription gives None when the round is not known."""
    if value is None or pd.isna(value):
        return None
    return SINGLE_ROUND if value == "" else str(value)


_COMPARED_FIELDS = ("area_ja", "project_name_ja", "lead_org_ja")


def _round_label(key: tuple) -> str:
    """programme/track/year[/round] as the build prints it (a single round goes unsaid)."""
    parts = [text_or_empty(part) for part in key]
    return "/".join(part for part in parts if part and part != SINGLE_ROUND)


def _same_selection(a: pd.Series, b: pd.Series) -> bool:
    """Two rows name the same selection: the same area, or the same project name."""
    if area_key(text_or_empty(a["area_ja"])) == area_key(text_or_empty(b["area_ja"])):
        return True
    name_a, name_b = (normalize_org_name(text_or_empty(r["project_name_ja"])) for r in (a, b))
    return bool(name_a) and name_a == name_b


def _merge_partial(
    label: str,
    partials: list[tuple[str, pd.DataFrame]],
    winner_id: str,
    winner_rows: pd.DataFrame,
    replace: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """Partial lists' rows over the chosen source's rows (``replace``), or only compared with
    them; returns the published rows of the round and the differences found."""
    differences: list[str] = []
    taken: list[pd.Series] = []
    where: list[str] = []
    for source_id, rows in partials:
        for _, row in rows.iterrows():
            twin = next((i for i, t in enumerate(taken) if _same_selection(t, row)), None)
            if twin is not None:  # two regional pages list the same selection: first one wins
                differences += _field_differences(label, taken[twin], where[twin], row, source_id)
                continue
            taken.append(row)
            where.append(source_id)
    kept: list[pd.Series] = []
    matched: set[int] = set()
    for _, row in winner_rows.iterrows():
        twin = next((i for i, t in enumerate(taken) if _same_selection(t, row)), None)
        if twin is None:
            kept.append(row)
            continue
        matched.add(twin)
        differences += _field_differences(label, taken[twin], where[twin], row, winner_id)
    for i, row in enumerate(taken):
        if i not in matched and winner_id:
            differences.append(f"{label}: {text_or_empty(row['area_ja'])!r} in {where[i]} "
                               f"(a partial list), not in {winner_id}")
    if not replace:
        return winner_rows, differences
    published = [*taken, *kept]
    return pd.DataFrame(published).reset_index(drop=True), differences


def _with_transcribed_notes(
    official: pd.DataFrame, transcribed: pd.DataFrame, source_id: str
) -> pd.DataFrame:
    """``official`` with, in each row's note, what the transcription's row of the same selection
    says beyond it (a project name or lead the list does not print, the transcription's note)."""
    notes = []
    for _, row in official.iterrows():
        twin = next((t for _, t in transcribed.iterrows() if _same_selection(row, t)), None)
        extra = []
        if twin is not None:
            for column, what in (("project_name_ja", "project"), ("lead_org_ja", "lead")):
                theirs = text_or_empty(twin[column])
                if theirs and not text_or_empty(row[column]):
                    extra.append(f"{what} {theirs}")
            if text_or_empty(twin.get("note")):
                extra.append(text_or_empty(twin["note"]))
        own = text_or_empty(row.get("note"))
        added = f"{source_id} (transcription) adds: {'; '.join(extra)}" if extra else ""
        notes.append(" | ".join(part for part in (own, added) if part) or None)
    return official.assign(note=notes)


def _field_differences(
    label: str, row: pd.Series, source_id: str, other: pd.Series, other_id: str
) -> list[str]:
    found = []
    for column in _COMPARED_FIELDS:
        a, b = text_or_empty(row[column]), text_or_empty(other[column])
        same = area_key(a) == area_key(b) if column == "area_ja" else (
            normalize_org_name(a) == normalize_org_name(b))
        if a and b and not same:
            found.append(f"{label}: {column} {a!r} in {source_id}, {b!r} in {other_id}")
    return found


def _areas(rows: pd.DataFrame) -> dict[str, str]:
    """Each area's comparison key, with the area as the list prints it (for the messages)."""
    found: dict[str, str] = {}
    for area in rows["area_ja"]:
        found.setdefault(area_key(text_or_empty(area)), text_or_empty(area))
    return found


def _selection_ids(frame: pd.DataFrame) -> list[str]:
    """``<programme>-<track>-<year>[-<round>]-<hash of the area>``: readable, and stable when a
    list is re-ordered or a track moves from a transcription to the official file, so that
    joins and the row-level diff keep working. A second row with the same area gets ``-2``."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for row in frame.itertuples():
        area = area_key(text_or_empty(row.area_ja) or text_or_empty(row.prefecture_ja))
        year = "unknown_year" if pd.isna(row.fiscal_year) else int(row.fiscal_year)
        # Only a named call (first, additional) is part of the id: ids stay as they were when
        # the single-round and not-known rounds had no value.
        named = text_or_empty(row.round) if row.round != SINGLE_ROUND else ""
        parts = (row.program_id, row.track, year, named, stable_id("", area)[:6])
        base = "-".join(str(part) for part in parts if part != "")
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def normalize_selections(
    extracted: pd.DataFrame, matcher: Matcher, evidence: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[Failure]]:
    """Give each selection a stable id and its evidence grade, link rows selected in several
    tracks, match areas."""
    if not len(extracted):
        return (
            pd.DataFrame(columns=SELECTION_COLUMNS),
            pd.DataFrame(columns=SELECTION_AREA_COLUMNS),
            [],
        )
    frame = extracted.copy()
    frame["round"] = frame["round"].map(published_round)
    frame["selection_id"] = _selection_ids(frame)
    frame["selection_group_id"] = frame["selection_id"]
    frame["evidence"] = [evidence.get(str(s), "secondary") for s in frame["source_id"]]
    # A list_key the source gives (the same region in both Smart Mobility Challenge lists, of
    # one programme in 2019 and of two in 2020) links rows across tracks and programmes.
    linked = frame[frame["list_key"].notna() & (frame["list_key"] != "")]
    for _, group in linked.groupby("list_key"):
        frame.loc[group.index, "selection_group_id"] = min(group["selection_id"])

    problems: list[Failure] = []
    areas: list[dict] = []
    partly_placed: set[str] = set()  # part of the area text names no local government
    placements = (frame["region_prefectures_ja"] if "region_prefectures_ja" in frame
                  else pd.Series(None, index=frame.index))
    for row, placed_ja in zip(frame.itertuples(), placements, strict=True):
        # The prefecture as printed helps to match the area. A region no source maps to local
        # governments lies in the prefectures a source places it in (region_prefectures_ja:
        # 山陰エリア(島根・鳥取) -> 島根県、鳥取県), else in the one(s) printed (八重山地域: 沖縄県;
        # a cell printing several, 広島県・岡山県・香川県): it is linked to each,
        # within_prefecture. A region placed nowhere (瀬戸内エリア) gets no link.
        printed_ja = text_or_empty(row.prefecture_ja)
        printed = prefecture_list(printed_ja) or ([printed_ja] if printed_ja else [])
        placed = [p for p in text_or_empty(placed_ja).split("、") if p] or printed
        prefecture = printed[0] if len(printed) == 1 else None
        # A slip in the print (「渡会町」) is matched as the reference spells it, when the source
        # row says so (area_reference_ja); area_ja stays as printed.
        text = (text_or_empty(getattr(row, "area_reference_ja", None))
                or text_or_empty(row.area_ja) or prefecture or "")
        match = matcher.match(text, prefecture=prefecture)
        prefecture_codes = [c for p in placed if (c := matcher.prefecture_code_of(p))]
        if len(prefecture_codes) != len(placed):
            column = "region_prefectures_ja" if text_or_empty(placed_ja) else "prefecture_ja"
            real_prefecture = f"{column} {'、'.join(placed)!r} names an unknown prefecture"
            problems.append(Failure.found("selection_areas", "lg_code",
                                          "area_matches_local_governments",
                                          f"{row.selection_id}: {real_prefecture}",
                                          row.source_id, row.page))
        real = [p for p in match.problems if _NOT_A_LOCAL_GOVERNMENT not in p]
        if match.problems or any(part.endswith(_AND_OTHERS) for part in match.parts):
            partly_placed.add(row.selection_id)
        for problem in real:
            problems.append(
                Failure.found(
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
            # it lies in, so per-prefecture counts keep it; never its municipalities.
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
    frame["selection_group_id"] = link_joint_selections(frame, selection_areas, partly_placed)
    return frame[SELECTION_COLUMNS], selection_areas, problems


def link_joint_selections(
    selections: pd.DataFrame, selection_areas: pd.DataFrame, partly_placed: set[str],
    joint_keys: dict[tuple[str, str, int, str], int] | None = None,
) -> pd.Series:
    """``selection_group_id`` with the regions of a joint selection linked.

    From FY2021 the ministries select jointly and count a region once however many
    programmes select it (62 regions, 74 projects). Rows of lists in one year's joint review
    (``pipeline.announced``: records with ``joint = true``) whose areas name exactly the same
    local governments, every part of the text placed (no region such as 三浦半島 left over, no
    「など」 reaching beyond the names), are that one region: they share the smallest
    selection_id of the set. Only identical sets link, never similar names; a set in which one
    list has two rows is left alone (two projects of one list in one place are two
    selections).
    """
    groups = selections["selection_group_id"].copy()
    if not len(selections):
        return groups
    keys = joint_key_years() if joint_keys is None else joint_keys
    local = selection_areas[selection_areas["link"] == "local_government"]
    codes = local.groupby("selection_id")["lg_code"].agg(frozenset).to_dict()
    placed_elsewhere = set(selection_areas.loc[selection_areas["link"] != "local_government",
                                               "selection_id"])
    sets: dict[tuple[int, frozenset], list[int]] = {}
    for i, row in enumerate(selections.itertuples(index=False)):
        year = None if pd.isna(row.fiscal_year) else int(row.fiscal_year)
        key = (row.program_id, row.track, year, text_or_empty(row.round))
        sid = row.selection_id
        if (key not in keys or sid not in codes or sid in partly_placed
                or sid in placed_elsewhere or row.selection_group_id != sid):
            continue
        sets.setdefault((keys[key], codes[sid]), []).append(i)
    for members in sets.values():
        lists = [(selections["program_id"].iloc[i], selections["track"].iloc[i]) for i in members]
        if len(members) < 2 or len(set(lists)) != len(lists):
            continue
        first = min(selections["selection_id"].iloc[i] for i in members)
        for i in members:
            groups.iloc[i] = first
    return groups
