"""A source whose current file fails is read from its older archived copies, newest first.

``fetch`` keeps the older copy when an upstream file changes (pipeline.fetch.keep); a new file
the extractor does not understand must never hide an older one that still reads. The source is
then published from the older copy, and the current file's error is still reported (the build
exits 3: the new file needs a look).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.errors import SourceError
from pipeline.extract.stage import ExtractJob, ExtractResult, run_extract
from pipeline.workspace import Archive
from pipeline.workspace.manifest import ManifestEntry


@dataclass
class Fallback:
    """The extraction with the older copies' outputs in place of the failed current files."""

    extracted: ExtractResult
    # Source id of the copy used -> (its manifest entry, why it was used), as the sources
    # table says it (pipeline.transform.sources).
    older: dict[str, tuple[ManifestEntry, str]] = field(default_factory=dict)
    # The current files' errors, each credited to the source whose older copy stands in.
    superseded: list[SourceError] = field(default_factory=list)


def fall_back_to_older(
    archive: Archive, jobs: list[ExtractJob], extracted: ExtractResult, cache_dir: Path
) -> Fallback:
    """Re-run each failed job on its older archived copies, newest first, until one reads."""
    result = Fallback(extracted)
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
            attempt = run_extract([alternative], cache_dir, workers=1)
            if job.source_id in attempt.outputs:
                outputs[job.source_id] = attempt.outputs[job.source_id]
                del errors[job.source_id]
                why = error.relative_to(archive.raw_dir)
                result.older[entry.source_id] = (entry, (
                    f"the current file failed ({why}); rows are from the older archived copy "
                    f"raw/{entry.path} (retrieved {entry.retrieved_at or 'earlier'})"
                ))
                result.superseded.append(error.for_source(entry.source_id))
                break
    result.extracted = ExtractResult(outputs=outputs, errors=errors,
                                     from_cache=extracted.from_cache)
    return result
