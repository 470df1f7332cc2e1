"""The benchmark: every metric at every size, plantui against the plain approach.

Run it as ``python -m benchmarks`` (see ``docs/benchmark.md``).  Each
measurement runs in its own process, one at a time, so they do not compete
for the two cores; plantui and the plain approach alternate, so both see the
machine in the same state.
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

from .generate import generate
from .procs import (QUIET_ENV, find_openspec, first_frame_pty, install_openspec, openspec_layout, openspec_version,
                    plantui_argv, time_command)

SIZES = (100, 1000, 10000, 100000)
BIG = 100000  # from this size on, fewer repeats (the plain approach takes ~15 s a parse)


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    unit: str
    targets: dict[int, float]  # size -> limit on plantui's median (or ratio)
    lower_is_better: bool = True
    any_size: float | None = None  # a limit at every size
    by: str = "median"  # what the target is checked on: "median" or "max"
    ratio_of: str = "plain"  # what the ratio column divides by


METRICS = (
    Metric("status", "plantui status --json (process)", "ms", {}),
    Metric("status_vs_openspec", "status --json vs openspec list --json", "ms", {1000: 0.6, 10000: 1.0}, ratio_of="openspec"),
    Metric("outside_tick", "outside tick → screen", "ms", {1000: 30, 10000: 60, 100000: 300}),
    Metric("outside_edit", "outside text edit + new task → screen", "ms", {1000: 100, 10000: 500}),
    Metric("stall_outside_edit", "UI stall during an outside edit (max)", "ms", {}, any_size=50, by="max"),
    Metric("stall_outside_tick", "UI stall during an outside tick (max)", "ms", {}, by="max"),
    Metric("tick_to_disk", "key press → tick on disk", "ms", {}, any_size=10),
    Metric("own_tick_to_screen", "key press → tick on screen", "ms", {}),
    Metric("first_frame_pty", "start → first frame (real process, pty)", "ms", {1000: 500, 10000: 1500}),
    Metric("first_frame_headless", "start → first frame (in-process, headless)", "ms", {}),
    Metric("peak_rss", "peak memory (first frame + one reload)", "MB", {10000: 150}),
    Metric("peak_rss_pty", "peak memory (real process, first frame)", "MB", {}),
)


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
        n = self.repeats(size)
        for k in range(n):
            for who in ("plantui", "plain"):
                if who == "plain" and size >= BIG and k >= self.args.big_plain_repeat:
                    continue
                wall, _, rc, out = time_command(plantui_argv(who, "status", "--json", str(path)))
                if rc != 0:
                    self.errors.append(f"{size}: {who} status exited {rc}")
                    continue
                self.add("status", size, who, wall)
                if who == "plantui":
                    self.add("status_vs_openspec", size, "plantui", wall)
            if self.openspec:
                wall, _, rc, out = time_command([*self.openspec, "list", "--json"], cwd=root, env=QUIET_ENV)
                if rc != 0:
                    self.errors.append(f"{size}: openspec list exited {rc}")
                else:
                    self.add("status_vs_openspec", size, "openspec", wall)
                    self._check_openspec(size, out)

    def _check_openspec(self, size: int, out: bytes) -> None:
        key = f"openspec_count_{size}"
        if key in self.traces:
            return
        try:
            change = json.loads(out)["changes"][0]
            self.traces[key] = {"completedTasks": change["completedTasks"], "totalTasks": change["totalTasks"]}
        except (ValueError, KeyError, IndexError):
            pass

    def app(self, size: int, base: str, work: Path, meta_path: Path) -> None:
        n = self.repeats(size)
        first = n if size < BIG else 1
        for who in ("plantui", "plain"):
            reps = n if (who == "plantui" or size < BIG) else max(1, min(n, self.args.big_plain_repeat))
            plan = work / f"app-{who}" / "tasks.md"
            plan.parent.mkdir(parents=True, exist_ok=True)
            plan.write_text(base, encoding="utf-8")
            out = plan.parent / "result.json"
            argv = [sys.executable, "-m", "plantui.bench.app", "--plan", str(plan), "--meta", str(meta_path),
                    "--out", str(out), "--mode", who, "--repeat", str(reps), "--first-repeat", str(first if who == "plantui" or size < BIG else 1),
                    "--timeout", str(self.timeout(size, who))]
            if self.args.trace:
                argv.append("--trace")
            self._child(argv, out, size, who, ("first_frame_headless", "outside_tick", "outside_edit", "tick_to_disk",
                                               "own_tick_to_screen", "stall_outside_tick", "stall_outside_edit"))

    def memory(self, size: int, base: str, work: Path, meta_path: Path) -> None:
        for who in ("plantui", "plain"):
            plan = work / f"mem-{who}" / "tasks.md"
            plan.parent.mkdir(parents=True, exist_ok=True)
            plan.write_text(base, encoding="utf-8")
            out = plan.parent / "result.json"
            argv = [sys.executable, "-m", "plantui.bench.app", "--plan", str(plan), "--meta", str(meta_path),
                    "--out", str(out), "--mode", who, "--what", "memory", "--timeout", str(self.timeout(size, who))]
            data = self._child(argv, out, size, who, ())
            if data is not None:
                self.add("peak_rss", size, who, data["maxrss_mb"])

    def _child(self, argv: list[str], out: Path, size: int, who: str, keys: tuple[str, ...]) -> dict | None:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout(size, who) * 20)
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
            self.equal[f"{size} {who}"] = data["equal_to_full_parse"]
            if not data["equal_to_full_parse"]:
                self.errors.append(f"{size}: {who}: the dashboard's plan differs from a full parse of the file")
        for key in ("trace_outside_tick", "trace_outside_edit"):
            if data.get(key):
                self.traces[f"{key}_{size}_{who}"] = data[key]
        return data

    def pty(self, size: int, path: Path, want: tuple[str, ...]) -> None:
        n = self.repeats(size) if size < BIG else 1
        for _ in range(n):
            for who in ("plantui", "plain"):
                shown, rss = first_frame_pty(plantui_argv(who, str(path)), want, timeout=self.timeout(size, who))
                if shown is None:
                    self.errors.append(f"{size}: {who}: no first frame in the terminal")
                    continue
                self.add("first_frame_pty", size, who, shown)
                self.add("peak_rss_pty", size, who, rss)

    def timeout(self, size: int, who: str) -> float:
        per_parse = max(1.0, size * (0.00025 if who == "plain" else 0.00015))
        return 30 + 8 * per_parse

    # -- everything --

    def size(self, size: int, top: Path) -> None:
        started = time.monotonic()
        gen = generate(size, seed=self.args.seed)
        work = top / str(size)
        root = work / "repo"
        path = openspec_layout(root, gen.text)
        meta_path = work / "meta.json"
        meta_path.write_text(json.dumps(gen.meta()), encoding="utf-8")
        want = (gen.title, f"○ {gen.focus_id} ")
        self.say(f"  {size:>7,} tasks ({len(gen.text) / 1e6:.1f} MB, {gen.text.count(chr(10)):,} lines): ", end="")
        self.say("status", end="")
        self.status(size, path, root)
        self.say(", app", end="")
        self.app(size, gen.text, work, meta_path)
        self.say(", terminal", end="")
        path.write_text(gen.text, encoding="utf-8")
        self.pty(size, path, want)
        self.say(", memory", end="")
        self.memory(size, gen.text, work, meta_path)
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
            other = run.samples(m.key, size, m.ratio_of)
            if not mine or (m.ratio_of != "plain" and not other):
                continue
            med, hi = median(mine), p95(mine)
            omed = median(other)
            ratio = med / omed if med is not None and omed else None
            limit = m.targets.get(size, m.any_size)
            checked = None
            if limit is not None:
                if m.ratio_of == "openspec":
                    checked = ratio is not None and ratio <= limit
                    if ratio is None:
                        checked = None
                else:
                    value = max(mine) if (m.by == "max" and mine) else med
                    checked = value is not None and value <= limit
            target = None
            if limit is not None:
                target = f"≤ {limit:g}× openspec" if m.ratio_of == "openspec" else f"≤ {limit:g} {m.unit}" + (" (max)" if m.by == "max" else "")
            out.append({
                "metric": m.key, "title": m.title, "unit": m.unit, "size": size, "n": len(mine), "n_other": len(other),
                "median": med, "p95": hi, "max": max(mine) if mine else None,
                "other": m.ratio_of, "other_median": omed, "ratio": ratio, "target": target, "pass": checked,
            })
    return out


def table(rs: list[dict]) -> str:
    head = ("metric", "tasks", "n", "plantui median", "p95", "plain median", "ratio", "target", "")
    lines = []
    for r in rs:
        other = fmt(r["other_median"])
        if r["other"] != "plain" and r["other_median"] is not None:
            other += f" ({r['other']})"
        unit = r["unit"]
        lines.append((r["title"] + f" [{unit}]", f"{r['size']:,}", str(r["n"]), fmt(r["median"]), fmt(r["p95"]), other,
                      fmt(r["ratio"], "x"), r["target"] or "–", {True: "✓", False: "✗", None: ""}[r["pass"]]))
    widths = [max(len(h), *(len(line[k]) for line in lines)) if lines else len(h) for k, h in enumerate(head)]
    sep = "  "
    text = [sep.join(h.ljust(w) if k < 2 else h.rjust(w) for k, (h, w) in enumerate(zip(head, widths)))]
    text.append(sep.join("-" * w for w in widths))
    last = None
    for line in lines:
        if last is not None and line[0] != last:
            text.append("")
        last = line[0]
        text.append(sep.join(c.ljust(w) if k in (0, 1, 7, 8) else c.rjust(w) for k, (c, w) in enumerate(zip(line, widths))))
    return "\n".join(text)


def markdown(rs: list[dict]) -> str:
    out = ["| metric | tasks | n | plantui median | p95 | plain median | ratio | target | |",
           "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in rs:
        other = fmt(r["other_median"])
        if r["other"] != "plain" and r["other_median"] is not None:
            other += f" ({r['other']})"
        out.append(f"| {r['title']} [{r['unit']}] | {r['size']:,} | {r['n']} | {fmt(r['median'])} | {fmt(r['p95'])} | {other} | "
                   f"{fmt(r['ratio'], 'x')} | {r['target'] or '–'} | {({True: '✓', False: '✗', None: ''})[r['pass']]} |")
    return "\n".join(out)


# --- main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="plan sizes in tasks (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=5, help="samples per metric and size (default: %(default)s)")
    ap.add_argument("--big-repeat", type=int, default=2, help=f"samples at {BIG:,} tasks and more (default: %(default)s)")
    ap.add_argument("--big-plain-repeat", type=int, default=1,
                    help=f"samples of the plain approach at {BIG:,} tasks and more (default: %(default)s)")
    ap.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write the JSON (default: %(default)s)")
    ap.add_argument("--markdown", type=Path, default=None, help="also write the table as Markdown here")
    ap.add_argument("--quick", action="store_true", help="sizes 100 and 1,000, 3 samples: a check that it all works")
    ap.add_argument("--openspec", action="store_true", help="install @fission-ai/openspec with npm if it is missing")
    ap.add_argument("--no-openspec", action="store_true", help="do not time openspec even when it is installed")
    ap.add_argument("--trace", action="store_true", help="record when each stage of a reload ran (in the JSON)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="MINUTES",
                    help="first wait (up to MINUTES) for the 1-minute load average to drop below 0.5 per core")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated plans in this folder")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes = "100,1000"
        args.repeat = min(args.repeat, 3)
    args.size_list = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()]
    return args


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
        + (f" ({min(args.repeat, args.big_repeat)} at {BIG:,}+ tasks, {args.big_plain_repeat} for the plain approach there, 1 cold start)" if big else ""))
    top = args.keep or Path(tempfile.mkdtemp(prefix="plantui-bench-"))
    top.mkdir(parents=True, exist_ok=True)
    try:
        # Byte-compile plantui as `pip install` does: an editable install writes its
        # .pyc files on first use, and not at all under PYTHONDONTWRITEBYTECODE
        # (set on some machines), which would time Python compiling plantui.
        compiled = compileall.compile_dir(str(Path(plantui.__file__).parent), quiet=1)
        if not compiled:
            run.notes.append("plantui's modules could not all be byte-compiled: its start-up times include compiling them")
        # warm the page cache, untimed
        warm = openspec_layout(top / "warm", generate(20).text)
        for who in ("plantui", "plain"):
            time_command(plantui_argv(who, "status", "--json", str(warm)))
        if run.openspec:
            time_command([*run.openspec, "list", "--json"], cwd=top / "warm", env=QUIET_ENV)
        for size in args.size_list:
            run.size(size, top)
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
        run.notes.append(f"at {BIG:,}+ tasks: {min(args.repeat, args.big_repeat)} samples for plantui, "
                         f"{args.big_plain_repeat} for the plain approach, one cold start in each mode "
                         "(a plain parse takes ~15 s there): medians of so few samples are indicative")
    checked = [k for k, v in run.equal.items() if k.endswith("plantui") and v]
    if checked:
        run.notes.append("after the changes, the dashboard's plan equalled a full plain parse of the file at "
                         + ", ".join(f"{int(k.split()[0]):,}" for k in checked) + " tasks")
    run.notes.append("ratio = plantui's median / the plain approach's median (openspec's for the openspec row); "
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
        "schema": 1,
        "machine": info,
        "command": " ".join([Path(sys.executable).name, "-m", "plantui.bench", *(argv if argv is not None else sys.argv[1:])]),
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
