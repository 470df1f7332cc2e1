"""``plantui status --line``: one line per plan for status bars, and its cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from plantui import statcache
from plantui.cli import main
from plantui.statusline import bar, cells, cut, fields_of, render

PLAN = """\
# Plan: Billing export

## Phase 1: Setup
- [x] 1.1 Create the repository
- [x] 1.2 Add CI
- [x] 1.3 Add linting
- [x] 1.4 Write the README

## Phase 2: Core
- [x] 2.1 Parse invoices
- [x] 2.2 Write CSV
- [x] 2.3 Add retries

## Phase 3: Polish
- [ ] 3.1 Document the flags
- [ ] 3.2 Package it
- [ ] 3.3 Add a man page
- [ ] 3.4 Tag a release
- [ ] 3.5 Announce it
"""
OLD = 1_600_000_000_000_000_000  # 2020
LATER = 10 * 10**9  # ns


@pytest.fixture(autouse=True)
def user_folders(tmp_path, monkeypatch):
    """The cache (and every user folder) under tmp_path: the suite never writes the real home."""
    for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # A status bar asks again seconds later: the files a test has just written
    # (their ctime is now, whatever mtime it sets) count as settled by then.
    monkeypatch.setattr(statcache, "now", lambda: time.time_ns() + LATER)


def write(path, text, mtime_ns=OLD):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def line(capsys, *args) -> tuple[int, str, str]:
    code = main(["status", "--line", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def cache_files():
    folder = statcache.cache_dir()
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_the_default_line(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    assert line(capsys, plan) == (0, "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1\n", "")


def test_done_and_empty_plans(tmp_path, capsys):
    done = write(tmp_path / "a" / "plan.md", PLAN.replace("[ ]", "[x]"))
    assert line(capsys, done)[1] == "▰▰▰▰▰ 12/12 100% · done\n"
    empty = write(tmp_path / "b" / "plan.md", "# Notes\n\nNothing to do.\n")
    assert line(capsys, empty)[1] == "no tasks\n"


def test_percent_and_bar_round_like_everything_else(tmp_path, capsys):
    text = "# P\n" + "- [x] done\n" + "- [ ] open\n" * 399
    plan = write(tmp_path / "plan.md", text)
    assert line(capsys, plan, "--format", "{bar} {percent}")[1] == "▰▱▱▱▱ 0\n".replace("0", "1")  # 1/400 is 1%
    assert bar(399, 400) == "▰▰▰▰▱" and bar(1, 400) == "▰▱▱▱▱" and bar(0, 3) == "▱▱▱▱▱" and bar(3, 3) == "▰▰▰▰▰"


def test_format_fields(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    fmt = "{done}/{total} {percent}% {phase} {next_id} {next_text} {bar} [{eta}] {open} {title}"
    code, out, _ = line(capsys, plan, "--format", fmt, "--width", "0")
    assert (code, out) == (0, "7/12 58% Phase 3 3.1 Document the flags ▰▰▰▱▱ [] 5 Plan: Billing export\n")


def test_eta_is_one_field_of_the_one_function(tmp_path):
    from plantui.progress import summarize
    from plantui.snapshot import read

    snap = read(write(tmp_path / "plan.md", PLAN))
    values = fields_of(snap.plan, summarize(snap.plan))
    assert values["eta"] == "" and values["done"] == 7 and values["next_id"] == "3.1"
    assert render({**values, "eta": "~2 days"}) == "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1 · ~2 days"


def test_width_is_counted_in_cells(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN.replace("Document the flags", "文档化所有的命令行参数和选项"))
    code, out, _ = line(capsys, plan, "--format", "{next_text} {next_text}", "--width", "15")
    text = out.rstrip("\n")
    assert code == 0 and cells(text) <= 15 and text.endswith("…") and text.startswith("文档化")
    assert cut("▰▰▰ abc", 60) == "▰▰▰ abc" and cells("文档") == 4 and cut("文档化", 4) == "文…"
    code, out, _ = line(capsys, plan, "--width", "20")
    assert cells(out.rstrip("\n")) <= 20


def test_no_colour_unless_asked(tmp_path, capsys, monkeypatch):
    plan = write(tmp_path / "plan.md", PLAN)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b" not in line(capsys, plan)[1]
    out = line(capsys, plan, "--color")[1]
    assert "\x1b[32m▰▰▰\x1b[0m" in out and out.endswith("7/12 58% · Phase 3 · next 3.1\n")


def test_no_path_the_most_recently_changed_plan_here(tmp_path, capsys, monkeypatch):
    write(tmp_path / "specs" / "001-old" / "tasks.md", PLAN.replace("[ ]", "[x]"), OLD)
    write(tmp_path / "specs" / "002-new" / "tasks.md", PLAN, OLD + 10**9)
    monkeypatch.chdir(tmp_path)
    assert line(capsys) == (0, "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1\n", "")
    code, out, _ = line(capsys, "--all", "--width", "0")
    assert out.splitlines() == [f"{os.path.join('specs', '002-new', 'tasks.md')} ▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1",
                                f"{os.path.join('specs', '001-old', 'tasks.md')} ▰▰▰▰▰ 12/12 100% · done"]


def test_check_with_line(tmp_path, capsys):
    assert line(capsys, write(tmp_path / "a.md", PLAN), "--check")[0] == 1
    assert line(capsys, write(tmp_path / "b.md", PLAN.replace("[ ]", "[x]")), "--check")[0] == 0


def test_stdin_json_as_claude_code_sends_it(tmp_path, capsys, monkeypatch):
    import io

    write(tmp_path / "proj" / "tasks.md", PLAN)
    doc = {"hook_event_name": "Status", "model": {"display_name": "Opus"}, "cwd": "/nowhere",
           "workspace": {"current_dir": str(tmp_path / "proj"), "project_dir": str(tmp_path / "proj")}}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(doc)))
    assert line(capsys, "--stdin-json")[1] == "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"cwd": str(tmp_path / "proj")})))
    assert line(capsys, "--stdin-json")[1] == "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1\n"


@pytest.mark.parametrize("args, says", [
    (["missing.md"], "missing.md: no such file"),
    (["bin.md"], "binary file"),
    (["plan.md", "--width", "-1"], "--width must be 0"),
    (["plan.md", "--json"], "--line and --json"),
    (["plan.md", "--format", "{nope}"], "no field {nope}"),
    (["plan.md", "--format", "{done"], "--format:"),
    (["--stdin-json"], "stdin is not JSON"),
    (["empty-folder"], "no plans found in empty-folder"),
])
def test_bad_input_one_line_exit_2_nothing_cached(tmp_path, capsys, monkeypatch, args, says):
    import io

    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plan.md", PLAN)
    (tmp_path / "bin.md").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.setattr(sys, "stdin", io.StringIO("{not json"))
    code, out, err = line(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and says in err and "Traceback" not in err
    assert cache_files() == []


def test_format_flags_without_line_are_bad_input(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    assert main(["status", str(plan), "--width", "30"]) == 2
    assert "go with --line" in capsys.readouterr().err


# --- the cache ---------------------------------------------------------------


def test_a_warm_call_reads_the_cache(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    line(capsys, plan)
    assert len(cache_files()) == 1
    entry = json.loads(open(os.path.join(statcache.cache_dir(), cache_files()[0]), encoding="utf-8").read())
    entry["values"]["done"] = 99  # what the next call shows proves where it came from
    with open(os.path.join(statcache.cache_dir(), cache_files()[0]), "w", encoding="utf-8") as fh:
        json.dump(entry, fh)
    assert line(capsys, plan, "--format", "{done}")[1] == "99\n"


def test_a_same_size_rewrite_with_the_same_mtime_is_seen(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    assert line(capsys, plan, "--format", "{done}")[1] == "7\n" and len(cache_files()) == 1
    changed = PLAN.replace("- [ ] 3.1", "- [x] 3.1")
    assert len(changed) == len(PLAN)
    write(plan, changed)  # same size, same mtime (set back): only ctime tells
    assert line(capsys, plan, "--format", "{done}")[1] == "8\n"


def test_a_fresh_change_is_never_cached(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(statcache, "now", time.time_ns)  # asked at once, as the file is written
    plan = write(tmp_path / "plan.md", PLAN, mtime_ns=None)  # just written: within the clock's granularity
    assert line(capsys, plan, "--format", "{done}")[1] == "7\n"
    assert cache_files() == []
    with open(plan, "r+", encoding="utf-8", newline="") as fh:  # a second write in the same tick
        fh.write(PLAN.replace("- [ ] 3.1", "- [x] 3.1"))
    assert line(capsys, plan, "--format", "{done}")[1] == "8\n"


def test_a_config_change_invalidates(tmp_path, capsys):
    (tmp_path / ".git").mkdir()
    plan = write(tmp_path / "docs" / "plan.md", PLAN.replace("- [ ] 3.1", "- [d] 3.1"))
    assert line(capsys, plan, "--format", "{done}")[1] == "7\n"
    config = write(tmp_path / ".plantui.toml", '[markers]\n"d" = "done"\n')  # in a folder above the plan
    assert line(capsys, plan, "--format", "{done}")[1] == "8\n"
    write(config, '[markers]\n"d" = "open"\n')
    assert line(capsys, plan, "--format", "{done}")[1] == "7\n"
    os.remove(config)
    write(tmp_path / "pyproject.toml", '[tool.plantui.markers]\n"d" = "done"\n')
    assert line(capsys, plan, "--format", "{done}")[1] == "8\n"


def test_a_renamed_over_plan_is_seen(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    line(capsys, plan)
    write(tmp_path / "new.md", PLAN.replace("- [ ] 3.1", "- [x] 3.1"))
    os.replace(tmp_path / "new.md", plan)  # an editor saving by rename: a new inode, same mtime
    assert line(capsys, plan, "--format", "{done}")[1] == "8\n"


def test_an_unwritable_cache_is_no_error(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    plan = write(tmp_path / "plan.md", PLAN)
    assert line(capsys, plan) == (0, "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1\n", "")


def test_the_warm_path_never_imports_the_parser(tmp_path):
    plan = write(tmp_path / "plan.md", PLAN)
    probe = ("import sys, time; from plantui import statcache; statcache.now = lambda: time.time_ns() + 10**10; "
             "from plantui.cli import main; code = main(['status', '--line', sys.argv[1]]); "
             "print(sorted(m for m in sys.modules if m in ('plantui.parser', 'plantui.snapshot', 'markdown_it', "
             "'plantui.progress', 'plantui.discover', 'plantui.readers', 'plantui.claude_store', 'plantui.model')))")
    runs = [subprocess.run([sys.executable, "-c", probe, str(plan)], capture_output=True, text=True, env=os.environ)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    cold, warm = (r.stdout.splitlines() for r in runs)
    assert cold[0] == warm[0] == "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1"
    assert "plantui.parser" in cold[1] and warm[1] == "[]"


def test_the_cache_file_is_under_the_users_cache_folder(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    line(capsys, plan)
    assert statcache.cache_dir().startswith(str(tmp_path / "home" / "xdg_cache_home"))
    assert len(cache_files()) == 1 and not any(p.name.endswith(".json") for p in tmp_path.iterdir())


def test_stored_only_when_settled():
    assert not statcache.store("/x", [1], newest=time.time_ns(), values={}, stat_time=time.time_ns())


def test_a_damaged_cache_entry_is_read_past(tmp_path, capsys):
    plan = write(tmp_path / "plan.md", PLAN)
    line(capsys, plan)
    (name,) = cache_files()
    cached = os.path.join(statcache.cache_dir(), name)
    entry = json.loads(open(cached, encoding="utf-8").read())
    del entry["values"]["open"]  # the right key, values missing one
    with open(cached, "w", encoding="utf-8") as fh:
        json.dump(entry, fh)
    assert line(capsys, plan) == (0, "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1\n", "")
    with open(cached, "w", encoding="utf-8") as fh:
        fh.write("{not json")
    assert line(capsys, plan) == (0, "▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1\n", "")


def test_the_benchmark_figure_runs(tmp_path):
    """The benchmark's warm status --line row gathers samples (no timing asserted: see docs/benchmark.md)."""
    from benchmarks import run as benchrun

    args = benchrun.parse_args(["--only", "status_line", "--sizes", "20", "--repeat", "1"])
    r = benchrun.Run(args, lambda *a, **k: None)
    plan = write(tmp_path / "tasks.md", PLAN, mtime_ns=None)
    r.status_line(20, plan, tmp_path / "work")
    assert r.errors == []
    assert len(r.samples("status_line_warm", 20, "plantui")) == 10 == len(r.samples("status_line_warm", 20, "python"))
    (row,) = [x for x in benchrun.rows(r, [20]) if x["metric"] == "status_line_warm"]
    assert row["other"] == "python" and row["ratio"] > 0
