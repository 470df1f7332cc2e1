"""Task Master's ``.taskmaster/tasks/tasks.json`` read as a plan (``Plan.source`` "taskmaster").

The JSON is Task Master's source of truth: ``{"master": {"tasks": [...],
"metadata": {...}}, "other-tag": {...}}`` (tags, Task Master 0.16 on) or
``{"tasks": [...]}`` (older files, also at ``tasks/tasks.json``).  The tag shown
is the current one (``.taskmaster/state.json``'s ``currentTag``, else
``master``, else the first): Task Master's own commands work on that tag.

Each task is an item and a phase (the phase of its subtasks, or of itself when
it has none), so ``dependencies`` between tasks make a phase *blocked*;
subtasks are items under their task, ids ``3.1``; every dependency is also an
edge of the plan's graph (the detail view's "waits for").  Statuses:
``done`` done; ``pending`` open; ``in-progress`` and ``review`` in progress;
``cancelled`` and ``deferred`` skipped (neither is left to do now); ``blocked``
open (its word shows in the detail).  A tick writes the status value in place
(``"pending"`` → ``"done"``), nothing else: each item's marker is the status
string's content inside its quotes.  A status that shares its line with
another's (a minified file) or is not in the file is read-only, said so.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from .config import Settings
from .errors import PlanError
from .jsonspots import JSONError, Made, Obj, as_list, as_text, error_text, first_line, load, string_at
from .model import Edge, Item, Kind, Phase, Plan, Spelling, State, Warning
from .lines import Lines

STATUS = Spelling("json", ((State.DONE, "done"), (State.OPEN, "pending"), (State.IN_PROGRESS, "in-progress"),
                           (State.SKIPPED, "cancelled")))
NO_STATUS = Spelling("json", STATUS.states, read_only="a task without a status value in tasks.json")
SHARED_LINE = Spelling("json", STATUS.states,
                       read_only="on a line with another task's status (a minified tasks.json)")
STATES = {"done": State.DONE, "completed": State.DONE, "pending": State.OPEN, "blocked": State.OPEN,
          "in-progress": State.IN_PROGRESS, "review": State.IN_PROGRESS,
          "cancelled": State.SKIPPED, "deferred": State.SKIPPED}


def claims(path: Path | None, lines: Lines) -> bool:
    """``tasks.json`` in a ``tasks`` folder (``.taskmaster/tasks/``, or ``tasks/`` of old)."""
    return path is not None and path.name == "tasks.json" and path.parent.name == "tasks"


def current_tag(path: Path) -> str | None:
    """``currentTag`` of the ``.taskmaster/state.json`` beside the tasks folder, if any."""
    try:
        state = json.loads((Path(os.path.abspath(path)).parent.parent / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    tag = state.get("currentTag") if isinstance(state, dict) else None
    return tag if isinstance(tag, str) else None


def _tasks(path: Path, data: object) -> tuple[str | None, list, list[str]]:
    """(the tag shown, its tasks, the other tags) of the document ``data``."""
    if isinstance(data, dict) and isinstance(data.get("tasks"), list):
        return None, data["tasks"], []
    tags = [k for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("tasks"), list)] \
        if isinstance(data, dict) else []
    if not tags:
        raise PlanError(f"{path}: no Task Master tasks in it (a \"tasks\" list, or tags that hold one)")
    wanted = current_tag(path)
    tag = wanted if wanted in tags else "master" if "master" in tags else tags[0]
    return tag, data[tag]["tasks"], [t for t in tags if t != tag]


def read(path: Path | None, lines: Lines, settings: Settings) -> Plan:
    text = lines.text
    name = path if path is not None else "tasks.json"
    try:
        data = load(text)
    except JSONError as exc:
        raise PlanError(f"{name}: not valid JSON ({error_text(exc, text)})") from None
    tag, tasks, others = _tasks(Path(name), data)
    made = _Made(lines)
    for task in tasks:
        if isinstance(task, Obj):
            made.task(task)
    made.link()
    project = Path(name).resolve().parent.parent
    if project.name == ".taskmaster":
        project = project.parent
    title = f"{project.name}: Task Master" + (f" ({tag})" if tag else "")
    warnings = list(made.warnings)
    if others:
        warnings.append(Warning(None, f"tag {tag} shown (the current one); also in the file: {', '.join(others)}"))
    return Plan(title, tuple(made.items), (), tuple(made.phases), (), (), graph=tuple(made.edges),
                warnings=tuple(warnings), source="taskmaster")


class _Made(Made):
    """The items, phases and edges of a tag's tasks, as they are read."""

    def __init__(self, lines: Lines) -> None:
        super().__init__(lines)
        self.deps: list[tuple[int, list[str]]] = []  # (item, the ids it waits for)
        self.task_phase: dict[str, int] = {}  # a task's id -> its phase
        self.status_lines: dict[int, int] = {}  # line -> statuses on it

    def task(self, task: Obj) -> None:
        tid = _id(task.get("id"))
        k = self.item(task, tid, None)
        kids = []
        for sub in as_list(task.get("subtasks")):
            if isinstance(sub, Obj):
                sid = f"{tid}.{_id(sub.get('id'))}"
                kids.append(self.item(sub, sid, k, sibling=tid))
        p = len(self.phases)
        for c in (k, *kids):
            self.items[c].phase = p
        self.items[k].children = tuple(kids)
        self.phases.append(Phase(p, self.items[k].line, self.items[k].label, tid, tuple(kids) or (k,), item_backed=k))
        self.task_phase.setdefault(tid, p)

    def item(self, obj: Obj, ident: str, parent: int | None, sibling: str | None = None) -> int:
        """The item of a task (``parent`` None) or subtask, its status located in the text."""
        lines = self.lines
        status = obj.get("status")
        spelling = STATUS
        found = string_at(lines, obj, "status")  # inside the quotes
        if found is not None:
            n, col, marker = found
        else:  # Task Master reads a task without one as pending; there is nothing to write in place
            n, col, marker, status, spelling = first_line(lines, obj), 0, "", "pending", NO_STATUS
        word = status.strip().lower()
        state = STATES.get(word, State.OTHER)
        self.status_lines[n] = self.status_lines.get(n, 0) + 1
        details = [one for one in (as_text(obj.get("description")),) if one]
        k = len(self.items)
        self.items.append(Item(k, n + 1, col, marker, state, Kind.TASK, ident, as_text(obj.get("title")) or "(no title)",
                               lines.line(n), depth=0 if parent is None else 1, parent=parent,
                               details=tuple(details), spelling=spelling))
        if state is State.OTHER:
            self.warnings.append(Warning(n + 1, f"{ident}: status {status!r} is not one Task Master uses; "
                                                f"counted as not done"))
        deps = []
        for d in as_list(obj.get("dependencies")):
            d = _id(d)
            if sibling is not None and "." not in d:
                deps.append((f"{sibling}.{d}", d))  # a subtask's number: a sibling subtask (else task d)
            else:
                deps.append((d, None))
        self.deps.append((k, deps))
        return k

    def link(self) -> None:
        """Dependencies as graph edges, and between tasks' phases; statuses sharing a line read-only."""
        ids = {it.id for it in self.items}
        for k, deps in self.deps:
            it = self.items[k]
            named = [d if d in ids or other is None or other not in ids else other for d, other in deps]
            for d in named:
                self.edges.append(Edge(d, it.id or "", it.line))
            if it.parent is None and it.phase is not None:
                waits = tuple(sorted({self.task_phase[d] for d in named if d in self.task_phase} - {it.phase}))
                self.phases[it.phase] = replace(self.phases[it.phase], dependencies=waits)
        for it in self.items:
            if it.spelling is STATUS and self.status_lines.get(it.line - 1, 0) > 1:
                it.spelling = SHARED_LINE


def _id(value: object) -> str:
    return str(value).strip() if value is not None else "?"
