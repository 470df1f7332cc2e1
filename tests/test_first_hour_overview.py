"""First-hour findings in the overview, watch mode and notifications (Pilot tests).

``Terminal`` keeps what the app has drawn, update by update, as a terminal would:
Textual's own screenshot composes the screen afresh, so it cannot see cells that
were left painted because no update covered them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType

from pilot import app_for, atomic_save, wait_for
from ui_plan import NOW

from plantui.ui.app import PlantuiApp, toasts_that_fit

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
                cells = cell_len(ch)
                if 0 <= y < self.height and 0 <= x < self.width:
                    self.rows[y][x] = ch
                    if cells == 2 and x + 1 < self.width:
                        self.rows[y][x + 1] = ""  # the second half of a wide character
                x += cells

    @property
    def text(self) -> str:
        return "\n".join("".join(row) for row in self.rows)


@pytest.fixture
def phased(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(PHASED, encoding="utf-8")
    return path


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
    assert [toasts_that_fit(h) for h in (5, 12, 19, 24, 29, 35, 60)] == [1, 1, 1, 2, 2, 3, 3]


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


# -- 8. the overview ------------------------------------------------------------------

CJK = "# 計画：日本語のタイトルはとても長いです、本当に長いです\n\n- [x] 一\n- [x] 二\n- [ ] 三\n"
SEARCH = "# Tasks: Search\n\n## Phase 1\n\n- [x] T001 Index\n- [ ] T002 Query\n- [ ] T003 Rank\n- [ ] T004 Page\n"
TODO = "# TODO\n\n- [x] Write the README\n"


@pytest.fixture
def folder(tmp_path: Path, phased: Path) -> Path:
    """Four plans: plan.md 1/5, specs/001-search 1/4, specs/002-日本語 2/3, TODO.md 1/1."""
    for rel, text in (("specs/001-search/tasks.md", SEARCH), ("specs/002-日本語/tasks.md", CJK), ("TODO.md", TODO)):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def plans(folder: Path) -> list[Path]:
    """In a discovery order that is not the path order."""
    return [folder / "TODO.md", folder / "specs/002-日本語/tasks.md", folder / "plan.md", folder / "specs/001-search/tasks.md"]


async def loaded_table(pilot, count: int = 4):
    from plantui.ui.widgets.overview import PlanTable

    table = pilot.app.screen.query_one(PlanTable)
    await wait_for(pilot, lambda: table.loads >= count, what="every row")
    await pilot.pause()
    return table


def title_line(app) -> str:
    return str(app.screen.query_one("#overview-title").render())


async def test_overview_moves_with_j_and_k(folder: Path, monkeypatch):
    monkeypatch.chdir(folder)
    app = app_for(*plans(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await loaded_table(pilot)
        assert table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1


async def test_help_in_the_overview_shows_the_overviews_keys(folder: Path):
    from plantui.ui.screens import HelpScreen

    app = app_for(*plans(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded_table(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help Static").render())
        assert "Sort by path, progress or last change" in text
        assert "Tick" not in text  # not the dashboard's keys


async def test_rows_are_sorted_by_path_and_o_cycles_the_order(folder: Path, monkeypatch):
    monkeypatch.chdir(folder)
    app = app_for(*plans(folder))
    async with app.run_test(size=(120, 35)) as pilot:
        table = await loaded_table(pilot)
        by_path = ["plan.md", "specs/001-search/tasks.md", "specs/002-日本語/tasks.md", "TODO.md"]
        assert [str(p.relative_to(folder)) for p in table.paths] == by_path
        assert "by path" in title_line(app)
        await pilot.press("o")
        assert "by progress" in title_line(app)
        assert [p.name if p.name != "tasks.md" else p.parent.name for p in table.paths] == \
            ["plan.md", "001-search", "002-日本語", "TODO.md"]  # 20 %, 25 %, 66 %, 100 %
        assert [row.value for row in table.rows] == [str(p) for p in table.paths]  # the rows follow
        os.utime(folder / "TODO.md", (NOW.timestamp(), NOW.timestamp()))
        os.utime(folder / "plan.md", (NOW.timestamp() - 3600, NOW.timestamp() - 3600))
        await pilot.press("o")
        assert "by last change" in title_line(app)
        await pilot.press("o")
        assert "by path" in title_line(app)


@pytest.mark.parametrize("size", [(80, 24), (40, 12), (120, 35)])
async def test_overview_columns_fit_the_screen_in_cells(folder: Path, monkeypatch, size):
    monkeypatch.chdir(folder)
    app = app_for(*plans(folder))
    term = Terminal(app, *size)
    async with app.run_test(size=size) as pilot:
        await loaded_table(pilot)
        await pilot.pause(0.1)
        lines = term.text.splitlines()
        rows = {name: next((line for line in lines if name in line), None)
                for name in ("Garden", "Search", "計画", "TODO")}
        assert all(rows.values()), lines
        for name, percent in (("Garden", "20%"), ("Search", "25%"), ("計画", "66%"), ("TODO", "100%")):
            assert percent in rows[name], (name, lines)  # the progress shows, at any width
        for line in lines:
            assert cell_len(line.rstrip()) <= size[0]
        if size[0] >= 80:
            header = next(line for line in lines if "Plan" in line and "Progress" in line)
            assert "Done" in header and "Changed" in header
            assert "2/3" in rows["計画"]
        if size[0] >= 120:
            assert "Path" in header


# -- 13. new plans --------------------------------------------------------------------


async def test_a_plan_made_while_the_overview_is_open_gets_a_row(folder: Path):
    app = PlantuiApp(plans(folder), live=True, folders=[folder], clock=lambda: NOW)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await loaded_table(pilot)
        new = folder / "specs" / "003-export" / "tasks.md"
        new.parent.mkdir(parents=True)
        new.write_text("# Tasks: Export\n\n- [x] T1 CSV\n- [ ] T2 JSON\n", encoding="utf-8")
        await wait_for(pilot, lambda: str(new) in [row.value for row in table.rows], what="the new row")
        await wait_for(pilot, lambda: "1/2" in str(table.get_cell(str(new), "done")), what="its progress")
        assert "5 plans" in title_line(app)
        (folder / "TODO.md").unlink()  # a plan deleted keeps its row, saying so
        await wait_for(pilot, lambda: "deleted" in str(table.get_cell(str(folder / "TODO.md"), "bar")),
                       what="the deleted row")


# -- watch scrolls ----------------------------------------------------------------------


async def test_watch_scrolls_the_phases_with_j_k_and_arrows(tmp_path: Path):
    from plantui.ui.widgets.compact import PhaseLines

    path = tmp_path / "plan.md"
    path.write_text("# Plan: Many phases\n\n" + "".join(
        f"## Phase {n}: Step {n}\n\n- [{'x' if n < 3 else ' '}] {n}.1 Do step {n}\n\n" for n in range(1, 15)),
        encoding="utf-8")
    app = app_for(path, mode="watch")
    term = Terminal(app, 40, 12)
    async with app.run_test(size=(40, 12)) as pilot:
        phases = app.screen.query_one(PhaseLines)
        await wait_for(pilot, lambda: "more below" in term.text, what="the phases")
        first = phases.start()
        assert "Phase 3: Step 3" in term.text and "Phase 10: Step 10" not in term.text
        await pilot.press("j", "j", "down")
        await pilot.pause()
        assert phases.start() == first + 3
        await wait_for(pilot, lambda: "Phase 6: Step 6" in term.text and "Phase 3: Step 3" not in term.text,
                       what="the phases scrolled")
        await pilot.press("k", "up")
        await pilot.pause()
        assert phases.start() == first + 1
        for _ in range(20):
            await pilot.press("j")
        await wait_for(pilot, lambda: "Phase 14: Step 14" in term.text, what="the last phase")
        assert "more below" not in term.text


def test_the_folder_watcher_looks_only_where_new_plans_can_be(tmp_path: Path):
    from watchdog.events import DirCreatedEvent, FileClosedEvent, FileCreatedEvent, FileModifiedEvent, FileMovedEvent

    from plantui.watcher import FolderWatcher

    known = str(tmp_path / "plan.md")
    watcher = FolderWatcher(tmp_path, lambda kind: None, known=lambda p: p == known)
    scheduled = []
    watcher._schedule = scheduled.append  # what it would report, without its timers
    quiet = [
        FileCreatedEvent(str(tmp_path / "notes.txt")),
        FileModifiedEvent(known),
        FileClosedEvent(known),
        FileCreatedEvent(str(tmp_path / ".git" / "objects" / "ab" / "cd.md")),
        DirCreatedEvent(str(tmp_path / "node_modules" / "x")),
    ]
    for event in quiet:
        watcher.on_any_event(event)
    assert scheduled == []
    for event in (FileCreatedEvent(str(tmp_path / "specs" / "002" / "tasks.md")),
                  FileClosedEvent(str(tmp_path / "TODO.md")),  # written, not shown yet
                  FileMovedEvent(str(tmp_path / ".tasks.md.swp"), str(tmp_path / "tasks.md")),
                  DirCreatedEvent(str(tmp_path / "specs" / "003"))):
        watcher.on_any_event(event)
    assert len(scheduled) == 4
