"""Quarantine: one bad source costs that source, never the dataset.

A source whose extraction fails, or whose rows fail validation, is dropped (none of its rows
are published; ``sources.status`` is ``failed``) and the rest is assembled and validated again,
until nothing more is blamed; the set of failed sources only grows, so this ends. A source whose
current file fails is first read from its older archived copies. Failures no one source is to
blame for (the municipality reference, the root document) are left to fail the whole build.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pipeline
from pipeline.errors import SourceError
from pipeline.extract.stage import ExtractJob, ExtractResult, run_extract
from pipeline.workspace import Archive
from pipeline.workspace.manifest import ManifestEntry

# Sources a failure may quarantine, by registry kind: the official files and the transcriptions.
# A bundled source (the root document, the list of cited pages) holds what every other table
# refers to; its failure fails the whole build.
QUARANTINABLE_KINDS = {"linked", "remote", "transcription"}
LAYOUTS_DIR = Path(pipeline.__file__).parent / "extract" / "layouts"


def fall_back_to_older(
    archive: Archive, jobs: list[ExtractJob], extracted: ExtractResult, cache_dir: Path
) -> tuple[ExtractResult, dict[str, tuple[ManifestEntry, str]], list[SourceError]]:
    """A source whose current file fails is read from its older archived copies, newest first.

    Returns the extraction with those outputs, source id -> (the copy used, why), and the
    errors of the current files (still reported, and the build exits 3: the new file needs a
    look). A file that fails never hides an older one that still extracts.
    """
    older: dict[str, tuple[ManifestEntry, str]] = {}
    superseded: list[SourceError] = []
    outputs, errors = dict(extracted.outputs), dict(extracted.errors)
    for job in jobs:
        error = errors.get(job.source_id)
        if error is None:
            continue
        for entry in archive.older_entries:
            if entry.source_id not in job.member_source_ids:
                continue
            kept = [e for e in archive.entries
                    if e.source_id in job.member_source_ids and e.source_id != entry.source_id]
            files = [*kept, entry]
            alternative = replace(
                job,
                files=[archive.raw_dir / e.path for e in files],
                sha256s=[e.sha256 for e in files],
            )
            result = run_extract([alternative], cache_dir, workers=1)
            if job.source_id in result.outputs:
                outputs[job.source_id] = result.outputs[job.source_id]
                del errors[job.source_id]
                why = published_errors(archive, {job.source_id: error})[job.source_id]
                older[entry.source_id] = (entry, (
                    f"the current file failed ({why}); rows are from the older archived copy "
                    f"raw/{entry.path} (retrieved {entry.retrieved_at or 'earlier'})"
                ))
                superseded.append(replace_source(error, entry.source_id))
                break
    result = ExtractResult(outputs=outputs, errors=errors, from_cache=extracted.from_cache)
    return result, older, superseded


def replace_source(error: SourceError, source_id: str) -> SourceError:
    """The same error, credited to ``source_id`` (an attachment extracted with its parent)."""
    return SourceError(source_id, error.detail, error.path, error.page)


def quarantine(
    archive: Archive,
    extracted: ExtractResult,
    missing: set[str],
    older: dict[str, tuple[ManifestEntry, str]] | None = None,
):
    """Assemble and validate; drop the sources validation blames and validate the rest again.

    Returns the assembled tables, the final report (its ``quarantined`` lists the dropped
    sources' failures) and every failed source's error. A function of its inputs: the set of
    failed sources only grows, so the loop ends (at most once per source).
    """
    from pipeline.transform import assemble_tables
    from pipeline.validate import Failure, validate_tables

    failed: dict[str, SourceError] = dict(extracted.errors)
    kinds = {s.source_id: s.kind for s in archive.sources}
    roots = [failed[s] for s in sorted(failed) if kinds.get(s) not in QUARANTINABLE_KINDS]
    if roots:  # every table refers to what a bundled source holds: nothing to publish
        assembled = assemble_tables(archive, extracted, published_errors(archive, failed), older)
        report = validate_tables(
            assembled.tables, missing_sources=missing, extra_problems=assembled.problems
        )
        report.failures += [
            Failure("sources", "status", "bundled_source_extracted", 1, (), str(error))
            for error in roots
        ]
        return assembled, report, failed
    quarantined_failures: list = []
    while True:
        dropped = with_attachments(archive, set(failed))
        kept = _without_sources(extracted, dropped)
        assembled = assemble_tables(archive, kept, published_errors(archive, failed), older)
        report = validate_tables(
            assembled.tables, missing_sources=missing, extra_problems=assembled.problems
        )
        blamed = _blamed_sources(archive, report.failures)
        if report.ok or blamed is None:
            report.quarantined = quarantined_failures
            return assembled, report, failed
        quarantined_failures += report.failures
        for source_id, failures in sorted(blamed.items()):
            failed[source_id] = _validation_error(source_id, failures)


def _blamed_sources(archive: Archive, failures: list) -> dict[str, list] | None:
    """Source id -> the failures it is to blame for; None when any failure is nobody's (or a
    bundled source's) fault, which fails the whole build."""
    kinds = {s.source_id: s.kind for s in archive.sources}
    parents = {s.source_id: s.parent_source_id for s in archive.sources}
    blamed: dict[str, list] = {}
    for failure in failures:
        if not failure.source_ids:
            return None
        for source_id in failure.source_ids:
            kind = kinds.get(parents.get(source_id) or source_id)
            if kind not in QUARANTINABLE_KINDS:
                return None
            blamed.setdefault(source_id, []).append(failure)
    return blamed


def _validation_error(source_id: str, failures: list) -> SourceError:
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


def previous_rows_of(out_dir: Path, source_ids: set[str]) -> dict[str, int]:
    """How many rows of each of these sources the publication in ``out_dir`` holds."""
    if not source_ids or not (out_dir / "parquet").is_dir():
        return {}
    import pyarrow.parquet as pq

    held: dict[str, int] = {}
    for path in sorted((out_dir / "parquet").glob("*.parquet")):
        if path.stem == "sources":
            continue  # a failed source keeps its sources row
        if "source_id" not in pq.read_schema(path).names:
            continue
        for value in pq.read_table(path, columns=["source_id"]).column(0).to_pylist():
            if value in source_ids:
                held[value] = held.get(value, 0) + 1
    return held


def layout_files(archive: Archive, source_id: str) -> list[Path]:
    """The layout CSVs the extractor of this source (or of its parent) reads."""
    from pipeline.extract.cache import module_closure

    source = archive.source(source_id)
    if source is not None and source.parent_source_id:
        source = archive.source(source.parent_source_id)
    module = source.extractor_module if source else None
    if not module:
        return []
    modules = set(module_closure(module))
    return [p for p in sorted(LAYOUTS_DIR.glob("*.csv")) if f"pipeline.extract.{p.stem}" in modules]


def how_to_look(archive: Archive, error: SourceError) -> str:
    """The commands and files that help a user see why a source failed."""
    command = f"python -m pipeline debug {error.source_id}"
    if error.page is not None:
        command += f" --page {error.page}"
    layouts = ", ".join(str(p.relative_to(LAYOUTS_DIR.parent.parent.parent))
                        for p in layout_files(archive, error.source_id))
    text = f"look into it with `{command}`"
    return text + (f"; the layout it expects: {layouts}" if layouts else "")


def failure_text(archive: Archive, error: SourceError) -> str:
    return (f"failed: {error}\n  none of its rows is published; "
            f"{how_to_look(archive, error)}")


def published_errors(archive: Archive, errors: dict[str, SourceError]) -> dict[str, SourceError]:
    """The errors as published: paths relative to raw/ (the same raw/ gives the same bytes
    wherever it lies); the terminal prints them as they are."""
    raw = str(archive.raw_dir)

    def relative(text: str | None) -> str | None:
        return None if text is None else text.replace(raw, "raw")

    return {
        s: SourceError(e.source_id, relative(e.detail) or "", relative(e.path), e.page)
        for s, e in errors.items()
    }


def error_to_dict(archive: Archive, error: SourceError) -> dict:
    return {"source_id": error.source_id, "detail": error.detail, "path": error.path,
            "page": error.page, "error": str(error), "how_to_look": how_to_look(archive, error)}


def error_from_dict(item: dict) -> SourceError:
    return SourceError(item["source_id"], item["detail"], item.get("path"), item.get("page"))
