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

    def for_source(self, source_id: str) -> SourceError:
        """The same error, credited to ``source_id`` (an attachment extracted with its parent)."""
        return SourceError(source_id, self.detail, self.path, self.page)

    def relative_to(self, raw_dir: Path) -> SourceError:
        """The same error with ``raw_dir`` written as ``raw``: as published, so that the same
        raw/ gives the same bytes wherever it lies."""
        def relative(text: str | None) -> str | None:
            return None if text is None else text.replace(str(raw_dir), "raw")

        return SourceError(self.source_id, relative(self.detail) or "", relative(self.path),
                           self.page)


def as_published(errors: dict[str, SourceError], raw_dir: Path) -> dict[str, SourceError]:
    """The errors as the dataset publishes them (paths relative to raw/, see
    :meth:`SourceError.relative_to`); the terminal prints them as they are."""
    return {source_id: error.relative_to(raw_dir) for source_id, error in errors.items()}


class ValidationFailed(PipelineError):
    """Validation found failures; nothing was published."""


@dataclass(frozen=True)
class Failure:
    """One failed check: where, how many rows, a few rows to look at, and the sources of the
    failing rows (empty when the failure is not the fault of one source: then it fails the
    whole build, see pipeline.quarantine).

    Validation reports them; the stages before it (matching, the reference's counts) report
    what they find as one-row failures (:meth:`found`), which validation merges with its own.
    """

    table: str
    column: str
    check: str
    rows: int
    examples: tuple[dict, ...] = ()
    message: str = ""
    source_ids: tuple[str, ...] = ()

    @classmethod
    def found(
        cls,
        table: str,
        column: str,
        check: str,
        message: str,
        source_id: object = None,
        page: object = None,
    ) -> Failure:
        """One row's failure found before validation, blamed on its source when it has one
        (``source_id`` and ``page`` as the row holds them: NA is none)."""
        from pipeline.cells import plain_value  # pandas: only stages that hold rows call this

        source = plain_value(source_id)
        example = {"source_id": source, "page": plain_value(page), "message": message}
        return cls(table, column, check, 1, (example,), "", (str(source),) if source else ())

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "column": self.column,
            "check": self.check,
            "rows": self.rows,
            "message": self.message,
            "source_ids": sorted(self.source_ids),
            "examples": [dict(sorted(e.items())) for e in self.examples],
        }
