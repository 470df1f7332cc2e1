"""The defects session 7's closing note named: the detail pane that stayed beside the
tree when the window grew too narrow for it, one vocabulary of status words, the
fields worked out again after a tick of any reader's plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilot import app_for, loaded
from ui_plan import NOW

from plantui import actions
from plantui.lines import Lines
from plantui.status_words import status_of_cell
from plantui.model import State
from plantui.parser import build_plan
from plantui.snapshot import read
from plantui.ui.widgets.side_panel import SidePanel
from plantui.ui.widgets.task_detail import DetailScreen, TaskDetail

# -- 1: the detail pane gives way when the window narrows ----------------------


async def detail_beside(pilot):
    """The dashboard, once d has opened the task detail beside the tree."""
    dash = await loaded(pilot)
    await pilot.press("d")
    await pilot.pause()
    assert dash.has_class("-detail") and dash.query_one(TaskDetail).display
    return dash


async def test_the_detail_beside_the_tree_closes_when_the_window_narrows(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await detail_beside(pilot)
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
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await detail_beside(pilot)
        dash.query_one(TaskDetail).focus()
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.focused is dash.tree


# -- 2: one vocabulary of status words -------------------------------------------

TABLE = """\
# Plan

| Task | Status |
| --- | --- |
| Write the parser | ✅ Done |
| Check the schema | In review |
| Drop the old API | Cancelled |
| Port the CLI | ❌ |
| Add a cache | Not yet started |
| Time the reads | On hold |
"""


def test_a_status_cell_and_a_task_row_read_the_same_words():
    plan = build_plan(Lines.of(TABLE))
    said = [(it.text, it.state) for it in plan.items]
    assert said == [
        ("Write the parser", State.DONE),
        ("Check the schema", State.IN_PROGRESS),  # "review": in progress (was no status at all)
        ("Drop the old API", State.SKIPPED),  # "cancelled": skipped (the row said other)
        ("Port the CLI", State.OPEN),  # ❌ alone: not done, open (the row said other)
        ("Add a cache", State.OPEN),
        ("Time the reads", State.OTHER),
    ]
    assert [r.state for r in plan.status_rows] == [state for _, state in said]


@pytest.mark.parametrize("words, state", [
    (("❌", "❌ Not done", "Open", "not yet started", "Not completed", "to-do"), State.OPEN),
    (("In review", "review", "Doing", "in_progress"), State.IN_PROGRESS),
    (("Resolved", "✅ Completed", "Done, pending review"), State.DONE),
    (("Cancelled", "canceled", "Deferred", "Dropped", "Skipped"), State.SKIPPED),
    (("On hold", "Blocked", "Failed"), State.OTHER),
])
def test_the_words_that_changed(words, state):
    for word in words:
        assert status_of_cell(word) is state, word


def test_a_status_of_two_words_may_be_spaced_any_way():
    for cell in ("Not  started", "Not\u00a0started", "In  Progress", "on\u00a0hold", "To Do"):
        assert status_of_cell(cell) is not None, cell
    assert status_of_cell("Not\u00a0started") is State.OPEN and status_of_cell("In  Progress") is State.IN_PROGRESS


def test_a_word_inside_a_hyphenated_name_says_no_status():
    assert status_of_cell("Tab auto-complete") is None


NO_STATUS_COLUMN = """\
# Release notes

| Area | Owner | Note |
|------|-------|------|
| Logging | Ana | Review error logs |
| Sharing | Ben | Open Graph tags |
| Billing | Cy | ✅ Done |
| Search | Di | **Pending** |
| Export | Eve | DONE ✅ |
| Audit | Fay | ⚠️ Partial |
| Logs | Gus | ✅ Review error logs |
| Queue | Hal | ⏳ Pending |
| Notes | Ida | Done (2024-01-05) |
"""


def test_without_a_status_column_only_a_cell_that_is_a_status_says_one():
    """A table with no Status column: "Review error logs" names work to do, it says no state."""
    plan = build_plan(Lines.of(NO_STATUS_COLUMN))
    assert [(r.label, r.status, r.state) for r in plan.status_rows] == [
        ("Billing", "✅ Done", State.DONE), ("Search", "Pending", State.OPEN), ("Export", "DONE ✅", State.DONE),
        ("Audit", "⚠️ Partial", State.IN_PROGRESS), ("Logs", "✅ Review error logs", State.DONE),
        ("Queue", "⏳ Pending", State.OPEN), ("Notes", "Done (2024-01-05)", State.DONE)]


HEADINGS = """\
# Tasks

## Phase 1: Storage

### T001: Create the table

**Status:** Not completed

### T002: Import the cards

**Status:** Not yet started

### T003: Check the import

**Status:** Review
"""


def test_a_status_line_reads_the_same_words_as_a_cell():
    plan = build_plan(Lines.of(HEADINGS))
    assert [(it.id, it.state) for it in plan.items] == [
        ("T001", State.OPEN),  # "Not completed" is open, not the "completed" inside it
        ("T002", State.OPEN),
        ("T003", State.IN_PROGRESS),
    ]
    assert [status_of_cell(w) for w in ("Not completed", "Not yet started", "Review")] == [
        it.state for it in plan.items]


# -- 3: every reader's plan has its fields worked out from its own reading --------

CURSOR = """\
---
name: Cache the catalogue
overview: Keep the catalogue in Redis between reads.
todos:
  - id: client
    content: Connect to Redis
    status: completed
  - id: reads
    content: Serve reads from Redis first
    status: pending
  - id: expiry
    content: Expire old entries
    status: pending
---

# Cache the catalogue

**Progress:** 1/3 tasks (33%)
**Last Updated:** 2026-01-01

Notes on the cache.
"""


def test_a_todo_tick_brings_a_cursor_plans_progress_line_up_to_date(tmp_path: Path):
    # The body's Progress line counts the plan's tasks, the todos (`plantui sync` writes it
    # so): a tick of a todo brings it up to date as a tick of a box does.
    path = tmp_path / ".cursor" / "plans" / "cache_1a2b3c4d.plan.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(CURSOR.replace("\n", "\r\n").encode())
    result = actions.mark(path, ["reads"], None, now=NOW)
    assert result.changed == ("✓ reads Serve reads from Redis first", "Progress: 2/3 tasks (66%)", "Last Updated: 2026-01-05")
    assert path.read_bytes() == (CURSOR.replace("status: pending\n  - id: expiry", "status: completed\n  - id: expiry")
                                 .replace("1/3 tasks (33%)", "2/3 tasks (66%)").replace("2026-01-01", "2026-01-05")
                                 .replace("\n", "\r\n").encode())


EXECPLAN = """\
# Search the catalogue

**Status:** Complete

## Progress

- [x] Index the documents (completed: the schema; remaining: the loader).
"""


def test_an_execplans_status_follows_its_own_reading_after_a_mark(tmp_path: Path):
    # An unticked step that says it is partly done is in progress for an ExecPlan: the
    # plan is in progress (a Markdown reading of the same text says not started).
    path = tmp_path / ".agent" / "plans" / "search.md"
    path.parent.mkdir(parents=True)
    path.write_text(EXECPLAN, encoding="utf-8")
    result = actions.mark(path, [7], " ", now=NOW)
    assert result.changed == ("○ Index the documents (completed: the schema; remaining: the loader).",
                              "Status: In Progress")
    assert path.read_text(encoding="utf-8") == EXECPLAN.replace("[x]", "[ ]").replace("Complete", "In Progress")
    assert read(path).plan.items[0].state is State.IN_PROGRESS
