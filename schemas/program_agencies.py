"""Model of the ``program_agencies`` table."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import ID_RE, ROLES, source_id_field


class ProgramAgencies(pa.DataFrameModel):
    """Which ministries and agencies run each programme, and in which role."""

    program_id: Series[str] = pa.Field(str_matches=ID_RE, description="A programs.program_id.")
    agency_id: Series[str] = pa.Field(str_matches=ID_RE, description="An agencies.agency_id.")
    role: Series[str] = pa.Field(
        isin=list(ROLES),
        description="lead (sole ministry), co_lead (one of several), secretariat (runs the "
        "platform's secretariat), member (takes part).",
    )
    source_id: Series[str] = source_id_field(
        "Source that names this agency for this programme: the root document (document) for "
        "the agencies its headings name; for the agencies a heading only counts (the "
        "platform's 'Related 11 Ministries and Agencies'), the cited page naming each (the "
        "METI release for the secretariat, the MIC release for the other ministries)."
    )

    class Config:
        name = "program_agencies"
        title = "Programme agencies"
        strict = True
        coerce = True
        unique = ["program_id", "agency_id"]
