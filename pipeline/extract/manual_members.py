"""Extractor for the hand transcription of platform members (``raw/manual/platform_members.csv``).

The official member list (``mlit_scpf_members``) has not been reachable, so the members that
stored pages name are transcribed here, each row citing the page it was seen at. The list is
partial by design: coverage shows how many of each announced category are held, and the
official list, once archived, replaces these rows (the transform stage reports every
difference).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.errors import SourceError
from pipeline.extract.manual import MEMBERS_FILE as MEMBERS_FILE
from pipeline.extract.manual import (
    _cited_id,
    _read_csv,
    is_iso_date,
    one_transcription,
)
from pipeline.extract.result import MEMBER_EXTRACT_COLUMNS, ExtractOutput
from schemas.vocabularies import MEMBER_CATEGORIES

MEMBER_TRANSCRIPTION_COLUMNS = [
    "category", "category_ja", "name_ja", "prefecture_ja", "as_of", "note", "source_url",
]
# The member extract columns, and the date the row's page states the membership for: a page
# says whose list it reports (the first report of 2019-08-08 counted 473 members, the release
# corrected on 2019-08-29 counts 471, both "as of" 2019-08-08).
MEMBER_TRANSCRIPTION_EXTRACT_COLUMNS = [*MEMBER_EXTRACT_COLUMNS, "as_of"]

def read_members(source_id: str, path: Path, urls: dict[str, str]) -> pd.DataFrame:
    """The transcribed members, validated, as member extract rows (``source_id`` = the cited
    page, ``page`` null, ``as_of`` the date the page states)."""
    rows = _read_csv(source_id, path, MEMBER_TRANSCRIPTION_COLUMNS)
    if not rows:
        raise SourceError(source_id, "no members transcribed", path)
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        where = f"line {line}"
        if row["category"] not in MEMBER_CATEGORIES:
            raise SourceError(
                source_id,
                f"{where}: category {row['category']!r}; expected one of "
                f"{sorted(MEMBER_CATEGORIES)}",
                path,
            )
        if row["category_ja"] != MEMBER_CATEGORIES[row["category"]]:
            raise SourceError(
                source_id,
                f"{where}: category_ja {row['category_ja']!r} is not the heading of "
                f"{row['category']} ({MEMBER_CATEGORIES[row['category']]})",
                path,
            )
        for column in ("name_ja", "as_of", "source_url"):
            if not row[column]:
                raise SourceError(source_id, f"{where}: {column} is empty", path)
        if not is_iso_date(row["as_of"]):
            raise SourceError(source_id, f"{where}: as_of {row['as_of']!r} is not a date "
                              "YYYY-MM-DD (the date the page states the membership for)", path)
        key = (row["category"], row["name_ja"])
        if key in seen:
            raise SourceError(source_id, f"{where}: {key} already on line {seen[key]}", path)
        seen[key] = line
        records.append(
            {
                "name_ja": row["name_ja"],
                "category": row["category"],
                "category_ja": row["category_ja"],
                "prefecture_ja": row["prefecture_ja"] or None,
                "source_id": _cited_id(source_id, path, line, "source_url", row["source_url"],
                                       urls),
                "page": None,
                "as_of": row["as_of"],
            }
        )
    frame = pd.DataFrame.from_records(records, columns=MEMBER_TRANSCRIPTION_EXTRACT_COLUMNS)
    frame["page"] = frame["page"].astype("Int64")
    return frame


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The transcribed members; ``files`` may include ``cited_sources.csv`` (the cache key's)."""
    members = read_members(source_id, *one_transcription(source_id, files,
                                                          "member transcription"))
    counts = members["category"].value_counts().sort_index().to_dict()
    return ExtractOutput(
        {"platform_members": members},
        notes=[f"{len(members)} platform member(s) transcribed (partial list): {counts}"],
    )
