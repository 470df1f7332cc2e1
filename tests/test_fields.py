"""Derived field values keep the form the file already uses."""

from datetime import datetime

import pytest

from plantui.fields import Tally, derive
from plantui.parser import parse
from plantui.progress import summarize

NOW = datetime(2026, 11, 21, 14, 2, 9)
T = Tally(done=7, total=12, started=True)


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("progress", "[X/Y tasks complete]", "7/12 tasks complete"),
        ("progress", "_____", "7/12 tasks complete"),
        ("progress", "3/12 tasks complete", "7/12 tasks complete"),
        ("progress", "3/12", "7/12"),
        ("progress", "25%", "58%"),
        ("progress", "3/12 (25%)", "7/12 (58%)"),
        ("progress", "3 / 12 plans", "7 / 12 plans"),
        ("progress", "on track", None),
        ("total tasks", "[Number]", "12"),
        ("total tasks", "40", "12"),
        ("total tasks", "40 tasks", "12 tasks"),
        ("status", "[Not Started / In Progress / X% Complete]", "In Progress"),
        ("status", "Not Started", "In Progress"),
        ("status", "NOT STARTED", "IN PROGRESS"),
        ("status", "25% Complete", "58% Complete"),
        ("status", "⬜ Not Started", "🔄 In Progress"),
        ("status", "Draft", None),
        ("status", "Engine complete, UI next", None),
        ("last updated", "[Date]", "2026-11-21"),
        ("last updated", "2025-01-02", "2026-11-21"),
        ("last updated", "2025-01-02 09:30", "2026-11-21 14:02"),
        ("last updated", "2025/01/02", "2026/11/21"),
        ("last updated", "January 2, 2025", "November 21, 2026"),
        ("last updated", "Jan 2, 2025", "Nov 21, 2026"),
        ("last updated", "2 January 2025", "21 November 2026"),
        ("last updated", "25/01/2025", "21/11/2026"),
        ("last updated", "yesterday", None),
        ("estimated time", "3 days", None),
    ],
)
def test_derive(name, value, expected):
    assert derive(name, value, T, NOW) == expected


def test_complete_keeps_the_files_word():
    done = Tally(done=12, total=12, started=True)
    assert derive("status", "Completed", done, NOW) == "Completed"
    assert derive("status", "COMPLETED", done, NOW) == "COMPLETED"
    assert derive("status", "In Progress", done, NOW) == "Complete"
    assert derive("status", "🔄 In Progress", done, NOW) == "✅ Complete"


def test_drift_is_a_warning_and_placeholders_are_not():
    plan = parse("# P\n\n**Progress**: 100%\n**Status:** [Status]\n\n- [x] a\n- [ ] b\n")
    s = summarize(plan, NOW)
    assert [(f.name, st.computed, st.drift) for f, st in zip(plan.fields, s.fields)] == [
        ("progress", "50%", True),
        ("status", "In Progress", False),
    ]
    assert [w.message for w in s.warnings] == ["Progress says '100%', the boxes say '50%'"]


def test_a_phase_field_counts_its_phase():
    plan = parse("# P\n\n## Phase 1\n**Status**: Not Started\n- [x] a\n\n## Phase 2\n**Progress**: 0/1\n- [ ] b\n\n**Progress:** 0/2\n")
    s = summarize(plan, NOW)
    # the footer after the last phase's tasks speaks for the whole plan
    assert [st.computed for st in s.fields] == ["Complete", "0/1", "1/2"]
