"""Member list of the Smart City Public-Private Partnership Platform (MLIT 001302313.pdf, 別紙1).

The real file has not been seen here, so it is read by the shared list reader
(``pipeline.extract.reader``) in whatever layout it comes: category headings over a grid of
names, a table with a category column (merged over its group or printed on its first row), a
category per page title, numbered or not, ruled or not, in columns read across or down. This
module is the source's part: its vocabulary (``layouts/mlit_scpf_members.csv``), what was
announced (471 = 304 + 43 + 112 + 12, or the first report's 473, ``pipeline.announced``), the
content checks, and the rows.

Content checks (a reading that fails them is refused): a name under 地方公共団体 is exactly a
local government, a name under any other category is not one (北海道電力 and
札幌市交通事業振興公社 are not: only the whole name counts), and a local government printed
under a prefecture (a sub-heading or a column) lies in it. A heading the vocabulary lacks is
read as the category its entries show (all local governments; ministries and economic
organisations; universities and research bodies; otherwise companies) only when the counts
then match, and a note names it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.announced import MEMBER_COMPOSITIONS, MemberComposition
from pipeline.errors import SourceError
from pipeline.extract import reader
from pipeline.extract.reader import classify
from pipeline.extract.result import MEMBER_EXTRACT_COLUMNS, ExtractOutput

TABLE = "platform_members"
VOCABULARY = "mlit_scpf_members.csv"
_CID_RE = re.compile(r"\(cid:\d+\)")
# How each category is named in messages (the official breakdown's headings).
_PRINTED = {
    "company": "企業等", "university_research": "大学・研究機関",
    "local_government": "地方公共団体", "ministry_economic_org": "関係府省・経済団体等",
}


def check_member(entry: reader.Entry) -> str | None:
    """The content check of one member (see the module docstring): None when it passes."""
    name = entry.fields.get("name", "")
    if _CID_RE.search(name):
        return f"name {name!r} has unmapped glyphs (cid:NN)"
    printed = entry.label or _PRINTED.get(entry.category or "", "")
    is_lg = classify.is_local_government(name)
    if entry.category == "local_government" and not is_lg:
        return (f"{name!r} is printed under {printed!r} (local_government) but is no local "
                "government in the municipalities reference (special bodies such as 広域連合 "
                "or 一部事務組合 are not there either): a heading missed before it?")
    if entry.category != "local_government" and is_lg:
        return (f"{name!r} is printed under {printed!r} ({entry.category}) but is exactly the "
                "name of a local government: a 地方公共団体 heading missed or misread before it?")
    if is_lg and entry.prefecture and classify.in_prefecture(name, entry.prefecture) is False:
        return (f"{name!r} is printed under the prefecture {entry.prefecture!r} but no local "
                f"government of that name lies in it{reader.under_heading(entry.label)}: a "
                "prefecture heading misread?")
    return None


def infer_category(entries: list[reader.Entry]) -> str | None:
    """The category a heading the vocabulary lacks stands for, from its entries' names."""
    kinds = Counter(classify.organisation_kind(e.fields.get("name", "")) for e in entries)
    if set(kinds) == {"local_government"}:
        return "local_government"
    if "local_government" in kinds:
        return None  # local governments mixed with others: no category holds both
    if set(kinds) == {"ministry_economic_org"}:
        return "ministry_economic_org"
    if set(kinds) == {"university_research"}:
        return "university_research"
    return "company"


def member_spec(
    source_id: str, compositions: Sequence[MemberComposition] = MEMBER_COMPOSITIONS
) -> reader.ListSpec:
    """What the reader needs to know of the member list."""
    return reader.ListSpec(
        source_id=source_id,
        what="member list",
        shape=reader.Shape(reader.load_vocabulary(VOCABULARY)),
        expected=tuple(reader.Expected(c.label, c.counts, c.citation) for c in compositions),
        check=check_member,
        infer=infer_category,
    )


def spec_for(source_id: str, path: Path) -> reader.ListSpec:
    """The spec ``pipeline debug`` explains a file with."""
    return member_spec(source_id)


def read_member_list(
    source_id: str,
    path: Path,
    compositions: Sequence[MemberComposition] = MEMBER_COMPOSITIONS,
) -> ExtractOutput:
    """One PDF to the member table, checked against ``compositions`` (validation names the
    composition it matched again, from the published rows); the reader's notes are its notes."""
    found = reader.read_list(member_spec(source_id, compositions), Path(path))
    return ExtractOutput({TABLE: _frame(found.entries, source_id)}, notes=found.notes)


def _prefecture(entry: reader.Entry) -> str | None:
    """The prefecture printed for a member: its sub-heading or column, or in its name."""
    if entry.prefecture:
        return entry.prefecture
    split = classify.local_government(entry.fields.get("name", ""))
    return split[0] if split else None


def _frame(entries: list[reader.Entry], source_id: str) -> pd.DataFrame:
    """The published column order and types (text columns ``str``, missing as NaN)."""
    columns = {
        "name_ja": pd.Series([e.fields.get("name", "") for e in entries], dtype="str"),
        "category": pd.Series([e.category for e in entries], dtype="str"),
        "category_ja": pd.Series([e.label for e in entries], dtype="str"),
        "prefecture_ja": pd.Series([_prefecture(e) for e in entries], dtype="str"),
        "source_id": pd.Series([source_id] * len(entries), dtype="str"),
        "page": pd.Series([e.page for e in entries], dtype="int64"),
    }
    return pd.DataFrame(columns, copy=False)[MEMBER_EXTRACT_COLUMNS]


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The member table from the first file that yields a valid list (the others' errors are
    reported only if none does)."""
    if not files:
        raise SourceError(source_id, "no files to extract")
    errors: list[SourceError] = []
    for path in sorted(files, key=lambda p: (Path(p).suffix.lower() != ".pdf", Path(p).name)):
        try:
            output = read_member_list(source_id, path)
        except SourceError as exc:
            errors.append(exc)
            continue
        return output
    if len(errors) == 1:
        raise errors[0]
    raise SourceError(
        source_id,
        f"none of {len(files)} files holds a valid member list: "
        + " | ".join(str(e) for e in errors),
    )
