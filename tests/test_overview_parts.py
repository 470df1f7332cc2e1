"""The overview of a file that keeps several Codex ExecPlans (issue #15): a row per plan, each with its
own counts, followed live, enter opening the file on that plan's heading; and ``plantui claude``'s
overview, newest first."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pilot import loaded, wait_for
from test_claude_store import FIXTURE as CLAUDE_FIXTURE
from test_claude_store import SESSION, make_project
from test_first_hour_overview import NOW

from plantui import cli
from plantui.ui import app as app_module
from plantui.ui.app import PlantuiApp
from plantui.ui.screens import DashboardScreen, OverviewScreen
from plantui.ui.widgets.overview import PlanTable

SEVERAL = """\
# EP-20260311-search Add search

## Progress

- [x] (2026-03-11 10:00Z) Build the index
- [ ] Query API

# EP-20260312-export Export to CSV

## Progress

- [ ] CSV writer
- [ ] JSON writer
- [ ] Download button

# EP-20260313-login Login page

## Progress

- [x] Form
- [x] Tests
"""
ONE = "# EP-20260314-solo Alone\n\n## Progress\n\n- [ ] (2026-03-14 09:00Z) First step\n- [ ] Second step\n"
PARTS = ("EP-20260311-search", "EP-20260312-export", "EP-20260313-login")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    (root / ".agent" / "plans").mkdir(parents=True)
    (root / ".agent" / "PLANS.md").write_text(SEVERAL, encoding="utf-8")
    (root / ".agent" / "plans" / "solo.md").write_text(ONE, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def plans(root: Path) -> list[Path]:
    return [root / ".agent" / "PLANS.md", root / ".agent" / "plans" / "solo.md"]


async def table_of(pilot, loads: int) -> PlanTable:
    table = pilot.app.screen.query_one(PlanTable)
    await wait_for(pilot, lambda: table.loads >= loads, what="every plan read")
    await pilot.pause()
    return table


def cell(table: PlanTable, key: str, column: str) -> str:
    return str(table.get_cell(key, column)).strip()


async def test_each_plan_of_the_file_is_a_row_with_its_own_counts(project: Path):
    several, solo = plans(project)
    app = PlantuiApp(plans(project), live=False, clock=lambda: NOW)
    async with app.run_test(size=(150, 30)) as pilot:
        table = await table_of(pilot, 2)
        names = [f"{several}#{p}" for p in PARTS]
        assert [r.value for r in table.rows] == [*names, str(solo)]  # the file of one plan: one row
        assert [cell(table, k, "done") for k in names] == ["1/2", "0/3", "2/2"]
        assert cell(table, str(solo), "done") == "0/2"
        assert [cell(table, k, "plan") for k in names] == ["Add search", "Export to CSV", "Login page"]
        assert cell(table, str(solo), "plan") == "EP-20260314-solo Alone"  # one plan: the file's title
        assert [cell(table, k, "next") for k in names] == ["Query API", "CSV writer", ""]
        assert "Plans  4 plans" in str(app.screen.query_one("#overview-title").render())
        table.move_cursor(row=1)
        await pilot.pause()
        said = str(app.screen.query_one("#overview-detail").render())
        assert "PLANS.md#EP-20260312-export" in said and "next: CSV writer" in said
        assert table.selected_path == several and table.selected_part.title == "EP-20260312-export Export to CSV"


async def test_progress_order_sorts_the_plans_of_a_file_among_the_others(project: Path):
    several, solo = plans(project)
    app = PlantuiApp(plans(project), live=False, clock=lambda: NOW)
    async with app.run_test(size=(150, 30)) as pilot:
        table = await table_of(pilot, 2)
        await pilot.press("o")  # by progress
        await pilot.pause()
        assert [r.value for r in table.rows] == [f"{several}#{PARTS[1]}", str(solo), f"{several}#{PARTS[0]}",
                                                 f"{several}#{PARTS[2]}"]


async def test_a_rewrite_of_one_plan_changes_only_its_row(project: Path):
    several, _solo = plans(project)
    app = PlantuiApp(plans(project), live=True, clock=lambda: NOW)
    async with app.run_test(size=(150, 30)) as pilot:
        table = await table_of(pilot, 2)
        names = [f"{several}#{p}" for p in PARTS]
        before = {k: [cell(table, k, c) for c in ("plan", "bar", "done", "next")] for k in names}
        loads = table.loads
        text = SEVERAL.replace("- [ ] CSV writer", "- [x] CSV writer")
        tmp = several.with_name("PLANS.md.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, several)  # as an agent saves: whole, atomically
        await wait_for(pilot, lambda: table.loads > loads and cell(table, names[1], "done") == "1/3",
                       what="the export plan's row")
        await pilot.pause()
        assert cell(table, names[1], "next") == "JSON writer" and "33%" in cell(table, names[1], "bar")
        for k in (names[0], names[2]):
            assert [cell(table, k, c) for c in ("plan", "bar", "done", "next")] == before[k]
        assert [r.value for r in table.rows][:3] == names


async def test_enter_on_a_plan_opens_the_file_on_its_heading(project: Path):
    several, solo = plans(project)
    app = PlantuiApp(plans(project), live=False, clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await table_of(pilot, 2)
        table.move_cursor(row=2)  # the login plan
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and app.screen.path == several
        dash = await loaded(pilot)
        assert dash.tree.cursor_key == ("s", 1, "EP-20260313-login Login page", 1)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        table.move_cursor(row=3)  # the file of one plan: on its next task, as ever
        await pilot.pause()
        await pilot.press("enter")
        dash = await loaded(pilot)
        assert app.screen.path == solo and dash.tree.cursor_key == dash.plan_layout.focus


def _aged(root: Path, names_and_ages: dict[str, int]) -> list[Path]:
    """Plans named by the keys, last changed that many seconds before now."""
    now = NOW.timestamp()
    out = []
    for name, age in names_and_ages.items():
        path = root / name
        path.write_text(f"# {name}\n\n- [ ] A step of {name}\n", encoding="utf-8")
        os.utime(path, (now - age, now - age))
        out.append(path)
    return out


async def test_last_change_order_shows_the_newest_first_from_the_start(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old, newest, middle = _aged(tmp_path, {"a-old.md": 86400 * 3, "b-newest.md": 60, "c-middle.md": 3600})
    app = PlantuiApp([old, newest, middle], live=False, clock=lambda: NOW, order="last change")
    async with app.run_test(size=(80, 24)) as pilot:
        table = pilot.app.screen.query_one(PlanTable)
        await pilot.pause()
        assert [r.value for r in table.rows] == [str(newest), str(middle), str(old)]  # before any is read
        table = await table_of(pilot, 3)
        assert [r.value for r in table.rows] == [str(newest), str(middle), str(old)]
        assert table.selected_path == newest and table.order == "last change"
        assert "by last change" in str(app.screen.query_one("#overview-title").render())
        assert [cell(table, str(p), "changed") for p in (newest, middle, old)] == ["1 min ago", "1 h ago",
                                                                                   "3 days ago"]
    with pytest.raises(ValueError):
        PlantuiApp([old, newest], order="newest")


def test_plantui_claude_opens_its_overview_newest_first(tmp_path: Path, monkeypatch):
    config = tmp_path / "claude"
    shutil.copytree(CLAUDE_FIXTURE, config)
    project = make_project(tmp_path, config, [SESSION, "list-a"])
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    seen = {}

    def run(paths, **options):
        seen.update(options, paths=paths)
        return 0

    monkeypatch.setattr(app_module, "run", run)
    assert cli.main(["claude", str(project)]) == 0
    assert seen["order"] == "last change" and len(seen["paths"]) == 2
