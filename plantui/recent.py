"""The last few plans and what was worked out from each, fewer of big ones.

Two caches keep what a plan read a moment ago needs again: its parse (by
its text, :mod:`plantui.parser`) and its items' keys (:mod:`plantui.ui.layout`);
its summary travels with its snapshot instead (:meth:`plantui.snapshot.Snapshot.summary`).  A few entries each, as long as
the plans are small; a plan of 100,000 tasks is some 50 MB of objects, so of
big plans only the newest are kept (six of them held ~250 MB, and every one
made each full pass of the garbage collector longer).  Pure; thread-safe
(plans are read and keyed in worker threads).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable, Generic, TypeVar

from .model import Plan

T = TypeVar("T")


class Recent(Generic[T]):
    """``(plan, value)`` entries, newest last: at most ``kept``, and no more items
    in all their plans than ``items``, but always the ``least`` newest."""

    def __init__(self, kept: int, items: int, least: int = 1) -> None:
        self.kept = kept
        self.items = items
        self.least = least
        self._entries: deque[tuple[Plan, T]] = deque()
        self._lock = threading.Lock()

    def add(self, plan: Plan, value: T) -> None:
        with self._lock:
            entries = self._entries
            entries.append((plan, value))
            while len(entries) > self.least and (
                    len(entries) > self.kept or sum(len(p.items) for p, _ in entries) > self.items):
                entries.popleft()

    def find(self, wanted: Callable[[Plan, T], bool]) -> tuple[Plan, T] | None:
        """The newest entry ``wanted`` says yes to."""
        for entry in reversed(self.entries()):
            if wanted(*entry):
                return entry
        return None

    def entries(self) -> list[tuple[Plan, T]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
