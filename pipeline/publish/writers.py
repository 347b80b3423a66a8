"""Table preparation and the file writers: Parquet with metadata, CSV with a BOM, and DuckDB with
keys, comments and the ``municipality_participation`` view.

Parquet and CSV bytes are reproducible: rows are sorted by primary key, columns are in contract
order and no wall-clock time is written. The DuckDB file holds the same rows but is not
byte-reproducible (its storage format carries internal state).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.cells import plain_value
from pipeline.errors import ValidationFailed
from pipeline.publish.descriptors import DATASET_NAME, DUCKDB_NAME, VIEW_DESCRIPTION, VIEW_NAME
from schemas import (
    FOREIGN_KEYS,
    PRIMARY_KEYS,
    TABLES,
    column_descriptions,
    column_nullable,
    columns,
    key_constraint,
    logical_types,
    table_description,
)

ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(),
               "date": pa.date32()}
# The oldest format that holds everything written here, so that DuckDB 1.1 and later (Python
# and CLI) read the file; tests/publish/test_readers.py opens it with duckdb 1.1 and the CLI.
DUCKDB_STORAGE_VERSION = "v1.1.0"
DATASET_CATALOG = Path(DUCKDB_NAME).stem  # the catalog name DuckDB gives the file when opened
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}

# The local governments the view lists (named by a selection area or a platform member), in SQL
# both DuckDB and SQLite read: the SQLite copy's view (publish/sqlite.py) starts the same way.
VIEW_LOCAL_GOVERNMENTS_SQL = """
WITH local_links AS (
    SELECT a.lg_code, s.selection_id
    FROM selection_areas AS a
    JOIN selections AS s ON s.selection_id = a.selection_id
    WHERE a.link = 'local_government'
),
codes AS (
    SELECT lg_code FROM local_links
    UNION SELECT lg_code FROM platform_members WHERE lg_code IS NOT NULL
)"""

VIEW_SQL = f"""
CREATE VIEW {VIEW_NAME} AS{VIEW_LOCAL_GOVERNMENTS_SQL},
tracks AS (
    SELECT p.lg_code,
        list_sort(list_distinct(list(p.program_id) FILTER (WHERE p.status = 'selected')))
            AS programs,
        list_sort(list(p.track) FILTER (WHERE p.status = 'selected')) AS tracks,
        list_sort(list(p.track) FILTER (WHERE p.status = 'not_selected')) AS tracks_not_selected,
        list_sort(list(p.track) FILTER (WHERE p.status = 'unknown'
                                          AND p.program_id <> 'scpf_2019')) AS tracks_unknown,
        max(CASE WHEN p.program_id = 'scpf_2019' THEN p.status END) AS platform_status
    FROM participation AS p
    GROUP BY p.lg_code
),
history AS (
    -- its selections, year by year, in the tracks it took part in (participation 'selected')
    SELECT l.lg_code,
        list_sort(list_distinct(list(
            coalesce(CAST(s.fiscal_year AS VARCHAR), 'unknown_year') || ' ' || s.program_id
            || '/' || s.track))) AS selection_history
    FROM local_links AS l
    JOIN selections AS s ON s.selection_id = l.selection_id
    JOIN participation AS p ON p.lg_code = l.lg_code AND p.program_id = s.program_id
        AND p.track = s.track AND p.status = 'selected'
    GROUP BY l.lg_code
)
SELECT
    c.lg_code,
    m.prefecture_ja,
    m.name_ja,
    m.kind,
    coalesce(t.programs, []) AS programs,
    coalesce(t.tracks, []) AS tracks,
    (SELECT count(DISTINCT l.selection_id) FROM local_links AS l WHERE l.lg_code = c.lg_code)
        AS selection_count,
    coalesce(t.tracks_not_selected, []) AS tracks_not_selected,
    coalesce(t.tracks_unknown, []) AS tracks_unknown,
    -- NULL (unknown), not false, unless the complete member list is held
    CASE t.platform_status WHEN 'member' THEN TRUE WHEN 'not_member' THEN FALSE END
        AS is_platform_member,
    coalesce(h.selection_history, []) AS selection_history
FROM codes AS c
LEFT JOIN municipalities AS m ON m.lg_code = c.lg_code
LEFT JOIN tracks AS t ON t.lg_code = c.lg_code
LEFT JOIN history AS h ON h.lg_code = c.lg_code
ORDER BY c.lg_code
"""
VIEW_TABLES = ("municipalities", "platform_members", "selections", "selection_areas",
               "participation")


# --- frames --------------------------------------------------------------------------------


def prepare_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every contract table in contract column order, sorted by key: the row and column order
    the reproducible files need.

    The frames are validate_tables' coerced ones; the pandera models are not run again here.
    """
    prepared: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        if name not in tables:
            raise ValidationFailed(f"publish: table {name!r} is missing")
        frame = tables[name][columns(name)]
        frame = frame.sort_values(list(PRIMARY_KEYS[name]), kind="mergesort", ignore_index=True)
        prepared[name] = frame
    return prepared


def arrow_schema(table: str) -> pa.Schema:
    """The contract's types and nullability, with each column's description as field metadata."""
    types = logical_types(table)
    nullable = column_nullable(table)
    descriptions = column_descriptions(table)
    return pa.schema(
        [
            pa.field(c, ARROW_TYPES[types[c]], nullable=nullable[c],
                     metadata={"description": descriptions[c]})
            for c in columns(table)
        ]
    )


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """The frame as Arrow with the schema's types (also for empty tables) and pandas metadata,
    so ``pd.read_parquet`` gives back nullable integers."""
    schema = arrow_schema(table)
    frame = frame[[f.name for f in schema]].copy()
    for field in schema:
        if field.type == pa.date32():
            frame[field.name] = [None if pd.isna(v) else v for v in frame[field.name]]
            frame[field.name] = frame[field.name].astype(object)
        elif field.type == pa.string():
            frame[field.name] = [None if (v := plain_value(x)) is None else str(v)
                                 for x in frame[field.name]]
            frame[field.name] = frame[field.name].astype(object)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def table_sources(table: str, frame: pd.DataFrame, sources: pd.DataFrame) -> list[dict]:
    """Sources (id and sha256) a table's rows come from; for tables without provenance columns,
    every archived file."""
    sha = {
        str(s): plain_value(h)
        for s, h in zip(sources["source_id"], sources["sha256"], strict=True)
    }
    if table == "sources":
        ids = sorted(sha)
    elif "source_id" in frame.columns:
        ids = sorted({str(s) for s in frame["source_id"]})
    else:
        ids = sorted(s for s, h in sha.items() if h)
    return [{"source_id": s, "sha256": sha.get(s)} for s in ids]


# --- writers -------------------------------------------------------------------------------


def write_parquet(
    path: Path, table: str, frame: pd.DataFrame, meta: dict, sources: list[dict]
) -> None:
    """zstd Parquet whose metadata names the dataset, version, key and sources, so a file read
    on its own still says what it is and where its rows come from."""
    arrow = to_arrow(table, frame)
    metadata = {
        "dataset": DATASET_NAME,
        "dataset_version": str(meta.get("version", "")),
        "table": table,
        "description": table_description(table),
        "primary_key": json.dumps(list(PRIMARY_KEYS[table])),
        "complete": json.dumps(bool(meta.get("complete", False))),
        "sources": json.dumps(sources, ensure_ascii=False, sort_keys=True),
    }
    merged = dict(arrow.schema.metadata or {})
    merged.update({k.encode(): v.encode() for k, v in sorted(metadata.items())})
    arrow = arrow.replace_schema_metadata(merged)
    pq.write_table(arrow, path, compression="zstd", compression_level=9)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """UTF-8 with BOM (so Excel reads Japanese text), '\\n' line endings, '' for null."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: "true", False: "false"})
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n", na_rep="")


def _sql_str(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def table_ddl(table: str) -> str:
    """CREATE TABLE with types, NOT NULL, PRIMARY KEY and FOREIGN KEY from the schemas."""
    types = logical_types(table)
    nullable = column_nullable(table)
    lines = [
        f"    {c} {DUCKDB_TYPES[types[c]]}{'' if nullable[c] else ' NOT NULL'}"
        for c in columns(table)
    ]
    lines.append(f"    {key_constraint(table)}")
    for t, column, ref_table, ref_column in FOREIGN_KEYS:
        if t == table:
            lines.append(f"    FOREIGN KEY ({column}) REFERENCES {ref_table} ({ref_column})")
    return f"CREATE TABLE {table} (\n" + ",\n".join(lines) + "\n)"


def _insert_levels(table: str, frame: pd.DataFrame) -> list[pd.DataFrame]:
    """Rows in insertion batches: DuckDB checks a self-reference against earlier statements
    only, so a row whose parent is in the same table goes after its parent's batch."""
    self_refs = [(c, rc) for t, c, rt, rc in FOREIGN_KEYS if t == table and rt == table]
    if not self_refs or not len(frame):
        return [frame]
    batches: list[pd.DataFrame] = []
    placed: dict[str, set[str]] = {rc: set() for _, rc in self_refs}
    remaining = frame
    while len(remaining):
        ready = pd.Series(True, index=remaining.index)
        for column, ref_column in self_refs:
            parents = remaining[column]
            ready &= parents.isna() | parents.astype(object).isin(placed[ref_column])
        if not ready.any():  # a cycle or a dangling parent: let DuckDB report it
            batches.append(remaining)
            break
        batch = remaining[ready]
        batches.append(batch)
        for _, ref_column in self_refs:
            placed[ref_column] |= {str(v) for v in batch[ref_column]}
        remaining = remaining[~ready]
    return batches


def write_duckdb(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Every table with its keys and comments, and the view once the tables it reads exist.

    The file is written in DuckDB's storage format ``DUCKDB_STORAGE_VERSION``, not the newest
    the installed duckdb knows: users open it with whatever DuckDB they have (the newest CLI
    on PyPI, an older Python duckdb), and a reader refuses any format newer than its own.
    """
    connection = duckdb.connect()
    try:
        connection.execute(
            f"ATTACH {_sql_str(str(path))} AS {DATASET_CATALOG} "
            f"(STORAGE_VERSION {_sql_str(DUCKDB_STORAGE_VERSION)})"
        )
        connection.execute(f"USE {DATASET_CATALOG}")
        for table in TABLES:
            connection.execute(table_ddl(table))
            for batch in _insert_levels(table, frames[table]):
                connection.register("batch_rows", to_arrow(table, batch))
                connection.execute(f"INSERT INTO {table} SELECT * FROM batch_rows")
                connection.unregister("batch_rows")
            connection.execute(
                f"COMMENT ON TABLE {table} IS {_sql_str(table_description(table))}"
            )
            for column, text in column_descriptions(table).items():
                connection.execute(f"COMMENT ON COLUMN {table}.{column} IS {_sql_str(text)}")
            if table in VIEW_TABLES and all(
                t in _created(connection) for t in VIEW_TABLES
            ):
                connection.execute(VIEW_SQL)
                connection.execute(f"COMMENT ON VIEW {VIEW_NAME} IS {_sql_str(VIEW_DESCRIPTION)}")
        connection.execute(f"CHECKPOINT {DATASET_CATALOG}")
    finally:
        connection.close()


def _created(connection: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables created so far in ``connection``."""
    return {r[0] for r in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()}

