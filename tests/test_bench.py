"""The benchmark's smoke tests: it runs (plantui and the floor), its plans are what it says,
its results have their shape, its targets are checked as issue #18 sets them.

No timing is asserted here: the numbers belong to docs/benchmark.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import app as benchapp
from benchmarks import run as benchrun
from benchmarks.floor import label
from benchmarks.generate import generate
from plantui.model import Kind, State
from plantui.parser import build_plan, parse
from plantui.progress import summarize
from plantui.lines import Lines


@pytest.mark.parametrize("n", [1, 7, 50, 333, 1000])
def test_generated_plans_hold_exactly_the_tasks_they_say(n: int):
    g = generate(n)
    plan = parse(g.text)
    summary = summarize(plan)
    assert len(plan.items) == n
    assert all(it.kind is Kind.TASK for it in plan.items)  # fence boxes and checkpoints are no tasks
    assert summary.tasks.total == n and summary.tasks.done == g.done
    assert len(plan.phases) == g.phases
    assert plan.title == g.title
    focus = plan.items[summary.next_task]
    assert (focus.line - 1, focus.id) == (g.focus_line, g.focus_id)
    assert not summary.drift  # the Progress field agrees with the boxes
    assert any(f.name == "progress" for f in plan.fields) and any(f.name == "last updated" for f in plan.fields)


def test_generated_plans_are_shaped_like_the_corpus_and_deterministic():
    g = generate(200)
    assert g.text == generate(200).text
    assert g.text != generate(200, seed=2).text
    text = g.text
    for feature in ("---\ndescription:", "## Phase 1: ", "**Dependencies**: ", "\n### ", "[P]", "[US1]",
                    "\n  - [ ] ", "\n  - File: ", "```bash\n# Phase 1", "| Phase | Name |", "**Checkpoint**: ",
                    "**Progress:** ", "**Last Updated:** "):
        assert feature in text, feature
    plan = parse(text)
    assert any(it.parent is not None for it in plan.items)  # nested subtasks
    assert any(it.details for it in plan.items)  # detail bullets
    assert plan.checkpoints and plan.status_rows
    assert all(ph.dependencies == (ph.index - 1,) for ph in plan.phases[1:])


def test_the_plain_parse_of_a_generated_plan_equals_plantuis():
    lines = Lines.of(generate(1000).text)
    assert build_plan(lines, chunked=False) == build_plan(lines)


def test_the_outside_writers_changes_read_as_intended(tmp_path: Path):
    g = generate(120)
    path = tmp_path / "tasks.md"
    path.write_text(g.text, encoding="utf-8")
    text = benchapp.PlanText(path, g.meta())
    want = text.tick()
    plan = parse(text.text())
    focus = plan.item_at_line(g.focus_line + 1)
    assert focus.state is State.DONE and want[0] == f"✓ {g.focus_id} "
    assert want[1] == f"{g.done + 1}/{g.tasks}"
    assert not summarize(plan).drift
    want = text.edit()
    plan = parse(text.text())
    assert len(plan.items) == g.tasks + 1
    assert any(it.id == "TNEW2" for it in plan.items)
    assert any(it.id == g.focus_id and it.text.startswith("Rev2 ") for it in plan.items)
    assert want[2] == f"{g.done + 1}/{g.tasks + 1}"


def test_statistics():
    assert benchrun.median([3, 1, 2]) == 2
    assert benchrun.p95([float(x) for x in range(1, 101)]) == 95
    assert benchrun.p95([5.0, 1.0]) == 5.0
    assert benchrun.median([]) is None and benchrun.p95([]) is None


def test_the_benchmark_is_not_in_the_installed_package():
    import tomllib

    from setuptools import find_packages

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    found = find_packages(str(root), **config["tool"]["setuptools"]["packages"]["find"])
    assert "plantui" in found and "plantui.ui" in found
    assert not [name for name in found if "bench" in name]


def test_the_floor_counts_every_box_line():
    text = b"# P\n- [ ] a\n- [x] b\n  * [X] c\n1. [ ] d\n+ [ ] e\nnot - [ ] f\n- [] g\n```\n- [x] h\n```\n"
    assert label(text) == "3/6 boxes ticked"  # the fence's box too: one regex, no Markdown
    assert label(b"") == "0/0 boxes ticked"


async def test_the_floor_follows_changes_and_not_its_own_reads(tmp_path: Path, monkeypatch):
    import asyncio

    from watchdog.events import FileClosedNoWriteEvent, FileModifiedEvent, FileMovedEvent, FileOpenedEvent

    from benchmarks import floor

    path = tmp_path / "tasks.md"
    path.write_bytes(b"- [ ] a\n- [x] b\n")
    reads = []
    real = floor.read_label
    monkeypatch.setattr(floor, "read_label", lambda p: reads.append(p) or real(p))
    app = floor.Floor(path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert str(app.count.render()) == "1/2 boxes ticked" and len(reads) == 1
        app.observer.stop()  # the events are delivered by hand below, one at a time
        plan, other = str(path.resolve()), str(tmp_path / "other.md")
        for event in (FileOpenedEvent(plan), FileClosedNoWriteEvent(plan), FileModifiedEvent(other)):
            await asyncio.to_thread(app.follow.on_any_event, event)
        assert len(reads) == 1  # its own reads and other files set nothing off
        path.write_bytes(b"- [x] a\n- [x] b\n- [ ] c\n")
        await asyncio.to_thread(app.follow.on_any_event, FileModifiedEvent(plan))
        assert str(app.count.render()) == "2/3 boxes ticked" and len(reads) == 2
        path.write_bytes(b"- [x] a\n")
        await asyncio.to_thread(app.follow.on_any_event, FileMovedEvent(plan + ".tmp", plan))  # an atomic save
        assert str(app.count.render()) == "1/1 boxes ticked" and len(reads) == 3


def test_the_targets_are_ratios_to_the_floor():
    run = benchrun.Run(benchrun.parse_args(["--no-openspec"]), print)
    for who, value in (("plantui", 30.0), ("floor", 16.0)):
        run.add("outside_tick", 1000, who, value)
        run.add("outside_tick", 10000, who, value)
    run.add("first_frame_pty", 20000, "plantui", 900.0)
    run.add("first_frame_pty", 20000, "floor", 300.0)
    run.add("tick_to_disk", 10000, "plantui", 9.0)
    run.add("stall_outside_edit", 10000, "plantui", 20.0)
    run.add("stall_outside_edit", 10000, "plantui", 51.0)
    run.add("status_vs_openspec", 1000, "plantui", 100.0)  # no openspec sample: no row
    rows = {(r["metric"], r["size"]): r for r in benchrun.rows(run, [1000, 10000, 20000])}
    tick = rows["outside_tick", 1000]
    assert tick["ratio"] == 30 / 16 and tick["target"] == "≤ 1.5× floor" and tick["pass"] is False
    assert rows["outside_tick", 10000]["target"] == "≤ 2× floor" and rows["outside_tick", 10000]["pass"] is True
    assert rows["first_frame_pty", 20000]["ratio"] == 3 and rows["first_frame_pty", 20000]["pass"] is True
    assert rows["tick_to_disk", 10000]["target"] == "≤ 10 ms" and rows["tick_to_disk", 10000]["pass"] is True
    stall = rows["stall_outside_edit", 10000]
    assert stall["target"] == "≤ 50 ms (max)" and stall["pass"] is False  # the largest sample counts
    assert ("status_vs_openspec", 1000) not in rows
    assert benchrun.parse_args([]).size_list == [1000, 10000, 20000]
    assert benchrun.parse_args(["--sizes", "1000,100_000"]).size_list == [1000, 100000]


async def test_the_floor_measured_as_the_dashboard_is(tmp_path: Path):
    g = generate(50)
    path = tmp_path / "tasks.md"
    path.write_text(g.text, encoding="utf-8")
    out = await benchapp.measure(path, g.meta(), repeat=1, what="all", timeout=30, first_repeat=1, mode="floor")
    assert out["errors"] == []
    for key in ("first_frame_headless", "outside_tick", "outside_edit", "stall_outside_tick", "stall_outside_edit"):
        assert len(out[key]) == 1 and out[key][0] >= 0, key
    assert out["first_frame_headless"][0] > 0 and out["outside_tick"][0] > 0
    assert out["tick_to_disk"] == [] and out["own_tick_to_screen"] == []  # the floor never writes
    assert len(parse(path.read_text(encoding="utf-8")).items) == 51  # the outside edit added a task


async def test_the_dashboard_measurements_at_a_tiny_size(tmp_path: Path):
    g = generate(50)
    path = tmp_path / "tasks.md"
    path.write_text(g.text, encoding="utf-8")
    out = await benchapp.measure(path, g.meta(), repeat=1, what="all", timeout=30, first_repeat=1)
    assert out["errors"] == []
    for key in ("first_frame_headless", "outside_tick", "outside_edit", "tick_to_disk", "own_tick_to_screen",
                "stall_outside_tick", "stall_outside_edit"):
        assert len(out[key]) == 1, key
        assert out[key][0] >= 0
    assert out["first_frame_headless"][0] > 0 and out["outside_tick"][0] > 0 and out["tick_to_disk"][0] > 0
    plan = parse(path.read_text(encoding="utf-8"))
    assert len(plan.items) == 51  # the outside edit added a task; the key press ticked or unticked one


def test_the_whole_benchmark_at_a_tiny_size(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the children find the benchmark wherever it is run from
    out = tmp_path / "bench.json"
    md = tmp_path / "bench.md"
    code = benchrun.main(["--sizes", "40", "--repeat", "1", "--no-openspec", "--json", str(out), "--markdown", str(md)])
    printed = capsys.readouterr().out
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0, doc["errors"]
    assert doc["errors"] == []
    assert doc["machine"]["cores"] >= 1 and doc["machine"]["python"]
    assert doc["sizes"] == [40]
    metrics = {r["metric"] for r in doc["rows"]}
    assert metrics >= {"status", "outside_tick", "outside_edit", "stall_outside_edit", "tick_to_disk",
                       "first_frame_pty", "first_frame_headless", "peak_rss", "peak_rss_pty"}
    for r in doc["rows"]:
        assert r["size"] == 40 and r["n"] >= 1 and r["median"] is not None
        if r["other"] == "floor":
            assert r["other_median"] is not None, r["metric"]  # the floor was measured beside plantui
            assert r["ratio"] is not None or r["other_median"] == 0  # (no ratio to a stall of 0 ms)
    for metric in ("first_frame_pty", "outside_tick", "outside_edit", "peak_rss"):
        assert doc["samples"][metric]["40"]["floor"], metric
    assert "outside tick → screen" in printed and "floor median" in printed
    assert md.read_text(encoding="utf-8").count("\n| ") >= len(doc["rows"])
