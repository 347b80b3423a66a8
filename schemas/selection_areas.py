"""Model of the ``selection_areas`` table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import AREA_LINKS, ID_RE, lg_code_field, page_field, source_id_field


class SelectionAreas(pa.DataFrameModel):
    """The local governments each selection covers, matched from its area text: the table to
    join selections to municipalities and to other statistics by lg_code. A selection whose
    area is a region no source maps to local governments (八重山地域) is linked to the
    prefecture(s) a source places it in with link = within_prefecture, so per-prefecture counts
    keep it: this is the only place the prefectures of a region are given (山陰エリア: 島根県 and
    鳥取県; a region no source places, 瀬戸内エリア, has no row). Only link = local_government
    means that the local government took part (participation.status = selected)."""

    selection_id: Series[str] = pa.Field(
        str_matches=ID_RE, description="A selections.selection_id."
    )
    lg_code: Series[str] = lg_code_field(
        "JIS X 0402 code of a local government the selection covers (municipalities.lg_code)."
    )
    link: Series[str] = pa.Field(
        isin=list(AREA_LINKS),
        description="local_government: the area names this local government (it took part); "
        "within_prefecture: the area is a region inside this prefecture that no source maps to "
        "local governments (the prefectural government itself is not thereby selected).",
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
