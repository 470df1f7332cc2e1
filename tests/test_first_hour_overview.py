"""First-hour findings in the overview, watch mode and notifications (Pilot tests).

``Terminal`` keeps what the app has drawn, update by update, as a terminal would:
Textual's own screenshot composes the screen afresh, so it cannot see cells that
were left painted because no update covered them.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType

from pilot import wait_for

from plantui.ui.app import PlantuiApp, toasts_that_fit

NOW = datetime(2026, 1, 5, 14, 2, 11)

PHASED = """\
# Plan: Garden shed

## Phase 1: Ground

- [x] 1.1 Level the ground
- [ ] 1.2 Lay the slabs

## Phase 2: Walls

- [ ] 2.1 Build the frame
- [ ] 2.2 Clad the frame

## Phase 3: Roof

- [ ] 3.1 Fit the roof
"""


class Terminal:
    """The cells an app has painted, from the updates it sent (what a terminal shows)."""

    def __init__(self, app: PlantuiApp, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [[" "] * width for _ in range(height)]
        self.console = Console(width=width, height=height, force_terminal=True, color_system=None)
        real = app._display

        def display(screen, update) -> None:
            if update is not None and not app._batch_count:
                self.paint(update)
            real(screen, update)

        app._display = display

    def paint(self, update) -> None:
        x = y = 0
        for segment in update.__rich_console__(self.console, self.console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                continue
            for ch in segment.text:
                if 0 <= y < self.height and 0 <= x < self.width:
                    self.rows[y][x] = ch
                x += cell_len(ch)

    @property
    def text(self) -> str:
        return "\n".join("".join(row) for row in self.rows)


@pytest.fixture
def phased(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(PHASED, encoding="utf-8")
    return path


def app_for(*paths: Path, live: bool = False, mode: str = "dashboard") -> PlantuiApp:
    return PlantuiApp(list(paths), live=live, mode=mode, clock=lambda: NOW)


def atomic_save(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# -- 4. notifications ---------------------------------------------------------------


@pytest.mark.parametrize("mode,size", [("watch", (40, 12)), ("dashboard", (80, 24))])
async def test_expired_notifications_leave_the_screen_without_a_resize(phased: Path, mode: str, size):
    app = app_for(phased, mode=mode)
    term = Terminal(app, *size)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_for(pilot, lambda: "Garden shed" in term.text, what="the first frame")
        for n in range(5):  # outside ticks a moment apart, each with its notification
            app.notify(f"Toast {n} here", title="plan.md", timeout=0.6)
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: "Toast 4 here" in term.text, what="the last toast")
        await wait_for(pilot, lambda: not app._notifications, what="the notifications to expire")
        await pilot.pause(0.3)
        assert "Toast" not in term.text
        assert "Garden shed" in term.text


def test_small_panes_show_one_or_two_notifications():
    assert toasts_that_fit(12) == 1
    assert toasts_that_fit(18) <= 2
    assert toasts_that_fit(24) <= 3
    assert toasts_that_fit(5) == 1


async def test_watch_shows_at_most_one_notification_at_40x12_and_joins_those_of_one_write(phased: Path):
    app = app_for(phased, mode="watch", live=True)
    term = Terminal(app, 40, 12)
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await wait_for(pilot, lambda: "Garden shed" in term.text, what="the first frame")
        app.notify("First", title="plan.md", timeout=5)
        await pilot.pause(0.05)
        app.notify("Second", title="plan.md", timeout=5)
        await wait_for(pilot, lambda: len(app._notifications) == 1 and "First\nSecond" in
                       next(iter(app._notifications)).message, what="one notification")
        app.notify("Other", title="other.md", timeout=5)  # another plan's: replaces it
        await pilot.pause(0.2)
        assert [n.message for n in app._notifications] == ["Other"]


async def test_watch_notifies_a_phase_done_alone(phased: Path):
    app = app_for(phased, mode="watch", live=True)
    term = Terminal(app, 40, 12)
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await wait_for(pilot, lambda: "Garden shed" in term.text, what="the first frame")
        atomic_save(phased, PHASED.replace("- [ ] 1.2", "- [x] 1.2"))
        await wait_for(pilot, lambda: any("Phase done: Phase 1: Ground" in n.message for n in app._notifications),
                       what="the notification")
        await wait_for(pilot, lambda: "Phase done" in term.text, what="the toast on screen")
