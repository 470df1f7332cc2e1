"""The five bundled example plans (the demo and the README's screenshots).

Every number here was counted by hand from the example files, not computed:
if a test fails, either the file or the engine changed.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from plantui import storage
from plantui.discover import EXAMPLES, example
from plantui.progress import summarize

NOW = datetime(2026, 11, 21, 14, 2)


def load(name):
    snap = storage.read(example(name))
    return snap.plan, summarize(snap.plan, NOW)


def phase_totals(summary):
    return [ph.counts.total for ph in summary.phases]


def phase_done(summary):
    return [ph.counts.done for ph in summary.phases]


# --- all five ---------------------------------------------------------------


def test_every_example_is_bundled():
    assert EXAMPLES == ("spec-kit-tasks.md", "kiro-tasks.md", "phased-plan.md", "step-plan.md", "gated-plan.md")
    for name in EXAMPLES:
        assert example(name).is_file(), name


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_have_no_warnings_and_no_drift(name):
    _, s = load(name)
    assert s.drift == ()
    assert s.warnings == ()


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_are_partly_done(name):
    _, s = load(name)
    assert s.status == "In Progress"
    assert 30 <= s.tasks.percent <= 60


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_hold_no_template_placeholders(name):
    text = example(name).read_text(encoding="utf-8")
    for pattern in (r"\[FEATURE", r"\[X ", r"\[DATE\]", r"TO FILL", r"\{\{", r"\[###", r"\[Number\]", r"REQ-X"):
        assert not re.search(pattern, text), (name, pattern)


# --- Spec Kit ----------------------------------------------------------------


def test_spec_kit_tasks():
    plan, s = load("spec-kit-tasks.md")
    assert plan.title == "Tasks: Bookmark Sync Service"
    assert s.tasks.total == 27
    assert s.tasks.done == 14
    assert s.tasks.in_progress == 0
    assert [ph.title for ph in plan.phases] == [
        "Phase 1: Setup (Shared Infrastructure)",
        "Phase 2: Foundational (Blocking Prerequisites)",
        "Phase 3: User Story 1 - Back up and restore bookmarks from one device (Priority: P1) 🎯 MVP",
        "Phase 4: User Story 2 - Merge edits made on several devices (Priority: P2)",
        "Phase 5: Polish & Cross-Cutting Concerns",
    ]
    assert phase_totals(s) == [4, 6, 7, 6, 4]
    assert phase_done(s) == [4, 6, 4, 0, 0]
    assert s.checks.total == 0
    # three "**Checkpoint**:" lines: after Foundational, US1 and US2
    assert len(plan.checkpoints) == 3
    assert all(cp.title.startswith("Checkpoint: ") for cp in plan.checkpoints)
    assert [cp.status for cp in s.checkpoints] == ["passed", "pending", "pending"]
    nxt = plan.items[s.next_task]
    assert nxt.id == "T015"
    tagged = [it for it in plan.tasks if "US1" in it.tags]
    assert len(tagged) == 7


# --- Kiro --------------------------------------------------------------------

KIRO_PHASES = [
    "Set up package structure and core interfaces",
    "Implement the token bucket algorithm",
    "Implement the in-memory store",
    "Implement the Redis store",
    "Build the Express middleware",
    "Integration tests and documentation",
]


def test_kiro_tasks():
    plan, s = load("kiro-tasks.md")
    assert plan.title == "Implementation Plan"
    assert s.tasks.done == 12  # parents 1, 2 and 3, 1.1-1.3, 2.1-2.3, 3.1, 3.2, 4.1
    assert s.tasks.in_progress == 2  # "- [-] 4." and "- [-] 4.2"
    # one phase per numbered parent with subtasks; a phase holds its subtasks
    assert len(plan.phases) == 6
    assert phase_totals(s) == [3, 3, 3, 3, 3, 3]
    assert phase_done(s) == [3, 3, 2, 1, 0, 0]
    optional = [it for it in plan.items if it.optional]
    assert [it.id for it in optional] == ["3.3"]
    # the optional 3.3 does not hold parent 3 open, and comes last
    assert plan.items[s.next_task].id == "4.2"
    assert not s.warnings


def test_kiro_numbered_parents_keep_their_text():
    plan, s = load("kiro-tasks.md")
    assert s.tasks.total == 24  # 6 numbered parents + 18 subtasks
    assert s.checks.total == 1  # "5. Checkpoint - Ensure all tests pass, …"
    assert len(plan.checkpoints) == 1
    assert plan.checkpoints[0].title.startswith("Checkpoint - Ensure all tests pass")
    assert len(plan.phases) == 6
    for ph, text in zip(plan.phases, KIRO_PHASES):
        assert ph.title.endswith(text), (ph.title, text)


# --- phased plan (seed 003) --------------------------------------------------


def test_phased_plan():
    plan, s = load("phased-plan.md")
    assert plan.title == "Invoice Export CLI - Implementation Plan"
    assert s.tasks.total == 12
    assert s.tasks.done == 5
    assert s.tasks.in_progress == 1  # "- [/] **3.1**"
    assert [ph.title for ph in plan.phases] == [
        "Phase 1: Setup & Infrastructure",
        "Phase 2: Core Implementation",
        "Phase 3: CLI Layer",
        "Phase 4: Testing & Validation",
        "Phase 5: Documentation & Polish",
    ]
    assert phase_totals(s) == [2, 3, 2, 3, 2]
    assert phase_done(s) == [2, 3, 0, 0, 0]
    assert s.checks.total == 10
    assert s.checks.done == 3
    assert [cp.title for cp in plan.checkpoints] == [
        "Checkpoint 1: After Phase 2",
        "Checkpoint 2: After Phase 3",
        "Checkpoint 3: Before Completion",
    ]
    assert [c.counts.total for c in s.checkpoints] == [3, 3, 4]
    assert [c.status for c in s.checkpoints] == ["passed", "pending", "pending"]
    values = {f.name: f.value for f in plan.fields}
    assert values["total tasks"] == "12"
    assert values["status"] == "In Progress"
    assert values["progress"] == "5/12 tasks complete"
    assert values["last updated"] == "2026-11-18"
    assert len(plan.status_rows) == 5
    assert ("2.3", "3.1") not in {(e.before, e.after) for e in plan.graph}
    assert ("1.1", "1.2") in {(e.before, e.after) for e in plan.graph}


def test_phased_plan_keeps_trailing_double_spaces():
    text = example("phased-plan.md").read_text(encoding="utf-8")
    for line in ("**Total Tasks:** 12  ", "**Estimated Time:** 4 days  ", "**Last Updated:** 2026-11-18  "):
        assert line + "\n" in text


# --- step plan (seed 000) ----------------------------------------------------


def test_step_plan():
    plan, s = load("step-plan.md")
    assert plan.title == "Implementation Plan: Pantry Shared Grocery Lists"
    assert s.tasks.total == 20
    assert s.tasks.done == 11
    assert [ph.title for ph in plan.phases] == [
        "Step 1: Project Setup",
        "Step 2: Data Layer",
        "Step 3: Core Business Logic",
        "Step 4: API Layer",
        "Step 5: Frontend / UI",
        "Step 6: Integration & Testing",
        "Step 7: Polish & Hardening",
    ]
    assert phase_totals(s) == [3, 3, 3, 3, 3, 2, 3]
    assert phase_done(s) == [3, 3, 3, 2, 0, 0, 0]
    assert s.checks.total == 4
    assert s.checks.done == 0
    assert [cp.title for cp in plan.checkpoints] == ["Definition of Done"]
    # "**Dependencies:** Steps 4, 5"
    assert plan.phases[5].dependencies == (3, 4)
    assert plan.phases[0].dependencies == ()
    assert [ph.status for ph in s.phases][:5] == ["done", "done", "done", "in progress", "blocked"]


# --- gated plan (seeds 001, 002, 004) ----------------------------------------


def test_gated_plan():
    plan, s = load("gated-plan.md")
    assert plan.title == "Implementation Plan: Signed Webhook Delivery with Retries"
    assert s.tasks.total == 17
    assert s.tasks.done == 9
    assert s.tasks.in_progress == 1  # "- [/] Implement the delivery worker …"
    assert [ph.title for ph in plan.phases] == [
        "Phase 0: Research & Design",
        "Phase 1: Foundation",
        "Phase 2: Core Implementation",
        "Phase 3: Integration & Polish",
    ]
    assert phase_totals(s) == [4, 4, 5, 4]
    assert phase_done(s) == [4, 4, 1, 0]
    assert [ph.dependencies for ph in plan.phases] == [(), (0,), (1,), (2,)]
    assert s.checks.total == 12
    assert s.checks.done == 5
    assert [cp.title for cp in plan.checkpoints] == ["Quality Gates", "Gates", "Definition of Done"]
    assert [c.counts.total for c in s.checkpoints] == [0, 6, 6]
    assert [c.counts.done for c in s.checkpoints] == [0, 5, 0]
    # the Quality Gates table: ✅ 🔄 ⬜ ⬜
    assert [r.state.value for r in plan.status_rows] == ["done", "in_progress", "open", "open"]
    values = {f.name: f.value for f in plan.fields}
    assert values["branch"] == "`014-webhook-delivery`"
    assert values["date"] == "2026-11-02"
