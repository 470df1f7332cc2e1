"""The overview of several plans: one row each, kept live.

The table owns one :class:`~plantui.follower.Follower` per plan (started on
mount, stopped on unmount); each posts :class:`~plantui.ui.messages.FileChanged`
to the table, and the plan is read again in a thread worker of its own.  A row
says why a plan cannot be shown (the follower looks for a plan that is gone).
The folders the overview was opened on are watched too: a plan made in one
of them gets its row.

Rows are sorted (by path, progress or last change: ``o`` cycles) and the
columns fit the width in cells: the title gives way first, then the path,
the last change, the count, and the bar shrinks to a short one.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import get_current_worker

from ... import discover
from ...errors import PlanError
from ...follower import Follower, read_settled
from ...report import bar
from ...watcher import FolderWatcher
from ..layout import one_line
from ..messages import FileChanged, OpenPlan, PlanLoaded, PlanUnreadable

TITLE_WIDTH = 40  # the widest the title column gets
MIN_TITLE = 16  # narrower than this, and the other columns give way
PATH_WIDTH = 36  # the widest the path column gets
MIN_PATH = 14  # narrower than this, and the path goes
PROBLEM_WIDTH = 30  # the widest "unreadable: why" widens the bar column, on a wide screen
LABELS = {"plan": "Plan", "path": "Path", "bar": "Progress", "done": "Done", "changed": "Changed"}
# From the widest to the narrowest: the columns after the title, and the bar's width (0: a percent only).
LAYOUTS = (
    (("path", "bar", "done", "changed"), 12),
    (("bar", "done", "changed"), 12),
    (("bar", "done", "changed"), 6),
    (("bar", "done"), 6),
    (("bar",), 6),
    (("bar",), 0),
)
ORDERS = ("path", "progress", "last change")


def crop_left(text: str, width: int) -> str:
    """Like :func:`crop`, keeping the end (a path's file name): …/001-search/tasks.md."""
    if cell_len(text) <= width:
        return text
    return crop(text[::-1], width)[::-1]


def crop(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal cells (wide characters count two), with … when cut."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    return set_cell_size(text, width - 1).rstrip() + "…"


def shown_path(path: Path) -> str:
    """A path as a person wants to read it: relative to here, or under ~."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    home = Path.home()
    try:
        return "~/" + str(path.resolve().relative_to(home))
    except ValueError:
        return str(path)


def ago(then: datetime, now: datetime) -> str:
    seconds = (now - then).total_seconds()
    if seconds < 0:
        return then.strftime("%H:%M")
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min ago"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h ago"
    if seconds < 7 * 86400:
        days = round(seconds / 86400)
        return "yesterday" if days == 1 else f"{days} days ago"
    return then.strftime("%Y-%m-%d")


class PlanTable(DataTable):
    """One row per plan: name, path, bar, done/total, last change."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", show=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("o", "cycle_order", "Order", show=True, tooltip="Sort by path, progress or last change"),
    ]

    class Shown(Message):
        """The rows were laid out again: how many, in which order."""

        def __init__(self, count: int, order: str) -> None:
            super().__init__()
            self.count = count
            self.order = order

    def __init__(self, paths: list[Path], *, live: bool = True, folders: list[Path] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.paths = [Path(p) for p in paths]  # in the order shown
        self.folders = [Path(f) for f in folders or ()]
        self.live = live
        self.order = ORDERS[0]
        self._followers: dict[Path, Follower] = {}
        self._folder_watchers: list[FolderWatcher] = []
        self._known = {self._identity(p) for p in self.paths}  # read by the folder watchers' threads
        self._changed: dict[Path, datetime] = {}
        self._state: dict[Path, tuple] = {}
        self._problem: dict[Path, str] = {}  # "deleted", "unreadable: …"
        self._shown_paths = {p: shown_path(p) for p in self.paths}
        self._layout: tuple | None = None  # the columns and their widths, as last laid out
        self.loads = 0

    @staticmethod
    def _identity(path: Path) -> str:
        return os.path.normcase(os.path.abspath(path))

    def now(self) -> datetime:
        clock = getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now()

    def on_mount(self) -> None:
        self.paths = self._sorted(self.paths)
        self._rebuild()
        for p in self.paths:
            self._follow(p)
        if self.live:
            for folder in self.folders:
                watcher = FolderWatcher(folder, lambda kind: self.post_message(FoldersChanged()),
                                        known=lambda p: self._identity(p) in self._known)
                self._folder_watchers.append(watcher)
                threading.Thread(target=watcher.start, daemon=True).start()  # it walks the tree
        self.set_interval(30, self._refresh_times)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_unmount(self) -> None:
        for w in (*self._followers.values(), *self._folder_watchers):
            w.stop()
        self._followers.clear()
        self._folder_watchers.clear()

    # new plans in the folders ---------------------------------------------------

    def on_folders_changed(self, event: "FoldersChanged") -> None:
        event.stop()
        self.run_worker(self._discover, thread=True, group="discover", exclusive=True, exit_on_error=False)

    def _discover(self) -> None:
        worker = get_current_worker()
        try:
            found = discover.expand([str(f) for f in self.folders])
        except Exception:  # a folder gone or unreadable meanwhile: the next event looks again
            return
        new = [p for p in found if self._identity(p) not in self._known]
        if new and not worker.is_cancelled:
            self.post_message(PlansFound(new))

    def on_plans_found(self, event: "PlansFound") -> None:
        event.stop()
        self.add_plans(event.paths)

    def add_plans(self, paths: list[Path]) -> None:
        """Give each of ``paths`` that has no row yet a row of its own."""
        added = []
        for p in (Path(p) for p in paths):
            if self._identity(p) in self._known:
                continue
            self._known.add(self._identity(p))
            self._shown_paths[p] = shown_path(p)
            self.paths.append(p)
            added.append(p)
        if not added:
            return
        self._reorder(force=True)
        for p in added:
            self._follow(p)

    # rows ---------------------------------------------------------------------

    def _sort_key(self, path: Path):
        shown = self._shown_paths.get(path, str(path)).casefold()
        state = self._state.get(path)
        if self.order == "progress":
            if state is None:
                return (1, 0.0, shown)
            t = state[1].tasks
            return (0, t.done / t.countable if t.countable else 0.0, shown)
        if self.order == "last change":
            when = self._changed.get(path)
            return (1, 0.0, shown) if when is None else (0, -when.timestamp(), shown)
        return (0, 0.0, shown)

    def _sorted(self, paths: list[Path]) -> list[Path]:
        return sorted(paths, key=self._sort_key)

    def action_cycle_order(self) -> None:
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self._reorder(force=True)

    def _reorder(self, force: bool = False) -> None:
        """Sort the rows again; lay the table out again when the order or the columns changed."""
        order = self._sorted(self.paths)
        layout = self._fit()
        if force or order != self.paths or layout != self._layout:
            self.paths = order
            self._rebuild(layout)

    def _fit(self) -> tuple:
        """The columns after the title, their widths and the bar's width, for the width there is."""
        width = self.scrollable_content_region.width or self.app.size.width - 2
        width -= 1  # room for a scrollbar
        titles = [cell_len(self._title(p)) for p in self.paths] or [4]
        want_title = max(4, min(TITLE_WIDTH, max(titles)))
        paths = [cell_len(self._shown_paths.get(p, "")) for p in self.paths] or [4]
        done = max([4] + [len(self._done_text(p)) for p in self.paths])
        widths = {"path": max(4, min(PATH_WIDTH, max(paths))), "done": done, "changed": 11}
        problem = max([0] + [cell_len(t) for t in self._problem.values()])
        pad = 2 * self.cell_padding
        for n, (columns, barw) in enumerate(LAYOUTS):
            widths["bar"] = max(barw + 5 if barw else 4, min(PROBLEM_WIDTH, problem) if n < 3 else 0)
            used = sum(widths[c] + pad for c in columns) + pad
            title = min(want_title, width - used)
            if title < MIN_TITLE and "path" in columns:  # the path gives way some before it goes
                cut = min(MIN_TITLE - title, widths["path"] - MIN_PATH)
                if cut > 0:
                    widths["path"] -= cut
                    title += cut
            if title >= MIN_TITLE or n == len(LAYOUTS) - 1:
                break
        return (max(4, title), barw, tuple((c, widths[c]) for c in columns))

    def _rebuild(self, layout: tuple | None = None) -> None:
        layout = layout or self._fit()
        self._layout = layout
        title_w, _barw, columns = layout
        selected = self.selected_path
        self.clear(columns=True)
        arrow = {"path": "path", "progress": "bar", "last change": "changed"}[self.order]
        for key, width in (("plan", title_w), *columns):
            label = LABELS[key] + (" ▾" if key == arrow else "")
            self.add_column(crop(label, width), key=key, width=width)
        for p in self.paths:
            self.add_row(*self._cells(p, layout), key=str(p))
        if selected in self.paths:
            self.move_cursor(row=self.paths.index(selected), animate=False)
        self.post_message(self.Shown(len(self.paths), self.order))

    def _title(self, path: Path) -> str:
        state = self._state.get(path)
        return (one_line(state[0].plan.title) if state else "") or path.name

    def _done_text(self, path: Path) -> str:
        state = self._state.get(path)
        if state is None:
            return ""
        t = state[1].tasks
        return f"{t.done}/{t.countable}" if t.total else "—"

    def _cells(self, path: Path, layout: tuple) -> list[Text]:
        title_w, barw, columns = layout
        state = self._state.get(path)
        complete = state is not None and state[1].tasks.complete
        cells = {"plan": Text(crop(self._title(path), title_w), "bold" if state and not complete else "")}
        widths = dict(columns)
        if "path" in widths:
            cells["path"] = Text(crop_left(self._shown_paths.get(path, str(path)), widths["path"]), "dim")
        problem = self._problem.get(path)
        if problem is not None:
            cells["bar"] = Text(crop(problem, widths["bar"]), self._color("warning", "yellow"))
        elif state is None:
            cells["bar"] = Text(crop("loading…", widths["bar"]), "dim")
        else:
            cells["bar"] = self._bar(state[1].tasks, barw)
        cells["done"] = Text(self._done_text(path))
        when = self._changed.get(path)
        cells["changed"] = Text(ago(when, self.now()) if when else "", "dim")
        return [cells[key] for key in ("plan", *widths)]

    def _bar(self, t, width: int) -> Text:
        text = Text()
        if width:
            frac = t.done / t.countable if t.countable else 0.0
            filled = bar(frac, width)
            full = len(filled.rstrip("░"))
            text.append(filled[:full], self._color("success", "green") if t.complete else self._color("accent", "blue"))
            text.append(filled[full:], self._color("panel-lighten-2", "bright_black"))
            text.append(" ")
        text.append(f"{t.percent:>3}%")
        return text

    def _show_row(self, path: Path) -> None:
        """Show what is known of ``path`` now: in its row, or by laying the table out again."""
        order = self._sorted(self.paths)
        layout = self._fit()
        if order != self.paths or layout != self._layout or str(path) not in self.rows:
            self.paths = order
            self._rebuild(layout)
            return
        keys = ("plan", *dict(layout[2]))
        for key, cell in zip(keys, self._cells(path, layout)):
            self.update_cell(str(path), key, cell)

    def on_resize(self) -> None:
        if self._layout is not None and self._fit() != self._layout:
            self._rebuild()

    def _follow(self, path: Path) -> None:
        """Follow ``path`` (a row is gone at once: no grace) and read it."""
        callback = lambda kind: self.post_message(FileChanged(path, kind))  # noqa: E731
        self._followers[path] = Follower(path, callback, live=self.live, grace=0).start()
        self._load(path)

    def _load(self, path: Path) -> None:
        seq = self._followers[path].next_read()
        self.run_worker(lambda: self._read(path, seq), thread=True, group=f"row:{path}", exclusive=True, exit_on_error=False)

    def _read(self, path: Path, seq: int) -> None:
        worker = get_current_worker()
        with self._followers[path].lock:
            try:
                snap = read_settled(path)
                message = PlanLoaded(path, seq, snap, snap.summary(self.now()), "outside")
            except PlanError as exc:
                message = PlanUnreadable(path, seq, str(exc), not path.exists())
            except Exception as exc:  # say why, never crash
                message = PlanUnreadable(path, seq, f"cannot read it ({exc})", False)
        if not worker.is_cancelled:
            self.post_message(message)

    def on_file_changed(self, event: FileChanged) -> None:
        event.stop()
        self._changed[event.path] = self.now()
        if event.kind == "deleted" and not os.path.exists(event.path):
            self._problem[event.path] = "deleted"
            self._show_row(event.path)
        elif event.path in self._followers:
            self._load(event.path)

    def on_plan_loaded(self, event: PlanLoaded) -> None:
        event.stop()
        follower = self._followers.get(event.path)
        if follower is None or not follower.newest(event.seq):
            return
        self.loads += 1
        follower.back()
        self._problem.pop(event.path, None)
        self._state[event.path] = (event.snapshot, event.summary)
        if event.path not in self._changed and event.snapshot.mtime_ns is not None:
            self._changed[event.path] = datetime.fromtimestamp(event.snapshot.mtime_ns / 1e9)
        self._show_row(event.path)

    def _color(self, name: str, fallback: str) -> str:
        return self.app.theme_variables.get(name, fallback)

    def _theme_changed(self, _theme) -> None:
        self._rebuild()

    def on_plan_unreadable(self, event: PlanUnreadable) -> None:
        event.stop()
        follower = self._followers.get(event.path)
        if follower is None or not follower.newest(event.seq):
            return
        self.loads += 1
        if event.missing:
            follower.gone()  # (looked for: a row is deleted at once)
            what = "deleted"
        else:  # why, in short: "is a binary file, not a Markdown plan", "cannot read it (Permission denied)"
            follower.back()
            why = event.error.replace(str(event.path), "", 1).lstrip(": ").strip()
            what = f"unreadable: {why}" if why else "unreadable"
        self._problem[event.path] = what
        self._show_row(event.path)

    def _refresh_times(self) -> None:
        if self._layout is None or "changed" not in dict(self._layout[2]):
            return
        for p in self.paths:
            when = self._changed.get(p)
            if when is not None and str(p) in self.rows:
                self.update_cell(str(p), "changed", Text(ago(when, self.now()), "dim"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenPlan(Path(event.row_key.value)))

    @property
    def selected_path(self) -> Path | None:
        if not self.paths or not self.row_count:
            return None
        return self.paths[max(0, min(self.cursor_row, len(self.paths) - 1))]


class FoldersChanged(Message, bubble=False):
    """A Markdown file appeared or went in a folder the overview watches (from its watcher's thread)."""


class PlansFound(Message, bubble=False):
    """Plans found in the watched folders that have no row yet."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
