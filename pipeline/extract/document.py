"""The root document: programmes, their years and the agencies that run them.

The document is an English web page saved as text. Each programme opens with a heading line
``<name> (<years>)/<agency>/<agency>``; agency names wrap onto the next line, are spelt with
stray spaces (``Economy , Trade``) and some paragraphs appear twice. Headings are recognised
by the programme names in ``pipeline/extract/data/programs.csv`` and agencies by the patterns in
``pipeline/extract/data/agencies.csv``; anything in a heading that matches no agency is an error.

The document's prose about each programme is kept as a quotation (``document_text_en``): its
wording is loose, so ``description_en`` is the curated one written from the programme's official
pages, with the URL it cites (``description_citation``). Agencies a heading only counts
("Related 11 Ministries and Agencies") come from ``program_agencies.csv``, each with the URL of
a page that names it (``citation``); agencies the heading names cite the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import SourceError
from pipeline.extract.curated import agencies_table, program_agencies_table, programs_table
from pipeline.extract.result import ExtractOutput

_YEARS_RE = re.compile(r"\((?P<start>\d{4})(?:\s*[–—-]\s*(?P<end>\d{4}))?(?:\s*years?)?\)\s*/")
_RELATED_RE = re.compile(r"Related (?P<n>\d+) Ministries and Agencies")
_NOISE_RE = re.compile(r"Click to show/hide")


@dataclass
class Heading:
    program_id: str
    line_number: int
    name_en: str
    start_year: int
    end_year: int | None
    agency_text: str
    heading_lines: int  # 2 when the agency names wrapped onto the next line
    body: list[str]


def _clean(text: str) -> str:
    """Collapse whitespace and the stray space the page puts before commas."""
    return re.sub(r"\s+,", ",", re.sub(r"\s+", " ", text)).strip()


def _agency_ids(agency_text: str) -> tuple[list[str], str]:
    """Agencies named in a heading's agency part, and whatever text matched none."""
    rest = _clean(_NOISE_RE.sub(" ", agency_text))
    found: list[str] = []
    for row in agencies_table().itertuples():
        if not row.document_pattern:
            continue
        match = re.search(row.document_pattern, rest)
        if match:
            found.append((match.start(), row.agency_id))
            rest = rest[: match.start()] + " " + rest[match.end() :]
    related = _RELATED_RE.search(rest)
    if related:
        found.append((related.start(), f"related:{related.group('n')}"))
        rest = rest[: related.start()] + rest[related.end() :]
    leftover = _clean(rest.replace("/", " "))
    return [agency for _, agency in sorted(found)], leftover


def find_headings(source_id: str, path: Path, lines: list[str]) -> list[Heading]:
    programs = programs_table()
    headings: list[Heading] = []
    for number, line in enumerate(lines, start=1):
        program = next(
            (p for p in programs.itertuples() if line.startswith(p.document_heading)), None
        )
        years = _YEARS_RE.search(line)
        if program is None or years is None:
            continue
        agency_text = line[years.end() :]
        agencies, leftover = _agency_ids(agency_text)
        heading_lines = 1
        if leftover and number < len(lines):
            # The heading wrapped: its agency names continue on the next line.
            agency_text = agency_text + " " + lines[number]
            agencies, leftover = _agency_ids(agency_text)
            heading_lines = 2
        if leftover or not agencies:
            raise SourceError(
                source_id,
                f"line {number}: heading of {program.program_id} names an agency the registry "
                f"does not know: {leftover or agency_text!r} "
                "(add it to pipeline/extract/data/agencies.csv)",
                path,
            )
        headings.append(
            Heading(
                program_id=program.program_id,
                line_number=number,
                name_en=_clean(line[: years.start()]),
                start_year=int(years.group("start")),
                end_year=int(years.group("end")) if years.group("end") else None,
                agency_text=_clean(_NOISE_RE.sub(" ", agency_text)),
                heading_lines=heading_lines,
                body=[],
            )
        )
    missing = sorted(set(programs.program_id) - {h.program_id for h in headings})
    if missing:
        raise SourceError(source_id, f"no heading found for programmes {missing}", path)
    found = [h.program_id for h in headings]
    doubled = sorted({p for p in found if found.count(p) > 1})
    if doubled:
        raise SourceError(source_id, f"programmes with more than one heading: {doubled}", path)
    return headings


def _description(lines: list[str]) -> str:
    """The programme's prose before the first link or image credit, with repeats removed."""
    sentences: list[str] = []
    for sentence in re.split(r"(?<=[.。])\s+", _clean(" ".join(lines))):
        if sentence.startswith(("http", "Image")) or "http" in sentence:
            break
        if sentence and sentence not in sentences:
            sentences.append(sentence)
    return " ".join(sentences)


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    if len(files) != 1:
        raise SourceError(source_id, f"expected one document file, found {len(files)}")
    path = files[0]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(source_id, f"cannot read as UTF-8 text ({exc})", path) from exc

    headings = find_headings(source_id, path, lines)
    ordered = sorted(headings, key=lambda h: h.line_number)
    for heading, following in zip(ordered, ordered[1:] + [None], strict=True):
        end = following.line_number - 1 if following else len(lines)
        heading.body = lines[heading.line_number - 1 + heading.heading_lines : end]

    curated = programs_table().set_index("program_id")
    agencies = agencies_table()
    program_rows, link_rows = [], []
    for heading in ordered:
        info = curated.loc[heading.program_id]
        program_rows.append(
            {
                "program_id": heading.program_id,
                "name_en": heading.name_en,
                "name_ja": info.name_ja,
                "start_year": heading.start_year,
                # A curated end year (with its citation) wins over the heading's where better
                # evidence disagrees with the document; the note keeps the document's claim.
                "end_year": int(info.end_year) if info.end_year else heading.end_year,
                "description_en": info.description_en or None,
                "description_citation": info.description_citation or None,
                "document_text_en": _description(heading.body),
                "note": info.note or None,
                "source_id": source_id,
            }
        )
        agency_ids, _ = _agency_ids(heading.agency_text)
        link_rows += _program_agencies(source_id, path, heading, agency_ids)

    used = {row["agency_id"] for row in link_rows}
    agency_rows = agencies[agencies.agency_id.isin(used)][
        ["agency_id", "name_en", "name_ja", "abbreviation"]
    ]
    return ExtractOutput(
        {
            "programs": pd.DataFrame(program_rows),
            "program_agencies": pd.DataFrame(link_rows),
            "agencies": agency_rows.reset_index(drop=True),
        }
    )


def _program_agencies(
    source_id: str, path: Path, heading: Heading, agency_ids: list[str]
) -> list[dict]:
    """One row per agency: those the heading names cite the document; 'Related N Ministries
    and Agencies' is resolved from curated data, each row citing a page that names the agency."""
    rows: list[dict] = []
    named = [a for a in agency_ids if not a.startswith("related:")]
    role = "lead" if len(named) == 1 else "co_lead"
    rows += [
        {"program_id": heading.program_id, "agency_id": a, "role": role, "source_id": source_id,
         "citation": None}
        for a in named
    ]
    for related in (a for a in agency_ids if a.startswith("related:")):
        expected = int(related.split(":")[1])
        curated = program_agencies_table()
        members = curated[curated.program_id == heading.program_id]
        if len(members) != expected:
            raise SourceError(
                source_id,
                f"line {heading.line_number}: the heading says {expected} related ministries "
                f"and agencies, pipeline/extract/data/program_agencies.csv lists "
                f"{len(members)} for {heading.program_id}",
                path,
            )
        rows += [
            {"program_id": heading.program_id, "agency_id": m.agency_id, "role": m.role,
             "source_id": None, "citation": m.citation}
            for m in members.itertuples(index=False)
        ]
    return rows
