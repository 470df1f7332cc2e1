"""The overview of several plans: one row each, kept live.

The table owns one watcher per plan (started on mount, stopped on unmount);
each posts :class:`~plantui.ui.messages.FileChanged` to the table, and the
plan is read again in a thread worker of its own.  A row says why a plan
cannot be shown; while a plan is gone the table looks for it now and then
(its folder may come back as a new folder, which its watcher cannot see).
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import DataTable
from textual.worker import get_current_worker

from ...progress import summarize
from ...report import bar
from ...storage import PlanError
from ...watcher import PlanWatcher
from ..layout import one_line
from ..live import LOOK_EVERY, folders_of, read_settled
from ..messages import FileChanged, OpenPlan, PlanLoaded, PlanUnreadable

TITLE_WIDTH = 30
COLUMNS = (("plan", "Plan"), ("path", "Path"), ("bar", "Progress"), ("done", "Done"), ("changed", "Last change"))


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

    BINDINGS = [Binding("enter", "select_cursor", "Open", show=True)]

    def __init__(self, paths: list[Path], *, live: bool = True, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.paths = [Path(p) for p in paths]
        self.live = live
        self._watchers: dict[Path, PlanWatcher] = {}
        self._watched: dict[Path, tuple] = {}  # the folders each watcher watches (see live.folders_of)
        self._missing: set[Path] = set()
        self._looking: Timer | None = None  # while a plan is gone: look for it now and then
        self._changed: dict[Path, datetime] = {}
        self._seq: dict[Path, int] = {}
        self._locks = {p: threading.Lock() for p in self.paths}
        self._state: dict[Path, tuple] = {}
        self.loads = 0

    def now(self) -> datetime:
        clock = getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now()

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)
        for p in self.paths:
            self.add_row(Text(p.name), Text(shown_path(p), "dim"), Text("loading…", "dim"), Text(""), Text(""), key=str(p))
            if self.live:
                self._watch(p)
            self._load(p)
        self.set_interval(30, self._refresh_times)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_unmount(self) -> None:
        for w in self._watchers.values():
            w.stop()
        self._watchers.clear()

    def _watch(self, path: Path) -> None:
        self._watched[path] = folders_of(path)
        self._watchers[path] = PlanWatcher(path, lambda kind: self.post_message(FileChanged(path, kind))).start()

    def _look_for_plans(self) -> None:
        """A plan whose folder was removed and made again is not seen by its watcher: look."""
        for path in list(self._missing):
            if not os.path.exists(path):
                continue
            if path in self._watchers and folders_of(path) != self._watched.get(path):
                threading.Thread(target=self._watchers.pop(path).stop, daemon=True).start()
                self._watch(path)
            self._load(path)
        if not self._missing and self._looking is not None:
            self._looking.stop()
            self._looking = None

    def _load(self, path: Path) -> None:
        seq = self._seq.get(path, 0) + 1
        self._seq[path] = seq
        self.run_worker(lambda: self._read(path, seq), thread=True, group=f"row:{path}", exclusive=True, exit_on_error=False)

    def _read(self, path: Path, seq: int) -> None:
        worker = get_current_worker()
        with self._locks[path]:
            try:
                snap = read_settled(path)
                message = PlanLoaded(path, seq, snap, summarize(snap.plan, self.now()), "outside")
            except PlanError as exc:
                message = PlanUnreadable(path, seq, str(exc), not path.exists())
            except Exception as exc:  # say why, never crash
                message = PlanUnreadable(path, seq, f"cannot read it ({exc})", False)
        if not worker.is_cancelled:
            self.post_message(message)

    def on_file_changed(self, event: FileChanged) -> None:
        event.stop()
        self._changed[event.path] = self.now()
        self._load(event.path)

    def on_plan_loaded(self, event: PlanLoaded) -> None:
        event.stop()
        if event.seq < self._seq.get(event.path, 0):
            return
        self.loads += 1
        self._missing.discard(event.path)
        self._state[event.path] = (event.snapshot, event.summary)
        self._show_row(event.path)

    def _color(self, name: str, fallback: str) -> str:
        return self.app.theme_variables.get(name, fallback)

    def _show_row(self, path: Path) -> None:
        snap, s = self._state[path]
        t = s.tasks
        key = str(path)
        frac = t.done / t.countable if t.countable else 0.0
        filled = bar(frac, 12)
        full = len(filled.rstrip("░"))
        bar_text = Text()
        bar_text.append(filled[:full], self._color("success", "green") if t.complete else self._color("accent", "blue"))
        bar_text.append(filled[full:], self._color("panel-lighten-2", "bright_black"))
        bar_text.append(f" {t.percent:>3}%")
        title = one_line(snap.plan.title) or path.name
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1] + "…"
        self.update_cell(key, "plan", Text(title, "bold" if not t.complete else ""), update_width=True)
        self.update_cell(key, "bar", bar_text, update_width=True)
        self.update_cell(key, "done", Text(f"{t.done}/{t.countable}" if t.total else "—"), update_width=True)
        self._show_time(path, snap.mtime_ns)

    def _theme_changed(self, _theme) -> None:
        for path in self._state:
            self._show_row(path)

    def on_plan_unreadable(self, event: PlanUnreadable) -> None:
        event.stop()
        if event.seq < self._seq.get(event.path, 0):
            return
        self.loads += 1
        if event.missing:
            self._missing.add(event.path)
            if self.live and self._looking is None:
                self._looking = self.set_interval(LOOK_EVERY, self._look_for_plans)
            what = "deleted"
        else:  # why, in short: "is a binary file, not a Markdown plan", "cannot read it (Permission denied)"
            self._missing.discard(event.path)
            why = event.error.replace(str(event.path), "", 1).lstrip(": ").strip()
            what = f"unreadable: {why}" if why else "unreadable"
            if len(what) > 48:
                what = what[:47] + "…"
        self.update_cell(str(event.path), "bar", Text(what, self._color("warning", "yellow")), update_width=True)

    def _show_time(self, path: Path, mtime_ns: int | None = None) -> None:
        when = self._changed.get(path)
        if when is None and mtime_ns is not None:
            when = datetime.fromtimestamp(mtime_ns / 1e9)
            self._changed[path] = when
        if when is not None:
            self.update_cell(str(path), "changed", Text(ago(when, self.now()), "dim"), update_width=True)

    def _refresh_times(self) -> None:
        for p in self.paths:
            if p in self._changed:
                self._show_time(p)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenPlan(Path(event.row_key.value)))

    @property
    def selected_path(self) -> Path | None:
        if not self.paths:
            return None
        return self.paths[max(0, min(self.cursor_row, len(self.paths) - 1))]
