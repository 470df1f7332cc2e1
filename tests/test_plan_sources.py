"""The seam for plan sources: a reader other than Markdown makes items that are
not boxes, each with its :class:`~plantui.model.Spelling`, and a tick writes the
item's own word in place of its ``marker`` with the same refusals as a box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plantui import actions, readers
from plantui.edits import EditError
from plantui.errors import PlanError
from plantui.model import Item, Kind, Plan, Spelling, State
from plantui.snapshot import read

WORDS = Spelling("status", ((State.DONE, "done"), (State.OPEN, "todo"), (State.IN_PROGRESS, "doing")))
LOCKED = Spelling("status", WORDS.states, read_only="an agent's own list")
LINE = re.compile(r"^(?P<name>[^:]+): (?P<word>done|todo|doing|gone)$")
STATES = {"done": State.DONE, "todo": State.OPEN, "doing": State.IN_PROGRESS, "gone": State.SKIPPED}


def _read(path, lines, settings) -> Plan:
    """``name: word`` lines, one task each (a store of the simplest shape)."""
    spelling = LOCKED if path is not None and path.name.startswith("locked") else WORDS
    items = []
    for k in range(len(lines)):
        m = LINE.match(lines.line(k))
        if m:
            items.append(Item(len(items), k + 1, m.start("word"), m["word"], STATES[m["word"]], Kind.TASK, None,
                              m["name"], lines.line(k), spelling=spelling))
    return Plan("words", tuple(items), (), (), (), (), source="words")


@pytest.fixture
def words(monkeypatch):
    reader = readers.Reader("words", lambda path, lines: path is not None and path.suffix == ".words", _read)
    monkeypatch.setattr(readers, "READERS", (reader,))


def test_a_reader_claims_its_files_and_markdown_reads_the_rest(words, tmp_path: Path):
    (tmp_path / "a.words").write_text("one: todo\ntwo: done\n")
    (tmp_path / "a.md").write_text("one: todo\n- [ ] box\n")
    plan = read(tmp_path / "a.words").plan
    assert plan.source == "words"
    assert [(i.text, i.state) for i in plan.items] == [("one", State.OPEN), ("two", State.DONE)]
    md = read(tmp_path / "a.md").plan
    assert md.source == "markdown" and [i.text for i in md.items] == ["box"]


def test_a_tick_writes_the_items_own_word_and_nothing_else(words, tmp_path: Path):
    path = tmp_path / "a.words"
    before = b"one: todo\r\ntwo: done\r\nthree: todo\r\n"
    path.write_bytes(before)
    result = actions.mark(path, [3], None)
    assert result.written and result.changed == ("✓ three",)
    assert path.read_bytes() == b"one: todo\r\ntwo: done\r\nthree: done\r\n"
    actions.mark(path, [3], " ")
    assert path.read_bytes() == before  # untick restores every byte
    actions.mark(path, [1], "/")  # in progress, in the file's word for it
    assert path.read_bytes() == b"one: doing\r\ntwo: done\r\nthree: todo\r\n"
    assert read(path).plan.items[0].state is State.IN_PROGRESS


def test_a_state_the_source_has_no_word_for_is_refused(words, tmp_path: Path):
    path = tmp_path / "a.words"
    path.write_text("one: todo\n")
    with pytest.raises((EditError, PlanError), match="“one” cannot be marked skipped: its status has no word for it; nothing written"):
        actions.mark(path, [1], "~")
    assert path.read_text() == "one: todo\n"


def test_a_read_only_store_is_never_written(words, tmp_path: Path):
    path = tmp_path / "locked.words"
    path.write_text("one: todo\n")
    with pytest.raises((EditError, PlanError), match="is an agent's own list; plantui does not write it; nothing written"):
        actions.mark(path, [1], None)
    assert path.read_text() == "one: todo\n"


def test_a_value_line_that_repeats_is_found_by_its_task(words, tmp_path: Path):
    """An item read earlier is found again by its line *and* its name: lines that read
    alike ("status: todo") do not make a tick land on another task."""
    path = tmp_path / "a.words"
    path.write_text("a: todo\nb: todo\n")
    item = read(path).plan.items[1]
    path.write_text("new: todo\na: todo\nb: todo\n")  # an outside edit moved it
    actions.mark_items(path, [item], None)
    assert path.read_text() == "new: todo\na: todo\nb: done\n"
    path.write_text("b: todo\nnew: todo\nb: todo\n")
    with pytest.raises((EditError, PlanError), match="moved and 2 lines now read like it"):
        actions.mark_items(path, [item], None)


def test_a_store_is_read_whole_after_a_change(words, tmp_path: Path):
    """The no-parse path knows boxes only: a store's change goes through its reader."""
    path = tmp_path / "a.words"
    path.write_text("one: todo\n")
    first = read(path)
    path.write_text("one: done\n")
    again = read(path, previous=first)
    assert again.plan.source == "words" and again.plan.items[0].state is State.DONE


def test_the_snapshot_after_a_write_is_the_readers(words, tmp_path: Path):
    """What a tick returns (the plan read back after the write) comes from the store's reader."""
    path = tmp_path / "a.words"
    path.write_text("one: todo\ntwo: todo\n")
    result = actions.mark(path, [2], None)
    plan = result.snapshot.plan
    assert plan.source == "words"
    assert [(i.text, i.state) for i in plan.items] == [("one", State.OPEN), ("two", State.DONE)]
