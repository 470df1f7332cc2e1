"""One line per plan, for a tmux status bar, a shell prompt, a terminal title
or Claude Code's status line: ``▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1``.

Two halves.  :func:`fields_of` turns a parsed plan and its summary into the
values a line shows (a plain dict, kept in the cache, see
:mod:`plantui.statcache`); :func:`render` makes the line from those values.
Rendering imports nothing of the reader, so a warm call never parses.
"""

from __future__ import annotations

import unicodedata

BAR_CELLS = 5
FULL, EMPTY = "▰", "▱"
FIELDS = ("done", "total", "percent", "phase", "next_id", "next_text", "bar", "eta", "open", "in_progress",
          "status", "title", "plan")
VALUES = ("done", "total", "percent", "open", "in_progress", "status", "phase", "next_id", "next_text", "title", "eta")
_GREEN, _DIM, _RESET = "\x1b[32m", "\x1b[2m", "\x1b[0m"


class FormatError(ValueError):
    """A ``--format`` the line cannot be made from: one sentence for a person."""


def usable(values) -> bool:
    """Whether ``values`` (as read back from the cache) hold what a line needs."""
    return (isinstance(values, dict) and all(k in values for k in VALUES)
            and all(isinstance(values[k], int) for k in ("done", "total", "percent", "open")))


def fields_of(plan, summary) -> dict:
    """The values of a plan's line (:data:`VALUES`; every field of :data:`FIELDS` but ``bar`` and ``plan``):
    the one place a new field is added.  ``eta`` is empty until plantui knows a pace."""
    from .gate import short_name
    from .lines import printable

    t = summary.tasks
    nxt = plan.items[summary.next_task] if summary.next_task is not None else None
    phase = ""
    if nxt is not None and nxt.phase is not None:
        phase = short_name(plan.phases[nxt.phase].title)
    return {
        "done": t.done,
        "total": t.countable,
        "percent": t.percent,
        "open": t.open,
        "in_progress": t.in_progress,
        "status": summary.status,
        "phase": printable(phase),
        "next_id": printable(nxt.id or "") if nxt is not None else "",
        "next_text": printable(nxt.text) if nxt is not None else "",
        "title": printable(plan.title),
        "eta": "",
    }


def check_format(fmt: str) -> None:
    """Raise :class:`FormatError` when ``fmt`` cannot make a line (before any plan is read)."""
    numbers = ("done", "total", "percent", "open", "in_progress")
    render({k: 0 if k in numbers else "x" for k in VALUES}, fmt)  # each value of its kind: a number or a text


def bar(done: int, total: int, cells: int = BAR_CELLS) -> str:
    """``▰▰▰▱▱``: never full while a task is open, never empty once one is done (like the percent)."""
    if total <= 0:
        return EMPTY * cells
    full = round(done * cells / total)
    if 0 < done < total:
        full = min(cells - 1, max(1, full))
    full = max(0, min(cells, full))
    return FULL * full + EMPTY * (cells - full)


def default_line(v: dict) -> str:
    """``▰▰▰▱▱ 7/12 58% · Phase 3 · next 3.1`` (``· done`` when nothing is open)."""
    if not v["total"]:
        return f"{v['plan']} no tasks".lstrip()
    out = f"{v['bar']} {v['done']}/{v['total']} {v['percent']}%"
    if v["phase"]:
        out += f" · {cut(v['phase'], 20)}"
    if v["next_id"] or v["next_text"]:
        out += f" · next {v['next_id'] or cut(v['next_text'], 24)}"
    elif v["done"] >= v["total"]:
        out += " · done"
    if v["eta"]:
        out += f" · {v['eta']}"
    return f"{v['plan']} {out}" if v["plan"] else out


def render(values: dict, fmt: str | None = None, width: int = 60, color: bool = False, plan: str = "") -> str:
    """The line for a plan's ``values`` (from :func:`fields_of`), at most ``width`` cells
    (0: no limit); ``plan``: a name to show first (when several plans are shown)."""
    v = dict(values)
    v["bar"] = bar(v["done"], v["total"])
    v["plan"] = plan
    if fmt is None:
        text = default_line(v)
    else:
        try:
            text = fmt.format_map(v)
        except KeyError as exc:
            raise FormatError(f"--format: no field {{{exc.args[0]}}}; the fields are "
                              + " ".join("{" + f + "}" for f in FIELDS)) from None
        except (ValueError, IndexError, AttributeError, TypeError) as exc:
            raise FormatError(f"--format: {exc} (a literal brace is written {{{{ or }}}})") from None
        text = " ".join(text.split())  # one line, whatever the fields hold
    if width:
        text = cut(text, width)
    if color and v["bar"] in text:
        b = v["bar"]
        full = b.count(FULL)
        painted = f"{_GREEN}{FULL * full}{_RESET}" + (f"{_DIM}{EMPTY * (len(b) - full)}{_RESET}" if full < len(b) else "")
        text = text.replace(b, painted, 1)
    return text


def cell_width(ch: str) -> int:
    """Cells a character takes in a terminal: 2 for wide (CJK, most emoji), 0 for combining marks."""
    if ch < "\u0300":
        return 0 if ch < " " else 1
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufe0e\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    return sum(map(cell_width, text))


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending in ``…`` when it was longer."""
    if width <= 0 or (len(text) <= width and text.isascii()) or cells(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"
