"""Every call to an extractor: the one place to re-point when the list reader changes.

Each kind's public entry point, ``module.extract(source_id, [pdf]) -> ExtractOutput``, and the
table the harness compares. A member list drawn with a composition nobody announced (the
reduced one, for speed) is read with ``read_member_list`` against that composition.
"""

from __future__ import annotations

import pandas as pd

from pipeline.announced import MEMBER_COMPOSITIONS
from pipeline.extract import (
    cao_kinmirai_lists,
    mlit_scpf_members,
    mlit_smartcity_model_list,
    mlit_smc_meti_list,
    mlit_smc_model_list,
)
from tests.layouts.sampler import Drawn

# kind (and SMC list) -> (source id, extractor module, published table)
EXTRACTORS = {
    "members": ("mlit_scpf_members", mlit_scpf_members, "platform_members"),
    "mlit_model": ("mlit_smartcity_model_list", mlit_smartcity_model_list, "selections"),
    "cao": ("cao_kinmirai_lists", cao_kinmirai_lists, "selections"),
    "meti_pilot": ("mlit_smc_meti_list", mlit_smc_meti_list, "selections"),
    "mlit_model_smc": ("mlit_smc_model_list", mlit_smc_model_list, "selections"),
}


def extractor_key(drawn: Drawn) -> str:
    s = drawn.sample
    if s.kind != "smc":
        return s.kind
    return "meti_pilot" if s.values["list"] == "meti_pilot" else "mlit_model_smc"


def extract(drawn: Drawn) -> pd.DataFrame:
    """The rows the kind's extractor publishes from the drawn PDF (raises SourceError when it
    refuses the file)."""
    source_id, module, table = EXTRACTORS[extractor_key(drawn)]
    comp = drawn.composition
    if drawn.sample.kind == "members" and comp is not None and comp not in MEMBER_COMPOSITIONS:
        output = mlit_scpf_members.read_member_list(source_id, drawn.path, compositions=(comp,))
    else:
        output = module.extract(source_id, [drawn.path])
    return output.tables[table]
