"""Parser cases, one construct each: what is an item, a phase, a checkpoint, a field."""

from __future__ import annotations

import pytest

from plantui.config import DEFAULT, Settings
from plantui.model import Kind, State
from plantui.parser import parse


def items(text, settings=DEFAULT):
    return [(it.line, it.marker, it.text) for it in parse(text, settings).items]


# --- items ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("- [ ] a\n", [(1, " ", "a")]),
        ("* [x] a\n", [(1, "x", "a")]),
        ("+ [X] a\n", [(1, "X", "a")]),
        ("1. [ ] a\n", [(1, " ", "a")]),
        ("1) [x] a\n", [(1, "x", "a")]),
        ("- [/] a\n- [-] b\n- [~] c\n", [(1, "/", "a"), (2, "-", "b"), (3, "~", "c")]),
        ("  - [ ] indented\n", [(1, " ", "indented")]),
        ("- a\n\t- [ ] tab\n", [(2, " ", "tab")]),
        ("> - [ ] quoted\n", [(1, " ", "quoted")]),
        ("> [!NOTE]\n> - [x] in a callout\n", [(2, "x", "in a callout")]),
        ("- - [ ] same line\n", [(1, " ", "same line")]),
        ("- [ ] wrapped\n  over two lines\n", [(1, " ", "wrapped over two lines")]),
        ("<details>\n<summary>Done</summary>\n- [x] inside details\n</details>\n", [(3, "x", "inside details")]),
    ],
)
def test_checkbox_items(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "```\n- [ ] fenced\n```\n",
        "~~~md\n- [x] tilde fence\n~~~\n",
        "    - [ ] indented code\n",
        "Text with `- [ ] inline code`.\n",
        "<!-- - [ ] commented -->\n",
        "<!--\n- [ ] a comment block\n-->\n",
        "| task | done |\n|---|---|\n| a | [x] |\n",
        "- [ ]\n",  # no text after the box: no task (as markdown-it reads it)
        "- [x]done\n",  # no space after the box
        "- [P] T012, T013 (parallel group)\n",  # Spec Kit's tag, no box
        "- [US1] story\n",
        "[ ] not in a list\n",
    ],
)
def test_not_items(text):
    assert items(text) == []


def test_markers_and_states():
    plan = parse("- [ ] a\n- [x] b\n- [X] c\n- [/] d\n- [-] e\n- [~] f\n- [?] g\n- [✅] h\n")
    assert [it.state for it in plan.items] == [
        State.OPEN, State.DONE, State.DONE, State.IN_PROGRESS, State.IN_PROGRESS,
        State.SKIPPED, State.OTHER, State.OTHER,
    ]


def test_configured_markers():
    from types import MappingProxyType

    from plantui.config import DEFAULT_MARKERS

    custom = Settings(MappingProxyType({**DEFAULT_MARKERS, "-": State.SKIPPED, "✅": State.DONE}))
    plan = parse("- [-] a\n- [✅] b\n", custom)
    assert [it.state for it in plan.items] == [State.SKIPPED, State.DONE]


def test_config_files(tmp_path):
    from plantui.config import ConfigError, load_settings

    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.plantui.markers]\n"-" = "skipped"\n')
    sub = tmp_path / "specs" / "001"
    sub.mkdir(parents=True)
    assert load_settings(sub / "tasks.md").state_of("-") is State.SKIPPED
    (sub / ".plantui.toml").write_text('[markers]\n"✅" = "done"\n')
    s = load_settings(sub / "tasks.md")
    assert s.state_of("✅") is State.DONE and s.state_of("-") is State.IN_PROGRESS
    (sub / ".plantui.toml").write_text('[markers]\n"✅" = "finished"\n')
    with pytest.raises(ConfigError, match="finished"):
        load_settings(sub / "tasks.md")


def test_ids_tags_optional_and_details():
    plan = parse(
        "- [ ] **1.1** Setup environment\n"
        "  - Install dependencies\n"
        "  - _Requirements: 1.1, 2.3_\n"
        "- [ ] T012 [P] [US1] Create model in src/models/user.py\n"
        "- [ ]* 3.3 Write property tests\n"
        "- [x] 1. Set up project\n"
        "  - [x] 1.1 Nested\n"
        "- [ ] **TASK-701**: heading-like id\n"
    )
    first, spec, kiro, parent, child, dashed = plan.items
    assert (first.id, first.text) == ("1.1", "Setup environment")
    assert first.details == ("Install dependencies", "_Requirements: 1.1, 2.3_")
    assert (spec.id, spec.tags, spec.text) == ("T012", ("P", "US1"), "Create model in src/models/user.py")
    assert (kiro.id, kiro.optional) == ("3.3", True)
    assert (parent.id, parent.text, parent.children) == ("1", "Set up project", (4,))
    assert (child.depth, child.parent) == (1, 3)
    assert dashed.id == "TASK-701"


def test_multi_codepoint_emoji_marker_is_one_marker():
    plan = parse("- [✔️] done-ish\n")
    assert plan.items[0].marker == "✔\ufe0f"
    assert plan.items[0].state is State.OTHER


# --- bytes and lines ------------------------------------------------------------

def test_crlf_lone_cr_and_no_final_newline():
    plan = parse("# T\r\n\r\n- [ ] a\r- [x] b")
    assert [(it.line, it.marker) for it in plan.items] == [(3, " "), (4, "x")]


def test_front_matter_is_skipped_and_read_as_fields():
    plan = parse("---\ndescription: tasks\nstatus: In Progress\n---\n# Title\n\n- [ ] a\n")
    assert plan.title == "Title"
    assert [(f.name, f.value, f.line) for f in plan.fields] == [("description", "tasks", 2), ("status", "In Progress", 3)]


def test_heading_in_fence_is_no_heading():
    plan = parse("# Real\n\n```bash\n# Phase 1: not a heading\n```\n")
    assert [s.title for s in plan.sections] == ["Real"]
    assert plan.phases == ()


def test_setext_headings():
    plan = parse("Phase 1: Foundation\n===================\n\n- [ ] a\n\nPhase 2\n-------\n\n- [ ] b\n")
    assert [p.title for p in plan.phases] == ["Phase 1: Foundation", "Phase 2"]


# --- phases -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "heading, number",
    [
        ("## Phase 1: Setup", "1"),
        ("### **Phase 1: Setup & Infrastructure**", "1"),
        ("## Phase 2 ✅", "2"),
        ("## Phase 3.1: Setup (T001-T003)", "3.1"),
        ("### Phase 2b: Map Objects", "2b"),
        ("## Phase 1: Foundation [Priority: HIGH]", "1"),
        ("## Phase 1: Core [checkpoint: 7f1e0ba]", "1"),
        ("### Step 4: API Layer", "4"),
        ("## Stage 2 - Rollout", "2"),
        ("## Milestone 3", "3"),
        ("## Sprint 12", "12"),
        ("## Part II", "ii"),
        ("## 阶段 1：环境搭建", "1"),
    ],
)
def test_phase_headings(heading, number):
    plan = parse(f"# Plan\n\n{heading}\n\n- [ ] task\n")
    assert [p.number for p in plan.phases] == [number]
    assert plan.phases[0].items == (0,)


def test_words_that_are_not_phases():
    plan = parse("# P\n\n## 14. Development Phases\n\n## Stepping stones\n\n## Part of it\n\n- [ ] a\n")
    assert plan.phases == ()


def test_task_headings_are_phases_only_without_phase_headings():
    plan = parse("# P\n\n### Task 1: Parser\n\n- [ ] a\n\n### Task 2: CLI\n\n- [ ] b\n")
    assert [p.title for p in plan.phases] == ["Task 1: Parser", "Task 2: CLI"]
    plan = parse("# P\n\n## Phase 1\n\n### Task 1.1: x\n\n- [ ] a\n")
    assert [p.title for p in plan.phases] == ["Phase 1"]


def test_nested_phases_roll_up():
    plan = parse("# P\n\n## Phase 2\n\n- [x] a\n\n### Phase 2b\n\n- [ ] b\n\n## Phase 3\n\n- [ ] c\n")
    two, two_b, three = plan.phases
    assert two.items == (0, 1) and two_b.items == (1,) and two_b.parent == 0
    assert plan.items[1].phase == 1  # the innermost phase


def test_grouping_level_without_phase_names():
    plan = parse("# Tasks\n\n## Parser\n\n- [ ] a\n\n## CLI\n\n- [ ] b\n- [ ] c\n")
    assert [(p.title, len(p.items)) for p in plan.phases] == [("Parser", 1), ("CLI", 2)]


def test_kiro_top_level_tasks_with_subtasks_are_phases():
    plan = parse("# Implementation Plan\n\n- [x] 1. Setup\n  - [x] 1.1 a\n  - [ ] 1.2 b\n- [ ] 2. Core\n  - [ ] 2.1 c\n- [ ] 3. Checkpoint\n")
    assert [(p.title, p.items) for p in plan.phases] == [("1 Setup", (1, 2)), ("2 Core", (4,))]
    assert plan.items[5].kind is Kind.CHECK


def test_phase_dependencies():
    plan = parse(
        "# P\n\n### Step 1: A\n- **Dependencies:** None\n\n### Step 2: B\n- **Dependencies:** Step 1\n\n"
        "### Step 3: C\n**Dependencies**: Steps 1, 2\n\n### Step 4: D\n**Dependencies**: Phases 1-3\n"
    )
    assert [p.dependencies for p in plan.phases] == [(), (0,), (0, 1), (0, 1, 2)]


# --- checkpoints ---------------------------------------------------------------------

def test_checkpoint_headings_and_their_checks():
    plan = parse(
        "# P\n\n## Phase 1\n- [ ] a\n\n## Phase 2\n- [ ] b\n\n## Checkpoints\n\n"
        "### Checkpoint 1: After Phase 1\n- [ ] c1\n\n### Checkpoint 2: Before Completion\n- [ ] c2\n- [ ] c3\n"
    )
    assert [(c.title, c.items, c.after) for c in plan.checkpoints] == [
        ("Checkpoint 1: After Phase 1", (2,), (0,)),
        ("Checkpoint 2: Before Completion", (3, 4), (0, 1)),
    ]
    assert [it.kind for it in plan.items] == [Kind.TASK, Kind.TASK, Kind.CHECK, Kind.CHECK, Kind.CHECK]


def test_spec_kit_checkpoint_line_follows_its_phase():
    plan = parse(
        "# T\n\n## Phase 1: Setup\n- [x] T001 a\n\n**Checkpoint**: Foundation ready\n\n"
        "## Phase 2: US1\n- [ ] T002 b\n\n**Checkpoint**: US1 works\n"
    )
    assert [(c.title, c.after, c.items) for c in plan.checkpoints] == [
        ("Checkpoint: Foundation ready", (0,), ()),
        ("Checkpoint: US1 works", (1,), ()),
    ]
    assert not any(f.name == "checkpoint" for f in plan.fields)


def test_bold_label_owns_the_list_after_it():
    plan = parse("# P\n\n**Gate Status**:\n- [x] Initial check: PASS\n- [ ] Post-design check\n\nMore text.\n\n- [ ] later\n")
    assert [it.kind for it in plan.items] == [Kind.CHECK, Kind.CHECK, Kind.TASK]
    assert plan.checkpoints[0].items == (0, 1)


@pytest.mark.parametrize("title", ["Gates", "Quality Gates", "Definition of Done", "Checkpoint 3", "Exit Criteria"])
def test_checkpoint_names(title):
    plan = parse(f"# P\n\n## {title}\n\n- [ ] check\n")
    assert plan.items[0].kind is Kind.CHECK and plan.checkpoints[0].title == title


# --- fields, tables, graphs ------------------------------------------------------------

def test_field_forms():
    plan = parse(
        "# P\n\n**Progress:** 7/12 tasks complete  \n**Status**: In Progress\n"
        "- **Total Tasks**: 12\n<!-- LAST_UPDATED: 2026-01-02 -->\n"
        "**Branch**: `x` | **Date**: 2026-01-01 | **Spec**: s.md\n"
    )
    got = [(f.name, f.value) for f in plan.fields]
    assert got == [
        ("progress", "7/12 tasks complete"),
        ("status", "In Progress"),
        ("total tasks", "12"),
        ("last updated", "2026-01-02"),
        ("branch", "`x`"),
        ("date", "2026-01-01"),
        ("spec", "s.md"),
    ]
    progress = plan.fields[0]
    assert (progress.start, progress.end) == (14, 33)  # the two trailing spaces are not the value


def test_bold_in_a_sentence_is_no_field():
    assert parse("This is **important**: really.\n").fields == ()


def test_status_tables():
    plan = parse("| Phase | Status |\n|---|---|\n| One | ✅ Done |\n| Two | 🔄 In Progress |\n| Three | Not Started |\n")
    assert [(r.label, r.state) for r in plan.status_rows] == [
        ("One", State.DONE), ("Two", State.IN_PROGRESS), ("Three", State.OPEN),
    ]


def test_task_graph():
    plan = parse("```\n1.1 → 1.2 → 2.1\n3.1, 3.2 → 4.1\n```\n")
    assert [(e.before, e.after) for e in plan.graph] == [("1.1", "1.2"), ("1.2", "2.1"), ("3.1", "4.1"), ("3.2", "4.1")]


def test_empty_and_odd_inputs_do_not_fail():
    for text in ["", "\n", "\ufeff", "---\n", "- [ ] " * 1000, "> " * 500 + "- [ ] deep\n", "\x00\x01", "#" * 100]:
        parse(text)


def test_items_are_the_items_their_constructor_makes():
    # parser._items passes each Item's fields by position: the result must be what
    # Item(...) makes from the fields by name, every field included.
    from dataclasses import fields

    from plantui.model import Item

    plan = parse("# P\n\n## Phase 1\n\n- [x] **1.1** One [P]\n  - [ ] 1.1.1 Sub\n  - detail\n")
    names = [f.name for f in fields(Item)]
    for it in plan.items:
        assert not hasattr(it, "__dict__")  # slotted
        made = Item(**{name: getattr(it, name) for name in names})
        assert made == it and hash(made) == hash(it) and repr(made) == repr(it)


