"""The burn-up chart as text: tasks done and in all over time, drawn by plotext.

plotext is the optional ``chart`` extra (``pip install 'plantui[chart]'``);
without it :func:`burnup_text` raises :class:`ChartMissing`, whose message
says so in one line.  Pure: points in, text out; never imports Textual.
"""

from __future__ import annotations

from datetime import datetime

from .timeline import Point

MISSING = "the chart needs plotext: install plantui[chart] (pip install 'plantui[chart]')"


TOTAL_MARK = "·"  # total: dotted; done: solid braille


def key(color: bool = False) -> str:
    """What the two lines are."""
    if color:
        return "\x1b[34m···\x1b[0m total   \x1b[32m⣀⣀⣀\x1b[0m done"
    return f"{TOTAL_MARK * 3} total   ⣀⣀⣀ done"


class ChartMissing(Exception):
    """plotext is not installed."""


def available() -> bool:
    """Whether plotext can be imported."""
    try:
        import plotext  # noqa: F401
    except ImportError:
        return False
    return True


def steps(points: list[Point]) -> tuple[list[datetime], list[int], list[int]]:
    """Times, done and total as steps: a count holds until the next point changes it."""
    times: list[datetime] = []
    done: list[int] = []
    total: list[int] = []
    for p in sorted(points, key=lambda p: p.at):
        if times:
            times.append(p.at)
            done.append(done[-1])
            total.append(total[-1])
        times.append(p.at)
        done.append(p.done)
        total.append(p.total)
    return times, done, total


def _ticks(low: float, high: float, most: int) -> list[float]:
    """Up to ``most`` evenly spread values from ``low`` to ``high``."""
    if high <= low or most < 2:
        return [low]
    return [low + (high - low) * k / (most - 1) for k in range(most)]


def _int_ticks(top: int, most: int) -> list[int]:
    """Whole numbers from 0 to ``top`` or just past it, a round step apart (1, 2, 5, 10, 20 …), at most ``most``."""
    step, k = 1, 0
    while -(-top // step) > most - 1:
        step = (1, 2, 5)[(k + 1) % 3] * 10 ** ((k + 1) // 3)
        k += 1
    return list(range(0, -(-top // step) * step + 1, step))


def burnup_text(points: list[Point], width: int = 80, height: int = 20, *, color: bool = False) -> str:
    """The burn-up of ``points`` (done against total over time), ``width`` × ``height`` characters.

    Time runs along the x axis (a stall is a flat stretch); when every point
    has the same time, the points are spread evenly instead."""
    try:
        import plotext as plt
    except ImportError:
        raise ChartMissing(MISSING) from None
    times, done, total = steps(points)
    if not times:
        return "no points to draw"
    stamps = [t.timestamp() for t in times]
    spread = stamps[-1] > stamps[0]
    xs = stamps if spread else [0] + [k for k in range(1, len(points)) for _ in (0, 1)]  # commit by commit
    if len(xs) == 1:  # one point is no line: hold it
        xs, done, total = xs + [xs[0] + 1], done * 2, total * 2
    plt.clear_figure()
    plt.plotsize(max(width, 20), max(height, 6))
    plt.theme("pro" if color else "clear")
    # no legend (it hides the top of the lines): the key is a line of its own, see :func:`key`
    plt.plot(xs, total, marker=TOTAL_MARK, color="blue" if color else None)
    plt.plot(xs, done, marker="braille", color="green" if color else None)
    top = max(total + done + [1])
    yt = _int_ticks(top, max(3, min(6, height // 3)))
    plt.ylim(0, yt[-1])
    plt.yticks(yt, [str(v) for v in yt])
    fmt = "%Y-%m-%d" if stamps[-1] - stamps[0] > 3 * 86400 else "%Y-%m-%d %H:%M"
    cols = max(2, min(4, width // (len(fmt) + 10)))
    xt = _ticks(xs[0], xs[-1], cols)
    if spread:
        labels = [datetime.fromtimestamp(x).astimezone().strftime(fmt) for x in xt]
    else:
        labels = [times[0].astimezone().strftime(fmt)] + [""] * (len(xt) - 1)
    plt.xticks(xt, labels)
    text = plt.build()
    plt.clear_figure()
    return text if color else plt.uncolorize(text)
