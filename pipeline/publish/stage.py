"""The publish stage in order: write every file of a publication beside ``out_dir``, then swap
it in (see the package's docstring for the part each module plays)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline import REPORT_DIR, STAMP_NAME
from pipeline.errors import ValidationFailed
from pipeline.publish import descriptors, swap, writers
from pipeline.publish.descriptors import DUCKDB_NAME
from pipeline.publish.diff import diff_publications
from pipeline.publish.sqlite import SQLITE_NAME, write_sqlite
from pipeline.publish.swap import recover
from pipeline.validate import ValidationReport, require_validation_enabled
from schemas import TABLES


def _json(data: object) -> str:
    """Stable JSON (sorted keys, fixed indent): same data, same bytes."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_publication(root: Path, frames: dict[str, pd.DataFrame], report: ValidationReport,
                      meta: dict, diff: dict) -> None:
    """Every file of a publication into ``root`` (an empty folder)."""
    (root / "parquet").mkdir(parents=True)
    (root / "csv").mkdir()
    for table, frame in frames.items():
        sources = writers.table_sources(table, frame, frames["sources"])
        writers.write_parquet(root / "parquet" / f"{table}.parquet", table, frame, meta, sources)
        writers.write_csv(root / "csv" / f"{table}.csv", frame)
    writers.write_duckdb(root / DUCKDB_NAME, frames)
    write_sqlite(root / SQLITE_NAME, frames)
    (root / "validation_report.json").write_text(report.to_json(), encoding="utf-8")
    (root / "diff.json").write_text(_json(diff), encoding="utf-8")
    (root / "DATA_DICTIONARY.md").write_text(descriptors.data_dictionary(frames, meta),
                                             encoding="utf-8")
    (root / "README.md").write_text(descriptors.readme(meta), encoding="utf-8")
    # After the data files: it hashes them.
    (root / "datapackage.json").write_text(_json(descriptors.datapackage(root, frames, meta)),
                                           encoding="utf-8")
    if meta.get("inputs"):
        # Written last: the build's completion marker (pipeline.build.is_up_to_date).
        stamp = {
            "inputs": meta["inputs"],
            "version": str(meta.get("version", "")),
            "complete": bool(meta.get("complete", False)),
            "missing_sources": sorted(meta.get("missing_sources") or []),
            "failed_sources": meta.get("failed_sources") or [],
            "superseded_files": meta.get("superseded_files") or [],
        }
        (root / STAMP_NAME).write_text(_json(stamp), encoding="utf-8")


def _require_validated(tables: dict[str, pd.DataFrame], report: ValidationReport) -> None:
    """Publish only frames the report checked: the pandera models run once, in validate_tables,
    so a frame that did not go through them (or was changed since) is refused, not trusted."""
    for name in TABLES:
        if name in tables and tables[name] is not report.tables.get(name):
            raise ValidationFailed(
                f"publish: table {name!r} is not the frame the validation report checked: "
                "publish report.tables (validate_tables coerces them)"
            )


def publish(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    *,
    report: ValidationReport,
    dataset_meta: dict,
    log: Callable[[str], None] = print,
) -> Path:
    """Write the publication and swap it into ``out_dir`` atomically; returns ``out_dir``.

    ``tables`` are ``report.tables``, the frames validate_tables validated and coerced. A failed
    report, or tables it did not check, raise ValidationFailed before anything is written: the
    previous publication stays byte-identical. ``dataset_meta``: version, complete,
    missing_sources, member_composition and optionally inputs (the build stamp). Files of the
    user's in ``out_dir`` (anything not in the publication's layout) are carried over into the
    new publication, and ``log`` says which.
    """
    require_validation_enabled()
    if not report.ok:
        raise ValidationFailed("nothing published:\n" + report.summary_text())
    out_dir = Path(out_dir)
    swap.check_out_dir(out_dir)
    _require_validated(tables, report)
    frames = writers.prepare_tables(tables)
    dataset_meta = dict(dataset_meta)
    if dataset_meta.get("member_composition") is None:
        dataset_meta["member_composition"] = report.member_composition
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    diff = diff_publications(out_dir, frames)
    new = swap.new_dir(out_dir)
    new.mkdir()
    try:
        write_publication(new, frames, report, dataset_meta, diff)
        carried = swap.swap(new, out_dir)
    except BaseException:
        recover(out_dir)  # restores the old publication; user files in `new` go back
        raise
    if carried:
        log(kept_message(out_dir, carried))
    return out_dir


def kept_message(out_dir: Path, carried: list[str]) -> str:
    """What the terminal says about the user's files a rebuild carried over."""
    shown = [f"{rel}/" if (out_dir / rel).is_dir() else rel for rel in carried]
    message = (
        f"kept {len(carried)} file(s) of yours in {out_dir} (not part of the publication, "
        f"carried over as they were): {', '.join(shown)}"
    )
    if any(rel.split("/")[0] == REPORT_DIR for rel in carried):
        message += (
            f"; {REPORT_DIR}/ holds the figures of the previous publication: "
            "run `make report` to redraw them"
        )
    return message
