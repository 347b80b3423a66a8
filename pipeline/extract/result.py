"""What an extractor returns: its tables and the notes the build prints.

An explicit result instead of ``DataFrame.attrs``: attrs are lost by most pandas operations and
are invisible to a reader following where a value comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# Columns of a ``selections`` extract: what every selection extractor hands the normalize
# stage, which derives the published selections and selection_areas tables from it.
# ``prefecture_ja`` is the prefecture as printed (never inferred); ``region_prefectures_ja``
# (optional, '、'-separated) places a region no source maps to local governments in the
# prefectures a source names for it (山陰エリア(島根・鳥取) -> 島根県、鳥取県), for selection_areas.
SELECTION_EXTRACT_COLUMNS = [
    "program_id", "track", "fiscal_year", "round", "announced_on", "project_name_ja",
    "lead_org_ja", "consortium_ja", "prefecture_ja", "area_ja", "note", "source_id", "page",
    "list_key", "region_prefectures_ja",
    # The area as the municipality reference spells it, where the list printed a slip (matched
    # instead of area_ja, which keeps the print); empty for most rows and most extractors.
    "area_reference_ja",
]
# Columns of a ``platform_members`` extract (the member list), before normalization.
MEMBER_EXTRACT_COLUMNS = [
    "name_ja", "category", "category_ja", "prefecture_ja", "source_id", "page",
]


@dataclass
class ExtractOutput:
    """One source's extraction.

    ``tables`` maps a published (or assembled) table name to its rows; ``notes`` are lines the
    build prints after extraction (what was not read, and why). Whatever else a file states
    about itself is checked where it is read (the member composition, the announced counts)
    or published as rows, never handed on unread.
    """

    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    @property
    def note(self) -> str:
        """The notes as one line, as the build prints them."""
        return "; ".join(self.notes)


def selections_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """A selection extract frame with the contract's columns and types (also when empty)."""
    frame = pd.DataFrame.from_records(records, columns=SELECTION_EXTRACT_COLUMNS)
    frame["fiscal_year"] = frame["fiscal_year"].astype("int64")
    frame["page"] = frame["page"].astype("Int64")
    return frame
