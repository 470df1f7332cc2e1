"""A ProgressBar that stays readable without colour.

Textual's bar draws its filled and empty parts with one glyph (━) in two
colours; with ``NO_COLOR`` both come out the same grey.  :class:`PlanBar`
then draws the empty part with another glyph (╌), so the bar reads by shape.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.renderables.bar import Bar as BarRenderable
from textual.widgets import ProgressBar
from textual.widgets._progress_bar import Bar

FILLED = "━"
EMPTY = "╌"


class GlyphBar(BarRenderable):
    """The bar as whole cells: ━ for the part done, ╌ for the rest."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = self.width or options.max_width
        start, end = self.highlight_range
        full = max(0, min(width, round(end) - max(0, round(start))))
        text = Text(end="")
        text.append(FILLED * full, console.get_style(self.highlight_style))
        text.append(EMPTY * (width - full), console.get_style(self.background_style))
        yield text


class PlanBar(ProgressBar):
    """A ProgressBar whose empty part differs by glyph when the app runs without colour."""

    def on_mount(self) -> None:
        if self.app.no_color:
            for bar in self.query(Bar):
                bar.bar_renderable = GlyphBar
