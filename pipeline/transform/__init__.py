"""Transform (normalize) stage: the extracted frames become the tables the dataset publishes.

A function of the archive (which sources exist, and their files) and of the extraction result;
it picks frames by table name and source kind, never by source id, so a new source of an
existing table needs no change here. Validation comes after, in ``pipeline.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.announced import PLATFORM_AS_OF
from pipeline.errors import Failure, SourceError
from pipeline.extract.stage import ExtractResult
from pipeline.text import normalize_org_name
from pipeline.transform.citations import cite_document_tables
from pipeline.transform.coverage import build_coverage
from pipeline.transform.matching import Matcher
from pipeline.transform.normalize import (
    MEMBER_COLUMNS,
    choose_selection_rows,
    normalize_members,
    normalize_selections,
)
from pipeline.transform.participation import build_participation
from pipeline.transform.platform_counts import build_platform_member_counts
from pipeline.transform.programs import with_lineage
from pipeline.transform.reference import (
    REFERENCE_SOURCE_ID,
    build_municipalities,
    check_counts,
)
from pipeline.transform.sources import evidence_by_source, sources_table
from pipeline.workspace import Archive, ManifestEntry
from schemas import columns

# Which kinds of source may publish official rows, and in which order selections are preferred:
# official files (in registry order) before transcriptions (see choose_selection_rows); an
# official file listing only part of a round (registry ``partial_list``) after the complete
# official files, so that it only fills in where no complete official list holds the round.
OFFICIAL_KINDS = {"linked", "remote"}
SELECTION_RANK = {"linked": 0, "remote": 0, "transcription": 2}
PARTIAL_LIST_RANK = 1
# Tables the root document's extractor yields besides programs (the programmes after 2019 add
# their lead ministries), published with their curated citations resolved (transform.citations);
# programs, from the document and the transcription of the later programmes, also gets its
# lineage (transform.programs).
DOCUMENT_TABLES = ("agencies", "program_agencies")


@dataclass
class Assembled:
    """The published tables before validation, with the problems and notes found on the way."""

    tables: dict[str, pd.DataFrame]
    problems: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def assemble_tables(
    archive: Archive,
    extracted: ExtractResult,
    failed: dict[str, SourceError] | None = None,
    older: dict[str, tuple[ManifestEntry, str]] | None = None,
) -> Assembled:
    """Normalize the extracted frames into the published tables (not yet validated).

    ``failed``: the sources that failed, extraction errors and sources the build quarantined
    (default: the extraction errors); the ``sources`` table marks them ``failed``. ``older``:
    sources read from an older archived copy (see ``sources_table``).
    """
    kind_of = {s.source_id: s.kind for s in archive.sources}
    official = {sid for sid, kind in kind_of.items() if kind in OFFICIAL_KINDS}
    result = Assembled(tables={})

    municipalities = build_municipalities()
    result.problems += [
        Failure.found("municipalities", "kind", "reference_counts",
                      f"{REFERENCE_SOURCE_ID}: {problem}")
        for problem in check_counts(municipalities)
    ]  # a registry upgrade that changes the counts is reported, not passed silently
    matcher = Matcher(municipalities)

    cited = _concat(extracted.frames("cited_sources"), columns("sources"))
    sources = sources_table(archive, extracted.errors if failed is None else failed, cited, older)
    evidence = evidence_by_source(sources)

    transcribed = {sid for sid, kind in kind_of.items() if kind == "transcription"}
    platform_members = pd.DataFrame(columns=MEMBER_COLUMNS)
    members, member_notes = choose_member_rows(
        _concat(extracted.frames("platform_members", official)),
        _concat(extracted.frames("platform_members", transcribed)),
    )
    result.notes += member_notes
    if len(members):
        platform_members, member_problems = normalize_members(
            members, matcher, PLATFORM_AS_OF, evidence
        )
        result.problems += member_problems

    order = {s.source_id: i for i, s in enumerate(archive.sources)}
    partial = {s.source_id for s in archive.sources if s.partial_list}

    def rank(source_id: str) -> tuple[int, int]:
        kind_rank = SELECTION_RANK[kind_of[source_id]]
        return (PARTIAL_LIST_RANK if source_id in partial else kind_rank, order[source_id])

    candidates = sorted(
        (
            (sid, output.tables["selections"])
            for sid, output in extracted.outputs.items()
            if "selections" in output.tables and kind_of.get(sid) in SELECTION_RANK
        ),
        key=lambda item: rank(item[0]),
    )
    chosen, differences = choose_selection_rows(candidates, partial, transcribed)
    result.notes += [f"selection lists disagree: {d}" for d in differences]
    selections, selection_areas, area_problems = normalize_selections(chosen, matcher, evidence)
    result.problems += area_problems

    coverage = build_coverage(selections, cited, platform_members)
    # The programmes (the document's and, after 2019, their transcription) with their curated
    # citations resolved to sources rows, then their lineage.
    curated = {table: _concat(extracted.frames(table)) for table in DOCUMENT_TABLES}
    curated["programs"] = _concat(extracted.frames("programs"), columns("programs"))
    document = cite_document_tables(curated, cited)
    result.tables = {
        "sources": sources,
        **{table: document[table] for table in DOCUMENT_TABLES},
        "programs": with_lineage(document["programs"]),
        "municipalities": municipalities,
        "platform_members": platform_members,
        "platform_member_counts": build_platform_member_counts(cited, evidence),
        "selections": selections,
        "selection_areas": selection_areas,
        "coverage": coverage,
        "participation": build_participation(
            municipalities, selections, selection_areas, coverage, platform_members
        ),
    }
    return result


def choose_member_rows(
    official: pd.DataFrame, transcribed: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """The official member list when one was extracted, else the transcribed members.

    The transcription is partial by design, so only its names the official list lacks (or
    lists under another category) are differences; each is returned as a note to print.
    """
    if not len(official):
        return transcribed, []
    if not len(transcribed):
        return official, []
    listed = {
        normalize_org_name(n): c for n, c in zip(official["name_ja"], official["category"],
                                                 strict=True)
    }
    notes = []
    for name, category in zip(transcribed["name_ja"], transcribed["category"], strict=True):
        found = listed.get(normalize_org_name(name))
        if found is None:
            notes.append(f"member lists disagree: {name!r} ({category}) is transcribed, "
                         "not in the official list")
        elif found != category:
            notes.append(f"member lists disagree: {name!r} is {category} in the transcription, "
                         f"{found} in the official list")
    return official, notes


def _concat(frames: list[pd.DataFrame], empty_columns: list[str] | None = None) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=empty_columns) if empty_columns else pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
