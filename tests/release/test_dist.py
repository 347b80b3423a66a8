"""The release bundle (pipeline.dist), built from a SYNTHETIC publication written here
(SYNTHETIC TEST FIXTURE - not an official document), and the citation/changelog metadata."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

import pipeline
from pipeline.dist import REPO_FILES, bundle_name, make_dist
from pipeline.errors import PipelineError
from tests.conftest import REPO

SYNTHETIC = "SYNTHETIC TEST FIXTURE - not an official document"

TABLES = {
    "agencies": pd.DataFrame(
        {
            "agency_id": ["mic", "mlit"],
            "name_en": [
                "Ministry of Internal Affairs and Communications",
                "Ministry of Land, Infrastructure, Transport and Tourism",
            ],
            "name_ja": ["総務省", "国土交通省"],
            "abbreviation": ["MIC", "MLIT"],
        }
    ),
    "municipalities": pd.DataFrame(
        {
            "lg_code": ["141003", "122173"],
            "prefecture_code": ["14", "12"],
            "prefecture_ja": ["神奈川県", "千葉県"],
            "name_ja": ["横浜市", "柏市"],
        }
    ),
}


def write_publication(out_dir: Path) -> Path:
    """A small publication with every file ``make dist`` ships (synthetic rows)."""
    (out_dir / "parquet").mkdir(parents=True)
    (out_dir / "csv").mkdir()
    resources = []
    with duckdb.connect(str(out_dir / "smartcity.duckdb")) as connection:
        for name, frame in TABLES.items():
            frame.to_parquet(out_dir / "parquet" / f"{name}.parquet", index=False)
            frame.to_csv(out_dir / "csv" / f"{name}.csv", index=False, encoding="utf-8-sig")
            connection.register("frame", frame)
            connection.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            connection.unregister("frame")
            resources.append({"name": name, "path": f"csv/{name}.csv", "format": "csv"})
    package = {
        "name": "jp-smartcity",
        "title": SYNTHETIC,
        "version": pipeline.__version__,
        "complete": True,
        "missing_sources": [],
        "resources": resources,
    }
    (out_dir / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    (out_dir / "DATA_DICTIONARY.md").write_text(f"# Data dictionary\n\n{SYNTHETIC}\n")
    (out_dir / "README.md").write_text(f"# Published dataset\n\n{SYNTHETIC}\n")
    (out_dir / "validation_report.json").write_text('{"ok": true}\n')
    with sqlite3.connect(out_dir / "smartcity.sqlite") as sqlite:
        for name, frame in TABLES.items():
            frame.to_sql(name, sqlite, index=False)
    sqlite.close()
    return out_dir


@pytest.fixture
def publication(tmp_path: Path) -> Path:
    return write_publication(tmp_path / "processed")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_bundle_contents(publication: Path, tmp_path: Path) -> None:
    target = make_dist(publication, tmp_path / "dist", REPO)
    root = bundle_name()
    assert target == tmp_path / "dist" / f"jp-smartcity-{pipeline.__version__}.zip"
    members = _members(target)
    expected = {
        "SHA256SUMS",
        "README.md",
        *REPO_FILES,
        "data/datapackage.json",
        "data/DATA_DICTIONARY.md",
        "data/README.md",
        "data/smartcity.duckdb",
        "data/smartcity.sqlite",
        "data/validation_report.json",
        *(f"data/parquet/{t}.parquet" for t in TABLES),
        *(f"data/csv/{t}.csv" for t in TABLES),
    }
    assert set(members) == {f"{root}/{name}" for name in expected}
    assert list(members) == sorted(members)
    assert members[f"{root}/data/README.md"] == (publication / "README.md").read_bytes()
    assert members[f"{root}/LICENSE"].startswith(b"MIT License")
    assert members[f"{root}/data/parquet/agencies.parquet"] == (
        publication / "parquet" / "agencies.parquet"
    ).read_bytes()


def test_bundled_sqlite_copy_opens_with_its_rows(publication: Path, tmp_path: Path) -> None:
    """Datasette users get the SQLite copy in the release too, not only from a build."""
    members = _members(make_dist(publication, tmp_path / "dist", REPO))
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(members[f"{bundle_name()}/data/smartcity.sqlite"])
    with sqlite3.connect(copy) as connection:
        names = [r[0] for r in connection.execute("SELECT name_ja FROM municipalities")]
    connection.close()
    assert names == list(TABLES["municipalities"]["name_ja"])


def test_bundle_readme_lists_exactly_what_the_zip_holds(publication, tmp_path) -> None:
    import re

    root = bundle_name()
    members = _members(make_dist(publication, tmp_path / "dist", REPO))
    readme = members[f"{root}/README.md"].decode("utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, re.MULTILINE))
    assert listed == {name.removeprefix(f"{root}/") for name in members}
    assert "Complete: every source" in readme and "Incomplete" not in readme
    assert "make" not in readme.split() and "processed/" not in readme


def test_an_incomplete_dataset_is_named_so(publication: Path, tmp_path: Path) -> None:
    package = json.loads((publication / "datapackage.json").read_text())
    package.update(complete=False, missing_sources=["mlit_scpf_members"])
    (publication / "datapackage.json").write_text(json.dumps(package))
    target = make_dist(publication, tmp_path / "dist", REPO)
    root = f"jp-smartcity-{pipeline.__version__}-incomplete"
    assert target.name == f"{root}.zip" and bundle_name(complete=False) == root
    members = _members(target)
    assert all(name.startswith(f"{root}/") for name in members)
    readme = members[f"{root}/README.md"].decode("utf-8")
    assert "**Incomplete**" in readme and "`mlit_scpf_members`" in readme


def test_a_complete_bundle_replaces_the_incomplete_one_of_its_version(
    publication: Path, tmp_path: Path
) -> None:
    package = json.loads((publication / "datapackage.json").read_text(encoding="utf-8"))
    (publication / "datapackage.json").write_text(
        json.dumps({**package, "complete": False, "missing_sources": ["mlit_scpf_members"]}),
        encoding="utf-8",
    )
    incomplete = make_dist(publication, tmp_path / "dist", REPO)
    (publication / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    complete = make_dist(publication, tmp_path / "dist", REPO)
    assert incomplete.stem.endswith("-incomplete") and not incomplete.exists()
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [complete.name]


def test_a_descriptor_that_does_not_say_complete_counts_as_incomplete(publication, tmp_path):
    package = json.loads((publication / "datapackage.json").read_text())
    del package["complete"]
    (publication / "datapackage.json").write_text(json.dumps(package))
    assert make_dist(publication, tmp_path / "dist", REPO).stem.endswith("-incomplete")


def test_sha256sums_verify(publication: Path, tmp_path: Path) -> None:
    target = make_dist(publication, tmp_path / "dist", REPO)
    root = bundle_name()
    members = _members(target)
    lines = members[f"{root}/SHA256SUMS"].decode("utf-8").splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(paths)
    assert set(paths) == {name.removeprefix(f"{root}/") for name in members} - {"SHA256SUMS"}
    for line in lines:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(members[f"{root}/{path}"]).hexdigest() == digest
    if shutil.which("sha256sum"):
        unpacked = tmp_path / "unpacked"
        with zipfile.ZipFile(target) as archive:
            archive.extractall(unpacked)
        result = subprocess.run(
            ["sha256sum", "--check", "--strict", "SHA256SUMS"],
            cwd=unpacked / root, capture_output=True, text=True, check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_bundle_is_byte_identical(publication: Path, tmp_path: Path) -> None:
    first = make_dist(publication, tmp_path / "one", REPO).read_bytes()
    for path in publication.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # mtimes must not leak into the zip
    second = make_dist(publication, tmp_path / "two", REPO).read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "one" / f"{bundle_name()}.zip") as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED


def test_bundle_changes_with_the_data(publication: Path, tmp_path: Path) -> None:
    first = make_dist(publication, tmp_path / "one", REPO).read_bytes()
    (publication / "validation_report.json").write_text('{"ok": true, "run": 2}\n')
    assert make_dist(publication, tmp_path / "two", REPO).read_bytes() != first


def test_refuses_without_publication(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="no publication at .*make build"):
        make_dist(tmp_path / "processed", tmp_path / "dist", REPO)
    assert not (tmp_path / "dist").exists()


def test_refuses_without_datapackage(publication: Path, tmp_path: Path) -> None:
    (publication / "datapackage.json").unlink()
    with pytest.raises(PipelineError, match="no datapackage.json"):
        make_dist(publication, tmp_path / "dist", REPO)


def test_refuses_an_incomplete_publication(publication: Path, tmp_path: Path) -> None:
    (publication / "csv" / "agencies.csv").unlink()
    (publication / "smartcity.duckdb").unlink()
    with pytest.raises(PipelineError, match="missing: .*agencies.csv.*smartcity.duckdb"):
        make_dist(publication, tmp_path / "dist", REPO)
    assert not (tmp_path / "dist" / f"{bundle_name()}.zip").exists()


def test_refuses_a_datapackage_path_outside_the_publication(
    publication: Path, tmp_path: Path
) -> None:
    package = json.loads((publication / "datapackage.json").read_text())
    package["resources"].append({"name": "escape", "path": "../secret.csv"})
    (publication / "datapackage.json").write_text(json.dumps(package))
    with pytest.raises(PipelineError, match="outside the publication"):
        make_dist(publication, tmp_path / "dist", REPO)


def test_refuses_a_publication_of_another_version(publication: Path, tmp_path: Path) -> None:
    package = json.loads((publication / "datapackage.json").read_text())
    package["version"] = "0.0.1"
    (publication / "datapackage.json").write_text(json.dumps(package))
    with pytest.raises(PipelineError, match="version 0.0.1 .*rebuild"):
        make_dist(publication, tmp_path / "dist", REPO)


def test_citation_is_cff_with_the_package_version() -> None:
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "license"):
        assert citation[key], key
    assert str(citation["version"]) == pipeline.__version__
    assert citation["authors"] == [{"name": "jp-smartcity contributors"}]
    assert citation["license"] == "CC-BY-4.0"  # the dataset's
    software = [r for r in citation["references"] if r["type"] == "software"]
    assert [r["license"] for r in software] == ["MIT"]  # the pipeline code's


def test_changelog_has_the_package_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{pipeline.__version__}]" in changelog
    assert "selection_group_id" in changelog


def test_license_is_mit() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "jp-smartcity contributors" in text
