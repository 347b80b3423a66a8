"""Publish stage: files, reproducibility, atomic swap, DuckDB keys and comments, the Frictionless
package, and the row-level diff (synthetic tables from tests/table_samples.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import frictionless
import pandas as pd
import pyarrow.parquet as pq
import pytest

import pipeline.publish.writers as writers_module
from pipeline.errors import ValidationFailed
from pipeline.publish.descriptors import DUCKDB_NAME, VIEW_NAME
from pipeline.publish.diff import diff_publications
from pipeline.publish.stage import publish
from pipeline.publish.swap import recover
from pipeline.validate import validate_tables
from schemas import FOREIGN_KEYS, PRIMARY_KEYS, TABLES, columns, key_has_nulls
from tests.table_samples import MEMBER_SOURCE, sample_tables

META = {
    "version": "0.0.0-test",
    "complete": True,
    "missing_sources": [],
    "member_composition": "corrected_2019-08-29",
}


def tree(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Relative path -> sha256 of every file under root."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def do_publish(out_dir: Path, tables=None, meta=None) -> Path:
    tables = tables if tables is not None else sample_tables()
    report = validate_tables(tables, set(meta["missing_sources"]) if meta else set())
    assert report.ok, report.summary_text()
    return publish(report.tables, out_dir, report=report, dataset_meta=meta or META)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return do_publish(tmp_path_factory.mktemp("pub") / "processed")


@pytest.mark.slow
def test_publication_has_every_file(published):
    names = set(tree(published))
    for table in TABLES:
        assert f"parquet/{table}.parquet" in names
        assert f"csv/{table}.csv" in names
    assert {DUCKDB_NAME, "datapackage.json", "DATA_DICTIONARY.md", "README.md",
            "validation_report.json", "diff.json"} <= names
    assert not list(published.parent.glob(".processed.*")), "temporary folders left behind"


def test_parquet_columns_order_types_and_metadata(published):
    for table in TABLES:
        file = pq.ParquetFile(published / "parquet" / f"{table}.parquet")
        assert file.schema_arrow.names == columns(table)
        meta = file.schema_arrow.metadata
        assert meta[b"dataset_version"] == b"0.0.0-test"
        assert file.metadata.row_group(0).column(0).compression == "ZSTD"
    members = pq.read_table(published / "parquet" / "platform_members.parquet")
    sources = json.loads(members.schema.metadata[b"sources"])
    assert sources == [{"source_id": MEMBER_SOURCE,
                        "sha256": hashlib.sha256(MEMBER_SOURCE.encode()).hexdigest()}]
    assert str(members.schema.field("as_of").type) == "date32[day]"
    frame = pd.read_parquet(published / "parquet" / "selections.parquet")
    assert str(frame["page"].dtype) == "Int64"
    keys = list(PRIMARY_KEYS["selections"])
    assert frame[keys].equals(frame.sort_values(keys)[keys].reset_index(drop=True))


def test_csv_has_bom_and_unix_newlines(published):
    raw = (published / "csv" / "municipalities.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    frame = pd.read_csv(published / "csv" / "municipalities.csv", encoding="utf-8-sig",
                        dtype=str)
    assert list(frame.columns) == columns("municipalities")
    assert "011002" in set(frame["lg_code"])


@pytest.mark.slow
def test_same_tables_give_identical_bytes(tmp_path):
    first = do_publish(tmp_path / "a" / "processed")
    second = do_publish(tmp_path / "b" / "processed")
    skip = (DUCKDB_NAME,)
    assert tree(first, skip) == tree(second, skip)
    # Republishing into the same folder: same bytes except the diff (it names the previous).
    before = tree(first, skip)
    do_publish(first)
    after = tree(first, skip)
    assert {k for k in before if before[k] != after[k]} == {"diff.json"}
    assert json.loads((first / "diff.json").read_text())["summary"].endswith("no row changed")


@pytest.mark.slow
def test_failed_validation_writes_nothing(tmp_path):
    out = do_publish(tmp_path / "processed")
    before = tree(out)
    broken = sample_tables()
    broken["municipalities"].loc[1, "lg_code"] = "011003"
    report = validate_tables(broken, set())
    assert not report.ok
    with pytest.raises(ValidationFailed, match="jis_lg_code"):
        publish(broken, out, report=report, dataset_meta=META)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


@pytest.mark.slow
def test_unvalidated_tables_are_refused(tmp_path):
    out = do_publish(tmp_path / "processed")
    before = tree(out)
    good = validate_tables(sample_tables(), set())
    broken = sample_tables()
    broken["selections"].loc[0, "track"] = "nonsense"
    with pytest.raises(ValidationFailed):
        publish(broken, out, report=good, dataset_meta=META)
    assert tree(out) == before


def test_refuses_when_pandera_validation_is_disabled(tmp_path, monkeypatch):
    report = validate_tables(sample_tables(), set())
    monkeypatch.setenv("PANDERA_VALIDATION_ENABLED", "false")
    with pytest.raises(ValidationFailed, match="disabled"):
        publish(report.tables, tmp_path / "processed", report=report, dataset_meta=META)
    assert not (tmp_path / "processed").exists()


@pytest.mark.slow
def test_crash_while_writing_keeps_the_previous_publication(tmp_path, monkeypatch):
    out = do_publish(tmp_path / "processed")
    before = tree(out)

    def explode(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(writers_module, "write_duckdb", explode)
    changed = sample_tables()
    changed["agencies"].loc[0, "name_en"] = "Changed"
    with pytest.raises(OSError, match="simulated"):
        do_publish(out, changed)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


@pytest.mark.slow
def test_crash_between_the_renames_restores_the_old_publication(tmp_path, monkeypatch):
    out = do_publish(tmp_path / "processed")
    before = tree(out)
    real_rename = Path.rename
    calls = []

    def rename(self, target):
        calls.append(Path(target).name)
        if Path(target) == out and len(calls) == 2:  # the second rename: new -> out_dir
            raise KeyboardInterrupt("killed (simulated)")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        do_publish(out)
    monkeypatch.setattr(Path, "rename", real_rename)
    assert calls[:2] == [".processed.old", "processed"]
    # The error handler already recovered; a hard kill would not have: simulate that state.
    assert tree(out) == before
    (tmp_path / ".processed.new-999999").mkdir()
    out.rename(tmp_path / ".processed.old")
    assert not out.exists()
    recover(out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


@pytest.mark.slow
def test_crash_after_the_swap_finishes_it(tmp_path):
    out = do_publish(tmp_path / "processed")
    stale = tmp_path / ".processed.old"
    stale.mkdir()
    (stale / "leftover").write_text("x")
    recover(out)
    assert not stale.exists() and (out / "datapackage.json").exists()


def test_duckdb_columns_keys_comments_and_view(published):
    with duckdb.connect(str(published / DUCKDB_NAME), read_only=True) as db:
        for table in TABLES:
            cols = [r[0] for r in db.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall()]
            assert cols == columns(table), table
            count = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert count == len(sample_tables()[table])
        constraints = db.execute(
            "SELECT table_name, constraint_type, constraint_column_names FROM "
            "duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE', "
            "'FOREIGN KEY')"
        ).fetchall()
        keys = {(t, kind, tuple(c)) for t, kind, c in constraints if kind != "FOREIGN KEY"}
        fks = {(t, tuple(c)) for t, kind, c in constraints if kind == "FOREIGN KEY"}
        # a key with a column that may be NULL (coverage.round) is UNIQUE, the others PRIMARY
        assert keys == {(t, "UNIQUE" if key_has_nulls(t) else "PRIMARY KEY", k)
                        for t, k in PRIMARY_KEYS.items()}
        assert {t for t, kind, _ in keys if kind == "UNIQUE"} == {"coverage"}
        assert fks == {(t, (c,)) for t, c, _, _ in FOREIGN_KEYS}
        comments = dict(db.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
        assert all(comments[t] for t in TABLES)
        column_comments = db.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE NOT internal AND table_name IN (SELECT table_name FROM duckdb_tables())"
        ).fetchall()
        assert len(column_comments) == sum(len(columns(t)) for t in TABLES)
        assert all(comment for _, _, comment in column_comments)
        rows = db.execute(
            f"SELECT lg_code, name_ja, programs, tracks, selection_count, is_platform_member "
            f"FROM {VIEW_NAME} ORDER BY lg_code"
        ).fetchall()
    by_code = {r[0]: r for r in rows}
    sapporo = by_code["011002"]
    assert sapporo[1] == "札幌市"
    assert sapporo[2] == ["smart_mobility_challenge_2019"]
    assert sapporo[3] == ["meti_pilot", "mlit_model"]
    assert sapporo[4] == 2 and sapporo[5] is True
    assert by_code["130001"][4] == 0 and by_code["130001"][5] is True  # member only
    assert by_code["141003"][2] == ["energy_demo_2010"]
    assert "131016" not in by_code  # appears nowhere


def test_duckdb_enforces_foreign_keys(published, tmp_path):
    copy = tmp_path / DUCKDB_NAME
    copy.write_bytes((published / DUCKDB_NAME).read_bytes())
    with duckdb.connect(str(copy)) as db:
        with pytest.raises(duckdb.ConstraintException):
            db.execute(
                "INSERT INTO selection_areas "
                "VALUES ('nope', '011002', 'local_government', 'x', 'document', 1)"
            )
        with pytest.raises(duckdb.ConstraintException):
            db.execute("INSERT INTO agencies VALUES ('meti', 'x', 'x', NULL)")


def test_datapackage_is_a_valid_frictionless_package(published):
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["complete"] is True and descriptor["missing_sources"] == []
    assert descriptor["member_composition"] == "corrected_2019-08-29"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "経済産業省" in descriptor["attribution"]
    assert any(s.get("sha256") for s in descriptor["sources"])
    report = frictionless.Package.validate_descriptor(str(published / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    package = frictionless.Package(str(published / "datapackage.json"))
    names = {r.name for r in package.resources}
    assert {f"{t}" for t in TABLES} | {f"{t}-parquet" for t in TABLES} == names
    selections = package.get_resource("selections")
    assert selections.schema.primary_key == ["selection_id"]
    assert {fk["fields"][0] for fk in selections.schema.to_descriptor()["foreignKeys"]} == {
        "program_id", "source_id"}


def test_csv_resources_validate_with_frictionless(published):
    package = frictionless.Package(str(published / "datapackage.json"))
    for resource in package.resources:
        if resource.format != "csv":
            continue
        report = frictionless.validate(resource)
        assert report.valid, (resource.name, report.flatten(["rowNumber", "fieldName", "note"]))


def _csv_package(root: Path) -> Path:
    """The descriptor with its CSV resources only (frictionless reads Parquet with a plugin)."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["format"] == "csv"]
    for resource in descriptor["resources"]:
        resource.pop("hash"), resource.pop("bytes")  # the test edits a file below
    path = root / "csv_only.json"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    return path


def test_csv_package_foreign_keys_hold_and_are_checked(published, tmp_path):
    copy = tmp_path / "processed"
    shutil.copytree(published, copy)
    report = frictionless.validate(str(_csv_package(copy)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    areas = copy / "csv" / "selection_areas.csv"
    lines = areas.read_text(encoding="utf-8-sig").split("\n")
    lines[1] = "no_such_selection," + lines[1].split(",", 1)[1]
    areas.write_text("\n".join(lines), encoding="utf-8-sig")
    report = frictionless.validate(str(_csv_package(copy)))
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"foreign-key"}


def test_data_dictionary_and_readme(published):
    text = (published / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"## `{table}`" in text
        for column in columns(table):
            assert f"| `{column}` |" in text
    assert "not byte-reproducible" in text
    readme = (published / "README.md").read_text(encoding="utf-8")
    for word in ("pandas", "polars", "DuckDB", "arrow", "BOM", "not byte-reproducible"):
        assert word in readme


def test_validation_report_is_published(published):
    data = json.loads((published / "validation_report.json").read_text(encoding="utf-8"))
    assert data["ok"] is True and data["row_counts"]["platform_members"] == 471


@pytest.mark.slow
def test_build_stamp_written_when_inputs_given(tmp_path):
    out = do_publish(tmp_path / "processed", meta=META | {"inputs": "abc123"})
    stamp = json.loads((out / "build_stamp.json").read_text())
    assert stamp == {"inputs": "abc123", "version": "0.0.0-test", "complete": True,
                     "missing_sources": [], "failed_sources": [],
                     "superseded_files": []}


@pytest.mark.slow
def test_incomplete_publication_says_so(tmp_path):
    from tests.table_samples import without_member_source

    meta = META | {"complete": False, "missing_sources": [MEMBER_SOURCE],
                   "member_composition": None}
    out = do_publish(tmp_path / "processed", without_member_source(sample_tables()), meta)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["complete"] is False
    assert descriptor["missing_sources"] == [MEMBER_SOURCE]
    assert pd.read_parquet(out / "parquet" / "platform_members.parquet").empty


def test_diff_reports_added_removed_and_changed_rows(published):
    tables = validate_tables(sample_tables(), set()).tables
    agencies = tables["agencies"].copy()
    agencies.loc[agencies.agency_id == "meti", "name_en"] = "METI (renamed)"
    agencies = agencies[agencies.agency_id != "cao"]
    extra = agencies.iloc[[0]].assign(agency_id="mic", name_ja="総務省")
    tables["agencies"] = pd.concat([agencies, extra], ignore_index=True)
    diff = diff_publications(published, tables)
    entry = diff["tables"]["agencies"]
    assert (entry["added"], entry["removed"], entry["changed"]) == (1, 1, 1)
    assert entry["examples"]["added"] == [["mic"]]
    assert entry["examples"]["removed"] == [["cao"]]
    assert entry["examples"]["changed"][0] == {
        "key": ["meti"],
        "columns": {"name_en": ["Ministry of Economy, Trade and Industry", "METI (renamed)"]},
    }
    assert diff["tables"]["selections"]["changed"] == 0
    assert "agencies: +1 -1 ~1" in diff["summary"]
    json.dumps(diff)  # JSON-ready


def test_diff_without_previous_publication(tmp_path):
    diff = diff_publications(tmp_path / "nothing", sample_tables())
    assert diff["previous_publication"] is False
    assert diff["tables"]["agencies"]["added"] == 3


# -- the user's files in the publication folder -------------------------------------------------


def user_files(out: Path) -> dict[str, str]:
    """A notebook, a CSV, a report folder and a file inside csv/: none of them the build's."""
    files = {
        "analysis.ipynb": '{"cells": []}',
        "my_analysis.csv": "a,b\n1,2\n",
        "report/README.md": "# figures (drawn by make report)\n",
        "report/fig.png": "not really a png",
        "csv/my_extra.csv": "x\n1\n",
    }
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return files


def test_every_published_file_is_in_the_owned_layout(published):
    from pipeline.publish.swap import foreign_entries, owned_paths

    assert set(tree(published)) <= owned_paths()
    assert foreign_entries(published) == []


@pytest.mark.slow
def test_a_rebuild_carries_the_users_files_over_and_says_so(tmp_path):
    out = do_publish(tmp_path / "processed")
    files = user_files(out)
    said: list[str] = []
    changed = sample_tables()
    changed["agencies"].loc[0, "name_en"] = "Changed"
    report = validate_tables(changed, set())
    publish(report.tables, out, report=report, dataset_meta=META, log=said.append)
    for rel, text in files.items():
        assert (out / rel).read_text(encoding="utf-8") == text
    assert "Changed" in (out / "csv" / "agencies.csv").read_text(encoding="utf-8-sig")
    assert len(said) == 1 and "kept 4 file(s)" in said[0]
    for shown in ("analysis.ipynb", "my_analysis.csv", "report/", "csv/my_extra.csv"):
        assert shown in said[0]
    assert "make report" in said[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


@pytest.mark.slow
def test_a_crash_while_writing_keeps_the_users_files(tmp_path, monkeypatch):
    out = do_publish(tmp_path / "processed")
    files = user_files(out)
    before = tree(out)

    def explode(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(writers_module, "write_duckdb", explode)
    with pytest.raises(OSError, match="simulated"):
        do_publish(out)
    assert tree(out) == before and len(files) == 5


# Renames of a swap: the 4 foreign entries into the new folder, out -> .old, new -> out.
@pytest.mark.slow
@pytest.mark.parametrize("killed_at", [1, 3, 5, 6])
def test_a_kill_during_the_swap_loses_no_file_of_the_users(tmp_path, monkeypatch, killed_at):
    """Killed (no handler runs) at the n-th rename of the swap; the next run's recover puts
    the old publication in place, with every file of the user's."""
    import pipeline.publish.stage as publish_module

    out = do_publish(tmp_path / "processed")
    files = user_files(out)
    old_publication = {k: v for k, v in tree(out).items() if k not in files}
    real_rename = Path.rename
    calls = []

    def rename(self, target):
        calls.append(Path(target))
        if len(calls) == killed_at:
            raise SystemExit("killed (simulated)")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    monkeypatch.setattr(publish_module, "recover", lambda out_dir: None)  # no handler: a kill
    with pytest.raises(SystemExit):
        do_publish(out)
    monkeypatch.undo()
    assert len(calls) == killed_at
    # Make the abandoned folder look like a dead process's (ours is alive).
    for new in tmp_path.glob(".processed.new-*"):
        new.rename(tmp_path / ".processed.new-999999")
    recover(out)
    for rel, text in files.items():
        assert (out / rel).read_text(encoding="utf-8") == text, rel
    assert {k: v for k, v in tree(out).items() if k not in files} == old_publication
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_an_out_dir_that_is_a_file_is_refused_and_left_alone(tmp_path):
    from pipeline.errors import UsageError

    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file"):
        do_publish(target)
    assert target.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
