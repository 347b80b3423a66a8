"""Refresh the hashed lockfiles in this folder (`make lock`): one per install level.

- ``base.txt``: the project's dependencies and its build requirements (the project itself is
  installed with ``--no-deps --no-build-isolation``): what `make` installs;
- ``<extra>.txt`` for every extra in pyproject.toml (``dev``, ``report``, …): the dependencies
  plus that extra: what `make test`, `make report`, … install on top of base;
- ``<name>.txt`` for every ``<name>.in`` here: tools installed apart from .venv (the old DuckDB
  the tests open the published file with).

The levels are pinned from one resolution of all extras together, so a package shared by two
levels has the same version (and hashes) in both, and installing a level on top of another
never changes a version. The lock is universal: environment markers, the hashes of every wheel
of each pin, one version per package for every Python that pyproject allows where one exists
(``--fork-strategy fewest``).

Usage: python requirements/lock.py UV [--upgrade]   (UV: the uv binary; make lock installs one)
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOWEST_PYTHON = PROJECT["project"]["requires-python"].removeprefix(">=")
SCRATCH = Path(".cache") / "lock"  # relative to ROOT: the lockfiles quote these paths


def uv_compile(uv: str, inputs: list[str], output: Path, *options: str) -> None:
    """One ``uv pip compile`` run from ROOT."""
    command = [
        uv, "pip", "compile", *inputs, "--output-file", str(output),
        "--universal", "--python-version", LOWEST_PYTHON, "--fork-strategy", "fewest",
        "--quiet", "--no-header", "--custom-compile-command", "make lock", *options,
    ]
    subprocess.run(command, cwd=ROOT, check=True)


def main(argv: list[str]) -> int:
    uv = argv[0]
    upgrade = ["--upgrade"] if "--upgrade" in argv[1:] else []
    extras = sorted(PROJECT["project"].get("optional-dependencies", {}))
    (ROOT / SCRATCH).mkdir(parents=True, exist_ok=True)
    build = SCRATCH / "build-requirements.in"
    (ROOT / build).write_text("\n".join(PROJECT["build-system"]["requires"]) + "\n")
    inputs = ["pyproject.toml", str(build)]

    everything = SCRATCH / "all-extras.txt"
    uv_compile(uv, inputs, everything, *(f"--extra={e}" for e in extras), *upgrade)
    written = []
    levels: dict[str, list[str]] = {"base": []}
    levels |= {extra: [f"--extra={extra}"] for extra in extras}
    for name, level in levels.items():
        output = Path("requirements") / f"{name}.txt"
        uv_compile(uv, inputs, output, *level, "--constraint", str(everything),
                   "--generate-hashes")
        written.append(output)
    for source in sorted(HERE.glob("*.in")):
        output = Path("requirements") / f"{source.stem}.txt"
        uv_compile(uv, [str(output.with_suffix(".in"))], output, "--generate-hashes", *upgrade)
        written.append(output)
    print("\n".join(map(str, written)))
    stale = {p.name for p in HERE.glob("*.txt")} - {p.name for p in written}
    for name in sorted(stale):
        print(f"requirements/{name}: no such level any more; remove it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
