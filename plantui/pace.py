"""How fast a plan is being done, and when it will be: pace, ETA, burn-up.  Pure.

Everything here works on :mod:`plantui.timeline` values (what the git
history, the event log and the plan's own timestamps saw) and on the plan as
parsed; only :func:`observed` reads anything, and it asks the sources that
exist.

Decisions, in plain words:

- A *completion* is an item's marker becoming done from not done.  The same
  completion seen by two sources (the event log, then the commit) counts once:
  an item already done counts again only after it was seen undone.  An item
  seen undone (a reset) counts minus one.
- The *pace* is measured over a window (7 days by default) that starts no
  earlier than the first completion seen: tasks done (net of resets) per day
  of that window, and per *active hour* (a clock hour with at least one
  completion in it).
- The *ETA* needs at least :data:`MIN_TICKS` completions in the window; with
  fewer it says "not enough history".  Its range is honest about how uneven
  the days were: the days of the window are resampled (a bootstrap, fixed
  seed, so the same history always gives the same range), and the 10th and
  90th percentiles of the resampled daily rates give the late and the early
  end.  Even days give a narrow range; a day of bursts and a day of nothing
  give a wide one, or no late end at all (as does a history of one day).
- *Estimates* (``_Estimated: 2 hours_``, ``Estimate: 3h``, ``~2d`` detail
  bullets) are work hours: a day is 8 of them, a week 40.  The open tasks'
  estimates add up to the work left, a second ETA once the pace says how many
  active hours a day the plan gets.
- An ExecPlan's ``- [x] (2025-10-01 13:00Z) Step`` is a completion at that
  time; a time without a zone is this machine's local time.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Sequence

from .config import DEFAULT, Settings
from .model import Item, Plan, State
from .timeline import Point, Tick

WINDOW = timedelta(days=7)
MIN_TICKS = 5
WORK_DAY = 8.0  # hours of work in a "1d" estimate
WORK_WEEK = 40.0
SEED = 17
ROUNDS = 1000
DAY = timedelta(days=1)


# --- what was seen -----------------------------------------------------------


@dataclass(frozen=True)
class Observed:
    """Everything known about a plan's past: ticks and counts, oldest first."""

    ticks: tuple[Tick, ...] = ()
    points: tuple[Point, ...] = ()
    sources: tuple[str, ...] = ()  # which sources answered: "plan", "events", "git"


_STAMP = re.compile(
    r"^\(\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?\s*\)\s*")


def stamp_of(text: str) -> datetime | None:
    """The time an ExecPlan step was written done at: ``(2025-10-01 13:00Z) Step``."""
    m = _STAMP.match(text)
    if not m:
        return None
    day, hh, mm, ss, zone = m.groups()
    try:
        at = datetime.fromisoformat(day).replace(hour=int(hh or 0), minute=int(mm or 0), second=int(ss or 0))
    except ValueError:
        return None
    if zone in ("Z", "UTC"):
        return at.replace(tzinfo=timezone.utc)
    if zone:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        return at.replace(tzinfo=timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))))
    return at.astimezone()  # no zone: local time


def item_key(item: Item) -> str:
    """How a tick names an item: its id, else its text (without an ExecPlan time stamp)."""
    return item.id or _STAMP.sub("", item.text, count=1)


def plan_ticks(plan: Plan, path: str = "") -> tuple[Tick, ...]:
    """The completions a plan wrote itself: each done item whose text starts with a time stamp."""
    out = []
    for it in plan.items:
        if it.state is State.DONE:
            at = stamp_of(it.text)
            if at is not None:
                out.append(Tick(at, path, item_key(it), " ", it.marker, "plan"))
    out.sort(key=lambda t: t.at)
    return tuple(out)


def observed(path: str | Path, plan: Plan, *, git: bool = False) -> Observed:
    """What is known of ``plan``'s past (the plan at ``path``): its own time stamps, the
    event log and, with ``git``, the plan's git history (one ``git log`` and a read of
    every version: the burn-up chart and ``status --git`` ask for it; the header, watch
    and a plain ``status`` do not, to stay quick).

    A source that cannot answer (not a git repository, a database that is locked) is
    left out: the pace is worked out from the others.
    """
    where = str(Path(path).resolve())
    ticks = list(plan_ticks(plan, where))
    points: list[Point] = []
    sources = ["plan"] if ticks else []
    from .eventlog import EventLog, default_path, item_names

    if default_path().is_file():  # reading never creates the database
        log = EventLog(quiet=True)
        try:
            logged = log.ticks(where)
            if logged and (git or ticks):
                # The log names an item "2.1 Add a cache"; git and the plan's stamps name it as
                # a tick does ("2.1"): in one name, a tick seen by two sources counts once.
                named = dict(zip(item_names(plan), map(item_key, plan.items)))
                logged = [replace(t, item=named.get(t.item, t.item)) for t in logged]
            ticks += logged
            points += log.points(where)
            sources.append("events")
        except Exception:  # noqa: BLE001 - a log that cannot answer leaves the others
            pass
        finally:
            log.close()
    if git:
        from .errors import PlanError
        from .history import read_history

        try:
            story = read_history(Path(where))
            points += story.points()
            ticks += story.ticks()
            sources.append("git")
        except (PlanError, OSError):  # not a repository, git missing, file not tracked
            pass
    ticks.sort(key=lambda t: t.at)
    points.sort(key=lambda p: p.at)
    return Observed(tuple(ticks), tuple(points), tuple(sources))


# --- completions and pace ----------------------------------------------------


def completions(ticks: Iterable[Tick], settings: Settings = DEFAULT) -> list[tuple[datetime, int, str]]:
    """Each completion (+1) and reset (-1), as (time, step, item), oldest first.

    An item seen done again while already done (two sources, one event) does
    not count twice; an item seen undone while done is a reset.  An item removed
    keeps its state: one back as it was (a file emptied and written again, as some
    editors save) is no news."""
    done: dict[str, bool] = {}
    out = []
    for t in sorted(ticks, key=lambda t: t.at):
        key = _STAMP.sub("", t.item, count=1)  # as item_key names it
        was = done.get(key)
        if was is None:
            was = t.old is not None and settings.state_of(t.old) is State.DONE
        if t.new is None:  # removed
            done[key] = was
            continue
        now_done = settings.state_of(t.new) is State.DONE
        if now_done and not was:
            out.append((t.at, 1, key))
        elif was and not now_done:
            out.append((t.at, -1, key))
        done[key] = now_done
    return out


@dataclass(frozen=True)
class Pace:
    """How fast tasks were done over the window that ends ``now``."""

    now: datetime
    window: timedelta
    since: datetime | None  # the start of what was measured; None: nothing seen in the window
    done: int  # completions less resets in the window
    completed: int  # completions in the window
    undone: int  # resets in the window
    active_hours: int  # clock hours with at least one completion
    days: int  # days measured (whole days back from now)
    daily: tuple[int, ...]  # net done on each of those days, oldest first

    @property
    def per_day(self) -> float:
        return self.done / self.days if self.days else 0.0

    @property
    def per_active_hour(self) -> float:
        return self.done / self.active_hours if self.active_hours else 0.0

    @property
    def hours_per_day(self) -> float:
        """Active hours a day, over the days measured."""
        return self.active_hours / self.days if self.days else 0.0


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.astimezone()


def pace(ticks: Iterable[Tick], *, now: datetime | None = None, window: timedelta = WINDOW,
         settings: Settings = DEFAULT) -> Pace:
    """The pace over ``window`` before ``now``."""
    now = _aware(now or datetime.now(timezone.utc))
    start = now - window
    steps = [(at, n, k) for at, n, k in completions(ticks, settings) if start <= at <= now]
    if not steps:
        return Pace(now, window, None, 0, 0, 0, 0, 0, ())
    since = steps[0][0]
    days = max(1, math.ceil((now - since) / DAY))
    daily = [0] * days
    hours = set()
    for at, n, _ in steps:
        back = min(days - 1, int((now - at) / DAY))
        daily[days - 1 - back] += n
        if n > 0:
            hours.add(at.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0))
    completed = sum(1 for _, n, _ in steps if n > 0)
    undone = len(steps) - completed
    return Pace(now, window, since, completed - undone, completed, undone, len(hours), days, tuple(daily))


# --- ETA --------------------------------------------------------------------


@dataclass(frozen=True)
class Eta:
    """When ``remaining`` tasks will be done at the pace seen.

    ``state``: "done" (nothing left), "not enough history" (fewer than
    ``needed`` completions in the window), "stalled" (no net progress in the
    window) or "estimated" (``likely`` within ``early`` … ``late``; ``late``
    None when a slow stretch like the slowest days seen would never finish)."""

    scope: str
    remaining: int
    state: str
    completed: int = 0
    needed: int = MIN_TICKS
    likely: datetime | None = None
    early: datetime | None = None
    late: datetime | None = None


def _percentile(values: Sequence[float], q: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def rate_range(daily: Sequence[int]) -> tuple[float, float]:
    """The 10th and 90th percentiles of the mean daily rate, over :data:`ROUNDS` resamplings of the days."""
    if len(set(daily)) <= 1:
        rate = float(daily[0]) if daily else 0.0
        return rate, rate
    rng = random.Random(SEED)
    n = len(daily)
    means = [sum(rng.choice(daily) for _ in range(n)) / n for _ in range(ROUNDS)]
    return _percentile(means, 0.10), _percentile(means, 0.90)


def eta(remaining: int, p: Pace, *, scope: str = "plan", min_ticks: int = MIN_TICKS) -> Eta:
    """When ``remaining`` tasks will be done, at pace ``p``."""
    if remaining <= 0:
        return Eta(scope, 0, "done", p.completed, min_ticks)
    if p.completed < min_ticks:
        return Eta(scope, remaining, "not enough history", p.completed, min_ticks)
    if p.per_day <= 0:
        return Eta(scope, remaining, "stalled", p.completed, min_ticks)
    slow, fast = rate_range(p.daily)
    likely = p.now + DAY * (remaining / p.per_day)
    early = p.now + DAY * (remaining / fast) if fast > 0 else None
    late = p.now + DAY * (remaining / slow) if slow > 0 else None
    if early is None or early > likely:
        early = likely
    if p.days < 2:  # one day says nothing of how the next ones go: no late end
        late = None
    return Eta(scope, remaining, "estimated", p.completed, min_ticks, likely, early, late)


# --- estimates --------------------------------------------------------------

_NUM = r"(\d+(?:[.,]\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:[.,]\d+)?))?"
_UNIT = r"(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)(?![a-z])"
_ESTIMATE = re.compile(
    r"^[\s_*]*(?:estimated?(?:\s+time)?|est\.?|effort)[\s_*]*[:=][\s_*]*~?\s*" + _NUM + r"\s*" + _UNIT, re.I)
_TILDE = re.compile(r"^[\s_*]*~\s*" + _NUM + r"\s*" + _UNIT + r"[\s_*.]*$", re.I)
_HOURS = {"m": 1 / 60, "h": 1.0, "d": WORK_DAY, "w": WORK_WEEK}


def estimate_hours(text: str) -> float | None:
    """Work hours a detail bullet gives: ``_Estimated: 2 hours_``, ``Estimate: 3h``, ``~2d``,
    ``Estimate: 2-3 days`` (the middle of a range); None when it gives none."""
    m = _ESTIMATE.match(text) or _TILDE.match(text)
    if not m:
        return None
    low = float(m.group(1).replace(",", "."))
    high = float(m.group(2).replace(",", ".")) if m.group(2) else low
    unit = m.group(3).lower()
    return (low + high) / 2 * _HOURS["m" if unit.startswith("m") else unit[0]]


def item_estimate(item: Item) -> float | None:
    """The work hours an item's detail bullets give (the first that gives one)."""
    for d in item.details:
        h = estimate_hours(d)
        if h is not None:
            return h
    return None


@dataclass(frozen=True)
class Estimates:
    """The estimates of open tasks: hours of work left, on how many of the open tasks."""

    hours: float
    estimated: int
    open: int


def estimates(plan: Plan) -> Estimates:
    """The estimated work left on the open tasks.
    A task whose subtasks carry estimates counts through them, not twice."""
    chosen = list(plan.tasks)
    own = {it.index: h for it in plan.items if it.details and (h := item_estimate(it)) is not None}
    if not own:
        return Estimates(0.0, 0, sum(1 for it in chosen if not it.state.closed and it.kind.value == "task"))

    def below(it: Item) -> bool:
        return any(k in own or below(plan.items[k]) for k in it.children)

    hours, estimated, open_ = 0.0, 0, 0
    for it in chosen:
        if it.state.closed or it.kind.value != "task":
            continue
        if it.children and below(it):
            continue  # its subtasks are counted
        open_ += 1
        if it.index in own:
            hours += own[it.index]
            estimated += 1
    return Estimates(hours, estimated, open_)


# --- a plan's outlook: what status and the header show ----------------------


@dataclass(frozen=True)
class Outlook:
    """Pace, the plan's ETA, the current phase's, and the estimates of the work left."""

    pace: Pace
    plan: Eta
    phase: Eta | None
    work: Estimates
    work_done_at: datetime | None  # when the estimated work is done, at the active hours a day seen


def current_phase(plan: Plan, summary) -> int | None:
    """The phase being worked on: the first that is in progress, else the first not done."""
    states = list(zip(plan.phases, summary.phases))
    for ph, st in states:
        if st.status == "in progress" and st.counts.countable:
            return ph.index
    for ph, st in states:
        if st.status != "done" and st.counts.countable:
            return ph.index
    return None


def outlook(plan: Plan, summary, seen: Observed, *, now: datetime | None = None, window: timedelta = WINDOW,
            settings: Settings = DEFAULT) -> Outlook:
    """The pace and ETAs of ``plan`` from what was ``seen``."""
    p = pace(seen.ticks, now=now, window=window, settings=settings)
    t = summary.tasks
    whole = eta(t.countable - t.done, p)
    phase = None
    k = current_phase(plan, summary)
    if k is not None:
        ph, st = plan.phases[k], summary.phases[k]
        phase = eta(st.counts.countable - st.counts.done, p, scope=ph.title)
    work = estimates(plan)
    done_at = None
    if work.estimated and p.completed >= MIN_TICKS and p.hours_per_day > 0:
        done_at = p.now + DAY * (work.hours / p.hours_per_day)
    return Outlook(p, whole, phase, work, done_at)


# --- words ------------------------------------------------------------------


def _num(x: float) -> str:
    return f"{x:.0f}" if x >= 10 or x == int(x) else f"{x:.1f}"


def _day(at: datetime, now: datetime) -> str:
    """A day as a person says it from ``now``: today, tomorrow, Thu, 12 Oct."""
    d, today = at.date(), now.date()
    if d == today:
        return "today"
    if d == today + DAY:
        return "tomorrow"
    if d - today < timedelta(days=7):
        return at.strftime("%a")
    return f"{d.day} {at.strftime('%b')}" + (f" {d.year}" if d.year != today.year else "")


def when(e: Eta, now: datetime | None = None) -> str:
    """``Thu–Fri``, ``today``, ``12–19 Oct``, ``Thu or later``: an estimated ETA's days."""
    assert e.likely is not None and e.early is not None
    now = _aware(now or datetime.now(timezone.utc)).astimezone()
    first = _day(e.early.astimezone(), now)
    if e.late is None:
        return f"{first} or later"
    last = _day(e.late.astimezone(), now)
    return first if first == last else f"{first}–{last}"


def hours_text(hours: float) -> str:
    """``45m``, ``3h``, ``2.5d`` (work days of 8 hours)."""
    if hours < 1:
        return f"{max(1, round(hours * 60))}m"
    if hours < WORK_DAY:
        return f"{_num(hours)}h"
    return f"{_num(hours / WORK_DAY)}d"


def eta_text(e: Eta, now: datetime | None = None) -> str:
    """The ETA in a few words, for a header or a status line: ``ETA Thu–Fri``, ``done``,
    ``no ETA (3/5 ticks)``, ``stalled``."""
    if e.state == "done":
        return "done"
    if e.state == "not enough history":
        return f"no ETA ({e.completed}/{e.needed} ticks)"
    if e.state == "stalled":
        return "stalled"
    return f"ETA {when(e, now)}"


def pace_text(p: Pace) -> str:
    """``pace 4/day``: short, for a header."""
    return f"pace {_num(p.per_day)}/day" if p.completed else "no pace yet"


def lines(o: Outlook, now: datetime | None = None) -> list[str]:
    """The outlook in sentences, for ``plantui status``."""
    p = o.pace
    days = p.window.days if p.window.days and not p.window.seconds else None
    span = f"the last {days} days" if days else f"the last {p.window}"
    out = []
    if p.completed:
        undone = f", {p.undone} undone" if p.undone else ""
        measured = f"{p.days} day{'s' if p.days != 1 else ''}"
        rate = _num(p.per_day)
        out.append(f"Pace: {rate} task{'' if rate == '1' else 's'}/day, {_num(p.per_active_hour)} per active hour "
                   f"({p.completed} done{undone} in {measured}, {p.active_hours} active hour"
                   f"{'s' if p.active_hours != 1 else ''}; window: {span})")
    else:
        out.append(f"Pace: no task seen done in {span}")
    for e in (o.plan, o.phase):
        if e is None:
            continue
        name = "plan" if e.scope == "plan" else e.scope
        if e.state == "estimated":
            assert e.likely is not None
            likely = _day(e.likely.astimezone(), _aware(now or p.now).astimezone())
            out.append(f"ETA ({name}): {when(e, now or p.now)}, likely {likely}, {e.remaining} tasks left")
        elif e.state == "not enough history":
            out.append(f"ETA ({name}): not enough history ({e.completed} of {e.needed} ticks needed in {span})")
        elif e.state == "stalled":
            out.append(f"ETA ({name}): none, no net progress in {span}")
        else:
            out.append(f"ETA ({name}): done")
    w = o.work
    if w.estimated:
        tail = f", done {_day(o.work_done_at.astimezone(), _aware(now or p.now).astimezone())} at " \
               f"{_num(p.hours_per_day)} active hours a day" if o.work_done_at else ""
        out.append(f"Estimates: {hours_text(w.hours)} of work left on {w.estimated} of {w.open} open tasks{tail}")
    return out


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")


def eta_json(e: Eta | None) -> dict | None:
    if e is None:
        return None
    return {"scope": e.scope, "state": e.state, "remaining": e.remaining, "completed": e.completed,
            "needed": e.needed, "likely": _iso(e.likely), "early": _iso(e.early), "late": _iso(e.late)}


def to_json(o: Outlook) -> dict:
    """The ``"pace"`` and ``"eta"`` keys of ``plantui status --json``."""
    p = o.pace
    return {
        "pace": {"window_days": p.window / DAY, "since": _iso(p.since), "done": p.done, "completed": p.completed,
                 "undone": p.undone, "days": p.days, "active_hours": p.active_hours,
                 "per_day": round(p.per_day, 3), "per_active_hour": round(p.per_active_hour, 3)},
        "eta": {"plan": eta_json(o.plan), "phase": eta_json(o.phase),
                "estimates": {"hours_left": round(o.work.hours, 2), "estimated": o.work.estimated,
                              "open": o.work.open, "done_at": _iso(o.work_done_at)}},
    }


# --- burn-up ----------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A burn-up: done and total at each time, oldest first (steps: each value holds until the next)."""

    title: str
    at: tuple[datetime, ...]
    done: tuple[int, ...]
    total: tuple[int, ...]


def burnup(plan: Plan, summary, seen: Observed, *, phase: int | None = None, now: datetime | None = None) -> Series:
    """Done against total over time, for the plan or one phase, ending with the plan as it is now.

    The plan's counts come from the points seen (the event log, git) when there
    are some: the total then grows as it grew.  Otherwise, and for a phase,
    the done count is worked back from now through the completions seen, and
    the total is the one of now."""
    now = _aware(now or datetime.now(timezone.utc))
    if phase is None:
        done_now, total_now, title = summary.tasks.done, summary.tasks.countable, "Plan"
        keys = None
    else:
        ph, st = plan.phases[phase], summary.phases[phase]
        done_now, total_now, title = st.counts.done, st.counts.countable, ph.title
        keys = {item_key(plan.items[k]) for k in ph.items}
    points = [p for p in seen.points if p.at <= now] if phase is None else []
    steps = [(t, n) for t, n, k in completions(seen.ticks) if t <= now and (keys is None or k in keys)]
    if points:  # before the first point, the completions seen earlier (the plan's own stamps) tell the story
        first = points[0]
        before = _steps_to(first.done, [(t, n) for t, n in steps if t < first.at], first.at)[:-1]
        at = [t for t, _ in before] + [p.at for p in points] + [now]
        return Series(title, tuple(at), tuple(d for _, d in before) + tuple(p.done for p in points) + (done_now,),
                      (first.total,) * len(before) + tuple(p.total for p in points) + (total_now,))
    walked = _steps_to(done_now, steps, now)
    return Series(title, tuple(t for t, _ in walked), tuple(d for _, d in walked), (total_now,) * len(walked))


def _steps_to(level: int, steps: list[tuple[datetime, int]], end: datetime) -> list[tuple[datetime, int]]:
    """The done count over time, worked back from ``level`` at ``end`` through ``steps`` (time, +1/-1)
    before it: a point just before the first step, one per step, and one at ``end``."""
    level -= sum(n for _, n in steps)
    out = [(steps[0][0] - timedelta(seconds=1), level)] if steps else []
    for t, n in steps:
        level += n
        out.append((t, level))
    out.append((end, level))
    return out



def short_text(o: Outlook, now: datetime | None = None) -> str:
    """``pace 4/day · ETA Thu–Fri``: for the dashboard's header and watch; "" when nothing was seen done."""
    if not o.pace.completed:
        return ""
    return f"{pace_text(o.pace)} · {eta_text(o.plan, now)}"
