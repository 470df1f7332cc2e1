"""The activity log: every change seen, with its time and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

KEEP = 300  # entries kept on screen

TONE = {"warning": "$warning", "error": "$error", "dim": "$text-muted", "": ""}


@dataclass(frozen=True)
class Entry:
    time: str  # "14:02:11"
    text: str  # "✓ 2.1 Implement data models"
    source: str | None  # "here", "outside"; None for notes
    tone: str = ""  # "", "warning", "error", "dim"


def entry_content(entry: Entry, *, show_source: bool = True) -> Content:
    style = TONE.get(entry.tone, "")
    parts: list[str | tuple[str, str]] = [(entry.time, "$text-muted"), " "]
    if entry.text[:1] == "✓":
        parts += [("✓", "$success"), (entry.text[1:], style)]
    elif entry.text[:1] == "◐":
        parts += [("◐", "$warning"), (entry.text[1:], style)]
    else:
        parts.append((entry.text, style))
    if show_source and entry.source:
        parts.append((f" ({entry.source})", "$text-muted italic" if entry.source == "outside" else "$text-muted"))
    return Content.assemble(*parts)


class ActivityLog(VerticalScroll):
    """The changes seen while plantui runs, newest last."""

    can_focus = False

    def __init__(self, *, id: str | None = None, show_source: bool = True) -> None:
        super().__init__(id=id)
        self.show_source = show_source
        self.entries: list[Entry] = []

    def compose(self) -> ComposeResult:
        yield Static(id="activity-lines")

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        del self.entries[:-KEEP]
        if self.is_mounted:
            self._show()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        lines = [entry_content(e, show_source=self.show_source) for e in self.entries]
        self.query_one("#activity-lines", Static).update(Content("\n").join(lines))
        self.call_after_refresh(self.scroll_end, animate=False)
