"""Plans that are not Markdown boxes, as their users meet them: which tool keeps
each (``status --json``'s "tool", the overview's groups and footer)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from plantui.tools import describe

TASK = {"id": "1", "subject": "Read the code", "description": "", "activeForm": "Reading the code",
        "status": "pending", "blocks": [], "blockedBy": []}
TODOS = [{"content": "Run lint", "status": "pending", "activeForm": "Running lint"}]


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_claude_codes_task_lists_and_todo_lists_are_claude_codes(tmp_path, monkeypatch):
    config = tmp_path / "claude-config"  # CLAUDE_CONFIG_DIR: any name
    tasks = config / "tasks" / "0b1c-session"
    tasks.mkdir(parents=True)
    (tasks / "1.json").write_text(json.dumps(TASK), encoding="utf-8")
    todos = config / "todos" / "0b1c-session-agent-0b1c-session.json"
    todos.parent.mkdir()
    todos.write_text(json.dumps(TODOS), encoding="utf-8")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    assert describe(tasks).tool == "claude" and describe(todos).tool == "claude"
    doc = json.loads(run("status", "--json", tasks, todos).stdout)
    assert [(p["source"], p["tool"]) for p in doc["plans"]] == [("claude-tasks", "claude"), ("claude-todos", "claude")]


def test_claude_codes_home_folder_is_claude_codes_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    tasks = tmp_path / ".claude" / "tasks" / "0b1c-session"
    tasks.mkdir(parents=True)
    (tasks / "1.json").write_text(json.dumps(TASK), encoding="utf-8")
    assert describe(tasks).tool == "claude"
    assert describe(tmp_path / ".claude" / "todos" / "s-agent-s.json").tool == "claude"


def test_an_old_task_master_file_is_task_masters(tmp_path):
    old = tmp_path / "tasks" / "tasks.json"  # Task Master before .taskmaster/: tasks/tasks.json
    old.parent.mkdir()
    old.write_text(json.dumps({"tasks": [{"id": 1, "title": "One", "status": "pending"}]}), encoding="utf-8")
    doc = json.loads(run("status", "--json", old).stdout)
    assert [(p["source"], p["tool"]) for p in doc["plans"]] == [("taskmaster", "taskmaster")]


def test_a_claude_task_list_named_by_a_relative_path_is_read(tmp_path):
    tasks = tmp_path / "tasks" / "0b1c-session"
    tasks.mkdir(parents=True)
    (tasks / "1.json").write_text(json.dumps(TASK), encoding="utf-8")
    for cwd, name in ((tasks.parent, "0b1c-session"), (tasks, ".")):
        out = run("status", "--json", name, cwd=cwd)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["plans"][0]["source"] == "claude-tasks"
        check = run("check", name, cwd=cwd)
        assert check.returncode == 1 and "1 of 1" in check.stdout, check.stderr


def test_completion_offers_no_task_of_a_list_plantui_never_writes(tmp_path):
    from argparse import Namespace

    from plantui.completion import task_ids

    tasks = tmp_path / "tasks" / "0b1c-session"
    tasks.mkdir(parents=True)
    (tasks / "1.json").write_text(json.dumps(TASK), encoding="utf-8")
    assert task_ids("", Namespace(path=str(tasks), command="tick")) == {}  # a tick of it is refused
    cursor = tmp_path / "fix_0123abcd.plan.md"
    cursor.write_text("---\nname: Fix\ntodos:\n  - id: a\n    content: One\n    status: pending\n---\n", encoding="utf-8")
    assert task_ids("", Namespace(path=str(cursor), command="tick")) == {"a": "One"}


TASKMASTER = {"master": {"tasks": [{"id": 1, "title": "One", "status": "done"},
                                   {"id": 2, "title": "Two", "status": "pending"}]}}


def test_check_counts_tasks_not_boxes_where_a_plan_has_no_box(tmp_path):
    store = tmp_path / ".taskmaster" / "tasks" / "tasks.json"
    store.parent.mkdir(parents=True)
    store.write_text(json.dumps(TASKMASTER, indent=2), encoding="utf-8")
    out = run("check", store)
    assert out.returncode == 1 and out.stdout.splitlines()[0] == f"{store}: not complete, 1 of 2 tasks open"
    out = run("check", store, "--phase", "1")
    assert out.returncode == 0 and out.stdout == f"{store} (1 One): complete (1 task)\n"


def test_check_says_one_box_as_one(tmp_path):
    plan = tmp_path / "tasks.md"
    plan.write_text("# P\n\n- [x] T001 Only\n", encoding="utf-8")
    out = run("check", plan)
    assert out.returncode == 0 and out.stdout == f"{plan}: complete (1 box)\n"


def completed(line: str, cwd) -> list[str]:
    """What plantui answers the shell for ``line`` (argcomplete's protocol, as tests/test_completion.py asks)."""
    import os

    answer = cwd / "answer.txt"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": "bash", "COMP_LINE": line,
           "COMP_POINT": str(len(line)), "_ARGCOMPLETE_IFS": "\n", "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)}
    subprocess.run([sys.executable, "-m", "plantui"], env=env, cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL)
    words = answer.read_text(encoding="utf-8").split("\n")
    answer.unlink()
    return [w.rstrip() for w in words if w.strip()]


def test_the_dashboard_completes_a_task_master_file_as_a_plan(tmp_path):
    pytest.importorskip("argcomplete")
    store = tmp_path / ".taskmaster" / "tasks"
    store.mkdir(parents=True)
    (store / "tasks.json").write_text(json.dumps(TASKMASTER), encoding="utf-8")
    (store / "other.json").write_text("{}", encoding="utf-8")
    assert completed("plantui .taskmaster/tasks/", tmp_path) == [".taskmaster/tasks/tasks.json"]


def test_task_master_and_claude_todo_files_named_from_their_own_folder_are_read(tmp_path):
    store = tmp_path / ".taskmaster" / "tasks"
    store.mkdir(parents=True)
    (store / "tasks.json").write_text(json.dumps({**TASKMASTER, "feature": {"tasks": [
        {"id": 1, "title": "Other tag", "status": "pending"}]}}, indent=2), encoding="utf-8")
    (tmp_path / ".taskmaster" / "state.json").write_text('{"currentTag": "feature"}', encoding="utf-8")
    todos = tmp_path / "todos"
    todos.mkdir()
    (todos / "s-agent-s.json").write_text(json.dumps(TODOS), encoding="utf-8")
    for cwd, name, source, done_total in ((store, "tasks.json", "taskmaster", (0, 1)),
                                          (todos, "s-agent-s.json", "claude-todos", (0, 1))):
        out = run("status", "--json", name, cwd=cwd)
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)["plans"][0]
        assert (doc["source"], doc["tasks"]["done"], doc["tasks"]["total"]) == (source, *done_total), name
    assert "(feature)" in json.loads(run("status", "--json", "tasks.json", cwd=store).stdout)["plans"][0]["title"]
    out = run("tick", "tasks.json", "1", cwd=store)
    assert out.returncode == 0, out.stderr
    data = json.loads((store / "tasks.json").read_text(encoding="utf-8"))
    assert data["feature"]["tasks"][0]["status"] == "done" and data["master"]["tasks"][1]["status"] == "pending"
