"""Re-reading a plan after a change without a full Markdown parse, when safe.

The common change is an agent (or plantui) ticking a box, with the Progress
and Last Updated values following.  Such a change cannot move a block
boundary, so the new plan is the old one with a few values replaced:

- same number of lines;
- every line that differs is either an item line that differs only in its
  marker (a marker that is a box again, not a tag, and of the same kind for
  markdown-it: ``[ ]``/``[x]``/``[X]`` or another), or a field line that
  differs only inside the field's value, with a new value free of Markdown
  punctuation, in a field the structure does not come from (a phase's
  Dependencies, a line with a graph's arrows).

Anything else is a full parse.  :func:`reparse` always returns what
:func:`plantui.parser.parse_lines` would (the tests hold it to that, on the
whole corpus and on random edits).
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import compress
from operator import ne

from .config import DEFAULT, Settings, is_marker
from .model import Field, Item, Plan
from . import fields as fieldlib
from .parser import has_arrow, parse_lines
from .lines import Lines

GFM_MARKERS = (" ", "x", "X")  # the markers markdown-it reads as task boxes
_SAFE_VALUE = re.compile(r"^[^|<>`*_\[\]\\#]*$")
def reparse(old: Plan, old_lines: Lines, new_lines: Lines, settings: Settings = DEFAULT) -> Plan:
    """The plan of ``new_lines``, from ``old`` (the plan of ``old_lines``) when safe."""
    plan = fast_update(old, old_lines, new_lines, settings)
    return parse_lines(new_lines, settings) if plan is None else plan


def changed_lines(old: Lines, new: Lines) -> list[int] | None:
    """0-based indexes of the lines that differ, or None when the line count differs.

    Line by line: a line ``new`` shares with ``old`` (see :meth:`Lines.spliced`)
    is the very same object, and a string compared with itself costs nothing.
    """
    if len(old) != len(new):
        return None
    return list(compress(range(len(old)), map(ne, old.parts, new.parts)))


def fast_update(old: Plan, old_lines: Lines, new_lines: Lines, settings: Settings) -> Plan | None:
    diff = changed_lines(old_lines, new_lines)
    if diff is None:
        return None
    if not diff:
        return old
    items = list(old.items)
    fields = list(old.fields)
    ticked = []
    by_line_fields = old.field_lines
    for k in diff:
        line1 = k + 1
        before, after = old_lines.line(k), new_lines.line(k)
        item = old.item_at_line(line1)
        on_field = by_line_fields.get(line1)
        if item is not None and on_field is None:
            updated = _marker_only(item, before, after, settings)
            if updated is None:
                return None
            items[item.index] = updated
            ticked.append(item.index)
        elif on_field is not None and item is None and line1 not in old.text_lines:
            if _structural([old.fields[n] for n in on_field], before, after):
                return None
            updated_fields = _values_only([old.fields[n] for n in on_field], before, after)
            if updated_fields is None:
                return None
            for n, f in zip(on_field, updated_fields):
                fields[n] = f
        else:
            return None
    return old.with_values(tuple(items), tuple(fields))


def _structural(fields: list[Field], before: str, after: str) -> bool:
    """Whether the fields of a line say something the plan's structure comes from:
    a phase's dependencies, or a graph's arrows (see :func:`plantui.parser.build_plan`)."""
    return any(f.name in fieldlib.DEPENDENCY_NAMES for f in fields) or has_arrow(before) or has_arrow(after)


def _marker_only(item: Item, before: str, after: str, settings: Settings) -> Item | None:
    if item.spelling is not None:
        return None  # a task that is not a box: its reader decides
    col = item.col
    old_len = len(item.marker)
    if before[:col] != after[:col]:
        return None
    tail = before[col + old_len :]
    if not after.endswith(tail) or len(after) - len(tail) <= col:
        return None
    marker = after[col : len(after) - len(tail)]
    if not is_marker(marker):
        return None
    state = settings.state_of(marker)
    if state is None:
        return None  # became a tag: no longer an item
    if (marker in GFM_MARKERS) != (item.marker in GFM_MARKERS):
        # markdown-it reads "[ ]", "[x]", "[X]" as boxes and the rest as text, so
        # "- [x] 9. Done" holds a list ("9. Done") where "- [-] 9. Done" holds a
        # paragraph: a flip across the two can move block boundaries
        return None
    return replace(item, marker=marker, state=state, source=after)


def _values_only(fields: list[Field], before: str, after: str) -> list[Field] | None:
    """The fields of a line whose values alone changed."""
    fields = sorted(fields, key=lambda f: f.start)
    out = []
    pos_old = pos_new = 0
    for f in fields:
        gap = before[pos_old : f.start]
        if after[pos_new : pos_new + len(gap)] != gap:
            return None
        pos_new += len(gap)
        # the value runs to where the next unchanged stretch begins
        nxt = fields[fields.index(f) + 1].start if f is not fields[-1] else len(before)
        rest = before[f.end : nxt]
        end_new = after.find(rest, pos_new) if rest else (len(after) if f is fields[-1] else -1)
        if f is fields[-1] and rest:
            end_new = len(after) - len(rest) if after.endswith(rest) else -1
        if end_new < pos_new:
            return None
        value = after[pos_new:end_new]
        if not _SAFE_VALUE.match(value) or value != value.strip():
            return None
        out.append(replace(f, start=pos_new, end=end_new, value=value))
        pos_old = f.end
        pos_new = end_new
    if before[pos_old:] != after[pos_new:]:
        return None
    return out
