"""What a command says while it works: lines that stay, and on a terminal one status line.

A user at a terminal sees each step as it happens (a download, the extraction, validation) on
one line of stderr rewritten in place, so the output that stays is the result, said once. When
stderr is not a terminal, or in CI (``CI`` set), there is no status line at all: logs keep only
the lines that stay.
"""

from __future__ import annotations

import os
import shutil
import sys

_CLEAR_LINE = "\r\x1b[K"
_shown = False


def on_terminal() -> bool:
    """Whether progress is shown: stderr is a terminal and this is not CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def status(text: str, shown: bool | None = None) -> None:
    """Show ``text`` as the status line (cut to the terminal's width); nothing off a terminal,
    unless the caller says otherwise (``shown``: a setting of its own, e.g. FetchConfig)."""
    global _shown
    if not (on_terminal() if shown is None else shown):
        return
    width = shutil.get_terminal_size((100, 24)).columns - 1
    sys.stderr.write(_CLEAR_LINE + (text if len(text) <= width else text[: width - 1] + "…"))
    sys.stderr.flush()
    _shown = True


def clear() -> None:
    """Remove the status line, so that the next line that stays starts on a clean line."""
    global _shown
    if _shown:
        sys.stderr.write(_CLEAR_LINE)
        sys.stderr.flush()
        _shown = False


def say(line: str = "") -> None:
    """A line that stays (stdout), after clearing the status line."""
    clear()
    print(line, flush=True)
