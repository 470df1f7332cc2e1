"""A plan over time, as plain values: what was seen to change, and the counts it left.

Three sources feed it: the plan's git history (:mod:`plantui.history`), what
plantui itself saw or did (:mod:`plantui.eventlog`), and the timestamps a plan
writes itself (an ExecPlan's ``- [x] (2025-10-01 13:00Z) Step``).  Pace and
ETA (:mod:`plantui.pace`) and the burn-up chart read only these values.  Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .status_words import status_of_cell
from .model import State

if TYPE_CHECKING:
    from .config import Settings

ORIGINS = ("here", "cli", "mcp", "editor", "outside", "git", "plan")
"""Where a change came from: the dashboard, the command line, the MCP server, an
editor plantui started, another process, a commit, or a timestamp the plan wrote."""


@dataclass(frozen=True, slots=True)
class Tick:
    """One item's marker changed: ``old`` → ``new`` (``None`` for an item added or removed)."""

    at: datetime  # timezone-aware
    plan: str  # the plan's path, resolved
    item: str  # the item's id when it has one, else its text
    old: str | None
    new: str | None
    origin: str  # one of ORIGINS
    author: str | None = None  # a commit's author, or "agent:NAME" from a Co-authored-by trailer


@dataclass(frozen=True, slots=True)
class Point:
    """The plan's counts at one moment: tasks done and in all (skipped ones left out)."""

    at: datetime  # timezone-aware
    done: int
    total: int
    origin: str  # one of ORIGINS


def state_of(marker: str, settings: Settings) -> State | None:
    """The state a tick's marker says: a box's marker as ``settings`` read it, or the
    word or emoji of a task that is not a box (a Cursor todo's ``completed``, Task
    Master's ``done``, a heading's ``✅``, or nothing: open); OTHER when neither says one, None for a tag."""
    state = settings.state_of(marker)
    if state is State.OTHER:  # "" is a heading that says nothing (or a todo without a status): open
        return (status_of_cell(marker) or State.OTHER) if marker.strip() else State.OPEN
    return state
