"""Stated progress, fields and markers (issue #14, "Fields and stated progress",
"Marker dialects"): every common way a plan states its progress is read and
checked; a task's own detail bullets stay the task's; identical warnings come
as one; a hand-written breakdown is never rewritten; a tick writes the spelling
of its neighbours.  The plans are small ones of our own."""

from __future__ import annotations

from datetime import datetime

import pytest

from plantui import actions, snapshot
from plantui.fields import whole
from plantui.parser import parse
from plantui.progress import summarize

NOW = datetime(2026, 11, 21, 14, 2)


def fields_of(text: str):
    plan = parse(text)
    s = summarize(plan, NOW)
    return plan, s, {(f.line, f.name): (f, st) for f, st in zip(plan.fields, s.fields)}


def write(tmp_path, text: str, name: str = "plan.md"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


# 1. Stated progress in every common form -------------------------------------

STATED = """\
# Lamp Repair

**Progress: 83.3%**

**Overall Progress**: 100%

Status: IN PROGRESS 6/25

> Status: Complete

> **Progress**: 5/6

## Phase 1: Parts

- [x] Order the bulb
- [x] Order the switch
- [ ] Fit the bulb
"""


def test_each_form_of_stated_progress_is_a_field_checked_for_drift():
    plan, s, by = fields_of(STATED)
    f, st = by[(3, "progress")]
    assert (f.key, f.value, st.computed, st.drift) == ("Progress", "83.3%", "66.6%", True)
    f, st = by[(5, "progress")]
    assert (f.key, f.value, st.computed, st.drift) == ("Overall Progress", "100%", "66%", True)
    f, st = by[(7, "status")]
    assert (f.value, st.computed, st.drift) == ("IN PROGRESS 6/25", "IN PROGRESS 2/3", True)
    f, st = by[(9, "status")]
    assert (f.value, st.computed, st.drift) == ("Complete", "In Progress", True)
    f, st = by[(11, "progress")]
    assert (f.value, st.computed, st.drift) == ("5/6", "2/3", True)
    said = [w.message for w in s.warnings]
    assert "Status says 'IN PROGRESS 6/25', the boxes say 'IN PROGRESS 2/3'" in said
    assert "Overall Progress says '100%', the boxes say '66%'" in said


def test_stated_progress_that_agrees_is_no_drift_and_a_tick_keeps_its_form(tmp_path):
    text = STATED.replace("83.3%", "66.6%").replace("100%", "66%").replace("6/25", "2/3")
    text = text.replace("Status: Complete", "Status: In Progress").replace("5/6", "2/3")
    plan, s, by = fields_of(text)
    assert not any(st.drift for st in s.fields)
    path = write(tmp_path, text)
    actions.mark(path, [17], None, now=NOW)
    after = path.read_text()
    assert after == (text.replace("**Progress: 66.6%**", "**Progress: 100.0%**")
                     .replace("**Overall Progress**: 66%", "**Overall Progress**: 100%")
                     .replace("Status: IN PROGRESS 2/3", "Status: COMPLETE 3/3")
                     .replace("> Status: In Progress", "> Status: Complete")
                     .replace("> **Progress**: 2/3", "> **Progress**: 3/3")
                     .replace("- [ ] Fit", "- [x] Fit"))


PHASE_FOOTERS = """\
# Crypto Utils

**Overall Progress**: 1/4 tasks complete (25.0%)

## Phase 0: Slow tests

- [x] Speed up clientauth

**Phase Progress**: 1/1 tasks (100%) ✅ **COMPLETE**

## Phase 1: Workflows

- [ ] Fix ci-coverage
- [ ] Fix ci-fuzz
- [ ] Fix ci-e2e

**Phase Progress**: 0/3 tasks (0.0%)
"""


def test_a_phase_progress_below_its_phases_tasks_is_the_phases(tmp_path):
    plan, s, by = fields_of(PHASE_FOOTERS)
    assert [(f.line, f.phase) for f in plan.fields] == [(3, None), (9, 0), (17, 1)]
    assert not s.warnings
    path = write(tmp_path, PHASE_FOOTERS)
    actions.mark(path, [13], None, now=NOW)
    assert path.read_text() == (PHASE_FOOTERS.replace("1/4 tasks complete (25.0%)", "2/4 tasks complete (50.0%)")
                                .replace("- [ ] Fix ci-coverage", "- [x] Fix ci-coverage")
                                .replace("0/3 tasks (0.0%)", "1/3 tasks (33.3%)"))


def test_front_matter_status_is_checked_and_keeps_its_spelling(tmp_path):
    text = "---\ntitle: Kettle\nstatus: in-progress\n---\n# Kettle\n\n- [x] Boil\n- [ ] Pour\n"
    _, s, by = fields_of(text)
    f, st = by[(3, "status")]
    assert (f.value, st.computed, st.drift) == ("in-progress", "in-progress", False)
    path = write(tmp_path, text)
    actions.mark(path, [8], None, now=NOW)
    assert path.read_text() == text.replace("status: in-progress", "status: complete").replace("[ ] Pour", "[x] Pour")


@pytest.mark.parametrize("line, key, value", [
    ("**Progress: 10/10 complete** ✅", "Progress", "10/10 complete"),
    ("**Progress: ~98% Complete!** 🚀", "Progress", "~98% Complete!"),
    ("**Phase Progress**: 1/8 tasks (12.5%)", "Phase Progress", "1/8 tasks (12.5%)"),
    ("**Current Status**: ✅ Complete", "Current Status", "✅ Complete"),
    ("> **Status**: In Progress", "Status", "In Progress"),
    ("Progress: 7/12 tasks complete", "Progress", "7/12 tasks complete"),
])
def test_the_forms_stated_progress_takes(line, key, value):
    plan, _, _ = fields_of(f"# Lamp\n\n{line}\n\n- [x] Order\n- [ ] Fit\n")
    assert [(f.key, f.value) for f in plan.fields] == [(key, value)]
    assert plan.fields[0].name in ("progress", "status")


@pytest.mark.parametrize("line", ["**Progress: Step 8 of 8** — the last step", "**Note: the bulb is fragile**"])
def test_a_bold_line_with_words_after_it_or_another_key_states_no_progress(line):
    plan, s, _ = fields_of(f"# Lamp\n\n{line}\n\n- [x] Order\n- [ ] Fit\n")
    assert not [f for f in plan.fields if f.name in ("progress", "status")] and not s.warnings


@pytest.mark.parametrize("line", ["Note: the bulb is fragile", "Status: waiting on the shop, then fit", "Owner: Sam",
                                  "Progress: we fitted 3/4 of the bulbs before lunch"])
def test_plain_prose_with_a_colon_is_no_stated_progress(line):
    _, s, _ = fields_of(f"# Lamp\n\n{line}\n\n- [x] Order\n- [ ] Fit\n")
    assert not s.drift and not s.warnings


# 2. A task's detail bullets are the task's ---------------------------------------

PER_TASK = """\
# Garden

**Status**: In Progress

## Phase 1: Beds

- [x] Dig the bed
  - **Status**: completed
  - **Owner**: Ana
- [ ] Plant the seeds
  - **Status**: pending
  - Notes:
    - **Status**: blocked on rain
- [ ] Water
  - **Status**: completed
"""


def test_status_bullets_under_a_task_are_no_plan_fields_and_no_warnings():
    plan, s, by = fields_of(PER_TASK)
    assert [(f.line, f.name) for f in plan.fields] == [(3, "status")]
    assert not s.warnings
    assert "Status: completed" in plan.items[0].details
    assert "Status: pending" in plan.items[1].details


def test_a_status_field_below_a_list_is_still_the_plans():
    text = "# Garden\n\n- [x] Dig\n- [ ] Water\n\n**Status**: Not Started\n"
    plan, s, by = fields_of(text)
    f, st = by[(6, "status")]
    assert (st.computed, st.drift) == ("In Progress", True)


TASK_HEADINGS = """\
# Parser

## Phase 1: Foundation

### Task 1.1: Read the headings
- **Status**: COMPLETED ✓
- **Files**: `src/read.rs`

### Task 1.2: Check the headings
- **Status**: In Progress

- [x] Headings are read
- [ ] Headings are checked
"""


def test_status_lines_under_a_tasks_own_heading_are_the_tasks(tmp_path):
    plan, s, _ = fields_of(TASK_HEADINGS)
    assert not plan.fields and not s.warnings
    path = write(tmp_path, TASK_HEADINGS)
    actions.mark(path, [13], None, now=NOW)
    assert path.read_text() == TASK_HEADINGS.replace("- [ ] Headings are checked", "- [x] Headings are checked")


# 3. No warning floods ------------------------------------------------------------

def test_identical_warnings_are_one_that_says_how_many_lines_and_the_first():
    # a plan whose phases all state the same stale figure: the same warning on each line
    text = "# Shed\n\n" + "".join(f"## Phase {n}: Part {n}\n\n**Progress**: 0/1\n\n- [x] Part {n}\n\n"
                                  for n in range(1, 6))
    _, s, _ = fields_of(text)
    drift = [w for w in s.warnings if "Progress says" in w.message]
    assert len(drift) == 1
    assert drift[0].line == 5
    assert drift[0].message == "Progress says '0/1', the boxes say '1/1' (5 lines, the first line 5)"


# 4. A hand-written breakdown is checked, never rewritten --------------------------

BREAKDOWN = """\
# Shop

**Total Tasks**: 231 (Backend: 120 + Frontend: 98 + Docs: 13) = 256+
**Progress**: 1/3 tasks (33%)

- [x] Cart
- [ ] Checkout
- [ ] Receipts
"""


def test_a_hand_written_breakdown_is_left_alone_and_its_drift_said(tmp_path):
    _, s, by = fields_of(BREAKDOWN)
    f, st = by[(3, "total tasks")]
    assert (st.computed, st.drift, st.writable) == ("3", True, False)
    assert any(w.message.startswith("Total Tasks says '231 (Backend") and w.message.endswith("the boxes say '3'")
               for w in s.warnings)
    path = write(tmp_path, BREAKDOWN)
    actions.mark(path, [7], None, now=NOW)
    assert path.read_text() == BREAKDOWN.replace("1/3 tasks (33%)", "2/3 tasks (66%)").replace("[ ] Checkout", "[x] Checkout")
    actions.sync(path, now=NOW)
    assert "**Total Tasks**: 231 (Backend: 120 + Frontend: 98 + Docs: 13) = 256+\n" in path.read_text()


@pytest.mark.parametrize("name, value, ok", [
    ("total tasks", "12", True),
    ("total tasks", "12 tasks", True),
    ("total tasks", "**12**", True),
    ("total tasks", "231 (Backend: 120 + Frontend: 98) = 256+", False),
    ("total tasks", "12 across 3 phases", False),
    ("progress", "7/12 tasks complete (58%)", True),
    ("progress", "~98% Complete!", True),
    ("progress", "11/11 tasks (100%) ✅ **COMPLETE**", False),
    ("progress", "58% — backend done, frontend next", False),
    ("progress", "7/12, 3 blocked", False),
    ("status", "IN PROGRESS 6/25", True),
    ("last updated", "2026-01-02", True),
    ("last updated", "January 2, 2026 at 09:30 UTC", True),
    ("last updated", "2026-01-02 by the release agent", False),
    ("last updated", "[Date]", True),
])
def test_whole_tells_a_derived_value_from_one_a_person_wrote(name, value, ok):
    assert whole(name, value) is ok


@pytest.mark.parametrize("value", ["1/3 phases", "7 of 8 phases completed (87.5%)", "75% (6/8 stages)"])
def test_progress_in_phases_is_no_count_of_tasks(value):
    _, s, by = fields_of(f"# Shop\n\n**Overall Progress**: {value}\n\n- [x] Cart\n- [ ] Pay\n")
    f, st = by[(3, "progress")]
    assert (st.computed, st.drift) == (None, False)


# 5. A tick writes the spelling of its neighbours ----------------------------------

MIXED = """\
# Boat

**Progress**: 5/8

## Phase 1: Hull

- [X] Sand the hull
- [X] Prime the hull
- [X] Paint the hull
- [ ] Varnish the hull

## Phase 2: Rigging

- [x] Buy the rope
- [ ] Tie the knots
  - [x] Bowline
  - [ ] Reef knot
"""


def test_a_tick_in_a_mixed_file_writes_its_neighbours_spelling_and_untick_restores_the_bytes(tmp_path):
    path = write(tmp_path, MIXED)
    actions.mark(path, [15], None, now=NOW)  # Phase 2 says [x], the file mostly [X]
    ticked = path.read_text()
    assert "- [x] Tie the knots\n" in ticked and "**Progress**: 6/8\n" in ticked
    actions.mark(path, [15], " ", now=NOW)
    assert path.read_bytes() == MIXED.encode()
    actions.mark(path, [17], None, now=NOW)  # its own list: [x] Bowline
    assert "  - [x] Reef knot\n" in path.read_text()
    actions.mark(path, [10], None, now=NOW)  # Phase 1 says [X]
    assert "- [X] Varnish the hull\n" in path.read_text()


def test_a_tick_with_no_telling_neighbours_writes_the_files_most_common_spelling(tmp_path):
    text = "# Boat\n\n## Hull\n\n- [X] Sand\n- [X] Prime\n- [x] Paint\n\n## Sails\n\n- [ ] Sew\n"
    path = write(tmp_path, text)
    actions.mark(path, [11], None, now=NOW)
    assert "- [X] Sew\n" in path.read_text()


# 6. Marker dialects ----------------------------------------------------------------

KIRO = """\
# Implementation Plan

- [ ] 1. Set up the lamp
  - [x] 1.1 Buy a bulb
  - [-] 1.2 Fit the bulb
  - [~] 1.3 Test the switch
"""


def plan_at(tmp_path, where: str, text: str = KIRO):
    path = tmp_path / "repo" / where
    path.parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "repo" / ".git").mkdir(exist_ok=True)  # the config is looked for up to here
    path.write_text(text)
    return path


@pytest.mark.parametrize("where, preset, tilde, dash", [
    (".kiro/specs/lamp/tasks.md", "kiro", "open", "in_progress"),
    ("conductor/tracks/lamp/plan.md", "conductor", "in_progress", "in_progress"),
    ("PLANS.md", "execplan", "in_progress", "in_progress"),
    (".agent/lamp.md", "execplan", "in_progress", "in_progress"),
    (".agents/plans/lamp.md", "execplan", "in_progress", "in_progress"),
    ("docs/exec-plans/active/lamp.md", "execplan", "in_progress", "in_progress"),
    ("specs/001-lamp/tasks.md", "markdown", "skipped", "in_progress"),
    ("TODO.md", "markdown", "skipped", "in_progress"),
])
def test_the_marker_dialect_follows_where_the_plan_lives(tmp_path, where, preset, tilde, dash):
    snap = snapshot.read(plan_at(tmp_path, where))
    assert snap.settings.preset == preset
    states = {it.id: it.state.value for it in snap.plan.items}
    assert (states["1.3"], states["1.2"]) == (tilde, dash)


def test_a_plan_that_says_it_is_an_execplan_is_read_as_one(tmp_path):
    text = "# Add import\n\nThis ExecPlan is a living document.\n\n## Progress\n\n- [x] Read the file\n- [~] Parse it\n"
    snap = snapshot.read(plan_at(tmp_path, "docs/import.md", text))
    assert snap.settings.preset == "execplan"
    assert [it.state.value for it in snap.plan.items] == ["done", "in_progress"]
    plain = snapshot.read(plan_at(tmp_path, "docs/other.md", text.replace("This ExecPlan", "This plan")))
    assert plain.settings.preset == "markdown" and plain.plan.items[1].state.value == "skipped"


def test_a_config_file_still_overrides_the_dialect(tmp_path):
    path = plan_at(tmp_path, ".kiro/specs/lamp/tasks.md")
    (tmp_path / "repo" / ".plantui.toml").write_text('[markers]\n"~" = "skipped"\n')
    snap = snapshot.read(path)
    assert snap.settings.preset == "kiro"
    assert next(it for it in snap.plan.items if it.id == "1.3").state.value == "skipped"
    assert next(it for it in snap.plan.items if it.id == "1.2").state.value == "in_progress"
    assert snap.settings.dialect == "kiro ([~] queued, [-] in progress) + .plantui.toml"
    (tmp_path / "repo" / ".plantui.toml").write_text('preset = "conductor"\n')
    other = plan_at(tmp_path, "TODO.md")
    assert snapshot.read(other).settings.preset == "conductor"
    assert next(it for it in snapshot.read(other).plan.items if it.id == "1.3").state.value == "in_progress"


def test_a_config_file_naming_no_preset_plantui_knows_is_refused(tmp_path):
    path = plan_at(tmp_path, "TODO.md")
    (tmp_path / "repo" / ".plantui.toml").write_text('preset = "jira"\n')
    out = run_cli("status", path)
    assert out.returncode == 2 and "preset 'jira' is not one of" in out.stderr and "Traceback" not in out.stderr


def run_cli(*args):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True)


def test_status_names_the_dialect_in_force(tmp_path):
    import json

    path = plan_at(tmp_path, ".kiro/specs/lamp/tasks.md")
    out = run_cli("status", path)
    assert "  Markers: kiro ([~] queued, [-] in progress)\n" in out.stdout
    doc = json.loads(run_cli("status", "--json", path).stdout)
    markers = doc["plans"][0]["markers"]
    assert markers["preset"] == "kiro" and markers["meaning"]["~"] == "open" and markers["config"] is None
    plain = plan_at(tmp_path, "TODO.md")
    assert "Markers:" not in run_cli("status", plain).stdout  # plain Markdown's, as ever: no line
    assert json.loads(run_cli("status", "--json", plain).stdout)["plans"][0]["markers"]["preset"] == "markdown"


async def test_the_dashboard_names_the_dialect_in_force(tmp_path):
    from pilot import loaded

    from plantui.ui.app import PlantuiApp
    from textual.widgets import Static

    path = plan_at(tmp_path, ".kiro/specs/lamp/tasks.md")
    app = PlantuiApp([path], live=False, mode="dashboard", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        shown = app.screen.query_one("#panel-markers", Static)
        assert shown.display
        assert str(shown.render()) == "markers: kiro\n  [~] queued, [-] in progress"


# On the corpus: real plans, at the paths they had in their repositories ------------

def _corpus_at_home(tmp_path, prefix: str):
    """Corpus file ``prefix`` copied to the path it had in its repository (INDEX.tsv)."""
    import csv

    from conftest import CORPUS, HAVE_SHARED, INDEX, NO_SHARED

    if not HAVE_SHARED:
        pytest.skip(NO_SHARED)
    rows = {r["filename"]: r for r in csv.DictReader(INDEX.open(encoding="utf-8"), delimiter="\t")}
    source = next(CORPUS.glob(f"{prefix}_*.md"))
    return plan_at(tmp_path, rows[source.name]["path"], source.read_bytes().decode("utf-8"))


@pytest.mark.needs_shared
@pytest.mark.parametrize("prefix, preset", [("16", "kiro"), ("19", "kiro"), ("20", "markdown"), ("21", "conductor"),
                                            ("24", "conductor"), ("01", "markdown"), ("46", "markdown")])
def test_corpus_plans_at_home_take_their_tools_dialect(tmp_path, prefix, preset):
    snap = snapshot.read(_corpus_at_home(tmp_path, prefix))
    assert snap.settings.preset == preset


@pytest.mark.needs_shared
def test_a_kiro_plans_tilde_tasks_are_open_at_home_and_skipped_elsewhere(tmp_path):
    # kythira's [~] tasks are "left [~] rather than [x]": not done, and not out of the count
    home = summarize(snapshot.read(_corpus_at_home(tmp_path, "16")).plan, NOW)
    from conftest import CORPUS
    away = summarize(snapshot.read(next(CORPUS.glob("16_*.md"))).plan, NOW)
    assert (away.tasks.skipped, home.tasks.skipped) == (5, 0)
    assert home.tasks.open == away.tasks.open + 5 and home.tasks.done == away.tasks.done == 28


@pytest.mark.needs_shared
def test_ticks_in_the_textual_roadmap_follow_their_lists_spelling_and_untick_restores_it(tmp_path):
    from conftest import CORPUS

    source = next(CORPUS.glob("48_*.md"))
    path = write(tmp_path, source.read_bytes().decode("utf-8"), "roadmap.md")
    original = path.read_bytes()
    plan = snapshot.read(path).plan
    line = {it.text: it.line for it in plan.items}
    wanted = {"Lazy loading API": "x", "Indentation guides": "X", "Color picker": "X", "Integrated log": "x"}
    for text, marker in wanted.items():  # the file's most common is [X]; DataTable's list says [x]
        actions.mark(path, [line[text]], None, now=NOW)
        assert snapshot.read(path).plan.item_at_line(line[text]).marker == marker, text
        actions.mark(path, [line[text]], " ", now=NOW)
        assert path.read_bytes() == original


def test_status_says_a_breakdowns_drift_is_left_as_written(tmp_path):
    out = run_cli("status", write(tmp_path, BREAKDOWN))
    assert "Total Tasks: 231 (Backend: 120 + Frontend: 98 + Docs: 13) = 256+  → 3  [drift, left as written]" in out.stdout
    assert "Progress: 1/3 tasks (33%)  line 4" in out.stdout


def test_folders_above_the_repository_name_no_dialect(tmp_path):
    outside = tmp_path / "conductor" / "work"
    path = plan_at(outside, "specs/001-lamp/tasks.md")  # a repository cloned under a folder named conductor
    assert snapshot.read(path).settings.preset == "markdown"


@pytest.mark.parametrize("text", [STATED, PER_TASK, TASK_HEADINGS, BREAKDOWN, MIXED, PHASE_FOOTERS,
                                  "---\nstatus: in-progress\n---\n# Kettle\n\n- [x] Boil\n- [ ] Pour\n"])
def test_a_tick_read_without_a_parse_equals_a_full_parse(text):
    # every tick and untick of every box: the plan and summary plantui works out
    # from the last ones are the plan and summary of a full parse
    from plantui.after_tick import update
    from plantui.edits import set_markers
    from plantui.incremental import reparse
    from plantui.parser import build_plan, parse_lines
    from plantui.lines import Lines

    lines = Lines.of(text)
    plan = parse_lines(lines)
    s = summarize(plan, NOW)
    for it in plan.items:
        for marker in (None, " ", "X"):
            change = set_markers(lines, plan, [(it, marker)], now=NOW, summary=s)
            if not change.edits:
                continue
            new_lines = Lines.of(change.text)
            fast, full = reparse(plan, lines, new_lines), build_plan(new_lines)
            assert fast == full
            assert update(plan, s, fast, NOW) == summarize(full, NOW)


@pytest.mark.parametrize("heads, status", [
    (("## Phase 1: Scaffold ✅ COMPLETE", "## Phase 2: Build 🚧"), "In Progress"),
    (("## Phase 1: Scaffold ✅", "## Phase 2: Build (DONE)"), "Complete"),
    (("## Phase 1: Scaffold", "## Phase 2: Build"), "Not Started"),
])
def test_a_plan_of_phases_without_tasks_has_the_status_its_phases_say(heads, status):
    """A plan whose phases say how far along they are, with no task in it, said
    "Not Started" while its phases said done and in progress."""
    text = "# Plan\n\n" + "".join(f"{h}\n\nWhat it does.\n\n" for h in heads)
    summary = summarize(parse(text))
    assert summary.tasks.total == 0 and summary.status == status, [p.status for p in summary.phases]
    boxed = summarize(parse(text + "- [ ] a task\n"))  # with a task: the tasks say it, as before
    assert boxed.status == "Not Started"


def test_a_plan_whose_tasks_are_all_skipped_is_complete():
    """Every task skipped (descoped): the plan said Not Started while its phase said done
    and `plantui check` said complete; nothing is left to do."""
    summary = summarize(parse("# Plan\n\n## Phase 1: Cut\n\n- [~] T001 One\n- [~] T002 Two\n"))
    assert summary.tasks.open == 0 and summary.phases[0].status == "done"
    assert summary.status == "Complete"
    mixed = summarize(parse("# Plan\n\n## Phase 1: Cut\n\n- [~] T001 One\n- [ ] T002 Two\n"))
    assert mixed.status == "Not Started"  # one still open: as before
