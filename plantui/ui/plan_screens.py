"""The screens a plan's dashboard opens over itself: its warnings (enter goes to the
line) and its burn-up chart.  They know the plan they are given, not the dashboard."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from ..model import Warning as PlanWarning
from .tree_model import one_line


class WarningsScreen(ModalScreen[int | None]):
    """The plan's warnings, one per row with its line; enter (or a click) on one
    closes the list with that line, for the dashboard to go to."""

    BINDINGS = [
        Binding("escape,w,q", "close", "Close", show=True),
    ]

    def __init__(self, warnings: tuple[PlanWarning, ...], name: str = "") -> None:
        super().__init__()
        self.warnings = warnings
        self.plan_name = name

    def compose(self) -> ComposeResult:
        width = max((len(str(w.line)) for w in self.warnings if w.line), default=1)
        options = []
        for w in self.warnings:
            where = f"line {w.line:>{width}}" if w.line else " " * (width + 5)
            options.append(Option(Content.assemble((where, "$text-muted"), "  ", one_line(w.message))))
        yield OptionList(*options, id="warnings")

    def on_mount(self) -> None:
        box = self.query_one("#warnings", OptionList)
        n = len(self.warnings)
        box.border_title = Content(f"⚠ {n} warning{'s' if n != 1 else ''}" + (f" · {self.plan_name}" if self.plan_name else ""))
        box.border_subtitle = "enter goes to the line · escape closes"
        if n:
            box.highlighted = 0
        box.focus()

    @on(OptionList.OptionSelected, "#warnings")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.warnings[event.option_index].line)

    def action_close(self) -> None:
        self.dismiss(None)


class BurnupScreen(Screen):
    """The burn-up chart of one plan: done against total over time, for the plan or one
    phase (← → choose).  What was seen is read in a thread; escape, b or q close it."""

    BINDINGS = [
        Binding("escape,b,q", "close", "Close", show=True),
        Binding("left,h", "scope(-1)", "Prev phase", show=True, key_display="←"),
        Binding("right,l", "scope(1)", "Next phase", show=True, key_display="→"),
    ]

    def __init__(self, path: Path, plan, summary, *, phase: int | None = None, now=None, seen=None) -> None:
        super().__init__()
        self.path = Path(path)
        self.plan = plan
        self.summary = summary
        self.now = now  # frozen in tests; else the time when drawn
        self.scopes: list[int | None] = [None, *(ph.index for ph, st in zip(plan.phases, summary.phases)
                                                if st.counts.countable)]
        self.scope = self.scopes.index(phase) if phase in self.scopes else 0
        self.seen = seen  # given (screenshots, tests), or gathered when mounted
        self.given = seen is not None
        self.outlook = None

    def compose(self) -> ComposeResult:
        from .widgets.burnup import BurnupChart

        with Vertical(id="burnup"):
            yield Label(id="burnup-title")
            yield BurnupChart(id="burnup-chart")
            yield Label(id="burnup-legend")
        yield Footer()

    def _now(self):
        from datetime import datetime, timezone

        return (self.now or datetime.now(timezone.utc)).astimezone()

    def on_mount(self) -> None:
        from .outlook import outlook_later

        if self.seen is not None:
            from ..pace import outlook

            self._seen(self.seen, outlook(self.plan, self.summary, self.seen, now=self._now()))
            return
        self.query_one("#burnup-title", Label).update(Content.styled("Burn-up: reading the history…", "$text-muted"))
        outlook_later(self, self.path, self.plan, self.summary, self._now(), self._seen, git=True)

    def follow(self, plan, summary) -> None:
        """The plan changed while the chart is open: draw it again, what was seen gathered
        anew (the change itself is in the event log by now) once the changes pause."""
        from .outlook import QUIET, outlook_later

        scope = self.scopes[self.scope]
        self.plan, self.summary = plan, summary
        self.scopes = [None, *(ph.index for ph, st in zip(plan.phases, summary.phases) if st.counts.countable)]
        self.scope = self.scopes.index(scope) if scope in self.scopes else 0
        if self.given:  # what was seen was handed in (screenshots, tests): the plan alone is new
            from ..pace import outlook

            self._seen(self.seen, outlook(self.plan, self.summary, self.seen, now=self._now()))
            return
        outlook_later(self, self.path, plan, summary, self._now(), self._seen, quiet=QUIET, git=True)

    def _seen(self, seen, outlook) -> None:
        self.seen, self.outlook = seen, outlook
        self.draw()

    def draw(self) -> None:
        from ..pace import burnup
        from .widgets.burnup import BurnupChart, legend

        if self.seen is None:
            return
        now = self._now()
        phase = self.scopes[self.scope]
        series = burnup(self.plan, self.summary, self.seen, phase=phase, now=now)
        where = "whole plan" if phase is None else one_line(self.plan.phases[phase].title)
        count = f"  {self.scope + 1}/{len(self.scopes)} · ← → phase" if len(self.scopes) > 1 else ""
        sources = ", ".join(self.seen.sources) or "nothing seen yet"
        self.query_one("#burnup-title", Label).update(Content.assemble(
            ("Burn-up  ", "bold $accent"), (where, "bold"), (f"{count}  · seen in: {sources}", "$text-muted")))
        self.query_one(BurnupChart).show(series, now)
        self.query_one("#burnup-legend", Label).update(legend(series, self.outlook, now))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """← → only when the plan has phases to choose from."""
        return len(self.scopes) > 1 if action == "scope" else True

    def action_scope(self, by: int) -> None:
        self.scope = (self.scope + by) % len(self.scopes)
        self.draw()

    def action_close(self) -> None:
        self.app.pop_screen()
