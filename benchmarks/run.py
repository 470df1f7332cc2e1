"""The benchmark: every metric at every size, plantui beside the floor.

Run it as ``python -m benchmarks`` from the repository (see
``docs/benchmark.md``).  The floor (:mod:`benchmarks.floor`) is the least a
Textual app can do to follow a plan; plantui's speed targets are ratios to
its figures, measured in the same run on the same generated plans.  Each
measurement runs in its own process, one at a time, so they do not compete
for the cores; plantui and the floor alternate, so both see the machine in
the same state.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import plantui

from .floor import label
from .generate import generate
from .procs import (QUIET_ENV, find_openspec, first_frame_pty, floor_argv, install_openspec, module_env,
                    openspec_layout, openspec_version, plantui_argv, time_command)

SIZES = (1000, 10000, 20000)  # 100,000 only when asked for (--sizes)
BIG = 100000  # from this size on, fewer repeats
WHO = ("plantui", "floor")


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    unit: str
    targets: dict[int, float]  # size -> limit
    ratio_of: str | None = "floor"  # what the ratio column divides plantui's median by: "floor", "openspec", None
    on_ratio: bool = False  # the limit is on the ratio (else on plantui's own figure)
    by: str = "median"  # what an own-figure limit is checked on: "median" or "max"


# The targets of issue #18: ratios to the floor where the floor does the same
# work, own limits where it does not (it never writes; its stalls are ~0).
METRICS = (
    Metric("first_frame_pty", "start → first frame (real terminal)", "ms", {1000: 1.5, 10000: 2.5, 20000: 3}, on_ratio=True),
    Metric("outside_tick", "outside tick → screen", "ms", {1000: 1.5, 10000: 2, 20000: 2}, on_ratio=True),
    Metric("outside_edit", "outside text edit + new task → screen", "ms", {10000: 8}, on_ratio=True),
    Metric("tick_to_disk", "key press → tick on disk", "ms", {10000: 10}, ratio_of=None),
    Metric("status_vs_openspec", "status --json vs openspec list --json", "ms", {1000: 0.3, 10000: 0.7},
           ratio_of="openspec", on_ratio=True),
    Metric("stall_outside_edit", "UI stall during an outside edit (max)", "ms", {10000: 50}, by="max"),
    Metric("stall_outside_tick", "UI stall during an outside tick (max)", "ms", {10000: 50}, by="max"),
    Metric("peak_rss", "peak memory (first frame + one reload)", "MB", {10000: 150, 100000: 1500}),
    Metric("peak_rss_pty", "peak memory (real terminal, first frame)", "MB", {}),
    Metric("first_frame_headless", "start → first frame (headless)", "ms", {}),
    Metric("own_tick_to_screen", "key press → tick on screen", "ms", {}, ratio_of=None),
    Metric("status", "plantui status --json (process)", "ms", {}, ratio_of=None),
    # A status bar polls: a warm `status --line` (its cache filled, the plan unchanged) beside the
    # least any Python command costs, a bare `python -c pass` (issue #16).
    Metric("status_line_warm", "warm status --line vs python -c pass", "ms", {10000: 2}, ratio_of="python", on_ratio=True),
)
PARTS = ("status_line",)  # what --only can run alone


# --- statistics --------------------------------------------------------------------


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def p95(xs: list[float]) -> float | None:
    """Nearest rank: with fewer than 20 samples this is the largest."""
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


# --- the machine -------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if ":" in line:
                k, v = (x.strip() for x in line.split(":", 1))
                fields.setdefault(k, v)
    except OSError:
        pass
    if fields.get("model name"):
        cpu = fields["model name"]
        extra = []
        if "cpu family" in fields and "model" in fields:
            extra.append(f"family {fields['cpu family']} model {fields['model']}")
        if "cpu MHz" in fields:
            extra.append(f"{float(fields['cpu MHz']) / 1000:.1f} GHz")
        if "hypervisor" in fields.get("flags", "").split():
            extra.append("virtual machine")
        if extra:
            cpu += f" ({', '.join(extra)})"
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count()
    versions = {}
    for name in ("textual", "markdown-it-py", "watchdog"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # pragma: no cover
            versions[name] = "?"
    from plantui import __version__

    return {
        "cpu": cpu,
        "cores": cores,
        "memory_gb": mem,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "plantui": __version__,
        "nice": os.nice(0) if hasattr(os, "nice") else 0,
        **versions,
    }


def machine_line(m: dict) -> str:
    mem = f", {m['memory_gb']} GB RAM" if m.get("memory_gb") else ""
    nice = f"; run at nice {m['nice']}" if m.get("nice") else ""
    return (f"{m['cpu']}, {m['cores']} cores{mem}; {m['os']}; {m['implementation']} {m['python']}; "
            f"textual {m['textual']}, markdown-it-py {m['markdown-it-py']}{nice}")


# --- one size ------------------------------------------------------------------------


class Run:
    def __init__(self, args, out: callable) -> None:
        self.args = args
        self.say = out
        self.results: dict[str, dict[str, dict[str, list[float]]]] = {}
        self.notes: list[str] = []
        self.errors: list[str] = []
        self.traces: dict[str, dict] = {}
        self.openspec: list[str] | None = None
        self.openspec_version: str | None = None
        self.loads: dict[str, float] = {}
        self.equal: dict[str, bool] = {}

    def add(self, metric: str, size: int, who: str, value: float | None) -> None:
        if value is None:
            return
        self.results.setdefault(metric, {}).setdefault(str(size), {}).setdefault(who, []).append(value)

    def samples(self, metric: str, size: int, who: str) -> list[float]:
        return self.results.get(metric, {}).get(str(size), {}).get(who, [])

    def repeats(self, size: int) -> int:
        return self.args.repeat if size < BIG else min(self.args.repeat, self.args.big_repeat)

    # -- the parts --

    def status(self, size: int, path: Path, root: Path) -> None:
        for _ in range(self.repeats(size)):
            wall, _, rc, out = time_command(plantui_argv("status", "--json", str(path)))
            if rc != 0:
                self.errors.append(f"{size}: plantui status exited {rc}")
            else:
                self.add("status", size, "plantui", wall)
                self.add("status_vs_openspec", size, "plantui", wall)
            if self.openspec:
                wall, _, rc, out = time_command([*self.openspec, "list", "--json"], cwd=root, env=QUIET_ENV)
                if rc != 0:
                    self.errors.append(f"{size}: openspec list exited {rc}")
                else:
                    self.add("status_vs_openspec", size, "openspec", wall)
                    self._check_openspec(size, out)

    def status_line(self, size: int, path: Path, work: Path) -> None:
        """A warm ``status --line`` (the cache filled, the plan unchanged) and a bare ``python -c pass``, alternating."""
        env = {"XDG_CACHE_HOME": str(work / "cache"), "NO_COLOR": "1"}
        argv = plantui_argv("status", "--line", str(path))
        time_command(argv, env=env)  # cold: parses; the cache keeps only what settled (2 s after the write)
        settled = path.stat().st_ctime + 2.1
        time.sleep(max(0.0, settled - time.time()))
        wall, _, rc, out = time_command(argv, env=env)  # fills the cache
        if rc != 0 or not (work / "cache" / "plantui" / "line").is_dir():
            self.errors.append(f"{size}: plantui status --line exited {rc} or kept nothing in its cache")
            return
        for _ in range(max(self.repeats(size), 10)):
            wall, _, rc, _ = time_command(argv, env=env)
            if rc == 0:
                self.add("status_line_warm", size, "plantui", wall)
            wall, _, rc, _ = time_command([sys.executable, "-c", "pass"], env=env)
            if rc == 0:
                self.add("status_line_warm", size, "python", wall)

    def _check_openspec(self, size: int, out: bytes) -> None:
        key = f"openspec_count_{size}"
        if key in self.traces:
            return
        try:
            change = json.loads(out)["changes"][0]
            self.traces[key] = {"completedTasks": change["completedTasks"], "totalTasks": change["totalTasks"]}
        except (ValueError, KeyError, IndexError):
            pass

    def _app_argv(self, who: str, base: str, folder: Path, meta_path: Path, *extra: str) -> tuple[list[str], Path]:
        """The child that measures one app headless on a fresh copy of the plan; (argv, its result file)."""
        plan = folder / "tasks.md"
        folder.mkdir(parents=True, exist_ok=True)
        plan.write_text(base, encoding="utf-8")
        out = folder / "result.json"
        return [sys.executable, "-m", "benchmarks.app", "--plan", str(plan), "--meta", str(meta_path),
                "--out", str(out), "--mode", who, *extra], out

    def app(self, size: int, base: str, work: Path, meta_path: Path) -> None:
        n = self.repeats(size)
        first = n if size < BIG else 1
        for who in WHO:
            extra = ["--repeat", str(n), "--first-repeat", str(first), "--timeout", str(self.timeout(size))]
            if self.args.trace:
                extra.append("--trace")
            argv, out = self._app_argv(who, base, work / f"app-{who}", meta_path, *extra)
            self._child(argv, out, size, who, ("first_frame_headless", "outside_tick", "outside_edit", "tick_to_disk",
                                               "own_tick_to_screen", "stall_outside_tick", "stall_outside_edit"))

    def memory(self, size: int, base: str, work: Path, meta_path: Path) -> None:
        for who in WHO:
            argv, out = self._app_argv(who, base, work / f"mem-{who}", meta_path,
                                       "--what", "memory", "--timeout", str(self.timeout(size)))
            data = self._child(argv, out, size, who, ())
            if data is not None:
                self.add("peak_rss", size, who, data["maxrss_mb"])

    def _child(self, argv: list[str], out: Path, size: int, who: str, keys: tuple[str, ...]) -> dict | None:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout(size) * 20, env=module_env())
        except subprocess.TimeoutExpired:
            self.errors.append(f"{size}: {who} app run timed out")
            return None
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            self.errors.append(f"{size}: {who} app run failed: {' | '.join(tail)}")
            return None
        data = json.loads(out.read_text(encoding="utf-8"))
        for key in keys:
            for v in data.get(key, []):
                self.add(key, size, who, v)
        for e in data.get("errors", []):
            self.errors.append(f"{size}: {who}: {e}")
        if "equal_to_full_parse" in data:
            self.equal[str(size)] = data["equal_to_full_parse"]
            if not data["equal_to_full_parse"]:
                self.errors.append(f"{size}: {who}: the dashboard's plan differs from a full parse of the file")
        for key in ("trace_outside_tick", "trace_outside_edit"):
            if data.get(key):
                self.traces[f"{key}_{size}_{who}"] = data[key]
        return data

    def pty(self, size: int, path: Path, want: dict[str, tuple[str, ...]]) -> None:
        n = self.repeats(size) if size < BIG else 1
        argv = {"plantui": plantui_argv(str(path)), "floor": floor_argv(str(path))}
        for _ in range(n):
            for who in WHO:
                shown, rss = first_frame_pty(argv[who], want[who], timeout=self.timeout(size))
                if shown is None:
                    self.errors.append(f"{size}: {who}: no first frame in the terminal")
                    continue
                self.add("first_frame_pty", size, who, shown)
                self.add("peak_rss_pty", size, who, rss)

    def timeout(self, size: int) -> float:
        return 30 + 8 * max(1.0, size * 0.00015)

    # -- everything --

    def size(self, size: int, top: Path) -> None:
        started = time.monotonic()
        gen = generate(size, seed=self.args.seed)
        work = top / str(size)
        root = work / "repo"
        path = openspec_layout(root, gen.text)
        meta_path = work / "meta.json"
        meta_path.write_text(json.dumps(gen.meta()), encoding="utf-8")
        want = {"plantui": (gen.title, f"○ {gen.focus_id} "), "floor": (label(gen.text.encode("utf-8")),)}
        self.say(f"  {size:>7,} tasks ({len(gen.text) / 1e6:.1f} MB, {gen.text.count(chr(10)):,} lines): ", end="")
        if self.args.only == "status_line":
            self.say("status --line", end="")
            self.status_line(size, path, work)
            self.loads[str(size)] = os.getloadavg()[0]
            self.say("")
            return
        self.say("status", end="")
        self.status(size, path, root)
        self.say(", app", end="")
        self.app(size, gen.text, work, meta_path)
        self.say(", terminal", end="")
        path.write_text(gen.text, encoding="utf-8")
        self.pty(size, path, want)
        self.say(", memory", end="")
        self.memory(size, gen.text, work, meta_path)
        self.say(", status --line", end="")
        self.status_line(size, path, work)
        load = os.getloadavg()[0]
        self.loads[str(size)] = load
        self.say(f"  ({time.monotonic() - started:.0f} s, load {load:.1f})")


# --- the table ----------------------------------------------------------------------------


def fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "–"
    if unit == "x":
        return f"{v:.2f}×"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def rows(run: Run, sizes: list[int]) -> list[dict]:
    out = []
    for m in METRICS:
        for size in sizes:
            mine = run.samples(m.key, size, "plantui")
            other = run.samples(m.key, size, m.ratio_of) if m.ratio_of else []
            if not mine or (m.ratio_of == "openspec" and not other):
                continue
            med, hi = median(mine), p95(mine)
            omed = median(other)
            ratio = med / omed if med is not None and omed else None
            limit = m.targets.get(size)
            checked, target = None, None
            if limit is not None and m.on_ratio:
                target = f"≤ {limit:g}× {m.ratio_of}"
                checked = None if ratio is None else ratio <= limit
            elif limit is not None:
                target = f"≤ {limit:g} {m.unit}" + (" (max)" if m.by == "max" else "")
                checked = (max(mine) if m.by == "max" else med) <= limit
            out.append({
                "metric": m.key, "title": m.title, "unit": m.unit, "size": size, "n": len(mine), "n_other": len(other),
                "median": med, "p95": hi, "max": max(mine),
                "other": m.ratio_of, "other_median": omed, "ratio": ratio, "target": target, "pass": checked,
            })
    return out


HEAD = ("metric", "tasks", "n", "plantui median", "p95", "floor median", "ratio", "target", "")
MARK = {True: "✓", False: "✗", None: ""}


def _cells(r: dict) -> tuple[str, ...]:
    other = fmt(r["other_median"])
    if r["other"] == "openspec" and r["other_median"] is not None:
        other += " (openspec)"
    return (f"{r['title']} [{r['unit']}]", f"{r['size']:,}", str(r["n"]), fmt(r["median"]), fmt(r["p95"]), other,
            fmt(r["ratio"], "x"), r["target"] or "–", MARK[r["pass"]])


def table(rs: list[dict]) -> str:
    lines = [_cells(r) for r in rs]
    widths = [max(len(h), *(len(line[k]) for line in lines)) if lines else len(h) for k, h in enumerate(HEAD)]
    sep = "  "
    text = [sep.join(h.ljust(w) if k < 2 else h.rjust(w) for k, (h, w) in enumerate(zip(HEAD, widths)))]
    text.append(sep.join("-" * w for w in widths))
    last = None
    for line in lines:
        if last is not None and line[0] != last:
            text.append("")
        last = line[0]
        text.append(sep.join(c.ljust(w) if k in (0, 1, 7, 8) else c.rjust(w) for k, (c, w) in enumerate(zip(line, widths))))
    return "\n".join(text)


def markdown(rs: list[dict]) -> str:
    out = ["| " + " | ".join(HEAD) + " |", "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    out += ["| " + " | ".join(_cells(r)) + " |" for r in rs]
    return "\n".join(out)


# --- main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)),
                    help="plan sizes in tasks (default: %(default)s; add 100000 to check the largest plans)")
    ap.add_argument("--repeat", type=int, default=5, help="samples per metric and size (default: %(default)s)")
    ap.add_argument("--big-repeat", type=int, default=2, help=f"samples at {BIG:,} tasks and more (default: %(default)s)")
    ap.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write the JSON (default: %(default)s)")
    ap.add_argument("--markdown", type=Path, default=None, help="also write the table as Markdown here")
    ap.add_argument("--quick", action="store_true", help="1,000 tasks, 3 samples: a check that it all works")
    ap.add_argument("--openspec", action="store_true", help="install @fission-ai/openspec with npm if it is missing")
    ap.add_argument("--no-openspec", action="store_true", help="do not time openspec even when it is installed")
    ap.add_argument("--trace", action="store_true", help="record when each stage of a reload ran (in the JSON)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="MINUTES",
                    help="first wait (up to MINUTES) for the 1-minute load average to drop below 0.5 per core")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated plans in this folder")
    ap.add_argument("--only", choices=PARTS, default=None,
                    help="run one part alone: status_line (a warm status --line beside python -c pass)")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes = "1000"
        args.repeat = min(args.repeat, 3)
    args.size_list = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()]
    return args


def warm_up(run: Run, top: Path) -> None:
    """Untimed: byte-compile plantui, and read every file both apps and openspec read once (the page cache)."""
    # Byte-compile plantui as `pip install` does: an editable install writes its
    # .pyc files on first use, and not at all under PYTHONDONTWRITEBYTECODE
    # (set on some machines), which would time Python compiling plantui.
    if not compileall.compile_dir(str(Path(plantui.__file__).parent), quiet=1):
        run.notes.append("plantui's modules could not all be byte-compiled: its start-up times include compiling them")
    gen = generate(20)
    warm = openspec_layout(top / "warm", gen.text)
    time_command(plantui_argv("status", "--json", str(warm)))
    first_frame_pty(plantui_argv(str(warm)), (gen.title,), timeout=60)
    first_frame_pty(floor_argv(str(warm)), (label(gen.text.encode("utf-8")),), timeout=60)
    if run.openspec:
        time_command([*run.openspec, "list", "--json"], cwd=top / "warm", env=QUIET_ENV)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def say(*a, end="\n"):
        print(*a, end=end, flush=True)

    started = time.monotonic()
    run = Run(args, say)
    info = machine()
    say(f"plantui benchmark — {machine_line(info)}")
    if args.wait_quiet:
        limit = 0.5 * (info["cores"] or 1)
        deadline = time.monotonic() + args.wait_quiet * 60
        while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
            time.sleep(5)
    load0 = os.getloadavg()[0]
    info["load_at_start"] = round(load0, 2)
    say(f"load average at start: {load0:.2f} on {info['cores']} cores")
    if not args.no_openspec:
        if args.openspec:
            run.openspec, how = install_openspec()
            say(f"openspec: {how}")
        else:
            run.openspec = find_openspec()
        if run.openspec:
            run.openspec_version = openspec_version(run.openspec)
            info["openspec"] = run.openspec_version
        else:
            run.notes.append("openspec is not installed (run with --openspec to install it with npm): its row is skipped")
    big = [s for s in args.size_list if s >= BIG]
    say(f"sizes {', '.join(f'{s:,}' for s in args.size_list)}; {args.repeat} samples each"
        + (f" ({min(args.repeat, args.big_repeat)} at {BIG:,}+ tasks, 1 cold start)" if big else ""))
    top = args.keep or Path(tempfile.mkdtemp(prefix="plantui-bench-"))
    top.mkdir(parents=True, exist_ok=True)
    try:
        if args.only:
            compileall.compile_dir(str(Path(plantui.__file__).parent), quiet=1)
        else:
            warm_up(run, top)
        for size in args.size_list:
            run.size(size, top)
        if args.only or any(run.samples("status_line_warm", s, "python") for s in args.size_list):
            run.notes.append("status_line_warm: the ratio is to a bare `python -c pass` (the 'floor median' column), "
                             "the same interpreter, alternating")
    finally:
        if args.keep is None:
            shutil.rmtree(top, ignore_errors=True)
    rs = rows(run, args.size_list)
    busy = {k: v for k, v in run.loads.items() if v > 0.75 * (info["cores"] or 1)}
    if busy or load0 > 0.75 * (info["cores"] or 1):
        run.notes.append("the machine was busy with other work during the run (1-minute load average "
                         + ", ".join(f"{v:.1f} after {int(k):,}" for k, v in run.loads.items())
                         + f"; {load0:.1f} at the start): times are inflated, ratios less so")
    if big:
        run.notes.append(f"at {BIG:,}+ tasks: {min(args.repeat, args.big_repeat)} samples, one cold start: "
                         "medians of so few samples are indicative")
    checked = [k for k, v in run.equal.items() if v]
    if checked:
        run.notes.append("after the changes, the dashboard's plan equalled a full parse of the file at "
                         + ", ".join(f"{int(k):,}" for k in checked) + " tasks")
    run.notes.append("ratio = plantui's median / the floor's median (openspec's for the openspec row); "
                     "p95 = nearest rank (the largest sample when there are fewer than 20)")
    say("")
    say(table(rs))
    say("")
    for note in run.notes:
        say(f"note: {note}")
    for err in run.errors:
        say(f"error: {err}")
    held = sum(1 for r in rs if r["pass"] is True)
    missed = [f"{r['metric']}@{r['size']}" for r in rs if r["pass"] is False]
    say(f"targets: {held} held, {len(missed)} missed" + (f" ({', '.join(missed)})" if missed else ""))
    doc = {
        "schema": 2,
        "machine": info,
        "command": " ".join([Path(sys.executable).name, "-m", "benchmarks", *(argv if argv is not None else sys.argv[1:])]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(time.monotonic() - started, 1),
        "sizes": args.size_list,
        "repeat": args.repeat,
        "rows": rs,
        "samples": run.results,
        "traces": run.traces,
        "load": run.loads,
        "equal_to_full_parse": run.equal,
        "notes": run.notes,
        "errors": run.errors,
    }
    if args.json:
        args.json.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        say(f"JSON: {args.json}")
    if args.markdown:
        args.markdown.write_text(f"Machine: {machine_line(info)}\n\n" + markdown(rs) + "\n", encoding="utf-8")
        say(f"Markdown: {args.markdown}")
    say(f"took {time.monotonic() - started:.0f} s")
    return 1 if run.errors else 0
