"""How far along a plan is: counts, statuses, derived fields, drift.

Pure functions of a :class:`~plantui.model.Plan` (and the clock, passed in).

Counting rules (also in the README):
- every task box counts once, parents included, by its own marker;
- ``done`` is ``[x]``/``[X]``; skipped (``[~]``) tasks leave the count, so
  percent = done / (total - skipped), rounded down but never 100% while a
  task is open nor 0% once one is done (:func:`plantui.fields.percent`,
  the one rounding the header, status, watch and written fields show);
- a parent whose box disagrees with its subtasks is a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from . import fields as fieldlib
from .model import Item, Kind, Plan, State, Warning
from .names import names_checkpoint_task, phase_item_number, title_says_done, title_says_started, value_says_done, value_says_started


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
        return fieldlib.percent(self.done, self.countable)  # the one rounding: see fields.percent

    @property
    def complete(self) -> bool:
        return self.countable > 0 and self.done >= self.countable

    @property
    def closed(self) -> bool:
        """Every one done or skipped, none left open (and there is one)."""
        return self.total > 0 and self.open == 0

    def moved(self, was: State, now: State) -> "Counts":
        """These counts after one box went from ``was`` to ``now``."""
        c = {"done": self.done, "in_progress": self.in_progress, "skipped": self.skipped, "other": self.other}
        for state, step in ((was, -1), (now, 1)):
            name = _COUNTED.get(state)
            if name is not None:
                c[name] += step
        return replace(self, **c)

    def tally(self, complete: bool = False) -> fieldlib.Tally:
        return fieldlib.Tally(self.done, self.countable, bool(self.done or self.in_progress), complete)


_COUNTED = {State.DONE: "done", State.IN_PROGRESS: "in_progress", State.SKIPPED: "skipped", State.OTHER: "other"}


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
BLOCKED_TAG = "blocked"  # the tag a reader gives a task that waits for open ones (a Cursor todo's dependencies)


def tagged_waiting(it) -> bool:
    """Whether a reader said ``it`` waits for open tasks (:data:`BLOCKED_TAG`); a box's tag never does."""
    return it.spelling is not None and BLOCKED_TAG in it.tags


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
    writable: bool = True  # False: the value is more than plantui derives (a hand-written breakdown); never written


@dataclass(frozen=True)
class Parts:
    """What a summary is made of, kept so that the summary after a tick can be
    worked out from it (:func:`plantui.after_tick.update`) instead of from every item again."""

    phase_counts: tuple[Counts, ...]
    checkpoint_counts: tuple[Counts, ...]
    odd: tuple[Warning, ...]  # markers without a meaning
    family: dict[int, Warning]  # parent item -> what its subtasks say against it
    x_marks: tuple[int, int] = (0, 0)  # items marked [x], items marked [X] (the file's done marker)
    # The derived fields: those worked out again after any tick (the plan's own, and
    # every Last Updated), and those of each phase (after a tick in the phase).
    derived: tuple[tuple[int, ...], dict[int, tuple[int, ...]]] = ((), {})
    drifting: tuple[int, ...] = ()  # the fields whose values the boxes say otherwise (set by _assemble)
    stale: tuple[int, ...] = ()  # the fields a sync would write: their values are not what is computed (ditto)
    optional: tuple[int, int] = (0, 0)  # the optional tasks (Kiro's "- [ ]*"), and how many of them are open


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
    parts: Parts = field(compare=False, repr=False)

    @property
    def drift(self) -> tuple[FieldState, ...]:
        return tuple(f for f in self.fields if f.drift)

    @property
    def required_open(self) -> int:
        """The open tasks that are not optional: those that hold the plan open."""
        return self.tasks.open - self.parts.optional[1]



def summarize(plan: Plan, now: datetime | None = None) -> Summary:
    """How far along ``plan`` is, from every item (a pure function: after a tick,
    :func:`plantui.after_tick.update` works the same summary out at the cost of what changed)."""
    items = plan.items
    family = {}
    for it in items:
        if it.children:
            w = _family_warning(plan, it)
            if w is not None:
                family[it.index] = w
    parts = Parts(
        phase_counts=tuple(count(items[k] for k in ph.items) for ph in plan.phases),
        checkpoint_counts=tuple(count(items[k] for k in cp.items) for cp in plan.checkpoints),
        odd=_odd_markers(plan),
        family=family,
        x_marks=x_marks(items),
        derived=_derived(plan),
        optional=optional_tasks(plan.tasks),
    )
    phases = _phase_states(plan, parts.phase_counts)
    return assemble(plan, now, count(plan.tasks), count(plan.checks), phases, parts, next_task(plan, phases))


def optional_tasks(tasks) -> tuple[int, int]:
    """(optional tasks, of them open) among ``tasks``."""
    n = n_open = 0
    for it in tasks:
        if it.optional:
            n += 1
            n_open += not it.state.closed
    return n, n_open


def plan_status(tasks: Counts, optional: tuple[int, int]) -> str:
    """The plan's status: Complete when every task is done or skipped (none left open,
    as a phase is done), or when the only ones open are optional (as they never hold a
    phase open) and some other is done."""
    n_optional, open_optional = optional
    if (tasks.complete or tasks.closed
            or (tasks.open and tasks.open == open_optional and tasks.total > n_optional and tasks.done)):
        return "Complete"
    return "In Progress" if (tasks.done or tasks.in_progress) else "Not Started"


def _status_of_phases(phases: list[PhaseState]) -> str:
    """The status of a plan without tasks, from its phases (``## Phase 1: Setup ✅``,
    ``## Phase 2: Build 🚧``, see :func:`stated_states`): Complete when every one is
    done, In Progress when one is done or under way."""
    if all(p.status == DONE for p in phases):
        return "Complete"
    return "In Progress" if any(p.status in (DONE, IN_PROGRESS) for p in phases) else "Not Started"


def _derived(plan: Plan) -> tuple[tuple[int, ...], dict[int, tuple[int, ...]]]:
    """See ``Parts.derived``."""
    always: list[int] = []
    by_phase: dict[int, list[int]] = {}
    for n, f in enumerate(plan.fields):
        if f.name in fieldlib.DERIVED:
            if f.phase is None or f.name == "last updated":
                always.append(n)
            else:
                by_phase.setdefault(f.phase, []).append(n)
    return tuple(always), {p: tuple(ns) for p, ns in by_phase.items()}


def x_marks(items) -> tuple[int, int]:
    lower = upper = 0
    for it in items:
        m = it.marker
        if m == "x":
            lower += 1
        elif m == "X":
            upper += 1
    return lower, upper



def stated_states(plan: Plan, only: int | None = None) -> dict[int, State]:
    """What the phases say of themselves: done in their heading (``## Phase 1: Setup ✅``,
    ``(COMPLETE)``, ``[DONE]``, ``— Done``) or in a ``**Status:** Complete`` field of
    their own section, or in progress (``## Phase 4: Export 🚧``, ``(In Progress)``,
    ``**Status:** In progress``); a phase that says both is done.  It counts for a
    phase without task boxes, whose status would otherwise read "not started" for
    ever.  ``only``: that phase alone."""
    phases = plan.phases if only is None else (plan.phases[only],)
    out: dict[int, State] = {}
    for ph in phases:
        if title_says_done(ph.title):
            out[ph.index] = State.DONE
        elif title_says_started(ph.title):
            out[ph.index] = State.IN_PROGRESS
    for f in plan.fields:
        if f.name == "status" and f.phase is not None and (only is None or f.phase == only):
            if value_says_done(f.value):
                out[f.phase] = State.DONE
            elif value_says_started(f.value) and out.get(f.phase) is not State.DONE:
                out[f.phase] = State.IN_PROGRESS
    return out


def _phase_flags(plan: Plan, ph, c: Counts, stated: dict[int, State] | None = None) -> tuple[bool, bool]:
    """(done, started) of a phase with counts ``c``; ``stated``: what the phases say
    of themselves (:func:`stated_states`; worked out here when not given)."""
    if c.total == 0 and ph.item_backed is not None:
        entries = [plan.items[k].state for k in phase_entries(plan, ph)]
        return all(st.closed for st in entries), any(st in (State.DONE, State.IN_PROGRESS) for st in entries)
    if c.total == 0:
        said = (stated if stated is not None else stated_states(plan, ph.index)).get(ph.index)
        return said is State.DONE, said is not None
    started = bool(c.done or c.in_progress)
    if c.open and ph.optional:
        return _only_optional_open(plan, ph, c), started
    return c.complete or c.open == 0, started


def phase_entries(plan: Plan, ph) -> tuple[int, ...]:
    """The items that stand for phase ``ph``: its own (``item_backed``), and for a
    phase with no tasks of its own, every item of that item's list named for the
    same phase (an ExecPlan's Progress entries ``- [x] Milestone 1: …``, ``- [ ]
    Milestone 1: …``: the milestone is done when all are, started when one is)."""
    k0 = ph.item_backed
    if k0 is None:
        return ()
    items = plan.items
    if ph.items or ph.number is None:
        return (k0,)
    own = items[k0]
    return tuple(k for k in section_of(items, k0)
                 if k == k0 or (items[k].parent == own.parent and _item_phase(items[k].text) == ph.number))


def section_of(items: tuple[Item, ...], k: int) -> range:
    """The indexes of the items in item ``k``'s section (they stand together)."""
    first = last = k
    while first > 0 and items[first - 1].section == items[k].section:
        first -= 1
    while last + 1 < len(items) and items[last + 1].section == items[k].section:
        last += 1
    return range(first, last + 1)


_item_phase = lru_cache(maxsize=1 << 15)(phase_item_number)


def _only_optional_open(plan: Plan, ph, c: Counts) -> bool:
    """Whether a phase with open items is done all the same: the only ones open are
    optional (Kiro's ``- [ ]*``), and something in it says it is done (a task that
    is not optional, or the phase's own box: a Kiro parent ticked ``[x]``)."""
    items = plan.items
    open_optional = sum(1 for k in ph.optional if not items[k].state.closed)
    if open_optional != c.open:
        return False
    if ph.item_backed is not None:
        return items[ph.item_backed].state.closed
    return c.total > len(ph.optional)


def _phase_state(ph, c: Counts, done: bool, started: bool, is_done) -> PhaseState:
    blockers = tuple(d for d in ph.dependencies if not is_done(d))
    if done:
        status = DONE
    elif blockers:
        status = BLOCKED
    elif started:
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    return PhaseState(ph.index, c, status, blockers)


def _phase_states(plan: Plan, counts: tuple[Counts, ...]) -> list[PhaseState]:
    stated = stated_states(plan)
    raw = [_phase_flags(plan, ph, c, stated) for ph, c in zip(plan.phases, counts)]  # (done, started)
    return [_phase_state(ph, c, done, started, lambda d: raw[d][0])
            for ph, c, (done, started) in zip(plan.phases, counts, raw)]



def _odd_markers(plan: Plan) -> tuple[Warning, ...]:
    """One warning per marker that has no meaning."""
    odd: dict[str, list[int]] = {}
    for it in plan.items:
        if it.state is State.OTHER and it.spelling is None:  # ("blocked" in a status line means what it says)
            odd.setdefault(it.marker, []).append(it.line)
    out = []
    for marker, at in odd.items():
        where = f"line {at[0]}" if len(at) == 1 else f"{len(at)} items from line {at[0]}"
        out.append(Warning(at[0], f"marker [{marker}] ({where}) has no set meaning; counted as not done "
                                  f"(give it one under [markers] in .plantui.toml)"))
    return tuple(out)


def _family_warning(plan: Plan, it: Item) -> Warning | None:
    """A parent whose own box disagrees with its subtasks."""
    kids = [plan.items[k] for k in it.children if plan.items[k].kind is it.kind]
    if not kids:
        return None
    required = [k for k in kids if not k.optional]
    open_kids = sum(1 for k in required if not k.state.closed)
    name = it.id or _short(it.text)
    if it.state is State.DONE and open_kids:
        return Warning(it.line, f"{name} is ticked but {open_kids} of its {_n(len(required), 'subtask')} "
                                f"{'is' if open_kids == 1 else 'are'} open")
    if required and not it.state.closed and open_kids == 0:
        which = "the" if len(required) == 1 else "all"
        return Warning(it.line, f"{which} {_n(len(required), 'subtask')} of {name} "
                                f"{'is' if len(required) == 1 else 'are'} done but its own box is not")
    return None


def _checkpoint_state(cp, c: Counts, is_done) -> CheckpointState:
    if c.total and c.open == 0:
        status = PASSED
    elif all(map(is_done, cp.after)):
        status = READY if c.total else PASSED
    else:
        status = PENDING
    return CheckpointState(cp.index, c, status)



def _early_checkpoints(plan: Plan, states, counts, is_done) -> list[Warning]:
    """A warning for each checkpoint task ticked off while a phase it follows is not
    done (Kiro's "- [x] 5. Checkpoint — Ensure all tests pass" after an open task
    group): its box says passed, the phases say it came too soon.  Only for a
    checkpoint that is a task of its own, named so, as Kiro writes them."""
    out = []
    items = plan.items
    for cp, st, c in zip(plan.checkpoints, states, counts):
        if st.status != PASSED or not c.done or c.open or len(cp.items) != 1:
            continue
        if items[cp.items[0]].line != cp.line or not names_checkpoint_task(cp.title):
            continue  # a heading's or a label's checklist, or a gate's record ("GATE (date): …")
        behind = [p for p in cp.after if not is_done(p)]
        if behind:
            first = plan.phases[behind[0]].title
            which = f"phase “{_short(first)}”" if len(behind) == 1 else \
                f"{len(behind)} of its {len(cp.after)} phases (first “{_short(first)}”)"
            out.append(Warning(cp.line, f"checkpoint {describe(items[cp.items[0]])} is ticked, but {which} before it "
                                        f"{'is' if len(behind) == 1 else 'are'} not done"))
    return out


def _said_done(plan: Plan, phases) -> list[Warning]:
    """A warning for each phase whose heading says it is done (``## Phase 25: … ✅
    COMPLETE``) while its own boxes say otherwise: the boxes count, the file
    disagrees with itself, and the reader is told."""
    out = []
    for ph, st in zip(plan.phases, phases):
        c = st.counts
        if st.status != DONE and c.total and _title_done(ph.title):
            out.append(Warning(ph.line, f"“{_short(ph.title)}” says it is done, but {c.open} of its "
                                        f"{_n(c.total, 'task')} {'is' if c.open == 1 else 'are'} open"))
    return out


_title_done = lru_cache(maxsize=1 << 15)(title_says_done)


def _redone(parts: Parts, touched_phases: set[int]) -> set[int]:
    """The derived fields a tick in ``touched_phases`` makes worth working out again:
    the plan's own, every Last Updated, and those of the phases it touched."""
    always, by_phase = parts.derived
    return set(always).union(*(by_phase.get(p, ()) for p in touched_phases))



def _is_stale(f, fs: FieldState) -> bool:
    """Whether a sync would write field ``f`` (in state ``fs``)."""
    return fs.writable and fs.computed is not None and fs.computed != f.value


def _field_state(n: int, f, phase_counts, tasks: Counts, now: datetime, optional: tuple[int, int] = (0, 0)) -> FieldState:
    """``phase_counts``: the counts of each phase (by index); ``optional``: the plan's
    optional tasks and how many are open (a plan whose only open tasks are optional
    is Complete, :func:`plan_status`).  A value that holds more than plantui derives
    (:func:`plantui.fields.whole`) is checked, never written: its computed value is
    what the boxes say, plainly."""
    computed = None
    drift = False
    if f.name in fieldlib.DERIVED:
        if f.phase is not None:
            scope, tally = phase_counts[f.phase], phase_counts[f.phase].tally()
        else:
            scope, tally = tasks, tasks.tally(complete=plan_status(tasks, optional) == "Complete")
        if scope.total or f.name == "last updated":
            computed = fieldlib.derive(f.name, f.value, tally, now)
        if computed is not None and f.name != "last updated" and not fieldlib.is_placeholder(f.value):
            drift = computed != f.value
        if computed is not None and not fieldlib.whole(f.name, f.value):
            return FieldState(n, fieldlib.said_plainly(f.name, f.value, tally), drift, writable=False)
    return FieldState(n, computed, drift)


def assemble(plan: Plan, now: datetime | None, tasks: Counts, checks: Counts, phases: list[PhaseState],
              parts: Parts, next_index: int | None,
              since: tuple[Summary, set[int], set[int], set[int]] | None = None) -> Summary:
    """The summary from its parts.  ``since``: after a tick that left every phase
    as done as it was, the summary before it and what the tick touched: the
    checkpoints and phases whose counts changed, the fields whose values changed."""
    now = now or datetime.now()
    warnings = list(plan.warnings)

    def is_done(p: int) -> bool:
        return phases[p].status == DONE

    if since is None:
        checkpoints = [_checkpoint_state(cp, c, is_done) for cp, c in zip(plan.checkpoints, parts.checkpoint_counts)]
    else:
        checkpoints = list(since[0].checkpoints)
        for k in since[1]:
            checkpoints[k] = _checkpoint_state(plan.checkpoints[k], parts.checkpoint_counts[k], is_done)
    warnings.extend(parts.odd)
    warnings.extend(parts.family.values())
    warnings.extend(_early_checkpoints(plan, checkpoints, parts.checkpoint_counts, is_done))
    warnings.extend(_said_done(plan, phases))

    # Derived fields and drift.
    fields = plan.fields
    if since is None:
        field_states = [_field_state(n, f, parts.phase_counts, tasks, now, parts.optional) for n, f in enumerate(fields)]
        drifting = [fs.index for fs in field_states if fs.drift]
        stale = [fs.index for fs in field_states if _is_stale(fields[fs.index], fs)]
    else:
        # after a tick: the fields of the scopes it changed, the fields whose values
        # changed, and every Last Updated (the clock moves); the rest stand
        old, _, touched_phases, touched_fields = since
        again = _redone(parts, touched_phases) | touched_fields
        field_states = list(old.fields)
        still, behind = set(parts.drifting), set(parts.stale)
        for n in again:
            fs = field_states[n] = _field_state(n, fields[n], parts.phase_counts, tasks, now, parts.optional)
            (still.add if fs.drift else still.discard)(n)
            (behind.add if _is_stale(fields[n], fs) else behind.discard)(n)
        drifting, stale = sorted(still), sorted(behind)
    for n in drifting:
        f, fs = fields[n], field_states[n]
        warnings.append(Warning(f.line, f"{f.key} says {f.value!r}, the boxes say {fs.computed!r}"))
    parts = replace(parts, drifting=tuple(drifting), stale=tuple(stale))

    status = plan_status(tasks, parts.optional) if tasks.total or not phases else _status_of_phases(phases)
    warnings.sort(key=lambda w: w.line or 0)
    return Summary(
        tasks=tasks,
        checks=checks,
        phases=tuple(phases),
        checkpoints=tuple(checkpoints),
        fields=tuple(field_states),
        next_task=next_index,
        status=status,
        warnings=collapse(warnings),
        parts=parts,
    )


def collapse(warnings: list[Warning]) -> tuple[Warning, ...]:
    """The warnings with identical ones made one, which says how many lines it
    covers and where the first is (a file that repeats a thing a hundred times
    gets one warning, not a hundred).  In order of their first lines."""
    seen: dict[str, list[Warning]] = {}
    for w in warnings:
        seen.setdefault(w.message, []).append(w)
    if len(seen) == len(warnings):
        return tuple(warnings)
    out = []
    for message, same in seen.items():
        first = same[0]
        if len(same) > 1:
            lines = sorted({w.line for w in same if w.line is not None})
            if len(lines) > 1:
                message = f"{message} ({len(lines)} lines, the first line {lines[0]})"
        out.append(Warning(first.line, message))
    return tuple(out)


def next_task(plan: Plan, phases: list[PhaseState] | tuple[PhaseState, ...], start: int = 0,
              waits: Callable[[Item], bool] | None = None) -> int | None:
    """The first open task, deepest first, whose phase is not blocked, nor
    itself (a reader's task tagged ``blocked``: see :data:`BLOCKED_TAG`).

    Optional tasks (Kiro's ``- [ ]*``) come only when nothing else is open.
    ``start``: no item before it can be the answer unless it is optional (the
    caller knows); optional ones are then looked for from the beginning.
    ``waits``: tasks the caller passes over too (the MCP server: those that
    wait in the task graph for open ones).
    """
    items = plan.items
    optional = None
    for k in range(start, len(items)):
        it = items[k]
        if it.kind is not Kind.TASK or it.state.closed:
            continue
        if any(not items[c].state.closed and items[c].kind is Kind.TASK for c in it.children):
            continue
        if it.phase is not None and phases[it.phase].status == BLOCKED:
            continue
        if tagged_waiting(it) or (waits is not None and waits(it)):
            continue
        if it.optional:
            optional = it.index if optional is None else optional
            continue
        return it.index
    if start:
        return next_task(plan, phases, waits=waits)  # nothing from start on: the optional ones count from the top
    return optional


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def describe(item: Item) -> str:
    """How messages name an item: its id, else its text."""
    return item.id or f"“{_short(item.text)}”"
