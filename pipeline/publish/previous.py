"""What the previous publication in ``out_dir`` holds, read before it is replaced.

A failure never costs rows the user had: the build asks here whether the publication it would
replace holds rows of a source that now fails (then it publishes nothing).
"""

from __future__ import annotations

from pathlib import Path


def previous_rows_of(out_dir: Path, source_ids: set[str]) -> dict[str, int]:
    """How many rows of each of these sources the publication in ``out_dir`` holds."""
    if not source_ids or not (out_dir / "parquet").is_dir():
        return {}
    import pyarrow.parquet as pq

    held: dict[str, int] = {}
    for path in sorted((out_dir / "parquet").glob("*.parquet")):
        if path.stem == "sources":
            continue  # a failed source keeps its sources row
        if "source_id" not in pq.read_schema(path).names:
            continue
        for value in pq.read_table(path, columns=["source_id"]).column(0).to_pylist():
            if value in source_ids:
                held[value] = held.get(value, 0) + 1
    return held
