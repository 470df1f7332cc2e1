"""The ``plantui`` command line's words: its commands, options and help texts
(argparse), for :mod:`plantui.cli`, which runs them, and for shell completion
(:mod:`plantui.completion`), which completes them."""

from __future__ import annotations

import argparse

from . import __version__

COMMANDS = ("status", "tick", "untick", "mark", "sync", "watch", "check", "history", "mcp", "completion", "claude")

EXIT_OK, EXIT_OPEN, EXIT_BAD = 0, 1, 2
LOOKED_FOR = "plan.md, tasks.md, TODO.md, specs/*/tasks.md …"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other bad input
        self.exit(EXIT_BAD, f"plantui: {message} (see {self.prog} --help)\n")


class _Help(argparse.RawDescriptionHelpFormatter):
    """argparse measures subcommands one indent short, so the longest one's help (``completion``) started on
    the next line: measured where they are printed."""

    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS and hasattr(action, "_get_subactions"):
            longest = max((len(self._format_action_invocation(a)) for a in action._get_subactions()), default=0)
            self._action_max_length = max(self._action_max_length, longest + self._current_indent + self._indent_increment)


USAGE = ("plantui [PATH ...]        open the dashboard\n"
         "       plantui --demo            the dashboard on a copy of an example plan\n"
         "       plantui COMMAND [ARGS ...]")
DASHBOARD = """\
A live terminal dashboard for Markdown implementation plans.

The dashboard: plantui [PATH ...] opens the plans named (files, or folders to
look for plans in: a project, specs/, .kiro/specs, openspec/changes ...);
with no PATH, the plans in the current folder.  plantui --demo opens a
temporary copy of an example plan (removed when you quit).
"""
RULE = """\
No PATH means the plans here (the current folder) for the dashboard, status,
watch and check; tick, untick, mark and sync change one plan file and always
take its PATH first.  'plantui COMMAND --help' for each command."""


def command_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; ``only``: with that command's words alone (all that parsing
    ``plantui COMMAND ...`` needs: a short command spares building the other ten, ~6 ms)."""

    def wanted(name: str) -> bool:
        return only is None or only == name

    top = _Parser(
        prog="plantui",
        usage=USAGE,
        description=DASHBOARD,
        epilog=RULE,
        formatter_class=_Help,
    )
    top.add_argument("--version", action="version", version=f"plantui {__version__}")
    top.add_argument("--demo", action="store_true", help="open the dashboard on a copy of an example plan")
    sub = top.add_subparsers(dest="command", parser_class=_Parser, title="commands", metavar="COMMAND", prog="plantui")

    if wanted("status"):
        p = sub.add_parser("status", help="print the progress of plans (or JSON); no PATH: the plans here")
        p.add_argument("paths", nargs="*", metavar="PATH", help="plan files, or folders to look for plans in (default: here)")
        p.add_argument("--json", action="store_true", help="print JSON (schema 1) for scripts")
        p.add_argument("--check", action="store_true", help="exit 1 while any task is open, optional ones aside (for CI)")
        p.add_argument("--line", action="store_true", help="one short line per plan, for a status bar or prompt")
        p.add_argument("--width", type=int, default=60, metavar="N", help="--line: at most N cells (default 60; 0: no limit)")
        p.add_argument("--format", metavar="FMT", help="--line: your own line, e.g. '{done}/{total} {percent}%% {phase} "
                       "{next_id} {next_text} {bar} {eta}'")
        p.add_argument("--color", action="store_true", help="--line: colour the bar (ANSI)")
        p.add_argument("--all", action="store_true", help="--line: every plan found, not only the most recently changed")
        p.add_argument("--stdin-json", action="store_true",
                       help="--line: read the folder from JSON on stdin (cwd or workspace.current_dir, as Claude Code sends)")
        p.add_argument("--window", type=days, default=7, metavar="DAYS", help="days of history the pace is measured over (default 7)")
        p.add_argument("--git", action="store_true", help="the pace from the plan's git history too (slower: reads every version)")

    for name, what in (("tick", "mark tasks done"), ("untick", "mark tasks open")):
        if not wanted(name):
            continue
        p = sub.add_parser(name, help=f"{what}: plantui {name} PLAN 1.1 T012 (or --line N)")
        p.add_argument("path", metavar="PATH")
        p.add_argument("refs", nargs="*", default=[], metavar="REF", help="task ids as written in the plan: 1.1, T012")
        p.add_argument("--line", type=int, action="append", default=[], metavar="N", help="the item on line N (1-based)")
        p.add_argument("--no-sync", action="store_true", help="leave Progress/Status/Last Updated fields as they are")
        p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    if wanted("mark"):
        p = sub.add_parser("mark", help="set any marker: plantui mark PLAN / 2.1 (/ is in progress)")
        p.add_argument("path", metavar="PATH")
        p.add_argument("marker", metavar="MARKER", help="one character: x, ' ', /, -, ~, ⚠️ …")
        p.add_argument("refs", nargs="*", default=[], metavar="REF")
        p.add_argument("--line", type=int, action="append", default=[], metavar="N")
        p.add_argument("--no-sync", action="store_true")
        p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    if wanted("sync"):
        p = sub.add_parser("sync", help="update the Progress / Total Tasks / Status / Last Updated fields")
        p.add_argument("path", metavar="PATH")
        p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    if wanted("watch"):
        p = sub.add_parser("watch", help="a compact read-only view for a split pane; no PATH: here")
        p.add_argument("path", metavar="PATH", nargs="?", default=".", help="a plan file, or a folder to look in (default: here): its plan changed last")
        notify_flags(p)
        p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    if wanted("check"):
        p = sub.add_parser("check", help="exit 0 when the plan (or a phase, checkpoint) is complete, 1 if not: a gate for hooks and CI")
        p.add_argument("paths", nargs="*", metavar="PATH",
                       help="plan files, or folders (default: here); a folder: its most recently changed plan unless --all")
        p.add_argument("--phase", metavar="P", help="only this phase: its number (2, 3.1), name or title")
        p.add_argument("--checkpoint", metavar="C", help="only this checkpoint: its number, name or title")
        p.add_argument("--through", metavar="PHASE", help="everything up to the end of this phase")
        p.add_argument("--all", action="store_true", help="every plan found in a folder, not only the most recently changed")
        p.add_argument("--format", choices=("text", "github"), default="text",
                       help="github: also ::error annotations, and a summary table in $GITHUB_STEP_SUMMARY")
        p.add_argument("--json", action="store_true", help="print the result as JSON")

    if wanted("mcp"):
        p = sub.add_parser("mcp", help="an MCP server for coding agents, over stdio (plantui[mcp])",
                           description="A Model Context Protocol server over stdio: tools list_plans, plan_status, "
                           "next_task, check, tick, untick and mark, for the plans under ROOT (see docs/mcp.md).")
        p.add_argument("root", metavar="ROOT", nargs="?", default=".", help="the folder whose plans it serves (default: here)")
        p.add_argument("--read-only", action="store_true", help="leave out the tools that write (tick, untick, mark)")
        p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    if wanted("completion"):
        p = sub.add_parser("completion", help="the shell completion script: plantui completion bash|zsh|fish")
        p.add_argument("shell", metavar="SHELL", choices=("bash", "zsh", "fish"), help="bash, zsh or fish")

    if wanted("claude"):
        p = sub.add_parser("claude", help="the dashboard on Claude Code's task lists, todos and plans of this project",
                           description="Open the task lists (~/.claude/tasks/<list>/), TodoWrite lists (~/.claude/todos/) and "
                           "plans (plansDirectory, or ~/.claude/plans/) of the project at PATH, newest first, read-only. "
                           "CLAUDE_CONFIG_DIR stands for ~/.claude.")
        p.add_argument("path", metavar="PATH", nargs="?", default=".", help="the project's folder (default: here)")
        p.add_argument("--list", action="store_true", help="print what it would open, one path a line, newest first")
        notify_flags(p)
        p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    if wanted("history"):
        p = sub.add_parser("history", help="the plan's story from git: counts and ticks at each commit")
        p.add_argument("path", metavar="PATH", nargs="?", help="a plan file that git tracks (default: the one plan here)")
        p.add_argument("--since", metavar="DATE", help="only commits from then on: 2025-03-01, 2025-03-01T14:00, 12h, 7d, 2w")
        p.add_argument("--json", action="store_true", help="print JSON (schema 1, see docs/history.md) for scripts")
        p.add_argument("--chart", action="store_true", help="print a burn-up chart: tasks done and in all over time")
    return top


def dashboard_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="plantui", usage=USAGE, description=DASHBOARD, epilog=f"Commands: {', '.join(COMMANDS)}.  " + RULE,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--demo", action="store_true", help="open the dashboard on a copy of an example plan")
    p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")
    p.add_argument("--version", action="version", version=f"plantui {__version__}")
    notify_flags(p)
    return p


def notify_flags(p: argparse.ArgumentParser) -> None:
    """--notify-cmd and --no-title, for the dashboard and watch."""
    p.add_argument("--notify-cmd", metavar="CMD", default=None,
                   help="run CMD (in the shell) for each event, with PLANTUI_EVENT, PLANTUI_PLAN, PLANTUI_TITLE, "
                        "PLANTUI_DETAIL and PLANTUI_LINE set; over notify_cmd in .plantui.toml [notify]")
    p.add_argument("--no-title", action="store_true", help="leave the terminal title alone")


def days(text: str) -> float:
    """``--window``: a number of days (``7``, ``0.5``, ``14d``)."""
    try:
        days = float(text.removesuffix("d"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not 0 < days <= 3650:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of days above 0")
    return days
