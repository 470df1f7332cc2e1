"""Defects a demanding user met in an afternoon with plantui, each with the behaviour
that was wrong before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilot import app_for, loaded, wait_for


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch) -> Path:
    """Never the user's own ~/.config: each test has its own config folder."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


DASH_IN_PROGRESS = """\
# Implementation Plan

- [x] 1. Set up the project
- [ ] 2. Write the reader
- [-] 3. Write the writer
"""


async def test_i_marks_in_progress_with_the_marker_the_plan_already_uses(tmp_path: Path):
    """A plan that says in progress with [-] (as Kiro does) gets [-] from i, not [/]."""
    path = tmp_path / "tasks.md"
    path.write_text(DASH_IN_PROGRESS, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        dash.tree.reveal(next(k for k in dash.plan_layout.key_item if k[0] == "#2"))
        await pilot.press("i")
        await wait_for(pilot, lambda: "- [-] 2. Write the reader" in path.read_text(encoding="utf-8"),
                       what="the plan's own in-progress marker")
        assert path.read_text(encoding="utf-8") == DASH_IN_PROGRESS.replace("- [ ] 2.", "- [-] 2.")


def test_a_kiro_plan_with_no_task_in_progress_yet_gets_kiros_own_marker(tmp_path: Path):
    """Under .kiro/ the first task set in progress gets [-], Kiro's marker, not [/]."""
    from plantui.edits import usual_marker
    from plantui.model import State
    from plantui.snapshot import read

    folder = tmp_path / ".kiro" / "specs" / "sync"
    folder.mkdir(parents=True)
    path = folder / "tasks.md"
    path.write_text("# Implementation Plan\n\n- [x] 1. One\n- [ ] 2. Two\n", encoding="utf-8")
    seen = read(path)
    assert usual_marker(seen.plan, seen.settings, State.IN_PROGRESS) == "-"
    assert usual_marker(seen.plan, seen.settings, State.SKIPPED) is None  # Kiro's [~] is queued (open): no skipped marker


CHECKPOINT_LINES = """\
# Tasks

## Phase 1: Setup

- [x] T001 Make the folders

**Checkpoint**: The folders exist

## Phase 2: Build

- [ ] T002 Write the code

**Checkpoint**: The code runs
"""


async def test_a_checkpoint_without_boxes_has_no_padding_before_its_dash(tmp_path: Path):
    """A checkpoint line with no boxes of its own shows "—" for its count: padded to the
    width of "0/0", it stood three cells from its glyph ("✓   — passed")."""
    from textual.widgets import Static

    path = tmp_path / "tasks.md"
    path.write_text(CHECKPOINT_LINES, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        text = str(dash.query_one("#checkpoints", Static).visual).splitlines()
        assert text == ["✓ — passed  Checkpoint: The folders exist", "○ — pending Checkpoint: The code runs"]


def test_the_mcp_mark_tool_names_each_marker_by_what_it_means_by_default(tmp_path: Path):
    """The mark tool told agents "-" skipped: by default [-] is in progress, so an agent
    skipping a task with "-" set it in progress.  Each marker it names means what it says."""
    import asyncio
    import re

    pytest.importorskip("mcp")
    from plantui.config import DEFAULT_MARKERS
    from plantui.mcp_server import build

    tools = asyncio.run(build(tmp_path).list_tools())
    said = next(t.description for t in tools if t.name == "mark")
    named = dict(re.findall(r'"(.)" (in progress|skipped|done|open)\b', said))
    assert named == {"/": "in progress", "~": "skipped", "x": "done", " ": "open"}
    for marker, meaning in named.items():
        assert DEFAULT_MARKERS[marker].value.replace("_", " ") == meaning


FIELDS_PLAN = """\
# Plan

**Progress:** 0/2 tasks complete
**Last Updated:** 2026-01-01

## Phase 1: Setup

- [ ] 1.1 Write the reader
- [ ] 1.2 Write the writer
"""


def test_an_undo_that_leaves_the_box_leaves_the_fields_the_tick_wrote(tmp_path: Path):
    """Tick 1.1, then an agent rewrites 1.1's text (its box still ticked), then undo: the box
    is left as it is, and the Progress the tick wrote stays; it went back to 0/2 while the
    box said done, so the undo made the plan drift."""
    from datetime import datetime

    from plantui import actions
    from plantui.snapshot import read

    path = tmp_path / "plan.md"
    path.write_text(FIELDS_PLAN, encoding="utf-8")
    ticked = actions.mark_items(path, [read(path).plan.items[0]], None, now=datetime(2026, 2, 3, 10, 0))
    after = path.read_text(encoding="utf-8")
    assert "**Progress:** 1/2 tasks complete" in after and "- [x] 1.1" in after
    edited = after.replace("- [x] 1.1 Write the reader", "- [x] 1.1 Write the reader and its tests")
    path.write_text(edited, encoding="utf-8")
    undone = actions.undo(path, ticked.undo)
    assert undone.left == (8,)
    assert path.read_text(encoding="utf-8") == edited  # nothing taken back: the fields follow the box
    assert not read(path).summary().warnings  # no drift


def test_an_undo_that_writes_nothing_does_not_say_the_rest_is_undone(tmp_path: Path):
    """The undo above writes nothing: its sentence said "the rest is undone" all the same."""
    from datetime import datetime

    from plantui import actions
    from plantui.snapshot import read

    path = tmp_path / "plan.md"
    path.write_text(FIELDS_PLAN, encoding="utf-8")
    ticked = actions.mark_items(path, [read(path).plan.items[0]], None, now=datetime(2026, 2, 3, 10, 0))
    path.write_text(path.read_text(encoding="utf-8").replace("Write the reader", "Write the parser"), encoding="utf-8")
    undone = actions.undo(path, ticked.undo)
    assert not undone.written
    assert undone.said == "line 8 changed since the tick and is left as it is; nothing else to undo, nothing written"


def test_watch_on_a_folder_of_plans_follows_the_one_changed_last(tmp_path: Path, monkeypatch):
    """`plantui watch specs/` beside an agent working on 002 showed 001 (the first by path),
    where `status --line` and `check` on the same folder take the plan changed last."""
    import os

    import plantui.ui.app as ui_app
    from plantui import cli

    for name, when in (("001-old", 1_000_000_000), ("002-now", 2_000_000_000)):
        folder = tmp_path / "specs" / name
        folder.mkdir(parents=True)
        (folder / "tasks.md").write_text("# Tasks\n\n- [ ] T001 One\n", encoding="utf-8")
        os.utime(folder / "tasks.md", (when, when))
    shown = []
    monkeypatch.setattr(ui_app, "run_watch", lambda path, **kw: shown.append(Path(path)) or 0)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert cli.main(["watch", str(tmp_path / "specs"), "--no-history"]) == 0
    assert shown == [tmp_path / "specs" / "002-now" / "tasks.md"]


@pytest.mark.parametrize("marker", ["x", "⚠️"])
def test_a_task_named_twice_is_marked_once(tmp_path: Path, capsys, marker):
    """`plantui mark plan.md ⚠️ 1.2 1.2` (or an id and its --line) ended in a traceback
    ("overlapping edits"); a tick of the same printed the task twice."""
    from plantui import cli

    path = tmp_path / "plan.md"
    path.write_text(FIELDS_PLAN, encoding="utf-8")
    assert cli.main(["mark", str(path), marker, "1.2", "1.2", "--line", "9", "--no-history"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.count("1.2 Write the writer") == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[8] == f"- [{marker}] 1.2 Write the writer" and lines[7] == "- [ ] 1.1 Write the reader"
    assert lines[2] == ("**Progress:** 1/2 tasks complete" if marker == "x" else "**Progress:** 0/2 tasks complete")


def test_mark_with_the_parallel_tag_is_refused_and_writes_nothing(tmp_path: Path, capsys):
    """`plantui mark plan.md P 1.2` wrote [P], Spec Kit's parallel tag: 1.2 left the plan
    (Total Tasks went to 1) and `plantui untick plan.md 1.2` then found no task 1.2."""
    from plantui import cli

    path = tmp_path / "plan.md"
    path.write_text(FIELDS_PLAN, encoding="utf-8")
    assert cli.main(["mark", str(path), "P", "1.2", "--no-history"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plantui: ") and "[P] is a tag" in err and err.count("\n") == 1
    assert path.read_text(encoding="utf-8") == FIELDS_PLAN


async def test_r_on_a_deleted_plan_does_not_say_it_reloaded(tmp_path: Path):
    """r while the plan is deleted said "Reloaded plan.md": nothing was read, the last view stayed."""
    path = tmp_path / "plan.md"
    path.write_text(FIELDS_PLAN, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        path.unlink()
        await pilot.press("r")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert "Reloaded plan.md" not in said
        assert "plan.md is not there; showing the last view until it comes back" in said


def test_a_tick_seen_by_the_event_log_and_by_git_counts_once_in_the_pace(tmp_path: Path, monkeypatch):
    """The event log names an item "1.1 Write the reader", its commit "1.1": `status --git`
    counted a tick made here and committed as two completions (and a tick and its untick,
    each committed, as a pace of 0 done and 2 undone)."""
    import os
    import shutil
    import subprocess
    from datetime import datetime, timedelta, timezone

    if shutil.which("git") is None:
        pytest.skip("needs git")
    from plantui.eventlog import EventLog, version_of
    from plantui.pace import completions, observed
    from plantui.snapshot import read

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "plan.md"
    base = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    log = EventLog(quiet=True)

    def save(text: str, seconds: int, commit: str | None = None, logged: str | None = None) -> None:
        path.write_text(text, encoding="utf-8")
        snap = read(path)
        if logged is not None:  # plantui saw (or made) this version at base + seconds
            ns = int((base + timedelta(seconds=seconds)).timestamp() * 1e9)
            log.observe(path, snap.plan, 0, 2, origin=logged, version=version_of(snap.raw, ns))
        if commit is not None:  # and it was committed 10 s later
            when = (base + timedelta(seconds=seconds + 10)).isoformat()
            env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
            subprocess.run(["git", "-c", "user.name=Ann", "-c", "user.email=ann@example.org", *commit.split()],
                           cwd=repo, check=True, capture_output=True, env=env)

    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    save(FIELDS_PLAN, 0, "add plan.md", logged="outside")
    save(FIELDS_PLAN, 0, "commit -qm plan")
    ticked = FIELDS_PLAN.replace("- [ ] 1.1", "- [x] 1.1")
    save(ticked, 60, "commit -qam tick", logged="cli")
    save(FIELDS_PLAN, 120, "commit -qam untick", logged="cli")
    log.close()
    seen = observed(path, read(path).plan, git=True)
    assert {"events", "git"} <= set(seen.sources)
    assert [step for _, step, _ in completions(seen.ticks)] == [1, -1]


@pytest.mark.parametrize("argv, said", [
    (["tick"], "the following arguments are required: PATH (see plantui tick --help)"),
    (["untick"], "the following arguments are required: PATH (see plantui untick --help)"),
    (["mark", "plan.md"], "the following arguments are required: MARKER (see plantui mark --help)"),
])
def test_a_missing_argument_names_only_what_is_required(argv, said, capsys):
    """`plantui tick` said "required: PATH, REF": a REF is not required (--line N names a task)."""
    from plantui import cli

    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    assert capsys.readouterr().err == f"plantui: {said}\n"


def test_history_says_now_what_the_file_says_with_changes_not_committed(tmp_path: Path, monkeypatch, capsys):
    """`plantui history` opened with "now 0/2 tasks" (the last commit) and closed with
    "now, not committed  tasks 1/2": the first line now says what the file says."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("needs git")
    from plantui import cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "plan.md"
    path.write_text(FIELDS_PLAN, encoding="utf-8")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "plan"]):
        subprocess.run(["git", "-c", "user.name=Ann", "-c", "user.email=ann@example.org", *args], cwd=repo,
                       check=True, capture_output=True)
    path.write_text(FIELDS_PLAN.replace("- [ ] 1.1", "- [x] 1.1"), encoding="utf-8")
    assert cli.main(["history", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("; now 1/2 tasks") and out[-2].startswith("now, not committed  tasks 1/2")


def test_a_conductor_plan_with_no_task_in_progress_yet_gets_conductors_own_marker(tmp_path: Path):
    """Under conductor/ the first task set in progress gets [~], Conductor's marker, not [/]."""
    from plantui.edits import usual_marker
    from plantui.model import State
    from plantui.snapshot import read

    folder = tmp_path / "conductor" / "tracks" / "sync_20260101"
    folder.mkdir(parents=True)
    path = folder / "plan.md"
    path.write_text("# Plan\n\n## Phase 1: Setup\n\n- [x] Task: One\n- [ ] Task: Two\n", encoding="utf-8")
    seen = read(path)
    assert seen.settings.preset == "conductor"
    assert usual_marker(seen.plan, seen.settings, State.IN_PROGRESS) == "~"


async def test_e_on_a_claude_code_task_list_opens_the_tasks_own_file(tmp_path: Path, monkeypatch):
    """A task list is a folder of JSON files: e ran `$EDITOR +19 list-a` (the folder, at a
    line of plantui's own joined view); it opens the task's file at its status line."""
    import json
    from contextlib import contextmanager

    import plantui.ui.widgets.dashboard as dashboard

    folder = tmp_path / "tasks" / "list-a"
    folder.mkdir(parents=True)
    for n, status in ((1, "completed"), (2, "in_progress"), (3, "pending")):
        task = {"id": str(n), "subject": f"Task {n}", "description": "", "activeForm": f"Doing {n}",
                "status": status, "blocks": [], "blockedBy": []}
        (folder / f"{n}.json").write_text(json.dumps(task, indent=2) + "\n", encoding="utf-8")
    calls = []
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "vim")
    monkeypatch.setattr(dashboard.subprocess, "call", lambda argv: calls.append(argv) or 0)
    app = app_for(folder)

    @contextmanager
    def suspend():
        yield

    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        dash.tree.reveal(next(k for k in dash.plan_layout.key_item if dash.plan_layout.item(k).id == "2"))
        await pilot.press("e")
        await wait_for(pilot, lambda: calls, what="the editor")
    status_line = (folder / "2.json").read_text(encoding="utf-8").splitlines().index('  "status": "in_progress",') + 1
    assert calls == [["vim", f"+{status_line}", str(folder / "2.json")]]


def test_a_plan_emptied_and_written_again_adds_nothing_to_the_pace():
    """An editor that empties the file, then writes it (a slow save in place, a checkout):
    every item is removed, then added again as it was.  Each done task counted as done
    anew (the example's six: a pace of 6 a day and an ETA out of nothing)."""
    from datetime import datetime, timedelta, timezone

    from plantui.pace import completions
    from plantui.timeline import Tick

    t0 = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    ticks = [Tick(t0, "p", "1.1 One", "x", None, "outside"), Tick(t0, "p", "1.2 Two", " ", None, "outside"),
             Tick(t0 + timedelta(seconds=1), "p", "1.1 One", None, "x", "outside"),
             Tick(t0 + timedelta(seconds=1), "p", "1.2 Two", None, " ", "outside")]
    assert completions(ticks) == []
    later = t0 + timedelta(minutes=5)
    assert completions(ticks + [Tick(later, "p", "1.2 Two", " ", "x", "here")]) == [(later, 1, "1.2 Two")]
    assert completions(ticks + [Tick(later, "p", "1.1 One", "x", " ", "here")]) == [(later, -1, "1.1 One")]
    new = Tick(later, "p", "1.3 Three", None, "x", "outside")  # an item added done: done now
    assert completions([new]) == [(later, 1, "1.3 Three")]


STEPS = """\
# Implementation Plan: Shared Lists

## Step 4: API Layer

- [ ] Add the endpoints

## Step 5: Frontend

- [ ] Build the page

## Step 6: Integration & Testing

- **Dependencies:** Steps 4, 5

- [ ] Write the end-to-end tests
- [ ] Deploy to staging
"""


async def test_a_blocked_phase_row_keeps_its_title_and_count_at_80_columns(tmp_path: Path):
    """At 80 × 24 a phase blocked by two phases read "▼ …  blocked by Step 4, Step 5  ░░░░░":
    its glyph, title and count cut away; the names are in the side panel."""
    from rich.style import Style

    path = tmp_path / "plan.md"
    path.write_text(STEPS, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        key = next(k for k, n in dash.plan_layout.nodes.items() if n.kind == "section" and "Step 6" in n.look.title)
        shown = dash.tree.render_label(dash.tree.node_for(key), Style(), Style()).plain
        assert "✗ Step 6" in shown and shown.rstrip().endswith("0/2") and "blocked" in shown


async def test_i_and_minus_on_a_section_say_why_nothing_happens(tmp_path: Path):
    """x on a section row says it ticks tasks; i and - said nothing and did nothing."""
    path = tmp_path / "plan.md"
    path.write_text(FIELDS_PLAN, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        dash.tree.reveal(next(k for k, n in dash.plan_layout.nodes.items() if n.kind == "section"))
        await pilot.press("i")
        await pilot.press("minus")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert "i marks a task in progress; this row is a section (→ opens it)." in said
        assert "- marks a task skipped; this row is a section (→ opens it)." in said
    assert path.read_text(encoding="utf-8") == FIELDS_PLAN


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM"])
def test_the_demo_copy_goes_when_the_terminal_closes(tmp_path: Path, how):
    """`plantui --demo` removes its copy on q, but a closed terminal (SIGHUP: the tmux pane
    or window closed) or a kill left /tmp/plantui-demo-*/ behind, one per demo."""
    import os
    import pty
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    main, side = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "plantui", "--demo"], stdin=side, stdout=side, stderr=side,
                            env=env, start_new_session=True)
    os.close(side)
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("plantui-demo-*/plan.md")) and time.monotonic() < deadline:
            time.sleep(0.05)  # a poll with a deadline: the copy is made before the first frame
        assert list(tmp_path.glob("plantui-demo-*/plan.md")), "the demo never started"
        proc.send_signal(getattr(signal, how))
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    assert not list(tmp_path.glob("plantui-demo-*"))


BRACKETS = """\
# Plan

## Phase 1: Parse [/] and [red]tags[/red]

- [ ] 1.1 Handle [/] and [b]bold[/b] text
- [x] 1.2 Other
"""


async def test_a_notification_with_brackets_in_the_plan_text_does_not_end_the_app(tmp_path: Path):
    """Ticking the last task of "Phase 1: Parse [/] and [red]tags[/red]" ended the dashboard with
    "MarkupError: auto closing tag ('[/]') has nothing to close": the toast read it as markup."""
    from textual.content import Content

    path = tmp_path / "plan.md"
    path.write_text(BRACKETS, encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        dash.tree.reveal(next(k for k in dash.plan_layout.key_item if dash.plan_layout.item(k).id == "1.1"))
        await pilot.press("x")
        await wait_for(pilot, lambda: "- [x] 1.1" in path.read_text(encoding="utf-8"), what="the tick")
        await wait_for(pilot, lambda: any("Parse [/] and [red]tags[/red]" in n.message for n in app._notifications),
                       what="the phase-done toast")
        for n in app._notifications:  # what a toast does to draw it (Textual's Toast.render)
            shown = Content.from_markup(n.message) if n.markup else Content(n.message)
            assert shown.plain == n.message


@pytest.mark.parametrize("query", ["[P]", "[/"])
async def test_a_search_for_a_bracket_tag_is_shown_as_typed_and_does_not_end_the_app(tmp_path: Path, query):
    """/ then "[/" ended the dashboard (MarkupError: the tree's subtitle read the words as
    markup), and a search for Spec Kit's "[P]" showed “” in the subtitle."""
    path = tmp_path / "plan.md"
    path.write_text(BRACKETS.replace("- [x] 1.2 Other", "- [x] 1.2 [P] Other"), encoding="utf-8")
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("slash")
        for ch in query:
            await pilot.press(ch)
        await pilot.pause()
        pane = dash.query_one("#tree-pane")
        assert pane._border_subtitle.plain == f"“{query}” · {dash.plan_layout.matches} shown"
        assert app.is_running
