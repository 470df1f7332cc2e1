"""The detail of one task: its whole text, details, requirements, tags, place and dependencies.

Shown beside the tree on wide screens (:class:`TaskDetail`) and as a modal
screen on narrow ones (:class:`DetailScreen`, whose j/k move the tree's
cursor underneath); both draw a :class:`~plantui.ui.detail.Detail`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..detail import Detail, detail_lines


def detail_content(detail: Detail | None) -> Content:
    """The detail as text: the task's title in bold, then one row per part."""
    if detail is None:
        return Content.styled("No task under the cursor: move to a task to read it here.", "$text-muted")
    parts: list[Content] = [Content.styled(detail.title, "bold"), Content("")]
    for label, value in detail_lines(detail):
        if not label:  # the whole text: already the title
            continue
        if "\n" in value:
            parts.append(Content.styled(label, "bold $text-accent"))
            parts.append(Content(value))
        else:
            parts.append(Content.assemble((f"{label}: ", "bold $text-accent"), value))
    return Content("\n").join(parts)


class TaskDetail(VerticalScroll):
    """The detail pane beside the tree."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None, hint: str = "") -> None:
        super().__init__(id=id)
        self.detail: Detail | None = None
        self.hint = hint  # keys to say in the bottom border

    def compose(self) -> ComposeResult:
        yield Static(id="detail-text")

    def on_mount(self) -> None:
        self.border_title = "Task"

    def show_detail(self, detail: Detail | None) -> None:
        if detail == self.detail and self.is_mounted and getattr(self, "_drawn", False):
            return
        self.detail = detail
        self._drawn = True
        self.query_one("#detail-text", Static).update(detail_content(detail))
        where = f"line {detail.line}" if detail is not None else ""
        self.border_subtitle = " · ".join(x for x in (where, self.hint) if x)


class DetailScreen(ModalScreen[None]):
    """The detail of the task under the cursor, where there is no room beside the tree."""

    BINDINGS = [
        Binding("escape,d,q", "close", "Close", show=True),
        Binding("j,down", "move(1)", "Next task", show=True),
        Binding("k,up", "move(-1)", "Previous task", show=True),
    ]

    def __init__(self, dashboard) -> None:
        super().__init__()
        self.dashboard = dashboard

    def compose(self) -> ComposeResult:
        yield TaskDetail(id="detail-modal", hint="j k: other tasks · escape closes")

    def on_mount(self) -> None:
        self.refresh_detail()

    def refresh_detail(self) -> None:
        self.query_one(TaskDetail).show_detail(self.dashboard.current_detail())

    def action_move(self, step: int) -> None:
        tree = self.dashboard.tree
        if step > 0:
            tree.action_cursor_down()
        else:
            tree.action_cursor_up()
        self.refresh_detail()

    def action_close(self) -> None:
        self.dismiss(None)
