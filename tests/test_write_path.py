"""The write path of a tick: edits, not texts, down to the bytes.

``set_markers`` works out the fields after a tick from the summary before it
(no new text, no parse); ``snapshot`` turns the edits into byte edits of the
file and writes only those.  Each step must equal the plain way: splice the
text, parse it, sync the fields on it, encode it all.
"""

from __future__ import annotations

import os
import random
import re
from datetime import datetime

import pytest
from conftest import SEEDS, corpus_files
from hypothesis import given, settings
from hypothesis import strategies as st
from test_incremental import PIECES

from plantui import edits as editlib
from plantui import disk, snapshot
from benchmarks.generate import generate
from plantui.config import DEFAULT
from plantui.edits import set_markers, sync_fields
from plantui.parser import build_plan
from plantui.lines import Lines, encode, splice

NOW = datetime(2026, 11, 21, 14, 2)
FILES = corpus_files() + sorted(SEEDS.glob("*.md"))


def plain(text: str, plan, wanted, now=NOW) -> str:
    """The plain way: set the markers in the text, parse it, sync its fields."""
    lines = Lines.of(text)
    marker_edits = []
    for it, marker in wanted:
        if marker is None:  # the file's done marker, in its neighbours' spelling: the edit set_markers makes
            marker = set_markers(lines, plan, [(it, None)], sync=False).edits[0][2]
        new = marker
        at = lines.offset(it.line - 1, it.col)
        marker_edits.append((at, at + len(it.marker), new))
    new_text = splice(text, marker_edits)
    new_lines = Lines.of(new_text)
    return sync_fields(new_lines, now=now, touched=True, plan=build_plan(new_lines, DEFAULT)).text


def ticks(plan, rng: random.Random, n: int):
    """Up to ``n`` items with a marker each that changes them, on distinct lines."""
    picked = {}
    boxes = [it for it in plan.items if it.spelling is None]  # (other tasks: tests/test_nonbox_tasks.py)
    for it in rng.sample(boxes, min(n, len(boxes))):
        marker = rng.choice([None, " ", "x", "X", "/", "~", "-"])
        if it.marker != marker and not (marker is None and it.state.closed):
            picked[it.line] = (it, marker)
    return list(picked.values())


@pytest.fixture
def spy(monkeypatch):
    """Counts the set_markers calls that needed a parse (the slow path)."""
    calls = []
    real = editlib.reparse

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(editlib, "reparse", counting)
    return calls


@pytest.mark.parametrize("path", FILES, ids=[p.name[:12] for p in FILES])
def test_a_synced_tick_equals_the_plain_way(path, spy):
    snap = snapshot.read(path)
    rng = random.Random(path.name)
    text, plan = snap.text, snap.plan
    if not plan.items:
        return
    fast = 0
    for _ in range(8):
        wanted = ticks(plan, rng, rng.choice([1, 1, 1, 3]))
        if not wanted:
            continue
        before = len(spy)
        change = set_markers(Lines.of(text), plan, wanted, now=NOW)
        assert change.text == plain(text, plan, wanted), wanted
        assert all(text[s:e] != new for s, e, new in change.edits)  # each edit changes something
        gfm = all((m in (" ", "x", "X", None)) == (it.marker in " xX") for it, m in wanted)
        fast += len(spy) == before
        if gfm and not any(it.line in {f.line for f in plan.fields} for it, _ in wanted):
            assert len(spy) == before, "a tick of boxes needs no parse"
        text = change.text
        plan = build_plan(Lines.of(text), DEFAULT)


def test_a_big_plan_ticks_without_a_parse(spy):
    text = generate(3000).text
    lines = Lines.of(text)
    plan = build_plan(lines, DEFAULT)
    rng = random.Random(3)
    for _ in range(5):
        wanted = [(it, None) for it in rng.sample([it for it in plan.items if not it.state.closed], 2)]
        change = set_markers(lines, plan, wanted, now=NOW)
        assert change.text == plain(text, plan, wanted)
        assert len(change.edits) >= 3  # two boxes and Progress (and Last Updated when its date moves)
        text = change.text
        lines = Lines.of(text)
        plan = build_plan(lines, DEFAULT)
    assert spy == []


# Boxes whose text markdown-it reads otherwise once the box is not [ ], [x] or
# [X]: after "- [x] ```" a fence opens (the line below is in it); after
# "- [/] ```" it does not (the line below is a task).
TRAPS = ["- [x] 9. Done\n", "- [ ] - first\n", "- [x] ```\n  - [ ] fenced, or not\n", "- [/] ~~~\n  - [x] too\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + TRAPS), min_size=1, max_size=30), st.randoms(use_true_random=False),
       st.sampled_from(["\n", "\r\n"]))
def test_random_plans_tick_as_the_plain_way_does(pieces, rnd, eol):
    text = "".join(pieces).replace("\n", eol)
    plan = build_plan(Lines.of(text), DEFAULT)
    if not plan.items:
        return
    wanted = ticks(plan, rnd, rnd.choice([1, 2]))
    if wanted:
        assert set_markers(Lines.of(text), plan, wanted, now=NOW).text == plain(text, plan, wanted)


# --- bytes --------------------------------------------------------------------------

TEXT = st.lists(st.sampled_from(["a", " ", "\n", "\r\n", "\r", "é", "✅", "𝄞", "\udc80", "\udcff", "[x]", "-"]),
                max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_byte_offsets_are_those_of_the_encoding(text):
    lines = Lines.of(text)
    for c in range(len(text) + 1):
        assert lines.byte_offset(c) == len(encode(text[:c], False)), c
    for n in range(len(lines)):
        assert lines.offset(n, 0) == Lines.of(text).starts[n]


@settings(max_examples=300, deadline=None)
@given(TEXT, st.booleans(), st.data())
def test_byte_edits_write_what_the_text_edits_say(text, bom, data):
    raw = encode(text, bom)
    snap = snapshot.from_bytes(snapshot.Path("plan.md"), raw, snapshot.SimpleNamespace(st_ino=1, st_mtime_ns=0), DEFAULT)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    edits = []
    for a, b in zip(cuts[0::2], cuts[1::2]):
        edits.append((a, b, data.draw(st.sampled_from(["", "x", " ", "é", "✅", "\udc80", text[a:b]]))))
    want = encode(splice(text, edits), bom)
    got = snapshot._byte_edits(snap, edits)
    assert disk.applied(raw, got) == want
    assert all(raw[s:e] != new for s, e, new in got)  # nothing rewritten that stays the same


@pytest.mark.parametrize("text, edit", [("a  b", (1, 3, " ")), ("a b", (1, 2, "  ")), ("xx", (0, 2, "x")),
                                        ("é✅é", (1, 2, "")), ("aba", (0, 3, "a"))])
def test_byte_edits_that_shrink_or_grow_inside_repeats(text, edit):
    snap = snapshot.from_bytes(snapshot.Path("plan.md"), encode(text, False),
                            snapshot.SimpleNamespace(st_ino=1, st_mtime_ns=0), DEFAULT)
    got = snapshot._byte_edits(snap, [edit])
    assert disk.applied(snap.raw, got) == encode(splice(text, [edit]), False)
    assert all(s <= e for s, e, _ in got)


def test_a_tick_writes_the_bytes_of_the_box_and_of_the_values_only(tmp_path):
    path = tmp_path / "tasks.md"
    raw = ("\ufeff# Plan ✅\r\n\r\n**Progress:** 0/2 tasks complete\r\n**Last Updated:** 2026-11-20\r\n\r\n"
           "## Phase 1: Setup\r\n\r\n- [ ] T001 naïve café\r\n- [ ] T002 ✅ two\r\n").encode()
    path.write_bytes(raw)
    snap = snapshot.read(path)
    result = editlib.set_markers(snap.lines, snap.plan, [(snap.plan.items[1], None)], now=NOW)
    got = snapshot._byte_edits(snap, result.edits)
    assert [new for _, _, new in got] == [b"1", b"1", b"x"]  # Progress 0 → 1, 20 → 21, the box
    at = raw.index("- [ ] T002".encode()) + 3
    assert got[-1][:2] == (at, at + 1)
    written = snapshot.modify(path, lambda s: (result.edits, result.changed))
    assert written.method == "in-place"
    assert path.read_bytes() == raw.replace(b"0/2", b"1/2").replace(b"11-20", b"11-21").replace(
        "- [ ] T002".encode(), "- [x] T002".encode())


def _rewrite_keeping_stat(path, old: bytes, new: bytes) -> None:
    """Another program's same-size write in place, within the same clock tick."""
    assert len(old) == len(new)
    st = path.stat()
    with open(path, "r+b") as f:
        f.write(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def test_a_view_whose_file_changed_unseen_by_stat_is_refused_not_written(tmp_path):
    from plantui.actions import mark_items

    path = tmp_path / "tasks.md"
    raw = b"# Plan\n\n**Progress:** 0/2\n\n- [ ] T001 one\n- [ ] T002 two\n"
    path.write_bytes(raw)
    view = snapshot.read(path)
    theirs = raw.replace(b"T002 two", b"T002 owt")  # the item's line changed meanwhile
    _rewrite_keeping_stat(path, raw, theirs)
    with pytest.raises(snapshot.PlanError, match="changed in the file since it was read; nothing written"):
        mark_items(path, [view.plan.items[1]], None, previous=view)
    assert path.read_bytes() == theirs
    # elsewhere in the file: the tick is made on their bytes, theirs kept
    view = snapshot.read(path)
    again = theirs.replace(b"T001 one", b"T001 eno")
    _rewrite_keeping_stat(path, theirs, again)
    result = mark_items(path, [view.plan.items[1]], None, previous=view, now=NOW)
    assert result.written and path.read_bytes() == again.replace(b"0/2", b"1/2").replace(b"- [ ] T002", b"- [x] T002")


def test_nothing_to_do_is_only_said_after_a_real_read(tmp_path):
    from plantui.actions import mark_items

    path = tmp_path / "tasks.md"
    raw = b"# Plan\n\n- [x] T001 one\n"
    path.write_bytes(raw)
    view = snapshot.read(path)  # says: done
    _rewrite_keeping_stat(path, raw, raw.replace(b"[x]", b"[ ]"))
    with pytest.raises(snapshot.PlanError, match="nothing written"):
        mark_items(path, [view.plan.items[0]], "x", previous=view)  # "already so" in the view, not in the file
    assert path.read_bytes() == raw.replace(b"[x]", b"[ ]")


def test_chained_ticks_from_readied_reads_write_what_the_plain_way_writes(tmp_path, monkeypatch):
    """What actions.ready works out ahead (the line starts, items by line), carried
    from tick to tick through the reads after each write: the bytes are the plain way's."""
    from plantui import actions

    text = generate(300).text.replace("Add", "Ajouté ✅", 40)  # non-ASCII: byte offsets differ from offsets
    # A Progress value the first tick rewrites longer: every later line moves, and the
    # carried starts must follow (tests/test_lines.py moves bytes as well as characters).
    assert "**Progress:** " in text
    text = re.sub(r"\*\*Progress:\*\* [^\n]*", "**Progress:** 0/1 tasks complete", text, count=1)
    path = tmp_path / "plan.md"
    path.write_bytes(encode(text, False))
    snap = snapshot.read(path)
    actions.ready(snap)
    assert snap.lines._starts is not None and snap.plan.lineage.by_line is not None
    rnd = random.Random(7)
    for _ in range(12):
        item = rnd.choice([it for it in snap.plan.items if it.kind.name == "TASK"])
        marker = " " if item.state.closed else None
        want = plain(snap.text, snap.plan, [(item, marker)])
        result = actions.mark_items(path, [item], marker, now=NOW, previous=snap)
        assert path.read_bytes() == encode(want, False)
        snap = result.snapshot


@pytest.mark.parametrize("size", [0, 100, 1024, 5000])
def test_holds_says_whether_the_file_starts_with_the_bytes(tmp_path, monkeypatch, size):
    """Compared a block at a time (1 KB here): a difference anywhere, the first or
    last byte of a block included, and a file too short, are seen."""
    monkeypatch.setattr(disk, "COMPARE_BLOCK", 1024)
    rnd = random.Random(size)
    raw = bytes(rnd.randrange(256) for _ in range(size))
    path = tmp_path / "plan.md"

    def flipped(at: int) -> bytes:
        return raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1 :]

    cases = [(raw, True), (raw + b"more", True), (raw, True)]
    if size:
        cases += [(raw[:-1], False), *((flipped(at), False) for at in {0, size - 1, size // 2, 1023, 1024} if at < size)]
    for content, want in cases:
        path.write_bytes(content)
        fd = os.open(path, os.O_RDONLY)
        try:
            assert disk._holds(fd, raw) is want
            assert disk._holds(fd, content) is True
            assert disk._holds(fd, content[: max(0, size - 3000)]) is True  # a shorter expectation
        finally:
            os.close(fd)


def test_holds_reads_on_when_a_read_gives_fewer_bytes_than_asked(tmp_path, monkeypatch):
    """A read may return less than asked (a pipe, a network file system): the compare
    goes on from where it stopped, and compares only what was read."""
    monkeypatch.setattr(disk, "COMPARE_BLOCK", 1024)
    real = os.preadv
    monkeypatch.setattr(os, "preadv", lambda fd, buffers, pos: real(fd, [memoryview(buffers[0])[:100]], pos))
    raw = bytes(random.Random(1).randrange(256) for _ in range(5000))
    path = tmp_path / "plan.md"
    for content, want in ((raw, True), (raw[:4321] + bytes([raw[4321] ^ 1]) + raw[4322:], False), (raw[:-1], False)):
        path.write_bytes(content)
        fd = os.open(path, os.O_RDONLY)
        try:
            assert disk._holds(fd, raw) is want
        finally:
            os.close(fd)


def test_a_tick_in_a_nested_phase_moves_the_progress_of_the_phase_around_it():
    text = ("# Plan\n\n**Progress:** 0/3 tasks complete\n\n## Phase 2: Build\n\n**Progress:** 0/2 tasks complete\n\n"
            "- [ ] 2.1 First\n\n### Phase 2b: Part\n\n**Progress:** 0/1 tasks complete\n\n- [ ] 2.2 Second\n\n"
            "## Phase 3: Ship\n\n- [ ] 3.1 Third\n")
    plan = build_plan(Lines.of(text))
    assert plan.phases[1].parent == 0  # 2b lies within 2
    inner = next(it for it in plan.items if it.id == "2.2")
    got = set_markers(Lines.of(text), plan, [(inner, None)], now=NOW).text
    assert got == plain(text, plan, [(inner, None)])
    assert "**Progress:** 1/2 tasks complete" in got and "**Progress:** 1/1 tasks complete" in got
    assert "**Progress:** 1/3 tasks complete" in got


def test_a_tick_also_brings_fields_already_out_of_date_elsewhere_up_to_date():
    """As a sync after the tick would: a phase the tick does not touch has a Progress
    that says too little, another one a placeholder; both are written, as the
    plain way writes them, and nothing else there."""
    text = ("# Plan\n\n**Last Updated:** 2026-01-01\n\n## Phase 1: Setup\n\n**Progress:** 0/1 tasks complete\n\n"
            "- [ ] 1.1 First\n\n## Phase 2: Build\n\n**Progress:** 0/2 tasks complete\n\n- [x] 2.1 Second\n- [ ] 2.2 Third\n\n"
            "## Phase 3: Ship\n\n**Progress:** TBD\n\n- [x] 3.1 Fourth\n\n## Phase 4: Done\n\n"
            "**Progress:** 1/1 tasks complete\n\n- [x] 4.1 Fifth\n")
    plan = build_plan(Lines.of(text))
    first = next(it for it in plan.items if it.id == "1.1")
    change = set_markers(Lines.of(text), plan, [(first, None)], now=NOW)
    assert change.text == plain(text, plan, [(first, None)])
    assert "**Progress:** 1/2 tasks complete" in change.text  # phase 2, out of date before the tick
    assert "## Phase 3: Ship\n\n**Progress:** TBD" not in change.text  # the placeholder, filled in
    assert "**Progress:** 1/1 tasks complete\n\n- [x] 4.1" in change.text  # phase 4, right already: untouched
    assert len(change.edits) == 5  # the box, three Progress values, Last Updated
