"""Extract stage: run each source's extractor on its archived files, in parallel, with a cache.

A source's extraction is a pure function of its files and of the code it runs, so its result
is cached under a key made of both: the files' paths and hashes, and what its extractor depends
on (its modules, their data files and the library versions, see ``pipeline.extract.cache``). A
rebuild with nothing changed re-extracts nothing, and a change to code an extractor does not
import (the report, the publish stage, another extractor) re-extracts nothing either. One bad
source does not stop the others: every failure is collected and reported together.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from pipeline.errors import SourceError
from pipeline.extract.cache import CODE_ROOT, code_key
from pipeline.extract.result import ExtractOutput
from pipeline.workspace import Archive
from pipeline.workspace.files import atomic_write_bytes, sha256_file
from pipeline.workspace.manifest import ManifestEntry

# Every transcription row cites a URL listed here, so this file is an input of each of them.
CITED_SOURCES_FILE = "manual/cited_sources.csv"


@dataclass
class ExtractJob:
    """One extractor run: the source it publishes under and every file it reads."""

    source_id: str
    module: str
    files: list[Path]
    sha256s: list[str]
    member_source_ids: list[str] = field(default_factory=list)  # parent + attachments

    def cache_key(self, extractor_code_key: str) -> str:
        """Key of this run: its source, extractor, the extractor's ``code_key`` and its files."""
        # Paths count too: an attachment's provenance is read from the folder it sits in.
        files = [
            f"{path.as_posix()} {sha}" for path, sha in zip(self.files, self.sha256s, strict=True)
        ]
        text = "\n".join([self.source_id, self.module, extractor_code_key, *files])
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ExtractResult:
    outputs: dict[str, ExtractOutput]  # source_id -> what its extractor returned
    errors: dict[str, SourceError]
    from_cache: list[str]

    def frames(self, table: str, source_ids: set[str] | None = None) -> list[pd.DataFrame]:
        """The non-empty frames of ``table``, in source-id order, optionally of some sources."""
        return [
            output.tables[table]
            for source_id, output in sorted(self.outputs.items())
            if table in output.tables
            and len(output.tables[table])
            and (source_ids is None or source_id in source_ids)
        ]


def plan_jobs(archive: Archive) -> list[ExtractJob]:
    """Group archived files into extractor runs; sources without files get no job.

    Which module extracts a source is declared in the registry (``extractor`` in
    pipeline/workspace/sources.toml); an attachment of an HTML source has none and is
    extracted with its parent, and a source without an extractor is archived only.
    """
    raw_dir, sources = archive.raw_dir, archive.sources
    by_source: dict[str, list[ManifestEntry]] = {}
    for entry in archive.entries:
        by_source.setdefault(entry.source_id, []).append(entry)
    jobs: list[ExtractJob] = []
    for source in sources:
        if source.parent_source_id:
            continue  # extracted with its parent
        module = source.extractor_module
        children = [s.source_id for s in sources if s.parent_source_id == source.source_id]
        members = [source.source_id, *children]
        own = [e for sid in members for e in by_source.get(sid, [])]
        if module is None or not own:
            continue
        job = ExtractJob(
            source_id=source.source_id,
            module=module,
            files=[raw_dir / e.path for e in own],
            sha256s=[e.sha256 for e in own],
            member_source_ids=members,
        )
        cited = raw_dir / CITED_SOURCES_FILE
        if source.kind == "transcription" and cited.exists():
            job.files.append(cited)
            job.sha256s.append(sha256_file(cited))
        jobs.append(job)
    return jobs


def _missing_extractor(job: ExtractJob) -> SourceError:
    return SourceError(
        job.source_id,
        f"its extractor {job.module} does not exist (the source's `extractor` in the "
        "sources registry names no module of pipeline/extract/)",
    )


def _run(job: ExtractJob) -> ExtractOutput:
    try:
        module = importlib.import_module(job.module)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (job.module + ".").startswith(exc.name + "."):
            raise  # the extractor exists but imports something missing: a bug, with its name
        raise _missing_extractor(job) from exc
    extract = getattr(module, "extract", None)
    if not callable(extract):
        raise SourceError(
            job.source_id, f"its extractor {job.module} has no extract(source_id, files)"
        )
    return extract(job.source_id, job.files)


def _run_safely(job: ExtractJob) -> tuple[ExtractOutput | None, SourceError | None]:
    try:
        return _run(job), None
    except SourceError as exc:
        return None, exc
    except Exception as exc:  # an extractor bug must still name the source it failed on
        return None, SourceError(job.source_id, f"{type(exc).__name__}: {exc}")


def run_extract(
    jobs: list[ExtractJob],
    cache_dir: Path,
    workers: int | None = None,
    code_root: Path = CODE_ROOT,
) -> ExtractResult:
    """Every job's output, from the cache when its key is there; ``code_root`` is where the
    code hashed into the keys lives (the tests point it at a copy)."""
    result = ExtractResult(outputs={}, errors={}, from_cache=[])
    todo: list[tuple[ExtractJob, Path]] = []
    code_keys: dict[str, str] = {}
    for job in jobs:
        if job.module not in code_keys:
            try:
                code_keys[job.module] = code_key(job.module, code_root)
            except ModuleNotFoundError:
                result.errors[job.source_id] = _missing_extractor(job)
                continue
            except SyntaxError as exc:  # as the import would fail: this source only
                result.errors[job.source_id] = SourceError(job.source_id, f"SyntaxError: {exc}")
                continue
        cached = cache_dir / f"{job.source_id}-{job.cache_key(code_keys[job.module])[:24]}.pickle"
        if cached.exists():
            result.outputs[job.source_id] = pickle.loads(cached.read_bytes())
            result.from_cache.append(job.source_id)
        else:
            todo.append((job, cached))

    workers = workers or min(len(todo), os.cpu_count() or 1)
    # A bar over sources on a terminal; quiet in CI and when piped.
    progress = dict(
        total=len(todo),
        desc="extract",
        unit="source",
        leave=False,
        disable=not sys.stderr.isatty() or bool(os.environ.get("CI")),
    )
    if workers > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(tqdm(pool.map(_run_safely, [job for job, _ in todo]), **progress))
    else:
        outcomes = [_run_safely(job) for job, _ in tqdm(todo, **progress)]

    for (job, cached), (output, error) in zip(todo, outcomes, strict=True):
        if error is not None:
            result.errors[job.source_id] = error
            continue
        result.outputs[job.source_id] = output
        for old in cache_dir.glob(f"{job.source_id}-*.pickle"):
            old.unlink()
        atomic_write_bytes(cached, pickle.dumps(output))
    return result
