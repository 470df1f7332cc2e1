"""What the user sees of issue #14/#15's leftovers: a task that waits says so on its
row and in its detail; a drift plantui leaves as written is said as such (sync, the
side panel, the header); a Cursor plan's overview shows in the side panel; the command
palette opens each plan of a file that keeps several."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.style import Style

from pilot import header_row, loaded, wait_for

from plantui.cli import main
from plantui.progress import summarize
from plantui.snapshot import read
from plantui.ui.app import PlantuiApp
from plantui.ui.detail import detail_lines, task_detail
from plantui.ui.tree_model import build
from plantui.ui.panel_model import OVERVIEW_CHARS, crop, panel_look
from plantui.ui.screens import DashboardScreen, OverviewScreen
from plantui.ui.widgets.overview import PlanTable

CURSOR = """\
---
name: Rate limits
overview: Limit each API key to a number of calls a minute, and tell callers when they are over it, with the time to wait before they try again; the limits live in the settings so that operators can raise them for one customer without a deploy.
todos:
  - id: counter
    content: Count calls per key
    status: in_progress
  - id: refuse
    content: Refuse calls over the limit with a 429
    status: pending
    dependencies: [counter]
  - id: docs
    content: Document the limits
    status: pending
isProject: false
---

# Rate limits

Context only.
"""

TASKMASTER = {"master": {"tasks": [
    {"id": 1, "title": "Schema", "status": "in-progress", "dependencies": [],
     "subtasks": [{"id": 1, "title": "Tables", "status": "pending", "dependencies": []}]},
    {"id": 2, "title": "Reports", "status": "pending", "dependencies": [1],
     "subtasks": [{"id": 1, "title": "Monthly report", "status": "pending", "dependencies": []}]},
    {"id": 3, "title": "Exports", "status": "pending", "dependencies": []},
]}}

MARKDOWN_BLOCKED = """\
# Plan

## Phase 1: Base

- [ ] 1.1 Lay the base

## Phase 2: Walls

**Depends on**: Phase 1

- [ ] 2.1 Raise the walls
"""

BREAKDOWN = """\
# Plan

**Total Tasks**: 5 (Backend: 3 + Frontend: 2) = 5

## Tasks

- [x] One
- [ ] Two
- [ ] Three
"""

SEVERAL = """\
# EP-20260401-search: Add search

## Progress

- [x] (2026-04-01 10:00Z) Build the index
- [ ] Query API

# EP-20260402-export: Export to CSV

## Progress

- [ ] CSV writer
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


@pytest.fixture
def cursor(tmp_path: Path) -> Path:
    return write(tmp_path / ".cursor" / "plans" / "rate_limits_1a2b3c4d.plan.md", CURSOR)


@pytest.fixture
def taskmaster(tmp_path: Path) -> Path:
    return write(tmp_path / ".taskmaster" / "tasks" / "tasks.json", json.dumps(TASKMASTER, indent=2) + "\n")


def waiting(path: Path) -> dict[str, bool]:
    """Each item's id: whether its row says it waits."""
    plan = read(path).plan
    layout = build(plan, summarize(plan))
    return {plan.items[layout.key_item[k]].id: n.look.waits for k, n in layout.nodes.items() if n.kind == "item"}


def label(dash, ident: str) -> str:
    key = next(k for k in dash.plan_layout.key_item if dash.plan_layout.item(k).id == ident)
    return dash.tree.render_label(dash.tree.node_for(key), Style(), Style()).plain


# 1. A task that waits


def test_a_cursor_todo_whose_dependencies_are_open_waits(cursor: Path):
    assert waiting(cursor) == {"counter": False, "refuse": True, "docs": False}
    plan = read(cursor).plan
    rows = dict(detail_lines(task_detail(plan, summarize(plan), 1)))
    assert rows["State"] == "○ open  [yaml “pending”]  ⧗ blocked" and rows["Waits for"] == "counter"
    assert "⧗" not in dict(detail_lines(task_detail(plan, summarize(plan), 2)))["State"]


def test_a_task_master_task_that_is_a_blocked_phase_waits_and_so_do_its_subtasks(taskmaster: Path):
    assert waiting(taskmaster) == {"1": False, "1.1": False, "2": True, "2.1": True, "3": False}
    plan = read(taskmaster).plan
    rows = dict(detail_lines(task_detail(plan, summarize(plan), 2)))
    assert rows["State"].endswith("⧗ blocked") and rows["Blocked by"] == "1 Schema"


def test_tasks_under_a_blocked_heading_leave_it_to_the_heading(tmp_path: Path):
    path = write(tmp_path / "plan.md", MARKDOWN_BLOCKED)
    plan = read(path).plan
    assert summarize(plan).phases[1].status == "blocked"
    assert waiting(path) == {"1.1": False, "2.1": False}


async def test_the_row_says_blocked_and_stops_once_the_dependency_is_done(cursor: Path):
    app = PlantuiApp([cursor], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        shown = label(dash, "refuse")
        assert shown.rstrip().endswith("⧗ blocked") and "[blocked]" not in shown
        assert "blocked" not in label(dash, "docs")
        assert dash.plan_layout.item(dash.tree.cursor_key).id == "counter"
        await pilot.press("x")  # counter: completed
        await wait_for(pilot, lambda: "status: completed" in cursor.read_text(), what="the tick")
        await wait_for(pilot, lambda: "blocked" not in label(dash, "refuse"), what="the row redrawn")


async def test_the_row_says_blocked_at_40_columns(taskmaster: Path):
    app = PlantuiApp([taskmaster], live=False)
    async with app.run_test(size=(40, 12)) as pilot:
        dash = await loaded(pilot)
        assert label(dash, "2").rstrip().endswith("⧗ blocked")


# 2. A drift left as written


def test_sync_says_a_breakdown_is_left_as_written(tmp_path: Path, capsys):
    path = write(tmp_path / "plan.md", BREAKDOWN)
    assert main(["sync", str(path)]) == 0
    out = capsys.readouterr().out
    assert "fields already up to date" not in out
    assert out == (f"{path}: nothing written; Total Tasks (line 3) holds more than plantui derives (a hand-written "
                   "breakdown), left as written: it says '5 (Backend: 3 + Frontend: 2) = 5', the boxes say '3'\n")
    assert path.read_text() == BREAKDOWN


def test_sync_that_writes_names_the_field_it_left(tmp_path: Path, capsys):
    path = write(tmp_path / "plan.md", BREAKDOWN.replace("= 5\n", "= 5\n**Progress**: 0/3\n"))
    assert main(["sync", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Progress: 1/3" and "left as written" in lines[1]
    assert "**Total Tasks**: 5 (Backend: 3 + Frontend: 2) = 5\n**Progress**: 1/3\n" in path.read_text()


def test_a_plan_up_to_date_still_says_so(tmp_path: Path, capsys):
    path = write(tmp_path / "plan.md", BREAKDOWN.replace("5 (Backend: 3 + Frontend: 2) = 5", "3"))
    assert main(["sync", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: fields already up to date; nothing written\n"


async def test_the_side_panel_and_the_header_say_left_as_written(tmp_path: Path):
    path = write(tmp_path / "plan.md", BREAKDOWN)
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        fields = str(app.screen.query_one("#fields").render())
        assert "→ 3  drift  left as written" in fields
        drift = header_row(dash, "drift")
        assert drift.endswith("left as written") and "s syncs" not in drift


# 3. The overview of a Cursor plan


def test_a_long_overview_is_cropped_at_a_word():
    text = "word " * 60
    cut = crop(text.strip(), OVERVIEW_CHARS)
    assert len(cut) <= OVERVIEW_CHARS and cut.endswith("word…")
    assert crop("short", OVERVIEW_CHARS) == "short"


def test_the_panel_look_holds_the_overview(cursor: Path):
    plan = read(cursor).plan
    look = panel_look(plan, summarize(plan))
    assert look.overview.startswith("Limit each API key to a number of calls a minute") and look.overview.endswith("…")
    assert panel_look(read(write(cursor.with_name("b.md"), BREAKDOWN)).plan,
                      summarize(read(cursor.with_name("b.md")).plan)).overview == ""


async def test_the_side_panel_shows_the_overview_wrapped(cursor: Path):
    app = PlantuiApp([cursor], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        shown = app.screen.query_one("#panel-overview")
        assert shown.display
        assert "Limit each API key" in str(shown.render())
        assert shown.size.height >= 3  # wrapped to the panel's width, not one cut line


# 4. The palette opens each plan of a several-plan file


async def test_the_palette_opens_each_plan_of_a_several_plan_file(tmp_path: Path):
    several = write(tmp_path / ".agent" / "PLANS.md", SEVERAL)
    todo = write(tmp_path / "TODO.md", BREAKDOWN)
    app = PlantuiApp([several, todo], live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(PlanTable)
        await wait_for(pilot, lambda: table.loads >= 2, what="every plan read")
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen) if c.title.startswith("Open ")}
        assert list(commands) == ["Open PLANS.md", "Open PLANS.md#EP-20260401-search Add search",
                                  "Open PLANS.md#EP-20260402-export Export to CSV", "Open TODO.md"]
        assert "line 8" in commands["Open PLANS.md#EP-20260402-export Export to CSV"].help
        commands["Open PLANS.md#EP-20260402-export Export to CSV"].callback()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert (app.screen.path, app.screen.start_line) == (several, 8)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


def test_a_claude_code_task_blocked_by_an_open_one_waits():
    folder = Path(__file__).parent / "fixtures" / "stores" / "claude" / "tasks" / "list-a"
    assert waiting(folder) == {"1": False, "2": False, "3": True}


def test_a_tick_that_unblocks_a_phase_redraws_the_rows_that_waited(taskmaster: Path):
    """The layout worked out from the last one (one tick on) says the rows no longer wait."""
    from dataclasses import replace

    from plantui.model import State
    from plantui.ui.tree_model import update

    plan = read(taskmaster).plan
    old = build(plan, summarize(plan))
    done = tuple(replace(it, state=State.DONE, marker="done") if it.id in ("1", "1.1") else it for it in plan.items)
    new_plan = plan.with_values(done, plan.fields)  # as a fast reread makes it: the structure shared
    new = update(old, new_plan, summarize(new_plan))
    assert new.base == old.serial  # worked out from the old layout, not built anew
    looks = {new.plan.items[new.key_item[k]].id: n.look for k, n in new.nodes.items() if n.kind == "item"}
    assert not looks["2"].waits and not looks["2.1"].waits
    assert {k: n.look for k, n in new.nodes.items()} == \
           {k: n.look for k, n in build(new_plan, summarize(new_plan)).nodes.items()}
