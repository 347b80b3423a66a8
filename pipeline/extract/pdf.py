"""Shared PDF mechanism for the extractors: open safely, read one page at a time, fail clearly.

Nobody on the team has seen the real source PDFs, so every way a downloaded file can be wrong
(an HTML error page saved as .pdf, a truncated download, a password, a scan without a text
layer, fonts without a Unicode map) must end in a ``SourceError`` that names the source, the
file and the page, never in zero rows or a pdfminer traceback.

Pages are read one at a time and closed after use (pdfplumber keeps each page's parsed layout
until ``page.close()``), so memory does not grow with the page count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import SourceError

MAX_PAGES = 500  # a member list or a selection list is a few pages; thousands means a wrong file

_EOF_WINDOW = 4096  # the spec wants %%EOF in the last 1024 bytes; allow some trailing junk
_CID_RE = re.compile(r"\(cid:\d+\)")
_HTML_RE = re.compile(rb"<\s*(!doctype\s+html|html|head|body)\b", re.IGNORECASE)

Word = dict[str, Any]  # x0, x1, top, bottom, text, size (= bottom - top: the font size)

# extract_words settings shared by every extractor. Blank characters stay inside words so a
# name printed with a space ("テスト 商事") keeps it; columns are separate words because no
# characters are drawn between them.
WORD_SETTINGS: dict[str, Any] = {
    "keep_blank_chars": True,
    "x_tolerance": 3,
    "y_tolerance": 3,
}


@dataclass
class TableView:
    """A table found by pdfplumber from ruling lines: its box and cell texts by row."""

    bbox: tuple[float, float, float, float]
    rows: list[list[str | None]]
    cells: list[tuple[float, float, float, float]]


@dataclass
class PageView:
    """What an extractor needs of one page, detached from pdfplumber (the page is closed).

    ``words`` are visible words (duplicate overprinted chars and invisible text removed) in
    reading order; ``edges`` are ruling lines (lines, stroked rectangles, and filled ones thin
    enough to be a rule), each a dict with ``orientation`` ('h' or 'v'), x0, x1, top, bottom;
    ``shades`` are filled rectangles behind text (shaded rows, coloured header cells) as
    (x0, top, x1, bottom). Coordinates are as the page is shown: a page turned by ``/Rotate``
    is read turned, and ``width``/``height`` are its shown size.
    """

    number: int
    width: float
    height: float
    words: list[Word]
    edges: list[dict[str, Any]] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)
    invisible_chars: int = 0
    shades: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def h_rules(self) -> list[dict[str, Any]]:
        return [e for e in self.edges if e["orientation"] == "h"]

    @property
    def v_rules(self) -> list[dict[str, Any]]:
        return [e for e in self.edges if e["orientation"] == "v"]


def _fail(source_id: str, path: Path, message: str, page: int | None = None) -> SourceError:
    return SourceError(source_id, message, path=path, page=page)


def _check_bytes(source_id: str, path: Path) -> None:
    """Cheap checks on the raw bytes before pdfminer sees the file."""
    if not path.is_file():
        raise _fail(source_id, path, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise _fail(source_id, path, "empty file (0 bytes): a failed download?")
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - _EOF_WINDOW))
        tail = fh.read()
    if b"%PDF-" not in head:
        if _HTML_RE.search(head) or head.lstrip().startswith(b"<"):
            raise _fail(
                source_id, path,
                "not a PDF: the file is an HTML page saved as .pdf (an error or moved page?)",
            )
        raise _fail(source_id, path, f"not a PDF: no %PDF- header (starts with {head[:16]!r})")
    if b"%%EOF" not in tail:
        raise _fail(
            source_id, path,
            f"truncated or corrupt PDF: no %%EOF marker at the end ({size} bytes; "
            "an interrupted download?)",
        )


def _pdfminer_message(exc: BaseException) -> str:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return f"encrypted PDF: it needs a password ({name})"
    return f"truncated or corrupt PDF: pdfminer could not read it ({name}: {inner})"


@contextmanager
def open_pdf(
    source_id: str, path: Path, max_pages: int = MAX_PAGES
) -> Iterator[pdfplumber.PDF]:
    """Open a PDF after checking it is one, is complete, readable and of a sane size."""
    path = Path(path)
    _check_bytes(source_id, path)
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _fail(source_id, path, _pdfminer_message(exc)) from exc
    except Exception as exc:  # pdfminer raises many types on broken files
        raise _fail(source_id, path, _pdfminer_message(exc)) from exc
    try:
        try:
            count = page_count(pdf)
        except Exception as exc:
            raise _fail(source_id, path, _pdfminer_message(exc)) from exc
        if count == 0:
            raise _fail(source_id, path, "the PDF has zero pages")
        if count > max_pages:
            raise _fail(
                source_id, path,
                f"the PDF has {count} pages, more than the {max_pages} this source can have "
                "(the wrong file?)",
            )
        yield pdf
    finally:
        pdf.close()


def page_count(pdf: pdfplumber.PDF) -> int:
    """Pages in the document, from the page tree's /Count when it has one (no page is
    parsed), else by walking the tree."""
    if not hasattr(pdf, "_pages"):
        try:
            count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
            if isinstance(count, int) and count >= 0:
                return count
        except (KeyError, TypeError):
            pass
    return len(pdf.pages)


Box = tuple[float, float, float, float]


def _is_visible(ch: dict[str, Any], box: Box, shades: list[Box] = ()) -> bool:  # type: ignore[assignment]
    """False for text nobody sees: white fill (unless on a shaded box: white header text on a
    coloured row), microscopic, or off the page. (Render mode 3, invisible OCR text, is not
    exposed by pdfminer and is kept.)"""
    if ch.get("size", 1) < 1:
        return False
    if not (ch["x1"] > box[0] and ch["x0"] < box[2] and ch["bottom"] > box[1]
            and ch["top"] < box[3]):
        return False
    colour = ch.get("non_stroking_color")
    if colour is not None and _is_white(colour):
        mid_x, mid_y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        return any(s[0] <= mid_x <= s[2] and s[1] <= mid_y <= s[3] for s in shades)
    return True


_NEIGHBOURS = tuple((dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def clean_chars(
    chars: list[dict[str, Any]], box: Box, tolerance: float = 1, shades: list[Box] = ()  # type: ignore[assignment]
) -> tuple[list[dict[str, Any]], int]:
    """Visible chars without duplicates (same text, font and size drawn again within
    ``tolerance``: fake bold); returns them and the number of invisible chars.

    pdfplumber's ``dedupe_chars`` does the same but re-sorts with ``list.index`` (quadratic in
    the chars of a page); this is one pass with a position grid. (It runs on every char of
    every page: written as a plain loop, `make bench`.)
    """
    kept: list[dict[str, Any]] = []
    seen: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    invisible = 0
    for ch in chars:
        if not _is_visible(ch, box, shades):
            invisible += 1
            continue
        x0, top = ch["x0"], ch["top"]
        kx, ky = int(x0 // tolerance), int(top // tolerance)
        text = ch["text"]
        duplicate = False
        for dx, dy in _NEIGHBOURS:
            for o in seen.get((text, kx + dx, ky + dy), ()):
                if abs(o["x0"] - x0) <= tolerance and abs(o["top"] - top) <= tolerance \
                        and o["fontname"] == ch["fontname"] and o["size"] == ch["size"]:
                    duplicate = True
                    break
            if duplicate:
                break
        if duplicate:
            continue
        seen.setdefault((text, kx, ky), []).append(ch)
        kept.append(ch)
    return kept, invisible


def _is_white(colour: Any) -> bool:
    if isinstance(colour, list):
        colour = tuple(colour)
    try:
        return _is_white_colour(colour)
    except TypeError:  # unhashable: a pattern colour
        return False


@lru_cache(maxsize=256)
def _is_white_colour(colour: Any) -> bool:
    """Per colour, not per char: a page prints thousands of chars in a few colours."""
    if not isinstance(colour, tuple):
        colour = (colour,)
    try:
        values = [float(c) for c in colour]
    except (TypeError, ValueError):
        return False  # a pattern colour: treat as visible
    if len(values) == 1 or len(values) == 3:
        return all(v >= 0.99 for v in values)
    if len(values) == 4:  # CMYK
        return all(v <= 0.01 for v in values)
    return False


def check_text_layer(source_id: str, path: Path, page_number: int, text: str) -> None:
    """A page must have real text: empty means a scan, (cid:NN) means unmapped fonts."""
    stripped = re.sub(r"\s+", "", text)
    if not stripped:
        raise _fail(
            source_id, path,
            "scanned page? no text layer (no visible text on the page; OCR or transcribe it)",
            page_number,
        )
    unmapped = len(_CID_RE.findall(stripped))
    mapped = len(_CID_RE.sub("", stripped))
    if unmapped and unmapped >= mapped:
        raise _fail(
            source_id, path,
            f"text is mostly (cid:NN) codes: fonts without a Unicode map ({unmapped} unmapped "
            f"glyphs, {mapped} readable; try another copy of the file)",
            page_number,
        )


def iter_pages(
    source_id: str,
    path: Path,
    pdf: pdfplumber.PDF,
    pages: Iterable[int] | None = None,
    *,
    check_text: bool = True,
    tables: bool = False,
    table_settings: dict[str, Any] | None = None,
) -> Iterator[PageView]:
    """Yield PageViews one page at a time (1-based numbers, in document order whatever the
    order of ``pages``), closing each page after use.

    ``check_text`` applies ``check_text_layer`` to every page; ``tables`` also runs pdfplumber's
    ruled-table finder (slower, so off by default).
    """
    total = page_count(pdf)
    numbers = list(pages) if pages is not None else list(range(1, total + 1))
    for number in numbers:
        if not 1 <= number <= total:
            raise _fail(source_id, path, f"page {number} out of range 1..{total}")
    for number, page in _lazy_pages(source_id, path, pdf, set(numbers)):
        try:
            view = _read_page(page, number, tables, table_settings)
        except SourceError:
            raise
        except Exception as exc:
            raise _fail(source_id, path, _pdfminer_message(exc), number) from exc
        finally:
            page.close()
        if check_text:
            if not view.words and view.invisible_chars:
                raise _fail(
                    source_id, path,
                    f"scanned page? no text layer: only invisible text ({view.invisible_chars} "
                    "chars, an OCR layer?)",
                    number,
                )
            check_text_layer(source_id, path, number, view.text)
        yield view


def _lazy_pages(
    source_id: str, path: Path, pdf: pdfplumber.PDF, wanted: set[int]
) -> Iterator[tuple[int, Page]]:
    """The wanted pages in document order, each a fresh pdfplumber Page that nothing else
    keeps (``pdf.pages`` would keep every page and its content streams until the end).

    After each page pdfminer's object cache is emptied: it otherwise holds every page's
    content stream, so memory would grow with the page count.
    """
    if hasattr(pdf, "_pages"):  # someone already built pdf.pages: use them
        for page in pdf.pages:
            if page.page_number in wanted:
                yield page.page_number, page
        return
    doctop: float = 0
    last = max(wanted, default=0)
    try:
        for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
            if number > last:
                return
            page = Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
            doctop += page.height
            if number in wanted:
                yield number, page
            cache = getattr(pdf.doc, "_cached_objs", None)
            if isinstance(cache, dict):
                cache.clear()
    except SourceError:
        raise
    except Exception as exc:
        raise _fail(source_id, path, _pdfminer_message(exc)) from exc


def _read_page(
    page: Any, number: int, tables: bool, table_settings: dict[str, Any] | None
) -> PageView:
    box = shown_box(page)
    edges, shades = rules_and_shades(page)
    chars, invisible = clean_chars(page.chars, box, shades=shades)
    words = []
    for w in words_of_lines(chars):
        inked = [c for c in w.pop("chars") if not c["text"].isspace()]
        if inked:  # a word's blanks kept inside it; those at its ends are no part of it
            # (a label centred by a leading 「　」 would otherwise reach the number beside it)
            w["text"] = w["text"].strip()
            w["x0"], w["x1"] = min(c["x0"] for c in inked), max(c["x1"] for c in inked)
            w["size"] = w["bottom"] - w["top"]
            words.append(w)
    found: list[TableView] = []
    if tables and edges:
        kept = {id(c) for c in chars}
        visible = page.filter(lambda o: o.get("object_type") != "char" or id(o) in kept)
        for t in visible.find_tables(table_settings or {}):
            found.append(TableView(bbox=t.bbox, rows=t.extract(), cells=list(t.cells)))
    return PageView(
        number=number,
        width=box[2] - box[0],
        height=box[3] - box[1],
        words=sorted(words, key=lambda w: (round(w["top"]), w["x0"])),
        edges=edges,
        tables=found,
        invisible_chars=invisible,
        shades=shades,
    )


# How far back among the words made, at most, a word's first part is looked for (the words of
# other lines between them: a few columns' worth).
REJOIN_LOOKBACK = 24


def words_of_lines(chars: list[dict[str, Any]]) -> list[Word]:
    """pdfplumber's words (``WORD_SETTINGS``, each with its ``chars``), each one line's. Its line
    clustering chains tops within ``y_tolerance`` across the page: columns set a few points
    lower each (a page set in columns, 871.6 / 874.6 / 877.6 / 880.6) join a name's line and
    its wrapped line below (883.6) into one, whose characters, sorted left to right, cut the
    name wherever the line below has one (「ＴＥ」「会」「Ｓ」「社」「Ｔスマート…」). The parts
    are joined again wherever pdfplumber itself would have: the first character of a part
    goes on from the last of an earlier part of its line, no word of that line between them."""
    extractor = WordExtractor(**WORD_SETTINGS)
    x_tolerance, y_tolerance = WORD_SETTINGS["x_tolerance"], WORD_SETTINGS["y_tolerance"]
    parts: list[list[dict[str, Any]]] = []
    for _, word_chars in extractor.iter_extract_tuples(chars):
        first = word_chars[0]
        # the latest part of this line (words of other lines may stand after it)
        same_line = next((part for part in reversed(parts[-REJOIN_LOOKBACK:])
                          if abs(part[-1]["top"] - first["top"]) <= y_tolerance), None)
        # (two parts of a line pdfplumber split itself begin a new word again here)
        if same_line is not None and first["upright"] and same_line[-1]["upright"] \
                and not extractor.char_begins_new_word(
                    same_line[-1], first, "ltr", x_tolerance, y_tolerance):
            same_line.extend(word_chars)
        else:
            parts.append(word_chars)
    return [{**extractor.merge_chars(part), "chars": part} for part in parts]


# A filled rectangle this thin (points) is drawn as a rule, not as shading.
RULE_THICKNESS = 2.0
# A stroked curve whose bounding box is at least this big both ways is a (rounded) box.
CURVED_BOX_MIN = 10.0


def shown_box(page: Any) -> Box:
    """The page's box as shown: pdfplumber turns the objects of a ``/Rotate`` 90/270 page but
    keeps ``bbox`` unturned, so width and height are swapped here."""
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    if int(page.rotation or 0) % 180 == 90:
        return (x0, top, x0 + (bottom - top), top + (x1 - x0))
    return (x0, top, x1, bottom)


def rules_and_shades(page: Any) -> tuple[list[dict[str, Any]], list[Box]]:
    """Ruling lines (from lines, stroked rectangles and thin filled ones) and shaded boxes
    (other filled rectangles that are not white): a shaded row separates rows but does not cut
    columns, and white text on it is visible."""
    edges: list[dict[str, Any]] = []

    def rule(x0: float, top: float, x1: float, bottom: float) -> None:
        orientation = "h" if (x1 - x0) >= (bottom - top) else "v"
        if orientation == "h":
            y = (top + bottom) / 2
            edges.append({"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y})
        else:
            x = (x0 + x1) / 2
            edges.append({"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom})

    for line in page.objects.get("line", ()):
        rule(line["x0"], line["top"], line["x1"], line["bottom"])
    shades: list[Box] = []
    for r in page.objects.get("rect", ()):
        x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
        thin = min(x1 - x0, bottom - top) <= RULE_THICKNESS
        if r.get("stroke") and not thin:
            rule(x0, top, x1, top)
            rule(x0, bottom, x1, bottom)
            rule(x0, top, x0, bottom)
            rule(x1, top, x1, bottom)
        elif r.get("fill") and thin:
            rule(x0, top, x1, bottom)
        elif r.get("fill") and not _is_white(r.get("non_stroking_color") or 0):
            shades.append((x0, top, x1, bottom))
    for c in page.objects.get("curve", ()):  # a rounded box on a slide: its bounding box
        x0, top, x1, bottom = c["x0"], c["top"], c["x1"], c["bottom"]
        if c.get("stroke") and min(x1 - x0, bottom - top) > CURVED_BOX_MIN:
            rule(x0, top, x1, top)
            rule(x0, bottom, x1, bottom)
            rule(x0, top, x0, bottom)
            rule(x1, top, x1, bottom)
    return edges, shades


def group_lines(words: list[Word], y_tolerance: float = 3) -> list[list[Word]]:
    """Group words into visual lines (top within ``y_tolerance``), each sorted left to right."""
    lines: list[list[Word]] = []
    tops: list[float] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - tops[-1]) <= y_tolerance:
            lines[-1].append(w)
        else:
            lines.append([w])
            tops.append(w["top"])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def merge_words(words: list[Word]) -> Word:
    """One word spanning several (pieces of one cell); text joined as printed, without gaps."""
    return {
        "x0": min(w["x0"] for w in words),
        "x1": max(w["x1"] for w in words),
        "top": min(w["top"] for w in words),
        "bottom": max(w["bottom"] for w in words),
        "text": "".join(w["text"] for w in sorted(words, key=lambda w: w["x0"])),
        "size": max(w.get("size", 0) for w in words),
    }


def split_cells(line: list[Word], gap: float) -> list[Word]:
    """Split one visual line into cells where the horizontal gap between words exceeds ``gap``.

    Letter-spaced text (均等割り付け) leaves small gaps inside a name; a column gap is wider.
    """
    cells: list[list[Word]] = []
    for w in sorted(line, key=lambda w: w["x0"]):
        if cells and w["x0"] - cells[-1][-1]["x1"] <= gap:
            cells[-1].append(w)
        else:
            cells.append([w])
    return [merge_words(c) if len(c) > 1 else c[0] for c in cells]


def split_by_rules(line: list[Word], xs: list[float]) -> list[Word]:
    """Split one visual line into cells at vertical ruling positions ``xs`` (sorted)."""
    groups: dict[int, list[Word]] = {}
    for w in line:
        mid = (w["x0"] + w["x1"]) / 2
        slot = sum(1 for x in xs if x < mid)
        groups.setdefault(slot, []).append(w)
    return [merge_words(groups[k]) for k in sorted(groups)]


def cluster_positions(values: Iterable[float], tolerance: float = 2) -> list[float]:
    """Distinct positions (e.g. ruling x or y) with near-equal values merged, sorted."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out
