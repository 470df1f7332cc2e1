"""Issue #14, what was left of reading plans: task headings beside a closing gate
checklist, ``Task 4`` headings' ids, Task Master's plan title, a milestone named by
several Progress entries, and open optional tasks at the plan level."""

from __future__ import annotations

import json

from plantui import actions, snapshot
from plantui.cli import main
from plantui.model import State
from plantui.parser import build_plan, parse
from plantui.progress import summarize
from plantui.lines import Lines


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


# 2. "## Task 4 — Title": id 4 ------------------------------------------------------------------

DEPLOY = """# Ship the shop

## Task 1 — Build the cart ✅

## Task 2 — Take payments

## Task 3: Send receipts [DONE]
"""


def test_a_task_heading_takes_its_number_as_its_id_and_tick_finds_it(tmp_path, capsys):
    plan = parse(DEPLOY)
    assert [(it.id, it.text, it.state) for it in plan.items] == [
        ("1", "Build the cart", State.DONE), ("2", "Take payments", State.OPEN), ("3", "Send receipts", State.DONE)]
    path = _write(tmp_path, "plan.md", DEPLOY)
    assert main(["tick", str(path), "2"]) == 0
    assert path.read_text().splitlines()[4] == "## Task 2 — Take payments ✅"  # where the file puts its ✅
    assert path.read_text().replace("payments ✅", "payments") == DEPLOY  # only what says done was written
    assert main(["untick", str(path), "2"]) == 0
    assert path.read_text() == DEPLOY


def test_a_task_number_that_another_task_has_too_gives_no_id():
    """"Task 1.1" beside a "1.1" heading: "1.1" would be ambiguous, so the Task keeps its
    word and no id (a tick names it by line); "Task 2", alone, is 2."""
    text = ("# Plan\n\n## Phase 1: Base\n\n### 1.1 Schema [DONE]\n\n### Task 1.1: Seed data\n\n"
            "### Task 2: Routes\n")
    plan = parse(text)
    assert [(it.id, it.text) for it in plan.items] == [
        ("1.1", "Schema"), (None, "Task 1.1 Seed data"), ("2", "Routes")]


def test_a_task_master_subtask_number_is_not_taken_twice():
    text = ("# Task ID: 4\n# Title: Ledger\n# Status: pending\n\n# Subtasks:\n## 1. Parse [done]\n\n"
            "## 2. Store [pending]\n")
    plan = parse(text)
    assert [it.id for it in plan.items] == ["4", "1", "2"]


# 3. Task Master's task_007.md: the plan title ---------------------------------------------------

def test_the_title_of_a_task_master_task_file_is_its_title_value():
    text = "# Task ID: 7\n# Title: Import the old cards\n# Status: pending\n# Dependencies: None\n"
    assert parse(text).title == "Import the old cards"
    assert parse("# Task ID: 7\n# Status: pending\n").title == "Task ID: 7"  # no title: as before
    assert parse("# Title: A page\n\n- [ ] one\n").title == "Title: A page"  # no Task ID: as before


# 1. Task headings beside a closing gate checklist ------------------------------------------------

SPECKIT = """# Tasks: Photo album

## Phase 1: Setup

### T001: Create the project ✅

### T002: Add the database [DONE]

## Phase 2: Albums

### T003: List albums

### T004: Upload a photo

## Validation Checklist

- [x] Every task has a test
- [ ] The quickstart runs end to end
"""

GATES = """# Story 3: Export

### Task 1: Pick the format [DONE]

### Task 2: Write the file [IN PROGRESS]

## Quality Gates

- [ ] Lint passes
- [ ] Tests pass

## Definition of Done

- [ ] Reviewed
"""


def _fresh(text: str):
    return summarize(build_plan(Lines.of(text), chunked=False))


def test_task_headings_are_read_when_the_only_boxes_are_a_closing_checklist():
    plan = parse(SPECKIT)
    assert [(it.line, it.kind.value, it.id, it.state) for it in plan.items] == [
        (5, "task", "T001", State.DONE), (7, "task", "T002", State.DONE), (11, "task", "T003", State.OPEN),
        (13, "task", "T004", State.OPEN), (17, "check", None, State.DONE), (18, "check", None, State.OPEN)]
    s = summarize(plan)
    assert (s.tasks.total, s.tasks.done, s.checks.total, s.checks.done) == (4, 2, 2, 1)
    assert [p.status for p in s.phases] == ["done", "not started"]
    assert [(c.title, c.items) for c in plan.checkpoints] == [("Validation Checklist", (4, 5))]
    g = summarize(parse(GATES))
    assert (g.tasks.total, g.tasks.done, g.tasks.in_progress, g.checks.total) == (2, 1, 1, 3)


def test_a_plan_with_box_tasks_keeps_its_task_headings_as_they_were():
    """One box outside the gate list: the plan has box tasks, its headings are notes
    and its checklist is read as before (tasks: "Validation Checklist" is no gate name)."""
    text = SPECKIT.replace("### T003: List albums\n", "### T003: List albums\n\n- [ ] the list view\n")
    plan = parse(text)
    assert [(it.kind.value, it.spelling) for it in plan.items] == [("task", None)] * 3
    assert plan.checkpoints == ()


def test_ticking_a_heading_task_and_a_check_beside_it(tmp_path, capsys):
    path = _write(tmp_path, "tasks.md", SPECKIT)
    assert main(["tick", str(path), "T003"]) == 0
    text = path.read_text()
    assert text == SPECKIT.replace("### T003: List albums", "### T003: List albums ✅")  # where T001 has it
    assert summarize(snapshot.read(path).plan) == _fresh(text)
    assert main(["tick", str(path), "--line", "18"]) == 0
    text = path.read_text()
    assert text.splitlines()[17] == "- [x] The quickstart runs end to end"
    assert summarize(snapshot.read(path).plan) == _fresh(text)
    assert main(["untick", str(path), "T003"]) == 0 and main(["untick", str(path), "--line", "18"]) == 0
    assert path.read_text() == SPECKIT
    capsys.readouterr()
    assert main(["status", "--json", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    plan = out if "items" in out else out["plans"][0]
    assert [(i["kind"], i["source"]) for i in plan["items"]] == [("task", "heading")] * 4 + [("check", "box")] * 2


def _ticked(plan, lines: Lines, summary, text: str):
    """The plan, lines and summary after ``text`` by the tick path (no parse, the summary
    updated), each checked equal to a fresh parse and a fresh summary."""
    from plantui.after_tick import update
    from plantui.incremental import reparse

    new_lines = Lines.of(text)
    new_plan = reparse(plan, lines, new_lines)
    assert new_plan == build_plan(new_lines)
    got = update(plan, summary, new_plan)
    want = summarize(new_plan)
    assert got == want and got.parts == want.parts
    return new_plan, new_lines, got


def test_a_tick_of_a_check_beside_heading_tasks_updates_the_summary_as_a_fresh_parse_does():
    lines = Lines.of(SPECKIT)
    plan = build_plan(lines)
    _ticked(plan, lines, summarize(plan), SPECKIT.replace("- [ ] The quickstart", "- [x] The quickstart"))


# 5. Open optional tasks never hold the plan open ------------------------------------------------

KIRO = """# Implementation Plan

- [x] 1. Set up the store
  - [x] 1.1 Write the schema
  - [ ]* 1.2 Property tests for the schema

- [x] 2. Serve the API
  - [x] 2.1 Routes
  - [ ]* 2.2 Load tests
"""


def test_open_optional_tasks_leave_the_plan_complete_and_every_gate_agrees(tmp_path, capsys):
    s = summarize(parse(KIRO))
    assert s.status == "Complete" and s.tasks.open == 2 and s.required_open == 0
    assert [p.status for p in s.phases] == ["done", "done"]
    path = _write(tmp_path, "tasks.md", KIRO)
    assert main(["status", "--check", str(path)]) == 0  # the decision: --check asks what `plantui check` asks
    assert main(["status", "--line", "--check", str(path)]) == 0
    assert main(["check", str(path)]) == 0
    capsys.readouterr()
    assert main(["status", "--json", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out if "status" in out else out["plans"][0])["status"] == "Complete"


def test_a_required_task_open_still_holds_the_plan_open(tmp_path):
    text = KIRO.replace("  - [x] 2.1 Routes", "  - [ ] 2.1 Routes")
    s = summarize(parse(text))
    assert s.status == "In Progress" and s.required_open == 1
    path = _write(tmp_path, "tasks.md", text)
    assert main(["status", "--check", str(path)]) == 1
    assert main(["status", "--line", "--check", str(path)]) == 1
    assert main(["check", str(path)]) == 1
    only_optional = "# Plan\n\n- [ ]* 1. Maybe\n- [ ]* 2. Perhaps\n"
    assert summarize(parse(only_optional)).status == "Not Started"  # nothing but optional ones: not complete


def test_a_tick_updates_the_plan_status_as_a_fresh_summary_does():
    from plantui.after_tick import update
    text = KIRO.replace("  - [x] 2.1 Routes", "  - [ ] 2.1 Routes")
    plan = parse(text)
    before = summarize(plan)
    for old, new in (("  - [ ] 2.1 Routes", "  - [x] 2.1 Routes"), ("  - [ ]* 1.2", "  - [x]* 1.2")):
        text = text.replace(old, new)
        new_plan = parse(text)
        got = update(plan, before, new_plan)
        want = summarize(new_plan)
        assert got == want and got.parts == want.parts
        plan, before = new_plan, got
    assert before.status == "Complete" and before.required_open == 0


# 4. A milestone named by several Progress entries -----------------------------------------------

EXECPLAN = """# Add CSV export

## Progress

- [x] (2026-01-04 10:00Z) Milestone 1: wrote the exporter.
- [x] (2026-01-04 12:00Z) Milestone 2: added the CLI flag.
- [ ] Milestone 1: add the header row option.
- [ ] Milestone 3: docs.
- [ ] Milestone 3: a worked example.

## Plan of Work

### Milestone 1: Exporter

Write it.

### Milestone 2: CLI

Flag it.

### Milestone 3: Docs

Write them.
"""


def _milestones(text: str) -> list[str]:
    return [p.status for p in summarize(parse(text)).phases]


def test_a_milestone_is_done_when_all_its_entries_are_started_when_one_is():
    assert _milestones(EXECPLAN) == ["in progress", "done", "not started"]  # not "not started": one entry is done
    done = EXECPLAN.replace("- [ ] Milestone 1:", "- [x] Milestone 1:")
    assert _milestones(done) == ["done", "done", "not started"]
    first_open = EXECPLAN.replace("- [x] (2026-01-04 10:00Z) Milestone 1", "- [ ] (2026-01-04 10:00Z) Milestone 1")
    assert _milestones(first_open) == ["not started", "done", "not started"]
    later_done = EXECPLAN.replace("- [ ] Milestone 3: docs.", "- [x] Milestone 3: docs.")
    assert _milestones(later_done) == ["in progress", "done", "in progress"]  # not "done": the last entry is open


def test_ticking_milestone_entries_one_by_one_updates_as_a_fresh_summary(tmp_path):
    text, lines = EXECPLAN, Lines.of(EXECPLAN)
    plan = build_plan(lines)
    summary = summarize(plan)
    for old, new in (("- [ ] Milestone 1:", "- [x] Milestone 1:"), ("- [ ] Milestone 3: docs", "- [x] Milestone 3: docs"),
                     ("- [ ] Milestone 3: a worked", "- [x] Milestone 3: a worked"),
                     ("- [x] (2026-01-04 10:00Z)", "- [ ] (2026-01-04 10:00Z)")):
        text = text.replace(old, new)
        plan, lines, summary = _ticked(plan, lines, summary, text)
    assert [p.status for p in summary.phases] == ["in progress", "done", "done"]


def test_plantui_check_of_a_milestone_asks_every_entry(tmp_path, capsys):
    path = _write(tmp_path, "execplan.md", EXECPLAN)
    assert main(["check", str(path), "--phase", "1"]) == 1
    assert "1 of 2" in capsys.readouterr().out
    assert main(["check", str(path), "--phase", "2"]) == 0


def test_a_status_field_follows_the_plan_when_only_optional_tasks_are_open(tmp_path):
    """The plan says Complete while only optional tasks are open: so does its derived
    Status field, whether a tick writes it (the no-parse path) or a sync does."""
    text = "# Plan\n\n**Status:** In Progress\n\n## Phase 1: A\n\n- [ ] 1. Do it\n- [ ]* 2. Maybe\n"
    ticked = _write(tmp_path, "ticked.md", text)
    actions.mark(ticked, ["1"], None)
    assert ticked.read_text().startswith("# Plan\n\n**Status:** Complete\n")
    synced = _write(tmp_path, "synced.md", text.replace("- [ ] 1.", "- [x] 1."))
    plan = parse(synced.read_text())
    summary = summarize(plan)
    assert summary.status == "Complete" and summary.fields[0].drift and summary.fields[0].computed == "Complete"
    actions.sync(synced)
    assert synced.read_text() == ticked.read_text()
    actions.mark(ticked, ["1"], " ")
    assert "**Status:** Not Started" in ticked.read_text()
