"""The summary after a tick, worked out from the summary before it.

A tick changes markers (and the values of fields), not the plan's structure
(:mod:`plantui.incremental` makes such a plan without a parse): the counts
of the items that moved move, and only what depends on them is worked out
again.  :func:`update` always equals :func:`plantui.progress.summarize` of
the new plan (the tests hold it to that); :func:`fields_after` is what a tick
needs before it writes.  The rules themselves live in :mod:`plantui.progress`.
"""

from __future__ import annotations

from datetime import datetime
from itertools import compress
from operator import is_not

from .model import Item, Kind, Plan, State, same_structure
from .progress import (BLOCKED, DONE, Counts, FieldState, Parts, PhaseState, Summary, _family_warning, _field_state,
                       _odd_markers, _phase_flags, _phase_state, _phase_states, _redone, assemble, next_task, summarize)


def update(old_plan: Plan, old: Summary, plan: Plan, now: datetime | None = None,
           changed: list[int] | None = None) -> Summary:
    """``summarize(plan, now)``, worked out from the summary of ``old_plan`` when
    ``plan`` is ``old_plan`` with only markers and field values changed (a tick):
    the cost is that of the items that changed, not of the plan.  ``changed``:
    the items whose markers changed, when the caller knows (else compared)."""
    if changed is None or not same_structure(old_plan, plan):
        changed = marker_changes(old_plan, plan)
    if changed is None:
        return summarize(plan, now)
    return _update(old_plan, old, plan, changed, now)



def _update(old_plan: Plan, old: Summary, plan: Plan, changed: list[int], now: datetime | None) -> Summary:
    assert old.parts is not None
    items, before = plan.items, old_plan.items
    tasks, checks = old.tasks, old.checks
    phase_counts = list(old.parts.phase_counts)
    cp_counts = list(old.parts.checkpoint_counts)
    family = dict(old.parts.family)
    odd_moved = False
    lower, upper = old.parts.x_marks
    n_optional, open_optional = old.parts.optional
    touched_phases: set[int] = set()
    touched_cps: set[int] = set()
    for k in changed:
        a, b = before[k].marker, items[k].marker
        lower += (b == "x") - (a == "x")
        upper += (b == "X") - (a == "X")
        was, it = before[k].state, items[k].state
        odd_moved = odd_moved or State.OTHER in (was, it)
        if was is it:
            continue
        if items[k].kind is Kind.TASK:
            tasks = _task_moved(plan, items[k], was, it, tasks, phase_counts, touched_phases)
            if items[k].optional:
                open_optional += was.closed - it.closed
        else:
            checks = checks.moved(was, it)
        cp = items[k].checkpoint
        if cp is not None:
            cp_counts[cp] = cp_counts[cp].moved(was, it)
            touched_cps.add(cp)
    affected = set(changed)
    affected.update(items[k].parent for k in changed if items[k].parent is not None)
    for k in affected:
        if items[k].children:
            w = _family_warning(plan, items[k])
            if w is None:
                family.pop(k, None)
            else:
                family[k] = w
    parts = Parts(
        phase_counts=tuple(phase_counts),
        checkpoint_counts=tuple(cp_counts),
        odd=_odd_markers(plan) if odd_moved else old.parts.odd,
        family=dict(sorted(family.items())),
        x_marks=(lower, upper),
        derived=old.parts.derived,  # the fields' names and phases stay
        drifting=old.parts.drifting,
        stale=old.parts.stale,
        optional=(n_optional, open_optional),
    )
    phases = _phase_states_after(plan, old.phases, parts.phase_counts, touched_phases, set(changed))
    fields = plan.fields
    if phases is not None and any(fields[n].name == "status" and fields[n].phase is not None
                                  and parts.phase_counts[fields[n].phase].total == 0
                                  for n in compress(range(len(fields)), map(is_not, old_plan.fields, fields))):
        phases = None  # a phase's Status field changed: what phases say of themselves may have
    same_done = phases is not None  # no phase became done or undone
    if phases is None:
        phases = _phase_states(plan, parts.phase_counts)
    if not same_done and any((a.status == BLOCKED) != (b.status == BLOCKED) for a, b in zip(old.phases, phases)):
        nxt = next_task(plan, phases)
    else:
        # Nothing before the first changed item (or the old next task) can have
        # become a next task: look from there on.
        first = old.next_task if old.next_task is not None and not items[old.next_task].optional else len(items)
        nxt = next_task(plan, phases, start=min(min(affected, default=first), first))
    since = None
    if same_done:
        touched_fields = set(compress(range(len(plan.fields)), map(is_not, old_plan.fields, plan.fields)))
        since = (old, touched_cps, touched_phases, touched_fields)
    return assemble(plan, now, tasks, checks, phases, parts, nxt, since)


def marker_changes(old: Plan, new: Plan) -> list[int] | None:
    """The items whose marker changed, when ``new`` is ``old`` with only markers
    and field values changed (as :mod:`plantui.incremental` makes it); else None."""
    if new is old:
        return []
    if not same_structure(old, new):
        return None
    return list(compress(range(len(new.items)), map(is_not, old.items, new.items)))


def _phase_states_after(plan: Plan, old: tuple[PhaseState, ...], counts: tuple[Counts, ...], touched: set[int],
                        changed: set[int]) -> list[PhaseState] | None:
    """The phase states after a tick, when no phase became done or undone
    (then only the phases whose counts changed have new states); else None."""
    sections = {plan.items[k].section for k in changed}  # a phase's Progress entries share its item's list
    touched = touched | {ph.index for ph in plan.phases if ph.item_backed is not None
                         and (ph.item_backed in changed or (not ph.items and plan.items[ph.item_backed].section in sections))}
    states = list(old)
    for p in touched:
        ph = plan.phases[p]
        done, started = _phase_flags(plan, ph, counts[p])
        if done != (old[p].status == DONE):
            return None  # its dependants' statuses may change too
        states[p] = _phase_state(ph, counts[p], done, started, lambda d: old[d].status == DONE)
    return states


def fields_after(plan: Plan, old: Summary, states: dict[int, State],
                 now: datetime | None = None) -> tuple[FieldState, ...]:
    """The fields a tick could make plantui write, each in the state :func:`update`
    would give it: ``plan`` (summarized as ``old``) with the items at the keys of
    ``states`` in the states given, nothing else changed.

    Those are the fields worked out again (see :func:`_redone`) and those already
    out of date (``Parts.stale``), in file order.  All a tick needs before it
    writes, at the cost of what it touches: no new plan, no walk of every field
    (the summary follows after the write).
    """
    assert old.parts is not None
    items = plan.items
    tasks = old.tasks
    phase_counts = list(old.parts.phase_counts)
    touched: set[int] = set()
    n_optional, open_optional = old.parts.optional
    for k, state in states.items():
        item = items[k]
        if item.state is not state and item.kind is Kind.TASK:
            tasks = _task_moved(plan, item, item.state, state, tasks, phase_counts, touched)
            if item.optional:
                open_optional += item.state.closed - state.closed
    now = now or datetime.now()
    redone = _redone(old.parts, touched)
    optional = (n_optional, open_optional)
    return tuple(_field_state(n, plan.fields[n], phase_counts, tasks, now, optional) if n in redone else old.fields[n]
                 for n in sorted(redone.union(old.parts.stale)))


def _task_moved(plan: Plan, item: Item, was: State, now: State, tasks: Counts,
                phase_counts: list[Counts], touched: set[int]) -> Counts:
    """A task's box went from ``was`` to ``now``: the plan's task counts after it.
    It counts in its phase and in every phase around it: their ``phase_counts``
    are moved, and they are added to ``touched``."""
    p = item.phase
    while p is not None:
        phase_counts[p] = phase_counts[p].moved(was, now)
        touched.add(p)
        p = plan.phases[p].parent
    return tasks.moved(was, now)
