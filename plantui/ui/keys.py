"""The dashboard's keys, in one table: bindings, the Footer, the help screen and
the command palette are all made from it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class KeyBinding:
    """One of the dashboard's keys: its binding, Footer text, palette command and help line."""

    keys: str  # Textual key names, comma separated
    action: str  # action on the dashboard widget
    short: str  # Footer text
    title: str  # command palette title
    help: str  # help screen / palette help
    display: str  # how the help screen writes the keys
    footer: bool = True


DASHBOARD_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("x", "tick", "Tick", "Tick or untick task", "Tick or untick the task under the cursor and write it to the file", "x  space"),
    KeyBinding("i", "mark_progress", "Doing", "Mark in progress", "Mark the task in progress (again: back to open)", "i", footer=False),
    KeyBinding("minus", "mark_skipped", "Skip", "Mark skipped", "Mark the task skipped (again: back to open)", "-", footer=False),
    KeyBinding("d", "detail", "Detail", "Task detail", "Show the whole task: details, tags, phase, dependencies", "d"),
    KeyBinding("n", "next_open", "Next", "Next open task", "Move to the next open task", "n"),
    KeyBinding("N", "previous_open", "Prev", "Previous open task", "Move to the previous open task", "N", footer=False),
    KeyBinding("f", "cycle_filter", "Filter", "Cycle filter", "Show all tasks, only open ones, or only done ones", "f"),
    KeyBinding("slash", "search", "Search", "Search tasks", "Search task text (enter keeps the results, escape clears)", "/"),
    KeyBinding("e", "edit", "Edit", "Edit in $EDITOR", "Open $EDITOR at the task's line, reload after", "e"),
    KeyBinding("u", "undo", "Undo", "Undo last tick", "Undo the last tick or mark made here", "u"),
    KeyBinding("s", "sync", "Sync", "Sync fields", "Update the derived fields (Progress, Status, Last Updated…)", "s", footer=False),
    KeyBinding("p", "toggle_panel", "Panel", "Hide or show the side panel", "Hide or show the side panel", "p", footer=False),
    KeyBinding("a", "toggle_activity", "Log", "Hide or show the activity log", "Hide or show the activity log", "a", footer=False),
    KeyBinding("r", "reload", "Reload", "Reload plan", "Read the plan from disk again", "r", footer=False),
    KeyBinding("b", "burnup", "Burn-up", "Burn-up chart", "Burn-up: done and total over time, for the plan or a phase", "b", footer=False),
    KeyBinding("w", "warnings", "Warnings", "Show warnings", "List the plan's warnings; enter goes to the line", "w", footer=False),
)

NAVIGATION = (
    ("↑ ↓  j k", "Move the cursor (or scroll the focused pane)"),
    ("pgup pgdn", "A page up / down"),
    ("g  G", "First / last line (home, end)"),
    ("tab", "Focus the next pane: tasks, side panel, activity log"),
    ("shift+tab", "Focus the previous pane"),
    ("← →  h l", "Close / open a section"),
    ("enter", "Open or close the node under the cursor"),
    ("click ○", "A click on a task's marker ticks it"),
    ("escape", "Clear the search; back to the overview"),
    ("?", "This help"),
    ("ctrl+p", "Command palette (themes too)"),
    ("q", "Quit"),
)


def bindings() -> list[Binding]:
    """The dashboard's bindings; "? Help" first, so a narrow footer still shows it."""
    return [Binding("question_mark", "app.help", "Help", key_display="?", tooltip="Show the keys"),
            *(Binding(k.keys, k.action, k.short, show=k.footer, tooltip=k.help) for k in DASHBOARD_KEYS)]
