"""Putting new text in a Static or a Label without laying the screen out again when it need not be."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static


def _shape(content: Content | str) -> tuple[int, ...]:
    """The width of each of its lines: text of the same shape takes the same room."""
    return tuple(cell_len(line) for line in str(content).split("\n"))


def show(widget: Static, content: Content | str) -> None:
    """Show ``content`` in ``widget``; nothing when it shows it already.

    A Static sized by its text (``auto`` width or height) takes another size only when
    the text's shape changes; otherwise, as when its size is set, it is only drawn again
    and the screen is not laid out (a layout redraws every pane it moves: ~15 ms).
    """
    old = getattr(widget, "_plantui_shown", None)
    if old == content:
        return
    widget._plantui_shown = content  # type: ignore[attr-defined]
    sized_by_text = widget.styles.width.is_auto or widget.styles.height.is_auto  # type: ignore[union-attr]
    widget.update(content, layout=old is None or (sized_by_text and _shape(old) != _shape(content)))
