"""The floor: the least a Textual app can do to follow a plan.

``python benchmarks/floor.py FILE`` (or ``python -m benchmarks.floor FILE``)
shows ``done/total boxes ticked`` for the plan and keeps it true: watchdog on
the plan's folder (events filtered by the plan's path), one regex that counts
the ``[ ]``/``[x]`` lines of the whole file on every change, the count in a
``Static``.  ``q`` quits.  No parse, no tree, no writes: plantui's speed
targets are ratios to this app's, measured in the same run on the same plans
(see :mod:`benchmarks.run` and docs/benchmark.md).

It imports nothing from plantui or the benchmark, so it runs as a script.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

BOX = re.compile(rb"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[([ xX])\]", re.M)


def label(raw: bytes) -> str:
    """What the floor shows for a file's bytes."""
    marks = BOX.findall(raw)
    done = sum(1 for m in marks if m != b" ")
    return f"{done}/{len(marks)} boxes ticked"


def read_label(path: Path) -> str:
    try:
        return label(path.read_bytes())
    except OSError as exc:
        return f"cannot read {path.name}: {exc.strerror}"


class Follow(FileSystemEventHandler):
    """Watchdog's thread: on an event that may change the plan, count again and show it.

    Opening and closing the file unwritten are no change (the floor's own reads cause them).
    """

    def __init__(self, app: Floor) -> None:
        self.app = app
        self.path = os.fsdecode(app.path)

    def on_any_event(self, event) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if self.path in (os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")):
            text = read_label(self.app.path)
            try:
                self.app.call_from_thread(self.app.count.update, text)
            except RuntimeError:  # the app has closed
                pass


class Floor(App):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path.resolve()
        self.count = Static(read_label(self.path))
        self.follow = Follow(self)
        self.observer = Observer()

    def compose(self) -> ComposeResult:
        yield self.count

    def on_mount(self) -> None:
        self.observer.schedule(self.follow, str(self.path.parent), recursive=False)
        self.observer.start()

    def on_unmount(self) -> None:
        self.observer.stop()  # its threads are daemons: no join, which could wait on a call_from_thread


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: floor.py FILE", file=sys.stderr)
        return 2
    Floor(Path(args[0])).run()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
