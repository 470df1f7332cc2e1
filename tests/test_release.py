"""Letting go of a big plan a piece at a time (plantui.release)."""

from __future__ import annotations

import time
import weakref

from plantui import parser, progress, release, storage
from benchmarks.generate import generate
from plantui.ui import layout


def _wait(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def _forget_caches() -> None:
    parser.PLANS.clear()
    progress._RECENT.clear()
    layout._KEYS.clear()


def test_a_plan_handed_over_goes_at_once_and_its_items_a_few_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(release, "SETTLE", 0.01)
    monkeypatch.setattr(release, "PAUSE", 0.0)
    monkeypatch.setattr(release, "POLL", 0.02)
    path = tmp_path / "tasks.md"
    path.write_text(generate(release.BIG * 2).text, encoding="utf-8")
    _forget_caches()
    snap = storage.read(path)
    _forget_caches()
    plan = snap.plan
    assert len(plan.items) >= release.BIG
    item, gone, mine = weakref.ref(plan.items[-1]), weakref.ref(plan), weakref.ref(snap)
    release.later(snap, plan)

    def taken_apart() -> bool:
        with release._lock:
            return any(ref() is mine() for refs, _ in release._held for ref in refs)

    _wait(taken_apart, "the pieces taken apart")
    time.sleep(0.1)
    assert taken_apart() and item() is not None  # still held here: nothing let go of
    assert plan.items[-1] is item()  # and nothing taken from it:
    assert snap.lines.parts == storage.read(path).lines.parts and all(plan.item_at_line(it.line) is it for it in plan.items)
    del snap, plan
    assert gone() is None  # the plan went at once, cheaply: its items are held apart…
    assert item() is not None
    _wait(lambda: item() is None, "the pieces let go of")  # …and go after, a few at a time


def test_what_is_handed_over_is_only_read_and_nothing_stops_the_thread(monkeypatch):
    monkeypatch.setattr(release, "SETTLE", 0.01)
    monkeypatch.setattr(release, "PAUSE", 0.0)

    class Entry:
        pass

    entries = [Entry() for _ in range(release.BIG * 2)]
    index = {k: e for k, e in enumerate(entries)}
    before = (list(entries), dict(index))
    release.later()  # nothing: no group, and the thread goes on
    release.later((entries, index))  # a tuple: no weak reference to it, taken to be held by nobody else

    _wait(lambda: not release._handed, "the hand-over taken")
    time.sleep(0.3)  # taken apart, and let go of (nothing else holds a tuple)
    assert (entries, index) == before  # the containers walked are as they were
    last = weakref.ref(entries[-1])
    release.later((entries,))
    del entries, index, before
    _wait(lambda: last() is None, "the pieces let go of")
