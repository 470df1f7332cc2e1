"""Watch mode: a compact, read-only view of one plan for a split pane.

At 40 columns × 12 rows it shows the overall bar, one line per phase with a
bar, the current or next task and the last few changes; a larger pane gets
longer bars, more phases and more changes.  It never writes the file.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label

from ...model import State
from ...progress import Summary
from ...report import bar
from ...snapshot import Snapshot
from ..changes import Changes
from ..tree_model import GLYPH, PHASE_GLYPH, Key, build, item_label, one_line
from ..live import LivePlan
from .activity import ActivityLog, Entry
from .side_panel import PHASE_STYLE
from .text import show

UPCOMING = 3  # open tasks listed after the current one when the pane is tall


def _fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal cells (wide characters count two)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


def _bar(fraction: float, width: int, done: bool) -> Content:
    filled = bar(fraction, width)
    full = len(filled.rstrip("░"))
    return Content.assemble((filled[:full], "$success" if done else "$accent"), (filled[full:], "$panel-lighten-2"))


class OverallLine(Widget):
    """██████████░░░░░░ 7/12 58%: as wide as the pane."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts = None
        self.eta = ""  # "ETA Thu–Fri": shown after the counts when the bar keeps 12 cells

    def render(self) -> Content:
        c = self.counts
        if c is None:
            return Content("")
        if not c.total:
            return Content.styled("no checkbox tasks", "$text-muted")
        tail = f" {c.done}/{c.countable} {c.percent:>3}%"
        eta = f" · {self.eta}" if self.eta and self.size.width - len(tail) - cell_len(self.eta) - 3 >= 12 else ""
        width = max(4, self.size.width - len(tail) - cell_len(eta))
        frac = c.done / c.countable if c.countable else 0.0
        return Content.assemble(_bar(frac, width, c.complete), (tail, "bold"), (eta, "$accent"))


class PhaseLines(Widget):
    """One line per phase (or per top section when the plan has no phases), fitted to the height.
    When they do not all fit, they show around the current phase until scrolled (j/k, ↑/↓)."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, str, int, int]] = []  # glyph-status, title, done, countable
        self.first: int | None = None  # the first row shown, once scrolled; None: around the current phase

    def start(self) -> int:
        """The first row shown."""
        rows, height = self.rows, self.size.height
        if len(rows) <= height:
            return 0
        if self.first is not None:
            return max(0, min(self.first, len(rows) - height))
        current = next((n for n, r in enumerate(rows) if r[0] != "done"), len(rows) - 1)
        return max(0, min(current - 1, len(rows) - height))

    def scroll_rows(self, by: int) -> None:
        """Show the rows ``by`` further down (up when negative)."""
        if len(self.rows) <= self.size.height:
            return
        self.first = max(0, min(self.start() + by, len(self.rows) - self.size.height))
        self.refresh()

    def set_rows(self, rows: list[tuple[str, str, int, int]]) -> None:
        if rows != self.rows:
            self.rows = rows
            self.refresh()

    def render(self) -> Content:
        rows = self.rows
        height, width = self.size.height, self.size.width
        if not rows or height <= 0:
            return Content("")
        start = self.start()
        shown = rows[start : start + height]
        countw = max(len(f"{d}/{c}") for _, _, d, c in rows)
        barw = max(4, min(24, width // 5))
        titlew = max(4, width - 2 - barw - 1 - countw - 1)
        lines = []
        for n, (status, title, done, countable) in enumerate(shown):
            style = PHASE_STYLE.get(status, "")
            if n == 0 and start > 0:
                lines.append(Content.styled(_fit(f"↑ {start + 1} more above", width), "$text-muted"))
                continue
            if n == len(shown) - 1 and start + len(shown) < len(rows):
                lines.append(Content.styled(_fit(f"↓ {len(rows) - start - len(shown) + 1} more below", width), "$text-muted"))
                continue
            frac = done / countable if countable else (1.0 if status == "done" else 0.0)
            lines.append(Content.assemble(
                (PHASE_GLYPH.get(status, "○") + " ", style),
                (set_cell_size(_fit(title, titlew), titlew) + " ", "bold" if status == "in progress" else ("$text-muted" if status == "done" else "")),
                _bar(frac, barw, status == "done"),
                (f" {f'{done}/{countable}':>{countw}}", "$text-muted"),
            ))
        return Content("\n").join(lines)


class TaskLines(Widget):
    """The current or next task, then (when there is room) the ones after it."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Content] = []

    def set_lines(self, lines: list[Content]) -> None:
        if lines != self.lines:
            self.lines = lines
            self.refresh()

    def render(self) -> Content:
        return Content("\n").join(self.lines[: max(1, self.size.height)])


class CompactPlan(LivePlan):
    """The watch-mode view of one plan: read-only, no keys needed."""

    def __init__(self, path, *, live: bool = True, read: Snapshot | None = None, id: str | None = None) -> None:
        super().__init__(path, live=live, read_only=True, read=read, id=id)
        self.phase_count = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="c-title-row"):
            yield Label(id="c-title")
            yield Label(id="c-file")
        yield OverallLine(id="c-overall")
        yield PhaseLines(id="c-phases")
        yield TaskLines(id="c-now")
        yield ActivityLog(id="c-log", show_source=False)

    def on_mount(self) -> None:
        self.query_one("#c-title", Label).update(Content.styled(f"Loading {self.name_shown}…", "$text-muted"))
        self.query_one("#c-file", Label).update(Content(self.name_shown))
        self.query_one("#c-log").border_title = "Changes"

    def on_resize(self) -> None:
        self._size_rows()

    def _size_rows(self) -> None:
        height = self.size.height
        if height <= 0:
            return
        left = max(0, height - 2)  # title, overall bar
        log_min = 3  # its border and two changes
        phase_rows = min(self.phase_count, max(1, left - 1 - log_min)) if self.phase_count else 0
        rest = left - phase_rows
        task_rows = 1 + max(0, min(UPCOMING, rest - 1 - 6))  # more tasks once the log has six rows
        log_rows = max(0, rest - task_rows)
        self.query_one("#c-phases").styles.height = phase_rows
        self.query_one("#c-now").styles.height = task_rows
        log = self.query_one("#c-log")
        log.styles.height = log_rows
        log.display = log_rows >= 2

    def plan_changed(self, old: Snapshot | None, old_summary: Summary | None, changes: Changes,
                     source: str, here: tuple[Key, ...]) -> None:
        snap, summary = self.snapshot, self.summary
        assert snap is not None and summary is not None
        plan = snap.plan
        show(self.query_one("#c-title", Label), Content.styled(one_line(plan.title) or self.name_shown, "bold"))
        overall = self.query_one(OverallLine)
        if overall.counts != summary.tasks:
            overall.counts = summary.tasks
            overall.refresh()
        self._ask_eta()

        rows: list[tuple[str, str, int, int]] = []
        if plan.phases:
            for ph, st in zip(plan.phases, summary.phases):
                rows.append((st.status, one_line(ph.title), st.counts.done, st.counts.countable))
        else:
            layout = build(plan, summary)
            tops = list(layout.roots)
            if len(tops) == 1 and layout.nodes[tops[0]].children:
                tops = list(layout.nodes[tops[0]].children)
            for key in tops:
                node = layout.nodes[key]
                if node.kind != "section":
                    continue
                title, done, countable = node.look[0], node.look[1], node.look[2]
                status = "done" if countable and done >= countable else ("in progress" if done else "not started")
                rows.append((status, title, done, countable))
        self.query_one(PhaseLines).set_rows(rows)
        if len(rows) != self.phase_count:
            self.phase_count = len(rows)
            self._size_rows()

        if not self.missing and not self.error:
            self._show_task()
        log = self.query_one(ActivityLog)
        if old is None:
            log.add(Entry(self.stamp(), f"watching {self.name_shown}", None, "dim"))
        for line in changes.lines:
            log.add(Entry(self.stamp(), line, None))

    def history_seen(self, ticks: list) -> None:
        """The log starts with what happened while the plan was not shown (from the event log)."""
        log = self.query_one(ActivityLog)
        for when, text, origin in self.history_lines(ticks):
            log.add(Entry(when, text, None, "" if origin else "dim"))

    def _ask_eta(self) -> None:
        """The ETA, worked out in a thread (it may read the event log and git)."""
        from ...pace import eta_text
        from ..outlook import QUIET, outlook_later

        snap, summary = self.snapshot, self.summary
        if snap is None or summary is None:
            return
        now = self.app.now().astimezone()
        overall = self.query_one(OverallLine)

        def show(seen, outlook) -> None:
            said = eta_text(outlook.plan, now) if outlook.pace.completed and outlook.plan.state != "done" else ""
            if said != overall.eta:
                overall.eta = said
                overall.refresh()

        first, self._paced = not getattr(self, "_paced", False), True  # at once when opened
        outlook_later(self, self.path, snap.plan, summary, now, show, quiet=0.0 if first else QUIET)

    def _show_task(self) -> None:
        snap, summary = self.snapshot, self.summary
        if snap is None or summary is None:
            return
        plan = snap.plan
        now = self.query_one(TaskLines)
        now.set_class(False, "-warning")
        current = next((it for it in plan.tasks if it.state is State.IN_PROGRESS and not it.children), None)
        lines: list[Content] = []
        if current is not None:
            lines.append(Content.assemble((GLYPH[State.IN_PROGRESS] + " Now ", "$warning bold"), item_label(current)))
        elif summary.next_task is not None:
            lines.append(Content.assemble(("▶ Next ", "$accent bold"), item_label(plan.items[summary.next_task])))
        elif summary.tasks.total and summary.tasks.complete:
            lines.append(Content.styled("✓ Every task is done", "$success bold"))
        elif summary.tasks.closed:  # (every one skipped)
            lines.append(Content.styled("✓ Nothing left to do: every task is skipped", "$success bold"))
        else:
            lines.append(Content.styled("No open task can start now", "$text-muted"))
        shown = {current.index if current is not None else summary.next_task}
        for it in plan.tasks:
            if len(lines) > UPCOMING:
                break
            if it.index in shown or it.state.closed or it.state is State.IN_PROGRESS:
                continue
            if any(not plan.items[k].state.closed for k in it.children):
                continue  # its subtasks come first
            lines.append(Content.assemble(("  ○ ", "$text-muted"), (item_label(it), "$text-muted")))
        now.set_lines(lines)

    def plan_unavailable(self, error: str, missing: bool) -> None:
        now = self.query_one(TaskLines)
        now.set_class(True, "-warning")
        now.set_lines([Content(f"⚠ {self.name_shown} deleted; waiting for it" if missing else f"⚠ {error}")])
        self.query_one(ActivityLog).add(Entry(self.stamp(), "deleted" if missing else "unreadable", None, "warning"))

    def plan_available(self, was_missing: bool) -> None:
        self._show_task()
