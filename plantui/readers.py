"""Which reader makes the plan of a file, and the one call that reads it.

Most plans are Markdown (:mod:`plantui.parser`).  A reader for another shape
(a Cursor plan's front-matter todos, a JSON task store) is a module with two
functions, ``claims(path, lines)`` and ``read(path, lines, settings)``, listed
in ``READERS``; the first that claims a file reads it, Markdown the rest.  A
plan made by another reader names it in ``Plan.source``; such a plan is always
read whole (the no-parse path of :mod:`plantui.incremental` knows only boxes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, NamedTuple

from . import cursor_plan, execplan
from .config import DEFAULT, Settings
from .model import Plan
from .parser import parse_lines
from .source import Lines


class Reader(NamedTuple):
    name: str
    claims: Callable[[Path | None, Lines], bool]
    read: Callable[[Path | None, Lines, Settings], Plan]


READERS: tuple[Reader, ...] = (
    Reader("cursor", cursor_plan.claims, cursor_plan.read),  # front matter with todos: (.cursor/plans/*.plan.md)
    Reader("execplan", execplan.claims, execplan.read),  # Codex ExecPlans: Markdown with partly done steps
)


def reader_for(path: Path | None, lines: Lines) -> Reader | None:
    """The reader that claims the file at ``path`` (its ``lines``), or None: Markdown."""
    return next((r for r in READERS if r.claims(path, lines)), None)


def read_plan(path: Path | None, lines: Lines, settings: Settings = DEFAULT) -> Plan:
    """The plan of ``lines`` (the text of the file at ``path``), by the reader that claims it."""
    reader = reader_for(path, lines)
    return parse_lines(lines, settings) if reader is None else reader.read(path, lines, settings)
