"""``plantui check``: the completion gate for hooks and CI (and plantui.gate.check behind it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from plantui.cli import main
from plantui.gate import GateError, check
from plantui.progress import summarize
from plantui.snapshot import read

PLAN = """\
# Plan: Webhooks

- [x] Agree on the event names

## Phase 1: Setup
- [x] 1.1 Create the tables
- [x] 1.2 Add the queue

## Phase 2: Delivery
- [x] 2.1 Send events
- [ ] 2.2 Sign requests
- [ ] 2.3 Add retries
- [~] 2.4 Batch sends
- [ ]* 2.5 Property tests

## Checkpoint 1: Review
- [x] Code reviewed
- [x] Docs reviewed
- [ ] Load tested
- [x] Security reviewed

## Phase 3: Polish
- [ ] 3.1 Write the docs
"""


@pytest.fixture(autouse=True)
def user_folders(tmp_path, monkeypatch):
    for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path


def gate(text, **scope):
    """plantui.gate.check on a plan of ``text`` (in a temporary folder, removed after)."""
    with tempfile.TemporaryDirectory(prefix="plantui-gate-") as folder:
        snap = read(write(Path(folder) / "plan.md", text))
    return check(snap.plan, summarize(snap.plan), **scope)


def run_check(capsys, *args) -> tuple[int, str, str]:
    code = main(["check", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_whole_plan(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    code, out, err = run_check(capsys, plan)
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{plan}: not complete, 4 of 12 boxes open",
        "  Phase 2: 2 open — 2.2 Sign requests, 2.3 Add retries",
        "  Checkpoint 1: not passed, 1 of 4 checks open — Load tested",
        "  Phase 3: 1 open — 3.1 Write the docs",
    ]


def test_complete_exits_0(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN.replace("[ ]", "[x]"))
    assert run_check(capsys, plan) == (0, f"{plan}: complete (12 boxes)\n", "")


def test_optional_and_skipped_tasks_never_hold_the_gate(tmp_path, capsys):
    text = PLAN.replace("[ ] 2.2", "[x] 2.2").replace("[ ] 2.3", "[x] 2.3")
    r = gate(text, phase="2")
    assert r.complete and r.optional_open == 1 and r.total == 4  # 2.5 is optional; 2.4 skipped counts as closed


def test_a_phase(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    code, out, _ = run_check(capsys, plan, "--phase", "2")
    assert code == 1 and out.splitlines() == [f"{plan} (Phase 2): not complete, 2 of 4 boxes open",
                                              "  Phase 2: 2 open — 2.2 Sign requests, 2.3 Add retries"]
    assert run_check(capsys, plan, "--phase", "Phase 1")[:2] == (0, f"{plan} (Phase 1): complete (2 boxes)\n")
    assert run_check(capsys, plan, "--phase", "setup")[0] == 0  # a part of one title
    assert run_check(capsys, plan, "--phase", "Phase 1: Setup")[0] == 0


def test_a_checkpoint(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    for name in ("1", "Checkpoint 1", "review", "Checkpoint 1: Review"):
        code, out, _ = run_check(capsys, plan, "--checkpoint", name)
        assert code == 1 and out.splitlines()[1] == "  Checkpoint 1: not passed, 1 of 4 checks open — Load tested"
    done = write(tmp_path / "done.md", PLAN.replace("[ ] Load", "[x] Load"))
    assert run_check(capsys, done, "--checkpoint", "1")[0] == 0


def test_a_checkpoint_without_checks_waits_for_its_phases():
    text = "# P\n\n## Phase 1: A\n- [ ] 1.1 Do it\n\n## Quality Gates\nAll tests pass before merge.\n"
    r = gate(text, checkpoint="quality gates")
    assert not r.complete and r.lines() == ["Quality Gates: not passed, waiting for Phase 1"]
    assert gate(text.replace("[ ]", "[x]"), checkpoint="quality gates").complete


def test_through_a_phase(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    assert run_check(capsys, plan, "--through", "1")[0] == 0
    code, out, _ = run_check(capsys, plan, "--through", "2")
    assert code == 1 and out.splitlines() == [
        f"{plan} (through Phase 2): not complete, 3 of 11 boxes open",
        "  Phase 2: 2 open — 2.2 Sign requests, 2.3 Add retries",
        "  Checkpoint 1: not passed, 1 of 4 checks open — Load tested",  # it comes before Phase 3
    ]


def test_at_most_ten_lines_then_and_n_more():
    text = "# Big\n" + "".join(f"\n## Phase {n}: Part {n}\n- [ ] {n}.1 Do {n}\n- [ ] {n}.2 More {n}\n" for n in range(1, 16))
    r = gate(text)
    lines = r.lines()
    assert len(lines) == 10 and lines[0] == "Phase 1: 2 open — 1.1 Do 1, 1.2 More 1"
    assert lines[-1] == "and 6 more (Phase 10, Phase 11, Phase 12, Phase 13, …; 12 open)"


def test_long_lists_are_cut():
    text = "# P\n\n## Phase 1: A\n" + "".join(f"- [ ] 1.{k} A task with a rather long name number {k}\n" for k in range(30))
    (line,) = gate(text).lines()
    assert len(line) <= 100 and line.startswith("Phase 1: 30 open — 1.0 A task with") and line.endswith("…")


@pytest.mark.parametrize("args, says", [
    (["--phase", "9"], "no phase '9' in this plan (phases: 1, 2, 3)"),
    (["--checkpoint", "7"], "no checkpoint '7' in this plan"),
    (["--through", "nope"], "no phase 'nope'"),
])
def test_an_unknown_scope_is_bad_input(tmp_path, capsys, args, says):
    plan = write(tmp_path / "plan.md", PLAN)
    code, out, err = run_check(capsys, plan, *args)
    assert code == 2 and out == "" and says in err and err.count("\n") == 1


@pytest.mark.parametrize("make, says", [
    (lambda d: d / "missing.md", "no such file"),
    (lambda d: (d / "bin.md").write_bytes(b"\x00\x01") and d / "bin.md", "binary file"),
    (lambda d: (d / "empty").mkdir() or d / "empty", "no plans found in"),
])
def test_bad_input_exit_2(tmp_path, capsys, make, says):
    code, out, err = run_check(capsys, make(tmp_path))
    assert code == 2 and out == "" and says in err and err.count("\n") == 1


def test_no_path_the_most_recently_changed_plan_here(tmp_path, capsys, monkeypatch):
    old = write(tmp_path / "specs" / "001-a" / "tasks.md", PLAN)
    os.utime(old, ns=(10**18, 10**18))
    write(tmp_path / "specs" / "002-b" / "tasks.md", PLAN.replace("[ ]", "[x]"))
    monkeypatch.chdir(tmp_path)
    assert run_check(capsys)[0] == 0  # 002-b, done
    code, out, _ = run_check(capsys, "--all")
    assert code == 1 and "001-a" in out and "002-b" in out


def test_json(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    code, out, _ = run_check(capsys, plan, "--json", "--phase", "2")
    doc = json.loads(out)
    assert code == 1 and doc["schema"] == 1 and doc["complete"] is False
    (p,) = doc["plans"]
    assert p["path"] == str(plan) and p["scope"] == "Phase 2" and p["open"] == 2 and p["total"] == 4
    assert p["optional_open"] == 1
    (g,) = p["groups"]
    assert g["kind"] == "phase" and g["name"] == "Phase 2" and g["line"] == 9
    assert g["open"] == [{"line": 11, "id": "2.2", "text": "Sign requests", "marker": " "},
                         {"line": 12, "id": "2.3", "text": "Add retries", "marker": " "}]


def test_github_format_annotations_and_step_summary(tmp_path, capsys, monkeypatch):
    plan = write(tmp_path / "plan.md", PLAN.replace("Add retries", "Add retries, 100% | safely"))
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run_check(capsys, plan, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    where = str(plan).replace(":", "%3A").replace(",", "%2C")
    assert lines[0] == f"::error file={where},line=11,title=Open in the plan::2.2 Sign requests"
    assert lines[1] == f"::error file={where},line=12,title=Open in the plan::2.3 Add retries, 100%25 | safely"
    assert lines[4] == f"{plan}: not complete, 4 of 12 boxes open"
    md = summary.read_text(encoding="utf-8")
    assert md.startswith("earlier step\n### plantui check: ")  # appended, never replaced
    assert "| Scope | Open | Open boxes |" in md
    assert "| Phase 2 | 2 of 4 | 2.2 Sign requests, 2.3 Add retries, 100% \\| safely |" in md
    assert "| Checkpoint 1 | 1 of 4 | Load tested |" in md


def test_github_format_complete(tmp_path, capsys, monkeypatch):
    plan = write(tmp_path / "plan.md", PLAN.replace("[ ]", "[x]"))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert run_check(capsys, plan, "--format", "github")[:2] == (0, f"{plan}: complete (12 boxes)\n")
    assert "✅ complete" in summary.read_text(encoding="utf-8")


def test_github_format_without_the_variable_writes_nothing(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    assert run_check(capsys, plan, "--format", "github")[0] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "plan.md"] or sorted(
        p.name for p in tmp_path.iterdir()) == ["plan.md"]


def test_an_unwritable_step_summary_is_bad_input(tmp_path, capsys, monkeypatch):
    plan = write(tmp_path / "plan.md", PLAN)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "summary.md"))
    code, out, err = run_check(capsys, plan, "--format", "github")
    assert code == 2 and "GITHUB_STEP_SUMMARY" in err and err.count("\n") == 1


def test_the_plan_is_never_written(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    before = os.stat(plan)
    run_check(capsys, plan, "--format", "github", "--json")
    after = os.stat(plan)
    assert (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)
    assert plan.read_text(encoding="utf-8") == PLAN


def test_gate_error_for_a_plan_without_phases():
    with pytest.raises(GateError, match="this plan has no phases"):
        gate("# P\n- [ ] a\n", phase="1")
    with pytest.raises(GateError, match="this plan has no checkpoints"):
        gate("# P\n- [ ] a\n", checkpoint="1")


def test_tasks_outside_phases():
    r = gate("# P\n- [ ] Write it\n- [x] Plan it\n")
    assert r.lines() == ["Tasks: 1 open — Write it"]


def test_claude_code_stop_hook_recipe(tmp_path):
    """The recipe of docs/recipes.md: exit 2 with what is open on stderr blocks the stop."""
    write(tmp_path / "tasks.md", PLAN)
    hook = 'cd "$CLAUDE_PROJECT_DIR" || exit 0; plantui check >&2; test $? -ne 1 || exit 2'  # as in docs/recipes.md
    stdin = json.dumps({"session_id": "abc", "hook_event_name": "Stop", "stop_hook_active": False,
                        "cwd": str(tmp_path)})
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
           "CLAUDE_PROJECT_DIR": str(tmp_path)}
    r = subprocess.run(["sh", "-c", hook], input=stdin, capture_output=True, text=True, cwd="/", env=env)
    assert r.returncode == 2 and r.stdout == ""
    assert "Phase 2: 2 open — 2.2 Sign requests, 2.3 Add retries" in r.stderr
    write(tmp_path / "tasks.md", PLAN.replace("[ ]", "[x]"))
    r = subprocess.run(["sh", "-c", hook], input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert r.returncode == 0


KIRO = """\
# Implementation Plan

- [x] 1. Set up the project
  - [x] 1.1 Create the package
- [ ] 2. Build the store
  - [x] 2.1 Write the interface
  - [ ] 2.2 Write the Redis store
- [ ] 3. Checkpoint - Ensure all tests pass
"""


def test_a_kiro_parent_task_is_its_phases_own_box():
    r = gate(KIRO, phase="2")
    assert not r.complete and r.total == 3  # 2 itself, 2.1, 2.2
    assert r.lines() == ["2 Build the store: 2 open — 2 Build the store, 2.2 Write the Redis store"]
    assert "Other tasks" not in "\n".join(gate(KIRO).lines())


def test_a_checkpoint_number_is_the_one_after_its_word():
    text = ("# P\n\n## Phase 1: A\n- [x] 1.1 a\n\n**Checkpoint**: Story 2 works\n\n"
            "## Phase 2: B\n- [ ] 2.1 b\n\n**Checkpoint**: Story 1 works\n")
    r = gate(text, checkpoint="1")  # the first checkpoint, not the one whose text holds a 1
    assert r.scope.startswith("Checkpoint: Story 2")
    assert gate(text, checkpoint="2").lines() == ["Checkpoint: Story 1 works: not passed, waiting for Phase 2"]


def test_checkpoints_of_one_name_are_told_apart_by_line():
    text = ("# P\n\n## Phase 1: A\n- [ ] 1.1 a\n\n## Checkpoint\n- [ ] Reviewed\n\n"
            "## Phase 2: B\n- [x] 2.1 b\n\n## Checkpoint\n- [ ] Reviewed\n")
    assert [g.name for g in gate(text).groups] == ["Phase 1", "Checkpoint (line 6)", "Checkpoint (line 12)"]


def test_the_stop_hook_lets_a_project_without_a_plan_stop(tmp_path):
    hook = 'cd "$CLAUDE_PROJECT_DIR" || exit 0; plantui check >&2; test $? -ne 1 || exit 2'
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
           "CLAUDE_PROJECT_DIR": str(tmp_path)}
    r = subprocess.run(["sh", "-c", hook], input="{}", capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "no plan here" in r.stderr
