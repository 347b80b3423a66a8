"""Curated facts cite web pages by URL; the published tables name the ``sources`` row of each.

The root document's extractor hands over the programme descriptions written from official pages
and the agencies its headings only count, each with the URL of the page that states it
(``pipeline/extract/data/``). Here each URL becomes the ``source_id`` of its cited page (a row
of ``raw/manual/cited_sources.csv``, origin ``cited``), so a reader follows a description or an
agency row to its page and that page's authority. A URL not listed there is an error that names
it, as for the announced figures of ``coverage``.
"""

from __future__ import annotations

import pandas as pd

from pipeline.errors import PipelineError
from pipeline.text import text_or_empty


def cite(
    frame: pd.DataFrame, url_column: str, id_column: str, cited: pd.DataFrame, table: str
) -> pd.DataFrame:
    """``frame`` with ``id_column`` set from ``url_column`` (the cited source of each URL) where
    a URL is given, and ``url_column`` dropped; rows without a URL keep their ``id_column``."""
    if url_column not in frame:
        return frame
    url_to_id = dict(zip(cited["url"], cited["source_id"], strict=True))
    ids = []
    for url, current in zip(frame[url_column], frame.get(id_column, [None] * len(frame)),
                            strict=True):
        url = text_or_empty(url)
        if not url:
            ids.append(text_or_empty(current) or None)
            continue
        if url not in url_to_id:
            raise PipelineError(
                f"{table}: the citation {url} is not in raw/manual/cited_sources.csv; add it there"
            )
        ids.append(url_to_id[url])
    return frame.assign(**{id_column: ids}).drop(columns=url_column)


def cite_document_tables(
    tables: dict[str, pd.DataFrame], cited: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The root document's tables with their curated citations resolved to source ids."""
    out = dict(tables)
    if "programs" in out and len(out["programs"]):
        out["programs"] = cite(out["programs"], "description_citation", "description_source_id",
                               cited, "programs")
    if "program_agencies" in out and len(out["program_agencies"]):
        out["program_agencies"] = cite(out["program_agencies"], "citation", "source_id", cited,
                                       "program_agencies")
    return out
