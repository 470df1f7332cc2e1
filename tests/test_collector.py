"""While a big plan is shown, allocation sets off the collector's young passes only;
its full pass runs when the UI says things are quiet."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from plantui.ui import collector


@pytest.fixture(autouse=True)
def _restore():
    was, thresholds, last_full = gc.isenabled(), gc.get_threshold(), collector._last_full
    yield
    collector._last_full = last_full
    for owner in list(collector._holders):
        collector._holders.discard(owner)
    collector._saved = None
    collector._settled = None
    collector._froze = False
    gc.set_threshold(*thresholds)
    (gc.enable if was else gc.disable)()


class Owner:
    pass


def test_a_big_plan_holds_off_full_passes_and_keeps_young_ones():
    gc.enable()
    t0, t1, t2 = gc.get_threshold()
    a = Owner()
    collector.hold(a, True)
    assert collector.held()
    assert gc.isenabled()  # young passes go on: nothing piles up for one long pass later
    assert gc.get_threshold() == (t0, t1, collector.NEVER)
    collector.hold(a, False)
    assert not collector.held()
    assert gc.get_threshold() == (t0, t1, t2)


def test_a_small_plan_leaves_the_collector_alone():
    before = gc.get_threshold()
    collector.hold(Owner(), False)
    assert gc.get_threshold() == before and not collector.held()


def test_the_thresholds_come_back_after_the_last_big_plan():
    t2 = gc.get_threshold()[2]
    a, b = Owner(), Owner()
    collector.hold(a, True)
    collector.hold(b, True)
    collector.hold(a, True)  # said again: still one hold
    collector.hold(a, False)
    assert gc.get_threshold()[2] == collector.NEVER  # b still shows a big plan
    collector.hold(b, False)
    assert gc.get_threshold()[2] == t2


def test_holds_from_many_threads_end_balanced():
    t2 = gc.get_threshold()[2]
    owners = [Owner() for _ in range(8)]

    def flip(owner):
        for k in range(200):
            collector.hold(owner, k % 2 == 0)
        collector.hold(owner, False)

    threads = [threading.Thread(target=flip, args=(o,)) for o in owners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not collector.held() and gc.get_threshold()[2] == t2


def test_a_full_pass_is_worth_it_only_after_enough_young_passes():
    gc.enable()
    gc.collect()
    assert not collector.worth_a_full_pass()  # nothing since the last one
    collector.hold(Owner(), True)
    for _ in range(collector.ENOUGH + 1):
        gc.collect(1)  # what allocation sets off meanwhile
    assert collector.worth_a_full_pass()


def test_quiet_full_passes_are_spaced(monkeypatch):
    now = [50.0]
    monkeypatch.setattr(collector, "clock", lambda: now[0])
    collector.full_pass()
    assert collector.full_pass_wait() == collector.SPACING
    now[0] += collector.SPACING - 1
    assert collector.full_pass_wait() == 1
    now[0] += 1
    assert collector.full_pass_wait() == 0


class QuietTimers:
    """Stands in for Textual's timer behind a widget's quiet wait (the one that runs
    ``LivePlan._full_pass_if_quiet``): keeps each one set, and fires the pending one
    when the test says its time is up.  The widget's other timers stay Textual's."""

    class Timer:
        def __init__(self, delay, callback):
            self.delay, self.callback = delay, callback
            self.stopped = self.fired = False

        def stop(self):
            self.stopped = True

    def __init__(self, monkeypatch):
        from plantui.ui import live

        self.set: list[QuietTimers.Timer] = []
        real = live.LivePlan.set_timer

        def set_timer(widget, delay, callback=None, *args, **kwargs):
            if getattr(callback, "__func__", None) is not live.LivePlan._full_pass_if_quiet:
                return real(widget, delay, callback, *args, **kwargs)
            self.set.append(QuietTimers.Timer(delay, callback))
            return self.set[-1]

        monkeypatch.setattr(live.LivePlan, "set_timer", set_timer)

    def pending(self) -> "QuietTimers.Timer":
        """The one wait under way (there is never more than one)."""
        waiting = [t for t in self.set if not (t.stopped or t.fired)]
        assert len(waiting) == 1, f"{len(waiting)} quiet waits under way"
        return waiting[0]

    def fire(self) -> None:
        """The pending wait is over: what Textual would call now."""
        timer = self.pending()
        timer.fired = True
        timer.callback()


async def test_a_big_plan_runs_the_full_pass_once_quiet_and_not_again_before_the_spacing(tmp_path, monkeypatch):
    """The UI's side: each new state of a big plan starts the quiet wait again, and a
    read under way when it ends starts it again; once quiet, the pass runs; the next
    one waits for the spacing even when quiet again.  The test keeps the time: it
    ends the quiet waits itself and moves the collector's clock, so how fast the
    machine reads and draws does not matter."""
    import os

    from pilot import loaded, wait_for

    from benchmarks.generate import generate
    from plantui.ui import live
    from plantui.ui.app import PlantuiApp

    path = tmp_path / "tasks.md"
    text = generate(live.BIG_PLAN + 100).text
    path.write_text(text, encoding="utf-8")
    now = [1000.0]
    monkeypatch.setattr(collector, "clock", lambda: now[0])
    monkeypatch.setattr(collector, "_last_full", now[0] - collector.SPACING)  # the spacing lets one run now
    monkeypatch.setattr(collector, "ENOUGH", 0)
    passes: list[float] = []
    real = collector.full_pass
    monkeypatch.setattr(collector, "full_pass", lambda: passes.append(now[0]) or real())
    quiet = QuietTimers(monkeypatch)
    app = PlantuiApp([path])

    def change() -> bytes:
        nonlocal text
        text = text.replace("- [ ]", "- [x]", 1)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # one rename: one reload
        return text.encode()

    async def shown(raw: bytes, k) -> None:
        await wait_for(pilot, lambda: dash.snapshot.raw == raw and not dash.busy, what=f"change {k} shown")

    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        assert quiet.pending().delay == live.QUIET  # the first read started the wait
        for k in range(3):
            before = quiet.pending()
            await shown(change(), k)
            assert before.stopped and quiet.pending().delay == live.QUIET  # a new state: the wait starts again
        assert not passes
        dash._io_lock.acquire()  # the next read waits for it: under way when the quiet wait ends
        try:
            raw = change()
            await wait_for(pilot, lambda: dash.busy, what="the read under way")
            quiet.fire()
            assert not passes and quiet.pending().delay == live.QUIET  # not quiet: wait again
        finally:
            dash._io_lock.release()
        await shown(raw, "read while the wait ended")
        quiet.fire()  # quiet for QUIET seconds now
        assert passes == [1000.0]
        await shown(change(), "after the pass")
        quiet.fire()  # quiet again, but within the spacing
        assert passes == [1000.0] and quiet.pending().delay == collector.SPACING
        now[0] += collector.SPACING - 1
        quiet.fire()  # (Textual's timer firing early: the pass still waits)
        assert passes == [1000.0] and quiet.pending().delay == 1
        now[0] += 1
        quiet.fire()
        assert passes == [1000.0, 1000.0 + collector.SPACING]
        with pytest.raises(AssertionError, match="0 quiet waits"):
            quiet.pending()  # and nothing more to wait for


def test_the_full_pass_frees_cycles():
    class Cycle:
        pass

    gc.enable()
    made = Cycle()
    made.me = made
    alive = [made]
    del made
    gc.collect()
    alive.clear()  # now only the cycle holds it
    assert collector.full_pass() >= 1


def test_settling_collects_young_garbage_then_freezes_what_lives():
    class Cycle:
        pass

    gc.enable()
    gc.unfreeze()
    passes = []

    def seen(phase, info):
        if phase == "start":
            passes.append(info["generation"])

    try:
        garbage = Cycle()
        garbage.me = garbage
        lives = [Cycle() for _ in range(10)]
        del garbage
        gc.callbacks.append(seen)
        collector.settle(Owner())
        gc.callbacks.remove(seen)
        assert passes == [1]  # the young generations only: no full pass at start
        assert gc.get_freeze_count() > 0
        assert gc.collect() == 0  # the cycle was collected before the freeze, not frozen with what lives
        assert lives
    finally:
        if seen in gc.callbacks:
            gc.callbacks.remove(seen)
        gc.unfreeze()


def test_one_widget_at_a_time_freezes_and_its_going_unfreezes():
    class Cycle:
        pass

    gc.unfreeze()
    first, second = Owner(), Owner()
    try:
        collector.settle(first)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        gc.unfreeze()
        collector.settle(second)  # a widget mounted later, while the first is there: no second freeze
        assert gc.get_freeze_count() == 0
        collector.settle(first)
        assert gc.get_freeze_count() == 0  # and not the first again either
        gc.freeze()
        collector.unsettle(second)  # not the one that froze: nothing
        assert gc.get_freeze_count() > 0
        collector.unsettle(first)
        assert gc.get_freeze_count() == 0  # what it froze is given back
        garbage = Cycle()
        garbage.me = garbage
        gc.collect(1)  # into the oldest generation: a young pass no longer sees it
        gone = weakref.ref(garbage)
        del garbage
        collector.settle(second)  # the first is gone: the next widget freezes (an app that opened another plan)…
        assert gc.get_freeze_count() > 0
        assert gone() is None  # …after a full pass: what the first left in cycles is freed, not frozen
        collector.unsettle(second)
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_a_write_on_a_big_plan_runs_with_the_collector_paused():
    gc.enable()
    with collector.paused(True):
        assert not gc.isenabled()
        with collector.paused(True):  # nested: still paused after the inner one
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with collector.paused(False):
        assert gc.isenabled()


def test_paused_stretches_from_two_threads_resume_after_the_last():
    gc.enable()
    first_in, release = threading.Event(), threading.Event()

    def long_one():
        with collector.paused(True):
            first_in.set()
            release.wait(5)

    t = threading.Thread(target=long_one)
    t.start()
    first_in.wait(5)
    with collector.paused(True):
        pass
    still = gc.isenabled()
    release.set()
    t.join(5)
    assert still is False and gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.paused(True):
        pass
    assert not gc.isenabled()


@pytest.mark.needs_shared
async def test_dashboards_opened_from_the_overview_and_closed_are_freed(tmp_path):
    """Their widget trees hold reference cycles: frozen, they would outlive the screen."""
    import asyncio
    import weakref

    from conftest import SEEDS

    from plantui.ui.app import PlantuiApp
    from plantui.ui.widgets.dashboard import PlanDashboard

    paths = []
    for n, seed in enumerate(sorted(SEEDS.glob("*.md"))[:2]):
        paths.append(tmp_path / f"plan{n}.md")
        paths[-1].write_bytes(seed.read_bytes())
    gc.unfreeze()
    app = PlantuiApp(paths, live=False)
    refs = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        for _ in range(6):
            app.screen.open(paths[0])
            for _ in range(100):
                await pilot.pause(0.02)
                found = app.screen.query(PlanDashboard)
                if found and found.first().snapshot is not None:
                    break
            dash = app.screen.query_one(PlanDashboard)
            assert dash.snapshot is not None
            refs.append(weakref.ref(dash))
            del dash, found
            app.pop_screen()
            await pilot.pause(0.2)
        # Textual may hold on to a screen or two a moment longer (a finished worker of
        # theirs, a context variable); frozen with their cycles, all six would stay
        for _ in range(20):
            await asyncio.sleep(0.05)
            gc.collect()
            if sum(r() is not None for r in refs) <= 2:
                break
        assert sum(r() is not None for r in refs) <= 2


def test_the_work_on_a_plan_leaves_no_reference_cycles(tmp_path):
    """What this module relies on: a plan, its lines, summary and layout are freed by
    reference counting alone, from a cold parse to a tick written (a big plan holds
    off the full passes that would find cycles: one holding the plan would keep all
    of it).  Layout.build once did, with closures that called each other."""
    from plantui import actions, chunks, parser
    from benchmarks.generate import generate
    from plantui.progress import summarize
    from plantui.snapshot import read
    from plantui.ui.changes import compare, milestones
    from plantui.ui.layout import build, update
    from plantui.ui.panel import panel_look

    path = tmp_path / "tasks.md"
    path.write_text(generate(300).text, encoding="utf-8")

    def cyclic(work) -> int:
        gc.collect()
        gc.disable()
        try:
            work()
            return gc.collect()
        finally:
            gc.enable()

    def cold_read():
        parser.PLANS.clear()
        chunks.CACHE.clear()
        return read(path)

    assert cyclic(cold_read) == 0
    snap = read(path)
    summary = summarize(snap.plan)
    layout = build(snap.plan, summary)
    assert cyclic(lambda: summarize(snap.plan)) == 0
    assert cyclic(lambda: build(snap.plan, summary, show="open", query="a")) == 0
    assert cyclic(lambda: build(snap.plan, summary)) == 0
    assert cyclic(lambda: panel_look(snap.plan, summary)) == 0
    task = next(it for it in snap.plan.items if it.state.name == "OPEN")
    assert cyclic(lambda: actions.mark_items(path, [task], None, previous=snap)) == 0
    after = read(path, previous=snap)
    assert cyclic(lambda: read(path, previous=snap)) == 0
    assert cyclic(lambda: after.summary()) == 0  # worked out from the summary before the tick
    assert cyclic(lambda: update(layout, after.plan, summarize(after.plan))) == 0
    assert cyclic(lambda: (compare(snap.plan, after.plan), milestones(snap.plan, summary, after.plan,
                                                                     summarize(after.plan)))) == 0
    path.write_text(path.read_text(encoding="utf-8").replace("- [ ]", "- [ ] more\n- [ ]", 1), encoding="utf-8")
    assert cyclic(lambda: read(path, previous=after)) == 0  # an edit: a chunk parsed again
