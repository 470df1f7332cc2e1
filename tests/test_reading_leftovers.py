"""Issue #14, what was left of reading plans: task headings beside a closing gate
checklist, ``Task 4`` headings' ids, Task Master's plan title, a milestone named by
several Progress entries, and open optional tasks at the plan level."""

from __future__ import annotations

import json

from plantui import actions, snapshot
from plantui.cli import main
from plantui.model import State
from plantui.parser import build_plan, parse
from plantui.progress import summarize
from plantui.source import Lines


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


# 2. "## Task 4 — Title": id 4 ------------------------------------------------------------------

DEPLOY = """# Ship the shop

## Task 1 — Build the cart ✅

## Task 2 — Take payments

## Task 3: Send receipts [DONE]
"""


def test_a_task_heading_takes_its_number_as_its_id_and_tick_finds_it(tmp_path, capsys):
    plan = parse(DEPLOY)
    assert [(it.id, it.text, it.state) for it in plan.items] == [
        ("1", "Build the cart", State.DONE), ("2", "Take payments", State.OPEN), ("3", "Send receipts", State.DONE)]
    path = _write(tmp_path, "plan.md", DEPLOY)
    assert main(["tick", str(path), "2"]) == 0
    assert path.read_text().splitlines()[4] == "## Task 2 — Take payments ✅"  # where the file puts its ✅
    assert path.read_text().replace("payments ✅", "payments") == DEPLOY  # only what says done was written
    assert main(["untick", str(path), "2"]) == 0
    assert path.read_text() == DEPLOY


def test_a_task_number_that_another_task_has_too_gives_no_id():
    """"Task 1.1" beside a "1.1" heading: "1.1" would be ambiguous, so the Task keeps its
    word and no id (a tick names it by line); "Task 2", alone, is 2."""
    text = ("# Plan\n\n## Phase 1: Base\n\n### 1.1 Schema [DONE]\n\n### Task 1.1: Seed data\n\n"
            "### Task 2: Routes\n")
    plan = parse(text)
    assert [(it.id, it.text) for it in plan.items] == [
        ("1.1", "Schema"), (None, "Task 1.1 Seed data"), ("2", "Routes")]


def test_a_task_master_subtask_number_is_not_taken_twice():
    text = ("# Task ID: 4\n# Title: Ledger\n# Status: pending\n\n# Subtasks:\n## 1. Parse [done]\n\n"
            "## 2. Store [pending]\n")
    plan = parse(text)
    assert [it.id for it in plan.items] == ["4", "1", "2"]


# 3. Task Master's task_007.md: the plan title ---------------------------------------------------

def test_the_title_of_a_task_master_task_file_is_its_title_value():
    text = "# Task ID: 7\n# Title: Import the old cards\n# Status: pending\n# Dependencies: None\n"
    assert parse(text).title == "Import the old cards"
    assert parse("# Task ID: 7\n# Status: pending\n").title == "Task ID: 7"  # no title: as before
    assert parse("# Title: A page\n\n- [ ] one\n").title == "Title: A page"  # no Task ID: as before
