"""The atomic publication folder: a new publication is written beside ``out_dir`` and swapped in
with two renames, so a crash leaves the previous publication or the new one, never a mix.

``out_dir`` is also the user's folder (``processed/``): a notebook, ``my_analysis.csv`` or the
figures ``make report`` draws in ``report/`` live there too. The build owns only the paths of
:func:`owned_paths` (the publication's layout); everything else is *foreign* and the build never
deletes it: before the swap each foreign entry is moved (one rename each) into the new
publication, and every folder the build discards (the previous publication, an abandoned
temporary folder) first gives its foreign entries back to ``out_dir``. So a crash at any step
leaves the old or the new publication, with the user's files in it or in a temporary folder
that the next run's ``recover`` empties back into ``out_dir``.

The temporary folders are named after ``out_dir`` (``.NAME.new-PID`` and ``.NAME.old``) so that
``recover`` can tell, after a crash, which step was interrupted and whose folder is abandoned.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path, PurePosixPath

from pipeline import REPORT_DIR, STAMP_NAME
from pipeline.errors import UsageError

# Left by remove_publication (``make clean``) in a folder it emptied of the publication but
# not of the user's files: the folder stays the build's to publish into (check_out_dir).
EMPTIED_MARKER = ".publication-removed"
EMPTIED_TEXT = (
    "make clean removed the jp-smartcity publication from this folder and kept your files;\n"
    "the next build publishes here again.\n"
)


@cache
def owned_paths() -> frozenset[str]:
    """Relative paths (POSIX) of every file the build writes in a publication
    (write_publication's layout)."""
    # Imported here: checking an --out-dir (check_out_dir) should not load pandas.
    from pipeline.publish.descriptors import DUCKDB_NAME, SQLITE_NAME
    from schemas import TABLES

    paths = {
        DUCKDB_NAME,
        f"{DUCKDB_NAME}.wal",
        SQLITE_NAME,
        "validation_report.json",
        "diff.json",
        "DATA_DICTIONARY.md",
        "README.md",
        "datapackage.json",
        STAMP_NAME,
        EMPTIED_MARKER,
    }
    for table in TABLES:
        paths.add(f"parquet/{table}.parquet")
        paths.add(f"csv/{table}.csv")
    return frozenset(paths)


@cache
def _owned_dirs() -> frozenset[str]:
    return frozenset(
        str(parent) for path in owned_paths() for parent in PurePosixPath(path).parents
        if str(parent) != "."
    )


def foreign_entries(root: Path) -> list[str]:
    """Relative paths of the top-most files and folders under ``root`` the build does not own."""
    found: list[str] = []

    def walk(folder: Path, prefix: str) -> None:
        for child in sorted(folder.iterdir()):
            rel = f"{prefix}{child.name}"
            if rel in owned_paths() and not child.is_dir():
                continue
            if rel in _owned_dirs() and child.is_dir() and not child.is_symlink():
                walk(child, rel + "/")
                continue
            found.append(rel)

    if root.is_dir():
        walk(root, "")
    return found


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


def _free_name(target: Path) -> Path:
    """``target``, or ``NAME.kept-N`` beside it when that name is taken: never overwrite."""
    candidate, n = target, 1
    while candidate.exists() or candidate.is_symlink():
        candidate = target.with_name(f"{target.name}.kept-{n}")
        n += 1
    return candidate


def _move_foreign(source: Path, target: Path) -> list[str]:
    """Move every foreign entry of ``source`` to the same place under ``target``; return them."""
    moved = foreign_entries(source)
    for rel in moved:
        destination = target / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        (source / rel).rename(_free_name(destination))
    return moved


def discard(folder: Path, out_dir: Path) -> list[str]:
    """Remove a publication folder the build no longer needs, giving the user's files in it
    back to ``out_dir`` first (returned): only owned paths are ever deleted."""
    if foreign_entries(folder):
        out_dir.mkdir(exist_ok=True)
    moved = _move_foreign(folder, out_dir)
    shutil.rmtree(folder)
    return moved


def recover(out_dir: Path) -> None:
    """Finish or undo an interrupted swap and empty abandoned temporary folders.

    ``.old`` without ``out_dir`` means a crash between the two renames: the old publication is
    restored. ``.old`` beside ``out_dir`` means a crash after the swap: it is discarded.
    An abandoned ``.new-PID`` may hold files of the user's moved there before the crash: they
    go back to ``out_dir``.
    """
    old = old_dir(out_dir)
    if old.exists():
        if out_dir.exists():
            discard(old, out_dir)
        else:
            old.rename(out_dir)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.new-*"):
        suffix = leftover.name.rsplit("-", 1)[-1]
        pid = int(suffix) if suffix.isdigit() else 0
        if pid == os.getpid() or not pid or not _pid_alive(pid):
            discard(leftover, out_dir)


def swap(new: Path, out_dir: Path) -> list[str]:
    """Put ``new`` in place of ``out_dir``, carrying the user's files over; return those.

    Foreign entries move into ``new`` first (one rename each), then two renames swap the
    folders, then the old publication goes (anything the user added meanwhile comes back).
    """
    carried = _move_foreign(out_dir, new) if out_dir.is_dir() else []
    old = old_dir(out_dir)
    if out_dir.exists():
        out_dir.rename(old)
    new.rename(out_dir)
    if old.exists():
        carried += discard(old, out_dir)
    return carried


def remove_publication(out_dir: Path) -> list[str]:
    """Delete the publication in ``out_dir`` (and the figures ``make report`` drew), keeping the
    user's files; returns what was kept. ``out_dir`` goes only when nothing is left in it.

    ``make clean`` runs this: a notebook kept in ``processed/`` must survive it as it survives
    every build.
    """
    recover(out_dir)
    if not out_dir.is_dir():
        return []
    for rel in owned_paths():
        path = out_dir / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
    report = out_dir / REPORT_DIR
    if report.is_dir() and not report.is_symlink():
        shutil.rmtree(report)
    for rel in sorted(_owned_dirs(), key=lambda d: d.count("/"), reverse=True):
        folder = out_dir / rel
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()
    kept = foreign_entries(out_dir)
    if kept:
        (out_dir / EMPTIED_MARKER).write_text(EMPTIED_TEXT, encoding="utf-8")
    else:
        out_dir.rmdir()
    return kept


def check_out_dir(out_dir: Path) -> None:
    """Refuse an ``--out-dir`` the build may not publish into (a usage error, exit 2).

    A regular file is never renamed or replaced. A folder that holds files but is not a
    publication of this dataset is refused too, so a mistyped path never becomes one; a folder
    ``make clean`` emptied of its publication (keeping the user's files) is still one.
    """
    if out_dir.is_symlink() and not out_dir.exists():
        raise UsageError(f"--out-dir {out_dir} is a broken symbolic link: choose a folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"--out-dir {out_dir} is a file, not a folder: choose a new or empty folder "
            "(the file is left as it is)"
        )
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not any((out_dir / name).exists()
                   for name in ("datapackage.json", STAMP_NAME, EMPTIED_MARKER)):
            raise UsageError(
                f"{out_dir} holds files but is not a publication of this dataset (no "
                "datapackage.json): choose an empty or new folder for --out-dir"
            )
