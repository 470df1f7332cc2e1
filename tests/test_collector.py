"""The collector is paused while a big plan's work runs, and resumes after the last stretch."""

from __future__ import annotations

import gc
import threading

import pytest

from plantui.ui import collector


@pytest.fixture(autouse=True)
def _restore():
    was = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if was else gc.disable)()


def test_a_big_plans_work_runs_with_the_collector_paused():
    gc.enable()
    gc.unfreeze()
    with collector.paused(True):
        assert not gc.isenabled()
        made = [[k] for k in range(1000)]  # containers the collector would track
    assert gc.isenabled() and made
    assert gc.get_freeze_count() == 0  # nothing frozen: Textual's cycles made meanwhile must stay collectable


def test_a_small_plan_leaves_the_collector_alone():
    gc.enable()
    gc.unfreeze()
    with collector.paused(False):
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_overlapping_stretches_resume_it_after_the_last():
    gc.enable()
    first_in, release = threading.Event(), threading.Event()
    seen = []

    def long_one():
        with collector.paused(True):
            first_in.set()
            release.wait(5)

    t = threading.Thread(target=long_one)
    t.start()
    first_in.wait(5)
    with collector.paused(True):
        pass
    seen.append(gc.isenabled())  # the first is still working: still paused
    release.set()
    t.join(5)
    assert seen == [False] and gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.paused(True):
        pass
    assert not gc.isenabled()
