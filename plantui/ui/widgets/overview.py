"""The overview of several plans: one row each, kept live.

The table owns one :class:`~plantui.follower.Follower` per plan (started on
mount, stopped on unmount); each posts :class:`~plantui.ui.messages.FileChanged`
to the table, and the plan is read again in a thread worker of its own.  A row
says why a plan cannot be shown (the follower looks for a plan that is gone).
The folders the overview was opened on are watched too: a plan made in one
of them gets its row.

Plans of several tools (Spec Kit and Cursor, say) are grouped by tool, a
header row each (its plans' progress summed), and by feature within a group;
archived or completed plans (OpenSpec ``archive/``, Spec Kit ``specs/completed/``)
sit apart under an "Archived" header, folded: enter on a header folds or
unfolds its group.  Rows are sorted (by path, progress or last change: ``o``
cycles) within their group, and the columns fit the width in cells: the tool,
the current phase and the next task show on a wide screen; then the title
gives way, the path, the last change, the count, and the bar shrinks to a
short one.  The plan under the cursor is told in full under the table
(:class:`PlanTable.Detail`).

A file that keeps several plans (Codex ExecPlans under ``# EP-…`` headings,
:func:`plantui.execplan.parts`) is several rows, one per plan, keyed
``path#EP-…``, each with its own progress, phase and next task, all followed
through the file's one follower; enter opens the file's dashboard on that
plan's heading.  ``order="last change"`` (``plantui claude``) starts newest
first, by the files' times on disk before they are read.
"""

from __future__ import annotations

import os
import re
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
from ...execplan import PART_HEADING, Part, parts
from ...fields import percent
from ...follower import Follower, read_settled
from ...report import bar
from ...tools import TOOLS, Place, describe
from ...watcher import FolderWatcher
from .text import shown_path
from ..tree_model import one_line
from ..messages import FileChanged, OpenPlan, PlanLoaded, PlanUnreadable

TITLE_WIDTH = 40  # the widest the title column gets
MIN_TITLE = 16  # narrower than this, and the other columns give way
PATH_WIDTH = 36  # the widest the path column gets
MIN_PATH = 14  # narrower than this, and the path goes
PROBLEM_WIDTH = 30  # the widest "unreadable: why" widens the bar column, on a wide screen
TOOL_WIDTH = 11  # the widest the tool column gets ("Claude Code")
PHASE_WIDTH = 24  # the widest the current phase column gets
NEXT_WIDTH = 30  # the widest the next task column gets
LABELS = {"plan": "Plan", "tool": "Tool", "phase": "Phase", "next": "Next", "path": "Path", "bar": "Progress",
          "done": "Done", "changed": "Changed"}
# From the widest to the narrowest: the columns after the title, and the bar's width (0: a percent only).
LAYOUTS = (
    (("tool", "phase", "next", "path", "bar", "done", "changed"), 12),
    (("tool", "next", "path", "bar", "done", "changed"), 12),
    (("next", "path", "bar", "done", "changed"), 12),
    (("path", "bar", "done", "changed"), 12),
    (("bar", "done", "changed"), 12),
    (("bar", "done", "changed"), 6),
    (("bar", "done"), 6),
    (("bar",), 6),
    (("bar",), 0),
)
ORDERS = ("path", "progress", "last change")
ARCHIVED = "archived"  # the group of archived plans (the others: a tool's name)
GROUP = "group:"  # the key of a group's header row: group:speckit, group:archived


class Tally:
    """Counts summed over a group's plans, shaped like :class:`plantui.progress.Counts` for the bar."""

    def __init__(self, done: int = 0, countable: int = 0) -> None:
        self.done, self.countable, self.total = done, countable, countable
        self.percent = percent(done, countable)
        self.complete = countable > 0 and done >= countable


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
        Binding("enter", "select_cursor", "Open / fold", show=True),
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

    class Detail(Message):
        """What to say of the row under the cursor (its plan in full, or its group)."""

        def __init__(self, text: Text) -> None:
            super().__init__()
            self.text = text

    def __init__(self, paths: list[Path], *, live: bool = True, folders: list[Path] | None = None,
                 order: str = ORDERS[0], id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}")
        self.paths = [Path(p) for p in paths]  # in the order shown
        self.folders = [Path(f) for f in folders or ()]
        self.live = live
        self.order = order
        self._followers: dict[Path, Follower] = {}
        self._folder_watchers: list[FolderWatcher] = []
        self._known = {self._identity(p) for p in self.paths}  # read by the folder watchers' threads
        self._changed: dict[Path, datetime] = {}
        self._state: dict[Path, tuple] = {}
        self._problem: dict[Path, str] = {}  # "deleted", "unreadable: …"
        self._parts: dict[Path, tuple[Part, ...]] = {}  # the plans of a file that keeps several (ExecPlans)
        self._units: list[str] = [str(p) for p in self.paths]  # a row each, in order: a plan's path, or a part's name
        self._unit: dict[str, tuple[Path, Part | None]] = {str(p): (p, None) for p in self.paths}
        self._shown_paths = {p: shown_path(p) for p in self.paths}
        self._places: dict[Path, Place] = {p: describe(p) for p in self.paths}
        self._grouped: bool | None = None  # (worked out again when a plan comes)
        self.folded: set[str] = {ARCHIVED}  # the groups whose plans are hidden
        self._keys: list[str] = []  # the rows' keys, in order: a plan's path or a group's GROUP + name
        self._layout: tuple | None = None  # the columns and their widths, as last laid out
        self.loads = 0

    @staticmethod
    def _identity(path: Path) -> str:
        return os.path.normcase(os.path.abspath(path))

    def now(self) -> datetime:
        clock = getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now()

    def on_mount(self) -> None:
        if self.paths and all(self._places[p].archived for p in self.paths):
            self.folded.discard(ARCHIVED)  # archived plans named on purpose: shown
        if self.order == "last change":  # newest first from the first row on: the files' times, before they are read
            for p in self.paths:
                self._seed_time(p)
        self._resort()
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

    def _seed_time(self, path: Path) -> None:
        """When ``path`` last changed, by its time on disk (a folder that is a plan: its newest file)."""
        try:
            ns = os.stat(path).st_mtime_ns
            if os.path.isdir(path):
                with os.scandir(path) as entries:
                    ns = max([ns, *(e.stat().st_mtime_ns for e in entries if e.is_file())])
        except OSError:
            return
        self._changed[path] = datetime.fromtimestamp(ns / 1e9)

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
            self._places[p] = describe(p)
            self._grouped = None
            self.paths.append(p)
            added.append(p)
            if self.order == "last change":
                self._seed_time(p)
        if not added:
            return
        self._reorder(force=True)
        for p in added:
            self._follow(p)

    # rows ---------------------------------------------------------------------

    @property
    def grouped(self) -> bool:
        """Whether the plans are grouped by tool: when the plans not archived come from two tools or more
        (a plan of no known tool, "markdown", does not count: a Spec Kit project with a TODO.md is one list)."""
        if self._grouped is None:
            tools = {pl.tool for pl in self._places.values() if not pl.archived} - {"markdown"}
            self._grouped = len(tools) > 1
        return self._grouped

    def parts_of(self, path: Path) -> tuple[Part, ...]:
        """The plans of the file ``path`` when it keeps several (ExecPlans), as its rows
        show them; () for a file of one plan, or not read yet."""
        return self._parts.get(path, ())

    def group_of(self, path: Path | str) -> str | None:
        """The group ``path``'s row is in (or the row ``path``, a part's name):
        ``"archived"``, its tool's name (grouped), or None."""
        place = self._places.get(self._path(path)) or Place("markdown")
        if place.archived:
            return ARCHIVED
        return place.tool if self.grouped else None

    def _group_rank(self, path: Path, grouped: bool) -> tuple:
        place = self._places.get(path) or Place("markdown")
        tool = TOOLS.index(place.tool) if place.tool in TOOLS else len(TOOLS)
        # by path, a feature's plans together; by progress or last change, the order alone within the tool
        feature = (place.feature or "").casefold() if self.order == "path" else ""
        if place.archived:
            return (1, tool, feature)
        return (0, tool, feature) if grouped else (0,)

    # a row is a plan: a file, or one of the plans a file keeps (an ExecPlan's part, named path#EP-…)

    def _path(self, key: Path | str) -> Path:
        """The file of the row ``key`` (a path, or a part's name)."""
        if isinstance(key, Path):
            return key
        unit = self._unit.get(key)
        return unit[0] if unit is not None else Path(key)

    def _part(self, key: Path | str) -> Part | None:
        unit = self._unit.get(str(key))
        return unit[1] if unit is not None else None

    def _counts(self, key: str):
        """The row's tasks (:class:`plantui.progress.Counts`) and next task's index, or None before it is read."""
        part = self._part(key)
        if part is not None:
            return part.tasks, part.next_task
        state = self._state.get(self._path(key))
        return None if state is None else (state[1].tasks, state[1].next_task)

    def _all_units(self) -> list[str]:
        """A row's key for each plan: a file's path, or the names of the plans it keeps."""
        units = []
        for p in self.paths:
            split = self._parts.get(p)
            if split:
                units.extend(part.name for part in split)
                self._unit.update((part.name, (p, part)) for part in split)
            else:
                units.append(str(p))
                self._unit[str(p)] = (p, None)
        return units

    def _sort_key(self, key: str, grouped: bool = False):
        path, part = self._path(key), self._part(key)
        shown = self._shown_paths.get(path, str(path)).casefold()
        within = (shown, part.line if part is not None else 0)  # a file's plans in their order
        counts = self._counts(key)
        rank = self._group_rank(path, grouped)
        if self.order == "progress":
            if counts is None:
                return (*rank, 1, 0.0, *within)
            t = counts[0]
            return (*rank, 0, t.done / t.countable if t.countable else 0.0, *within)
        if self.order == "last change":
            when = self._changed.get(path)
            return (*rank, 1, 0.0, *within) if when is None else (*rank, 0, -when.timestamp(), *within)
        return (*rank, 0, 0.0, *within)

    def _sorted(self, units: list[str]) -> list[str]:
        grouped = self.grouped
        return sorted(units, key=lambda k: self._sort_key(k, grouped))

    def _resort(self) -> bool:
        """Sort the rows again (and the files, as their first rows come): whether their order changed."""
        units = self._sorted(self._all_units())
        if units == self._units:
            return False
        self._units = units
        self.paths = list(dict.fromkeys(self._path(k) for k in units))
        return True

    def _row_keys(self) -> list[str]:
        """The rows to show, in order: each group's header, then its plans unless it is folded."""
        keys: list[str] = []
        last = None
        for k in self._units:
            group = self.group_of(k)
            if group != last and group is not None:
                keys.append(GROUP + group)
            last = group
            if group not in self.folded:
                keys.append(k)
        return keys

    def members(self, group: str) -> list[str]:
        """The plans of ``group`` (their rows' keys), in the order shown."""
        return [k for k in self._units if self.group_of(k) == group]

    def toggle(self, group: str) -> None:
        """Fold ``group`` if it is unfolded, unfold it if it is folded."""
        self.folded ^= {group}
        self._rebuild()

    def action_cycle_order(self) -> None:
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self._reorder(force=True)

    def _reorder(self, force: bool = False) -> None:
        """Sort the rows again; lay the table out again when the order or the columns changed."""
        moved = self._resort()
        layout = self._fit()
        if force or moved or layout != self._layout:
            self._rebuild(layout)

    def _fit(self) -> tuple:
        """The columns after the title, their widths and the bar's width, for the width there is."""
        width = self.scrollable_content_region.width or self.app.size.width - 2
        width -= 1  # room for a scrollbar
        units = self._units
        titles = [cell_len(self._title(k)) for k in units] or [4]
        titles += [cell_len(self._group_title(g)) for g in {self.group_of(p) for p in self.paths} - {None}]
        want_title = max(4, min(TITLE_WIDTH, max(titles)))
        paths = [cell_len(self._shown_paths.get(p, "")) for p in self.paths] or [4]
        done = max([4] + [len(self._done_text(k)) for k in units])
        phase = max([5] + [cell_len(self._phase_text(k)) for k in units])
        nexts = max([4] + [cell_len(self._next_text(k)) for k in units])
        tools = max([4] + [cell_len(pl.tool_name) for pl in self._places.values()])
        widths = {"path": max(4, min(PATH_WIDTH, max(paths))), "done": done, "changed": 11,
                  "tool": min(TOOL_WIDTH, tools), "phase": min(PHASE_WIDTH, phase), "next": min(NEXT_WIDTH, nexts)}
        problem = max([0] + [cell_len(t) for t in self._problem.values()])
        pad = 2 * self.cell_padding
        grouped = self.grouped
        layouts = [(tuple(c for c in columns if not (grouped and c == "tool")), barw) for columns, barw in LAYOUTS]
        wide = len(LAYOUTS) - 6  # the layouts before the first of the narrow ones have a phase, a next...
        path_w = widths["path"]
        need = min(MIN_TITLE, want_title)  # the title's least: 16 cells, or all of it when shorter
        for n, (columns, barw) in enumerate(layouts):
            widths["path"] = path_w
            widths["bar"] = max(barw + 5 if barw else 4, min(PROBLEM_WIDTH, problem) if n < wide + 3 else 0)
            used = sum(widths[c] + pad for c in columns) + pad
            title = min(want_title, width - used)
            if title < need and "path" in columns:  # the path gives way some before it goes
                cut = min(need - title, widths["path"] - MIN_PATH)
                if cut > 0:
                    widths["path"] -= cut
                    title += cut
            if n < wide and title < min(want_title, TITLE_WIDTH // 2 + 4):
                continue  # the extra columns only where the title keeps room
            if title >= need or n == len(layouts) - 1:
                break
        return (max(4, title), barw, tuple((c, widths[c]) for c in columns))

    def _groups(self) -> list[str]:
        return [k[len(GROUP):] for k in self._keys if k.startswith(GROUP)]

    def _rebuild(self, layout: tuple | None = None) -> None:
        layout = layout or self._fit()
        self._layout = layout
        title_w, _barw, columns = layout
        selected = self._keys[self.cursor_row] if self._keys and 0 <= self.cursor_row < len(self._keys) else None
        self.clear(columns=True)
        arrow = {"path": "path", "progress": "bar", "last change": "changed"}[self.order]
        for key, width in (("plan", title_w), *columns):
            label = LABELS[key] + (" ▾" if key == arrow else "")
            self.add_column(crop(label, width), key=key, width=width)
        self._keys = self._row_keys()
        for key in self._keys:
            cells = self._group_cells(key[len(GROUP):], layout) if key.startswith(GROUP) else \
                self._cells(key, layout)
            self.add_row(*cells, key=key)
        if selected is None:  # the first time: on the first plan, not on a header
            selected = next((k for k in self._keys if not k.startswith(GROUP)), None)
        if selected in self._keys:
            self.move_cursor(row=self._keys.index(selected), animate=False)
        self.post_message(self.Shown(len(self._units), self.order))
        self._tell()

    def _title(self, key: str) -> str:
        path, part = self._path(key), self._part(key)
        state = self._state.get(path)
        if part is not None:  # its heading's words after the EP id (the detail names it in full)
            title = one_line(part.title)
            named = PART_HEADING.match(title)
            title = (title[named.end():].lstrip(" :—–-") if named else "") or title
        else:
            title = (one_line(state[0].plan.title) if state else "") or path.name
        feature = self._places[path].feature if path in self._places else None
        if self.group_of(path) is not None and feature and _plain(feature) not in _plain(title):
            title = f"{feature}: {title}"  # grouped: which feature, unless the title says it
        return title

    def _group_title(self, group: str) -> str:
        name = "Archived" if group == ARCHIVED else Place(group).tool_name
        count = len(self.members(group))
        return f"{'▸' if group in self.folded else '▾'} {name} ({count})"

    def _done_text(self, key: str) -> str:
        counts = self._counts(key)
        if counts is None:
            return ""
        t = counts[0]
        return f"{t.done}/{t.countable}" if t.total else "—"

    def _next_item(self, key: str):
        counts = self._counts(key)
        if counts is None or counts[1] is None:
            return None
        return self._state[self._path(key)][0].plan.items[counts[1]]

    def _next_text(self, key: str) -> str:
        item = self._next_item(key)
        return "" if item is None else one_line(item.label)

    def _phase_text(self, key: str) -> str:
        """The current phase: the next task's, else the first one not done (of a part: under its heading)."""
        path, part = self._path(key), self._part(key)
        state = self._state.get(path)
        if state is None:
            return ""
        plan, summary = state[0].plan, state[1]
        item = self._next_item(key)
        for ph, st in zip(plan.phases, summary.phases):
            if part is not None and not part.line < ph.line <= part.end_line:  # (its heading: the part's title)
                continue
            if (item is not None and ph.index == item.phase) or (item is None and st.status != "done"):
                return one_line(ph.title)
        return ""

    def _cells(self, key: str, layout: tuple) -> list[Text]:
        title_w, barw, columns = layout
        path = self._path(key)
        counts = self._counts(key)
        complete = counts is not None and counts[0].complete
        indent = "  " if self.group_of(path) is not None else ""
        cells = {"plan": Text(crop(indent + self._title(key), title_w), "bold" if counts and not complete else "")}
        widths = dict(columns)
        if "path" in widths:
            cells["path"] = Text(crop_left(self._shown_paths.get(path, str(path)), widths["path"]), "dim")
        if "tool" in widths:
            cells["tool"] = Text(crop(self._places[path].tool_name, widths["tool"]))
        if "phase" in widths:
            cells["phase"] = Text(crop(self._phase_text(key), widths["phase"]), "dim")
        if "next" in widths:
            cells["next"] = Text(crop(self._next_text(key), widths["next"]))
        problem = self._problem.get(path)
        if problem is not None:
            cells["bar"] = Text(crop(problem, widths["bar"]), self._color("warning", "yellow"))
        elif counts is None:
            cells["bar"] = Text(crop("loading…", widths["bar"]), "dim")
        else:
            cells["bar"] = self._bar(counts[0], barw)
        cells["done"] = Text(self._done_text(key))
        when = self._changed.get(path)
        cells["changed"] = Text(ago(when, self.now()) if when else "", "dim")
        return [cells[key] for key in ("plan", *widths)]

    def _tally(self, group: str) -> Tally:
        done = countable = 0
        for k in self.members(group):
            counts = self._counts(k)
            if counts is not None:
                done += counts[0].done
                countable += counts[0].countable
        return Tally(done, countable)

    def _group_cells(self, group: str, layout: tuple) -> list[Text]:
        """A group's header row: its name and count, its plans' progress summed, their last change."""
        title_w, barw, columns = layout
        cells = {key: Text("") for key, _ in columns}
        cells["plan"] = Text(crop(self._group_title(group), title_w), "bold " + self._color("accent", "blue"))
        t = self._tally(group)
        cells["bar"] = self._bar(t, barw)
        cells["done"] = Text(f"{t.done}/{t.countable}")
        times = [self._changed[p] for p in map(self._path, self.members(group)) if p in self._changed]
        if times:
            cells["changed"] = Text(ago(max(times), self.now()), "dim")
        return [cells[key] for key in ("plan", *dict(columns))]

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
        moved = self._resort()
        layout = self._fit()
        if moved or layout != self._layout or self._row_keys() != self._keys:
            self._rebuild(layout)
            return
        keys = ("plan", *dict(layout[2]))
        for row in self._units:
            if row in self.rows and self._path(row) == path:
                for key, cell in zip(keys, self._cells(row, layout)):
                    self.update_cell(row, key, cell)
        group = self.group_of(path)
        if group is not None:
            for key, cell in zip(keys, self._group_cells(group, layout)):
                self.update_cell(GROUP + group, key, cell)
        self._tell()

    # the row under the cursor, in full ---------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._tell()

    def _tell(self) -> None:
        self.post_message(self.Detail(self.detail()))

    def detail(self) -> Text:
        """The row under the cursor in words: a plan's tool, feature, phase, next task and last change;
        a group's plans and what enter does."""
        if not self._keys:
            return Text("")
        key = self._keys[max(0, min(self.cursor_row, len(self._keys) - 1))]
        dim = "dim"
        if key.startswith(GROUP):
            group = key[len(GROUP):]
            count = len(self.members(group))
            name = "Archived" if group == ARCHIVED else Place(group).tool_name
            plans = "1 plan" if count == 1 else f"{count} plans"
            does = "unfolds" if group in self.folded else "folds"
            return Text.assemble((name, "bold"), (f" · {plans} · enter {does}", dim))
        path, part = self._path(key), self._part(key)
        place = self._places.get(path) or Place("markdown")
        parts: list[tuple[str, str]] = [(place.tool_name, "bold")]
        if place.feature:
            parts.append((place.feature, ""))
        if part is not None:
            parts.append((f"{path.name}#{part.name.rpartition('#')[2]}", ""))
        if place.archived:
            parts.append(("archived", dim))
        problem = self._problem.get(path)
        if problem is not None:
            parts.append((problem, self._color("warning", "yellow")))
        elif path not in self._state:
            parts.append(("loading…", dim))
        else:
            phase, nxt = self._phase_text(key), self._next_text(key)
            if phase:
                parts.append((phase, ""))
            if nxt:
                parts.append((f"next: {nxt}", ""))
            else:
                parts.append(("all done" if self._counts(key)[0].complete else "no tasks", ""))
        when = self._changed.get(path)
        if when is not None:
            parts.append((f"changed {ago(when, self.now())}", dim))
        text = Text()
        for n, (words, style) in enumerate(parts):
            if n:
                text.append(" · ", dim)
            text.append(words, style)
        return text

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
                shown = self._state.get(path, (None, None))[0]  # the row's last read: a tick costs no parse
                snap = read_settled(path, shown)
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
        plan = event.snapshot.plan
        self._parts[event.path] = parts(str(event.path), plan, event.summary)
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
        for k in self._units:
            when = self._changed.get(self._path(k))
            if when is not None and k in self.rows:
                self.update_cell(k, "changed", Text(ago(when, self.now()), "dim"))
        for group in self._groups():
            times = [self._changed[p] for p in map(self._path, self.members(group)) if p in self._changed]
            if times:
                self.update_cell(GROUP + group, "changed", Text(ago(max(times), self.now()), "dim"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key.startswith(GROUP):
            self.toggle(key[len(GROUP):])
            return
        part = self._part(key)
        self.post_message(OpenPlan(self._path(key), part.line if part is not None else None))

    @property
    def selected_path(self) -> Path | None:
        """The plan under the cursor (None on a group's header)."""
        if not self._keys or not self.row_count:
            return None
        key = self._keys[max(0, min(self.cursor_row, len(self._keys) - 1))]
        return None if key.startswith(GROUP) else self._path(key)

    @property
    def selected_part(self) -> Part | None:
        """The part under the cursor, when its file keeps several plans."""
        if not self._keys or not self.row_count:
            return None
        return self._part(self._keys[max(0, min(self.cursor_row, len(self._keys) - 1))])


def _plain(text: str) -> str:
    """``text`` folded for a loose comparison: 001-user-auth, 1.2.user-auth and "User auth" meet."""
    text = re.sub(r"^(?:\d{4}-\d{2}-\d{2}|[\d.]+)[-_. ]", "", text)
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").replace(".", " ").split())


class FoldersChanged(Message, bubble=False):
    """A Markdown file appeared or went in a folder the overview watches (from its watcher's thread)."""


class PlansFound(Message, bubble=False):
    """Plans found in the watched folders that have no row yet."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
