"""The follower of one plan, without a terminal: reads in order, bursts collapsed,
a plan gone and back, the write queue (a stale write refused, the rest dropped), undo."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import datetime
from pathlib import Path

import pytest

from plantui.follower import Follower, Write
from plantui.errors import PlanError
from plantui.snapshot import read

PLAN = "# Plan\n\n## Phase 1\n\n- [ ] T001 Write the parser\n- [ ] T002 Test it\n"


class Calls:
    """What a follower told its owner, in order; wait for one with :meth:`wait`."""

    def __init__(self, path: Path | None = None) -> None:
        self.kinds: list[str] = []
        self.texts: list[str] = []  # the file as it was when each "changed" came (path given)
        self.path = path
        self._cond = threading.Condition()

    def __call__(self, kind: str) -> None:
        with self._cond:
            self.kinds.append(kind)
            if self.path is not None and kind == "changed":
                try:
                    self.texts.append(self.path.read_text(encoding="utf-8"))
                except OSError:
                    self.texts.append("")
            self._cond.notify_all()

    def wait(self, what, timeout: float = 10.0) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: what(self), timeout), f"waited in vain; calls: {self.kinds}"


def plan(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "tasks.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_are_shown_in_order_and_an_older_one_finishing_late_is_not(tmp_path):
    follower = Follower(plan(tmp_path), Calls(), live=False)
    first, second = follower.next_read(), follower.next_read()
    assert second > first
    assert follower.newest(second)
    assert not follower.newest(first)  # finished after the newer one: not shown
    assert follower.newest(follower.next_read())


def test_a_burst_of_saves_is_collapsed_and_the_last_one_is_seen(tmp_path):
    path = plan(tmp_path)
    calls = Calls(path)
    follower = Follower(path, calls).start()
    try:
        last = ""
        for n in range(30):
            last = PLAN + f"- [ ] T{100 + n} Added\n"
            path.write_text(last, encoding="utf-8")
        calls.wait(lambda c: last in c.texts)
        assert calls.kinds.count("changed") < 30  # not one call per save
        assert "deleted" not in calls.kinds
    finally:
        follower.stop()
    assert follower.watcher is None


def test_a_plan_back_within_the_grace_is_not_called_deleted(tmp_path):
    path = plan(tmp_path)
    calls = Calls()
    follower = Follower(path, calls, live=False, grace=0.05)
    follower.gone()  # a read did not find it, say; it is there again when the grace ends
    calls.wait(lambda c: c.kinds)
    assert calls.kinds == ["changed"]


def test_deleted_then_back(tmp_path):
    path = plan(tmp_path)
    calls = Calls()
    follower = Follower(path, calls, grace=0.05).start()
    try:
        path.unlink()
        calls.wait(lambda c: "deleted" in c.kinds)
        path.write_text(PLAN, encoding="utf-8")
        calls.wait(lambda c: "changed" in c.kinds[c.kinds.index("deleted"):])
        follower.back()  # the owner read it
        assert follower._timer is None
    finally:
        follower.stop()


def test_a_folder_removed_and_made_again_is_watched_again(tmp_path):
    folder = tmp_path / "specs"
    folder.mkdir()
    path = plan(folder)
    calls = Calls(path)
    follower = Follower(path, calls, grace=0.05).start()
    first = follower.watcher
    try:
        held = os.open(folder, os.O_RDONLY)  # (a folder removed may give its inode number to the new one)
        shutil.rmtree(folder)
        calls.wait(lambda c: "deleted" in c.kinds)
        folder.mkdir()
        path.write_text(PLAN, encoding="utf-8")
        calls.wait(lambda c: follower.watcher is not first)  # a look found it: a new watcher, then "changed"
        calls.wait(lambda c: "changed" in c.kinds[c.kinds.index("deleted"):])
        follower.back()
        assert follower.watcher is not None
        path.write_text(PLAN.replace("[ ] T001", "[x] T001"), encoding="utf-8")
        calls.wait(lambda c: any("[x] T001" in t for t in c.texts))  # the new folder's watcher saw it
        os.close(held)
    finally:
        follower.stop()
    assert first._observer is None


def items_of(path: Path):
    snap = read(path)
    by_id = {it.id: it for it in snap.plan.items}
    return snap, by_id.get


def test_a_queued_write_made_from_a_stale_view_is_refused_and_the_rest_dropped(tmp_path):
    path = plan(tmp_path)
    follower = Follower(path, Calls(), live=False)
    seen, item_of = items_of(path)
    follower.request("tick", "T001")
    follower.request("tick", "T002")
    outside = PLAN.replace("T001 Write the parser", "T001 Write the lexer")
    path.write_text(outside, encoding="utf-8")  # someone changed the task's line meanwhile
    job = follower.take_write(seen, item_of, datetime(2026, 1, 2))
    assert isinstance(job, Write) and job.key == "T001" and follower.writing
    assert follower.take_write(seen, item_of, datetime(2026, 1, 2)) is None  # one at a time
    with pytest.raises(PlanError):
        job.run()
    assert follower.refused() == [("tick", "T002")]
    assert not follower.writing and not follower.writes
    assert path.read_text(encoding="utf-8") == outside  # nothing written


def test_a_tick_made_here_is_undone_and_a_gone_task_is_said(tmp_path):
    path = plan(tmp_path)
    follower = Follower(path, Calls(), live=False)
    seen, item_of = items_of(path)
    follower.request("tick", "T002")
    job = follower.take_write(seen, item_of, datetime(2026, 1, 2))
    result = job.run()
    follower.written(job.what, job.key, job.previous, result)
    assert "- [x] T002" in path.read_text(encoding="utf-8") and len(follower.undo) == 1
    follower.request("undo")
    undo = follower.take_write(result.snapshot, item_of, datetime(2026, 1, 2))
    follower.written(undo.what, undo.key, undo.previous, undo.run())
    assert path.read_text(encoding="utf-8") == PLAN and not follower.undo
    follower.request("undo")
    assert follower.take_write(seen, item_of, datetime(2026, 1, 2)) == ("Nothing to undo: no tick made here yet.",
                                                                        "information")
    follower.request("tick", "T999")
    assert follower.take_write(seen, item_of, datetime(2026, 1, 2)) == ("That task is no longer in the plan.", "warning")
    assert not follower.writing
    assert os.path.exists(path)


def test_a_read_while_an_editor_empties_the_file_to_save_in_place_waits_for_the_save(tmp_path, monkeypatch):
    """vim (and others) may save in place: the file is emptied, then written.  A read in
    between would show the plan gone for one event; it is made again a moment later."""
    import plantui.follower as follower

    path = plan(tmp_path)
    before = read(path)
    ticked = PLAN.replace("- [ ]", "- [x]", 1)
    path.write_text("", encoding="utf-8")  # the editor has emptied it...
    waits = []

    def the_editor_finishes(seconds: float) -> None:  # ...and writes it while plantui waits
        waits.append(seconds)
        path.write_text(ticked, encoding="utf-8")

    monkeypatch.setattr(follower.time, "sleep", the_editor_finishes)
    snap = follower.read_settled(path, before)
    assert waits == [follower.SHRUNK_WAIT]
    assert snap.raw == ticked.encode() and len(snap.plan.items) == len(before.plan.items)


def test_a_plan_cut_short_for_good_is_shown_as_it_is(tmp_path, monkeypatch):
    import plantui.follower as follower

    path = plan(tmp_path)
    before = read(path)
    short = PLAN.split("\n")[0] + "\n"
    path.write_text(short, encoding="utf-8")
    monkeypatch.setattr(follower.time, "sleep", lambda seconds: None)
    assert follower.read_settled(path, before).raw == short.encode()


def test_an_emptied_json_store_is_read_again_before_it_is_called_unreadable(tmp_path, monkeypatch):
    """An emptied tasks.json is no JSON at all: the read is made again after the editor's moment."""
    import plantui.follower as follower

    store = tmp_path / ".taskmaster" / "tasks"
    store.mkdir(parents=True)
    path = store / "tasks.json"
    text = '{"master": {"tasks": [{"id": 1, "title": "Set up", "status": "pending", "dependencies": [], "subtasks": []}]}}\n'
    path.write_text(text, encoding="utf-8")
    before = read(path)
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(follower.time, "sleep", lambda seconds: path.write_text(text.replace("pending", "done"), encoding="utf-8"))
    assert follower.read_settled(path, before).plan.items[0].marker == "done"
