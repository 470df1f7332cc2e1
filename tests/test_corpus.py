"""Forty real plans, byte for byte: parse, count, and edit them without harm."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import datetime

import pytest
from conftest import CORPUS, HAVE_SHARED, INDEX, corpus_files
from markdown_it import MarkdownIt

from plantui import actions, snapshot
from plantui.edits import set_markers
from plantui.progress import summarize
from plantui.lines import Lines, encode, splice

NOW = datetime(2026, 11, 21, 14, 2)
FILES = corpus_files()
ROWS = {r["filename"]: r for r in csv.DictReader(INDEX.open(encoding="utf-8"), delimiter="\t")} if HAVE_SHARED else {}
pytestmark = pytest.mark.needs_shared
_REFERENCE = MarkdownIt("commonmark", {"tasklists": True}).enable("table")


def ids(paths):
    return [p.name[:2] for p in paths]


def test_the_corpus_is_all_here():
    assert len(FILES) == 40
    assert set(ROWS) == {p.name for p in FILES}


def reference(lines: Lines):
    """markdown-it-py's own task-list parse, and the line ranges of code, HTML and tables."""
    tokens = _REFERENCE.parse("\n".join(lines.parts))
    boxes = {t.map[0] + 1: t.meta["checked"] for t in tokens if t.type == "list_item_open" and "checked" in (t.meta or {})}
    blocked = set()
    html = set()
    for t in tokens:
        if t.type in ("fence", "code_block", "table_open") and t.map:
            blocked.update(range(t.map[0] + 1, t.map[1] + 1))
        if t.type == "html_block" and t.map:
            rng = range(t.map[0] + 1, t.map[1] + 1)
            html.update(rng)
            if t.content.lstrip().startswith("<!--"):
                blocked.update(rng)
    return boxes, blocked, html


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_items_match_markdown_it_plus_extra_markers(path):
    snap = snapshot.read(path)
    boxes, blocked, html = reference(snap.lines)
    items = {it.line: it for it in box_items(snap.plan)}
    assert len(items) == len(box_items(snap.plan)), "one item per line"
    # every box markdown-it finds is an item, in the same state
    for line, checked in boxes.items():
        assert line in items, f"line {line}: markdown-it sees a task, plantui does not"
        assert items[line].done is checked
    # plantui's extra items are the extra markers ([-] [/] [~] [✅] …), Kiro's "[ ]*",
    # or boxes inside a <details> block that markdown-it leaves as raw HTML
    for line, it in items.items():
        if line not in boxes:
            assert it.marker not in (" ", "x", "X") or it.optional or line in html, f"line {line}"
        assert line not in blocked, f"line {line} is inside code, a table or an HTML comment"


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_counts_agree_with_the_index(path):
    row = ROWS[path.name]
    snap = snapshot.read(path)
    expected = {m: int(n) for m, n in re.findall(r"\[(.)\]x(\d+)", row["markers"]) if m != "P"}
    found: dict[str, int] = {}
    for it in box_items(snap.plan):
        found[it.marker] = found.get(it.marker, 0) + 1
    if path.name.startswith("53_"):
        # the index scanner counts one-code-point markers; "[⚠️]" is a symbol plus
        # its emoji selector, and plantui keeps it as an item of state "other"
        assert found.pop("⚠\ufe0f") == 1
    assert found == expected
    # [P] at the start of a list item is Spec Kit's parallel tag, never a box
    assert not any(it.marker == "P" for it in snap.plan.items)


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_every_item_round_trips_and_changes_only_its_marker(path):
    snap = snapshot.read(path)
    text, lines, plan = snap.text, snap.lines, snap.plan
    for it in box_items(plan):
        target = " " if it.done else "x"
        once = set_markers(lines, plan, [(it, target)], sync=False)
        assert once.changed
        # exactly the marker, at its place, and nothing else
        at = lines.offset(it.line - 1, it.col)
        assert text[at : at + len(it.marker)] == it.marker
        assert once.text == text[:at] + target + text[at + len(it.marker) :]
        back_lines = Lines.of(once.text)
        ticked = replace(it, marker=target, source=back_lines.line(it.line - 1))
        back_plan = replace(plan, items=plan.items[: it.index] + (ticked,) + plan.items[it.index + 1 :])
        back = set_markers(back_lines, back_plan, [(ticked, it.marker)], sync=False)
        assert encode(back.text, snap.bom) == snap.raw


def box_items(plan):
    """The items that are boxes (tasks read from headings, status lines and rows: tests/test_nonbox_tasks.py)."""
    return [it for it in plan.items if it.spelling is None]


def _derived_spans(lines: Lines, plan):
    return {(f.line, f.start, f.end) for f in plan.fields}


def line_endings(lines) -> list[str]:
    """Each line's ending as written (CRLF, LF, CR), in order."""
    return [lines.text[s + len(part) : nxt] for s, part, nxt in zip(lines.starts, lines.parts, lines.starts[1:])]


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_a_synced_tick_touches_only_the_marker_and_existing_field_values(path, copy_to):
    """Through the disk: a tick with field sync, then the reverse, on a sample of items."""
    work = copy_to(path, "plan.md")
    snap = snapshot.read(work)
    items = box_items(snap.plan)
    sample = list(items[:2]) + list(items[len(items) // 2 : len(items) // 2 + 1]) + list(items[-1:])
    for it in dict.fromkeys(sample):
        before = snapshot.read(work)
        marker = " " if it.done else None
        result = actions.mark(work, [it.line], marker, now=NOW)
        assert result.written
        after = snapshot.read(work)
        assert len(after.lines) == len(before.lines), "no line added or removed"
        fields = {f.line: f for f in before.plan.fields}
        for k in range(len(before.lines)):
            old, new = before.lines.line(k), after.lines.line(k)
            if old == new:
                continue
            if k == it.line - 1:
                assert old[: it.col] == new[: it.col]
                continue
            f = fields.get(k + 1)
            assert f is not None, f"line {k + 1} changed and holds no field"
            assert old[: f.start] == new[: f.start], f"line {k + 1}: bytes before the field value changed"
        # line endings, BOM and everything else: encode both without field values
        assert after.bom == before.bom
        assert line_endings(before.lines) == line_endings(after.lines)
        # and the reverse restores every byte but the derived field values
        actions.mark(work, [it.line], it.marker, now=NOW)
    # every byte is back but the derived field values ("COMPLETED" may come back as
    # "COMPLETE": a word the file no longer holds cannot be remembered)
    assert masked(snapshot.read(work)) == masked(snap)


def masked(snap) -> str:
    """The text with every derived field's value blanked out."""
    spans = [(snap.lines.offset(f.line - 1, f.start), snap.lines.offset(f.line - 1, f.end), "") for f in snap.plan.fields]
    return splice(snap.text, spans)


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_summary_never_fails(path):
    snap = snapshot.read(path)
    s = summarize(snap.plan, NOW)
    assert s.tasks.total + s.checks.total == len(snap.plan.items)
    assert 0 <= s.tasks.percent <= 100
    for ph in s.phases:
        assert ph.status in ("not started", "in progress", "done", "blocked")
    for cp in s.checkpoints:
        assert cp.status in ("pending", "ready", "passed")


# --- the traps the index names --------------------------------------------------


def plan_of(prefix):
    path = next(CORPUS.glob(f"{prefix}_*.md"))
    snap = snapshot.read(path)
    return snap, summarize(snap.plan, NOW)


def test_front_matter_closing_dashes_are_no_setext_heading():
    snap, _ = plan_of("01")
    assert snap.plan.title == "Tasks: To Do App"
    assert not any(s.title.startswith("description") for s in snap.plan.sections)
    assert any(f.name == "description" for f in snap.plan.fields)


def test_bom_does_not_hide_the_first_heading():
    snap, s = plan_of("21")
    assert snap.bom
    assert snap.plan.title == "Implementation Plan: GitHub Update Checker"
    assert snap.plan.sections[0].line == 1
    assert s.tasks.total == 22 and s.tasks.done == 22


def test_hash_lines_in_fences_are_no_phases():
    snap, _ = plan_of("49")
    assert not any("Local frontend development" in p.title for p in snap.plan.phases)
    snap, _ = plan_of("37")
    assert not any(s.title in ("Auth", "Parts catalog") for s in snap.plan.sections)


def test_boxes_in_fences_and_tables_are_not_items():
    assert not box_items(plan_of("58")[0].plan)  # (its TASK-701 headings are its tasks)
    assert plan_of("27")[1].tasks.total == 0
    assert plan_of("42")[1].tasks.total == 13
    assert plan_of("28")[1].tasks.total == 10


def test_crlf_and_a_lone_cr_at_the_end(copy_to):
    snap, s = plan_of("54")
    assert s.tasks.total == 8
    assert snap.raw.count(b"\r\n") == 146
    work = copy_to(snap.path)
    first = snap.plan.items[0]
    actions.mark(work, [first.line], None, now=NOW)
    raw = work.read_bytes()
    assert raw.count(b"\r\n") == 146 and raw.endswith(snap.raw[-20:])
    assert len(raw) == len(snap.raw)


def test_invalid_utf8_is_read_and_its_bytes_kept(copy_to):
    snap, s = plan_of("08")
    assert s.tasks.total == 51 and s.tasks.done == 51
    work = copy_to(snap.path)
    actions.mark(work, [snap.plan.items[5].line], " ", now=NOW, sync=False)
    raw = work.read_bytes()
    diff = [k for k in range(len(raw)) if raw[k] != snap.raw[k]]
    assert len(raw) == len(snap.raw) and len(diff) == 1
    assert raw[diff[0] : diff[0] + 1] == b" "


def test_uppercase_done_marker_is_kept_when_ticking(copy_to):
    snap, s = plan_of("09")
    assert s.tasks.done == 133
    work = copy_to(snap.path)
    open_item = next(it for it in snap.plan.items if not it.done)
    actions.mark(work, [open_item.line], None, now=NOW)
    assert snapshot.read(work).plan.item_at_line(open_item.line).marker == "X"


def test_kiro_optional_star_and_dash_markers():
    snap, s = plan_of("18")
    optional = [it for it in snap.plan.items if it.optional]
    assert optional and all(it.source.lstrip().startswith("- [ ]*") for it in optional)
    snap, s = plan_of("20")
    assert [it.marker for it in snap.plan.items].count("-") == 1
    assert s.tasks.in_progress == 1


def test_tilde_is_skipped_by_default_and_unknown_markers_warn():
    _, s = plan_of("16")
    assert s.tasks.skipped == 5
    _, s = plan_of("53")
    assert s.tasks.other == 40
    assert any("[✅]" in w.message and "39 items" in w.message for w in s.warnings)


def test_details_blocks_hold_items():
    snap, s = plan_of("25")
    assert s.tasks.total == 84


def test_tab_indented_nesting():
    snap, _ = plan_of("07")
    assert len(snap.plan.items) == 50
    tabbed = [it for it in snap.plan.items if it.source.startswith("\t")]
    assert len(tabbed) == 21  # under plain "- AUTH/PROFILE" bullets: boxes, no box parent
    assert all(it.depth == 0 and it.col == 4 for it in tabbed)


def test_star_bullets_under_dash_parents_nest():
    snap, s = plan_of("48")
    assert s.tasks.total == 60
    parents = [it for it in snap.plan.items if it.children]
    assert parents and all(snap.plan.items[c].depth == 1 for p in parents for c in p.children)
    assert any("is ticked but" in w.message for w in s.warnings)  # the file's own disagreements


def test_headings_without_phase_names_group_tasks():
    snap, _ = plan_of("14")
    assert len(snap.plan.phases) == 18  # the "## 追加作業: …" sections


def test_decimal_and_lettered_phases():
    snap, _ = plan_of("03")
    assert [p.number for p in snap.plan.phases][:3] == ["3.1", "3.2", "3.3"]
    snap, _ = plan_of("23")
    two_b = next(p for p in snap.plan.phases if p.number == "2b")
    assert snap.plan.phases[two_b.parent].number == "2"


def test_spec_kit_checkpoint_lines():
    snap, s = plan_of("01")
    assert len(snap.plan.checkpoints) >= 18
    first = snap.plan.checkpoints[0]
    assert first.title.startswith("Checkpoint: Foundation ready")
    assert s.checkpoints[0].status == "passed"


def test_stated_total_drift_is_a_warning():
    _, s = plan_of("03")
    assert any("Total Tasks says '40'" in w.message for w in s.warnings)


def test_progress_field_as_a_list_bullet():
    snap, s = plan_of("24")
    f, st = next((f, st) for f, st in zip(snap.plan.fields, s.fields) if f.name == "progress")
    assert f.value == "3/3 plans" and st.computed == "3/3 plans" and not st.drift
