"""Task Master's tasks.json read as a plan (tasks, subtasks, tags, dependencies), and a
status ticked in place: only the status value's bytes change, and untick restores them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pilot import loaded, wait_for

from plantui import actions
from plantui.cli import main
from plantui.errors import PlanError
from plantui.model import State
from plantui.progress import summarize
from plantui.snapshot import read

FIXTURE = Path(__file__).parent / "fixtures" / "stores" / "taskmaster"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project: ``.taskmaster/tasks/tasks.json``, tags master and feature-reports."""
    shutil.copytree(FIXTURE, tmp_path / "ledger")
    return tmp_path / "ledger"


def tasks_json(project: Path) -> Path:
    return project / ".taskmaster" / "tasks" / "tasks.json"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_tasks_are_phases_and_subtasks_their_tasks(project: Path):
    plan = read(tasks_json(project)).plan
    assert plan.source == "taskmaster" and plan.title == "ledger: Task Master (master)"
    assert [(i.id, i.state, i.marker) for i in plan.items] == [
        ("1", State.DONE, "done"), ("2", State.IN_PROGRESS, "in-progress"), ("2.1", State.DONE, "done"),
        ("2.2", State.OPEN, "pending"), ("2.3", State.IN_PROGRESS, "review"), ("3", State.OPEN, "pending"),
        ("4", State.SKIPPED, "deferred"), ("5", State.SKIPPED, "cancelled")]
    assert plan.items[0].text == 'Set up the "ledger" repository'  # escapes decoded
    assert plan.items[0].details == ("Repository, CI and café lint rules.",)
    assert [plan.items[k].id for k in plan.items[1].children] == ["2.1", "2.2", "2.3"]
    assert [ph.title for ph in plan.phases] == ['1 Set up the "ledger" repository', "2 Build the ledger service",
                                                "3 Write the résumé export", "4 Old importer", "5 Legacy bridge"]
    summary = summarize(plan)
    assert (summary.tasks.total, summary.tasks.done, summary.tasks.in_progress, summary.tasks.skipped) == (8, 2, 2, 2)
    assert [p.status for p in summary.phases] == ["done", "in progress", "blocked", "done", "done"]
    assert summary.phases[2].blocked_by == (1,)  # task 3 depends on task 2, not done
    assert plan.items[summary.next_task].id == "2.2"  # the first open subtask whose task is not blocked
    assert {(e.before, e.after) for e in plan.graph} == {("1", "2"), ("2.1", "2.2"), ("2.2", "2.3"), ("2", "3")}
    assert any("feature-reports" in w.message for w in plan.warnings)  # the other tag is said, not shown


def test_the_current_tag_of_state_json_is_shown(project: Path):
    (project / ".taskmaster" / "state.json").write_text(json.dumps({"currentTag": "feature-reports"}))
    plan = read(tasks_json(project)).plan
    assert plan.title == "ledger: Task Master (feature-reports)"
    assert [(i.id, i.text) for i in plan.items] == [("1", "Report layout")]


def test_an_older_file_without_tags(tmp_path: Path):
    path = tmp_path / "tasks" / "tasks.json"
    path.parent.mkdir()
    path.write_text('{\n  "tasks": [\n    {"id": 1, "title": "One", "status": "pending", "dependencies": [2]},\n'
                    '    {"id": 2, "title": "Two", "status": "done"}\n  ]\n}\n')
    plan = read(path).plan
    assert [(i.id, i.state) for i in plan.items] == [("1", State.OPEN), ("2", State.DONE)]
    assert summarize(plan).phases[0].status == "not started"  # its dependency is done: not blocked


def test_tick_and_untick_change_only_the_status_bytes(project: Path):
    path = tasks_json(project)
    before = path.read_bytes()
    assert main(["tick", str(path), "2.2"]) == 0
    after = path.read_bytes()
    assert after == before.replace(b'"status": "pending"\n          },\n          {\n            "id": 3',
                                   b'"status": "done"\n          },\n          {\n            "id": 3', 1)
    assert after != before and len(after) == len(before) - len("pending") + len("done")
    assert read(path).plan.items[3].state is State.DONE
    assert main(["untick", str(path), "2.2"]) == 0
    assert path.read_bytes() == before  # every byte as it was
    assert main(["mark", str(path), "/", "3"]) == 0  # in progress, in Task Master's word
    assert b'"status": "in-progress",\n        "subtasks": []' in path.read_bytes()
    assert main(["mark", str(path), "~", "3"]) == 0  # skipped: cancelled
    plan = read(path).plan
    assert (plan.items[5].marker, plan.items[5].state) == ("cancelled", State.SKIPPED)
    json.loads(path.read_text(encoding="utf-8"))  # still JSON


def test_an_escape_before_the_status_on_its_line_does_not_shift_the_write(tmp_path: Path):
    path = tmp_path / "tasks" / "tasks.json"
    path.parent.mkdir()
    text = ('{"tasks": [\n'
            '{"id": 1, "title": "Caf\\u00e9 \\"menu\\" \\\\ r\u00e9sum\u00e9", "status": "pending", "dependencies": []},\n'
            '{"id": 2, "title": "pending", "status": "pending"}\n'
            ']}\n')
    path.write_text(text, encoding="utf-8")
    item = read(path).plan.items[0]
    assert item.text == 'Café "menu" \\ résumé' and item.marker == "pending"
    assert actions.mark(path, ["1"], None).written
    assert path.read_text(encoding="utf-8") == text.replace('"status": "pending", "dep', '"status": "done", "dep')
    assert actions.mark(path, ["2"], None).written  # the title that reads "pending" is left alone
    assert path.read_text(encoding="utf-8").endswith('{"id": 2, "title": "pending", "status": "done"}\n]}\n')


def test_a_minified_file_is_read_but_not_written(tmp_path: Path):
    path = tmp_path / "tasks" / "tasks.json"
    path.parent.mkdir()
    text = '{"tasks":[{"id":1,"title":"One","status":"pending"},{"id":2,"title":"Two","status":"pending"}]}'
    path.write_text(text)
    assert [i.state for i in read(path).plan.items] == [State.OPEN, State.OPEN]
    with pytest.raises(PlanError, match="1 is on a line with another task's status \\(a minified tasks.json\\); "
                                        "plantui does not write it; nothing written"):
        actions.mark(path, ["1"], None)
    assert path.read_text() == text


def test_a_task_without_a_status_is_pending_and_not_written(tmp_path: Path):
    path = tmp_path / "tasks" / "tasks.json"
    path.parent.mkdir()
    path.write_text('{"tasks": [\n  {"id": 7, "title": "No status yet"}\n]}\n')
    item = read(path).plan.items[0]
    assert item.state is State.OPEN and item.id == "7"
    out = run("tick", path, "7")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == (f"plantui: {path}: 7 is a task without a status value in tasks.json; "
                          "plantui does not write it; nothing written\n")


@pytest.mark.parametrize("text, said", [
    ('{"master": {"tasks": [\n  {"id": 1, "status": "pending",}\n]}}', "not valid JSON (line 2 column 33: expected a property name"),
    ('{"master": {"tasks": [', "not valid JSON (line 1 column 23: the text ends where a value should be)"),
    ('{"version": 3}', 'no Task Master tasks in it'),
])
def test_a_bad_file_is_one_line_and_exit_2(tmp_path: Path, text: str, said: str):
    path = tmp_path / "tasks" / "tasks.json"
    path.parent.mkdir()
    path.write_text(text)
    for args in (("status", path), ("tick", path, "1")):
        out = run(*args)
        assert out.returncode == 2 and out.stdout == ""
        assert out.stderr.startswith(f"plantui: {path}: {said}") and out.stderr.count("\n") == 1
    assert path.read_text() == text  # nothing written


def test_status_json_names_the_source(project: Path):
    out = run("status", "--json", tasks_json(project))
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)["plans"][0]
    assert plan["source"] == "taskmaster"
    assert {i["source"] for i in plan["items"]} == {"json"}
    assert plan["phases"][2]["status"] == "blocked"


async def test_space_in_the_dashboard_ticks_the_next_subtask_in_place(project: Path):
    from plantui.ui.app import PlantuiApp

    path = tasks_json(project)
    before = path.read_bytes()
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        assert dash.plan_layout.item(dash.tree.cursor_key).id == "2.2"  # the cursor starts on the next task
        await pilot.press("space")
        await wait_for(pilot, lambda: path.read_bytes() != before, what="the tick on disk")
        assert path.read_bytes() == before.replace(b'"status": "pending"\n          },\n          {\n            "id": 3',
                                                   b'"status": "done"\n          },\n          {\n            "id": 3', 1)
        await wait_for(pilot, lambda: [(i.id, i.state) for i in dash.snapshot.plan.items][3] == ("2.2", State.DONE),
                       what="the tick in the view")
        assert len(dash.snapshot.plan.items) == 8 and dash.snapshot.plan.source == "taskmaster"
        await pilot.press("u")  # undo, as for a box
        await wait_for(pilot, lambda: path.read_bytes() == before, what="the undo on disk")


def test_the_plan_after_a_write_is_read_by_its_reader(project: Path):
    """The snapshot a tick returns (what the dashboard shows next) is the store's plan, not
    the JSON read as Markdown (no boxes: every task gone from the view)."""
    path = tasks_json(project)
    result = actions.mark(path, ["2.2"], None)
    assert result.snapshot.plan.source == "taskmaster"
    assert [(i.id, i.state) for i in result.snapshot.plan.items][3] == ("2.2", State.DONE)


# -- the position-aware JSON reader under it ------------------------------------------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

from plantui import jsonspots  # noqa: E402

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@hsettings(max_examples=200, deadline=None)
@given(_JSON, st.sampled_from([None, 0, 2]), st.booleans())
def test_jsonspots_reads_what_json_reads_and_knows_where(value, indent, ascii_only):
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    got = jsonspots.load(text)
    assert got == json.loads(text)

    def check(v):
        if isinstance(v, jsonspots.Obj):
            for key, (start, end) in v.spots.items():
                assert json.loads(text[start:end]) == v[key]  # the spot is exactly the value's text
                check(v[key])
        elif isinstance(v, list):
            for x in v:
                check(x)

    check(got)


@pytest.mark.parametrize("text", ['{"a": 1,}', "[1 2]", '{"a" 1}', "01", '"\\x"', "nul", "[1] 2", ""])
def test_jsonspots_refuses_what_json_refuses(text: str):
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(jsonspots.JSONError):
        jsonspots.load(text)
