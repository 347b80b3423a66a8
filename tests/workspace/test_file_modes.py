"""Every file the pipeline archives or publishes is readable by others (0644 under the usual
umask), not 0600 as ``tempfile.mkstemp`` makes its files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.workspace.files import atomic_write_bytes, new_file_mode


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_makes_a_0644_file(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "raw" / "manifest.json"
    atomic_write_bytes(target, b"{}\n")
    assert mode(target) == 0o644
    atomic_write_bytes(target, b"[]\n")  # replaced: the new file too
    assert mode(target) == 0o644 and target.read_bytes() == b"[]\n"


def test_atomic_write_follows_a_stricter_umask(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        assert new_file_mode() == 0o600
        atomic_write_bytes(tmp_path / "private.txt", b"x")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "private.txt") == 0o600


def test_every_published_and_archived_file_is_readable_by_others(
    fixture_build: tuple[Path, Path],
) -> None:
    raw, out = fixture_build
    files = [p for root in (raw, out) for p in root.rglob("*") if p.is_file()]
    assert len(files) > 20
    wrong = {str(p): oct(mode(p)) for p in files if mode(p) != new_file_mode()}
    assert not wrong
