"""Errors that name what went wrong and where, so a user meeting a real file can act on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class PipelineError(Exception):
    """Base class for errors the CLI reports as one readable line."""


class UsageError(PipelineError):
    """The command was asked for something it must refuse (a bad --out-dir, an unknown id):
    exit code 2, like a bad argument."""


class SourceError(PipelineError):
    """A source file does not look like what its extractor understands.

    The message always starts with the source id, then the file and page when known:
    ``mlit_scpf_members: raw/mlit_scpf_members/001302313.pdf page 3: found 2 headings ...``
    """

    def __init__(
        self,
        source_id: str,
        message: str,
        path: Path | str | None = None,
        page: int | None = None,
    ) -> None:
        self.source_id = source_id
        self.path = str(path) if path is not None else None
        self.page = page
        self.detail = message
        where = source_id
        if self.path:
            where += f": {self.path}"
        if page is not None:
            where += f" page {page}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # errors cross process boundaries (parallel extraction)
        return (SourceError, (self.source_id, self.detail, self.path, self.page))


class FetchError(PipelineError):
    """A download failed; the archived copy (if any) is untouched."""


class ValidationFailed(PipelineError):
    """Validation found failures; nothing was published."""


@dataclass(frozen=True)
class Problem:
    """A data problem found outside pandera (matching, comparisons); reported with validation."""

    table: str
    column: str
    check: str
    message: str
    source_id: str | None = None
    page: int | None = None
