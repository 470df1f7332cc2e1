"""Shell completion for ``plantui``, made from the command's own parser by argcomplete.

``plantui completion bash|zsh|fish`` prints the script to load in the shell;
the shell then runs ``plantui`` itself with argcomplete's environment
(``_ARGCOMPLETE``, ``COMP_LINE``, ``COMP_POINT``) and :func:`complete` answers
from the parser: every command and option, files and folders where a path
goes, and for ``tick``, ``untick`` and ``mark`` the task ids of the plan
already typed (open ones for tick, done ones for untick).  argcomplete is the
optional extra ``plantui[completion]``; nothing here runs unless asked.
"""

from __future__ import annotations

import os
import sys

from .errors import PlanError

MISSING = "shell completion needs the argcomplete package: install plantui[completion] for this"
MARKERS = ("x", " ", "/", "-", "~")


def script(shell: str) -> str:
    """The script that makes ``shell`` complete ``plantui`` (source it, or save it where the shell looks)."""
    try:
        import argcomplete
    except ImportError:
        raise PlanError(MISSING) from None
    return argcomplete.shellcode(["plantui"], shell=shell)


def task_ids(prefix: str, parsed_args, **_) -> dict[str, str]:
    """The task ids of the plan named before (``plantui tick PLAN <TAB>``), each with its text (zsh and fish
    show it): open ones for tick, done ones for untick, all for mark; none that plantui never writes, and none when
    the plan cannot be read (completion never complains)."""
    from .model import Kind
    from .snapshot import read

    from .lines import printable

    path = getattr(parsed_args, "path", None)
    if not path:
        return {}
    try:
        plan = read(path).plan
    except (PlanError, OSError):
        return {}
    command = getattr(parsed_args, "command", None)
    ids: dict[str, str] = {}
    for it in plan.items:
        if it.id is None or it.kind is not Kind.TASK or it.spelling is not None and it.spelling.read_only:
            continue  # not a task, or one plantui never writes (Claude Code's own list)
        if command == "tick" and it.state.closed or command == "untick" and not it.done:
            continue
        if it.id.startswith(prefix) and it.id not in ids:
            text = printable(it.text)
            ids[it.id] = text if len(text) <= 60 else text[:59] + "…"
    return ids


def _markers(prefix: str, **_) -> list[str]:
    return [m for m in MARKERS if m.startswith(prefix)]


def _commands_or_plans(prefix: str, action, **_) -> list[str]:
    """Where ``plantui`` takes a command or, for the dashboard, a PATH: the commands, and once something is
    typed, the Markdown files, Task Master's tasks.json and the folders it starts."""
    from argcomplete.completers import FilesCompleter

    names = [c for c in action.choices if c.startswith(prefix)]
    if not prefix:
        return names
    stores = [f for f in FilesCompleter(allowednames=("json",), directories=False)(prefix)
              if os.path.basename(f) == "tasks.json"]
    return names + FilesCompleter(allowednames=("md",))(prefix) + stores


def parser():
    """The command's parser with completers on the arguments a plain file name does not fit."""
    from argcomplete.completers import DirectoriesCompleter

    from .arguments import command_parser

    top = command_parser()
    sub = next(a for a in top._actions if a.dest == "command")
    sub.completer = _commands_or_plans
    for name, p in sub.choices.items():
        for action in p._actions:
            if action.dest == "refs":
                action.completer = task_ids
            elif action.dest == "marker":
                action.completer = _markers
            elif action.dest == "root":
                action.completer = DirectoriesCompleter()
    return top


def complete() -> None:
    """Answer the shell's completion request and end the process (argcomplete's protocol); without
    argcomplete, end quietly: the shell then offers file names."""
    try:
        import argcomplete
    except ImportError:
        sys.exit(1)
    argcomplete.autocomplete(parser())
    sys.exit(1)  # not a completion request after all (argcomplete returns only then)
