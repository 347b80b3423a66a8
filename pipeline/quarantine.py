"""Quarantine: one bad source costs that source, never the dataset.

A source whose extraction fails, or whose rows fail validation, is dropped (none of its rows
are published; ``sources.status`` is ``failed``) and the rest is assembled and validated again,
until nothing more is blamed; the set of failed sources only grows, so this ends. Failures no
one source is to blame for (the municipality reference, the root document) are left to fail the
whole build. (A failed current file is first read from its older copies, at extraction:
pipeline.extract.older; what the terminal says about a failure is pipeline.outcome's.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipeline.errors import Failure, SourceError, as_published
from pipeline.extract.stage import ExtractResult
from pipeline.transform import Assembled, assemble_tables
from pipeline.validate import ValidationReport, validate_tables
from pipeline.workspace import Archive
from pipeline.workspace.manifest import ManifestEntry

# Sources a failure may quarantine, by registry kind: the official files and the transcriptions.
# A bundled source (the root document, the list of cited pages) holds what every other table
# refers to; its failure fails the whole build.
QUARANTINABLE_KINDS = {"linked", "remote", "transcription"}


@dataclass
class Quarantined:
    """What is left to publish once the failed sources are dropped."""

    assembled: Assembled  # the tables as assembled, with the notes of the transform stage
    report: ValidationReport  # the final validation; its ``quarantined`` lists the dropped
    # sources' failures, and it is ``ok`` unless a failure is nobody's (or a bundled source's)
    failed: dict[str, SourceError] = field(default_factory=dict)  # every failed source


def quarantine(
    archive: Archive,
    extracted: ExtractResult,
    missing: set[str],
    older: dict[str, tuple[ManifestEntry, str]] | None = None,
) -> Quarantined:
    """Assemble and validate; drop the sources validation blames and validate the rest again.

    A function of its inputs: the set of failed sources only grows, so the loop ends (at most
    once per source).
    """
    failed: dict[str, SourceError] = dict(extracted.errors)
    kinds = {s.source_id: s.kind for s in archive.sources}
    roots = [failed[s] for s in sorted(failed) if kinds.get(s) not in QUARANTINABLE_KINDS]
    if roots:  # every table refers to what a bundled source holds: nothing to publish
        published = as_published(failed, archive.raw_dir)
        assembled = assemble_tables(archive, extracted, published, older)
        report = validate_tables(
            assembled.tables, missing_sources=missing, found=assembled.problems
        )
        report.failures += [
            Failure("sources", "status", "bundled_source_extracted", 1, (), str(error))
            for error in roots
        ]
        return Quarantined(assembled, report, failed)
    quarantined_failures: list[Failure] = []
    while True:
        dropped = with_attachments(archive, set(failed))
        kept = _without_sources(extracted, dropped)
        assembled = assemble_tables(archive, kept, as_published(failed, archive.raw_dir), older)
        report = validate_tables(
            assembled.tables, missing_sources=missing, found=assembled.problems
        )
        blamed = _blamed_sources(archive, report.failures)
        if report.ok or blamed is None:
            report.quarantined = quarantined_failures
            return Quarantined(assembled, report, failed)
        quarantined_failures += report.failures
        for source_id, failures in sorted(blamed.items()):
            failed[source_id] = _validation_error(source_id, failures)


def _blamed_sources(
    archive: Archive, failures: list[Failure]
) -> dict[str, list[Failure]] | None:
    """Source id -> the failures it is to blame for; None when any failure is nobody's (or a
    bundled source's) fault, which fails the whole build."""
    kinds = {s.source_id: s.kind for s in archive.sources}
    parents = {s.source_id: s.parent_source_id for s in archive.sources}
    blamed: dict[str, list[Failure]] = {}
    for failure in failures:
        if not failure.source_ids:
            return None
        for source_id in failure.source_ids:
            kind = kinds.get(parents.get(source_id) or source_id)
            if kind not in QUARANTINABLE_KINDS:
                return None
            blamed.setdefault(source_id, []).append(failure)
    return blamed


def _validation_error(source_id: str, failures: list[Failure]) -> SourceError:
    """The first failure of a source as its error, with the page of its first example there."""
    first = sorted(failures, key=lambda f: (f.table, f.column, f.check))[0]
    page = next(
        (e.get("page") for f in failures for e in f.examples
         if e.get("source_id") == source_id and e.get("page") is not None),
        None,
    )
    text = f"validation failed: [{first.table}.{first.column}] {first.check}"
    if first.message:
        text += f": {first.message}"
    others = len(failures) - 1
    if others:
        text += f" (and {others} more failed check(s): see validation_report.json)"
    return SourceError(source_id, text, page=page)


def with_attachments(archive: Archive, source_ids: set[str]) -> set[str]:
    """These sources and the attachments of any of them (extracted with their parent)."""
    return source_ids | {s.source_id for s in archive.sources if s.parent_source_id in source_ids}


def _without_sources(extracted: ExtractResult, dropped: set[str]) -> ExtractResult:
    """The extraction result without the dropped sources' outputs and rows."""
    if not dropped:
        return extracted
    outputs = {}
    for source_id, output in extracted.outputs.items():
        if source_id in dropped:
            continue
        tables = {
            name: frame[~frame["source_id"].astype(str).isin(dropped)].reset_index(drop=True)
            if "source_id" in frame.columns and name != "cited_sources"
            else frame
            for name, frame in output.tables.items()
        }
        outputs[source_id] = replace(output, tables=tables)
    return ExtractResult(outputs=outputs, errors=extracted.errors,
                         from_cache=extracted.from_cache)
