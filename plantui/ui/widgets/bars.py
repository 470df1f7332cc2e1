"""A progress bar drawn as text, the same in the header and the side panel.

Whole cells of ━ for the part done and for the rest, in two colours.  Without
colour (``NO_COLOR``, Textual's monochrome filter) both would come out the
same grey, so the rest is then drawn with another glyph (╌): the bar reads by
its shape.
"""

from __future__ import annotations

from textual.content import Content

from ...report import bar as text_bar

FILLED = "━"
EMPTY = "╌"


def bar(fraction: float, cells: int, *, complete: bool = False, no_color: bool = False) -> Content:
    """``fraction`` (0 to 1) of ``cells`` drawn done, as the other bars count their cells (never
    full while one is open, never empty once one is done); the done part green when ``complete``."""
    full = len(text_bar(fraction, cells).rstrip("░"))
    return Content.assemble((FILLED * full, "$success" if complete else "$primary"),
                            ((EMPTY if no_color else FILLED) * (cells - full), "$panel-lighten-1"))
