"""Claude Code's own stores read as plans, read-only: a task list folder (a JSON file per
task), a TodoWrite list, and ``plantui claude`` finding those of a project; followed live
while the agent rewrites them whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from plantui import actions
from plantui.claude_store import project_folder, project_lists
from plantui.cli import main
from plantui.errors import PlanError
from plantui.follower import Follower, read_settled
from plantui.model import State
from plantui.progress import summarize
from plantui.snapshot import read

FIXTURE = Path(__file__).parent / "fixtures" / "stores" / "claude"
SESSION = "5f0c1a2e-0000-4000-8000-000000000001"
TODOS = f"{SESSION}-agent-{SESSION}.json"
REFUSED = "is Claude Code's own task list; plantui does not write it; nothing written"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A copy of the fixture's Claude Code folder: tasks/list-a (3 tasks), a todo list."""
    shutil.copytree(FIXTURE, tmp_path / "claude")
    return tmp_path / "claude"


def run(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd)


def atomic_write(path: Path, data: object) -> None:
    """As Claude Code saves: a temporary file beside it, renamed over it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def test_a_task_list_folder_is_one_plan(config: Path):
    snap = read(config / "tasks" / "list-a")
    plan = snap.plan
    assert plan.source == "claude-tasks" and plan.title == "Claude Code tasks: list-a"
    assert [(i.id, i.state, i.text) for i in plan.items] == [
        ("1", State.DONE, "Read the billing module"),
        ("2", State.IN_PROGRESS, "Fixing the rounding of totals"),  # in progress: its activeForm
        ("3", State.OPEN, "Add a regression test")]
    assert plan.items[1].details == ("Fix the rounding of totals", "Round half to even, per line.", "owner: main")
    summary = summarize(plan)
    assert (summary.tasks.total, summary.tasks.done, summary.tasks.in_progress) == (3, 1, 1)
    assert [p.status for p in summary.phases] == ["done", "in progress", "blocked"]  # 3 waits for 2
    assert plan.items[summary.next_task].id == "2"
    assert {(e.before, e.after) for e in plan.graph} == {("1", "2"), ("2", "3")}


def test_blocks_also_says_what_waits(config: Path):
    """Claude Code keeps both sides of a dependency; a list with only ``blocks`` still blocks."""
    folder = config / "tasks" / "list-a"
    for name in ("2.json", "3.json"):
        task = json.loads((folder / name).read_text())
        atomic_write(folder / name, {**task, "blockedBy": []})
    summary = summarize(read(folder).plan)
    assert [p.status for p in summary.phases] == ["done", "in progress", "blocked"]


def test_a_todo_list_is_one_plan(config: Path):
    plan = read(config / "todos" / TODOS).plan
    assert plan.source == "claude-todos"
    assert [(i.id, i.state, i.text) for i in plan.items] == [
        ("1", State.DONE, "Run the test suite"), ("2", State.IN_PROGRESS, "Fixing the failing date test"),
        ("3", State.OPEN, "Update the changelog")]
    assert plan.items[1].details == ("Fix the failing date test",)
    assert read(config / "todos" / TODOS).plan.items[2].marker == "pending"


@pytest.mark.parametrize("where", ["tasks/list-a", f"todos/{TODOS}"])
def test_plantui_never_writes_them(config: Path, where: str):
    path = config / where
    files = sorted(p for p in ([path] if path.is_file() else path.iterdir()))
    before = {p: p.read_bytes() for p in files}
    for args in (("tick", path, "3"), ("untick", path, "1"), ("mark", path, "/", "3")):
        out = run(*args)
        assert out.returncode == 2 and out.stdout == ""
        assert out.stderr == f"plantui: {path}: {args[-1]} {REFUSED}\n"
    assert {p: p.read_bytes() for p in files} == before
    assert sorted(p for p in ([path] if path.is_file() else path.iterdir())) == files  # no file added either
    with pytest.raises(PlanError, match=REFUSED):
        actions.mark_items(path, [read(path).plan.items[2]], None)


def test_status_reads_a_task_list_folder(config: Path):
    out = run("status", "--json", config / "tasks" / "list-a", config / "todos" / TODOS)
    assert out.returncode == 0, out.stderr
    plans = json.loads(out.stdout)["plans"]
    assert [p["source"] for p in plans] == ["claude-tasks", "claude-todos"]
    assert [p["tasks"]["done"] for p in plans] == [1, 1]
    assert {i["source"] for i in plans[0]["items"]} == {"claude-tasks"}


@pytest.mark.parametrize("where, name", [("tasks/list-a", "2.json"), ("todos", TODOS)])
def test_malformed_json_is_one_line_and_exit_2(config: Path, where: str, name: str):
    (config / where / name).write_text('{"id": "2", "subject": "Half', encoding="utf-8")
    path = config / where if where.startswith("tasks") else config / where / name
    out = run("status", path)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == (f"plantui: {config / where / name}: not valid JSON "
                          "(line 1 column 24: Unterminated string starting)\n")


async def test_the_dashboard_says_a_malformed_file_and_keeps_the_last_view(config: Path):
    from pilot import loaded, wait_for

    from plantui.ui.app import PlantuiApp

    folder = config / "tasks" / "list-a"
    app = PlantuiApp([folder], live=True)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        good = (folder / "3.json").read_text()
        (folder / "3.json").write_text("{", encoding="utf-8")
        await wait_for(pilot, lambda: dash.error is not None, what="the error said")
        assert dash.error == f"{folder / '3.json'}: not valid JSON (line 1 column 2: expected a property name in double quotes)"
        assert len(dash.snapshot.plan.items) == 3  # the last good view stays
        atomic_write(folder / "3.json", {**json.loads(good), "status": "completed"})
        await wait_for(pilot, lambda: dash.snapshot.plan.items[2].state is State.DONE, what="the list read again")


def test_a_task_list_is_followed_while_the_agent_rewrites_it(config: Path):
    folder = config / "tasks" / "list-a"
    seen = threading.Event()
    calls: list[str] = []

    def changed(kind: str) -> None:
        calls.append(kind)
        seen.set()

    follower = Follower(folder, changed).start()
    try:
        first = read_settled(folder)
        task = json.loads((folder / "2.json").read_text())
        atomic_write(folder / "2.json", {**task, "status": "completed"})
        assert seen.wait(10), "no change seen"
        assert read_settled(folder, first).plan.items[1].state is State.DONE
        seen.clear()
        atomic_write(folder / "4.json", {"id": "4", "subject": "Ship it", "activeForm": "Shipping it",
                                         "status": "pending", "blocks": [], "blockedBy": ["3"]})
        assert seen.wait(10), "a new task's file not seen"
        plan = read_settled(folder).plan
        assert [i.id for i in plan.items] == ["1", "2", "3", "4"]
        seen.clear()
        (folder / "1.json").unlink()  # Claude Code removes finished tasks
        assert seen.wait(10), "a removed task's file not seen"
        assert [i.id for i in read_settled(folder).plan.items] == ["2", "3", "4"]
        assert "deleted" not in calls
    finally:
        follower.stop()


def test_a_task_list_removed_is_called_deleted(config: Path):
    folder = config / "tasks" / "list-a"
    gone = threading.Event()
    follower = Follower(folder, lambda kind: gone.set() if kind == "deleted" else None, grace=0.05).start()
    try:
        saved = {p.name: p.read_bytes() for p in folder.iterdir()}
        shutil.rmtree(folder)
        assert gone.wait(10), "the list's removal not seen"
        back = threading.Event()
        follower.callback = lambda kind: back.set() if kind == "changed" else None
        folder.mkdir()  # made again (a new folder: the old watch went with the old one)
        for name, data in saved.items():
            (folder / name).write_bytes(data)
        assert back.wait(10), "the list back not seen"
        follower.back()  # as the owner does when its read finds it: no more looks
        back.clear()
        task = json.loads(saved["3.json"])
        atomic_write(folder / "3.json", {**task, "status": "completed"})
        assert back.wait(10), "a rewrite in the new folder not seen"
    finally:
        follower.stop()


def test_a_todo_list_is_followed_while_the_agent_rewrites_it(config: Path):
    path = config / "todos" / TODOS
    seen = threading.Event()
    follower = Follower(path, lambda kind: seen.set()).start()
    try:
        todos = json.loads(path.read_text())
        todos[1]["status"] = "completed"
        atomic_write(path, todos)
        assert seen.wait(10), "no change seen"
        assert [i.state for i in read_settled(path).plan.items] == [State.DONE, State.DONE, State.OPEN]
    finally:
        follower.stop()


async def test_the_dashboard_follows_a_task_list(config: Path):
    from pilot import loaded, wait_for

    from plantui.ui.app import PlantuiApp

    folder = config / "tasks" / "list-a"
    app = PlantuiApp([folder], live=True)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        assert [it.state for it in dash.snapshot.plan.items] == [State.DONE, State.IN_PROGRESS, State.OPEN]
        task = json.loads((folder / "3.json").read_text())
        atomic_write(folder / "3.json", {**task, "status": "in_progress"})
        await wait_for(pilot, lambda: dash.snapshot.plan.items[2].text == "Adding a regression test",
                       what="the rewrite on screen")
        await pilot.press("space")  # refused: said, nothing written
        await wait_for(pilot, lambda: any(REFUSED in str(n.message) for n in app._notifications), what="the refusal")
        assert json.loads((folder / "3.json").read_text())["status"] == "in_progress"


# -- plantui claude: the lists of a project -------------------------------------------------------


def make_project(tmp_path: Path, config: Path, sessions: list[str]) -> Path:
    project = tmp_path / "my_app"
    project.mkdir()
    folder = project_folder(project.resolve(), config)
    folder.mkdir(parents=True)
    for s in sessions:
        (folder / f"{s}.jsonl").write_text('{"type":"user"}\n')
    return project


def test_project_folder_is_the_path_with_every_other_character_a_dash(tmp_path: Path):
    assert project_folder(Path("/home/me/my_app.v2"), tmp_path) == tmp_path / "projects" / "-home-me-my-app-v2"


def test_plantui_claude_opens_the_lists_of_the_project_newest_first(tmp_path: Path, config: Path):
    other = "9e9e9e9e-0000-4000-8000-000000000009"
    project = make_project(tmp_path, config, [SESSION, "list-a"])
    (config / "todos" / f"{other}-agent-{other}.json").write_text('[{"content":"Elsewhere","status":"pending"}]')
    (config / "todos" / f"list-a-agent-list-a.json").write_text("[]")  # empty: left out
    shutil.copytree(config / "tasks" / "list-a", config / "tasks" / other)  # another project's list
    os.utime(config / "todos" / TODOS, ns=(1, 1_000_000_000))  # the todos are older than the task list
    plans = config / "plans"
    plans.mkdir()
    (plans / "brave-blue-fox.md").write_text("# Plan\n\n- [ ] Step\n")
    (plans / "other-plan.md").write_text("# Other\n")
    sessions = project_folder(project.resolve(), config)
    (sessions / f"{SESSION}.jsonl").write_text(f'{{"message":"Plan saved to {plans}/brave-blue-fox.md"}}\n')
    os.utime(plans / "brave-blue-fox.md", ns=(1, 500_000_000))
    assert project_lists(project, config) == [config / "tasks" / "list-a", config / "todos" / TODOS,
                                              plans / "brave-blue-fox.md"]
    out = run("claude", "--list", cwd=project, env={"CLAUDE_CONFIG_DIR": str(config)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [str(config / "tasks" / "list-a"), str(config / "todos" / TODOS),
                                       str(plans / "brave-blue-fox.md")]


def test_a_named_task_list_and_plans_directory_of_the_project(tmp_path: Path, config: Path):
    project = make_project(tmp_path, config, [])
    (project / ".claude").mkdir()
    (project / ".claude" / "settings.json").write_text(json.dumps(
        {"env": {"CLAUDE_CODE_TASK_LIST_ID": "list-a"}, "plansDirectory": "docs/plans"}))
    (project / "docs" / "plans").mkdir(parents=True)
    (project / "docs" / "plans" / "p.md").write_text("- [ ] One\n")
    found = project_lists(project, config)
    assert set(found) == {config / "tasks" / "list-a", (project / "docs" / "plans" / "p.md").resolve()}


def test_plantui_claude_with_nothing_found_is_one_line_and_exit_2(tmp_path: Path, config: Path):
    project = make_project(tmp_path, config, ["no-such-session"])
    out = run("claude", project, env={"CLAUDE_CONFIG_DIR": str(config)})
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == f"plantui: no Claude Code task lists, todos or plans for {project.resolve()} in {config}\n"
    out = run("claude", tmp_path / "nowhere", env={"CLAUDE_CONFIG_DIR": str(config)})
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "not a folder" in out.stderr


def test_status_line_and_check_take_a_task_list_folder(config: Path):
    folder = config / "tasks" / "list-a"
    out = run("status", "--line", "--width", "0", folder)
    assert out.returncode == 0, out.stderr
    assert "1/3" in out.stdout and "next 2" in out.stdout
    assert run("check", folder).returncode == 1  # tasks open
