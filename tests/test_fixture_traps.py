"""Every trap the shared corpus and seeds hold, in small plans of our own (tests/fixtures).

The corpus (../shared, or $PLANTUI_SHARED) is not in the repository: a fresh clone must
still prove each trap handled.  Each fixture below holds one or a few of the traps named
in the corpus index or one seed's shape; its numbers were counted by hand from the file.
Byte-level traps (CRLF, a lone CR, a BOM, invalid UTF-8, no final newline) are in the
committed bytes themselves (.gitattributes keeps git from converting them).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import INDEX, SEEDS
from test_corpus import line_endings, masked, reference

from plantui import actions, snapshot
from plantui.config import DEFAULT_MARKERS, Settings
from plantui.edits import set_markers
from plantui.model import Kind, State
from plantui.progress import summarize
from plantui.lines import Lines, encode

NOW = datetime(2026, 11, 21, 14, 2)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FILES = sorted(FIXTURES.glob("*.md"))

# What each fixture holds, counted by hand: the title, the markers and how many of each,
# (tasks, done tasks), (checks, done checks), the phases and the checkpoints in order.
EXPECTED = {
    "speckit-front-matter.md": ("Tasks: Bird Feeder Tracker", {"x": 2, "X": 1, " ": 2}, (5, 3), (0, 0),
                                ["Phase 1: Setup", "Phase 2: User Story 1 - Log a sighting (Priority: P1)"],
                                ["Checkpoint: the project builds and the linter is quiet",
                                 "Checkpoint: a sighting can be logged and listed"]),
    "legacy-decimal-phases.md": ("Tasks: Recipe Importer", {"x": 2, " ": 4}, (6, 2), (0, 0),
                                 ["Phase 3.1: Setup (T001-T002)", "Phase 3.2: Tests First (T003-T004)",
                                  "Phase 3.3: Core (T005-T006)"], []),
    "phases-as-checkboxes.md": ("Implementation Plan: Tide Tables", {"x": 3, " ": 2}, (3, 2), (2, 1),
                                ["Phase 0: Research", "Phase 1: Design", "Phase 2: Task Planning"], ["Gate Status"]),
    "tab-indented.md": ("计划：卡片交换", {" ": 5, "x": 1}, (6, 1), (0, 0), ["顶层任务"], []),
    "emoji-status-table.md": ("任務：市集", {"X": 3, " ": 1}, (4, 3), (0, 0),
                              ["Phase 1: 基礎建設", "Phase 2: 上架功能"], []),
    "cjk-headings-no-phases.md": ("タスク一覧", {"x": 3, " ": 2}, (5, 3), (0, 0),
                                  ["追加作業: ログ出力の整理 (2026-01-31)", "追加作業: 設定画面 (2026-02-03)"], []),
    "kiro-tilde-continuations.md": ("Implementation Plan", {"x": 2, "~": 3}, (5, 2), (0, 0), ["2 Move the saves"], []),
    "kiro-optional-star.md": ("Implementation Plan", {"x": 2, " ": 5}, (6, 2), (1, 0),
                              ["1 Set up the mail client", "3 Fetch messages"],
                              ["Checkpoint - Ensure all tests pass, ask the user if questions arise"]),
    "kiro-dash-marker.md": ("Tasks", {"x": 1, "X": 1, "-": 1, " ": 2}, (5, 2), (0, 0), [], []),
    "sub-phases.md": ("Plan: Map Editor", {"x": 2, " ": 3}, (5, 2), (0, 0),
                      ["Phase 0 ✅", "Phase 1: Canvas", "Phase 1b: Zoom", "Phase 2: Export"], []),
    "fields-as-bullets.md": ("Track: Ambient Sound", {"x": 1, " ": 2}, (3, 1), (0, 0), ["Phase 1: Sound Engine"], []),
    "details-roadmap.md": ("Roadmap", {"x": 2, " ": 2}, (4, 2), (0, 0), ["Phase 1: Key storage", "Phase 3: Sharing"], []),
    "table-checkboxes.md": ("Milestone Audit: v2", {}, (0, 0), (0, 0), ["Phase 1: Requirements"], []),
    "fenced-and-xml.md": ("Phase 4: Sync", {" ": 4}, (4, 0), (0, 0), ["Phase 4: Sync"], []),
    "steps-fenced-hashes.md": ("Chain Finder Implementation Plan", {" ": 3, "x": 1}, (4, 1), (0, 0),
                               ["Task 1: Graph loader", "Task 2: Chain search"], []),
    "headings-as-tasks-p.md": ("Tasks: Admin Screens", {"": 2}, (2, 0), (0, 0), ["Phase 1: Setup"], []),  # T001 headings
    "cursor-html-comment.md": ("代码评审助手计划", {" ": 4}, (4, 0), (0, 0), [], []),
    "slash-numbered-h2.md": ("Fix-It Implementation Plan", {"x": 1, "/": 1, " ": 1}, (3, 1), (0, 0),
                             ["Phase 1: Backend", "Phase 2: App"], []),
    "placeholder-last-updated.md": ("Blog Launch Checklist", {" ": 5}, (5, 0), (0, 0),
                                    ["Phase 1: Foundation ⏳", "Phase 2: Content"], []),
    "fenced-templates.md": ("Beta Launch", {" ": 3}, (3, 0), (0, 0),
                            ["Phase 1: Invite testers", "Phase 2: Collect feedback"], []),
    "emoji-markers.md": ("Validation Results", {"✅": 2, " ": 1}, (3, 0), (0, 0),
                         ["Phase 1: Checks", "Phase 2: Summary"], []),
    "numbered-tasks.md": ("Todo", {"x": 1, " ": 1, "X": 1}, (3, 2), (0, 0), [], []),
    "star-bullets.md": ("Roadmap", {" ": 2, "X": 2, "x": 2}, (6, 4), (0, 0), ["Tree", "Table"], []),
    "status-field-per-task.md": ("任務：預約系統", {"x": 1, " ": 2}, (3, 1), (0, 0), ["Phase 1: 資料", "Phase 2: 介面"], []),
    "all-boxes-in-nested-fence.md": ("Phase 7 Tasks", {"": 2}, (2, 0), (0, 0), ["Phase 7 Tasks"], []),  # TASK-701 headings
    "dash-means-skip.md": ("작업 목록", {"x": 1, "-": 1, " ": 1}, (3, 1), (0, 0), ["Task 1: 설정"], []),
    "plan with spaces in its name.md": ("Task: Split the importer", {" ": 1, "x": 1}, (2, 1), (0, 0),
                                        ["Phase 1: Split"], []),
    "crlf-lone-cr.md": ("Plan de retour arrière", {" ": 3, "x": 1}, (4, 1), (0, 0),
                        ["Phase 1 : Préparer", "Phase 2 : Revenir"], []),
    "crlf-no-boxes.md": ("交通罰單計畫", {"": 2}, (2, 0), (0, 0), [], []),  # the Task N headings are its tasks
    "bom-conductor.md": ("Implementation Plan: Update Checker", {"x": 4}, (4, 4), (0, 0),
                         ["Phase 1: Fetch releases [checkpoint: 7f1e0ba]",
                          "Phase 2: Compare versions [checkpoint: 9a8b7c6]"], []),
    "invalid-utf8.md": ("Tasks: Search", {"x": 2, " ": 1}, (3, 2), (0, 0), ["Phase 1: Index \udcf0\udc9f\udc94"],
                        ["Checkpoint: the index answers a query \udcff"]),
    # the shapes of the five seeds
    "shape-steps.md": ("Implementation Plan", {" ": 2}, (0, 0), (2, 0),
                       ["Step 1: Project Setup", "Step 2: Reminders", "Step 3: Notifications"], ["Definition of Done"]),
    "shape-speckit-plan.md": ("Implementation Plan: Parking Finder", {" ": 4}, (4, 0), (0, 0),
                              ["Phase 0: Research & Design", "Phase 1: Foundation"], ["Quality Gates"]),
    "shape-numbered-phases.md": ("Implementation Plan: Library Loans", {" ": 6}, (6, 0), (0, 0),
                                 ["Phase 1: Foundation [Priority: HIGH]", "Phase 2: Loans [Priority: MEDIUM]"], []),
    "shape-checkpoints.md": ("Pond Monitor - Implementation Plan", {" ": 7}, (4, 0), (3, 0),
                             ["Phase 1: Sensors", "Phase 2: Alerts"],
                             ["Checkpoint 1: After Phase 1", "Checkpoint 2: Before Completion"]),
    "shape-gates.md": ("Implementation Plan: Recipe Scaler", {" ": 3}, (0, 0), (3, 0),
                       ["Phase 1: Data Model & Contracts", "Phase 2: Architecture", "Phase 3: Delivery"], ["Gates"]),
}

# Which fixture covers each trap of the corpus index: every keyword of its auto_features
# column, and every file whose notable_features or parser_traps name a trap (by prefix).
FEATURES = {
    "no-final-newline": ["speckit-front-matter.md", "kiro-dash-marker.md", "cursor-html-comment.md",
                         "emoji-markers.md", "crlf-lone-cr.md"],
    "front-matter": ["speckit-front-matter.md", "table-checkboxes.md", "fenced-and-xml.md", "star-bullets.md",
                     "invalid-utf8.md"],
    "phase-headings": ["speckit-front-matter.md", "legacy-decimal-phases.md", "sub-phases.md"],
    "checkpoint-mentions": ["speckit-front-matter.md", "invalid-utf8.md", "kiro-optional-star.md"],
    "emoji-table-rows": ["speckit-front-matter.md", "emoji-status-table.md", "placeholder-last-updated.md",
                         "emoji-markers.md", "details-roadmap.md"],
    "#-lines-in-fences": ["legacy-decimal-phases.md", "steps-fenced-hashes.md", "slash-numbered-h2.md",
                          "plan with spaces in its name.md", "crlf-no-boxes.md"],
    "[P]-pseudo-checkbox": ["speckit-front-matter.md", "headings-as-tasks-p.md"],
    "odd-markers": ["kiro-tilde-continuations.md", "kiro-dash-marker.md", "slash-numbered-h2.md",
                    "emoji-markers.md", "headings-as-tasks-p.md", "dash-means-skip.md"],
    "tab-indented": ["tab-indented.md"],
    "nested-tasks": ["tab-indented.md", "kiro-tilde-continuations.md", "star-bullets.md",
                     "placeholder-last-updated.md", "bom-conductor.md"],
    "INVALID-UTF8": ["invalid-utf8.md"],
    "UTF8-BOM": ["bom-conductor.md"],
    "progress-field": ["fields-as-bullets.md"],
    "details-blocks": ["details-roadmap.md", "fenced-and-xml.md"],
    "html-comments": ["fenced-and-xml.md", "cursor-html-comment.md"],
    "checkbox-in-table": ["table-checkboxes.md"],
    "CRLF": ["crlf-lone-cr.md", "crlf-no-boxes.md"],
    "bare-CR": ["crlf-lone-cr.md"],
    "numbered-tasks": ["numbered-tasks.md", "shape-numbered-phases.md"],
    "star-bullets": ["star-bullets.md"],
    "last-updated": ["placeholder-last-updated.md", "fenced-templates.md", "shape-checkpoints.md"],
}
TRAPS = {  # corpus file prefix: (its traps, the fixtures that hold them)
    "01": ("front matter closing '---' as a setext heading; legend bullets '- **[P]**:'; a very large plan",
           ["speckit-front-matter.md", "<generated>"]),
    "03": ("'#' lines in an execution-flow fence; decimal phase ids 3.1; bold ids", ["legacy-decimal-phases.md"]),
    "04": ("checkbox items that are the phases; bold pseudo-headings grouping boxes", ["phases-as-checkboxes.md"]),
    "05": ("'- [P] tasks = …' note line; uppercase [X] mixed with [ ]", ["speckit-front-matter.md"]),
    "07": ("tab-indented checkbox lines", ["tab-indented.md"]),
    "08": ("invalid UTF-8 bytes kept by a tick", ["invalid-utf8.md"]),
    "09": ("'- [P]' pseudo checkbox; uppercase X is done", ["speckit-front-matter.md", "emoji-status-table.md"]),
    "10": ("status tables with ✅/⏳ beside the boxes", ["emoji-status-table.md"]),
    "13": ("one fenced checkbox; '- [P]' line", ["fenced-templates.md", "headings-as-tasks-p.md"]),
    "14": ("no Phase headings: grouping by any heading; CJK text", ["cjk-headings-no-phases.md"]),
    "16": ("task text over many continuation paragraphs; '[~]' on numbered Kiro tasks",
           ["kiro-tilde-continuations.md"]),
    "18": ("'[ ]*' Kiro optional; checkpoint tasks", ["kiro-optional-star.md"]),
    "19": ("no final newline", ["kiro-dash-marker.md"]),
    "20": ("'[-]' in progress, mixed [x]/[X]", ["kiro-dash-marker.md"]),
    "21": ("UTF-8 BOM before the first heading; checkpoint SHA in a heading", ["bom-conductor.md"]),
    "23": ("sub-phase headings 'Phase 2b' under phases; emoji in a heading", ["sub-phases.md"]),
    "24": ("fields as list bullets", ["fields-as-bullets.md"]),
    "25": ("boxes inside <details>; boxes that are phases", ["details-roadmap.md"]),
    "27": ("boxes only in table cells", ["table-checkboxes.md"]),
    "28": ("boxes in fences and in XML-like tags", ["fenced-and-xml.md"]),
    "30": ("'#' comments and YAML '---' in fences; '**Step N:**' boxes", ["steps-fenced-hashes.md"]),
    "31": ("headings as tasks, only '- [P]' lines", ["headings-as-tasks-p.md"]),
    "32": ("CRLF throughout and no boxes", ["crlf-no-boxes.md"]),
    "34": ("a huge plan; status words in headings; very long task lines", ["<generated>"]),
    "36": ("an HTML comment first; code-reference fences; no final newline; duplicated tasks",
           ["cursor-html-comment.md"]),
    "37": ("'# Auth' in fences; phases under a numbered H2; '[/]'", ["slash-numbered-h2.md"]),
    "39": ("'**Last Updated:** _____' placeholder; '[x]' in a blockquote; 3-level nesting",
           ["placeholder-last-updated.md"]),
    "40": ("phase checklists with emoji tables", ["placeholder-last-updated.md"]),
    "42": ("boxes in copy-paste template fences", ["fenced-templates.md"]),
    "43": ("status in tables and heading emoji", ["emoji-status-table.md", "sub-phases.md"]),
    "45": ("'[✅]' as a marker", ["emoji-markers.md"]),
    "46": ("numbered '1. [ ]' tasks beside a numbered non-task list", ["numbered-tasks.md"]),
    "48": ("'*' and '-' bullets mixed; a YAML list in front matter; mixed [x]/[X]", ["star-bullets.md"]),
    "49": ("'# Phase 1-2' comments in a bash fence", ["steps-fenced-hashes.md", "plan with spaces in its name.md"]),
    "51": ("'# my_module.py' in a fence; a file name with spaces", ["plan with spaces in its name.md"]),
    "53": ("'[✅]' markers and no plain [x]", ["emoji-markers.md"]),
    "54": ("CRLF and a lone CR at the end; phases without boxes", ["crlf-lone-cr.md"]),
    "56": ("a per-task status field beside its boxes; CJK", ["status-field-per-task.md"]),
    "58": ("every box in a fence nested in a numbered item", ["all-boxes-in-nested-fence.md"]),
    "60": ("'[-]' meaning skipped", ["dash-means-skip.md"]),
}
SEED_SHAPES = {  # seed number: the fixture with its shape
    0: "shape-steps.md",  # steps as phases, "- **Dependencies:**" bullets, a Definition of Done
    1: "shape-speckit-plan.md",  # Phase 0..N, "**Dependencies**: Phase 0", three fields on a line, gates table
    2: "shape-numbered-phases.md",  # "#### Tasks" of "1. [ ]", Deliverables, <!-- STATUS -->, [Priority]
    3: "shape-checkpoints.md",  # bold phases, "**1.1**" ids, checkpoints, Progress/Status/Last Updated, graph
    4: "shape-gates.md",  # phases without tasks, gates, "**Status**: Draft"
}


def load(name, settings=None):
    snap = snapshot.read(FIXTURES / name, settings)
    return snap, summarize(snap.plan, NOW)


def ids(paths):
    return [p.name for p in paths]


# --- every fixture ------------------------------------------------------------------


def test_every_fixture_is_expected_and_every_table_entry_exists():
    assert sorted(EXPECTED) == [p.name for p in FILES]
    named = {f for fs in FEATURES.values() for f in fs} | {f for _, fs in TRAPS.values() for f in fs}
    named |= set(SEED_SHAPES.values())
    assert named - {"<generated>"} <= set(EXPECTED)
    assert set(EXPECTED) <= named, "a fixture no trap names"


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_counts_phases_and_checkpoints(path):
    title, markers, tasks, checks, phases, checkpoints = EXPECTED[path.name]
    snap, s = load(path.name)
    assert snap.plan.title == title
    assert dict(Counter(it.marker for it in snap.plan.items)) == markers
    assert (s.tasks.total, s.tasks.done) == tasks
    assert (s.checks.total, s.checks.done) == checks
    assert [ph.title for ph in snap.plan.phases] == phases
    assert [cp.title for cp in snap.plan.checkpoints] == checkpoints
    assert not any(it.marker == "P" for it in snap.plan.items)  # Spec Kit's parallel tag, never a box


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_items_match_markdown_it_plus_extra_markers(path):
    snap = snapshot.read(path)
    boxes, blocked, html = reference(snap.lines)
    items = {it.line: it for it in snap.plan.items}
    assert len(items) == len(snap.plan.items), "one item per line"
    for line, checked in boxes.items():
        assert line in items, f"line {line}: markdown-it sees a task, plantui does not"
        assert items[line].done is checked
    for line, it in items.items():
        if line not in boxes:
            assert it.marker not in (" ", "x", "X") or it.optional or line in html, f"line {line}"
        assert line not in blocked, f"line {line} is inside code, a table or an HTML comment"


def boxes(plan):
    """The items that are boxes (tasks read from headings, status lines and rows: tests/test_nonbox_tasks.py)."""
    return [it for it in plan.items if it.spelling is None]


def changed_span(a: bytes, b: bytes) -> tuple[bytes, bytes]:
    """The bytes of ``a`` and of ``b`` between their common prefix and common suffix."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    return a[p : len(a) - s], b[p : len(b) - s]


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_a_tick_changes_exactly_the_marker_bytes_and_untick_restores_every_byte(path, copy_to):
    work = copy_to(path, "plan.md")
    original = work.read_bytes()
    snap = snapshot.read(work)
    for it in boxes(snap.plan):
        target = " " if it.done else "x"
        actions.mark(work, [it.line], target, now=NOW, sync=False)
        ticked = work.read_bytes()
        at = snap.lines.byte_offset(snap.lines.offset(it.line - 1, it.col)) + (3 if snap.bom else 0)
        mine = it.marker.encode("utf-8", "surrogateescape")
        assert original[at : at + len(mine)] == mine
        assert ticked == original[:at] + target.encode() + original[at + len(mine) :]
        assert changed_span(original, ticked)[0] in mine
        actions.mark(work, [it.line], it.marker, now=NOW, sync=False)
        assert work.read_bytes() == original, f"line {it.line} did not come back"


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_every_item_round_trips_in_memory(path):
    snap = snapshot.read(path)
    text, lines, plan = snap.text, snap.lines, snap.plan
    for it in boxes(plan):
        target = " " if it.done else "x"
        once = set_markers(lines, plan, [(it, target)], sync=False)
        at = lines.offset(it.line - 1, it.col)
        assert once.text == text[:at] + target + text[at + len(it.marker) :]
        back_lines = Lines.of(once.text)
        ticked = replace(it, marker=target, source=back_lines.line(it.line - 1))
        back_plan = replace(plan, items=plan.items[: it.index] + (ticked,) + plan.items[it.index + 1 :])
        back = set_markers(back_lines, back_plan, [(ticked, it.marker)], sync=False)
        assert encode(back.text, snap.bom) == snap.raw


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_a_synced_tick_and_its_reverse_touch_only_markers_and_field_values(path, copy_to):
    work = copy_to(path, "plan.md")
    snap = snapshot.read(work)
    for it in boxes(snap.plan):
        before = snapshot.read(work)
        assert actions.mark(work, [it.line], " " if it.done else None, now=NOW).written
        after = snapshot.read(work)
        assert len(after.lines) == len(before.lines) and after.bom == before.bom
        assert line_endings(before.lines) == line_endings(after.lines)
        fields = {f.line: f for f in before.plan.fields}
        for k in range(len(before.lines)):
            old, new = before.lines.line(k), after.lines.line(k)
            if old != new and k != it.line - 1:
                f = fields.get(k + 1)
                assert f is not None and old[: f.start] == new[: f.start], f"line {k + 1} changed"
        actions.mark(work, [it.line], it.marker, now=NOW)
    assert masked(snapshot.read(work)) == masked(snap)


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_summary_never_fails(path):
    snap, s = load(path.name)
    assert s.tasks.total + s.checks.total == len(snap.plan.items)
    assert 0 <= s.tasks.percent <= 100
    assert all(ph.status in ("not started", "in progress", "done", "blocked") for ph in s.phases)
    assert all(cp.status in ("pending", "ready", "passed") for cp in s.checkpoints)


# --- the traps, one by one ----------------------------------------------------------


def test_the_byte_traps_are_in_the_committed_bytes():
    raw = {p.name: p.read_bytes() for p in FILES}
    assert raw["bom-conductor.md"].startswith(b"\xef\xbb\xbf# ")
    assert raw["crlf-lone-cr.md"].count(b"\r\n") == 18 and raw["crlf-lone-cr.md"].endswith(b"relus\r")
    assert b"\n" not in raw["crlf-no-boxes.md"].replace(b"\r\n", b"")
    with pytest.raises(UnicodeDecodeError):
        raw["invalid-utf8.md"].decode()
    for name in FEATURES["no-final-newline"]:
        assert not raw[name].endswith(b"\n"), name
    assert b"\n\t- [ ]" in raw["tab-indented.md"]


def test_front_matter_closing_dashes_are_no_setext_heading_and_legend_bullets_no_tasks():
    snap, s = load("speckit-front-matter.md")
    assert snap.plan.sections[0].title == "Tasks: Bird Feeder Tracker"
    assert not any(sec.title.startswith("description") for sec in snap.plan.sections)
    assert next(f for f in snap.plan.fields if f.name == "description").value == "Task list for the bird feeder tracker"
    assert snap.lines.line(10).startswith("- [P] tasks")  # the legend: lines 9 to 11
    assert [it.line for it in snap.plan.items] == [15, 16, 24, 28, 29]
    assert [it.id for it in snap.plan.items] == ["T001", "T002", "T003", "T004", "T005"]
    assert "P" in snap.plan.items[1].tags and "US1" in snap.plan.items[2].tags
    assert [c.status for c in s.checkpoints] == ["passed", "pending"]
    assert [(r.label, r.state) for r in snap.plan.status_rows] == [("Phase 1", State.DONE), ("Phase 2", State.IN_PROGRESS)]


def test_hash_lines_in_fences_are_no_headings():
    for name, words in [("legacy-decimal-phases.md", ["Step 2", "Phase 9"]),
                        ("steps-fenced-hashes.md", ["not a heading", "Phase 1: a YAML"]),
                        ("slash-numbered-h2.md", ["Auth", "Parts catalog"]),
                        ("plan with spaces in its name.md", ["my_module.py", "Phase 2"]),
                        ("crlf-no-boxes.md", ["不是標題"])]:
        snap, _ = load(name)
        for w in words:
            assert not any(w in sec.title for sec in snap.plan.sections), (name, w)


def test_decimal_phase_ids_bold_ids_and_a_stated_total_that_drifts():
    snap, s = load("legacy-decimal-phases.md")
    assert [p.number for p in snap.plan.phases] == ["3.1", "3.2", "3.3"]
    assert [s.counts.total for s in s.phases] == [2, 2, 2]
    assert snap.plan.items[0].details  # "- Files: …" under the task
    assert any("Total Tasks says '9'" in w.message for w in s.warnings)


def test_checkbox_items_are_the_phases_and_a_bold_pseudo_heading_groups_gates():
    snap, s = load("phases-as-checkboxes.md")
    backed = [snap.plan.items[ph.item_backed].text for ph in snap.plan.phases]
    assert backed == ["Phase 0: Research complete", "Phase 1: Design complete", "Phase 2: Task planning complete"]
    assert [p.status for p in s.phases] == ["done", "done", "not started"]
    gates = snap.plan.checkpoints[0]
    assert [snap.plan.items[k].text for k in gates.items] == ["Initial review: PASS", "Final review: PASS"]
    assert all(snap.plan.items[k].kind is Kind.CHECK for k in gates.items)


def test_tab_indented_nesting():
    snap, _ = load("tab-indented.md")
    tabbed = [it for it in snap.plan.items if it.source.startswith("\t")]
    assert [it.text for it in tabbed] == ["登录页面", "注册页面", "头像上传", "子任务甲"]
    assert [(it.depth, it.col) for it in tabbed] == [(0, 4), (0, 4), (0, 4), (1, 4)]  # under plain bullets: no box parent
    top = next(it for it in snap.plan.items if it.text == "顶层任务")
    assert tabbed[-1].parent == top.index


def test_invalid_utf8_is_read_and_a_tick_changes_one_byte(copy_to):
    snap, s = load("invalid-utf8.md")
    work = copy_to(snap.path)
    actions.mark(work, [snap.plan.items[0].line], " ", now=NOW, sync=False)
    raw = work.read_bytes()
    diff = [k for k in range(len(raw)) if raw[k] != snap.raw[k]]
    assert len(raw) == len(snap.raw) and len(diff) == 1 and raw[diff[0]] == ord(" ")


def test_status_tables_are_read_beside_the_boxes():
    snap, s = load("emoji-status-table.md")
    assert [(r.label, r.status) for r in snap.plan.status_rows] == [("Phase 1", "⏳"), ("Phase 2", "✅")]
    assert [p.status for p in s.phases] == ["in progress", "done"]


def test_kiro_continuations_and_tilde_markers():
    snap, s = load("kiro-tilde-continuations.md")
    assert s.tasks.skipped == 3  # "[~]" is skipped by default
    first = snap.plan.items[0]
    assert first.id == "1" and not first.children  # its paragraphs are no items
    two = next(it for it in snap.plan.items if it.id == "2")
    assert [snap.plan.items[c].id for c in two.children] == ["2.1", "2.2", "2.3"]
    assert not any(sec.title.startswith("The storage") for sec in snap.plan.sections)


def test_kiro_optional_star_and_checkpoint_tasks():
    snap, s = load("kiro-optional-star.md")
    assert [it.id for it in snap.plan.items if it.optional] == ["1.2", "3.2"]
    assert all(it.source.lstrip().startswith("- [ ]*") for it in snap.plan.items if it.optional)
    check = next(it for it in snap.plan.items if it.kind is Kind.CHECK)
    assert check.id == "2" and check.checkpoint == 0


def test_dash_is_in_progress_by_default_and_skipped_when_configured():
    _, s = load("kiro-dash-marker.md")
    assert s.tasks.in_progress == 1 and s.tasks.done == 2  # [x] and [X]
    _, s = load("dash-means-skip.md")
    assert s.tasks.in_progress == 1 and s.tasks.skipped == 0
    skipping = Settings(MappingProxyType({**DEFAULT_MARKERS, "-": State.SKIPPED}))
    _, s = load("dash-means-skip.md", skipping)
    assert s.tasks.in_progress == 0 and s.tasks.skipped == 1


def test_uppercase_done_marker_is_kept_when_ticking(copy_to):
    work = copy_to(FIXTURES / "emoji-status-table.md")
    actions.mark(work, ["T002"], None, now=NOW)
    assert snapshot.read(work).plan.item_at_line(6).marker == "X"


def test_bom_does_not_hide_the_first_heading_and_survives_a_tick(copy_to):
    snap, s = load("bom-conductor.md")
    assert snap.bom and snap.plan.sections[0].line == 1
    assert snap.plan.items[1].parent == 0  # the nested "- [x] Write the failing test"
    work = copy_to(snap.path)
    actions.mark(work, [snap.plan.items[0].line], " ", now=NOW)
    assert work.read_bytes().startswith(b"\xef\xbb\xbf# Implementation Plan")


def test_sub_phases_nest_under_their_phase():
    snap, s = load("sub-phases.md")
    one_b = next(p for p in snap.plan.phases if p.number == "1b")
    assert snap.plan.phases[one_b.parent].number == "1"
    assert [st.counts.total for st in s.phases] == [1, 3, 2, 1]


def test_fields_as_list_bullets(copy_to):
    snap, s = load("fields-as-bullets.md")
    f, st = next((f, st) for f, st in zip(snap.plan.fields, s.fields) if f.name == "progress")
    assert f.value == "1/3 plans" and st.computed == "1/3 plans" and not st.drift
    work = copy_to(snap.path)
    actions.mark(work, [9], None, now=NOW)
    assert b"- **Progress**: 2/3 plans\n" in work.read_bytes()


def test_details_blocks_hold_items_that_are_phases():
    snap, s = load("details-roadmap.md")
    assert [it.line for it in snap.plan.items] == [8, 9, 13, 14]
    assert [snap.plan.items[p.item_backed].line for p in snap.plan.phases] == [8, 13]
    assert [p.status for p in s.phases] == ["done", "not started"]


def test_boxes_in_tables_fences_comments_and_front_matter_are_not_items():
    for name in ("table-checkboxes.md", "all-boxes-in-nested-fence.md", "headings-as-tasks-p.md", "crlf-no-boxes.md"):
        snap, s = load(name)
        assert not boxes(snap.plan), name  # (their task headings are tasks: tests/test_nonbox_tasks.py)
    snap, _ = load("fenced-and-xml.md")
    assert [it.text for it in snap.plan.items] == ["Push local changes", "Pull remote changes",
                                                   "Two devices show the same notes", "Resolve conflicts by the newest edit"]
    snap, _ = load("fenced-templates.md")
    assert [it.line for it in snap.plan.items] == [7, 8, 20]


def test_crlf_and_a_lone_cr_at_the_end(copy_to):
    snap, s = load("crlf-lone-cr.md")
    assert [st.counts.total for st in s.phases] == [0, 0]  # the boxes sit under other headings
    work = copy_to(snap.path)
    actions.mark(work, [snap.plan.items[-1].line], None, now=NOW)
    raw = work.read_bytes()
    assert raw.count(b"\r\n") == 18 and raw.endswith(b"- [x] Journaux relus\r") and len(raw) == len(snap.raw)


def test_no_final_newline_stays_so(copy_to):
    for name in FEATURES["no-final-newline"]:
        snap, _ = load(name)
        if not snap.plan.items:
            continue
        work = copy_to(snap.path, "plan.md")
        actions.mark(work, [snap.plan.items[-1].line], None, now=NOW)
        assert work.read_bytes()[-1:] == snap.raw[-1:], name


def test_cursor_plan_keeps_duplicates_and_skips_code_reference_fences():
    snap, _ = load("cursor-html-comment.md")
    assert [it.text for it in snap.plan.items] == ["读取差异", "生成评论", "读取差异", "生成评论"]
    assert [it.line for it in snap.plan.items] == [6, 7, 17, 18]


def test_slash_marker_and_phases_under_a_numbered_heading():
    snap, s = load("slash-numbered-h2.md")
    assert s.tasks.in_progress == 1
    assert [p.number for p in snap.plan.phases] == ["1", "2"]


def test_last_updated_placeholder_is_filled_by_a_tick(copy_to):
    snap, s = load("placeholder-last-updated.md")
    assert next(f for f in snap.plan.fields if f.name == "last updated").value == "_____"
    assert not s.drift
    assert [it.depth for it in snap.plan.items] == [0, 1, 2, 0, 0]
    work = copy_to(snap.path)
    actions.mark(work, [11], None, now=NOW)
    text = work.read_bytes().decode()
    assert "**Last Updated:** 2026-11-21\n" in text and "**Commit:** _____" in text


def test_emoji_markers_count_as_other_and_warn():
    _, s = load("emoji-markers.md")
    assert s.tasks.other == 2
    assert any("[✅]" in w.message and "2 items" in w.message for w in s.warnings)


def test_numbered_tasks_beside_a_numbered_list_of_no_tasks():
    snap, _ = load("numbered-tasks.md")
    assert [it.text for it in snap.plan.items] == ["Add the price field to the listing form",
                                                   "Validate the price on save", "Show the price in the list"]


def test_star_bullets_under_dash_parents_nest():
    snap, _ = load("star-bullets.md")
    parents = [it for it in snap.plan.items if it.children]
    assert [p.text for p in parents] == ["Tree", "Table"]
    assert all(snap.plan.items[c].depth == 1 for p in parents for c in p.children)
    assert not any("navigation" in it.text for it in snap.plan.items)


def test_a_per_task_status_field_is_left_alone(copy_to):
    snap, _ = load("status-field-per-task.md")
    work = copy_to(snap.path)
    actions.mark(work, [11], None, now=NOW)
    assert "**狀態**: ✅ **已完成**" in work.read_bytes().decode()


def test_a_file_name_with_spaces_through_the_command_line(tmp_path, copy_to):
    work = copy_to(FIXTURES / "plan with spaces in its name.md")
    run = [sys.executable, "-m", "plantui"]
    out = subprocess.run([*run, "status", str(work)], capture_output=True, text=True)
    assert out.returncode == 0 and "1/2 tasks" in out.stdout
    out = subprocess.run([*run, "tick", str(work), "--line", "7"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert snapshot.read(work).plan.items[0].done


# --- the seeds' shapes ----------------------------------------------------------------


def test_steps_are_phases_with_dependencies_and_a_definition_of_done():
    snap, s = load("shape-steps.md")
    assert [p.dependencies for p in snap.plan.phases] == [(), (0,), (0, 1)]
    assert all(it.kind is Kind.CHECK for it in snap.plan.items)
    assert s.next_task is None


def test_speckit_plan_fields_on_one_line_dependencies_and_gates():
    snap, s = load("shape-speckit-plan.md")
    assert [f.name for f in snap.plan.fields if f.line == 3] == ["branch", "date", "spec"]
    assert snap.plan.phases[1].dependencies == (0,) and s.phases[1].status == "blocked"
    assert [r.label for r in snap.plan.status_rows if r.status == "⬜"] == ["Code Review", "Unit Tests"]


def test_numbered_phase_tasks_priority_titles_and_an_html_status():
    snap, s = load("shape-numbered-phases.md")
    assert [st.counts.total for st in s.phases] == [3, 2]
    assert snap.plan.phases[1].dependencies == (0,)
    assert next(f for f in snap.plan.fields if f.name == "status").value == "pending"


def test_checkpoints_after_phases_fields_and_a_graph(copy_to):
    snap, s = load("shape-checkpoints.md")
    assert [c.after for c in snap.plan.checkpoints] == [(0,), (0, 1)]
    assert [it.id for it in snap.plan.items if it.kind is Kind.TASK] == ["1.1", "1.2", "2.1", "2.2"]
    assert {(e.before, e.after) for e in snap.plan.graph} == {("1.1", "1.2"), ("1.2", "2.1")}
    work = copy_to(snap.path)
    actions.mark(work, ["1.1", "1.2"], None, now=NOW)
    s = summarize(snapshot.read(work).plan, NOW)
    assert [c.status for c in s.checkpoints] == ["ready", "pending"]
    actions.mark(work, [24, 25], None, now=NOW)
    assert summarize(snapshot.read(work).plan, NOW).checkpoints[0].status == "passed"
    text = work.read_bytes().decode()
    assert "**Progress:** 2/4 tasks complete\n**Status:** In Progress\n**Last Updated:** 2026-11-21  \n" in text


def test_gated_plan_phases_without_tasks_and_a_draft_status():
    snap, s = load("shape-gates.md")
    assert all(st.counts.total == 0 for st in s.phases) and s.checks.total == 3
    assert next(f for f in snap.plan.fields if f.name == "status").value == "Draft"


# --- a large plan, generated ----------------------------------------------------------


def test_a_large_plan_with_long_lines_and_status_words_in_headings(tmp_path):
    """Sixty phases of 25 tasks, a gate of two checks after every tenth, a status word in
    every phase heading (which the boxes overrule) and a 1,200-character task line."""
    parts = ["# Living TODO\n\n"]
    for g in range(60):
        parts.append(f"## Phase {g + 1}: sync engine W{g} — {'LANDED' if g % 2 else 'BLOCKED'}\n\n")
        for t in range(25):
            marker = "x" if (g + t) % 3 == 0 else ("~" if t == 24 else " ")
            parts.append(f"- [{marker}] task {g}.{t} " + "a long description of the work " * (40 if t == 0 else 1) + "\n")
        if g % 10 == 9:
            parts.append(f"\n### Gate — W{g} review\n\n- [x] reviewed\n- [ ] signed off\n")
        parts.append("\n")
    path = tmp_path / "TODO.md"
    path.write_bytes("".join(parts).encode())
    snap = snapshot.read(path)
    s = summarize(snap.plan, NOW)
    assert s.tasks.total == 1500 and s.checks.total == 12 and s.checks.done == 6
    assert s.tasks.done == sum((g + t) % 3 == 0 for g in range(60) for t in range(25))
    assert s.tasks.skipped == sum((g + 24) % 3 != 0 for g in range(60))
    assert len(snap.plan.phases) == 60 and all(st.counts.total == 25 for st in s.phases)
    assert len(snap.plan.checkpoints) == 6
    assert all(st.status == "in progress" for st in s.phases)  # "LANDED" and "BLOCKED" are words, the boxes count
    longest = max(snap.plan.items, key=lambda it: len(it.text))
    assert len(longest.text) > 1200
    original = path.read_bytes()
    target = next(it for it in snap.plan.items if it.marker == " " and len(it.text) > 1200)
    actions.mark(path, [target.line], None, now=NOW, sync=False)
    before, after = changed_span(original, path.read_bytes())
    assert (before, after) == (b" ", b"x")


# --- the corpus and seeds have no trap without a fixture ---------------------------------


@pytest.mark.needs_shared
def test_every_trap_of_the_corpus_index_has_a_fixture():
    rows = list(csv.DictReader(INDEX.open(encoding="utf-8"), delimiter="\t"))
    for row in rows:
        for feature in row["auto_features"].split(";"):
            keyword = re.sub(r"\(.*\)$", "", feature.strip())
            if keyword:
                assert keyword in FEATURES, f"{row['filename']}: no fixture for the feature {keyword!r}"
        if row["parser_traps"].strip():
            assert row["filename"][:2] in TRAPS, f"{row['filename']}: no fixture for its trap: {row['parser_traps']}"


@pytest.mark.needs_shared
def test_every_seed_has_a_fixture_of_its_shape():
    seeds = sorted(SEEDS.glob("*.md"))
    assert [int(p.name[:3]) for p in seeds] == sorted(SEED_SHAPES)
