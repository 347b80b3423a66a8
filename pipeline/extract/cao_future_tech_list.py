"""The Cabinet Office's list of the 未来技術社会実装事業 projects selected in one year.

From FY2022 the Cabinet Office (内閣府地方創生推進事務局) publishes each year's list as a PDF on
chisou.go.jp (01_mirai_senteiR04.pdf: FY2022, 10 projects; mirai_senteiR07.pdf: FY2025, 3;
named by https://jidounten-lab.com/?p=36433 and the official 嬬恋村 page
https://www.vill.tsumagoi.gunma.jp/www/contents/1753172536763/index.html). Nobody on the team
has seen them. They are the Cabinet Office's family of lists (``cao_wg6_material``: its
vocabulary ``layouts/cao_wg6_material.csv``, the year as each entry's category, a joint
proposal as one project over several areas), read by the one list reader; this module adds:

- the year a file holds, by registration (the announcement of pipeline/announced.toml naming
  the source): a list that prints no year reads under it; a year printed for another year
  leaves the registered one short, and the list is refused naming file and page;
- exactly the year's announced count (a year whose count no source states would be read in any
  number: none is registered so);
- the rows: programme ``future_tech_2020`` (the programme renamed in 2020), the round and date
  of the announcement, areas as printed, the technology field in the note.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.announced import Announcement
from pipeline.extract import cao_wg6_material, reader, selection_lists
from pipeline.extract.result import ExtractOutput, selections_frame

PROGRAM_ID = "future_tech_2020"
TRACK = "selected_project"
PLACE_ROLES = ("area",)


def announcement_of(source_id: str) -> Announcement:
    """The one year of the programme whose announcement names this source."""
    return selection_lists.announcement_of(source_id, PROGRAM_ID, TRACK)


def spec_for(source_id: str, path: Path | None = None) -> reader.ListSpec:
    """What the reader needs to know of one year's list."""
    a = announcement_of(source_id)
    year = cao_wg6_material.category_of(a.fiscal_year)
    counts = {year: a.count} if a.count is not None else {}
    return reader.ListSpec(
        source_id=source_id,
        what=f"未来技術社会実装事業 FY{a.fiscal_year} list",
        shape=replace(cao_wg6_material.shape(), default_category=year),
        expected=(reader.Expected(f"{year} {a.count if a.count is not None else '?'}", counts,
                                  a.citation or "", uncounted=frozenset({year} - set(counts))),),
        check=lambda entry: selection_lists.check_place(entry, PLACE_ROLES),
    )


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The year's projects from the source's PDF."""
    pdf = selection_lists.the_pdf(source_id, files)
    a = announcement_of(source_id)
    found = reader.read_list(spec_for(source_id), pdf)
    records = [
        selection_lists.selection_record(
            a, e, source_id, f"分野: {e.fields['field']}" if e.fields.get("field") else None)
        for e in found.entries
    ]
    note = f"未来技術社会実装事業 FY{a.fiscal_year}: {len(records)} projects from {pdf.name}"
    return ExtractOutput({"selections": selections_frame(records)}, notes=[note, *found.notes])
