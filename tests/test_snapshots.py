"""Snapshot tests (pytest-textual-snapshot): the dashboard, watch mode, the overview.

Watchers are off, the clock is frozen and the plans live in tmp_path but only
their names (or paths relative to the working folder) reach the screen.
Update the baselines with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from ui_plan import NOW, PLAN

from plantui.ui.app import PlantuiApp
from plantui.ui.live import LivePlan
from plantui.ui.widgets.overview import PlanTable
from plantui.ui.widgets.plan_tree import PlanTree


SEARCH_TASKS = """\
# Tasks: Search

## Phase 1: Setup

- [x] T001 Create the index module
- [x] T002 [P] Add the tokenizer

## Phase 2: Queries

- [x] T003 Parse the query language
- [ ] T004 Rank the results
"""

TODO = """\
# TODO

- [x] Write the README
- [x] Publish 0.1.0
- [x] Announce it
"""


def make_app(*paths: Path, mode: str = "dashboard") -> PlantuiApp:
    return PlantuiApp(list(paths), mode=mode, live=False, clock=lambda: NOW)


async def settle(pilot) -> None:
    """Wait (bounded) until every plan on screen has been read and drawn."""
    app = pilot.app
    deadline = time.monotonic() + 10
    while True:
        owners = [o for screen in app.screen_stack for o in (*screen.query(LivePlan), *screen.query(PlanTable))]
        if owners and all(o.loads >= (len(o.paths) if isinstance(o, PlanTable) else 1) for o in owners):
            break
        if time.monotonic() > deadline:
            raise AssertionError("the plans were not read in time")
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause(0.1)
    for tree in (t for screen in app.screen_stack for t in screen.query(PlanTree)):
        tree.stop_flash()  # flashes last 1.5 s: not part of a stable picture
    await pilot.pause()


def settle_and_press(*keys: str):
    """A ``run_before`` that lets the plans settle, then presses ``keys``."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.fixture
def plan(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the header shows the plan's path relative to here
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_dashboard(snap_compare, plan: Path):
    assert snap_compare(make_app(plan), terminal_size=(120, 35), run_before=settle)


def test_dashboard_80x24(snap_compare, plan: Path):
    assert snap_compare(make_app(plan), terminal_size=(80, 24), run_before=settle)


def test_dashboard_after_a_tick(snap_compare, plan: Path):
    async def tick(pilot):
        await settle(pilot)
        await pilot.press("x")
        deadline = time.monotonic() + 5
        while "- [x] **2.2.2**" not in plan.read_text() or pilot.app.screen.query_one(LivePlan)._writing:
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        await settle(pilot)

    assert snap_compare(make_app(plan), terminal_size=(120, 35), run_before=tick)


def test_dashboard_open_filter(snap_compare, plan: Path):
    assert snap_compare(make_app(plan), terminal_size=(100, 30), run_before=settle_and_press("f"))


def test_help_screen(snap_compare, plan: Path):
    assert snap_compare(make_app(plan), terminal_size=(100, 32), run_before=settle_and_press("question_mark"))


def test_watch_40x12(snap_compare, plan: Path):
    assert snap_compare(make_app(plan, mode="watch"), terminal_size=(40, 12), run_before=settle)


def test_watch_larger_pane(snap_compare, plan: Path):
    assert snap_compare(make_app(plan, mode="watch"), terminal_size=(60, 20), run_before=settle)


def test_overview(snap_compare, tmp_path: Path, plan: Path, monkeypatch):
    search = tmp_path / "specs" / "001-search" / "tasks.md"
    search.parent.mkdir(parents=True)
    search.write_text(SEARCH_TASKS, encoding="utf-8")
    todo = tmp_path / "TODO.md"
    todo.write_text(TODO, encoding="utf-8")
    for path, age in ((plan, timedelta(minutes=5)), (search, timedelta(hours=3)), (todo, timedelta(days=2))):
        stamp = (NOW - age).timestamp()
        os.utime(path, (stamp, stamp))
    monkeypatch.chdir(tmp_path)  # paths show relative to here
    app = make_app(Path("plan.md"), Path("specs/001-search/tasks.md"), Path("TODO.md"))
    assert snap_compare(app, terminal_size=(100, 16), run_before=settle)
