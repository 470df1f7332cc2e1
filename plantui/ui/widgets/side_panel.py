"""The side panel: phases with their bars and statuses, checkpoints, fields, warnings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Label, Static

from ...fields import is_placeholder
from ..tree_model import CHECKPOINT_GLYPH, PHASE_GLYPH, one_line
from ..panel_model import PanelLook
from .bars import bar
from .text import show

NARROW = 36  # a phase list narrower than this (the side panel at 70–109 columns) draws shorter bars
PHASE_STYLE = {"done": "$success", "in progress": "$warning", "not started": "$text-muted", "blocked": "$error"}
CHECKPOINT_STYLE = {"passed": "$success", "ready": "$accent", "pending": "$text-muted"}


def _phase_lines(title: str, status: str, done: int, countable: int, blockers: tuple[str, ...],
                 width: int = 16, no_color: bool = False) -> list[Content]:
    """A phase as two lines of text: its status glyph and title; its bar (``width`` cells), done/total, status."""
    style = PHASE_STYLE[status]
    frac = done / countable if countable else (1.0 if status == "done" else 0.0)
    said = status
    if status == "blocked" and blockers:
        said = "blocked by " + ", ".join(b.split(":")[0] for b in blockers)
    return [
        Content.assemble((PHASE_GLYPH[status] + " ", style), (title, "bold" if status == "in progress" else "")),
        Content.assemble(
            "  ",
            bar(frac, width, complete=frac >= 1, no_color=no_color),
            " ",
            (f"{done}/{countable}" if countable else "—", "bold"),
            " ",
            (said, style),
        ),
    ]


class PhaseList(Widget):
    """Every phase as two lines (title; bar, count, status), drawn by this one widget.

    Lines are drawn when they come into view (the Line API), and a new state
    redraws only the phases whose look changed: a tick in a plan of 2,500
    phases costs two lines, not 5,000.  (A widget per phase, with a ProgressBar,
    cost some seven widgets a phase to mount, style and lay out.)  The bars are
    16 cells wide, 10 in a narrow panel.
    """

    DEFAULT_CSS = """
    PhaseList { height: auto; width: 1fr; }
    """

    def __init__(self, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.looks: list[tuple] = []  # per phase: (title, status, done, countable, blockers)
        self._strips: dict[tuple[int, int], Strip] = {}

    def set_looks(self, looks: list[tuple]) -> None:
        old = self.looks
        self.looks = looks
        if len(old) != len(looks):
            self._strips.clear()
            self.styles.height = 2 * len(looks)
            self.refresh(layout=True)
            return
        width = self.size.width
        for n, (a, b) in enumerate(zip(old, looks)):
            if a != b:
                self._strips.pop((n, 0), None)
                self._strips.pop((n, 1), None)
                self.refresh(Region(0, 2 * n, width, 2))

    def on_resize(self) -> None:
        self._strips.clear()

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        n, part = divmod(y, 2)
        width = self.size.width
        if n >= len(self.looks) or width <= 0:
            return Strip.blank(width, self.visual_style.rich_style)
        strip = self._strips.get((n, part))
        if strip is None:
            title, status, done, countable, blockers = self.looks[n]
            line = _phase_lines(title, status, done, countable, blockers, width=16 if width >= NARROW else 10,
                                no_color=self.app.no_color)[part]
            strip = Visual.to_strips(self, line, width, 1, self.visual_style, pad=True)[0]
            self._strips[(n, part)] = strip
        return strip


class SidePanel(VerticalScroll):
    """Phases (a bar each), checkpoints and fields of one plan."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cp_look: tuple | None = None
        self._f_look: tuple | None = None

    def compose(self) -> ComposeResult:
        overview = Static(id="panel-overview", classes="panel-lines")  # wraps to the panel's width
        overview.display = False  # shown for a plan that says what it is about (a Cursor plan's overview)
        overview.styles.text_wrap = "wrap"  # all of it (panel_look crops a long one), not one line
        overview.styles.text_overflow = "fold"
        yield overview
        yield Label("Phases", classes="panel-title", id="phases-title")
        yield PhaseList(id="phase-lines", classes="panel-lines")
        yield Label("Checkpoints", classes="panel-title", id="checkpoints-title")
        yield Static(id="checkpoints", classes="panel-lines")
        yield Label("Fields", classes="panel-title", id="fields-title")
        yield Static(id="fields", classes="panel-lines")
        yield Label("Warnings", classes="panel-title", id="warnings-title")
        yield Static(id="panel-warnings", classes="panel-lines")
        markers = Static(id="panel-markers", classes="panel-lines")
        markers.display = False  # shown for a plan whose marker dialect is not plain Markdown's
        yield markers

    def update_plan(self, look: PanelLook) -> None:
        """Show ``look`` (see :mod:`plantui.ui.panel_model`), redrawing what differs from the last."""
        o_static = self.query_one("#panel-overview", Static)
        o_static.display = bool(look.overview)
        if look.overview:
            show(o_static, Content.styled(look.overview, "italic"))
        titles = look.titles
        self.query_one("#phase-lines", PhaseList).set_looks(
            [(t, st.status, st.counts.done, st.counts.countable, blockers) for t, (st, blockers) in zip(titles, look.phases)])
        self.query_one("#phases-title").display = bool(titles)
        self.query_one("#phase-lines").display = bool(titles)

        cps = look.checkpoints
        self.query_one("#checkpoints-title").display = bool(cps)
        cp_static = self.query_one("#checkpoints", Static)
        cp_static.display = bool(cps)
        if cps and cps != self._cp_look:
            self._cp_look = cps
            out = []
            counts = [f"{done}/{total}" if total else "—" for _, _, _, done, total in cps]
            width = max(map(len, counts))
            for (ident, title, status, done, total), count in zip(cps, counts):
                # The count first: a long title would cut it off.
                style = CHECKPOINT_STYLE[status]
                out.append(Content.assemble(
                    (f"{CHECKPOINT_GLYPH[status]} ", style), (f"{count:>{width}} ", "bold"),
                    (f"{status:<7} ", style), (f"{ident} " if ident else "", "bold $text-accent"), title,
                ))
            show(cp_static, Content("\n").join(out))

        shown = look.fields
        self.query_one("#fields-title").display = bool(shown)
        f_static = self.query_one("#fields", Static)
        f_static.display = bool(shown)
        if shown and shown != self._f_look:
            self._f_look = shown
            out = []
            for key, value, computed, drift, writable in shown:
                out.append(Content.assemble((one_line(key), "bold"), ": ", one_line(value) or "(empty)"))
                if computed != value and (drift or is_placeholder(value)):
                    mark = ("drift", "$warning bold") if drift else ("to fill", "$text-muted")
                    kept = "" if writable else ("  left as written", "$text-muted")  # a breakdown: said, never written
                    out.append(Content.assemble("  → ", (computed or "", "$success"), "  ", mark, kept))
            show(f_static, Content("\n").join(out))

        self._show_warnings(look)
        m_static = self.query_one("#panel-markers", Static)
        m_static.display = bool(look.markers)
        if look.markers:
            name, _, says = look.markers.partition(" (")  # "kiro ([~] queued, …) + .plantui.toml"
            said, _, extra = says.partition(")")
            lines = [f"markers: {name}{extra}", f"  {said}"]
            show(m_static, Content.styled("\n".join(lines), "$text-muted"))

    def _show_warnings(self, look: PanelLook) -> None:
        """The first warnings, each with its line, and how many more ``w`` lists."""
        n = look.warning_count
        self.query_one("#warnings-title", Label).display = bool(n)
        w_static = self.query_one("#panel-warnings", Static)
        w_static.display = bool(n)
        if not n:
            return
        out = [Content.assemble((f"line {line} " if line else "", "$text-muted"), (message, "$text-warning"))
               for line, message in look.warnings]
        more = n - len(look.warnings)
        out.append(Content.styled(f"… {more} more · w lists them" if more else "w lists them", "$text-muted"))
        show(w_static, Content("\n").join(out))
