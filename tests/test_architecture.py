"""The package layout is the architecture: each stage imports only the folders below it.

Read statically (``ast``), so a lazy import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# Each part of the package, and the parts it may import (besides itself).
FOUNDATION = {"pipeline", "pipeline.errors", "pipeline.text", "pipeline.announced",
              "pipeline.cells", "pipeline.progress"}
ALLOWED: dict[str, set[str]] = {
    "foundation": set(),
    "pipeline.workspace": {"foundation"},
    "pipeline.fetch": {"foundation", "pipeline.workspace"},
    "pipeline.extract": {"foundation", "pipeline.workspace"},
    "pipeline.transform": {"foundation", "pipeline.workspace", "pipeline.extract"},
    "pipeline.validate": {"foundation", "pipeline.transform"},
    "pipeline.publish": {"foundation", "pipeline.workspace", "pipeline.validate"},
    "pipeline.quarantine": {
        "foundation",
        "pipeline.workspace",
        "pipeline.extract",
        "pipeline.transform",
        "pipeline.validate",
    },
    # A build's outcome and what the terminal says about it (read by build and the CLI).
    "pipeline.outcome": {"foundation", "pipeline.workspace", "pipeline.extract"},
    "pipeline.build": {
        "foundation",
        "pipeline.workspace",
        "pipeline.extract",
        "pipeline.transform",
        "pipeline.validate",
        "pipeline.publish",
        "pipeline.quarantine",
        "pipeline.outcome",
    },
    "pipeline.report": {"foundation", "pipeline.workspace"},
    "pipeline.dist": {"foundation"},
    "pipeline.serve": {"foundation", "pipeline.publish"},
    "pipeline.screenshots": {"foundation"},  # builds and serves through the CLI, as a user
    "pipeline.debug": {"foundation", "pipeline.workspace", "pipeline.extract"},
}
TOP = {"pipeline.cli", "pipeline.__main__"}  # the command line may import any part


def part_of(module: str) -> str:
    """The layer a dotted module name belongs to."""
    if module in FOUNDATION:
        return "foundation"
    parts = module.split(".")
    return ".".join(parts[:2])


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def package_files(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def test_the_layers_cover_every_module() -> None:
    known = set(ALLOWED) | TOP
    for path in package_files("pipeline"):
        name = module_name(path)
        assert name in TOP or part_of(name) in known, f"{name}: add it to a layer"


@pytest.mark.parametrize("path", package_files("pipeline"), ids=lambda p: module_name(p))
def test_each_stage_imports_only_the_stages_below_it(path: Path) -> None:
    name = module_name(path)
    if name in TOP:
        return
    own = part_of(name)
    allowed = ALLOWED[own] | {own}
    imports = {m for m in imported_modules(path) if m == "pipeline" or m.startswith("pipeline.")}
    # ``from pipeline.x import y`` also yields "pipeline.x.y": judge the real module only.
    wrong = {
        m
        for m in imports
        if part_of(m) not in allowed and part_of(m.rsplit(".", 1)[0]) not in allowed
    }
    assert not wrong, f"{name} ({own}) imports {sorted(wrong)}; allowed: {sorted(allowed)}"


def test_schemas_import_nothing_from_pipeline() -> None:
    for path in package_files("schemas"):
        imports = imported_modules(path)
        assert not {m for m in imports if m.split(".")[0] == "pipeline"}, module_name(path)


def test_no_dataframe_attrs_side_channel() -> None:
    """Extractors hand notes and facts over in ExtractOutput, never in ``DataFrame.attrs``."""
    for path in package_files("pipeline"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uses = [
            n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "attrs"
        ]
        assert not uses, f"{module_name(path)} uses .attrs at lines {uses}"
