"""Plans whose tasks are not boxes (issue #14): task headings, status lines and
task-table rows are tasks with a state, in their phase, in ``status --json`` with
their ``source``; a tick writes the file's own word and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantui import actions, snapshot
from plantui.cli import main
from plantui.edits import EditError
from plantui.errors import PlanError
from plantui.model import State
from plantui.status_words import status_of_cell
from plantui.parser import build_plan, parse
from plantui.progress import summarize
from plantui.lines import Lines
from plantui.ui import tree_model

FIXTURES = Path(__file__).parent / "fixtures" / "nonbox"
NAMES = ["headings.md", "task_001.md", "rows.md"]


def items_of(name: str) -> list[tuple]:
    plan = snapshot.read(FIXTURES / name).plan
    return [(it.line, it.state, it.spelling.name, it.id, it.text) for it in plan.items]


def test_task_headings_and_a_status_line_are_tasks_in_their_phases():
    assert items_of("headings.md") == [
        (5, State.DONE, "heading", "T001", "Create the recipe table"),
        (9, State.OPEN, "heading", "T002", "Add the ingredient table"),  # says nothing: open
        (13, State.IN_PROGRESS, "status", "T003", "Import the old cards"),  # its **Status:** line says
        (17, State.DONE, "heading", "4", "List recipes"),  # "Task 4": id 4, so that `tick FILE 4` finds it
        (19, State.OPEN, "heading", "5", "Edit a recipe"),
        (21, State.DONE, "heading", "2.3", "Share a recipe"),  # N.M under a phase
    ]
    snap = snapshot.read(FIXTURES / "headings.md")
    s = summarize(snap.plan)
    assert (s.tasks.total, s.tasks.done, s.tasks.in_progress) == (6, 3, 1)
    assert [(p.counts.total, p.counts.done, p.status) for p in s.phases] == [(3, 1, "in progress"), (3, 2, "in progress")]
    assert [p.title for p in snap.plan.phases] == ["Phase 1: Storage", "Phase 2: Screens"]  # no phase per task


def test_task_master_status_heading_and_its_subtasks():
    assert items_of("task_001.md") == [
        (3, State.IN_PROGRESS, "status", "7", "Build the import command"),
        (14, State.DONE, "heading", "1", "Read one card"),
        (20, State.OPEN, "heading", "2", "Read a folder"),
        (24, State.SKIPPED, "heading", "3", "Report bad cards"),
    ]
    plan = snapshot.read(FIXTURES / "task_001.md").plan
    assert plan.items[0].children == (1, 2, 3) and {it.parent for it in plan.items[1:]} == {0}


def test_task_rows_are_tasks_and_a_status_word_wins_over_its_emoji():
    assert items_of("rows.md") == [
        (5, State.DONE, "row", "T01", "Sharpen knives"),
        (6, State.OPEN, "row", "T02", "Label the jars"),  # ⏳ Pending: open, not in progress
        (7, State.IN_PROGRESS, "row", "T03", "Clean the oven"),
        (8, State.OPEN, "row", "T04", "Fix the tap"),
    ]


def test_status_words_win_over_emoji():
    assert status_of_cell("⏳ Pending") is State.OPEN
    assert status_of_cell("⏳ Backlog") is State.OPEN
    assert status_of_cell("✓&nbsp;done") is State.DONE
    assert status_of_cell("❌ Not done") is State.OPEN
    assert status_of_cell("✅ Done, pending review") is State.DONE  # the first word says it
    assert status_of_cell("⏳") is State.IN_PROGRESS


def test_a_table_of_counts_is_no_table_of_tasks_and_its_drift_is_a_warning():
    plan = snapshot.read(FIXTURES / "rows.md").plan
    assert [r.line for r in plan.status_rows] == [5, 6, 7, 8]  # not "| Done | 1 |"
    assert plan.warnings == ()  # its counts agree
    text = (FIXTURES / "rows.md").read_text().replace("| Pending | 2 |", "| Pending | 3 |")
    plan = parse(text)
    assert [(w.line, w.message) for w in plan.warnings] == [(15, "the table says Pending: 3; the plan has 2")]


def test_status_json_says_where_each_task_came_from(capsys):
    assert main(["status", "--json", str(FIXTURES / "headings.md")]) == 0
    out = json.loads(capsys.readouterr().out)
    plan = out if "items" in out else out["plans"][0]
    assert [i["source"] for i in plan["items"]] == ["heading", "heading", "status", "heading", "heading", "heading"]
    assert plan["tasks"]["total"] == 6 and plan["tasks"]["done"] == 3


def _cases():
    for name in NAMES:
        for crlf in (False, True):
            yield pytest.param(name, crlf, id=f"{name}-{'crlf' if crlf else 'lf'}")


@pytest.mark.parametrize(("name", "crlf"), list(_cases()))
def test_tick_and_untick_change_only_the_status_and_restore_every_byte(name, crlf, tmp_path):
    """Every open task ticked then unticked: one span of the file changes, on its
    line, and the untick brings back every byte (CRLF too)."""
    raw = (FIXTURES / name).read_bytes()
    if crlf:
        raw = raw.replace(b"\n", b"\r\n")
    work = tmp_path / name
    work.write_bytes(raw)
    plan = snapshot.read(work).plan
    opened = [it for it in plan.items if it.state is State.OPEN and it.spelling.states]
    assert opened
    for it in opened:
        actions.mark(work, [it.line], None, sync=False)
        ticked = work.read_bytes()
        old_lines, new_lines = raw.splitlines(keepends=True), ticked.splitlines(keepends=True)
        assert len(old_lines) == len(new_lines)
        assert [k for k, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b] == [it.line - 1]
        assert snapshot.read(work).plan.item_at_line(it.line).state is State.DONE
        actions.mark(work, [it.line], " ", sync=False)
        assert work.read_bytes() == raw, f"line {it.line} did not come back"


@pytest.mark.parametrize(("name", "line", "before", "after"), [
    ("headings.md", 9, "### T002: Add the ingredient table", "### T002: ✅ Add the ingredient table"),
    ("headings.md", 19, "### Task 5 — Edit a recipe", "### Task 5 — ✅ Edit a recipe"),
    ("headings.md", 13, "**Status:** In Progress", "**Status:** Done"),  # the file's case
    ("task_001.md", 20, "## 2. Read a folder [pending]", "## 2. Read a folder [done]"),
    ("task_001.md", 3, "# Status: in-progress", "# Status: done"),
    ("rows.md", 6, "| T02 Label the jars | bo | ⏳ Pending |", "| T02 Label the jars | bo | ✅ Done |"),
    ("rows.md", 8, "| T04 Fix the tap | cy | Pending |", "| T04 Fix the tap | cy | Done |"),
])
def test_a_tick_writes_the_files_own_spelling(name, line, before, after, tmp_path):
    work = tmp_path / name
    work.write_bytes((FIXTURES / name).read_bytes())
    assert work.read_text().splitlines()[line - 1] == before
    result = actions.mark(work, [line], None)
    assert result.written
    assert work.read_text().splitlines()[line - 1] == after


def test_unticking_a_done_heading_removes_its_mark_and_a_word_becomes_the_files_open_word(tmp_path):
    work = tmp_path / "plan.md"
    work.write_bytes((FIXTURES / "headings.md").read_bytes())
    actions.mark(work, [5, 17, 21], " ")
    lines = work.read_text().splitlines()
    assert lines[4] == "### T001: Create the recipe table"  # the ✅ and its space go
    assert lines[16] == "### Task 4 — List recipes [PENDING]"
    assert lines[20] == "### 2.3 Share a recipe"
    actions.mark(work, [21], None)  # the file puts its ✅ after the id (T001's was): so does a tick
    assert work.read_text().splitlines()[20] == "### 2.3 ✅ Share a recipe"


def test_no_safe_edit_is_refused_with_a_sentence(tmp_path):
    work = tmp_path / "plan.md"
    work.write_bytes((FIXTURES / "headings.md").read_bytes())
    with pytest.raises((EditError, PlanError), match="T002 cannot be marked skipped: its heading has no word for it; nothing written"):
        actions.mark(work, [9], "~")
    # a row that reads its status twice: which cell to write is a guess, so none is
    text = "# Board\n\n| Task | Status | Was |\n|---|---|---|\n| T1 Paint | Pending | Pending |\n"
    work.write_text(text)
    item = snapshot.read(work).plan.items[0]
    assert item.state is State.OPEN and item.spelling.name == "row"
    with pytest.raises((EditError, PlanError), match="cannot be marked done: its row has no word for it; nothing written"):
        actions.mark(work, [5], None)
    assert work.read_text() == text


def test_a_plan_with_boxes_reads_as_before():
    text = ("# Plan\n\n## Phase 1: Setup\n\n### T001 ✅ Scaffold\n\n- [x] make the repo\n\n"
            "### T002 Config [DONE]\n\n**Status:** pending\n\n| Task | Status |\n|---|---|\n| T9 Docs | Pending |\n")
    plan = parse(text)
    assert [(it.line, it.marker, it.spelling) for it in plan.items] == [(7, "x", None)]
    assert [r.line for r in plan.status_rows] == [15]


def test_a_tick_re_reads_right_through_the_snapshot(tmp_path):
    work = tmp_path / "plan.md"
    work.write_bytes((FIXTURES / "headings.md").read_bytes())
    first = snapshot.read(work)
    actions.mark(work, [9], None)
    again = snapshot.read(work, previous=first)
    assert again.plan == build_plan(Lines.of(work.read_text()))
    assert again.plan.item_at_line(9).state is State.DONE


def test_the_tree_shows_a_state_glyph_for_tasks_that_are_not_boxes():
    plan = snapshot.read(FIXTURES / "rows.md").plan
    tree = tree_model.build(plan, summarize(plan))
    looks = [node.look for node in tree.nodes.values() if node.kind == "item"]
    assert [look.marker for look in looks] == ["✓", "○", "◐", "○"]


REPORT = """# Sync layer progress

## ✅ Completed work

### Task 1.1: Queue the changes

### Task 1.2: Send a batch (PARTIAL)

## 🚧 Under way

### Task 1.3: Retry on failure
**Status**: Not started

## Acceptance

### Task 1.1: Queue the changes ✅
"""


def test_a_heading_that_says_the_state_of_the_tasks_it_holds_is_no_task(tmp_path):
    """"## ✅ Completed work" holds task headings: it says their state, and a task that
    says nothing itself takes it (implied: no single edit is safe, so none is made);
    a task named again in a summary is the same task, and no phase."""
    work = tmp_path / "report.md"
    work.write_text(REPORT)
    plan = snapshot.read(work).plan
    assert [(it.line, it.state, it.text) for it in plan.items] == [
        (5, State.DONE, "Queue the changes"),
        (7, State.IN_PROGRESS, "Send a batch"),
        (12, State.OPEN, "Retry on failure"),
    ]
    assert [p.title for p in plan.phases] == ["✅ Completed work", "🚧 Under way"]
    with pytest.raises((EditError, PlanError), match="cannot be marked open: its heading has no word for it; nothing written"):
        actions.mark(work, [5], " ")
    assert work.read_text() == REPORT


BOARD = """# Launch board

## Phase 4: Docs

| Step | Task | Status |
|------|------|--------|
| 4.1 | Write the guide | Pending |
| 4.2 | Record the demo | ✅ |

Task | Status
--- | ---
T9 Tweet it | Pending
"""


def test_rows_of_a_step_table_and_of_a_table_without_outer_pipes(tmp_path):
    work = tmp_path / "board.md"
    work.write_text(BOARD)
    plan = snapshot.read(work).plan
    assert [(it.line, it.state, it.id, it.text, it.phase) for it in plan.items] == [
        (7, State.OPEN, "4.1", "Write the guide", 0),  # its id alone: the next cell names it
        (8, State.DONE, "4.2", "Record the demo", 0),
        (12, State.OPEN, "T9", "Tweet it", 0),
    ]
    actions.mark(work, [8], " ")  # an emoji alone in its cell: the file's open emoji takes its place
    assert work.read_text().splitlines()[7] == "| 4.2 | Record the demo | ⬜ |"
    actions.mark(work, [8, 12], None)
    assert work.read_text() == BOARD.replace("T9 Tweet it | Pending", "T9 Tweet it | Done")


ADMIN = """# Admin screens

## Phase 2: Views

### Task 2.1: Vote views

### Task 2.2: Boss views ✅
- **Status:** ✅ COMPLETE
- **Files**: all there

### Task 2.3: Armory views
- **Status**: ⏳ Pending
- **Estimate**: 2 hours
"""


def test_a_tasks_own_status_line_is_no_plan_field_and_a_tick_leaves_the_others_alone(tmp_path):
    work = tmp_path / "admin.md"
    work.write_text(ADMIN)
    plan = snapshot.read(work).plan
    assert not any(f.name == "status" for f in plan.fields)
    assert plan.warnings == ()
    actions.mark(work, [5], None)  # with field sync: nothing but the heading changes
    assert work.read_text() == ADMIN.replace("### Task 2.1: Vote views", "### Task 2.1: Vote views ✅")  # where the file puts ✅
    actions.mark(work, [12], None)  # the emoji and the word say it together
    assert work.read_text().splitlines()[11] == "- **Status**: ✅ Done"
    actions.mark(work, [12], " ")
    assert work.read_text().splitlines()[11] == "- **Status**: ⏳ Pending"


def test_a_task_read_from_its_status_line_sits_where_its_heading_does():
    plan = snapshot.read(FIXTURES / "headings.md").plan
    t003 = plan.item_at_line(13)
    assert plan.sections[t003.section].title == "Phase 1: Storage"  # not a section of its own under it


def test_a_blocked_task_row_is_no_odd_marker():
    text = "# Work\n\n| ID | Name | Status |\n|---|---|---|\n| A1 | Auth | Blocked |\n"
    plan = parse(text)
    assert plan.items[0].state is State.OTHER
    assert summarize(plan).warnings == ()


def test_a_status_inside_code_in_a_heading_says_nothing():
    plan = parse("# P\n\n### T005: Parse the `[DONE]` line\n\n### T006: ✅  Two spaces\n")
    assert [(it.state, it.marker, it.text) for it in plan.items] == [
        (State.OPEN, "", "Parse the `[DONE]` line"), (State.DONE, "✅ ", "Two spaces")]


def test_a_status_heading_without_a_task_is_no_task():
    assert parse("# Status: in progress\n\nSome notes.\n").items == ()


@pytest.mark.parametrize("name", NAMES)
def test_an_outside_edit_of_any_task_line_re_reads_as_a_full_parse(name, tmp_path):
    work = tmp_path / name
    work.write_bytes((FIXTURES / name).read_bytes())
    first = snapshot.read(work)
    for it in first.plan.items:
        text = work.read_text()
        lines = text.split("\n")
        lines[it.line - 1] = lines[it.line - 1].replace(it.marker, "✅ Done ", 1) if it.marker else lines[it.line - 1] + " ✅"
        work.write_text("\n".join(lines))
        again = snapshot.read(work, previous=first)
        assert again.plan == build_plan(Lines.of(work.read_text())), it.line
        first = again


def test_a_phase_heading_that_says_done_gives_its_silent_tasks_that_state():
    plan = parse("# P\n\n## Phase 1: Setup ✅ COMPLETE\n\n### T001: Scaffold\n\n### T002: ⬜ Lint\n\n"
                 "## Phase 2: Build 🚧\n\n### T003: Compile\n")
    assert [(it.id, it.state, it.spelling.states == ()) for it in plan.items] == [
        ("T001", State.DONE, True),  # implied: no edit is safe
        ("T002", State.OPEN, False),  # says so itself
        ("T003", State.OPEN, False),  # a phase under way says nothing of each task
    ]


def test_which_headings_name_a_task():
    text = ("# P\n\n## EP-1: Auth\n\n### T001: Login\n\n### PR12 merge\n\n### ES2015 notes\n\n### TASK-7 Deploy\n\n"
            "### 2.1 Background\n\n## 1. Overview\n\n## Phase 2: Build\n\n### 2.1 Compile\n")
    assert [(it.id, it.text) for it in parse(text).items] == [
        ("T001", "Login"), ("TASK-7", "Deploy"), ("2.1", "Compile")]  # "2.1" names a task under a phase


def test_task_master_words_for_every_state(tmp_path):
    work = tmp_path / "task_001.md"
    work.write_bytes((FIXTURES / "task_001.md").read_bytes())
    actions.mark(work, [20], "/")
    assert work.read_text().splitlines()[19] == "## 2. Read a folder [in-progress]"
    actions.mark(work, [24], None)  # deferred -> done
    assert work.read_text().splitlines()[23] == "## 3. Report bad cards [done]"


def test_the_detail_says_where_the_state_is_written():
    from plantui.ui.detail import detail_lines, task_detail

    plan = snapshot.read(FIXTURES / "headings.md").plan
    rows = dict(detail_lines(task_detail(plan, summarize(plan), plan.item_at_line(13).index)))
    assert rows["State"] == "◐ in progress  [status “In Progress”]"
    rows = dict(detail_lines(task_detail(plan, summarize(plan), plan.item_at_line(9).index)))
    assert rows["State"] == "○ open  [heading]"


def test_empty_brackets_in_a_heading_and_a_bracketed_status_line(tmp_path):
    text = ("# Infra\n\n### Task 1 - Bootstrap []\n#### Task 1.1 - Bucket [DONE]\n\n### Task 2 - Scaffold []\n\n"
            "### Task 3: Models\n- Status: [DONE]\n\n### Task 4: Regression\n- Status: [x] DONE — all green\n")
    work = tmp_path / "infra.md"
    work.write_text(text)
    plan = snapshot.read(work).plan
    assert [(it.line, it.state, it.text) for it in plan.items] == [
        (3, State.OPEN, "Bootstrap"), (4, State.DONE, "Bucket"), (6, State.OPEN, "Scaffold"),
        (9, State.DONE, "Models"), (12, State.DONE, "Regression")]
    assert [it.id for it in plan.items] == ["1", "1.1", "2", "3", "4"]  # "Task 1": id 1
    assert plan.items[1].parent == 0
    actions.mark(work, [6], None)
    assert work.read_text().splitlines()[5] == "### Task 2 - Scaffold [DONE]"  # the word its file uses, as written
    actions.mark(work, [6], " ")
    assert work.read_text() == text
