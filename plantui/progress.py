"""How far along a plan is: counts, statuses, derived fields, drift.

Pure functions of a :class:`~plantui.model.Plan` (and the clock, passed in).

Counting rules (also in the README):
- every task box counts once, parents included, by its own marker;
- ``done`` is ``[x]``/``[X]``; skipped (``[~]``) tasks leave the count, so
  percent = done / (total - skipped);
- a parent whose box disagrees with its subtasks is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import fields as fieldlib
from .model import Item, Kind, Plan, State, Warning


@dataclass(frozen=True)
class Counts:
    total: int = 0
    done: int = 0
    in_progress: int = 0
    skipped: int = 0
    other: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done - self.skipped

    @property
    def countable(self) -> int:
        return self.total - self.skipped

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.countable) if self.countable else 0

    @property
    def complete(self) -> bool:
        return self.countable > 0 and self.done >= self.countable

    def tally(self) -> fieldlib.Tally:
        return fieldlib.Tally(self.done, self.countable, bool(self.done or self.in_progress))


def count(items) -> Counts:
    total = done = in_progress = skipped = other = 0
    for it in items:
        total += 1
        s = it.state
        if s is State.DONE:
            done += 1
        elif s is State.IN_PROGRESS:
            in_progress += 1
        elif s is State.SKIPPED:
            skipped += 1
        elif s is State.OTHER:
            other += 1
    return Counts(total, done, in_progress, skipped, other)


NOT_STARTED, IN_PROGRESS, DONE, BLOCKED = "not started", "in progress", "done", "blocked"
PENDING, READY, PASSED = "pending", "ready", "passed"


@dataclass(frozen=True)
class PhaseState:
    index: int
    counts: Counts
    status: str
    blocked_by: tuple[int, ...] = ()


@dataclass(frozen=True)
class CheckpointState:
    index: int
    counts: Counts
    status: str


@dataclass(frozen=True)
class FieldState:
    index: int
    computed: str | None  # what plantui would write; None when not derived
    drift: bool


@dataclass(frozen=True)
class Summary:
    tasks: Counts
    checks: Counts
    phases: tuple[PhaseState, ...]
    checkpoints: tuple[CheckpointState, ...]
    fields: tuple[FieldState, ...]
    next_task: int | None
    status: str
    warnings: tuple[Warning, ...]

    @property
    def drift(self) -> tuple[FieldState, ...]:
        return tuple(f for f in self.fields if f.drift)


def _phase_states(plan: Plan) -> list[PhaseState]:
    states: list[PhaseState] = []
    raw: list[tuple[Counts, bool, bool]] = []  # counts, done, started
    for ph in plan.phases:
        c = count(plan.items[k] for k in ph.items)
        if c.total == 0 and ph.item_backed is not None:
            own = plan.items[ph.item_backed]
            done = own.state.closed
            started = own.state in (State.DONE, State.IN_PROGRESS)
        else:
            done = c.complete or (c.total > 0 and c.open == 0)
            started = bool(c.done or c.in_progress)
        raw.append((c, done, started))
    for ph, (c, done, started) in zip(plan.phases, raw):
        blockers = tuple(d for d in ph.dependencies if not raw[d][1])
        if done:
            status = DONE
        elif blockers:
            status = BLOCKED
        elif started:
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        states.append(PhaseState(ph.index, c, status, blockers))
    return states


def summarize(plan: Plan, now: datetime | None = None) -> Summary:
    now = now or datetime.now()
    tasks = count(plan.tasks)
    checks = count(plan.checks)
    phases = _phase_states(plan)
    warnings = list(plan.warnings)

    checkpoints = []
    for cp in plan.checkpoints:
        c = count(plan.items[k] for k in cp.items)
        if c.total and c.open == 0:
            status = PASSED
        elif all(phases[p].status == DONE for p in cp.after):
            status = READY if c.total else PASSED
        else:
            status = PENDING
        checkpoints.append(CheckpointState(cp.index, c, status))

    # Markers without a meaning.
    odd: dict[str, list[int]] = {}
    for it in plan.items:
        if it.state is State.OTHER:
            odd.setdefault(it.marker, []).append(it.line)
    for marker, at in odd.items():
        where = f"line {at[0]}" if len(at) == 1 else f"{len(at)} items from line {at[0]}"
        warnings.append(Warning(at[0], f"marker [{marker}] ({where}) has no set meaning; counted as not done "
                                       f"(give it one under [markers] in .plantui.toml)"))

    # Parents and their subtasks.
    for it in plan.items:
        kids = [plan.items[k] for k in it.children if plan.items[k].kind is it.kind]
        if not kids:
            continue
        required = [k for k in kids if not k.optional]
        open_kids = sum(1 for k in required if not k.state.closed)
        name = it.id or _short(it.text)
        if it.state is State.DONE and open_kids:
            warnings.append(Warning(it.line, f"{name} is ticked but {open_kids} of its {_n(len(required), 'subtask')} {'is' if open_kids == 1 else 'are'} open"))
        elif required and not it.state.closed and open_kids == 0:
            which = "the" if len(required) == 1 else "all"
            warnings.append(Warning(it.line, f"{which} {_n(len(required), 'subtask')} of {name} {'is' if len(required) == 1 else 'are'} done but its own box is not"))

    # Derived fields and drift.
    field_states = []
    for n, f in enumerate(plan.fields):
        computed = None
        drift = False
        if f.name in fieldlib.DERIVED:
            scope = phases[f.phase].counts if f.phase is not None else tasks
            if scope.total or f.name == "last updated":
                computed = fieldlib.derive(f.name, f.value, scope.tally(), now)
            if computed is not None and f.name != "last updated" and not fieldlib.is_placeholder(f.value):
                drift = computed != f.value
                if drift:
                    warnings.append(Warning(f.line, f"{f.key} says {f.value!r}, the boxes say {computed!r}"))
        field_states.append(FieldState(n, computed, drift))

    status = "Complete" if tasks.complete else ("In Progress" if (tasks.done or tasks.in_progress) else "Not Started")
    warnings.sort(key=lambda w: w.line or 0)
    return Summary(
        tasks=tasks,
        checks=checks,
        phases=tuple(phases),
        checkpoints=tuple(checkpoints),
        fields=tuple(field_states),
        next_task=next_task(plan, phases),
        status=status,
        warnings=tuple(warnings),
    )


def next_task(plan: Plan, phases: list[PhaseState] | tuple[PhaseState, ...]) -> int | None:
    """The first open task, deepest first, whose phase is not blocked.

    Optional tasks (Kiro's ``- [ ]*``) come only when nothing else is open.
    """
    optional = None
    for it in plan.items:
        if it.kind is not Kind.TASK or it.state.closed:
            continue
        if any(not plan.items[k].state.closed and plan.items[k].kind is Kind.TASK for k in it.children):
            continue
        if it.phase is not None and phases[it.phase].status == BLOCKED:
            continue
        if it.optional:
            optional = it.index if optional is None else optional
            continue
        return it.index
    return optional


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(item: Item) -> str:
    """How messages name an item: its id, else its text."""
    return item.id or f"“{_short(item.text)}”"
