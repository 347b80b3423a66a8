"""The SQLite copy of the publication (``smartcity.sqlite``), which Datasette serves to people who
browse rather than write SQL (``make serve``).

Same validated, prepared frames as the other writers, same keys (``schemas.PRIMARY_KEYS`` and
``FOREIGN_KEYS``), so Datasette links a selection to its programme, source and local
governments. Types: integers as INTEGER, booleans as INTEGER 0/1, dates as ISO 8601 TEXT.

The file is byte-reproducible for a given SQLite library version: rows go in in primary-key
order, in one transaction, and the file is vacuumed; SQLite writes no clock time, but its
header records the version of the library that wrote it (``sqlite3.sqlite_version``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from pipeline.cells import plain_value
from pipeline.errors import ValidationFailed
from pipeline.publish.descriptors import SQLITE_NAME, VIEW_NAME
from pipeline.publish.writers import VIEW_LOCAL_GOVERNMENTS_SQL
from schemas import (
    FOREIGN_KEYS,
    TABLES,
    column_nullable,
    columns,
    key_constraint,
    logical_types,
)

__all__ = ["SQLITE_NAME", "SQLITE_VIEW_SQL", "sqlite_ddl", "sqlite_rows", "write_sqlite"]

SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "date": "TEXT"}

# The DuckDB view (writers.VIEW_SQL) in SQLite: lists become JSON arrays (sorted, as in DuckDB),
# booleans 0/1. Written with correlated subqueries, not aggregate ORDER BY, so that it runs on
# SQLite 3.40 (Debian 12's) as well as on newer ones. tests/serve/test_serve.py compares it with the
# DuckDB view row by row.
SQLITE_VIEW_SQL = f"""
CREATE VIEW {VIEW_NAME} AS{VIEW_LOCAL_GOVERNMENTS_SQL}
SELECT
    c.lg_code,
    m.prefecture_ja,
    m.name_ja,
    m.kind,
    (SELECT json_group_array(program_id) FROM (
        SELECT DISTINCT program_id FROM participation AS p
        WHERE p.lg_code = c.lg_code AND p.status = 'selected' ORDER BY program_id)) AS programs,
    (SELECT json_group_array(track) FROM (
        SELECT track FROM participation AS p
        WHERE p.lg_code = c.lg_code AND p.status = 'selected' ORDER BY track)) AS tracks,
    (SELECT count(DISTINCT l.selection_id) FROM local_links AS l WHERE l.lg_code = c.lg_code)
        AS selection_count,
    (SELECT json_group_array(track) FROM (
        SELECT track FROM participation AS p
        WHERE p.lg_code = c.lg_code AND p.status = 'not_selected'
        ORDER BY track)) AS tracks_not_selected,
    (SELECT json_group_array(track) FROM (
        SELECT track FROM participation AS p
        WHERE p.lg_code = c.lg_code AND p.status = 'unknown' AND p.program_id <> 'scpf_2019'
        ORDER BY track)) AS tracks_unknown,
    -- NULL (unknown), not false, unless the complete member list is held
    (SELECT CASE max(CASE WHEN p.program_id = 'scpf_2019' THEN p.status END)
                WHEN 'member' THEN 1 WHEN 'not_member' THEN 0 END
     FROM participation AS p WHERE p.lg_code = c.lg_code) AS is_platform_member,
    (SELECT json_group_array(h) FROM (
        SELECT DISTINCT coalesce(CAST(s.fiscal_year AS TEXT), 'unknown_year') || ' '
            || s.program_id || '/' || s.track AS h
        FROM local_links AS l JOIN selections AS s ON s.selection_id = l.selection_id
        JOIN participation AS p ON p.lg_code = l.lg_code AND p.program_id = s.program_id
            AND p.track = s.track AND p.status = 'selected'
        WHERE l.lg_code = c.lg_code ORDER BY h)) AS selection_history
FROM codes AS c
LEFT JOIN municipalities AS m ON m.lg_code = c.lg_code
ORDER BY c.lg_code
"""


def sqlite_ddl(table: str) -> str:
    """CREATE TABLE with types, NOT NULL, 0/1 checks on booleans, PRIMARY and FOREIGN KEYs."""
    types = logical_types(table)
    nullable = column_nullable(table)
    lines = []
    for column in columns(table):
        line = f'    "{column}" {SQLITE_TYPES[types[column]]}'
        if not nullable[column]:
            line += " NOT NULL"
        if types[column] == "boolean":
            line += f' CHECK ("{column}" IN (0, 1))'
        lines.append(line)
    lines.append(f"    {key_constraint(table)}")
    for t, column, ref_table, ref_column in FOREIGN_KEYS:
        if t == table:
            lines.append(f"    FOREIGN KEY ({column}) REFERENCES {ref_table} ({ref_column})")
    return f"CREATE TABLE {table} (\n" + ",\n".join(lines) + "\n)"


def _sqlite_value(value: object, kind: str) -> object:
    """One cell as SQLite stores it: None, int (also for booleans), str (also for dates)."""
    value = plain_value(value)
    if value is None:
        return None
    if kind == "boolean":
        return int(bool(value))
    if kind == "integer":
        return int(value)
    return str(value)  # plain_value already wrote dates as ISO 8601


def sqlite_rows(table: str, frame: pd.DataFrame) -> list[tuple]:
    """The frame's rows as SQLite values, in the frame's (primary-key) order."""
    kinds = [logical_types(table)[c] for c in columns(table)]
    return [
        tuple(_sqlite_value(v, k) for v, k in zip(row, kinds, strict=True))
        for row in frame[columns(table)].itertuples(index=False, name=None)
    ]


def write_sqlite(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Every table with its keys, and the view; foreign keys are checked before the commit."""
    path = Path(path)
    if path.exists():
        path.unlink()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("BEGIN")
        # Checked at the commit: a self-reference (municipalities.parent_lg_code) may point
        # forward in key order.
        connection.execute("PRAGMA defer_foreign_keys = ON")
        for table in TABLES:
            connection.execute(sqlite_ddl(table))
            placeholders = ", ".join("?" for _ in columns(table))
            connection.executemany(
                f"INSERT INTO {table} VALUES ({placeholders})", sqlite_rows(table, frames[table])
            )
        connection.execute(SQLITE_VIEW_SQL)
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            connection.execute("ROLLBACK")
            raise ValidationFailed(f"{path.name}: foreign keys not satisfied: {problems[:5]}")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()
