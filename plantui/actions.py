"""What the command line and the dashboard do to a plan file.

Each action is one locked read-modify-write cycle of :func:`snapshot.modify`:
references are resolved, and items checked, against the file as it is at
that moment, never against an older view.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime

from .edits import Edit, EditError, set_markers, sync_fields, warm
from .fields import DERIVED
from .model import Item, Plan
from .lines import Lines, splice
from .errors import PlanError
from .snapshot import Snapshot, WriteResult, modify

__all__ = ["EditError", "PlanError", "resolve", "mark", "mark_items", "sync", "sync_said", "left_as_written",
           "has_derived_fields",
           "undo", "Ticked", "Undone", "LineSwap"]


def ready(snap: Snapshot) -> None:
    """Work out ahead (off the UI thread, after a read) what a tick of ``snap`` needs:
    see :func:`plantui.edits.warm`."""
    warm(snap.plan, snap.lines)


def _norm_id(ref: str) -> str:
    return ref.strip().strip("*").rstrip(".:").lower()


def _ids_said(plan: Plan) -> str:
    """The plan's own ids, the first few: ``its ids are 1, 2, 3 …``."""
    ids = list(dict.fromkeys(it.id for it in plan.items if it.id is not None))
    if not ids:
        return "its tasks have no ids"
    return "its ids are " + ", ".join(ids[:5]) + (" …" if len(ids) > 5 else "")


def resolve(plan: Plan, ref: str | int) -> Item:
    """The item a person means: a task id as written (``1.1``, ``T012``) or a line number (int)."""
    if isinstance(ref, int):
        item = plan.item_at_line(ref)
        if item is None:
            raise EditError(f"line {ref} holds no {'checkbox item' if plan.source == 'markdown' else 'task'}")
        return item
    want = _norm_id(ref)
    hits = [it for it in plan.items if it.id is not None and _norm_id(it.id) == want]
    if not hits:
        raise EditError(f"no task with id {ref!r} ({_ids_said(plan)}; or use --line N)")
    if len(hits) > 1:
        lines = ", ".join(str(it.line) for it in hits[:6])
        raise EditError(f"{len(hits)} items have id {ref!r} (lines {lines}); pick one with --line N")
    return hits[0]


def mark(path: str | os.PathLike, refs: list[str | int], marker: str | None, *, now: datetime | None = None,
         sync: bool = True) -> WriteResult:
    """Set the marker of the items named by ``refs`` (None: the file's done marker)."""

    def change(snap: Snapshot) -> tuple[tuple[Edit, ...], tuple[str, ...]]:
        items = list({it.index: it for it in (resolve(snap.plan, r) for r in refs)}.values())  # each once
        result = set_markers(snap.lines, snap.plan, [(it, marker) for it in items], settings=snap.settings,
                             now=now, sync=sync, summary=snap.summary(now) if sync or marker is None else None)
        return result.edits, result.changed

    return _guarded(path, change)


@dataclass(frozen=True)
class LineSwap:
    """One line a write changed: what it read before and after (no line ending).
    ``line``: where it stood after the write (0-based); ``field``: the line of a derived field."""

    line: int
    before: str
    after: str
    field: bool = False


@dataclass(frozen=True)
class Ticked(WriteResult):
    """A tick's result, with what :func:`undo` needs to take it back: every line it changed."""

    undo: tuple[LineSwap, ...] = ()


@dataclass(frozen=True)
class Undone(WriteResult):
    """An undo's result; ``left``: the lines (1-based) edited since the tick, left as they are."""

    left: tuple[int, ...] = ()

    @property
    def said(self) -> str:
        """One sentence on the lines left alone ("" when none)."""
        if not self.left:
            return ""
        where = ", ".join(map(str, self.left))
        rest = "the rest is undone" if self.written else "nothing else to undo, nothing written"
        if len(self.left) == 1:
            return f"line {where} changed since the tick and is left as it is; {rest}"
        return f"lines {where} changed since the tick and are left as they are; {rest}"


def swaps(lines: Lines, edits: tuple[Edit, ...]) -> tuple[LineSwap, ...]:
    """The lines ``edits`` (of the text of ``lines``) change, before and after."""
    by_line: dict[int, list[Edit]] = {}
    for start, end, new in edits:
        k = lines.line_of(start)
        if "\n" in new or "\r" in new or end > lines.offset(k, len(lines.line(k))):
            return _compared(lines, edits)  # a whole-text edit: compare the lines
        by_line.setdefault(k, []).append((start, end, new))
    out = []
    for k, mine in sorted(by_line.items()):
        base = lines.offset(k, 0)
        before = lines.line(k)
        out.append(LineSwap(k, before, splice(before, [(s - base, e - base, n) for s, e, n in mine])))
    return tuple(out)


def _compared(lines: Lines, edits: tuple[Edit, ...]) -> tuple[LineSwap, ...]:
    after = Lines.of(splice(lines.text, list(edits)))
    if len(after) != len(lines):
        return ()  # lines added or removed: no edit of plantui's does that; nothing to take back
    return tuple(LineSwap(k, lines.line(k), after.line(k)) for k in range(len(lines)) if lines.line(k) != after.line(k))


def mark_items(path: str | os.PathLike, items: list[Item], marker: str | None, *, now: datetime | None = None,
               previous: Snapshot | None = None) -> Ticked:
    """Like :func:`mark` for items from an earlier read (the dashboard's view, ``previous``).

    Each item must still stand on its line as it was read (or on the one
    line that reads the same); otherwise nothing is written.  The result
    carries the lines the write changed, for :func:`undo`.
    """
    made: list[tuple[Lines, tuple[Edit, ...], set[int]]] = []

    def change(snap: Snapshot) -> tuple[tuple[Edit, ...], tuple[str, ...]]:
        result = set_markers(snap.lines, snap.plan, [(it, marker) for it in items],
                             settings=snap.settings, now=now, summary=snap.summary(now))
        if result.edits:  # the last of them is the one written
            made.append((snap.lines, result.edits, {f.line - 1 for f in snap.plan.fields if f.name in DERIVED}))
        return result.edits, result.changed

    result = _guarded(path, change, previous)
    record = ()
    if result.written and made:
        lines, edits, fields = made[-1]
        record = tuple(replace(sw, field=sw.line in fields) for sw in swaps(lines, edits))
    return Ticked(result.snapshot, result.changed, result.written, result.method, record)


def undo(path: str | os.PathLike, record: tuple[LineSwap, ...], *, previous: Snapshot | None = None) -> Undone:
    """Take back a tick (its :attr:`Ticked.undo`): each line it changed reads again
    as before, where it still reads as the tick left it (at its place, or as the one
    line that reads so: lines added above move it).  A line changed since is left
    alone (``Undone.left``); when that is a task's line, the derived fields the tick
    wrote are left too: they follow its box, which was not taken back.  Nothing else
    is touched.  One locked cycle, like every write."""
    left: list[int] = []

    def change(snap: Snapshot) -> tuple[tuple[Edit, ...], tuple[str, ...]]:
        lines = snap.lines
        found: list[tuple[int, LineSwap]] = []
        used: set[int] = set()
        left.clear()
        box_left = False
        for sw in record:
            k = _find(lines, sw, used)
            if k is None:
                if not (sw.line < len(lines) and lines.line(sw.line) == sw.before):
                    left.append(sw.line + 1)  # edited since (not merely undone already)
                    box_left = box_left or not sw.field
                continue
            used.add(k)
            found.append((k, sw))
        if box_left:
            found = [(k, sw) for k, sw in found if not sw.field]
        edits = [(lines.offset(k, 0), lines.offset(k, 0) + len(sw.after), sw.before) for k, sw in found]
        return tuple(sorted(edits)), tuple(f"line {k + 1} as before the tick" for k, _ in sorted(found))

    result = _guarded(path, change, previous)
    return Undone(result.snapshot, result.changed, result.written, result.method, tuple(left))


def _find(lines: Lines, sw: LineSwap, used: set[int]) -> int | None:
    """Where the line ``sw`` wrote stands now: at its place, else the one line that reads so."""
    if sw.line < len(lines) and sw.line not in used and lines.line(sw.line) == sw.after:
        return sw.line
    same = [k for k in range(len(lines)) if k not in used and lines.line(k) == sw.after]
    return same[0] if len(same) == 1 else None


def sync(path: str | os.PathLike, *, now: datetime | None = None) -> WriteResult:
    """Bring the derived fields already in the file up to date."""

    def change(snap: Snapshot) -> tuple[tuple[Edit, ...], tuple[str, ...]]:
        result = sync_fields(snap.lines, settings=snap.settings, now=now, plan=snap.plan, summary=snap.summary(now))
        return result.edits, result.changed

    return _guarded(path, change)


def has_derived_fields(plan: Plan) -> bool:
    """Whether ``plan`` has a field :func:`sync` keeps up to date."""
    return any(f.name in DERIVED for f in plan.fields)


def left_as_written(plan: Plan) -> list[str]:
    """The fields of ``plan`` that drift but that :func:`sync` leaves as written (a value
    that holds more than plantui derives: a hand-written breakdown), each said in a few words:
    ``Total Tasks (line 3) holds more than … left as written: it says '5 (…) = 5', the boxes say '3'``."""
    from .progress import summarize

    return [f"{f.key} (line {f.line}) holds more than plantui derives (a hand-written breakdown), left as written: "
            f"it says {f.value!r}, the boxes say {st.computed!r}"
            for f, st in zip(plan.fields, summarize(plan).fields) if st.drift and not st.writable]


def sync_said(name: str, result: WriteResult) -> str:
    """What to tell a person when :func:`sync` wrote nothing: which of the three cases it is."""
    plan = result.snapshot.plan
    if not has_derived_fields(plan):
        return f"{name} has no derived fields (Progress, Total Tasks, Status, Last Updated); nothing written"
    left = left_as_written(plan)
    if left:
        return f"{name}: nothing written; " + "; ".join(left)
    return f"{name}: fields already up to date; nothing written"


def _guarded(path, change, previous: Snapshot | None = None) -> WriteResult:
    try:
        return modify(path, change, previous=previous)
    except EditError as exc:
        raise PlanError(f"{path}: {exc}") from None
