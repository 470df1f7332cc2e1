"""The burn-up chart: done against total over time, drawn by textual-plotext.

The chart is an optional extra (``pip install plantui[chart]``); without it
the screen says so in one line.  What it draws comes from
:func:`plantui.pace.burnup`; what was seen is gathered off the UI thread
(:func:`plantui.ui.outlook.outlook_later`), since it may read the event log and git.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ... import pace as P

try:
    from textual_plotext import PlotextPlot
except ImportError:  # the chart extra is not installed
    PlotextPlot = None

MISSING = "The burn-up chart needs plotext: install plantui[chart] for it (pip install 'plantui[chart]')."


def steps(series: P.Series, now: datetime) -> tuple[list[float], list[int], list[int]]:
    """The series as days before ``now`` (negative), each value held until the next: a step line."""
    xs: list[float] = []
    done: list[int] = []
    total: list[int] = []
    for k, at in enumerate(series.at):
        x = (at - now) / timedelta(days=1)
        if k:
            xs.append(x)
            done.append(series.done[k - 1])
            total.append(series.total[k - 1])
        xs.append(x)
        done.append(series.done[k])
        total.append(series.total[k])
    return xs, done, total


def story(series: P.Series, now: datetime) -> list[str]:
    """What a glance at the chart should tell, in words: resets, a growing total, a stall."""
    out = []
    resets = sum(1 for a, b in zip(series.done, series.done[1:]) if b < a)
    if resets:
        out.append(f"{resets} undone")
    if series.total and series.total[-1] > series.total[0]:
        out.append(f"total {series.total[0]}→{series.total[-1]}")
    last_rise = None
    for k in range(1, len(series.done)):
        if series.done[k] > series.done[k - 1]:
            last_rise = series.at[k]
    if last_rise is not None and series.done[-1] < series.total[-1]:
        idle = now - last_rise
        if idle >= timedelta(days=1):
            out.append(f"stalled {idle.days} day{'s' if idle.days != 1 else ''}")
    return out


def tick_labels(marks: list[float], now: datetime) -> list[str]:
    """Labels for the x marks (days before now): times over a short span, else days; each once."""
    short = marks and -marks[0] <= 1.5
    out, seen = [], set()
    for m in marks[:-1]:
        local = (now + timedelta(days=m)).astimezone()
        label = local.strftime("%H:%M") if short else f"{local.strftime('%a')} {local.day}"
        out.append("" if label in seen else label)
        seen.add(label)
    return [*out, "now"]


class BurnupChart(Widget):
    """One burn-up; ``show(series, now)`` draws it."""

    DEFAULT_CSS = """
    BurnupChart { height: 1fr; }
    BurnupChart > Static { color: $warning; padding: 1 2; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.series: P.Series | None = None

    def compose(self):
        if PlotextPlot is None:
            yield Static(Content(MISSING), id="burnup-missing")
        else:
            yield PlotextPlot(id="burnup-plot")

    def show(self, series: P.Series, now: datetime) -> None:
        self.series = series
        if PlotextPlot is None:
            return
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        xs, done, total = steps(series, now)
        start = xs[0] if xs else -1.0
        if start > -1 / 24:  # nothing before now: a day, so the lines show
            start = -1.0
            xs, done, total = [start, *xs], [done[0], *done], [total[0], *total]
        plt.plot(xs, total, color="blue", label="total")
        plt.plot(xs, done, color="green", label="done")
        plt.xlim(start, 0)
        top = max(max(total, default=1), max(done, default=1), 1)
        plt.ylim(0, top + max(2, top // 4))  # room for the legend above the total
        step = max(1, -(-top // 6))
        plt.yticks(list(range(0, top + 1, step)))
        marks = [start + (0 - start) * n / 4 for n in range(5)]
        plt.xticks(marks, tick_labels(marks, now))
        plot.refresh()


def legend(series: P.Series, o: P.Outlook | None, now: datetime) -> Content:
    """The line under the chart: the counts, the pace and ETA, and what a glance should see."""
    parts: list[str | tuple[str, str]] = [(f"{series.done[-1]}/{series.total[-1]} done", "bold")]
    if o is not None and o.pace.completed:
        e = o.plan if series.title == "Plan" or o.phase is None or o.phase.scope != series.title else o.phase
        parts += ["  ", (f"{P.pace_text(o.pace)} · {P.eta_text(e, now)}", "$accent")]
    for said in story(series, now):
        parts += ["  ", (said, "$warning")]
    if len(series.at) == 1:
        parts += ["  ", ("no history yet: it grows as tasks are ticked",
                         "$text-muted")]
    return Content.assemble(*parts)
