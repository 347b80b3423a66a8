"""Extraction benchmark: the member-list extractor against bare pdfplumber on the same pages.

Run by ``make bench`` (not by the tests). Generates the synthetic member lists (as in the tests,
plus the company list scaled 10x and 100x) into a temporary folder, then for each file times
(best of a few runs) the extractor and bare pdfplumber (open, ``extract_words`` on every page,
close), and measures peak memory of each on the scaled lists: in a fresh subprocess, the peak
resident set size (VmHWM, reset just before reading through /proc/self/clear_refs) minus the
resident size at that point, so the interpreter and imports do not count. (``ru_maxrss`` is
useless here: Linux carries the parent's high-water mark over fork and exec; tracemalloc
would slow the 100x run down sixfold.) Linux only; elsewhere memory is reported as None.
Memory is measured four ways: the whole extraction (default Arrow memory pool, mimalloc, which
keeps freed memory), the same with Arrow's system pool, the extractor's page reading alone
(rows made and dropped), and bare pdfplumber. Goals: extractor/bare time <= 1.5 (the
readings of the list reader work on words already read); the 100x
list's peak within 1.5x of the 10x list's (pages are read one at a time, so memory should
not grow with the page count; the returned rows of course do).

Prints a table and writes ``benchmarks/results/extract.json``; the goals end with the time of a
no-op `make` (benchmarks/bench_noop.py).
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pdfplumber  # noqa: E402

from benchmarks import bench_noop  # noqa: E402
from pipeline.announced import MEMBER_COMPOSITIONS, MemberComposition  # noqa: E402
from pipeline.extract.mlit_scpf_members import read_member_list  # noqa: E402
from pipeline.extract.pdf import iter_pages, open_pdf  # noqa: E402
from pipeline.extract.reader.cells import page_rows  # noqa: E402
from tests.fixtures.make_member_fixtures import LAYOUTS, make_member_fixtures  # noqa: E402

SID = "mlit_scpf_members"
RESULTS = REPO / "benchmarks" / "results" / "extract.json"
TIME_GOAL = 1.5
MEMORY_GOAL = 1.5


def bare(path: Path) -> int:
    """What any pdfplumber user pays: open, words of every page, close."""
    words = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words += len(page.extract_words())
            page.close()
    return words


def pages_only(path: Path) -> int:
    """The extractor's page reading alone (rows made and dropped): the streaming part."""
    rows = 0
    with open_pdf(SID, path) as pdf:
        for view in iter_pages(SID, path, pdf):
            rows += len(page_rows(view))
    return rows


def compositions_for(scale: int, layout: str) -> tuple[MemberComposition, ...]:
    if scale == 1:
        return MEMBER_COMPOSITIONS
    base = MEMBER_COMPOSITIONS[1 if layout.endswith("_473") else 0]
    counts = dict(base.counts, company=base.counts["company"] * scale)
    return (MemberComposition(f"x{scale}", counts, "benchmark"),)


def best_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _status_mib(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise KeyError(field)


def _measure_in_child(kind: str, path: str, scale: str, layout: str) -> None:
    """Child process: peak RSS growth of one extraction (or bare read), printed as JSON."""
    import pandas as pd

    pd.DataFrame({"a": ["x", None], "b": pd.array([1, 2], dtype="int64")})  # load pandas' and
    gc.collect()  # pyarrow's lazily imported parts first: imports do not count
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    except OSError:
        pass  # then VmHWM includes the imports: an overestimate, same for every file
    before = _status_mib("VmRSS")
    if kind == "extract":
        read_member_list(SID, Path(path), compositions_for(int(scale), layout))
    elif kind == "pages":
        pages_only(Path(path))
    else:
        bare(Path(path))
    print(json.dumps({"peak_mib": max(0.0, _status_mib("VmHWM") - before)}))


# (column, kind, Arrow memory pool or None for the default): what is measured on scaled lists
MEMORY_RUNS = (
    ("peak_mib", "extract", None),
    ("peak_system_pool_mib", "extract", "system"),
    ("pages_peak_mib", "pages", None),
    ("bare_peak_mib", "bare", None),
)


def peak_memory(kind: str, path: Path, scale: int, layout: str, pool: str | None) -> float:
    """Peak memory growth (MiB) of ``kind`` on one file, in a fresh process so that earlier
    runs do not raise the high-water mark. ``pool`` selects Arrow's memory pool: the default
    (mimalloc) keeps freed memory, which makes building the DataFrame look dearer."""
    env = dict(os.environ)
    if pool:
        env["ARROW_DEFAULT_MEMORY_POOL"] = pool
    out = subprocess.run(
        [sys.executable, __file__, "--memory", kind, str(path), str(scale), layout],
        check=True, capture_output=True, text=True, env=env,
    ).stdout
    return round(float(json.loads(out.strip().splitlines()[-1])["peak_mib"]), 1)


def time_file(name: str, scale: int, path: Path) -> dict:
    comps = compositions_for(scale, name)

    def run() -> object:
        return read_member_list(SID, path, comps)

    frame = run()  # warm-up, and the row count
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
    repeat = {1: 3, 10: 2}.get(scale, 1)
    t_bare = best_time(lambda: bare(path), repeat)
    t_extract = best_time(run, repeat)
    return {
        "file": f"{name} x{scale}", "layout": name, "scale": scale, "pages": pages,
        "rows": len(frame["platform_members"]), "bare_s": round(t_bare, 3),
        "extract_s": round(t_extract, 3),
        "ratio": round(t_extract / t_bare, 3), "s_per_page": round(t_extract / pages, 4),
        **{column: None for column, _, _ in MEMORY_RUNS},
    }


def goal_lines(summary: dict, worst: dict) -> list[str]:
    """One line per goal: MET or MISSED, the figure and the goal (what `make bench` ends with)."""

    def verdict(met: bool, measured: bool = True) -> str:
        return "MET   " if met else "MISSED" if measured else "NOT MEASURED"

    ratio = summary["time_ratio_all_files"]
    memory = summary["memory_ratio_x100_vs_x10"]["peak_mib"]
    measured = not math.isnan(memory)
    return [
        f"{verdict(summary['time_goal_met'])} time: extractor/bare {ratio:.2f} on all files "
        f"(goal <= {summary['time_goal']}; median {summary['time_ratio_median']:.2f}, worst "
        f"{worst['ratio']:.2f} on {worst['file']})",
        f"{verdict(summary['memory_goal_met'], measured)} memory: peak of the 100x list / "
        f"the 10x list {memory:.2f} (goal <= {summary['memory_goal']}; pages are read one "
        "at a time)",
    ]


def main() -> int:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench_extract_") as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        files = [(n, 1, p) for n, p in make_member_fixtures(out / "x1").items()]
        files += [(n, 10, p) for n, p in
                  make_member_fixtures(out / "x10", 10, ("sections_grid", "table")).items()]
        files += [(n, 100, p) for n, p in
                  make_member_fixtures(out / "x100", 100, ("sections_grid",)).items()]
        print(f"generated {len(files)} fixtures in {time.perf_counter() - started:.1f}s "
              f"({', '.join(LAYOUTS)}; 10x: sections_grid, table; 100x: sections_grid)")
        for name, scale, path in files:  # timings first, one at a time
            rows.append(time_file(name, scale, path))
        if Path("/proc/self/status").exists():  # then memory, two processes at a time
            jobs = [
                (row, column, (kind, path, scale, name, pool))
                for row, (name, scale, path) in zip(rows, files, strict=True) if scale > 1
                for column, kind, pool in MEMORY_RUNS
            ]
            with ThreadPoolExecutor(max_workers=2) as pool_:
                results = list(pool_.map(lambda job: peak_memory(*job[2]), jobs))
            for (row, column, _), value in zip(jobs, results, strict=True):
                row[column] = value

    def mib(value: float | None) -> str:
        return f"{value:.1f}" if value is not None else "-"

    print(f"\n{'file':24} {'pages':>5} {'rows':>6} {'bare s':>7} {'extract s':>9} {'ratio':>5} "
          f"{'s/page':>6} | peak MiB: {'extract':>7} {'sys pool':>8} {'pages':>5} {'bare':>5}")
    for r in rows:
        print(f"{r['file']:24} {r['pages']:>5} {r['rows']:>6} {r['bare_s']:>7.3f} "
              f"{r['extract_s']:>9.3f} {r['ratio']:>5.2f} {r['s_per_page']:>6.3f} |           "
              f"{mib(r['peak_mib']):>7} {mib(r['peak_system_pool_mib']):>8} "
              f"{mib(r['pages_peak_mib']):>5} {mib(r['bare_peak_mib']):>5}")

    total_ratio = sum(r["extract_s"] for r in rows) / sum(r["bare_s"] for r in rows)
    worst = max(rows, key=lambda r: r["ratio"])

    def growth(column: str) -> tuple[float, float, float]:
        p10 = next(r[column] for r in rows if r["file"] == "sections_grid x10") or 0.0
        p100 = next(r[column] for r in rows if r["file"] == "sections_grid x100") or 0.0
        return p10, p100, (round(p100 / p10, 3) if p10 else float("nan"))

    memory = {column: growth(column) for column, _, _ in MEMORY_RUNS}
    summary = {
        "time_ratio_all_files": round(total_ratio, 3),
        "time_ratio_median": round(statistics.median(r["ratio"] for r in rows), 3),
        "time_ratio_worst": {"file": worst["file"], "ratio": worst["ratio"]},
        "time_goal": TIME_GOAL,
        "time_goal_met": total_ratio <= TIME_GOAL,
        "memory_goal": MEMORY_GOAL,
        "memory_ratio_x100_vs_x10": {column: m[2] for column, m in memory.items()},
        "memory_goal_met": memory["peak_mib"][2] <= MEMORY_GOAL,
    }
    print("\npeak memory growth, sections_grid 100x / 10x:")
    for column, (p10, p100, ratio) in memory.items():
        print(f"  {column:22} {p100:6.1f} / {p10:5.1f} MiB = {ratio:.2f}")
    noop = bench_noop.measure()  # the no-op `make`, beside the extraction's goals
    print("\ngoals:")
    for line in [*goal_lines(summary, worst), bench_noop.goal_line(noop)]:
        print(line)
    print(f"wrote {bench_noop.write(noop).relative_to(REPO)}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "python": platform.python_version(),
        "pdfplumber": pdfplumber.__version__,
        "machine": platform.machine(),
        "summary": summary,
        "files": rows,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--memory":
        _measure_in_child(*sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
