"""Tell a callback when a plan file changes on disk.  Knows nothing of Textual.

It watches the plan's *folder* and filters by path, because editors save by
writing a temporary file and renaming it over the plan (the plan's own inode
goes away), and vim renames the plan aside and writes a new one.  The
first event after a quiet spell is reported at once; the rest of a burst is
collapsed: the callback runs once it has been quiet for ``quiet`` seconds
(and at least every ``longest`` seconds while it goes on), in the watcher's
own thread.  A file still being written shows up again when
the writer closes it, so a half-written read is corrected at once.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .discover import SKIPPED

CHANGED, DELETED = "changed", "deleted"


class PlanWatcher(FileSystemEventHandler):
    """Calls ``callback(kind)`` with ``"changed"`` or ``"deleted"``."""

    quiet = 0.02  # seconds of calm that end a burst
    longest = 0.2  # seconds a burst goes on at most before the callback runs

    def __init__(self, path: str | os.PathLike, callback: Callable[[str], None]):
        super().__init__()
        self.path = Path(path).absolute()
        self._targets = {str(self.path), os.path.realpath(self.path)}
        self._folder = os.path.isdir(self.path)  # a folder read as one plan: the files in it are the plan
        self.callback = callback
        self._observer = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._first = 0.0
        self._last_fire = 0.0
        self._kind = CHANGED
        self._stopped = False

    # lifecycle ---------------------------------------------------------------

    def start(self) -> "PlanWatcher":
        folders = ({str(self.path), os.path.realpath(self.path)} if self._folder else
                   {str(self.path.parent), os.path.dirname(os.path.realpath(self.path))})
        for polling in (False, True):
            observer = PollingObserver(timeout=0.25) if polling else Observer()
            try:
                for folder in folders:
                    observer.schedule(self, folder, recursive=False)
                observer.daemon = True
                observer.start()
            except OSError:
                continue  # no inotify left, say: fall back to polling
            self._observer = observer
            break
        return self

    def stop(self) -> None:
        self._stopped = True
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if self._observer is not None:
            self._observer.stop()
            if self._observer.is_alive() and threading.current_thread() is not self._observer:
                self._observer.join(timeout=2)
            self._observer = None

    # events ------------------------------------------------------------------

    def _mine(self, p: bytes | str | None) -> bool:
        if not p:
            return False
        p = os.fsdecode(p)
        return p in self._targets or os.path.abspath(p) in self._targets

    def _inside(self, p: bytes | str | None) -> bool:
        """Whether ``p`` is a file in the folder that is the plan."""
        return bool(p) and os.path.dirname(os.path.abspath(os.fsdecode(p))) in self._targets

    def on_any_event(self, event: FileSystemEvent) -> None:
        if self._folder:
            self._folder_event(event)
            return
        if event.is_directory or event.event_type == "opened":
            return
        kind = None
        if self._mine(getattr(event, "dest_path", None)):
            kind = CHANGED  # something renamed onto the plan: an atomic save
        elif self._mine(event.src_path):
            if event.event_type in ("deleted", "moved"):
                kind = DELETED  # may come back: vim renames aside, then writes
            elif event.event_type == "closed_no_write":
                return
            else:
                kind = CHANGED
        if kind is not None:
            self._schedule(kind)

    def _folder_event(self, event: FileSystemEvent) -> None:
        """For a folder read as one plan: a file in it written, renamed in or out, removed
        is the plan changed; the folder itself removed or renamed away, the plan gone."""
        kind = event.event_type
        if kind in ("opened", "closed_no_write"):
            return
        if event.is_directory:
            if kind in ("deleted", "moved") and self._mine(event.src_path):
                self._schedule(DELETED)
            return
        if any(self._inside(p) for p in (event.src_path, getattr(event, "dest_path", None))):
            self._schedule(CHANGED)

    def _schedule(self, kind: str) -> None:
        if self._stopped:
            return
        with self._lock:
            now = time.monotonic()
            if self._timer is None:
                self._first = now
            else:
                self._timer.cancel()
            self._kind = kind
            if self._timer is None and now - self._last_fire > self.quiet:
                delay = 0.0  # the first event after a quiet spell: at once
            else:
                delay = self.quiet if now - self._first < self.longest else 0.0
            self._timer = threading.Timer(delay, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            self._timer = None
            self._last_fire = time.monotonic()
            kind = self._kind
        if kind == DELETED and self.path.exists():
            kind = CHANGED  # renamed aside and back, or replaced in between
        if not self._stopped:
            self.callback(kind)


class FolderWatcher(PlanWatcher):
    """Calls ``callback(kind)`` when a Markdown file (or a Task Master ``tasks.json``) or a folder appears,
    goes or is renamed anywhere under ``folder``, or such a file not ``known`` is written: where new plans
    show up.  Bursts collapse as for a plan (a little longer).  Starting it walks the whole
    tree (a watch per folder): start it in a thread of its own."""

    quiet = 0.1
    longest = 0.5

    def __init__(self, folder: str | os.PathLike, callback: Callable[[str], None], *,
                 known: Callable[[str], bool] = lambda path: False):
        super().__init__(folder, callback)
        self.known = known

    def start(self) -> "FolderWatcher":
        # No fall back to polling: polling a big tree would read it all every second.
        observer = Observer()
        try:
            observer.schedule(self, str(self.path), recursive=True)
            observer.daemon = True
            observer.start()
        except OSError:  # no inotify watches left, say: no new plans seen, nothing worse
            return self
        self._observer = observer
        if self._stopped and self._observer is not None:  # stopped while it started (in a thread)
            self.stop()
        return self

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write"):
            return
        paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", None)) if p]
        if all(SKIPPED.intersection(Path(p).parts) for p in paths):
            return  # git's objects, a virtualenv…: folders discovery never walks, and busy
        if event.is_directory:
            if kind in ("created", "deleted", "moved"):
                self._schedule(CHANGED)
            return
        markdown = [p for p in paths if p.lower().endswith(".md") or os.path.basename(p) == "tasks.json"]
        if not markdown:
            return
        if kind in ("modified", "closed") and all(self.known(p) for p in markdown):
            return  # a plan already shown, written: its own watcher sees it
        self._schedule(CHANGED)
