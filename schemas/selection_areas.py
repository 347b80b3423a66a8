"""Model of the ``selection_areas`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import ID_RE, lg_code_field, page_field, source_id_field


class SelectionAreas(pa.DataFrameModel):
    """The local governments each selection covers, matched from its area text: the table to
    join selections to municipalities and to other statistics by lg_code."""

    selection_id: Series[str] = pa.Field(
        str_matches=ID_RE, description="A selections.selection_id."
    )
    lg_code: Series[str] = lg_code_field(
        "JIS X 0402 code of a local government the selection covers (municipalities.lg_code)."
    )
    area_part_ja: Series[str] = pa.Field(
        nullable=True, description="The fragment of the area text that matched this code."
    )
    source_id: Series[str] = source_id_field()
    page: Series[pd.Int64Dtype] = page_field(nullable=True)

    class Config:
        name = "selection_areas"
        title = "Selection areas"
        strict = True
        coerce = True
        unique = ["selection_id", "lg_code"]
