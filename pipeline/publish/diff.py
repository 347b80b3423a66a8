"""The row-level diff of a new publication against the previous one in the same folder.

Rows are matched by primary key and compared cell by cell in their JSON-native form, so a
dtype change alone (e.g. int64 read back as Int64) is not a change. The result is written as
``diff.json``; its summary text is what a build prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline.cells import plain_value
from pipeline.errors import PipelineError
from schemas import PRIMARY_KEYS, TABLES

MAX_EXAMPLES = 5


def _keyed(table: str, frame: pd.DataFrame, cols: Iterable[str]) -> dict[tuple, dict]:
    """Rows by primary key (as text, null as ''), each a dict of plain values of ``cols``."""
    key = PRIMARY_KEYS[table]
    cols = list(cols)
    out: dict[tuple, dict] = {}
    for record in frame[cols].to_dict("records"):
        row = {c: plain_value(v) for c, v in record.items()}
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
    """A few lines for the terminal: the tables that changed, with example keys."""
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


def last_diff_summary(out_dir: Path) -> str:
    """The diff summary of the current publication, for printing after a build."""
    path = Path(out_dir) / "diff.json"
    if not path.is_file():
        raise PipelineError(f"{path} does not exist")
    return json.loads(path.read_text(encoding="utf-8")).get("summary", "")
