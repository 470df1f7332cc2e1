"""What deserves a notification between two reads of a plan.  Pure: no Textual.

:func:`events` compares two reads (each with its summary) and names what
happened: a phase done, a checkpoint ready, the plan done, a box un-ticked,
tasks gone.  :func:`stalled` says when nothing has changed for a while with
tasks open.  :func:`title_line` is the terminal title for a plan.

Each :class:`Event` is what the dashboard shows as a toast, what a user's
``--notify-cmd`` gets in its environment (:func:`environment`), and what a
desktop notification says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model import Plan, State
from .progress import Summary

PHASE_DONE, CHECKPOINT_READY, PLAN_DONE = "phase_done", "checkpoint_ready", "plan_done"
UNTICKED, SHRUNK, STALLED = "unticked", "shrunk", "stalled"
KINDS = (PHASE_DONE, CHECKPOINT_READY, PLAN_DONE, UNTICKED, SHRUNK, STALLED)
DEFAULT_KINDS = (PHASE_DONE, CHECKPOINT_READY, PLAN_DONE, UNTICKED)  # quiet enough for a split pane
WARNINGS = (UNTICKED, SHRUNK, STALLED)  # kinds shown as warnings: something went backwards or stopped
MAX_NAMED = 3  # more un-ticked tasks than this make one event, not one each


@dataclass(frozen=True)
class Event:
    kind: str  # one of KINDS
    plan: str  # the plan's path, as it was given
    title: str  # "Phase done: Phase 2: Core"
    detail: str = ""  # "5 of 5 tasks" / the tasks named
    line: int | None = None  # 1-based line in the plan, when the event is about one place

    @property
    def severity(self) -> str:
        """Textual's severity for its toast."""
        return "warning" if self.kind in WARNINGS else "information"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _n(n: int, word: str, words: str = "") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def _by_title(things, states) -> dict:
    """(title, occurrence) -> (thing, state): phases matched across two reads by their titles."""
    seen: Counter = Counter()
    res = {}
    for t, st in zip(things, states):
        seen[t.title] += 1
        res[(t.title, seen[t.title])] = (t, st)
    return res


def _by_text(items) -> dict:
    """(id, text, occurrence) -> item: items matched across two reads."""
    seen: Counter = Counter()
    res = {}
    for it in items:
        k = (it.id, _flat(it.text))
        seen[k] += 1
        res[(*k, seen[k])] = it
    return res


def _label(item) -> str:
    text = _flat(item.text)
    if item.id and not text.startswith(item.id):
        text = f"{item.id} {text}"
    return text if len(text) <= 60 else text[:59] + "…"


def events(old_plan: Plan, old: Summary, new_plan: Plan, new: Summary, plan: str = "") -> list[Event]:
    """What happened from one read (``old_plan`` and its summary) to the next.

    Un-ticked boxes are reported whoever un-ticked them; the caller drops them
    when the change was its own."""
    out: list[Event] = []
    old_phases = _by_title(old_plan.phases, old.phases)
    for k, (ph, st) in _by_title(new_plan.phases, new.phases).items():
        was = old_phases.get(k)
        if was is not None and was[1].status != "done" and st.status == "done":
            c = st.counts
            out.append(Event(PHASE_DONE, plan, f"Phase done: {_flat(ph.title)}",
                             f"{c.done} of {_n(c.countable, 'task')} done", ph.line))
    old_cps = _by_title(old_plan.checkpoints, old.checkpoints)
    for k, (cp, st) in _by_title(new_plan.checkpoints, new.checkpoints).items():
        was = old_cps.get(k)
        if was is not None and was[1].status == "pending" and st.status == "ready":
            out.append(Event(CHECKPOINT_READY, plan, f"Checkpoint ready: {_flat(cp.title)}",
                             f"{_n(st.counts.total, 'check')} to go through", cp.line))
    if new.tasks.complete and not old.tasks.complete:
        out.append(Event(PLAN_DONE, plan, f"Plan complete: all {_n(new.tasks.countable, 'task')} done",
                         _flat(new_plan.title or ""), None))
    if old.tasks.done or old.checks.done:  # (nothing done before: nothing to un-tick)
        out.extend(_unticked(old_plan, new_plan, plan))
    if new.tasks.total < old.tasks.total:
        now = _by_text(new_plan.tasks)
        gone = [it for k, it in _by_text(old_plan.tasks).items() if k not in now]
        named = ", ".join(_label(it) for it in gone[:MAX_NAMED]) + (" …" if len(gone) > MAX_NAMED else "")
        out.append(Event(SHRUNK, plan, f"Tasks removed: {old.tasks.total} → {new.tasks.total}", named, None))
    return out


def _unticked(old_plan: Plan, new_plan: Plan, plan: str) -> list[Event]:
    """Tasks done in ``old_plan`` and not done (nor skipped) in ``new_plan``."""
    from .after_tick import marker_changes

    changed = marker_changes(old_plan, new_plan)
    if changed is not None:  # only boxes changed: the items line up
        pairs = [(old_plan.items[k], new_plan.items[k]) for k in changed]
    else:  # matched by their keys (an id, else the text: Plan.item_keys, made once per plan and kept)
        before = dict(zip(old_plan.item_keys, old_plan.items))
        pairs = [(before[k], it) for k, it in zip(new_plan.item_keys, new_plan.items) if k in before]
    undone = [new for was, new in pairs
              if was.state is State.DONE and new.state not in (State.DONE, State.SKIPPED) and new.kind == was.kind]
    if not undone:
        return []
    if len(undone) <= MAX_NAMED:
        return [Event(UNTICKED, plan, f"Un-ticked: {_label(it)}", f"was done, now {it.state.value.replace('_', ' ')}",
                      it.line) for it in undone]
    named = ", ".join(_label(it) for it in undone[:MAX_NAMED]) + " …"
    return [Event(UNTICKED, plan, f"Un-ticked: {_n(len(undone), 'box', 'boxes')}", named, undone[0].line)]


def stalled(plan: Plan, summary: Summary, quiet_minutes: float, path: str = "") -> Event | None:
    """The "stalled" event when the plan has not changed for ``quiet_minutes`` and tasks are open."""
    if not summary.tasks.open:
        return None
    minutes = int(quiet_minutes)
    said = _n(minutes, "minute") if minutes >= 1 else "a while"
    nxt = summary.next_task
    detail = f"next: {_label(plan.items[nxt])}" if nxt is not None else f"{_n(summary.tasks.open, 'task')} open"
    return Event(STALLED, path, f"Stalled: no change for {said}", detail,
                 plan.items[nxt].line if nxt is not None else None)


def environment(event: Event) -> dict[str, str]:
    """The variables a user's notify command gets for ``event``."""
    return {
        "PLANTUI_EVENT": event.kind,
        "PLANTUI_PLAN": event.plan,
        "PLANTUI_TITLE": event.title,
        "PLANTUI_DETAIL": event.detail,
        "PLANTUI_LINE": "" if event.line is None else str(event.line),
    }


def current_phase(plan: Plan, summary: Summary) -> str:
    """The phase being worked on: the next task's, else the first one not done; "" when none."""
    nxt = summary.next_task
    if nxt is not None and plan.items[nxt].phase is not None:
        return _flat(plan.phases[plan.items[nxt].phase].title)
    for ph, st in zip(plan.phases, summary.phases):
        if st.status != "done":
            return _flat(ph.title)
    return ""


def title_line(name: str, plan: Plan, summary: Summary) -> str:
    """The terminal title for a plan: ``58% · Phase 3 · plan.md`` (``✓ done · plan.md`` once done)."""
    t = summary.tasks
    if not t.total:
        return f"no tasks · {name}"
    if t.complete:
        return f"✓ done · {name}"
    phase = current_phase(plan, summary)
    if len(phase) > 30:
        phase = phase[:29] + "…"
    return " · ".join(p for p in (f"{t.percent}%", phase, name) if p)
