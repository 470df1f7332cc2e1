"""The dashboard of one plan: header, tree, side panel, activity log.

:class:`PlanDashboard` owns the plan (see :class:`~plantui.ui.live.LivePlan`)
and hands each new state to its children; it holds the keys of the dashboard.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input

from ...progress import Summary
from ...snapshot import Snapshot
from ..changes import Changes
from ..detail import Detail, task_detail
from ..keys import bindings
from ..tree_model import FILTERS, Key, Layout, build, item_label, section_keys, update
from ..live import LivePlan
from ..messages import Prepared, TickRequested, WriteDone, WriteRefused
from ..panel_model import panel_look
from ..plan_screens import BurnupScreen
from .activity import ActivityLog, Entry
from .header import PlanHeader
from .plan_tree import PlanTree
from .side_panel import SidePanel
from .task_detail import DetailScreen, TaskDetail

LOG_BELOW = 16  # rows of the dashboard under which the activity log gives way to the tree
TINY_BELOW = 11  # under which the header keeps its first two rows and the tree its frame's rows

GOTO_COLON = {"code", "code-insiders", "codium", "cursor", "windsurf", "subl", "zed", "hx", "helix"}
GOTO_FLAG = {"code", "code-insiders", "codium", "cursor", "windsurf"}


def editor_command(editor: str, path: Path, line: int) -> list[str]:
    """How to open ``path`` at ``line`` with the editor the user set."""
    argv = shlex.split(editor) or ["vi"]
    name = os.path.basename(argv[0])
    if name in GOTO_FLAG:
        extra = [] if "--wait" in argv or "-w" in argv else ["--wait"]
        return [*argv, *extra, "--goto", f"{path}:{line}"]
    if name in GOTO_COLON:
        return [*argv, f"{path}:{line}"]
    return [*argv, f"+{line}", str(path)]


class PlanDashboard(LivePlan):
    """Everything about one plan, kept live."""

    BINDINGS = [*bindings(), Binding("escape", "escape", "Back", show=False),
                Binding("j", "scroll_focused(1)", "Down", show=False),
                Binding("k", "scroll_focused(-1)", "Up", show=False)]

    DETAIL_BESIDE = 100  # columns from which the task detail shows beside the tree

    def __init__(self, path: Path, *, live: bool = True, start_line: int | None = None, read: Snapshot | None = None,
                 id: str | None = None) -> None:
        super().__init__(path, live=live, read=read, id=id)
        self.start_line = start_line  # the first layout puts the cursor on the heading at this line
        self.show = "all"
        self.query_text = ""
        self.plan_layout: Layout | None = None
        self._saved_open: tuple[set, set] | None = None
        self._pane_said: tuple[str, str] | None = None  # the tree pane's border subtitle and title, as set

    def compose(self) -> ComposeResult:
        yield PlanHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="tree-pane"):
                yield PlanTree(id="tree")
                yield Input(placeholder="Search tasks…", id="search")
            yield SidePanel(id="side")
            yield TaskDetail(id="detail")
        yield ActivityLog(id="activity")

    @property
    def tree(self) -> PlanTree:
        return self.query_one(PlanTree)

    @property
    def activity(self) -> ActivityLog:
        return self.query_one(ActivityLog)

    def on_mount(self) -> None:
        self.query_one("#search").display = False
        self.query_one(PlanHeader).loading(self.name_shown)
        self.query_one("#tree-pane").border_title = "Tasks"
        self.query_one("#activity").border_title = "Activity"
        self.query_one("#side").border_title = "Plan"
        self.query_one(SidePanel).can_focus = True  # tab reaches it, and the keys scroll it
        self.activity.can_focus = True
        note, self.app.note = getattr(self.app, "note", None), None  # the app's note, once
        if note:
            self.log_line(note, None, "dim")

    def log_line(self, text: str, source: str | None = None, tone: str = "") -> None:
        self.activity.add(Entry(self.stamp(), text, source, tone))

    def history_seen(self, ticks: list) -> None:
        """The activity log starts with what happened while the plan was not shown (from the event log)."""
        for when, text, origin in self.history_lines(ticks):
            self.activity.add(Entry(when, text, origin, "" if origin else "dim"))

    # -- new states -----------------------------------------------------------

    def plan_changed(self, old: Snapshot | None, old_summary: Summary | None, changes: Changes,
                     source: str, here: tuple[Key, ...]) -> None:
        snap, summary = self.snapshot, self.summary
        assert snap is not None and summary is not None
        ready = self.prepared
        self.query_one(PlanHeader).update_plan(snap.plan, summary, self.name_shown, self.path)
        panel = ready.panel if ready is not None else None
        if panel is None or panel.plan is not snap.plan or panel.summary is not summary:
            panel = panel_look(snap.plan, summary, snap.settings)
        self.query_one(SidePanel).update_plan(panel)
        self._relayout(flash=changes.flash, cursor=self._start_key() if old is None else None)
        for screen in self.app.screen_stack:  # a burn-up of this plan, open over it, follows it
            if isinstance(screen, BurnupScreen) and screen.path == self.path:
                screen.follow(snap.plan, summary)
        if old is None:
            t = summary.tasks
            what = f"{t.done}/{t.countable} tasks done" if t.total else "no checkbox tasks"
            self.log_line(f"opened {self.name_shown}: {what}", None, "dim")
            return
        for line, key in zip(changes.lines, changes.keys):
            if source in ("here", "undo") and key in here:
                who = "undo" if source == "undo" else "here"
            elif source == "editor":
                who = "editor"
            else:
                who = "outside"
            self.log_line(line, who)
        if changes.fields:
            who = "here" if source in ("here", "undo") else ("editor" if source == "editor" else "outside")
            self.log_line(" · ".join(changes.fields), who, "dim")

    def _start_key(self) -> Key | None:
        """The key of the heading at :attr:`start_line` (None: the cursor starts on the next task)."""
        plan = self.snapshot.plan if self.snapshot is not None else None
        if self.start_line is None or plan is None:
            return None
        for s, key in zip(plan.sections, section_keys(plan)):
            if s.line == self.start_line:
                return key
        return None

    def prepare(self, snap: Snapshot, summary: Summary) -> Prepared:
        # In the worker thread: the tree layout for the filter and search as they are now
        # (from the one on screen when only boxes changed), and the side panel's look.
        shown = self.plan_layout
        if shown is not None and shown.show == self.show and shown.query == self.query_text.strip().lower():
            layout = update(shown, snap.plan, summary).against(shown)
        else:
            layout = build(snap.plan, summary, show=self.show, query=self.query_text)
        layout.most  # noqa: B018 - cached: worked out here, not on the UI thread
        return Prepared(layout, panel_look(snap.plan, summary, snap.settings))

    def _relayout(self, flash=frozenset(), cursor: Key | None = None) -> None:
        snap, summary = self.snapshot, self.summary
        if snap is None or summary is None:
            return
        ready = self.prepared.layout if self.prepared is not None else None
        self.prepared = None
        if (ready is not None and ready.plan is snap.plan and ready.summary is summary
                and ready.show == self.show and ready.query == self.query_text.strip().lower()):
            self.plan_layout = ready
        else:
            self.plan_layout = build(snap.plan, summary, show=self.show, query=self.query_text)
        self.tree.show(self.plan_layout, flash=flash, cursor=cursor)
        self._update_pane_title()
        self._update_detail()  # the cursor may be on another task on the same line

    def _update_pane_title(self) -> None:
        pane = self.query_one("#tree-pane")
        layout = self.plan_layout
        parts = []
        if self.show != "all":
            parts.append(f"{self.show} only")
        if self.query_text:
            parts.append(f"“{self.query_text}”")
        if parts and layout is not None:
            parts.append(f"{layout.matches} shown")
        said = (" · ".join(parts), "Tasks" + self._warnings_note())
        if said != self._pane_said:  # (setting a border title redraws the whole pane)
            self._pane_said = said
            pane.border_subtitle = Content(said[0])  # the words searched for are no markup ("[P]", "[/")
            pane.border_title = said[1]

    def plan_unavailable(self, error: str, missing: bool) -> None:
        self.query_one(PlanHeader).set_notice(error, "warning" if missing else "error")
        self.log_line(error if not missing else f"{self.name_shown} deleted", None, "warning" if missing else "error")
        self.app.notify(error, title=self.name_shown, severity="warning" if missing else "error", timeout=6)

    def plan_available(self, was_missing: bool) -> None:
        self.query_one(PlanHeader).set_notice(None)
        if was_missing:
            self.log_line(f"{self.name_shown} is back", None, "dim")

    def write_finished(self, event: WriteDone) -> None:
        if not event.result.written:
            if event.what == "sync":
                from ...actions import sync_said  # the core says which case: no derived fields, or up to date
                self.app.notify(sync_said(self.name_shown, event.result), title="Nothing to sync")
            else:
                self.app.notify("The file already says so; nothing written.")

    def write_refused(self, event: WriteRefused) -> None:
        if event.written:
            self.log_line(event.error, None, "warning")
        else:
            self.log_line(f"refused: {event.error}", None, "error")

    def writes_dropped(self, dropped: list[tuple[str, Key | None]]) -> None:
        super().writes_dropped(dropped)
        for what, key in dropped:
            item = self.item_by_key(key) if key is not None else None
            self.log_line(f"not made: {what} {item_label(item) if item is not None else ''}".rstrip(), None, "error")

    # -- actions --------------------------------------------------------------

    def on_tick_requested(self, event: TickRequested) -> None:
        event.stop()
        self.request("tick", event.key)

    def action_tick(self) -> None:
        self.tree.action_tick()

    def _mark(self, what: str) -> None:
        key = self.tree.cursor_key
        if key is not None and self.plan_layout is not None and key in self.plan_layout.key_item:
            self.request(what, key)
        elif key is not None:  # a section: nothing to mark, and a word why (as x says)
            said = "i marks a task in progress" if what == "progress" else "- marks a task skipped"
            self.app.notify(f"{said}; this row is a section (→ opens it).", timeout=3)

    def action_mark_progress(self) -> None:
        self._mark("progress")

    def action_mark_skipped(self) -> None:
        self._mark("skip")

    # -- detail, panes and focus ----------------------------------------------

    def current_detail(self) -> Detail | None:
        """The detail of the task under the tree's cursor (None on a section)."""
        layout, key = self.plan_layout, self.tree.cursor_key
        if layout is None or key is None or key not in layout.key_item:
            return None
        return task_detail(layout.plan, layout.summary, layout.key_item[key])

    def _update_detail(self) -> None:
        if self.has_class("-detail"):
            self.query_one(TaskDetail).show_detail(self.current_detail())
        screen = self.app.screen
        if isinstance(screen, DetailScreen) and screen.dashboard is self:
            screen.refresh_detail()

    def on_tree_node_highlighted(self, event) -> None:
        self._update_detail()

    def action_detail(self) -> None:
        if self.has_class("-detail"):
            self.remove_class("-detail")
            if self.query_one(TaskDetail).has_focus:
                self.tree.focus()
            return
        if self.size.width >= self.DETAIL_BESIDE:
            self.add_class("-detail")
            self._update_detail()
        else:
            self.app.push_screen(DetailScreen(self))

    def _toggle_pane(self, cls: str, widget) -> bool:
        """Hide or show a pane; the focus goes back to the tree if it was in it. True: now shown."""
        self.toggle_class(cls)
        shown = not self.has_class(cls)
        if not shown and widget.has_focus:
            self.tree.focus()
        return shown

    def action_toggle_panel(self) -> None:
        if self.has_class("-detail"):  # the detail stands in the panel's place: p hides that column
            self.action_detail()
            self.add_class("-no-side")
            return
        if self.screen.has_class("-narrow"):
            self.app.notify("The side panel needs a wider window.", timeout=3)
            return
        self._toggle_pane("-no-side", self.query_one(SidePanel))

    def action_toggle_activity(self) -> None:
        self._toggle_pane("-no-activity", self.activity)

    def action_scroll_focused(self, step: int) -> None:
        """j/k in a pane that is not the tree: scroll it."""
        focused = self.app.focused
        if focused is not None and focused is not self.tree and hasattr(focused, "scroll_relative"):
            focused.scroll_relative(y=step, animate=False)

    def action_undo(self) -> None:
        self.request("undo")

    def action_sync(self) -> None:
        self.request("sync")

    def action_reload(self) -> None:
        self.load("reload")
        if os.path.exists(self.path):
            self.app.notify(f"Reloaded {self.name_shown}", timeout=2)
        else:  # nothing to read: the last view stays
            self.app.notify(f"{self.name_shown} is not there; showing the last view until it comes back",
                            severity="warning", timeout=4)

    def _open_items(self) -> list[Key]:
        layout = self.plan_layout
        if layout is None:
            return []
        out = []
        for key in layout.order():
            item = layout.item(key)
            if item is not None and not item.state.closed:
                out.append(key)
        return out

    def _move_open(self, step: int) -> None:
        layout = self.plan_layout
        if layout is None:
            return
        order = layout.order()
        open_keys = set(self._open_items())
        if not open_keys:
            self.app.notify("No open task here.", timeout=3)
            return
        cur = self.tree.cursor_key
        at = order.index(cur) if cur in layout.nodes else -1
        n = len(order)
        for i in range(1, n + 1):
            k = order[(at + step * i) % n]
            if k in open_keys:
                self.tree.reveal(k)
                return

    def action_next_open(self) -> None:
        self._move_open(1)

    def action_previous_open(self) -> None:
        self._move_open(-1)

    def action_cycle_filter(self) -> None:
        self.show = FILTERS[(FILTERS.index(self.show) + 1) % len(FILTERS)]
        self._relayout()
        if self.show == "open":
            self.tree.open_sections()
        if self.plan_layout is not None and self.plan_layout.matches == 0:
            self.app.notify(f"No {self.show} tasks.", timeout=3)

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if self._saved_open is None:
            tree = self.tree
            self._saved_open = (set(tree._open), set(tree._shut))
        search.display = True
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_text = event.value.strip()
        tree = self.tree
        if self.snapshot is None or self.summary is None:
            return
        self.plan_layout = build(self.snapshot.plan, self.summary, show=self.show, query=self.query_text)
        if self.query_text:
            tree._open.update(k for k, n in self.plan_layout.nodes.items() if n.children)
            tree._shut.clear()
        q = self.query_text.lower()
        first = next((k for k in self.plan_layout.order() if k in self.plan_layout.key_item
                      and q in item_label(self.plan_layout.item(k)).lower()), None)
        tree.show(self.plan_layout, cursor=first if self.query_text else None)
        self._update_pane_title()
        self._update_detail()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.query_text:
            self._end_search()
        self.tree.focus()

    def _end_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = False
        cursor = self.tree.cursor_key
        had_query = bool(self.query_text)
        self.query_text = ""
        if search.value:
            with search.prevent(Input.Changed):
                search.value = ""
        if self._saved_open is not None:
            tree = self.tree
            tree._open, tree._shut = self._saved_open
            self._saved_open = None
        if had_query:
            self._relayout(cursor=cursor)
        self.tree.focus()

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.display or self.query_text:
            self._end_search()
            return
        back = getattr(self.screen, "action_back", None)
        if back is not None:
            back()

    def action_edit(self) -> None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or shutil.which("vi") or shutil.which("nano")
        if not editor:
            self.app.notify("Set $EDITOR to edit the plan from here.", severity="warning")
            return
        line = 1
        layout, key = self.plan_layout, self.tree.cursor_key
        if layout is not None and key in layout.nodes:
            node = layout.nodes[key]
            line = layout.plan.items[node.index].line if node.kind == "item" else layout.plan.sections[node.index].line
        path = self.path
        if path.is_dir() and self.snapshot is not None:  # a Claude Code task list: the task's own file
            from ...claude_store import file_line

            path, line = file_line(path, self.snapshot.lines, line)
        try:
            argv = editor_command(editor, path, line)
        except ValueError as exc:  # shlex: an unclosed quote
            self.app.notify(f"Could not start {editor}: {exc}", severity="error", timeout=4, markup=False)
            return
        self.expect_source = "editor"  # what the watcher sees meanwhile is the editor's doing
        try:
            started, problem = self._run_editor(argv)
        except SuspendNotSupported:
            self.expect_source = None
            self.app.notify("This terminal cannot hand over to an editor.", severity="warning")
            return
        self.app.refresh(layout=True)
        if not started:
            self.expect_source = None
            self.app.notify(problem or "", severity="error", timeout=4, markup=False)
            return
        if problem is not None:
            self.app.notify(problem, severity="warning", timeout=4, markup=False)
        self.load("editor")

    def _run_editor(self, argv: list[str]) -> tuple[bool, str | None]:
        """Run the editor with the terminal handed over to it: whether it started, and
        what went wrong if anything did.

        Nothing may leave the ``suspend`` block by an exception: Textual takes the
        terminal back only when the block ends normally (else a blank screen in
        line mode, that only Ctrl-C leaves)."""
        name = os.path.basename(argv[0])
        with self.app.suspend():
            try:
                code = subprocess.call(argv)
            except FileNotFoundError:
                return False, f"Could not start {name}: no such program"
            except Exception as exc:  # noqa: BLE001 - whatever it is, the terminal comes back
                return False, f"Could not start {name}: {getattr(exc, 'strerror', None) or exc}"
        if code != 0:
            return True, f"{name} exited with status {code}"
        return True, None

    # -- warnings -------------------------------------------------------------

    def _warnings_note(self) -> str:
        """What the tree pane's title says of the plan's warnings (markup), "" if none."""
        n = len(self.summary.warnings) if self.summary is not None else 0
        return f" · [$text-warning]⚠ {n} warning{'s' if n != 1 else ''}[/] · w" if n else ""

    def action_warnings(self) -> None:
        from ..plan_screens import WarningsScreen

        summary = self.summary
        if summary is None:
            return
        if not summary.warnings:
            self.app.notify("No warnings: the plan reads cleanly.", timeout=3)
            return
        self.app.push_screen(WarningsScreen(summary.warnings, self.name_shown), self._go_to_line)

    def action_burnup(self) -> None:

        if self.snapshot is not None and self.summary is not None:
            now = self.app.now().astimezone() if getattr(self.app, "_clock", None) else None
            self.app.push_screen(BurnupScreen(self.path, self.snapshot.plan, self.summary, now=now))

    def _go_to_line(self, line: int | None) -> None:
        """Put the tree's cursor on the node of ``line``, else the nearest one before it."""
        layout = self.plan_layout
        if line is None or layout is None or not layout.nodes:
            return
        plan = layout.plan
        best: Key | None = None
        best_line = -1
        first: tuple[int, Key] | None = None
        for key, node in layout.nodes.items():
            at = plan.items[node.index].line if node.kind == "item" else plan.sections[node.index].line
            if best_line < at <= line:
                best, best_line = key, at
            if first is None or at < first[0]:
                first = (at, key)
        if best is None and first is not None:
            best = first[1]  # the line is above every node: the first one
        if best is not None:
            self.tree.reveal(best)
            self.tree.focus()

    # -- room at small sizes --------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        # The tree gets the room first: the log goes below LOG_BELOW rows (the side
        # panel goes below 70 columns, see DashboardScreen), then the header's
        # next/drift lines and the tree's frame.  The CSS (-no-log, -tiny) does it.
        # The detail beside the tree closes below DETAIL_BESIDE columns: d then opens it over it.
        if self.has_class("-detail") and event.size.width < self.DETAIL_BESIDE:
            self.remove_class("-detail")
            if self.query_one(TaskDetail).has_focus:
                self.tree.focus()
        self.fit(event.size.height)

    def fit(self, height: int) -> None:
        """Give way to the tree at ``height`` rows (see :meth:`on_resize`)."""
        self.set_class(height < LOG_BELOW, "-no-log")
        self.set_class(height < TINY_BELOW, "-tiny")
        self.query_one(PlanHeader).fit(height < TINY_BELOW)
