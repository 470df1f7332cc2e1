"""Following one plan file, without Textual: when to read it, in which order, and its writes.

A :class:`Follower` owns the plan's :class:`~plantui.watcher.PlanWatcher` and
calls ``callback(kind)``, in a thread of its own, with ``"changed"`` (read
the plan again) or ``"deleted"`` (the plan is gone).  A plan that goes away
is called deleted only if it is still gone ``grace`` seconds later (vim saves
by renaming the plan aside); while it is gone it is looked for now and then,
with a new watcher if its folder was made again (the watch on the old folder
went with it), and ``"changed"`` is called when it is there again.

The owner reads and writes with :attr:`Follower.lock` held (a reload never
overtakes the write that caused it), numbers its reads with
:meth:`~Follower.next_read` and shows only the newest (:meth:`~Follower.newest`).
Writes wait in a queue, one under way at a time, each made from the view
shown when it starts; when one is refused the ones queued behind it are
dropped (their view is stale).  Ticks made here can be undone, last first.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Callable, NamedTuple

from . import actions
from .edits import usual_marker
from .errors import PlanError
from .model import Item, State
from .snapshot import Snapshot, WriteResult, read
from .watcher import PlanWatcher

SETTLE_TRIES = 4
SHRUNK_WAIT = 0.05  # seconds before a read that lost most of the plan is made again (see read_settled)
LOOK_EVERY = 0.5  # seconds between looks for a plan that is gone
GONE_GRACE = 0.5  # seconds a plan may be gone (an editor saving by rename) before it is called deleted
MARK_STATES = {"progress": State.IN_PROGRESS, "skip": State.SKIPPED}  # requests that set a marker


def read_settled(path: Path, previous: Snapshot | None = None) -> Snapshot:
    """Read the plan; read again while it changes between the read and a second look.

    ``previous`` is the last snapshot shown: a tick from outside then costs no parse.
    A read that finds less than half of ``previous``, or cannot read what it finds
    (an emptied JSON store), is made again after :data:`SHRUNK_WAIT`: an editor
    that saves in place empties the file first.
    """
    if previous is None:
        return _settled(path, previous)
    try:
        snap = _settled(path, previous)
    except PlanError:
        snap = None
    if snap is None or len(snap.raw) * 2 < len(previous.raw):
        time.sleep(SHRUNK_WAIT)
        snap = _settled(path, previous)
    return snap


def _settled(path: Path, previous: Snapshot | None) -> Snapshot:
    snap = read(path, previous=previous)
    if os.path.isdir(path):
        return snap  # a folder read as one plan: its files are replaced whole (renamed in), never half written
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


class Write(NamedTuple):
    """A write taken from the queue: ``run()`` makes it (in a worker, with the lock held)."""

    what: str  # "tick", "progress", "skip", "undo", "sync"
    run: Callable[[], WriteResult]
    key: tuple | None = None  # the item it changes
    previous: str | None = None  # that item's marker before


class Follower:
    """Follows one plan file for an owner that shows it (see the module's docstring)."""

    def __init__(self, path: Path, callback: Callable[[str], None], *, live: bool = True,
                 grace: float = GONE_GRACE) -> None:
        self.path = Path(path)
        self.callback = callback
        self.live = live
        self.grace = grace
        self.lock = threading.Lock()  # held by every read and write of the plan
        self.watcher: PlanWatcher | None = None
        self._watched: tuple = ()  # the folders the watcher watches (see folders_of)
        self._timer: threading.Timer | None = None  # the grace, then the looks, while the plan is gone
        self._gone = False  # gone past the grace: looked for
        self._stopped = False
        self._seq = 0
        self._applied = 0
        self.writes: deque[tuple[str, tuple | None]] = deque()
        self.writing = False
        self.undo: list[tuple[tuple, tuple]] = []  # (the item ticked, the lines it changed: actions.Ticked.undo)

    # -- watching -------------------------------------------------------------

    def start(self) -> "Follower":
        if self.live:
            self._watched = folders_of(self.path)
            self.watcher = PlanWatcher(self.path, self._seen).start()
        return self

    def stop(self) -> None:
        self._stopped = True
        self._cancel()
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop()

    def _seen(self, kind: str) -> None:
        if kind == "deleted":
            self.gone()
        else:
            self.callback("changed")

    # -- gone and back --------------------------------------------------------

    def gone(self) -> None:
        """The plan was not there (the watcher saw it go, or a read did not find it):
        call it deleted if it is still gone after the grace."""
        if self._gone or self._timer is not None or self._stopped:
            return
        self._later(self.grace, self._confirm)

    def back(self) -> None:
        """A read found something at the plan's path: stop looking for it."""
        self._gone = False
        self._cancel()

    def _confirm(self) -> None:
        self._timer = None
        if os.path.exists(self.path):
            self.callback("changed")  # back already: whatever it is now, the read says
            return
        self._gone = True
        self.callback("deleted")
        if self.live:
            self._later(LOOK_EVERY, self._look)

    def _look(self) -> None:
        self._timer = None
        if not self._gone or self._stopped:
            return
        if os.path.exists(self.path):
            if self.watcher is not None and (folders_of(self.path) != self._watched or os.path.isdir(self.path)):
                self.watcher.stop()  # the folder is a new one (a folder read as one plan always is): watch it
                self.start()
            self.callback("changed")
        self._later(LOOK_EVERY, self._look)  # until a read says it is back

    def _later(self, seconds: float, fn: Callable[[], None]) -> None:
        timer = threading.Timer(seconds, fn)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _cancel(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    # -- reads in order -------------------------------------------------------

    def next_read(self) -> int:
        """A number for a read about to start: later reads have higher ones."""
        self._seq += 1
        return self._seq

    def newest(self, seq: int) -> bool:
        """Whether read ``seq`` finished in order (it is to be shown); an older one finishing late is not."""
        if seq < self._applied:
            return False
        self._applied = seq
        return True

    # -- writes ---------------------------------------------------------------

    def request(self, what: str, key: tuple | None = None) -> None:
        """Queue a write: "tick" (toggle ``key``), "progress" or "skip" (set ``key`` in progress
        or skipped, or back to open when it is so already), "undo" or "sync"."""
        self.writes.append((what, key))

    def take_write(self, seen: Snapshot | None, item_of: Callable[[tuple], Item | None],
                   now: datetime) -> Write | tuple[str, str] | None:
        """The next queued write, made from the view ``seen`` (``item_of`` finds its items):
        a :class:`Write` to run (it is under way from now on), a sentence and its severity
        when it cannot be made, or None (nothing queued, one under way, nothing read yet)."""
        if not self.writes or self.writing or seen is None:
            return None
        what, key = self.writes.popleft()
        path = self.path
        if what in ("tick", *MARK_STATES):
            item = item_of(key)
            if item is None:
                return "That task is no longer in the plan.", "warning"
            if what == "tick":
                marker = " " if item.state is State.DONE else None
            else:
                want = MARK_STATES[what]
                marker = " " if item.state is want else usual_marker(seen.plan, seen.settings, want)
                if marker is None:
                    return f"This plan's markers have none for {want.value.replace('_', ' ')}.", "warning"
            run = lambda: actions.mark_items(path, [item], marker, now=now, previous=seen)  # noqa: E731
            job = Write(what, run, key, item.marker)
        elif what == "undo":
            if not self.undo:
                return "Nothing to undo: no tick made here yet.", "information"
            key, record = self.undo.pop()
            job = Write(what, lambda: actions.undo(path, record, previous=seen), key)
        elif what == "sync":
            job = Write(what, lambda: actions.sync(path, now=now))
        else:  # pragma: no cover - programming error
            raise ValueError(what)
        self.writing = True
        return job

    def written(self, what: str, key: tuple | None, previous: str | None, result: WriteResult) -> None:
        """The write under way went through (or had nothing to do): a tick made here can be undone."""
        self.writing = False
        if what in ("tick", *MARK_STATES) and result.written and key is not None and previous is not None:
            self.undo.append((key, getattr(result, "undo", ())))

    def refused(self) -> list[tuple[str, tuple | None]]:
        """The write under way was refused: the ones queued behind it are dropped (returned)."""
        self.writing = False
        dropped = list(self.writes)
        self.writes.clear()
        return dropped
