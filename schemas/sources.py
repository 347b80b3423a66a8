"""Model of the ``sources`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    AUTHORITIES,
    ID_RE,
    ISO_TIMESTAMP_RE,
    ORIGINS,
    SHA256_RE,
    STATUSES,
)


class Sources(pa.DataFrameModel):
    """Every source the dataset uses or expects: archived files, their attachments, the
    municipalities reference, and each web page cited by a hand transcription. One row per
    source; missing sources are listed with status 'missing' so gaps stay visible."""

    source_id: Series[str] = pa.Field(
        unique=True, str_matches=ID_RE, description="Stable id of the source (snake_case)."
    )
    title: Series[str] = pa.Field(description="Title of the document or page.")
    publisher: Series[str] = pa.Field(description="Who published it (ministry, site).")
    url: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^https?://",
        description="Where it is published; null for bundled files without a URL.",
    )
    parent_source_id: Series[str] = pa.Field(
        nullable=True,
        str_matches=ID_RE,
        description="For an attachment, the source_id of the page it is attached to.",
    )
    media_type: Series[str] = pa.Field(
        nullable=True, description="IANA media type of the archived file (e.g. application/pdf)."
    )
    origin: Series[str] = pa.Field(
        nullable=True,
        isin=list(ORIGINS),
        description="How the file came: bundled (in the repository), fetched (downloaded), "
        "wayback (Internet Archive capture), manual (dropped into raw/ by hand), cited (a page "
        "cited by a hand transcription, not archived); null when the source is missing.",
    )
    authority: Series[str] = pa.Field(
        isin=list(AUTHORITIES),
        description="official (government publisher) or secondary (press, mirror, blog).",
    )
    status: Series[str] = pa.Field(
        isin=list(STATUSES),
        description="ok (used), missing (not archived: the dataset is incomplete), "
        "failed (archived but could not be read).",
    )
    status_detail: Series[str] = pa.Field(
        nullable=True, description="Why a source is missing or failed, and what to do about it."
    )
    retrieved_at: Series[str] = pa.Field(
        nullable=True,
        str_matches=ISO_TIMESTAMP_RE,
        description="When the archived file was downloaded (ISO 8601, UTC).",
    )
    sha256: Series[str] = pa.Field(
        nullable=True,
        str_matches=SHA256_RE,
        description="SHA-256 of the archived file (64 lower-case hex digits).",
    )
    bytes: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Size of the archived file in bytes."
    )
    file_path: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^raw/",
        description="Path of the archived file in the repository (under raw/).",
    )

    class Config:
        name = "sources"
        title = "Sources"
        strict = True
        coerce = True
