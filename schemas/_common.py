"""Closed sets, patterns and checks shared by the table models.

The closed sets come from the table contract (``../shared/design.md``, with the changes listed in
``CHANGELOG.md``) and from
:mod:`pipeline.announced`, so that a value outside them fails validation instead of quietly
becoming a new category in the published data.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera import extensions

from pipeline.announced import MEMBER_CATEGORIES, PLATFORM_AS_OF, TRACKS

ORIGINS = ("bundled", "fetched", "wayback", "manual", "cited")
# Origins of files the pipeline itself archived and extracted (not a cited web page).
EXTRACTED_ORIGINS = ("bundled", "fetched", "wayback", "manual")
AUTHORITIES = ("official", "secondary")
STATUSES = ("ok", "missing", "failed")
MUNICIPALITY_KINDS = (
    "prefecture", "designated_city", "ward", "special_ward", "city", "town", "village",
)
# The contract names lead/co_lead/member; the platform's secretariat ministries (内閣府, 総務省,
# 経済産業省, 国土交通省) are neither, so 'secretariat' is accepted too.
ROLES = ("lead", "co_lead", "secretariat", "member")
CATEGORIES = tuple(sorted(MEMBER_CATEGORIES))
ALL_TRACKS = tuple(sorted({track for tracks in TRACKS.values() for track in tracks}))
PROGRAM_TRACKS = frozenset((p, t) for p, tracks in TRACKS.items() for t in tracks)
AS_OF = PLATFORM_AS_OF

ID_RE = r"^[a-z0-9][a-z0-9_\-.]*$"
SHA256_RE = r"^[0-9a-f]{64}$"
LG_CODE_RE = r"^\d{6}$"
ISO_TIMESTAMP_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$"


def _jis_check_digit_ok(code6: object) -> bool:
    """Fallback of :func:`pipeline.transform.reference.is_valid_lg_code` (same JIS X 0402 rule)."""
    if not (isinstance(code6, str) and len(code6) == 6 and code6.isascii() and code6.isdigit()):
        return False
    total = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), code6[:5], strict=True))
    return str((11 - total % 11) % 10) == code6[5]


try:  # the reference module owns the rule; keep working if it cannot be imported
    from pipeline.transform.reference import is_valid_lg_code
except ImportError:  # pragma: no cover
    is_valid_lg_code = _jis_check_digit_ok


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
