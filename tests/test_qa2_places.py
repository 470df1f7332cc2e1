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
