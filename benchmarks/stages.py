"""Where the time of a reload goes: each stage timed alone, in one process.

``python -m benchmarks.stages [--sizes 1000,10000] [--repeat 5]``

The dashboard's metrics (:mod:`.app`) say how long a change takes to reach
the screen; this says which steps make that time, for an outside tick (one
box flipped, Progress and Last Updated following), an outside edit (a task's
text changed and a task added) and a key press (the write), each step as the
code runs it:

- a first read: a cold parse (the chunk cache empty), and the plain approach
  (``build_plan(chunked=False)``: markdown-it over the whole text);
- worker thread after a tick (``LivePlan._load``): read the file, decode and
  split lines, ``snapshot.read(previous=…)`` (``incremental.reparse``: no
  parse), ``after_tick.update`` (from the last summary), ``changes.compare``,
  ``layout.update`` (from the layout on screen);
- the same after an edit: a chunked re-parse (one chunk read again), a full
  summary, ``compare``, ``layout.build``;
- a key press: ``actions.mark_items``, the whole locked write (``fsync`` and
  reading back included).

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
    import os
    import tempfile

    from plantui import actions, parser
    from plantui.after_tick import update as update_summary
    from plantui.markdown import chunks
    from plantui.progress import summarize
    from plantui.lines import Lines, decode
    from plantui.disk import read_bytes
    from plantui.snapshot import read
    from plantui.ui.changes import compare
    from plantui.ui.tree_model import build, update
    from .app import PlanText

    g = generate(n)
    folder = Path(tmp or tempfile.mkdtemp(prefix="plantui-stages-"))
    path = folder / "tasks.md"
    path.write_text(g.text, encoding="utf-8")
    big = n >= 50000
    r = 1 if big else repeat
    out: dict[str, float] = {}

    lines = Lines.of(g.text)
    out["first read: cold parse (chunked, scanner)"] = _time(lambda: (chunks.MEMO.clear(), parser.build_plan(lines)), r)
    out["first read: plain parse (markdown-it, whole text)"] = _time(lambda: parser.build_plan(lines, chunked=False), r)
    base = read(path)
    base_summary = base.summary()
    base_layout = build(base.plan, base_summary)

    text = PlanText(path, g.meta())
    text.tick()
    path.write_text(text.text(), encoding="utf-8")
    raw, _ = read_bytes(path)
    out["tick: read the file"] = _time(lambda: read_bytes(path), r)
    out["tick: decode + Lines.of"] = _time(lambda: Lines.of(decode(raw)[0]), r)

    def tick_read():
        return read(path, previous=base)

    out["tick: snapshot.read(previous=…) (reparse: no parse)"] = _time(tick_read, r)
    ticked = tick_read()
    assert ticked.plan == parser.build_plan(ticked.lines, chunked=False)
    out["tick: summarize (from the last summary)"] = _time(lambda: update_summary(base.plan, base_summary, ticked.plan), r)
    summary = update_summary(base.plan, base_summary, ticked.plan)
    out["tick: changes.compare"] = _time(lambda: compare(base.plan, ticked.plan), r)
    out["tick: layout.update (from the layout on screen)"] = _time(lambda: update(base_layout, ticked.plan, summary), r)

    text.lines = g.text.split("\n")
    text.version = 1
    text.edit()
    edit_lines = Lines.of(text.text())
    parser.build_plan(lines)  # the chunks of the old text are cached, as in the running app
    out["edit: chunked re-parse (one chunk read again)"] = _time(lambda: parser.build_plan(edit_lines), r)
    edited = parser.build_plan(edit_lines)
    out["edit: summarize (afresh)"] = _time(lambda: summarize(edited), r)
    edited_summary = summarize(edited)
    out["edit: changes.compare"] = _time(lambda: compare(base.plan, edited), r)
    out["edit: layout.build"] = _time(lambda: build(edited, edited_summary), r)

    # the tick a key press writes: one locked read-modify-write cycle (fsync included)
    path.write_text(g.text, encoding="utf-8")
    snap = read(path)
    snap.summary()  # as the dashboard has it
    item = snap.plan.item_at_line(g.focus_line + 1)

    def press() -> None:
        nonlocal snap, item
        marker = " " if item.state.closed else None
        result = actions.mark_items(path, [item], marker, previous=snap)
        snap = result.snapshot
        item = snap.plan.item_at_line(g.focus_line + 1)

    out["key press: actions.mark_items (the whole write)"] = _time(press, r)
    fd = os.open(path, os.O_RDONLY)
    try:
        out["key press: of which fsync"] = _time(lambda: os.fsync(fd), r)
    finally:
        os.close(fd)
    return {k: round(v, 2) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__.splitlines()[0])
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
