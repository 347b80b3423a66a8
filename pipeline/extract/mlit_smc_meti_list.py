"""MLIT's copy of METI's Smart Mobility Challenge list (001293868.pdf): the 13 パイロット地域.

The same reader as the METI release attachments (``smc_lists``); this file must hold the METI
list, and its row count is checked against the announced 13.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.extract.result import ExtractOutput
from pipeline.extract.smc_lists import METI_PILOT, debug_lines, debug_marks, extract_single_list

__all__ = ["debug_lines", "debug_marks", "extract"]


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    return extract_single_list(source_id, files, METI_PILOT)
