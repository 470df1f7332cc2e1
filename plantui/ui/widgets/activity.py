"""The activity log: every change seen, with its time and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

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
        room = width - len(entry.time) - 1 - cell_len(source)
        if cell_len(text) > room:
            text = set_cell_size(text, max(1, room - 1)).rstrip() + "…"
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


class ActivityLog(ScrollView):
    """The changes seen while plantui runs, newest last.

    Drawn a line at a time, only the lines in view, each entry's line made once
    for its width and theme (a Static of every entry drew all 300 again on each
    change).  Its text can be selected and copied, a line per entry.
    """

    DEFAULT_CSS = """
    ActivityLog {
        overflow-x: hidden;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    can_focus = False

    def __init__(self, *, id: str | None = None, show_source: bool = True) -> None:
        super().__init__(id=id)
        self.show_source = show_source
        self.entries: list[Entry] = []
        self._lines: dict[Entry, Strip] = {}  # each entry's line at the width it was drawn for
        self._width = 0

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        if len(self.entries) > KEEP:
            for old in self.entries[:-KEEP]:
                self._lines.pop(old, None)
            del self.entries[:-KEEP]
        self.virtual_size = Size(0, len(self.entries))
        self.scroll_end(animate=False, x_axis=False)
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self.entries))
        self.scroll_end(animate=False, x_axis=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = {}  # another theme: other colours

    def selection_updated(self, selection) -> None:
        self._lines = {}
        self.refresh()

    def get_selection(self, selection) -> tuple[str, str] | None:
        """The selected text, a line per entry, as the log shows it."""
        width = self.scrollable_content_region.width
        text = "\n".join(entry_content(e, show_source=self.show_source, width=width).plain for e in self.entries)
        return selection.extract(text), "\n"

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width, self._lines = width, {}
        index = self.scroll_offset.y + y
        if not 0 <= index < len(self.entries):
            return Strip.blank(width, self.rich_style)
        entry = self.entries[index]
        line = self._lines.get(entry)
        if line is None:
            content = entry_content(entry, show_source=self.show_source, width=width)
            line = Visual.to_strips(self, content, width, 1, self.visual_style, pad=True)[0]
            if self.text_selection is None:  # a selected line is drawn afresh until the selection ends
                self._lines[entry] = line
        return line.apply_offsets(0, index)  # where a selection finds it: the entry's place now
