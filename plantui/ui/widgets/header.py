"""The top of the dashboard: title, overall progress, next task, drift, notices.

One widget draws its rows as lines (a Label per row and a ProgressBar of three
widgets cost a dozen widgets to mount, style and lay out, and each tick
redrew four of them); each row is fitted to the width as it is drawn.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from ...model import Plan, State
from ...progress import Summary
from ..tree_model import GLYPH, item_label, one_line
from .bars import bar
from .text import shown_path

BAR_CELLS = ((110, 40), (70, 24), (0, 12))  # the overall bar's cells by the header's width (the screen's)
PERCENT_CELLS = 5  # "100%" right-aligned, as a ProgressBar shows it


def shorten_left(text: str, width: int) -> str:
    """``text`` cut from the left with … to ``width`` cells (the file name stays in view)."""
    if width <= 0 or cell_len(text) <= width:
        return text
    cut = 0
    while cell_len(text[cut:]) > width - 1:
        cut += 1
    return "…" + text[cut:]


class PlanHeader(Widget):
    """Title and file; the overall bar with done/total, percent and pace; the next task; drift; a notice."""

    DEFAULT_CSS = """
    PlanHeader { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    path_name = ""  # the plan's path as shown, before it is shortened to fit
    pace_said: tuple[str, ...] = ()  # ("pace 4/day · ETA Thu–Fri", "ETA Thu–Fri"): long, short; worked out in a thread

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = Content("")
        self._percent: int | None = None  # None: no plan read yet
        self._counts: tuple = ()
        self._next = Content("")
        self._drift: Content | None = None
        self._notice: tuple[str, str] | None = None  # (text, "warning" or "error")
        self._tiny = False  # only the first two rows (and a notice): a terminal of few rows
        self._laid_out = self._row_names()  # the rows the last layout made room for

    # -- what it shows ----------------------------------------------------------

    def loading(self, name: str) -> None:
        self.path_name = name
        self._title = Content.styled(f"Loading {name}…", "$text-muted")
        self.refresh()

    def update_plan(self, plan: Plan, summary: Summary, name: str, path: Path | None = None) -> None:
        t = summary.tasks
        self._title = Content(one_line(plan.title) or name)
        self.path_name = shown_path(path) if path is not None else name
        self._percent = t.percent
        parts: list[str | tuple[str, str]] = []
        if t.total:
            parts.append((f"{t.done}/{t.countable}", "bold"))
            parts.append(" tasks")
        else:
            parts.append(("no checkbox tasks", "$text-muted"))
        if t.in_progress:
            parts += ["  ", (f"{GLYPH[State.IN_PROGRESS]} {t.in_progress} in progress", "$warning")]
        if t.skipped:
            parts += ["  ", (f"{t.skipped} skipped", "$text-muted")]
        if summary.checks.total:
            parts += ["  ", (f"{summary.checks.done}/{summary.checks.total} checks", "$text-muted")]
        status_style = "$success bold" if summary.status == "Complete" else "$text-muted"
        parts += ["  ", (summary.status, status_style)]
        self._counts = tuple(parts)

        if summary.next_task is not None:
            it = plan.items[summary.next_task]
            self._next = Content.assemble(("Next ", "$text-muted"), (item_label(it), "bold"),
                                          (f"  line {it.line}", "$text-muted"))
        elif t.total and t.complete:
            self._next = Content.assemble(("✓ ", "$success"), ("Every task is done", "$success"))
        elif t.closed:  # (every one skipped: nothing is blocked)
            self._next = Content.assemble(("✓ ", "$success"), ("Nothing left to do: every task is skipped", "$success"))
        elif t.total:
            self._next = Content.styled("No task can start now: the open phases are blocked", "$warning")
        else:
            self._next = Content.styled("This plan has no checkbox tasks yet", "$text-muted")

        drifts = [(f, st) for f, st in zip(plan.fields, summary.fields) if st.drift]
        drift = None
        if drifts:
            f, st = drifts[0]
            said = [
                ("⚠ Drift ", "$warning bold"),
                f"{one_line(f.key)} says ",
                (one_line(f.value), "$warning"),
                ", the boxes say ",
                (st.computed or "", "$success"),
            ]
            if len(drifts) > 1:
                said.append((f"  (+{len(drifts) - 1} more)", "$text-muted"))
            # a hand-written breakdown (not writable) is said, never synced
            said.append(("  s syncs" if any(st.writable for _, st in drifts) else "  left as written", "$text-muted"))
            drift = Content.assemble(*said)
        self._drift = drift
        self._redraw()
        if path is not None and summary.tasks.countable:
            self._ask_pace(plan, summary, path)
        elif self.pace_said:  # no tasks: no pace of them, and no ETA to say "done"
            self.pace_said = ()
            self._redraw()

    def set_notice(self, text: str | None, severity: str = "warning") -> None:
        notice = (text, "error" if severity == "error" else "warning") if text else None
        if notice != self._notice:
            self._notice = notice
            self._redraw()

    def fit(self, tiny: bool) -> None:
        """Keep only the first two rows (and a notice) when ``tiny``: a terminal of few rows."""
        if tiny != self._tiny:
            self._tiny = tiny
            # (asked from the dashboard's resize, while the screen is being laid out: a layout
            # asked for now is lost, so the header asks once this one is done)
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        """Draw again; lay the screen out again only when rows come or go (the header's height)."""
        names = self._row_names()
        self.refresh(layout=names != self._laid_out)
        self._laid_out = names

    def _ask_pace(self, plan: Plan, summary: Summary, path: Path) -> None:
        """Work out the pace and ETA in a thread (it may read the event log and git)."""
        from ...pace import short_text
        from ..outlook import QUIET, outlook_later

        now = self.app.now().astimezone()

        def paced(seen, outlook) -> None:
            said = short_text(outlook, now)
            said = (said, said.split(" · ")[-1]) if said else ()
            if said != self.pace_said:
                self.pace_said = said
                self.refresh()

        first, self._paced = not getattr(self, "_paced", False), True  # at once when opened
        outlook_later(self, path, plan, summary, now, paced, quiet=0.0 if first else QUIET)

    # -- drawing ----------------------------------------------------------------

    def _row_names(self) -> tuple[str, ...]:
        """The rows shown now: title (with the file), progress, next, drift, notice."""
        names = ["title", "progress"]
        if not self._tiny:  # a terminal of few rows keeps the first two (and a notice)
            names.append("next")
            if self._drift is not None:
                names.append("drift")
        if self._notice is not None:
            names.append("notice")
        return tuple(names)

    def rows(self) -> dict[str, Content]:
        """The rows shown at the header's width now, by name (a row not shown is not there)."""
        width = self.content_size.width
        draw = {"title": self._title_row, "progress": self._progress_row, "next": self._next_row,
                "drift": self._drift_row, "notice": self._notice_row}
        return {name: draw[name](width) for name in self._row_names()}

    def _next_row(self, width: int) -> Content:
        return self._next.truncate(width, ellipsis=True) if width > 0 else self._next

    def _drift_row(self, width: int) -> Content:
        return self._drift.truncate(width, ellipsis=True) if width > 0 else self._drift

    def _notice_row(self, width: int) -> Content:
        text, severity = self._notice
        colours = "$text-error on $error-muted" if severity == "error" else "$text-warning on $warning-muted"
        return Content(text).truncate(max(width, 1), ellipsis=True, pad=True).stylize(f"bold {colours}")

    def file_shown(self) -> str:
        """The plan's path as the title row shows it: at most half the row, cut from the left."""
        return shorten_left(self.path_name, self.size.width // 2 - 4 if self.size.width else 0)

    def _title_row(self, width: int) -> Content:
        file = self.file_shown()
        room = width - (cell_len(file) + 2 if file else 0)
        title = self._title.stylize_before("bold").truncate(max(room, 1), ellipsis=True, pad=True)
        return Content.assemble(title, ("  " + file, "$text-muted")) if file else title

    def _progress_row(self, width: int) -> Content:
        cells = next(cells for at_least, cells in BAR_CELLS if self.size.width >= at_least)
        percent = self._percent or 0
        drawn = bar(percent / 100, cells, complete=self._percent == 100, no_color=self.app.no_color)
        said = Content(f"{percent}%".rjust(PERCENT_CELLS) if self._percent is not None else "")
        counts = Content.assemble(*self._counts)
        room = width - cells - PERCENT_CELLS - 1
        for pace in self.pace_said:  # the long form, else the short one, else none (the counts come first)
            with_pace = Content.assemble(counts, "  ", (pace, "$accent"))
            if with_pace.cell_length <= room:
                counts = with_pace
                break
        return Content.assemble(drawn, said, " ", counts.truncate(max(room, 0), ellipsis=True))

    def render(self) -> Content:
        return Content("\n").join(self.rows().values())
