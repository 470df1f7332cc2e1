"""The five bundled example plans (the demo and the README's screenshots).

Every number here was counted by hand from the example files, not computed:
if a test fails, either the file or the engine changed.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from conftest import SEED_000_STEPS

from plantui import snapshot
from plantui.discover import EXAMPLES, example
from plantui.progress import summarize

NOW = datetime(2026, 11, 21, 14, 2)


def load(name):
    snap = snapshot.read(example(name))
    return snap.plan, summarize(snap.plan, NOW)


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


# --- what was counted in each ------------------------------------------------

# name, title, tasks (total, done, in progress), checks (total, done), phases, tasks per phase,
# done per phase, checkpoints
COUNTED = [
    ("spec-kit-tasks.md", "Tasks: Bookmark Sync Service", (27, 14, 0), (0, 0),
     ["Phase 1: Setup (Shared Infrastructure)",
      "Phase 2: Foundational (Blocking Prerequisites)",
      "Phase 3: User Story 1 - Back up and restore bookmarks from one device (Priority: P1) 🎯 MVP",
      "Phase 4: User Story 2 - Merge edits made on several devices (Priority: P2)",
      "Phase 5: Polish & Cross-Cutting Concerns"],
     [4, 6, 7, 6, 4], [4, 6, 4, 0, 0],
     # three "**Checkpoint**:" lines: after Foundational, US1 and US2
     ["Checkpoint: Foundation ready - user story implementation can now begin",
      "Checkpoint: User Story 1 works on its own - a single device can back up and restore its bookmarks",
      "Checkpoint: User Stories 1 and 2 both work independently - two devices can edit between syncs without losing "
      "changes"]),
    # 24 = 6 numbered parents + 18 subtasks; done: parents 1, 2 and 3, 1.1-1.3, 2.1-2.3, 3.1, 3.2, 4.1;
    # in progress: "- [-] 4." and "- [-] 4.2"; one phase per numbered parent with subtasks, holding them,
    # its number and text as written; "5. Checkpoint - …" is the one check
    ("kiro-tasks.md", "Implementation Plan", (24, 12, 2), (1, 0),
     ["1 Set up package structure and core interfaces",
      "2 Implement the token bucket algorithm",
      "3 Implement the in-memory store",
      "4 Implement the Redis store",
      "6 Build the Express middleware",
      "7 Integration tests and documentation"],
     [3, 3, 3, 3, 3, 3], [3, 3, 2, 1, 0, 0],
     ["Checkpoint - Ensure all tests pass, ask the user if questions arise"]),
    ("phased-plan.md", "Invoice Export CLI - Implementation Plan", (12, 5, 1), (10, 3),  # in progress: "- [/] **3.1**"
     ["Phase 1: Setup & Infrastructure",
      "Phase 2: Core Implementation",
      "Phase 3: CLI Layer",
      "Phase 4: Testing & Validation",
      "Phase 5: Documentation & Polish"],
     [2, 3, 2, 3, 2], [2, 3, 0, 0, 0],
     ["Checkpoint 1: After Phase 2", "Checkpoint 2: After Phase 3", "Checkpoint 3: Before Completion"]),
    ("step-plan.md", "Implementation Plan: Pantry Shared Grocery Lists", (20, 11, 0), (4, 0),
     SEED_000_STEPS,  # the steps of seed 000, which this plan fills in
     [3, 3, 3, 3, 3, 2, 3], [3, 3, 3, 2, 0, 0, 0],
     ["Definition of Done"]),
    # in progress: "- [/] Implement the delivery worker …"
    ("gated-plan.md", "Implementation Plan: Signed Webhook Delivery with Retries", (17, 9, 1), (12, 5),
     ["Phase 0: Research & Design",
      "Phase 1: Foundation",
      "Phase 2: Core Implementation",
      "Phase 3: Integration & Polish"],
     [4, 4, 5, 4], [4, 4, 1, 0],
     ["Quality Gates", "Gates", "Definition of Done"]),
]


@pytest.mark.parametrize("name, title, tasks, checks, phases, per_phase, done_per_phase, checkpoints", COUNTED,
                         ids=[row[0] for row in COUNTED])
def test_what_was_counted(name, title, tasks, checks, phases, per_phase, done_per_phase, checkpoints):
    plan, s = load(name)
    assert plan.title == title
    assert (s.tasks.total, s.tasks.done, s.tasks.in_progress) == tasks
    assert (s.checks.total, s.checks.done) == checks
    assert [ph.title for ph in plan.phases] == phases
    assert [ph.counts.total for ph in s.phases] == per_phase
    assert [ph.counts.done for ph in s.phases] == done_per_phase
    assert [cp.title for cp in plan.checkpoints] == checkpoints


# --- Spec Kit ----------------------------------------------------------------


def test_spec_kit_tasks():
    plan, s = load("spec-kit-tasks.md")
    assert [cp.status for cp in s.checkpoints] == ["passed", "pending", "pending"]
    nxt = plan.items[s.next_task]
    assert nxt.id == "T015"
    tagged = [it for it in plan.tasks if "US1" in it.tags]
    assert len(tagged) == 7


# --- Kiro --------------------------------------------------------------------


def test_kiro_tasks():
    plan, s = load("kiro-tasks.md")
    optional = [it for it in plan.items if it.optional]
    assert [it.id for it in optional] == ["3.3"]
    # the optional 3.3 does not hold parent 3 open, and comes last
    assert plan.items[s.next_task].id == "4.2"
    assert not s.warnings


# --- phased plan (seed 003) --------------------------------------------------


def test_phased_plan():
    plan, s = load("phased-plan.md")
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
    # "**Dependencies:** Steps 4, 5"
    assert plan.phases[5].dependencies == (3, 4)
    assert plan.phases[0].dependencies == ()
    assert [ph.status for ph in s.phases][:5] == ["done", "done", "done", "in progress", "blocked"]


# --- gated plan (seeds 001, 002, 004) ----------------------------------------


def test_gated_plan():
    plan, s = load("gated-plan.md")
    assert [ph.dependencies for ph in plan.phases] == [(), (0,), (1,), (2,)]
    assert [c.counts.total for c in s.checkpoints] == [0, 6, 6]
    assert [c.counts.done for c in s.checkpoints] == [0, 5, 0]
    # the Quality Gates table: ✅ 🔄 ⬜ ⬜
    assert [r.state.value for r in plan.status_rows] == ["done", "in_progress", "open", "open"]
    values = {f.name: f.value for f in plan.fields}
    assert values["branch"] == "`014-webhook-delivery`"
    assert values["date"] == "2026-11-02"
