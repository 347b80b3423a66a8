"""The one door to raw/: the sources registry, the manifest and the files archived there.

Every stage that reads ``raw/`` goes through :class:`Archive`: the registered sources plus the
attachments discovered for them, the current archived file of each (manifest entries and
hand-dropped copies merged), and which sources hold no file. No HTTP and no parsing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.workspace.files import sha256_file
from pipeline.workspace.manifest import ManifestEntry, inventory, known_sources, read_manifest
from pipeline.workspace.registry import DEFAULT_REGISTRY, Source, load_registry


@dataclass
class Archive:
    """What ``raw_dir`` holds for the sources of ``registry_file`` (default: the bundled one)."""

    raw_dir: Path
    registry_file: Path | None = None

    @property
    def registry_path(self) -> Path:
        return self.registry_file or DEFAULT_REGISTRY

    @cached_property
    def registered(self) -> list[Source]:
        return load_registry(self.raw_dir, self.registry_file)

    @cached_property
    def sources(self) -> list[Source]:
        """Registered sources, then the attachments found for them."""
        return known_sources(self.raw_dir, self.registered)

    @cached_property
    def entries(self) -> list[ManifestEntry]:
        """The current archived file(s) of every source, sorted by source id and path."""
        return inventory(self.raw_dir, self.sources)

    @cached_property
    def missing(self) -> list[str]:
        """Ids of the sources that hold no archived file."""
        present = {e.source_id for e in self.entries}
        return sorted(s.source_id for s in self.sources if s.source_id not in present)

    @cached_property
    def older_entries(self) -> list[ManifestEntry]:
        """Older copies kept beside a changed upstream file (not current), still on disk with
        the bytes recorded, newest first: what the build falls back to when the current file
        of a source fails."""
        known = {s.source_id for s in self.sources}
        older = [
            e
            for e in read_manifest(self.raw_dir)
            if not e.current
            and e.source_id in known
            and (self.raw_dir / e.path).is_file()
            and sha256_file(self.raw_dir / e.path) == e.sha256
        ]
        return sorted(older, key=lambda e: (e.retrieved_at or "", e.path), reverse=True)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.source_id == source_id), None)

    def entries_of(self, source_id: str) -> list[ManifestEntry]:
        return [e for e in self.entries if e.source_id == source_id]

    def files(self, source_id: str, media_type: str | None = None) -> list[Path]:
        """Paths of a source's current archived files, optionally of one media type."""
        return [
            self.raw_dir / e.path
            for e in self.entries_of(source_id)
            if media_type is None or e.media_type == media_type
        ]


def workspace_root() -> Path:
    """Where raw/, processed/, dist/ and debug/ are by default.

    In a checkout (the package's parent holds ``raw/document/`` and ``pyproject.toml``) it is the
    checkout, from whatever folder the command runs, so ``make`` works on the repository's
    folders. Installed from a wheel the package's parent is site-packages, so the current folder.
    """
    return checkout_root() or Path.cwd()


def checkout_root() -> Path | None:
    """The checkout holding this code, or None when the package is installed (from a wheel)."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "raw" / "document").is_dir():
        return checkout
    return None


__all__ = ["Archive", "ManifestEntry", "Source", "checkout_root", "workspace_root"]
