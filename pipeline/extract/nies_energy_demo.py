"""METI 次世代エネルギー・社会システム実証: the areas selected on 2010-04-08, from NIES's news item.

The 環境展望台 page (National Institute for Environmental Studies) reports the selection in
prose (``…として、神奈川県横浜市、…、福岡県北九州市の4地域を選定``), or lists the areas as
bullet lines or a table. Each area is kept as printed (``京都府けいはんな学研都市``, never
narrowed to a municipality) and must begin with its prefecture, so a misread sentence fails
instead of publishing fragments. The page must name the programme and the selection date, and
the number of areas must be the announced one (``pipeline.announced``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.announced import ENERGY_DEMO_PROGRAM, ENERGY_DEMO_ROUND, announced_round_count
from pipeline.errors import SourceError
from pipeline.extract.mic_release import check_release, read_single_page, rows_from_tables
from pipeline.extract.result import ExtractOutput, selections_frame
from pipeline.text import normalize_text, split_prefecture

__all__ = ["extract"]

TRACK = "demonstration_area"
_COUNT = r"(?P<n>\d+|[一二三四五六七八九十])"
# "...として、A、B、C、Dの4地域を選定": the list ends at 「のN地域」 and starts after the last
# 「として」/「は、」/「に」 of its sentence.
_SENTENCE_RE = re.compile(rf"(?P<list>[^。]*?)の{_COUNT}(?:つの)?(?:地域|エリア|都市)")
_LIST_START_RE = re.compile(r".*(?:として|は、|には|に、|:|：)")
_BULLET_RE = re.compile(r"^[・○◯●■◆\-－\d①-⑳()（）.．、\s]+")
_KANJI = {c: i for i, c in enumerate("〇一二三四五六七八九十")}


def _split_items(text: str) -> list[str]:
    """Split a list on 、 and ・-free separators, never inside brackets."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += char in "(（「『"
        depth -= char in ")）」』"
        if char in "、," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [normalize_text(i) for i in items if normalize_text(i)]


def areas_in_prose(text: str) -> list[str] | None:
    """The areas of the first sentence 「A、B…のN地域」 naming as many areas as it counts."""
    for match in _SENTENCE_RE.finditer(unicodedata.normalize("NFKC", text).replace("\n", "")):
        n = match.group("n")
        items = _split_items(_LIST_START_RE.sub("", match.group("list")))
        if len(items) == (int(n) if n.isdigit() else _KANJI[n]):
            return items
    return None


def areas_in_lines(lines: list[str], announced: int) -> list[str] | None:
    """Consecutive bullet or plain lines each naming a prefecture and an area."""
    run: list[str] = []
    for line in lines:
        item = normalize_text(_BULLET_RE.sub("", unicodedata.normalize("NFKC", line)))
        prefecture, _ = split_prefecture(item)
        if prefecture and item != prefecture and len(item) < 40:
            run.append(item)
            continue
        if len(run) == announced:
            return run
        run = []
    return run if len(run) == announced else None


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The announced areas, each as printed, with its prefecture."""
    path, soup, text = read_single_page(source_id, files)
    expected = ENERGY_DEMO_ROUND
    check_release(source_id, path, text, expected, ENERGY_DEMO_PROGRAM, (expected,))
    announced = announced_round_count(expected, TRACK)
    table = [c.cells.get("area") or "" for c in rows_from_tables(soup)]
    areas = ([a for a in table if a] or areas_in_prose(text)
             or areas_in_lines(text.splitlines(), announced))
    if not areas:
        raise SourceError(source_id, f"no list of {announced} areas was recognised (a sentence "
                          f"「…の{announced}地域」, {announced} lines naming a prefecture and an "
                          "area, or a table with an area column)", path=path)
    if len(areas) != announced:
        raise SourceError(source_id, f"{len(areas)} areas read ({areas}), {announced} were "
                          "announced (pipeline/announced.py)", path=path)
    records = []
    for area in areas:
        prefecture, _ = split_prefecture(area)
        if prefecture is None:
            raise SourceError(source_id, f"area {area!r} does not begin with its prefecture: "
                              "the list was misread", path=path)
        records.append({
            "program_id": expected.program_id, "track": TRACK,
            "fiscal_year": expected.fiscal_year, "round": expected.round,
            "announced_on": expected.announced_on, "project_name_ja": None,
            "lead_org_ja": None, "consortium_ja": None, "prefecture_ja": prefecture,
            "area_ja": area, "note": "area as printed by the NIES news item",
            "source_id": source_id, "page": None, "list_key": None,
        })
    return ExtractOutput({"selections": selections_frame(records)})
