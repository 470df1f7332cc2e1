"""Letting go of a big plan a piece at a time.

The last reference to a plan of 100,000 tasks, dropped, frees all of it in
one step of the interpreter: ~50 ms in which no other thread runs, the UI's
included, on whichever thread dropped it (the UI replacing the state it
shows, or a cache making room in a worker).  Handed to :func:`later`, the
old state is taken apart by a thread of its own first: the entries of its
big containers (the items, the lines, the layout's nodes) are held in a
list, so that the containers themselves go cheaply whoever lets go of them
last; once the state is gone, the list lets go of its entries 1,024 at a
time, pausing in between.  The thread starts on this once
hand-overs have stopped for a moment (``SETTLE``): right after one, the UI
is drawing the new state.

Pure (no Textual): it knows the containers, and the instances of plantui's
own classes, it looks into; nothing else (a type, a module, a path).
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections import deque

BIG = 1000  # entries from which a container's are held apart
DEPTH = 6  # how far from the object handed over small containers are looked into
STEP = 1024  # entries let go of at a time…
BURST = 0.002  # …for this many seconds…
PAUSE = 0.01  # …then a pause: the other threads get the interpreter
SETTLE = 0.3  # seconds without a hand-over before the thread starts…
MOST_SETTLE = 1.0  # …but no longer than this, nor with this many waiting:
BACKLOG = 4
POLL = 0.5  # seconds between looks at the states still held elsewhere

_CONTAINERS = (tuple, list, dict, set, frozenset)
_ATOMIC = (str, int, float, bytes)

_lock = threading.Lock()
_handed: deque[tuple[object, ...]] = deque()  # handed over together, not yet taken apart
_held: list[tuple[list[weakref.ref], list]] = []  # taken apart: weak references to them, and their pieces
# The lists that hold the pieces live as long as the process: by the time a big
# plan is shown the collector's young passes no longer look into them (a new
# list of a million entries was looked into by two of them, ~170 ms each, the
# UI waiting).  A fresh list when all are in use.
_POOL: list[list] = [[] for _ in range(32)]
_wake = threading.Event()
_thread: threading.Thread | None = None


def later(*objects: object) -> None:
    """Let go of ``objects`` (a snapshot, its plan, a layout…) without freeing them all
    at once, whoever drops them last; their pieces go once all of them are gone."""
    global _thread
    group = tuple(o for o in objects if o is not None)
    if not group:
        return
    with _lock:
        _handed.append(group)
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="plantui-release", daemon=True)
            _thread.start()
    _wake.set()


def _take_apart(top: object, into: list, seen: set[int]) -> None:
    """Hold in ``into`` the entries of the big containers ``top`` holds, directly or
    through small containers and plantui objects (up to ``DEPTH`` steps away).
    Only reads: nothing it walks is changed."""
    stack = [(top, 0)]
    while stack:
        obj, depth = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        inner = gc.get_referents(obj)
        if len(inner) >= BIG and isinstance(obj, _CONTAINERS):
            if not all(isinstance(x, _ATOMIC) for x in inner[:2]):  # (strings, numbers: freed cheaply)
                into.extend(inner)
            del inner
            time.sleep(PAUSE)
        elif depth < DEPTH:
            stack.extend((o, depth + 1) for o in inner if _looked_into(o))


def _looked_into(obj: object) -> bool:
    if isinstance(obj, _CONTAINERS):
        return True
    return type(obj).__module__.startswith("plantui.")


def _run() -> None:
    while True:
        try:
            _wake.wait(POLL if _held else None)
            _wake.clear()
            until = time.monotonic() + MOST_SETTLE
            while len(_handed) < BACKLOG and time.monotonic() < until and _wake.wait(SETTLE):
                _wake.clear()  # more coming: wait for a quiet moment
            _take_apart_handed()
            _let_go_of_the_gone()
        except Exception:  # pragma: no cover - never let the thread die (what it holds would stay)
            time.sleep(POLL)


def _take_apart_handed() -> None:
    """Take apart what was handed over: new states first, they are what a last
    drop would free all at once."""
    while True:
        with _lock:
            if not _handed:
                return
            group = _handed.popleft()
            pieces = _POOL.pop() if _POOL else []
        seen: set[int] = set()  # a snapshot reaches its plan: each walked once
        refs = []
        for obj in group:
            _take_apart(obj, pieces, seen)
            try:
                refs.append(weakref.ref(obj))
            except TypeError:  # (a tuple, a list: taken to be held by nobody else)
                pass
        group = obj = None  # from now on they go when the others let go of them: cheaply
        with _lock:
            _held.append((refs, pieces))


def _let_go_of_the_gone() -> None:
    with _lock:
        gone = [entry for entry in _held if not any(ref() is not None for ref in entry[0])]
    for entry in gone:
        pieces = entry[1]
        while pieces:
            deadline = time.monotonic() + BURST
            while pieces and time.monotonic() < deadline:
                del pieces[-STEP:]
            time.sleep(PAUSE)
            _take_apart_handed()
        with _lock:
            _held[:] = [e for e in _held if e is not entry]
            _POOL.append(pieces)
