"""The release bundle (``make dist``): one versioned, reproducible zip of the publication.

The archive holds the published dataset as it is in ``processed/`` (under ``data/``, so that the
paths in ``datapackage.json`` still resolve), the repository's licence, citation and changelog,
a ``SHA256SUMS`` file, and a README written for the bundle: it lists exactly the files the zip
holds and says whether the dataset is complete (the repository's README describes a checkout,
``make`` and ``processed/``, none of which the zip holds). A publication that lacks a source is
named ``jp-smartcity-<version>-incomplete``, so the file name alone already says it. Entries
are sorted and carry fixed timestamps and permissions, so the same publication always gives the
same zip bytes (and the same checksum for whoever mirrors or cites the release).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import pipeline
from pipeline.errors import PipelineError

NAME = "jp-smartcity"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
FILE_MODE = 0o100644  # regular file, rw-r--r--
COMPRESSLEVEL = 9
DATA_DIR = "data"
SUMS_NAME = "SHA256SUMS"

# Files of the publication (out_dir) that every release must carry, besides parquet/ and csv/.
PUBLICATION_FILES = (
    "datapackage.json",
    "DATA_DICTIONARY.md",
    "README.md",
    "smartcity.duckdb",
    "smartcity.sqlite",
    "validation_report.json",
)
# Files of the repository, at the top of the bundle (its README is written for the bundle).
REPO_FILES = ("LICENSE", "CITATION.cff", "CHANGELOG.md")
README_NAME = "README.md"
INCOMPLETE_SUFFIX = "-incomplete"


def bundle_name(version: str | None = None, complete: bool = True) -> str:
    """``jp-smartcity-<version>``, with ``-incomplete`` when a source is missing: the zip's
    stem and the folder it unpacks into."""
    return f"{NAME}-{version or pipeline.__version__}{'' if complete else INCOMPLETE_SUFFIX}"


def _read_datapackage(out_dir: Path) -> dict:
    descriptor = out_dir / "datapackage.json"
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(f"{descriptor} is not readable JSON: {exc}") from exc
    return package if isinstance(package, dict) else {}


def completeness(out_dir: Path) -> tuple[bool, list[str]]:
    """Whether the publication says it is complete (a descriptor that does not say counts as
    incomplete), and the sources it lacks."""
    package = _read_datapackage(out_dir)
    missing = package.get("missing_sources") or []
    return package.get("complete") is True and not missing, sorted(str(m) for m in missing)


def _datapackage_paths(out_dir: Path) -> list[str]:
    """Relative paths of the resources ``datapackage.json`` names (they must be bundled).

    A descriptor stamped with another version is a stale publication: the bundle's name would
    not match its contents.
    """
    descriptor = out_dir / "datapackage.json"
    package = _read_datapackage(out_dir)
    version = package.get("version") if isinstance(package, dict) else None
    if version is not None and str(version) != pipeline.__version__:
        raise PipelineError(
            f"{descriptor} says version {version} but the code is {pipeline.__version__}: "
            "rebuild the publication (`make build`) before `make dist`"
        )
    paths: list[str] = []
    for resource in package.get("resources", []) if isinstance(package, dict) else []:
        path = resource.get("path") if isinstance(resource, dict) else None
        for item in [path] if isinstance(path, str) else path or []:
            if isinstance(item, str) and "://" not in item:
                paths.append(item)
    return paths


def _inside(base: Path, relative: str) -> Path:
    """``base / relative``, refusing paths that leave ``base`` (a descriptor is input too)."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts:
        raise PipelineError(f"datapackage.json names a path outside the publication: {relative}")
    return base.joinpath(*pure.parts)


def bundle_files(out_dir: Path, repo_dir: Path) -> dict[str, Path]:
    """Archive path (inside the bundle folder) -> file on disk, for every file to ship.

    Raises PipelineError naming every missing piece, so one run says what to rebuild.
    """
    if not out_dir.is_dir():
        raise PipelineError(f"no publication at {out_dir}: run `make build` first")
    if not (out_dir / "datapackage.json").is_file():
        raise PipelineError(
            f"{out_dir} has no datapackage.json: not a complete publication; run `make build`"
        )
    files: dict[str, Path] = {}
    missing: list[str] = []
    for name in PUBLICATION_FILES:
        files[f"{DATA_DIR}/{name}"] = out_dir / name
    tables = {}
    for kind in ("parquet", "csv"):
        found = sorted((out_dir / kind).glob(f"*.{kind}")) if (out_dir / kind).is_dir() else []
        tables[kind] = {p.stem for p in found}
        for path in found:
            files[f"{DATA_DIR}/{kind}/{path.name}"] = path
    if not tables["parquet"]:
        missing.append(str(out_dir / "parquet" / "*.parquet"))
    for kind, other in (("csv", "parquet"), ("parquet", "csv")):
        lacking = sorted(tables[other] - tables[kind])
        missing += [str(out_dir / kind / f"{table}.{kind}") for table in lacking]
    for relative in _datapackage_paths(out_dir):
        files[f"{DATA_DIR}/{PurePosixPath(relative)}"] = _inside(out_dir, relative)
    for name in REPO_FILES:
        files[name] = repo_dir / name
    missing += sorted(str(path) for path in files.values() if not path.is_file())
    if missing:
        raise PipelineError(
            "cannot make the release bundle, missing: " + ", ".join(dict.fromkeys(missing))
        )
    return dict(sorted(files.items()))


def sha256sums(contents: dict[str, bytes]) -> str:
    """``sha256sum`` format (hash, two spaces, path), sorted by path, so that
    ``sha256sum -c SHA256SUMS`` checks an unpacked bundle."""
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(contents.items())
    )


# What each bundled file is, by its path in the bundle (tables: by folder).
_DESCRIPTIONS = {
    f"{DATA_DIR}/datapackage.json": "Frictionless Data Package: fields, types, keys, sources, "
    "licence, and whether the dataset is complete",
    f"{DATA_DIR}/DATA_DICTIONARY.md": "every column of every table, described",
    f"{DATA_DIR}/README.md": "the publication: its files and how to load them",
    f"{DATA_DIR}/smartcity.duckdb": "every table in one DuckDB database, with keys and comments",
    f"{DATA_DIR}/smartcity.sqlite": "the same tables in SQLite, for Datasette and other SQLite "
    "tools (`datasette data/smartcity.sqlite`)",
    f"{DATA_DIR}/validation_report.json": "what validation checked and found",
    f"{DATA_DIR}/parquet/": "table as Parquet (typed)",
    f"{DATA_DIR}/csv/": "table as CSV (UTF-8 with BOM)",
    "LICENSE": "the licence of the pipeline's code (MIT)",
    "CITATION.cff": "how to cite the dataset (data CC-BY-4.0, code MIT)",
    "CHANGELOG.md": "changes to the data and to the table contract",
    SUMS_NAME: "sha256 of every other file: `sha256sum -c SHA256SUMS`",
}


def bundle_readme(root: str, names: list[str], complete: bool, missing: list[str]) -> str:
    """The bundle's README: what the zip holds (every file, by name) and whether it is whole."""
    if complete:
        state = "Complete: every source the dataset expects was read."
    else:
        state = (
            "**Incomplete**: built without "
            + (", ".join(f"`{m}`" for m in missing) if missing else "some of its sources")
            + " (see `data/datapackage.json`, `missing_sources`, and the `coverage` table)."
        )
    rows = []
    for name in sorted([*names, README_NAME, SUMS_NAME]):
        if name == README_NAME:
            what = "this file"
        else:
            folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
            what = _DESCRIPTIONS.get(name) or _DESCRIPTIONS.get(folder, "")
        rows.append(f"| `{name}` | {what} |")
    return "\n".join([
        f"# {root}",
        "",
        "Japan's national smart-city initiatives: an open dataset (release bundle, version "
        f"{pipeline.__version__}).",
        "",
        state,
        "",
        "The data are under CC BY 4.0 (attribution to the ministries whose documents they come "
        "from, see the `sources` table); the code that rebuilt them is under the MIT licence.",
        "",
        "| file | what |",
        "| --- | --- |",
        *rows,
        "",
    ])


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so that external_attr holds the mode on every platform
    info.external_attr = FILE_MODE << 16
    return info


def make_dist(out_dir: Path, dist_dir: Path, repo_dir: Path) -> Path:
    """Write ``dist_dir/jp-smartcity-<version>[-incomplete].zip`` from the publication;
    return its path."""
    files = bundle_files(out_dir, repo_dir)
    complete, missing = completeness(out_dir)
    root = bundle_name(complete=complete)
    contents = {name: path.read_bytes() for name, path in files.items()}
    contents[README_NAME] = bundle_readme(root, list(files), complete, missing).encode("utf-8")
    contents[SUMS_NAME] = sha256sums(contents).encode("utf-8")
    dist_dir.mkdir(parents=True, exist_ok=True)
    target = dist_dir / f"{root}.zip"
    fd, tmp = tempfile.mkstemp(dir=dist_dir, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w") as archive:
                for name in sorted(contents):
                    archive.writestr(
                        _entry(f"{root}/{name}"), contents[name], compresslevel=COMPRESSLEVEL
                    )
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if complete:  # an incomplete zip of the same version left beside it would mislead
        (dist_dir / f"{bundle_name(complete=False)}.zip").unlink(missing_ok=True)
    return target
