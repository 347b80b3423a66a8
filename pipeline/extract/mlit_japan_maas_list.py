"""MLIT's list of the 日本版MaaS推進・支援事業 projects selected in one year (FY2021:
https://www.mlit.go.jp/report/press/content/001419406.pdf, 12 projects, named by ligare).

The programme follows MLIT's 新モビリティサービス推進事業 of the Smart Mobility Challenge, and
its list is read like MLIT's copies of those lists (``smc_lists``: the family's vocabulary
``layouts/smc_lists.csv``, fields told by their column header, 類型 groups, the one list reader).
The file holds one list by registration (the announcement of pipeline/announced.toml naming the
source): its entries are that list's, whatever its title says of the ministry, and it must hold
exactly the announced count.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.announced import Announcement
from pipeline.extract import reader, selection_lists, smc_lists
from pipeline.extract.result import ExtractOutput, selections_frame

PROGRAM_ID = "japan_maas_2020"
TRACK = "maas_project"


def announcement_of(source_id: str) -> Announcement:
    """The one year of the programme whose announcement names this source."""
    return selection_lists.announcement_of(source_id, PROGRAM_ID, TRACK, counted=True)


def spec_for(source_id: str, path: Path | None = None) -> reader.ListSpec:
    """What the reader needs to know of the list: exactly the year's announced count."""
    a = announcement_of(source_id)
    return reader.ListSpec(
        source_id=source_id,
        what=f"日本版MaaS推進・支援事業 FY{a.fiscal_year} list",
        shape=smc_lists.one_list_shape(TRACK),
        expected=(reader.Expected(f"{TRACK} {a.count}", {TRACK: a.count},  # type: ignore[dict-item]
                                  a.citation or ""),),
        check=smc_lists.check_entry,
        names={TRACK: "日本版MaaS推進・支援事業"},
    )


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The year's projects from the source's PDF."""
    pdf = selection_lists.the_pdf(source_id, files)
    a = announcement_of(source_id)
    found = reader.read_list(spec_for(source_id), pdf)
    records = [selection_lists.selection_record(a, e, source_id,
                                                selection_lists.entry_note(e, "類型"))
               for e in found.entries]
    note = (f"日本版MaaS推進・支援事業 FY{a.fiscal_year}: {len(records)} projects from "
            f"{pdf.name}")
    return ExtractOutput({"selections": selections_frame(records)}, notes=[note, *found.notes])
