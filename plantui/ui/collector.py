"""The garbage collector and big plans.

A plan of 100,000 tasks is close to a million objects the collector tracks,
and a reload that changes its line numbers makes most of them again.  Left
to itself, the collector runs a full pass (over every tracked object: about
half a second at that size) whenever the objects that survived since the
last one reach a quarter of the rest, so a reload set off several, and each
one stopped the UI thread as well as the worker.  Pausing the collector
instead made it meet all of a reload's objects at once when it resumed (a
young pass of ~300 ms).  Freezing them was tried and leaked Textual's cyclic
render objects, which would have been frozen with them.

So while a big plan is shown (:func:`hold`), the collector keeps running its
young passes, each over at most a few thousand new objects (it costs well
under a millisecond and lets the UI thread in between), but passes over
everything are not set off by allocation.  A plan, its lines, its summary
and its layout hold no reference cycles (frozen dataclasses, tuples, dicts,
no closures calling each other; tested): reference counting frees an old
plan once the new one replaces it, a piece at a time (:mod:`plantui.release`).
What the full passes are for is the cycles Textual leaves (a few thousand
objects between two passes, once a big plan is on screen).  :func:`full_pass`
collects them; the UI calls it once things have been quiet for a moment,
and only when enough has happened since the last one and ``SPACING``
seconds have gone by: the pass goes over the objects of the plans shown
(~0.3-0.5 s at 100,000 tasks, ~30 ms at 10,000), a pause the user would see
after every change.

A key press on a big plan writes with the collector paused (:func:`paused`):
a young pass over the new tuple of 100,000 items took ~10 ms, and the write
is what the user waits for.  It resumes right after, over what the write made.

Whatever the plan's size, what lives once the first frame is out (Textual,
its widgets, plantui's modules, the plan's caches) mostly lives as long as
the app: :func:`settle` takes it out of the full passes, one widget at a
time.  Without that, at 1,000 tasks a full pass over it took ~50 ms now and
then, a reload being what set it off.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from typing import Iterator

NEVER = 1 << 30  # the third threshold while held: no full pass set off by allocation
ENOUGH = 10  # young-generation passes since the last full pass that make a quiet full pass worth it
SPACING = 300.0  # seconds at least from one quiet full pass to the next

_lock = threading.Lock()
_holders: set[int] = set()  # id() of the plans that hold it now
_saved: int | None = None  # the third threshold before the first hold
_settled: int | None = None  # id() of the widget that froze (see settle)
_froze = False  # whether a widget has frozen before, in this process
_paused = 0  # stretches paused now (see paused)
_resume = False  # whether the collector ran before the first of them paused it
clock = time.monotonic  # what the spacing is measured by (a test sets its own)
_last_full = clock()  # when the last full pass ran (at start: none needed yet)


def hold(owner: object, big: bool) -> None:
    """Say whether ``owner`` (a plan's widget) works on a big plan now: while any
    does, allocation sets off young passes only."""
    global _saved
    with _lock:
        was = bool(_holders)
        (_holders.add if big else _holders.discard)(id(owner))
        if bool(_holders) == was:
            return
        t0, t1, t2 = gc.get_threshold()
        if _holders:
            _saved = t2
            gc.set_threshold(t0, t1, NEVER)
        else:
            gc.set_threshold(t0, t1, _saved if _saved is not None else t2)
            _saved = None


@contextlib.contextmanager
def paused(big: bool) -> Iterator[None]:
    """The collector paused for a short stretch of work on a big plan (nested and
    concurrent stretches: it resumes after the last)."""
    global _paused, _resume
    if not big:
        yield
        return
    with _lock:
        if _paused == 0:
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _resume:
                gc.enable()


def held() -> bool:
    return bool(_holders)


def worth_a_full_pass() -> bool:
    """Whether enough survived young passes since the last full pass to look for cycles."""
    return gc.isenabled() and gc.get_count()[2] >= ENOUGH


def settle(owner: object) -> None:
    """After the first frame of ``owner`` (a plan's widget), unless another widget
    did and is still there: freeze what lives now (``gc.freeze``), so that full
    passes skip it; it is still freed by reference counting when dropped.

    Garbage frozen with it would not be collected while it stays frozen, so the
    collector runs first.  The first time in a process, over the young
    generations only (under a millisecond; what a full pass would find besides,
    ~3,000 objects at start, is left: the pass itself took ~20 ms and held up
    the first frame's way to the terminal).  After that, a full pass: what a
    widget that went (a dashboard opened from the overview and closed again)
    left in cycles is freed, not frozen with what lives; but not while a big
    plan is shown (a pass over it takes ~0.5 s: its cycles wait, frozen, for
    this widget to go).  What is frozen is given back by :func:`unsettle` when
    ``owner`` goes, and the next widget to show a first frame freezes again: in
    an app that opens and closes dashboards, as in one that shows one plan,
    full passes skip what lives long.
    """
    global _settled, _froze
    with _lock:
        if _settled is not None:
            return
        _settled = id(owner)
        again, _froze = _froze, True
    gc.collect(2 if again and not _holders else 1)  # (a full pass over a big plan: ~0.5 s, see SPACING)
    gc.freeze()


def unsettle(owner: object) -> None:
    """``owner`` goes: if it was the one that froze, unfreeze (its cycles can be
    collected again), and let the next widget settle."""
    global _settled
    with _lock:
        if _settled != id(owner):
            return
        _settled = None
    gc.unfreeze()


def full_pass_wait() -> float:
    """Seconds until the next quiet full pass may run (0: now); see ``SPACING``."""
    return max(0.0, _last_full + SPACING - clock())


def full_pass() -> int:
    """A full pass, at a moment the caller knows to be quiet; what it freed."""
    global _last_full
    try:
        return gc.collect()
    finally:
        _last_full = clock()
