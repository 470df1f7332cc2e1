"""The side panel: phases with their bars and statuses, checkpoints, fields."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, ProgressBar, Static

from ...fields import is_placeholder
from ...model import Plan
from ...progress import PhaseState, Summary
from ..layout import CHECKPOINT_GLYPH, PHASE_GLYPH, one_line

PHASE_STYLE = {"done": "$success", "in progress": "$warning", "not started": "$text-muted", "blocked": "$error"}
CHECKPOINT_STYLE = {"passed": "$success", "ready": "$accent", "pending": "$text-muted"}


PROGRESSBAR_ROWS = 12  # up to this many phases get a ProgressBar widget each


def _phase_lines(title: str, state: PhaseState, blockers: tuple[str, ...], width: int = 16) -> list[Content]:
    """A phase as two lines of text, drawn like a PhaseRow."""
    c = state.counts
    style = PHASE_STYLE[state.status]
    frac = c.done / c.countable if c.countable else (1.0 if state.status == "done" else 0.0)
    full = int(round(frac * width))
    status = state.status
    if state.status == "blocked" and blockers:
        status = "blocked by " + ", ".join(b.split(":")[0] for b in blockers)
    return [
        Content.assemble((PHASE_GLYPH[state.status] + " ", style), (title, "bold" if state.status == "in progress" else "")),
        Content.assemble(
            "  ",
            ("━" * full, "$success" if frac >= 1 else "$primary"),
            ("━" * (width - full), "$panel-lighten-1"),
            " ",
            (f"{c.done}/{c.countable}" if c.countable else "—", "bold"),
            " ",
            (status, style),
        ),
    ]


class PhaseRow(Vertical):
    """One phase: its status glyph and title, then a ProgressBar and done/total."""

    def __init__(self, title: str, state: PhaseState, blockers: tuple[str, ...]) -> None:
        super().__init__(classes="phase-row")
        self.phase_title = title
        self._state = (state, blockers)
        self._last: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Label(classes="phase-title")
        with Horizontal(classes="phase-bar"):
            yield ProgressBar(total=1, show_eta=False, show_percentage=False)
            yield Label(classes="phase-count")

    def on_mount(self) -> None:
        self._apply()

    def set_state(self, state: PhaseState, blockers: tuple[str, ...]) -> None:
        self._state = (state, blockers)
        if self.is_mounted:
            self._apply()

    def _apply(self) -> None:
        state, blockers = self._state
        c = state.counts
        look = (state.status, c.done, c.countable, blockers)
        if look == self._last:
            return  # unchanged: nothing to redraw
        self._last = look
        style = PHASE_STYLE[state.status]
        self.query_one(".phase-title", Label).update(
            Content.assemble((PHASE_GLYPH[state.status] + " ", style), (self.phase_title, "bold" if state.status == "in progress" else ""))
        )
        if c.countable:
            total, progress = c.countable, c.done
        else:
            total, progress = 1, 1 if state.status == "done" else 0
        self.query_one(ProgressBar).update(total=total, progress=progress)
        status = state.status
        if state.status == "blocked" and blockers:
            status = "blocked by " + ", ".join(b.split(":")[0] for b in blockers)
        self.query_one(".phase-count", Label).update(
            Content.assemble((f"{c.done}/{c.countable}" if c.countable else "—", "bold"), " ", (status, style))
        )
        self.set_class(state.status == "blocked", "-blocked")
        self.set_class(state.status == "done", "-done")


class SidePanel(VerticalScroll):
    """Phases (ProgressBars), checkpoints and fields of one plan."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._phase_titles: tuple[str, ...] | None = None
        self._cp_look: tuple | None = None
        self._lines_look: tuple | None = None
        self._f_look: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Label("Phases", classes="panel-title", id="phases-title")
        yield Vertical(id="phases")
        yield Static(id="phase-lines", classes="panel-lines")
        yield Label("Checkpoints", classes="panel-title", id="checkpoints-title")
        yield Static(id="checkpoints", classes="panel-lines")
        yield Label("Fields", classes="panel-title", id="fields-title")
        yield Static(id="fields", classes="panel-lines")

    def update_plan(self, plan: Plan, summary: Summary) -> None:
        titles = tuple(one_line(ph.title) for ph in plan.phases)
        box = self.query_one("#phases", Vertical)
        lines = self.query_one("#phase-lines", Static)
        rows = len(titles) <= PROGRESSBAR_ROWS
        if titles != self._phase_titles:
            self._phase_titles = titles
            box.remove_children()
            if rows:
                box.mount_all(
                    PhaseRow(t, st, self._blockers(plan, st)) for t, st in zip(titles, summary.phases)
                )
        elif rows:
            for row, st in zip(box.query_children(PhaseRow), summary.phases):
                row.set_state(st, self._blockers(plan, st))
        if not rows:
            # Many phases: one widget draws them all, bars and all (hundreds of
            # ProgressBar widgets would make every layout pass slow).
            look = tuple((t, st.status, st.counts.done, st.counts.countable, st.blocked_by) for t, st in zip(titles, summary.phases))
            if look != self._lines_look:
                self._lines_look = look
                _set_static(lines, Content("\n").join(
                    part for t, st in zip(titles, summary.phases) for part in _phase_lines(t, st, self._blockers(plan, st))
                ))
        self.query_one("#phases-title").display = bool(titles)
        box.display = bool(titles) and rows
        lines.display = bool(titles) and not rows

        cps = [(cp, st) for cp, st in zip(plan.checkpoints, summary.checkpoints)]
        self.query_one("#checkpoints-title").display = bool(cps)
        cp_static = self.query_one("#checkpoints", Static)
        cp_static.display = bool(cps)
        cp_look = tuple((cp.title, st.status, st.counts.done, st.counts.total) for cp, st in cps)
        if cps and cp_look != self._cp_look:
            self._cp_look = cp_look
            lines = []
            for cp, st in cps:
                style = CHECKPOINT_STYLE[st.status]
                count = f" {st.counts.done}/{st.counts.total}" if st.counts.total else ""
                lines.append(Content.assemble(
                    (f"{CHECKPOINT_GLYPH[st.status]} {st.status:<7} ", style), one_line(cp.title), (count, "$text-muted")
                ))
            _set_static(cp_static, Content("\n").join(lines))

        shown = [(f, st) for f, st in zip(plan.fields, summary.fields) if st.computed is not None]
        self.query_one("#fields-title").display = bool(shown)
        f_static = self.query_one("#fields", Static)
        f_static.display = bool(shown)
        f_look = tuple((f.key, f.value, st.computed, st.drift) for f, st in shown)
        if shown and f_look != self._f_look:
            self._f_look = f_look
            lines = []
            for f, st in shown:
                value = one_line(f.value) or "(empty)"
                lines.append(Content.assemble((one_line(f.key), "bold"), ": ", value))
                if st.computed != f.value and (st.drift or is_placeholder(f.value)):
                    mark = ("drift", "$warning bold") if st.drift else ("to fill", "$text-muted")
                    lines.append(Content.assemble("  → ", (st.computed or "", "$success"), "  ", mark))
            _set_static(f_static, Content("\n").join(lines))

    @staticmethod
    def _blockers(plan: Plan, st: PhaseState) -> tuple[str, ...]:
        return tuple(one_line(plan.phases[b].title) for b in st.blocked_by)


def _set_static(static: Static, content: Content) -> None:
    if getattr(static, "_plantui_last", None) != content:
        static._plantui_last = content  # type: ignore[attr-defined]
        static.update(content)
