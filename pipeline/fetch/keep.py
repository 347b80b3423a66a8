"""What to keep: which file each source ends up with in ``raw/``, and the manifest that says so.

It decides, the HTTP client (:mod:`pipeline.fetch.http`) only asks.

Why it is built this way:

* Government sites move and remove files, so what we once downloaded is precious: a checked
  download is renamed into ``raw/<source_id>/`` over nothing (``os.replace``). A failed or
  interrupted fetch never replaces, truncates or deletes an archived copy; a changed upstream
  file is kept *beside* the old one.
* We are guests on those servers: an archived file is asked for with a conditional GET, so
  an unchanged file costs one 304.
* A file a user put in ``raw/<source_id>/`` by hand is a manual copy: used, recorded, and
  never overwritten.
* The manifest is rewritten after every source (atomically, and only if it changed), so an
  interrupted run never leaves a downloaded file that the next run would mistake for a
  manual copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from pipeline.fetch.discovery import wayback_capture
from pipeline.fetch.http import Download, HttpClient, RequestFailure, file_content_problem
from pipeline.workspace.files import new_file_mode, safe_file_name, sha256_file
from pipeline.workspace.manifest import (
    ManifestEntry,
    read_manifest,
    source_files_on_disk,
    write_manifest,
)
from pipeline.workspace.registry import Source


@dataclass
class SourceFetchResult:
    """What happened to one source; ``message`` is one line a user can act on."""

    source_id: str
    # ok | stale (the refresh failed; the archived copy is used) | missing | failed
    status: str
    origin: str | None  # fetched | wayback | manual | bundled | None
    message: str
    changed: bool = False  # a new upstream version was archived beside the old one
    entries: list[ManifestEntry] = field(default_factory=list)
    downloaded: bool = False  # this run stored a new file
    # missing: why, in a few words (the message adds how to add it); the build's end groups
    # the missing sources by it.
    why: str = ""

    @property
    def news(self) -> bool:
        """Worth a line of its own after a fetch: raw/ changed, or a refresh failed (a file
        kept as it was says nothing new; a missing one is listed at the end of the build)."""
        return self.downloaded or self.changed or self.status in ("stale", "failed")


class Keeper:
    """The archive side of one fetch run: the manifest being rewritten, source by source."""

    def __init__(self, raw_dir: Path, client: HttpClient, wayback_base: str, offline: bool) -> None:
        self.raw_dir = raw_dir
        self.client = client
        self.wayback_base = wayback_base
        self.offline = offline
        self.manifest = read_manifest(raw_dir)

    def keep(self, source: Source) -> SourceFetchResult:
        """Bring one source's files up to date and record them in the manifest at once."""
        old = [e for e in self.manifest if e.source_id == source.source_id]
        if source.kind in ("bundled", "transcription"):
            result = self._bundled(source, old)
        else:
            result = self._remote(source, old)
        self.manifest = [e for e in self.manifest if e.source_id != source.source_id]
        self.manifest += result.entries
        write_manifest(self.raw_dir, self.manifest)
        return result

    def _bundled(self, source: Source, old: list[ManifestEntry]) -> SourceFetchResult:
        """A file that ships with the repository (or a transcription): recorded, never asked for."""
        origin = "bundled" if source.kind == "bundled" else "manual"
        files = source_files_on_disk(self.raw_dir, source)
        if not files:
            where = f"raw/{source.path}" if source.path else f"raw/{source.source_id}/"
            return SourceFetchResult(
                source.source_id,
                "missing",
                None,
                f"{source.kind} file {where} is missing; restore it from the repository",
                why=f"{source.kind} file missing from the checkout",
            )
        entries = [self._local_entry(source, path, origin, old) for path in files]
        rel = ", ".join(f"raw/{e.path}" for e in entries)
        return SourceFetchResult(
            source.source_id,
            "ok",
            origin,
            f"{source.kind} file {rel} (not downloaded)",
            entries=entries,
        )

    def _local_entry(
        self, source: Source, path: Path, origin: str, old: list[ManifestEntry]
    ) -> ManifestEntry:
        """The entry of a file we did not download; the old entry if the file is the same."""
        rel = path.relative_to(self.raw_dir).as_posix()
        digest = sha256_file(path)
        for entry in old:
            if entry.path == rel and entry.sha256 == digest and entry.origin == origin:
                return entry
        return ManifestEntry(
            source_id=source.source_id,
            path=rel,
            origin=origin,
            sha256=digest,
            bytes=path.stat().st_size,
            media_type=source.media_type,
            url=source.url if origin == "bundled" else None,
            parent_source_id=source.parent_source_id,
        )

    def _manual(
        self, source: Source, files: list[Path], old: list[ManifestEntry]
    ) -> SourceFetchResult:
        """Files a user put in the source's folder win over any download, and are checked."""
        manual_paths = {p.relative_to(self.raw_dir).as_posix() for p in files}
        entries = [self._local_entry(source, p, "manual", old) for p in files]
        # Entries of files we fetched earlier stay as they are; the manual copy is added.
        entries += [
            e for e in old if e.path not in manual_paths and (self.raw_dir / e.path).is_file()
        ]
        problems = []
        for path in files:
            problem = file_content_problem(path, source.media_type)
            if problem:
                problems.append(f"raw/{path.relative_to(self.raw_dir).as_posix()}: {problem}")
        names = ", ".join(f"raw/{p}" for p in sorted(manual_paths))
        if problems:
            return SourceFetchResult(
                source.source_id,
                "failed",
                "manual",
                f"manual copy does not look like {source.media_type}: {'; '.join(problems)}; "
                f"replace it with the file from {source.url} in raw/{source.source_id}/",
                entries=entries,
            )
        return SourceFetchResult(
            source.source_id,
            "ok",
            "manual",
            f"using the manual copy {names} (not downloaded; remove it to fetch {source.url})",
            entries=entries,
        )

    def _remote(self, source: Source, old: list[ManifestEntry]) -> SourceFetchResult:
        """Refresh a source from its URL (or the Internet Archive); the archive never loses."""
        sid = source.source_id
        by_path = {e.path: e for e in old}
        unrecorded = []
        for path in source_files_on_disk(self.raw_dir, source):
            entry = by_path.get(path.relative_to(self.raw_dir).as_posix())
            if entry is None or entry.origin == "manual" or entry.bytes != path.stat().st_size:
                unrecorded.append(path)
        if unrecorded:
            return self._manual(source, unrecorded, old)

        kept = [e for e in old if (self.raw_dir / e.path).is_file()]
        current = next((e for e in reversed(kept) if e.current), None)
        by_hand = f"download {source.url} by hand and put it in raw/{sid}/"
        if not source.url:
            return SourceFetchResult(sid, "missing", None, f"{sid} has no URL", entries=kept,
                                     why="no URL is known")
        if self.offline:
            if current:
                return SourceFetchResult(
                    sid,
                    "ok",
                    current.origin,
                    f"offline: using the archived copy raw/{current.path} "
                    f"(retrieved {current.retrieved_at or 'earlier'})",
                    entries=kept,
                )
            why = "offline: not downloaded"
            return SourceFetchResult(sid, "missing", None, f"{why}; {by_hand}", entries=kept,
                                     why=why)

        name = safe_file_name(source.url, source.media_type)
        headers: dict[str, str] = {}
        if current and current.origin == "fetched" and current.url == source.url:
            if current.etag:
                headers["If-None-Match"] = current.etag
            if current.last_modified:
                headers["If-Modified-Since"] = current.last_modified
        folder = self.raw_dir / sid
        origin, wayback_ts = "fetched", None
        try:
            download = self.client.download(
                source.url, headers, folder, name, source.media_type, sid
            )
        except RequestFailure as failure:
            if current:
                return SourceFetchResult(
                    sid,
                    "stale",
                    current.origin,
                    f"refresh failed ({failure.message}); using the archived copy "
                    f"raw/{current.path} (retrieved {current.retrieved_at or 'earlier'})",
                    entries=kept,
                )
            if failure.kind in ("error", "deadline"):
                why = f"not downloaded: {failure.message}"
                return SourceFetchResult(
                    sid,
                    "failed" if failure.kind == "error" else "missing",
                    None,
                    f"{why}; {by_hand}",
                    entries=kept,
                    why=why,
                )
            # gone (404, 410) or unreachable: the Internet Archive may hold a capture.
            try:
                download, wayback_ts = wayback_capture(
                    self.client, self.wayback_base, source, folder, name
                )
                origin = "wayback"
            except RequestFailure as wayback_failure:
                status = "failed" if wayback_failure.kind == "error" else "missing"
                why = (f"not downloaded: {failure.message}; no Internet Archive capture either "
                       f"({wayback_failure.message})")
                return SourceFetchResult(
                    sid, status, None, f"{why}; {by_hand}", entries=kept, why=why
                )
        return self._store(source, download, origin, wayback_ts, kept, current, name)

    def _store(
        self,
        source: Source,
        download: Download,
        origin: str,
        wayback_ts: str | None,
        kept: list[ManifestEntry],
        current: ManifestEntry | None,
        name: str,
    ) -> SourceFetchResult:
        """Keep a good download: same bytes reuse the copy, new bytes go beside the old one."""
        sid = source.source_id
        if download.status == 304:
            if current is None:  # we only send conditional headers when we hold a copy
                return SourceFetchResult(
                    sid,
                    "failed",
                    None,
                    f"{download.final_url}: unexpected HTTP 304 for a file we do not hold; "
                    f"download {source.url} by hand and put it in raw/{sid}/",
                    entries=kept,
                )
            return SourceFetchResult(
                sid,
                "ok",
                current.origin,
                f"unchanged upstream (HTTP 304); archived copy raw/{current.path}",
                entries=kept,
            )
        assert download.tmp is not None and download.sha256 is not None
        same = [e for e in kept if e.sha256 == download.sha256]
        if same:
            download.tmp.unlink(missing_ok=True)
            match = next((e for e in same if e.current), same[-1])
            if match.origin == origin:
                updated = replace(
                    match,
                    etag=download.etag or match.etag,
                    last_modified=download.last_modified or match.last_modified,
                    current=True,
                )
            else:
                updated = self._entry(source, match.path, download, origin, wayback_ts)
            entries = [
                updated if e is match else (replace(e, current=False) if e.current else e)
                for e in kept
            ]
            if match.current:
                message = f"unchanged upstream (same sha256); archived copy raw/{match.path}"
                return SourceFetchResult(sid, "ok", origin, message, entries=entries)
            message = (
                f"upstream file changed back to the copy raw/{match.path} "
                f"(retrieved {match.retrieved_at}); it is current again"
            )
            return SourceFetchResult(sid, "ok", origin, message, changed=True, entries=entries)

        folder = self.raw_dir / sid
        target = folder / name
        if current is not None or target.exists():
            stem, suffix = os.path.splitext(name)
            target = folder / f"{stem}.{download.sha256[:12]}{suffix}"
        try:
            _check_inside(folder, target)
            os.chmod(download.tmp, new_file_mode())  # mkstemp made it 0600
            os.replace(download.tmp, target)
        except (_OutsideFolder, OSError) as exc:
            download.tmp.unlink(missing_ok=True)
            if current is not None:
                return SourceFetchResult(
                    sid,
                    "stale",
                    current.origin,
                    f"refresh failed (cannot store the download: {exc}); using the archived "
                    f"copy raw/{current.path}",
                    entries=kept,
                )
            return SourceFetchResult(
                sid, "failed", None, f"cannot store the download: {exc}", entries=kept
            )
        rel = target.relative_to(self.raw_dir).as_posix()
        entry = self._entry(source, rel, download, origin, wayback_ts)
        entries = [replace(e, current=False) if e.current else e for e in kept] + [entry]
        via = f" from the Internet Archive capture {wayback_ts}" if origin == "wayback" else ""
        if current is not None:
            message = (
                f"upstream file changed: new copy raw/{rel} (sha256 {download.sha256[:12]}) "
                f"archived beside the old raw/{current.path} (sha256 {current.sha256[:12]})"
                f"{via}"
            )
            return SourceFetchResult(sid, "ok", origin, message, changed=True, entries=entries,
                                     downloaded=True)
        message = f"downloaded raw/{rel} ({download.size} bytes){via}"
        return SourceFetchResult(sid, "ok", origin, message, entries=entries, downloaded=True)

    def _entry(
        self, source: Source, rel: str, download: Download, origin: str, wayback_ts: str | None
    ) -> ManifestEntry:
        """The entry of a file as downloaded now."""
        wayback = origin == "wayback"
        return ManifestEntry(
            source_id=source.source_id,
            path=rel,
            origin=origin,
            sha256=download.sha256 or "",
            bytes=download.size,
            media_type=source.media_type,
            url=source.url,
            final_url=download.final_url,
            http_status=download.status,
            retrieved_at=_utc_now(),
            # An archive's validators say nothing about the original server's file.
            etag=None if wayback else download.etag,
            last_modified=None if wayback else download.last_modified,
            wayback_timestamp=wayback_ts,
            parent_source_id=source.parent_source_id,
            current=True,
        )


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _OutsideFolder(Exception):
    """A download's target path that would leave its source's folder."""


def _check_inside(folder: Path, target: Path) -> None:
    """Defence in depth: a derived file name must name a file directly inside ``folder``."""
    if target.resolve().parent != folder.resolve():
        raise _OutsideFolder(f"refused to write {target}: outside {folder}")
