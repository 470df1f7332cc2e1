"""Text edits: set a marker, bring derived fields up to date.  Pure.

An edit replaces the marker character of one item and the values of derived
fields that already exist; it never adds, removes or reflows a line.  Every
function takes the text as it is *now* (freshly read) and checks that the
item it was asked to change is still there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Sequence

from . import readers
from .config import DEFAULT, Settings, is_marker
from .model import Field, Item, Plan, State
from .incremental import GFM_MARKERS, reparse
from .parser import parse_lines
from .after_tick import fields_after, update
from .progress import FieldState, Summary, describe, section_of, summarize, x_marks
from .lines import Lines, splice

Edit = tuple[int, int, str]  # (start, end, replacement): character offsets in the text edited


class EditError(Exception):
    """An edit plantui refuses; the message is one sentence for a person."""


@dataclass(frozen=True)
class Change:
    """The outcome of an edit on a text: the edits that make it, and what they
    changed, for people ("✓ 2.1 Implement data models")."""

    lines: Lines  # the lines of the text edited
    edits: tuple[Edit, ...]  # non-overlapping, each one changing something
    changed: tuple[str, ...]

    @cached_property
    def text(self) -> str:
        """The text after the edits."""
        return splice(self.lines.text, self.edits) if self.edits else self.lines.text


def usual_marker(plan: Plan, settings: Settings, want: State) -> str | None:
    """The marker that says ``want`` in this plan: the one its boxes use most for that
    state (a Kiro plan's ``[-]`` in progress), else the first ``settings`` give; None: none.
    (Done has its own rule, :func:`_done_marker`: ``x`` or ``X`` by the box's neighbours.)"""
    used: dict[str, int] = {}
    for it in plan.items:
        if it.spelling is None and it.state is want:
            used[it.marker] = used.get(it.marker, 0) + 1
    if used:
        return max(used, key=used.__getitem__)
    return next((m for m, st in settings.markers.items() if st is want), None)


def _done_marker(plan: Plan, settings: Settings, marks: tuple[int, int], item: Item) -> str:
    """The done marker the file already uses: the spelling most of its done boxes have.

    With the default markers that is ``X`` where most done boxes say ``[X]``,
    else ``x`` (``marks``: the plan's counts of ``[x]`` and ``[X]``).  In a file
    that mixes the two, ``item`` (the one to tick) takes the spelling of its
    neighbours: the boxes of its own list, else of its phase, else the file's.
    Where settings make another marker mean done (``"✅" = "done"``), the done
    boxes are counted; ``x`` wins a tie, and a file with no done box gets ``x``.
    """
    lower, upper = marks
    usual = "X" if upper > lower else "x"
    if lower and upper:
        usual = _neighbours_marker(plan, item) or usual
    others = [m for m, state in settings.markers.items() if state is State.DONE and m not in "xX"]
    if not others:
        return usual
    tally = {"x": lower, "X": upper}
    for it in plan.items:
        if it.marker in others:
            tally[it.marker] = tally.get(it.marker, 0) + 1
    best = max(tally.values())
    return usual if tally[usual] == best else next(m for m, n in tally.items() if n == best)


def _neighbours_marker(plan: Plan, item: Item) -> str | None:
    """``x`` or ``X``: what most done boxes of ``item``'s list say (its siblings;
    for a top-level box, the top-level boxes of its section), else of its phase;
    None where they say both as often."""
    items = plan.items
    if item.parent is not None:
        groups = [items[item.parent].children]
    else:
        groups = [[j for j in section_of(items, item.index) if items[j].parent is None]]
    if item.phase is not None:
        groups.append(plan.phases[item.phase].items)
    for group in groups:
        lower, upper = x_marks(items[j] for j in group if j != item.index)
        if lower != upper:
            return "x" if lower > upper else "X"
    return None


def locate(plan: Plan, lines: Lines, item: Item) -> Item:
    """The item in ``plan`` (fresh) that is ``item`` (from an earlier read).

    Its line must still read exactly as it did; if it moved, the one line
    that reads the same is taken; otherwise the edit is refused.
    """
    n = item.line - 1
    if 0 <= n < len(lines) and lines.line(n) == item.source:
        found = plan.item_at_line(item.line)
        if found is not None and _same(found, item):
            return found
    same = [k for k in range(len(lines)) if lines.line(k) == item.source]
    if item.spelling is not None:  # a value's line ("status: pending") may repeat: the task's name tells
        same = [k for k in same if (f := plan.item_at_line(k + 1)) is not None and _same(f, item)]
    if len(same) == 1:
        found = plan.item_at_line(same[0] + 1)
        if found is not None:
            return found
    if len(same) > 1:
        raise EditError(f"{describe(item)} moved and {len(same)} lines now read like it; nothing written")
    raise EditError(f"{describe(item)} changed in the file since it was read; nothing written")


def _same(found: Item, item: Item) -> bool:
    """Whether ``found`` names the task ``item`` did.  A box's line holds its name;
    the line of a task read from elsewhere may not (``status: pending``)."""
    return item.spelling is None or found.label == item.label


def _spelled(item: Item, marker: str | None, settings: Settings) -> str:
    """The text that gives ``item`` (a task that is not a box) the state ``marker``
    names (None: done), in the item's own spelling; refused where it has none."""
    spelling = item.spelling
    assert spelling is not None
    if spelling.read_only:
        raise EditError(f"{describe(item)} is {spelling.read_only}; plantui does not write it; nothing written")
    state = State.DONE if marker is None else settings.state_of(marker)
    text = None if state is None else spelling.of(state)
    if text is None:
        said = f"[{marker}]" if state is None else state.value.replace("_", " ")
        raise EditError(f"{describe(item)} cannot be marked {said}: its {spelling.name} has no word for it; nothing written")
    return text


def _already_so(plan: Plan, lines: Lines, item: Item, marker: str | None, settings: Settings) -> bool:
    """Whether ``item``'s line now reads as it did but for the marker asked for.

    That is the trace of our own write, kept by an editor that reloaded and
    saved right after it: the change is made, not lost.
    """
    head, tail = item.source[: item.col], item.source[item.col + len(item.marker) :]
    like = [k for k in range(len(lines))
            if lines.line(k).startswith(head) and lines.line(k).endswith(tail)
            and len(lines.line(k)) > len(head) + len(tail)]
    if item.line - 1 in like:
        k = item.line - 1
    elif len(like) == 1:
        k = like[0]
    else:
        return False
    now = plan.item_at_line(k + 1)
    if now is None or now.col != item.col:
        return False
    if item.spelling is not None:
        return _same(now, item) and now.state is (State.DONE if marker is None else settings.state_of(marker))
    return now.marker == marker or (marker is None and settings.state_of(now.marker) is State.DONE)


def warm(plan: Plan, lines: Lines) -> None:
    """Work out now what a tick of ``plan`` (the plan of ``lines``) needs: its items
    by line, the lines of its fields and of its items' texts, where its lines start
    in characters.  Called after a read, off the UI thread, so that the first key
    press after a reload does not pay for it; the plans and lines a tick makes
    carry all of it over."""
    plan.item_at_line(1)
    plan.field_lines  # noqa: B018 - cached on the plan
    plan.text_lines  # noqa: B018
    lines.starts  # noqa: B018


def set_markers(lines: Lines, plan: Plan, wanted: list[tuple[Item, str | None]], *,
                settings: Settings = DEFAULT, now: datetime | None = None, sync: bool = True,
                summary: Summary | None = None) -> Change:
    """Set the markers of ``wanted`` items (from any earlier read; each located
    in ``plan``, the plan of ``lines`` now) and, with ``sync``, the derived fields,
    as the reader that made ``plan`` reads the text after the edits.  ``summary``:
    the summary of ``plan`` when the caller has one (a snapshot's): the fields after
    a tick are then worked out from it, at the cost of what the tick touches."""
    edits = []
    changed = []
    flips: dict[int, str] = {}
    marks = (summary.parts.x_marks if summary is not None else x_marks(plan.items)) if any(
        marker is None for _, marker in wanted) else (0, 0)  # [x] and [X] boxes: the file's done marker
    for item, marker in wanted:
        if item.spelling is not None and item.spelling.read_only:
            _spelled(item, marker, settings)  # refused as it is, before it is looked for
        try:
            fresh = locate(plan, lines, item)
        except EditError:
            if _already_so(plan, lines, item, marker, settings):
                continue  # the line reads as the item with the marker asked for: nothing to do
            raise
        if fresh.spelling is not None:
            new = _spelled(fresh, marker, settings)
            state = State.DONE if marker is None else settings.state_of(marker)
        else:
            new = marker if marker is not None else _done_marker(plan, settings, marks, fresh)
            if not is_marker(new):
                raise EditError(f"{new!r} is not a marker: give one character")
            state = settings.state_of(new)
            if state is None:  # [P]: a tag, no box; the task would leave the plan
                raise EditError(f"[{new}] is a tag in this plan, not a box's marker: the task would "
                                f"no longer be a task; give another marker")
        if fresh.marker == new or (marker is None and fresh.state is State.DONE):
            continue
        start = lines.offset(fresh.line - 1, fresh.col)
        edits.append((start, start + len(fresh.marker), new))
        flips[fresh.index] = new
        glyph = {State.DONE: "✓", State.OPEN: "○"}.get(state, f"[{new}]")
        changed.append(f"{glyph} {fresh.label}")
    if not edits:
        return Change(lines, (), ())
    if not sync:
        return Change(lines, tuple(edits), tuple(changed))
    if plan.source != "markdown":
        if not plan.fields:
            return Change(lines, tuple(edits), tuple(changed))  # a store with no fields (JSON): nothing to follow
        # Another reader's plan (a Cursor plan's body, an ExecPlan): its fields follow
        # from that reader's reading of the text after the edits, read whole.
        new_lines = lines.spliced(edits)
        synced = sync_fields(new_lines, settings=settings, now=now, touched=True,
                             plan=readers.reader_named(plan.source).read(None, new_lines, settings))
        both = _after(tuple(edits), synced.edits) or ((0, lines.chars, synced.text),)
        return Change(lines, both, tuple(changed) + synced.changed)
    states = _flips(plan, flips, settings)
    if states is not None:
        # Only markers changed: the fields follow from the summary before, updated
        # by these items, and stand where they stood (on lines of their own).
        fields = fields_after(plan, summary or summarize(plan, now), states, now)
        more, said = _field_edits(plan.fields, fields, lines, touched=True)
        return Change(lines, tuple(sorted([*edits, *more])), tuple(changed) + said)
    new_lines = lines.spliced(edits)
    new_plan = reparse(plan, lines, new_lines, settings)
    new_summary = update(plan, summary, new_plan, now) if summary is not None else None
    synced = sync_fields(new_lines, settings=settings, now=now, touched=True, plan=new_plan, summary=new_summary)
    both = _after(tuple(edits), synced.edits) or ((0, lines.chars, synced.text),)
    return Change(lines, both, tuple(changed) + synced.changed)


def _flips(plan: Plan, flips: dict[int, str], settings: Settings) -> dict[int, State] | None:
    """The states the items of ``flips`` (item index -> marker) take, when only
    their markers change (see :mod:`plantui.incremental`); else None."""
    items = plan.items
    field_lines = plan.field_lines
    seen: set[int] = set()
    states = {}
    for k, marker in flips.items():
        item = items[k]
        state = settings.state_of(marker)
        if (state is None or item.spelling is not None or item.line in seen or item.line in field_lines
                or (marker in GFM_MARKERS) != (item.marker in GFM_MARKERS)):
            return None  # a tag now, or a change markdown-it may read otherwise: a parse decides
        seen.add(item.line)
        states[k] = state
    return states


def _after(first: tuple[Edit, ...], second: tuple[Edit, ...]) -> tuple[Edit, ...] | None:
    """``first``, then ``second`` (offsets in the text after ``first``), as one set of
    edits of the original text, or None where they overlap."""
    out = list(first)
    first = tuple(sorted(first))
    for start, end, new in second:
        shift = 0  # how much longer the first's edits before this one made the text
        for s, e, n in first:
            if s + shift + len(n) <= start:
                shift += len(n) - (e - s)
            elif s + shift >= end:
                break
            else:
                return None
        out.append((start - shift, end - shift, new))
    return tuple(sorted(out))


def sync_fields(text: str | Lines, *, settings: Settings = DEFAULT, now: datetime | None = None,
                touched: bool = False, plan: Plan | None = None, summary: Summary | None = None) -> Change:
    """Bring the derived fields that exist in ``text`` (or its lines) up to date.

    ``Last Updated`` moves to today only when something else changed (or
    ``touched``: the caller changed the text already).
    """
    now = now or datetime.now()
    lines = text if isinstance(text, Lines) else Lines.of(text)
    plan = plan or parse_lines(lines, settings)
    summary = summary or summarize(plan, now)
    edits, changed = _field_edits(plan.fields, summary.fields, lines, touched)
    return Change(lines, edits, changed)


def _field_edits(fields: tuple[Field, ...], states: Sequence[FieldState], lines: Lines,
                 touched: bool) -> tuple[tuple[Edit, ...], tuple[str, ...]]:
    """The edits that bring ``fields`` to the values computed in ``states`` (each
    naming its field by index; all of them, or those that may have changed)."""
    edits = []
    changed = []
    dated = []
    for fs in states:
        f = fields[fs.index]
        if fs.computed is None or fs.computed == f.value or not fs.writable:
            continue
        start = lines.offset(f.line - 1, f.start)
        edit = (start, lines.offset(f.line - 1, f.end), fs.computed)
        if f.name == "last updated":
            dated.append((edit, f))
            continue
        edits.append(edit)
        changed.append(f"{f.key}: {fs.computed}")
    if edits or touched:
        for edit, f in dated:
            edits.append(edit)
            changed.append(f"{f.key}: {edit[2]}")
    return tuple(sorted(edits)), tuple(changed)
