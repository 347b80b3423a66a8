"""Coverage: how many selections each programme announced, against how many rows we hold.

The published ``coverage`` table makes gaps visible instead of hidden: one row per announcement
in :data:`pipeline.announced.ANNOUNCEMENTS` (programme x track x fiscal year x round, 2010-2025),
with its count where a source states one (``announced_count`` null otherwise, never complete),
plus one row per programme / track / year / round that we hold rows for but no announcement
covers; selections whose round is not known (round NULL) are counted on such a row of their
own. ``announced_source_id`` is the cited source of the figure, so a reader can check it. The
platform's members are counted per category (program scpf_2019, track = the category), against
the corrected composition of the release (471 = 304 + 43 + 112 + 12).
"""

from __future__ import annotations

import pandas as pd

from pipeline.announced import ANNOUNCEMENTS, MEMBER_COMPOSITIONS
from pipeline.errors import PipelineError
from schemas import PRIMARY_KEYS, columns
from schemas.vocabularies import PLATFORM_FISCAL_YEAR, PLATFORM_PROGRAM_ID, SINGLE_ROUND

# The composition coverage counts against: the release as corrected on 2019-08-29.
PLATFORM_COMPOSITION = MEMBER_COMPOSITIONS[0]

COVERAGE_COLUMNS = columns("coverage")
KEY = list(PRIMARY_KEYS["coverage"])  # programme, track, fiscal year, round


CoverageKey = tuple[str, str, int, str | None]

# The note of a coverage row that no announcement covers: rows whose round is not known (round
# NULL) may belong to any call of the year; others name a year or round nothing announced.
ROUND_NOT_KNOWN_NOTE = "selections whose round is not known, counted apart from the year's calls"
NO_ANNOUNCEMENT_NOTE = "no announcement of this track, fiscal year and round is recorded"


def round_key(value: object) -> str | None:
    """A round as coverage keys it: the value, or None when it is not known (NULL)."""
    return None if value is None or pd.isna(value) else str(value)


def held_counts(selections: pd.DataFrame) -> dict[CoverageKey, int]:
    """Selection rows held per coverage key: the one count that coverage and its checks use.
    Rows whose round is not known count under round None."""
    if selections is None or not len(selections):
        return {}
    missing = [c for c in KEY if c not in selections.columns]
    if missing:
        raise PipelineError(f"coverage: selections frame lacks columns {missing}")
    # Rows whose year is not confirmed count in no fiscal year (coverage_summary names them).
    keys = selections[KEY].dropna(subset=["fiscal_year"])
    counts: dict[CoverageKey, int] = {}
    for p, t, y, r in keys.itertuples(index=False):
        key = (str(p), str(t), int(y), round_key(r))
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: _sortable(item[0])))


def _sortable(key: CoverageKey) -> tuple:
    """Order keys with a NULL round after the named rounds of the same year."""
    return (*key[:3], key[3] is None, key[3] or "")


def member_held_counts(members: pd.DataFrame | None) -> dict[CoverageKey, int]:
    """Platform members held per category, keyed like :func:`held_counts` (every category)."""
    counts = (
        members["category"].astype(str).value_counts().to_dict()
        if members is not None and len(members)
        else {}
    )
    return {
        (PLATFORM_PROGRAM_ID, category, PLATFORM_FISCAL_YEAR, SINGLE_ROUND):
            int(counts.get(category, 0))
        for category in PLATFORM_COMPOSITION.counts
    }


def build_coverage(
    selections: pd.DataFrame, cited_sources: pd.DataFrame, members: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Announced against held selections per programme, track, fiscal year and round, and
    announced against held platform members per category.

    ``cited_sources`` is the frame of :func:`pipeline.extract.manual.cited_sources` (or the
    cited list itself): it maps each announced figure's citation URL to its source id.
    """
    url_to_id = dict(zip(cited_sources["url"], cited_sources["source_id"], strict=True))
    held = held_counts(selections)
    rows: list[dict[str, object]] = []
    announced_keys: set[CoverageKey] = set()
    for figure in ANNOUNCEMENTS:
        key = figure.key
        if key in announced_keys:
            raise PipelineError(f"coverage: announced figure {key} is listed twice")
        announced_keys.add(key)
        if figure.count is not None and figure.citation not in url_to_id:
            raise PipelineError(
                f"coverage: the citation {figure.citation} of {key} is not in "
                "raw/manual/cited_sources.csv; add it there"
            )
        count = held.get(key, 0)
        rows.append(
            {
                "program_id": figure.program_id,
                "track": figure.track,
                "fiscal_year": figure.fiscal_year,
                "round": figure.round,
                "announced_count": figure.count,
                "announced_source_id": None if figure.count is None else url_to_id[
                    figure.citation],
                "held_count": count,
                "complete": figure.count is not None and count == figure.count,
                "announced_on": figure.announced_on,
                "note": figure.note or None,
            }
        )
    if PLATFORM_COMPOSITION.citation not in url_to_id:
        raise PipelineError(
            f"coverage: the citation {PLATFORM_COMPOSITION.citation} of the member composition "
            "is not in raw/manual/cited_sources.csv; add it there"
        )
    for key, count in member_held_counts(members).items():
        announced = PLATFORM_COMPOSITION.counts[key[1]]
        rows.append(
            {
                "program_id": key[0],
                "track": key[1],
                "fiscal_year": key[2],
                "round": key[3],
                "announced_count": announced,
                "announced_source_id": url_to_id[PLATFORM_COMPOSITION.citation],
                "held_count": count,
                "complete": count == announced,
                "announced_on": None,
                "note": None,
            }
        )
    for key, count in held.items():
        if key in announced_keys:
            continue
        program_id, track, fiscal_year, round_ = key
        rows.append(
            {
                "program_id": program_id,
                "track": track,
                "fiscal_year": fiscal_year,
                "round": round_,
                "announced_count": None,
                "announced_source_id": None,
                "held_count": count,
                "complete": False,
                "announced_on": None,
                "note": ROUND_NOT_KNOWN_NOTE if round_ is None else NO_ANNOUNCEMENT_NOTE,
            }
        )
    frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    frame = frame.sort_values(KEY, ignore_index=True, na_position="last")
    frame["fiscal_year"] = frame["fiscal_year"].astype("int64")
    frame["announced_count"] = frame["announced_count"].astype("Int64")
    frame["held_count"] = frame["held_count"].astype("int64")
    frame["complete"] = frame["complete"].astype(bool)
    frame["announced_on"] = pd.to_datetime(frame["announced_on"]).dt.date
    frame["announced_on"] = frame["announced_on"].astype(object).where(
        frame["announced_on"].notna(), None)
    return frame


def coverage_summary(coverage: pd.DataFrame) -> str:
    """A few terminal lines: held of announced per row, then the totals."""
    if not len(coverage):
        return "coverage: no rows"
    lines = ["coverage (held / announced):"]
    for row in coverage.itertuples(index=False):
        label = f"{row.program_id}/{row.track}/{row.fiscal_year}"
        if round_key(row.round) is None:
            label += "/round not known"
        elif row.round != SINGLE_ROUND:
            label += f"/{row.round}"
        if pd.isna(row.announced_count):
            lines.append(f"  {label}: {row.held_count} held, no announced figure")
            continue
        mark = "complete" if row.complete else f"missing {row.announced_count - row.held_count}"
        if row.held_count > row.announced_count:
            mark = f"{row.held_count - row.announced_count} MORE than announced"
        lines.append(f"  {label}: {row.held_count} / {row.announced_count} ({mark})")
    announced = coverage.dropna(subset=["announced_count"])
    platform = announced["program_id"] == PLATFORM_PROGRAM_ID
    for label, part in (("selections", announced[~platform]), ("platform members",
                                                               announced[platform])):
        held_of_announced = int(
            sum(min(h, a) for h, a in zip(part.held_count, part.announced_count, strict=True))
        )
        lines.append(
            f"  total: {held_of_announced} of {int(part.announced_count.sum())} announced "
            f"{label} held"
        )
    lines.append(f"  {int(coverage.complete.sum())} of {len(coverage)} rows complete")
    return "\n".join(lines)

