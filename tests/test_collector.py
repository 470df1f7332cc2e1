"""While a big plan is shown, allocation sets off the collector's young passes only;
its full pass runs when the UI says things are quiet."""

from __future__ import annotations

import gc
import threading

import pytest

from plantui.ui import collector


@pytest.fixture(autouse=True)
def _restore():
    was, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    for owner in list(collector._holders):
        collector._holders.discard(owner)
    collector._saved = None
    collector._settled = None
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
        collector.settle(second)  # the first is gone: the next widget freezes (an app that opened another plan)
        assert gc.get_freeze_count() > 0
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
        await asyncio.sleep(0.1)
        gc.collect()
        gc.collect()
        # Textual may hold on to the last screen or two a moment longer; every earlier one is gone
        assert [r() is None for r in refs[:-2]] == [True] * 4
