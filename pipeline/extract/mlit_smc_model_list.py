"""MLIT's copy of its 先行モデル事業 list (001293854.pdf, 一覧および概要): the 19 projects.

Read like the METI release attachments (``smc_lists``, the one list reader); this file holds
the MLIT list by registration, so its entries are that list's unless its title names the
other, and it must hold exactly the announced 19. The 概要 pages after the list are not list
rows: the list's table ends where a page's rows no longer stand in its columns.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import reader
from pipeline.extract.result import ExtractOutput
from pipeline.extract.smc_lists import MLIT_MODEL, extract_single_list, spec

__all__ = ["extract", "spec_for"]


def spec_for(source_id: str, path: Path | None = None) -> reader.ListSpec:
    """The spec ``pipeline debug`` explains the file with."""
    return spec(source_id, MLIT_MODEL)


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    return extract_single_list(source_id, files, MLIT_MODEL)
