"""The fast path must equal a full parse, always."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from conftest import corpus_files
from hypothesis import given, settings
from hypothesis import strategies as st

from plantui import snapshot
from plantui.config import DEFAULT
from plantui.edits import set_markers, sync_fields
from plantui.incremental import changed_lines, fast_update, reparse
from plantui.parser import build_plan
from plantui.lines import Lines, splice

NOW = datetime(2026, 11, 21, 14, 2)
FILES = corpus_files()


@pytest.mark.parametrize("path", FILES, ids=[p.name[:2] for p in FILES])
def test_marker_flips_and_field_updates_equal_a_full_parse(path):
    snap = snapshot.read(path)
    rng = random.Random(path.name)
    items = [it for it in snap.plan.items if it.spelling is None]  # boxes (other tasks: tests/test_nonbox_tasks.py)
    rng.shuffle(items)
    lines, plan = snap.lines, snap.plan
    for it in items[:6]:
        fresh = plan.item_at_line(it.line)
        marker = rng.choice([" ", "x", "X", "/", "-", "~", "?"])
        if marker == fresh.marker:
            continue
        change = set_markers(lines, plan, [(fresh, marker)], now=NOW, sync=False)
        new_lines = Lines.of(change.text)
        fast = reparse(plan, lines, new_lines, DEFAULT)
        if (marker in " xX") == (fresh.marker in " xX") and not fresh.optional:
            assert fast_update(plan, lines, new_lines, DEFAULT) is not None, "a tick takes the fast path"
        assert fast == build_plan(new_lines, DEFAULT)
        synced = sync_fields(new_lines, now=NOW, touched=True, plan=fast)
        synced_lines = Lines.of(synced.text)
        assert reparse(fast, new_lines, synced_lines, DEFAULT) == build_plan(synced_lines, DEFAULT)
        lines, plan = synced_lines, build_plan(synced_lines, DEFAULT)


def test_a_marker_that_becomes_a_tag_takes_the_slow_path():
    text = "# P\n\n- [ ] T001 one\n- [ ] T002 two\n"
    lines = Lines.of(text)
    plan = build_plan(lines)
    new = Lines.of(text.replace("- [ ] T001", "- [P] T001"))
    assert fast_update(plan, lines, new, DEFAULT) is None
    assert len(reparse(plan, lines, new, DEFAULT).items) == 1


def test_changed_lines_finds_every_difference():
    a = Lines.of("one\ntwo\nthree\nfour\n")
    assert changed_lines(a, Lines.of("one\ntwo\nthree\nfour\n")) == []
    assert changed_lines(a, Lines.of("one\ntwX\nthree\nfoür\n")) == [1, 3]
    assert changed_lines(a, Lines.of("one\ntwo\n")) is None


PIECES = [
    "# Plan\n",
    "## Phase 1: Setup\n",
    "### Phase 2b: More\n",
    "**Progress:** 1/4 tasks complete  \n",
    "**Status:** In Progress\n",
    "- **Last Updated**: 2026-01-02\n",
    "- [ ] **1.1** set up\n",
    "- [x] T002 [P] [US1] build\n",
    "  - [/] 2.1 nested\n",
    "  - detail `code`\n",
    "1. [X] ordered\n",
    "> - [ ] quoted\n",
    "```\n",
    "- [ ] fenced\n",
    "| a | [x] |\n",
    "|---|---|\n",
    "<!-- - [ ] hidden -->\n",
    "<details>\n",
    "</details>\n",
    "**Checkpoint**: after phase 1\n",
    "- [~] skipped\n",
    "- [ ]* 3.3 optional\n",
    "\n",
    "text line\n",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30), st.randoms(use_true_random=False),
       st.sampled_from(["\n", "\r\n"]))
def test_random_plans_and_random_ticks_equal_a_full_parse(pieces, rnd, eol):
    text = "".join(pieces).replace("\n", eol)
    lines = Lines.of(text)
    plan = build_plan(lines)
    if not plan.items:
        return
    it = rnd.choice(plan.items)
    marker = rnd.choice([" ", "x", "/", "~", "?", "P"])
    at = lines.offset(it.line - 1, it.col)
    new_text = splice(text, [(at, at + len(it.marker), marker)])
    new_lines = Lines.of(new_text)
    assert reparse(plan, lines, new_lines, DEFAULT) == build_plan(new_lines, DEFAULT)
    synced = sync_fields(new_text, now=NOW, touched=True)
    synced_lines = Lines.of(synced.text)
    assert reparse(build_plan(new_lines), new_lines, synced_lines, DEFAULT) == build_plan(synced_lines, DEFAULT)


@pytest.mark.parametrize("path", FILES, ids=[p.name[:2] for p in FILES])
def test_parsing_in_chunks_equals_one_parse(path):
    lines = snapshot.read(path).lines
    assert build_plan(lines) == build_plan(lines, chunked=False)


CHUNK_PIECES = PIECES + ["# Top\n", "## Phase 3\n", "```\n", "~~~\n", "<!--\n", "-->\n", "<div>\n", "<script>\n",
                         "</script>\n", "    # indented\n", "> # quoted\n", "- # in a list\n", "Setext\n", "===\n", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CHUNK_PIECES), min_size=1, max_size=40))
def test_random_texts_parse_the_same_in_chunks(pieces):
    lines = Lines.of("".join(pieces))
    assert build_plan(lines) == build_plan(lines, chunked=False)


def test_the_fast_path_carries_the_line_index_over_with_the_new_items():
    text = "# P\n\n## Phase 1\n\n- [ ] one\n  wrapped\n- [ ] two\n- [x] three\n"
    lines = Lines.of(text)
    plan = build_plan(lines)
    assert plan.item_at_line(5).text == "one wrapped" and plan.text_lines == frozenset({6})  # both worked out now
    new_lines = Lines.of(text.replace("- [ ] two", "- [x] two"))
    new = fast_update(plan, lines, new_lines, DEFAULT)
    assert new is not None and new == build_plan(new_lines)
    assert all(new.item_at_line(it.line) is it for it in new.items)
    assert new.item_at_line(7).marker == "x" and new.text_lines == frozenset({6})


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "x", "\n", "\r\n", "é"]), max_size=30).map("".join),
       st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["", "a", "z", "\n", "zz"])), max_size=4))
def test_changed_lines_are_the_lines_that_differ(text, edits):
    new = text
    for at, put in edits:
        at = min(at, len(new))
        new = new[:at] + put + new[at + 1 :]
    old_lines, new_lines = Lines.of(text), Lines.of(new)
    want = None if len(old_lines) != len(new_lines) else \
        [k for k in range(len(old_lines)) if old_lines.line(k) != new_lines.line(k)]
    assert changed_lines(old_lines, new_lines) == want


def test_a_field_the_structure_comes_from_takes_the_slow_path():
    """A phase's Dependencies say which phases it waits for, and arrows make the
    graph: a new value there is a new structure, not only a new value."""
    text = ("# P\n\n## Phase 1: Setup\n\n- [ ] 1.1 one\n\n## Phase 2: Build\n\n**Dependencies**: Phase 1\n\n"
            "**Order**: 1.1 then 2.1\n\n- [ ] 2.1 two\n")
    lines = Lines.of(text)
    plan = build_plan(lines)
    assert plan.phases[1].dependencies == (0,)
    for new_text in (text.replace("**Dependencies**: Phase 1", "**Dependencies**: None yet"),
                     text.replace("1.1 then 2.1", "1.1 → 2.1")):
        new = Lines.of(new_text)
        assert fast_update(plan, lines, new, DEFAULT) is None
        assert reparse(plan, lines, new, DEFAULT) == build_plan(new)
    assert build_plan(Lines.of(text.replace("**Dependencies**: Phase 1", "**Dependencies**: None yet"))
                      ).phases[1].dependencies == ()
    other = Lines.of(text.replace("**Order**: 1.1 then 2.1", "**Order**: first 1.1"))
    assert fast_update(plan, lines, other, DEFAULT) is not None  # any other field: its value only
