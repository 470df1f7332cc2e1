"""Markdown text in, :class:`~plantui.model.Plan` out.

The structure comes from markdown-it-py's block parser (CommonMark, GFM
tables and task lists), never from line regexes: a ``#`` inside a code fence
is no heading and a ``[ ]`` inside a fence, a table cell, inline code or an
HTML comment is no item.  The text is read in chunks (:mod:`.chunks`), each
chunk's tokens walked into raw pieces (:mod:`.walk`); this module assembles
the plan from them: sections, phases, checkpoints, fields, dependencies.
Regexes (:mod:`.names`) only read *inside* blocks: a heading's title, an
item's first line, a field line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate, chain
from operator import le

from . import fields as fieldlib
from .config import DEFAULT, Settings
from .markdown import Collected, RawHeading, RawItem, Walker, add_tasks, markdown, read_chunks
from .model import (
    Checkpoint,
    Edge,
    Item,
    Kind,
    Phase,
    Plan,
    Section,
)
from .names import (
    AFTER_RE,
    ALL_PHASES_RE,
    GRAPH_ID,
    GRAPH_SPLIT,
    PHASE_RE,
    LazyRe,
    REF_RE,
    SLICE_RE,
    TASK_HEADING_RE,
    clean_inline,
    is_checkpoint_name,
    is_workstream_name,
    may_name_checkpoint,
    name_of,
    phase_item_number,
    phase_number,
    phase_range,
    split_id,
    starts_list,
)
from .lines import Lines

def front_matter_end(lines: Lines) -> int | None:
    """Index of the line closing YAML front matter, when the file opens with it."""
    if len(lines) < 2 or lines.line(0).rstrip() != "---":
        return None
    for k in range(1, min(len(lines), 400)):
        if lines.line(k).rstrip() in ("---", "..."):
            return k
    return None


def parse(text: str, settings: Settings = DEFAULT) -> Plan:
    """Parse decoded plan text (see :func:`plantui.lines.decode`)."""
    lines = Lines.of(text)
    return parse_lines(lines, settings)


def parse_lines(lines: Lines, settings: Settings = DEFAULT) -> Plan:
    """The plan of ``lines``: a full parse (the chunks of a text read a moment ago are
    remembered, see :mod:`plantui.markdown.chunks`)."""
    return build_plan(lines, settings)


def build_plan(lines: Lines, settings: Settings = DEFAULT, *, chunked: bool = True) -> Plan:
    """A full parse, always.  ``chunked=False`` parses the text in one piece
    (the plain approach the benchmark and the tests compare with)."""
    fm_end = front_matter_end(lines)
    body = lines.parts  # read, never changed
    if fm_end is not None:
        body = [""] * (fm_end + 1) + body[fm_end + 1 :]
    if chunked:
        raw = read_chunks(body, settings)
    else:
        walker = Walker(lines, settings)
        walker.walk(markdown().parse("\n".join(body)))
        raw = walker.out
    gate_lines = add_tasks(raw, lines, body)  # a plan without box tasks: its task headings, status lines or task rows
    nlines = len(lines)
    raw_items = raw.items

    sections = _sections(raw.headings, nlines)
    line_section = _line_sections(sections, nlines)  # the innermost section of every line (0-based)
    item_section = [line_section[it.line] for it in raw_items]
    task_heads, task_of = raw.task_headings, raw.task_of  # a heading that is a task is no phase, and its task
    if task_of:  # belongs to the section above it
        item_section = [sec if (h := task_of.get(it.line)) is None else sections[line_section[h]].parent
                        for it, sec in zip(raw_items, item_section)]

    # Checkpoint headings (Checkpoint, Gates, Definition of Done), unless one
    # only groups others ("## Checkpoints" above "### Checkpoint 1").
    named_cp = [s.index for s in sections if is_checkpoint_name(s.title) or s.line - 1 in gate_lines]
    grouping = {a for o in named_cp for a in _ancestors(sections, o)}
    cp_heads = [k for k in named_cp if k not in grouping]
    cp_set = set(cp_heads)
    phase_heads = [s.index for s in sections if PHASE_RE.match(_title_name(s.title)) and s.index not in cp_set]
    # An agent's unnumbered slices ("## Completed slice: Loop scopes", "## Current slice: …"), two or more
    slices = [s.index for s in sections if s.index not in cp_set and SLICE_RE.match(_title_name(s.title))
              and not PHASE_RE.match(_title_name(s.title))]
    if len(slices) >= 2:
        phase_heads = sorted(phase_heads + slices)
    held = _items_held(sections, item_section)
    # Workstreams (P0, EP-…, PR1, Epic 1, Story 1.2, Week 3), outside any phase
    # (inside one, "### P1 — should have" is a group of its tasks; a title,
    # "# Phase 6 PR Plan", holds the whole plan)
    classic = {k for k in phase_heads if sections[k].level > 1}
    work = [s.index for s in sections if s.index not in cp_set and _is_workstream(s.title)
            and not any(a in classic for a in _ancestors(sections, s.index))]
    if sum(1 for k in work if held[k]) >= 2 and _hold_most(sections, work, held, len(raw_items)):
        phase_heads = sorted(phase_heads + work)  # two or more that group the tasks (one alone is a title)
    if not phase_heads:
        phase_heads = [s.index for s in sections if TASK_HEADING_RE.match(_title_name(s.title)) and s.index not in cp_set
                       and s.line - 1 not in task_heads]
    phase_heads = _without_phantoms(sections, phase_heads, held)

    # The checkpoint heading that holds each item: the nearest checkpoint or
    # phase heading at or above its section, when that is a checkpoint.
    owner_marks: dict[int, int | None] = dict.fromkeys(phase_heads)
    owner_marks.update((sec, sec) for sec in cp_heads)
    section_cp = _nearest_marks(sections, owner_marks)
    item_cp_head = [None if sec is None else section_cp[sec] for sec in item_section]

    children: dict[int, list[int]] = {}
    for k, it in enumerate(raw_items):
        if it.parent is not None:
            children.setdefault(it.parent, []).append(k)

    # Bold-label checkpoints ("**Checkpoint**:") own the list right after them.
    label_items = _label_lists(raw, lines, sections)
    label_of_item = {k: li for li, ks in label_items.items() for k in ks}

    check, task = Kind.CHECK, Kind.TASK  # (an enum member's lookup is slow: once, not once per item)
    kinds = [
        check if k in label_of_item or item_cp_head[k] is not None
        or (k not in children and _names_checkpoint(it.text))  # Kiro's "- [ ] 5. Checkpoint - Ensure all tests pass"
        else task
        for k, it in enumerate(raw_items)
    ]

    # Phases -----------------------------------------------------------------
    phases: list[Phase] = []
    phase_of_item: list[int | None] = [None] * len(raw_items)
    section_phase: dict[int, int] = {}
    if phase_heads:
        order = {sec: n for n, sec in enumerate(phase_heads)}
        chains = _phase_chains(sections, order)
        members: list[list[int]] = [[] for _ in phase_heads]
        for k, sec in enumerate(item_section):
            chain = chains[sec] if sec is not None else ()
            if chain:
                phase_of_item[k] = chain[0]
                if kinds[k] is task:
                    for n in chain:
                        members[n].append(k)
        for sec, n in order.items():
            s = sections[sec]
            above = chains[s.parent] if s.parent is not None else ()
            parent_phase = above[0] if above else None
            phases.append(Phase(n, s.line, s.title, _title_number(s.title), tuple(members[n]), parent=parent_phase))
            section_phase[sec] = n
    else:
        phases = _grouped_phases(sections, raw_items, kinds, item_section)
        for ph in phases:
            for k in ph.items:
                phase_of_item[k] = ph.index
            if ph.item_backed is None:
                sec = next(s.index for s in sections if s.line == ph.line)
                section_phase[sec] = ph.index

    # Optional items (Kiro's "- [ ]* 1.1") never hold their phases open: each phase knows its own.
    optional = {k for k, it in enumerate(raw_items) if it.optional}
    if optional:
        for ph in list(phases):
            mine = tuple(k for k in ph.items if k in optional)
            if mine:
                phases[ph.index] = replace(ph, optional=mine)

    # Item-backed phases: "- [x] Phase 0: Research complete" stands for an empty "## Phase 0".
    backing: dict[str, int] | None = None
    for ph in list(phases):
        if ph.items or ph.item_backed is not None or ph.number is None:
            continue
        if backing is None:
            backing = _phase_items(raw_items)
        if ph.number in backing:
            phases[ph.index] = replace(ph, item_backed=backing[ph.number])

    section_phase_at = _nearest_marks(sections, section_phase)

    def phase_at(line1: int) -> int | None:
        sec = line_section[line1 - 1] if 0 < line1 <= nlines else None
        return section_phase_at[sec] if sec is not None else None

    # Checkpoints ---------------------------------------------------------------
    entries: list[tuple[int, str, tuple[int, ...]]] = []  # (line, title, checks)
    cp_members: dict[int, list[int]] = {sec: [] for sec in cp_heads}
    for k, kind in enumerate(kinds):
        if kind is check and k not in label_of_item:
            head = item_cp_head[k]
            if head is not None:
                cp_members[head].append(k)
            else:
                entries.append((raw_items[k].line + 1, split_id(raw_items[k].text)[2], (k,)))
    for sec in cp_heads:
        entries.append((sections[sec].line, sections[sec].title, tuple(cp_members[sec])))
    for li, label in enumerate(raw.labels):
        entries.append((label.line + 1, label.title, tuple(label_items[li])))
    entries.sort()
    top = _TopPhases(phases)
    checkpoints: list[Checkpoint] = []
    checkpoint_of: list[int | None] = [None] * len(raw_items)
    prev_line = 0
    for line1, title, checks in entries:
        after = _checkpoint_after(title, line1, prev_line, phases, top, phase_at(line1))
        cp = Checkpoint(len(checkpoints), line1, title, checks, after)
        checkpoints.append(cp)
        for k in checks:
            checkpoint_of[k] = cp.index
        prev_line = line1

    # Fields ------------------------------------------------------------------
    item_lines = {it.line for it in raw_items}  # "- [x] **01-03**: …" is a task, not a field
    found = fieldlib.find_fields(lines, [k for k in raw.field_lines if k not in item_lines], raw.comment_lines, fm_end,
                                 frozenset(item_lines))
    def field_phase(line1: int, key: str) -> int | None:
        """A field belongs to its phase when it stands before the phase's last task
        or says so ("**Phase Progress**:"); one after it (a footer below the last
        phase) speaks for the whole plan."""
        ph = phase_at(line1)
        if (ph is not None and phases[ph].items and line1 > raw_items[phases[ph].items[-1]].line + 1
                and not key.lower().startswith("phase ")):
            return None
        return ph

    fields = [replace(f, phase=field_phase(f.line, f.key)) for f in found
              if not is_checkpoint_name(f.key) and not _task_section(sections, line_section, section_phase, f.line)]

    # Phase dependencies, from their "Dependencies" fields.
    by_number: dict[str, int] = {}
    for ph in phases:
        if ph.number is not None:
            by_number.setdefault(ph.number, ph.index)
    for f in fields:
        if f.phase is not None and f.name in fieldlib.DEPENDENCY_NAMES:
            deps = _phase_refs(f.value, by_number, exclude=f.phase)
            ph = phases[f.phase]
            phases[f.phase] = replace(ph, dependencies=tuple(dict.fromkeys(ph.dependencies + tuple(deps))))

    items = _items(raw_items, kinds, children, item_section, phase_of_item, checkpoint_of)

    cp_by_line = {c.line: c.index for c in checkpoints}
    sections = [_placed(s, section_phase.get(s.index), cp_by_line.get(s.line)) for s in sections]

    plan = Plan(
        title=_plan_title(sections),
        items=items,
        sections=tuple(sections),
        phases=tuple(phases),
        checkpoints=tuple(checkpoints),
        fields=tuple(fields),
        status_rows=tuple(raw.status_rows),
        graph=_graph(lines, raw.code_lines, raw.field_lines),
        warnings=tuple(sorted(raw.warnings, key=lambda w: w.line or 0)),
    )
    return plan


def _sections(headings: list[RawHeading], nlines: int) -> list[Section]:
    """Sections from headings, each running to the next heading of its level or above."""
    heads = sorted(headings, key=lambda h: h.line)
    parents: list[int | None] = [None] * len(heads)
    ends = [nlines] * len(heads)
    open_: list[int] = []
    for k, h in enumerate(heads):
        while open_ and heads[open_[-1]].level >= h.level:
            ends[open_.pop()] = h.line  # the line before this heading, 1-based
        parents[k] = open_[-1] if open_ else None
        open_.append(k)
    return [Section(k, h.line + 1, h.level, _clean_title(h.title), parents[k], ends[k]) for k, h in enumerate(heads)]


def _line_sections(sections: list[Section], nlines: int) -> list[int | None]:
    """The innermost section of every line (0-based)."""
    line_section: list[int | None] = [None] * nlines
    for s in sections:
        a, b = s.line - 1, min(s.end_line, nlines)
        if b > a:
            line_section[a:b] = [s.index] * (b - a)
    return line_section


def _nearest_marks(sections: list[Section], marks: dict[int, int | None]) -> list[int | None]:
    """For each section, the mark of the nearest marked section at or above it (None without one).
    A section's parent comes before it, so one pass in order does."""
    out: list[int | None] = []
    for s in sections:
        if s.index in marks:
            out.append(marks[s.index])
        else:
            out.append(out[s.parent] if s.parent is not None else None)
    return out


def _phase_chains(sections: list[Section], order: dict[int, int]) -> list[tuple[int, ...]]:
    """For each section, the phases (``order``: phase of a heading) of the phase
    headings at and above it, innermost first."""
    out: list[tuple[int, ...]] = []
    for s in sections:
        above = out[s.parent] if s.parent is not None else ()
        out.append((order[s.index], *above) if s.index in order else above)
    return out


# Re-parses meet the same headings and items again: what is read from their
# words is remembered (as split_id is).
_clean_title = lru_cache(maxsize=1 << 15)(clean_inline)
_title_name = lru_cache(maxsize=1 << 15)(name_of)
_title_number = lru_cache(maxsize=1 << 15)(phase_number)
_is_workstream = lru_cache(maxsize=1 << 15)(is_workstream_name)
_title_range = lru_cache(maxsize=1 << 15)(phase_range)


def _items_held(sections: list[Section], item_section: list[int | None]) -> list[int]:
    """How many items each section holds, its subsections' included."""
    held = [0] * len(sections)
    for sec, n in Counter(item_section).items():  # counted in C: a big plan has 100,000 items
        if sec is not None:
            held[sec] = n
    for s in reversed(sections):  # a parent comes before its subsections
        if s.parent is not None:
            held[s.parent] += held[s.index]
    return held


def _hold_most(sections: list[Section], heads: list[int], held: list[int], total: int) -> bool:
    """Whether the sections of ``heads`` (``held``: the items each section holds)
    hold at least half of the ``total`` items."""
    heads_set = set(heads)
    outer = [h for h in heads if not any(a in heads_set for a in _ancestors(sections, h))]
    inside = sum(held[h] for h in outer)
    return inside > 0 and 2 * inside >= total


def _without_phantoms(sections: list[Section], heads: list[int], held: list[int]) -> list[int]:
    """Phase headings less those that only mention a phase: a heading inside
    Phase N that names Phase N again ("Phase 7 Tasks", "✅ Phase 1 Verification"
    belong to Phase 7 and 1); an empty one that repeats the number of a phase
    named before it or holding items (a summary's "Phase 14: …" below the real
    one, "Phase 1 internals"); an empty one inside a summary, statistics or
    review section; one naming a range of phases ("Phase 13-24: Summary",
    "Phase 2-6 in parallel") that has phases of its own."""
    if len(heads) < 2:
        return heads
    number = {h: _title_number(sections[h].title) for h in heads}
    holding = {number[h] for h in heads if held[h] and number[h] is not None}
    numbers = set(number.values())
    head_set = set(heads)
    seen: set[str] = set()  # the numbers of the phases kept so far
    out = []
    for h in heads:
        num = number[h]
        p = sections[h].parent
        nested_again = False
        while p is not None:
            if p in head_set and num is not None and number[p] == num:
                nested_again = True
                break
            p = sections[p].parent
        if nested_again:
            continue
        span = _title_range(sections[h].title)
        if span is not None and any(n in numbers for n in span):
            continue  # "Phase 2-6 can run in parallel": about phases 2 to 6
        if not held[h]:
            if num is not None and (num in holding or num in seen):
                continue  # an empty repeat of a phase named before or holding items
            if _in_summary(sections, h):
                continue  # "## Statistics" → "### Phase 2: API": a line of a summary
        if num is not None:
            seen.add(num)
        out.append(h)
    return out


_SUMMARY_RE = LazyRe(r"summary|statistics|\bstats\b|totals|metrics|retrospective|recap|review|changelog|"
                         r"history|overview of phases|progress tracking", re.I)


def _in_summary(sections: list[Section], k: int) -> bool:
    """Whether section ``k`` lies inside a summary, statistics or review section."""
    p = sections[k].parent
    while p is not None:
        if _SUMMARY_RE.search(sections[p].title):
            return True
        p = sections[p].parent
    return False


@lru_cache(maxsize=1 << 17)
def _names_checkpoint(text: str) -> bool:
    """Whether an item's text, its id and tags aside, names a checkpoint."""
    if text.isascii() and not may_name_checkpoint(text):
        return False  # (most items; what split_id takes off cannot make a checkpoint's word)
    return is_checkpoint_name(split_id(text)[2])


def _phase_items(raw_items: list[RawItem]) -> dict[str, int]:
    """The item that stands for each phase number: the one named for it ("- [x] Phase 0:
    Research complete", an ExecPlan's "- [x] (2025-10-01 13:00Z) Milestone 1: …");
    of several named for one phase, the last (a progress log's latest word on it).
    Never chosen by state: a tick changes no structure (see :mod:`plantui.incremental`)."""
    out: dict[str, int] = {}
    for k, it in enumerate(raw_items):
        num = phase_item_number(split_id(it.text)[2])
        if num is not None:
            out[num] = k
    return out


_TM_ID_RE = re.compile(r"^task\s+id\s*:", re.I)
_TM_TITLE_RE = re.compile(r"^title\s*:\s*(?P<title>\S.*)", re.I)


def _plan_title(sections: list[Section]) -> str:
    """The first level-1 heading (or the first heading); in Task Master's generated
    ``task_007.md`` (``# Task ID: 7`` then ``# Title: …``), the title's value."""
    tops = [s for s in sections if s.level == 1]
    if not tops:
        return sections[0].title if sections else ""
    if _TM_ID_RE.match(tops[0].title):
        m = next((m for s in tops[1:3] if (m := _TM_TITLE_RE.match(s.title))), None)
        if m:
            return m["title"].strip()
    return tops[0].title


def _items(raw_items, kinds, children, item_section, phase_of_item, checkpoint_of) -> tuple[Item, ...]:
    """The plan's items, from the raw ones and what was worked out for each."""
    out = []
    for k, (it, kind, sec, phase, checkpoint) in enumerate(zip(raw_items, kinds, item_section, phase_of_item, checkpoint_of)):
        ident, tags, title = split_id(it.text)
        kids = children.get(k)
        out.append(Item(k, it.line + 1, it.col, it.marker, it.state, kind, ident, title, it.source, it.depth, it.parent,
                        tuple(kids) if kids else (), tags, it.optional,
                        tuple(filter(None, it.details)) if it.details else (), it.text_lines, sec, phase, checkpoint,
                        it.spelling))
    return tuple(out)


def _task_section(sections: list[Section], line_section: list[int | None], section_phase: dict[int, int],
                  line1: int) -> bool:
    """Whether line ``line1`` stands under a task's own heading ("### Task 1.1: …", no
    phase): its fields (``- **Status**: completed``) are the task's, not the plan's."""
    sec = line_section[line1 - 1] if 0 < line1 <= len(line_section) else None
    return (sec is not None and sec not in section_phase
            and bool(TASK_HEADING_RE.match(_title_name(sections[sec].title))))


def _placed(s: Section, phase: int | None, checkpoint: int | None) -> Section:
    """``s`` (made without them) with the phase and checkpoint it opens."""
    if phase is None and checkpoint is None:
        return s
    return replace(s, phase=phase, checkpoint=checkpoint)


def _ancestors(sections: list[Section], k: int) -> list[int]:
    out = []
    p = sections[k].parent
    while p is not None:
        out.append(p)
        p = sections[p].parent
    return out


def _label_lists(raw: Collected, lines: Lines, sections: list[Section]) -> dict[int, list[int]]:
    """The items of the list that directly follows each bold checkpoint label."""
    out: dict[int, list[int]] = {}
    heading_lines = [s.line - 1 for s in sections]  # in order
    label_lines = [label.line for label in raw.labels]
    # The first label after line x, in list order, is label_lines[j] for the
    # first j whose running maximum passes x.
    reach = list(accumulate(label_lines, max))
    items: _ItemLines | None = None
    nlines = len(lines)
    for li, label in enumerate(raw.labels):
        k = label.line + 1
        while k < nlines and lines.line(k).strip() and not starts_list(lines.line(k)):
            k += 1
        while k < nlines and not lines.line(k).strip():
            k += 1
        group: list[int] = []
        if k < nlines and starts_list(lines.line(k)):
            h = bisect_right(heading_lines, label.line)
            bound = min(heading_lines[h], nlines) if h < len(heading_lines) else nlines
            j = bisect_right(reach, label.line)
            if j < len(reach):
                bound = min(bound, label_lines[j])
            # the list runs while lines are list lines, continuations or blank
            end = k
            while end < bound:
                text = lines.line(end)
                if text.strip() and not (starts_list(text) or text[:1] in " \t>"):
                    break
                end += 1
            if items is None:
                items = _ItemLines(raw.items)
            group = items.between(k, end)
        out[li] = group
    return out


class _ItemLines:
    """The items on a range of lines, found by bisection: items come in document
    order (checked, not assumed)."""

    def __init__(self, raw_items: list[RawItem]) -> None:
        self.lines = [it.line for it in raw_items]
        self.in_order = all(map(le, self.lines, self.lines[1:]))

    def between(self, low: int, high: int) -> list[int]:
        """The indexes of the items on lines ``low`` to ``high`` (exclusive)."""
        if self.in_order:
            return list(range(bisect_left(self.lines, low), bisect_left(self.lines, high)))
        return [n for n, line in enumerate(self.lines) if low <= line < high]


def _grouped_phases(sections, raw_items, kinds, item_section) -> list[Phase]:
    """Phases for a plan without Phase headings.

    The heading level that groups its tasks, where two or more headings at
    one level hold tasks; failing that (Kiro), top-level tasks with subtasks.
    """
    task_ids = [k for k in range(len(raw_items)) if kinds[k] is Kind.TASK]
    if not task_ids:
        return []
    by_level: dict[int, dict[int, list[int]]] = {}
    for k in task_ids:
        sec = item_section[k]
        while sec is not None:
            s = sections[sec]
            by_level.setdefault(s.level, {}).setdefault(sec, []).append(k)
            sec = s.parent
    for level in sorted(by_level):
        groups = by_level[level]
        if len(groups) >= 2:
            return [
                Phase(n, sections[sec].line, sections[sec].title, None, tuple(members))
                for n, (sec, members) in enumerate(sorted(groups.items()))
            ]
    # Kiro: top-level tasks that have subtasks.
    top_of: dict[int, int] = {}  # each task's top-level ancestor
    for c in task_ids:
        p = c
        while raw_items[p].parent is not None:
            p = raw_items[p].parent
        if p != c:
            top_of[c] = p
    grouped: dict[int, list[int]] = {}
    for c, p in top_of.items():
        grouped.setdefault(p, []).append(c)
    parents = [k for k in task_ids if raw_items[k].parent is None and k in grouped]
    if parents:
        phases = []
        for k in parents:
            members = tuple(sorted(grouped[k]))
            ident, _, text = split_id(raw_items[k].text)
            phases.append(Phase(len(phases), raw_items[k].line + 1, f"{ident} {text}" if ident else text, ident, members, item_backed=k))
        return phases
    return []


def _phase_refs(text: str, by_number: dict[str, int], exclude: int | None = None) -> list[int]:
    """Phase indexes named in ``Phase 1``, ``Steps 4, 5``, ``Phases 1-3`` (``by_number``:
    each phase number's first phase)."""
    wanted: list[str] = []
    for m in REF_RE.finditer(text):
        chunk = m.group(1)
        for a, b in re.findall(r"(\d+)\s*(?:-|–|to)\s*(\d+)", chunk):
            wanted.extend(str(x) for x in range(int(a), int(b) + 1))
        wanted.extend(x.lower() for x in re.findall(r"\d+(?:\.\d+)*[a-z]?", chunk))
    out = []
    for w in wanted:
        if w in by_number and by_number[w] != exclude and by_number[w] not in out:
            out.append(by_number[w])
    return out


class _TopPhases:
    """The phases no other phase holds, in document order, found by line."""

    def __init__(self, phases: list[Phase]) -> None:
        top = [ph for ph in phases if ph.parent is None]
        self.lines = [ph.line for ph in top]
        self.indexes = tuple(ph.index for ph in top)
        self.position = {index: n for n, index in enumerate(self.indexes)}
        self.first_numbered: dict[str, Phase] = {}
        for ph in phases:
            if ph.number is not None:
                self.first_numbered.setdefault(ph.number, ph)

    def before(self, line1: int, *, inclusive: bool = False) -> tuple[int, ...]:
        """Those that start before ``line1`` (or on it)."""
        return self.indexes[: (bisect_right if inclusive else bisect_left)(self.lines, line1)]

    def between(self, low: int, high: int, also: int | None = None) -> tuple[int, ...]:
        """Those that start after line ``low`` and before line ``high``, and ``also`` (one of them)."""
        i, j = bisect_right(self.lines, low), bisect_left(self.lines, high)
        at = self.position.get(also) if also is not None else None
        if at is None or i <= at < j:
            return self.indexes[i:j]
        if at < i:
            return (also, *self.indexes[i:j])
        return (*self.indexes[i:j], also)


def _checkpoint_after(title, line1, prev_line, phases, top: _TopPhases, holder) -> tuple[int, ...]:
    """The phases a checkpoint follows.

    "After Phase 2": every phase up to Phase 2.  "Before Completion", a
    Definition of Done: every phase before it.  Otherwise the phases since
    the previous checkpoint, the one it stands in included.
    """
    m = AFTER_RE.search(title)
    if m:
        hit = top.first_numbered.get(m.group("num").rstrip("+").lower())
        if hit is not None:
            return top.before(hit.line, inclusive=True) or (hit.index,)
    if ALL_PHASES_RE.search(title):
        return top.before(line1) or top.indexes
    if holder is not None:
        while phases[holder].parent is not None:
            holder = phases[holder].parent
    since = top.between(prev_line, line1, also=holder)
    return since or top.before(line1)


def has_arrow(text: str) -> bool:
    return "→" in text or "->" in text or "⟶" in text


def _graph(lines: Lines, code_lines: list[int], para_lines: list[int]) -> tuple[Edge, ...]:
    if not has_arrow(lines.text):
        return ()  # no graph: most plans, told without visiting their lines
    edges: list[Edge] = []
    seen = set()
    texts = lines.parts
    # (the lines with an arrow picked out first, in Python: a set of every
    # paragraph line of a big plan, made in one C call, held the UI thread)
    arrowed = {k for k in chain(code_lines, para_lines) if has_arrow(texts[k])}
    for k in sorted(arrowed):
        text = texts[k]
        parts = GRAPH_SPLIT.split(text.strip().strip("`*"))
        groups = []
        for part in parts:
            ids = [t for t in re.split(r"[\s,/]+", clean_inline(part)) if GRAPH_ID.match(t)]
            groups.append(ids)
        for a, b in zip(groups, groups[1:]):
            for x in a:
                for y in b:
                    if (x, y) not in seen:
                        seen.add((x, y))
                        edges.append(Edge(x, y, k + 1))
    return tuple(edges)
