"""Screens: one plan's dashboard, the overview of several, help, watch mode, warnings."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..model import Warning as PlanWarning
from .keys import DASHBOARD_KEYS, NAVIGATION
from .tree_model import one_line
from .messages import OpenPlan
from .widgets.compact import CompactPlan, PhaseLines
from .widgets.dashboard import PlanDashboard
from .widgets.overview import PlanTable

OVERVIEW_KEYS = (
    ("↑ ↓  j k", "Move the cursor"),
    ("enter", "Open the plan's dashboard (escape comes back); on a group: fold or unfold it"),
    ("o", "Sort by path, progress or last change"),
    ("?", "This help"),
    ("ctrl+p", "Command palette (open a plan, themes)"),
    ("q", "Quit"),
)


class DashboardScreen(Screen):
    """The dashboard of one plan."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-normal"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, path: Path, *, live: bool = True, start_line: int | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.live = live
        self.start_line = start_line  # the cursor starts on the heading of this line (a part of the file)

    def compose(self) -> ComposeResult:
        yield PlanDashboard(self.path, live=self.live, start_line=self.start_line, id="dashboard")
        yield Footer()

    @property
    def dashboard(self) -> PlanDashboard:
        return self.query_one(PlanDashboard)

    def on_mount(self) -> None:
        self.sub_title = self.path.name

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


class OverviewScreen(Screen):
    """Several plans, one row each; enter opens one.  ``folders``: the folders it was
    opened on, watched for new plans."""

    def __init__(self, paths: list[Path], *, live: bool = True, folders: list[Path] | None = None,
                 order: str = "path") -> None:
        super().__init__()
        self.paths = paths
        self.live = live
        self.folders = list(folders or ())
        self.order = order  # how the rows are sorted at first ("path", "progress", "last change")

    def compose(self) -> ComposeResult:
        with Vertical(id="overview"):
            yield Label(self._title(len(self.paths), self.order), id="overview-title")
            yield PlanTable(self.paths, live=self.live, folders=self.folders, order=self.order, id="plans")
            yield Label("", id="overview-detail")
        yield Footer()

    @staticmethod
    def _title(count: int, order: str) -> Content:
        plans = "1 plan" if count == 1 else f"{count} plans"
        return Content.assemble(("Plans", "bold"), (f"  {plans} · by {order} (o) · enter opens one, escape comes back", "$text-muted"))

    def on_plan_table_shown(self, event: PlanTable.Shown) -> None:
        self.paths = list(self.query_one(PlanTable).paths)
        self.query_one("#overview-title", Label).update(self._title(event.count, event.order))

    def on_plan_table_detail(self, event: PlanTable.Detail) -> None:
        self.query_one("#overview-detail", Label).update(event.text)

    def open_entries(self) -> list[tuple[str, str, Path, int | None]]:
        """The command palette's "Open …" entries, as (title, help, path, line): each
        file, and after it each plan of a file that keeps several (ExecPlans' ``parts``)."""
        table = self.query_one(PlanTable)
        out: list[tuple[str, str, Path, int | None]] = []
        for path in self.paths:
            out.append((f"Open {path.name}", f"The dashboard of {path}", path, None))
            for part in table.parts_of(path):
                anchor = part.name.rpartition("#")[2]
                title = one_line(part.title)
                if title.startswith(anchor):  # "EP-20260311-x: Import CSV": the anchor is said once
                    title = title[len(anchor):].lstrip(" :—–-")
                out.append((f"Open {path.name}#{anchor} {title}".rstrip(),
                            f"The plan at line {part.line} of {path} ({part.status.lower()})", path, part.line))
        return out

    def on_open_plan(self, event: OpenPlan) -> None:
        event.stop()
        self.open(event.path, event.line)

    def open(self, path: Path, line: int | None = None) -> None:
        """Open the dashboard of one plan (its cursor on the heading at ``line``, if given); escape comes back here."""
        self.app.push_screen(DashboardScreen(path, live=self.live, start_line=line))


class HelpScreen(ModalScreen[None]):
    """The keys, in words: the dashboard's, or (``overview=True``) the overview's."""

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", show=True),
    ]

    def __init__(self, *, overview: bool = False) -> None:
        super().__init__()
        self.overview = overview

    def compose(self) -> ComposeResult:
        if self.overview:
            width = max(len(k) for k, _ in OVERVIEW_KEYS)
            lines: list[Content] = [Content.styled("Keys of the overview", "bold $accent"), Content("")]
            for keys, what in OVERVIEW_KEYS:
                lines.append(Content.assemble((f"{keys:<{width}}  ", "bold $accent"), what))
            lines.append(Content(""))
            lines.append(Content.styled("Plans made in the folders shown here get a row of their own.", "$text-muted"))
            with VerticalScroll(id="help"):
                yield Static(Content("\n").join(lines))
            return
        width = max(len(k.display) for k in DASHBOARD_KEYS)
        width = max(width, max(len(k) for k, _ in NAVIGATION))
        lines = [Content.styled("Keys", "bold $accent"), Content("")]
        for k in DASHBOARD_KEYS:
            lines.append(Content.assemble((f"{k.display:<{width}}  ", "bold $accent"), k.help))
        lines.append(Content(""))
        for keys, what in NAVIGATION:
            lines.append(Content.assemble((f"{keys:<{width}}  ", "bold $accent"), what))
        lines.append(Content(""))
        lines.append(Content.styled("Every write goes through plantui's engine: the box and the derived", "$text-muted"))
        lines.append(Content.styled("fields, in one write, only if the line still reads as shown.", "$text-muted"))
        with VerticalScroll(id="help"):
            yield Static(Content("\n").join(lines))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "plantui help"
        self.query_one("#help").border_subtitle = "escape closes"

    def action_close(self) -> None:
        self.dismiss(None)


class WatchScreen(Screen):
    """Watch mode: compact and read-only; j/k (↑/↓) scroll the phases when they do not all fit."""

    BINDINGS = [
        Binding("j,down", "scroll_phases(1)", "Down", show=False),
        Binding("k,up", "scroll_phases(-1)", "Up", show=False),
    ]

    def __init__(self, path: Path, *, live: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.live = live

    def action_scroll_phases(self, by: int) -> None:
        self.query_one(PhaseLines).scroll_rows(by)

    def compose(self) -> ComposeResult:
        yield CompactPlan(self.path, live=self.live, id="compact")


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
        box.border_title = f"⚠ {n} warning{'s' if n != 1 else ''}" + (f" · {self.plan_name}" if self.plan_name else "")
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
        from .widgets.burnup import outlook_later

        if self.seen is not None:
            from ..pace import outlook

            self._seen(self.seen, outlook(self.plan, self.summary, self.seen, now=self._now()))
            return
        self.query_one("#burnup-title", Label).update(Content.styled("Burn-up: reading the history…", "$text-muted"))
        outlook_later(self, self.path, self.plan, self.summary, self._now(), self._seen, git=True)

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
