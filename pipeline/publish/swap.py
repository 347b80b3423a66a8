"""The atomic publication folder: a new publication is written beside ``out_dir`` and swapped in
with two renames, so a crash leaves the previous publication or the new one, never a mix.

The temporary folders are named after ``out_dir`` (``.NAME.new-PID`` and ``.NAME.old``) so that
``recover`` can tell, after a crash, which step was interrupted and whose folder is abandoned.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipeline import STAMP_NAME
from pipeline.errors import PipelineError


def new_dir(out_dir: Path, pid: int | None = None) -> Path:
    """Where a build writes its publication; the pid tells a live build's folder from a dead
    one's."""
    return out_dir.parent / f".{out_dir.name}.new-{pid or os.getpid()}"


def old_dir(out_dir: Path) -> Path:
    """Where the previous publication waits between the two renames."""
    return out_dir.parent / f".{out_dir.name}.old"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(out_dir: Path) -> None:
    """Finish or undo an interrupted swap and remove abandoned temporary folders.

    ``.old`` without ``out_dir`` means a crash between the two renames: the old publication is
    restored. ``.old`` beside ``out_dir`` means a crash after the swap: it is removed.
    """
    old = old_dir(out_dir)
    if old.exists():
        if out_dir.exists():
            shutil.rmtree(old)
        else:
            old.rename(out_dir)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.new-*"):
        suffix = leftover.name.rsplit("-", 1)[-1]
        pid = int(suffix) if suffix.isdigit() else 0
        if pid == os.getpid() or not pid or not _pid_alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


def swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir``: two renames, then the old publication goes."""
    old = old_dir(out_dir)
    if out_dir.exists():
        out_dir.rename(old)
    new.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)


def refuse_foreign_folder(out_dir: Path) -> None:
    """The swap replaces out_dir whole: never let it replace a folder that is not ours."""
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not ((out_dir / "datapackage.json").exists() or (out_dir / STAMP_NAME).exists()):
            raise PipelineError(
                f"{out_dir} holds files but is not a publication of this dataset (no "
                "datapackage.json): choose an empty or new folder for --out-dir"
            )
