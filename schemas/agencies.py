"""Model of the ``agencies`` table."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import ID_RE


class Agencies(pa.DataFrameModel):
    """Ministries and agencies of the Government of Japan named by the programmes."""

    agency_id: Series[str] = pa.Field(
        unique=True, str_matches=ID_RE, description="Short lower-case id (e.g. meti, mlit)."
    )
    name_en: Series[str] = pa.Field(description="English name.")
    name_ja: Series[str] = pa.Field(description="Japanese name (e.g. 経済産業省).")
    abbreviation: Series[str] = pa.Field(
        nullable=True, description="Usual English abbreviation (e.g. METI)."
    )

    class Config:
        name = "agencies"
        title = "Agencies"
        strict = True
        coerce = True
