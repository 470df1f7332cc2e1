"""What changed between two reads of a plan, in words.  Pure: no Textual.

:func:`compare` finds the items whose box or text changed (to flash them and
to write the activity log), the items added or removed, and the fields whose
values changed.  What deserves a notification is worked out by
:func:`plantui.events.events`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..events import Event
from ..model import Plan
from ..after_tick import marker_changes
from .tree_model import GLYPH, Key, item_label, one_line

MAX_NAMED = 3  # more added or removed items than this are counted, not named


@dataclass
class Changes:
    lines: list[str] = field(default_factory=list)  # for the log: "✓ 2.1 Implement data models"
    keys: list[Key] = field(default_factory=list)  # parallel to ``lines`` where a line is one item's
    flash: set[Key] = field(default_factory=set)  # items whose box or text changed
    fields: list[str] = field(default_factory=list)  # "Progress: 3/12 tasks complete"
    structure: bool = False  # items added, removed or reordered
    events: list[Event] | None = None  # see plantui.events.events(); None: not worked out

    def __bool__(self) -> bool:
        return bool(self.lines or self.fields or self.structure)


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def state_line(item) -> str:
    return f"{GLYPH[item.state]} {item_label(item)}"


def compare(old: Plan, new: Plan) -> Changes:
    out = Changes()
    ticked = marker_changes(old, new)
    if ticked is not None:  # only boxes (and field values) changed: look at those alone
        keys = new.item_keys
        for k in ticked:
            if old.items[k].marker != new.items[k].marker:
                out.lines.append(state_line(new.items[k]))
                out.keys.append(keys[k])
                out.flash.add(keys[k])
        out.fields = _field_changes(old, new)
        return out
    okeys = old.item_keys
    nkeys = new.item_keys
    # (comprehensions, not dict(zip()): one C call over 100,000 items held the UI thread)
    before = {k: it for k, it in zip(okeys, old.items)}
    after = {k: it for k, it in zip(nkeys, new.items)}
    for key, it in zip(nkeys, new.items):
        was = before.get(key)
        if was is None:
            continue
        if was.marker != it.marker:
            out.lines.append(state_line(it))
            out.keys.append(key)
            out.flash.add(key)
        elif was.id != it.id or (was.text != it.text and one_line(was.text) != one_line(it.text)):
            out.lines.append(f"✎ {item_label(it)}")
            out.keys.append(key)
            out.flash.add(key)
    added = [k for k in nkeys if k not in before]
    removed = [k for k in okeys if k not in after]
    if added:
        out.flash.update(added)
        if len(added) <= MAX_NAMED:
            for k in added:
                out.lines.append(f"+ {item_label(after[k])}")
                out.keys.append(k)
        else:
            out.lines.append(f"+ {_n(len(added), 'item')} added")
            out.keys.append(None)
    if removed:
        if len(removed) <= MAX_NAMED:
            for k in removed:
                out.lines.append(f"− {item_label(before[k])}")
                out.keys.append(None)
        else:
            out.lines.append(f"− {_n(len(removed), 'item')} removed")
            out.keys.append(None)
    out.structure = bool(added or removed) or [k for k in okeys if k in after] != [k for k in nkeys if k in before]
    out.fields = _field_changes(old, new)
    return out


def _field_changes(old: Plan, new: Plan) -> list[str]:
    """"Progress: 3/12 tasks complete" for each field whose value changed."""

    def fkeys(plan: Plan) -> dict:
        seen: Counter = Counter()
        res = {}
        for f in plan.fields:
            seen[f.name] += 1
            res[(f.name, seen[f.name])] = f
        return res

    ofields = fkeys(old)
    out = []
    for k, f in fkeys(new).items():
        was = ofields.get(k)
        if was is not None and was.value != f.value:
            out.append(f"{one_line(f.key)}: {one_line(f.value)}")
    return out
