"""What a plan means beyond its boxes (issue #14): checkpoints and gates, phases.

Each rule has plans of our own (tests/fixtures/meaning/, counted by hand) and,
where the shared corpus holds the case, a test on the real plan.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import CORPUS

from plantui import snapshot
from plantui.incremental import reparse
from plantui.model import Kind
from plantui.names import is_checkpoint_name, phase_number
from plantui.parser import build_plan, parse
from plantui.progress import summarize
from plantui.lines import Lines

NOW = datetime(2026, 11, 21, 14, 2)
MEANING = Path(__file__).resolve().parent / "fixtures" / "meaning"
needs_shared = pytest.mark.needs_shared


def load(name: str):
    snap = snapshot.read(MEANING / name)
    return snap.plan, summarize(snap.plan, NOW)


def corpus(prefix: str):
    snap = snapshot.read(next(CORPUS.glob(f"{prefix}_*.md")))
    return snap.plan, summarize(snap.plan, NOW)


def titles(plan) -> list[str]:
    return [ph.title for ph in plan.phases]


def statuses(summary) -> list[str]:
    return [st.status for st in summary.phases]


# --- checkpoints and gates ----------------------------------------------------------


@pytest.mark.parametrize("name", ["Checkpoint System", "Quality Gates Module", "Quality gates for the CI pipeline",
                                  "Checkpoint and restore", "Gate configuration", "3. Checkpoint Module",
                                  "Gate the release behind a flag", "Checkpoint the database nightly"])
def test_a_topic_that_mentions_a_checkpoint_is_not_one(name):
    assert not is_checkpoint_name(name)


@pytest.mark.parametrize("name", ["Quality Gates", "Definition of Done", "Checkpoint 1: After Phase 2", "Gates",
                                  "Checkpoint — Ensure all tests pass", "Final checkpoint - Ensure all tests pass",
                                  "Gate Status", "GATE: all tests fail first", "Checkpoint: Foundation ready",
                                  "Definition of Done for Story 3", "Checkpoint for Phase 2",
                                  "Definition of Done for the release"])
def test_a_gate_list_or_a_checkpoint_stays_one(name):
    assert is_checkpoint_name(name)


def test_boxes_under_a_checkpoint_topic_are_tasks():
    plan, s = load("checkpoint_topics.md")
    by_text = {it.text: it for it in plan.items}
    for text in ("Quality gates for the CI pipeline", "Write a checkpoint every minute",
                 "Restore a job from its last checkpoint", "Read gate rules from the repository",
                 "Fail a build whose coverage drops"):
        assert by_text[text].kind is Kind.TASK, text
    # the gate lists closing the plan stay checklists
    assert [cp.title for cp in plan.checkpoints] == ["Quality Gates", "Definition of Done"]
    assert [c.counts.total for c in s.checkpoints] == [2, 1]
    assert (s.tasks.total, s.tasks.done, s.checks.total) == (7, 2, 3)


def test_a_bold_checkpoint_topic_label_owns_no_list():
    plan = parse("# P\n\n**Checkpoint System**: how jobs resume\n\n- [ ] save state\n- [ ] load state\n")
    assert plan.checkpoints == () and all(it.kind is Kind.TASK for it in plan.items)


def test_kiro_checkpoint_tasks_are_checks_and_one_ticked_too_soon_is_a_warning():
    plan, s = load("kiro_checkpoints.md")
    assert [cp.title for cp in plan.checkpoints] == [
        "Checkpoint - Ensure all tests pass, ask the user if questions arise.",
        "Checkpoint - Ensure all tests pass, ask the user if questions arise.",
        "Final checkpoint - Ensure all tests pass",
    ]
    assert all(plan.items[k].kind is Kind.CHECK for cp in plan.checkpoints for k in cp.items)
    assert [cp.after for cp in plan.checkpoints] == [(0,), (1,), (0, 1, 2)]
    assert [c.status for c in s.checkpoints] == ["passed", "passed", "pending"]
    early = [w for w in s.warnings if "checkpoint" in w.message]
    assert [w.line for w in early] == [15]  # task 4 ticked while task group 3 is open
    assert "“3 Evaluate expressions”" in early[0].message and "not done" in early[0].message


def test_a_checkpoint_ticked_after_its_phases_are_done_warns_nothing():
    text = (MEANING / "kiro_checkpoints.md").read_text(encoding="utf-8").replace("- [ ] 3.2", "- [x] 3.2")
    text = text.replace("- [ ] 3. Evaluate", "- [x] 3. Evaluate")
    s = summarize(parse(text), NOW)
    assert not [w for w in s.warnings if "checkpoint" in w.message]


@needs_shared
def test_final_checkpoint_in_the_corpus_is_a_check_that_came_too_soon():
    plan, s = corpus("18")
    final = plan.checkpoints[-1]
    assert final.title == "Final checkpoint — Ensure all tests pass" and plan.items[final.items[0]].kind is Kind.CHECK
    assert (s.tasks.total, s.checks.total) == (37, 4)
    # task 10 (only optional subtasks, its own box open) is not done: the ticked final checkpoint says so
    assert [w.line for w in s.warnings if "checkpoint" in w.message] == [final.line]


@needs_shared
def test_gates_in_a_living_todo_raise_no_checkpoint_warnings():
    _, s = corpus("34")
    assert not [w for w in s.warnings if w.message.startswith("checkpoint")]


# --- phases ------------------------------------------------------------------------


def test_no_phantom_phases():
    plan, s = load("phantom_phases.md")
    # "Phase 1 Verification" is part of Phase 1; "Phase 1 review", "Phase 2-3 in parallel",
    # and the summary's "Phase 1: Setup" and "Phase 4: Harvest log" only mention phases
    assert titles(plan) == ["Phase 1: Setup", "Phase 2: Beds", "Phase 3: Plants"]
    assert [st.counts.total for st in s.phases] == [3, 2, 2]
    assert statuses(s) == ["done", "in progress", "not started"]


def test_a_phase_repeated_empty_under_a_summary_is_no_phase_even_without_boxes():
    text = ("# Plan\n\n## Phase 1: Design\n\nSketch it.\n\n## Phase 2: Build\n\nBuild it.\n\n"
            "## Statistics\n\n### Phase 1: Design\n\nTwo days.\n\n### Phase 3: Launch\n\nLater.\n")
    assert titles(parse(text)) == ["Phase 1: Design", "Phase 2: Build"]


def test_a_lone_range_heading_is_still_a_phase():
    # "Phase 2-3 Validation Results" with no phase 2 or 3 of its own names the plan's phase
    plan = parse("# Phase 2-3 Validation Results\n\n- [ ] check the totals\n")
    assert titles(plan) == ["Phase 2-3 Validation Results"]


def test_an_agents_slices_are_its_phases():
    plan, s = load("slices.md")
    assert titles(plan) == ["Completed slice: Phase 0 — Skeleton", "Current slice: Phase 1 — Importer",
                            "Next slice: Phase 2 — Export"]
    assert [ph.number for ph in plan.phases] == ["0", "1", "2"]
    assert statuses(s) == ["done", "in progress", "not started"]


def test_a_slice_line_beside_the_real_phase_makes_no_phase():
    text = ("# todo\n\n## Phase 1: Importer\n\n- [ ] read CSV\n\n## Notes\n\n### Current slice: Phase 1\n\n"
            "Reading CSV.\n")
    assert titles(parse(text)) == ["Phase 1: Importer"]


@pytest.mark.parametrize("title,number", [
    ("P0 — Foundations", "0"), ("P12: Polish", "12"), ("PR1: Extract the parser", "1"), ("PR 4 - Docs", "4"),
    ("EP-AUTH: Sign in", "auth"), ("EP-12 Billing", "12"), ("Epic 2: Payments", "2"), ("Story 1.3: Checkout", "1.3"),
    ("Week 4", "4"), ("Milestone 3: Beta", "3"), ("Current slice: Phase 1 — Parser", "1"),
])
def test_workstream_numbers(title, number):
    assert phase_number(title) == number


@pytest.mark.parametrize("title", ["Priority P1", "Pages", "PRD review", "Weekly sync", "Epicurean menu"])
def test_words_that_only_look_like_workstreams(title):
    assert phase_number(title) is None


def test_workstreams_that_hold_the_tasks_are_phases():
    plan, s = load("workstreams.md")
    assert titles(plan) == ["P0 — Foundations", "P1 — Search", "P2 — Sharing"]
    assert statuses(s) == ["done", "in progress", "not started"]
    plan, s = load("epics_stories.md")
    assert titles(plan) == ["Epic 1: Accounts", "Story 1.1: Sign up", "Story 1.2: Sign in", "Epic 2: Billing",
                            "Story 2.1: Plans page"]
    assert [ph.parent for ph in plan.phases] == [None, 0, 0, None, 3]
    assert [st.counts.total for st in s.phases] == [4, 2, 2, 1, 1]
    assert statuses(s) == ["in progress", "done", "in progress", "not started", "not started"]
    plan, s = load("weeks.md")
    assert titles(plan) == ["Week 1", "Week 2", "Week 3"]
    assert statuses(s) == ["done", "in progress", "not started"]


def test_pull_requests_and_epics_by_id_are_phases():
    text = ("# Refactor\n\n## PR1: Extract the parser\n\n- [x] move code\n\n## PR2: Add tests\n\n- [ ] unit tests\n\n"
            "## EP-7: Cleanup\n\n- [ ] delete dead code\n")
    assert [ph.number for ph in parse(text).phases] == ["1", "2", "7"]


def test_a_workstream_heading_that_holds_few_of_the_tasks_is_no_phase():
    # one "P2.5 — …" section among many dated ones: the plan is not grouped by workstreams
    sections = "".join(f"## Session {n} (2026-08-{n:02d})\n\n- [x] task {n}a\n- [ ] task {n}b\n\n" for n in range(1, 6))
    plan = parse(f"# TODO\n\n{sections}## P2.5 — Extension semantics\n\n- [ ] define it\n")
    assert len(plan.phases) == 6 and all(ph.number is None for ph in plan.phases)


def test_phases_say_their_state_when_they_hold_no_boxes():
    plan, s = load("stated_phases.md")
    assert statuses(s) == ["done", "done", "done", "in progress", "not started"]


def test_execplan_progress_entries_give_their_milestones_a_state():
    plan, s = load("execplan_milestones.md")
    assert titles(plan) == ["Milestone 1: Local store", "Milestone 2: Sync round trip", "Milestone 3: Background sync"]
    # of the two entries naming Milestone 2, the last is its item; both say its state:
    # one done and one open is a milestone in progress (issue #14: not the last entry alone)
    assert [plan.items[ph.item_backed].line for ph in plan.phases] == [7, 9, 10]
    assert statuses(s) == ["done", "in progress", "not started"]


def test_a_tick_never_changes_which_entry_stands_for_a_milestone():
    from plantui.edits import set_markers

    text = (MEANING / "execplan_milestones.md").read_text(encoding="utf-8")
    lines = Lines.of(text)
    plan = build_plan(lines)
    for line, marker in ((9, "x"), (8, " ")):
        it = plan.item_at_line(line)
        new_lines = Lines.of(set_markers(lines, plan, [(it, marker)], sync=False).text)
        fast = reparse(plan, lines, new_lines)
        assert fast == build_plan(new_lines)  # the incremental reading is the full one
        lines, plan = new_lines, fast
    assert statuses(summarize(plan, NOW)) == ["done", "in progress", "not started"]  # line 8 open, line 9 done


def test_optional_tasks_never_hold_a_phase_open():
    plan, s = load("kiro_checkpoints.md")
    assert titles(plan) == ["1 Set up the parser", "3 Evaluate expressions", "5 Print results"]
    # 1 and 5 are ticked with only optional subtasks open: done
    assert statuses(s) == ["done", "in progress", "done"]
    assert not any("is ticked but" in w.message for w in s.warnings)


def test_a_phase_of_headings_with_an_optional_task_left_is_done():
    text = "# P\n\n## Phase 1: Core\n\n- [x] 1.1 build\n- [ ]* 1.2 property tests\n\n## Phase 2: Ship\n\n- [ ] 2.1 ship\n"
    assert statuses(summarize(parse(text), NOW)) == ["done", "not started"]
    # a Kiro parent still open with only optional subtasks is not done: its own box says so
    kiro = "# Tasks\n\n- [ ] 1. Tests\n  - [ ]* 1.1 property tests\n\n- [x] 2. Ship\n  - [x] 2.1 ship it\n"
    assert statuses(summarize(parse(kiro), NOW)) == ["not started", "done"]


def test_a_tick_that_leaves_only_optional_tasks_open_finishes_the_phase_incrementally():
    from plantui.after_tick import update
    from plantui.edits import set_markers

    text = "# P\n\n## Phase 1: Core\n\n- [ ] 1.1 build\n- [ ]* 1.2 property tests\n\n## Phase 2: Ship\n\n**Dependencies**: Phase 1\n\n- [ ] 2.1 ship\n"
    lines = Lines.of(text)
    plan = build_plan(lines)
    before = summarize(plan, NOW)
    assert statuses(before) == ["not started", "blocked"]
    done = set_markers(lines, plan, [(plan.items[0], "x")], sync=False)
    new_lines = Lines.of(done.text)
    new_plan = reparse(plan, lines, new_lines)
    after = update(plan, before, new_plan, NOW)
    assert statuses(after) == statuses(summarize(new_plan, NOW)) == ["done", "not started"]


# --- the corpus: what a careful reader says ------------------------------------------


@needs_shared
def test_corpus_spec_kit_summary_phases_are_no_phases():
    plan, _ = corpus("01")
    # "Phase 14" repeated empty below the real one, "Phase 13-24: Complete Future Feature Summary"
    assert [ph.number for ph in plan.phases].count("14") == 1
    assert not any("Summary" in t for t in titles(plan))
    assert len(plan.phases) == 20


@needs_shared
def test_corpus_parallel_notes_are_no_phases():
    plan, _ = corpus("10")
    assert titles(plan)[-1] == "Phase 7: Polish & 驗證" and len(plan.phases) == 8


@needs_shared
def test_corpus_verification_sections_belong_to_their_phase():
    plan, s = corpus("39")
    assert len(plan.phases) == 6 and all("Verification" not in t for t in titles(plan))
    assert [st.counts.total for st in s.phases] == [75, 73, 47, 66, 65, 23]
    plan, _ = corpus("58")
    assert titles(plan) == ["Phase 7: Django Admin Interface - TDD Task Breakdown"]


@needs_shared
def test_corpus_phases_that_say_they_are_done():
    _, s = corpus("43")
    assert statuses(s)[:10] == ["done"] * 10  # "## Phase N: … ✅" with no boxes of their own


def test_priority_buckets_inside_a_phase_are_no_phases():
    text = ("# Plan\n\n## Phase 1: Core\n\n### P0 — must\n\n- [ ] a\n\n### P1 — should\n\n- [ ] b\n\n"
            "## Phase 2: More\n\n### P0 — must\n\n- [ ] c\n")
    plan = parse(text)
    assert titles(plan) == ["Phase 1: Core", "Phase 2: More"]
    assert [len(ph.items) for ph in plan.phases] == [2, 1]


def test_a_heading_that_says_done_over_open_boxes_is_a_warning():
    s = summarize(parse("# P\n\n## Phase 1: Setup ✅ COMPLETE\n\n### Success Criteria\n- [ ] fast\n- [x] small\n"), NOW)
    assert s.phases[0].status == "in progress"  # the boxes count
    assert [(w.line, w.message) for w in s.warnings] == [
        (3, "“Phase 1: Setup ✅ COMPLETE” says it is done, but 1 of its 2 tasks is open")]
    done = summarize(parse("# P\n\n## Phase 1: Setup ✅\n- [x] fast\n"), NOW)
    assert done.warnings == ()


@needs_shared
def test_corpus_phases_marked_complete_over_open_criteria_are_warnings():
    _, s = corpus("49")
    said = [w.line for w in s.warnings if "says it is done" in w.message]
    assert said == [1980, 2379, 2857, 3011]  # Phases 25, 29B, 32, 34: ✅ COMPLETE over unticked criteria


def test_pull_requests_under_a_title_that_names_a_phase_are_its_phases():
    text = ("# Phase 6 PR Plan: Feedback\n\n## PR1: Backend\n\n- [x] endpoint\n- [ ] tests\n\n## PR2: Frontend\n\n"
            "- [ ] stars\n\n## Definition of Done\n\n- [ ] shipped\n")
    plan = parse(text)
    assert titles(plan) == ["Phase 6 PR Plan: Feedback", "PR1: Backend", "PR2: Frontend"]
    assert [ph.parent for ph in plan.phases] == [None, 0, 0]
    assert plan.checkpoints[0].title == "Definition of Done"


def test_slices_without_phase_numbers_and_numbered_slices_are_phases():
    text = ("# Progress\n\n## Completed Slice: Loop scopes\n\n- [x] for loops\n- [x] for-in loops\n\n"
            "## Current slice: Switch scopes\n\n- [ ] switch cases\n\n## Notes\n\nNothing.\n")
    plan = parse(text)
    assert titles(plan) == ["Completed Slice: Loop scopes", "Current slice: Switch scopes"]
    assert statuses(summarize(plan, NOW)) == ["done", "not started"]
    numbered = parse("# TODO\n\n## Slice 1: Parser\n\n- [x] a\n\n## Slice 2: Printer\n\n- [ ] b\n")
    assert [ph.number for ph in numbered.phases] == ["1", "2"]


def test_a_story_file_titled_by_its_story_keeps_its_task_groups():
    # BMAD's story file: "# Story 1.2: …" is the plan's title; its tasks with subtasks group it
    text = ("# Story 1.2: Design System\n\n## Tasks / Subtasks\n\n- [x] Task 1: Colors (AC: 1)\n  - [x] seed\n"
            "- [ ] Task 2: Type (AC: 2)\n  - [x] fonts\n  - [ ] scale\n\n## Dev Notes\n\nNone.\n")
    plan = parse(text)
    assert titles(plan) == ["Task 1: Colors (AC: 1)", "Task 2: Type (AC: 2)"]


def test_one_unnumbered_slice_heading_does_not_regroup_a_todo():
    text = "# todo\n\n## Current slice: Importer\n\n- [ ] CSV\n\n## Backlog\n\n- [ ] JSON\n- [ ] XML\n"
    assert titles(parse(text)) == ["Current slice: Importer", "Backlog"]  # grouped by its headings, as before
