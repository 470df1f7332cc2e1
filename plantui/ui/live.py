"""The widget that owns a plan: worker and message glue around a :class:`~plantui.follower.Follower`.

:class:`LivePlan` is the one place where the engine meets Textual:

- ``on_mount`` starts the plan's :class:`~plantui.follower.Follower`, whose
  callback only posts :class:`~plantui.ui.messages.FileChanged` to this widget
  (``post_message`` is thread-safe and never blocks); ``on_unmount`` stops it.
  Queued events about the same file replace each other (``can_replace``).
- Reading and parsing run in a thread worker (exclusive: a newer read makes an
  older one drop its result), so the UI never waits for a big plan to parse.
- Writes go through :mod:`plantui.actions` in a thread worker, one at a time,
  from the follower's queue.  When one is refused, the ones queued behind it
  are dropped (their view is stale) and each is named.

Subclasses draw: :meth:`plan_changed` gets the old and new state and the
:class:`~plantui.ui.changes.Changes` between them.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from .. import actions, eventlog
from ..config import ConfigError, history_enabled
from ..events import events
from ..errors import PlanError
from ..follower import Follower, Write, folders_of, read_settled  # noqa: F401 - folders_of: importable here too
from ..model import Item
from ..progress import Summary
from ..snapshot import Snapshot
from ..timeline import state_of
from ..watcher import PlanWatcher  # noqa: F401 - importable here (tests count the watchers started)
from .changes import Changes, compare
from .tree_model import GLYPH, Key, one_line
from .messages import FileChanged, PlanLoaded, PlanUnreadable, Prepared, WriteDone, WriteRefused

SINCE_SHOWN = 50  # at most this many changes made while a plan was not shown open its activity log
AT_ONCE = 30_000  # a plan read before the start with at most this many items is in the first frame (see on_mount)


def _changes(shown: tuple[Snapshot | None, Summary | None], snap: Snapshot, summary: Summary) -> Changes | None:
    """What changed from ``shown`` (a state and its summary) to ``snap``, with the
    events it makes (worked out in a worker: the UI thread need not)."""
    base, base_summary = shown
    if base is None or base_summary is None or base.raw == snap.raw:
        return None
    changes = compare(base.plan, snap.plan)
    changes.events = events(base.plan, base_summary, snap.plan, summary, str(snap.path))
    return changes


class LivePlan(Widget):
    """Owns one plan file: keeps its latest snapshot and summary up to date."""

    def __init__(self, path: Path, *, live: bool = True, read_only: bool = False, read: Snapshot | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.path = Path(path)
        self.first_read = read  # the plan as read before the app started: the first read starts from it
        self.live = live
        self.read_only = read_only
        self.snapshot: Snapshot | None = None
        self.summary: Summary | None = None
        self._shown: tuple[Snapshot | None, Summary | None] = (None, None)  # the two, set at once (workers read it)
        self.missing = False
        self.error: str | None = None
        path = self.path
        self.follower = Follower(path, lambda kind: self.post_message(FileChanged(path, kind)), live=live)
        self._stall_timer: Timer | None = None  # the notifier says "stalled" when it fires (see ui.notifier)
        self._key_index: dict[Key, int] = {}
        self.prepared: Prepared | None = None  # from the worker, for the state being applied
        self.expect_source: str | None = None  # who changes the file next ("editor" while one runs)
        self.loads = 0  # completed reads (tests wait on it)
        self._unmounted = False

    @property
    def undo_stack(self) -> list[tuple[Key, tuple]]:
        return self.follower.undo

    @property
    def _writes(self):
        return self.follower.writes

    @property
    def _writing(self) -> bool:
        return self.follower.writing

    @property
    def _watcher(self) -> PlanWatcher | None:
        return self.follower.watcher

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
        if self.first_read is None:
            self._follow()
            return
        if len(self.first_read.plan.items) <= AT_ONCE:
            # Read before the app started: shown in the first frame, its summary and layout worked
            # out here once (no "Loading…" frame, no round trip through a worker to wait for).
            # A bigger plan (~1 s of this at 100,000 tasks) is worked out by the worker's first
            # read, which starts from it (no parse), while the frame says it is loading.
            snap = self.first_read
            summary = snap.summary(self.now())
            self.prepared = self.prepare(snap, summary)
            self._apply(snap, summary, "start", here=())
        # The watcher and the first read (what changed since the check, and the event log)
        # start once that frame is drawn: a save before the watcher starts is in that read.
        self.call_after_refresh(self._follow)

    def _follow(self) -> None:
        """Start watching the plan, and read it (from the read before the start, if any)."""
        if self._unmounted:
            return
        self.follower.start()
        self.load("start")

    def on_unmount(self) -> None:
        self._unmounted = True
        self.follower.stop()

    # -- reading --------------------------------------------------------------

    def load(self, source: str = "outside") -> None:
        """Read the plan again, off the UI thread."""
        if source == "outside" and self.expect_source is not None:
            source = self.expect_source  # e.g. the editor we started is what changed it
        self._load(self.follower.next_read(), source)

    @work(thread=True, exclusive=True, group="plantui-load", exit_on_error=False)
    def _load(self, seq: int, source: str) -> None:
        worker = get_current_worker()
        with self.follower.lock:
            if worker.is_cancelled:
                return
            try:
                shown = self._shown
                # (the read made before the app started: no parse while the file is the same)
                snap = read_settled(self.path, shown[0] or self.first_read)
                self.first_read = None  # (not kept: it would hold an old plan once the file changes)
                if not self.read_only:
                    actions.ready(snap)
                summary = snap.summary(self.now())
                changes = _changes(shown, snap, summary)
                message = PlanLoaded(self.path, seq, snap, summary, source, self.prepare(snap, summary),
                                     changes, shown[0])
            except PlanError as exc:
                message = PlanUnreadable(self.path, seq, str(exc), not self.path.exists())
            except Exception as exc:  # never crash on a read: say why
                message = PlanUnreadable(self.path, seq, f"{self.path.name}: cannot read it ({exc})", False)
            if not worker.is_cancelled:
                self.post_message(message)
        if isinstance(message, PlanLoaded):
            self._record_seen(snap, summary, source)

    def on_file_changed(self, event: FileChanged) -> None:
        event.stop()
        if event.kind != "deleted" or os.path.exists(self.path):
            self.load("outside")  # (back already: whatever it is now, the read says)
        elif not self.missing:
            self.missing = True
            if os.path.isdir(self.path.parent):
                said = f"{self.name_shown} was deleted; showing the last view until it comes back"
            else:
                said = f"{self.name_shown} was deleted with its folder {self.path.parent}; showing the last view until it comes back"
            self.plan_unavailable(said, missing=True)

    def on_plan_loaded(self, event: PlanLoaded) -> None:
        event.stop()
        if not self.follower.newest(event.seq):
            return  # an older read finishing late
        self.loads += 1
        was_missing, had_error = self.missing, self.error
        self.missing = False
        self.follower.back()
        self.error = None
        if was_missing or had_error:
            self.plan_available(was_missing)
        self.prepared = event.prepared
        if event.source == self.expect_source:
            self.expect_source = None
        self._apply(event.snapshot, event.summary, event.source, here=(), worked_out=(event.base, event.changes))

    def on_plan_unreadable(self, event: PlanUnreadable) -> None:
        event.stop()
        if not self.follower.newest(event.seq):
            return
        self.loads += 1
        if event.missing:
            self.follower.gone()
            return
        self.missing = False  # there is something at its path again, only not a plan plantui can read
        self.follower.back()
        if event.error != self.error:
            self.error = event.error
            self.plan_unavailable(event.error, missing=False)

    def _apply(self, snap: Snapshot, summary: Summary, source: str, here: tuple[Key, ...],
               worked_out: tuple[Snapshot | None, Changes | None] = (None, None)) -> None:
        """Show ``snap``.  ``worked_out``: the changes from a state to this one, found
        in the worker; used when that state is the one shown now."""
        old_snap, old_summary = self.snapshot, self.summary
        self.snapshot, self.summary = snap, summary
        self._shown = (snap, summary)
        notifier = getattr(self.app, "notifier", None)
        if notifier is not None:  # the terminal title, the stall timer
            notifier.plan_shown(self, changed=old_snap is None or old_snap.raw != snap.raw)
        self._key_index = snap.plan.key_index
        if old_snap is None:
            self.plan_changed(None, None, Changes(), source, here)
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

    @property
    def busy(self) -> bool:
        """Whether a read or a write is under way (this plan's or another's: they share the workers)."""
        return self._writing or any(w.group in ("plantui-load", "plantui-write") and not w.is_finished
                                    for w in self.workers)

    # -- what subclasses draw -------------------------------------------------

    def prepare(self, snap: Snapshot, summary: Summary) -> Prepared | None:
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
        """Queue a write (see :meth:`plantui.follower.Follower.request`)."""
        if self.read_only:
            return
        self.follower.request(what, key)
        self._next_write()

    def _next_write(self) -> None:
        while (job := self.follower.take_write(self.snapshot, self.item_by_key, self.now())) is not None:
            if isinstance(job, Write):
                self._write(job)
            else:
                self.app.notify(job[0], severity=job[1])

    @work(thread=True, group="plantui-write", exit_on_error=False)
    def _write(self, job: Write) -> None:
        written = False
        with self.follower.lock:
            try:
                result = job.run()
            except PlanError as exc:
                self.post_message(WriteRefused(str(exc), job.what, job.key))
                return
            except Exception as exc:  # never a crash: say it and reload (the reload shows what the file holds)
                self.post_message(WriteRefused(f"{self.name_shown}: the write failed ({exc}); reloading", job.what, job.key))
                return
            try:
                shown = self._shown
                actions.ready(result.snapshot)  # carried over from the read in the common case: then free
                summary = result.snapshot.summary(self.now())
                changes = _changes(shown, result.snapshot, summary)
                prepared = self.prepare(result.snapshot, summary)
            except Exception as exc:  # the write is done: never say "nothing written" about it
                self.post_message(WriteRefused(f"{self.name_shown}: written, but the new state cannot be shown ({exc})",
                                               job.what, job.key, written=result.written))
            else:
                self.post_message(WriteDone(result, summary, job.what, job.key, job.previous, prepared, changes, shown[0]))
                written = result.written
        if written:
            self._record_seen(result.snapshot, summary, "here", job.key)

    def on_write_done(self, event: WriteDone) -> None:
        event.stop()
        result = event.result
        self.follower.written(event.what, event.key, event.previous, result)
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
        # The rest was asked for from a view that is now stale: drop it, and say so.
        dropped = self.follower.refused()
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
                state = state_of(t.new, settings) if settings is not None else None
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
