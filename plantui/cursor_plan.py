"""Cursor plan files: ``.cursor/plans/<slug>_<8hex>.plan.md``.

A Cursor plan keeps its tasks in YAML front matter and its prose in the body::

    ---
    name: Add caching
    overview: Cache the catalogue in Redis.
    todos:
      - id: client
        content: Add the Redis client
        status: completed
      - id: reads
        content: Read through the cache
        status: pending
        dependencies:
          - client
    isProject: false
    ---

    # Add caching
    ...

Each todo is a task of the plan (``status``: ``pending``, ``in_progress``,
``completed``, ``cancelled``: skipped), on the line of its status value, which
a tick rewrites in place and nothing else (:data:`YAML`).  A todo whose
``dependencies`` are not all closed waits: it carries the tag ``blocked`` (the
next task passes over it) and the plan's task graph says what it waits for.
The body is read as Markdown: its headings are the plan's sections (phases
only where the body has boxes of its own), and its boxes count beside the todos (a box and a todo of the same text that disagree
make a warning).  The title is ``name``; ``overview`` is a field.  Front matter
that is not valid YAML leaves the Markdown reading and one warning.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from pathlib import Path

from .config import Settings
from .model import Edge, Field, Item, Kind, Lineage, Plan, Spelling, State, Warning
from .names import clean_inline
from .parser import front_matter_end, parse_lines
from .progress import BLOCKED_TAG
from .lines import Lines

YAML = Spelling("yaml", ((State.DONE, "completed"), (State.OPEN, "pending"), (State.IN_PROGRESS, "in_progress"),
                         (State.SKIPPED, "cancelled")))
STATES = {word: state for state, word in YAML.states}

_TODOS = re.compile(r"^todos[ \t]*:[ \t]*(?:\[|#|$)")


def claims(path: Path | None, lines: Lines) -> bool:
    """Whether the file opens with front matter that has a ``todos:`` key (a cheap look, no YAML parse)."""
    if len(lines) < 3 or lines.line(0).rstrip() != "---":
        return False
    end = _end(lines)
    return end is not None and any(_TODOS.match(lines.line(k)) for k in range(1, end))


LONGEST = 20_000  # lines of front matter looked through: a plan of a few thousand todos


def _end(lines: Lines) -> int | None:
    """Index of the line closing the front matter (the parser's, or further down
    for a long list of todos: the parser looks 400 lines down)."""
    end = front_matter_end(lines)
    if end is None and len(lines) > 1 and lines.line(0).rstrip() == "---":
        end = next((k for k in range(1, min(len(lines), LONGEST)) if lines.line(k).rstrip() in ("---", "...")), None)
    return end


def _body(lines: Lines, end: int, settings: Settings) -> Plan:
    """The Markdown plan of the body (the front matter read as blank lines)."""
    if front_matter_end(lines) == end:
        return parse_lines(lines, settings)  # the parser blanks it itself
    return parse_lines(Lines.of("\n".join([""] * (end + 1) + lines.parts[end + 1:])), settings)


def read(path: Path | None, lines: Lines, settings: Settings) -> Plan:
    """The plan of a Cursor plan file: its todos, then its body's Markdown."""
    import yaml  # here, not at the top: reading a Markdown plan never loads it
    end = _end(lines)
    if end is None:
        return parse_lines(lines, settings)
    body = _body(lines, end, settings)
    text = "\n".join(lines.line(k) for k in range(1, end))
    starts = [0]
    for k in range(1, end - 1):
        starts.append(starts[-1] + len(lines.line(k)) + 1)

    def where(index: int) -> tuple[int, int]:
        """(1-based line in the file, column) of character ``index`` of ``text``."""
        k = bisect_right(starts, index) - 1
        return k + 2, index - starts[k]

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = where(mark.index)[0] if mark is not None and mark.index <= len(text) else 1
        problem = getattr(exc, "problem", None) or "not readable"
        return _fallback(body, Warning(line, f"the front matter is not valid YAML ({problem}); "
                                             "its todos are not read"))
    todos = _value(root, "todos")
    if isinstance(todos, yaml.ScalarNode) and todos.tag.endswith(":null"):
        todos = yaml.SequenceNode("tag:yaml.org,2002:seq", [])  # "todos:" with none yet
    if not isinstance(todos, yaml.SequenceNode):
        return _fallback(body, Warning(2, "the front matter's todos: is not a list; its todos are not read"))
    return _plan(body, lines, todos, root, where)


def _fallback(body: Plan, warning: Warning) -> Plan:
    return replace(body, warnings=tuple(sorted(body.warnings + (warning,), key=lambda w: w.line or 0)),
                   lineage=Lineage())


def _value(node, key: str):
    """The value node of ``key`` in a mapping node (None when it is not one, or has no such key)."""
    import yaml
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _scalar(node, key: str) -> str | None:
    import yaml
    v = _value(node, key)
    return v.value if isinstance(v, yaml.ScalarNode) else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _read_only(why: str) -> Spelling:
    return Spelling(YAML.name, YAML.states, read_only=why)


WRITTEN_OTHERWISE = _read_only("a todo whose status is written in a form plantui does not rewrite")
NO_STATUS = _read_only("a todo without a status value")
SHARED_LINE = _read_only("one of several todos whose status stands on one line")


def _plan(body: Plan, lines: Lines, todos, root, where) -> Plan:
    import yaml
    warnings = list(body.warnings)
    made: list[tuple[Item, tuple[str, ...]]] = []  # each todo with its dependencies
    for n, node in enumerate(todos.value):
        at = where(node.start_mark.index)
        content = _scalar(node, "content")
        ident = _scalar(node, "id")
        if not isinstance(node, yaml.MappingNode) or content is None:
            warnings.append(Warning(at[0], f"todo {n + 1} of the front matter has no content; it is not read"))
            continue
        status = _value(node, "status")
        spelling = YAML
        if isinstance(status, yaml.ScalarNode):
            word = status.value
            line, col = where(status.start_mark.index)
            if status.style in ("'", '"'):
                col += 1  # inside the quotes, which stay
            inside = node.start_mark.index <= status.start_mark.index <= node.end_mark.index  # not an alias's anchor
            if (not inside or status.style not in (None, "'", '"')
                    or lines.line(line - 1)[col:col + len(word)] != word):
                spelling = WRITTEN_OTHERWISE
        else:
            (line, col), word, spelling = at, "", NO_STATUS
        state = STATES.get(word)
        if state is None:
            state = State.OPEN
            said = f"status {word!r}" if word else "no status"
            warnings.append(Warning(line, f"todo {ident or _one_line(content)!r} has {said}, which Cursor does not "
                                          "use (pending, in_progress, completed, cancelled); counted as open"))
        deps = _value(node, "dependencies")
        needs = tuple(d.value for d in deps.value if isinstance(d, yaml.ScalarNode)) \
            if isinstance(deps, yaml.SequenceNode) else ()
        item = Item(len(made), line, col, word, state, Kind.TASK, ident, _one_line(content), lines.line(line - 1),
                    spelling=spelling)
        made.append((item, needs))
    todo_items = _apart(made)
    states = {it.id: it.state for it in todo_items if it.id is not None}
    graph: list[Edge] = []
    items: list[Item] = []
    seen: set[str] = set()
    for item, needs in zip(todo_items, (needs for _, needs in made)):
        if item.id is not None:
            if item.id in seen:
                warnings.append(Warning(item.line, f"two todos have the id {item.id!r}; name one by its line"))
            seen.add(item.id)
        waiting = False
        for dep in needs:
            graph.append(Edge(dep, item.id or item.text, item.line))
            if dep not in states:
                warnings.append(Warning(item.line, f"todo {item.id or item.text!r} depends on {dep!r}, "
                                                   "which no todo is"))
            elif not states[dep].closed:
                waiting = True
        if waiting and not item.state.closed:
            item = replace(item, tags=(BLOCKED_TAG,))  # waits for open todos
        items.append(item)
    warnings.extend(_disagreements(items, body))
    if not body.items:
        body = _context(body)
    shift = len(items)
    items.extend(_shifted(it, shift) for it in body.items)
    title = _scalar(root, "name")
    return Plan(
        title=_one_line(title) if title else body.title,
        items=tuple(items),
        sections=body.sections,
        phases=tuple(replace(ph, items=tuple(k + shift for k in ph.items),
                             item_backed=None if ph.item_backed is None else ph.item_backed + shift)
                     for ph in body.phases),
        checkpoints=tuple(replace(cp, items=tuple(k + shift for k in cp.items)) for cp in body.checkpoints),
        fields=_fields(body.fields, root, lines, where),
        status_rows=body.status_rows,
        graph=tuple(graph) + body.graph,
        warnings=tuple(sorted(warnings, key=lambda w: w.line or 0)),
        source="cursor",
    )


def _context(body: Plan) -> Plan:
    """A body without boxes, as context: its headings are sections, none a phase
    or a checkpoint ("## Phase 1: Setup" in a Cursor plan's prose holds no task:
    the todos are the tasks, and "0/0 not started" would say what is not so)."""
    return replace(body, phases=(), checkpoints=(),
                   sections=tuple(replace(s, phase=None, checkpoint=None) for s in body.sections),
                   fields=tuple(replace(f, phase=None) for f in body.fields))


def _apart(made: list[tuple[Item, tuple[str, ...]]]) -> list[Item]:
    """The todos, each alone on its line: where several statuses share one
    (``[{id: a, status: pending}, {id: b, …}]``), none of them is written."""
    count: dict[int, int] = {}
    for item, _ in made:
        count[item.line] = count.get(item.line, 0) + 1
    return [item if count[item.line] == 1 or item.spelling is not YAML else replace(item, spelling=SHARED_LINE)
            for item, _ in made]


def _shifted(it: Item, shift: int) -> Item:
    """A body item, its indexes moved past the todos."""
    return replace(it, index=it.index + shift, parent=None if it.parent is None else it.parent + shift,
                   children=tuple(c + shift for c in it.children))


def _disagreements(todos: list[Item], body: Plan) -> list[Warning]:
    """A body box and a todo of the same text that do not say the same."""
    boxes: dict[str, list[Item]] = {}
    for it in body.items:
        boxes.setdefault(clean_inline(it.text).lower(), []).append(it)
    out = []
    for todo in todos:
        for box in boxes.get(clean_inline(todo.text).lower(), ()):
            if box.state.closed != todo.state.closed:
                name = todo.id or todo.text
                out.append(Warning(box.line, f"todo {name!r} is {todo.marker or 'without a status'} but the box "
                                             f"of the same text is {_word(box.state)}"))
    return out


def _word(state: State) -> str:
    return {State.DONE: "ticked", State.SKIPPED: "skipped"}.get(state, "open")


def _fields(found: tuple[Field, ...], root, lines: Lines, where) -> tuple[Field, ...]:
    """The body's fields and the front matter's (read line by line by the parser),
    with ``overview`` whole when it runs over several lines (``overview: >``)."""
    import yaml
    node = _value(root, "overview")
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        return found
    line, col = where(node.start_mark.index)
    if (where(node.end_mark.index)[0] == line and node.style not in ("|", ">")
            and any(f.name == "overview" and f.line == line for f in found)):
        return found  # on one line, as the parser read it
    kept = tuple(f for f in found if not (f.name == "overview" and f.line == line))
    whole = Field("overview", "overview", line, col, len(lines.line(line - 1)), _one_line(node.value))
    return tuple(sorted(kept + (whole,), key=lambda f: (f.line, f.start)))
