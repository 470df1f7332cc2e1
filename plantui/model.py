"""The plan as plantui understands it: immutable values (slotted dataclasses), no I/O.

Line numbers are 1-based, as editors and the JSON output show them.  Columns
are 0-based offsets in the decoded line (see :mod:`plantui.lines`).
Cross references between values are indexes into the plan's tuples, so a plan
compares equal to another parse of the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class State(str, Enum):
    OPEN = "open"
    DONE = "done"
    IN_PROGRESS = "in_progress"
    SKIPPED = "skipped"
    OTHER = "other"

    @property
    def closed(self) -> bool:
        """Nothing left to do: done, or deliberately skipped."""
        return self is State.DONE or self is State.SKIPPED


class Kind(str, Enum):
    TASK = "task"
    CHECK = "check"  # a box under a checkpoint, gate or definition of done


@dataclass(frozen=True, slots=True)
class Spelling:
    """How a task that is not a Markdown box writes its state (``✅`` in a heading,
    ``done`` in a status line or a YAML/JSON value): the text for each state, put
    in place of the item's ``marker`` (its text at ``line``/``col``).  One object
    is shared by every item of a kind.  ``read_only``: why plantui never writes it
    (an agent's own store), said when asked to."""

    name: str  # what the item is, in ``status --json``'s "source": "heading", "yaml", ...
    states: tuple[tuple[State, str], ...]
    read_only: str | None = None

    def of(self, state: State) -> str | None:
        """The text that says ``state``, or None where this kind has no word for it."""
        return next((text for s, text in self.states if s is state), None)


# Item alone is not frozen: a frozen dataclass's __init__ sets each field through
# object.__setattr__, which made building a big plan's items take twice as long.
# Nothing changes an item once made (dataclasses.replace makes another); it hashes
# as a frozen one would.
@dataclass(slots=True, unsafe_hash=True)
class Item:
    """One task or check: a checkbox list item, or (with a ``spelling``) a task
    read from elsewhere: a heading, a status line, a table row, a YAML or JSON value.

    ``line``/``col``/``marker`` locate the text that says its state, and ``source``
    is that whole line as read: an edit replaces ``marker`` there, and only if the
    line still reads so.
    """

    index: int
    line: int
    col: int  # column of the marker character, inside the brackets
    marker: str
    state: State
    kind: Kind
    id: str | None
    text: str
    source: str  # the whole line as read: an edit checks it is still there
    depth: int = 0  # how many checkbox items it is nested in
    parent: int | None = None
    children: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    optional: bool = False  # Kiro's "- [ ]* 1.1"
    details: tuple[str, ...] = ()  # non-checkbox sub-bullets
    text_lines: int = 1  # lines its text runs over (a wrapped paragraph)
    section: int | None = None
    phase: int | None = None
    checkpoint: int | None = None
    spelling: Spelling | None = None  # None: a box, whose markers the settings name

    @property
    def done(self) -> bool:
        return self.state is State.DONE

    @property
    def label(self) -> str:
        """The id and text, as a person would name the task."""
        return f"{self.id} {self.text}" if self.id else self.text


@dataclass(frozen=True, slots=True)
class Section:
    """A heading (ATX or setext), or a bold label that opens a checkpoint."""

    index: int
    line: int
    level: int  # 1-6 for headings, 7 for a bold pseudo-heading
    title: str
    parent: int | None = None
    end_line: int = 0  # last line (inclusive) of the section's range
    phase: int | None = None
    checkpoint: int | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    index: int
    line: int
    title: str
    number: str | None  # "1", "3.1", "2b"
    items: tuple[int, ...]  # task items inside the phase (checks excluded)
    dependencies: tuple[int, ...] = ()  # phase indexes it waits for
    parent: int | None = None  # an enclosing phase ("Phase 2b" under "Phase 2")
    item_backed: int | None = None  # the item that is the phase (Kiro parents)
    optional: tuple[int, ...] = ()  # its optional items (Kiro's "- [ ]* 1.1"), which never hold it open


@dataclass(frozen=True, slots=True)
class Checkpoint:
    index: int
    line: int
    title: str
    items: tuple[int, ...]  # its checks
    after: tuple[int, ...]  # phase indexes that must be done first


@dataclass(frozen=True, slots=True)
class Field:
    """A ``**Key:** value`` style field; ``start``/``end`` bound the value."""

    name: str  # normalised: "progress", "last updated", ...
    key: str  # as written
    line: int
    start: int
    end: int
    value: str
    phase: int | None = None  # the phase whose section holds it


@dataclass(frozen=True, slots=True)
class StatusRow:
    """A table row whose status cell says how a thing stands."""

    line: int
    label: str
    status: str
    state: State


@dataclass(frozen=True, slots=True)
class Edge:
    """``a → b`` in a task graph: ``b`` waits for ``a``."""

    before: str
    after: str
    line: int


@dataclass(frozen=True, slots=True)
class Warning:
    line: int | None
    message: str


@dataclass(slots=True, eq=False)
class Lineage:
    """What a plan shares with the plans :meth:`Plan.with_values` makes from it:
    a token (its identity) and where things stand, worked out on first use
    (those plans have the same lines)."""

    by_line: dict[int, int] | None = None  # line -> index of the item on it
    keys: list[tuple[str, int]] | None = None  # each item's key (see Plan.item_keys)
    key_index: dict[tuple[str, int], int] | None = None
    field_lines: dict[int, list[int]] | None = None
    text_lines: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    title: str
    items: tuple[Item, ...]
    sections: tuple[Section, ...]
    phases: tuple[Phase, ...]
    checkpoints: tuple[Checkpoint, ...]
    fields: tuple[Field, ...]
    status_rows: tuple[StatusRow, ...] = ()
    graph: tuple[Edge, ...] = ()
    warnings: tuple[Warning, ...] = ()
    source: str = "markdown"  # the reader that made it: "markdown", "cursor", "taskmaster", ...
    # Shared with the plans made from this one by with_values (and by
    # dataclasses.replace, which keeps it: replace values, never lines).
    lineage: Lineage = field(default_factory=Lineage, compare=False, repr=False)

    @property
    def tasks(self) -> tuple[Item, ...]:
        task = Kind.TASK  # (an enum member's lookup is slow: once, not once per item)
        return tuple(i for i in self.items if i.kind is task)

    @property
    def checks(self) -> tuple[Item, ...]:
        check = Kind.CHECK
        return tuple(i for i in self.items if i.kind is check)

    def item_at_line(self, line: int) -> Item | None:
        known = self.lineage
        if known.by_line is None:
            known.by_line = {item.line: k for k, item in enumerate(self.items)}
        k = known.by_line.get(line)
        return None if k is None else self.items[k]

    @property
    def item_keys(self) -> list[tuple[str, int]]:
        """Each item's key, the same in every version of the plan where the item is:
        its id (any case, ``#2.1``) or its text on one line, with the count of items
        of that name up to it.  A tick keeps every key."""
        known = self.lineage
        if known.keys is None:
            seen: dict[str, int] = {}
            keys = []
            for it in self.items:
                base = "#" + it.id.lower() if it.id else one_line(it.text)
                n = seen[base] = seen.get(base, 0) + 1
                keys.append((base, n))
            known.keys = keys
        return known.keys

    @property
    def key_index(self) -> dict[tuple[str, int], int]:
        """Item key (see :attr:`item_keys`) -> the item's index."""
        known = self.lineage
        if known.key_index is None:
            known.key_index = {key: k for k, key in enumerate(self.item_keys)}
        return known.key_index

    def with_values(self, items: tuple[Item, ...], fields: tuple[Field, ...]) -> "Plan":
        """This plan with some items (their markers) and field values replaced,
        its structure untouched (see :func:`same_structure`): its lineage too."""
        return replace(self, items=items, fields=fields)

    @property
    def field_lines(self) -> dict[int, list[int]]:
        """The lines that hold fields, each with the indexes of its fields."""
        known = self.lineage
        if known.field_lines is None:
            lines: dict[int, list[int]] = {}
            for n, f in enumerate(self.fields):
                lines.setdefault(f.line, []).append(n)
            known.field_lines = lines
        return known.field_lines

    @property
    def text_lines(self) -> frozenset[int]:
        """Lines that continue an item's text (its wrapped paragraph)."""
        known = self.lineage
        if known.text_lines is None:
            known.text_lines = frozenset(k for it in self.items for k in range(it.line + 1, it.line + it.text_lines))
        return known.text_lines


def one_line(text: str) -> str:
    """Text on one line, printable (item texts can span lines; bytes that did not decode show as U+FFFD)."""
    return " ".join(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").split())


def same_structure(a: Plan, b: Plan) -> bool:
    """Whether ``b`` is ``a`` with at most markers and field values changed.

    :func:`plantui.incremental.fast_update` makes such a plan with
    :meth:`Plan.with_values` and shares everything else with the old one
    (sections, phases, checkpoints): items keep their texts, ids and places.
    The lineage token is what proves it: two plans without headings both
    have the one empty tuple as their sections, and may differ in anything.
    """
    return a is b or (a.lineage is b.lineage and a.sections is b.sections and a.phases is b.phases
                      and a.checkpoints is b.checkpoints and len(a.items) == len(b.items)
                      and len(a.fields) == len(b.fields))
