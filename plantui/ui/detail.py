"""What the task detail view shows of one task, worked out from the model.  Pure: no Textual.

:func:`task_detail` gathers everything the plan knows about a task (its whole
text, sub-bullets, requirements, tags, id, line, state, where it sits, what it
waits for) into a :class:`Detail` of plain strings, for the detail pane and
the detail screen to draw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Plan, State
from ..pace import stamp_of
from ..progress import Summary
from .tree_model import GLYPH, WAITS_GLYPH, item_label, one_line, waits as task_waits

STATE_WORDS = {
    State.OPEN: "open",
    State.DONE: "done",
    State.IN_PROGRESS: "in progress",
    State.SKIPPED: "skipped",
    State.OTHER: "other",
}

REQUIREMENTS = re.compile(r"^[_*]*requirements?[_*]*\s*:\s*[_*]*\s*(.*?)[_*]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Detail:
    """One task, as the detail view shows it."""

    title: str  # "2.2 Build the ledger service"
    id: str | None
    line: int
    state: str  # "in progress"
    glyph: str
    marker: str
    kind: str  # "task" or "check"
    text: str  # the whole text, on one line (the view wraps it)
    details: tuple[str, ...]  # sub-bullets that are not boxes, requirements left out
    requirements: str | None
    tags: tuple[str, ...]
    optional: bool
    section: str | None  # "Phase 2: Core › Checkpoint: Core ready"
    phase: str | None
    phase_status: str | None  # "in progress", "blocked"…
    depends_on: tuple[str, ...]  # phases the task's phase waits for
    blocked_by: tuple[str, ...]  # those of them not done yet
    waits_for: tuple[str, ...]  # tasks before it in the plan's task graph
    parent: str | None
    subtasks: tuple[str, ...]  # "✓ 2.2.1 Post a transaction"
    checkpoint: str | None
    stamp: str | None = None  # an ExecPlan step's time stamp: when it was done ("2025-10-01 13:00 UTC")
    waits: bool = False  # open, and waiting for other tasks (see :func:`plantui.ui.tree_model.waits`)


def _stamp(text: str) -> str | None:
    """The time stamp an ExecPlan step starts with, as the detail shows it."""
    at = stamp_of(text)
    if at is None:
        return None
    zone = "UTC" if at.utcoffset() is not None and not at.utcoffset() else at.strftime("%z")
    return f"{at:%Y-%m-%d %H:%M} {zone}"


def _section_path(plan: Plan, index: int | None) -> str | None:
    titles = []
    while index is not None:
        sec = plan.sections[index]
        if sec.level > 1 or sec.parent is not None:  # the plan's own title says nothing here
            titles.append(one_line(sec.title))
        index = sec.parent
    return " › ".join(reversed(titles)) or None


def task_detail(plan: Plan, summary: Summary | None, index: int) -> Detail:
    """The detail of item ``index`` of ``plan`` (``summary`` adds the phase's status)."""
    it = plan.items[index]
    requirements = None
    details = []
    for line in it.details:
        m = REQUIREMENTS.match(line.strip())
        if m and requirements is None:
            requirements = m.group(1).strip() or None
        else:
            details.append(one_line(line))
    phase = plan.phases[it.phase] if it.phase is not None else None
    phase_status = depends = blocked = None
    if phase is not None:
        depends = tuple(one_line(plan.phases[d].title) for d in phase.dependencies)
        if summary is not None and phase.index < len(summary.phases):
            st = summary.phases[phase.index]
            phase_status = st.status
            blocked = tuple(one_line(plan.phases[d].title) for d in st.blocked_by)
    waits = ()
    if it.id and plan.graph:
        me = it.id.strip().rstrip(".:").lower()
        waits = tuple(e.before for e in plan.graph if e.after.strip().rstrip(".:").lower() == me)
    return Detail(
        title=one_line(item_label(it)),
        id=it.id,
        line=it.line,
        state=STATE_WORDS[it.state],
        glyph=GLYPH[it.state] if it.state is not State.OTHER or it.spelling is not None else it.marker,
        marker=it.marker if it.spelling is None else  # a task that is not a box: where its state is written
        f"{it.spelling.name} “{it.marker.strip()}”" if it.marker.strip() else it.spelling.name,
        kind=it.kind.value,
        text=one_line(it.text),
        details=tuple(details),
        requirements=requirements,
        tags=it.tags,
        optional=it.optional,
        section=_section_path(plan, it.section),
        phase=one_line(phase.title) if phase is not None else None,
        phase_status=phase_status,
        depends_on=depends or (),
        blocked_by=blocked or (),
        waits_for=waits,
        parent=one_line(item_label(plan.items[it.parent])) if it.parent is not None else None,
        subtasks=tuple(f"{GLYPH[plan.items[c].state] if plan.items[c].state is not State.OTHER else plan.items[c].marker} "
                       f"{one_line(item_label(plan.items[c]))}" for c in it.children),
        checkpoint=one_line(plan.checkpoints[it.checkpoint].title) if it.checkpoint is not None else None,
        stamp=_stamp(it.text),
        waits=task_waits(plan, summary, it),
    )


def detail_lines(d: Detail) -> list[tuple[str, str]]:
    """The detail as (label, value) rows, in the order the view shows them; empty parts left out."""
    rows: list[tuple[str, str]] = [("", d.text)]
    if d.details:
        rows.append(("Details", "\n".join(f"• {x}" for x in d.details)))
    if d.requirements:
        rows.append(("Requirements", d.requirements))
    state = f"{d.glyph} {d.state}  [{d.marker}]"
    if d.optional:
        state += "  (optional)"
    if d.waits:
        state += f"  {WAITS_GLYPH} blocked"  # what by: the rows below (Blocked by, Waits for)
    rows.append(("State", state))
    if d.id:
        rows.append(("Id", d.id))
    rows.append(("Line", str(d.line)))
    if d.stamp:
        rows.append(("Done at" if d.state == STATE_WORDS[State.DONE] else "Stamped", d.stamp))
    if d.tags:
        rows.append(("Tags", " ".join(f"[{t}]" for t in d.tags)))
    if d.phase:
        rows.append(("Phase", d.phase + (f" ({d.phase_status})" if d.phase_status else "")))
    if d.section and d.section != d.phase:
        rows.append(("Section", d.section))
    if d.checkpoint:
        rows.append(("Checkpoint", d.checkpoint))
    if d.depends_on:
        rows.append(("Depends on", ", ".join(d.depends_on)))
    if d.blocked_by:
        rows.append(("Blocked by", ", ".join(d.blocked_by)))
    if d.waits_for:
        rows.append(("Waits for", ", ".join(d.waits_for)))
    if d.parent:
        rows.append(("Part of", d.parent))
    if d.subtasks:
        rows.append(("Subtasks", "\n".join(d.subtasks)))
    return rows
