"""MLIT's copy of METI's Smart Mobility Challenge list (001293868.pdf): the 13 パイロット地域.

Read like the METI release attachments (``smc_lists``, the one list reader); this file holds
the METI list by registration, so its entries are that list's unless its title names the
other, and it must hold exactly the announced 13.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import reader
from pipeline.extract.result import ExtractOutput
from pipeline.extract.smc_lists import METI_PILOT, extract_single_list, spec

__all__ = ["extract", "spec_for"]


def spec_for(source_id: str, path: Path | None = None) -> reader.ListSpec:
    """The spec ``pipeline debug`` explains the file with."""
    return spec(source_id, METI_PILOT)


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    return extract_single_list(source_id, files, METI_PILOT)
