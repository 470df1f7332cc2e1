"""The pace and outlook of a plan, worked out in a thread for a widget that shows them.

Light on purpose: the header and the watch view ask for it as the dashboard opens,
and the burn-up chart's module (which imports the plotting library) waits until
the chart is opened.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from textual.widget import Widget

from .. import pace as P
from ..model import Plan

QUIET = 1.0  # seconds without a change before the header's pace and ETA are worked out again


def outlook_later(widget: Widget, path: Path, plan: Plan, summary, now: datetime,
                  then: Callable[[P.Observed, P.Outlook], None], *, quiet: float = 0.0, git: bool = False) -> None:
    """Gather what was seen of ``plan`` and its outlook in a thread; ``then(seen, outlook)`` on the UI thread.
    ``quiet``: seconds without a newer call first (a burst of ticks is worked out once, after it);
    ``git``: read the plan's git history too (the chart does; the header and watch do not)."""

    def work() -> None:
        seen = P.observed(path, plan, git=git)
        o = P.outlook(plan, summary, seen, now=now)
        widget.app.call_from_thread(then, seen, o)

    def start() -> None:
        widget.run_worker(work, thread=True, exclusive=True, group="pace", exit_on_error=False)

    timer = getattr(widget, "_plantui_pace_timer", None)
    if timer is not None:
        timer.stop()
    if quiet <= 0:
        start()
    else:
        widget._plantui_pace_timer = widget.set_timer(quiet, start)  # type: ignore[attr-defined]
