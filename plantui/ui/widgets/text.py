"""Text in widgets: putting new text in a Static or a Label without laying the screen out again
when it need not be (:func:`show`), and a path as a person reads it (:func:`shown_path`)."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static


def _shape(content: Content | str) -> tuple[int, ...]:
    """The width of each of its lines: text of the same shape takes the same room."""
    return tuple(cell_len(line) for line in str(content).split("\n"))


def show(widget: Static, content: Content | str) -> None:
    """Show ``content`` in ``widget``; nothing when it shows it already.

    A Static sized by its text (``auto`` width or height) takes another size only when
    the text's shape changes, or, when it wraps, when the text changes at all;
    otherwise, as when its size is set, it is only drawn again and the screen is not
    laid out (a layout redraws every pane it moves).
    """
    old = getattr(widget, "_plantui_shown", None)
    if old == content:
        return
    widget._plantui_shown = content  # type: ignore[attr-defined]
    widget.update(content, layout=old is None or _may_resize(widget, old, content))


def _may_resize(widget: Static, old: Content | str, new: Content | str) -> bool:
    styles = widget.styles
    auto_width = styles.width is not None and styles.width.is_auto
    auto_height = styles.height is None or styles.height.is_auto
    if auto_height and styles.text_wrap != "nowrap":
        return True  # the same widths may wrap to another number of lines
    return (auto_width or auto_height) and _shape(old) != _shape(new)


def shown_path(path: Path) -> str:
    """A path as a person wants to read it: relative to here, or under ~."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    home = Path.home()
    try:
        return "~/" + str(path.resolve().relative_to(home))
    except ValueError:
        return str(path)
