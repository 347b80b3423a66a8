"""Validate stage: every table against its pandera model, keys across tables, and the tables
against what the sources themselves announce.

One run reports every failure (pandera runs lazily; key and cross-checks run even when a
schema failed), so a user meeting a new layout sees the whole picture at once. A missing
source only makes the dataset incomplete: the checks that need it are skipped and say so.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd
from pandera.errors import SchemaErrors

from pipeline.announced import (
    ANNOUNCED_COUNTS,
    ANNOUNCEMENTS,
    JOINT_ANNOUNCEMENTS,
    MEMBER_COMPOSITIONS,
    JointAnnouncement,
    announced_count,
    joint_key_years,
    matching_composition,
)
from pipeline.cells import plain_value, text_values
from pipeline.errors import Failure, ValidationFailed
from pipeline.transform.coverage import (
    PLATFORM_COMPOSITION,
    held_counts,
    member_held_counts,
    round_key,
)
from pipeline.transform.sources import evidence_by_source
from schemas import FOREIGN_KEYS, PRIMARY_KEYS, TABLES, columns
from schemas.vocabularies import EXTRACTED_ORIGINS

MAX_EXAMPLES = 5
_FALSE = {"0", "false", "no", "off"}


def _sources_of(frame: pd.DataFrame, rows: Iterable[int]) -> tuple[str, ...]:
    """The source ids of these rows; empty if any row has none (then no source is to blame)."""
    if "source_id" not in frame.columns:
        return ()
    found: set[str] = set()
    for row in rows:
        value = plain_value(frame["source_id"].iloc[row]) if 0 <= row < len(frame) else None
        if value is None:
            return ()
        found.add(str(value))
    return tuple(sorted(found))


@dataclass
class ValidationReport:
    """What validation found. ``tables`` holds the validated (coerced) frames."""

    failures: list[Failure] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Failures of sources the build quarantined (their rows are not in ``tables``).
    quarantined: list[Failure] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    member_composition: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def complete(self) -> bool:
        return not self.missing_sources

    def to_dict(self) -> dict:
        failures = sorted(
            (f.to_dict() for f in self.failures),
            key=lambda f: (f["table"], f["column"], f["check"], f["message"]),
        )
        return {
            "ok": self.ok,
            "complete": self.complete,
            "missing_sources": sorted(self.missing_sources),
            "member_composition": self.member_composition,
            "row_counts": dict(sorted(self.row_counts.items())),
            "failure_count": len(failures),
            "failures": failures,
            "quarantined_failures": sorted(
                (f.to_dict() for f in self.quarantined),
                key=lambda f: (f["table"], f["column"], f["check"], f["message"]),
            ),
            "notes": sorted(self.notes),
        }

    def to_json(self) -> str:
        """Stable JSON (sorted keys and failures, no timestamps): same input, same bytes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def summary_text(self) -> str:
        """For the terminal: one block per failure, then the skipped checks (the missing
        sources are listed once, at the end of the build: pipeline.outcome)."""
        lines: list[str] = []
        state = "OK" if self.ok else f"FAILED ({len(self.failures)} failed check(s))"
        lines.append(f"validation: {state}")
        for failure in sorted(self.failures, key=lambda f: (f.table, f.column, f.check)):
            lines += _failure_lines(failure)
        if self.quarantined:
            lines.append("")
            lines.append(f"quarantined: {len(self.quarantined)} failed check(s) of the "
                         "failed sources, whose rows are not published:")
        for failure in sorted(self.quarantined, key=lambda f: (f.table, f.column, f.check)):
            lines += _failure_lines(failure)
        if self.notes:
            lines.append("")
            lines += [f"note: {note}" for note in sorted(self.notes)]
        return "\n".join(lines)


def _failure_lines(failure: Failure) -> list[str]:
    head = f"[{failure.table}.{failure.column}] {failure.check}"
    lines = ["", f"{head}: {failure.rows} row(s)"]
    if failure.message:
        lines.append(f"  {failure.message}")
    lines += ["  - " + _example_text(example) for example in failure.examples]
    return lines


def _example_text(example: dict) -> str:
    parts = []
    where = example.get("source_id")
    if where:
        page = example.get("page")
        parts.append(f"{where}" + (f" page {page}" if page is not None else ""))
    if "row" in example:
        parts.append(f"row {example['row']}")
    if "key" in example:
        key = example["key"]
        if isinstance(key, dict):
            key = ", ".join(f"{k}={v}" for k, v in key.items())
        parts.append(f"key {key}")
    if "value" in example:
        parts.append(f"value {example['value']!r}")
    if "message" in example:
        parts.append(str(example["message"]))
    return "; ".join(parts)


def _validation_weakened() -> str | None:
    """Why pandera would not run every check here, or None when it would."""
    env = os.environ.get("PANDERA_VALIDATION_ENABLED")
    if env is not None and env.strip().lower() in _FALSE:
        return "pandera validation is disabled (PANDERA_VALIDATION_ENABLED is false)"
    depth = os.environ.get("PANDERA_VALIDATION_DEPTH")
    if depth is not None and depth.strip().upper() != "SCHEMA_AND_DATA":
        return f"pandera runs only part of its checks (PANDERA_VALIDATION_DEPTH={depth})"
    from pandera.config import ValidationDepth, get_config_context

    config = get_config_context()
    if not config.validation_enabled:
        return "pandera validation is disabled"
    if config.validation_depth not in (None, ValidationDepth.SCHEMA_AND_DATA):
        return f"pandera runs only part of its checks ({config.validation_depth})"
    return None


def require_validation_enabled() -> None:
    """Refuse to go on when pandera would silently pass everything, or skip the data checks."""
    reason = _validation_weakened()
    if reason:
        raise ValidationFailed(
            f"{reason}: the tables would be published unchecked. Unset "
            "PANDERA_VALIDATION_ENABLED and PANDERA_VALIDATION_DEPTH and run again."
        )


# --- examples ----------------------------------------------------------------------------


def _row_example(table: str, frame: pd.DataFrame, row: int, **extra: object) -> dict:
    """An example naming the row, its key, and its provenance (source_id, page)."""
    example: dict = {"row": int(row)}
    if 0 <= row < len(frame):
        record = frame.iloc[row]
        key = [c for c in PRIMARY_KEYS.get(table, ()) if c in frame.columns]
        if key:
            example["key"] = {c: plain_value(record[c]) for c in key}
        if "source_id" in frame.columns:
            example["source_id"] = plain_value(record["source_id"])
        if "page" in frame.columns:
            example["page"] = plain_value(record["page"])
    example.update({k: plain_value(v) for k, v in extra.items()})
    return example


def _rows_failure(
    table: str,
    column: str,
    check: str,
    frame: pd.DataFrame,
    rows: Iterable[int],
    message: str = "",
    value: Callable[[int], object] | None = None,
) -> Failure | None:
    rows = sorted(set(int(r) for r in rows))
    if not rows:
        return None
    examples = tuple(
        _row_example(table, frame, r, **({"value": value(r)} if value else {}))
        for r in rows[:MAX_EXAMPLES]
    )
    return Failure(table, column, check, len(rows), examples, message, _sources_of(frame, rows))


# --- pandera -----------------------------------------------------------------------------


def _schema_failures(table: str, frame: pd.DataFrame, errors: SchemaErrors) -> list[Failure]:
    cases = errors.failure_cases.copy()
    cases["check"] = cases["check"].astype(str)
    failures: list[Failure] = []
    for check, group in cases.groupby("check", sort=True):
        cols = [str(c) for c in dict.fromkeys(group["column"]) if str(c) != table]
        cols = cols or [str(group["column"].iloc[0])]
        column = ",".join(cols) if len(cols) <= 4 else "*"
        indexed = group[group["index"].notna()]
        if not len(indexed):
            values = sorted({str(v) for v in group["failure_case"]})
            failures.append(
                Failure(
                    table, column, check, len(values),
                    tuple({"value": v} for v in values[:MAX_EXAMPLES]),
                    _schema_message(check),
                )
            )
            continue
        rows = sorted({int(i) for i in indexed["index"]})
        single = len(cols) == 1
        examples = []
        for row in rows[:MAX_EXAMPLES]:
            at = indexed[indexed["index"] == row]
            extra: dict = {}
            if single:
                extra["value"] = at["failure_case"].iloc[0]
            elif check == "multiple_fields_uniqueness":
                pairs = zip(at["column"], at["failure_case"], strict=True)
                extra["value"] = ", ".join(f"{c}={plain_value(v)}" for c, v in pairs)
            examples.append(_row_example(table, frame, row, **extra))
        failures.append(
            Failure(table, column, check, len(rows), tuple(examples), _schema_message(check),
                    _sources_of(frame, rows))
        )
    return failures


def _schema_message(check: str) -> str:
    if check == "jis_lg_code":
        return "not a 6-digit JIS X 0402 code with a valid check digit"
    if check in {"field_uniqueness", "multiple_fields_uniqueness"}:
        return "duplicate key"
    if check.startswith("isin"):
        return "value outside the closed set"
    if check == "column_in_schema":
        return "column not in the contract"
    if check == "column_in_dataframe":
        return "contract column absent"
    return ""


def _empty_frame(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns(table)})


def _validate_schemas(
    tables: dict[str, pd.DataFrame], report: ValidationReport
) -> dict[str, pd.DataFrame]:
    """Run every model lazily; returns the best frame of each table (coerced when valid)."""
    frames: dict[str, pd.DataFrame] = {}
    for name, model in TABLES.items():
        frame = tables.get(name)
        if frame is None:
            report.failures.append(
                Failure(name, "*", "table_present", 0, (), f"table {name!r} was not produced")
            )
            frames[name] = _empty_frame(name)
            continue
        if not len(frame.columns) and not len(frame):
            frame = _empty_frame(name)  # a table with no rows is valid, e.g. a missing source
        frame = frame.reset_index(drop=True)
        report.row_counts[name] = len(frame)
        try:
            validated = model.validate(frame, lazy=True)
        except SchemaErrors as errors:
            report.failures += _schema_failures(name, frame, errors)
            frames[name] = frame
            continue
        validated = validated[columns(name)]
        report.tables[name] = validated
        frames[name] = validated
    return frames


# --- keys --------------------------------------------------------------------------------


def check_foreign_keys(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """Every non-null referencing value exists in the referenced table."""
    failures: list[Failure] = []
    for table, column, ref_table, ref_column in FOREIGN_KEYS:
        frame, ref = frames.get(table), frames.get(ref_table)
        if frame is None or ref is None or column not in frame or ref_column not in ref:
            continue
        values = text_values(frame[column])
        known = {v for v in text_values(ref[ref_column]) if v is not None}
        bad = [i for i, v in enumerate(values) if v is not None and v not in known]
        failure = _rows_failure(
            table, column, f"foreign_key:{ref_table}.{ref_column}", frame, bad,
            f"value not found in {ref_table}.{ref_column}", lambda r, v=values: v[r],
        )
        if failure:
            failures.append(failure)
    return failures


# --- cross-checks ------------------------------------------------------------------------


def _source_origins(frames: dict[str, pd.DataFrame]) -> dict[str, str | None]:
    sources = frames["sources"]
    if not {"source_id", "origin"} <= set(sources.columns):
        return {}
    return {
        str(s): (None if plain_value(o) is None else str(o))
        for s, o in zip(sources["source_id"], sources["origin"], strict=True)
    }


def _is_extracted(source_id: object, origins: dict[str, str | None]) -> bool:
    """Rows read from an archived file (not transcribed from a cited page)."""
    return origins.get(str(source_id)) in EXTRACTED_ORIGINS


def check_fiscal_years(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """A selection's (and coverage row's) fiscal year lies within its programme's years."""
    programs = frames["programs"]
    years = {
        str(p): (plain_value(s), plain_value(e))
        for p, s, e in zip(
            programs["program_id"], programs["start_year"], programs["end_year"], strict=True
        )
    }
    failures = []
    for table in ("selections", "coverage"):
        frame = frames[table]
        bad = []
        for i, (program, year) in enumerate(
            zip(frame["program_id"], frame["fiscal_year"], strict=True)
        ):
            if str(program) not in years:
                continue  # the foreign-key check reports it
            start, end = years[str(program)]
            try:
                year = int(year)
            except (TypeError, ValueError):
                continue  # the schema reports it
            if (start is not None and year < int(start)) or (end is not None and year > int(end)):
                bad.append(i)
        failure = _rows_failure(
            table, "fiscal_year", "fiscal_year_within_program_years", frame, bad,
            "fiscal year outside the programme's start_year..end_year (programs table)",
            lambda r, f=frame: f"{f['program_id'].iloc[r]} {f['fiscal_year'].iloc[r]}",
        )
        if failure:
            failures.append(failure)
    return failures


def check_member_composition(
    frames: dict[str, pd.DataFrame], missing: set[str], report: ValidationReport
) -> list[Failure]:
    """Members read from the official list count exactly one announced composition."""
    members = frames["platform_members"]
    origins = _source_origins(frames)
    if not len(members):
        report.notes.append("platform member composition not checked: no member rows")
        return []
    from_list = members[[_is_extracted(s, origins) for s in members["source_id"]]]
    list_sources = sorted({str(s) for s in from_list["source_id"]})
    if not len(from_list) or set(list_sources) & missing:
        report.notes.append(
            "platform member composition not checked: the member list is not archived "
            "(transcribed members are partial by design)"
        )
        # A partial (transcribed) list may hold fewer members per category, never more.
        counts = members["category"].astype(str).value_counts().to_dict()
        most = {
            c: max(m.counts[c] for m in MEMBER_COMPOSITIONS) for c in PLATFORM_COMPOSITION.counts
        }
        over = [{"category": c, "held": int(n), "announced": most.get(c, 0)}
                for c, n in sorted(counts.items()) if n > most.get(c, 0)]
        if over:
            return [Failure("platform_members", "category", "held_not_above_announced_count",
                            len(over), tuple(over), "more members held than announced")]
        return []
    counts = from_list["category"].astype(str).value_counts().to_dict()
    matched = matching_composition(counts)
    if matched is not None:
        report.member_composition = matched.label
        return []
    wanted = " or ".join(
        f"{c.label} {dict(sorted(c.counts.items()))} (total {c.total})"
        for c in MEMBER_COMPOSITIONS
    )
    examples = tuple(
        {"category": cat, "held": int(counts.get(cat, 0)), "source_id": ", ".join(list_sources)}
        for cat in sorted(set(counts) | set(MEMBER_COMPOSITIONS[0].counts))
    )
    return [
        Failure(
            "platform_members", "category", "member_counts_match_announced_composition",
            len(from_list), examples,
            f"held {dict(sorted(counts.items()))} (total {len(from_list)}); announced {wanted}. "
            "A heading or page the extractor did not understand? Render the pages with "
            "`python -m pipeline debug " + (list_sources[0] if list_sources else "SOURCE") + "`",
            tuple(list_sources),
        )
    ]


def check_announced_counts(
    frames: dict[str, pd.DataFrame], missing: set[str], report: ValidationReport
) -> list[Failure]:
    """Held selections never exceed the announced count; an official list matches it."""
    selections = frames["selections"]
    if not len(selections):
        report.notes.append("announced selection counts not checked: no selection rows")
        return []
    origins = _source_origins(frames)
    failures: list[Failure] = []
    too_many: list[dict] = []
    official_off: list[dict] = []
    blamed: dict[str, set[str]] = {"too_many": set(), "official_off": set()}
    per_key = held_counts(selections)
    figures = {(a.program_id, a.track, a.fiscal_year, a.round): a.count for a in ANNOUNCED_COUNTS}
    for key, count in per_key.items():  # held_counts orders its keys
        if key in figures and count > figures[key]:
            too_many.append({"key": "/".join(map(str, key)), "held": count,
                             "announced": figures[key]})
            blamed["too_many"] |= _key_sources(selections, key)
    # Years whose announcement states no count (CAO FY2024) are not in the track's total, so
    # their rows are not counted against it either.
    uncounted = {a.key for a in ANNOUNCEMENTS if a.count is None}
    for (program, track), rows in selections.groupby(["program_id", "track"], sort=True):
        total = announced_count(str(program), str(track))
        sources = sorted({str(s) for s in rows["source_id"]})
        counted = sum(
            (str(program), str(track), plain_value(y), "" if plain_value(r) is None else str(r))
            not in uncounted
            for y, r in zip(rows["fiscal_year"], rows["round"], strict=True)
        )
        if total and counted > total:
            too_many.append({"key": f"{program}/{track}", "held": counted, "announced": total,
                             "source_id": ", ".join(sources)})
            blamed["too_many"] |= set(sources)
        official = all(_is_extracted(s, origins) for s in sources) and not set(sources) & missing
        if not official or not total:
            continue
        keys = {k: v for k, v in figures.items() if k[:2] == (program, track)}
        off = [k for k, v in keys.items() if per_key.get(k, 0) != v]
        if len(rows) != total or off:
            blamed["official_off"] |= set(sources)
            official_off.append({
                "key": f"{program}/{track}", "held": len(rows), "announced": total,
                "source_id": ", ".join(sources),
                "message": "per year/round: " + "; ".join(
                    f"{k[2]}{'/' + k[3] if k[3] else ''} held {per_key.get(k, 0)} of {keys[k]}"
                    for k in sorted(off)
                ) if off else "",
            })
    if too_many:
        failures.append(Failure(
            "selections", "track", "held_not_above_announced_count", len(too_many),
            tuple(too_many[:MAX_EXAMPLES]),
            "more selections held than the programme announced (duplicates? rows of another "
            "year or track?)",
            _blame(blamed["too_many"]),
        ))
    if official_off:
        failures.append(Failure(
            "selections", "track", "official_list_matches_announced_count", len(official_off),
            tuple(official_off[:MAX_EXAMPLES]),
            "an official list read from an archived file does not hold the announced number of "
            "selections: the extractor probably misread its layout; render the pages with "
            "`python -m pipeline debug SOURCE_ID`",
            _blame(blamed["official_off"]),
        ))
    failures += _check_joint_regions(selections, origins, missing)
    return failures


def _blame(sources: set[str]) -> tuple[str, ...]:
    """Sources to blame, or none when a row had no source (see Failure.source_ids)."""
    return () if not sources or "None" in sources else tuple(sorted(sources))


def _key_sources(selections: pd.DataFrame, key: tuple) -> set[str]:
    """Sources of the selection rows counted under a coverage key (see held_counts)."""
    program, track, year, round_ = key
    rows = selections[
        (selections["program_id"].astype(str) == program)
        & (selections["track"].astype(str) == track)
    ]
    picked = [
        str(plain_value(s))
        for s, y, r in zip(rows["source_id"], rows["fiscal_year"], rows["round"], strict=True)
        if plain_value(y) == year and round_key(r) == round_
    ]
    return set(picked)


def _check_joint_regions(
    selections: pd.DataFrame, origins: dict[str, str | None], missing: set[str]
) -> list[Failure]:
    """Each joint announcement's regions (pipeline.announced.JOINT_ANNOUNCEMENTS): rows linked
    across its lists at most the announced number of shared regions (exactly it when every list
    comes from an official file), and at most the announced number of regions in all."""
    failures: list[Failure] = []
    joint_keys = joint_key_years()
    for joint in JOINT_ANNOUNCEMENTS:
        rows = _joint_rows(selections, joint, joint_keys)
        if not len(rows):
            continue
        lists = rows["program_id"].astype(str) + "/" + rows["track"].astype(str)
        spans = lists.groupby(rows["selection_group_id"]).agg(lambda t: len(set(t)))
        shared = sorted(str(g) for g, n in spans.items() if n > 1)
        blame = _blame({str(plain_value(s)) for s in rows["source_id"]})
        label = f"FY{joint.fiscal_year} {joint.kind}"
        if joint.in_several is not None:
            official = all(
                len(part := rows[lists == name])
                and all(_is_extracted(s, origins) and s not in missing for s in part["source_id"])
                for name in joint.lists
            )
            if len(shared) > joint.in_several or (official and len(shared) != joint.in_several):
                name = ("smc_regions_in_both_lists" if joint.kind == "smart_mobility_challenge"
                        else "joint_regions_in_several_lists")
                failures.append(Failure(
                    "selections", "selection_group_id", name, len(shared),
                    tuple({"value": g} for g in shared[:MAX_EXAMPLES]),
                    f"{label}: {len(shared)} region(s) linked in several lists; "
                    f"{joint.in_several} announced", blame,
                ))
        if joint.regions is not None and spans.size > joint.regions:
            failures.append(Failure(
                "selections", "selection_group_id", "joint_regions_not_above_announced",
                int(spans.size), (), f"{label}: {spans.size} regions held (distinct "
                f"selection_group_id); {joint.regions} announced", blame,
            ))
    return failures


def _joint_rows(selections: pd.DataFrame, joint: JointAnnouncement,
                joint_keys: dict[tuple[str, str, int, str], int]) -> pd.DataFrame:
    """The selections a joint announcement counts: its lists in its year (for a joint review,
    only the rounds of the joint selection, not a later second call)."""
    keep = []
    for program, track, year, round_ in zip(selections["program_id"], selections["track"],
                                            selections["fiscal_year"], selections["round"],
                                            strict=True):
        year = plain_value(year)
        key = (str(program), str(track), year, round_key(round_))
        keep.append(year == joint.fiscal_year and f"{key[0]}/{key[1]}" in joint.lists
                    and (joint.kind != "joint_review" or key in joint_keys))
    return selections[pd.Series(keep, index=selections.index, dtype=bool)]


def check_evidence(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """Each fact row's evidence grade is the one its source gives (sources.authority, origin)."""
    grades = evidence_by_source(frames["sources"])
    failures = []
    for table in ("selections", "platform_members"):
        frame = frames[table]
        if not len(frame):
            continue
        expected = [grades.get(str(s)) for s in frame["source_id"]]
        bad = [i for i, (e, g) in enumerate(zip(expected, frame["evidence"], strict=True))
               if e is not None and e != g]
        failure = _rows_failure(
            table, "evidence", "evidence_matches_source", frame, bad,
            "evidence differs from the grade its source gives (origin and authority)",
            lambda r, f=frame: f["evidence"].iloc[r],
        )
        if failure:
            failures.append(failure)
    return failures


def check_coverage_counts(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """coverage.held_count is the number of selection rows of its key."""
    coverage, selections = frames["coverage"], frames["selections"]
    if not len(coverage):
        return []
    per_key = held_counts(selections) | member_held_counts(frames["platform_members"])
    bad = []
    for i, row in enumerate(coverage.itertuples(index=False)):
        key = (str(row.program_id), str(row.track), plain_value(row.fiscal_year),
               round_key(row.round))
        if plain_value(row.held_count) != per_key.get(key, 0):
            bad.append(i)
    failure = _rows_failure(
        "coverage", "held_count", "held_count_matches_selections", coverage, bad,
        "held_count differs from the number of selection rows of this key",
        lambda r: coverage["held_count"].iloc[r],
    )
    return [failure] if failure else []


def check_missing_sources(frames: dict[str, pd.DataFrame], missing: set[str]) -> list[Failure]:
    """Missing sources are listed as such, and no row claims to come from one."""
    failures: list[Failure] = []
    sources = frames["sources"]
    status = {str(s): str(t) for s, t in zip(sources["source_id"], sources["status"], strict=True)}
    unlisted = sorted(s for s in missing if status.get(s) != "missing")
    if unlisted:
        failures.append(Failure(
            "sources", "status", "missing_source_listed_as_missing", len(unlisted),
            tuple({"value": s, "status": status.get(s)} for s in unlisted[:MAX_EXAMPLES]),
            "a source reported missing has no sources row with status 'missing'",
        ))
    for table in TABLES:
        frame = frames[table]
        if table == "sources" or "source_id" not in frame.columns or not missing:
            continue
        bad = [i for i, s in enumerate(frame["source_id"]) if str(s) in missing]
        failure = _rows_failure(
            table, "source_id", "no_rows_from_missing_source", frame, bad,
            "rows cite a source that is missing from raw/",
        )
        if failure:
            failures.append(failure)
    return failures


def _merged(found: Iterable[Failure]) -> list[Failure]:
    """The one-row failures earlier stages found, one failure per check (as validation's own):
    their rows summed, a few examples, blamed on their sources unless one row has none."""
    grouped: dict[tuple[str, str, str], list[Failure]] = {}
    for failure in found:
        grouped.setdefault((failure.table, failure.column, failure.check), []).append(failure)
    merged = []
    for (table, column, check), items in sorted(grouped.items()):
        examples = tuple(e for f in items for e in f.examples)[:MAX_EXAMPLES]
        blame = () if any(not f.source_ids for f in items) else tuple(
            sorted({s for f in items for s in f.source_ids}))
        merged.append(Failure(table, column, check, sum(f.rows for f in items), examples,
                              "", blame))
    return merged


_CROSS_CHECKS = ("fiscal years", "member composition", "announced counts", "coverage counts",
                 "missing sources", "evidence")


def validate_tables(
    tables: dict[str, pd.DataFrame],
    missing_sources: set[str],
    found: Iterable[Failure] = (),
) -> ValidationReport:
    """Validate every published table; never raises for bad data (read ``report.ok``).

    Raises ValidationFailed only when pandera validation is switched off in the environment.
    ``found`` are the failures earlier stages found (e.g. an area that matches no local
    government); they fail validation like any other check.
    """
    require_validation_enabled()
    missing = set(missing_sources)
    report = ValidationReport(missing_sources=sorted(missing))
    frames = _validate_schemas(tables, report)
    report.failures += check_foreign_keys(frames)
    runs: list[Callable[[], list[Failure]]] = [
        lambda: check_fiscal_years(frames),
        lambda: check_member_composition(frames, missing, report),
        lambda: check_announced_counts(frames, missing, report),
        lambda: check_coverage_counts(frames),
        lambda: check_missing_sources(frames, missing),
        lambda: check_evidence(frames),
    ]
    for name, run in zip(_CROSS_CHECKS, runs, strict=True):
        try:
            report.failures += run()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # Only reachable when a schema already failed: say the check could not run.
            report.failures.append(
                Failure("*", "*", f"cross_check_not_run:{name.replace(' ', '_')}", 0, (),
                        f"{type(exc).__name__}: {exc}")
            )
    report.failures += _merged(found)
    return report


__all__ = [
    "ValidationReport",
    "check_foreign_keys",
    "require_validation_enabled",
    "validate_tables",
]
