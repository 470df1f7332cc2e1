"""What a daily user expects of the dashboard: the task detail, marks, panes and focus,
keys in the help and footer, search, the plan's path, NO_COLOR bars, a remembered theme."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.style import Style

from pilot import app_for, loaded, wait_for
from ui_plan import NOW, PLAN

from plantui import settings as user_settings
from plantui.model import State
from plantui.parser import build_plan
from plantui.progress import summarize
from plantui.lines import Lines
from plantui.ui.detail import detail_lines, task_detail
from plantui.ui.screens import DashboardScreen, HelpScreen
from plantui.ui.widgets.bars import bar
from plantui.ui.widgets.header import PlanHeader, shorten_left
from plantui.ui.widgets.side_panel import SidePanel
from plantui.ui.widgets.task_detail import DetailScreen, TaskDetail

KIRO = """\
# Implementation Plan

## Phase 1: Setup

- [ ] 1. Set up the project structure
  - Create the folders
  - Add the settings file
  - _Requirements: 1.1, 2.3_

## Phase 2: Build

**Depends on:** Phase 1

- [ ] T012 [P] [US1] Write the models
"""


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch) -> Path:
    """Never the user's own ~/.config: each test has its own config folder."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


def key_of(dash, ident: str):
    return next(k for k in dash.plan_layout.key_item if k[0] == "#" + ident)


def line_of(path: Path, ident: str) -> str:
    return next(line for line in path.read_text().splitlines() if f"**{ident}**" in line)


# -- the task detail -----------------------------------------------------------


def test_the_detail_names_everything_the_model_knows():
    plan = build_plan(Lines.of(KIRO))
    summary = summarize(plan, NOW)
    d = task_detail(plan, summary, 0)
    assert d.title == "1 Set up the project structure"
    assert d.details == ("Create the folders", "Add the settings file")
    assert d.requirements == "1.1, 2.3"
    assert (d.line, d.state, d.phase) == (5, "open", "Phase 1: Setup")
    d2 = task_detail(plan, summary, 1)
    assert d2.depends_on == ("Phase 1: Setup",) and d2.blocked_by == ("Phase 1: Setup",)
    rows = dict(detail_lines(d2))
    assert rows["Depends on"] == "Phase 1: Setup" and rows["Line"] == "14"
    assert rows["Tags"] == "[P] [US1]" and rows["Id"] == "T012" and d2.text == "Write the models"


async def test_d_shows_the_detail_beside_the_tree_and_it_follows_the_cursor(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        pane = dash.query_one(TaskDetail)
        assert not pane.display
        await pilot.press("d")
        await pilot.pause()
        assert pane.display and not dash.query_one(SidePanel).display  # in the side panel's place
        assert pane.detail.title == "2.2.2 Reverse a transaction"
        assert "Part of: 2.2 Build the ledger service" in str(pane.query_one("#detail-text").render())
        await pilot.press("k")
        await pilot.pause()
        assert pane.detail.title == "2.2.1 Post a transaction"
        await pilot.press("d")
        await pilot.pause()
        assert not pane.display and dash.query_one(SidePanel).display


async def test_d_opens_the_detail_over_the_tree_where_there_is_no_room(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        shown = app.screen.query_one(TaskDetail)
        assert shown.detail.title == "2.2.2 Reverse a transaction"
        await pilot.press("j")  # moves the tree's cursor underneath
        await pilot.pause()
        assert shown.detail.title == "2.3 Create the database layer"
        assert dash.tree.cursor_key == key_of(dash, "2.3")
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


# -- in progress, skipped, undo ------------------------------------------------


async def test_i_and_minus_mark_the_task_and_undo_takes_them_back(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        assert dash.tree.cursor_key == key_of(dash, "2.2.2")
        await pilot.press("i")
        await wait_for(pilot, lambda: "[/] **2.2.2**" in line_of(plan, "2.2.2"), what="in progress on disk")
        await wait_for(pilot, lambda: dash.plan_layout.item(key_of(dash, "2.2.2")).state is State.IN_PROGRESS)
        await pilot.press("i")  # again: back to open
        await wait_for(pilot, lambda: "[ ] **2.2.2**" in line_of(plan, "2.2.2"), what="open again")
        await pilot.press("minus")
        await wait_for(pilot, lambda: "[~] **2.2.2**" in line_of(plan, "2.2.2"), what="skipped on disk")
        assert "**Progress:** 5/9 tasks complete" in plan.read_text()  # one write: the fields too (skipped: not counted)
        await pilot.press("u")
        await wait_for(pilot, lambda: "[ ] **2.2.2**" in line_of(plan, "2.2.2"), what="the undo of the skip")
        await pilot.press("u")
        await wait_for(pilot, lambda: "[/] **2.2.2**" in line_of(plan, "2.2.2"), what="the undo of the reopen")
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_the_marks_are_the_files_configured_ones(tmp_path: Path):
    (tmp_path / ".plantui.toml").write_text('[markers]\n"/" = "other"\n"s" = "skipped"\n"~" = "other"\n')
    path = tmp_path / "plan.md"
    path.write_text("# P\n\n- [ ] **1** One\n- [ ] **2** Two\n", encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        dash.tree.reveal(key_of(dash, "1"))
        await pilot.press("i")
        await wait_for(pilot, lambda: "- [-] **1** One" in path.read_text(), what="the configured in-progress marker")
        dash.tree.reveal(key_of(dash, "2"))
        await pilot.press("minus")
        await wait_for(pilot, lambda: "- [s] **2** Two" in path.read_text(), what="the configured skipped marker")


# -- panes, focus, keys ----------------------------------------------------------


async def test_p_and_a_hide_and_show_the_side_panel_and_the_activity_log(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        side, log = dash.query_one(SidePanel), dash.activity
        await pilot.press("p", "a")
        await pilot.pause()
        assert not side.display and not log.display
        await pilot.press("p", "a")
        await pilot.pause()
        assert side.display and log.display
        await pilot.press("d", "p")  # the detail stands in the panel's place: p hides that column
        await pilot.pause()
        assert not side.display and not dash.query_one(TaskDetail).display


async def test_tab_moves_the_focus_between_the_panes_and_the_keys_scroll_them(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        for n in range(40):
            dash.log_line(f"line {n}")
        await pilot.pause()
        assert app.focused is dash.tree
        side = dash.query_one(SidePanel)
        before = side.styles.border_top
        await pilot.press("tab")
        assert app.focused is side
        await pilot.pause()
        assert side.styles.border_top != before  # the focused pane shows it
        await pilot.press("tab")
        log = dash.activity
        assert app.focused is log
        await pilot.pause()
        bottom = log.scroll_y
        assert bottom > 0
        await pilot.press("k", "k")
        await pilot.pause()
        assert log.scroll_y == bottom - 2
        await pilot.press("pageup")
        await pilot.pause()
        assert log.scroll_y < bottom - 2
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is dash.tree
        await pilot.press("tab", "tab", "a")  # hiding the focused log gives the focus back to the tree
        await pilot.pause()
        assert app.focused is dash.tree


async def test_every_key_is_in_the_help_and_help_leads_a_narrow_footer(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(40, 12)) as pilot:
        await loaded(pilot)
        from textual.widgets._footer import FooterKey

        keys = [k for k in app.screen.query(FooterKey) if k.display]
        assert keys[0].key == "question_mark"
        assert keys[0].region.x < 40 and keys[0].region.right <= 40  # in view
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help Static").render())
        for shown in ("g  G", "pgup pgdn", "shift+tab", "Mark the task in progress", "Mark the task skipped", "Show the whole task",
                      "side panel", "activity log"):
            assert shown in text


# -- search and filter -----------------------------------------------------------


async def test_search_says_what_it_is_and_highlights_its_matches(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("slash")
        search = dash.query_one("#search")
        assert search.placeholder == "Search tasks…"
        await pilot.press(*"ledger")
        await pilot.pause()
        tree = dash.tree
        node = tree.node_for(key_of(dash, "2.2"))
        text = tree.render_label(node, Style(), Style())
        match = tree._styles()["match"]
        hits = [text.plain[s.start:s.end] for s in text.spans if s.style == match]
        assert hits == ["ledger"]
        other = tree.render_label(tree.node_for(key_of(dash, "2.3")), Style(), Style()) if tree.node_for(key_of(dash, "2.3")) else None
        assert other is None or not [s for s in other.spans if s.style == match]


async def test_the_open_filter_opens_the_sections_that_hold_open_tasks(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        phase3 = next(k for k in dash.plan_layout.section_key if "Phase 3" in str(k))
        dash.tree.node_for(phase3).collapse()
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert dash.show == "open"
        assert dash.tree.node_for(phase3).is_expanded
        shown = [dash.tree.node_for(k) for k in dash.plan_layout.section_key if dash.tree.node_for(k) is not None]
        assert shown and all(n.is_expanded for n in shown if n.allow_expand)


# -- the header names the plan by its folder --------------------------------------


async def test_the_header_shows_the_path_from_here(tmp_path: Path, monkeypatch):
    folder = tmp_path / "specs" / "003-auth"
    folder.mkdir(parents=True)
    path = folder / "tasks.md"
    path.write_text(PLAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        header = dash.query_one(PlanHeader)
        assert header.file_shown() == "specs/003-auth/tasks.md"
        assert header.rows()["title"].plain.endswith("  specs/003-auth/tasks.md")


@pytest.mark.parametrize("size", [(40, 12), (80, 24)])
async def test_the_header_keeps_a_wide_title_and_path_on_their_rows(tmp_path: Path, size):
    """A title and a file name of wide (CJK) characters are cut by cells: the title row
    stays one row, the path at its end (they had wrapped onto a row of their own)."""
    folder = tmp_path / "计划"
    folder.mkdir()
    path = folder / "计划任务.md"
    path.write_text("# 计划：用户认证服务的实现与测试覆盖率提升计划第二阶段\n\n## Phase 1: 设置\n\n"
                    "- [x] T001 创建项目结构\n- [ ] T002 配置数据库连接池和迁移脚本以及其他很多很多东西\n",
                    encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=size) as pilot:
        dash = await loaded(pilot)
        header = dash.query_one(PlanHeader)
        width = header.content_size.width
        rows = header.rows()
        assert all(row.cell_length <= width for row in rows.values()), {k: r.cell_length for k, r in rows.items()}
        assert header.region.height == len(rows)  # one line a row: none wrapped
        assert rows["title"].plain.rstrip().endswith(".md")


def test_a_long_path_is_shortened_from_the_left():
    assert shorten_left("specs/003-auth/tasks.md", 40) == "specs/003-auth/tasks.md"
    short = shorten_left("specs/003-auth/tasks.md", 12)
    assert short.startswith("…") and short.endswith("tasks.md") and len(short) == 12
    wide = shorten_left("specs/计划/任务.md", 8)  # cut by cells: 任务 takes four
    assert wide == "…任务.md" and cell_len(wide) == 8


# -- NO_COLOR ---------------------------------------------------------------------


async def test_no_color_bars_differ_by_glyph(plan: Path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        assert app.no_color
        drawn = dash.query_one(PlanHeader).rows()["progress"].plain
        assert "━" in drawn and "╌" in drawn  # 5/10: half done, half to do


def test_the_bar_draws_done_and_to_do_apart():
    assert bar(0.3, 10, no_color=True).plain == "━━━╌╌╌╌╌╌╌"
    assert bar(0.3, 10).plain == "━" * 10  # (in two colours)
    assert bar(1.0, 4, complete=True).plain == "━━━━"
    # counted as the tree's and the status line's bars are: never full while one is open, never empty once one is done
    assert bar(399 / 400, 10, no_color=True).plain.endswith("╌") and bar(1 / 400, 10, no_color=True).plain.startswith("━")


# -- the theme is remembered -------------------------------------------------------


def test_settings_round_trip_and_failures(tmp_path: Path):
    path = tmp_path / "cfg" / "plantui" / "settings.json"
    assert user_settings.read_settings(path) == ({}, None)
    assert user_settings.write_settings({"theme": "nord"}, path) is None
    assert user_settings.read_settings(path) == ({"theme": "nord"}, None)
    path.write_text("{not json", encoding="utf-8")
    data, error = user_settings.read_settings(path)
    assert data == {} and "Settings not read" in error
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert "Settings not saved" in user_settings.write_settings({"theme": "nord"}, blocked / "plantui" / "settings.json")


def test_settings_live_in_the_xdg_config_folder(tmp_path: Path):
    assert user_settings.settings_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "plantui" / "settings.json"
    assert user_settings.settings_path({}).parts[-3:] == (".config", "plantui", "settings.json")


async def test_the_chosen_theme_is_remembered_between_runs(plan: Path, _config: Path):
    app = app_for(plan, remember_theme=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.theme = "nord"
        await pilot.pause()
    saved = json.loads((_config / "plantui" / "settings.json").read_text())
    assert saved == {"theme": "nord"}
    again = app_for(plan, remember_theme=True)
    async with again.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert again.theme == "nord"


async def test_a_broken_or_unwritable_settings_file_never_stops_the_app(plan: Path, _config: Path):
    (_config / "plantui").mkdir(parents=True)
    (_config / "plantui" / "settings.json").write_text("{broken", encoding="utf-8")
    app = app_for(plan, remember_theme=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        default = app.theme
        assert len([n for n in app._notifications if n.title == "Settings"]) == 1
        (_config / "plantui" / "settings.json").unlink()
        (_config / "plantui").rmdir()
        (_config / "plantui").write_text("a file where the folder should be")  # nothing can be written now
        app.theme = "nord" if default != "nord" else "gruvbox"
        await pilot.pause()
        app.theme = default
        await pilot.pause()
        said = [n for n in app._notifications if n.title == "Settings"]
        assert len(said) == 2  # the broken file once, the failed writes once
        assert "Settings not saved" in said[1].message


async def test_tests_and_plain_apps_leave_the_settings_alone(plan: Path, _config: Path):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.theme = "nord"
        await pilot.pause()
    assert not (_config / "plantui").exists()


async def test_no_color_many_phases_bars_differ_by_glyph(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    path = tmp_path / "plan.md"
    parts = ["# Many phases\n"]
    for n in range(1, 15):  # one widget draws every phase's bar
        parts.append(f"\n## Phase {n}: Step {n}\n\n- [x] **{n}.1** Done\n- [ ] **{n}.2** To do\n")
    path.write_text("".join(parts), encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        from plantui.ui.widgets.side_panel import PhaseList

        lines = dash.query_one(PhaseList)
        assert lines.display
        drawn = "".join(seg.text for seg in lines.render_line(1))
        assert "━" in drawn and "╌" in drawn


async def test_the_search_marks_and_the_detail_keep_up_with_each_letter(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("d", "slash", *"led")
        await pilot.pause()
        await pilot.press(*"ger")
        await pilot.pause()
        tree = dash.tree
        for text, want in (("Build the ledger service", "ledger"), ("Ledger reviewed", "Ledger")):
            key = next(k for k, i in dash.plan_layout.key_item.items() if dash.plan_layout.plan.items[i].text == text)
            node = tree.node_for(key)
            strip = tree.render_line(node.line - tree.scroll_offset.y)
            marked = "".join(seg.text for seg in strip if seg.style is not None and seg.style.underline)
            assert marked == want
        assert dash.query_one(TaskDetail).detail.title == item_title(dash)


def item_title(dash) -> str:
    from plantui.ui.tree_model import item_label

    return item_label(dash.plan_layout.item(dash.tree.cursor_key))


async def test_no_marker_for_the_state_says_so_and_writes_nothing(tmp_path: Path):
    (tmp_path / ".plantui.toml").write_text('[markers]\n"~" = "other"\n')
    path = tmp_path / "plan.md"
    text = "# P\n\n- [ ] **1** One\n"
    path.write_text(text, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(120, 35)) as pilot:
        await loaded(pilot)
        await pilot.press("minus")
        await wait_for(pilot, lambda: any("none for skipped" in n.message for n in app._notifications),
                       what="the notification")
        assert path.read_text() == text


async def test_p_in_a_narrow_window_says_the_panel_needs_room(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(60, 20)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: any("wider window" in n.message for n in app._notifications), what="the note")
        assert not dash.has_class("-no-side")


async def test_a_tick_under_the_open_filter_moves_the_cursor_to_the_next_open_task(tmp_path: Path):
    """Ticking the last open task of a section with "open only" on put the cursor on the
    next section's row (where x does nothing), not on the next open task."""
    path = tmp_path / "plan.md"
    path.write_text("# P\n\n## Phase 1: A\n\n- [ ] **1.1** First\n- [x] **1.2** Done\n\n"
                    "## Phase 2: B\n\n- [ ] **2.1** Second\n- [ ] **2.2** Third\n", encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert dash.show == "open" and dash.tree.cursor_key == key_of(dash, "1.1")
        await pilot.press("x")
        await wait_for(pilot, lambda: not dash._writing and dash.summary.tasks.done == 2, what="the tick shown")
        await pilot.pause()
        assert "[x] **1.1**" in path.read_text(encoding="utf-8")
        assert dash.tree.cursor_key == key_of(dash, "2.1")


async def test_a_plan_of_skipped_tasks_says_nothing_is_left_not_blocked(tmp_path: Path):
    """Every task skipped: the header said "No task can start now: the open phases are
    blocked" (there is no open phase), and watch said no open task can start."""
    from pilot import header_row

    path = tmp_path / "plan.md"
    path.write_text("# Cut\n\n## Phase 1: Cut\n\n- [~] T001 One\n- [~] T002 Two\n", encoding="utf-8")
    async with app_for(path).run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        assert dash.summary.status == "Complete"
        said = header_row(dash, "next")
        assert "Nothing left to do" in said and "blocked" not in said, said
