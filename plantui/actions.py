"""What the command line and the dashboard do to a plan file.

Each action is one locked read-modify-write cycle of :func:`storage.modify`:
references are resolved, and items checked, against the file as it is at
that moment, never against an older view.
"""

from __future__ import annotations

import os
from datetime import datetime

from .edits import EditError, set_markers, sync_fields, warm
from .fields import DERIVED
from .model import Item, Plan
from .storage import PlanError, Snapshot, WriteResult, modify

__all__ = ["EditError", "PlanError", "resolve", "mark", "mark_items", "sync", "sync_said", "has_derived_fields"]


def ready(snap: Snapshot) -> None:
    """Work out ahead (off the UI thread, after a read) what a tick of ``snap`` needs:
    see :func:`plantui.edits.warm`."""
    warm(snap.plan, snap.lines)


def _norm_id(ref: str) -> str:
    return ref.strip().strip("*").rstrip(".:").lower()


def resolve(plan: Plan, ref: str | int) -> Item:
    """The item a person means: a task id as written (``1.1``, ``T012``) or a line number (int)."""
    if isinstance(ref, int):
        item = plan.item_at_line(ref)
        if item is None:
            raise EditError(f"line {ref} holds no checkbox item")
        return item
    want = _norm_id(ref)
    hits = [it for it in plan.items if it.id is not None and _norm_id(it.id) == want]
    if not hits:
        raise EditError(f"no task with id {ref!r} (ids look like 1.1 or T012; or use --line N)")
    if len(hits) > 1:
        lines = ", ".join(str(it.line) for it in hits[:6])
        raise EditError(f"{len(hits)} items have id {ref!r} (lines {lines}); pick one with --line N")
    return hits[0]


def mark(path: str | os.PathLike, refs: list[str | int], marker: str | None, *, now: datetime | None = None,
         sync: bool = True) -> WriteResult:
    """Set the marker of the items named by ``refs`` (None: the file's done marker)."""

    def change(snap: Snapshot) -> tuple[str, tuple[str, ...]]:
        items = [resolve(snap.plan, r) for r in refs]
        result = set_markers(snap.lines, snap.plan, [(it, marker) for it in items],
                             settings=snap.settings, now=now, sync=sync)
        return result.edits, result.changed

    return _guarded(path, change)


def mark_items(path: str | os.PathLike, items: list[Item], marker: str | None, *, now: datetime | None = None,
               previous: Snapshot | None = None) -> WriteResult:
    """Like :func:`mark` for items from an earlier read (the dashboard's view, ``previous``).

    Each item must still stand on its line as it was read (or on the one
    line that reads the same); otherwise nothing is written.
    """

    def change(snap: Snapshot) -> tuple[str, tuple[str, ...]]:
        result = set_markers(snap.lines, snap.plan, [(it, marker) for it in items],
                             settings=snap.settings, now=now)
        return result.edits, result.changed

    return _guarded(path, change, previous)


def sync(path: str | os.PathLike, *, now: datetime | None = None) -> WriteResult:
    """Bring the derived fields already in the file up to date."""

    def change(snap: Snapshot) -> tuple[str, tuple[str, ...]]:
        result = sync_fields(snap.lines, settings=snap.settings, now=now, plan=snap.plan)
        return result.edits, result.changed

    return _guarded(path, change)


def has_derived_fields(plan: Plan) -> bool:
    """Whether ``plan`` has a field :func:`sync` keeps up to date."""
    return any(f.name in DERIVED for f in plan.fields)


def sync_said(name: str, result: WriteResult) -> str:
    """What to tell a person when :func:`sync` wrote nothing: which of the two cases it is."""
    if not has_derived_fields(result.snapshot.plan):
        return f"{name} has no derived fields (Progress, Total Tasks, Status, Last Updated); nothing written"
    return f"{name}: fields already up to date; nothing written"


def _guarded(path, change, previous: Snapshot | None = None) -> WriteResult:
    try:
        return modify(path, change, previous=previous)
    except EditError as exc:
        raise PlanError(f"{path}: {exc}") from None
