"""The web pages the hand transcriptions cite (``raw/manual/cited_sources.csv``), as rows of
the ``sources`` table (``origin=cited``), each with its authority."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import SourceError
from pipeline.extract.manual import cited_sources
from pipeline.extract.result import ExtractOutput


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    if len(files) != 1:
        raise SourceError(source_id, f"expected one cited-sources file, found {len(files)}")
    return ExtractOutput({"cited_sources": cited_sources(files[0])})
