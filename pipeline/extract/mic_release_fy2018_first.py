"""MIC データ利活用型スマートシティ推進事業, 平成30年度 1st round: its candidates.

2018-07-10, the national release.
The shared release reader (``mic_release``); the page must be dated as this round was
announced.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.extract.mic_release import extract_round
from pipeline.extract.result import ExtractOutput

__all__ = ["REGIONAL", "extract"]

# A regional bureau's page (its own candidates only); the registry says the same of the source
# (partial_list), tests/extract/test_extract_mic.py checks the two agree.
REGIONAL = False


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    return extract_round(source_id, files, fiscal_year=2018, round_="first",
                         regional=REGIONAL)
