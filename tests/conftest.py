"""Shared test set-up. pytest-socket (configured in pyproject.toml) blocks every host but
loopback, so no test can reach the outside network."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_raw() -> Path:
    """The committed raw/ folder (root document and transcriptions); read-only in tests."""
    return REPO / "raw"
