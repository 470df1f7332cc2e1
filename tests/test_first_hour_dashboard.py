"""Pilot tests of the dashboard defects users met in their first hour."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from pilot import app_for, loaded, wait_for

from plantui.ui.app import PlantuiApp
from plantui.ui.widgets.dashboard import editor_command


def messages(app: PlantuiApp) -> list[str]:
    return [n.message for n in app._notifications]


def fake_suspend(app: PlantuiApp, log: list[str]):
    """Stands for App.suspend, as Textual writes it: the terminal comes back only
    when the block ends normally (no try/finally)."""

    @contextmanager
    def suspend():
        log.append("suspended")
        yield
        log.append("resumed")

    return suspend


# -- 1: an editor that cannot start ----------------------------------------------


async def test_an_editor_that_cannot_start_gives_the_terminal_back_and_says_so(plan: Path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "nonexistent-editor")
    app = app_for(plan)
    log: list[str] = []
    monkeypatch.setattr(app, "suspend", fake_suspend(app, log))
    before = plan.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert log == ["suspended", "resumed"]
        assert any(m.startswith("Could not start nonexistent-editor: ") for m in messages(app))
        assert dash.expect_source is None
    assert plan.read_bytes() == before


@pytest.mark.parametrize("error", [PermissionError(13, "Permission denied"), RuntimeError("boom")])
async def test_any_failure_of_the_editor_gives_the_terminal_back(plan: Path, monkeypatch, error):
    import plantui.ui.widgets.dashboard as dashboard

    def fail(argv):
        raise error

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "vim -u NONE")
    monkeypatch.setattr(dashboard.subprocess, "call", fail)
    app = app_for(plan)
    log: list[str] = []
    monkeypatch.setattr(app, "suspend", fake_suspend(app, log))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert log == ["suspended", "resumed"]
        assert any(m.startswith("Could not start vim: ") for m in messages(app))


async def test_an_editor_that_fails_is_named_and_the_plan_is_read_again(plan: Path, monkeypatch):
    import plantui.ui.widgets.dashboard as dashboard

    calls = []

    def call(argv):
        calls.append(argv)
        return 3

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "code -w")
    monkeypatch.setattr(dashboard.subprocess, "call", call)
    app = app_for(plan)
    log: list[str] = []
    monkeypatch.setattr(app, "suspend", fake_suspend(app, log))
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        loads = dash.loads
        await pilot.press("e")
        await wait_for(pilot, lambda: dash.loads > loads, what="the read after the editor")
        assert log == ["suspended", "resumed"]
        assert calls == [["code", "-w", "--goto", f"{plan}:18"]]
        assert "code exited with status 3" in messages(app)


def test_editor_commands_with_arguments_are_split_like_a_shell():
    p = Path("/tmp/my plan.md")
    assert editor_command("vim -u NONE", p, 7) == ["vim", "-u", "NONE", "+7", str(p)]
    assert editor_command("code -w", p, 7) == ["code", "-w", "--goto", f"{p}:7"]
    assert editor_command("'/opt/my editor/bin/hx'", p, 7) == ["/opt/my editor/bin/hx", f"{p}:7"]


# -- 5: warnings are shown ----------------------------------------------------------

WARNED = """\
# Emoji Plan

**Progress:** 0/4 tasks complete

## Phase 1: Setup

- [✅] **1.1** Create the repository
- [✅] **1.2** Add continuous integration

## Phase 2: Build

- [x] **2.1** Build the parser
  - [ ] **2.1.1** Read headings
  - [x] **2.1.2** Read boxes
- [ ] **2.2** Write the docs
"""


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    path = tmp_path / "warned.md"
    path.write_text(WARNED, encoding="utf-8")
    return path


def pane_title(dash) -> str:
    return str(dash.query_one("#tree-pane").border_title)


async def test_the_warnings_count_shows_and_w_lists_them(warned: Path):
    from plantui.ui.plan_screens import WarningsScreen
    from textual.widgets import OptionList

    app = app_for(warned)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        assert "⚠ 3 warnings" in pane_title(dash)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WarningsScreen)
        box = app.screen.query_one(OptionList)
        rows = [str(box.get_option_at_index(n).prompt) for n in range(box.option_count)]
        assert len(rows) == 3
        assert rows[0].startswith("line  3  Progress says")
        assert rows[1].startswith("line  7  marker [✅]")
        assert rows[2].startswith("line 12  2.1 is ticked but 1 of its 2 subtasks is open")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WarningsScreen)


async def test_choosing_a_warning_moves_the_cursor_to_its_line(warned: Path):
    from plantui.ui.plan_screens import WarningsScreen

    app = app_for(warned)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("w", "down", "down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, WarningsScreen)
        assert dash.tree.cursor_key[0] == "#2.1"
        await pilot.press("w", "down", "enter")  # the marker on line 7: item 1.1
        await pilot.pause()
        assert dash.tree.cursor_key[0] == "#1.1"
        await pilot.press("w", "enter")  # line 3 is above every node: the first one
        await pilot.pause()
        first = dash.plan_layout.roots[0]
        assert dash.tree.cursor_key == first


async def test_the_warnings_count_follows_the_plan(warned: Path):
    app = app_for(warned)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        warned.write_text(WARNED.replace("[✅]", "[x]").replace("0/4 tasks", "5/6 tasks")
                          .replace("- [ ] **2.1.1**", "- [x] **2.1.1**"), encoding="utf-8")
        dash.load("reload")
        await wait_for(pilot, lambda: "⚠" not in pane_title(dash), what="the warnings gone")
        assert pane_title(dash) == "Tasks"
        await pilot.press("w")
        await pilot.pause()
        assert "No warnings: the plan reads cleanly." in messages(app)


async def test_w_is_in_the_help(plan: Path):
    from plantui.ui.keys import DASHBOARD_KEYS

    assert any(k.keys == "w" and k.action == "warnings" for k in DASHBOARD_KEYS)


# -- 16: optional tasks, x on a section -----------------------------------------------

KIRO = """\
# Implementation Plan

- [x] 1. Set up the project
  - [x] 1.1 Create the package
- [ ] 2. Build the store
  - [ ] 2.1 Write the store
  - [ ]* 2.2 Write property tests for the store
- [ ] 3. Checkpoint - Ensure all tests pass
- [ ] 4. Wire the middleware
  - [ ] 4.1 Add the middleware
- [ ] 5. Checkpoint - Ensure all tests pass
"""


@pytest.fixture
def kiro(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.md"
    path.write_text(KIRO, encoding="utf-8")
    return path


def label_of(dash, ident: str):
    from rich.style import Style

    key = next(k for k in dash.plan_layout.key_item if k[0] == "#" + ident)
    node = dash.tree.node_for(key)
    return dash.tree.render_label(node, Style(), Style())


def italic_at(text, offset: int) -> bool:
    return any(span.start <= offset < span.end and getattr(span.style, "italic", False) for span in text.spans)


async def test_optional_tasks_are_marked_in_the_tree(kiro: Path):
    app = app_for(kiro)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        optional, required = label_of(dash, "2.2"), label_of(dash, "2.1")
        assert optional.plain.startswith("○* 2.2 Write property tests")
        assert required.plain.startswith("○ 2.1 Write the store")
        assert italic_at(optional, optional.plain.index("Write"))
        assert not italic_at(required, required.plain.index("Write"))


async def test_x_on_a_section_ticks_nothing_and_says_why(plan: Path):
    app = app_for(plan)
    before = plan.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        section = next(k for k in dash.plan_layout.nodes if k[0] == "s")
        dash.tree.reveal(section)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert any(m.startswith("x ticks a task; this row is a section") for m in messages(app))
        await pilot.press("space")
        await pilot.pause()
    assert plan.read_bytes() == before


# -- 10: checkpoints in the side panel -----------------------------------------------


def test_checkpoints_show_the_count_first_and_their_id(kiro: Path):
    from plantui.parser import parse
    from plantui.progress import summarize
    from plantui.ui.panel_model import panel_look

    plan = parse(KIRO)
    look = panel_look(plan, summarize(plan))
    assert [(ident, title) for ident, title, *_ in look.checkpoints] == [
        ("3", "Checkpoint - Ensure all tests pass"), ("5", "Checkpoint - Ensure all tests pass")]


async def test_the_side_panel_puts_the_checkpoint_count_first(kiro: Path):
    from textual.widgets import Static

    app = app_for(kiro)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        text = str(dash.query_one("#checkpoints", Static).visual).splitlines()
        assert text == ["○ 0/1 pending 3 Checkpoint - Ensure all tests pass",
                        "○ 0/1 pending 5 Checkpoint - Ensure all tests pass"]


# -- 9: the tree gets the room first -------------------------------------------------


def rows(dash) -> dict[str, int]:
    """Rows on screen of the tree, the log and the side panel (0 when hidden)."""
    out = {}
    for name, widget in (("tree", dash.tree), ("log", dash.activity), ("side", dash.query_one("#side"))):
        out[name] = widget.region.height if widget.display and widget.parent.display else 0
    return out


@pytest.mark.parametrize("size, log, side", [((30, 8), False, False), ((40, 12), False, False),
                                              ((80, 24), True, True), ((120, 35), True, True)])
async def test_the_tree_keeps_its_rows_at_small_sizes(plan: Path, size, log, side):
    app = app_for(plan)
    async with app.run_test(size=size) as pilot:
        dash = await loaded(pilot)
        got = rows(dash)
        assert got["tree"] >= 5
        assert (got["log"] > 0) == log
        assert (got["side"] > 0) == side
        if log:
            assert got["tree"] > got["log"]


async def test_the_log_comes_back_when_the_terminal_grows(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        assert rows(dash)["log"] == 7
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        assert rows(dash)["log"] == 0 and rows(dash)["tree"] >= 5
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        got = rows(dash)
        assert got["log"] == 5 and got["tree"] >= 10


async def test_the_side_panel_lists_the_first_warnings(warned: Path):
    from textual.widgets import Static

    app = app_for(warned)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        lines = str(dash.query_one("#panel-warnings", Static).visual).splitlines()
        assert lines[0].startswith("line 3 Progress says")
        assert lines[1].startswith("line 7 marker [✅]")
        assert lines[3] == "w lists them"
        assert dash.query_one("#warnings-title").display


async def test_the_side_panel_says_how_many_more_warnings_w_lists(tmp_path: Path):
    from textual.widgets import Static

    path = tmp_path / "more.md"
    path.write_text(WARNED + "- [?] **2.3** Ask around\n", encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        assert "⚠ 4 warnings" in pane_title(dash)
        lines = str(dash.query_one("#panel-warnings", Static).visual).splitlines()
        assert len(lines) == 4 and lines[-1] == "… 1 more · w lists them"
