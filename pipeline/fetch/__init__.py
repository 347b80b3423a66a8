"""Fetch stage: download every registered source into ``raw/`` and record it in the manifest.

Why it is built this way: how to ask a server, what to keep of its answer and where else to
look change for different reasons, so each has a module (their docstrings give the reasons
behind the rules they keep):

* :mod:`pipeline.fetch.http` asks: politeness per host, retries, redirects within the
  allowed hosts, dead hosts, and a checked temporary file. It knows no source or manifest.
* :mod:`pipeline.fetch.keep` decides what ``raw/`` keeps (bundled files, manual copies,
  archived copies, changed upstream files beside the old ones) and rewrites the manifest.
* :mod:`pipeline.fetch.discovery` finds more to fetch: a page's attached PDFs and the
  Internet Archive's capture of a dead link.

This module wires them for one run: one client (so politeness and dead hosts span the run),
one keeper, and the attachments of an HTML source fetched right after it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import requests

from pipeline.fetch.discovery import attachment_links, discover_attachments
from pipeline.fetch.http import USER_AGENT, HttpClient, deadline_session
from pipeline.fetch.keep import Keeper, SourceFetchResult
from pipeline.workspace.registry import Source


@dataclass
class FetchConfig:
    """How politely and how patiently to fetch. Tests shrink the timeouts and delays."""

    user_agent: str = USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3  # extra attempts after the first, for 429 / 5xx / dropped connections
    backoff: float = 1.0  # seconds; doubled after each failed attempt
    per_host_delay: float = 1.0  # seconds between two requests to the same host
    max_bytes: int = 50 * 1024 * 1024
    wayback_base: str = "https://web.archive.org/web"
    offline: bool = False
    progress: bool | None = None  # None: only when stderr is a terminal and CI is unset
    max_retry_after: float = 60.0  # cap on a server's Retry-After, in seconds
    max_redirects: int = 5
    # Seconds. One download, all its tries and redirects included, ends by download_deadline;
    # the whole run by fetch_deadline (later sources are then not tried), so a network that
    # hangs costs about a minute before the build goes on with what raw/ holds.
    download_deadline: float = 45.0
    fetch_deadline: float = 50.0

    def show_progress(self) -> bool:
        if self.progress is not None:
            return self.progress
        return sys.stderr.isatty() and not os.environ.get("CI")


def fetch_all(
    raw_dir: Path,
    sources: list[Source],
    config: FetchConfig | None = None,
    session: requests.Session | None = None,
) -> list[SourceFetchResult]:
    """Fetch every source into ``raw_dir`` and update ``raw_dir/manifest.json``.

    Manifest entries of sources not in ``sources`` are kept as they are. The manifest is
    rewritten after every source (atomically, and only if it changed), so an interrupted run
    never leaves a downloaded file that the next run would mistake for a manual copy.
    """
    config = config or FetchConfig()
    raw_dir = Path(raw_dir)
    own_session = session is None and not config.offline
    if own_session:
        session = deadline_session()
    try:
        # Only hosts named in the registry, and the Internet Archive for dead links.
        wayback_host = urlparse(config.wayback_base).hostname
        extra_hosts = {wayback_host} if wayback_host else set()
        allowed_hosts = {s.host for s in sources if s.host} | extra_hosts
        client = HttpClient(session, config, allowed_hosts)
        keeper = Keeper(raw_dir, client, config.wayback_base, config.offline)
        if not config.offline:
            client.probe({s.host for s in sources if s.is_remote and s.host} | extra_hosts)
        results: list[SourceFetchResult] = []
        registered = {s.source_id for s in sources}
        for source in sources:
            result = keeper.keep(source)
            results.append(result)
            if source.follow_attachments and source.media_type == "text/html":
                for attachment in _attachments(raw_dir, source, result, registered):
                    results.append(keeper.keep(attachment))
        return results
    finally:
        if own_session and session is not None:
            session.close()


def _attachments(
    raw_dir: Path, parent: Source, result: SourceFetchResult, registered: set[str]
) -> list[Source]:
    """The attachments linked from the page a source's fetch left current, noted in its result."""
    page = next((e for e in reversed(result.entries) if e.current), None)
    if page is None or result.status == "failed":
        return []
    found = discover_attachments(parent, page, raw_dir, registered)
    result.message += f"; {len(found)} attached PDF(s) found" if found else ""
    return found


__all__ = ["FetchConfig", "SourceFetchResult", "attachment_links", "fetch_all"]
