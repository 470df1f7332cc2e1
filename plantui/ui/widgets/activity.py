"""The activity log: every change seen, with its time and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

KEEP = 300  # entries kept on screen

TONE = {"warning": "$text-warning", "error": "$text-error", "dim": "$text-muted", "": ""}


@dataclass(frozen=True)
class Entry:
    time: str  # "14:02:11"
    text: str  # "✓ 2.1 Implement data models"
    source: str | None  # "here", "outside"; None for notes
    tone: str = ""  # "", "warning", "error", "dim"


def entry_content(entry: Entry, *, show_source: bool = True, width: int = 0) -> Content:
    """One log line; with ``width``, the text is shortened so the source stays in view."""
    style = TONE.get(entry.tone, "")
    source = f" ({entry.source})" if show_source and entry.source else ""
    text = entry.text
    if width > 0:
        room = width - len(entry.time) - 1 - len(source)
        if len(text) > room:
            text = text[: max(1, room - 1)] + "…"
    parts: list[str | tuple[str, str]] = [(entry.time, "$text-muted"), " "]
    if text[:1] == "✓":
        parts += [("✓", "$text-success"), (text[1:], style)]
    elif text[:1] == "◐":
        parts += [("◐", "$text-warning"), (text[1:], style)]
    else:
        parts.append((text, style))
    if source:
        parts.append((source, "$text-muted italic" if entry.source == "outside" else "$text-muted"))
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

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        width = self.scrollable_content_region.width
        lines = [entry_content(e, show_source=self.show_source, width=width) for e in self.entries]
        self.query_one("#activity-lines", Static).update(Content("\n").join(lines))
        self.call_after_refresh(self.scroll_end, animate=False)
