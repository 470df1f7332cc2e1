"""What plantui itself saw or did to a plan, kept between runs.  Pure: no Textual.

One small SQLite database for all plans, in the user's state folder
(``$XDG_STATE_HOME/plantui/events.db``, ``~/.local/state/plantui/events.db``
by default), never in the project.  It holds, per plan (keyed by its
resolved path):

- ``ticks``: each item whose marker changed (:class:`~plantui.timeline.Tick`),
  timed by the file's modification time (when it was written, not when it
  was seen), with where it came from (:data:`~plantui.timeline.ORIGINS`);
- ``points``: the counts (done, total) at each version of the file seen;
- ``states``: the last marker of each item, against which a new version is
  compared.

Several plantui processes may write at once (two dashboards, ``watch`` and
a CLI tick): every write is one short ``BEGIN IMMEDIATE`` transaction in WAL
mode with a busy timeout.  A change is recorded once: a process compares the
version it read with the last state stored (not with its own last view), so a
second process seeing the same version finds nothing new; and a version
older than the one stored is not compared at all.  The process that made a
change (``here``, ``cli``) names itself as its origin, even when another one
recorded it first as ``outside``.

Old events are thinned (:data:`KEEP_DAYS`): past it, one tick per item per
day and one point per plan per day are kept, the last of each, so the last
state of every item stays.

Nothing here ever breaks the app or a command: an error (a read-only home,
a full disk, a database locked too long) means "not recorded", said once.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from .model import Plan
from .timeline import Point, Tick

FILE_NAME = "events.db"
KEEP_DAYS = 30  # events younger than this are all kept
BUSY_MS = 10_000  # how long a write waits for another process's transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    version_ns INTEGER,   -- the last version compared: its mtime_ns and its content's hash
    version_hash TEXT,
    shown REAL            -- when a dashboard last showed the plan (epoch seconds)
);
CREATE TABLE IF NOT EXISTS states (
    plan INTEGER NOT NULL,
    item TEXT NOT NULL,
    marker TEXT NOT NULL,
    PRIMARY KEY (plan, item)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ticks (
    id INTEGER PRIMARY KEY,
    plan INTEGER NOT NULL,
    at REAL NOT NULL,
    item TEXT NOT NULL,
    old TEXT,
    new TEXT,
    origin TEXT NOT NULL,
    author TEXT,
    version TEXT
);
CREATE INDEX IF NOT EXISTS ticks_by_plan ON ticks (plan, at);
CREATE TABLE IF NOT EXISTS points (
    id INTEGER PRIMARY KEY,
    plan INTEGER NOT NULL,
    at REAL NOT NULL,
    done INTEGER NOT NULL,
    total INTEGER NOT NULL,
    origin TEXT NOT NULL,
    version TEXT
);
CREATE INDEX IF NOT EXISTS points_by_plan ON points (plan, at);
CREATE UNIQUE INDEX IF NOT EXISTS points_once ON points (plan, version) WHERE version IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value REAL);
"""

_on = False  # recording is for the program (see switch); a test's app records nothing unless asked


def switch(on: bool) -> None:
    """Turn recording on or off for this process: the ``plantui`` command turns it on
    (off with ``--no-history``); an app made in a test records nothing unless asked."""
    global _on
    _on = on


def recording() -> bool:
    """Whether this process records what it sees."""
    return _on


def state_dir() -> Path:
    """``$XDG_STATE_HOME/plantui`` (when set to an absolute path), else ``~/.local/state/plantui``."""
    base = os.environ.get("XDG_STATE_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "plantui"


def default_path() -> Path:
    return state_dir() / FILE_NAME


def plan_key(path: str | os.PathLike) -> str:
    """A plan's name in the log: its resolved path."""
    return _text(str(Path(path).resolve()))


def _text(s: str) -> str:
    """``s`` as SQLite can store it: bytes that were not UTF-8 (kept in the text as
    surrogates) become U+FFFD."""
    if s.isascii():
        return s
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return s


def item_names(plan: Plan) -> list[str]:
    """Each item's name in the log, in order: its id and text on one line (``2.1 Add a
    cache``); a name met again gets `` #2``, `` #3`` … so every item has its own."""
    seen: dict[str, int] = {}
    out = []
    for it in plan.items:
        name = _text(" ".join((f"{it.id} {it.text}" if it.id else it.text).split()))
        if name in seen:
            seen[name] += 1
            name = f"{name} #{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def version_of(raw: bytes, mtime_ns: int) -> tuple[int, str]:
    """A file version as every process sees it: its modification time and its content's hash."""
    return mtime_ns, hashlib.blake2b(raw, digest_size=8).hexdigest()


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _seconds(at: datetime) -> float:
    if at.tzinfo is None:
        at = at.astimezone()  # a naive time is local time
    return at.timestamp()


def _set_up(db: sqlite3.Connection) -> None:
    """WAL and the tables.  Switching a new database to WAL takes a lock that SQLite's busy
    handler does not wait for, so processes that open a new log at the same moment (an agent's
    ticks, a dashboard) can be told "database is locked": they try again, for a few seconds."""
    deadline = time.monotonic() + BUSY_MS / 1000
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class EventLog:
    """The event database (see the module's text).  ``path``: the database file
    (default :func:`default_path`); ``quiet``: keep the warning for :meth:`take_warning`
    instead of writing it to stderr (the app shows it in its own way)."""

    def __init__(self, path: str | os.PathLike | None = None, *, quiet: bool = False) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.quiet = quiet
        self.warning: str | None = None  # the first failure, in a sentence
        self._warned = False
        self._taken = False
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._lock = threading.Lock()  # one connection, shared by the app's worker threads
        self._cache: dict[str, tuple[tuple[int, str], dict[str, str]]] = {}  # plan -> (version, states)

    # -- the connection -------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        if self.warning is None:
            self.warning = f"history not recorded: {self.path}: {exc}"
            if not self.quiet and not self._warned:
                self._warned = True
                try:
                    print(f"plantui: {self.warning}", file=sys.stderr)
                except (OSError, ValueError):
                    pass

    def take_warning(self) -> str | None:
        """The failure sentence, once (then None)."""
        if self.warning is None or self._taken:
            return None
        self._taken = True
        return self.warning

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
            try:
                db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
                _set_up(db)
            except BaseException:
                db.close()
                raise
        except Exception as exc:  # noqa: BLE001
            self._broken = True
            self._fail(exc)
            return None
        self._db = db
        self._thin(db)
        return db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                try:
                    self._db.close()
                except sqlite3.Error:
                    pass
                self._db = None

    def _write(self, fn):
        """Run ``fn(db)`` in one immediate transaction; None when it cannot be done."""
        with self._lock:
            db = self._connect()
            if db is None:
                return None
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    out = fn(db)
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
                return out
            except Exception as exc:  # noqa: BLE001 - never break the caller: not recorded, said once
                self._cache.clear()  # what was cached may not have been written
                self._fail(exc)
                return None

    def _read(self, fn, default):
        with self._lock:
            db = self._connect()
            if db is None:
                return default
            try:
                return fn(db)
            except Exception as exc:  # noqa: BLE001 - never break the caller
                self._fail(exc)
                return default

    @staticmethod
    def _plan_id(db: sqlite3.Connection, plan: str, make: bool = True) -> int | None:
        row = db.execute("SELECT id FROM plans WHERE path = ?", (plan,)).fetchone()
        if row is not None:
            return row[0]
        if not make:
            return None
        return db.execute("INSERT INTO plans (path) VALUES (?)", (plan,)).lastrowid

    # -- recording ------------------------------------------------------------

    def observe(self, path: str | os.PathLike, plan: Plan, done: int, total: int, *, origin: str,
                version: tuple[int, str], mine: Iterable[str] | None = None, shown: bool = False) -> list[Tick]:
        """A version of the plan at ``path`` was seen (or written): record the items whose
        marker changed since the last state stored, and the counts.  ``version``: see
        :func:`version_of`; ``mine``: the items the caller changed itself (they get
        ``origin``, the others ``outside``; None: all get ``origin``); ``shown``: a
        dashboard shows this version.  Returns the ticks recorded (none when another
        process recorded this version first, or when it is older than the one stored)."""
        key = plan_key(path)
        markers = dict(zip(item_names(plan), (_text(it.marker) for it in plan.items)))  # item name → its marker
        mine_set = None if mine is None else set(mine)
        at = _seconds(_when(version[0] / 1e9))  # to the microsecond, as read back: `since` compares alike
        tag = f"{version[0]}:{version[1]}"

        def run(db: sqlite3.Connection) -> list[Tick]:
            pid = self._plan_id(db, key)
            ns, digest = db.execute("SELECT version_ns, version_hash FROM plans WHERE id = ?", (pid,)).fetchone()
            if shown:
                db.execute("UPDATE plans SET shown = max(coalesce(shown, 0), ?) WHERE id = ?", (at, pid))
            if ns is not None and (version[0] < ns or (version[0] == ns and version[1] == digest)):
                if version == (ns, digest) and origin != "outside":  # we made it; another process was first
                    if mine_set is None:
                        db.execute("UPDATE ticks SET origin = ? WHERE plan = ? AND version = ? AND origin = 'outside'",
                                   (origin, pid, tag))
                    else:
                        db.executemany("UPDATE ticks SET origin = ? WHERE plan = ? AND version = ? AND item = ? "
                                       "AND origin = 'outside'", [(origin, pid, tag, n) for n in mine_set])
                    db.execute("UPDATE points SET origin = ? WHERE plan = ? AND version = ?", (origin, pid, tag))
                return []  # seen already, or older than what is stored
            cached = self._cache.get(key)
            if ns is None:
                old = None
            elif cached is not None and cached[0] == (ns, digest):
                old = cached[1]
            else:
                old = dict(db.execute("SELECT item, marker FROM states WHERE plan = ?", (pid,)))
            out: list[Tick] = []
            if old is None:  # the first version seen: the baseline, no ticks
                db.executemany("INSERT OR REPLACE INTO states (plan, item, marker) VALUES (?, ?, ?)",
                               [(pid, n, m) for n, m in markers.items()])
            else:
                when = _when(at)
                for name, m in markers.items():
                    was = old.get(name)
                    if was != m:
                        who = origin if mine_set is None or name in mine_set else "outside"
                        out.append(Tick(when, key, name, was, m, who))
                for name, was in old.items():
                    if name not in markers:
                        out.append(Tick(when, key, name, was, None, origin if mine_set is None else "outside"))
                db.executemany("INSERT INTO ticks (plan, at, item, old, new, origin, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [(pid, at, t.item, t.old, t.new, t.origin, tag) for t in out])
                db.executemany("INSERT OR REPLACE INTO states (plan, item, marker) VALUES (?, ?, ?)",
                               [(pid, t.item, t.new) for t in out if t.new is not None])
                db.executemany("DELETE FROM states WHERE plan = ? AND item = ?",
                               [(pid, t.item) for t in out if t.new is None])
            db.execute("INSERT OR IGNORE INTO points (plan, at, done, total, origin, version) VALUES (?, ?, ?, ?, ?, ?)",
                       (pid, at, done, total, origin, tag))
            db.execute("UPDATE plans SET version_ns = ?, version_hash = ? WHERE id = ?", (version[0], version[1], pid))
            self._cache[key] = (version, markers)
            return out

        got = self._write(run)
        if got is None:
            self._cache.pop(key, None)
        return got or []

    def mark_shown(self, path: str | os.PathLike, at: datetime | None = None) -> None:
        """A dashboard shows the plan now (or at ``at``): :func:`since_last_seen` starts from here."""
        when = time.time() if at is None else _seconds(at)

        def run(db: sqlite3.Connection) -> None:
            pid = self._plan_id(db, plan_key(path))
            db.execute("UPDATE plans SET shown = max(coalesce(shown, 0), ?) WHERE id = ?", (when, pid))

        self._write(run)

    # -- reading --------------------------------------------------------------

    def ticks(self, plan: str | os.PathLike, since: datetime | None = None) -> list[Tick]:
        """The ticks recorded for ``plan``, oldest first; ``since``: only those after it."""
        return self._ticks_after(plan_key(plan), None if since is None else _seconds(since))

    def _ticks_after(self, key: str, after: float | None) -> list[Tick]:
        def run(db: sqlite3.Connection) -> list[Tick]:
            pid = self._plan_id(db, key, make=False)
            if pid is None:
                return []
            rows = db.execute("SELECT at, item, old, new, origin, author FROM ticks WHERE plan = ? AND at > ? "
                              "ORDER BY at, id", (pid, -1.0 if after is None else after))
            return [Tick(_when(at), key, item, old, new, origin, author) for at, item, old, new, origin, author in rows]

        return self._read(run, [])

    def points(self, plan: str | os.PathLike) -> list[Point]:
        """The counts recorded for ``plan``, oldest first."""
        key = plan_key(plan)

        def run(db: sqlite3.Connection) -> list[Point]:
            pid = self._plan_id(db, key, make=False)
            if pid is None:
                return []
            rows = db.execute("SELECT at, done, total, origin FROM points WHERE plan = ? ORDER BY at, id", (pid,))
            return [Point(_when(at), done, total, origin) for at, done, total, origin in rows]

        return self._read(run, [])

    def knows(self, plan: str | os.PathLike) -> bool:
        """Whether a state of ``plan`` is stored (a first version to compare with).  True when
        the log cannot be read: nothing is to be done for it then."""
        def run(db: sqlite3.Connection) -> bool:
            row = db.execute("SELECT version_ns FROM plans WHERE path = ?", (plan_key(plan),)).fetchone()
            return row is not None and row[0] is not None

        return self._read(run, True)

    def last_shown(self, plan: str | os.PathLike) -> datetime | None:
        """When a dashboard last showed ``plan`` (None: never)."""
        def run(db: sqlite3.Connection):
            row = db.execute("SELECT shown FROM plans WHERE path = ?", (plan_key(plan),)).fetchone()
            return None if row is None or row[0] is None else _when(row[0])

        return self._read(run, None)

    # -- keeping it small -----------------------------------------------------

    def _thin(self, db: sqlite3.Connection) -> None:
        """Past :data:`KEEP_DAYS`, keep the last tick of each item per day and the last point of each
        plan per day; only when the last thinning is a day old or more (every process opening the log
        asks; one a day does it)."""
        clock = time.time()
        cutoff = clock - KEEP_DAYS * 86400
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'thinned'").fetchone()
            if row is not None and clock - row[0] < 86400:
                return
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('thinned', ?)", (clock,))
            db.execute("DELETE FROM ticks WHERE at < ?1 AND id NOT IN (SELECT max(id) FROM ticks WHERE at < ?1 "
                       "GROUP BY plan, item, CAST(at / 86400 AS INTEGER))", (cutoff,))
            db.execute("DELETE FROM points WHERE at < ?1 AND id NOT IN (SELECT max(id) FROM points WHERE at < ?1 "
                       "GROUP BY plan, CAST(at / 86400 AS INTEGER))", (cutoff,))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self._fail(exc)


_shared: dict[Path, EventLog] = {}
_shared_lock = threading.Lock()


def shared() -> EventLog:
    """This process's log at the default path (made on first use; quiet: the app says its warning)."""
    path = default_path()
    with _shared_lock:
        log = _shared.get(path)
        if log is None:
            log = _shared[path] = EventLog(path, quiet=True)
        return log


def since_last_seen(plan_path: str | os.PathLike, log: EventLog | None = None) -> list[Tick]:
    """What happened to the plan since a dashboard last showed it, oldest first (none when
    it was never shown): the ticks recorded after that moment and the plan's commits
    since then.  A commit's tick stands in for the "outside" tick the log
    recorded of the same change (it knows who made it, and when it was committed); a
    commit the log never saw (undone again before plantui looked) is added."""
    log = shared() if log is None else log
    key = plan_key(plan_path)
    seen = log._read(lambda db: (db.execute("SELECT shown FROM plans WHERE path = ?", (key,)).fetchone() or (None,))[0],
                     None)
    if seen is None:
        return []
    ticks = log._ticks_after(key, seen)
    return _with_commits(Path(plan_path), ticks, datetime.fromtimestamp(seen, timezone.utc))


def _with_commits(path: Path, ticks: list[Tick], since: datetime) -> list[Tick]:
    """``ticks`` with the plan's commits since ``since`` joined in (see :func:`since_last_seen`)."""
    from .errors import PlanError
    from .history import read_history

    try:
        commits = read_history(path).since(since).ticks()
    except (PlanError, OSError):  # not a repository, git missing, the file not tracked
        return ticks
    if not commits:
        return ticks

    def same(logged: Tick, commit: Tick) -> bool:
        return logged.new == commit.new and (logged.item == commit.item or logged.item.startswith(commit.item + " "))

    out = list(ticks)
    for commit in commits:
        match = next((i for i, t in enumerate(out) if t.origin == "outside" and same(t, commit)), None)
        if match is not None:
            out[match] = replace(commit, item=out[match].item)  # the log's name for the item
        elif not any(same(t, commit) for t in out):
            out.append(commit)
    return sorted(out, key=lambda t: t.at)


def log_for_change(path: Path) -> "EventLog | None":
    """The event log a change to the plan at ``path`` goes to, opened before the change: None
    when ``[history] record = false`` (a config that says neither true nor false raises
    :class:`~plantui.config.ConfigError`).  A plan the log has never seen is recorded as it
    is first, so the change itself is a tick, not the starting point.  The command line and
    the MCP server both use it."""
    from .config import history_enabled
    from .progress import summarize
    from .snapshot import read

    if not history_enabled(path):
        return None
    log = EventLog(quiet=True)  # a failure is said after the change is written (record_change), never before
    if not log.knows(path):
        snap = read(path)  # bad input says so here, before anything is written
        tasks = summarize(snap.plan).tasks
        log.observe(path, snap.plan, tasks.done, tasks.countable, origin="outside",
                    version=version_of(snap.raw, snap.mtime_ns))
    return log


def record_change(log: "EventLog", path: Path, result, refs: list, origin: str) -> None:
    """Record a written change (``result`` of :func:`plantui.actions.mark` or ``sync``): the
    items named by ``refs`` under ``origin`` ("cli", "mcp"), any other item that changed since
    the last state recorded as "outside".  Closes ``log``; never fails."""
    if not result.written:
        log.close()
        return
    from .actions import resolve
    from .lines import printable
    from .progress import summarize

    snap = result.snapshot
    names = item_names(snap.plan)
    mine = set()
    for ref in refs:
        try:
            mine.add(names[resolve(snap.plan, ref).index])
        except Exception:  # noqa: BLE001 - only the attribution is lost
            pass
    tasks = summarize(snap.plan).tasks
    try:
        log.observe(path, snap.plan, tasks.done, tasks.countable, origin=origin,
                    version=version_of(snap.raw, snap.mtime_ns), mine=mine)
    finally:
        log.close()
    said = log.take_warning()
    if said:
        try:
            print(printable(f"plantui: {said}"), file=sys.stderr)
        except (OSError, ValueError):
            pass
