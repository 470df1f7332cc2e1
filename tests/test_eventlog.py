"""The event log (plantui.eventlog): what plantui saw and did, kept in the user's state folder.

Every test here points $XDG_STATE_HOME at its own tmp_path (autouse fixture), so
nothing is written to the real home.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pilot import loaded, wait_for
from ui_plan import NOW, PLAN

from plantui import cli, eventlog
from plantui.eventlog import EventLog, item_names, since_last_seen, version_of
from plantui.progress import summarize
from plantui.snapshot import read
from plantui.timeline import Point, Tick
from plantui.ui.app import PlantuiApp
from plantui.ui.widgets.compact import CompactPlan
from plantui.ui.widgets.dashboard import PlanDashboard

KEEP = eventlog.KEEP_DAYS
SMALL = "# Plan\n\n- [ ] 1.1 First\n- [ ] 1.2 Second\n- [x] 1.3 Third\n"
UTC = timezone.utc


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    """$XDG_STATE_HOME in tmp_path; recording on (as the plantui command turns it on)."""
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    eventlog._shared.clear()
    eventlog.switch(True)
    yield home
    eventlog.switch(False)
    for log in eventlog._shared.values():
        log.close()
    eventlog._shared.clear()


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "project" / "tasks.md"
    path.parent.mkdir()
    path.write_text(SMALL, encoding="utf-8", newline="")
    return path


def write(path: Path, text: str, ns: int | None = None) -> None:
    path.write_text(text, encoding="utf-8", newline="")
    if ns is not None:
        os.utime(path, ns=(ns, ns))


def observe(log: EventLog, path: Path, origin: str = "outside", **kw) -> list[Tick]:
    snap = read(path)
    tasks = summarize(snap.plan).tasks
    return log.observe(path, snap.plan, tasks.done, tasks.countable, origin=origin,
                       version=version_of(snap.raw, snap.mtime_ns), **kw)


def seed(log: EventLog, ticks: list[Tick], points: list[Point] = (), *, plan: str = "") -> None:
    """Put ``ticks`` (and ``points``, of ``plan``) in the log as they are, as earlier runs left them."""
    def run(db) -> None:
        for t in ticks:
            db.execute("INSERT INTO ticks (plan, at, item, old, new, origin, author) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (log._plan_id(db, eventlog.plan_key(t.plan)), t.at.timestamp(), t.item, t.old, t.new,
                        t.origin, t.author))
        for p in points:
            db.execute("INSERT INTO points (plan, at, done, total, origin) VALUES (?, ?, ?, ?, ?)",
                       (log._plan_id(db, eventlog.plan_key(plan)), p.at.timestamp(), p.done, p.total, p.origin))

    log._write(run)


def changes(log: EventLog, path: Path) -> list[tuple[str, str | None, str | None, str]]:
    return [(t.item, t.old, t.new, t.origin) for t in log.ticks(path)]


def run_cli(*args: str, env_home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_STATE_HOME=str(env_home))
    return subprocess.run([sys.executable, "-m", "plantui", *args], capture_output=True, text=True, env=env, timeout=60)


# -- the core ------------------------------------------------------------------


def test_the_database_is_in_the_state_folder_not_the_project(small: Path, state_home: Path):
    log = EventLog()
    observe(log, small)
    assert (state_home / "plantui" / "events.db").is_file()
    assert sorted(p.name for p in small.parent.iterdir()) == ["tasks.md"]
    assert log._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    log.close()


def test_the_first_version_is_the_baseline_then_each_change_is_a_tick(small: Path):
    log = EventLog()
    assert observe(log, small) == []
    write(small, SMALL.replace("[ ] 1.1", "[x] 1.1").replace("[x] 1.3", "[/] 1.3") + "- [ ] 1.4 Fourth\n")
    got = observe(log, small)
    assert {(t.item, t.old, t.new, t.origin) for t in got} == {
        ("1.1 First", " ", "x", "outside"), ("1.3 Third", "x", "/", "outside"), ("1.4 Fourth", None, " ", "outside")}
    assert got[0].at == datetime.fromtimestamp(small.stat().st_mtime_ns / 1e9, UTC)  # when it was written
    assert got[0].plan == str(small.resolve())
    assert [(p.done, p.total) for p in log.points(small)] == [(1, 3), (1, 4)]
    log.close()


def test_two_processes_seeing_the_same_version_record_it_once(small: Path):
    a, b = EventLog(), EventLog()  # two dashboards: two connections
    observe(a, small)
    observe(b, small)
    write(small, SMALL.replace("[ ] 1.2", "[x] 1.2"))
    assert len(observe(a, small)) == 1
    assert observe(b, small) == []  # b saw it too: already recorded
    assert changes(a, small) == [("1.2 Second", " ", "x", "outside")]
    assert len(b.points(small)) == 2
    a.close()
    b.close()


def test_the_process_that_made_a_change_names_itself_even_when_second(small: Path):
    watcher, cli_log = EventLog(), EventLog()
    observe(watcher, small)
    write(small, SMALL.replace("[ ] 1.1", "[x] 1.1").replace("[ ] 1.2", "[/] 1.2"))
    observe(watcher, small)  # a dashboard saw the write first, as from outside
    assert observe(cli_log, small, origin="cli", mine={"1.1 First"}) == []
    assert changes(cli_log, small) == [("1.1 First", " ", "x", "cli"), ("1.2 Second", " ", "/", "outside")]
    watcher.close()
    cli_log.close()


def test_a_version_older_than_the_one_stored_is_not_compared(small: Path):
    log = EventLog()
    base = small.stat().st_mtime_ns
    write(small, SMALL, base)
    observe(log, small)
    write(small, SMALL.replace("[ ] 1.1", "[x] 1.1"), base + 2_000_000_000)
    observe(log, small)
    late = EventLog()  # a slow process reading the old version only now
    write(small, SMALL, base)
    assert observe(late, small) == []
    assert changes(log, small) == [("1.1 First", " ", "x", "outside")]
    log.close()
    late.close()


def test_a_change_seen_while_shown_is_not_news_since_last_seen(small: Path):
    log = EventLog()
    observe(log, small)
    log.mark_shown(small, datetime(2020, 1, 1, tzinfo=UTC))
    second = (small.stat().st_mtime_ns // 10**9 + 5) * 10**9
    write(small, SMALL.replace("[ ] 1.1", "[x] 1.1"), second + 123_456_400)  # not a whole microsecond
    assert len(observe(log, small, origin="here", shown=True)) == 1
    assert since_last_seen(small, log) == []
    write(small, SMALL.replace("[ ] 1.2", "[x] 1.2"), second + 2 * 10**9)
    assert len(observe(log, small)) == 2  # seen by another process while this plan was not shown
    assert [t.item for t in since_last_seen(small, log)] == ["1.1 First", "1.2 Second"]
    log.close()


def test_same_text_items_have_their_own_names(tmp_path: Path):
    path = tmp_path / "dup.md"
    write(path, "- [ ] Write tests\n- [ ] Write tests\n")
    assert item_names(read(path).plan) == ["Write tests", "Write tests #2"]


def test_items_in_bytes_that_are_not_utf8_are_recorded(tmp_path: Path):
    path = tmp_path / "latin.md"
    path.write_bytes(b"- [ ] 1.1 Caf\xe9\n- [ ] 1.2 Tea\n")
    log = EventLog()
    observe(log, path)
    path.write_bytes(b"- [x] 1.1 Caf\xe9\n- [ ] 1.2 Tea\n")
    assert [(t.item, t.new) for t in observe(log, path)] == [("1.1 Caf\ufffd", "x")]
    assert log.warning is None
    log.close()


def test_ticks_and_points_read_back_and_since(small: Path):
    log = EventLog()
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    plan = str(small.resolve())
    seed(log, [Tick(t0, plan, "1.1 First", " ", "x", "mcp"),
               Tick(t0 + timedelta(hours=1), plan, "1.2 Second", " ", "x", "mcp", "agent:claude")],
         [Point(t0 + timedelta(hours=1), 2, 3, "mcp")], plan=plan)
    assert [t.item for t in log.ticks(small)] == ["1.1 First", "1.2 Second"]
    assert [t.item for t in log.ticks(small, since=t0)] == ["1.2 Second"]
    assert log.ticks(small, since=t0)[0].author == "agent:claude"
    assert log.points(small) == [Point(t0 + timedelta(hours=1), 2, 3, "mcp")]
    assert log.ticks(small.with_name("other.md")) == []
    log.close()


def test_thinning_keeps_one_tick_per_item_per_day_and_the_last_state(small: Path):
    log = EventLog()
    plan = str(small.resolve())
    now = datetime.now(UTC)
    old_day = (now - timedelta(days=KEEP + 60)).replace(hour=9, minute=0, second=0, microsecond=0)
    ticks = []
    for i in range(6):  # ticked and unticked six times that day, ending ticked
        ticks.append(Tick(old_day + timedelta(minutes=i), plan, "1.1 First", " " if i % 2 else "x",
                          "x" if i % 2 else " ", "cli"))
    ticks.append(Tick(old_day + timedelta(days=1), plan, "1.2 Second", " ", "x", "cli"))
    recent = now - timedelta(days=2)
    ticks += [Tick(recent, plan, "1.3 Third", "x", " ", "here"), Tick(recent + timedelta(minutes=1), plan, "1.3 Third", " ", "x", "here")]
    seed(log, ticks, [Point(old_day + timedelta(hours=i), i, 9, "cli") for i in range(5)], plan=plan)
    log._db.execute("UPDATE meta SET value = 0 WHERE key = 'thinned'")  # the last thinning a day old
    log.close()
    log = EventLog()  # opening it thins it
    kept = [(t.item, t.old, t.new) for t in log.ticks(small)]
    assert kept == [("1.1 First", " ", "x"), ("1.2 Second", " ", "x"), ("1.3 Third", "x", " "), ("1.3 Third", " ", "x")]
    assert [(p.done, p.total) for p in log.points(small)] == [(4, 9)]
    log.close()


def test_opening_the_log_thins_it_once_a_day(small: Path):
    plan = str(small.resolve())
    day = datetime.now(UTC) - timedelta(days=KEEP + 5)
    a = EventLog()
    seed(a, [Tick(day + timedelta(minutes=i), plan, "1.1 First", " ", "x", "cli") for i in range(3)])
    a.close()
    b = EventLog()
    assert len(b.ticks(small)) == 3  # thinned less than a day ago (when a opened it)
    b._db.execute("UPDATE meta SET value = 0 WHERE key = 'thinned'")
    b.close()
    c = EventLog()
    assert [t.at for t in c.ticks(small)] == [day + timedelta(minutes=2)]
    c.close()


def test_an_unwritable_state_folder_is_one_warning_and_no_error(tmp_path: Path, small: Path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    log = EventLog()
    assert observe(log, small) == []
    assert observe(log, small) == []
    assert log.ticks(small) == [] and log.points(small) == [] and since_last_seen(small, log) == []
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("plantui: history not recorded:")
    quiet = EventLog(quiet=True)
    observe(quiet, small)
    assert capsys.readouterr().err == ""
    assert quiet.take_warning().startswith("history not recorded")
    assert quiet.take_warning() is None


# -- the command line ------------------------------------------------------------


def test_cli_ticks_are_recorded_as_cli_with_the_first_state_before_them(small: Path):
    assert cli.main(["tick", str(small), "1.1"]) == 0
    assert cli.main(["mark", str(small), "/", "1.2"]) == 0
    write(small, small.read_text().replace("[x] 1.3", "[ ] 1.3"))  # an editor, with no plantui running
    assert cli.main(["untick", str(small), "1.1"]) == 0
    log = EventLog()
    assert changes(log, small) == [("1.1 First", " ", "x", "cli"), ("1.2 Second", " ", "/", "cli"),
                                   ("1.1 First", "x", " ", "cli"), ("1.3 Third", "x", " ", "outside")]
    assert [(p.done, p.total, p.origin) for p in log.points(small)] == [
        (1, 3, "outside"), (2, 3, "cli"), (2, 3, "cli"), (0, 3, "cli")]
    log.close()


def test_no_history_and_the_config_key_record_nothing(small: Path, state_home: Path):
    assert cli.main(["tick", str(small), "1.1", "--no-history"]) == 0
    assert cli.main(["sync", str(small), "--no-history"]) == 0
    assert not state_home.exists()
    (small.parent / ".plantui.toml").write_text("[history]\nrecord = false\n")
    assert cli.main(["untick", str(small), "1.1"]) == 0
    assert not state_home.exists()


def test_a_bad_history_value_is_bad_input_and_nothing_is_written(small: Path, state_home: Path, capsys):
    (small.parent / ".plantui.toml").write_text('[history]\nrecord = "no"\n')
    before = small.read_bytes()
    assert cli.main(["tick", str(small), "1.1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "record must be true or false" in err and "Traceback" not in err
    assert small.read_bytes() == before
    assert not state_home.exists()


def test_an_unwritable_state_folder_leaves_the_tick_done(tmp_path: Path, small: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run_cli("tick", str(small), "1.1", env_home=blocker)
    assert done.returncode == 0, done.stderr
    assert "[x] 1.1" in small.read_text()
    assert done.stdout == "✓ 1.1 First\n"
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("plantui: history not recorded:")


def test_many_processes_writing_at_once_lose_nothing(tmp_path: Path, state_home: Path):
    plans = []
    for n in range(6):
        p = tmp_path / f"plan{n}.md"
        write(p, "".join(f"- [ ] {n}.{k} Task {k}\n" for k in range(1, 6)))
        plans.append(p)
    env = dict(os.environ, XDG_STATE_HOME=str(state_home))
    code = ("import sys\nfrom plantui import cli\n"
            "for k in range(1, 6):\n"
            "    assert cli.main(['tick', sys.argv[1], sys.argv[2] + '.' + str(k)]) == 0\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(p), str(n)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n, p in enumerate(plans)]
    log = EventLog()
    mine = tmp_path / "mine.md"  # this process writes the same database meanwhile
    write(mine, SMALL)
    observe(log, mine)
    base = mine.stat().st_mtime_ns
    for i in range(20):
        write(mine, SMALL.replace("[ ] 1.1", "[x] 1.1" if i % 2 == 0 else "[ ] 1.1"), base + (i + 1) * 10**6)
        observe(log, mine)
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert err == ""  # no "database is locked", no warning
    for n, p in enumerate(plans):
        assert [(t.item, t.new, t.origin) for t in log.ticks(p)] == [(f"{n}.{k} Task {k}", "x", "cli") for k in range(1, 6)]
    assert len(log.ticks(mine)) == 20
    log.close()


# -- the dashboard and watch -------------------------------------------------------


def entries(widget) -> list[str]:
    return [f"{e.text} ({e.source})" if e.source else e.text for e in widget.entries]


async def test_a_dashboard_records_outside_ticks_once_and_its_own_as_here(plan: Path, state_home: Path):
    app = PlantuiApp([plan], live=True, clock=lambda: NOW)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        log = EventLog()
        await wait_for(pilot, lambda: log.points(plan), what="the first version recorded")
        # another process ticks two boxes, one at a time
        first = run_cli("tick", str(plan), "2.3", env_home=state_home)
        assert first.returncode == 0 and first.stderr == ""
        await wait_for(pilot, lambda: "✓ 2.3 Create the database layer (outside)" in entries(dash.activity), what="the CLI tick")
        text = plan.read_text().replace("- [ ] All unit tests passing", "- [x] All unit tests passing")
        plan.write_text(text, encoding="utf-8")
        await wait_for(pilot, lambda: any("All unit tests passing" in t.item for t in log.ticks(plan)), what="the outside tick")
        await pilot.press("x")  # and one here: the cursor starts on 2.2.2
        await wait_for(pilot, lambda: any(t.origin == "here" for t in log.ticks(plan)), what="the tick here")
        await wait_for(pilot, lambda: not dash.busy, what="quiet")
        got = [(t.item, t.old, t.new, t.origin) for t in log.ticks(plan)]
        assert got == [("2.3 Create the database layer", " ", "x", "cli"),
                       ("All unit tests passing", " ", "x", "outside"),
                       ("2.2.2 Reverse a transaction", " ", "x", "here")]
        log.close()


async def test_a_reopened_dashboard_starts_with_what_happened_while_closed(plan: Path, state_home: Path):
    async with PlantuiApp([plan], live=True, clock=lambda: NOW).run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await wait_for(pilot, lambda: EventLog().last_shown(plan) is not None, what="the plan shown")
        await pilot.press("x")  # a tick seen while open is not news when it opens again
        await wait_for(pilot, lambda: any(t.origin == "here" for t in EventLog().ticks(plan)), what="the tick here")
        await wait_for(pilot, lambda: not dash.busy, what="quiet")
    assert run_cli("tick", str(plan), "2.3", env_home=state_home).returncode == 0
    later = plan.read_text().replace("- [ ] All unit tests passing", "- [x] All unit tests passing")
    plan.write_text(later, encoding="utf-8")  # an editor while plantui is closed
    async with PlantuiApp([plan], live=True, clock=lambda: NOW).run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await wait_for(pilot, lambda: any("since last shown" in t for t in entries(dash.activity)), what="the history lines")
        lines = entries(dash.activity)
        start = next(i for i, t in enumerate(lines) if t.startswith("since last shown"))
        assert lines[start:] == ["since last shown: 2 changes", "✓ 2.3 Create the database layer (cli)",
                                 "✓ All unit tests passing (outside)"]
    # shown again: a third opening has nothing new to say
    async with PlantuiApp([plan], live=True, clock=lambda: NOW).run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await wait_for(pilot, lambda: not dash.busy, what="quiet")
        await pilot.pause(0.1)
        assert not any("since last shown" in t for t in entries(dash.activity))


async def test_watch_starts_with_what_happened_while_closed(plan: Path, state_home: Path):
    async with PlantuiApp([plan], live=True, mode="watch", clock=lambda: NOW).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(CompactPlan)
        await wait_for(pilot, lambda: view.loads > 0 and EventLog().last_shown(plan) is not None, what="shown")
    assert run_cli("tick", str(plan), "2.3", env_home=state_home).returncode == 0
    async with PlantuiApp([plan], live=True, mode="watch", clock=lambda: NOW).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(CompactPlan)
        log = view.query_one("#c-log")
        await wait_for(pilot, lambda: "✓ 2.3 Create the database layer" in entries(log), what="the history line")


async def test_an_unwritable_state_folder_leaves_the_app_working_with_one_warning(plan: Path, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    app = PlantuiApp([plan], live=True, clock=lambda: NOW)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: "- [x] **2.2.2**" in plan.read_text(), what="the tick on disk")
        await wait_for(pilot, lambda: "✓ 2.2.2 Reverse a transaction (here)" in entries(dash.activity), what="the view")
        await wait_for(pilot, lambda: not dash.busy, what="quiet")
        await pilot.pause(0.1)
        warnings = [n for n in app._notifications if "history not recorded" in n.message]
        assert len(warnings) == 1


async def test_an_app_records_nothing_when_recording_is_off(plan: Path, state_home: Path):
    eventlog.switch(False)  # plantui --no-history; and every app a test makes
    app = PlantuiApp([plan], live=True, clock=lambda: NOW)
    async with app.run_test(size=(120, 35)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: "- [x] **2.2.2**" in plan.read_text(), what="the tick on disk")
        await wait_for(pilot, lambda: not dash.busy, what="quiet")
    assert not state_home.exists()


def test_no_history_is_accepted_by_every_command_that_records(monkeypatch):
    for argv in (["watch", "x", "--no-history"], ["tick", "p", "1", "--no-history"], ["mark", "p", "x", "1", "--no-history"],
                 ["sync", "p", "--no-history"], ["untick", "p", "1", "--no-history"]):
        assert cli._parser().parse_args(argv).no_history
    assert cli._dashboard_parser().parse_args(["p", "--no-history"]).no_history


async def test_a_change_saved_in_the_editor_started_with_e_is_recorded_as_editor(plan: Path, monkeypatch):
    from contextlib import contextmanager

    import plantui.ui.widgets.dashboard as dashboard

    def fake_editor(argv):
        Path(argv[-1]).write_text(PLAN.replace("- [ ] **2.2.2**", "- [x] **2.2.2**"), encoding="utf-8")
        return 0

    monkeypatch.setenv("EDITOR", "vim")
    monkeypatch.setattr(dashboard.subprocess, "call", fake_editor)
    app = PlantuiApp([plan], live=False, clock=lambda: NOW)

    @contextmanager
    def no_suspend():
        yield

    monkeypatch.setattr(app, "suspend", no_suspend)
    async with app.run_test(size=(120, 35)) as pilot:
        await loaded(pilot)
        log = EventLog()
        await wait_for(pilot, lambda: log.points(plan), what="the first version recorded")
        await pilot.press("e")
        await wait_for(pilot, lambda: log.ticks(plan), what="the editor's change recorded")
        assert [(t.item, t.new, t.origin) for t in log.ticks(plan)] == [("2.2.2 Reverse a transaction", "x", "editor")]
        log.close()
