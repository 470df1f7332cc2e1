"""Never lose a tick, never damage a plan: plantui's command line against other writers.

Every tick here is a real ``python -m plantui tick PLAN T001`` process.  At the
same time another process appends to the plan (``O_APPEND``, its file kept open
or reopened for every line), or rewrites it the way editors and agents do
(atomic replace, in-place rewrite, vim's rename-aside-then-write), while a
third process reads it in a loop.  Afterwards every tick plantui reported is
in the file on the task it named, every line the other writer wrote is there
exactly once, and no other byte changed.

Other programs do not take plantui's lock, so between plantui's last check
and its write there are a few system calls in which a foreign write could
still slip (``disk._critical`` marks them).  The simulated editor (the
editor, reader and appender live in ``writers.py``) respects those windows,
and only those, through a test-only lock installed into the plantui processes
by a ``sitecustomize`` hook; its own read-modify-write window (its last read to
its write) is guarded by the same lock, since a tick lost there would be the
editor's doing, not plantui's.  Appenders take no lock but one: they stay out
of a shrink's last look at the size and its cut (``disk._cutting``), the one
window where plantui can cut an append (docs/reliability.md).

Each test prints its figures (``pytest -s``) and writes them to
``$PLANTUI_RELIABILITY_DIR`` (default: the test's tmp dir) as JSON.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import report_figures
from writers import (FIELD, MODES, TASK, append, edit, flocked, normalize, own_state, plantui_env, read, rebuild,
                     shared_plan)

PY = sys.executable
CTX = mp.get_context("fork")


# --- plumbing ----------------------------------------------------------------------------


def plantui(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "plantui", *args], capture_output=True, text=True, env=env, timeout=60)


def check_outcome(p: subprocess.CompletedProcess, what: str) -> None:
    """Exit 0, or exit 2 with one line on stderr; never a traceback."""
    assert "Traceback" not in p.stderr, f"{what}: {p.stderr}"
    assert p.returncode in (0, 2), f"{what}: exit {p.returncode}: {p.stderr}"
    if p.returncode == 2:
        lines = p.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("plantui: "), f"{what}: {p.stderr!r}"
    else:
        assert p.stderr == "", f"{what}: {p.stderr!r}"


MARKER = {"tick": "x", "untick": " ", "mark": "✓"}  # ✓ is three bytes: every such mark changes the length


def ops_for(verb: str, numbers) -> list[tuple[str, str]]:
    return [(verb, f"T{i:03d}") for i in numbers]


def run_ops(env: dict, plan: Path, ops: list[tuple[str, str]], workers: int) -> list[tuple[str, str, subprocess.CompletedProcess]]:
    """Run ``plantui tick|untick PLAN ID`` (or ``mark PLAN ✓ ID``) for each op, ``workers`` at a time."""

    def one(op):
        verb, ident = op
        args = [verb, str(plan), MARKER[verb], ident] if verb == "mark" else [verb, str(plan), ident]
        return verb, ident, plantui(env, *args)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, ops))
    for verb, ident, p in results:
        check_outcome(p, f"{verb} {ident}")
    return results


WRITE_PATHS = {"_write_in_place": "in_place", "_write_by_rename": "rename", "_write_moving": "moved_in_place"}


def write_paths(tmp: Path) -> dict[str, int]:
    """How many writes took each path (critical sections entered, retries included)."""
    counts = {v: 0 for v in WRITE_PATHS.values()}
    trace = tmp / "trace"
    if trace.exists():
        for line in trace.read_text().splitlines():
            name = WRITE_PATHS.get(line.split()[-1], line.split()[-1])
            counts[name] = counts.get(name, 0) + 1
    return counts


def report(name: str, tmp: Path, figures: dict) -> None:
    report_figures({"test": name, **figures, "write_paths": write_paths(tmp)}, tmp)


def expected_markers(results) -> dict[str, str]:
    """What each task's marker must be, from what plantui reported."""
    want: dict[str, str] = {}
    for verb, ident, p in results:  # in the order they ran, one op per task per batch
        if p.returncode == 0:
            want[ident] = MARKER[verb]
    return want


def check_fields(lines: list[str], total: int) -> int:
    """The derived fields agree with the boxes; returns the number done."""
    done = sum(1 for ln in lines if (m := TASK.match(ln)) and m.group(1) == "x")
    word = "Complete" if done == total else ("In Progress" if done else "Not Started")
    for ln in lines:
        m = FIELD.match(ln)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if key == "Progress":
            assert value.startswith(f"{done}/{total} tasks complete"), ln
        elif key == "Status":
            assert value == word, ln
        elif key == "Last Updated":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), ln
    return done


# --- 1. appenders ------------------------------------------------------------------------


def plan_for_appenders(n: int = 40) -> str:
    head = [
        "# Reliability plan",
        "",
        "**Status:** Not Started",
        f"**Progress:** 0/{n} tasks complete (0%)",
        "**Last Updated:** 2026-01-01",
        "",
        "## Phase 1: Work",
        "",
    ]
    tasks = [f"- [ ] T{i:03d} Task number {i}" for i in range(1, n + 1)]
    return "\n".join(head + tasks + ["", "## Notes", "", ""])


@pytest.mark.parametrize("reopen", [False, True], ids=["fd-kept-open", "reopen-each-time"])
def test_appender_loses_nothing_and_no_tick_is_lost(tmp_path, reopen):
    env, _ = plantui_env(tmp_path)
    plan = tmp_path / "plan.md"
    original = plan_for_appenders()
    plan.write_bytes(original.encode())
    base = original.splitlines(keepends=True)

    stop, count = CTX.Event(), CTX.Value("i", 0)
    proc = CTX.Process(target=append, args=(str(plan), reopen, stop.is_set, count, 0.006, env["PLANTUI_TEST_CUT_LOCK"]))
    proc.start()
    try:
        while count.value < 5:
            time.sleep(0.005)
        results = run_ops(env, plan, ops_for("tick", range(1, 41)), workers=3)
        results += run_ops(env, plan, ops_for("untick", (4, 10, 35, 40)) + ops_for("mark", range(21, 27)), workers=3)
    finally:
        stop.set()
        proc.join(10)
    assert proc.exitcode == 0
    appended = count.value

    final = plan.read_bytes().decode()
    lines = final.splitlines(keepends=True)
    head, tail = lines[: len(base)], lines[len(base) :]
    want = expected_markers(results)
    have = {m.group(2): m.group(1) for ln in head if (m := TASK.match(ln))}
    expect = [f"appended line {i:05d} from pid {proc.pid}\n" for i in range(appended)]
    tried = len(results)
    applied = sum(1 for *_, p in results if p.returncode == 0)
    lost = sum(1 for t in want if have.get(t) != want[t])
    report(f"appender[{'reopen' if reopen else 'fd-open'}]", tmp_path, {
        "ticks_tried": tried, "applied": applied, "refused": tried - applied, "lost": lost,
        "appended_lines": appended, "appended_lost": len(set(expect) - set(tail)),
        "appended_duplicated": len(tail) - len(set(tail)), "foreign_lines": len(set(tail) - set(expect)),
        "in_order": tail == expect,
    })
    assert lost == 0
    assert tried == applied, [p.stderr for *_, p in results if p.returncode]
    # every byte of the plan's own lines: only markers and field values changed
    for old, new in zip(base, head):
        m = TASK.match(old)
        if m:
            assert new == old[:3] + want.get(m.group(2), " ") + old[4:], f"{m.group(2)}: {new!r}"
        elif FIELD.match(old):
            assert FIELD.match(new) and FIELD.match(new).group(1) == FIELD.match(old).group(1), new
        else:
            assert new == old
    check_fields(head, 40)
    # every appended line, exactly once, whole, and nothing else
    assert sorted(tail) == expect, f"{len(tail)} lines after the plan, {appended} appended"


# --- 2. editors rewriting the whole file ---------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_editor_rewrites_lose_nothing(tmp_path, mode):
    env, lock = plantui_env(tmp_path)
    plan = tmp_path / "plan.md"
    start = shared_plan([("plantui's tasks", [f"- [ ] T{i:03d} Task for plantui {i}" for i in range(1, 41)])],
                        marks={f"W{i:03d}": " " for i in range(1, 21)}, remarks=["> remark from the start"],
                        notes=[f"- note {i:05d} from the start" for i in range(3)])
    plan.write_text(start)
    versions = tmp_path / "versions.jsonl"
    versions.write_text(json.dumps(normalize(start)) + "\n")
    ed_out, rd_out = tmp_path / "editor.json", tmp_path / "reader.json"

    stop_editor, stop_reader = CTX.Event(), CTX.Event()
    editor = CTX.Process(target=edit, args=(str(plan), mode, lock, str(versions), str(ed_out), 7, stop_editor.is_set,
                                            (0.005, 0.03)))  # 5-30 ms between rewrites
    # no pause between reads; in place, any version nobody logged is the editor's own write seen half done
    reader = CTX.Process(target=read, args=(str(plan), mode, str(versions), str(rd_out), 60, stop_reader.is_set),
                         kwargs={"pause": 0.0, "strict": False})
    reader.start()
    editor.start()
    try:
        results = run_ops(env, plan, ops_for("tick", range(1, 23)) + ops_for("mark", range(23, 28)), workers=3)
        results += run_ops(env, plan, ops_for("untick", (3, 9, 20, 25)), workers=3)
    finally:
        stop_editor.set()
        editor.join(20)
        stop_reader.set()
        reader.join(20)
    assert editor.exitcode == 0 and reader.exitcode == 0
    ed, rd = json.loads(ed_out.read_text()), json.loads(rd_out.read_text())

    final = plan.read_bytes().decode()
    remarks_i, wm_i, notes_i = ed["intent"]
    want = expected_markers(results)
    have = {m.group(2): m.group(1) for ln in final.splitlines() if (m := TASK.match(ln))}
    lost = [t for t in want if have.get(t) != want[t]]
    stray = [t for t in have if have[t] != " " and t not in want]
    applied = sum(1 for *_, p in results if p.returncode == 0)
    refusals = sorted({re.sub(r"T\d{3}", "T…", p.stderr.strip()) for *_, p in results if p.returncode})
    report(f"editor[{mode}]", tmp_path, {
        "ticks_tried": len(results), "applied": applied, "refused": len(results) - applied, "lost": len(lost),
        "stray": len(stray), "editor_changes": ed["made"], "editor_lost": ed["lost"], "editor_retries": ed["retries"],
        "reads": rd["reads"], "reads_complete": rd["complete"], "reads_editor_transient": rd["transient"],
        "reads_bad": rd["bad"], "refusal_messages": refusals,
    })
    # plantui's ticks: each one it reported is on its own task, nothing on any other
    assert lost == [] and stray == [], [(v, i, p.stdout, p.stderr) for v, i, p in results if i in lost + stray]
    # the editor's last version, with plantui's share as plantui left it
    assert ed["lost"] == 0, ed["samples"]
    assert own_state(final) == (tuple(remarks_i), wm_i, tuple(notes_i))
    assert normalize(final) == normalize(rebuild(start, remarks_i, wm_i, notes_i))
    # every read was one writer's complete version (or the editor's own half-written moment)
    assert rd["bad"] == 0, rd["samples"]
    assert rd["complete"] > 0 and ed["made"] > 0


# --- 3. two plantui processes ---------------------------------------------------------------


def test_two_plantui_processes_at_once(tmp_path):
    env, _ = plantui_env(tmp_path)
    plan = tmp_path / "plan.md"
    original = plan_for_appenders(24)
    plan.write_text(original)
    pairs = [(f"T{i:03d}", f"T{i + 12:03d}") for i in range(1, 13)]
    outcomes = []
    for a, b in pairs:
        procs = [subprocess.Popen([PY, "-m", "plantui", "tick", str(plan), t], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env) for t in (a, b)]
        for t, p in zip((a, b), procs):
            out, err = p.communicate(timeout=60)
            outcomes.append((t, subprocess.CompletedProcess(p.args, p.returncode, out, err)))
    for t, p in outcomes:
        check_outcome(p, t)
        assert p.returncode == 0, p.stderr
    final = plan.read_text()
    lines = final.splitlines(keepends=True)
    for old, new in zip(original.splitlines(keepends=True), lines):
        if TASK.match(old):
            assert new == old[:3] + "x" + old[4:]
        elif not FIELD.match(old):
            assert new == old
    assert len(lines) == len(original.splitlines(keepends=True))
    assert check_fields(lines, 24) == 24
    report("two-plantui-processes", tmp_path, {"ticks_tried": 24, "applied": 24, "refused": 0, "lost": 0})


def test_the_hook_reaches_plantui(tmp_path):
    """The critical-section lock really is installed in the tick processes."""
    env, lock = plantui_env(tmp_path)
    trace = Path(env["PLANTUI_TEST_TRACE"])
    plan = tmp_path / "plan.md"
    plan.write_text(plan_for_appenders(3))
    with flocked(lock):
        p = subprocess.Popen([PY, "-m", "plantui", "tick", str(plan), "T001"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 60
        while not trace.exists() and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert trace.exists(), "the tick never reached disk._critical"
        time.sleep(0.2)
        assert p.poll() is None  # held at our lock, right before its write
        assert "[ ] T001" in plan.read_text()
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert "[x] T001" in plan.read_text()
