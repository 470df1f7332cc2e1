"""Pilot tests of the dashboard, watch mode and the overview."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from pilot import app_for, atomic_save, loaded, wait_for
from ui_plan import NOW, PLAN

from plantui.model import State
from plantui.parser import build_plan
from plantui.lines import Lines
from plantui.ui.screens import DashboardScreen, HelpScreen, OverviewScreen
from plantui.ui.widgets.compact import CompactPlan, OverallLine
from plantui.ui.widgets.dashboard import PlanDashboard
from plantui.ui.widgets.header import PlanHeader
from plantui.ui.widgets.overview import PlanTable


def key_of(dash: PlanDashboard, ident: str):
    return next(k for k in dash.plan_layout.key_item if k[0] == "#" + ident)


def state_shown(dash: PlanDashboard, ident: str) -> State:
    return dash.plan_layout.item(key_of(dash, ident)).state


def log_texts(dash: PlanDashboard) -> list[str]:
    return [f"{e.text} ({e.source})" if e.source else e.text for e in dash.activity.entries]


# -- ticking -------------------------------------------------------------------


async def test_a_tick_writes_the_file_with_its_derived_fields(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        original = plan.read_bytes()
        assert dash.tree.cursor_key == key_of(dash, "2.2.2")  # the cursor starts on the next task
        await pilot.press("x")
        await wait_for(pilot, lambda: "- [x] **2.2.2**" in plan.read_text(), what="the tick on disk")
        text = plan.read_text()
        assert "**Progress:** 6/10 tasks complete" in text
        assert "**Last Updated:** 2026-01-05" in text
        await wait_for(pilot, lambda: state_shown(dash, "2.2.2") is State.DONE, what="the view")
        assert "✓ 2.2.2 Reverse a transaction (here)" in log_texts(dash)

        await pilot.press("u")  # undo the last tick made here
        await wait_for(pilot, lambda: "- [ ] **2.2.2**" in plan.read_text(), what="the undo on disk")
        assert plan.read_bytes() == original  # every byte the tick changed, fields too, as it was
        await wait_for(pilot, lambda: state_shown(dash, "2.2.2") is State.OPEN, what="the undone view")


async def test_space_ticks_and_a_second_press_unticks(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("space", "space")  # queued: the second is computed from the first's result
        await wait_for(pilot, lambda: not dash._writing and not dash._writes and dash.undo_stack and len(log_texts(dash)) >= 4,
                       what="two writes")
        assert "- [ ] **2.2.2**" in plan.read_text()
        assert not app._notifications  # nothing refused


async def test_a_click_on_a_marker_ticks_it(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        tree = dash.tree
        node = tree.node_for(key_of(dash, "2.3"))
        depth = 0
        parent = node.parent
        while not parent.is_root:
            depth += 1
            parent = parent.parent
        x = depth * tree.guide_depth + (2 if dash.plan_layout.nodes[node.data].pad else 0)
        y = node.line - int(tree.scroll_offset.y)
        await pilot.click(tree, offset=(x, y))
        await wait_for(pilot, lambda: "- [x] **2.3**" in plan.read_text(), what="the click's tick")


async def test_a_refused_tick_notifies_and_reloads(plan: Path):
    app = app_for(plan)  # no watcher: the view does not know the file changed
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        changed = PLAN.replace("**2.2.2** Reverse a transaction", "**2.2.2** Reverse a payment")
        plan.write_text(changed, encoding="utf-8")
        await pilot.press("x")
        await wait_for(pilot, lambda: any(n.severity == "error" for n in app._notifications), what="a notification")
        assert plan.read_text() == changed  # nothing written
        await wait_for(pilot, lambda: dash.snapshot.text == changed, what="the reload from disk")
        assert dash.plan_layout.item(key_of(dash, "2.2.2")).text == "Reverse a payment"


async def test_sync_writes_the_derived_fields(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        header = dash.query_one(PlanHeader)
        assert "drift" in header.rows()  # Progress says 3/12, the boxes 5/10
        await pilot.press("s")
        await wait_for(pilot, lambda: "**Progress:** 5/10 tasks complete" in plan.read_text(), what="the sync")
        await wait_for(pilot, lambda: "drift" not in header.rows(), what="the drift line to go")


# -- live ------------------------------------------------------------------------


async def test_an_outside_atomic_save_shows_up(plan: Path):
    app = app_for(plan, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        started = time.monotonic()
        atomic_save(plan, PLAN.replace("- [ ] **2.3**", "- [x] **2.3**"))
        await wait_for(pilot, lambda: state_shown(dash, "2.3") is State.DONE, what="the outside save")
        assert time.monotonic() - started < 3
        assert "✓ 2.3 Create the database layer (outside)" in log_texts(dash)
        assert key_of(dash, "2.3") in dash.tree._flash  # it flashes


async def test_in_place_and_vim_style_saves_show_up(plan: Path):
    app = app_for(plan, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        plan.write_text(PLAN.replace("- [ ] **3.1**", "- [x] **3.1**"), encoding="utf-8")  # in place
        await wait_for(pilot, lambda: state_shown(dash, "3.1") is State.DONE, what="the in-place write")
        backup = plan.with_name("plan.md~")  # vim: rename aside, write a new file
        os.rename(plan, backup)
        plan.write_text(PLAN.replace("- [ ] **3.2**", "- [x] **3.2**"), encoding="utf-8")
        backup.unlink()
        await wait_for(pilot, lambda: state_shown(dash, "3.2") is State.DONE and state_shown(dash, "3.1") is State.OPEN,
                       what="vim's save")
        assert not dash.missing


async def test_a_reload_keeps_the_cursor_the_open_nodes_and_the_nodes(plan: Path):
    app = app_for(plan, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        tree = dash.tree
        target = key_of(dash, "3.1")
        tree.reveal(target)
        await pilot.pause()
        phase1 = dash.plan_layout.roots[0]
        tree.node_for(phase1).collapse()  # the user closes phase 1
        await pilot.pause()
        nodes_before = dict(tree._by_key)
        rebuilds = tree.rebuilds

        # A tick from outside: same nodes, only changed lines redrawn, nothing rebuilt.
        atomic_save(plan, PLAN.replace("- [ ] **2.3**", "- [x] **2.3**"))
        await wait_for(pilot, lambda: state_shown(dash, "2.3") is State.DONE, what="the tick")
        assert tree.rebuilds == rebuilds
        assert all(tree._by_key[k] is n for k, n in nodes_before.items())
        assert tree.cursor_key == target

        # A task added above the cursor: only its section is built again; the cursor, the
        # open nodes and every other node stay.
        phase2 = tree.node_for(key_of(dash, "2.3")).parent
        atomic_save(plan, PLAN.replace("- [ ] **2.3**", "- [x] **2.3**").replace(
            "- [~] **2.4**", "- [ ] **2.5** Write the migration\n- [~] **2.4**"))
        await wait_for(pilot, lambda: any(k[0] == "#2.5" for k in dash.plan_layout.key_item), what="the new task")
        await pilot.pause()
        assert tree.rebuilds == rebuilds
        assert tree.node_for(key_of(dash, "2.5")).parent is phase2
        def under_phase2(node) -> bool:
            while node is not None:
                if node is phase2:
                    return True
                node = node.parent
            return False

        kept = [k for k, n in nodes_before.items() if not under_phase2(n)]
        assert kept and all(tree._by_key[k] is nodes_before[k] for k in kept)
        assert [c.data for c in phase2.children] == list(dash.plan_layout.nodes[phase2.data].children)
        assert tree.cursor_key == target
        assert tree.cursor_node is tree.node_for(target)
        assert not tree.node_for(phase1).is_expanded
        assert tree.node_for(key_of(dash, "2.5")) is not None
        assert "+ 2.5 Write the migration (outside)" in log_texts(dash)


def tree_matches_layout(tree) -> None:
    """Every built node stands where the layout puts it, under its parent, in order."""
    layout = tree.plan_layout
    assert [c.data for c in tree.root.children] == list(layout.roots)
    for key, node in tree._by_key.items():
        assert node.data == key and key in layout.nodes
        if key in tree._populated:
            assert [c.data for c in node.children] == list(layout.nodes[key].children), key
    assert tree.cursor_key in layout.nodes


async def test_tasks_added_moved_and_removed_from_outside_rebuild_the_right_nodes(plan: Path):
    app = app_for(plan, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        tree = dash.tree
        tree.reveal(key_of(dash, "3.2"))
        tree.node_for(dash.plan_layout.roots[0]).collapse()
        await pilot.pause()
        edits = [
            ("- [x] **1.3** Add the settings loader", "- [x] **1.3** Add the settings loader\n- [ ] **1.4** Later"),  # in a closed phase
            ("- [ ] **2.3** Create the database layer\n", ""),  # removed
            ("- [ ] **3.1** Implement API endpoints", "- [ ] **3.1** Implement API endpoints\n  - [ ] **3.1.1** A subtask"),
            ("- [~] **2.4** Port the legacy importer\n", ""),  # moved from phase 2 …
            ("- [ ] **3.2** Add the CLI commands", "- [~] **2.4** Port the legacy importer\n- [ ] **3.2** Add the CLI commands"),  # … to 3
            ("### Checkpoint: Core ready\n\n- [ ] All unit tests passing\n- [ ] Ledger reviewed\n", ""),  # a section goes
        ]
        text = PLAN
        for before, after in edits:
            assert before in text
            text = text.replace(before, after)
            want = build_plan(Lines.of(text))
            atomic_save(plan, text)
            await wait_for(pilot, lambda: dash.plan_layout is not None and dash.plan_layout.plan == want, what=after or before)
            await pilot.pause()
            tree_matches_layout(tree)
            assert tree.cursor_key == key_of(dash, "3.2")
        assert not tree.node_for(dash.plan_layout.roots[0]).is_expanded  # phase 1 is still closed


async def test_the_cursor_stays_in_view_when_a_drift_line_makes_the_tree_shorter(plan: Path):
    from plantui import actions

    actions.sync(plan, now=NOW)  # no drift to begin with
    synced = plan.read_text(encoding="utf-8")
    app = app_for(plan, live=True)
    async with app.run_test(size=(100, 24)) as pilot:
        dash = await loaded(pilot)
        tree = dash.tree
        last = key_of(dash, "3.2")
        tree.reveal(last)
        await pilot.pause()
        header = dash.query_one(PlanHeader)
        assert "drift" not in header.rows()
        # a box ticked, Progress not: it drifts, and a drift line appears above the tree
        atomic_save(plan, synced.replace("- [ ] **2.3**", "- [x] **2.3**"))
        await wait_for(pilot, lambda: "drift" in header.rows(), what="the drift line")
        await pilot.pause()
        await pilot.pause()
        top, height = tree.scroll_offset.y, tree.scrollable_content_region.height
        assert tree.cursor_key == last and top <= tree.cursor_line < top + height


async def test_a_deleted_plan_keeps_the_view_and_comes_back(plan: Path):
    app = app_for(plan, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        plan.unlink()
        await wait_for(pilot, lambda: dash.missing, what="the deletion")
        header = dash.query_one(PlanHeader)
        assert "deleted" in header.rows()["notice"].plain
        assert state_shown(dash, "1.1") is State.DONE  # the last view stays
        plan.write_text(PLAN.replace("- [ ] **3.1**", "- [x] **3.1**"), encoding="utf-8")
        await wait_for(pilot, lambda: not dash.missing and state_shown(dash, "3.1") is State.DONE, what="the return")
        assert "notice" not in header.rows()


async def test_an_unreadable_plan_says_why(plan: Path):
    app = app_for(plan, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        plan.write_bytes(b"\x00\x01 not markdown")
        await wait_for(pilot, lambda: dash.error is not None, what="the error")
        assert "binary" in dash.error
        assert "binary" in dash.query_one(PlanHeader).rows()["notice"].plain
        assert state_shown(dash, "1.1") is State.DONE  # the last view stays
        plan.write_text(PLAN, encoding="utf-8")
        await wait_for(pilot, lambda: dash.error is None, what="the recovery")
        assert "notice" not in dash.query_one(PlanHeader).rows()


async def test_milestones_notify(plan: Path):
    app = app_for(plan, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await loaded(pilot)
        atomic_save(plan, PLAN.replace("- [/] **2.2**", "- [x] **2.2**").replace("- [ ] **2.2.2**", "- [x] **2.2.2**")
                    .replace("- [ ] **2.3**", "- [x] **2.3**"))
        await wait_for(pilot, lambda: len(app._notifications) >= 2, what="the notifications")
        messages = [n.message for n in app._notifications]
        assert "Phase done: Phase 2: Core" in messages
        assert "Checkpoint ready: Checkpoint: Core ready" in messages


async def test_parsing_happens_off_the_ui_thread(plan: Path, monkeypatch):
    import plantui.ui.live as live

    gate = threading.Event()
    real = live.read_settled

    def slow_read(path, previous=None):
        gate.wait(5)  # a huge plan that takes a while to parse
        return real(path, previous)

    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        monkeypatch.setattr(live, "read_settled", slow_read)
        before = dash.loads
        line = dash.tree.cursor_line
        await pilot.press("r")  # the reload waits in its worker...
        await pilot.press("k")  # ...and keys still work
        assert dash.tree.cursor_line == line - 1
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert dash.loads == before
        gate.set()
        await wait_for(pilot, lambda: dash.loads > before, what="the reload")



@pytest.mark.parametrize("mode, at_once", [("dashboard", True), ("watch", True), ("dashboard", False)])
async def test_the_read_made_before_the_start_is_not_parsed_again(plan: Path, monkeypatch, mode: str, at_once: bool):
    """The command line reads a plan to check it before Textual starts; the app's first
    read of the same bytes starts from that read (no second parse) and shows it, in the
    first frame or (a plan too big to work out on the UI thread) after the worker's read."""
    import plantui.snapshot as snapshot
    import plantui.ui.live as live

    if not at_once:
        monkeypatch.setattr(live, "AT_ONCE", 0)

    checked = snapshot.read(plan)
    parses = []
    real = snapshot.read_plan
    monkeypatch.setattr(snapshot, "read_plan", lambda *a: parses.append(a) or real(*a))
    app = app_for(plan, mode=mode, reads={plan: checked})
    async with app.run_test(size=(120, 35)) as pilot:
        live = app.screen.query_one(PlanDashboard if mode == "dashboard" else CompactPlan)
        await wait_for(pilot, lambda: live.loads > 0, what="the first read")
        assert parses == []
        assert live.snapshot.raw == checked.raw and live.snapshot.plan == checked.plan
        assert live.summary.tasks == checked_summary(checked).tasks


async def test_the_first_frame_shows_the_read_made_before_the_start(plan: Path, monkeypatch):
    """No "Loading…" frame while the worker reads again: the plan the command line read
    is in the first frame (the worker's read, held back here, comes after)."""
    import plantui.snapshot as snapshot
    import plantui.ui.live as live

    gate = threading.Event()
    real = live.read_settled
    monkeypatch.setattr(live, "read_settled", lambda path, previous=None: gate.wait(5) and real(path, previous))
    checked = snapshot.read(plan)
    app = app_for(plan, reads={plan: checked})
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            await pilot.pause()
            dash = app.screen.query_one(PlanDashboard)
            assert dash.loads == 0  # the worker's read has not come back
            assert dash.plan_layout is not None and dash.snapshot is checked
            title = dash.query_one(PlanHeader).rows()["title"].plain
            assert checked.plan.title in title and "Loading" not in title
            assert dash.tree.root.children  # the plan's sections, built
            gate.set()
            await wait_for(pilot, lambda: dash.loads > 0, what="the worker's read")
            assert dash.snapshot.plan == checked.plan
    finally:
        gate.set()


async def test_a_plan_changed_after_the_start_read_shows_as_it_is_now(plan: Path):
    import plantui.snapshot as snapshot

    checked = snapshot.read(plan)
    plan.write_text(plan.read_text(encoding="utf-8").replace("- [ ] ", "- [x] ", 1), encoding="utf-8")
    app = app_for(plan, reads={plan: checked})
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        fresh = snapshot.read(plan)
        assert dash.snapshot.raw == fresh.raw
        assert dash.snapshot.plan == fresh.plan
        assert dash.summary.tasks.done == checked_summary(checked).tasks.done + 1


def checked_summary(snap):
    from plantui.progress import summarize

    return summarize(snap.plan)

async def test_big_plans_build_only_what_is_open(tmp_path: Path):
    text = "# Big plan\n\n" + "".join(
        f"## Phase {p}: Part {p}\n\n" + "".join(
            f"- [{'x' if p < 40 else ' '}] **{p}.{t}** Task {p}.{t}\n" for t in range(1, 16)) + "\n"
        for p in range(1, 101)
    )
    path = tmp_path / "TODO.md"
    path.write_text(text, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        tree = dash.tree
        assert len(dash.plan_layout.key_item) == 1500
        assert len(tree._by_key) < 150  # phases are built, their tasks only where open
        assert tree.cursor_key == key_of(dash, "40.1")
        await pilot.press("n")
        assert tree.cursor_key == key_of(dash, "40.2")


# -- keys ------------------------------------------------------------------------


async def test_filter_search_and_next(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("f")
        assert dash.show == "open"
        assert all(not dash.plan_layout.item(k).state.closed or dash.plan_layout.nodes[k].children
                   for k in dash.plan_layout.nodes if k in dash.plan_layout.key_item)
        await pilot.press("f")
        assert dash.show == "done"
        await pilot.press("f")
        assert dash.show == "all"

        await pilot.press("slash", *"ledger", "enter")
        assert dash.tree.cursor_key == key_of(dash, "2.2")  # the first of two: "Ledger reviewed" matches too
        assert dash.plan_layout.matches == 2
        await pilot.press("escape")
        assert dash.query_text == "" and dash.plan_layout.matches == 13

        dash.tree.reveal(key_of(dash, "2.2.2"))
        await pilot.press("n")
        assert dash.tree.cursor_key == key_of(dash, "2.3")
        await pilot.press("N")
        assert dash.tree.cursor_key == key_of(dash, "2.2.2")


async def test_help_and_command_palette(plan: Path):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Tick or untick task", "Next open task", "Cycle filter", "Search tasks", "Undo last tick",
                      "Sync fields", "Reload plan", "Edit in $EDITOR", "Theme"):
            assert title in titles


async def test_the_editor_opens_at_the_line_and_the_plan_reloads(plan: Path, monkeypatch):
    from contextlib import contextmanager

    import plantui.ui.widgets.dashboard as dashboard

    calls = []

    def fake_call(argv):
        calls.append(argv)
        Path(argv[-1]).write_text(PLAN.replace("- [ ] **2.2.2**", "- [x] **2.2.2**"), encoding="utf-8")
        return 0

    monkeypatch.setenv("EDITOR", "vim")
    monkeypatch.setattr(dashboard.subprocess, "call", fake_call)
    app = app_for(plan)

    @contextmanager
    def no_suspend():
        yield

    monkeypatch.setattr(app, "suspend", no_suspend)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("e")
        assert calls == [["vim", "+18", str(plan)]]
        await wait_for(pilot, lambda: state_shown(dash, "2.2.2") is State.DONE, what="the reload after the editor")
        assert "✓ 2.2.2 Reverse a transaction (editor)" in log_texts(dash)


# -- watch mode and overview -----------------------------------------------------


async def test_watch_mode_never_writes(plan: Path, monkeypatch):
    import plantui.actions as actions
    import plantui.snapshot as snapshot

    def refuse(*args, **kwargs):
        raise AssertionError("watch mode tried to write")

    monkeypatch.setattr(actions, "mark_items", refuse)
    monkeypatch.setattr(actions, "sync", refuse)
    monkeypatch.setattr(snapshot, "modify", refuse)
    before = plan.read_bytes()
    mtime = plan.stat().st_mtime_ns
    app = app_for(plan, live=True, mode="watch")
    async with app.run_test(size=(40, 12)) as pilot:
        compact = app.query_one(CompactPlan)
        await wait_for(pilot, lambda: compact.loads > 0, what="the first read")
        await pilot.press("x", "space", "s", "u", "enter", "r", "f", "n", "question_mark")
        await pilot.pause(0.2)
        assert plan.read_bytes() == before and plan.stat().st_mtime_ns == mtime
        outside = PLAN.replace("- [ ] **2.3**", "- [x] **2.3**")
        atomic_save(plan, outside)
        overall = app.query_one(OverallLine)
        await wait_for(pilot, lambda: overall.counts is not None and overall.counts.done == 6, what="the outside tick")
        await pilot.pause(0.2)
        assert plan.read_text() == outside
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_overview_opens_a_plan_and_escape_returns(tmp_path: Path, plan: Path):
    other = tmp_path / "specs" / "001" / "tasks.md"
    other.parent.mkdir(parents=True)
    other.write_text("# Tasks: Search\n\n## Phase 1\n\n- [x] T001 Index\n- [ ] T002 Query\n", encoding="utf-8")
    app = app_for(plan, other, live=True)
    async with app.run_test(size=(120, 35)) as pilot:
        table = app.query_one(PlanTable)
        await wait_for(pilot, lambda: table.loads >= 2, what="both rows")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DashboardScreen) and app.screen.path == other
        dash = await loaded(pilot)
        watcher = dash._watcher
        assert watcher is not None
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        await wait_for(pilot, lambda: dash._watcher is None, what="the watcher to stop")
        assert watcher._observer is None  # stopped with the widget that owned it
        atomic_save(other, other.read_text().replace("- [ ] T002", "- [x] T002"))
        await wait_for(pilot, lambda: "2/2" in str(table.get_cell(str(other), "done")), what="the live row")


@pytest.mark.parametrize("mode", ["dashboard", "watch"])
async def test_one_watcher_per_plan_and_it_stops_with_its_widget(plan: Path, monkeypatch, mode: str):
    import plantui.ui.live as live

    started = []
    real_start = live.PlanWatcher.start

    def start(self):
        started.append(self)
        return real_start(self)

    monkeypatch.setattr(live.PlanWatcher, "start", start)
    app = app_for(plan, live=True, mode=mode)
    async with app.run_test(size=(80, 24)) as pilot:
        owner = app.screen.query_one(live.LivePlan)
        await wait_for(pilot, lambda: owner.loads > 0, what="the first read")
        assert len(started) == 1  # one watcher, however many reloads it caused
    assert started[0]._observer is None  # stopped on unmount


async def test_the_app_outlives_its_collector_pass(plan, monkeypatch):
    """The app's periodic full pass of the collector runs without ending the app (Textual
    could not call ``gc.collect`` itself as a timer callback: every 5 minutes the app died)."""
    import plantui.ui.app as app_module

    monkeypatch.setattr(app_module, "FULL_PASS_EVERY", 0.05)
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.pause(0.3)  # several passes
        assert app.is_running and app._exception is None
    assert app.return_code in (None, 0)
