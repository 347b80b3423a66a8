"""``make layouts``: generate list PDFs, run their extractors, compare with the truth.

    python -m tests.layouts.run --kind members --n 500 [--seed S] [--keep DIR] [--jobs J]

Prints per kind: K of N exact; the refused ones with the dimension values they share most
(counts per value, one example error each); every WRONG one (a list published that differs
from the truth) with its seed and first difference; crashes; and the negative variants (one
entry removed, one moved under another category or track), which must all be refused, with
those whose error does not name the category, file and page. Exit 1 when anything wrong was
published. A sample is reproduced alone by ``make layouts KIND=<kind> N=1 SEED=<seed>``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from tests.layouts.dimensions import KINDS, NA
from tests.layouts.harness import Result, evaluate
from tests.layouts.sampler import VARIANTS, Sample, sample

TOP_VALUES = 12
TOP_REASONS = 8
MIN_FOR_RATE = 10


def run_kind(samples: Sequence[Sample], out_dir: Path, negatives: str = "all",
             progress: bool = False, jobs: int = 1) -> list[Result]:
    """Evaluate every sample and its negative variants: ``all`` of them, one for every other
    sample (``alternate``: drop, move, drop ... for samples 0, 2, 4 ...), or ``none``.
    With ``jobs`` > 1 the samples are shared among that many processes (results in order)."""
    tasks: list[tuple[Sample, tuple[str, ...]]] = []
    for i, s in enumerate(samples):
        variants: tuple[str, ...] = ()
        if negatives == "all":
            variants = VARIANTS
        elif negatives == "alternate" and i % 2 == 0:
            variants = (VARIANTS[(i // 2) % len(VARIANTS)],)
        tasks.append((s, variants))
    one = partial(_evaluate_with_variants, out_dir=out_dir)
    results: list[Result] = []
    with ProcessPoolExecutor(jobs) if jobs > 1 else _InProcess() as pool:
        for i, sample_results in enumerate(pool.map(one, tasks)):
            results += sample_results
            if progress and (i + 1) % 25 == 0:
                print(f"  … {i + 1}/{len(samples)}", file=sys.stderr, flush=True)
    return results


def _evaluate_with_variants(task: tuple[Sample, tuple[str, ...]], out_dir: Path) -> list[Result]:
    s, variants = task
    return [evaluate(s, out_dir, variant) for variant in ("", *variants)]


class _InProcess:
    """The executor's ``map`` in this process: one job, tracebacks as they happen."""

    def __enter__(self) -> _InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn, items):  # noqa: ANN001, ANN201 - the executor's signature
        return map(fn, items)


def shared_values(refused: Sequence[Result], everyone: Sequence[Result]) -> list[tuple]:
    """(dimension, value, refused with it, samples with it), most refused first."""
    with_value: Counter[tuple[str, str]] = Counter()
    for r in everyone:
        with_value.update((d, v) for d, v in r.sample.values.items() if v != NA)
    counts: Counter[tuple[str, str]] = Counter()
    for r in refused:
        counts.update((d, v) for d, v in r.sample.values.items() if v != NA)
    return sorted(((d, v, k, with_value[(d, v)]) for (d, v), k in counts.items()),
                  key=lambda t: (-t[2], -(t[2] / t[3]), t[0], t[1]))


def report(kind: str, results: Sequence[Result], seconds: float, out: list[str]) -> bool:
    """Append the kind's report to ``out``; True when something wrong was published."""
    plain = [r for r in results if not r.variant]
    negative = [r for r in results if r.variant]
    by = Counter(r.outcome for r in plain)
    n = len(plain)
    draw = sum(r.draw_seconds for r in results) / max(1, len(results))
    extract = sum(r.extract_seconds for r in results) / max(1, len(results))
    out.append(f"== {kind}: {by['exact']} of {n} exact; refused {by['refused']}, "
               f"WRONG {by['wrong']}, crashed {by['crashed']}")
    out.append(f"   time per sample: {draw + extract:.2f} s (draw {draw:.2f} s, extract "
               f"{extract:.2f} s); {seconds:.0f} s in all for {len(results)} PDFs")
    refused = [r for r in plain if r.outcome == "refused"]
    if refused:
        shared = shared_values(refused, plain)
        out.append("   refused share (dimension=value: refused with it / samples with it; "
                   "one example error):")
        for d, v, k, total in shared[:TOP_VALUES]:
            example = next(r for r in refused if r.sample.values.get(d) == v)
            out.append(f"     {d}={v}: {k}/{total}   e.g. seed {example.sample.seed}: "
                       f"{_short(example.detail)}")
        reasons = Counter(reason_of(r.detail) for r in refused)
        out.append("   refused, most common errors (one example each):")
        for reason, k in reasons.most_common(TOP_REASONS):
            example = next(r for r in refused if reason_of(r.detail) == reason)
            out.append(f"     {k}x {reason}   e.g. seed {example.sample.seed}: "
                       f"{_short(example.detail)}")
        enough = [t for t in shared if t[3] >= MIN_FOR_RATE]
        by_rate = sorted(enough, key=lambda t: (-t[2] / t[3], -t[3]))[:TOP_VALUES]
        if by_rate:
            out.append(f"   refused most often, of values in at least {MIN_FOR_RATE} samples: "
                       + ", ".join(f"{d}={v} {k}/{total}" for d, v, k, total in by_rate))
    wrong = [r for r in plain if r.outcome == "wrong"]
    for r in wrong:
        out.append(f"   WRONG seed {r.sample.seed}: {r.detail}")
    for r in (r for r in results if r.outcome == "crashed"):
        out.append(f"   CRASHED seed {r.sample.seed} {r.variant or 'sample'}: {r.detail}")
    if negative:
        neg = Counter(r.outcome for r in negative)
        out.append(f"   negative variants ({', '.join(VARIANTS)}): {neg['refused']} of "
                   f"{len(negative)} refused, published (WRONG) {neg['wrong']}, crashed "
                   f"{neg['crashed']}")
        for r in (r for r in negative if r.outcome == "wrong"):
            out.append(f"   WRONG seed {r.sample.seed} {r.variant}: {_short(r.detail, 300)}")
        unnamed = [r for r in negative if r.outcome == "refused" and r.unnamed]
        if unnamed:
            parts = Counter(p for r in unnamed for p in r.unnamed)
            out.append(f"   refusals not naming what changed: {len(unnamed)} of "
                       f"{neg['refused']} (" + ", ".join(f"no {p} {k}" for p, k in
                                                         parts.most_common()) + ")")
            # a sample refused as drawn is refused changed for its own reason, which names
            # nothing the change touched: the check is on samples read exactly
            exact = {r.sample.seed for r in plain if r.outcome == "exact"}
            of_exact = [r for r in negative if r.sample.seed in exact]
            unnamed_exact = [r for r in unnamed if r.sample.seed in exact]
            out.append(f"   of the variants of samples read exactly: {len(unnamed_exact)} of "
                       f"{len(of_exact)} refused without naming what changed")
            # each of those (they are what the check is on), then an example of each part
            shown = unnamed_exact[:TOP_REASONS] + [
                next(r for r in unnamed if part in r.unnamed) for part, _ in parts.most_common()]
            for r in {id(r): r for r in shown}.values():
                out.append(f"     no {'/'.join(r.unnamed)}: seed {r.sample.seed} {r.variant} "
                           f"({r.changed}): {_short(r.detail)}")
    return bool(wrong) or any(r.outcome == "wrong" for r in negative)


_WHERE_RE = re.compile(r"^\S+?: (?:\S+\.pdf(?: page \d+)?: )?")
_QUOTED_RE = re.compile(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\([^)]*\)")


def reason_of(detail: str) -> str:
    """An error said without its file, page and the texts it quotes: refusals that share it
    failed the same way."""
    text = _QUOTED_RE.sub("…", _WHERE_RE.sub("", " ".join(detail.split())))
    return re.sub(r"\d+", "N", text)[:110]


def _short(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make layouts", description=__doc__.split("\n")[0])
    parser.add_argument("--kind", default="all", choices=(*KINDS, "all"))
    parser.add_argument("--n", type=int, default=500, help="samples per kind")
    parser.add_argument("--seed", type=int, default=None,
                        help="first seed (samples use seed .. seed+N-1); random when not given")
    parser.add_argument("--no-negatives", action="store_true",
                        help="skip the negative variants (one entry removed or moved)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the PDFs in this folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes sharing the samples (default: one per CPU)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    kinds = KINDS if args.kind == "all" else (args.kind,)
    print(f"make layouts: {args.n} samples per kind, seeds {seed}..{seed + args.n - 1}, "
          f"kinds {', '.join(kinds)}; processes: {max(1, args.jobs)}", flush=True)
    lines: list[str] = []
    wrong = False
    with tempfile.TemporaryDirectory(prefix="layouts-") as tmp:
        out_dir = args.keep or Path(tmp)
        for kind in kinds:
            started = time.perf_counter()
            results = run_kind(sample(kind, args.n, seed), out_dir / kind,
                               negatives="none" if args.no_negatives else "all",
                               progress=True, jobs=max(1, args.jobs))
            block: list[str] = []
            wrong |= report(kind, results, time.perf_counter() - started, block)
            print("\n".join(block), flush=True)
            lines += block
    if wrong:
        print("A WRONG list was published (see above): exit 1")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
