"""The plan as a tree: sections with bars, tasks with their markers as glyphs.

The tree draws from a :class:`~plantui.ui.tree_model.Layout` (plain values).
Node ``data`` is the layout key, and labels are drawn from the layout at
render time, so a reload that keeps the same nodes only refreshes the lines
whose look changed.  A reload that adds or removes nodes rebuilds the tree and
puts back the open nodes, the scroll position and the cursor, by key.

Subtrees are built lazily: a collapsed node gets its children when it is
first opened, so a plan with thousands of boxes costs only what is shown.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...model import State
from ...report import bar
from ..tree_model import CHECKPOINT_GLYPH, GLYPH, PHASE_GLYPH, WAITS_GLYPH, ItemLook, Key, Layout, SectionLook, differences
from ..messages import TickRequested

TOGGLE = Style.from_meta({"toggle": True})
TICK = Style.from_meta({"tick": True})
OPTIONAL = Style(italic=True)
FLASH_SECONDS = 1.5
TITLE_ROOM = 12  # cells of a section's title that what stands on its right may not take


class PlanTree(Tree[Key]):
    """Sections, tasks and subtasks of one plan."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Tick", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("right,l", "open", "Open", show=False),
        Binding("left,h", "close", "Close", show=False),
        Binding("home,g", "scroll_home", "First", show=False),
        Binding("end,G", "scroll_end", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = Tree.COMPONENT_CLASSES | {
        "plan-tree--open",
        "plan-tree--done",
        "plan-tree--tick",
        "plan-tree--active",
        "plan-tree--skipped",
        "plan-tree--other",
        "plan-tree--id",
        "plan-tree--section",
        "plan-tree--section-done",
        "plan-tree--bar",
        "plan-tree--bar-done",
        "plan-tree--bar-empty",
        "plan-tree--count",
        "plan-tree--blocked",
        "plan-tree--ready",
        "plan-tree--next",
        "plan-tree--flash",
        "plan-tree--dim",
        "plan-tree--match",
    }

    OPEN_ALL_LIMIT = 5000  # open_sections builds no more rows than this (lazy building is what keeps big plans fast)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        self.plan_layout: Layout | None = None
        self._by_key: dict[Key, TreeNode[Key]] = {}
        self._populated: set[Key] = set()
        self._open: set[Key] = set()  # opened (by default or by the user)
        self._shut: set[Key] = set()  # closed by the user
        self._flash: dict[Key, float] = {}
        self._style_cache: dict[str, Style] | None = None
        self.rebuilds = 0  # how many times the nodes were rebuilt (tests look)
        self._bar_width = 8
        self._count_width = 3
        super().__init__("plan", id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = True

    # -- public ---------------------------------------------------------------

    @property
    def cursor_key(self) -> Key | None:
        node = self.cursor_node
        return None if node is None else node.data

    def node_for(self, key: Key) -> TreeNode[Key] | None:
        """The tree node of ``key``, if it has been built."""
        return self._by_key.get(key)

    def show(self, layout: Layout, flash: set[Key] | frozenset[Key] = frozenset(), cursor: Key | None = None) -> None:
        """Show ``layout``; redraw only what changed when the nodes are the same."""
        old = self.plan_layout
        self.plan_layout = layout
        self._count_width = 2 * len(str(layout.most)) + 1
        if old is None:
            self._open = set(layout.default_open)
            self._rebuild(cursor=cursor or layout.focus, scroll_y=None)
        elif layout.roots != old.roots:
            before = cursor or self.cursor_key
            target = before if before in layout.nodes else self._fallback(old, before)
            self._rebuild(cursor=target, scroll_y=self.scroll_offset.y)
        else:
            if layout.base == old.serial and layout.changed is not None:
                looks, regrown = layout.changed, layout.regrown  # worked out in the worker
            else:
                looks, regrown = differences(old, layout)
            if regrown:  # some nodes have other children
                before = cursor or self.cursor_key
                target = before if before in layout.nodes else self._fallback(old, before)
                self._regrow(old, layout, target, regrown, looks)
            else:  # the same nodes, these with new looks
                for key in looks:
                    tree_node = self._by_key.get(key)
                    if tree_node is not None:
                        tree_node.refresh()
                if cursor is not None:
                    self.reveal(cursor)
        if old is not None and layout.query != old.query:  # the search's marks are on other letters now
            self._line_cache.clear()
            self.refresh()
        if flash:
            self.flash(flash)

    def reveal(self, key: Key) -> bool:
        """Open the way to ``key`` and put the cursor on it."""
        layout = self.plan_layout
        if layout is None or key not in layout.nodes:
            return False
        for anc in layout.ancestors(key):
            node = self._by_key.get(anc)
            if node is None:
                return False
            self._populate(node)
            if not node.is_expanded:
                self._open.add(anc)
                self._shut.discard(anc)
                node.expand()
        node = self._by_key.get(key)
        if node is None:
            return False
        self._tree_lines  # noqa: B018 - lay out the lines now so the node knows its line
        self.move_cursor(node, animate=False)
        return True

    def open_sections(self) -> None:
        """Open every section shown (with the "open only" filter: those that hold open tasks)."""
        layout = self.plan_layout
        if layout is None:
            return
        keys = [k for k in layout.order() if layout.nodes[k].kind == "section" and layout.nodes[k].children]
        if sum(len(layout.nodes[k].children) for k in keys) > self.OPEN_ALL_LIMIT:
            return  # too many rows to build at once: the sections open as the user goes
        cursor = self.cursor_key
        for key in keys:  # document order: a parent is built before its children
            node = self._by_key.get(key)
            if node is None:
                continue
            self._populate(node)
            self._open.add(key)
            self._shut.discard(key)
            if not node.is_expanded:
                node.expand()
        self._tree_lines  # noqa: B018
        if cursor is not None:
            self.reveal(cursor)

    def stop_flash(self) -> None:
        """End every flash now (snapshot tests want a still picture)."""
        keys = list(self._flash)
        self._flash.clear()
        for key in keys:
            node = self._by_key.get(key)
            if node is not None:
                node.refresh()

    def flash(self, keys) -> None:
        until = time.monotonic() + FLASH_SECONDS
        for key in keys:
            self._flash[key] = until
            node = self._by_key.get(key)
            if node is not None:
                node.refresh()
        self.set_timer(FLASH_SECONDS + 0.05, self._end_flash)

    # -- building -------------------------------------------------------------

    def _is_open(self, key: Key) -> bool:
        if key in self._shut:
            return False
        if key in self._open:
            return True
        node = self.plan_layout.nodes[key] if self.plan_layout else None
        return node is not None and node.kind == "item"  # tasks show their subtasks

    def _rebuild(self, cursor: Key | None, scroll_y: int | None) -> None:
        self.rebuilds += 1
        self.clear()
        self._by_key = {}
        self._populated = set()
        for key in self.plan_layout.roots:
            self._add(self.root, key)
        self._populated.add(None)
        self._tree_lines  # noqa: B018 - build the lines now
        if scroll_y is not None:
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
        if cursor is not None and cursor in self.plan_layout.nodes:
            if not self.reveal(cursor):
                self._cursor_to_first()
        else:
            self._cursor_to_first()
        if scroll_y is None:
            self.call_after_refresh(self._first_scroll)

    def _regrow(self, old: Layout, layout: Layout, cursor: Key | None,
                changed: frozenset[Key], looks: frozenset[Key]) -> None:
        """Rebuild only the built nodes whose children changed (``changed``: a task added
        or removed under one section) and redraw those whose label changed (``looks``);
        the rest of the tree, what is open and the scroll position stay as they are."""
        nodes = layout.nodes
        # the outermost built and populated ones: rebuilding them rebuilds what is inside
        regrow = [k for k in changed if k in self._populated and k in self._by_key
                  and not any(a in changed for a in layout.ancestors(k))]
        for key in regrow:  # first forget all that goes (a task may move from one to another)
            self._forget(old, old.nodes[key].children)
        for key in regrow:
            tree_node = self._by_key[key]
            tree_node.remove_children()
            for child in nodes[key].children:
                self._add(tree_node, child)
        for key in looks:
            tree_node = self._by_key.get(key)
            if tree_node is not None:
                tree_node.refresh()
        for key in [k for k in self._by_key if k not in nodes]:
            del self._by_key[key]
        self._tree_lines  # noqa: B018 - lay out the lines now, then put the cursor back on its node
        if cursor is None or not self.reveal(cursor):
            self._cursor_to_first()

    def _forget(self, old: Layout, keys: tuple[Key, ...]) -> None:
        """Drop the built nodes of ``keys`` and everything under them."""
        stack = list(keys)
        while stack:
            key = stack.pop()
            self._by_key.pop(key, None)
            self._populated.discard(key)
            spec = old.nodes.get(key)
            if spec is not None:
                stack.extend(spec.children)

    def _first_scroll(self) -> None:
        """At start: the cursor in view with some context above it, else the top."""
        node = self.cursor_node
        height = self.scrollable_content_region.height
        if node is None or height <= 0:
            return
        line = node.line
        self.scroll_to(y=0 if line < height - 2 else max(0, line - height // 3), animate=False, immediate=True)

    def _cursor_to_first(self) -> None:
        if self.plan_layout and self.plan_layout.roots:
            node = self._by_key.get(self.plan_layout.roots[0])
            if node is not None:
                self._tree_lines  # noqa: B018
                self.move_cursor(node, animate=False)
                return
        self.cursor_line = -1

    def _fallback(self, old: Layout, key: Key | None) -> Key | None:
        """Where the cursor goes when its node is gone (a task ticked under "open only", or
        removed): the nearest node after it that is still here (into an open section, down to
        its first task: x works there), else the nearest before it."""
        if key is None or self.plan_layout is None:
            return None
        order = old.order()
        try:
            at = order.index(key)
        except ValueError:
            return self.plan_layout.focus
        nodes = self.plan_layout.nodes
        for k in order[at + 1 :]:
            if k in nodes:
                while nodes[k].kind == "section" and nodes[k].children and self._is_open(k):
                    k = nodes[k].children[0]
                return k
        for k in reversed(order[:at]):
            if k in nodes:
                return k
        return self.plan_layout.focus

    def _add(self, parent: TreeNode[Key], key: Key) -> TreeNode[Key]:
        spec = self.plan_layout.nodes[key]
        label = Text(str(key[1]))
        if spec.children:
            is_open = self._is_open(key)
            node = parent.add(label, data=key, expand=is_open, allow_expand=True)
            self._by_key[key] = node
            if is_open:
                self._populate(node)
        else:
            node = parent.add_leaf(label, data=key)
            self._by_key[key] = node
        return node

    def _populate(self, node: TreeNode[Key]) -> None:
        key = node.data
        if key in self._populated or self.plan_layout is None:
            return
        self._populated.add(key)
        for child in self.plan_layout.nodes[key].children:
            self._add(node, child)

    def _toggle_node(self, node: TreeNode[Key]) -> None:
        if node.allow_expand and not node.is_expanded:
            self._populate(node)
        super()._toggle_node(node)

    def on_resize(self, event: events.Resize) -> None:
        # A line appearing above the tree (drift, a notice) makes it shorter: keep the
        # cursor in view, as it was before.
        if self.cursor_node is not None:
            self.call_after_refresh(self._cursor_in_view)

    def _cursor_in_view(self) -> None:
        node = self.cursor_node
        if node is not None:
            self.scroll_to_node(node, animate=False)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Key]) -> None:
        key = event.node.data
        self._populate(event.node)
        self._open.add(key)
        self._shut.discard(key)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Key]) -> None:
        key = event.node.data
        self._open.discard(key)
        self._shut.add(key)

    def _end_flash(self) -> None:
        now = time.monotonic()
        for key, until in list(self._flash.items()):
            if until <= now:
                del self._flash[key]
                node = self._by_key.get(key)
                if node is not None:
                    node.refresh()

    # -- actions --------------------------------------------------------------

    def action_tick(self) -> None:
        key = self.cursor_key
        if key is not None and self.plan_layout is not None and key in self.plan_layout.key_item:
            self.post_message(TickRequested(key))
        elif key is not None:  # a section: nothing to tick, and a word why
            self.app.notify("x ticks a task; this row is a section (→ opens it).", timeout=3)

    def action_open(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            self._toggle_node(node)
        elif node.children:
            self.action_cursor_down()

    def action_close(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            self._toggle_node(node)
        elif node.parent is not None and not node.parent.is_root:
            self.move_cursor(node.parent, animate=False)

    async def _on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if meta.get("tick") and "line" in meta:
            node = self.get_node_at_line(meta["line"])
            if node is not None and self.plan_layout is not None and node.data in self.plan_layout.key_item:
                event.prevent_default()  # a click on a marker ticks; the tree does nothing else
                self.cursor_line = meta["line"]
                self.post_message(TickRequested(node.data))

    # -- drawing --------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._style_cache = None
        super().notify_style_update()

    def _styles(self) -> dict[str, Style]:
        if self._style_cache is None:
            self._style_cache = {
                name.removeprefix("plan-tree--"): self.get_component_rich_style(name)
                for name in self.COMPONENT_CLASSES
                if name.startswith("plan-tree--")
            }
        return self._style_cache

    def _room(self, node: TreeNode[Key]) -> int:
        """Cells left for the label of ``node`` on its line (0 when unknown)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return 0
        depth = 0
        parent = node.parent
        while parent is not None and not parent.is_root:
            depth += 1
            parent = parent.parent
        return width - depth * self.guide_depth

    def get_label_width(self, node: TreeNode[Key]) -> int:
        # Labels are cut to the tree's width (it never scrolls sideways), so their
        # widths need not be measured: Tree would draw every label of the tree to
        # measure it each time the tree changes or resizes.
        return 0

    def render_label(self, node: TreeNode[Key], base_style: Style, style: Style) -> Text:
        layout = self.plan_layout
        spec = layout.nodes.get(node.data) if layout is not None else None
        if spec is None:
            return super().render_label(node, base_style, style)
        st = self._styles()
        text = Text(no_wrap=True, end="")
        if node.allow_expand:
            text.append("▼ " if node.is_expanded else "▶ ", base_style + TOGGLE)
        elif spec.pad:
            text.append("  ")
        left = Text(no_wrap=True, end="")
        right = Text(no_wrap=True, end="")
        room = self._room(node) - text.cell_len
        if spec.kind == "item":
            self._item_label(left, right, spec.look, st)
        else:
            self._section_label(left, right, spec.look, st)
            if room > 0 and room - right.cell_len < min(left.cell_len, TITLE_ROOM):
                # the phases it waits for would crowd out its title (and its count): "blocked" alone
                left, right = Text(no_wrap=True, end=""), Text(no_wrap=True, end="")
                self._section_label(left, right, spec.look, st, short=True)
        width = self.scrollable_content_region.width
        self._bar_width = 8 if width >= 64 or width <= 0 else (5 if width >= 40 else 0)
        if room > 0:
            if left.cell_len + right.cell_len > room:
                left.truncate(max(1, room - right.cell_len), overflow="ellipsis")
            if spec.kind == "section" and right:
                left.pad_right(max(0, room - left.cell_len - right.cell_len))
        start = len(text)
        text.append_text(left)
        text.append_text(right)
        if node.data in self._flash:
            text.stylize(st["flash"], start)
        text.stylize(style, start)
        return text

    def _item_label(self, text: Text, right: Text, look: ItemLook, st: dict[str, Style]) -> None:
        state, optional, ident, body = look.state, look.optional, look.id, look.text
        state_style = {
            State.OPEN: st["open"],
            State.DONE: st["done"],
            State.IN_PROGRESS: st["active"],
            State.SKIPPED: st["skipped"],
            State.OTHER: st["other"],
        }[state]
        glyph = GLYPH[state] if state is not State.OTHER else look.marker
        text.append(glyph, (st["tick"] if state is State.DONE else state_style) + TICK)
        if optional:  # Kiro's "- [ ]* 3.3": a star after the glyph, the text dim and italic
            text.append("*", st["dim"] + TICK)
            state_style = state_style + st["dim"] + OPTIONAL
        text.append(" ")
        if ident:
            text.append(ident, state_style + st["id"] if state is State.OPEN and not optional else state_style)
            text.append(" ")
        start = len(text)
        text.append(body, state_style)
        query = self.plan_layout.query if self.plan_layout is not None else ""
        if query:
            self._highlight(text, start, body, query, st["match"])
        for tag in look.tags:
            text.append(f" [{tag}]", st["dim"])
        if optional:
            text.append(" (optional)", st["dim"])
        if look.count:
            right.append(f" {look.done}/{look.count}", st["count"])
        if look.waits:  # on the right, where a long text does not crop it
            right.append(f"  {WAITS_GLYPH} blocked", st["dim"])
        if look.is_next:
            right.append("  ← next", st["next"])

    @staticmethod
    def _highlight(text: Text, start: int, body: str, query: str, style: Style) -> None:
        """Mark each place ``query`` occurs (any case) in ``body``, drawn at ``start`` of ``text``."""
        low = body.lower()
        if len(low) != len(body):  # a case fold that changes lengths: positions would not line up
            return
        at = low.find(query)
        while at >= 0 and query:
            text.stylize(style, start + at, start + at + len(query))
            at = low.find(query, at + len(query))

    def _section_label(self, text: Text, right: Text, look: SectionLook, st: dict[str, Style],
                       short: bool = False) -> None:
        done, countable, phase, checkpoint = look.done, look.countable, look.phase, look.checkpoint
        complete = countable > 0 and done >= countable
        if phase is not None:
            glyph = PHASE_GLYPH[phase]
            text.append(glyph + " ", st["blocked"] if phase == "blocked" else (st["bar-done"] if phase == "done" else st["count"]))
        elif checkpoint is not None:
            glyph = CHECKPOINT_GLYPH[checkpoint]
            text.append(glyph + " ", st["ready"] if checkpoint == "ready" else (st["bar-done"] if checkpoint == "passed" else st["count"]))
        text.append(look.title, st["section-done"] if complete else st["section"])
        if phase == "blocked":
            by = f" by {', '.join(b.split(':')[0] for b in look.blockers)}" if look.blockers and not short else ""
            right.append("  blocked" + by, st["blocked"])
        elif checkpoint is not None and checkpoint != "passed" and countable:
            right.append(f"  {checkpoint}", st["ready"] if checkpoint == "ready" else st["dim"])
        if countable:
            width = self._bar_width
            if width:
                filled = bar(done / countable, width)
                full = len(filled.rstrip("░"))
                right.append("  ")
                right.append(filled[:full], st["bar-done"] if complete else st["bar"])
                right.append(filled[full:], st["bar-empty"])
            count = f"{done}/{countable}"
            right.append(" " + count.rjust(self._count_width), st["count"])
