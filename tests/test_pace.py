"""Pace, ETA, estimates and the burn-up: against known paces, made tick by tick."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from plantui import pace as P
from plantui.parser import parse
from plantui.progress import summarize
from plantui.timeline import Point, Tick

NOW = datetime(2026, 3, 4, 18, 0, tzinfo=timezone.utc)  # a Wednesday
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _own_folders(tmp_path, monkeypatch):
    """The event log (when it is there) and every cache live in the test's folder, never the real home."""
    for var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


def done(at: datetime, item: str, origin: str = "here") -> Tick:
    return Tick(at, "/p/plan.md", item, " ", "x", origin)


def undone(at: datetime, item: str) -> Tick:
    return Tick(at, "/p/plan.md", item, "x", " ", "here")


def steady(per_day: int, days: int) -> list[Tick]:
    """``per_day`` ticks on each of the last ``days`` days, each in its own hour."""
    return [done(NOW - k * DAY - timedelta(hours=1 + n), f"t{k}.{n}") for k in range(days) for n in range(per_day)]


# --- pace ---------------------------------------------------------------------


def test_a_steady_pace_is_measured_exactly():
    p = P.pace(steady(2, 7), now=NOW)
    assert (p.completed, p.done, p.undone) == (14, 14, 0)
    assert p.days == 7 and p.daily == (2,) * 7
    assert p.per_day == 2.0
    assert p.active_hours == 14 and p.per_active_hour == 1.0


def test_active_hours_are_clock_hours_with_a_tick():
    # three ticks in one hour, three in another, on one day: 6 done in 2 active hours
    base = NOW - timedelta(hours=5)
    ticks = [done(base.replace(minute=m), f"a{m}") for m in (1, 20, 50)]
    ticks += [done(base.replace(minute=m) + timedelta(hours=2), f"b{m}") for m in (5, 6, 7)]
    p = P.pace(ticks, now=NOW)
    assert p.active_hours == 2 and p.per_active_hour == 3.0
    assert p.days == 1 and p.per_day == 6.0


def test_the_window_leaves_out_older_ticks():
    ticks = steady(1, 30)
    assert P.pace(ticks, now=NOW).completed == 7
    p = P.pace(ticks, now=NOW, window=timedelta(days=14))
    assert p.completed == 14 and p.per_day == 1.0


def test_the_same_completion_seen_twice_counts_once_and_a_reset_counts_minus_one():
    at = NOW - timedelta(hours=3)
    ticks = [done(at, "1.1", "here"), done(at + timedelta(minutes=30), "1.1", "git"),  # one event, two sources
             done(at, "1.2"), undone(at + timedelta(hours=1), "1.2"),  # a reset
             done(at + timedelta(hours=2), "1.2")]  # done again: counts again
    steps = P.completions(ticks)
    assert [(n, k) for _, n, k in steps] == [(1, "1.1"), (1, "1.2"), (-1, "1.2"), (1, "1.2")]
    p = P.pace(ticks, now=NOW)
    assert (p.completed, p.undone, p.done) == (3, 1, 2)


def test_an_execplan_stamp_and_a_tick_of_the_same_step_are_one_completion():
    at = datetime(2026, 3, 4, 13, 0, tzinfo=timezone.utc)
    ticks = [Tick(at, "/p", "Wire the CLI", " ", "x", "here"),
             Tick(at + timedelta(minutes=1), "/p", "(2026-03-04 13:00Z) Wire the CLI", " ", "x", "plan")]
    assert len(P.completions(ticks)) == 1


# --- ETA ----------------------------------------------------------------------


def test_eta_at_a_steady_pace_is_exact_and_its_range_is_narrow():
    p = P.pace(steady(2, 7), now=NOW)
    e = P.eta(10, p)
    assert e.state == "estimated"
    assert e.likely == e.early == e.late == NOW + 5 * DAY


def test_eta_of_uneven_days_is_a_range_around_the_likely_day():
    ticks = [done(NOW - k * DAY - timedelta(hours=1 + n), f"t{k}.{n}") for k in range(0, 8, 2) for n in range(4)]
    p = P.pace(ticks, now=NOW)  # 4 done every other day: 16 in 7 days
    assert p.daily == (4, 0, 4, 0, 4, 0, 4) and p.per_day == pytest.approx(16 / 7)
    e = P.eta(16, p)
    assert e.likely == NOW + 7 * DAY
    assert e.early < e.likely < e.late
    assert P.eta(16, p) == e  # a fixed seed: the same history, the same range


def test_eta_without_a_late_end_when_the_slow_days_do_nothing():
    ticks = [done(NOW - 6 * DAY + timedelta(minutes=n), f"t{n}") for n in range(6)]  # a burst, then nothing
    e = P.eta(3, P.pace(ticks, now=NOW))
    assert e.state == "estimated" and e.late is None
    assert P.eta_text(e, NOW).endswith("or later")


def test_eta_needs_enough_ticks_and_says_so():
    p = P.pace(steady(1, 4), now=NOW)
    e = P.eta(3, p)
    assert e.state == "not enough history" and e.likely is None
    assert P.eta_text(e, NOW) == "no ETA (4/5 ticks)"
    assert P.eta(3, p, min_ticks=4).state == "estimated"


def test_eta_when_done_and_when_stalled():
    p = P.pace(steady(1, 7), now=NOW)
    assert P.eta(0, p).state == "done" and P.eta_text(P.eta(0, p)) == "done"
    ticks = steady(1, 5) + [undone(NOW - timedelta(minutes=k), f"t{k}.0") for k in range(5)]
    stalled = P.eta(3, P.pace(ticks, now=NOW))
    assert stalled.state == "stalled" and P.eta_text(stalled) == "stalled"


def test_eta_text_says_days_as_a_person_does():
    wed = NOW  # Wednesday 18:00 UTC
    e = P.Eta("plan", 4, "estimated", 9, 5, wed + 1.5 * DAY, wed + DAY, wed + 2 * DAY)
    local = wed.astimezone()
    thu, fri = (local + DAY).strftime("%a"), (local + 2 * DAY).strftime("%a")
    assert P.eta_text(e, wed) == f"ETA tomorrow–{fri}" or P.eta_text(e, wed) == f"ETA {thu}–{fri}"
    far = P.Eta("plan", 40, "estimated", 9, 5, wed + 20 * DAY, wed + 20 * DAY, wed + 20 * DAY)
    d = (wed + 20 * DAY).astimezone()
    assert P.eta_text(far, wed) == f"ETA {d.day} {d.strftime('%b')}"


# --- ExecPlan time stamps and estimates ----------------------------------------

EXECPLAN = """\
# Ship it

## Progress

- [x] (2026-03-01 09:00Z) Write the parser
- [x] (2026-03-01 11:30Z) Write the model
- [x] (2026-03-02 10:00+02:00) Tests
- [x] Wire the CLI
- [ ] (2026-03-03 10:00Z) Not done, so not a tick
- [ ] Release notes
  - _Estimated: 2 hours_
- [ ] Publish
  - Estimate: 1d
- [ ] Announce
  - ~30m
- [ ] Parent
  - Estimate: 2-4h
  - [ ] Child one
    - Estimate: 3h
  - [ ] Child two
"""


def test_execplan_stamps_are_ticks():
    plan = parse(EXECPLAN)
    ticks = P.plan_ticks(plan, "/p/plan.md")
    assert [(t.at, t.item, t.origin) for t in ticks] == [
        (datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc), "Write the parser", "plan"),
        (datetime(2026, 3, 1, 11, 30, tzinfo=timezone.utc), "Write the model", "plan"),
        (datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc), "Tests", "plan"),
    ]
    assert P.stamp_of("(2026-03-01) Step") == datetime(2026, 3, 1).astimezone()  # no zone: local time
    assert P.stamp_of("(2026-13-01 10:00Z) Step") is None and P.stamp_of("Step (2026-03-01)") is None


@pytest.mark.parametrize("text,hours", [
    ("_Estimated: 2 hours_", 2.0), ("Estimate: 3h", 3.0), ("~2d", 16.0), ("**Estimate:** 1.5 hrs", 1.5),
    ("Estimate: 2-3 days", 20.0), ("est: 45 min", 0.75), ("Effort: 1w", 40.0), ("estimated time: 90m", 1.5),
    ("Estimate: soon", None), ("about ~2d of work", None), ("Note: 3h on the phone", None),
])
def test_estimate_bullets(text, hours):
    assert P.estimate_hours(text) == hours


def test_estimates_of_open_tasks_count_a_parent_through_its_children():
    w = P.estimates(parse(EXECPLAN))
    # release notes 2h + publish 8h + announce 0.5h + child one 3h (the parent's own 3h is its children's)
    assert w.hours == 13.5 and w.estimated == 4
    assert w.open == 6  # the parent is counted through its two children, not as a seventh


# --- outlook, status ------------------------------------------------------------

PHASED = """\
# Phased

## Phase 1: Base

- [x] 1.1 One
- [x] 1.2 Two

## Phase 2: Build

- [x] 2.1 Three
- [ ] 2.2 Four
- [ ] 2.3 Five

## Phase 3: Ship

- [ ] 3.1 Six
- [ ] 3.2 Seven
"""


def test_outlook_gives_the_plan_and_the_current_phase():
    plan = parse(PHASED)
    summary = summarize(plan)
    o = P.outlook(plan, summary, P.Observed(tuple(steady(1, 7))), now=NOW)
    assert o.pace.per_day == 1.0
    assert (o.plan.remaining, o.plan.likely) == (4, NOW + 4 * DAY)
    assert o.phase is not None and o.phase.scope == "Phase 2: Build"
    assert (o.phase.remaining, o.phase.likely) == (2, NOW + 2 * DAY)
    doc = P.to_json(o)
    assert doc["pace"]["per_day"] == 1.0 and doc["pace"]["completed"] == 7
    assert doc["eta"]["plan"]["likely"] == (NOW + 4 * DAY).isoformat()
    assert doc["eta"]["phase"]["remaining"] == 2
    text = "\n".join(P.lines(o, NOW))
    assert "Pace: 1 task/day, 1 per active hour (7 done in 7 days, 7 active hours" in text
    assert "ETA (Phase 2: Build):" in text and "2 tasks left" in text


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_status_shows_pace_and_eta_from_the_plans_own_stamps(tmp_path):
    lines = [f"- [x] ({(datetime.now(timezone.utc) - timedelta(hours=3 * k + 1)):%Y-%m-%d %H:%MZ}) Step {k}"
             for k in range(6)]
    plan = tmp_path / "plan.md"
    plan.write_text("# Steps\n\n## Progress\n\n" + "\n".join(lines) + "\n- [ ] Last\n  - Estimate: 2h\n",
                    encoding="utf-8")
    before = plan.read_bytes()
    out = run("status", plan)
    assert out.returncode == 0, out.stderr
    assert "Pace: " in out.stdout and "6 done in 1 day" in out.stdout and "ETA (plan): " in out.stdout
    assert "Estimates: 2h of work left on 1 of 1 open tasks" in out.stdout
    doc = json.loads(run("status", plan, "--json").stdout)
    assert doc["schema"] == 1
    one = doc["plans"][0]
    assert one["pace"]["completed"] == 6 and one["eta"]["plan"]["state"] == "estimated"
    assert one["eta"]["plan"]["remaining"] == 1 and one["eta"]["estimates"]["hours_left"] == 2.0
    assert plan.read_bytes() == before  # status never writes


def test_status_without_history_adds_no_lines_but_says_so_in_json(tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text("# P\n\n- [x] a\n- [ ] b\n", encoding="utf-8")
    out = run("status", plan)
    assert "Pace" not in out.stdout and "ETA" not in out.stdout
    one = json.loads(run("status", plan, "--json").stdout)["plans"][0]
    assert one["pace"]["completed"] == 0 and one["eta"]["plan"]["state"] == "not enough history"


@pytest.mark.parametrize("window", ["0", "-3", "soon"])
def test_a_bad_window_is_one_line_and_exit_2(tmp_path, window):
    plan = tmp_path / "plan.md"
    plan.write_text("# P\n\n- [ ] a\n", encoding="utf-8")
    out = run("status", plan, "--window", window)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_window_days_in_status(tmp_path):
    lines = [f"- [x] ({(datetime.now(timezone.utc) - timedelta(days=k, hours=1)):%Y-%m-%d %H:%MZ}) Step {k}"
             for k in range(10)]
    plan = tmp_path / "plan.md"
    plan.write_text("# Steps\n\n" + "\n".join(lines) + "\n- [ ] Last\n", encoding="utf-8")
    short = json.loads(run("status", plan, "--json", "--window", "3").stdout)["plans"][0]["pace"]
    long = json.loads(run("status", plan, "--json", "--window", "30d").stdout)["plans"][0]["pace"]
    assert (short["completed"], long["completed"]) == (3, 10)


# --- burn-up --------------------------------------------------------------------


def test_burnup_of_the_plan_follows_the_points_and_ends_now():
    plan = parse(PHASED)
    summary = summarize(plan)
    points = (Point(NOW - 3 * DAY, 0, 5, "git"), Point(NOW - 2 * DAY, 2, 5, "git"),
              Point(NOW - DAY, 1, 7, "git"))  # a reset, and the total grew
    s = P.burnup(plan, summary, P.Observed((), points), now=NOW)
    assert s.done == (0, 2, 1, 3) and s.total == (5, 5, 7, 7) and s.at[-1] == NOW


def test_burnup_of_the_plan_goes_back_before_its_first_point_through_earlier_ticks():
    """A dashboard records the plan's first point when it opens; the plan's own stamps
    (or ticks seen before) still tell what came before that point.  The chart was
    flat at the point's count when the point happened to be recorded first."""
    plan = parse(PHASED)
    summary = summarize(plan)
    ticks = (done(NOW - 3 * DAY, "1.1"), done(NOW - 2 * DAY, "2.1"), done(NOW - 0.5 * DAY, "1.2"))
    points = (Point(NOW - DAY, 2, 7, "here"),)
    s = P.burnup(plan, summary, P.Observed(ticks, points), now=NOW)
    assert s.done == (0, 1, 2, 2, 3) and s.total == (7, 7, 7, 7, 7)
    assert s.at[1:3] == (NOW - 3 * DAY, NOW - 2 * DAY) and s.at[3] == NOW - DAY and s.at[-1] == NOW
    assert list(s.at) == sorted(s.at)


def test_burnup_of_a_phase_is_worked_back_from_now_through_its_ticks():
    plan = parse(PHASED)
    summary = summarize(plan)
    ticks = (done(NOW - 3 * DAY, "1.1"), done(NOW - 2 * DAY, "2.1"), done(NOW - DAY, "1.2"), undone(NOW - 0.5 * DAY, "1.2"),
             done(NOW - 0.25 * DAY, "1.2"))
    s = P.burnup(plan, summary, P.Observed(ticks), phase=0, now=NOW)
    assert s.title == "Phase 1: Base"
    assert s.done == (0, 1, 2, 1, 2, 2) and set(s.total) == {2}
    whole = P.burnup(plan, summary, P.Observed(ticks), now=NOW)  # no points: from the ticks
    assert whole.done[0] == 0 and whole.done[-1] == 3 and set(whole.total) == {7}


def test_observed_reads_the_plans_stamps(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(EXECPLAN, encoding="utf-8")
    seen = P.observed(path, parse(EXECPLAN))
    assert "plan" in seen.sources
    assert [t.item for t in seen.ticks if t.origin == "plan"] == ["Write the parser", "Write the model", "Tests"]


# --- the dashboard, the burn-up screen, watch -------------------------------------

from pilot import loaded, wait_for  # noqa: E402

from plantui.ui.app import PlantuiApp  # noqa: E402
from plantui.ui.widgets import burnup as burnup_widget  # noqa: E402


def stamped_plan(tmp_path, per_phase: int = 4):
    """Two phases; the first done with ExecPlan stamps over the last days, the second half done."""
    now = datetime.now(timezone.utc)
    rows = ["# Stamped", "", "## Phase 1: Base", ""]
    for k in range(per_phase):
        rows.append(f"- [x] ({now - timedelta(hours=20 * k + 2):%Y-%m-%d %H:%MZ}) Base step {k}")
    rows += ["", "## Phase 2: Build", ""]
    rows.append(f"- [x] ({now - timedelta(hours=1):%Y-%m-%d %H:%MZ}) Build step 0")
    rows += [f"- [ ] Build step {k}" for k in range(1, 4)]
    path = tmp_path / "plan.md"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


async def paced_header(pilot):
    """The dashboard's header, once the pace has been worked out."""
    await loaded(pilot)
    header = pilot.app.screen.query_one("#header")
    await wait_for(pilot, lambda: header.pace_said, what="the pace")
    return header


async def test_the_header_shows_pace_and_eta(tmp_path):
    path = stamped_plan(tmp_path)
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(120, 30)) as pilot:
        header = await paced_header(pilot)
        counts = header.rows()["progress"].plain
        assert "pace " in counts and "/day · ETA " in counts
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: the ETA alone, after the counts
        header = await paced_header(pilot)
        await pilot.pause()
        counts = header.rows()["progress"].plain
        assert "5/8" in counts and "ETA " in counts and "pace" not in counts, (header.pace_said, counts)


async def test_the_pace_is_fitted_again_when_the_counts_get_their_width(tmp_path):
    """The pace is fitted to the room the counts have as the header is drawn: a pace
    worked out while the row had no room for it shows once it has (it was once left
    out for good, and the header showed no ETA under load)."""
    path = stamped_plan(tmp_path)
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        header = await paced_header(pilot)
        await pilot.resize_terminal(48, 24)  # the counts squeezed: no room for the pace
        await pilot.pause()
        assert "5/8" in header.rows()["progress"].plain and "ETA" not in header.rows()["progress"].plain
        await pilot.resize_terminal(80, 24)  # room again
        await pilot.pause()
        assert "ETA " in header.rows()["progress"].plain


async def test_b_opens_the_burnup_and_arrows_choose_the_phase(tmp_path):
    path = stamped_plan(tmp_path)
    before = path.read_bytes()
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("b")
        screen = app.screen
        assert type(screen).__name__ == "BurnupScreen"
        chart = screen.query_one(burnup_widget.BurnupChart)
        await wait_for(pilot, lambda: chart.series is not None, what="the chart")
        assert chart.series.title == "Plan" and chart.series.done[-1] == 5 and chart.series.done[0] == 0
        assert "whole plan" in str(screen.query_one("#burnup-title").render())
        assert "5/8 done" in str(screen.query_one("#burnup-legend").render())
        await pilot.press("right")
        assert chart.series.title == "Phase 1: Base" and chart.series.done == (0, 1, 2, 3, 4, 4)
        await pilot.press("right")
        assert chart.series.title == "Phase 2: Build" and chart.series.total[-1] == 4
        await pilot.press("right")
        assert chart.series.title == "Plan"  # round again
        await pilot.press("left")
        assert chart.series.title == "Phase 2: Build"
        await pilot.press("escape")
        assert type(app.screen).__name__ == "DashboardScreen"
    assert path.read_bytes() == before


async def test_the_burnup_follows_the_plan_while_it_is_open(tmp_path):
    """A task ticked from outside while the chart is open: the chart ends at the new count
    (it stayed on the plan it was opened with)."""
    path = stamped_plan(tmp_path)
    app = PlantuiApp([path])
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("b")
        chart = app.screen.query_one(burnup_widget.BurnupChart)
        await wait_for(pilot, lambda: chart.series is not None and chart.series.done[-1] == 5, what="the chart")
        path.write_text(path.read_text(encoding="utf-8").replace("- [ ] Build step 1", "- [x] Build step 1"),
                        encoding="utf-8")
        await wait_for(pilot, lambda: chart.series.done[-1] == 6, timeout=15, what="the chart to follow the tick")
        assert "6/8 done" in str(app.screen.query_one("#burnup-legend").render())
        assert type(app.screen).__name__ == "BurnupScreen"


async def test_without_the_chart_extra_the_screen_says_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(burnup_widget, "PlotextPlot", None)
    path = stamped_plan(tmp_path)
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("b")
        said = app.screen.query_one("#burnup-missing")
        assert "install plantui[chart]" in str(said.render())
        chart = app.screen.query_one(burnup_widget.BurnupChart)
        await wait_for(pilot, lambda: chart.series is not None, what="the series")  # the legend still tells
        assert "5/8 done" in str(app.screen.query_one("#burnup-legend").render())


def test_story_tells_a_reset_a_growing_total_and_a_stall():
    s = P.Series("Plan", (NOW - 5 * DAY, NOW - 4 * DAY, NOW - 3 * DAY, NOW), (1, 3, 2, 2), (5, 5, 8, 8))
    said = burnup_widget.story(s, NOW)
    assert said == ["1 undone", "total 5→8", "stalled 4 days"]


async def test_watch_shows_the_eta_when_there_is_room(tmp_path):
    path = stamped_plan(tmp_path)
    for size, shown in (((60, 20), True), ((24, 12), False)):
        app = PlantuiApp([path], live=False, mode="watch")
        async with app.run_test(size=size) as pilot:
            line = app.screen.query_one("#c-overall")
            await wait_for(pilot, lambda: line.eta, what="the ETA")
            await pilot.pause()
            assert ("ETA " in str(line.render())) is shown


def test_estimates_without_any_count_every_open_task():
    w = P.estimates(parse("# P\n\n- [ ] a\n  - [ ] b\n- [x] c\n- [ ] d\n"))
    assert (w.hours, w.estimated, w.open) == (0.0, 0, 3)


async def test_the_header_works_the_eta_out_again_after_ticks(tmp_path):
    path = stamped_plan(tmp_path)
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(120, 30)) as pilot:
        dash = await loaded(pilot)
        header = app.screen.query_one("#header")
        await wait_for(pilot, lambda: header.pace_said, what="the pace")
        assert "ETA " in header.pace_said[0]
        for _ in range(3):
            await pilot.press("n", "x")
            await wait_for(pilot, lambda: not dash._writing, what="the tick")
        await wait_for(pilot, lambda: dash.summary.tasks.complete, what="every task done")
        await wait_for(pilot, lambda: header.pace_said[0].endswith("· done"), timeout=10, what="the new ETA")


def test_one_day_of_history_gives_no_late_end():
    ticks = [done(NOW - timedelta(hours=1 + k), f"t{k}") for k in range(6)]
    e = P.eta(6, P.pace(ticks, now=NOW))
    assert e.likely == e.early == NOW + DAY and e.late is None


async def test_a_plan_of_checks_alone_has_no_eta_in_the_header(tmp_path):
    """A plan with no tasks, only a checkpoint's checks (some done, with stamps): the header
    said "Not Started … pace 2/day · done", an ETA of "done" for a plan that has none."""
    now = datetime.now(timezone.utc)
    rows = ["# Checks", "", "## Definition of Done", ""]
    rows += [f"- [x] ({now - timedelta(hours=5 * k + 1):%Y-%m-%d %H:%MZ}) Check {k}" for k in range(3)]
    rows += ["- [ ] Check 3", "- [ ] Check 4"]
    path = tmp_path / "plan.md"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    app = PlantuiApp([path], live=False)
    async with app.run_test(size=(120, 30)) as pilot:
        dash = await loaded(pilot)
        assert dash.summary.tasks.total == 0 and dash.summary.checks.done == 3
        header = app.screen.query_one("#header")
        assert not getattr(header, "_paced", False)  # no pace asked for: no tasks to have one
        for _ in range(10):  # (were one asked for, its thread would answer in this time)
            await pilot.pause(0.05)
        counts = header.rows()["progress"].plain
        assert "3/5 checks" in counts and "done" not in counts and "ETA" not in counts, counts
