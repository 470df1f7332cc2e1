"""The five templates plantui was designed from, with numbers counted by hand."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import SEED_000_STEPS, seed

from plantui import actions, snapshot
from plantui.model import Kind
from plantui.progress import summarize

NOW = datetime(2026, 11, 21, 14, 2)
pytestmark = pytest.mark.needs_shared


def load(n):
    snap = snapshot.read(seed(n))
    return snap.plan, summarize(snap.plan, NOW)


def phase_totals(plan, summary):
    return [s.counts.total for s in summary.phases]


def test_seed_003_phases_tasks_checkpoints():
    plan, s = load(3)
    assert s.tasks.total == 12 and s.tasks.done == 0
    assert [ph.title for ph in plan.phases] == [
        "Phase 1: Setup & Infrastructure",
        "Phase 2: Core Implementation",
        "Phase 3: API/CLI Layer",
        "Phase 4: Testing & Validation",
        "Phase 5: Documentation & Polish",
    ]
    assert phase_totals(plan, s) == [2, 3, 2, 3, 2]
    assert [cp.title for cp in plan.checkpoints] == [
        "Checkpoint 1: After Phase 2",
        "Checkpoint 2: After Phase 3",
        "Checkpoint 3: Before Completion",
    ]
    assert [c.counts.total for c in s.checkpoints] == [3, 3, 4]
    assert s.checks.total == 10
    # "After Phase 2" follows phases 1 and 2; "Before Completion" all five
    assert plan.checkpoints[0].after == (0, 1)
    assert plan.checkpoints[1].after == (0, 1, 2)
    assert plan.checkpoints[2].after == (0, 1, 2, 3, 4)
    assert [c.status for c in s.checkpoints] == ["pending"] * 3
    # task ids as written, and their detail bullets
    first = plan.items[0]
    assert (first.id, first.text, first.line) == ("1.1", "Setup development environment", 19)
    assert "_Estimated: 1 hour_" in first.details or "Estimated: 1 hour" in first.details
    assert s.next_task == 0


def test_seed_003_fields_and_graph():
    plan, s = load(3)
    by_name = {f.name: (f, st) for f, st in zip(plan.fields, s.fields)}
    assert by_name["total tasks"][1].computed == "12"
    assert by_name["progress"][1].computed == "0/12 tasks complete"
    assert by_name["status"][1].computed == "Not Started"
    assert by_name["last updated"][1].computed == "2026-11-21"
    assert by_name["estimated time"][0].value == "[Hours/Days]"
    assert not s.drift  # placeholders are to fill, not drift
    edges = {(e.before, e.after) for e in plan.graph}
    assert ("1.1", "1.2") in edges and ("2.2", "2.3") in edges and ("4.3", "5.2") in edges


def test_seed_003_checkpoint_becomes_ready_then_passed(copy_to):
    path = copy_to(seed(3))
    actions.mark(path, ["1.1", "1.2", "2.1", "2.2", "2.3"], None, now=NOW)
    snap = snapshot.read(path)
    s = summarize(snap.plan, NOW)
    assert [c.status for c in s.checkpoints] == ["ready", "pending", "pending"]
    assert [p.status for p in s.phases][:3] == ["done", "done", "not started"]
    checks = [it.line for it in snap.plan.items if it.checkpoint == 0]
    actions.mark(path, [*checks], None, now=NOW)
    s = summarize(snapshot.read(path).plan, NOW)
    assert s.checkpoints[0].status == "passed"
    text = path.read_bytes().decode()
    assert "**Progress:** 5/12 tasks complete" in text
    assert "**Status:** In Progress" in text
    assert "**Last Updated:** 2026-11-21  " in text  # the two trailing spaces stay


def test_seed_002_four_phases_of_eight_and_definition_of_done():
    plan, s = load(2)
    assert s.tasks.total == 32
    assert phase_totals(plan, s) == [8, 8, 8, 8]
    assert [ph.number for ph in plan.phases] == ["1", "2", "3", "4"]
    assert plan.phases[0].title == "Phase 1: Foundation [Priority: HIGH]"
    assert s.checks.total == 6
    assert [cp.title for cp in plan.checkpoints] == ["Definition of Done"]
    assert s.checkpoints[0].counts.total == 6
    # "**Dependencies**: Phase 1 complete"
    assert plan.phases[1].dependencies == (0,)
    assert s.phases[1].status == "blocked"
    # "1. [ ] Set up project structure": an ordered-list task
    assert plan.items[0].text == "Set up project structure"
    # <!-- STATUS: pending --> is read as a field, and left alone (not a progress word)
    status = next(f for f in plan.fields if f.name == "status")
    assert status.value == "pending"


def test_seed_001_phases_of_4_4_3_4_and_quality_gates_table():
    plan, s = load(1)
    assert s.tasks.total == 15
    assert phase_totals(plan, s) == [4, 4, 3, 4]
    assert [ph.number for ph in plan.phases] == ["0", "1", "2", "3"]
    assert plan.phases[1].dependencies == (0,)
    assert s.checks.total == 0
    gates = [r for r in plan.status_rows if r.status == "⬜"]
    assert [r.label for r in gates] == ["Code Review", "Unit Tests", "Integration Tests", "Documentation"]
    # "**Branch**: … | **Date**: [DATE] | **Spec**: …": three fields on one line
    names = [f.name for f in plan.fields if f.line == 3]
    assert names == ["branch", "date", "spec"]
    assert next(f for f in plan.fields if f.name == "date").value == "[DATE]"


def test_seed_000_steps_are_phases_and_definition_of_done_boxes_are_checks():
    plan, s = load(0)
    assert [ph.title for ph in plan.phases] == SEED_000_STEPS
    assert s.tasks.total == 0
    assert s.checks.total == 4
    assert all(it.kind is Kind.CHECK for it in plan.items)
    assert plan.checkpoints[0].title == "Definition of Done"
    # "- **Dependencies:** Steps 4, 5"
    assert plan.phases[5].dependencies == (3, 4)
    assert plan.phases[0].dependencies == ()  # "None"
    assert s.next_task is None


def test_seed_004_five_phases_without_tasks_and_six_gates():
    plan, s = load(4)
    assert len(plan.phases) == 5
    assert all(st.counts.total == 0 for st in s.phases)
    assert s.tasks.total == 0
    assert s.checks.total == 6
    assert [cp.title for cp in plan.checkpoints] == ["Gates"]
    status = next(f for f, st in zip(plan.fields, s.fields) if f.name == "status")
    assert status.value == "Draft"  # a document status, never rewritten


def test_every_seed_round_trips_every_item(copy_to):
    for n in range(5):
        path = copy_to(seed(n))
        original = path.read_bytes()
        for item in snapshot.read(path).plan.items:
            actions.mark(path, [item.line], None, now=NOW, sync=False)
            assert path.read_bytes() != original
            actions.mark(path, [item.line], " ", now=NOW, sync=False)
            assert path.read_bytes() == original
