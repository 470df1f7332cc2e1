"""The UI's pure parts: tree layout, keys, changes, milestones (no Textual app)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantui.model import State
from plantui.parser import parse_lines
from plantui.progress import summarize
from plantui.lines import Lines
from plantui.events import events
from plantui.ui.changes import compare
from plantui.ui.tree_model import build
from plantui.ui.widgets.dashboard import editor_command

PLAN = """\
# Payments Service

**Progress:** 3/10 tasks complete

## Phase 1: Foundations

- [x] **1.1** Create the repository layout
- [x] **1.2** Configure CI

## Phase 2: Core

- [x] **2.1** Implement data models
- [/] **2.2** Build the ledger service
  - [x] **2.2.1** Post a transaction
  - [ ] **2.2.2** Reverse a transaction
- [ ] **2.3** Create the database layer

### Checkpoint: Core ready

- [ ] All unit tests passing

## Phase 3: API

**Depends on:** Phase 2

- [ ] **3.1** Implement API endpoints

## Notes

Nothing to tick here.
"""


def plan_of(text: str):
    plan = parse_lines(Lines.of(text))
    return plan, summarize(plan)


def keyed(layout, ident: str):
    return next(k for k in layout.nodes if k[0] == "#" + ident)


def test_title_heading_is_flattened_and_empty_sections_hidden():
    layout = build(*plan_of(PLAN))
    titles = [layout.nodes[k].look[0] for k in layout.roots]
    assert titles == ["Phase 1: Foundations", "Phase 2: Core", "Phase 3: API"]  # no "Payments Service", no "Notes"


def test_subtasks_hang_under_their_task_and_sections_count_their_boxes():
    layout = build(*plan_of(PLAN))
    parent = layout.nodes[keyed(layout, "2.2")]
    assert [layout.item(k).id for k in parent.children] == ["2.2.1", "2.2.2"]
    phase2 = layout.nodes[layout.roots[1]]
    title, done, countable, what, phase, blockers, cp = phase2.look
    assert (done, countable, what, phase) == (2, 5, "tasks", "in progress")
    phase3 = layout.nodes[layout.roots[2]]
    assert phase3.look[4] == "blocked" and phase3.look[5] == ("Phase 2: Core",)


def test_looks_name_what_they_hold():
    layout = build(*plan_of(PLAN))
    phase3 = layout.nodes[layout.roots[2]].look
    assert (phase3.title, phase3.phase, phase3.blockers) == ("Phase 3: API", "blocked", ("Phase 2: Core",))
    parent = layout.nodes[keyed(layout, "2.2")]
    look = parent.look
    assert (look.id, look.state, look.done, look.count) == ("2.2", State.IN_PROGRESS, 1, 2)
    assert look == tuple(look)  # a tuple still: looks compare and unpack as before


def shape(layout) -> tuple:
    """Which nodes there are and where."""
    return layout.roots, tuple((k, n.children) for k, n in layout.nodes.items())


def test_keys_survive_a_tick_and_the_shape_stays():
    before = build(*plan_of(PLAN))
    after = build(*plan_of(PLAN.replace("- [ ] **2.3**", "- [x] **2.3**")))
    assert shape(before) == shape(after)
    key = keyed(after, "2.3")
    assert before.nodes[key].look != after.nodes[key].look
    assert after.item(key).state is State.DONE


def test_an_inserted_task_changes_the_shape_but_not_the_other_keys():
    before = build(*plan_of(PLAN))
    after = build(*plan_of(PLAN.replace("- [ ] **2.3**", "- [ ] **2.0** A new task\n- [ ] **2.3**")))
    assert shape(before) != shape(after)
    assert set(before.nodes) < set(after.nodes)


def test_duplicate_texts_get_distinct_keys():
    plan, _ = plan_of("# P\n\n- [ ] same\n- [ ] same\n- [x] same\n")
    keys = plan.item_keys
    assert len(set(keys)) == 3


def test_filters_and_search():
    plan, summary = plan_of(PLAN)
    open_only = build(plan, summary, show="open")
    assert all(not open_only.item(k).state.closed or open_only.nodes[k].children
               for k in open_only.key_item if k in open_only.nodes)
    assert keyed(build(plan, summary), "1.1") not in open_only.nodes
    done_only = build(plan, summary, show="done")
    assert all(r in done_only.nodes for r in done_only.roots)
    assert not any(done_only.nodes[k].look[4] == "blocked" for k in done_only.roots)  # phase 3 has nothing done
    everything = build(plan, summary)
    found = build(plan, summary, query="LEDGER")
    assert found.matches == 1
    assert keyed(everything, "2.2") in found.nodes and keyed(everything, "2.3") not in found.nodes


def test_a_search_finds_a_tag_as_it_is_shown():
    """Spec Kit's [P] is shown after a task's text: "/[P]" found nothing."""
    plan, summary = plan_of("# P\n\n- [ ] T001 [P] Write the reader\n- [ ] T002 Write the writer\n- [ ] T003 [US1] Check\n")
    assert [it.tags for it in plan.items][:2] == [("P",), ()]
    found = build(plan, summary, query="[P]")
    assert found.matches == 1 and found.nodes[found.item_key[0]]
    assert build(plan, summary, query="[us1").matches == 1 and build(plan, summary, query="reader").matches == 1


def test_start_opens_the_first_unfinished_phase_on_a_big_plan():
    text = "# Big\n\n" + "".join(
        f"## Phase {p}: Part {p}\n\n" + "".join(f"- [{'x' if p < 3 else ' '}] **{p}.{t}** Task {p}.{t}\n" for t in range(1, 8)) + "\n"
        for p in range(1, 12)
    )
    layout = build(*plan_of(text))
    open_titles = {layout.nodes[k].look[0] for k in layout.default_open if layout.nodes[k].kind == "section"}
    assert open_titles == {"Phase 3: Part 3"}
    assert layout.focus == keyed(layout, "3.1")


def test_compare_names_what_changed():
    old, _ = plan_of(PLAN)
    new, _ = plan_of(PLAN.replace("- [ ] **2.3**", "- [x] **2.3**").replace("- [x] **1.2**", "- [ ] **1.2**")
                     .replace("3/10 tasks", "4/10 tasks"))
    changes = compare(old, new)
    assert "✓ 2.3 Create the database layer" in changes.lines
    assert "○ 1.2 Configure CI" in changes.lines
    assert changes.fields == ["Progress: 4/10 tasks complete"]
    assert not changes.structure
    added = compare(old, parse_lines(Lines.of(PLAN + "\n- [ ] **9.9** Late addition\n")))
    assert added.lines == ["+ 9.9 Late addition"] and added.structure


def test_a_phase_done_a_checkpoint_ready_and_the_plan_done_are_events():
    old_plan, old = plan_of(PLAN)
    text = PLAN.replace("- [/] **2.2**", "- [x] **2.2**").replace("- [ ] **2.2.2**", "- [x] **2.2.2**").replace("- [ ] **2.3**", "- [x] **2.3**")
    new_plan, new = plan_of(text)
    messages = [e.title for e in events(old_plan, old, new_plan, new)]
    assert "Phase done: Phase 2: Core" in messages
    assert "Checkpoint ready: Checkpoint: Core ready" in messages
    all_done = text.replace("- [ ] **3.1**", "- [x] **3.1**")
    done_plan, done = plan_of(all_done)
    assert any(e.title.startswith("Plan complete") for e in events(new_plan, new, done_plan, done))


def test_editor_command():
    p = Path("plan.md")
    assert editor_command("vim", p, 12) == ["vim", "+12", "plan.md"]
    assert editor_command("code", p, 3) == ["code", "--wait", "--goto", "plan.md:3"]
    assert editor_command("hx", p, 7) == ["hx", "plan.md:7"]
    assert editor_command("emacs -nw", p, 2) == ["emacs", "-nw", "+2", "plan.md"]


# --- after a tick: the layout and the changes worked out from the last ones ----------

def _ticks(text: str, rng, steps: int):
    """(old plan, new plan) pairs: random boxes flipped, the new plan from the fast path."""
    from plantui.config import DEFAULT
    from plantui.incremental import reparse
    from plantui.lines import splice

    lines = Lines.of(text)
    plan = parse_lines(lines)
    for _ in range(steps):
        picks = rng.sample(plan.items, min(len(plan.items), rng.choice([1, 1, 3])))
        edits = []
        for it in picks:
            at = lines.offset(it.line - 1, it.col)
            marker = rng.choice([" ", "x", "X"] if it.marker in " xX" else ["/", "-", "~", "?"])
            edits.append((at, at + len(it.marker), marker))
        text = splice(text, edits)
        new_lines = Lines.of(text)
        new = reparse(plan, lines, new_lines, DEFAULT)
        yield plan, new
        plan, lines = new, new_lines


def _same_layout(got, want) -> None:
    for name in ("nodes", "roots", "item_key", "key_item", "section_key", "matches", "focus", "tallies", "show", "query"):
        assert getattr(got, name) == getattr(want, name), name


def _plans():
    import random as _random

    from conftest import corpus_files

    from plantui import snapshot
    from benchmarks.generate import generate

    yield "ui", PLAN, _random.Random(1)
    yield "bench", generate(300).text, _random.Random(2)
    for path in corpus_files()[::3]:
        yield path.name, snapshot.read(path).text, _random.Random(path.name)


@pytest.mark.needs_shared  # most of its fast updates are on corpus plans
def test_a_layout_after_ticks_is_the_layout_built_afresh():
    from plantui.ui.tree_model import update

    fast = 0
    for name, text, rng in _plans():
        plan0 = parse_lines(Lines.of(text))
        for query in ("", "e"):
            layout = build(plan0, summarize(plan0), query=query)
            for old, new in _ticks(text, rng, 8):
                if old is not layout.plan:
                    layout = build(old, summarize(old), query=query)
                summary = summarize(new)
                got = update(layout, new, summary)
                want = build(new, summary, query=query)
                _same_layout(got, want)
                if got.base == layout.serial:  # the fast path: it names exactly the nodes whose look changed
                    fast += 1
                    assert got.changed == {k for k in want.nodes if want.nodes[k] != layout.nodes.get(k)}, name
                layout = got
    assert fast > 50


@pytest.mark.needs_shared  # most of its fast updates are on corpus plans
def test_changes_after_ticks_are_what_a_full_comparison_finds():
    from dataclasses import replace

    from plantui.model import Lineage

    fast = 0
    for name, text, rng in _plans():
        for old, new in _ticks(text, rng, 6):
            got = compare(old, new)
            # the same plans, not sharing their structure: the full comparison
            # (a fresh lineage each: dataclasses.replace keeps it, and () is the one empty tuple)
            want = compare(replace(old, sections=tuple(list(old.sections)), lineage=Lineage()),
                           replace(new, sections=tuple(list(new.sections)), lineage=Lineage()))
            assert (got.lines, got.keys, got.flash, got.fields, got.structure) == \
                (want.lines, want.keys, want.flash, want.fields, want.structure), name
            fast += new.sections is old.sections
    assert fast > 20


def test_a_filter_on_states_builds_the_layout_afresh():
    from plantui.ui.tree_model import update

    old = parse_lines(Lines.of(PLAN))
    new = parse_lines(Lines.of(PLAN.replace("- [ ] **2.3**", "- [x] **2.3**")))
    layout = build(old, summarize(old), show="open")
    got = update(layout, new, summarize(new))
    assert got.base is None and got.changed is None
    _same_layout(got, build(new, summarize(new), show="open"))


def test_a_layout_against_the_one_on_screen_names_what_differs():
    old_plan = parse_lines(Lines.of(PLAN))
    new_plan = parse_lines(Lines.of(PLAN.replace("- [ ] **2.3**", "- [ ] **2.0** A new task\n- [x] **2.3**")))
    old, new = build(old_plan, summarize(old_plan)), build(new_plan, summarize(new_plan))
    diff = new.against(old)
    assert diff.base == old.serial and diff.nodes is new.nodes
    assert diff.regrown == {k for k in new.nodes if k in old.nodes and old.nodes[k].children != new.nodes[k].children}
    assert diff.changed == {k for k in new.nodes if k in old.nodes and old.nodes[k][5:] != new.nodes[k][5:]}
    phase2 = next(k for k in new.roots if "Phase 2" in k[2])
    assert phase2 in diff.regrown and keyed(new, "2.3") in diff.changed
