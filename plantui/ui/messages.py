"""Messages between the engine's threads and the widgets that own a plan.

The watcher thread and the worker threads only ever ``post_message`` one of
these to the widget that owns the plan (thread-safe, never blocks); the
widget does the rest on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from textual.message import Message

from ..progress import Summary
from ..snapshot import Snapshot, WriteResult
from .changes import Changes
from .tree_model import Layout
from .panel_model import PanelLook


class Prepared(NamedTuple):
    """What the worker works out for a new state besides reading it (off the UI thread)."""

    layout: Layout  # the tree
    panel: PanelLook  # the side panel


@dataclass
class FileChanged(Message, bubble=False):
    """The watcher saw the plan change (``kind`` "changed") or go away ("deleted")."""

    path: Path
    kind: str

    def can_replace(self, message: Message) -> bool:
        # A newer event about the same file supersedes a queued one.
        return isinstance(message, FileChanged) and message.path == self.path


@dataclass
class PlanLoaded(Message, bubble=False):
    """A thread worker read and parsed the plan."""

    path: Path
    seq: int
    snapshot: Snapshot
    summary: Summary
    source: str  # "start", "outside", "reload", "editor"
    prepared: Prepared | None = None  # what the owner prepared off the UI thread
    changes: Changes | None = None  # from ``base`` (the state shown when the read began) to this one
    base: Snapshot | None = None


@dataclass
class PlanUnreadable(Message, bubble=False):
    """A read failed; ``missing`` when the file is gone."""

    path: Path
    seq: int
    error: str
    missing: bool


@dataclass
class WriteDone(Message, bubble=False):
    """The engine wrote (or found nothing to write)."""

    result: WriteResult
    summary: Summary
    what: str  # "tick", "undo", "sync"
    key: tuple | None = None  # the item ticked
    previous: str | None = None  # its marker before
    prepared: Prepared | None = None
    changes: Changes | None = None  # as in PlanLoaded
    base: Snapshot | None = None


@dataclass
class WriteRefused(Message, bubble=False):
    """The engine refused a write: the message is one sentence for a person.

    ``written`` when the file did change but the result could not be shown.
    """

    error: str
    what: str
    key: tuple | None = None  # the item of a tick
    written: bool = False


@dataclass
class TickRequested(Message):
    """Tick or untick the item with this key (from a key press or a click on its marker)."""

    key: tuple


@dataclass
class OpenPlan(Message):
    """Open the dashboard of one plan (from the overview); ``line``: the heading to start on
    (one of several plans in the file)."""

    path: Path
    line: int | None = None
