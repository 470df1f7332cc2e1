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
PAUSE = 0.01  # …and seconds between two steps: the other threads get the interpreter
SETTLE = 0.3  # seconds without a hand-over before the thread starts
POLL = 0.5  # seconds between looks at the states still held elsewhere

_CONTAINERS = (tuple, list, dict, set, frozenset)

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
    with _lock:
        _handed.append(tuple(o for o in objects if o is not None))
        if _thread is None:
            _thread = threading.Thread(target=_run, name="plantui-release", daemon=True)
            _thread.start()
    _wake.set()


def _take_apart(top: object, into: list) -> None:
    """Hold in ``into`` the entries of the big containers ``top`` holds, directly or
    through small containers and plantui objects (up to ``DEPTH`` steps away)."""
    seen: set[int] = set()
    stack = [(top, 0)]
    while stack:
        obj, depth = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        inner = gc.get_referents(obj)
        if len(inner) >= BIG and isinstance(obj, _CONTAINERS):
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
        _wake.wait(POLL if _held else None)
        _wake.clear()
        while _wake.wait(SETTLE):  # more coming: wait for a quiet moment
            _wake.clear()
        while True:
            with _lock:
                if not _handed:
                    break
                group = _handed.popleft()
                pieces = _POOL.pop() if _POOL else []
            for obj in group:
                _take_apart(obj, pieces)
            refs = []
            for obj in group:
                try:
                    refs.append(weakref.ref(obj))
                except TypeError:  # (a tuple, a list: taken to be held by nobody else)
                    pass
            del group, obj  # from now on they go when the others let go of them: cheaply
            with _lock:
                _held.append((refs, pieces))
        with _lock:
            gone = [entry for entry in _held if not any(ref() is not None for ref in entry[0])]
        for entry in gone:
            pieces = entry[1]
            while pieces:
                del pieces[-STEP:]
                time.sleep(PAUSE)
            with _lock:
                _held.remove(entry)
                _POOL.append(pieces)
