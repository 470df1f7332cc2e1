"""Codex ExecPlans: a partly done Progress step is in progress, its time stamp is
when it was done, and a file of several ``# EP-…`` plans says how each stands."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from plantui import actions
from plantui.cli import main
from plantui.execplan import is_execplan_path, parts
from plantui.model import State
from plantui.pace import plan_ticks
from plantui.progress import summarize
from plantui.snapshot import read
from plantui.ui.detail import detail_lines, task_detail

FIXTURES = Path(__file__).parent / "fixtures" / "agents"


def _copy(tmp_path: Path, fixture: str, where: str) -> Path:
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / fixture, path)
    return path


@pytest.mark.parametrize("where", ["PLANS.md", ".agent/PLANS.md", ".agent/plans/search.md",
                                   ".agent/execplans/search.md", "docs/exec-plans/active/search.md"])
def test_an_execplan_is_known_by_where_it_lives(tmp_path: Path, where: str):
    assert is_execplan_path(Path(where))
    path = _copy(tmp_path, "execplan_several.md", where)  # (its text never says "ExecPlan")
    assert read(path).plan.source == "execplan"


def test_other_files_stay_markdown(tmp_path: Path):
    for where in ("plan.md", "docs/plans/x.md", ".agent/notes.md", "exec-plans/x.md", "docs/exec-plans/x.txt"):
        assert not is_execplan_path(Path(where)), where
    assert read(_copy(tmp_path, "execplan_several.md", "tasks.md")).plan.source == "markdown"


def test_a_partly_done_step_is_in_progress(tmp_path: Path):
    path = _copy(tmp_path, "execplan_search.md", "docs/search.md")  # claimed by what it says of itself
    plan = read(path).plan
    assert plan.source == "execplan"
    assert [it.state for it in plan.items] == [State.DONE, State.DONE, State.IN_PROGRESS, State.OPEN]
    partly = plan.items[2]
    assert partly.marker == " " and partly.text.endswith("(completed: server side; remaining: the page).")
    s = summarize(plan)
    assert (s.tasks.done, s.tasks.in_progress, s.status) == (2, 1, "In Progress")
    assert s.next_task == 2


def test_ticking_a_partly_done_step_writes_its_box_only(tmp_path: Path):
    path = _copy(tmp_path, "execplan_search.md", ".agent/plans/search.md")
    before = path.read_bytes()
    result = actions.mark(path, [14], None)
    assert result.written and result.snapshot.plan.source == "execplan"
    assert path.read_bytes() == before.replace(b"- [ ] (2025-10-03 16:10Z)", b"- [x] (2025-10-03 16:10Z)")
    assert read(path).plan.items[2].state is State.DONE
    actions.mark(path, [14], " ")
    assert path.read_bytes() == before
    assert read(path).plan.items[2].state is State.IN_PROGRESS  # its words say so again


def test_the_time_stamp_is_the_done_time(tmp_path: Path):
    plan = read(_copy(tmp_path, "execplan_search.md", "PLANS.md")).plan
    ticks = plan_ticks(plan)
    assert [t.at for t in ticks] == [datetime(2025, 10, 1, 13, 0, tzinfo=timezone.utc),
                                     datetime(2025, 10, 2, 9, 30, tzinfo=timezone.utc)]
    rows = dict(detail_lines(task_detail(plan, summarize(plan), 0)))
    assert rows["Done at"] == "2025-10-01 13:00 UTC"
    rows = dict(detail_lines(task_detail(plan, summarize(plan), 2)))
    assert rows["Stamped"] == "2025-10-03 16:10 UTC" and "Done at" not in rows
    assert "Done at" not in dict(detail_lines(task_detail(plan, summarize(plan), 3)))


def test_several_plans_in_one_file(tmp_path: Path):
    path = _copy(tmp_path, "execplan_several.md", ".agent/PLANS.md")
    plan = read(path).plan
    found = parts(str(path), plan, summarize(plan))
    assert [(p.name.rsplit("/", 1)[-1], p.line, p.status, p.tasks.done, p.tasks.in_progress, p.tasks.total)
            for p in found] == [("PLANS.md#EP-20260301-export-csv", 12, "Complete", 2, 0, 2),
                                ("PLANS.md#EP-20260311-import-csv", 23, "In Progress", 1, 1, 3)]
    assert found[0].next_task is None and plan.items[found[1].next_task].line == 28
    # a file of one plan has no parts
    single = read(_copy(tmp_path, "execplan_search.md", "PLANS.md")).plan
    assert parts("PLANS.md", single, summarize(single)) == ()


def test_status_json_names_the_source_and_the_parts(tmp_path: Path, capsys):
    path = _copy(tmp_path, "execplan_several.md", ".agent/PLANS.md")
    assert main(["status", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)["plans"][0]
    assert doc["source"] == "execplan" and doc["tasks"]["in_progress"] == 1
    assert [(p["name"], p["status"], p["tasks"]["total"]) for p in doc["parts"]] == [
        (f"{path}#EP-20260301-export-csv", "Complete", 2), (f"{path}#EP-20260311-import-csv", "In Progress", 3)]
    assert doc["parts"][1]["next_task"]["line"] == 28
    md = _copy(tmp_path, "execplan_search.md", "plan.md")
    md.write_text(md.read_text().replace("ExecPlan", "plan"))
    assert main(["status", "--json", str(md)]) == 0
    doc = json.loads(capsys.readouterr().out)["plans"][0]
    assert doc["source"] == "markdown" and doc["parts"] == [] and doc["tasks"]["in_progress"] == 0


def test_another_process_writing_the_plan_is_followed(tmp_path: Path):
    path = _copy(tmp_path, "execplan_search.md", "PLANS.md")
    first = read(path)
    path.write_bytes(path.read_bytes().replace(b"- [ ] Paginate beyond ten results.",
                                               b"- [ ] (2025-10-04 10:00Z) Paginate (completed: the query; remaining: the links)."))
    again = read(path, previous=first)
    assert [it.state for it in again.plan.items][-1] is State.IN_PROGRESS
