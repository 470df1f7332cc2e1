"""Which reader makes the plan of a file, and the one call that reads it.

Most plans are Markdown (:mod:`plantui.parser`).  A reader for another shape
(a Cursor plan's front-matter todos, a JSON task store) is a module with two
functions, ``claims(path, lines)`` and ``read(path, lines, settings)``, listed
in ``READERS``; the first that claims a file reads it, Markdown the rest.  A
plan made by another reader names it in ``Plan.source``; such a plan is always
read whole (the no-parse path of :mod:`plantui.incremental` knows only boxes).

A reader may also read a *folder* as one plan (Claude Code's task list: a JSON
file per task): its ``folder(path)`` gives the folder's bytes and a stat-like
value (``st_ino``, ``st_mtime_ns``), or None when the folder is not its kind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, NamedTuple

from . import claude_store, cursor_plan, execplan, taskmaster
from .config import DEFAULT, Settings
from .model import Plan
from .parser import parse_lines
from .lines import Lines


class Reader(NamedTuple):
    name: str
    claims: Callable[[Path | None, Lines], bool]
    read: Callable[[Path | None, Lines, Settings], Plan]
    folder: Callable[[Path], tuple[bytes, Any] | None] | None = None  # the bytes of a folder read as one plan


READERS: tuple[Reader, ...] = (
    Reader("taskmaster", taskmaster.claims, taskmaster.read),  # .taskmaster/tasks/tasks.json
    Reader("claude-tasks", claude_store.claims_list, claude_store.read_list, claude_store.folder_bytes),
    Reader("claude-todos", claude_store.claims_todos, claude_store.read_todos),
    Reader("cursor", cursor_plan.claims, cursor_plan.read),  # front matter with todos: (.cursor/plans/*.plan.md)
    Reader("execplan", execplan.claims, execplan.read),  # Codex ExecPlans: Markdown with partly done steps
)


def folder_bytes(path: Path) -> tuple[bytes, Any] | None:
    """The bytes (and a stat-like value) of the folder ``path``, when a reader reads it as one plan."""
    for r in READERS:
        if r.folder is not None:
            got = r.folder(path)
            if got is not None:
                return got
    return None


def reader_for(path: Path | None, lines: Lines) -> Reader | None:
    """The reader that claims the file at ``path`` (its ``lines``), or None: Markdown.  Readers are
    shown the whole path: ``tasks.json`` named in its own folder is still in ``.taskmaster/tasks``."""
    where = None if path is None else Path(os.path.abspath(path))
    return next((r for r in READERS if r.claims(where, lines)), None)


def reader_named(name: str) -> Reader:
    """The reader whose name a plan carries in ``Plan.source`` (not ``"markdown"``)."""
    found = next((r for r in READERS if r.name == name), None)
    if found is None:
        raise ValueError(f"no reader named {name!r}")
    return found


def read_plan(path: Path | None, lines: Lines, settings: Settings = DEFAULT) -> Plan:
    """The plan of ``lines`` (the text of the file at ``path``), by the reader that claims it."""
    reader = reader_for(path, lines)
    return parse_lines(lines, settings) if reader is None else reader.read(path, lines, settings)
