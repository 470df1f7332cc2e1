"""Codex ExecPlans: ``PLANS.md``, ``.agent/PLANS.md``, ``.agent/plans/*.md``,
``.agent/execplans/*.md``, ``docs/exec-plans/**/*.md``.

An ExecPlan is Markdown with living sections (Progress, Surprises &
Discoveries, Decision Log, Outcomes & Retrospective), read as any Markdown
plan, with two rules of its own:

- a step written ``- [ ] (2025-10-01 13:00Z) Step (completed: X; remaining: Y)``
  is partly done: in progress, whatever its box says (short of ticked);
- its time stamp is when it was done (:func:`plantui.pace.stamp_of` reads it,
  the item's detail shows it).

A file that keeps several plans, each under its own ``# EP-20260311-…``
heading, is one plan to plantui (one file, one tick path), and :func:`parts`
says how each of those plans stands, named ``path#EP-…``: ``status --json``
lists them under ``"parts"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Settings
from .model import Kind, Lineage, Plan, State
from .parser import parse_lines
from .progress import BLOCKED, Counts, Summary, count, optional_tasks, plan_status
from .lines import Lines

PARTLY = re.compile(r"\(\s*completed\s*:[^)]*;\s*remaining\s*:[^)]*\)", re.IGNORECASE)
PART_HEADING = re.compile(r"^(EP-\d{8}[\w.-]*)")
MENTION = "ExecPlan"
LOOKED = 60  # lines at the top (front matter and title included) where an ExecPlan says it is one


def claims(path: Path | None, lines: Lines) -> bool:
    """An ExecPlan by where it lives (:func:`is_execplan_path`), or by what its
    first lines say ("This ExecPlan is a living document")."""
    if path is not None and is_execplan_path(path):
        return True
    return any(MENTION in lines.line(k) for k in range(min(len(lines), LOOKED)))


def is_execplan_path(path: Path) -> bool:
    """Whether ``path`` is where Codex keeps ExecPlans."""
    if path.suffix.lower() != ".md":
        return False
    if path.name == "PLANS.md":
        return True
    parts = path.parts[:-1]
    if len(parts) >= 2 and parts[-2] == ".agent" and parts[-1] in ("plans", "execplans"):
        return True
    return any(a == "docs" and b == "exec-plans" for a, b in zip(parts, parts[1:]))


def read(path: Path | None, lines: Lines, settings: Settings) -> Plan:
    """The Markdown plan of ``lines``, its partly done steps in progress."""
    plan = parse_lines(lines, settings)
    items = tuple(replace(it, state=State.IN_PROGRESS) if it.state is State.OPEN and PARTLY.search(it.text) else it
                  for it in plan.items)
    # A new lineage: the Markdown plan (remembered by its text) keeps its own.
    return replace(plan, items=items, source="execplan", lineage=Lineage())


@dataclass(frozen=True)
class Part:
    """One of several plans in one file: the text under a ``# EP-…`` heading."""

    name: str  # "path#EP-20260311-x"
    title: str
    line: int
    end_line: int
    tasks: Counts
    status: str  # as a plan's: "Not Started", "In Progress", "Complete"
    next_task: int | None  # an item index


def parts(path: str, plan: Plan, summary: Summary) -> tuple[Part, ...]:
    """The plans in the file at ``path`` (``plan``) when it keeps two or more, each
    under a level-1 ``# EP-…`` heading; () otherwise."""
    if plan.source != "execplan":
        return ()
    heads = [s for s in plan.sections if s.level == 1 and PART_HEADING.match(s.title)]
    if len(heads) < 2:
        return ()
    out = []
    for s in heads:
        tasks = [it for it in plan.items if s.line <= it.line <= s.end_line and it.kind is Kind.TASK]
        c = count(tasks)
        status = plan_status(c, optional_tasks(tasks))  # the words and rule of a whole plan's status
        out.append(Part(f"{path}#{PART_HEADING.match(s.title).group(1)}", s.title, s.line, s.end_line, c, status,
                        _next(plan, summary, tasks)))
    return tuple(out)


def _next(plan: Plan, summary: Summary, tasks) -> int | None:
    """The first open task among ``tasks`` with no open subtask, its phase not blocked."""
    for it in tasks:
        if it.state.closed or any(not plan.items[c].state.closed for c in it.children):
            continue
        if it.phase is not None and summary.phases[it.phase].status == BLOCKED:
            continue
        return it.index
    return None
