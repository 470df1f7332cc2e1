"""Claude Code's own stores, read as plans (read-only: plantui never writes them).

- A task list is a folder, ``~/.claude/tasks/<list-id>/``, one ``<n>.json`` per task
  (``{id, subject, description, activeForm, status, blocks, blockedBy, owner?}``);
  the list id is the session's id, or ``CLAUDE_CODE_TASK_LIST_ID``.  The folder
  is read as one plan (``Plan.source`` "claude-tasks"): its bytes are the JSON
  files in order, each after a ``//! <name>`` line (:func:`folder_bytes`).  Each
  task is an item and a phase of its own, so ``blockedBy`` makes it *blocked*.
- A TodoWrite list is one file, ``~/.claude/todos/<session>-agent-<agent>.json``
  (``[{content, status, activeForm}]``): a plan of its own ("claude-todos").
- Plans, ``~/.claude/plans/*.md`` or the project's ``plansDirectory``, are Markdown.

Statuses: ``pending`` open, ``in_progress`` in progress (the item's text is then its
``activeForm``, what Claude Code shows while it works on it, the subject or content
a detail), ``completed`` done.  ``CLAUDE_CONFIG_DIR`` stands for ``~/.claude``.
:func:`project_lists` finds the lists of a project, newest first (``plantui claude``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from .config import Settings
from .errors import PlanError
from .jsonspots import JSONError, Made, Obj, as_list, as_text, error_text, first_line, load, string_at
from .model import Edge, Item, Kind, Phase, Plan, Spelling, State, Warning
from .lines import Lines

OWN = "Claude Code's own task list"
TASK = Spelling("claude-tasks", ((State.DONE, "completed"), (State.OPEN, "pending"), (State.IN_PROGRESS, "in_progress")),
                read_only=OWN)
TODO = Spelling("claude-todos", TASK.states, read_only=OWN)
STATES = {"pending": State.OPEN, "in_progress": State.IN_PROGRESS, "completed": State.DONE, "deleted": State.SKIPPED}
HEAD = "//! Claude Code task list"  # the first line of a task list folder's bytes
FILE = "//! "  # then one such line before each task's file


def config_dir() -> Path:
    """Claude Code's folder: ``$CLAUDE_CONFIG_DIR``, else ``~/.claude``."""
    return Path(os.environ.get("CLAUDE_CONFIG_DIR") or Path.home() / ".claude").expanduser()


# -- a task list folder ------------------------------------------------------------------------


def _task_files(folder: Path) -> list[os.DirEntry]:
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith(".json") and not e.name.startswith(".")]
    except OSError:
        return []
    return sorted(entries, key=lambda e: (0, int(e.name[:-5]), "") if e.name[:-5].isdigit() else (1, 0, e.name))


def is_task_list(folder: Path) -> bool:
    """Whether ``folder`` is a Claude Code task list: in a ``tasks`` folder, holding
    ``<n>.json`` files or Claude Code's ``.highwatermark`` / ``.lock``."""
    if Path(os.path.abspath(folder)).parent.name != "tasks" or not folder.is_dir():  # "." or "0b1c" named from tasks/
        return False
    if (folder / ".highwatermark").exists() or (folder / ".lock").exists():
        return True
    return any(e.name[:-5].isdigit() for e in _task_files(folder))


def folder_bytes(folder: Path) -> tuple[bytes, SimpleNamespace] | None:
    """The bytes of the task list ``folder`` (None: it is not one): :data:`HEAD`, then each
    task's file after a ``//! <name>`` line (and a line end after it), and a stat-like value (the folder's inode, the
    newest time of the folder and its files) for change detection."""
    if not is_task_list(folder):
        return None
    try:
        st = os.stat(folder)
    except OSError as exc:
        raise PlanError(f"{folder}: cannot read it ({exc.strerror or exc})") from None
    newest = st.st_mtime_ns
    parts = [HEAD.encode() + b"\n"]
    for e in _task_files(folder):
        try:
            with open(e.path, "rb") as fh:
                data = fh.read()
                newest = max(newest, os.fstat(fh.fileno()).st_mtime_ns)
        except FileNotFoundError:
            continue  # removed (a task deleted) since the folder was listed
        except OSError as exc:
            raise PlanError(f"{e.path}: cannot read it ({exc.strerror or exc})") from None
        parts.append(f"{FILE}{e.name}\n".encode("utf-8", "surrogateescape") + data + b"\n")
    raw = b"".join(parts)
    return raw, SimpleNamespace(st_ino=st.st_ino, st_mtime_ns=newest, st_size=len(raw), st_mode=st.st_mode)


def file_line(folder: Path, lines: Lines, line: int) -> tuple[Path, int]:
    """Where line ``line`` (1-based) of a task list's bytes (:func:`folder_bytes`) stands on
    disk: the task's file and the line there; the folder and line 1 for a line of no file."""
    for k in range(min(line, len(lines)) - 1, 0, -1):  # line 1 is HEAD
        text = lines.line(k)
        if text.startswith(FILE):
            return folder / text[len(FILE):], line - 1 - k
    return folder, 1


def claims_list(path: Path | None, lines: Lines) -> bool:
    return len(lines) > 0 and lines.line(0) == HEAD


def read_list(path: Path | None, lines: Lines, settings: Settings) -> Plan:
    text = lines.text
    heads = [n for n in range(1, len(lines)) if lines.line(n).startswith(FILE)]
    made = _Made(lines)
    for h, nxt in zip(heads, [*heads[1:], len(lines)]):
        name = lines.line(h)[len(FILE):]
        start = lines.offset(h + 1, 0)  # a line end follows every file: there is a line after its head
        end = lines.offset(nxt, 0) if nxt < len(lines) else len(text)
        chunk = text[start:end - 1]  # the file's bytes, without the line end put after them
        try:
            task = load(chunk)
        except JSONError as exc:
            where = path / name if path is not None else name
            raise PlanError(f"{where}: not valid JSON ({error_text(exc, chunk)})") from None
        if isinstance(task, Obj):
            made.item(task, start, TASK, task.get("subject"), _id(task.get("id"), name[:-5]))
    made.phases_by_id()
    folder = path.name if path is not None else "task list"
    return Plan(f"Claude Code tasks: {folder}", tuple(made.items), (), tuple(made.phases), (), (),
                graph=tuple(made.edges), warnings=tuple(made.warnings), source="claude-tasks")


# -- a TodoWrite list ----------------------------------------------------------------------------


def claims_todos(path: Path | None, lines: Lines) -> bool:
    return path is not None and path.suffix == ".json" and path.parent.name == "todos"


def read_todos(path: Path | None, lines: Lines, settings: Settings) -> Plan:
    text = lines.text
    try:
        todos = load(text) if text.strip() else []
    except JSONError as exc:
        raise PlanError(f"{path}: not valid JSON ({error_text(exc, text)})") from None
    if not isinstance(todos, list):
        raise PlanError(f"{path}: not a Claude Code todo list (a JSON list of todos)")
    made = _Made(lines)
    for n, todo in enumerate(todos, 1):
        if isinstance(todo, Obj):
            made.item(todo, 0, TODO, todo.get("content"), _id(todo.get("id"), str(n)))
    session = path.name.split("-agent-")[0].removesuffix(".json") if path is not None else "todos"
    return Plan(f"Claude Code todos: {session[:8]}", tuple(made.items), (), (), (), (),
                warnings=tuple(made.warnings), source="claude-todos")


class _Made(Made):
    def __init__(self, lines: Lines) -> None:
        super().__init__(lines)
        self.blocked_by: list[list[str]] = []
        self.blocks: list[list[str]] = []

    def item(self, obj: Obj, base: int, spelling: Spelling, text: object, ident: str) -> None:
        lines = self.lines
        status = obj.get("status")
        found = string_at(lines, obj, "status", base)
        if found is not None:
            n, col, marker = found
        else:
            n, col, marker, status = first_line(lines, obj, base), 0, "", "pending"
        state = STATES.get(status, State.OTHER)
        if state is State.OTHER:
            self.warnings.append(Warning(n + 1, f"{ident}: status {status!r} is not one Claude Code uses; counted as not done"))
        said = as_text(text) or "(no subject)"
        doing = as_text(obj.get("activeForm"))
        details = [as_text(obj.get("description"))]
        if state is State.IN_PROGRESS and doing:
            said, details = doing, [said, *details]  # what Claude Code shows while it works on it
        owner = as_text(obj.get("owner"))
        if owner:
            details.append(f"owner: {owner}")
        self.items.append(Item(len(self.items), n + 1, col, marker, state, Kind.TASK, ident, said, lines.line(n),
                               details=tuple(d for d in details if d), spelling=spelling))
        self.blocked_by.append([_id(b, "?") for b in as_list(obj.get("blockedBy")) if b is not None])
        self.blocks.append([_id(b, "?") for b in as_list(obj.get("blocks")) if b is not None])

    def phases_by_id(self) -> None:
        """Each item a phase of its own, waiting for those its ``blockedBy`` names (and
        those that say they ``block`` it: Claude Code keeps both sides)."""
        phase_of = {}
        for it in self.items:
            it.phase = len(self.phases)
            phase_of.setdefault(it.id, it.phase)
            self.phases.append(Phase(it.phase, it.line, it.label, it.id, (it.index,), item_backed=it.index))
        for it, blocks in zip(self.items, self.blocks):
            for b in blocks:
                if b in phase_of and it.id not in self.blocked_by[self.items[phase_of[b]].index]:
                    self.blocked_by[self.items[phase_of[b]].index].append(it.id or "?")
        for it, waits in zip(self.items, self.blocked_by):
            for w in waits:
                self.edges.append(Edge(w, it.id or "", it.line))
            deps = tuple(sorted({phase_of[w] for w in waits if w in phase_of} - {it.phase}))
            if deps:
                self.phases[it.phase] = replace(self.phases[it.phase], dependencies=deps)


def _id(value: object, default: str) -> str:
    return str(value).strip() if value is not None and str(value).strip() else default


# -- the lists of a project ---------------------------------------------------------------------


def project_folder(project: Path, config: Path) -> Path:
    """Where Claude Code keeps the sessions of ``project``: its path with every character
    but a letter or a digit made ``-`` (``/home/me/my_app`` → ``-home-me-my-app``)."""
    return config / "projects" / re.sub(r"[^A-Za-z0-9]", "-", str(project))


def _settings(project: Path, config: Path) -> list[dict]:
    """Claude Code's settings that apply to ``project``, the first winning: the project's
    local and shared ones, then the user's."""
    out = []
    for path in (project / ".claude" / "settings.local.json", project / ".claude" / "settings.json",
                 config / "settings.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            out.append(data)
    return out


def project_lists(project: Path, config: Path | None = None) -> list[Path]:
    """The task lists, TodoWrite lists and plans of ``project``, newest first.

    A task list or a todo file belongs to the project when its name starts with the id
    of one of the project's sessions (``projects/<escaped path>/<session>.jsonl``), or a
    task list is the one named by ``CLAUDE_CODE_TASK_LIST_ID`` (in the ``env`` of the
    project's ``.claude/settings*.json`` or the user's, or the environment).  Plans: those
    in the ``plansDirectory`` the settings name (relative to the project), else the ones
    in ``plans/`` a session of the project names.  Empty todo lists (``[]``) are left out.
    """
    config = config or config_dir()
    project = project.resolve()
    sessions_dir = project_folder(project, config)
    try:
        sessions = sorted(sessions_dir.glob("*.jsonl"), key=_mtime, reverse=True)
    except OSError:
        sessions = []
    ids = {p.stem for p in sessions}
    settings = _settings(project, config)
    named = {os.environ.get("CLAUDE_CODE_TASK_LIST_ID")}
    for s in settings:
        env = s.get("env")
        if isinstance(env, dict):
            named.add(env.get("CLAUDE_CODE_TASK_LIST_ID"))
    named.discard(None)
    found: list[Path] = []
    tasks = config / "tasks"
    if tasks.is_dir():
        for d in sorted(tasks.iterdir()):
            if (d.name in ids or d.name in named) and is_task_list(d) and _task_files(d):
                found.append(d)
    todos = config / "todos"
    if todos.is_dir():
        for f in sorted(todos.glob("*.json")):
            if f.name.split("-agent-")[0].removesuffix(".json") in ids and not _empty(f):
                found.append(f)
    found.extend(_plans(project, config, settings, sessions))
    return sorted(found, key=_mtime, reverse=True)


def _plans(project: Path, config: Path, settings: list[dict], sessions: list[Path]) -> list[Path]:
    where = next((s["plansDirectory"] for s in settings if isinstance(s.get("plansDirectory"), str)), None)
    if where:
        folder = (project / os.path.expanduser(where)).resolve()
        return sorted(folder.glob("*.md")) if folder.is_dir() else []
    plans = sorted((config / "plans").glob("*.md")) if (config / "plans").is_dir() else []
    left = {p.name.encode(): p for p in plans}
    out = []
    for s in sessions[:50]:  # the newest sessions: a plan is named in the session that wrote it
        if not left:
            break
        try:
            data = s.read_bytes()
        except OSError:
            continue
        for name in [n for n in left if b"plans/" + n in data]:
            out.append(left.pop(name))
    return out


def _empty(path: Path) -> bool:
    try:
        return path.read_bytes().strip() in (b"", b"[]")
    except OSError:
        return True


def _mtime(path: Path) -> int:
    try:
        return max([path.stat().st_mtime_ns, *(e.stat().st_mtime_ns for e in _task_files(path))]) if path.is_dir() \
            else path.stat().st_mtime_ns
    except OSError:
        return 0
