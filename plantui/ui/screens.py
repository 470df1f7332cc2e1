"""Screens: one plan's dashboard, the overview of several, help, watch mode, warnings."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, Static

from ..snapshot import Snapshot
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

    def __init__(self, path: Path, *, live: bool = True, start_line: int | None = None,
                 read: Snapshot | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.live = live
        self.start_line = start_line  # the cursor starts on the heading of this line (a part of the file)
        self.read = read  # the plan as the command line read it

    def compose(self) -> ComposeResult:
        yield PlanDashboard(self.path, live=self.live, start_line=self.start_line, read=self.read, id="dashboard")
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

    def __init__(self, path: Path, *, live: bool = True, read: Snapshot | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.live = live
        self.read = read  # the plan as the command line read it

    def action_scroll_phases(self, by: int) -> None:
        self.query_one(PhaseLines).scroll_rows(by)

    def compose(self) -> ComposeResult:
        yield CompactPlan(self.path, live=self.live, read=self.read, id="compact")
