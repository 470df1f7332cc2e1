"""The running app under stress: other writers, faults, links and odd names, bad input.

These drive the real dashboard headless (Pilot) with its file watcher on.

1. A writer process rewrites the plan the way editors and agents do (atomic
   replace, in-place rewrite, vim's rename-aside-then-write) 20-50 times a
   second, ticking its own tasks and adding and removing lines, while the app
   ticks its tasks (``x`` on the task under the cursor) and ``plantui tick``
   processes tick theirs, and a reader process parses every version it sees.
   Every tick is applied to its task or refused with a message; nothing the
   writer wrote is lost; every read is a complete version; afterwards the
   app's view is a fresh parse of the file.
2. Faults while the app is open: the plan deleted, renamed away, replaced by
   a folder, its folder removed, its permissions removed, a write failing
   half-way: the app keeps running, says what happened, keeps its last view,
   and the file holds the old bytes exactly.
3. A symlinked plan and folder, and a plan in a folder with spaces and
   non-ASCII characters in its name.
4. Bad input: an empty plan, a 100,000-character task, lists and quotes
   nested 1,000 deep, NUL bytes written while the app runs, the app started
   on a binary file, invalid UTF-8 and mixed line endings (a tick changes
   only its marker byte).

Smaller tests pin down what the stress test found: queued ticks behind a
refused one are reported, a tick an editor keeps right after plantui wrote is
not called refused, a slow rename-save is not a deletion, watch mode and the
overview follow and say what happened.

Other programs do not take plantui's lock, so between plantui's last check and
its write there are a few system calls (``disk._critical``) in which a
foreign write could still slip in.  The writer is the simulated editor of
``writers.py`` (as in ``test_concurrency.py``): it respects those windows (and
only those) through a test-only lock, and guards its own read-to-write window
with it: a tick lost there would be the editor's doing, not plantui's.

Each test prints its figures (``pytest -s``) as a ``RELIABILITY {...}`` line.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import report_figures
from pilot import header_row, loaded, wait_for
from writers import MODES, WRITERS_PY, flocked, locked_critical, normalize, own_state, plantui_env, rebuild, shared_plan

import plantui.disk as disk_layer
import plantui.snapshot as snapshot
from plantui.parser import build_plan
from plantui.progress import summarize
from plantui.lines import Lines, decode
from plantui.ui.app import PlantuiApp
from plantui.ui.widgets.dashboard import PlanDashboard

PY = sys.executable
NOW = datetime(2026, 3, 9, 10, 15, 0)
SIZE = (120, 40)


# --- plumbing -------------------------------------------------------------------------------


def app_for(*paths: Path, live: bool = True, mode: str = "dashboard") -> PlantuiApp:
    return PlantuiApp(list(paths), live=live, mode=mode, clock=lambda: NOW)


async def press(pilot, key: str) -> None:
    """A real key press, as ``pilot.press`` sends it, without waiting for the app to go idle:
    with a writer busy on the plan it never is, and ``pilot.press`` would wait a second or two."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    await pilot.pause(0)


def settled(dash: PlanDashboard) -> bool:
    return not dash._writing and not dash._writes


def key_of(dash: PlanDashboard, ident: str):
    return next(k for k in dash.plan_layout.key_item if k[0] == "#" + ident.lower())


def shown(dash: PlanDashboard, ident: str):
    """The item the view shows for ``ident`` (None when it shows none)."""
    try:
        return dash.plan_layout.item(key_of(dash, ident))
    except StopIteration:
        return None


def fresh_plan(raw: bytes):
    """A plain full parse of the bytes: what the view must equal."""
    text, _ = decode(raw)
    return build_plan(Lines.of(text), chunked=False)


def assert_view_is_the_file(dash: PlanDashboard, path: Path) -> None:
    raw = path.read_bytes()
    assert dash.snapshot is not None and dash.snapshot.raw == raw, "the view is not of the file on disk"
    plan = fresh_plan(raw)
    assert dash.snapshot.plan == plan
    assert dash.summary == summarize(plan, NOW)
    layout = dash.plan_layout
    assert layout is not None and layout.plan == plan
    for key, index in layout.key_item.items():
        node = layout.nodes.get(key)
        if node is not None:
            assert node.look[0] == plan.items[index].marker, key
    tree = dash.tree  # the tree shows that layout: its nodes are the layout's, every root is there
    assert tree.plan_layout is layout
    assert set(tree._by_key) <= set(layout.nodes)
    assert all(tree.node_for(k) is not None for k in layout.roots)


async def view_catches_up(pilot, dash: PlanDashboard, path: Path, timeout: float = 8.0) -> None:
    """Once nobody writes any more, the view settles on the file as it is."""
    await wait_for(pilot, lambda: settled(dash) and dash.snapshot is not None and _same(dash, path),
                   timeout=timeout, what="the view to catch up with the file")
    await pilot.pause(0.05)
    assert_view_is_the_file(dash, path)


def _same(dash: PlanDashboard, path: Path) -> bool:
    try:
        return dash.snapshot.raw == path.read_bytes()
    except OSError:
        return False


def log_texts(dash: PlanDashboard) -> list[str]:
    return [e.text for e in dash.activity.entries]


def report(name: str, figures: dict) -> None:
    report_figures({"test": name, **figures}, None)


# --- 1. a writer rewriting the plan while the app and the command line tick ------------------

APP_TASKS = [f"A{i:03d}" for i in range(1, 17)]
CLI_TASKS = [f"C{i:03d}" for i in range(1, 7)]
WRITER_TASKS = [f"W{i:03d}" for i in range(1, 13)]
TOTAL = len(APP_TASKS) + len(CLI_TASKS) + len(WRITER_TASKS)
# The writer and the reader (``writers.py``) run as their own processes: real system calls, no GIL
# shared with the app.
WRITER_PAUSE = ("0.01", "0.04")  # between the writer's rewrites: 25-100 a second at most


def start_plan() -> str:
    app = [f"- [ ] {t} Task for the app {t[1:]}" for t in APP_TASKS]
    cli = [f"- [ ] {t} Task for the command line {t[1:]}" for t in CLI_TASKS]
    return shared_plan([("the app's tasks", app), ("the command line's tasks", cli)],
                       marks={t: " " for t in WRITER_TASKS}, remarks=["> remark 00000 from the start"],
                       notes=["- note 00000 from the start", "- note 00001 from the start"])


TASK_LINE = re.compile(r"^- \[(.)\] ([ACW]\d{3}) ", re.M)


def markers(text: str) -> dict[str, str]:
    return {m.group(2): m.group(1) for m in TASK_LINE.finditer(text)}


class Ledger:
    """What became of every tick the app was asked to make, from what the app itself did and said.

    Writes run one at a time in the order asked, so the n-th outcome is the n-th request's.
    """

    def __init__(self, monkeypatch):
        self.requests: list[tuple] = []  # keys, in the order the dashboard got them
        # ("applied"|"unchanged", key, marker now), ("refused", key, message), ("written", key, message):
        # written but the new view could not be made
        self.outcomes: list[tuple] = []
        self.asked: list[float] = []  # when each request came (for the latency figure)
        self.said: list[tuple[str, str]] = []  # every notification, as the app asked for it: (severity, message)
        ledger = self
        real_notify = PlantuiApp.notify

        def notify(self, message, *args, **kwargs):
            ledger.said.append((kwargs.get("severity", "information"), str(message)))
            return real_notify(self, message, *args, **kwargs)

        real_request = PlanDashboard.request
        real_next = PlanDashboard._next_write
        real_finished = PlanDashboard.write_finished
        real_refused = PlanDashboard.write_refused
        real_dropped = PlanDashboard.writes_dropped

        def request(self, what, key=None):
            if what == "tick":
                ledger.requests.append(key)
                ledger.asked.append(time.monotonic())
            return real_request(self, what, key)

        def _next_write(self):
            # a tick whose task is gone is refused before it reaches the engine: with a notification
            before = len(ledger.said)
            queued = [k for w, k in self._writes if w == "tick"]
            real_next(self)
            for _, message in ledger.said[before:]:
                if "no longer in the plan" in message:
                    ledger.outcomes.append(("refused", queued.pop(0) if queued else None, message))

        def write_finished(self, event):
            if event.what == "tick":
                item = None
                if event.key in self._key_index:  # the same items, in the same order, before and after a tick
                    item = event.result.snapshot.plan.items[self._key_index[event.key]]
                ledger.outcomes.append(("applied" if event.result.written else "unchanged", event.key,
                                        item.marker if item is not None else None))
            return real_finished(self, event)

        def write_refused(self, event):
            if event.what == "tick":
                assert ledger.said and ledger.said[-1][1] == event.error, "refused without a word"
                ledger.outcomes.append(("written" if event.written else "refused", event.key, event.error))
            return real_refused(self, event)

        def writes_dropped(self, dropped):
            before = len(ledger.said)
            real_dropped(self, dropped)
            assert len(ledger.said) > before, "queued ticks dropped without a word"
            ledger.outcomes.extend(("refused", key, "not made: queued behind a refused one")
                                   for what, key in dropped if what == "tick")

        monkeypatch.setattr(PlantuiApp, "notify", notify)
        monkeypatch.setattr(PlanDashboard, "request", request)
        monkeypatch.setattr(PlanDashboard, "_next_write", _next_write)
        monkeypatch.setattr(PlanDashboard, "write_finished", write_finished)
        monkeypatch.setattr(PlanDashboard, "write_refused", write_refused)
        monkeypatch.setattr(PlanDashboard, "writes_dropped", writes_dropped)


@contextlib.asynccontextmanager
async def open_dashboard(plan: Path, monkeypatch, live: bool = True):
    """The app on ``plan`` with a ``Ledger``, once it has read the plan: (pilot, dashboard, ledger)."""
    app = app_for(plan, live=live)
    ledger = Ledger(monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        yield pilot, await loaded(pilot), ledger


def cli_ticks(env: dict, plan: Path, stop: threading.Event, results: list) -> None:
    """``plantui tick``/``untick`` on the command line's own tasks, one process after another."""
    rnd = random.Random(11)
    want = {t: " " for t in CLI_TASKS}
    while not stop.is_set():
        task = rnd.choice(CLI_TASKS)
        verb = "untick" if want[task] == "x" else "tick"
        p = subprocess.run([PY, "-m", "plantui", verb, str(plan), task], capture_output=True, text=True,
                           env=env, timeout=60)
        results.append((verb, task, p))
        if p.returncode == 0:
            want[task] = "x" if verb == "tick" else " "


def ident(key) -> str:
    return key[0][1:].upper()


ENOUGH = 12  # app ticks tried, at the least, while the writer writes


@pytest.mark.parametrize("mode", MODES)
async def test_writer_app_and_command_line_tick_together(tmp_path, monkeypatch, mode):
    """For 2.5 s a writer process rewrites the plan (``mode``) 25-50 times a second, ticking its
    W tasks and adding and removing remarks and notes, each time from a fresh read (as an editor
    reloading would); the app ticks A tasks (x on the task under the cursor, sometimes three
    presses in a row); ``plantui tick``/``untick`` processes tick C tasks; a reader process reads
    and parses the file all along.  After each tick the file is checked under the test lock."""
    plan = tmp_path / "plan.md"
    start = start_plan()
    plan.write_text(start, encoding="utf-8")
    env, lock = plantui_env(tmp_path)
    versions = tmp_path / "versions.jsonl"
    versions.write_text(json.dumps(normalize(start)) + "\n")
    monkeypatch.setattr(disk_layer, "_critical", locked_critical(lock))  # the app's own critical windows too

    def on_disk() -> dict[str, str]:
        with flocked(lock):  # nobody is half-way through a write while we hold it
            return markers(plan.read_text(encoding="utf-8"))

    app = app_for(plan)
    ledger = Ledger(monkeypatch)
    stop_cli = threading.Event()
    cli_results: list = []
    want = {t: " " for t in APP_TASKS}  # what the app's tasks must read, from what the app reported
    lost: list = []  # reported applied, not in the file
    refused_but_written: list = []  # reported "nothing written", in the file
    stray: list = []  # changed without being asked
    async with app.run_test(size=SIZE) as pilot:
        dash = await loaded(pilot)
        reader = subprocess.Popen([PY, WRITERS_PY, "read", str(plan), mode, str(versions), str(tmp_path / "reader.json"),
                                   str(TOTAL), str(tmp_path / "stop"), "0.001", "strict"], env=env)
        # The writer goes on for 2.5 s and then until the app has tried ENOUGH ticks: on a slow or
        # busy machine each tick takes longer, and a fixed span alone left too few to prove anything.
        writer_stop = tmp_path / "writer-stop"
        writer = subprocess.Popen([PY, WRITERS_PY, "edit", str(plan), mode, lock, str(versions),
                                   str(tmp_path / "writer.json"), "7", "2.5", *WRITER_PAUSE, str(writer_stop)], env=env)
        cli = threading.Thread(target=cli_ticks, args=(env, plan, stop_cli, cli_results), daemon=True)
        cli.start()
        rnd = random.Random(3)
        bursts = 0
        latency: list[float] = []
        try:
            while writer.poll() is None:
                burst = 1 if rnd.random() < 0.75 else 3  # three presses in a row: queued behind each other
                bursts += burst > 1
                chosen = rnd.sample(APP_TASKS, burst)
                # The view shows what it last read; vim writes its new file in place, and a read in the
                # middle of that shows the plan cut short until the write's own event is read.
                await wait_for(pilot, lambda: all(shown(dash, t) is not None for t in chosen), timeout=15,
                               what="the app's tasks in view")
                keys = [key_of(dash, t) for t in chosen]
                before = len(ledger.requests)
                for n, key in enumerate(keys, 1):
                    assert dash.tree.reveal(key)
                    assert dash.tree.cursor_key == key
                    await press(pilot, "x")
                    await wait_for(pilot, lambda n=n: len(ledger.requests) == before + n, what="the key press")
                await wait_for(pilot, lambda: settled(dash) and len(ledger.outcomes) >= len(ledger.requests),
                               timeout=15, what="the ticks to be made or refused")
                latency.append(time.monotonic() - ledger.asked[-1])
                assert ledger.requests[before:] == keys, "a tick went to another task than the one under the cursor"
                assert len(ledger.outcomes) == len(ledger.requests), "a tick was neither made nor refused with a message"
                disk = on_disk()
                for key, (kind, okey, marker) in zip(keys, ledger.outcomes[before:]):
                    assert okey == key, (okey, key)
                    t = ident(key)
                    if kind == "applied":
                        want[t] = marker
                    elif kind == "written":  # written, the view could not show it: the file tells
                        want[t] = disk[t]
                for key, (kind, _, message) in zip(keys, ledger.outcomes[before:]):
                    t = ident(key)
                    if disk[t] != want[t]:
                        (refused_but_written if kind == "refused" else lost).append((t, kind, message))
                        want[t] = disk[t]  # go on from what the file says
                for t in APP_TASKS:
                    if disk[t] != want[t]:  # a task nobody asked the app to tick changed
                        stray.append((t, want[t], disk[t]))
                        want[t] = disk[t]
                if len(ledger.requests) >= ENOUGH:
                    writer_stop.touch()
                await pilot.pause(rnd.uniform(0, 0.05))
        finally:
            writer_stop.touch()
            stop_cli.set()
            cli.join(60)
            if writer.poll() is None:
                writer.kill()
            writer.wait(30)
            (tmp_path / "stop").touch()
            reader.wait(30)
        assert writer.returncode == 0 and reader.returncode == 0
        await view_catches_up(pilot, dash, plan)

    final = plan.read_text(encoding="utf-8")
    wfig = json.loads((tmp_path / "writer.json").read_text())
    rfig = json.loads((tmp_path / "reader.json").read_text())
    have = markers(final)

    tried = len(ledger.requests)
    applied = [o for o in ledger.outcomes if o[0] == "applied"]
    unchanged = [o for o in ledger.outcomes if o[0] == "unchanged"]
    refused = [o for o in ledger.outcomes if o[0] == "refused"]
    # The command line's ticks.
    cli_want = {t: " " for t in CLI_TASKS}
    for verb, task, p in cli_results:
        assert "Traceback" not in p.stderr, p.stderr
        assert p.returncode in (0, 2), (p.returncode, p.stderr)
        if p.returncode == 0:
            cli_want[task] = "x" if verb == "tick" else " "
        else:
            assert p.stderr.startswith("plantui: ") and len(p.stderr.splitlines()) == 1, p.stderr
    lost += [(t, "cli", "") for t in CLI_TASKS if have[t] != cli_want[t]]
    lost += [(t, "app", "at the end") for t in APP_TASKS if have[t] != want[t]]
    cli_applied = sum(1 for *_, p in cli_results if p.returncode == 0)
    refusal_messages = sorted({re.sub(r"^.*plan\.md: |[AC]\d{3}", "", o[2]) for o in refused}
                              | {re.sub(r"^.*plan\.md: |[AC]\d{3}", "", p.stderr.strip()) for *_, p in cli_results if p.returncode})

    # The writer's share is its last version, byte for byte.
    remarks, wmarks, wnotes = wfig["intent"]
    expected_text = rebuild(start, remarks, wmarks, wnotes)
    report(f"app+cli+writer[{mode}]", {
        "app_ticks_tried": tried, "app_applied": len(applied), "app_already_so": len(unchanged),
        "app_refused": len(refused), "app_refused_but_written": len(refused_but_written), "bursts": bursts,
        "cli_ticks_tried": len(cli_results), "cli_applied": cli_applied, "cli_refused": len(cli_results) - cli_applied,
        "ticks_lost": len(lost), "ticks_stray": len(stray), "writer_changes": wfig["made"], "writer_lost": wfig["lost"],
        "writer_retries": wfig["retries"], "reads": rfig["reads"], "reads_complete": rfig["complete"],
        "reads_writer_transient": rfig["transient"], "reads_bad": rfig["bad"],
        "refusal_messages": refusal_messages, "app_tick_latency_ms_median": round(1000 * sorted(latency)[len(latency) // 2]),
        "app_notices_deleted": sum(1 for _, m in ledger.said if "was deleted" in m),
        "app_notices_unreadable": sorted({m for sev, m in ledger.said if sev == "error" and m not in {o[2] for o in refused}}),
    })
    assert not unchanged, unchanged  # nobody else touches the app's tasks: "already so" would be a stale view
    # the writer's saves are saves: no "deleted", no "cannot read it" on the way
    assert not [m for _, m in ledger.said if "deleted" in m], ledger.said
    assert not [m for sev, m in ledger.said if sev == "error" and m not in {o[2] for o in refused}], ledger.said
    for kind, key, marker in applied:
        assert marker in ("x", " "), (key, marker)
    assert lost == [], lost
    assert stray == [], stray
    assert refused_but_written == [], f"the app said 'nothing written' about ticks that are in the file: {refused_but_written}"
    assert wfig["lost"] == 0, wfig["samples"]
    assert own_state(final) == own_state(expected_text)
    assert normalize(final) == normalize(expected_text)
    assert rfig["bad"] == 0, rfig["samples"]
    assert rfig["complete"] > 0 and wfig["made"] > 20 and tried >= ENOUGH and applied


async def test_watch_mode_follows_a_writer_and_never_writes(tmp_path, monkeypatch):
    """Watch mode (read-only) while the writer rewrites the plan (atomic replace and vim's way):
    it ends on the file as it is, and never writes a byte."""
    import plantui.actions as actions
    from plantui.ui.widgets.compact import CompactPlan, OverallLine

    def refuse(*args, **kwargs):
        raise AssertionError("watch mode tried to write")

    monkeypatch.setattr(actions, "mark_items", refuse)
    monkeypatch.setattr(snapshot, "modify", refuse)
    plan = tmp_path / "plan.md"
    start = start_plan()
    plan.write_text(start, encoding="utf-8")
    versions = tmp_path / "versions.jsonl"
    versions.write_text("")
    app = app_for(plan, mode="watch")
    rnd = random.Random(5)
    async with app.run_test(size=(60, 20)) as pilot:
        compact = app.query_one(CompactPlan)
        await wait_for(pilot, lambda: compact.loads > 0, what="the first read")
        for mode in ("atomic", "vim"):
            writer = subprocess.Popen([PY, WRITERS_PY, "edit", str(plan), mode, str(tmp_path / "lock"), str(versions),
                                       str(tmp_path / "writer.json"), "5", "1.0", *WRITER_PAUSE])
            while writer.poll() is None:
                await press(pilot, rnd.choice(["x", "space", "s", "u", "r"]))  # writing keys do nothing here
                await pilot.pause(0.05)
            assert writer.wait(30) == 0
            wfig = json.loads((tmp_path / "writer.json").read_text())
            assert wfig["made"] > 5 and wfig["lost"] == 0

            def caught_up() -> bool:
                return compact.snapshot is not None and _same(compact, plan) and not compact.missing

            await wait_for(pilot, caught_up, what=f"watch mode to catch up ({mode})")
            raw = plan.read_bytes()
            fresh = fresh_plan(raw)
            assert compact.snapshot.plan == fresh and compact.summary == summarize(fresh, NOW)
            await wait_for(pilot, lambda: app.query_one(OverallLine).counts == compact.summary.tasks,
                           what="the overall line")
        plan.unlink()
        await wait_for(pilot, lambda: compact.missing, what="the deletion")
        assert "deleted" in str(compact.query_one("#c-now").render())
        plan.write_bytes(b"\x00binary")
        await wait_for(pilot, lambda: compact.error is not None and "binary" in compact.error, what="the error")
        assert "binary" in str(compact.query_one("#c-now").render())
        plan.write_text(start, encoding="utf-8")
        await wait_for(pilot, lambda: compact.error is None and _same(compact, plan), what="the recovery")


async def test_a_tick_an_editor_keeps_is_not_called_refused(tmp_path, monkeypatch):
    """An editor that reloads and saves (atomic replace) right after plantui wrote keeps the tick:
    the app must not say "nothing written" about a tick that is in the file (the race the test
    above hits at random, made to happen every time)."""
    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(3), encoding="utf-8")
    real_still_there = disk_layer._still_there
    saves = []

    def editor_saves_right_after(real, inode):
        if not saves:  # once: the editor reloads (our tick is in what it reads), adds a line, saves
            data = plan.read_bytes()
            tmp = plan.with_name(".plan.md.swp")
            tmp.write_bytes(data.replace(b"Closing words.", b"Closing words, and one more from the editor."))
            os.replace(tmp, plan)
            saves.append(data)
        return real_still_there(real, inode)

    monkeypatch.setattr(disk_layer, "_still_there", editor_saves_right_after)
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        await tick(pilot, dash, ledger, "T004")
        assert saves, "the simulated editor never ran"
        text = plan.read_text(encoding="utf-8")
        assert "- [x] T004" in text and "one more from the editor" in text  # the tick is in the file
        assert ledger.outcomes[-1][0] == "applied", (
            f"the app said {ledger.outcomes[-1][2]!r} about a tick that is in the file")
        await view_catches_up(pilot, dash, plan)


async def test_queued_ticks_behind_a_refused_one_are_reported(tmp_path, monkeypatch):
    """Ticks pressed while an earlier one is being written wait their turn; when that one is
    refused, the view is stale and they are not made: the app must say so for each of them."""
    import plantui.actions as actions

    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(), encoding="utf-8")
    gate = threading.Event()
    real_mark = actions.mark_items

    def slow_mark(*args, **kwargs):
        gate.wait(5)  # the first write takes a while: the next presses queue behind it
        return real_mark(*args, **kwargs)

    # no watcher: the view does not know the file changed
    async with open_dashboard(plan, monkeypatch, live=False) as (pilot, dash, ledger):
        changed = fault_plan().replace("T004 Task 4", "T004 Task four")
        plan.write_text(changed, encoding="utf-8")
        monkeypatch.setattr(actions, "mark_items", slow_mark)
        for ident in ("T004", "T005", "T006"):
            dash.tree.reveal(key_of(dash, ident))
            await pilot.press("x")
        assert len(ledger.requests) == 3 and not ledger.outcomes
        gate.set()
        await wait_for(pilot, lambda: len(ledger.outcomes) == 3 and settled(dash), what="the outcomes")
        assert [o[0] for o in ledger.outcomes] == ["refused"] * 3
        assert [o[1] for o in ledger.outcomes] == [key_of(dash, t) for t in ("T004", "T005", "T006")]
        assert "changed in the file" in ledger.outcomes[0][2]
        assert any("2 more changes" in m and "not made" in m for _, m in ledger.said), ledger.said
        logged = log_texts(dash)
        assert any("not made" in e and "T005" in e for e in logged) and any("not made" in e and "T006" in e for e in logged)
        assert plan.read_text(encoding="utf-8") == changed  # nothing written
        await view_catches_up(pilot, dash, plan)
        assert (await tick(pilot, dash, ledger, "T005"))[0] == "applied"  # pressed again on the fresh view


async def test_a_written_tick_that_cannot_be_shown_is_not_called_unwritten(tmp_path, monkeypatch):
    """The write went through but working out the new view failed (a bug, memory): the app must
    not say "nothing written"; it says the change was written and reloads."""
    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(), encoding="utf-8")
    real_summary = snapshot.Snapshot.summary
    failures = []

    def summary_fails_once(snap, *args, **kwargs):
        if not failures and b"- [x] T004" in snap.raw:  # the summary of the plan as written
            failures.append(1)
            raise MemoryError("simulated")
        return real_summary(snap, *args, **kwargs)

    async with open_dashboard(plan, monkeypatch, live=False) as (pilot, dash, ledger):
        monkeypatch.setattr(snapshot.Snapshot, "summary", summary_fails_once)
        kind, _, message = await tick(pilot, dash, ledger, "T004")
        assert failures and "- [x] T004" in plan.read_text()
        assert kind == "written" and "nothing written" not in message and "written" in message, message
        await view_catches_up(pilot, dash, plan)
        assert shown(dash, "T004").marker == "x"


# --- 2. faults while the app is open ---------------------------------------------------------


def fault_plan(done: int = 3, total: int = 12) -> str:
    lines = ["# Fault plan", "", f"**Progress:** {done}/{total} tasks complete", "**Last Updated:** 2026-01-01", "",
             "## Phase 1: Work", ""]
    lines += [f"- [{'x' if i <= done else ' '}] T{i:03d} Task {i}" for i in range(1, total + 1)]
    return "\n".join(lines + ["", "Closing words.", ""])


async def tick(pilot, dash: PlanDashboard, ledger: Ledger, ident: str) -> tuple:
    """Put the cursor on a task, press x, wait until the app made the tick or said why not."""
    key = key_of(dash, ident)
    assert dash.tree.reveal(key) and dash.tree.cursor_key == key
    before = len(ledger.outcomes)
    await press(pilot, "x")
    await wait_for(pilot, lambda: len(ledger.outcomes) > before and settled(dash), what=f"the tick of {ident}")
    assert len(ledger.outcomes) == before + 1
    return ledger.outcomes[-1]


def error_said(ledger: Ledger, *words: str) -> str:
    """The last error or warning the app showed; it must contain every one of ``words``."""
    said = [m for sev, m in ledger.said if sev in ("error", "warning")]
    assert said, "the app said nothing"
    assert all(w in said[-1] for w in words), said[-1]
    return said[-1]


FAULTS: dict[str, str] = {}  # fault -> what the app said


async def test_plan_deleted_renamed_and_recreated(tmp_path, monkeypatch):
    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(), encoding="utf-8")
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        plan.unlink()  # deleted
        await wait_for(pilot, lambda: dash.missing, what="the deletion")
        assert "deleted" in header_row(dash, "notice")
        FAULTS["deleted"] = error_said(ledger, "deleted")
        assert shown(dash, "T001").marker == "x"  # the last view stays
        kind, _, message = await tick(pilot, dash, ledger, "T004")
        assert kind == "refused" and "no such file" in message
        assert not plan.exists()  # a tick never brings a deleted plan back
        plan.write_text(fault_plan(4), encoding="utf-8")  # recreated
        await wait_for(pilot, lambda: not dash.missing and shown(dash, "T004").marker == "x", what="the return")
        assert header_row(dash, "notice") is None
        await view_catches_up(pilot, dash, plan)

        away = tmp_path / "renamed.md"
        os.rename(plan, away)  # renamed away
        await wait_for(pilot, lambda: dash.missing, what="the rename")
        FAULTS["renamed away"] = error_said(ledger, "deleted")
        before = away.read_bytes()
        kind, _, message = await tick(pilot, dash, ledger, "T005")
        assert kind == "refused" and "no such file" in message
        assert away.read_bytes() == before and not plan.exists()
        os.rename(away, plan)  # and back
        await wait_for(pilot, lambda: not dash.missing, what="the rename back")
        await view_catches_up(pilot, dash, plan)
        assert (await tick(pilot, dash, ledger, "T005"))[0] == "applied"
        assert "- [x] T005" in plan.read_text()


async def test_a_slow_rename_save_is_not_a_deletion(tmp_path, monkeypatch):
    """vim renames the plan aside and writes a new one: for a big plan or a slow disk the name
    stays empty for a while.  That is a save, not a deletion: no alarm, and the view follows."""
    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(), encoding="utf-8")
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        for n, gap in enumerate((0.0, 0.03, 0.1, 0.2)):
            backup = plan.with_name("plan.md~")
            os.rename(plan, backup)
            await pilot.pause(gap)  # the watcher sees the name go; the app goes on meanwhile
            plan.write_text(fault_plan(4 + n), encoding="utf-8")
            backup.unlink()
            await wait_for(pilot, lambda n=n: shown(dash, f"T{4 + n:03d}").marker == "x", what="the save")
        await pilot.pause(0.6)
        assert not dash.missing and not [m for _, m in ledger.said if "deleted" in m], ledger.said
        assert not [e for e in log_texts(dash) if "deleted" in e]
        await view_catches_up(pilot, dash, plan)


async def test_plan_replaced_by_a_folder(tmp_path, monkeypatch):
    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(), encoding="utf-8")
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        plan.unlink()
        plan.mkdir()
        (plan / "inside.txt").write_text("not a plan")
        await wait_for(pilot, lambda: dash.missing or dash.error is not None, what="the app to notice")
        FAULTS["replaced by a folder"] = said = error_said(ledger)
        assert "folder" in said or "deleted" in said
        assert shown(dash, "T001").marker == "x"  # the last view stays
        kind, _, message = await tick(pilot, dash, ledger, "T004")
        assert kind == "refused" and "folder" in message
        assert plan.is_dir() and sorted(p.name for p in plan.iterdir()) == ["inside.txt"]
        assert (plan / "inside.txt").read_text() == "not a plan"
        await pilot.press("r")  # a reload says what it is now
        await wait_for(pilot, lambda: dash.error is not None and "folder" in dash.error, what="the folder message")
        assert "folder" in header_row(dash, "notice")
        shutil.rmtree(plan)
        plan.write_text(fault_plan(5), encoding="utf-8")
        await wait_for(pilot, lambda: dash.error is None and not dash.missing, what="the plan to come back")
        await view_catches_up(pilot, dash, plan)


async def test_folder_removed_and_recreated(tmp_path, monkeypatch):
    folder = tmp_path / "work"
    folder.mkdir()
    plan = folder / "plan.md"
    plan.write_text(fault_plan(), encoding="utf-8")
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        shutil.rmtree(folder)
        await wait_for(pilot, lambda: dash.missing, what="the app to notice")
        FAULTS["folder removed"] = error_said(ledger, "deleted with its folder")
        kind, _, message = await tick(pilot, dash, ledger, "T004")
        assert kind == "refused" and "no such file" in message
        assert not folder.exists()  # a tick never makes the folder again
        folder.mkdir()
        plan.write_text(fault_plan(6), encoding="utf-8")
        await wait_for(pilot, lambda: not dash.missing and shown(dash, "T006").marker == "x", timeout=5,
                       what="the plan in a new folder of the same name to show up")
        await view_catches_up(pilot, dash, plan)
        assert (await tick(pilot, dash, ledger, "T007"))[0] == "applied"


async def test_overview_rows_say_what_happened(tmp_path):
    """The overview of several plans: a plan deleted, made binary, its folder removed and made
    again; each row says what happened and comes back."""
    from plantui.ui.widgets.overview import PlanTable

    one = tmp_path / "one" / "plan.md"
    two = tmp_path / "two" / "tasks.md"
    for p in (one, two):
        p.parent.mkdir()
        p.write_text(fault_plan(), encoding="utf-8")
    app = app_for(one, two)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(PlanTable)
        await wait_for(pilot, lambda: table.loads >= 2, what="both rows")

        def cell(p: Path) -> str:
            return str(table.get_cell(str(p), "bar"))

        one.write_bytes(b"\x00\x01 binary now")
        await wait_for(pilot, lambda: "binary" in cell(one), what="the binary row")
        FAULTS["overview: plan made binary"] = cell(one)
        shutil.rmtree(two.parent)
        await wait_for(pilot, lambda: "deleted" in cell(two), what="the deleted row")
        FAULTS["overview: folder removed"] = cell(two)
        one.write_text(fault_plan(4), encoding="utf-8")
        await wait_for(pilot, lambda: "4/12" in str(table.get_cell(str(one), "done")), what="the first row back")
        two.parent.mkdir()
        two.write_text(fault_plan(5), encoding="utf-8")
        await wait_for(pilot, lambda: "5/12" in str(table.get_cell(str(two), "done")) and "%" in cell(two),
                       what="the plan in a new folder of the same name")


async def test_permissions_removed_while_open(tmp_path, monkeypatch):
    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(), encoding="utf-8")
    before = plan.read_bytes()
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        os.chmod(plan, 0)
        try:
            if os.geteuid() != 0:
                # an ordinary user can no longer read it: the app says so and keeps the last view
                await wait_for(pilot, lambda: dash.error is not None, what="the error")
                FAULTS["permissions removed (read)"] = error_said(ledger, "cannot read")
                assert "Permission denied" in dash.error
            else:
                # root still reads it: the view stays as it is, without a word
                await pilot.pause(0.3)
                assert dash.error is None and not dash.missing
            assert shown(dash, "T001").marker == "x"
            # writing: refused for everyone (a mode without write bits is refused even for root)
            kind, _, message = await tick(pilot, dash, ledger, "T004")
            assert kind == "refused", (kind, message)
            FAULTS["permissions removed (tick)"] = message
            assert "read-only" in message or "cannot" in message or "not writable" in message
        finally:
            os.chmod(plan, 0o644)
        assert plan.read_bytes() == before
        if os.geteuid() == 0:
            # root: make the read fail as it would for anyone else
            def denied(path):
                raise snapshot.PlanError(f"{path}: cannot read it (Permission denied)")

            monkeypatch.setattr(disk_layer, "read_bytes", denied)
            await pilot.press("r")
            await wait_for(pilot, lambda: dash.error is not None, what="the error")
            FAULTS["permissions removed (read)"] = error_said(ledger, "Permission denied")
            assert "Permission denied" in header_row(dash, "notice")
            assert shown(dash, "T001").marker == "x"
            monkeypatch.undo()
            ledger = Ledger(monkeypatch)
        await pilot.press("r")
        await wait_for(pilot, lambda: dash.error is None, what="the recovery")
        assert (await tick(pilot, dash, ledger, "T004"))[0] == "applied"
        assert "- [x] T004" in plan.read_text()


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


WRITE_FAULTS = ("pwrite-half-way", "fsync", "moved-pwrite-half-way", "replace", "temp-write-half-way")


async def test_writes_that_fail_half_way(tmp_path, monkeypatch):
    """Disk full or an I/O error in the middle of a tick made in the app, on each of the engine's
    three ways of writing: the app says so, goes on, and the file holds the old bytes exactly."""
    plan = tmp_path / "plan.md"
    plan.write_text(fault_plan(3), encoding="utf-8")
    where = str(tmp_path)
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        for fault in WRITE_FAULTS:
            # a tick of T004 on 3/12 keeps the length (in place); of T010 on 9/12 it grows (10/12):
            # by rename, or moved in place while another process holds the plan open for writing
            grows = fault != "pwrite-half-way" and fault != "fsync"
            plan.write_text(fault_plan(9 if grows else 3), encoding="utf-8")
            target = "T010" if grows else "T004"
            await view_catches_up(pilot, dash, plan)
            before = plan.read_bytes()
            calls = {"n": 0, "failed": 0}
            real = {name: getattr(os, name) for name in ("pwrite", "fsync", "replace", "write")}

            def fail(err=errno.ENOSPC, calls=calls):
                calls["failed"] += 1
                raise OSError(err, os.strerror(err))

            def pwrite(fd, data, pos, calls=calls, fault=fault, real=real, fail=fail):
                if _fd_path(fd).startswith(where) and not calls["failed"]:
                    calls["n"] += 1
                    if fault == "moved-pwrite-half-way" and len(data) > 1:
                        real["pwrite"](fd, bytes(data[: len(data) // 2]), pos)  # half of it, then the disk is full
                        fail()
                    if calls["n"] == 2:  # the first changed span went in, the next one does not
                        fail()
                return real["pwrite"](fd, data, pos)

            def fsync(fd, calls=calls, real=real, fail=fail):
                if _fd_path(fd).startswith(where) and not calls["failed"]:
                    fail(errno.EIO)
                return real["fsync"](fd)

            def replace(src, dst, *args, calls=calls, real=real, fail=fail, **kwargs):
                if str(dst).startswith(where) and not calls["failed"]:
                    fail()
                return real["replace"](src, dst, *args, **kwargs)

            def write(fd, data, calls=calls, real=real, fail=fail):
                path = _fd_path(fd)
                if path.startswith(where) and "plantui-tmp" in path and not calls["failed"] and len(data) > 1:
                    real["write"](fd, bytes(data[: len(data) // 2]))
                    fail()
                return real["write"](fd, data)

            name, fake = {"pwrite-half-way": ("pwrite", pwrite), "moved-pwrite-half-way": ("pwrite", pwrite),
                          "fsync": ("fsync", fsync), "replace": ("replace", replace),
                          "temp-write-half-way": ("write", write)}[fault]
            holder = os.open(plan, os.O_WRONLY | os.O_APPEND) if fault == "moved-pwrite-half-way" else None
            monkeypatch.setattr(os, name, fake)
            try:
                kind, _, message = await tick(pilot, dash, ledger, target)
            finally:
                monkeypatch.setattr(os, name, real[name])
                if holder is not None:
                    os.close(holder)
            assert calls["failed"], f"{fault}: the fault was never hit"
            assert kind == "refused", (fault, kind, message)
            FAULTS[f"write fails: {fault}"] = message
            assert "No space left" in message or "Input/output error" in message, (fault, message)
            assert "left as it was" in message, (fault, message)
            assert plan.read_bytes() == before, f"{fault}: the file changed"  # the old bytes, exactly
            assert not [p.name for p in tmp_path.iterdir() if "plantui-tmp" in p.name], fault  # no temporary file
            await view_catches_up(pilot, dash, plan)
            assert shown(dash, target).marker == " "
            # and the app goes on: the same tick, now that the disk has room
            assert (await tick(pilot, dash, ledger, target))[0] == "applied", fault
            assert f"- [x] {target}" in plan.read_text()


# --- 3. links and names ----------------------------------------------------------------------


@pytest.mark.parametrize("link", ["plan", "folder"])
async def test_symlinked_plan_stays_a_link(tmp_path, monkeypatch, link):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "plan.md"
    target.write_text(fault_plan(8), encoding="utf-8")  # 8/12: ticking T009 keeps the length, T010 not
    if link == "plan":
        (tmp_path / "links").mkdir()
        path = tmp_path / "links" / "plan.md"
        path.symlink_to(target)
        linked = path
    else:
        linked = tmp_path / "linked-folder"
        linked.symlink_to(real_dir, target_is_directory=True)
        path = linked / "plan.md"
    async with open_dashboard(path, monkeypatch) as (pilot, dash, ledger):
        assert (await tick(pilot, dash, ledger, "T009"))[0] == "applied"  # in place
        assert (await tick(pilot, dash, ledger, "T010"))[0] == "applied"  # length changes: by rename
        assert linked.is_symlink() and os.readlink(linked) == str(target if link == "plan" else real_dir)
        assert target.is_file() and not target.is_symlink()
        assert "- [x] T009" in target.read_text() and "- [x] T010" in target.read_text()
        assert "**Progress:** 10/12" in target.read_text()
        await view_catches_up(pilot, dash, path)
        # a change made to the target (not through the link) shows up
        tmp = real_dir / ".plan.md.swp"
        tmp.write_text(target.read_text().replace("- [ ] T011", "- [x] T011"))
        os.replace(tmp, target)
        await wait_for(pilot, lambda: shown(dash, "T011").marker == "x", what="the change to the target")
        await view_catches_up(pilot, dash, path)
        assert linked.is_symlink()


async def test_spaces_and_non_ascii_names(tmp_path, monkeypatch):
    folder = tmp_path / "my plans" / "планы ✓ 2026"
    folder.mkdir(parents=True)
    plan = folder / "план задач #1 (v2).md"
    plan.write_text(fault_plan().replace("# Fault plan", "# План: düğüm ✓"), encoding="utf-8")
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        assert dash.name_shown == plan.name
        assert "План: düğüm ✓" in header_row(dash, "title")
        assert (await tick(pilot, dash, ledger, "T004"))[0] == "applied"
        assert (await tick(pilot, dash, ledger, "T004"))[0] == "applied"  # and back
        assert (await tick(pilot, dash, ledger, "T012"))[0] == "applied"
        assert "- [x] T012" in plan.read_text(encoding="utf-8")
        tmp = folder / ".план.swp"
        tmp.write_text(plan.read_text(encoding="utf-8").replace("- [ ] T011", "- [x] T011"), encoding="utf-8")
        os.replace(tmp, plan)
        await wait_for(pilot, lambda: shown(dash, "T011").marker == "x", what="the outside save")
        await view_catches_up(pilot, dash, plan)
        plan.unlink()
        await wait_for(pilot, lambda: dash.missing, what="the deletion")
        assert plan.name in error_said(ledger, "deleted")


# --- 4. bad input ----------------------------------------------------------------------------


def only_marker_changed(before: bytes, after: bytes, ident: bytes) -> None:
    """``after`` is ``before`` with one byte changed: the marker of the task ``ident``."""
    assert len(after) == len(before)
    diff = [k for k in range(len(before)) if before[k] != after[k]]
    assert len(diff) == 1, f"{len(diff)} bytes changed"
    k = diff[0]
    assert before[k - 1 : k] == b"[" and before[k + 1 : k + 3] == b"] " and after[k : k + 1] in (b"x", b" ")
    assert after[k + 3 : k + 3 + len(ident)] == ident


INPUTS: dict[str, str] = {}  # input -> what the app did


async def test_an_empty_plan(tmp_path, monkeypatch):
    plan = tmp_path / "plan.md"
    plan.write_bytes(b"")
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        assert dash.error is None and dash.snapshot.plan.items == ()
        assert "no checkbox tasks" in header_row(dash, "next").lower()
        mtime = plan.stat().st_mtime_ns
        await pilot.press("x", "space", "n", "u", "f", "f", "f")
        await pilot.pause(0.2)
        assert plan.read_bytes() == b"" and plan.stat().st_mtime_ns == mtime  # nothing to tick, nothing written
        assert not ledger.requests
        plan.write_text("# Now a plan\n\n- [ ] T001 first\n", encoding="utf-8")
        await wait_for(pilot, lambda: shown(dash, "T001") is not None, what="the first task")
        await view_catches_up(pilot, dash, plan)
        plan.write_bytes(b"")  # and empty again
        await wait_for(pilot, lambda: dash.snapshot.raw == b"", what="the empty plan")
        await view_catches_up(pilot, dash, plan)
        INPUTS["empty file"] = "shown: no checkbox tasks; keys write nothing"


ODD_INPUTS = [
    ("100,000-character task",
     lambda: f"# Long\n\n- [ ] T001 {'word ' * 20000}\n- [ ] T002 short\n{'y' * 100000}\n", "T001"),
    ("lists nested 1,000 deep",  # read to markdown-it's nesting limit: tick the deepest item read
     lambda: "# Nest\n\n" + "".join("  " * d + f"- [ ] N{d} level {d}\n" for d in range(1000)), None),
    ("quotes nested 1,000 deep",
     lambda: "# Quotes\n\n" + "".join(">" * d + f" - [ ] Q{d} level {d}\n" for d in range(1, 1001)), "Q1"),
]


@pytest.mark.parametrize("name, make, task", ODD_INPUTS, ids=[n for n, _, _ in ODD_INPUTS])
async def test_odd_input_is_shown_and_a_tick_changes_one_byte(tmp_path, monkeypatch, name, make, task):
    body = make().encode()
    plan = tmp_path / "plan.md"
    plan.write_bytes(body)
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        await view_catches_up(pilot, dash, plan)  # the view is what a fresh parse finds
        items = dash.snapshot.plan.items
        assert len(items) >= 2
        task = task or items[-1].id
        assert (await tick(pilot, dash, ledger, task))[0] == "applied"
        only_marker_changed(body, plan.read_bytes(), task.encode())
        await view_catches_up(pilot, dash, plan)
        INPUTS[name] = f"shown as parsed ({len(items)} items); a tick changed its marker byte only"


async def test_nul_bytes_written_while_open(tmp_path, monkeypatch):
    plan = tmp_path / "plan.md"
    text = fault_plan()
    plan.write_text(text, encoding="utf-8")
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        binary = text.encode().replace(b"Closing words.", b"Closing\x00\x00words.")
        with open(plan, "r+b") as fh:  # in place, as a broken tool would
            fh.write(binary)
        await wait_for(pilot, lambda: dash.error is not None, what="the error")
        INPUTS["NUL bytes written while open"] = error_said(ledger, "binary")
        assert "binary" in header_row(dash, "notice")
        assert shown(dash, "T001").marker == "x"  # the last view stays
        kind, _, message = await tick(pilot, dash, ledger, "T004")
        assert kind == "refused" and "binary" in message
        assert plan.read_bytes() == binary  # not one byte changed
        plan.write_text(text, encoding="utf-8")
        await wait_for(pilot, lambda: dash.error is None, what="the recovery")
        await view_catches_up(pilot, dash, plan)
        assert header_row(dash, "notice") is None


async def test_started_on_a_binary_file(tmp_path, monkeypatch):
    """The command line refuses a binary plan; the app, started on one anyway, says why and waits."""
    plan = tmp_path / "plan.md"
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32
    plan.write_bytes(png)
    app = app_for(plan)
    ledger = Ledger(monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        dash = pilot.app.screen.query_one(PlanDashboard)
        await wait_for(pilot, lambda: dash.error is not None, what="the error")
        assert "binary" in dash.error and "binary" in header_row(dash, "notice")
        await pilot.press("x", "s", "u", "n", "f")
        await pilot.pause(0.2)
        assert plan.read_bytes() == png and not ledger.requests
        plan.write_text(fault_plan(), encoding="utf-8")
        await wait_for(pilot, lambda: dash.error is None and dash.plan_layout is not None, what="the plan")
        await view_catches_up(pilot, dash, plan)
        INPUTS["started on a binary file"] = error_said(ledger, "binary")


async def test_invalid_utf8_and_mixed_line_endings(tmp_path, monkeypatch):
    body = (b"# Bad \xff\xfe title\r\n\r\n## Phase 1: Mixed\n\n- [ ] T001 caf\xe9 \x80\r\n- [ ] T002 lf\n"
            b"- [ ] T003 cr\r- [ ] T004 ok \xc3\r\n- [x] T005 last\n\nbytes \xed\xa0\x80 end\r")
    plan = tmp_path / "plan.md"
    plan.write_bytes(body)
    async with open_dashboard(plan, monkeypatch) as (pilot, dash, ledger):
        await view_catches_up(pilot, dash, plan)
        assert "\ufffd" in header_row(dash, "title")  # shown, not crashed on
        current = body
        for ident in ("T001", "T003", "T004", "T002", "T001"):
            assert (await tick(pilot, dash, ledger, ident))[0] == "applied"
            after = plan.read_bytes()
            only_marker_changed(current, after, ident.encode())
            current = after
            await view_catches_up(pilot, dash, plan)
        INPUTS["invalid UTF-8, CRLF/LF/CR mixed"] = "shown with U+FFFD; 5 ticks changed one byte each"


def test_print_the_figures():
    """Print what the fault and input tests saw (run with -s); last in the file, so it sees them all."""
    report("faults", {"count": len(FAULTS), "said": FAULTS})
    report("bad-input", {"count": len(INPUTS), "done": INPUTS})
