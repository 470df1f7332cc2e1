"""What the plan tree shows, as plain values: no Textual, no I/O.

:func:`build` turns a parsed plan (and its summary) into a :class:`Layout`:
the nodes the tree shows (sections that hold boxes, items, subtasks), each
with a *key* that survives a reload.  Keys are how the UI keeps the cursor,
the open nodes and the flashes on "the same task" after the file changed:

- an item is keyed by its id (``2.1``, ``T012``) when it has one, else by its
  text; the n-th item with the same id or text gets ``n`` in its key;
- a section by its level and title, with the same occurrence counter.

Each node also carries a ``look``: the values its label is drawn from.  What
differs between two layouts (:func:`differences`: looks, children) is what a
reload redraws or rebuilds; nothing else.
"""

from __future__ import annotations

from itertools import count
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from functools import cached_property, lru_cache
from operator import itemgetter

from ..model import Item, Kind, Plan, State
from ..after_tick import marker_changes
from ..progress import BLOCKED, BLOCKED_TAG, Summary, tagged_waiting
from ..lines import printable

Key = tuple

FILTERS = ("all", "open", "done")

GLYPH = {
    State.OPEN: "○",
    State.DONE: "✓",
    State.IN_PROGRESS: "◐",
    State.SKIPPED: "⊘",
    State.OTHER: "◇",
}

PHASE_GLYPH = {"done": "✓", "in progress": "◐", "not started": "○", "blocked": "✗"}
CHECKPOINT_GLYPH = {"passed": "✓", "ready": "◆", "pending": "○"}
WAITS_GLYPH = "⧗"  # beside an open task that waits for others (see :func:`waits`)


@lru_cache(maxsize=1 << 16)
def one_line(text: str) -> str:
    """Printable text on one line (item texts can span lines).  Cached: texts repeat across reloads."""
    return " ".join(printable(text).split())


def item_label(item: Item) -> str:
    text = one_line(item.text)
    return f"{item.id} {text}" if item.id else text


_SERIALS = count(1)


def section_keys(plan: Plan) -> list[Key]:
    seen: dict[Key, int] = {}
    keys: list[Key] = []
    for s in plan.sections:
        base = ("s", s.level, one_line(s.title))
        n = seen[base] = seen.get(base, 0) + 1
        keys.append((*base, n))
    return keys


class ItemLook(NamedTuple):
    """What an item's label is drawn from."""

    marker: str
    state: State
    kind: Kind
    id: str | None
    text: str  # on one line
    tags: tuple[str, ...]
    optional: bool
    done: int  # subtasks done…
    count: int  # …of those that count (skipped ones do not)
    is_next: bool  # the next task
    waits: bool = False  # open, and waiting for other tasks (see :func:`waits`)


class SectionLook(NamedTuple):
    """What a section's label is drawn from."""

    title: str  # on one line
    done: int  # boxes done under it…
    countable: int  # …of those that count (skipped ones do not)
    what: str  # "tasks" or "checks": what it counts
    phase: str | None  # the status of the phase it opens
    blockers: tuple[str, ...]  # with phase "blocked": the titles of the phases it waits for
    checkpoint: str | None  # the status of the checkpoint it opens


class Node(NamedTuple):  # a tuple: thousands are made per layout, and cheaply
    key: Key
    kind: str  # "section" or "item"
    index: int  # into plan.sections or plan.items
    parent: Key | None
    children: tuple[Key, ...]
    look: ItemLook | SectionLook  # what the label is drawn from
    pad: bool = False  # a leaf among expandable siblings: indent to line up


@dataclass
class Layout:
    plan: Plan
    summary: Summary
    show: str
    query: str
    nodes: dict[Key, Node]
    roots: tuple[Key, ...]
    item_key: list[Key]  # parallel to plan.items
    key_item: dict[Key, int]
    section_key: list[Key]
    matches: int  # items that pass the filter and the search
    focus: Key | None  # the next task (where the cursor starts)
    default_open: frozenset[Key] = field(default_factory=frozenset)
    tallies: tuple[tuple[Tally, Tally], ...] = ()  # per section: (tasks, checks) under it, subsections included
    serial: int = field(default_factory=lambda: next(_SERIALS))  # names this layout
    base: int | None = None  # the serial of the layout this one was worked out from (see update)
    changed: frozenset[Key] | None = None  # with base: the only nodes whose look differs from base's
    regrown: frozenset[Key] = frozenset()  # with base: the nodes whose children differ from base's

    def against(self, base: "Layout") -> "Layout":
        """This layout, with what differs from ``base`` (the one on screen) worked out,
        so that the tree need not compare every node on the UI thread."""
        if self.base is not None:
            return self  # worked out from a base already (update)
        looks, regrown = differences(base, self)
        return replace(self, serial=self.serial, base=base.serial, changed=looks, regrown=regrown)

    @cached_property
    def most(self) -> int:
        """The largest box count a section shows (the width of the counts column).
        Worked out with the layout, off the UI thread (see PlanDashboard.prepare)."""
        nodes = self.nodes
        return max((nodes[k].look.countable for k in self.section_key if k in nodes), default=0)

    def item(self, key: Key) -> Item | None:
        k = self.key_item.get(key)
        return None if k is None else self.plan.items[k]

    def ancestors(self, key: Key) -> list[Key]:
        """Parents of ``key``, outermost first."""
        out: list[Key] = []
        node = self.nodes.get(key)
        while node is not None and node.parent is not None:
            out.append(node.parent)
            node = self.nodes.get(node.parent)
        out.reverse()
        return out

    def order(self) -> list[Key]:
        """Every node in document order (depth first)."""
        out: list[Key] = []
        stack = list(reversed(self.roots))
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(reversed(self.nodes[k].children))
        return out


def differences(old: Layout, new: Layout) -> tuple[frozenset[Key], frozenset[Key]]:
    """The nodes of both whose looks differ, and those whose children differ."""
    looks, regrown = set(), set()
    before = old.nodes
    for key, node in new.nodes.items():
        was = before.get(key)
        if was is None:
            continue
        if was.look != node.look or was.pad != node.pad:
            looks.add(key)
        if was.children != node.children:
            regrown.add(key)
    return frozenset(looks), frozenset(regrown)


def _matches(item: Item, show: str, query: str) -> bool:
    if show == "open" and item.state.closed:
        return False
    if show == "done" and not item.state.closed:
        return False
    if query and query not in item_label(item).lower() and not any(query in f"[{t}]".lower() for t in item.tags):
        return False  # (a tag is searched as it is shown: "[P]")
    return True


Tally = tuple[int, int, int]  # boxes, done, skipped


def _tally(t: Tally, state: State, step: int) -> Tally:
    return (t[0] + step, t[1] + step * (state is State.DONE), t[2] + step * (state is State.SKIPPED))


def waits(plan: Plan, summary: Summary | None, it: Item) -> bool:
    """Whether the open task ``it`` waits for others: a reader's task tagged
    ``blocked`` (a Cursor todo whose dependencies are open), or one that is, or
    sits in, a task that is a blocked phase (Task Master, Claude Code).  Tasks
    under a heading that is a blocked phase are not: the heading says it."""
    if it.state.closed:
        return False
    if tagged_waiting(it):
        return True
    if it.phase is None or summary is None or it.phase >= len(summary.phases):
        return False
    return plan.phases[it.phase].item_backed is not None and summary.phases[it.phase].status == BLOCKED


def _item_look(plan: Plan, summary: Summary | None, it: Item, key: Key, next_key: Key | None) -> ItemLook:
    kdone = kcount = 0
    for k in it.children:
        state = plan.items[k].state
        kdone += state is State.DONE
        kcount += state is not State.SKIPPED
    # a task that is not a box (a heading, a status line, a row) shows its state's glyph as a box does
    marker = it.marker if it.spelling is None else GLYPH[it.state]
    wait = waits(plan, summary, it)
    tags = tuple(t for t in it.tags if t != BLOCKED_TAG) if wait and it.spelling is not None else it.tags
    return ItemLook(marker, it.state, it.kind, it.id, one_line(it.text), tags, it.optional, kdone, kcount,
                    key == next_key, wait)


def _section_look(plan: Plan, summary: Summary, s: int, tallies: tuple[Tally, Tally]) -> SectionLook:
    sec = plan.sections[s]
    tasks, checks = tallies
    c, what = (tasks, "tasks") if tasks[0] else (checks, "checks")
    phases, cps = summary.phases, summary.checkpoints
    phase = phases[sec.phase].status if sec.phase is not None and sec.phase < len(phases) else None
    blocked_by = phases[sec.phase].blocked_by if phase == "blocked" else ()
    blockers = tuple(one_line(plan.phases[b].title) for b in blocked_by)
    cp = cps[sec.checkpoint].status if sec.checkpoint is not None and sec.checkpoint < len(cps) else None
    return SectionLook(one_line(sec.title), c[1], c[0] - c[2], what, phase, blockers, cp)


class _Grow:
    """The nodes of a layout, grown from the tables :func:`build` works out.

    Methods, not closures that call each other: those are a reference cycle (a
    function, its cell, the function) that holds the plan and every table, and
    only the collector's full pass frees it (one that a big plan holds off).
    """

    def __init__(self, plan: Plan, summary: Summary, visible: list[bool], has_kids: list[bool], ikeys: list[Key],
                 skeys: list[Key], sidx: dict[Key, int], item_at: dict[Key, int],
                 sec_entries: dict[int | None, list[tuple[int, int, Key]]], has_content: dict[int, bool],
                 tallies: tuple, next_key: Key | None) -> None:
        self.plan, self.summary, self.visible, self.has_kids = plan, summary, visible, has_kids
        self.ikeys, self.skeys, self.sidx, self.item_at = ikeys, skeys, sidx, item_at
        self.sec_entries, self.has_content, self.tallies, self.next_key = sec_entries, has_content, tallies, next_key
        self.nodes: dict[Key, Node] = {}

    def entries(self, s: int | None) -> list[Key]:
        out = []
        for _, kind, key in sorted(self.sec_entries.get(s, ()), key=itemgetter(0, 1)):
            if kind == 0 and not self.has_content.get(self.sidx[key], False):
                continue
            out.append(key)
        return out

    def item(self, it: Item, parent: Key | None, pad: bool) -> Key:
        """The node of ``it``; ``pad``: a leaf among expandable siblings (indented to line up)."""
        key = self.ikeys[it.index]
        if it.children:
            items, visible, has_kids = self.plan.items, self.visible, self.has_kids
            kids = [k for k in it.children if visible[k]]
            branchy = any(has_kids[k] for k in kids)
            child_keys = tuple([self.item(items[k], key, branchy and not has_kids[k]) for k in kids])
        else:
            child_keys = ()
        self.nodes[key] = Node(key, "item", it.index, parent, child_keys,
                               _item_look(self.plan, self.summary, it, key, self.next_key), pad)
        return key

    def under(self, keys: list[Key], parent: Key | None) -> tuple[Key, ...]:
        """The nodes of ``keys`` (a section's entries, or the roots): sections, and items
        padded when a sibling can open (a section shown always can)."""
        sidx, item_at, has_kids = self.sidx, self.item_at, self.has_kids
        branchy = any(k in sidx or has_kids[item_at[k]] for k in keys)
        out = []
        for k in keys:
            if k in sidx:
                out.append(self.section(sidx[k], parent))
            else:
                n = item_at[k]
                out.append(self.item(self.plan.items[n], parent, branchy and not has_kids[n]))
        return tuple(out)

    def section(self, s: int, parent: Key | None) -> Key:
        key = self.skeys[s]
        child_keys = self.under(self.entries(s), key)
        self.nodes[key] = Node(key, "section", s, parent, child_keys,
                               _section_look(self.plan, self.summary, s, self.tallies[s]))
        return key


def build(plan: Plan, summary: Summary, *, show: str = "all", query: str = "") -> Layout:
    """The tree of ``plan`` as the dashboard shows it, filtered by ``show`` and ``query``."""
    query = query.strip().lower()
    items = plan.items
    sections = plan.sections
    ikeys = plan.item_keys
    skeys = section_keys(plan)

    # Which items show: a match, or the parent of one; and which have a child that shows.
    visible = [False] * len(items)
    has_kids = [False] * len(items)
    match_count = 0
    for it in reversed(items):  # children come after their parents
        if _matches(it, show, query):
            visible[it.index] = True
            match_count += 1
        if visible[it.index] and it.parent is not None:
            visible[it.parent] = True
            has_kids[it.parent] = True

    # Children of each section (items without an item parent, and subsections).
    sec_entries: dict[int | None, list[tuple[int, int, Key]]] = {}
    for it in items:
        if it.parent is None and visible[it.index]:
            sec_entries.setdefault(it.section, []).append((it.line, 1, ikeys[it.index]))
    for s in sections:
        sec_entries.setdefault(s.parent, []).append((s.line, 0, skeys[s.index]))

    # Boxes under each section, subtree included: (tasks, checks), each (total, done, skipped).
    # Counted where they stand, then added up into the parents: subsections come after their
    # parents in the file, so one pass from the end settles every one.
    under = [[0, 0, 0, 0, 0, 0] for _ in sections]
    for it in items:
        if it.section is not None:
            c = under[it.section]
            at = 0 if it.kind is Kind.TASK else 3
            c[at] += 1
            if it.state is State.DONE:
                c[at + 1] += 1
            elif it.state is State.SKIPPED:
                c[at + 2] += 1
    for sec in reversed(sections):
        if sec.parent is not None:
            up, c = under[sec.parent], under[sec.index]
            for j in range(6):
                up[j] += c[j]
    tallies = tuple(((c[0], c[1], c[2]), (c[3], c[4], c[5])) for c in under)

    # A section shows when something under it shows (the same pass from the end).
    sidx = {k: n for n, k in enumerate(skeys)}
    has_content: dict[int, bool] = {}
    for s in reversed(range(len(sections))):
        has_content[s] = any(kind == 1 or has_content.get(sidx[key], False)
                             for _, kind, key in sec_entries.get(s, ()))

    next_key = ikeys[summary.next_task] if summary.next_task is not None else None
    item_at = plan.key_index
    grow = _Grow(plan, summary, visible, has_kids, ikeys, skeys, sidx, item_at, sec_entries, has_content, tallies,
                 next_key)
    nodes = grow.nodes

    top = grow.entries(None)
    # One level-1 heading around everything is the plan's title: show what is in it.
    top_sections = [k for k in top if k in sidx]
    if len(top_sections) == 1 and len(top) == 1 and sections[sidx[top[0]]].level == 1:
        top = grow.entries(sidx[top[0]])
    roots = grow.under(top, None)

    layout = Layout(
        plan=plan,
        summary=summary,
        show=show,
        query=query,
        nodes=nodes,
        roots=roots,
        item_key=ikeys,
        key_item=item_at,
        section_key=skeys,
        matches=match_count,
        focus=next_key if next_key in nodes else None,
        tallies=tallies,
    )
    layout.default_open = frozenset(_default_open(layout))
    return layout


def update(old: Layout, plan: Plan, summary: Summary) -> Layout:
    """``build(plan, summary)`` with ``old``'s filter and search, worked out from
    ``old`` when ``plan`` is ``old.plan`` one tick on: only the nodes a changed box
    touches get a new look (the box, its parent, the sections above it, the
    phases and checkpoints whose status moved, the next task).  The result
    names them (``changed``) and the layout it came from (``base``)."""
    changed = marker_changes(old.plan, plan)
    if changed is None or old.show != "all":  # a filter on states: boxes come and go
        return build(plan, summary, show=old.show, query=old.query)
    items, sections = plan.items, plan.sections
    ikeys, skeys = old.item_key, old.section_key
    tallies = list(old.tallies)
    touched_items = set(changed)
    touched_sections: set[int] = set()
    for k in changed:
        it, was = items[k], old.plan.items[k]
        if it.parent is not None:
            touched_items.add(it.parent)
        if it.state is was.state:
            continue
        which = 0 if it.kind is Kind.TASK else 1
        s = it.section
        while s is not None:
            pair = list(tallies[s])
            pair[which] = _tally(_tally(pair[which], was.state, -1), it.state, 1)
            tallies[s] = (pair[0], pair[1])
            touched_sections.add(s)
            s = sections[s].parent
    phases = {n for n, (a, b) in enumerate(zip(old.summary.phases, summary.phases))
              if (a.status, a.blocked_by) != (b.status, b.blocked_by)}
    checkpoints = {n for n, (a, b) in enumerate(zip(old.summary.checkpoints, summary.checkpoints)) if a.status != b.status}
    if phases or checkpoints:
        touched_sections.update(sec.index for sec in sections if sec.phase in phases or sec.checkpoint in checkpoints)
    for p in phases:  # a task that is a phase, and its subtasks, say whether it waits
        ph = plan.phases[p]
        if ph.item_backed is not None:
            touched_items.add(ph.item_backed)
            touched_items.update(ph.items)
    next_key = ikeys[summary.next_task] if summary.next_task is not None else None
    for n in (old.summary.next_task, summary.next_task):
        if n is not None:
            touched_items.add(n)

    nodes = dict(old.nodes)
    differ = set()
    for k in touched_items:
        key = ikeys[k]
        node = nodes.get(key)
        if node is not None:
            look = _item_look(plan, summary, items[k], key, next_key)
            if look != node.look:
                nodes[key] = node._replace(look=look)
                differ.add(key)
    for s in touched_sections:
        key = skeys[s]
        node = nodes.get(key)
        if node is not None:
            look = _section_look(plan, summary, s, tallies[s])
            if look != node.look:
                nodes[key] = node._replace(look=look)
                differ.add(key)
    return replace(old, plan=plan, summary=summary, nodes=nodes, focus=next_key if next_key in nodes else None,
                   tallies=tuple(tallies), serial=next(_SERIALS), base=old.serial, changed=frozenset(differ))


def _default_open(layout: Layout) -> set[Key]:
    """What is open at start: the first unfinished phase and the way to the next task.

    A small plan (one screen or so) opens entirely.
    """
    nodes = layout.nodes
    if sum(1 for _ in nodes) <= 40:
        return {k for k, n in nodes.items() if n.children}
    opened: set[Key] = set()
    plan, summary = layout.plan, layout.summary
    for ph, st in zip(plan.phases, summary.phases):
        if st.status == "done":
            continue
        target = None
        if ph.item_backed is not None:
            target = layout.item_key[ph.item_backed]
        else:
            for s in plan.sections:
                if s.phase == ph.index:
                    target = layout.section_key[s.index]
                    break
        if target in nodes:
            opened.add(target)
            opened.update(layout.ancestors(target))
        break
    if layout.focus is not None:
        opened.update(layout.ancestors(layout.focus))
    # Items with subtasks stay open: subtasks are part of how a task reads.
    opened.update(k for k, n in nodes.items() if n.kind == "item" and n.children)
    return opened
