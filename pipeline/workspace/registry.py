"""The sources registry: which sources exist, where they come from, where their files live.

The registry is data (``pipeline/workspace/sources.toml``); this module only reads it. URLs of the
sources linked from the root document are discovered in the document's text, so they are
written down in exactly one place: the document.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from pipeline.errors import PipelineError

DEFAULT_REGISTRY = Path(__file__).with_name("sources.toml")
DOCUMENT_ID = "document"
SOURCE_KINDS = ("bundled", "linked", "remote", "transcription")
# A source's ``extractor`` names a module of this package.
EXTRACTOR_PACKAGE = "pipeline.extract"
_MODULE_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")

# A URL in running text ends at whitespace or at a closing bracket the writer put after it.
_URL_RE = re.compile(r"https?://[^\s()\[\]<>\"'（）]+")


@dataclass(frozen=True)
class Source:
    """One registered source. ``url`` is None only for bundled files with no web origin."""

    source_id: str
    kind: str
    title: str
    publisher: str
    media_type: str
    url: str | None = None
    path: str | None = None  # bundled / transcription: file path relative to raw/
    parent_source_id: str | None = None
    authority: str = "official"
    follow_attachments: bool = False
    extractor: str | None = None  # module of pipeline.extract; attachments use their parent's
    # Which announced list (and year) a source is the official announcement of is said once, by
    # that list's record in pipeline/announced.toml (``sources``), not here: see official_lists.
    # The file lists only part of a round (a regional bureau's own candidates of N nationwide):
    # its rows replace the transcribed rows of the same areas, the round's other rows stay.
    partial_list: bool = False

    @property
    def extractor_module(self) -> str | None:
        """The extractor's full module name (``pipeline.extract.<extractor>``), if any."""
        return f"{EXTRACTOR_PACKAGE}.{self.extractor}" if self.extractor else None

    @property
    def host(self) -> str | None:
        return urlparse(self.url).hostname if self.url else None

    @property
    def is_remote(self) -> bool:
        return self.kind in ("linked", "remote") and self.url is not None


def document_links(text: str) -> list[str]:
    """Every distinct URL in the document, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in _URL_RE.finditer(text):
        seen.setdefault(match.group(0).rstrip(".,;:"), None)
    return list(seen)


def load_registry(raw_dir: Path, registry_file: Path | None = None) -> list[Source]:
    """Read the registry and resolve linked URLs from the root document under ``raw_dir``."""
    registry_file = registry_file or DEFAULT_REGISTRY
    entries = _read_entries(registry_file)
    links: list[str] | None = None
    sources: list[Source] = []
    for entry in entries:
        entry = dict(entry)
        kind = entry.get("kind")
        if kind not in SOURCE_KINDS:
            raise PipelineError(
                f"sources registry {registry_file}: {entry.get('source_id')!r} has kind "
                f"{kind!r}; expected one of {', '.join(SOURCE_KINDS)}"
            )
        link = entry.pop("link", None)
        if "lists" in entry:
            raise PipelineError(
                f"sources registry {registry_file}: {entry.get('source_id')!r} has `lists`; which "
                "list a source announces is said by the list's record in pipeline/announced.toml "
                "(its `sources`)"
            )
        if kind == "linked" and not entry.get("url"):
            if links is None:
                links = document_links(_document_text(raw_dir, entries))
            entry["url"] = _resolve_link(entry["source_id"], link, links)
        sources.append(Source(**entry))

    ids = [s.source_id for s in sources]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PipelineError(f"sources registry {registry_file}: duplicate ids {duplicates}")
    return sources


def announced_lists() -> list[str]:
    """Every list a programme announced: each programme track, and the platform's members."""
    return list(_list_sources())


def official_lists(sources: list[Source]) -> dict[str, list[Source]]:
    """Announced list -> the registered sources that are its official announcement (maybe none),
    as the list's records in pipeline/announced.toml name them."""
    by_id = {s.source_id: s for s in sources}
    return {
        name: [by_id[i] for i in ids if i in by_id and by_id[i].authority == "official"]
        for name, ids in _list_sources().items()
    }


def unregistered_list_sources(sources: list[Source]) -> dict[str, list[str]]:
    """Announced list -> the ids its records name that this registry does not hold (a mirror
    registry may lack some; the project's own must hold them all)."""
    known = {s.source_id for s in sources}
    found = {name: [i for i in ids if i not in known] for name, ids in _list_sources().items()}
    return {name: ids for name, ids in found.items() if ids}


def _list_sources() -> dict[str, list[str]]:
    # Imported here: the command line reads the registry before pandas/pandera are needed.
    from pipeline.announced import list_sources

    return list_sources()


def declared_extractors(registry_file: Path | None = None) -> dict[str, str]:
    """Source id -> full extractor module name, read without resolving links (no raw/ needed)."""
    return {
        entry["source_id"]: f"{EXTRACTOR_PACKAGE}.{entry['extractor']}"
        for entry in _read_entries(registry_file or DEFAULT_REGISTRY)
        if entry.get("extractor")
    }


def _read_entries(registry_file: Path) -> list[dict]:
    """The registry's ``[[source]]`` tables, each naming an extractor module that exists."""
    try:
        entries = tomllib.loads(registry_file.read_text(encoding="utf-8"))["source"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise PipelineError(f"sources registry {registry_file}: cannot read it ({exc})") from exc
    for entry in entries:
        extractor = entry.get("extractor")
        if extractor is not None and not _extractor_exists(extractor):
            raise PipelineError(
                f"sources registry {registry_file}: {entry.get('source_id')!r} names extractor "
                f"{extractor!r}, but there is no module {EXTRACTOR_PACKAGE}.{extractor} "
                f"(expected pipeline/extract/{str(extractor).replace('.', '/')}.py)"
            )
    return entries


def _extractor_exists(name: object) -> bool:
    """Whether ``name`` is a module of the extract package (found, not imported)."""
    if not isinstance(name, str) or not _MODULE_NAME_RE.match(name):
        return False
    try:
        return importlib.util.find_spec(f"{EXTRACTOR_PACKAGE}.{name}") is not None
    except ImportError:  # a parent package of a dotted name does not exist
        return False


def _document_text(raw_dir: Path, entries: list[dict]) -> str:
    document = next((e for e in entries if e["source_id"] == DOCUMENT_ID), None)
    if document is None:
        raise PipelineError("sources registry has no 'document' entry to discover links from")
    path = raw_dir / document["path"]
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PipelineError(f"document: {path}: cannot read the root document ({exc})") from exc


def _resolve_link(source_id: str, link: str | None, links: list[str]) -> str:
    if not link:
        raise PipelineError(f"sources registry: linked source {source_id} has no 'link' pattern")
    matches = [url for url in links if link in url]
    if len(matches) != 1:
        raise PipelineError(
            f"{source_id}: expected exactly one link containing {link!r} in the root document, "
            f"found {len(matches)}: {matches}"
        )
    return matches[0]


def attachment_source_id(parent_id: str, file_name: str) -> str:
    """Id of a file attached to an HTML source: ``<parent>_<stem>``, lower-case, safe."""
    stem = Path(file_name).stem.lower()
    return f"{parent_id}_{re.sub(r'[^a-z0-9]+', '_', stem).strip('_') or 'file'}"
