"""Where the time of a reload goes: each stage timed alone, in one process.

``python -m plantui.bench.stages [--sizes 1000,10000] [--repeat 5]``

The dashboard's metrics (:mod:`.app`) say how long a change takes to reach
the screen; this says which steps make that time, for an outside tick (one
box flipped, Progress and Last Updated following) and an outside edit (a
task's text changed and a task added), each step as the code runs it today
and, where plantui has a faster path, that path too:

- worker thread (``LivePlan._load``): read the bytes, decode and split lines,
  parse (``parse_lines``: chunked, chunk tokens cached, as the dashboard reads
  today), summarize, build the tree layout;
- the faster path the dashboard does not take yet: ``incremental.reparse``
  from the previous plan (a tick needs no Markdown parse at all);
- UI thread (``LivePlan._apply`` and ``PlanDashboard.plan_changed``): the item
  keys, ``changes.compare``, the layout shape comparison of ``PlanTree.show``;
- the plain approach: ``build_plan(chunked=False)``.

Medians in ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from .generate import generate


def _time(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def stages(n: int, repeat: int = 5, tmp: Path | None = None) -> dict[str, float]:
    import tempfile

    from .. import actions, chunks, parser
    from ..incremental import fast_update
    from ..progress import summarize
    from ..source import Lines, decode
    from ..storage import read_bytes
    from ..ui.changes import compare
    from ..ui.layout import build, item_keys
    from .app import PlanText

    g = generate(n)
    folder = Path(tmp or tempfile.mkdtemp(prefix="plantui-stages-"))
    path = folder / "tasks.md"
    path.write_text(g.text, encoding="utf-8")
    big = n >= 50000
    r = 1 if big else repeat

    old_lines = Lines.of(g.text)
    chunks.CACHE.clear()
    out: dict[str, float] = {}
    out["cold parse, chunked (a first read)"] = _time(lambda: (chunks.CACHE.clear(), parser.build_plan(old_lines)), r)
    out["plain parse: build_plan(chunked=False)"] = _time(lambda: parser.build_plan(old_lines, chunked=False), r)
    old = parser.build_plan(old_lines)
    old_summary = summarize(old)

    text = PlanText(path, g.meta())
    text.tick()
    tick_text = text.text()
    text.lines = g.text.split("\n")
    text.version = 1
    text.edit()
    edit_text = text.text()
    path.write_text(tick_text, encoding="utf-8")

    raw, _ = read_bytes(path)
    out["tick: read the file"] = _time(lambda: read_bytes(path), r)
    out["tick: decode + Lines.of"] = _time(lambda: Lines.of(decode(raw)[0]), r)
    new_lines = Lines.of(tick_text)
    parser.build_plan(old_lines)  # the chunks of the old text are cached, as in the running app
    out["tick: parse_lines (chunked, cache warm) — today"] = _time(lambda: parser.build_plan(new_lines), r)
    out["tick: incremental fast_update — not used by the dashboard"] = _time(lambda: fast_update(old, old_lines, new_lines, parser.DEFAULT), r)
    new = fast_update(old, old_lines, new_lines, parser.DEFAULT)
    assert new == parser.build_plan(new_lines)
    out["tick: summarize"] = _time(lambda: summarize(new), r)
    summary = summarize(new)
    out["tick: layout.build (worker)"] = _time(lambda: build(new, summary), r)
    out["tick: item_keys (UI thread, 3× per reload)"] = _time(lambda: item_keys(new), r)
    out["tick: changes.compare (UI thread)"] = _time(lambda: compare(old, new), r)
    a, b = build(old, old_summary), build(new, summary)
    out["tick: layout shape == (UI thread, PlanTree.show)"] = _time(lambda: a.shape == b.shape, r)

    edit_lines = Lines.of(edit_text)
    out["edit: parse_lines (chunked, cache warm) — today"] = _time(lambda: parser.build_plan(edit_lines), r)
    out["edit: plain parse"] = _time(lambda: parser.build_plan(edit_lines, chunked=False), 1 if big else r)
    edited = parser.build_plan(edit_lines)
    out["edit: changes.compare (UI thread)"] = _time(lambda: compare(old, edited), r)

    # the tick a key press writes: one locked read-modify-write cycle (fsync included)
    path.write_text(g.text, encoding="utf-8")
    from ..storage import read

    snap = read(path)
    item = snap.plan.item_at_line(g.focus_line + 1)

    def press() -> None:
        nonlocal snap, item
        marker = " " if item.state.closed else None
        result = actions.mark_items(path, [item], marker)
        snap = result.snapshot
        item = snap.plan.item_at_line(g.focus_line + 1)

    out["key press: actions.mark_items (whole write)"] = _time(press, r)
    out["key press: Lines.of (4× per write)"] = _time(lambda: Lines.of(snap.text), r)
    return {k: round(v, 2) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m plantui.bench.stages", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    table: dict[int, dict[str, float]] = {}
    for n in sizes:
        table[n] = stages(n, args.repeat)
    names = list(next(iter(table.values())))
    width = max(len(k) for k in names)
    print("stage".ljust(width) + "".join(f"{n:>12,}" for n in sizes) + "   (ms, median)")
    for k in names:
        print(k.ljust(width) + "".join(f"{table[n][k]:>12,.1f}" for n in sizes))
    if args.json:
        args.json.write_text(json.dumps({str(n): v for n, v in table.items()}, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
