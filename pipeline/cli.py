"""Command line: ``python -m pipeline COMMAND``. Each command is one stage or a read-only view.

Exit codes: 0 ok; 1 unexpected error; 2 bad arguments (including an --out-dir that must not be
replaced and an unknown source id); 3 a source failed (the others are published, see
pipeline.build) or validation failed as a whole (nothing published); 4 strict mode (check) and
a source is missing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.errors import PipelineError, UsageError, ValidationFailed
from pipeline.progress import say
from pipeline.workspace import workspace_root

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_MISSING = 4


REPO = workspace_root()
# `make sql Q="..."` hands the query over in this variable, untouched by make and the shell.
QUERY_VARIABLE = "JP_SMARTCITY_QUERY"
SQL_USAGE = 'usage: make sql Q="SELECT * FROM programs"  (or: python -m pipeline sql QUERY)'
WHERE = "in the checkout holding this code, else in the current folder; now"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--raw-dir",
        type=Path,
        default=REPO / "raw",
        help=f"archived sources (default: raw/ {WHERE} %(default)s)",
    )
    common.add_argument(
        "--out-dir",
        type=Path,
        default=REPO / "processed",
        help=f"publication folder (default: processed/ {WHERE} %(default)s)",
    )
    common.add_argument(
        "--sources",
        dest="registry",
        type=Path,
        default=None,
        metavar="FILE",
        help="another sources registry (TOML), e.g. a mirror",
    )
    common.add_argument("--offline", action="store_true", help="never contact the network")
    common.add_argument("-v", "--verbose", action="store_true", help="more detail")

    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Rebuild the Japan smart-city initiatives dataset from its public sources.",
        epilog="Exit codes: 0 ok, 1 unexpected error, 2 bad arguments, "
        "3 a source (or validation) failed, 4 a source is missing (check only).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "fetch", parents=[common], help="download every source into raw/ (archived, checksummed)"
    )
    build = sub.add_parser(
        "build", parents=[common], help="extract, validate and publish from raw/ only (no network)"
    )
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    sub.add_parser("all", parents=[common], help="fetch, then build (what `make` runs)")
    check = sub.add_parser(
        "check",
        parents=[common],
        help="strict build: fail if a source is missing or anything is invalid",
    )
    check.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    sub.add_parser("sources", parents=[common], help="list the sources and what raw/ holds of each")
    debug = sub.add_parser(
        "debug", parents=[common],
        help="print the role the extractor gave each printed line, and render the pages (PNG)",
    )
    debug.add_argument("source_id")
    debug.add_argument("--page", type=int, action="append", help="page number (repeatable)")
    debug.add_argument(
        "--pictures", type=Path, default=None,
        help="folder for the PNGs (default: debug/SOURCE_ID in the checkout)",
    )
    sub.add_parser("report", parents=[common], help="draw the figures into processed/report/")
    sub.add_parser(
        "clean", parents=[common], help="delete the publication, keeping your own files in it"
    )
    dist = sub.add_parser(
        "dist", parents=[common], help="zip a versioned release bundle into dist/"
    )
    dist.add_argument(
        "--dist-dir",
        type=Path,
        default=REPO / "dist",
        help=f"where the zip goes (default: dist/ {WHERE} %(default)s)",
    )
    sql = sub.add_parser(
        "sql", parents=[common], help="run a SQL query on the published DuckDB file",
        epilog=f"Without QUERY, the query is read from ${QUERY_VARIABLE} (what `make sql` sets "
        "from Q, so that the shell never reads the query's quotes, $ and parentheses).",
    )
    sql.add_argument("query", nargs="?", help=f"the query (default: ${QUERY_VARIABLE})")
    serve = sub.add_parser(
        "serve", parents=[common], help="browse the publication with Datasette (read-only)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument("--port", type=int, default=8001, help="port (%(default)s)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted; archived and published files are as they were", file=sys.stderr)
        return 130


def cmd_fetch(args: argparse.Namespace) -> int:
    _fetch(args, every_source=True)
    return EXIT_OK


def _fetch(args: argparse.Namespace, every_source: bool) -> dict[str, str]:
    """Fetch every source; say what changed, and return why it could not archive each source
    it could not (source id -> why; the build's end adds how to add it).

    ``every_source``: a line per source (``make fetch``, or ``-v``); otherwise (``make``) only
    the sources whose state is news, as the build's end lists the missing ones.
    """
    from pipeline.fetch import FetchConfig, fetch_all
    from pipeline.workspace.registry import load_registry

    sources = load_registry(args.raw_dir, args.registry)
    results = fetch_all(args.raw_dir, sources, FetchConfig(offline=args.offline))
    every_source = every_source or args.verbose
    missing = {r.source_id: r.why for r in results if r.status == "missing"}
    for result in results:
        if every_source or (result.news and result.source_id not in missing):
            say(f"{result.status:8} {result.source_id}: {result.message}")
    counts = {
        "downloaded": sum(r.downloaded for r in results),
        "stale (refresh failed, the archived copy is used)": sum(
            r.status == "stale" for r in results),
        "failed": sum(r.status == "failed" for r in results),
        "not downloaded": len(missing),
    }
    said = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    kept = len(results) - sum(counts.values())
    say(f"fetch: {len(results)} source(s): {kept} as raw/ held them"
        + (f", {said}" if said else "")
        + ("; the build goes on with what raw/ holds" if missing else ""))
    return missing


def _build(
    args: argparse.Namespace, strict: bool, not_downloaded: dict[str, str] | None = None
) -> int:
    from pipeline.build import BuildConfig, build
    from pipeline.outcome import closing_lines
    from pipeline.publish.swap import check_out_dir

    check_out_dir(args.out_dir)  # before any work: a refused --out-dir is a usage error
    config = BuildConfig(
        raw_dir=args.raw_dir,
        out_dir=args.out_dir,
        registry_file=args.registry,
        strict=strict,
        force=getattr(args, "force", False),
        verbose=args.verbose,
    )
    outcome = build(config)
    say()
    for line in closing_lines(outcome, args.out_dir, not_downloaded):
        say(line)
    if outcome.source_errors or not outcome.validation_ok:
        return EXIT_INVALID
    if strict and outcome.missing_sources:
        print(f"check failed: {len(outcome.missing_sources)} source(s) missing",
              file=sys.stderr)
        return EXIT_MISSING
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    return _build(args, strict=False)


def cmd_check(args: argparse.Namespace) -> int:
    return _build(args, strict=True)


def cmd_all(args: argparse.Namespace) -> int:
    from pipeline.publish.swap import check_out_dir

    check_out_dir(args.out_dir)  # refused before the fetch, not after it
    return _build(args, strict=False, not_downloaded=_fetch(args, every_source=False))


def cmd_sources(args: argparse.Namespace) -> int:
    from pipeline.announced import ANNOUNCEMENTS, SINGLE_ROUND
    from pipeline.workspace import Archive
    from pipeline.workspace.registry import official_lists, unregistered_list_sources

    archive = Archive(args.raw_dir, args.registry)
    held = {}
    for entry in archive.entries:
        held.setdefault(entry.source_id, entry)
    width = max(len(s.source_id) for s in archive.sources) + 1
    for source in archive.sources:
        entry = held.get(source.source_id)
        state = (
            f"{entry.origin:8} {entry.path}"
            if entry
            else f"{'missing':8} {source.url or source.path}"
        )
        print(f"{source.source_id:{width}} {state}")

    def described(source) -> str:
        marks = ["held" if source.source_id in held else "missing"]
        if source.partial_list:
            marks.append("part of a round")
        if not source.extractor:
            marks.append("no extractor yet")
        return f"{source.source_id} ({', '.join(marks)})"

    print("\nOfficial announcement of each announced list (held = archived in raw/):")
    by_id = {s.source_id: s for s in archive.sources}
    for name, sources in official_lists(archive.sources).items():
        announced = _announced_total(name)
        listed = ", ".join(described(s) for s in sources)
        print(f"  {name:52} {announced:>4} announced  {listed or 'none registered'}")
    for name, ids in unregistered_list_sources(archive.sources).items():
        print(f"  {name}: not in this registry: {', '.join(ids)}")
    print("\nEach announcement (pipeline/announced.toml; count '-' where no source states one):")
    for a in sorted(ANNOUNCEMENTS, key=lambda a: (a.fiscal_year, a.program_id, a.track,
                                                  a.round)):
        # a year announced in one go goes unsaid, as in the build's coverage lines
        key = f"FY{a.fiscal_year} {a.list_name}" + (
            f" ({a.round})" if a.round != SINGLE_ROUND else "")
        count = "-" if a.count is None else str(a.count)
        named = ", ".join(described(by_id[i]) if i in by_id else f"{i} (not registered)"
                          for i in a.sources)
        print(f"  {key:64} {count:>3}  {a.announced_on or 'date not known':14}  "
              f"{named or 'no official source known'}")
    return EXIT_OK


def _announced_total(name: str) -> int:
    from pipeline.announced import MEMBER_COMPOSITIONS, announced_count

    if "/" not in name:  # the platform's member list
        return MEMBER_COMPOSITIONS[0].total
    program, track = name.split("/")
    return announced_count(program, track)


def cmd_debug(args: argparse.Namespace) -> int:
    from pipeline.debug import debug_text, render_debug
    from pipeline.workspace import Archive

    archive = Archive(args.raw_dir, args.registry)
    known = sorted({s.source_id for s in archive.sources} | {e.source_id for e in archive.entries})
    if args.source_id not in known:
        raise UsageError(
            f"unknown source id {args.source_id!r}; known ids: {', '.join(known)}"
        )
    files = archive.files(args.source_id, "application/pdf")
    if not files:
        raise PipelineError(f"{args.source_id}: no archived PDF under {args.raw_dir}")
    # an attachment (meti_smc_release_<file>) is read by its parent's extractor
    parents = {s.source_id: s.parent_source_id for s in archive.sources}
    parents |= {e.source_id: e.parent_source_id for e in archive.entries}
    reader = parents.get(args.source_id) or args.source_id
    # outside processed/, which a publish replaces
    out = args.pictures or REPO / "debug" / args.source_id
    for path in files:
        lines = debug_text(args.source_id, path, pages=args.page, registry_file=args.registry,
                           extractor_source=reader)
        if lines is not None:
            print(f"{path}: the role of each printed line (page, role, text)")
            for line in lines:
                print(line)
        for png in render_debug(args.source_id, path, out, pages=args.page,
                                registry_file=args.registry, extractor_source=reader):
            print(png)
    return EXIT_OK


def cmd_sql(args: argparse.Namespace) -> int:
    query = args.query if args.query is not None else os.environ.get(QUERY_VARIABLE, "")
    if not query.strip():
        print(SQL_USAGE, file=sys.stderr)
        return EXIT_USAGE
    import duckdb

    database = args.out_dir / "smartcity.duckdb"
    if not database.exists():
        raise PipelineError(f"{database} does not exist: run `make` first")
    with duckdb.connect(str(database), read_only=True) as connection:
        try:
            result = connection.sql(query)
        except duckdb.Error as exc:
            raise PipelineError(f"query failed: {exc}") from exc
        if result is not None:
            # Python values, not a DataFrame's dtypes: a DATE prints as 2019-08-08 (not as a
            # midnight timestamp), an integer column with NULLs as integers
            import pandas as pd

            frame = pd.DataFrame(result.fetchall(), columns=result.columns, dtype=object)
            print(frame.where(frame.notna(), "NULL").to_string(index=False))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import make_report

    for path in make_report(args.out_dir):
        print(path)
    return EXIT_OK


def cmd_clean(args: argparse.Namespace) -> int:
    from pipeline.publish.swap import remove_publication

    kept = [f"{rel}/" if (args.out_dir / rel).is_dir() else rel
            for rel in remove_publication(args.out_dir)]
    if kept:
        print(f"removed the publication from {args.out_dir}; kept your files: {', '.join(kept)}")
    else:
        print(f"removed {args.out_dir}")
    return EXIT_OK


def cmd_dist(args: argparse.Namespace) -> int:
    from pipeline.dist import make_dist

    print(make_dist(args.out_dir, args.dist_dir, REPO))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from pipeline.serve import serve

    return serve(args.out_dir, host=args.host, port=args.port)


COMMANDS = {
    "report": cmd_report,
    "clean": cmd_clean,
    "dist": cmd_dist,
    "fetch": cmd_fetch,
    "build": cmd_build,
    "check": cmd_check,
    "all": cmd_all,
    "sources": cmd_sources,
    "debug": cmd_debug,
    "sql": cmd_sql,
    "serve": cmd_serve,
}
