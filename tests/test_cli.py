"""The command line, as scripts and agents use it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from conftest import CORPUS, seed

from plantui.cli import main


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_status_json_schema_1(copy_to):
    path = copy_to(seed(3), "plan.md")
    out = run("status", path, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == 1 and len(doc["plans"]) == 1
    plan = doc["plans"][0]
    assert set(plan) >= {"path", "title", "tasks", "checks", "phases", "checkpoints", "fields", "items", "warnings"}
    assert plan["tasks"]["total"] == 12 and plan["tasks"]["done"] == 0 and plan["tasks"]["in_progress"] == 0
    assert plan["checks"] == {**plan["checks"], "total": 10, "done": 0}
    assert [p["total"] for p in plan["phases"]] == [2, 3, 2, 3, 2]
    assert set(plan["phases"][0]) >= {"title", "line", "total", "done", "status"}
    assert set(plan["checkpoints"][0]) >= {"title", "line", "status", "total", "done"}
    assert set(plan["fields"][0]) >= {"name", "line", "value", "computed"}
    item = plan["items"][0]
    assert item == {**item, "line": 19, "marker": " ", "done": False, "kind": "task", "id": "1.1",
                    "text": "Setup development environment", "depth": 0, "phase": "Phase 1: Setup & Infrastructure"}
    assert len(plan["items"]) == 22  # every checkbox item once: 12 tasks and 10 checks


@pytest.mark.needs_shared
def test_status_json_for_every_corpus_file_in_one_document():
    files = sorted(CORPUS.glob("*.md"))
    out = run("status", *files, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [p["path"] for p in doc["plans"]] == [str(f) for f in files]
    invalid = next(p for p in doc["plans"] if p["path"].endswith("08_speckit-utfsearch-invalid-utf8.md"))
    assert invalid["tasks"]["done"] == 51


def test_status_text_and_check(copy_to):
    path = copy_to(seed(3), "plan.md")
    out = run("status", path)
    assert out.returncode == 0
    assert "0/12 tasks" in out.stdout and "Phase 2: Core Implementation" in out.stdout
    assert "Checkpoint 1: After Phase 2" in out.stdout
    assert run("status", path, "--check").returncode == 1
    done = copy_to(CORPUS / "21_conductor-parrotink-bom.md", "done.md")
    assert run("status", done, "--check").returncode == 0


def test_tick_untick_by_id_and_line(copy_to):
    path = copy_to(seed(3), "plan.md")
    out = run("tick", path, "2.1", "--line", 19)
    assert out.returncode == 0, out.stderr
    assert "✓ 2.1 Implement data models" in out.stdout
    text = path.read_text()
    assert "- [x] **2.1** Implement data models" in text and "- [x] **1.1** Setup" in text
    assert "**Progress:** 2/12 tasks complete" in text
    assert f"**Last Updated:** {date.today().isoformat()}  " in text
    assert run("tick", path, "2.1").stdout.strip().endswith("nothing written")
    out = run("untick", path, "2.1")
    assert out.returncode == 0 and "- [ ] **2.1** Implement data models" in path.read_text()
    assert "**Progress:** 1/12 tasks complete" in path.read_text()


def test_mark_and_no_sync(copy_to):
    path = copy_to(seed(3), "plan.md")
    assert run("mark", path, "/", "3.1", "--no-sync").returncode == 0
    text = path.read_text()
    assert "- [/] **3.1**" in text and "[X/Y tasks complete]" in text


def test_sync_alone(copy_to):
    path = copy_to(seed(3), "plan.md")
    out = run("sync", path)
    assert out.returncode == 0
    assert "**Total Tasks:** 12  " in path.read_text()
    assert "already up to date" in run("sync", path).stdout


def test_folder_discovery(tmp_path, copy_to):
    (tmp_path / "specs" / "001-x").mkdir(parents=True)
    copy_to(seed(2), "specs/001-x/tasks.md")
    copy_to(seed(3), "plan.md")
    out = run("status", tmp_path, "--json")
    paths = [p["path"] for p in json.loads(out.stdout)["plans"]]
    assert [p.rsplit("/", 2)[-1] for p in paths] == ["plan.md", "tasks.md"]


def test_errors_are_one_line_and_exit_2(tmp_path, copy_to, capsys):
    path = copy_to(seed(3), "plan.md")
    before = path.read_bytes()
    for args in (["tick", path, "9.9"], ["tick", path, "--line", "1"], ["tick", path], ["tick", tmp_path / "nope.md", "1.1"],
                 ["status", tmp_path / "empty-folder"], ["mark", path, "xy", "1.1"], ["frobnicate"]):
        code = main([str(a) for a in args])
        err = capsys.readouterr().err
        assert code == 2, args
        assert err.count("\n") == 1 and err.startswith("plantui: "), (args, err)
    assert path.read_bytes() == before


def test_a_tick_an_editor_kept_is_reported_as_made(tmp_path, monkeypatch):
    """Our write lands, an editor reloads and saves by replacing the file at once:
    the tick is in the file, so it must not be reported as refused."""
    import os

    from plantui import actions, disk, snapshot

    path = tmp_path / "plan.md"
    path.write_text("# P\n\n- [ ] T001 one\n- [ ] T002 two\n")
    item = snapshot.read(path).plan.items[0]  # the dashboard's view of T001
    real = disk._still_there

    def editor_saves_right_after(*args):
        data = path.read_bytes()
        (tmp_path / "x.tmp").write_bytes(data + b"- [ ] T003 added by the editor\n")
        os.replace(tmp_path / "x.tmp", path)
        monkeypatch.setattr(disk, "_still_there", real)
        return real(*args)

    monkeypatch.setattr(disk, "_still_there", editor_saves_right_after)
    assert actions.mark_items(path, [item], None).written
    assert path.read_text().splitlines()[2:] == ["- [x] T001 one", "- [ ] T002 two", "- [ ] T003 added by the editor"]


def test_a_short_command_ends_with_all_its_output_and_its_code(tmp_path):
    """status/tick end the process themselves (no teardown of the plan's objects):
    everything printed still arrives, whole, and the exit code is kept."""
    from benchmarks.generate import generate

    path = tmp_path / "tasks.md"
    path.write_bytes(generate(3000).text.encode())
    out = subprocess.run([sys.executable, "-m", "plantui", "status", "--json", str(path)], capture_output=True)
    assert out.returncode == 0 and out.stderr == b""
    assert len(json.loads(out.stdout)["plans"][0]["items"]) == 3000  # over 700 KB, through a pipe
    assert run("status", path, "--check").returncode == 1  # tasks open
    ticked = run("tick", path, "--line", 62)
    assert ticked.returncode == 2 and ticked.stderr.count("\n") == 1  # no box there: one line, code 2
    first = json.loads(out.stdout)["plans"][0]["next_task"]
    ticked = run("tick", path, "--line", first["line"])
    assert ticked.returncode == 0 and first["id"] in ticked.stdout
    assert json.loads(run("status", "--json", path).stdout)["plans"][0]["tasks"]["done"] == 1051


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    from benchmarks.generate import generate

    path = tmp_path / "tasks.md"
    path.write_bytes(generate(3000).text.encode())
    proc = subprocess.Popen([sys.executable, "-m", "plantui", "status", "--json", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(100).startswith(b'{"schema":1')
    proc.stdout.close()  # like `| head -c 100`
    err = proc.stderr.read()
    assert proc.wait() == 0 and b"Traceback" not in err and b"BrokenPipe" not in err, err


def test_status_json_prints_an_undecodable_byte_as_a_replacement_character(tmp_path):
    """Only a plan with an undecodable byte has its texts converted (one search of its text tells);
    either way every text comes out printable, and the same as through printable() one by one."""
    from plantui.lines import printable
    from plantui.progress import summarize
    from plantui.report import decodable, plan_json
    from plantui.snapshot import read

    body = b"# Pl\xffn\n\n## Phase 1: S\xfe\n\n- [x] T001 [P\xff] do \xff\n- [ ] T002 caf\xc3\xa9 \xe2\x9c\n**Status:** D\xffne\n"
    bad = tmp_path / "bad.md"
    bad.write_bytes(body)
    good = tmp_path / "good.md"
    good.write_bytes(body.replace(b"\xff", b"y").replace(b"\xfe", b"e").replace(b"\xe2\x9c", b"\xe2\x9c\x85"))
    plan = json.loads(run("status", "--json", bad).stdout)["plans"][0]
    assert plan["title"] == "Pl\ufffdn" and plan["phases"][0]["title"] == "Phase 1: S\ufffd"
    assert [(it["text"], it["tags"], it["phase"]) for it in plan["items"]] == [
        ("do \ufffd", ["P\ufffd"], "Phase 1: S\ufffd"), ("café \ufffd Status: D\ufffdne", [], "Phase 1: S\ufffd")]
    for path, clean in ((bad, False), (good, True)):
        snap = read(path)
        assert decodable(snap.lines.text) is clean
        summary = summarize(snap.plan)
        whole = plan_json(str(path), snap.plan, summary, snap.settings)
        assert plan_json(str(path), snap.plan, summary, snap.settings, clean=clean) == whole
        text = json.dumps(whole, ensure_ascii=False)
        assert printable(text) == text
        out = run("status", "--json", path).stdout
        assert json.loads(out)["plans"][0]["items"] == whole["items"]


def test_a_folder_with_one_unreadable_plan_still_opens_its_overview(tmp_path):
    """A binary tasks.md among a folder's plans made the dashboard refuse the whole folder
    (exit 2): the overview opens, its row for that plan says why; a plan named on the
    command line, or a folder of which no plan reads, is still refused."""
    from plantui.cli import _check_plans
    from plantui.errors import PlanError

    good = tmp_path / "specs" / "001" / "tasks.md"
    bad = tmp_path / "specs" / "002" / "tasks.md"
    for p in (good, bad):
        p.parent.mkdir(parents=True)
    good.write_text("# Plan\n\n- [ ] T001 One\n", encoding="utf-8")
    bad.write_bytes(b"\x00\x01\x02 not text \xff\xfe")
    reads = _check_plans([good, bad], found=frozenset({good, bad}))
    assert list(reads) == [good] and reads[good].plan.items[0].id == "T001"
    with pytest.raises(PlanError, match="binary"):
        _check_plans([good, bad], found=frozenset({good}))  # named: refused
    with pytest.raises(PlanError, match="binary"):
        _check_plans([bad], found=frozenset({bad}))  # nothing readable
