"""Cursor plan files (``.cursor/plans/<slug>_<8hex>.plan.md``): the todos of the
YAML front matter are the plan's tasks, a tick rewrites one status value in place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from plantui import actions, readers
from plantui.cli import main
from plantui.errors import PlanError
from plantui.model import State
from plantui.progress import summarize
from plantui.snapshot import read

FIXTURES = Path(__file__).parent / "fixtures" / "agents"
CACHE = FIXTURES / "cursor_cache_3f9a1c2e.plan.md"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    path = tmp_path / ".cursor" / "plans" / CACHE.name
    path.parent.mkdir(parents=True)
    shutil.copyfile(CACHE, path)
    return path


def _plan_file(tmp_path: Path, text: str, name: str = "p_0a1b2c3d.plan.md", newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def _todos(plan):
    return [(it.id, it.state, it.tags) for it in plan.items if it.spelling is not None]


def test_the_todos_are_the_plans_tasks(cache: Path):
    plan = read(cache).plan
    assert plan.source == "cursor" and plan.title == "Cache the catalogue"
    assert _todos(plan) == [("client", State.DONE, ()), ("reads", State.IN_PROGRESS, ()),
                            ("invalidate", State.OPEN, ("blocked",)), ("switch", State.OPEN, ()),
                            ("docs", State.SKIPPED, ())]
    reads = plan.items[1]
    assert (reads.line, reads.marker, reads.text) == (10, "in_progress", "Read the catalogue through the cache")
    # the body's boxes count too, and its headings are the plan's sections
    assert [(it.line, it.state) for it in plan.items[5:]] == [(37, State.DONE), (38, State.OPEN)]
    assert [s.title for s in plan.sections] == ["Cache the catalogue", "Context", "Steps", "Checks"]
    overview = next(f for f in plan.fields if f.name == "overview")
    assert overview.value.startswith("Put the product catalogue behind")
    assert [(e.before, e.after) for e in plan.graph] == [("client", "reads"), ("reads", "invalidate")]
    s = summarize(plan)
    assert (s.tasks.total, s.tasks.done, s.tasks.in_progress, s.tasks.skipped) == (7, 2, 1, 1)
    assert s.status == "In Progress" and plan.items[s.next_task].id == "reads"
    assert not s.warnings


def test_the_next_task_passes_over_a_blocked_todo(tmp_path: Path):
    path = _plan_file(tmp_path, """---
name: Order
todos:
  - id: b
    content: Second, written first
    status: pending
    dependencies:
      - a
  - id: a
    content: First
    status: pending
---
""")
    plan = read(path).plan
    assert _todos(plan) == [("b", State.OPEN, ("blocked",)), ("a", State.OPEN, ())]
    assert plan.items[summarize(plan).next_task].id == "a"
    actions.mark(path, ["a"], None)
    plan = read(path).plan
    assert _todos(plan) == [("b", State.OPEN, ()), ("a", State.DONE, ())]  # a done: b waits no more
    assert plan.items[summarize(plan).next_task].id == "b"


def test_a_cancelled_dependency_blocks_no_more(tmp_path: Path):
    path = _plan_file(tmp_path, """---
todos:
  - {id: a, content: First, status: cancelled}
  - {id: b, content: Then, status: pending, dependencies: [a, ghost]}
---
""")
    plan = read(path).plan
    assert _todos(plan) == [("a", State.SKIPPED, ()), ("b", State.OPEN, ())]
    assert [w.message for w in plan.warnings] == ["todo 'b' depends on 'ghost', which no todo is"]


def test_tick_and_untick_change_only_the_status_value(cache: Path):
    before = cache.read_bytes()
    for ref, ticked, unticked in (
        ("reads", b"    status: completed # the agent is on it\n", b"    status: pending # the agent is on it\n"),
        ("invalidate", b"    status: 'completed'\n", b"    status: 'pending'\n"),
        ("switch", b"  - {id: switch, content: A setting that turns the cache off, status: completed}\n",
         b"  - {id: switch, content: A setting that turns the cache off, status: pending}\n"),
    ):
        line = next(it.line for it in read(cache).plan.items if it.id == ref)
        old = before.splitlines(keepends=True)
        result = actions.mark(cache, [ref], None)
        assert result.written
        assert cache.read_bytes() == b"".join(old[: line - 1] + [ticked] + old[line:])
        assert result.snapshot.plan.source == "cursor"  # read back through its reader
        assert result.snapshot.plan.item_at_line(line).state is State.DONE
        actions.mark(cache, [ref], " ")
        assert cache.read_bytes() == b"".join(old[: line - 1] + [unticked] + old[line:])
        cache.write_bytes(before)


def test_crlf_quotes_and_other_states(tmp_path: Path):
    text = """---\nname: "Ünïcode — plan"\ntodos:\n  - id: "1"\n    content: "Café: ✅ first"\n    status: "pending"\n  - id: "2"\n    content: Second\n    status: pending   # keep me\n---\n\n# Body\n"""
    path = _plan_file(tmp_path, text, newline="\r\n")
    raw = path.read_bytes()
    actions.mark(path, ["1"], None)
    assert path.read_bytes() == raw.replace(b'status: "pending"', b'status: "completed"')
    actions.mark(path, ["2"], "/")
    actions.mark(path, ["1"], "~")
    assert path.read_bytes() == raw.replace(b'status: "pending"', b'status: "cancelled"').replace(
        b"status: pending   # keep me", b"status: in_progress   # keep me")
    plan = read(path).plan
    assert plan.title == "Ünïcode — plan"
    assert _todos(plan) == [("1", State.SKIPPED, ()), ("2", State.IN_PROGRESS, ())]
    actions.mark_items(path, list(plan.items), " ")
    assert path.read_bytes() == raw


def test_a_state_cursor_has_no_word_for_is_refused(cache: Path):
    before = cache.read_bytes()
    with pytest.raises(PlanError, match="reads cannot be marked other: its yaml has no word for it; nothing written"):
        actions.mark(cache, ["reads"], "?")
    assert cache.read_bytes() == before


def test_a_status_plantui_cannot_rewrite_is_read_only(tmp_path: Path):
    path = _plan_file(tmp_path, """---
words:
  - &word pending
todos:
  - id: folded
    content: A status as a block scalar
    status: >-
      pending
  - id: none
    content: No status at all
  - [not, a, todo]
  - id: tagged
    content: A tagged status
    status: !!str pending
  - id: anchored
    content: Its status names another's
    status: *word
---
""")
    before = path.read_bytes()
    plan = read(path).plan
    assert _todos(plan) == [("folded", State.OPEN, ()), ("none", State.OPEN, ()), ("tagged", State.OPEN, ()),
                            ("anchored", State.OPEN, ())]
    assert [w.message for w in plan.warnings] == [
        "todo 'none' has no status, which Cursor does not use (pending, in_progress, completed, cancelled); counted as open",
        "todo 3 of the front matter has no content; it is not read"]
    for ref, why in (("folded", "written in a form plantui does not rewrite"), ("none", "without a status value"),
                     ("tagged", "written in a form plantui does not rewrite"),
                     ("anchored", "written in a form plantui does not rewrite")):
        with pytest.raises(PlanError, match=f"{ref} is a todo .*{why}; plantui does not write it; nothing written"):
            actions.mark(path, [ref], None)
    assert path.read_bytes() == before


def test_todos_sharing_a_line_are_read_only(tmp_path: Path):
    path = _plan_file(tmp_path, """---
todos: [{id: x, content: X, status: pending}, {id: y, content: Y, status: completed}]
---
""")
    before = path.read_bytes()
    plan = read(path).plan
    assert _todos(plan) == [("x", State.OPEN, ()), ("y", State.DONE, ())]
    for ref in ("x", "y"):  # (x: the line's item is y, and the edit seam says x changed)
        with pytest.raises(PlanError, match="nothing written"):
            actions.mark(path, [ref], None)
    with pytest.raises(PlanError, match="y is one of several todos whose status stands on one line; plantui does"):
        actions.mark(path, ["y"], None)
    assert path.read_bytes() == before


def test_a_moved_todo_is_found_by_its_line_and_name(tmp_path: Path):
    body = "  - id: {0}\n    content: Task {0}\n    status: pending\n"
    path = _plan_file(tmp_path, "---\ntodos:\n" + body.format("a") + body.format("b") + "---\n")
    item = read(path).plan.items[1]  # b, on line 8
    path.write_text("---\ntodos:\n" + body.format("new") + body.format("a") + body.format("b") + "---\n")
    actions.mark_items(path, [item], None)  # every status line reads alike: b is found by its name
    assert _todos(read(path).plan) == [("new", State.OPEN, ()), ("a", State.OPEN, ()), ("b", State.DONE, ())]
    path.write_text("---\ntodos:\n" + body.format("b") + body.format("a") + body.format("b") + "---\n")
    with pytest.raises(PlanError, match="moved and 2 lines now read like it"):
        actions.mark_items(path, [item], None)


def test_another_process_rewriting_the_file_is_followed(cache: Path):
    first = read(cache)
    cache.write_bytes(cache.read_bytes().replace(b"status: in_progress", b"status: completed"))
    again = read(cache, previous=first)
    assert again.plan.source == "cursor"
    assert _todos(again.plan)[1:3] == [("reads", State.DONE, ()), ("invalidate", State.OPEN, ())]  # unblocked
    # a new todo added at the end, and the same bytes read again
    cache.write_bytes(cache.read_bytes().replace(b"isProject", b"  - id: more\n    content: More\n    status: pending\nisProject"))
    third = read(cache, previous=again)
    assert [it.id for it in third.plan.items][-3:] == ["more", None, None]
    assert read(cache, previous=third).plan is third.plan


def test_a_box_that_disagrees_with_its_todo_is_a_warning(tmp_path: Path):
    path = _plan_file(tmp_path, """---
todos:
  - id: t
    content: Write the tests
    status: completed
  - id: u
    content: Keep **both** in step
    status: pending
---

- [ ] Write the tests
- [ ] Something else
- [x] Keep both in step
""")
    plan = read(path).plan
    assert [w.message for w in summarize(plan).warnings] == [
        "todo 't' is completed but the box of the same text is open",
        "todo 'u' is pending but the box of the same text is ticked"]
    assert [w.line for w in summarize(plan).warnings] == [11, 13]


def test_body_items_keep_their_structure_after_the_todos(tmp_path: Path):
    path = _plan_file(tmp_path, """---
todos:
  - id: t
    content: A todo
    status: pending
---

## Phase 1: Setup

- [x] Parent
  - [x] Child
- [ ] Other
""")
    plan = read(path).plan
    parent, child, other = plan.items[1:]
    assert (parent.index, parent.children, child.parent) == (1, (2,), 1)
    assert plan.phases[0].items == (1, 2, 3) and other.phase == 0
    assert plan.items[0].phase is None and summarize(plan).tasks.total == 4


def test_a_multi_line_overview_is_one_field(tmp_path: Path):
    path = _plan_file(tmp_path, """---
name: Long
overview: >
  First part,
  second part.
todos:
  - id: t
    content: A todo
    status: pending
---
""")
    plan = read(path).plan
    assert [(f.name, f.value) for f in plan.fields if f.name == "overview"] == [("overview", "First part, second part.")]


def test_broken_yaml_is_read_as_markdown_with_one_warning(tmp_path: Path):
    path = _plan_file(tmp_path, """---
name: Broken
todos:
  - id: a
    content: [unclosed
    status: pending
---

- [ ] A box still counts
""")
    plan = read(path).plan
    assert plan.source == "markdown" and [it.text for it in plan.items] == ["A box still counts"]
    assert len(plan.warnings) == 1 and "the front matter is not valid YAML" in plan.warnings[0].message


def test_only_front_matter_with_todos_is_claimed(tmp_path: Path):
    plain = _plan_file(tmp_path, "---\ntitle: x\ntags: [todos]\n---\n\n- [ ] box\n", name="plan.md")
    assert read(plain).plan.source == "markdown"
    late = _plan_file(tmp_path, "# Title\n\n---\ntodos:\n  - id: a\n---\n", name="late.md")
    assert read(late).plan.source == "markdown"
    assert readers.reader_for(None, read(FIXTURES / CACHE.name).lines).name == "cursor"


def test_cli_status_json_and_tick_by_id(cache: Path, capsys):
    assert main(["status", "--json", str(cache)]) == 0
    doc = json.loads(capsys.readouterr().out)["plans"][0]
    assert doc["source"] == "cursor" and doc["title"] == "Cache the catalogue"
    assert doc["next_task"] == {"line": 10, "id": "reads", "text": "Read the catalogue through the cache"}
    todo = next(i for i in doc["items"] if i["id"] == "invalidate")
    assert todo == {**todo, "source": "yaml", "state": "open", "marker": "pending", "tags": ["blocked"], "line": 15}
    assert {"before": "reads", "after": "invalidate", "line": 15} in doc["task_graph"]
    assert main(["tick", str(cache), "READS"]) == 0  # ids as Cursor writes them, in any case
    assert "✓ reads Read the catalogue through the cache" in capsys.readouterr().out
    assert b"    status: completed # the agent is on it\n" in cache.read_bytes()
    before = cache.read_bytes()
    assert main(["tick", str(cache), "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no task with id 'nope'" in err
    assert cache.read_bytes() == before


def test_a_body_without_boxes_is_context_not_phases(tmp_path: Path):
    path = _plan_file(tmp_path, """---
todos:
  - id: t
    content: A todo
    status: pending
---

# Plan

## Phase 1: Setup

Prose about the setup.

## Checkpoint

More prose.
""")
    plan = read(path).plan
    assert plan.phases == () and plan.checkpoints == ()
    assert [s.title for s in plan.sections] == ["Plan", "Phase 1: Setup", "Checkpoint"]
    assert all(s.phase is None and s.checkpoint is None for s in plan.sections)
    assert summarize(plan).phases == ()


def test_a_long_list_of_todos_and_an_empty_one(tmp_path: Path):
    todos = "".join(f"  - id: t{n}\n    content: Task {n}\n    status: {'completed' if n < 50 else 'pending'}\n"
                    for n in range(150))  # 450 lines of front matter: more than the parser looks through
    path = _plan_file(tmp_path, f"---\nname: Long\noverview: Many todos.\ntodos:\n{todos}isProject: false\n---\n\n"
                                "# Body\n\n- [ ] A box of the body\n")
    plan = read(path).plan
    assert plan.source == "cursor" and plan.title == "Long" and len(plan.items) == 151
    assert summarize(plan).tasks.done == 50 and plan.items[-1].text == "A box of the body"
    assert [f.value for f in plan.fields if f.name == "overview"] == ["Many todos."]
    actions.mark(path, ["t149"], None)
    assert read(path).plan.items[149].state is State.DONE
    empty = _plan_file(tmp_path, "---\nname: New\ntodos:\n---\n\nNothing yet.\n", name="new.plan.md")
    plan = read(empty).plan
    assert plan.source == "cursor" and plan.items == () and plan.warnings == ()


def test_a_tick_of_a_todo_is_undone_like_a_box(cache: Path):
    before = cache.read_bytes()
    snap = read(cache)
    ticked = actions.mark_items(cache, [snap.plan.items[2]], None, previous=snap)  # invalidate
    assert ticked.written and [(sw.before, sw.after) for sw in ticked.undo] == [
        ("    status: 'pending'", "    status: 'completed'")]
    undone = actions.undo(cache, ticked.undo, previous=ticked.snapshot)
    assert undone.written and cache.read_bytes() == before
    assert undone.snapshot.plan.source == "cursor" and undone.snapshot.plan.items[2].tags == ("blocked",)


async def test_the_dashboard_ticks_a_todo_and_follows_the_agent(cache: Path):
    """Space ticks the todo under the cursor (the next task), and the agent's own
    rewrite of the file (a rename over it) shows up, dependencies and all."""
    from pilot import loaded, wait_for

    from plantui.ui.app import PlantuiApp

    def shown(dash, ident):
        key = next(k for k in dash.plan_layout.key_item if k[0] == "#" + ident)
        return dash.plan_layout.item(key)

    app = PlantuiApp([cache], live=True, mode="dashboard")
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        assert shown(dash, "invalidate").tags == ("blocked",)
        await pilot.press("space")  # the cursor starts on the next task: reads
        await wait_for(pilot, lambda: b"status: completed # the agent" in cache.read_bytes(), what="the tick on disk")
        await wait_for(pilot, lambda: shown(dash, "reads").state is State.DONE and not shown(dash, "invalidate").tags,
                       what="the view after the tick")
        text = cache.read_text().replace("status: 'pending'", "status: 'in_progress'")
        tmp = cache.with_name(".agent.tmp")
        tmp.write_text(text)
        tmp.replace(cache)
        await wait_for(pilot, lambda: shown(dash, "invalidate").state is State.IN_PROGRESS, what="the outside save")
