"""A build's outcome, and what the terminal says about it.

Kept apart from the stages so that each thing is said once and in one place: a failed source
with how to look into it, and the end of every build, which says where the data is, how to
look at it, and what is missing and how to add it. Imports nothing heavy: a build that is
already up to date prints this without loading pandas.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pipeline
from pipeline.errors import SourceError
from pipeline.workspace import Archive

LAYOUTS_DIR = Path(pipeline.__file__).parent / "extract" / "layouts"
# Where README tells how to add a source by hand.
ADDING_BY_HAND = 'README, "When a site cannot be reached"'
EXAMPLE_QUERY = "SELECT * FROM coverage"


@dataclass
class BuildOutcome:
    published: bool
    up_to_date: bool
    complete: bool
    missing_sources: list[str]
    source_errors: list[SourceError] = field(default_factory=list)  # every failed source
    validation_ok: bool = True  # False: a failure no one source is to blame for
    kept_previous: bool = False  # the previous publication holds rows of a failed source
    # Source id -> how a user adds it: the address to download it from by hand (into
    # raw/<source_id>/), or what else to do (see how_to_add).
    how_to_add: dict[str, str] = field(default_factory=dict)

    @property
    def failed_sources(self) -> list[str]:
        return sorted({e.source_id for e in self.source_errors})


def how_to_add(archive: Archive, source_id: str) -> str:
    """What a user does to supply a missing source: the URL to download it from by hand (its
    file goes in raw/<source_id>/, as the list's heading says once), or, for a source no
    download brings back, what to do instead."""
    source = archive.source(source_id)
    if source is None or source.kind in ("bundled", "transcription"):
        where = f"raw/{source.path}" if source and source.path else f"raw/{source_id}/"
        return f"{where} is not there: restore it from the repository (git checkout raw/)"
    if not source.url:
        return f"no URL is known: put its file in raw/{source_id}/"
    return source.url


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


def error_to_dict(archive: Archive, error: SourceError) -> dict:
    return {"source_id": error.source_id, "detail": error.detail, "path": error.path,
            "page": error.page, "error": str(error), "how_to_look": how_to_look(archive, error)}


def error_from_dict(item: dict) -> SourceError:
    return SourceError(item["source_id"], item["detail"], item.get("path"), item.get("page"))


def _look_commands(out_dir: Path) -> str:
    """How to look at the publication, in the words of whoever ran the build (make or not)."""
    if os.environ.get("MAKELEVEL"):  # run by make: its targets, with a folder of one's own
        folder = "" if out_dir == Path("processed") else f" OUT_DIR={out_dir}"
        return (f'make sql{folder} Q="{EXAMPLE_QUERY}" (one query), make shell{folder} '
                f"(DuckDB), make serve{folder} (in a web browser)")
    return (f'python -m pipeline sql --out-dir {out_dir} "{EXAMPLE_QUERY}" (one query), '
            f"python -m pipeline serve --out-dir {out_dir} (in a web browser)")


def _without_host(reason: str, url: str) -> str:
    """The reason a source was not downloaded, its own host said as "its host": offline, every
    host fails the same way, and the list says so once, not once per host (each line gives the
    URL, so the host is still there to read)."""
    host = urlparse(url).hostname if url.startswith(("http://", "https://")) else None
    return reason.replace(host, "its host") if host else reason


def closing_lines(
    outcome: BuildOutcome, out_dir: Path, not_downloaded: dict[str, str] | None = None
) -> list[str]:
    """The end of a build's output: each missing source once (its id, then the URL to download
    it from), then where the data is, how to look at it, and one line on what is missing.

    ``not_downloaded``: source id -> why the fetch of this run did not archive it; the missing
    sources are listed under each reason once (dozens of sources are missing offline: one
    short line each, in columns). A build that did not fetch lists them under no reason.
    """
    lines: list[str] = []
    missing = outcome.missing_sources
    if missing:
        lines.append(f"{len(missing)} source(s) not in raw/; download each by hand from the "
                     "address given into raw/<source_id>/:")
        by_reason: dict[str, list[str]] = {}
        for source_id in missing:
            reason = (not_downloaded or {}).get(source_id, "")
            url = outcome.how_to_add.get(source_id, "")
            by_reason.setdefault(_without_host(reason, url), []).append(source_id)
        width = max(map(len, missing))
        for reason, source_ids in by_reason.items():
            indent = "  "
            if reason or len(by_reason) > 1:
                lines.append(f"  {reason or 'not in raw/'} ({len(source_ids)}):")
                indent = "    "
            lines += [f"{indent}{s:{width}}  {outcome.how_to_add.get(s, '')}".rstrip()
                      for s in source_ids]
    gaps = []
    if missing:
        gaps.append(f"{len(missing)} source(s) missing")
    if outcome.failed_sources:
        gaps.append(f"{len(outcome.failed_sources)} failed: {', '.join(outcome.failed_sources)}")
    state = "complete" if outcome.complete else "INCOMPLETE" + (
        f" ({'; '.join(gaps)})" if gaps else "")
    where = out_dir.resolve()
    if outcome.published:
        lines.append(f"published, {state}: {where}")
    elif outcome.up_to_date:
        lines.append(f"up to date, {state}: {where}")
    else:
        lines.append(f"nothing was published; {where} is as it was")
    if (out_dir / "datapackage.json").is_file():
        lines.append(f"  look at it: {_look_commands(out_dir)}")
    if missing:
        lines.append(
            f"  missing: {len(missing)} source(s) (listed above): put each file in its folder "
            f"and run the build again ({ADDING_BY_HAND}; `make sources` shows what raw/ holds)"
        )
    return lines
