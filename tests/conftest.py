"""Shared test set-up. pytest-socket (configured in pyproject.toml) blocks every host but
loopback, so no test can reach the outside network.

The fast lane (`make test-fast`, ``-m "not slow"``) leaves out the tests marked ``slow``: those
marked by hand, and every test that needs an :func:`expensive` fixture (a whole build, every
synthetic layout drawn), however quick the test itself is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

REPO = Path(__file__).resolve().parent.parent
F = TypeVar("F", bound=Callable)


def expensive(fixture: F) -> F:
    """Mark a fixture whose set-up costs seconds: the tests that need it are ``slow``."""
    fixture.expensive = True  # type: ignore[attr-defined]
    return fixture


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        if any(getattr(d.func, "expensive", False)
               for defs in definitions.values() for d in defs):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def repo_raw() -> Path:
    """The committed raw/ folder (root document and transcriptions); read-only in tests."""
    return REPO / "raw"


@pytest.fixture(scope="session")
@expensive
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One complete, strict build from the synthetic fixtures, shared by read-only tests."""
    from pipeline.cli import EXIT_OK, main
    from tests.fixtures.make_fixtures import make_fixture_raw

    root = tmp_path_factory.mktemp("fixture_build")
    raw = make_fixture_raw(root / "raw")
    out = root / "processed"
    assert main(["check", "--raw-dir", str(raw), "--out-dir", str(out)]) == EXIT_OK
    return raw, out


@pytest.fixture(scope="session")
@expensive
def committed_build(repo_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One offline build from the committed raw/ alone (root document and transcriptions): the
    publication a new user gets from a fresh clone with no network; shared by read-only tests."""
    import shutil

    from pipeline.cli import EXIT_OK, main

    root = tmp_path_factory.mktemp("committed_build")
    raw = root / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    out = root / "processed"
    assert main(["build", "--raw-dir", str(raw), "--out-dir", str(out), "--offline"]) == EXIT_OK
    return raw, out
