"""Tasks that are not boxes (task headings), as agents write them: the text a task
is named by, and a tick that changes only the status."""

from __future__ import annotations

import pytest

from plantui.parser import parse


@pytest.mark.parametrize("heading", ["### Task 1: Scaffold — ✅ DONE", "### Scaffold – ✅ Done", "### Scaffold - ✅",
                                     "### T001 Scaffold — ✅"])
def test_a_dash_before_the_status_at_the_end_is_no_part_of_the_text(heading):
    plan = parse(f"# Steps\n\n{heading}\n### Other [pending]\n")
    assert plan.items[0].text.endswith("Scaffold") and plan.items[0].state.value == "done"


def test_a_dash_inside_the_title_stays():
    plan = parse("# Steps\n\n### Read - then write ✅\n### Other [pending]\n")
    assert plan.items[0].text == "Read - then write"
