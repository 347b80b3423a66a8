"""Extractor for the hand transcriptions in ``raw/manual/`` and their cited-sources list.

Some selections exist only in web pages or images we cannot parse (or could not reach), so
they were transcribed by hand from the public pages that state them. Every row cites the URL
it was seen at; the URL is looked up in ``raw/manual/cited_sources.csv`` so that each
published row names a ``sources`` row (``origin=cited``) with its authority. Validation is
strict because a hand-typed file has no layout to catch its mistakes: an unknown column, a
missing required cell, an unknown track, a bad date or an uncited URL is a ``SourceError``
naming the file and line.

Rows whose selection year is not confirmed carry ``status=year_unconfirmed`` and an empty
``fiscal_year``: they are published with ``fiscal_year`` null (never a guessed year), and their
note says what is known (e.g. "FY2018 or FY2019 (not confirmed)"). Rows whose *selection itself*
no source confirms carry ``status=selection_unconfirmed``: they stay in the file with their note
(so the evidence and the reason are kept) but are never published.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.announced import ANNOUNCEMENTS, TRACKS
from pipeline.errors import SourceError
from pipeline.extract.result import SELECTION_EXTRACT_COLUMNS, ExtractOutput
from pipeline.text import PREFECTURES
from schemas.vocabularies import ROUNDS as SCHEMA_ROUNDS
from schemas.vocabularies import SINGLE_ROUND

MANUAL_DIR = "manual"
CITED_FILE = "cited_sources.csv"
MEMBERS_FILE = "platform_members.csv"  # members, not selections: pipeline.extract.manual_members
PROGRAMS_FILE = "programs.csv"  # programmes, not selections: pipeline.extract.manual_programs
CITED_ID = "cited_sources"  # the name errors about the cited-sources file carry

TRANSCRIPTION_COLUMNS = [
    "program_id", "track", "status", "fiscal_year", "round", "announced_on", "prefecture_ja",
    "area_ja", "target_area_ja", "project_name_ja", "lead_org_ja", "consortium_ja",
    "participants_ja", "list_key", "region_prefectures_ja", "note", "source_url", "other_urls",
]
# Columns a transcription may add. area_reference_ja: the area as the municipality reference
# spells it where the source printed a slip (「渡会町」 for 度会町): codes are matched on it, while
# area_ja keeps the print, and the published note names both.
OPTIONAL_TRANSCRIPTION_COLUMNS = ["area_reference_ja"]
CITED_COLUMNS = ["source_id", "url", "title", "publisher", "authority"]
SOURCES_COLUMNS = [
    "source_id", "title", "publisher", "url", "parent_source_id", "media_type", "origin",
    "authority", "status", "status_detail", "retrieved_at", "sha256", "bytes", "file_path",
]

SELECTED = "selected"
YEAR_UNCONFIRMED = "year_unconfirmed"
SELECTION_UNCONFIRMED = "selection_unconfirmed"  # kept in the file, never published
STATUSES = (SELECTED, YEAR_UNCONFIRMED, SELECTION_UNCONFIRMED)
ROUNDS = ("", *SCHEMA_ROUNDS)  # '' (an empty cell): the round is not known
AUTHORITIES = ("official", "secondary")
URL_SEPARATOR = " ; "
LIST_SEPARATOR = "、"  # between names in one cell (area_ja, participants_ja, region prefectures)
NOTE_SEPARATOR = " | "
CITED_STATUS_DETAIL = "cited, not archived"

_CITED_ID_RE = re.compile(r"^cited_[a-z0-9_]+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_RE = re.compile(r"^(19|20)\d{2}$")
# Placeholders a transcriber might type for "unknown": an unknown cell is left empty instead.
_PLACEHOLDERS = {
    "?", "-", "—", "–", "n/a", "na", "none", "null", "unknown", "不明", "(not seen)",
    "(not given)", "not seen", "not given", "(unknown)",
}


# --- cited sources --------------------------------------------------------------------------


def _read_csv(
    source_id: str, path: Path, columns: list[str], optional: tuple[str, ...] | list[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    """Rows with their 1-based line numbers; the header must be exactly ``columns`` (plus any
    of ``optional``, which read as empty cells where the file lacks them)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(source_id, f"cannot read it as UTF-8 text ({exc})", path) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise SourceError(source_id, "line 1: the file is empty (expected a header)", path)
    header = [h.strip().lstrip("\ufeff") for h in header]
    unknown = [h for h in header if h not in columns and h not in optional]
    missing = [c for c in columns if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise SourceError(
            source_id,
            f"line 1: header does not match; unknown columns {unknown}, missing columns "
            f"{missing}; expected {columns}",
            path,
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise SourceError(
                source_id, f"line {line}: {len(cells)} cells, expected {len(header)}", path
            )
        row = {name: "" for name in optional}
        row |= {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        for name, value in row.items():
            if value.lower() in _PLACEHOLDERS:
                raise SourceError(
                    source_id,
                    f"line {line}: column {name} holds the placeholder {value!r}; leave an "
                    "unknown cell empty",
                    path,
                )
        rows.append((line, row))
    return rows


def read_cited(path: Path) -> pd.DataFrame:
    """The cited-sources list, validated: unique readable ids, unique URLs, known authority."""
    rows = _read_csv(CITED_ID, path, CITED_COLUMNS)
    if not rows:
        raise SourceError(CITED_ID, "no cited sources listed", path)
    ids: dict[str, int] = {}
    urls: dict[str, int] = {}
    for line, row in rows:
        where = f"line {line}"
        for column in CITED_COLUMNS:
            if not row[column]:
                raise SourceError(CITED_ID, f"{where}: {column} is empty", path)
        if not _CITED_ID_RE.match(row["source_id"]):
            raise SourceError(
                CITED_ID,
                f"{where}: source_id {row['source_id']!r} must match {_CITED_ID_RE.pattern}",
                path,
            )
        if not row["url"].startswith(("http://", "https://")):
            raise SourceError(CITED_ID, f"{where}: url {row['url']!r} is not http(s)", path)
        if row["authority"] not in AUTHORITIES:
            raise SourceError(
                CITED_ID,
                f"{where}: authority {row['authority']!r}; expected one of {AUTHORITIES}",
                path,
            )
        for key, seen in ((row["source_id"], ids), (row["url"], urls)):
            if key in seen:
                raise SourceError(
                    CITED_ID, f"{where}: {key!r} is already listed on line {seen[key]}", path
                )
            seen[key] = line
    return pd.DataFrame([row for _, row in rows], columns=CITED_COLUMNS)


def cited_sources(path: Path) -> pd.DataFrame:
    """Sources-table rows for every cited URL (from ``cited_sources.csv`` at ``path``): pages
    we cite but do not archive."""
    cited = read_cited(Path(path))
    frame = pd.DataFrame(
        {
            "source_id": cited["source_id"],
            "title": cited["title"],
            "publisher": cited["publisher"],
            "url": cited["url"],
            "parent_source_id": None,
            "media_type": None,
            "origin": "cited",
            "authority": cited["authority"],
            "status": "ok",
            "status_detail": CITED_STATUS_DETAIL,
            "retrieved_at": None,
            "sha256": None,
            "bytes": None,
            "file_path": None,
        },
        columns=SOURCES_COLUMNS,
    )
    return frame.sort_values("source_id", ignore_index=True)


def url_index(cited: pd.DataFrame) -> dict[str, str]:
    """URL -> cited source id (accepts either the cited list or the sources-table frame)."""
    return dict(zip(cited["url"], cited["source_id"], strict=True))


# --- transcriptions -------------------------------------------------------------------------


def read_transcription(source_id: str, path: Path, urls: dict[str, str]) -> pd.DataFrame:
    """Every row of one transcription (published or held back), validated, with its line.

    Returns the transcription's own columns plus ``line`` and ``cited_source_id`` /
    ``other_source_ids`` (the cited ids of ``source_url`` and ``other_urls``).
    """
    path = Path(path)
    rows = _read_csv(source_id, path, TRANSCRIPTION_COLUMNS, OPTIONAL_TRANSCRIPTION_COLUMNS)
    if not rows:
        raise SourceError(source_id, "no rows transcribed", path)
    records: list[dict[str, object]] = []
    programs: set[str] = set()
    for line, row in rows:
        _check_row(source_id, path, line, row)
        programs.add(row["program_id"])
        cited_id = _cited_id(source_id, path, line, "source_url", row["source_url"], urls)
        others = [u.strip() for u in row["other_urls"].split(URL_SEPARATOR.strip()) if u.strip()]
        other_ids = [_cited_id(source_id, path, line, "other_urls", u, urls) for u in others]
        records.append(
            {**row, "line": line, "cited_source_id": cited_id, "other_source_ids": other_ids}
        )
    if len(programs) > 1:
        raise SourceError(source_id, f"one programme per file; found {sorted(programs)}", path)
    (program_id,) = programs
    if path.stem in TRACKS and path.stem != program_id:
        raise SourceError(
            source_id, f"rows are for {program_id!r} but the file is named {path.name}", path
        )
    return pd.DataFrame.from_records(records)


def _check_row(source_id: str, path: Path, line: int, row: dict[str, str]) -> None:
    def fail(message: str) -> SourceError:
        return SourceError(source_id, f"line {line}: {message}", path)

    program_id, track, status = row["program_id"], row["track"], row["status"]
    if program_id not in TRACKS:
        raise fail(f"program_id {program_id!r} is unknown; expected one of {sorted(TRACKS)}")
    if track not in TRACKS[program_id]:
        raise fail(
            f"track {track!r} is not a track of {program_id}; expected one of "
            f"{sorted(TRACKS[program_id])}"
        )
    if status not in STATUSES:
        raise fail(f"status {status!r}; expected one of {STATUSES}")
    year = row["fiscal_year"]
    if status == SELECTED and not _YEAR_RE.match(year):
        raise fail(f"fiscal_year {year!r} must be a year such as 2019 on a {SELECTED} row")
    if status == YEAR_UNCONFIRMED and year:
        raise fail(f"fiscal_year must be empty on a {YEAR_UNCONFIRMED} row (found {year!r})")
    if row["round"] not in ROUNDS:
        raise fail(f"round {row['round']!r}; expected one of {SCHEMA_ROUNDS}, or empty when "
                   "the round is not known")
    if not row["round"] and year and _announced_rounds(program_id, track, int(year)) == {
        SINGLE_ROUND
    }:
        raise fail(f"round is empty (not known), but {program_id}/{track} announced FY{year} "
                   f"in a single round (pipeline/announced.toml): write {SINGLE_ROUND!r}")
    announced = row["announced_on"]
    if announced and not is_iso_date(announced):
        raise fail(f"announced_on {announced!r} is not a date YYYY-MM-DD")
    if not (row["area_ja"] or row["prefecture_ja"]):
        raise fail("area_ja and prefecture_ja are both empty; one is required")
    placed = [p for p in row["region_prefectures_ja"].split(LIST_SEPARATOR) if p]
    unknown = [p for p in placed if p not in PREFECTURES]
    if unknown:
        raise fail(f"region_prefectures_ja names {unknown}, not prefectures; write full names "
                   f"such as 島根県, separated by {LIST_SEPARATOR!r}")
    if placed and not row["area_ja"]:
        raise fail("region_prefectures_ja places a region, but area_ja (the region) is empty")
    if not row["source_url"]:
        raise fail("source_url is empty; every row cites the URL its facts were seen at")


def is_iso_date(text: str) -> bool:
    """``text`` is a real calendar date written YYYY-MM-DD (2019-02-30 is not)."""
    try:
        return bool(_DATE_RE.match(text)) and bool(date.fromisoformat(text))
    except ValueError:
        return False


def _announced_rounds(program_id: str, track: str, fiscal_year: int) -> set[str]:
    """The rounds pipeline/announced.toml records for a programme track's fiscal year (may be
    none), with or without a stated count."""
    return {
        a.round for a in ANNOUNCEMENTS
        if (a.program_id, a.track, a.fiscal_year) == (program_id, track, fiscal_year)
    }


def _cited_id(
    source_id: str, path: Path, line: int, column: str, url: str, urls: dict[str, str]
) -> str:
    try:
        return urls[url]
    except KeyError:
        raise SourceError(
            source_id,
            f"line {line}: {column} {url!r} is not in {MANUAL_DIR}/{CITED_FILE}; add it there",
            path,
        ) from None


def published_note(row: pd.Series) -> str | None:
    """The published note: the transcribed note plus the facts the table has no column for."""
    parts = [row["note"]] if row["note"] else []
    if row.get("area_reference_ja"):
        parts.append(f"area as printed {row['area_ja']}; matched as {row['area_reference_ja']} "
                     "(the municipality reference's spelling)")
    if row["target_area_ja"]:
        parts.append(f"対象区域 (target area): {row['target_area_ja']}")
    if row["participants_ja"]:
        parts.append(f"participants named: {row['participants_ja']}")
    if row["other_source_ids"]:
        parts.append(f"also cited: {', '.join(row['other_source_ids'])}")
    return NOTE_SEPARATOR.join(parts) or None


def selections_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Selection extract rows (contract columns and types) from validated published rows."""

    def text(column: str) -> list[str | None]:
        return [v or None for v in rows[column]] if len(rows) else []

    frame = pd.DataFrame(
        {
            "program_id": list(rows["program_id"]) if len(rows) else [],
            "track": list(rows["track"]) if len(rows) else [],
            "fiscal_year": [int(v) if v else None for v in rows["fiscal_year"]]
            if len(rows)
            else [],
            "round": text("round"),  # an empty cell: the round is not known (None)
            "announced_on": text("announced_on"),
            "project_name_ja": text("project_name_ja"),
            "lead_org_ja": text("lead_org_ja"),
            "consortium_ja": text("consortium_ja"),
            "prefecture_ja": text("prefecture_ja"),
            "area_ja": text("area_ja"),
            "note": [published_note(r) for _, r in rows.iterrows()] if len(rows) else [],
            "source_id": list(rows["cited_source_id"]) if len(rows) else [],
            "page": [None] * len(rows),
            "list_key": text("list_key"),
            "region_prefectures_ja": text("region_prefectures_ja"),
            "area_reference_ja": text("area_reference_ja"),
        },
        columns=SELECTION_EXTRACT_COLUMNS,
    )
    frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
    frame["page"] = frame["page"].astype("Int64")
    return frame


def _split_files(files: list[Path]) -> tuple[list[Path], Path]:
    """Transcription files, and the cited-sources file (passed in, or next to them)."""
    paths = [Path(f) for f in files]
    cited = [p for p in paths if p.name == CITED_FILE]
    transcriptions = [p for p in paths if p.name != CITED_FILE]
    if cited:
        return transcriptions, cited[0]
    if not transcriptions:
        return transcriptions, Path(CITED_FILE)
    return transcriptions, transcriptions[0].parent / CITED_FILE


def one_transcription(source_id: str, files: list[Path],
                      what: str) -> tuple[Path, dict[str, str]]:
    """The one transcription file of a source, and the cited pages' ids by URL (from
    ``cited_sources.csv``, passed in or beside it); ``what`` names the file in the error."""
    transcriptions, cited_path = _split_files(files)
    if len(transcriptions) != 1:
        raise SourceError(source_id, f"expected one {what}, found "
                          f"{[p.name for p in transcriptions]}")
    return transcriptions[0], url_index(read_cited(cited_path))


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """One transcription source -> its published selection rows.

    ``files`` may include ``cited_sources.csv`` (so a build can make it part of the cache key);
    otherwise it is read from the transcription's folder. Rows whose year is not confirmed are
    published with a null ``fiscal_year`` and counted in the ``year_unconfirmed`` fact.
    """
    transcriptions, cited_path = _split_files(files)
    if not transcriptions:
        raise SourceError(source_id, "no transcription file to extract")
    urls = url_index(read_cited(cited_path))
    rows = pd.concat(
        [read_transcription(source_id, path, urls) for path in sorted(transcriptions)],
        ignore_index=True,
    )
    held_back = rows[rows["status"] == SELECTION_UNCONFIRMED]
    published = rows[rows["status"] != SELECTION_UNCONFIRMED]
    frame = selections_frame(published.reset_index(drop=True))
    unconfirmed = int((rows["status"] == YEAR_UNCONFIRMED).sum())
    notes = (
        [f"{unconfirmed} row(s) published with fiscal_year null (selection year not confirmed)"]
        if unconfirmed
        else []
    )
    if len(held_back):
        areas = ", ".join(sorted(str(a) for a in held_back["area_ja"]))
        notes.append(f"{len(held_back)} row(s) not published, selection not confirmed: {areas}")
    return ExtractOutput({"selections": frame}, notes=notes)


def transcription_files(raw_dir: Path) -> list[Path]:
    """Every transcription CSV under ``raw/manual/`` (the cited-sources list excluded)."""
    folder = Path(raw_dir) / MANUAL_DIR
    others = (CITED_FILE, MEMBERS_FILE, PROGRAMS_FILE)
    return sorted(p for p in folder.glob("*.csv") if p.name not in others)


def year_unconfirmed_rows(raw_dir: Path) -> pd.DataFrame:
    """Transcribed rows whose selection year is not confirmed, for reports."""
    urls = url_index(read_cited(Path(raw_dir) / MANUAL_DIR / CITED_FILE))
    frames = [read_transcription(p.stem, p, urls) for p in transcription_files(raw_dir)]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not len(rows):
        return rows
    return rows[rows["status"] == YEAR_UNCONFIRMED].reset_index(drop=True)
