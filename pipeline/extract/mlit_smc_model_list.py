"""MLIT's copy of its 先行モデル事業 list (001293854.pdf, 一覧および概要): the 19 projects.

The same reader as the METI release attachments (``smc_lists``); this file must hold the MLIT
list, and its row count is checked against the announced 19. The 概要 pages after the list
are not read as list rows.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.extract.result import ExtractOutput
from pipeline.extract.smc_lists import MLIT_MODEL, debug_lines, debug_marks, extract_single_list

__all__ = ["debug_lines", "debug_marks", "extract"]


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    return extract_single_list(source_id, files, MLIT_MODEL)
