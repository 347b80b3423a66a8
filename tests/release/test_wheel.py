"""The wheel carries every file the packages read, and runs installed, away from the checkout.

The wheel is built offline (``--no-build-isolation --no-index``) from a copy of the project, not
in place: an in-tree build leaves ``build/``, whose stale files a later wheel would ship. It is
installed by unzipping it into a fresh venv that sees the project venv's dependencies through a
``.pth`` file, which adds their folder but runs none of its ``.pth`` files, so the editable
install of the checkout stays out of sight.
"""

from __future__ import annotations

import fnmatch
import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from pipeline import cli
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # end to end: make test-fast leaves them to make test

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
COMMITTED_RAW = ("document", "manual")  # what a clean clone's raw/ holds (see .gitignore)
TIMEOUT = 180  # seconds per subprocess: a hang fails the test instead of stalling the suite


def package_dirs() -> list[Path]:
    """Top-level package folders, as ``[tool.setuptools.packages.find] include`` selects them."""
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(
        path
        for path in REPO.iterdir()
        if path.is_dir() and any(fnmatch.fnmatch(path.name, p) for p in patterns)
    )


def tree_files() -> set[str]:
    """Every file under the packages (code and data), as wheel member names; caches aside."""
    return {
        path.relative_to(REPO).as_posix()
        for folder in package_dirs()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that could put the checkout on sys.path."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env.update(PYTHONNOUSERSITE="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.update(extra)
    return env


def run(args: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def require_build_backend() -> None:
    """--no-build-isolation builds with this venv's setuptools: say so if it is too old."""
    for requirement in map(Requirement, PYPROJECT["build-system"]["requires"]):
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            installed = "absent"
        if installed == "absent" or installed not in requirement.specifier:
            pytest.fail(
                f"{requirement.name} {installed} in {sys.prefix} cannot build the wheel "
                f"(pyproject.toml wants {requirement}; the dev extra installs it): run `make`"
            )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel` makes of a copy of the project: top-level files and packages."""
    require_build_backend()
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for path in REPO.iterdir():
        if path.is_file():  # pyproject.toml, README.md (readme), LICENSE (license files)...
            shutil.copy2(path, source / path.name)
    for folder in package_dirs():
        shutil.copytree(folder, source / folder.name)  # caches too: they must stay out
    py_compile.compile(str(source / "pipeline" / "cli.py"), doraise=True)
    assert list((source / "pipeline").rglob("*.pyc")), "the copy should hold a bytecode cache"
    out = root / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    built = run([*command, "--no-index", "-w", out, "."], cwd=source)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (found,) = out.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def fresh_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(python, site-packages) of a new venv holding the unzipped wheel, not the checkout."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    asked = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], venv)
    site = Path(asked.stdout.strip())
    assert site.is_dir() and site.is_relative_to(venv), asked.stdout + asked.stderr
    deps = dict.fromkeys(sysconfig.get_path(kind) for kind in ("purelib", "platlib"))
    (site / "project-deps.pth").write_text("".join(f"{p}\n" for p in deps), encoding="utf-8")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return python, site


def test_wheel_ships_every_file_of_the_packages(wheel: Path) -> None:
    expected = tree_files()
    assert any(not name.endswith(".py") for name in expected), "no data file found in the tree"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    shipped = {n for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert not expected - shipped, f"missing from the wheel: {sorted(expected - shipped)}"
    assert not shipped - expected, f"in the wheel but not in the tree: {sorted(shipped - expected)}"


def test_checkout_keeps_its_own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.workspace_root() == REPO
    args = cli._parser().parse_args(["build"])
    assert (args.raw_dir, args.out_dir) == (REPO / "raw", REPO / "processed")


def test_installed_wheel_builds_anywhere(fresh_python: tuple[Path, Path], tmp_path: Path) -> None:
    python, site = fresh_python
    raw = tmp_path / "raw-copy"
    for committed in COMMITTED_RAW:
        shutil.copytree(REPO / "raw" / committed, raw / committed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    where = run(
        [python, "-c", "import pipeline.cli as c; print(c.__file__); print(c.REPO)"], elsewhere
    )
    module, root = where.stdout.splitlines()
    assert Path(module).is_relative_to(site), where.stdout + where.stderr
    assert Path(root) == elsewhere.resolve()

    out = tmp_path / "processed"
    built = run(
        [python, "-m", "pipeline", "build", "--offline", "--raw-dir", raw, "--out-dir", out],
        elsewhere,
    )
    assert built.returncode == cli.EXIT_OK, built.stdout + built.stderr
    assert "published" in built.stdout and (out / "datapackage.json").is_file()
    assert list(elsewhere.iterdir()) == []


def test_installed_wheel_defaults_to_the_current_folder(
    fresh_python: tuple[Path, Path], tmp_path: Path
) -> None:
    python, site = fresh_python
    workspace = tmp_path / "workspace"
    for committed in COMMITTED_RAW:
        shutil.copytree(REPO / "raw" / committed, workspace / "raw" / committed)
    built = run([python, "-m", "pipeline", "build", "--offline"], workspace)
    assert built.returncode == cli.EXIT_OK, built.stdout + built.stderr
    assert (workspace / "processed" / "datapackage.json").is_file()
    assert not (site / "processed").exists() and not (site / "raw").exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    helped = run([python, "-m", "pipeline", "build", "--help"], empty, COLUMNS="500")
    assert f"current folder; now {empty.resolve() / 'raw'})" in helped.stdout, helped.stdout
    assert f"current folder; now {empty.resolve() / 'processed'})" in helped.stdout
    failed = run([python, "-m", "pipeline", "build", "--offline"], empty)
    assert failed.returncode == cli.EXIT_ERROR, failed.stdout + failed.stderr
    assert f"{empty.resolve() / 'raw' / 'document'}" in failed.stderr
    assert "cannot read the root document" in failed.stderr
    assert list(empty.iterdir()) == [], "nothing is published from an empty folder"
