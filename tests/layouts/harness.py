"""Draw a sample, run its extractor, and say what came of it.

Outcomes of a sample: ``exact`` (``compare.difference`` finds none), ``wrong`` (the extractor
published rows that differ from the truth: the worst outcome), ``refused`` (it raised
SourceError, or published no rows: nothing false is published) or ``crashed`` (any other
exception: a bug to report). A negative variant (one entry removed or moved) must be refused;
published, it is ``wrong``. A refusal of a negative variant should name the category or track
touched, the file and the page; ``unnamed`` lists what its error leaves out.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.announced import MEMBER_CATEGORIES
from pipeline.errors import SourceError
from pipeline.text import nfkc_no_whitespace
from tests.layouts import adapter
from tests.layouts.compare import difference
from tests.layouts.members import UNKNOWN_LABELS, layout_rows
from tests.layouts.sampler import Drawn, Sample, draw, spec_of


@dataclass
class Result:
    sample: Sample
    variant: str
    outcome: str  # exact, wrong, refused, crashed
    detail: str = ""  # the difference, the error, or the traceback's last line
    changed: str = ""  # what a variant changed
    unnamed: list[str] = field(default_factory=list)  # category/file/page a refusal omits
    draw_seconds: float = 0.0
    extract_seconds: float = 0.0
    path: Path | None = None


def evaluate(s: Sample, out_dir: Path, variant: str = "") -> Result:
    """Draw ``s`` (or its variant) into ``out_dir``, extract it and judge the outcome."""
    started = time.perf_counter()
    drawn = draw(s, out_dir, variant)
    drawn_at = time.perf_counter()
    result = Result(s, variant, "", changed=drawn.changed, path=drawn.path,
                    draw_seconds=drawn_at - started)
    try:
        published = adapter.extract(drawn)
    except SourceError as exc:
        result.outcome, result.detail = "refused", str(exc)
        if variant:
            result.unnamed = unnamed_parts(exc, drawn)
        return _timed(result, drawn_at)
    except Exception as exc:  # noqa: BLE001 - a crash is an outcome to report, not to raise
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result.outcome, result.detail = "crashed", last
        return _timed(result, drawn_at)
    if len(published) == 0:
        result.outcome, result.detail = "refused", "no rows published"
        if variant:
            result.unnamed = ["category", "file", "page"]
        return _timed(result, drawn_at)
    diff = difference(drawn.truth, published)
    if variant:
        result.outcome = "wrong"
        result.detail = f"published although {drawn.changed}" + (f"; {diff}" if diff else "")
    elif diff is None:
        result.outcome = "exact"
    else:
        result.outcome, result.detail = "wrong", diff
    return _timed(result, drawn_at)


def _timed(result: Result, since: float) -> Result:
    result.extract_seconds = time.perf_counter() - since
    return result


def group_names(drawn: Drawn, group: str) -> list[str]:
    """Every way an error may name a category, track or year touched by a variant."""
    s = drawn.sample
    if s.kind == "members":
        names = [group, MEMBER_CATEGORIES[group], *UNKNOWN_LABELS[group]]
        names += [t for k, t, val in layout_rows() if k == "label" and val == group]
        return names
    spec = spec_of(s)
    found = next(g for g in spec.groups if g.key == group)
    names = [found.key, found.track, *found.labels.values(), *found.cell_labels.values()]
    if s.kind == "cao":
        names += [f"FY{found.fiscal_year}", str(found.fiscal_year)]
    if s.kind == "smc":
        names += ["パイロット地域" if found.track == "meti_pilot" else "先行モデル事業"]
    return [n for n in names if n]


def unnamed_parts(exc: SourceError, drawn: Drawn) -> list[str]:
    """Which of category (or track), file and page the refusal's error does not name."""
    text = nfkc_no_whitespace(str(exc))
    missing = []
    touched = drawn.categories
    if not any(nfkc_no_whitespace(name) in text
               for group in touched for name in group_names(drawn, group)):
        missing.append("category")
    if drawn.path.name not in str(exc):
        missing.append("file")
    if exc.page is None:
        missing.append("page")
    return missing
