"""How long `make` takes when there is nothing to do (issue 20, item 6), for ``make bench``.

A no-op `make` still fetches (offline here: OFFLINE=1, so the network plays no part and the
figure is the same on every machine) and then decides that the publication is up to date,
which must happen before pandas and pandera are loaded. Builds the committed raw/ once into
a temporary folder, then times `make` run again with nothing changed (median of a few runs,
wall clock, the subprocess included: what a user waits for, with Python caching compiled
modules as it does by default). Goal: at most NOOP_GOAL seconds.

Run by ``make bench`` (its line joins the other goals, benchmarks/bench_extract.py), or alone:
``.venv/bin/python benchmarks/bench_noop.py``; writes ``benchmarks/results/noop.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "noop.json"
NOOP_GOAL = 1.0  # seconds
RUNS = 5
BASE_STAMP = ".venv/.installed-base"  # never (re)install from a benchmark


def _make(raw: Path, out: Path) -> float:
    """Seconds for one `make` (fetch offline, then build) on ``raw`` into ``out``."""
    # As a user's Python runs it: compiled modules cached (__pycache__), whatever this shell says.
    skip = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    started = time.perf_counter()
    done = subprocess.run(
        ["make", "-s", "-o", BASE_STAMP, "all", "OFFLINE=1", f"RAW_DIR={raw}", f"OUT_DIR={out}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"make failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def measure(runs: int = RUNS) -> dict:
    """The first build's time and the no-op runs' times, on a copy of the committed raw/."""
    with tempfile.TemporaryDirectory(prefix="bench_noop_") as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "processed"
        for committed in ("document", "manual"):
            shutil.copytree(REPO / "raw" / committed, raw / committed)
        first = _make(raw, out)
        times = [_make(raw, out) for _ in range(runs)]
    median = statistics.median(times)
    return {
        "first_build_s": round(first, 3),
        "noop_s": [round(t, 3) for t in times],
        "noop_median_s": round(median, 3),
        "noop_goal_s": NOOP_GOAL,
        "noop_goal_met": median <= NOOP_GOAL,
    }


def goal_line(result: dict) -> str:
    """One line, as the other goals of `make bench`: MET or MISSED, the figure and the goal."""
    verdict = "MET   " if result["noop_goal_met"] else "MISSED"
    return (f"{verdict} no-op make: {result['noop_median_s']:.2f} s, median of "
            f"{len(result['noop_s'])} (goal <= {result['noop_goal_s']:g} s; offline, nothing "
            f"changed, so it is up to date before pandas loads; the first build took "
            f"{result['first_build_s']:.1f} s)")


def write(result: dict) -> Path:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return RESULTS


def main() -> int:
    result = measure()
    print(goal_line(result))
    print(f"wrote {write(result).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
