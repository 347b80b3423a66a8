"""Samples: a list kind and a seed give the dimension values, the entries and the PDF, always
the same (``random.Random`` streams derived from the seed alone). Also the FIXED covering
sample of each kind (every effective value of every dimension at least once) and the
negative variants of a sample (one entry removed; one entry moved under the wrong category or
track), which a reader must refuse."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.announced import MEMBER_COMPOSITIONS, MemberComposition
from tests.layouts.compare import TruthRow
from tests.layouts.dimensions import DIMENSIONS, KINDS, NA, choose, resolve
from tests.layouts.entries import Member, Selection, member_entries, selection_entries
from tests.layouts.members import draw_members
from tests.layouts.selections import CAO, MLIT_MODEL, SMC_METI, KindSpec, draw_selections, smc_mlit

# A shorter member list, read against its own composition: samples of it draw and read in a
# fraction of the time (SYNTHETIC: no source announces it).
REDUCED_COMPOSITION = MemberComposition(
    label="reduced_synthetic",
    counts={"company": 48, "university_research": 10, "local_government": 24,
            "ministry_economic_org": 12},
    citation="SYNTHETIC: a shorter list for speed, not an announced figure",
)
COMPOSITIONS = {"corrected_471": MEMBER_COMPOSITIONS[0], "first_473": MEMBER_COMPOSITIONS[1],
                "reduced": REDUCED_COMPOSITION}
COVERING_SIZE = 40
COVERING_POOL = 3000
VARIANTS = ("drop", "move")


@dataclass(frozen=True)
class Sample:
    """One generated list: its kind, seed and effective dimension values."""

    kind: str
    seed: int
    values: dict[str, str] = field(hash=False, compare=False)

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.seed}"


@dataclass
class Drawn:
    """A drawn sample: the file, the truth, and for a variant what was changed."""

    sample: Sample
    path: Path
    truth: list[TruthRow]
    variant: str = ""
    changed: str = ""  # e.g. "dropped 札幌市 (local_government)"
    categories: tuple[str, ...] = ()  # the categories or tracks the change touched
    composition: MemberComposition | None = None


def make_sample(kind: str, seed: int) -> Sample:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; known: {KINDS}")
    return Sample(kind, seed, resolve(kind, choose(kind, random.Random(f"{kind}:{seed}"))))


def sample(kind: str, n: int, seed: int) -> list[Sample]:
    """``n`` samples of ``kind``, of seeds ``seed`` .. ``seed + n - 1``."""
    return [make_sample(kind, s) for s in range(seed, seed + n)]


def value_pairs(s: Sample) -> set[tuple[str, str]]:
    """The (dimension, value) pairs a sample prints (n/a left out)."""
    return {(d, val) for d, val in s.values.items() if val != NA}


def all_pairs(kind: str) -> set[tuple[str, str]]:
    return {(d.name, val) for d in DIMENSIONS[kind] for val in d.values}


def cost(s: Sample) -> float:
    """Rough time to draw and read a sample, relative: a list of one sheet or slide per
    project has 38 pages, a member list of 471 names takes twice a short one."""
    v = s.values
    if s.kind == "members":
        return 1.0 if v["composition"] == "reduced" else 2.5
    return {"sheets": 4.0, "boxes": 2.0}.get(v["family"], 1.0)


@functools.lru_cache(maxsize=8)
def covering_seeds(kind: str, size: int = COVERING_SIZE,
                   pool: int = COVERING_POOL) -> tuple[int, ...]:
    """A FIXED sample of at least ``size`` seeds covering every (dimension, value) of ``kind``:
    greedy over seeds 0 .. pool-1 (each pick covers the most pairs not yet covered, the
    cheaper first), then the cheapest remaining selection samples (member samples: the lowest
    seeds, most of them the real 471) up to ``size``. Raises if a value is never printed."""
    samples = {s: make_sample(kind, s) for s in range(pool)}
    candidates = {s: value_pairs(x) for s, x in samples.items()}
    missing = all_pairs(kind)
    chosen: list[int] = []
    while missing:
        best = max(candidates, key=lambda s: (len(candidates[s] & missing),
                                              -cost(samples[s]), -s))
        gain = candidates[best] & missing
        if not gain:
            raise ValueError(f"{kind}: no seed below {pool} prints {sorted(missing)}")
        chosen.append(best)
        missing -= gain
        del candidates[best]
    rank = (lambda s: s) if kind == "members" else (lambda s: (cost(samples[s]), s))
    rest = sorted(candidates, key=rank)
    chosen += rest[: max(0, size - len(chosen))]
    return tuple(sorted(chosen))


def covering_sample(kind: str) -> list[Sample]:
    return [make_sample(kind, s) for s in covering_seeds(kind)]


# --- entries and drawing ---------------------------------------------------------------------


def _rng(s: Sample, purpose: str) -> random.Random:
    return random.Random(f"{s.kind}-{s.seed}-{purpose}")


def spec_of(s: Sample) -> KindSpec:
    """The kind's vocabulary for a selection sample (MLIT's 類型 sizes drawn from the seed)."""
    if s.kind == "mlit_model":
        return MLIT_MODEL
    if s.kind == "cao":
        return CAO
    if s.values["list"] == "meti_pilot":
        return SMC_METI
    rng = _rng(s, "types")
    a = rng.randint(4, 8)
    b = rng.randint(4, 8)
    return smc_mlit((a, b, 19 - a - b))


def draw(s: Sample, out_dir: Path, variant: str = "") -> Drawn:
    """Draw a sample (or its ``drop``/``move`` variant) into ``out_dir``."""
    path = out_dir / f"{s.name}{'-' + variant if variant else ''}.pdf"
    if s.kind == "members":
        return _draw_members(s, path, variant)
    return _draw_selections(s, path, variant)


def _draw_members(s: Sample, path: Path, variant: str) -> Drawn:
    v = s.values
    comp = COMPOSITIONS[v["composition"]]
    unique_only = v["lg_form"] == "alone"
    entries = member_entries(_rng(s, "entries"), dict(comp.counts), unique_only)
    changed, touched = _vary_members(s, entries, variant)
    truth = draw_members(path, v, entries, _rng(s, "draw"))
    return Drawn(s, path, list(truth), variant, changed, touched, comp)


def _vary_members(s: Sample, entries: dict[str, list[Member]],
                  variant: str) -> tuple[str, tuple[str, ...]]:
    if not variant:
        return "", ()
    rng = _rng(s, variant)
    cats = [c for c in entries if entries[c]]
    cat = rng.choice(cats)
    victim = entries[cat].pop(rng.randrange(len(entries[cat])))
    if variant == "drop":
        return f"dropped {victim.name!r} from {cat}", (cat,)
    other = rng.choice([c for c in cats if c != cat])
    entries[other].insert(rng.randrange(len(entries[other]) + 1),
                          Member(victim.name, other, victim.lg))
    return f"moved {victim.name!r} from {cat} to {other}", (cat, other)


def _draw_selections(s: Sample, path: Path, variant: str) -> Drawn:
    v = s.values
    spec = spec_of(s)
    unique_only = v["area_form"] == "alone"
    groups = [(g.key, g.count) for g in spec.groups]
    entries = selection_entries(_rng(s, "entries"), s.kind, groups, unique_only)
    changed, touched = _vary_selections(s, spec, entries, variant, unique_only)
    truth = draw_selections(path, v, spec, entries, _rng(s, "draw"))
    return Drawn(s, path, list(truth), variant, changed, touched)


def _vary_selections(s: Sample, spec: KindSpec, entries: list[Selection], variant: str,
                     unique_only: bool) -> tuple[str, tuple[str, ...]]:
    """``drop``: one entry removed. ``move``: one entry under another track or year; a list
    of one track (each SMC list) gets an entry of another list instead (one long)."""
    if not variant:
        return "", ()
    rng = _rng(s, variant)
    groups = {g.key: g for g in spec.groups}
    index = rng.randrange(len(entries))
    victim = entries[index]
    where = f"{groups[victim.group].track}/{victim.group}"
    if variant == "drop":
        del entries[index]
        return f"dropped {victim.areas[0].name!r} from {where}", (victim.group,)
    home = groups[victim.group]
    others = [g for g in spec.groups
              if (g.track, g.fiscal_year) != (home.track, home.fiscal_year)]
    if others:
        other = rng.choice(others)
        del entries[index]
        slots = [i for i, e in enumerate(entries) if e.group == other.key]
        entries.insert(rng.choice(slots + [slots[-1] + 1]), replace(victim, group=other.key))
        return (f"moved {victim.areas[0].name!r} from {where} to {other.track}/{other.key}",
                (victim.group, other.key))
    taken = {lg for e in entries for lg in e.areas}
    extra = next(e for e in selection_entries(rng, "smc", [(victim.group, 6)], unique_only)
                 if not set(e.areas) & taken)
    entries.insert(index, extra)
    return f"added {extra.areas[0].name!r} (of another list) to {where}", (victim.group,)
