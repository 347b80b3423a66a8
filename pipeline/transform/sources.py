"""The ``sources`` table: every registered, discovered, reference and cited source, with its status.

A source's status comes from the archive (a file is held or not) and from the extraction
(its extractor failed or not); cited pages come from the cited-sources extractor.
"""

from __future__ import annotations

import pandas as pd

from pipeline.errors import SourceError
from pipeline.transform.reference import reference_source_meta
from pipeline.workspace import Archive
from pipeline.workspace.manifest import ManifestEntry
from schemas.vocabularies import EXTRACTED_ORIGINS


def sources_table(
    archive: Archive,
    errors: dict[str, SourceError],
    cited: pd.DataFrame,
    older: dict[str, tuple[ManifestEntry, str]] | None = None,
) -> pd.DataFrame:
    """One row per registered, discovered, reference or cited source, with its status.

    ``older``: sources whose rows come from an older archived copy because the current file
    failed (source id -> that copy's entry and why); the row describes the copy used.
    """
    first_entry: dict[str, ManifestEntry] = {}
    for entry in archive.entries:
        first_entry.setdefault(entry.source_id, entry)
    older = older or {}
    for source_id, (entry, _) in older.items():
        first_entry[source_id] = entry
    rows = []
    for source in archive.sources:
        entry = first_entry.get(source.source_id)
        error = errors.get(source.source_id) or errors.get(source.parent_source_id or "")
        if entry is None:
            status = "missing"
            detail = (
                f"not archived: download {source.url} by hand into raw/{source.source_id}/"
                if source.url
                else f"file raw/{source.path} is missing"
            )
        elif error is not None:
            status, detail = "failed", str(error)
        elif source.source_id in older:
            status, detail = "ok", older[source.source_id][1]
        else:
            status, detail = "ok", None
        rows.append(
            {
                "source_id": source.source_id,
                "title": source.title,
                "publisher": source.publisher,
                "url": source.url,
                "parent_source_id": source.parent_source_id,
                "media_type": entry.media_type if entry else source.media_type,
                "origin": entry.origin if entry else None,
                "authority": source.authority,
                "status": status,
                "status_detail": detail,
                "retrieved_at": entry.retrieved_at if entry else None,
                "sha256": entry.sha256 if entry else None,
                "bytes": entry.bytes if entry else None,
                "file_path": f"raw/{entry.path}" if entry else None,
            }
        )
    reference = reference_source_meta()
    rows.append(
        {
            "source_id": reference["source_id"],
            "title": reference["title"],
            "publisher": reference["publisher"],
            "url": reference["url"],
            "parent_source_id": None,
            "media_type": "application/x-python-package",
            "origin": "bundled",
            "authority": "secondary",
            "status": "ok",
            "status_detail": reference.get("detail"),
            "retrieved_at": None,
            "sha256": None,
            "bytes": None,
            "file_path": None,
        }
    )
    table = pd.concat([pd.DataFrame(rows), cited], ignore_index=True)
    return table.drop_duplicates("source_id", keep="first")


def evidence_by_source(sources: pd.DataFrame) -> dict[str, str]:
    """Source id -> the evidence grade of the fact rows it backs (schemas.vocabularies.EVIDENCE).

    official_list: an official file the pipeline archived and extracted (origin bundled,
    fetched, wayback or manual, authority official); official_page: a cited government page
    (origin cited, authority official); secondary: anything else, including a transcription's
    cited news page, a company release, or a copy of a government page.
    """
    grades: dict[str, str] = {}
    for source_id, origin, authority in zip(
        sources["source_id"], sources["origin"], sources["authority"], strict=True
    ):
        if authority == "official" and origin in EXTRACTED_ORIGINS:
            grade = "official_list"
        elif authority == "official" and origin == "cited":
            grade = "official_page"
        else:
            grade = "secondary"
        grades[str(source_id)] = grade
    return grades
