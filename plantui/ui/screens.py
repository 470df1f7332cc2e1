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
from .layout import one_line
from .messages import OpenPlan
from .widgets.compact import CompactPlan
from .widgets.dashboard import PlanDashboard
from .widgets.overview import PlanTable


class DashboardScreen(Screen):
    """The dashboard of one plan."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-normal"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, path: Path, *, live: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.live = live

    def compose(self) -> ComposeResult:
        yield PlanDashboard(self.path, live=self.live, id="dashboard")
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
    """Several plans, one row each; enter opens one."""

    def __init__(self, paths: list[Path], *, live: bool = True) -> None:
        super().__init__()
        self.paths = paths
        self.live = live

    def compose(self) -> ComposeResult:
        with Vertical(id="overview"):
            yield Label(Content.assemble(("Plans", "bold"), (f"  {len(self.paths)} plans · enter opens one, escape comes back", "$text-muted")),
                        id="overview-title")
            yield PlanTable(self.paths, live=self.live, id="plans")
        yield Footer()

    def on_open_plan(self, event: OpenPlan) -> None:
        event.stop()
        self.open(event.path)

    def open(self, path: Path) -> None:
        """Open the dashboard of one plan; escape comes back here."""
        self.app.push_screen(DashboardScreen(path, live=self.live))


class HelpScreen(ModalScreen[None]):
    """The keys, in words."""

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", show=True),
    ]

    def compose(self) -> ComposeResult:
        width = max(len(k.display) for k in DASHBOARD_KEYS)
        width = max(width, max(len(k) for k, _ in NAVIGATION))
        lines: list[Content] = [Content.styled("Keys", "bold $accent"), Content("")]
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
    """Watch mode: compact and read-only."""

    def __init__(self, path: Path, *, live: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.live = live

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
