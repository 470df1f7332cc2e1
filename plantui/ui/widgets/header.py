"""The top of the dashboard: title, overall progress, next task, drift, notices."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, ProgressBar

from .bars import PlanBar

from ...model import Plan, State
from ...progress import Summary
from ..tree_model import GLYPH, item_label, one_line
from .overview import shown_path
from .text import show


def shorten_left(text: str, width: int) -> str:
    """``text`` cut from the left with … to ``width`` cells (the file name stays in view)."""
    if width <= 0 or len(text) <= width:
        return text
    return "…" + text[len(text) - max(0, width - 1):] if width > 1 else "…"


class CountsLabel(Label):
    """The counts and, where they fit, the pace: fitted again whenever its own width
    changes (the row around it may settle after the pace was worked out)."""

    def on_resize(self) -> None:
        header = next((a for a in self.ancestors if isinstance(a, PlanHeader)), None)
        if header is not None and header._counts:
            header._show_counts()


class PlanHeader(Vertical):
    """Title, the overall bar with done/total and percent, the next task, drift."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-row"):
            yield Label(id="title")
            yield Label(id="file")
        with Horizontal(id="progress-row"):
            yield PlanBar(total=1, show_eta=False, id="overall")
            yield CountsLabel(id="counts")
        yield Label(id="next")
        yield Label(id="drift")
        yield Label(id="notice")

    path_name = ""  # the plan's path as shown, before it is shortened to fit
    pace_said: tuple[str, ...] = ()  # ("pace 4/day · ETA Thu–Fri", "ETA Thu–Fri"): long, short; worked out in a thread
    _counts: tuple = ()

    def on_mount(self) -> None:
        self.query_one("#drift").display = False
        self.query_one("#notice").display = False

    def loading(self, name: str) -> None:
        show(self.query_one("#title", Label), Content.styled(f"Loading {name}…", "$text-muted"))
        self._show_file(name)

    def _show_file(self, name: str) -> None:
        self.path_name = name
        room = self.size.width // 2 - 4 if self.size.width else 0  # at most half the row, less the padding
        show(self.query_one("#file", Label), Content(shorten_left(name, room)))

    def on_resize(self) -> None:
        if self.path_name:
            self._show_file(self.path_name)
        if self._counts:
            self.call_after_refresh(self._show_counts)  # once the counts' label has its new width

    def update_plan(self, plan: Plan, summary: Summary, name: str, path: Path | None = None) -> None:
        t = summary.tasks
        show(self.query_one("#title", Label), Content(one_line(plan.title) or name))
        self._show_file(shown_path(path) if path is not None else name)
        bar = self.query_one("#overall", ProgressBar)
        if bar.total != 100 or bar.progress != t.percent:  # out of 100: its label shows Counts.percent
            bar.update(total=100, progress=t.percent)
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
        self._show_counts()
        if path is not None:
            self._ask_pace(plan, summary, path)

        if summary.next_task is not None:
            it = plan.items[summary.next_task]
            nxt = Content.assemble(("Next ", "$text-muted"), (item_label(it), "bold"), (f"  line {it.line}", "$text-muted"))
        elif t.total and t.complete:
            nxt = Content.assemble(("✓ ", "$success"), ("Every task is done", "$success"))
        elif t.total:
            nxt = Content.styled("No task can start now: the open phases are blocked", "$warning")
        else:
            nxt = Content.styled("This plan has no checkbox tasks yet", "$text-muted")
        show(self.query_one("#next", Label), nxt)

        drift_label = self.query_one("#drift", Label)
        drifts = [(f, st) for f, st in zip(plan.fields, summary.fields) if st.drift]
        if drifts:
            f, st = drifts[0]
            parts = [
                ("⚠ Drift ", "$warning bold"),
                f"{one_line(f.key)} says ",
                (one_line(f.value), "$warning"),
                ", the boxes say ",
                (st.computed or "", "$success"),
            ]
            if len(drifts) > 1:
                parts.append((f"  (+{len(drifts) - 1} more)", "$text-muted"))
            # a hand-written breakdown (not writable) is said, never synced
            parts.append(("  s syncs" if any(st.writable for _, st in drifts) else "  left as written", "$text-muted"))
            show(drift_label, Content.assemble(*parts))
            drift_label.display = True
        else:
            drift_label.display = False

    def _show_counts(self) -> None:
        label = self.query_one("#counts", Label)
        counts = Content.assemble(*self._counts)
        room = label.size.width - 1  # less its padding
        shown = counts
        for said in self.pace_said:  # the long form, else the short one, else none (the counts come first)
            with_pace = Content.assemble(counts, "  ", (said, "$accent"))
            if room <= 0 or with_pace.cell_length <= room:
                shown = with_pace
                break
        show(label, shown)

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
                self._show_counts()

        first, self._paced = not getattr(self, "_paced", False), True  # at once when opened
        outlook_later(self, path, plan, summary, now, paced, quiet=0.0 if first else QUIET)

    def set_notice(self, text: str | None, severity: str = "warning") -> None:
        notice = self.query_one("#notice", Label)
        if not text:
            notice.display = False
            return
        notice.set_class(severity == "error", "-error")
        notice.set_class(severity != "error", "-warning")
        show(notice, Content(text))
        notice.display = True
