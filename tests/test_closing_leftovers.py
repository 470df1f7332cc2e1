"""The defects session 7's closing note named: the detail pane that stayed beside the
tree when the window grew too narrow for it, one vocabulary of status words, the
fields worked out again after a tick of any reader's plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilot import loaded
from ui_plan import PLAN

from plantui.ui.app import PlantuiApp
from plantui.ui.widgets.side_panel import SidePanel
from plantui.ui.widgets.task_detail import DetailScreen, TaskDetail

from datetime import datetime

NOW = datetime(2026, 1, 5, 14, 2, 11)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path


# -- 1: the detail pane gives way when the window narrows ----------------------


async def test_the_detail_beside_the_tree_closes_when_the_window_narrows(plan: Path):
    app = PlantuiApp([plan], live=False, clock=lambda: NOW)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert dash.has_class("-detail") and dash.query_one(TaskDetail).display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not dash.has_class("-detail")
        assert not dash.query_one(TaskDetail).display and dash.query_one(SidePanel).display
        assert dash.tree.region.width > 40 and dash.tree.region.height >= 10
        assert dash.activity.region.height == 5  # the height rule still runs beside it
        await pilot.press("d")  # now over the tree, as at any narrow size
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)


async def test_the_focus_in_the_detail_goes_back_to_the_tree_when_it_closes(plan: Path):
    app = PlantuiApp([plan], live=False, clock=lambda: NOW)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("d")
        await pilot.pause()
        dash.query_one(TaskDetail).focus()
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.focused is dash.tree
