"""``raw/manifest.json``: what is archived under raw/, where it came from, and its checksum.

The fetch stage writes entries; every later stage reads the archive through
:func:`inventory`, which also notices files a user dropped by hand (``origin=manual``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.workspace.files import atomic_write_bytes, sha256_file
from pipeline.workspace.registry import Source

MANIFEST_NAME = "manifest.json"
# Files in raw/<source_id>/ that are never source files.
_IGNORED_SUFFIXES = (".tmp", ".part")


@dataclass
class ManifestEntry:
    """One archived file. ``path`` is relative to the raw folder, with forward slashes."""

    source_id: str
    path: str
    origin: str
    sha256: str
    bytes: int
    media_type: str
    url: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    retrieved_at: str | None = None  # UTC, ISO 8601 with Z
    etag: str | None = None
    last_modified: str | None = None
    wayback_timestamp: str | None = None
    parent_source_id: str | None = None
    current: bool = True  # False for an older copy kept beside a changed upstream file
    extra: dict = field(default_factory=dict)


def read_manifest(raw_dir: Path) -> list[ManifestEntry]:
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [ManifestEntry(**entry) for entry in data.get("files", [])]


def write_manifest(raw_dir: Path, entries: list[ManifestEntry]) -> None:
    """Write sorted, stable JSON atomically (temporary file, then rename)."""
    entries = sorted(entries, key=lambda e: (e.source_id, e.path))
    text = json.dumps(
        {"files": [asdict(e) for e in entries]}, ensure_ascii=False, indent=2, sort_keys=True
    )
    atomic_write_bytes(raw_dir / MANIFEST_NAME, (text + "\n").encode("utf-8"))


def source_files_on_disk(raw_dir: Path, source: Source) -> list[Path]:
    """Files that belong to a source: its bundled path, or everything in raw/<source_id>/."""
    if source.path:
        path = raw_dir / source.path
        return [path] if path.is_file() else []
    return source_files_on_disk_in(raw_dir / source.source_id)


def source_files_on_disk_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_IGNORED_SUFFIXES)
    )


def _guess_media_type(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "text/html"
    by_suffix = {".csv": "text/csv", ".txt": "text/plain"}
    return by_suffix.get(path.suffix.lower(), "application/octet-stream")


def known_sources(raw_dir: Path, registered: list[Source]) -> list[Source]:
    """The registered sources plus the attachments found for them (see attachment_sources)."""
    return registered + attachment_sources(read_manifest(raw_dir), registered, raw_dir)


def inventory(raw_dir: Path, sources: list[Source]) -> list[ManifestEntry]:
    """The current archived files of every source, manifest entries and hand-dropped files merged.

    A file on disk with no manifest entry, or whose bytes differ from its entry, is a manual
    copy (or a bundled file); a manifest entry whose file has gone is dropped.
    """
    recorded = {e.path: e for e in read_manifest(raw_dir)}
    result: list[ManifestEntry] = []
    for source in sources:
        for path in source_files_on_disk(raw_dir, source):
            rel = path.relative_to(raw_dir).as_posix()
            size = path.stat().st_size
            digest = sha256_file(path)  # always: a same-size edit must not go unseen
            entry = recorded.get(rel)
            if entry is not None and entry.sha256 == digest:
                if entry.current:
                    result.append(entry)
                continue
            origin = "bundled" if source.kind == "bundled" else "manual"
            result.append(
                ManifestEntry(
                    source_id=source.source_id,
                    path=rel,
                    origin=origin,
                    sha256=digest,
                    bytes=size,
                    media_type=_guess_media_type(path),
                    url=source.url if origin == "bundled" else None,
                    parent_source_id=source.parent_source_id,
                )
            )
    return sorted(result, key=lambda e: (e.source_id, e.path))


def attachment_sources(
    manifest: list[ManifestEntry], sources: list[Source], raw_dir: Path | None = None
) -> list[Source]:
    """Sources discovered as attachments of a registered HTML source.

    They are known from the manifest (the fetch found them) or, for a raw folder assembled by
    hand, from folders named ``<parent id>_<file stem>`` beside the parent's folder.
    """
    by_id = {s.source_id: s for s in sources}
    manifest = list(manifest)
    if raw_dir is not None and raw_dir.is_dir():
        known = {e.source_id for e in manifest}
        for parent in (s for s in sources if s.follow_attachments):
            for folder in sorted(raw_dir.glob(f"{parent.source_id}_*")):
                if folder.is_dir() and folder.name not in known and folder.name not in by_id:
                    for path in source_files_on_disk_in(folder):
                        manifest.append(
                            ManifestEntry(
                                source_id=folder.name,
                                path=path.relative_to(raw_dir).as_posix(),
                                origin="manual",
                                sha256="",
                                bytes=0,
                                media_type=_guess_media_type(path),
                                parent_source_id=parent.source_id,
                            )
                        )
    found: dict[str, Source] = {}
    for entry in manifest:
        parent = by_id.get(entry.parent_source_id or "")
        if entry.source_id in by_id or parent is None or entry.source_id in found:
            continue
        found[entry.source_id] = Source(
            source_id=entry.source_id,
            kind="remote",
            title=f"Attachment of {parent.source_id}: {Path(entry.path).name}",
            publisher=parent.publisher,
            media_type=entry.media_type,
            url=entry.url,
            parent_source_id=parent.source_id,
            authority=parent.authority,
        )
    return sorted(found.values(), key=lambda s: s.source_id)
