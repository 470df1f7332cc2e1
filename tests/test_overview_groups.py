"""The overview of a mixed project (issue #15): plans grouped by tool and feature, archived ones apart
and folded, each plan's tool, phase and next task told, live, and plans made while it is open found."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rich.cells import cell_len

from pilot import wait_for
from test_first_hour_overview import NOW, Terminal

from plantui.discover import plans_in
from plantui.ui.app import PlantuiApp
from plantui.ui.widgets.overview import PlanTable

AUTH = "# Tasks: User auth\n\n## Phase 1: Setup\n\n- [x] T001 Create project\n\n## Phase 2: Core\n\n" \
       "- [x] T002 Login form\n- [ ] T003 Session store\n"
SEARCH = "# Tasks: Search\n\n## Phase 1: Index\n\n- [ ] T001 Build the index\n- [ ] T002 Query API\n"
BILLING = "# Implementation Plan\n\n- [x] 1. Billing models\n- [ ] 2. Stripe webhook\n"
EXPORT = "## 1. Export\n\n- [x] 1.1 CSV writer\n- [ ] 1.2 JSON writer\n"
LOGIN = "## 1. Login\n\n- [x] 1.1 Form\n- [x] 1.2 Tests\n"
TREE = {
    "specs/001-user-auth/tasks.md": AUTH,
    "specs/002-search/tasks.md": SEARCH,
    ".kiro/specs/billing/tasks.md": BILLING,
    "openspec/changes/add-export/tasks.md": EXPORT,
    "openspec/changes/archive/2025-01-10-add-login/tasks.md": LOGIN,
}


@pytest.fixture
def mixed(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    for rel, text in TREE.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def app_on(root: Path, live: bool = False) -> PlantuiApp:
    return PlantuiApp(plans_in(root), live=live, folders=[root] if live else None, clock=lambda: NOW)


async def loaded_table(pilot, count: int) -> PlanTable:
    table = pilot.app.screen.query_one(PlanTable)
    await wait_for(pilot, lambda: table.loads >= count, what="every row")
    await pilot.pause()
    return table


def keys(table: PlanTable, root: Path) -> list[str]:
    """The rows: a group's header by its key, a plan by its path from ``root``."""
    return [k if k.startswith("group:") else Path(k).relative_to(root).as_posix() for k in (r.value for r in table.rows)]


def detail(app) -> str:
    return str(app.screen.query_one("#overview-detail").render())


async def test_plans_are_grouped_by_tool_and_archived_ones_folded_apart(mixed: Path):
    app = app_on(mixed)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await loaded_table(pilot, 5)
        assert table.grouped
        assert keys(table, mixed) == [
            "group:speckit", "specs/001-user-auth/tasks.md", "specs/002-search/tasks.md",
            "group:kiro", ".kiro/specs/billing/tasks.md",
            "group:openspec", "openspec/changes/add-export/tasks.md",
            "group:archived",  # folded: its plan has no row
        ]
        assert str(table.get_cell("group:speckit", "plan")).strip() == "▾ Spec Kit (2)"
        assert "2/5" in str(table.get_cell("group:speckit", "done"))  # the group's plans summed
        assert str(table.get_cell("group:archived", "plan")).strip() == "▸ Archived (1)"
        assert "billing: Implementation Plan" in str(table.get_cell(str(mixed / ".kiro/specs/billing/tasks.md"), "plan"))
        # the cursor starts on the first plan, told in full under the table
        assert table.selected_path == mixed / "specs/001-user-auth/tasks.md"
        assert detail(app) == "Spec Kit · 001-user-auth · Phase 2: Core · next: T003 Session store · changed " + \
            detail(app).rsplit("changed ", 1)[1]
        for _ in range(6):
            await pilot.press("j")
        assert table.selected_path is None and "Archived · 1 plan · enter unfolds" in detail(app)
        await pilot.press("enter")  # unfolds
        assert keys(table, mixed)[-2:] == ["group:archived", "openspec/changes/archive/2025-01-10-add-login/tasks.md"]
        assert str(table.get_cell("group:archived", "plan")).strip() == "▾ Archived (1)"
        await pilot.press("j")
        assert "OpenSpec · 2025-01-10-add-login · archived" in detail(app)
        await pilot.press("k", "enter")  # folds again
        assert keys(table, mixed)[-1] == "group:archived"


async def test_the_tool_phase_and_next_task_columns_show_on_a_wide_screen(mixed: Path):
    app = app_on(mixed)
    async with app.run_test(size=(160, 30)) as pilot:
        table = await loaded_table(pilot, 5)
        auth = str(mixed / "specs/001-user-auth/tasks.md")
        assert str(table.get_cell(auth, "next")) == "T003 Session store"
        assert str(table.get_cell(auth, "phase")) == "Phase 2: Core"
        assert "tool" not in [c.value for c in table.columns]  # grouped: the headers say it


async def test_a_single_tools_plans_are_one_list_with_a_tool_column(tmp_path: Path, monkeypatch):
    for rel, text in (("specs/001-a/tasks.md", AUTH), ("TODO.md", "# TODO\n\n- [ ] one\n")):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = app_on(tmp_path)
    async with app.run_test(size=(160, 30)) as pilot:
        table = await loaded_table(pilot, 2)
        assert not table.grouped
        assert keys(table, tmp_path) == ["specs/001-a/tasks.md", "TODO.md"]
        assert str(table.get_cell(str(tmp_path / "TODO.md"), "tool")) == "Markdown"
        assert str(table.get_cell(str(tmp_path / "specs/001-a/tasks.md"), "tool")) == "Spec Kit"


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (120, 35)])
async def test_the_grouped_overview_fits_the_screen(mixed: Path, size):
    app = app_on(mixed)
    term = Terminal(app, *size)
    async with app.run_test(size=size) as pilot:
        await loaded_table(pilot, 5)
        await pilot.pause(0.1)
        lines = term.text.splitlines()
        assert any("▾ Spec Kit (2)" in line for line in lines), lines
        assert any("Spec Kit · 001-user-auth" in line for line in lines), lines  # the detail line
        for line in lines:
            assert cell_len(line.rstrip()) <= size[0]


async def test_a_row_and_its_group_follow_a_rewrite(mixed: Path):
    app = app_on(mixed, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await loaded_table(pilot, 5)
        search = mixed / "specs/002-search/tasks.md"
        tmp = search.with_name(".tasks.md.swp")
        tmp.write_text(SEARCH.replace("- [ ] T001", "- [x] T001"), encoding="utf-8")
        os.replace(tmp, search)  # an atomic save
        await wait_for(pilot, lambda: "1/2" in str(table.get_cell(str(search), "done")), what="the row")
        assert "3/5" in str(table.get_cell("group:speckit", "done"))


async def test_plans_made_while_open_join_their_groups(mixed: Path):
    (mixed / ".taskmaster/tasks").mkdir(parents=True)  # there already: only the file is new
    app = app_on(mixed, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await loaded_table(pilot, 5)
        tm = mixed / ".taskmaster/tasks/tasks.json"
        tm.write_text(json.dumps({"master": {"tasks": []}}), encoding="utf-8")
        await wait_for(pilot, lambda: "group:taskmaster" in keys(table, mixed), what="the Task Master group")
        cursor = mixed / ".cursor/plans/dark-mode_1a2b3c4d.plan.md"
        cursor.parent.mkdir(parents=True)
        cursor.write_text("---\nname: Dark mode\n---\n\n# Dark mode\n\n- [x] Palette\n- [ ] Toggle\n", encoding="utf-8")
        await wait_for(pilot, lambda: "group:cursor" in keys(table, mixed), what="the Cursor group")
        assert keys(table, mixed)[keys(table, mixed).index("group:cursor") + 1] == cursor.relative_to(mixed).as_posix()
        archived = mixed / "openspec/changes/archive/2025-02-01-add-export/tasks.md"
        archived.parent.mkdir(parents=True)
        archived.write_text(EXPORT, encoding="utf-8")
        await wait_for(pilot, lambda: archived in table.paths, what="the archived plan")
        assert str(archived) not in [r.value for r in table.rows]  # in the folded group
        assert str(table.get_cell("group:archived", "plan")).strip() == "▸ Archived (2)"


def test_the_folder_watcher_sees_a_task_master_store_written():
    from watchdog.events import FileClosedEvent, FileCreatedEvent

    from plantui.watcher import FolderWatcher

    watcher = FolderWatcher("/p", lambda kind: None)
    scheduled = []
    watcher._schedule = scheduled.append  # what it would report, without its timers
    watcher.on_any_event(FileCreatedEvent("/p/.taskmaster/tasks/tasks.json"))
    watcher.on_any_event(FileClosedEvent("/p/.taskmaster/tasks/tasks.json"))
    watcher.on_any_event(FileCreatedEvent("/p/package.json"))  # no plan
    assert len(scheduled) == 2


async def test_archived_plans_named_alone_are_shown_unfolded(mixed: Path):
    second = mixed / "openspec/changes/archive/2025-02-01-add-y/tasks.md"
    second.parent.mkdir(parents=True)
    second.write_text(LOGIN, encoding="utf-8")
    app = app_on(mixed / "openspec/changes/archive")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await loaded_table(pilot, 2)
        assert keys(table, mixed) == ["group:archived", "openspec/changes/archive/2025-01-10-add-login/tasks.md",
                                      "openspec/changes/archive/2025-02-01-add-y/tasks.md"]


async def test_o_sorts_within_each_group_and_enter_folds_a_tools_group(mixed: Path):
    app = app_on(mixed)
    async with app.run_test(size=(120, 35)) as pilot:
        table = await loaded_table(pilot, 5)
        await pilot.press("o")  # by progress: 002-search (0 %) before 001-user-auth (66 %), in their group
        assert keys(table, mixed)[:3] == ["group:speckit", "specs/002-search/tasks.md", "specs/001-user-auth/tasks.md"]
        assert keys(table, mixed)[-1] == "group:archived"  # archived ones stay apart in every order
        await pilot.press("k", "k", "enter")  # the cursor follows 001-user-auth, now second: up to the header
        assert keys(table, mixed)[:2] == ["group:speckit", "group:kiro"]
        assert str(table.get_cell("group:speckit", "plan")).strip() == "▸ Spec Kit (2)"
        assert "Spec Kit · 2 plans · enter unfolds" in detail(app)


async def test_archived_plans_of_another_tool_leave_one_list(tmp_path: Path, monkeypatch):
    for rel, text in (("specs/001-a/tasks.md", AUTH), ("specs/002-b/tasks.md", SEARCH),
                      ("openspec/changes/archive/2025-01-10-add-login/tasks.md", LOGIN)):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = app_on(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await loaded_table(pilot, 3)
        assert not table.grouped
        assert keys(table, tmp_path) == ["specs/001-a/tasks.md", "specs/002-b/tasks.md", "group:archived"]
        assert table.cursor_row == 0
