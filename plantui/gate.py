"""The completion gate: is a plan, a phase, a checkpoint, or everything up to a
phase, complete; and if not, what is open.

Pure: a plan and its summary in, a :class:`GateResult` out.  ``plantui check``,
hooks, CI and the MCP server all ask this one function.

The rules:
- no scope given: every task and every check of the plan;
- ``phase``: the tasks of that phase (its sub-phases included);
- ``checkpoint``: its checks; it passes when plantui shows it passed (all its
  checks ticked, or, without checks, every phase before it done);
- ``through``: every task and check on the lines up to the end of that phase
  (the phases before it, their checkpoints, tasks outside phases there);
- several scopes: all of them.
A box is open while it is not done or skipped.  Optional tasks (Kiro's
``- [ ]*``) never hold the gate shut; they are counted apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Item, Kind, Plan
from .progress import PASSED, Summary, phase_entries

MAX_LINES = 10  # what a person (or an agent) is told at most
WIDTH = 100  # characters in one of those lines at most
_SHORT = re.compile(r"^(?:phase|step|stage|milestone|sprint|part|iteration|checkpoint|gate)s?\s*[-#]?\s*"
                    r"(?:\d+(?:\.\d+)*[a-z]?|[IVX]+)(?![\w.])", re.I)


class GateError(ValueError):
    """A scope the plan does not have: the message is one sentence for a person."""


@dataclass(frozen=True)
class Group:
    """The open boxes of one phase, one checkpoint, or of the tasks outside phases."""

    kind: str  # "phase", "checkpoint" or "tasks"
    name: str  # short: "Phase 2", "Checkpoint 1", "Gates", "Tasks"
    title: str
    line: int | None
    open: tuple[Item, ...]  # open required boxes, in file order
    total: int  # boxes of the group in scope (skipped ones included)
    status: str | None = None  # a checkpoint's status (pending, ready, passed)
    waiting: tuple[str, ...] = ()  # a checkpoint without checks: the phases it waits for

    def sentence(self) -> str:
        """One line: ``Phase 2: 3 open — 2.3 Add retries, 2.4 Log failures, …``."""
        if self.kind == "checkpoint":
            if self.open:
                head = f"{self.name}: not passed, {len(self.open)} of {self.total} checks open"
            else:
                head = f"{self.name}: not passed, waiting for {', '.join(self.waiting) or 'its phases'}"
                return _cut(head, WIDTH)
        else:
            head = f"{self.name}: {len(self.open)} open"
        names = ", ".join(_label(it) for it in self.open)
        return _cut(f"{head} — {names}" if names else head, WIDTH)


@dataclass(frozen=True)
class GateResult:
    scope: str  # "the plan", "Phase 2", "through Phase 3", "Checkpoint 1" (joined with " + ")
    complete: bool
    groups: tuple[Group, ...]  # the groups with something open, in file order
    open: int  # open required boxes in scope
    total: int  # boxes in scope (optional ones aside)
    optional_open: int = 0  # open optional tasks (they do not count)
    boxes: bool = True  # False: nothing in scope is a box (a Cursor plan's todos, Task Master's tasks)

    def _count(self, n: int) -> str:
        """``1 box``, ``4 boxes`` (``tasks`` where none is a box)."""
        word = ("box" if n == 1 else "boxes") if self.boxes else ("task" if n == 1 else "tasks")
        return f"{n} {word}"

    @property
    def open_items(self) -> tuple[Item, ...]:
        return tuple(it for g in self.groups for it in g.open)

    def lines(self) -> list[str]:
        """What is open, at most :data:`MAX_LINES` lines, the last one ``and N more …`` when it does not fit."""
        if len(self.groups) <= MAX_LINES:
            return [g.sentence() for g in self.groups]
        shown = list(self.groups[: MAX_LINES - 1])
        rest = self.groups[MAX_LINES - 1 :]
        left = sum(len(g.open) for g in rest)
        return [g.sentence() for g in shown] + [
            f"and {len(rest)} more ({', '.join(g.name for g in rest[:4])}{', …' if len(rest) > 4 else ''}; "
            f"{left} open)"]

    def verdict(self) -> str:
        """``complete (8 boxes)`` or ``not complete, 4 of 5 boxes open``."""
        if self.complete:
            return f"complete ({self._count(self.total)})" if self.total else "complete"
        if not self.total:
            return "not complete"
        return f"not complete, {self.open} of {self._count(self.total)} open"

    def as_dict(self) -> dict:
        """The result as data (for ``--json`` and the MCP server)."""
        return {
            "scope": self.scope,
            "complete": self.complete,
            "open": self.open,
            "total": self.total,
            "optional_open": self.optional_open,
            "groups": [
                {
                    "kind": g.kind,
                    "name": g.name,
                    "title": g.title,
                    "line": g.line,
                    "status": g.status,
                    "total": g.total,
                    "waiting_for": list(g.waiting),
                    "open": [{"line": it.line, "id": it.id, "text": it.text, "marker": it.marker} for it in g.open],
                }
                for g in self.groups
            ],
        }


def check(plan: Plan, summary: Summary, phase: str | None = None, checkpoint: str | None = None,
          through: str | None = None) -> GateResult:
    """Whether the scope asked for is complete; raises :class:`GateError` for a phase
    or checkpoint the plan does not have."""
    items = plan.items
    picked: set[int] = set()  # item indexes in scope
    cps: list[int] = []  # checkpoints asked for by name (passed or not, by their status)
    scopes: list[str] = []
    if phase is not None:
        p = find_phase(plan, phase)
        picked.update(plan.phases[p].items)
        picked.update(k for ph in plan.phases if ph.item_backed is not None and (ph.index == p or _inside(plan, ph.index, p))
                      for k in phase_entries(plan, ph))
        scopes.append(short_name(plan.phases[p].title))
    if through is not None:
        p = find_phase(plan, through)
        end = _end_line(plan, p)
        picked.update(it.index for it in items if it.line < end)
        scopes.append(f"through {short_name(plan.phases[p].title)}")
    if checkpoint is not None:
        c = find_checkpoint(plan, checkpoint)
        cps.append(c)
        picked.update(plan.checkpoints[c].items)
        scopes.append(short_name(plan.checkpoints[c].title))
    if not scopes:
        picked = set(range(len(items)))
        scopes.append("the plan")

    chosen = [items[k] for k in sorted(picked)]
    required = [it for it in chosen if not it.optional]
    optional_open = sum(1 for it in chosen if it.optional and not it.state.closed)
    groups: dict[tuple, list[Item]] = {}
    totals: dict[tuple, int] = {}
    backing = {k: ph.index for ph in plan.phases if ph.item_backed is not None for k in phase_entries(plan, ph)}
    for it in required:
        key = ("phase", backing[it.index]) if it.index in backing else _group_key(it)
        totals[key] = totals.get(key, 0) + 1
        if not it.state.closed:
            groups.setdefault(key, []).append(it)
    for c in cps:  # a checkpoint asked for that has not passed, even with nothing open
        key = ("checkpoint", c)
        if summary.checkpoints[c].status != PASSED:
            groups.setdefault(key, [])
    out = [_group(plan, summary, key, tuple(found), totals.get(key, 0)) for key, found in groups.items()]
    out.sort(key=lambda g: g.line or 0)
    n_open = sum(len(g.open) for g in out)
    return GateResult(" + ".join(scopes), not out, tuple(out), n_open, len(required), optional_open,
                      any(it.spelling is None for it in chosen) or not chosen)


def find_phase(plan: Plan, name: str) -> int:
    """The index of the phase named ``name``: its number (``2``, ``3.1``), its
    short name (``Phase 2``), its title, or a part of its title found in one phase only."""
    want = " ".join(name.split()).casefold()
    if want:
        for ph in plan.phases:
            if ph.number is not None and ph.number.casefold() == want:
                return ph.index
        for ph in plan.phases:
            if short_name(ph.title).casefold() == want or " ".join(ph.title.split()).casefold() == want:
                return ph.index
        some = [ph.index for ph in plan.phases if want in ph.title.casefold()]
        if len(some) == 1:
            return some[0]
    known = ", ".join(ph.number or short_name(ph.title) for ph in plan.phases[:12])
    if not plan.phases:
        raise GateError(f"no phase {name!r}: this plan has no phases")
    raise GateError(f"no phase {name!r} in this plan (phases: {known}{', …' if len(plan.phases) > 12 else ''})")


def find_checkpoint(plan: Plan, name: str) -> int:
    """The index of the checkpoint named ``name``: the number in its title
    (``2`` for "Checkpoint 2"), its title, a part of its title found in one
    checkpoint only, or else its place (``2``: the second)."""
    want = " ".join(name.split()).casefold()
    cps = plan.checkpoints
    if want:
        for cp in cps:
            title = " ".join(cp.title.split()).casefold()
            if title == want or short_name(cp.title).casefold() == want:
                return cp.index
        for cp in cps:  # "Checkpoint 2", "Gate 2"
            m = _SHORT.match(" ".join(cp.title.split()))
            if m and m.group(0).split()[-1].lstrip("-#").casefold() == want:
                return cp.index
        if want.isdigit() and 1 <= int(want) <= len(cps):
            return int(want) - 1
        some = [cp.index for cp in cps if want in cp.title.casefold()]
        if len(some) == 1:
            return some[0]
    if not cps:
        raise GateError(f"no checkpoint {name!r}: this plan has no checkpoints")
    known = ", ".join(repr(short_name(cp.title)) for cp in cps[:8])
    raise GateError(f"no checkpoint {name!r} in this plan (checkpoints: {known}{', …' if len(cps) > 8 else ''})")


def short_name(title: str) -> str:
    """``Phase 2`` for "Phase 2: Core Implementation"; a title without such a name, as it is."""
    title = " ".join(title.split())
    m = _SHORT.match(title)
    return m.group(0) if m else _cut(title.rstrip(" :—–-") or title, 40)


def _inside(plan: Plan, p: int, outer: int) -> bool:
    """Whether phase ``p`` is a sub-phase (at any depth) of phase ``outer``."""
    q = plan.phases[p].parent
    while q is not None:
        if q == outer:
            return True
        q = plan.phases[q].parent
    return False


def _name(titles, k: int, line: int) -> str:
    """The short name of the ``k``-th of ``titles``; with its line when another has the same."""
    name = short_name(titles[k])
    if sum(1 for t in titles if short_name(t) == name) > 1:
        return f"{name} (line {line})"
    return name


def _end_line(plan: Plan, p: int) -> int:
    """The first line after phase ``p`` and its sub-phases: the next phase that is
    not inside it (or past the end)."""
    inside = {p}
    for ph in plan.phases[p + 1:]:
        if ph.parent in inside:
            inside.add(ph.index)
            continue
        return ph.line
    return 1 << 60


def _group_key(it: Item) -> tuple:
    if it.kind is Kind.CHECK and it.checkpoint is not None:
        return ("checkpoint", it.checkpoint)
    if it.phase is not None:
        return ("phase", it.phase)
    return ("tasks", 0)


def _group(plan: Plan, summary: Summary, key: tuple, found: tuple[Item, ...], total: int) -> Group:
    kind, k = key
    if kind == "phase":
        ph = plan.phases[k]
        return Group("phase", _name([q.title for q in plan.phases], k, ph.line), ph.title, ph.line, found, total)
    if kind == "checkpoint":
        cp = plan.checkpoints[k]
        st = summary.checkpoints[k]
        waiting = tuple(short_name(plan.phases[a].title) for a in cp.after
                        if summary.phases[a].status != "done") if not found else ()
        name = _name([c.title for c in plan.checkpoints], k, cp.line)
        return Group("checkpoint", name, cp.title, cp.line, found, total or st.counts.total,
                     st.status, waiting)
    first = found[0].line if found else None
    return Group("tasks", "Other tasks" if plan.phases else "Tasks", "", first, found, total)


def _label(it: Item) -> str:
    text = _cut(it.text, 32)
    return f"{it.id} {text}" if it.id else text


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
