"""The garbage collector and big plans.

A plan of 100,000 tasks is a few million Python objects.  A parse that
allocates a million of them sets off a dozen of the collector's full passes,
each walking every object it tracks: at 100,000 tasks they took 50-450 ms
each, and stopped the UI thread as well as the worker.  A plan, its lines
and its layout hold no reference cycles (frozen dataclasses, tuples,
dicts): reference counting frees them, and the collector has nothing to
find in them.

So the work on a big plan (reading, parsing, summarizing, laying out) runs
with the collector paused; it resumes after the last such stretch and meets
what the work made once.  (Freezing that too, ``gc.freeze``, would save that
one pass, but it freezes whatever the UI thread holds at that moment as well,
and Textual's rendering makes reference cycles: tried, it leaked megabytes
per reload.)  Small plans are left to the collector as usual.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator

_lock = threading.Lock()
_paused = 0  # workers in a paused stretch now
_resume = False  # whether the collector ran before the first of them paused it


@contextlib.contextmanager
def paused(big: bool) -> Iterator[None]:
    """The collector paused for a stretch of work on a big plan (nested and
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
