"""The places users already look at: ``status --line`` (a status bar polls it)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("fmt", ["{done[0]}", "{title:d}", "{percent.x}", "{next_id[3]}"])
def test_a_format_that_cannot_be_made_is_one_line_and_exit_2(tmp_path, fmt):
    plan = tmp_path / "tasks.md"
    plan.write_text("# P\n\n- [x] T001 One\n- [ ] T002 Two\n", encoding="utf-8")
    out = run("status", "--line", "--format", fmt, plan)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("plantui: --format: ") and len(out.stderr.splitlines()) == 1, out.stderr


def test_a_format_that_indexes_a_text_is_made(tmp_path):
    plan = tmp_path / "tasks.md"
    plan.write_text("# Plan\n\n- [ ] T002 Two\n", encoding="utf-8")
    out = run("status", "--line", "--format", "{title[0]} {next_id}", plan)
    assert out.returncode == 0 and out.stdout == "P T002\n"


def test_history_since_an_age_older_than_any_date_is_the_whole_history(tmp_path):
    from datetime import datetime, timezone

    from plantui.history import parse_since

    now = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
    assert parse_since("99999999d", now) <= datetime(1900, 1, 1, tzinfo=timezone.utc)
    assert parse_since("99999999999h", now) <= datetime(1900, 1, 1, tzinfo=timezone.utc)
    plan = tmp_path / "tasks.md"
    plan.write_text("# P\n\n- [ ] T001 One\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "-c", "user.email=q@a", "-c", "user.name=Q", "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run(["git", "-c", "user.email=q@a", "-c", "user.name=Q", "commit", "-qm", "one"], cwd=tmp_path, check=True)
    for since in ("99999999w", "0001-01-01"):
        out = run("history", "--since", since, plan)
        assert out.returncode == 0 and "1 commit from" in out.stdout, out.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_stalled_minutes_that_are_no_number_of_minutes_are_refused(tmp_path, value):
    from plantui.config import ConfigError, load_notify

    plan = tmp_path / "tasks.md"
    plan.write_text("# P\n\n- [ ] T001 One\n", encoding="utf-8")
    (tmp_path / ".plantui.toml").write_text(f"[notify]\nstalled_minutes = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="stalled_minutes must be a number of minutes"):
        load_notify(plan)
    out = run("watch", plan)
    assert out.returncode == 2 and "stalled_minutes" in out.stderr and "Traceback" not in out.stderr


def test_the_mcp_mark_tool_says_what_each_marker_it_names_means_in_a_plain_plan(tmp_path):
    """An agent skips a task with the marker the tool's description gives for it: the
    meanings it states are those of a plain Markdown plan's markers."""
    pytest.importorskip("mcp")
    import asyncio
    import re

    from plantui.config import DEFAULT_MARKERS
    from plantui.mcp_server import build

    tools = asyncio.run(build(tmp_path).list_tools())
    said = next(t.description for t in tools if t.name == "mark")
    stated = re.findall(r'"(.)" (in progress|skipped|done|open)', said)
    assert {word for _, word in stated} >= {"in progress", "skipped", "done"}
    for marker, word in stated:
        assert DEFAULT_MARKERS[marker].value == word.replace(" ", "_"), (marker, word)


def test_the_mcp_server_serves_a_task_master_file_as_json(tmp_path):
    pytest.importorskip("mcp")
    import asyncio
    import json

    from plantui.mcp_server import build

    store = tmp_path / ".taskmaster" / "tasks"
    store.mkdir(parents=True)
    (store / "tasks.json").write_text(json.dumps({"tasks": [{"id": 1, "title": "One", "status": "pending"}]}),
                                      encoding="utf-8")
    (tmp_path / "tasks.md").write_text("# P\n\n- [ ] T001 One\n", encoding="utf-8")
    server = build(tmp_path, record=False)
    listed = {str(r.uri): r.mime_type for r in asyncio.run(server.list_resources())}
    assert listed["plantui://plan/.taskmaster/tasks/tasks.json"] == "application/json"
    assert listed["plantui://plan/tasks.md"] == "text/markdown"
    for uri, mime in (("plantui://plan/.taskmaster/tasks/tasks.json", "application/json"),
                      ("plantui://plan/tasks.md", "text/markdown")):
        got = list(asyncio.run(server.read_resource(uri)))
        assert [c.mime_type for c in got] == [mime], uri
