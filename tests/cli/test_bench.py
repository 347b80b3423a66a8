"""`make bench` ends with one line per goal saying MET or MISSED (benchmarks/bench_extract.py)."""

from __future__ import annotations

import importlib.util

from tests.conftest import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extract", REPO / "benchmarks" /
                                                  "bench_extract.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summary(time_ratio: float, memory_ratio: float, goal: float = 1.3) -> dict:
    return {
        "time_ratio_all_files": time_ratio, "time_ratio_median": time_ratio,
        "time_goal": goal, "time_goal_met": time_ratio <= goal,
        "memory_goal": 1.5, "memory_ratio_x100_vs_x10": {"peak_mib": memory_ratio},
        "memory_goal_met": memory_ratio <= 1.5,
    }


def test_one_line_per_goal_met_or_missed():
    bench = _bench()
    worst = {"file": "table x10", "ratio": 1.4}
    met = bench.goal_lines(summary(1.1, 1.2), worst)
    assert len(met) == 2 and all(line.startswith("MET ") for line in met)
    assert "time:" in met[0] and "memory:" in met[1]
    missed = bench.goal_lines(summary(1.6, 2.0), worst)
    assert all(line.startswith("MISSED") for line in missed)
    assert "1.60" in missed[0] and "goal <= 1.3" in missed[0]
    unmeasured = bench.goal_lines(summary(1.1, float("nan")), worst)
    assert unmeasured[1].startswith("NOT MEASURED")
