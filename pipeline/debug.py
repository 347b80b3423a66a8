"""Render PDF pages with what the extractor saw, so a layout it does not understand is quick to fix.

Whoever first meets a real source file that fails its cross-checks runs
``python -m pipeline debug SOURCE_ID [--page N]`` and looks at the PNGs: words the extractor
read (blue boxes), ruling lines (red), table cells found by pdfplumber (light red), and what
the source's extractor recognised, if it exposes ``debug_marks(view)``: headings (green),
prefecture headings (purple), column headers (orange), page furniture it drops (grey).

If the extractor reads its file with the list reader (it exposes ``spec_for(source_id,
path)``), the command prints the reading kept (or, when none matches what was announced, the
one that came closest and where it breaks), one line per printed row with the role the reader
gave it, e.g. ``p3  heading       【地方公共団体】（112団体）``, and why each other reading was
refused; so whoever meets a new heading sees at once that it was read as an entry, left
unplaced or inferred, and what to add to the layout CSV.

Note: pages set in non-embedded fonts (e.g. reportlab's HeiseiKakuGo-W5) render without
glyphs when no Japanese system font is installed; the boxes are still right.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from pipeline.extract.pdf import iter_pages, open_pdf
from pipeline.extract.reader import explain, format_line
from pipeline.workspace.registry import declared_extractors

RESOLUTION = 90
COLOURS: dict[str, tuple[tuple[int, int, int, int], tuple[int, int, int]]] = {
    # label: (fill RGBA, stroke RGB)
    "word": ((0, 0, 255, 20), (0, 0, 255)),
    "heading": ((0, 200, 0, 70), (0, 140, 0)),
    "prefecture": ((160, 0, 200, 60), (120, 0, 160)),
    "header": ((255, 140, 0, 70), (220, 110, 0)),
    "furniture": ((128, 128, 128, 80), (90, 90, 90)),
}


def _extractor_function(source_id: str, name: str, registry_file: Path | None = None) -> Any:
    """Function ``name`` of the extractor the registry names for this source, if it has one."""
    module_name = declared_extractors(registry_file).get(source_id)
    if not module_name:
        return None
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


def _marks_function(source_id: str, registry_file: Path | None = None) -> Any:
    """The ``debug_marks`` of the extractor the registry names for this source, if it has one."""
    return _extractor_function(source_id, "debug_marks", registry_file)



def debug_text(
    source_id: str,
    path: Path,
    pages: list[int] | None = None,
    registry_file: Path | None = None,
    extractor_source: str | None = None,
) -> list[str] | None:
    """The role of every printed line of the pages (all unless ``pages``), formatted; None when
    the source's extractor has no ``debug_lines``. ``extractor_source``: the source whose
    extractor reads the file (an attachment's parent), default ``source_id``."""
    spec_for = _extractor_function(extractor_source or source_id, "spec_for", registry_file)
    if spec_for is not None:
        return explain(spec_for(source_id, path), path, pages)
    lines_for = _extractor_function(extractor_source or source_id, "debug_lines", registry_file)
    if lines_for is None:
        return None
    out: list[str] = []
    with open_pdf(source_id, path) as pdf:
        for view in iter_pages(source_id, path, pdf, pages, check_text=False):
            out += [format_line(view.number, role, text) for role, text in lines_for(view)]
    return out


def render_debug(
    source_id: str,
    path: Path,
    out_dir: Path,
    pages: list[int] | None = None,
    registry_file: Path | None = None,
    extractor_source: str | None = None,
) -> list[Path]:
    """Write one PNG per page (all pages unless ``pages``); returns the files written.

    Pages are rendered even when their text layer is garbage, so the picture shows why. The
    extractor whose marks are drawn is the one ``registry_file`` (default: the bundled
    registry) names for the source, or for ``extractor_source`` (an attachment's parent).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    marks_for = _marks_function(extractor_source or source_id, registry_file)
    written: list[Path] = []
    with open_pdf(source_id, path) as pdf:
        page_list = pdf.pages  # built once: the picture needs the pdfplumber page too
        for view in iter_pages(source_id, path, pdf, pages, check_text=False):
            page = page_list[view.number - 1]
            image = page.to_image(resolution=RESOLUTION)
            if view.edges:
                try:
                    image.debug_tablefinder()
                except Exception:  # the picture matters more than the table finder
                    pass
                for e in view.edges:
                    image.draw_line([(e["x0"], e["top"]), (e["x1"], e["bottom"])],
                                    stroke=(255, 0, 0), stroke_width=1)
            fill, stroke = COLOURS["word"]
            image.draw_rects([(w["x0"], w["top"], w["x1"], w["bottom"]) for w in view.words],
                             fill=fill, stroke=stroke, stroke_width=1)
            if marks_for is not None:
                for box, label in marks_for(view):
                    fill, stroke = COLOURS.get(label, COLOURS["heading"])
                    image.draw_rect(box, fill=fill, stroke=stroke, stroke_width=2)
            target = out_dir / f"{source_id}-{path.stem}-p{view.number:03d}.png"
            image.save(target)
            written.append(target)
            page.close()
    return written
