"""The dashboard, or the floor, measured headless (Textual's ``run_test``), in a child process.

``python -m benchmarks.app --plan FILE --meta META.json --out OUT.json
[--mode plantui|floor] [--repeat N] [--what all|memory]``

What "the screen shows it" means here: Textual renders every frame (the
compositor works out the changed regions and the text and styles in them)
and hands it to ``App._display``, which in a real terminal writes it out and
headless drops it.  :class:`ScreenWatch` wraps ``_display``: while armed it
turns each frame into the characters a terminal would get, drops the escape
sequences, and notes the moment of the first frame by which every expected
string has been drawn (plantui: the header's new ``done/total``, the task's
line with its new glyph, a new task's line; the floor: its new count).  That
moment minus the moment another process called ``os.replace``
(``time.monotonic`` is one clock for every process on Linux) is "outside
change to screen".  Both apps are measured by the same code; the floor has
no key press to time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
SIZE = (120, 35)
EQUAL_CHECK_UP_TO = 20000  # tasks; above, the check's own full parse would take too long
TICK_RE = re.compile(r"^(?P<lead>\s*[-*+] \[)(?P<mark>.)(?P<rest>\] .*)$")
BODY_RE = re.compile(r"^(?P<head>\s*[-*+] \[.\] \S+(?: \[[^\]\s]+\])*) (?:Rev\d+ )?(?P<body>.*)$")

WRITER = r"""
import os, sys, time
for line in sys.stdin:
    src, dst = line.rstrip("\n").split("\t")
    t = time.monotonic()
    os.replace(src, dst)
    sys.stdout.write(repr(t) + "\n")
    sys.stdout.flush()
"""


def plain_text(frame: str) -> str:
    return ANSI.sub("", frame)


class ScreenWatch:
    """Notes when the frames drawn since it was armed show every expected string."""

    def __init__(self, app) -> None:
        self.app = app
        self.frames = 0
        self._want: list[str] = []
        self._since = 0.0
        self.shown_at: float | None = None
        self.event = asyncio.Event()
        original = app._display

        def display(screen, renderable):
            t = time.monotonic()
            original(screen, renderable)
            self.frames += 1
            if self._want and renderable is not None and t >= self._since:
                try:
                    text = plain_text(renderable.render_segments(app.console))
                except Exception:  # pragma: no cover - an update kind without segments
                    return
                self._want = [w for w in self._want if w not in text]
                if not self._want:
                    self.shown_at = t
                    self.event.set()

        app._display = display

    def arm(self, *want: str) -> None:
        self._want = [w for w in want if w]
        self._since = time.monotonic()
        self.shown_at = None
        self.event = asyncio.Event()

    async def wait(self, timeout: float) -> float | None:
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except asyncio.TimeoutError:
            self._want = []
            return None
        return self.shown_at


class Heartbeat:
    """How late the event loop answers: a 5 ms sleep in a loop, gaps recorded."""

    PERIOD = 0.005

    def __init__(self) -> None:
        self.gaps: list[tuple[float, float]] = []  # (start, end) of wake-ups later than 2 periods
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(self.PERIOD)
            now = time.monotonic()
            if now - last > 2 * self.PERIOD:
                self.gaps.append((last, now))
            last = now

    def worst(self, start: float, end: float) -> float:
        """The longest stretch (ms) in [start, end] the loop did not run, less the sleep itself."""
        worst = 0.0
        for a, b in self.gaps:
            if b >= start and a <= end:
                worst = max(worst, b - a - self.PERIOD)
        return worst * 1000


class Writer:
    """Another process that does the ``os.replace`` of an atomic save."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", WRITER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def replace(self, src: Path, dst: Path) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{src}\t{dst}\n")
        self.proc.stdin.flush()

    def replaced_at(self) -> float:
        assert self.proc.stdout is not None
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(5)


POLLER = r"""
import os, sys, time
def poll(path, needle, near, deadline):
    lo = max(0, near - 4096)
    size = len(needle) + 8192
    while time.monotonic() < deadline:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            time.sleep(0.0002)
            continue
        try:
            chunk = os.pread(fd, size, lo)
        finally:
            os.close(fd)
        if needle in chunk:
            return time.monotonic()
        time.sleep(0.0002)
    return None
for line in sys.stdin:
    path, needle, near, deadline = line.rstrip("\n").split("\t")
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdout.write(repr(poll(path, bytes.fromhex(needle), int(near), float(deadline))) + "\n")
    sys.stdout.flush()
"""


class DiskPoller:
    """Another process that notes the moment the plan file holds some bytes.

    Polled every 0.2 ms from its own process: a thread of the app's process
    would take the interpreter from the very write it times.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", POLLER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def start(self, path: Path, needle: bytes, near: int, deadline: float) -> None:
        """Start polling for ``needle`` around byte ``near``; back once the poller runs."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{path}\t{needle.hex()}\t{near}\t{deadline!r}\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline() == "READY\n"

    def found_at(self) -> float | None:
        """When it was found (``time.monotonic``, one clock for every process), or None."""
        assert self.proc.stdout is not None
        got = self.proc.stdout.readline().strip()
        return None if got in ("None", "") else float(got)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(5)


class PlanText:
    """The plan's lines as the outside writer changes them."""

    def __init__(self, path: Path, meta: dict) -> None:
        self.path = path
        self.lines = path.read_text(encoding="utf-8").split("\n")
        self.focus = meta["focus_line"]  # 0-based line of the next task
        self.focus_id = meta["focus_id"]
        self.done = meta["done"]
        self.total = meta["tasks"]
        self.version = 0

    def text(self) -> str:
        return "\n".join(self.lines)

    def state(self) -> str:
        return TICK_RE.match(self.lines[self.focus]).group("mark")

    def _field(self, name: str, value: str) -> None:
        for k, line in enumerate(self.lines[:40]):
            if line.startswith(f"**{name}:** "):
                self.lines[k] = f"**{name}:** {value}"
                return

    def tick(self) -> tuple[str, ...]:
        """Flip the next task's box, as an agent does, with Progress and Last Updated following."""
        self.version += 1
        m = TICK_RE.match(self.lines[self.focus])
        ticked = m.group("mark") == " "
        self.lines[self.focus] = m.group("lead") + ("x" if ticked else " ") + m.group("rest")
        self.done += 1 if ticked else -1
        self._field("Progress", f"{self.done}/{self.total} tasks complete")
        self._field("Last Updated", f"2026-01-05 10:{self.version // 60:02d}:{self.version % 60:02d}")
        return (f"{'✓' if ticked else '○'} {self.focus_id} ", f"{self.done}/{self.total}")

    def edit(self) -> tuple[str, ...]:
        """Change the next task's text and add a task after it."""
        self.version += 1
        line = self.lines[self.focus]
        m = BODY_RE.match(line)
        self.lines[self.focus] = f"{m.group('head')} Rev{self.version} {m.group('body')}"
        indent = len(line) - len(line.lstrip())
        at = self.focus + 1
        while at < len(self.lines) and self.lines[at].strip() and len(self.lines[at]) - len(self.lines[at].lstrip()) > indent:
            at += 1
        new_id = f"TNEW{self.version}"
        self.lines.insert(at, f"{' ' * indent}- [ ] {new_id} Added by an outside edit, number {self.version}")
        self.total += 1
        return (f"{self.focus_id} Rev{self.version} ", f"{new_id} Added", f"{self.done}/{self.total}")

    def write_temp(self) -> Path:
        tmp = self.path.with_name(f".{self.path.name}.bench-{self.version}.tmp")
        tmp.write_text(self.text(), encoding="utf-8")
        return tmp


class Trace:
    """When each stage of a reload ran (monotonic seconds), for the breakdown of a latency."""

    STAGES = ("watcher fired", "read+parse done", "summary done", "layout done", "UI got it", "UI applied")

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def mark(self, stage: str) -> None:
        self.marks.append((stage, time.monotonic()))

    def install(self) -> None:
        from plantui.snapshot import Snapshot
        from plantui.ui import live
        from plantui.ui.widgets.dashboard import PlanDashboard
        from plantui.watcher import PlanWatcher

        trace = self
        fire, read_settled, summarize = PlanWatcher._fire, live.read_settled, Snapshot.summary
        prepare, loaded = PlanDashboard.prepare, live.LivePlan.on_plan_loaded

        def traced_fire(self):
            trace.mark("watcher fired")
            return fire(self)

        def traced_read(*a, **k):
            snap = read_settled(*a, **k)
            trace.mark("read+parse done")
            return snap

        def traced_summarize(*a, **k):
            out = summarize(*a, **k)
            trace.mark("summary done")
            return out

        def traced_prepare(self, *a, **k):
            out = prepare(self, *a, **k)
            trace.mark("layout done")
            return out

        def traced_loaded(self, event):
            trace.mark("UI got it")
            loaded(self, event)
            trace.mark("UI applied")

        PlanWatcher._fire = traced_fire
        live.read_settled = traced_read
        Snapshot.summary = traced_summarize
        PlanDashboard.prepare = traced_prepare
        live.LivePlan.on_plan_loaded = traced_loaded

    def since(self, start: float, end: float) -> dict[str, float]:
        """The first mark of each stage in [start, end], in ms after ``start``."""
        out: dict[str, float] = {}
        for stage, t in self.marks:
            if start <= t <= end and stage not in out:
                out[stage] = round((t - start) * 1000, 1)
        return out


def _clear_caches() -> None:
    """Empty plantui's text-keyed caches where it still has them, so every start is cold."""
    import importlib

    for module, name, how in (("plantui.markdown.chunks", "MEMO", "clear"),
                              ("plantui.ui.tree_model", "one_line", "cache_clear")):
        try:
            getattr(getattr(importlib.import_module(module), name), how)()
        except (ImportError, AttributeError):
            pass


async def _settle(app, dash, pilot, quiet: float = 0.15) -> None:
    """Wait until no read or write is under way and the watcher has had time to speak."""
    deadline = time.monotonic() + 600
    await asyncio.sleep(quiet)
    while dash is not None and time.monotonic() < deadline:
        if not dash.busy:
            break
        await asyncio.sleep(0.02)
    await pilot.pause()


def _first(mode: str, plan: Path, meta: dict):
    """(a function that starts the app, what its first frame shows); imports done here, untimed."""
    if mode == "floor":
        from .floor import Floor, label

        return (lambda: Floor(plan)), (label(plan.read_bytes()),)
    from plantui.ui.app import PlantuiApp

    return (lambda: PlantuiApp([plan])), (meta["title"], f"○ {meta['focus_id']} ")


async def measure(plan: Path, meta: dict, repeat: int, what: str, timeout: float, first_repeat: int,
                  trace: Trace | None = None, mode: str = "plantui") -> dict:
    from .floor import label

    out: dict = {"first_frame_headless": [], "outside_tick": [], "outside_edit": [], "tick_to_disk": [],
                 "own_tick_to_screen": [], "stall_outside_tick": [], "stall_outside_edit": [], "errors": [],
                 "trace_outside_tick": [], "trace_outside_edit": []}
    focus_id = meta["focus_id"]
    floor = mode == "floor"
    runs = 1 if what == "memory" else max(1, first_repeat)
    for run in range(runs):
        _clear_caches()
        last = run == runs - 1
        start, first = _first(mode, plan, meta)
        t0 = time.monotonic()
        app = start()
        watch = ScreenWatch(app)
        watch.arm(*first)
        watch._since = t0
        async with app.run_test(size=SIZE) as pilot:
            shown = await watch.wait(timeout)
            if shown is None:
                out["errors"].append("first frame: timed out")
                return out
            out["first_frame_headless"].append((shown - t0) * 1000)
            if not last:
                continue
            if floor:
                dash = None
            else:
                from plantui.ui.widgets.dashboard import PlanDashboard

                dash = app.screen.query_one(PlanDashboard)
            await _settle(app, dash, pilot)
            text = PlanText(plan, meta)
            writer = Writer()
            poller = DiskPoller()
            beat = Heartbeat()
            beat.start()
            try:
                # an outside tick, then an outside edit: save, and time until it shows
                for name, change, times in (("tick", text.tick, 1 if what == "memory" else repeat),
                                            ("edit", text.edit, 0 if what == "memory" else repeat)):
                    for _ in range(times):
                        want = change()
                        if floor:
                            want = (label(text.text().encode("utf-8")),)
                        tmp = text.write_temp()
                        await asyncio.sleep(0.05)
                        watch.arm(*want)
                        writer.replace(tmp, plan)
                        shown = await watch.wait(timeout)
                        at = writer.replaced_at()
                        if shown is None:
                            out["errors"].append(f"outside {name}: timed out waiting for {want}")
                            break
                        out[f"outside_{name}"].append((shown - at) * 1000)
                        if trace is not None:
                            out[f"trace_outside_{name}"].append(trace.since(at, shown))
                        out[f"stall_outside_{name}"].append(beat.worst(at, shown))
                        await _settle(app, dash, pilot)
                if what == "memory" or floor:
                    return out
                beat.stop()  # the stall is measured during outside changes only
                # tick to disk: a key press until the file holds the change
                from textual import events

                focus_key = next((k for k in dash.plan_layout.key_item if k[0] == "#" + focus_id.lower()), None)
                for _ in range(repeat):
                    if focus_key is None:
                        out["errors"].append("tick to disk: the task is not in the tree")
                        break
                    if dash.tree.cursor_key != focus_key:
                        dash.tree.reveal(focus_key)
                        await pilot.pause()
                    raw = plan.read_bytes()
                    old_line = text.lines[text.focus]
                    near = raw.find(old_line.encode("utf-8"))
                    want = text.tick()
                    new_line = text.lines[text.focus].encode("utf-8")
                    watch.arm(*want)
                    loop = asyncio.get_running_loop()
                    poller.start(plan, new_line + b"\n", near, time.monotonic() + timeout)
                    polled = loop.run_in_executor(None, poller.found_at)  # waits in a read: holds no lock
                    t0 = time.monotonic()
                    key = events.Key("x", "x")
                    key.set_sender(app)
                    app._driver.send_message(key)
                    on_disk = await polled
                    if on_disk is None:
                        out["errors"].append("tick to disk: timed out")
                        break
                    out["tick_to_disk"].append((on_disk - t0) * 1000)
                    shown = await watch.wait(timeout)
                    if shown is not None:
                        out["own_tick_to_screen"].append((shown - t0) * 1000)
                    await _settle(app, dash, pilot, quiet=0.3)
                    text.lines = plan.read_text(encoding="utf-8").split("\n")  # what plantui wrote
                if meta["tasks"] <= EQUAL_CHECK_UP_TO:
                    # what the dashboard shows now must be what one full parse of the file says
                    from plantui.parser import build_plan
                    from plantui.lines import Lines, decode

                    raw = plan.read_bytes()
                    snap = dash.snapshot
                    out["equal_to_full_parse"] = bool(
                        snap is not None and snap.raw == raw
                        and snap.plan == build_plan(Lines.of(decode(raw)[0]), snap.settings, chunked=False))
            finally:
                beat.stop()
                writer.close()
                poller.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.app")
    ap.add_argument("--plan", type=Path, required=True)
    ap.add_argument("--meta", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--mode", choices=("plantui", "floor"), default="plantui")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--first-repeat", type=int, default=None, help="cold starts to time (default: --repeat)")
    ap.add_argument("--what", choices=("all", "memory"), default="all")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--trace", action="store_true", help="note when each stage of a reload ran")
    args = ap.parse_args(argv)
    meta = json.loads(args.meta.read_text(encoding="utf-8"))
    first = args.first_repeat if args.first_repeat is not None else args.repeat
    trace = None
    if args.trace and args.mode == "plantui":
        trace = Trace()
        trace.install()
    started = time.monotonic()
    result = asyncio.run(measure(args.plan, meta, args.repeat, args.what, args.timeout, first, trace, args.mode))
    result["mode"] = args.mode
    result["seconds"] = time.monotonic() - started
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    args.out.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
