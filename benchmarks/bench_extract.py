"""Extraction benchmark: the member-list extractor against bare pdfplumber on the same pages.

Run by ``make bench`` (not by the tests). Generates the synthetic member lists (as in the tests,
plus the company list scaled 10x and 100x) into a temporary folder, then for each file times
(best of a few runs) the extractor and bare pdfplumber (open, ``extract_words`` on every page,
close), and measures peak memory of each on the scaled lists: in a fresh subprocess, the peak
resident set size (VmHWM, reset just before reading through /proc/self/clear_refs) minus the
resident size at that point, so the interpreter and imports do not count. (``ru_maxrss`` is
useless here: Linux carries the parent's high-water mark over fork and exec; tracemalloc
would slow the 100x run down sixfold.) Linux only; elsewhere memory is reported as None.
Goals: extractor/bare time <= 1.3; the 100x list's peak within 1.5x of the 10x list's (pages
are read one at a time, so memory should not grow with the page count).

Prints a table and writes ``benchmarks/results/extract.json``.
"""

from __future__ import annotations

import gc
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pdfplumber  # noqa: E402

from pipeline.announced import MEMBER_COMPOSITIONS, MemberComposition  # noqa: E402
from pipeline.extract.mlit_scpf_members import read_member_list  # noqa: E402
from tests.fixtures.make_member_fixtures import LAYOUTS, make_member_fixtures  # noqa: E402

SID = "mlit_scpf_members"
RESULTS = REPO / "benchmarks" / "results" / "extract.json"
TIME_GOAL = 1.3
MEMORY_GOAL = 1.5


def bare(path: Path) -> int:
    """What any pdfplumber user pays: open, words of every page, close."""
    words = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words += len(page.extract_words())
            page.close()
    return words


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
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    except OSError:
        pass  # then VmHWM includes the imports: an overestimate, same for every file
    before = _status_mib("VmRSS")
    if kind == "extract":
        read_member_list(SID, Path(path), compositions_for(int(scale), layout))
    else:
        bare(Path(path))
    print(json.dumps({"peak_mib": max(0.0, _status_mib("VmHWM") - before)}))


def peak_memory(kind: str, path: Path, scale: int, layout: str) -> float | None:
    """Peak memory growth (MiB) of ``kind`` ('extract' or 'bare') on one file, in a fresh
    process so earlier runs do not raise the high-water mark."""
    if not Path("/proc/self/status").exists():
        return None
    out = subprocess.run(
        [sys.executable, __file__, "--memory", kind, str(path), str(scale), layout],
        check=True, capture_output=True, text=True,
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["peak_mib"])


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_extract_") as tmp:
        out = Path(tmp)
        files: list[tuple[str, int, Path]] = []
        started = time.perf_counter()
        for name, path in make_member_fixtures(out / "x1").items():
            files.append((name, 1, path))
        for name, path in make_member_fixtures(out / "x10", 10, ("sections_grid", "table")).items():
            files.append((name, 10, path))
        for name, path in make_member_fixtures(out / "x100", 100, ("sections_grid",)).items():
            files.append((name, 100, path))
        generated = time.perf_counter() - started
        print(f"generated {len(files)} fixtures in {generated:.1f}s ({', '.join(LAYOUTS)})")

        for name, scale, path in files:
            comps = compositions_for(scale, name)

            def run(path: Path = path, comps: tuple = comps) -> object:
                return read_member_list(SID, path, comps)

            frame = run()  # warm-up, and the row count
            with pdfplumber.open(path) as pdf:
                pages = len(pdf.pages)
            repeat = {1: 3, 10: 2}.get(scale, 1)
            t_bare = best_time(lambda p=path: bare(p), repeat)
            t_extract = best_time(run, repeat)
            measure_memory = scale > 1 and Path("/proc/self/status").exists()
            rows.append({
                "file": f"{name} x{scale}",
                "layout": name,
                "scale": scale,
                "pages": pages,
                "rows": len(frame),
                "bare_s": round(t_bare, 3),
                "extract_s": round(t_extract, 3),
                "ratio": round(t_extract / t_bare, 3),
                "s_per_page": round(t_extract / pages, 4),
                "peak_mib": (
                    round(peak_memory("extract", path, scale, name), 1) if measure_memory
                    else None
                ),
                "bare_peak_mib": (
                    round(peak_memory("bare", path, scale, name), 1) if measure_memory else None
                ),
            })

    print(f"\n{'file':26} {'pages':>5} {'rows':>6} {'bare s':>7} {'extract s':>9} "
          f"{'ratio':>6} {'s/page':>7} {'peak MiB':>9} {'bare MiB':>9}")
    for r in rows:
        peak = f"{r['peak_mib']:.1f}" if r["peak_mib"] is not None else "-"
        bpeak = f"{r['bare_peak_mib']:.1f}" if r["bare_peak_mib"] is not None else "-"
        print(f"{r['file']:26} {r['pages']:>5} {r['rows']:>6} {r['bare_s']:>7.3f} "
              f"{r['extract_s']:>9.3f} {r['ratio']:>6.2f} {r['s_per_page']:>7.4f} "
              f"{peak:>9} {bpeak:>9}")

    total_ratio = sum(r["extract_s"] for r in rows) / sum(r["bare_s"] for r in rows)
    worst = max(rows, key=lambda r: r["ratio"])
    p10 = next(r["peak_mib"] for r in rows if r["file"] == "sections_grid x10") or 0.0
    p100 = next(r["peak_mib"] for r in rows if r["file"] == "sections_grid x100") or 0.0
    memory_ratio = p100 / p10 if p10 else float("nan")
    summary = {
        "time_ratio_all_files": round(total_ratio, 3),
        "time_ratio_median": round(statistics.median(r["ratio"] for r in rows), 3),
        "time_ratio_worst": {"file": worst["file"], "ratio": worst["ratio"]},
        "time_goal": TIME_GOAL,
        "time_goal_met": total_ratio <= TIME_GOAL,
        "memory_ratio_x100_vs_x10": round(memory_ratio, 3),
        "memory_goal": MEMORY_GOAL,
        "memory_goal_met": memory_ratio <= MEMORY_GOAL,
    }
    print(f"\nextractor/bare time, all files: {total_ratio:.2f} (goal <= {TIME_GOAL}; "
          f"median {summary['time_ratio_median']:.2f}, worst {worst['ratio']:.2f} "
          f"on {worst['file']})")
    print(f"peak memory (RSS growth) 100x / 10x: {p100:.1f} / {p10:.1f} MiB = {memory_ratio:.2f} "
          f"(goal <= {MEMORY_GOAL})")
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
