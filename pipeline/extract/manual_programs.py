"""Extractor for the programmes the root document does not name (``raw/manual/programs.csv``).

The document names the programmes of 2010-2019; their successors from FY2020 (the renamed CAO,
MIC, METI and MLIT programmes, selected jointly from FY2021) are transcribed by hand from
government pages, one row per programme with its Japanese name, years, lead ministry and the
programme it follows (``predecessor_program_id``). Each row cites the official page it was seen
at, a ``cited_sources.csv`` row, which becomes the programme's ``source_id``; its description is
written from an official page too (``description_url``, which becomes
``description_source_id``), as the root document's programmes have theirs
(``pipeline/extract/data/programs.csv``). The root document does not name these programmes, so
they have no ``document_text_en``. Validation is strict, as for the selection transcriptions:
every error names the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.announced import TRACKS
from pipeline.errors import SourceError
from pipeline.extract.curated import agencies_table, programs_table
from pipeline.extract.manual import PROGRAMS_FILE as PROGRAMS_FILE
from pipeline.extract.manual import _cited_id, _read_csv, one_transcription
from pipeline.extract.result import ExtractOutput

PROGRAM_TRANSCRIPTION_COLUMNS = [
    "program_id", "name_ja", "name_en", "start_year", "end_year", "predecessor_program_id",
    "lead_agency", "description_en", "description_url", "note", "source_url",
]
# The programmes table's columns this source fills (the transform adds the family).
PROGRAM_COLUMNS = [
    "program_id", "name_en", "name_ja", "start_year", "end_year", "description_en",
    "description_source_id", "document_text_en", "note", "source_id", "predecessor_program_id",
]


def read_programs(source_id: str, path: Path, urls: dict[str, str]) -> pd.DataFrame:
    """The transcribed programmes, validated: known ids (schemas TRACKS) not named by the root
    document, years in order, a predecessor that is a programme, a known lead ministry."""
    rows = _read_csv(source_id, path, PROGRAM_TRANSCRIPTION_COLUMNS)
    if not rows:
        raise SourceError(source_id, "no programmes transcribed", path)
    in_document = set(programs_table()["program_id"])
    agencies = set(agencies_table()["agency_id"])
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        def fail(message: str, line: int = line) -> SourceError:
            return SourceError(source_id, f"line {line}: {message}", path)

        program_id = row["program_id"]
        if program_id not in TRACKS:
            raise fail(f"program_id {program_id!r} has no tracks in schemas/vocabularies.py")
        if program_id in in_document:
            raise fail(f"{program_id} is named by the root document (extract/data/programs.csv)")
        if program_id in seen:
            raise fail(f"{program_id} is already on line {seen[program_id]}")
        seen[program_id] = line
        for column in ("name_ja", "name_en", "start_year", "lead_agency", "source_url"):
            if not row[column]:
                raise fail(f"{column} is empty")
        years = []
        for column in ("start_year", "end_year"):
            value = row[column]
            if value and not (value.isdigit() and len(value) == 4):
                raise fail(f"{column} {value!r} is not a year")
            years.append(int(value) if value else None)
        start, end = years
        if end is not None and end < start:
            raise fail(f"end_year {end} is before start_year {start}")
        predecessor = row["predecessor_program_id"]
        if predecessor and (predecessor not in TRACKS or predecessor == program_id):
            raise fail(f"predecessor_program_id {predecessor!r} is not another programme")
        if row["lead_agency"] not in agencies:
            raise fail(f"lead_agency {row['lead_agency']!r}; expected one of {sorted(agencies)}")
        if bool(row["description_en"]) != bool(row["description_url"]):
            raise fail("description_en and description_url go together: a description is "
                       "written from the official page it cites")
        described_by = (
            _cited_id(source_id, path, line, "description_url", row["description_url"], urls)
            if row["description_url"] else None
        )
        records.append({
            "program_id": program_id,
            "name_en": row["name_en"],
            "name_ja": row["name_ja"],
            "start_year": start,
            "end_year": end,
            "description_en": row["description_en"] or None,
            "description_source_id": described_by,
            "document_text_en": None,
            "note": row["note"] or None,
            "source_id": _cited_id(source_id, path, line, "source_url", row["source_url"], urls),
            "predecessor_program_id": predecessor or None,
            "lead_agency": row["lead_agency"],
        })
    frame = pd.DataFrame.from_records(records)
    frame["end_year"] = frame["end_year"].astype("Int64")
    return frame


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The programmes and their lead ministries (``program_agencies``, role lead)."""
    frame = read_programs(source_id, *one_transcription(source_id, files, "programmes file"))
    links = pd.DataFrame({
        "program_id": frame["program_id"],
        "agency_id": frame["lead_agency"],
        "role": "lead",
        "source_id": frame["source_id"],
    })
    return ExtractOutput(
        {"programs": frame[PROGRAM_COLUMNS], "program_agencies": links},
        notes=[f"{len(frame)} programme(s) after 2019 transcribed"],
    )
