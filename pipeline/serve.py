"""Browse the publication with Datasette (``make serve``): the SQLite copy, read-only, with
metadata generated from the schemas and the publication's own ``datapackage.json``.

Nothing here describes the data by hand: titles and descriptions come from ``schemas/``, the
licence and attribution from ``pipeline.publish.descriptors``, what the build holds and lacks
from ``datapackage.json``, the canned queries from ``examples/queries.sql``. The server opens the
file immutable (no write can reach it), enables no plugin beyond Datasette's own and listens on
the loopback address unless told otherwise.
"""

from __future__ import annotations

import html
import json
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.publish.descriptors import (
    ATTRIBUTION,
    DATASET_TITLE,
    LICENSE,
    SQLITE_NAME,
    VIEW_DESCRIPTION,
    VIEW_NAME,
)
from schemas import (
    FOREIGN_KEYS,
    TABLES,
    column_descriptions,
    columns,
    table_description,
    table_title,
)
from schemas.vocabularies import EXTRACTED_ORIGINS, SINGLE_ROUND, evidence_text

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
DATABASE = Path(SQLITE_NAME).stem  # Datasette names a database after its file
QUERIES_FILE = Path(__file__).resolve().parent.parent / "examples" / "queries.sql"

# Columns worth a facet wherever a table (or the view) has them.
FACET_COLUMNS = ("program_id", "family_id", "track", "fiscal_year", "round", "prefecture_ja",
                 "category", "evidence", "authority", "status", "origin", "kind", "role",
                 "complete", "total_approximate", "is_platform_member")
# What a foreign key shows instead of the id: the first of these the referenced table has.
LABEL_COLUMNS = ("name_ja", "title", "area_ja")
VIEW_COLUMNS = ("lg_code", "prefecture_ja", "name_ja", "kind", "programs", "tracks",
                "selection_count", "is_platform_member", "selection_history")
SERVE_EXTRA = "pip install -e '.[serve]'"
# What each origin of a file read means, as the front page says it (schemas/vocabularies.py).
ORIGIN_WORDS = {
    "fetched": "downloaded",
    "wayback": "an Internet Archive copy",
    "manual": "put in raw/ by hand (a download or a transcription)",
    "bundled": "committed with the code",
}


def named_queries(path: Path = QUERIES_FILE) -> dict[str, dict[str, str]]:
    """``-- name: x`` blocks of examples/queries.sql: name -> {title (the question), sql}."""
    if not path.is_file():
        return {}
    queries: dict[str, dict[str, str]] = {}
    for block in re.split(r"^-- name: ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        name, body = block.split("\n", 1)
        question = re.match(r"\s*-- (.*)", body)
        sql = "\n".join(line for line in body.strip().splitlines() if not line.startswith("--"))
        queries[name.strip()] = {
            "title": question.group(1).strip() if question else name.strip(),
            "sql": sql.strip().rstrip(";").strip(),
        }
    return queries


def label_column(table: str) -> str | None:
    return next((c for c in LABEL_COLUMNS if c in columns(table)), None)


def _title(source: dict) -> str:
    """A datapackage source's title without the ``source_id: `` prefix it carries."""
    title = str(source.get("title", ""))
    prefix = f"{source.get('source_id')}: "
    return title[len(prefix):] if title.startswith(prefix) else title


def _gap_text(gap: dict) -> str:
    """One coverage gap: programme, track, year and round, held against announced."""
    e = html.escape
    year = f"FY{gap['fiscal_year']}" if gap.get("fiscal_year") is not None else "year unknown"
    named = gap.get("round")
    round_ = (" (round not known)" if named is None
              else "" if named in ("", SINGLE_ROUND) else f" {e(str(named))}")
    announced = gap.get("announced_count")
    counts = (f"{gap['held_count']} held of {announced} announced" if announced is not None
              else f"{gap['held_count']} held, number announced not known")
    return f"<code>{e(str(gap['program_id']))}</code> {e(str(gap['track']))} {year}{round_}: " \
        + counts


def _list(items: list[str], list_id: str = "") -> str:
    ident = f' id="{list_id}"' if list_id else ""
    return f"<ul{ident}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _linked_title(source: dict) -> str:
    """A source's title, linked to its URL when it has one."""
    e = html.escape
    if source.get("path"):
        return f"<a href=\"{e(source['path'])}\">{e(_title(source))}</a>"
    return e(_title(source))


def _held_of_announced(package: dict) -> str:
    """'61 of 108 announced selections and 33 of 471 platform members are held'."""
    parts = []
    for key, noun in (("announced_selections_held", "announced selections"),
                      ("announced_members_held", "announced platform members")):
        figure = package.get(key) or {}
        if figure.get("announced"):
            parts.append(f"{figure.get('held', 0)} of {figure['announced']} {noun}")
    if not parts:
        return ""
    return (f"<p>This build holds {' and '.join(parts)} (<a href=\"/{DATABASE}/coverage\">"
            "coverage</a>).</p>")


def _held_by_year(package: dict) -> str:
    """Selections held of those announced, per fiscal year, with the evidence of the rows held
    (datapackage.json ``announced_selections_held_by_year``)."""
    by_year = package.get("announced_selections_held_by_year") or []
    if not by_year:
        return ""
    rows = "".join(
        f"<tr><td>FY{y['fiscal_year']}</td><td>{y['held']} of {y['announced']}</td>"
        f"<td>{html.escape(evidence_text(y.get('evidence') or {}))}</td>"
        f"<td>{y.get('held_without_count', 0)}</td><td>{y['lists_without_count']}</td></tr>"
        for y in by_year
    )
    return (
        "<h3>Selections held of those announced, per fiscal year</h3><p>From <a href=\"/"
        + DATABASE + "/coverage\">coverage</a>: held of announced counts the lists whose number "
        "a source states; the rows held of a list whose number no source states, or of a round "
        "not known, are apart (not counted). The evidence is that of every selection held in "
        "the year.</p><table id=\"held-by-year\"><tr><th>fiscal year</th><th>held of "
        "announced</th><th>evidence of the rows held</th><th>held, not counted</th><th>lists "
        "without a number</th></tr>" + rows + "</table>"
    )


def _files_read(package: dict) -> str:
    """The files this build read (archived in raw/: downloaded, added by hand or bundled)."""
    e = html.escape
    files = [s for s in package.get("sources", []) if s.get("origin") in EXTRACTED_ORIGINS]
    if not files:
        return "<p>No source file was read for this build.</p>"
    return (
        "<h3>Files read for this build</h3><p>Archived in <code>raw/</code> and extracted ("
        + ", ".join(f"{e(origin)}: {e(meaning)}" for origin, meaning in ORIGIN_WORDS.items())
        + "), each with its authority and status:</p>"
        + _list([
            f"<code>{e(s['source_id'])}</code> {_linked_title(s)} ({e(s['origin'])}, "
            f"{e(s.get('authority', ''))}, {e(s.get('status', ''))})"
            for s in files
        ], "files-read")
    )


def _pages_cited(package: dict) -> str:
    """The web pages the hand transcriptions cite: seen by whoever transcribed them, never
    downloaded by the build, so never a source this build read."""
    e = html.escape
    sources = package.get("sources", [])
    cited = [s for s in sources if s.get("origin") == "cited"]
    if not cited:
        return ""
    unread = {s["path"]: s["source_id"] for s in sources
              if s.get("path") and s.get("status") != "ok" and s.get("origin") != "cited"}
    official = sum(1 for s in cited if s.get("authority") == "official")

    def item(source: dict) -> str:
        text = (f"<code>{e(source['source_id'])}</code> {_linked_title(source)} "
                f"({e(source.get('authority', ''))})")
        if source.get("path") in unread:
            text += (f": the page of <code>{e(unread[source['path']])}</code>, whose file this "
                     "build did not read")
        return text

    return (
        "<h3>Pages cited by the hand transcriptions</h3><p>Each transcribed row cites the web "
        "page it was read on. The build does not download these pages: they are not files "
        "read for this build.</p>"
        f"<details><summary>{len(cited)} pages: {official} official, "
        f"{len(cited) - official} secondary</summary>"
        + _list([item(s) for s in cited], "pages-cited")
        + "</details>"
    )


def front_page_html(package: dict) -> str:
    """What the build holds and lacks, from its datapackage.json, as the front page says it:
    how much of what was announced it holds, the sources it lacks, the files it read, and
    apart from them the pages its transcriptions cite."""
    e = html.escape
    complete = bool(package.get("complete"))
    parts = [f"<p>{e(package.get('description', ''))}</p>",
             f"<p>Version {e(str(package.get('version', '')))}. "
             + ("<strong>Complete</strong>: every source was read.</p>" if complete else
                "<strong>Incomplete</strong>: some sources are missing or failed; "
                "absence from this dataset is not absence from the programme.</p>")]
    parts.append(_held_of_announced(package))
    parts.append(_held_by_year(package))
    lacking = [s for s in package.get("sources", []) if s.get("status") != "ok"]
    if lacking:
        parts.append("<h3>Sources not in this build</h3><p>See the <a href=\"/" + DATABASE
                     + "/sources?status__not=ok\">sources table</a> for what to do:</p>")
        parts.append(_list([
            f"<code>{e(s['source_id'])}</code> {e(s.get('status', ''))}: {_linked_title(s)}"
            for s in lacking
        ], "sources-lacking"))
    gaps = package.get("incomplete_coverage") or []
    if gaps:
        parts.append("<h3>Programme tracks holding fewer selections than announced</h3>"
                     f"<p>From <a href=\"/{DATABASE}/coverage?complete=0\">coverage</a>:</p>")
        parts.append(_list([_gap_text(g) for g in gaps]))
    else:
        parts.append("<p>Every programme track holds as many selections as were announced.</p>")
    parts.append(_files_read(package))
    parts.append(_pages_cited(package))
    parts.append(f"<p>{e(ATTRIBUTION)}</p>")
    return "\n".join(part for part in parts if part)


def datasette_metadata(out_dir: Path, queries: dict[str, dict[str, str]] | None = None) -> dict:
    """Datasette's metadata.json for a publication folder."""
    package_file = Path(out_dir) / "datapackage.json"
    if not package_file.is_file():
        raise PipelineError(f"{package_file} does not exist: run `make` first")
    package = json.loads(package_file.read_text(encoding="utf-8"))
    referenced = {ref for _, _, ref, _ in FOREIGN_KEYS}
    tables: dict[str, dict] = {}
    for table in TABLES:
        entry: dict = {
            "title": table_title(table),
            "description": table_description(table),
            "columns": column_descriptions(table),
            "facets": [c for c in FACET_COLUMNS if c in columns(table)],
        }
        if table in referenced and label_column(table):
            entry["label_column"] = label_column(table)
        tables[table] = entry
    tables[VIEW_NAME] = {
        "title": "Municipality participation",
        "description": VIEW_DESCRIPTION + " Its list columns are JSON arrays.",
        "facets": [c for c in FACET_COLUMNS if c in VIEW_COLUMNS],
    }
    return {
        "title": package.get("title", DATASET_TITLE),
        "description_html": front_page_html(package),
        "license": LICENSE["title"],
        "license_url": LICENSE["path"],
        "source": "the sources table (each row's URL)",
        "source_url": f"/{DATABASE}/sources",
        "databases": {
            DATABASE: {
                "title": package.get("title", DATASET_TITLE),
                "description_html": front_page_html(package),
                "tables": tables,
                "queries": queries if queries is not None else named_queries(),
            }
        },
    }


def runnable_queries(database: Path, queries: dict[str, dict[str, str]]
                     ) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The queries Datasette's SQLite can prepare, and why the others cannot (an older SQLite
    lacks ``ORDER BY`` inside aggregates: 3.44+ is needed)."""
    from datasette.utils.sqlite import sqlite3  # pysqlite3 when installed, as Datasette does

    ok: dict[str, dict[str, str]] = {}
    failed: dict[str, str] = {}
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for name, query in queries.items():
            try:
                connection.execute("EXPLAIN " + query["sql"])
            except sqlite3.Error as exc:
                failed[name] = f"{exc} (SQLite {sqlite3.sqlite_version})"
            else:
                ok[name] = query
    finally:
        connection.close()
    return ok, failed


def third_party_plugins() -> list[str]:
    """Installed Datasette plugins other than Datasette's own: serve refuses to load them."""
    from datasette.plugins import get_plugins

    return sorted(p["name"] for p in get_plugins() if not p["name"].startswith("datasette."))


def datasette_command(out_dir: Path, metadata_file: Path, host: str, port: int) -> list[str]:
    """``datasette serve``, immutable, with the generated metadata and no extra plugin dir."""
    return [
        sys.executable, "-m", "datasette", "serve",
        "--immutable", str(Path(out_dir) / SQLITE_NAME),
        "--metadata", str(metadata_file),
        "--host", host,
        "--port", str(port),
        "--setting", "default_facet_size", "50",
        "--setting", "suggest_facets", "off",
    ]


def serve(out_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Run Datasette on the publication until Ctrl-C; returns its exit code."""
    try:
        import datasette  # noqa: F401
    except ImportError as exc:
        raise PipelineError(f"Datasette is not installed: {SERVE_EXTRA} (or `make serve`)"
                            ) from exc
    database = Path(out_dir) / SQLITE_NAME
    if not database.is_file():
        raise PipelineError(f"{database} does not exist: run `make` first")
    plugins = third_party_plugins()
    if plugins:
        raise PipelineError("refusing to serve with third-party Datasette plugins installed "
                            f"(they could write or upload): {', '.join(plugins)}")
    queries, failed = runnable_queries(database, named_queries())
    for name, reason in failed.items():
        print(f"serve: canned query {name} left out: {reason}", file=sys.stderr)
    if not QUERIES_FILE.is_file():
        print(f"serve: no canned queries ({QUERIES_FILE} is not here: not a checkout)",
              file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="datasette-") as folder:
        metadata_file = Path(folder) / "metadata.json"
        metadata_file.write_text(
            json.dumps(datasette_metadata(out_dir, queries), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        print(f"serving {database} on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
        return _run_until_stopped(datasette_command(out_dir, metadata_file, host, port))


def _run_until_stopped(command: list[str]) -> int:
    """Run the server; Ctrl-C or SIGTERM stop it too, so no server outlives this process."""
    child = subprocess.Popen(command)

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
