"""File helpers every stage shares: checksums, atomic writes, and names that stay inside raw/."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

_SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIX_FOR = {"application/pdf": ".pdf", "text/html": ".html", "text/csv": ".csv"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_file_mode() -> int:
    """The mode ``open()`` would give a new file (0644 under the usual umask 022).

    ``tempfile.mkstemp`` creates its files 0600, whatever the umask: a file renamed into raw/,
    processed/ or dist/ from one would be unreadable to everyone else on the machine."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return  # unchanged: keep the file (and its mtime) as it is
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_file_name(url: str, media_type: str) -> str:
    """A file name for a URL that can only ever name a file inside one folder.

    Basename of the decoded path, unsafe characters replaced, no leading dots (so never
    ``..`` nor hidden), bounded length, and the suffix the media type expects.
    """
    path = unquote(urlparse(url).path)
    base = re.split(r"[/\\]", path)[-1]
    name = _SAFE_NAME_RE.sub("_", base).lstrip("._-")
    name = re.sub(r"\.{2,}", ".", name)[-120:].lstrip("._-")
    suffix = _SUFFIX_FOR.get(media_type)
    if suffix and not name.lower().endswith((suffix, ".htm") if suffix == ".html" else suffix):
        name = f"{name or 'download'}{suffix}"
    return name or "download"
