"""The benchmark's smoke tests: it runs, its plans are what it says, its results have their shape.

No timing is asserted here: the numbers belong to docs/benchmark.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from plantui.bench import app as benchapp
from plantui.bench import run as benchrun
from plantui.bench.generate import generate
from plantui.model import Kind, State
from plantui.parser import build_plan, parse
from plantui.progress import summarize
from plantui.source import Lines


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


def test_plain_mode_gives_the_same_status(tmp_path: Path):
    path = tmp_path / "tasks.md"
    path.write_text(generate(60).text, encoding="utf-8")
    runs = [subprocess.run([sys.executable, "-m", module, "status", "--json", str(path)], capture_output=True, text=True)
            for module in ("plantui", "plantui.bench.plain")]
    assert runs[0].returncode == 0 and runs[0].stdout
    assert runs[0].stdout == runs[1].stdout


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


def test_the_whole_benchmark_at_a_tiny_size(tmp_path: Path, capsys):
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
                       "first_frame_pty", "first_frame_headless", "peak_rss"}
    for r in doc["rows"]:
        assert r["size"] == 40 and r["n"] >= 1 and r["median"] is not None
        if r["other"] == "plain":
            assert r["other_median"] is not None
            assert r["ratio"] is not None or r["other_median"] == 0  # (no ratio to a stall of 0 ms)
    assert doc["samples"]["outside_tick"]["40"]["plain"]
    assert "outside tick → screen" in printed and "plain median" in printed
    assert md.read_text(encoding="utf-8").count("\n| ") >= len(doc["rows"])
