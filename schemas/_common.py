"""Patterns, derived sets and field helpers shared by the table models.

The closed sets themselves are in :mod:`schemas.vocabularies`; the check digit in
:mod:`schemas.codes`. Nothing here imports ``pipeline``: the schemas are the ground floor.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera import extensions

from schemas.codes import is_valid_lg_code
from schemas.vocabularies import (  # noqa: F401  (re-exported for the table models)
    AREA_LINKS,
    AUTHORITIES,
    EVIDENCE,
    EXTRACTED_ORIGINS,
    MEMBER_CATEGORIES,
    MUNICIPALITY_KINDS,
    ORIGINS,
    PLATFORM_AS_OF,
    PLATFORM_PARTICIPATION,
    PLATFORM_PROGRAM_ID,
    ROLES,
    ROUNDS,
    SINGLE_ROUND,
    STATUSES,
    TRACK_PARTICIPATION,
    TRACKS,
)

CATEGORIES = tuple(sorted(MEMBER_CATEGORIES))
ALL_TRACKS = tuple(sorted({track for tracks in TRACKS.values() for track in tracks}))
PROGRAM_TRACKS = frozenset((p, t) for p, tracks in TRACKS.items() for t in tracks)
# coverage and participation also count the platform's members, one "track" per category.
PLATFORM_TRACKS = frozenset((PLATFORM_PROGRAM_ID, c) for c in MEMBER_CATEGORIES)
COVERAGE_TRACKS = PROGRAM_TRACKS | PLATFORM_TRACKS
ALL_COVERAGE_TRACKS = tuple(sorted({t for _, t in COVERAGE_TRACKS}))
AS_OF = PLATFORM_AS_OF

ID_RE = r"^[a-z0-9][a-z0-9_\-.]*$"
SHA256_RE = r"^[0-9a-f]{64}$"
LG_CODE_RE = r"^\d{6}$"
ISO_TIMESTAMP_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$"


@extensions.register_check_method(check_type="vectorized")
def jis_lg_code(pandas_obj: pd.Series) -> pd.Series:
    """Six digits whose last digit is the JIS X 0402 check digit (e.g. 札幌市 011002)."""
    return pandas_obj.map(is_valid_lg_code).astype(bool)


def lg_code_field(description: str, *, nullable: bool = False, unique: bool = False):
    """A local-government code column: six digits with a valid check digit."""
    return pa.Field(
        nullable=nullable, unique=unique, str_matches=LG_CODE_RE, jis_lg_code=(),
        description=description,
    )


def source_id_field(description: str = "", *, nullable: bool = False):
    return pa.Field(
        nullable=nullable,
        str_matches=ID_RE,
        description=description
        or "Source of the row: a `sources.source_id` (file, transcription or cited page).",
    )


def page_field(*, nullable: bool):
    return pa.Field(
        nullable=nullable,
        ge=1,
        description="Page of the source file the row was read from (1-based)"
        + ("; null when the source has no pages (web page, transcription)." if nullable else "."),
    )


def evidence_field(what: str):
    return pa.Field(
        isin=list(EVIDENCE),
        description=f"How the {what} is backed, from its source: official_list (read from an "
        "official list file archived and extracted by the pipeline), official_page (transcribed "
        "from a government body's own web page), secondary (transcribed from news, company "
        "releases, blogs, or mirrors and copies of government pages).",
    )
