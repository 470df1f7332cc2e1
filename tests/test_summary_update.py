"""The summary after a tick, worked out from the one before (after_tick.update),
equals a fresh summary of the new plan, always."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
from conftest import SEEDS, corpus_files
from hypothesis import given, settings
from hypothesis import strategies as st

from plantui import snapshot
from benchmarks.generate import generate
from plantui.config import DEFAULT
from plantui.incremental import reparse
from plantui.parser import build_plan
from plantui.after_tick import marker_changes, update
from plantui.progress import summarize
from plantui.lines import Lines, splice

NOW = datetime(2026, 11, 21, 14, 2)
EXAMPLES = sorted((Path(__file__).parent.parent / "plantui" / "examples").glob("*.md"))
FILES = corpus_files() + sorted(SEEDS.glob("*.md")) + EXAMPLES
MARKERS = [" ", "x", "X", "/", "-", "~", "?"]
GFM = [" ", "x", "X"]  # markdown-it's boxes: a flip among these is a tick (the fast path)


def _marker(rng: random.Random, was: str) -> str:
    if rng.random() < 0.75:
        return rng.choice(GFM if was in GFM else MARKERS[3:])
    return rng.choice(MARKERS)


def _same(got, want) -> None:
    assert got == want
    assert got.parts == want.parts  # what the next update starts from


def _flip(text: str, lines: Lines, plan, picks: list[tuple[object, str]]) -> tuple[str, Lines]:
    edits = []
    for it, marker in picks:
        at = lines.offset(it.line - 1, it.col)
        edits.append((at, at + len(it.marker), marker))
    new_text = splice(text, edits)
    return new_text, Lines.of(new_text)


def _walk(text: str, rng: random.Random, steps: int) -> int:
    """Tick random boxes (one or several at a time); after each, update == summarize.
    Returns how many steps took the fast path (no parse, an updated summary)."""
    lines = Lines.of(text)
    plan = build_plan(lines)
    summary = summarize(plan, NOW)
    fast = 0
    for _ in range(steps):
        boxes = [it for it in plan.items if it.spelling is None]  # (a task that is not a box has no marker to flip)
        if not boxes:
            return fast
        picks = [(it, _marker(rng, it.marker)) for it in rng.sample(boxes, min(len(boxes), rng.choice([1, 1, 1, 2, 5])))]
        text, new_lines = _flip(text, lines, plan, picks)
        new_plan = reparse(plan, lines, new_lines, DEFAULT)
        assert new_plan == build_plan(new_lines)
        fast += marker_changes(plan, new_plan) is not None
        got = update(plan, summary, new_plan, NOW)
        _same(got, summarize(new_plan, NOW))
        plan, lines, summary = new_plan, new_lines, got
    return fast


@pytest.mark.parametrize("path", FILES, ids=[p.name[:12] for p in FILES])
def test_ticks_update_the_summary_as_a_fresh_summary_says(path):
    snap = snapshot.read(path)
    fast = _walk(snap.text, random.Random(path.name), 12)
    if any(it.spelling is None for it in snap.plan.items):
        assert fast > 0, "ticks take the fast path"


def test_a_large_plan_walked_tick_by_tick():
    g = generate(1000)
    assert _walk(g.text, random.Random(7), 60) >= 30


def test_the_next_task_moves_on_and_a_phase_unblocks():
    text = (
        "# Plan\n\n## Phase 1: Setup\n\n- [ ] 1.1 one\n- [ ] 1.2 two\n  - [ ] 1.2.1 sub\n\n"
        "## Phase 2: Build\n\n**Dependencies**: Phase 1\n\n- [ ] 2.1 three\n- [ ]* 2.2 optional\n\n"
        "## Checkpoint\n\n- [ ] all green\n"
    )
    lines = Lines.of(text)
    plan = build_plan(lines)
    summary = summarize(plan, NOW)
    assert summary.phases[1].status == "blocked" and plan.items[summary.next_task].id == "1.1"
    for ident in ("1.1", "1.2.1", "1.2", "2.1", "2.2"):
        if ident == "2.2":
            assert summary.phases[1].status == "done"  # an optional task never holds its phase open
            assert plan.items[summary.next_task].id == "2.2"  # only the optional task is left
        it = next(i for i in plan.items if i.id == ident)
        new_text, new_lines = _flip(text, lines, plan, [(it, "x")])
        new_plan = reparse(plan, lines, new_lines, DEFAULT)
        assert marker_changes(plan, new_plan) == [it.index]
        got = update(plan, summary, new_plan, NOW)
        _same(got, summarize(new_plan, NOW))
        text, lines, plan, summary = new_text, new_lines, new_plan, got
    assert summary.next_task is None and summary.checkpoints[0].status == "ready"


def test_a_new_structure_is_summarized_afresh():
    a = build_plan(Lines.of("# P\n\n- [ ] one\n"))
    b = build_plan(Lines.of("# P\n\n- [ ] one\n- [ ] two\n"))
    assert marker_changes(a, b) is None
    _same(update(a, summarize(a, NOW), b, NOW), summarize(b, NOW))


PIECES = [
    "# Plan\n",
    "## Phase 1: Setup\n",
    "## Phase 2: Build\n",
    "### Phase 2.1: Part\n",
    "**Dependencies**: Phase 1\n",
    "**Progress:** 1/4 tasks complete\n",
    "**Status:** In Progress\n",
    "- [ ] **1.1** set up\n",
    "- [x] T002 [P] build\n",
    "  - [/] 2.1 nested\n",
    "    - [ ] 2.1.1 deeper\n",
    "  - [ ]* 2.2 optional\n",
    "  - detail\n",
    "- [~] skipped\n",
    "- [?] odd\n",
    "- [ ] 5. Checkpoint - tests pass\n",
    "## Checkpoint: after Phase 1\n",
    "## Definition of Done\n",
    "**Checkpoint**: before completion\n",
    "\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_random_plans_and_random_ticks_update_the_summary_exactly(pieces, rnd):
    _walk("".join(pieces), rnd, 5)


def test_a_tick_on_another_day_moves_every_last_updated_field():
    """After a tick, only what it touched is worked out again, but the clock
    moves for every Last Updated field, in its phase or not."""
    text = ("# P\n\n**Last Updated:** 2026-11-01\n**Progress:** 0/3 tasks complete\n\n"
            "## Phase 1: One\n\n**Last Updated:** 2026-11-01\n**Progress:** 0/1\n\n- [ ] a\n\n"
            "## Phase 2: Two\n\n**Last Updated:** 2026-11-01\n**Progress:** 0/2\n\n- [ ] b\n- [ ] c\n")
    lines = Lines.of(text)
    plan = build_plan(lines)
    before = summarize(plan, NOW)
    later = NOW.replace(day=22)
    new_text, new_lines = _flip(text, lines, plan, [(plan.items[1], "x")])
    new_plan = reparse(plan, lines, new_lines, DEFAULT)
    got = update(plan, before, new_plan, later)
    _same(got, summarize(new_plan, later))
    assert [fs.computed for fs in got.fields if fs.computed and fs.computed.startswith("2026")] == ["2026-11-22"] * 3
    assert [fs.computed for fs in got.fields if fs.computed and "/" in fs.computed] == ["1/3 tasks complete", "0/1", "1/2"]


def test_two_plans_without_headings_are_not_one_structure():
    """Their sections, phases and checkpoints are all the one empty tuple."""
    a = build_plan(Lines.of("- [ ] one\n  - [ ] two\n"))
    b = build_plan(Lines.of("- [x] one\n- [ ] two\n\n**Progress:** 1/2\n"))
    assert a.sections is b.sections and len(a.items) == len(b.items)
    assert marker_changes(a, b) is None
    _same(update(a, summarize(a, NOW), b, NOW), summarize(b, NOW))


def test_a_snapshot_after_a_tick_works_its_summary_out_from_the_one_before(tmp_path):
    """snapshot.read(previous=) after an outside tick, and the snapshot a write returns,
    carry the summary before (no hidden cache): theirs equals a fresh summary."""
    from plantui import actions

    path = tmp_path / "tasks.md"
    path.write_text(generate(300).text, encoding="utf-8")
    before = snapshot.read(path)
    before.summary(NOW)
    it = next(i for i in before.plan.items if not i.state.closed)
    at = before.lines.offset(it.line - 1, it.col)
    path.write_text(before.text[:at] + "x" + before.text[at + 1:], encoding="utf-8")
    after = snapshot.read(path, previous=before)
    assert after.known.since is not None and after.known.since[0] is before.plan  # the fast path
    _same(after.summary(NOW), summarize(after.plan, NOW))
    assert after.known.since is None and after.known.made is not None
    _same(after.summary(NOW), summarize(after.plan, NOW))  # asked again
    result = actions.mark_items(path, [after.plan.items[it.index]], " ", previous=after)
    assert result.written and result.snapshot.known.since is not None
    _same(result.snapshot.summary(NOW), summarize(result.snapshot.plan, NOW))
    path.write_text(path.read_text(encoding="utf-8") + "\n- [ ] one more\n", encoding="utf-8")
    edited = snapshot.read(path, previous=result.snapshot)
    assert edited.known.since is None  # a new structure: summarized afresh
    _same(edited.summary(NOW), summarize(edited.plan, NOW))
