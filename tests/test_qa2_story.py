"""The story over time of plans whose tasks are not boxes (a Cursor plan's todos,
Task Master's tasks.json, task headings): a tick of one is a completion for the
pace, and ``plantui history`` names it as done, as it does a box's."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from plantui import pace as P
from plantui.history import history_text, read_history
from plantui.timeline import Tick

CURSOR = """\
---
name: Tidy the cache
todos:
  - id: client
    content: Add the client
    status: completed
  - id: reads
    content: Read through it
    status: pending
---

# Tidy the cache
"""

AT = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def repo(folder):
    """A git repository at ``folder`` with a committer set; the function that runs git there."""
    def git(*args):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "qa@example.com")
    git("config", "user.name", "QA")
    return git

def test_ticks_written_in_words_and_emoji_are_completions_and_resets():
    ticks = [Tick(AT, "/p", "reads", "pending", "completed", "cli"),  # a Cursor todo
             Tick(AT + timedelta(minutes=1), "/p", "2.1", "pending", "done", "cli"),  # Task Master
             Tick(AT + timedelta(minutes=2), "/p", "T003", "", "✅", "cli"),  # a task heading
             Tick(AT + timedelta(minutes=3), "/p", "T004", "Pending", "Done", "cli"),  # a status line
             Tick(AT + timedelta(minutes=4), "/p", "2.1", "done", "in-progress", "cli")]  # a reset
    steps = [(n, k) for _, n, k in P.completions(ticks)]
    assert steps == [(1, "reads"), (1, "2.1"), (1, "T003"), (1, "T004"), (-1, "2.1")]


def test_a_cursor_todo_ticked_from_the_cli_counts_in_the_pace(tmp_path):
    plan = tmp_path / "fix_0123abcd.plan.md"
    plan.write_text(CURSOR, encoding="utf-8")
    assert run("status", plan).returncode == 0  # the event log's first look
    out = run("tick", plan, "reads")
    assert out.returncode == 0, out.stderr
    pace = json.loads(run("status", plan, "--json").stdout)["plans"][0]["pace"]
    assert pace["completed"] == 1 and pace["done"] == 1


def test_history_names_a_cursor_todo_ticked_in_a_commit_as_done(tmp_path):
    git = repo(tmp_path)
    plan = tmp_path / "fix_0123abcd.plan.md"
    plan.write_text(CURSOR, encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "plan")
    plan.write_text(CURSOR.replace("status: pending", "status: completed"), encoding="utf-8")
    git("commit", "-qam", "reads done")
    text = history_text(read_history(plan))
    assert "  ✓ reads Read through it\n" in text + "\n"
    assert "(other)" not in text


def test_history_names_a_heading_unticked_to_nothing_as_open(tmp_path):
    git = repo(tmp_path)
    plan = tmp_path / "plan.md"
    plan.write_text("# P\n\n### T001 One ✅\n### T002 Two ✅\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "plan")
    assert run("untick", plan, "T002").returncode == 0
    assert plan.read_text(encoding="utf-8") == "# P\n\n### T001 One ✅\n### T002 Two\n"  # its emoji gone whole
    git("commit", "-qam", "T002 again")
    assert "  ○ T002 Two  (unticked)" in history_text(read_history(plan))


async def test_a_reopened_dashboard_names_a_cursor_todo_ticked_while_closed_as_done(tmp_path, monkeypatch):
    import os

    from pilot import loaded, wait_for

    from plantui import eventlog
    from plantui.eventlog import EventLog
    from plantui.ui.app import PlantuiApp

    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    eventlog._shared.clear()
    eventlog.switch(True)
    plan = tmp_path / "fix_0123abcd.plan.md"
    plan.write_text(CURSOR, encoding="utf-8")
    try:
        async with PlantuiApp([plan], live=True).run_test(size=(120, 35)) as pilot:
            await loaded(pilot)
            await wait_for(pilot, lambda: EventLog().last_shown(plan) is not None, what="the plan shown")
        env = dict(os.environ, XDG_STATE_HOME=str(home))
        out = subprocess.run([sys.executable, "-m", "plantui", "tick", str(plan), "reads"], capture_output=True,
                             text=True, env=env, timeout=60)
        assert out.returncode == 0, out.stderr
        async with PlantuiApp([plan], live=True).run_test(size=(120, 35)) as pilot:
            dash = await loaded(pilot)
            texts = lambda: [e.text for e in dash.activity.entries]  # noqa: E731
            await wait_for(pilot, lambda: any(t.startswith("since last shown") for t in texts()), what="the news")
            assert "✓ reads Read through it" in texts()
    finally:
        eventlog.switch(False)
        for log in eventlog._shared.values():
            log.close()
        eventlog._shared.clear()


PHASED = "# P\n\n## Phase 1: Setup\n\n- [ ] T001 One\n- [ ] T002 Two\n\n## Phase 2: Core\n\n- [ ] T003 Three\n"


def test_a_tick_seen_by_the_event_log_and_committed_counts_once_with_git(tmp_path):
    git = repo(tmp_path)
    plan = tmp_path / "tasks.md"
    plan.write_text(PHASED, encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "plan")
    assert run("tick", plan, "T001").returncode == 0  # the event log names it "T001 One", git "T001"
    git("commit", "-qam", "T001 done")
    for args in ((), ("--git",)):
        pace = json.loads(run("status", plan, "--json", *args).stdout)["plans"][0]["pace"]
        assert (pace["completed"], pace["done"]) == (1, 1), args


def test_the_burnup_of_a_phase_follows_ticks_the_event_log_saw(tmp_path):
    from plantui.progress import summarize
    from plantui.snapshot import read

    plan = tmp_path / "tasks.md"
    plan.write_text(PHASED, encoding="utf-8")
    assert run("status", plan).returncode == 0
    assert run("tick", plan, "T001").returncode == 0
    snap = read(plan)
    seen = P.observed(plan, snap.plan)
    series = P.burnup(snap.plan, summarize(snap.plan), seen, phase=0)
    assert series.done[0] == 0 and series.done[-1] == 1  # worked back through the tick: 0 before it


def test_a_done_task_removed_and_put_back_is_no_new_completion():
    # a plan emptied and written back (an editor's two-step save, a branch switched and back,
    # a Cursor plan's front matter invalid for a moment): the event log saw each done task removed, then added
    ticks = [Tick(AT, "/p", "T001", " ", "x", "here"),
             Tick(AT + timedelta(minutes=1), "/p", "T001", "x", None, "outside"),
             Tick(AT + timedelta(minutes=1), "/p", "T002", "x", None, "outside"),
             Tick(AT + timedelta(minutes=2), "/p", "T001", None, "x", "outside"),
             Tick(AT + timedelta(minutes=2), "/p", "T002", None, "x", "outside"),
             Tick(AT + timedelta(minutes=3), "/p", "T003", None, "x", "outside")]  # a task new and done: counts
    assert [(n, k) for _, n, k in P.completions(ticks)] == [(1, "T001"), (1, "T003")]
