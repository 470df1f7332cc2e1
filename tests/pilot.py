"""Pilot helpers shared by the app tests (test_ui_app.py, test_ui_reliability.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ui_plan import NOW

from plantui.ui.app import PlantuiApp
from plantui.ui.widgets.dashboard import PlanDashboard


def app_for(*paths: Path, live: bool = False, mode: str = "dashboard", **kw) -> PlantuiApp:
    """The app on ``paths`` at the clock :data:`ui_plan.NOW`, its watchers off unless ``live``."""
    return PlantuiApp(list(paths), live=live, mode=mode, clock=lambda: NOW, **kw)


def atomic_save(path: Path, text: str) -> None:
    """What editors do: write a temporary file beside the plan, rename it over."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


async def wait_for(pilot, condition, timeout: float = 8.0, what: str = "condition") -> None:
    """Poll the app (bounded) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def header_row(dash, name: str) -> str | None:
    """The text of a row of the dashboard's header ("title", "progress", "next", "drift",
    "notice") as drawn at its width now; None when the row is not shown."""
    from plantui.ui.widgets.header import PlanHeader

    row = dash.query_one(PlanHeader).rows().get(name)
    return None if row is None else row.plain


async def loaded(pilot) -> PlanDashboard:
    """The dashboard on screen, once it has read and laid out its plan."""
    dash = pilot.app.screen.query_one(PlanDashboard)
    await wait_for(pilot, lambda: dash.loads > 0 and dash.plan_layout is not None, what="the first read")
    await pilot.pause()
    return dash
