"""The widget that owns a plan: its watcher, its reads and (if allowed) its writes.

:class:`LivePlan` is the one place where the engine meets Textual:

- ``on_mount`` starts a :class:`~plantui.watcher.PlanWatcher` whose callback
  only posts :class:`~plantui.ui.messages.FileChanged` to this widget
  (``post_message`` is thread-safe and never blocks); ``on_unmount`` stops it.
  Queued events about the same file replace each other (``can_replace``).
- Reading and parsing run in a thread worker (exclusive: a newer read makes an
  older one drop its result), so the UI never waits for a big plan to parse.
  A read is repeated while the file is still changing under it, so a
  half-written file is not taken as the truth.
- Writes go through :mod:`plantui.actions` in a thread worker, one at a time,
  each computed from the latest view.  Reads and writes share one lock, so a
  reload never overtakes the write that caused it.  When one is refused, the
  ones queued behind it are dropped (their view is stale) and each is named.
- A plan that goes away is called deleted only if it is still gone a moment
  later (vim saves by renaming the plan aside); while it is gone it is looked
  for now and then, with a new watcher if its folder was made again.

Subclasses draw: :meth:`plan_changed` gets the old and new state and the
:class:`~plantui.ui.changes.Changes` between them.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Callable

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from .. import actions, eventlog, release
from ..config import ConfigError, history_enabled
from ..config import Settings
from ..events import events
from ..model import Item, Plan, State, same_structure
from ..progress import Summary
from ..errors import PlanError
from ..snapshot import Snapshot, WriteResult, read
from ..watcher import PlanWatcher
from . import collector
from .changes import Changes, compare
from .layout import GLYPH, Key, item_index, one_line
from .messages import FileChanged, PlanLoaded, PlanUnreadable, WriteDone, WriteRefused

SINCE_SHOWN = 50  # at most this many changes made while a plan was not shown open its activity log

SETTLE_TRIES = 4
LOOK_EVERY = 0.5  # seconds between looks for a plan that is gone
BIG_PLAN = 2000  # items: from here on the collector runs young passes only (see collector)
BIG_FILE = 200_000  # bytes: a plan file this big is taken for a big plan before it is first read
QUIET = 2.0  # seconds without a new state before the collector's full pass (big plans; see collector)
GONE_GRACE = 0.5  # seconds a plan may be gone (an editor saving by rename) before the UI says it was deleted


def read_settled(path: Path, previous: Snapshot | None = None) -> Snapshot:
    """Read the plan; read again while it changes between the read and a second look.

    ``previous`` is the last snapshot shown: a tick from outside then costs no parse.
    """
    snap = read(path, previous=previous)
    for _ in range(SETTLE_TRIES):
        try:
            st = os.stat(path)
        except OSError:
            return snap
        if (st.st_ino, st.st_size, st.st_mtime_ns) == (snap.inode, len(snap.raw), snap.mtime_ns):
            return snap
        time.sleep(0.02)  # someone is still writing: let them finish
        snap = read(path, previous=previous)
    return snap


def _changes(shown: tuple[Snapshot | None, Summary | None], snap: Snapshot, summary: Summary) -> Changes | None:
    """What changed from ``shown`` (a state and its summary) to ``snap``, with the
    events it makes (worked out in a worker: the UI thread need not)."""
    base, base_summary = shown
    if base is None or base_summary is None or base.raw == snap.raw:
        return None
    changes = compare(base.plan, snap.plan)
    changes.events = events(base.plan, base_summary, snap.plan, summary, str(snap.path))
    return changes


def _is_big(snap: Snapshot) -> bool:
    return len(snap.plan.items) >= BIG_PLAN


def let_go_later(old: Plan, new: Plan, *made_of_old: object) -> None:
    """The UI lets go of ``made_of_old`` (a snapshot, a summary, a layout of ``old``)
    now that ``new`` is shown: when ``old`` is big and ``new`` is not a tick of it
    (which shares them), through :func:`plantui.release.later`, so that they are
    not freed all at once on the UI thread."""
    if len(old.items) >= BIG_PLAN and not same_structure(old, new):
        release.later(*made_of_old)


def folders_of(path: Path) -> tuple:
    """The identity of the folders a plan's watcher watches: a folder removed and made
    again is another one, and the watch on the old one went with it."""
    out = []
    for folder in (path.parent, Path(os.path.realpath(path)).parent):
        try:
            st = os.stat(folder)
        except OSError:
            out.append(None)
        else:
            out.append((st.st_dev, st.st_ino))
    return tuple(out)


MARK_STATES = {"progress": State.IN_PROGRESS, "skip": State.SKIPPED}  # requests that set a marker


def marker_for(settings: Settings, state: State) -> str | None:
    """The marker the file's settings write for ``state`` (the first one that means it)."""
    return next((m for m, st in settings.markers.items() if st is state), None)


class LivePlan(Widget):
    """Owns one plan file: keeps its latest snapshot and summary up to date."""

    def __init__(self, path: Path, *, live: bool = True, read_only: bool = False,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.path = Path(path)
        self.live = live
        self.read_only = read_only
        self.snapshot: Snapshot | None = None
        self.summary: Summary | None = None
        self._shown: tuple[Snapshot | None, Summary | None] = (None, None)  # the two, set at once (workers read it)
        self.missing = False
        self.error: str | None = None
        self._watcher: PlanWatcher | None = None
        self._watched: tuple = ()  # the folders the watcher watches (see folders_of)
        self._looking: Timer | None = None  # while the plan is gone: look for it now and then
        self._confirming: Timer | None = None  # it just went: is it still gone a moment later?
        self._quiet: Timer | None = None  # a big plan changed: the collector's full pass once all is quiet
        self._stall_timer: Timer | None = None  # the notifier says "stalled" when it fires (see ui.notifier)
        self._io_lock = threading.Lock()
        self._seq = 0
        self._applied = 0
        self._key_index: dict[Key, int] = {}
        self._writes: deque[tuple[str, Key | None]] = deque()
        self._writing = False
        self.undo_stack: list[tuple[Key, tuple]] = []  # (the item ticked, the lines the tick changed: actions.Ticked.undo)
        self.prepared: object = None  # from the worker, for the state being applied
        self.expect_source: str | None = None  # who changes the file next ("editor" while one runs)
        self.loads = 0  # completed reads (tests wait on it)
        self._unmounted = False

    # -- time and names -------------------------------------------------------

    def now(self) -> datetime:
        clock = getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now()

    def stamp(self) -> str:
        return self.now().strftime("%H:%M:%S")

    @property
    def name_shown(self) -> str:
        return self.path.name

    # -- lifecycle ------------------------------------------------------------

    def on_mount(self) -> None:
        # Textual calls every on_mount along the class hierarchy (subclass first),
        # so subclasses set themselves up in their own on_mount without super().
        if self.live:
            self._start_watcher()
        self.load("start")

    def on_unmount(self) -> None:
        self._stop_looking()
        self._unmounted = True
        collector.hold(self, False)
        collector.unsettle(self)
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    # -- reading --------------------------------------------------------------

    def load(self, source: str = "outside") -> None:
        """Read the plan again, off the UI thread."""
        if source == "outside" and self.expect_source is not None:
            source = self.expect_source  # e.g. the editor we started is what changed it
        self._seq += 1
        self._load(self._seq, source)

    @work(thread=True, exclusive=True, group="plantui-load", exit_on_error=False)
    def _load(self, seq: int, source: str) -> None:
        worker = get_current_worker()
        with self._io_lock:
            if worker.is_cancelled:
                return
            try:
                shown = self._shown
                base = shown[0]
                if self._big() and not self._unmounted:
                    collector.hold(self, True)  # from now on: this parse is where it matters
                snap = read_settled(self.path, base)
                if not self.read_only:
                    actions.ready(snap)
                summary = snap.summary(self.now())
                changes = _changes(shown, snap, summary)
                prepared = self.prepare(snap, summary)
            except PlanError as exc:
                message = PlanUnreadable(self.path, seq, str(exc), not self.path.exists())
            except Exception as exc:  # never crash on a read: say why
                message = PlanUnreadable(self.path, seq, f"{self.path.name}: cannot read it ({exc})", False)
            else:
                message = PlanLoaded(self.path, seq, snap, summary, source, prepared, changes, base)
            finally:
                if self._unmounted:
                    collector.hold(self, False)  # gone while it read: its hold goes too
            if not worker.is_cancelled:
                self.post_message(message)
        if isinstance(message, PlanLoaded):
            self._record_seen(snap, summary, source)

    def _big(self) -> bool:
        """Whether the plan is big (see :mod:`plantui.ui.collector`): as last read, or by its file's size."""
        if self.snapshot is not None:
            return _is_big(self.snapshot)
        try:
            return os.path.getsize(self.path) >= BIG_FILE
        except OSError:
            return False

    def on_file_changed(self, event: FileChanged) -> None:
        event.stop()
        if event.kind == "deleted":
            self._gone()
            return
        self.load("outside")

    def _gone(self) -> None:
        """The plan is not there.  Editors saving by rename (vim) leave the name empty for a
        moment: say it is deleted only when it is still gone after ``GONE_GRACE``."""
        if self.missing:
            return
        if self._confirming is None:
            self._confirming = self.set_timer(GONE_GRACE, self._confirm_gone)

    def _confirm_gone(self) -> None:
        self._confirming = None
        if self.missing:
            return
        if os.path.exists(self.path):
            self.load("outside")  # back already: whatever it is now, the read says
            return
        self.missing = True
        if os.path.isdir(self.path.parent):
            said = f"{self.name_shown} was deleted; showing the last view until it comes back"
        else:
            said = f"{self.name_shown} was deleted with its folder {self.path.parent}; showing the last view until it comes back"
        self.plan_unavailable(said, missing=True)
        if self.live and self._looking is None:
            # The watcher sees the plan come back in its folder; not when the folder itself was
            # removed and made again (its watch went with it).  Look now and then while it is gone.
            self._looking = self.set_interval(LOOK_EVERY, self._look_for_plan)

    def _look_for_plan(self) -> None:
        if not self.missing:
            self._stop_looking()
            return
        if not os.path.exists(self.path):
            return
        if self._watcher is not None and folders_of(self.path) != self._watched:
            # the folder is a new one: watch it
            old, self._watcher = self._watcher, None
            threading.Thread(target=old.stop, daemon=True).start()  # joining its thread is not the UI's job
            self._start_watcher()
        self.load("outside")

    def _stop_looking(self) -> None:
        if self._confirming is not None:
            self._confirming.stop()
            self._confirming = None
        if self._looking is not None:
            self._looking.stop()
            self._looking = None

    def _start_watcher(self) -> None:
        path = self.path
        self._watched = folders_of(self.path)
        self._watcher = PlanWatcher(path, lambda kind: self.post_message(FileChanged(path, kind))).start()

    def on_plan_loaded(self, event: PlanLoaded) -> None:
        event.stop()
        if event.seq < self._applied:
            return  # an older read finishing late
        self._applied = event.seq
        self.loads += 1
        was_missing, had_error = self.missing, self.error
        self.missing = False
        self._stop_looking()
        self.error = None
        if was_missing or had_error:
            self.plan_available(was_missing)
        self.prepared = event.prepared
        if event.source == self.expect_source:
            self.expect_source = None
        self._apply(event.snapshot, event.summary, event.source, here=(), worked_out=(event.base, event.changes))

    def on_plan_unreadable(self, event: PlanUnreadable) -> None:
        event.stop()
        if event.seq < self._applied:
            return
        self._applied = event.seq
        self.loads += 1
        # the read took the plan for a big one by its size: it is what was shown last
        collector.hold(self, self.snapshot is not None and _is_big(self.snapshot))
        if event.missing:
            self._gone()
            return
        self.missing = False  # there is something at its path again, only not a plan plantui can read
        self._stop_looking()
        if event.error != self.error:
            self.error = event.error
            self.plan_unavailable(event.error, missing=False)

    def _apply(self, snap: Snapshot, summary: Summary, source: str, here: tuple[Key, ...],
               worked_out: tuple[Snapshot | None, Changes | None] = (None, None)) -> None:
        """Show ``snap``.  ``worked_out``: the changes from a state to this one, found
        in the worker; used when that state is the one shown now."""
        old_snap, old_summary = self.snapshot, self.summary
        if old_snap is not None:
            let_go_later(old_snap.plan, snap.plan, old_snap, old_snap.plan, old_snap.lines, old_summary)
        self.snapshot, self.summary = snap, summary
        self._shown = (snap, summary)
        notifier = getattr(self.app, "notifier", None)
        if notifier is not None:  # the terminal title, the stall timer
            notifier.plan_shown(self, changed=old_snap is None or old_snap.raw != snap.raw)
        self._key_index = item_index(snap.plan)
        big = _is_big(snap)
        collector.hold(self, big)
        if big:
            self._later_full_pass()
        if old_snap is None:
            self.plan_changed(None, None, Changes(), source, here)
            self.call_after_refresh(self._settle)  # once the first frame is out
            self._next_write()  # a key pressed before the first read
            return
        if old_snap.raw == snap.raw:
            if old_summary != summary:
                self.plan_changed(old_snap, old_summary, Changes(), source, here)
            return
        base, changes = worked_out
        if base is not old_snap or changes is None or changes.events is None:
            changes = compare(old_snap.plan, snap.plan)
            changes.events = events(old_snap.plan, old_summary, snap.plan, summary, str(snap.path))
        self.plan_changed(old_snap, old_summary, changes, source, here)
        self.tell_app(changes.events, source)

    def tell_app(self, found: list, source: str) -> None:
        """Hand the events of a new state to the app's notifier (toasts, bell, desktop, command)."""
        notifier = getattr(self.app, "notifier", None)
        if notifier is not None:
            notifier.plan_events(self, found, source)
        else:
            for e in found:
                self.app.notify(e.title, title=self.name_shown, severity=e.severity, timeout=6)

    def _settle(self) -> None:
        if not self._unmounted:  # gone before its first frame: nobody would unsettle after it
            collector.settle(self)

    @property
    def busy(self) -> bool:
        """Whether a read or a write is under way (this plan's or another's: they share the workers)."""
        return self._writing or any(w.group in ("plantui-load", "plantui-write") and not w.is_finished
                                    for w in self.workers)

    def _later_full_pass(self) -> None:
        if self._quiet is not None:
            self._quiet.stop()
        self._quiet = self.set_timer(QUIET, self._full_pass_if_quiet)

    def _full_pass_if_quiet(self) -> None:
        """The collector's full pass (see :mod:`plantui.ui.collector`), once no read or
        write has been under way for ``QUIET`` seconds, and not sooner than
        ``collector.SPACING`` after the last one."""
        self._quiet = None
        if self.busy:
            self._later_full_pass()
        elif collector.worth_a_full_pass():
            wait = collector.full_pass_wait()
            if wait > 0:
                self._quiet = self.set_timer(wait, self._full_pass_if_quiet)
            else:
                collector.full_pass()

    # -- what subclasses draw -------------------------------------------------

    def prepare(self, snap: Snapshot, summary: Summary) -> object:
        """Work for a new state done in the worker thread (off the UI thread)."""
        return None

    def plan_changed(self, old: Snapshot | None, old_summary: Summary | None, changes: Changes,
                     source: str, here: tuple[Key, ...]) -> None:
        """The plan is now ``self.snapshot``; ``old`` is None on the first read."""

    def plan_unavailable(self, error: str, missing: bool) -> None:
        """The file is gone or unreadable; the last view stays."""

    def plan_available(self, was_missing: bool) -> None:
        """The file is readable again."""

    # -- writing --------------------------------------------------------------

    def item_by_key(self, key: Key) -> Item | None:
        if self.snapshot is None:
            return None
        try:
            return self.snapshot.plan.items[self._key_index[key]]
        except KeyError:
            return None

    def request(self, what: str, key: Key | None = None) -> None:
        """Queue a write: "tick" (toggle ``key``), "progress" or "skip" (set ``key`` in progress
        or skipped, or back to open when it is so already), "undo" or "sync"."""
        if self.read_only:
            return
        self._writes.append((what, key))
        self._next_write()

    def _next_write(self) -> None:
        while self._writes and not self._writing and self.snapshot is not None:
            what, key = self._writes.popleft()
            now = self.now()
            path = self.path
            seen = self.snapshot  # the view the write is asked from: unchanged bytes need no parse
            previous = None
            fn: Callable[[], WriteResult]
            if what == "tick":
                item = self.item_by_key(key)
                if item is None:
                    self.app.notify("That task is no longer in the plan.", severity="warning")
                    continue
                marker = " " if item.state is State.DONE else None
                previous = item.marker
                fn = lambda item=item, marker=marker: actions.mark_items(path, [item], marker, now=now, previous=seen)  # noqa: E731
            elif what in MARK_STATES:
                item = self.item_by_key(key)
                if item is None:
                    self.app.notify("That task is no longer in the plan.", severity="warning")
                    continue
                want = MARK_STATES[what]
                marker = " " if item.state is want else marker_for(self.snapshot.settings, want)
                if marker is None:
                    self.app.notify(f"This plan's markers have none for {want.value.replace('_', ' ')}.",
                                    severity="warning")
                    continue
                previous = item.marker
                fn = lambda item=item, marker=marker: actions.mark_items(path, [item], marker, now=now, previous=seen)  # noqa: E731
            elif what == "undo":
                if not self.undo_stack:
                    self.app.notify("Nothing to undo: no tick made here yet.", severity="information")
                    continue
                key, record = self.undo_stack.pop()
                fn = lambda record=record: actions.undo(path, record, previous=seen)  # noqa: E731
            elif what == "sync":
                fn = lambda: actions.sync(path, now=now)  # noqa: E731
            else:  # pragma: no cover - programming error
                raise ValueError(what)
            self._writing = True
            self._write(what, fn, key, previous)

    @work(thread=True, group="plantui-write", exit_on_error=False)
    def _write(self, what: str, fn: Callable[[], WriteResult], key: Key | None, previous: str | None) -> None:
        written = False
        with self._io_lock:
            try:
                with collector.paused(self._big()):
                    result = fn()
            except PlanError as exc:
                self.post_message(WriteRefused(str(exc), what, key))
                return
            except Exception as exc:  # never a crash: say it and reload (the reload shows what the file holds)
                self.post_message(WriteRefused(f"{self.name_shown}: the write failed ({exc}); reloading", what, key))
                return
            try:
                shown = self._shown
                base = shown[0]
                actions.ready(result.snapshot)  # carried over from the read in the common case: then free
                summary = result.snapshot.summary(self.now())
                changes = _changes(shown, result.snapshot, summary)
                prepared = self.prepare(result.snapshot, summary)
            except Exception as exc:  # the write is done: never say "nothing written" about it
                self.post_message(WriteRefused(f"{self.name_shown}: written, but the new state cannot be shown ({exc})",
                                               what, key, written=result.written))
            else:
                self.post_message(WriteDone(result, summary, what, key, previous, prepared, changes, base))
                written = result.written
        if written:
            self._record_seen(result.snapshot, summary, "here", key)

    def on_write_done(self, event: WriteDone) -> None:
        event.stop()
        self._writing = False
        result = event.result
        if (event.what == "tick" or event.what in MARK_STATES) and result.written and event.key is not None \
                and event.previous is not None:
            self.undo_stack.append((event.key, getattr(result, "undo", ())))
        if event.what == "undo" and getattr(result, "said", ""):
            self.app.notify(result.said, title="Undo", severity="warning", timeout=8)
        self.write_finished(event)
        self.prepared = event.prepared
        here = (event.key,) if event.key is not None else ()
        self._apply(result.snapshot, event.summary, "undo" if event.what == "undo" else "here", here,
                    worked_out=(event.base, event.changes))
        self._next_write()

    def on_write_refused(self, event: WriteRefused) -> None:
        event.stop()
        self._writing = False
        # The rest was asked for from a view that is now stale: drop it, and say so.
        dropped = list(self._writes)
        self._writes.clear()
        self.app.notify(event.error, title="Written" if event.written else "Nothing written",
                        severity="warning" if event.written else "error", timeout=8)
        self.write_refused(event)
        if dropped:
            self.writes_dropped(dropped)
        self.load("reload")

    def write_finished(self, event: WriteDone) -> None:
        """A write went through (or had nothing to do)."""

    def write_refused(self, event: WriteRefused) -> None:
        """The engine refused a write; the view reloads from disk."""

    # -- the event log (plantui.eventlog) ---------------------------------------

    class HistorySeen(Message, bubble=False):
        """From the recording worker: the changes made while the plan was not shown
        (on the first read), and the log's warning (once)."""

        def __init__(self, ticks: list, warning: str | None) -> None:
            super().__init__()
            self.ticks = ticks
            self.warning = warning

    def _record_seen(self, snap: Snapshot, summary: Summary, source: str, key: Key | None = None) -> None:
        """In a worker (never the UI thread): record the version ``snap`` in the event log —
        what changed since the last state stored, and the counts.  ``source`` is who changed
        it (the load's or write's source); ``key``: the item this view ticked.  On the
        first read, post what happened while the plan was not shown."""
        if not eventlog.recording() or self._unmounted:
            return
        log = eventlog.shared()
        warning = None
        try:
            wanted = history_enabled(self.path)
        except ConfigError as exc:
            wanted, warning = False, f"history not recorded: {exc}"
        if wanted:
            mine: tuple[str, ...] | None = None
            if source in ("here", "undo"):
                origin = "here"
                index = self._key_index.get(key) if key is not None else None
                names = eventlog.item_names(snap.plan) if index is not None else []
                mine = (names[index],) if index is not None and index < len(names) else ()
            else:
                origin = "editor" if source == "editor" else "outside"
            first = source == "start"
            try:
                seen_before = log.last_shown(self.path) if first else None
                log.observe(self.path, snap.plan, summary.tasks.done, summary.tasks.countable, origin=origin,
                            version=eventlog.version_of(snap.raw, snap.mtime_ns), mine=mine, shown=not first)
                ticks = []
                if first:
                    ticks = eventlog.since_last_seen(self.path, log) if seen_before is not None else []
                    log.mark_shown(self.path)
            except Exception as exc:  # never break the view for the log
                ticks, warning = [], f"history not recorded: {exc}"
            warning = log.take_warning() or warning
        else:
            ticks = []
        if (ticks or warning) and not self._unmounted:
            self.post_message(self.HistorySeen(ticks, warning))

    def on_live_plan_history_seen(self, event: "LivePlan.HistorySeen") -> None:
        event.stop()
        if event.warning:
            self.app.notify(event.warning, title="History", severity="warning", timeout=8)
        if event.ticks:
            self.history_seen(event.ticks)

    def history_seen(self, ticks: list) -> None:
        """Changes recorded while the plan was not shown (:class:`plantui.timeline.Tick`, oldest first)."""

    def history_lines(self, ticks: list) -> list[tuple[str, str, str | None]]:
        """(time, text, origin) for the activity log, for the last :data:`SINCE_SHOWN` of
        ``ticks`` (an older one's time carries its day), after a line that says what they are."""
        settings = self.snapshot.settings if self.snapshot is not None else None
        today = self.now().date()
        shown = ticks[-SINCE_SHOWN:]
        n = len(ticks)
        head = f"since last shown: {n} change{'s' if n != 1 else ''}" + (f", the last {len(shown)} below" if n > len(shown) else "")
        out: list[tuple[str, str, str | None]] = [(self.stamp(), head, None)]
        for t in shown:
            local = t.at.astimezone()
            when = local.strftime("%H:%M:%S") if local.date() == today else local.strftime("%b %d %H:%M")
            if t.new is None:
                text = f"− {t.item}"
            elif t.old is None:
                text = f"+ {t.item}"
            else:
                state = settings.state_of(t.new) if settings is not None else None
                text = f"{GLYPH.get(state, '[' + t.new + ']')} {t.item}"
            origin = t.origin
            if origin == "git":  # a commit: who made it
                who = t.author or "someone"
                origin = f"commit by {who[6:]} (agent)" if who.startswith("agent:") else f"commit by {who}"
            out.append((when, one_line(text), origin))
        return out

    def writes_dropped(self, dropped: list[tuple[str, Key | None]]) -> None:
        """Writes queued behind a refused one were not made (their view was stale)."""
        n = len(dropped)
        what = "change" if n == 1 else "changes"
        self.app.notify(f"{n} more {what} asked for meanwhile {'was' if n == 1 else 'were'} not made: "
                        "the view is reloading, press again once it shows the file.",
                        title="Nothing written", severity="warning", timeout=8)
