"""What an extractor returns: its tables, the notes the build prints, and the facts it read.

An explicit result instead of ``DataFrame.attrs``: attrs are lost by most pandas operations and
are invisible to a reader following where a value comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class ExtractOutput:
    """One source's extraction.

    ``tables`` maps a published (or assembled) table name to its rows; ``notes`` are lines the
    build prints after extraction (what was not read, and why); ``facts`` are values the file
    states about itself, such as the member composition it matched.
    """

    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    @property
    def note(self) -> str:
        """The notes as one line, as the build prints them."""
        return "; ".join(self.notes)
