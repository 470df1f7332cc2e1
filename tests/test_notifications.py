"""Notifications (issue 16): events from two reads, the [notify] settings, the
notify command, desktop escapes, the terminal title; in the app and from the CLI."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import pytest

from pilot import wait_for

from plantui import cli
from plantui.config import ConfigError, NotifySettings, load_notify
from plantui.events import (DEFAULT_KINDS, Event, environment, events, stalled, title_line)
from plantui.parser import parse_lines
from plantui.progress import summarize
from plantui.lines import Lines
from plantui.ui.app import PlantuiApp
from plantui.notify import POP_TITLE, PUSH_TITLE, desktop_sequence, run_command, title_sequence
from plantui.ui.widgets.compact import CompactPlan
from plantui.ui.widgets.dashboard import PlanDashboard

NOW = datetime(2026, 3, 1, 9, 30)

BAKERY = """\
# Bakery site

## Phase 1: Dough

- [x] **1.1** Pick the flour
- [ ] **1.2** Knead the dough

### Checkpoint: Dough rests

- [ ] Dough doubled in size

## Phase 2: Oven

- [ ] **2.1** Heat the oven
- [ ] **2.2** Bake the loaves
"""


@pytest.fixture(autouse=True)
def user_folders(tmp_path: Path, monkeypatch):
    """Settings, caches and state go to the test's folder, never the real home."""
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("TMUX", raising=False)


def parsed(text: str):
    plan = parse_lines(Lines.of(text))
    return plan, summarize(plan, NOW)


def found(before: str, after: str, path: str = "plan.md") -> list[Event]:
    return events(*parsed(before), *parsed(after), plan=path)


# -- events from pairs of plans ----------------------------------------------------


def test_phase_done_and_checkpoint_ready():
    out = found(BAKERY, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**"))
    kinds = [e.kind for e in out]
    assert kinds == ["phase_done", "checkpoint_ready"]
    phase, cp = out
    assert phase.title == "Phase done: Phase 1: Dough"
    assert phase.detail == "2 of 2 tasks done"
    assert phase.line == 3  # 1-based: the phase's heading
    assert cp.title == "Checkpoint ready: Checkpoint: Dough rests"
    assert cp.line == 8
    assert phase.plan == "plan.md"


def test_plan_done():
    almost = BAKERY.replace("- [ ]", "- [x]").replace("- [x] **2.2**", "- [ ] **2.2**")
    out = found(almost, almost.replace("- [ ] **2.2**", "- [x] **2.2**"))
    assert [e.kind for e in out] == ["phase_done", "plan_done"]
    assert out[-1].title == "Plan complete: all 4 tasks done"


def test_unticked_box_only_and_with_text_changed():
    out = found(BAKERY, BAKERY.replace("- [x] **1.1**", "- [ ] **1.1**"))
    assert [(e.kind, e.title, e.line) for e in out] == [("unticked", "Un-ticked: 1.1 Pick the flour", 5)]
    assert out[0].severity == "warning"
    # an agent that un-ticks a box and adds a task in one save: still seen
    out = found(BAKERY, BAKERY.replace("- [x] **1.1**", "- [/] **1.1**") + "- [ ] **2.3** Slice\n")
    assert [e.kind for e in out] == ["unticked"]
    assert out[0].detail == "was done, now in progress"


def test_a_task_unticked_and_reworded_in_one_save_is_still_seen():
    """Items are matched by their keys (an id, else the text), as the dashboard matches
    them: a task whose text an agent rewrote as it un-ticked it is the same task."""
    out = found(BAKERY, BAKERY.replace("- [x] **1.1** Pick the flour", "- [ ] **1.1** Pick the rye flour"))
    assert [(e.kind, e.title) for e in out] == [("unticked", "Un-ticked: 1.1 Pick the rye flour")]


def test_many_unticked_make_one_event():
    done = BAKERY.replace("- [ ]", "- [x]")
    out = found(done, BAKERY.replace("- [x] **1.1**", "- [ ] **1.1**"))
    unticked = [e for e in out if e.kind == "unticked"]
    assert len(unticked) == 1 and unticked[0].title == "Un-ticked: 5 boxes"


def test_skipping_a_done_task_is_not_unticking_it():
    assert found(BAKERY, BAKERY.replace("- [x] **1.1**", "- [~] **1.1**")) == []


def test_tasks_shrink():
    out = found(BAKERY, BAKERY.replace("- [ ] **2.2** Bake the loaves\n", ""))
    assert [e.kind for e in out] == ["shrunk"]
    assert out[0].title == "Tasks removed: 4 → 3"
    assert out[0].detail == "2.2 Bake the loaves"


def test_nothing_to_say_about_an_ordinary_tick():
    assert found(BAKERY, BAKERY.replace("- [ ] **2.1**", "- [x] **2.1**")) == []


def test_stalled():
    plan, summary = parsed(BAKERY)
    event = stalled(plan, summary, 12.5, "plan.md")
    assert event is not None and event.kind == "stalled"
    assert event.title == "Stalled: no change for 12 minutes"
    assert event.detail == "next: 1.2 Knead the dough" and event.line == 6
    plan, summary = parsed(BAKERY.replace("- [ ]", "- [x]"))
    assert stalled(plan, summary, 30) is None  # nothing open: nothing stalls


def test_environment():
    env = environment(Event("phase_done", "specs/a/tasks.md", "Phase done: X", "2 of 2 tasks done", 3))
    assert env == {"PLANTUI_EVENT": "phase_done", "PLANTUI_PLAN": "specs/a/tasks.md", "PLANTUI_TITLE": "Phase done: X",
                   "PLANTUI_DETAIL": "2 of 2 tasks done", "PLANTUI_LINE": "3"}
    assert environment(Event("plan_done", "p", "t"))["PLANTUI_LINE"] == ""


def test_title_line():
    plan, summary = parsed(BAKERY)
    assert title_line("plan.md", plan, summary) == "25% · Phase 1: Dough · plan.md"
    plan, summary = parsed(BAKERY.replace("- [ ]", "- [x]"))
    assert title_line("plan.md", plan, summary) == "✓ done · plan.md"
    plan, summary = parsed("# Notes\n\nNo boxes.\n")
    assert title_line("notes.md", plan, summary) == "no tasks · notes.md"


# -- [notify] settings ----------------------------------------------------------------


def test_notify_defaults_are_quiet(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "plan.md").write_text(BAKERY)
    s = load_notify(tmp_path / "plan.md")
    assert s == NotifySettings()
    assert s.kinds == frozenset(DEFAULT_KINDS) and not s.bell and not s.desktop and not s.stalled_minutes


def test_notify_table(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".plantui.toml").write_text('[markers]\n"?" = "open"\n\n[notify]\nevents = ["plan_done", "shrunk"]\n'
                                            'bell = true\ndesktop = true\nstalled_minutes = 15\nnotify_cmd = "true"\n')
    s = load_notify(tmp_path / "plan.md")
    assert s.kinds == {"plan_done", "shrunk", "stalled"}  # a stall time asks for "stalled"
    assert (s.bell, s.desktop, s.stalled_minutes, s.notify_cmd) == (True, True, 15, "true")


def test_notify_in_pyproject(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.plantui.notify]\nevents = []\n')
    assert load_notify(tmp_path / "plan.md").kinds == frozenset()


@pytest.mark.parametrize("table, said", [
    ('events = ["phase_finished"]', "event 'phase_finished' is not one of phase_done"),
    ('events = "plan_done"', "events must be a list of names"),
    ('bell = "yes"', "bell must be true or false"),
    ("stalled_minutes = -1", "stalled_minutes must be a number of minutes"),
    ("notify_cmd = 3", "notify_cmd must be a string"),
    ("sound = true", "[notify] has no key 'sound'"),
])
def test_notify_errors(tmp_path: Path, table: str, said: str):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".plantui.toml").write_text(f"[notify]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        load_notify(tmp_path / "plan.md")
    assert said in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("command", [["watch"], []])
def test_cli_config_error_is_one_line(tmp_path: Path, capsys, command):
    (tmp_path / ".git").mkdir()
    plan = tmp_path / "plan.md"
    plan.write_text(BAKERY)
    (tmp_path / ".plantui.toml").write_text("[notify]\nbell = 1\n")
    before = plan.read_bytes()
    code = cli.main([*command, str(plan), "--notify-cmd", "true"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "bell must be true or false" in err and "Traceback" not in err
    assert plan.read_bytes() == before


def test_cli_flags_parse():
    args = cli._dashboard_parser().parse_args(["plan.md", "--notify-cmd", "notify-send x", "--no-title"])
    assert (args.notify_cmd, args.no_title) == ("notify-send x", True)
    args = cli._parser().parse_args(["watch", "plan.md", "--no-title"])
    assert (args.notify_cmd, args.no_title) == (None, True)


# -- the terminal's escapes -----------------------------------------------------------


def test_desktop_sequences():
    e = Event("phase_done", "plan.md", "Phase done: A; B", "2 of 2 tasks done", 3)
    assert desktop_sequence(e, "plan.md", {"TERM": "xterm-256color"}) == \
        "\x1b]9;plantui · plan.md: Phase done: A; B — 2 of 2 tasks done\x1b\\"
    assert desktop_sequence(e, "plan.md", {"TERM": "xterm-256color", "VTE_VERSION": "7600"}) == \
        "\x1b]777;notify;plantui · plan.md;Phase done: A; B — 2 of 2 tasks done\x1b\\"
    assert desktop_sequence(e, "plan.md", {"TERM": "screen"}) is None
    wrapped = desktop_sequence(e, "plan.md", {"TERM": "screen-256color", "TMUX": "/tmp/tmux-1/default,1,0"})
    assert wrapped == "\x1bPtmux;\x1b\x1b]9;plantui · plan.md: Phase done: A; B — 2 of 2 tasks done\x1b\x1b\\\x1b\\"
    # nothing in a plan can end the sequence early
    sneaky = Event("unticked", "p", "Un-ticked: \x1b]2;pwned\x07", "", 1)
    assert "\x07" not in desktop_sequence(sneaky, "p", {}) and desktop_sequence(sneaky, "p", {}).count("\x1b") == 2
    assert title_sequence("50% · a\x07b") == "\x1b]2;50% · a b\x07"


# -- the notify command ---------------------------------------------------------------


def test_command_gets_the_event(tmp_path: Path):
    out = tmp_path / "env.txt"
    e = Event("unticked", "specs/x/tasks.md", "Un-ticked: 1.1 Pick", "was done, now open", 5)
    assert run_command(f"env > {out}", e) is None
    ours = {k for k in os.environ if k.startswith("PLANTUI_")}  # (the suite's own, e.g. PLANTUI_SHARED, pass through)
    env = dict(line.split("=", 1) for line in out.read_text().splitlines()
               if line.startswith("PLANTUI_") and line.split("=", 1)[0] not in ours)
    assert env == {"PLANTUI_EVENT": "unticked", "PLANTUI_PLAN": "specs/x/tasks.md", "PLANTUI_TITLE": "Un-ticked: 1.1 Pick",
                   "PLANTUI_DETAIL": "was done, now open", "PLANTUI_LINE": "5"}


def test_command_failing_and_slow():
    e = Event("plan_done", "p", "t")
    assert run_command("echo nope >&2; exit 3", e) == "the notify command failed (exit 3): nope"
    start = time.monotonic()
    said = run_command("sleep 5; echo late", e, timeout=0.3)
    assert time.monotonic() - start < 2.5  # the shell and its sleep were stopped
    assert said == "the notify command was stopped after 0.3 s: sleep 5; echo late"


# -- in the app -----------------------------------------------------------------------


@pytest.fixture
def bakery(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the search for .plantui.toml stops here
    path = tmp_path / "plan.md"
    path.write_text(BAKERY, encoding="utf-8")
    return path


def save(path: Path, text: str) -> None:
    """An outside tick, as an editor or an agent saves: a new file renamed over the plan."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def started(pilot, widget=PlanDashboard):
    live = pilot.app.screen.query_one(widget)
    await wait_for(pilot, lambda: live.loads > 0, what="the first read")
    await pilot.pause()
    return live


async def test_outside_tick_runs_the_command_with_the_event(bakery: Path, tmp_path: Path):
    out = tmp_path / "events.txt"
    cmd = f'printf "%s|%s|%s|%s|%s\\n" "$PLANTUI_EVENT" "$PLANTUI_PLAN" "$PLANTUI_TITLE" "$PLANTUI_DETAIL" "$PLANTUI_LINE" >> {out}'
    app = PlantuiApp([bakery], clock=lambda: NOW, notify_cmd=cmd)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        save(bakery, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**"))
        await wait_for(pilot, lambda: out.exists() and out.read_text().count("\n") == 2, what="the command's runs")
        assert "Phase done: Phase 1: Dough" in messages(app)
    assert out.read_text().splitlines() == [
        f"phase_done|{bakery}|Phase done: Phase 1: Dough|2 of 2 tasks done|3",
        f"checkpoint_ready|{bakery}|Checkpoint ready: Checkpoint: Dough rests|1 check to go through|8",
    ]


async def test_notify_cmd_from_the_config(bakery: Path, tmp_path: Path):
    out = tmp_path / "seen.txt"
    (tmp_path / ".plantui.toml").write_text(f'[notify]\nnotify_cmd = "echo $PLANTUI_EVENT >> {out}"\n')
    app = PlantuiApp([bakery], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        save(bakery, BAKERY.replace("- [x] **1.1**", "- [ ] **1.1**"))
        await wait_for(pilot, lambda: out.exists() and out.read_text() == "unticked\n", what="the command")
        assert any(m.startswith("Un-ticked: 1.1 Pick the flour") for m in messages(app))
        log = [e.text for e in app.screen.query_one(PlanDashboard).activity.entries]
        assert "⚠ Un-ticked: 1.1 Pick the flour" in log  # kept in the activity log after the toast


async def test_a_slow_command_does_not_hold_the_app(bakery: Path):
    app = PlantuiApp([bakery], clock=lambda: NOW, notify_cmd="sleep 5")
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await started(pilot)
        save(bakery, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**"))
        await wait_for(pilot, lambda: "Phase done: Phase 1: Dough" in messages(app), what="the phase toast")
        start = time.monotonic()
        save(bakery, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**").replace("- [ ] **2.1**", "- [x] **2.1**"))
        await wait_for(pilot, lambda: dash.summary.tasks.done == 3, timeout=3, what="the next outside tick shown")
        assert time.monotonic() - start < 3  # well before the commands (5 s each) are done


async def test_a_failing_command_is_said_once(bakery: Path):
    app = PlantuiApp([bakery], clock=lambda: NOW, notify_cmd="echo broken >&2; exit 1")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        save(bakery, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**"))  # two events: two failures
        await wait_for(pilot, lambda: any("notify command failed" in m for m in messages(app)), what="the failure")
        await pilot.pause(0.3)
        assert sum("notify command failed (exit 1): broken" in m for m in messages(app)) == 1


async def test_own_untick_is_not_news(bakery: Path):
    app = PlantuiApp([bakery], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await started(pilot)
        dash.request("tick", next(k for k, i in dash._key_index.items() if dash.snapshot.plan.items[i].id == "1.1"))
        await wait_for(pilot, lambda: dash.summary.tasks.done == 0, what="the untick here")
        await pilot.pause()
        assert not any("Un-ticked" in m for m in messages(app))


async def test_title_bell_and_desktop_written_to_the_driver(bakery: Path, tmp_path: Path):
    (tmp_path / ".plantui.toml").write_text("[notify]\nbell = true\ndesktop = true\n")
    app = PlantuiApp([bakery], clock=lambda: NOW)
    app.notifier.env = {"TERM": "xterm-256color"}
    writes: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        app._driver.write = writes.append  # what would reach the terminal
        app.notifier._title_shown, app.notifier._pushed = None, False
        app.notifier.update_title()
        await started(pilot)
        assert writes[:2] == [PUSH_TITLE, "\x1b]2;25% · Phase 1: Dough · plan.md\x07"]
        save(bakery, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**"))
        await wait_for(pilot, lambda: "\x07" in writes, what="the bell")
        assert writes.count(PUSH_TITLE) == 1
        assert "\x1b]2;50% · Phase 2: Oven · plan.md\x07" in writes
        assert "\x1b]9;plantui · plan.md: Phase done: Phase 1: Dough — 2 of 2 tasks done\x1b\\" in writes
        assert writes.count("\x07") == 1  # one ring for the two events of one save
    assert writes[-1] == POP_TITLE  # the title given back on exit


async def test_no_title(bakery: Path):
    app = PlantuiApp([bakery], clock=lambda: NOW, title=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        save(bakery, BAKERY.replace("- [ ] **2.1**", "- [x] **2.1**"))
        await wait_for(pilot, lambda: app.screen.query_one(PlanDashboard).summary.tasks.done == 2, what="the tick")
    assert app.notifier.written == []


async def test_watch_sets_the_title_and_toasts(bakery: Path):
    app = PlantuiApp([bakery], mode="watch", clock=lambda: NOW)
    async with app.run_test(size=(60, 16)) as pilot:
        await started(pilot, CompactPlan)
        assert app.notifier.written[-1] == "\x1b]2;25% · Phase 1: Dough · plan.md\x07"
        save(bakery, BAKERY.replace("- [x] **1.1**", "- [ ] **1.1**"))
        await wait_for(pilot, lambda: any(m.startswith("Un-ticked") for m in messages(app)), what="the toast")
        assert app.notifier.written[-1] == "\x1b]2;0% · Phase 1: Dough · plan.md\x07"
    assert app.notifier.written[-1] == POP_TITLE


async def test_stalled_after_quiet_minutes(bakery: Path, tmp_path: Path):
    (tmp_path / ".plantui.toml").write_text("[notify]\nstalled_minutes = 0.005\n")  # 0.3 s
    app = PlantuiApp([bakery], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: any(m.startswith("Stalled") for m in messages(app)), what="the stall")
        await pilot.pause(0.6)
        assert sum(m.startswith("Stalled") for m in messages(app)) == 1  # once per quiet spell


async def test_shrunk_is_off_by_default_and_on_when_asked(bakery: Path, tmp_path: Path):
    app = PlantuiApp([bakery], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await started(pilot)
        save(bakery, BAKERY.replace("- [ ] **2.2** Bake the loaves\n", ""))
        await wait_for(pilot, lambda: dash.summary.tasks.total == 3, what="the shorter plan")
        await pilot.pause()
        assert not any("removed" in m for m in messages(app))
    (tmp_path / ".plantui.toml").write_text('[notify]\nevents = ["shrunk"]\n')
    save(bakery, BAKERY)
    app = PlantuiApp([bakery], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await started(pilot)
        save(bakery, BAKERY.replace("- [ ] **2.2** Bake the loaves\n", ""))
        await wait_for(pilot, lambda: any("Tasks removed: 4 → 3" in m for m in messages(app)), what="the toast")
        assert "Tasks removed: 4 → 3\n2.2 Bake the loaves" in messages(app)


async def test_bad_config_in_the_app_is_one_toast(bakery: Path, tmp_path: Path):
    (tmp_path / ".plantui.toml").write_text('[notify]\nevents = ["nope"]\n')
    app = PlantuiApp([bakery], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await started(pilot)
        save(bakery, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**"))
        await wait_for(pilot, lambda: dash.summary.tasks.done == 2, what="the tick")
        await pilot.pause()
        said = [m for m in messages(app) if "event 'nope'" in m]
        assert len(said) == 1
        assert "Phase done: Phase 1: Dough" in messages(app)  # the defaults, meanwhile


async def test_config_edited_while_running_takes_effect(bakery: Path, tmp_path: Path):
    app = PlantuiApp([bakery], clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await started(pilot)
        (tmp_path / ".plantui.toml").write_text("[notify]\nevents = []\n")
        save(bakery, BAKERY.replace("- [ ] **1.2**", "- [x] **1.2**"))
        await wait_for(pilot, lambda: dash.summary.tasks.done == 2, what="the tick")
        await pilot.pause()
        assert messages(app) == []
