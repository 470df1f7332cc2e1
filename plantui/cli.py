"""The ``plantui`` command.

``status``, ``tick``, ``untick``, ``mark`` and ``sync`` never import Textual,
so they start fast; the dashboard and ``watch`` import it when they run.
Bad input gets one line on stderr and exit code 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

from . import __version__
from .errors import PlanError  # not from snapshot: that imports the parser

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


def _parser() -> argparse.ArgumentParser:
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
    p.add_argument("--window", type=_days, default=7, metavar="DAYS", help="days of history the pace is measured over (default 7)")
    p.add_argument("--git", action="store_true", help="the pace from the plan's git history too (slower: reads every version)")

    for name, what in (("tick", "mark tasks done"), ("untick", "mark tasks open")):
        p = sub.add_parser(name, help=f"{what}: plantui {name} PLAN 1.1 T012 (or --line N)")
        p.add_argument("path", metavar="PATH")
        p.add_argument("refs", nargs="*", metavar="REF", help="task ids as written in the plan: 1.1, T012")
        p.add_argument("--line", type=int, action="append", default=[], metavar="N", help="the item on line N (1-based)")
        p.add_argument("--no-sync", action="store_true", help="leave Progress/Status/Last Updated fields as they are")
        p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    p = sub.add_parser("mark", help="set any marker: plantui mark PLAN / 2.1 (/ is in progress)")
    p.add_argument("path", metavar="PATH")
    p.add_argument("marker", metavar="MARKER", help="one character: x, ' ', /, -, ~, ⚠️ …")
    p.add_argument("refs", nargs="*", metavar="REF")
    p.add_argument("--line", type=int, action="append", default=[], metavar="N")
    p.add_argument("--no-sync", action="store_true")
    p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    p = sub.add_parser("sync", help="update the Progress / Total Tasks / Status / Last Updated fields")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    p = sub.add_parser("watch", help="a compact read-only view for a split pane; no PATH: here")
    p.add_argument("path", metavar="PATH", nargs="?", default=".", help="a plan file, or a folder to look in (default: here)")
    _notify_flags(p)
    p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

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

    p = sub.add_parser("mcp", help="an MCP server for coding agents, over stdio (plantui[mcp])",
                       description="A Model Context Protocol server over stdio: tools list_plans, plan_status, "
                       "next_task, check, tick, untick and mark, for the plans under ROOT (see docs/mcp.md).")
    p.add_argument("root", metavar="ROOT", nargs="?", default=".", help="the folder whose plans it serves (default: here)")
    p.add_argument("--read-only", action="store_true", help="leave out the tools that write (tick, untick, mark)")
    p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    p = sub.add_parser("completion", help="the shell completion script: plantui completion bash|zsh|fish")
    p.add_argument("shell", metavar="SHELL", choices=("bash", "zsh", "fish"), help="bash, zsh or fish")

    p = sub.add_parser("claude", help="the dashboard on Claude Code's task lists, todos and plans of this project",
                       description="Open the task lists (~/.claude/tasks/<list>/), TodoWrite lists (~/.claude/todos/) and "
                       "plans (plansDirectory, or ~/.claude/plans/) of the project at PATH, newest first, read-only. "
                       "CLAUDE_CONFIG_DIR stands for ~/.claude.")
    p.add_argument("path", metavar="PATH", nargs="?", default=".", help="the project's folder (default: here)")
    p.add_argument("--list", action="store_true", help="print what it would open, one path a line, newest first")
    _notify_flags(p)
    p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")

    p = sub.add_parser("history", help="the plan's story from git: counts and ticks at each commit")
    p.add_argument("path", metavar="PATH", nargs="?", help="a plan file that git tracks (default: the one plan here)")
    p.add_argument("--since", metavar="DATE", help="only commits from then on: 2025-03-01, 2025-03-01T14:00, 12h, 7d, 2w")
    p.add_argument("--json", action="store_true", help="print JSON (schema 1, see docs/history.md) for scripts")
    p.add_argument("--chart", action="store_true", help="print a burn-up chart: tasks done and in all over time")
    return top


def _dashboard_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="plantui", usage=USAGE, description=DASHBOARD, epilog=f"Commands: {', '.join(COMMANDS)}.  " + RULE,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--demo", action="store_true", help="open the dashboard on a copy of an example plan")
    p.add_argument("--no-history", action="store_true", help="record nothing in the event log (see docs/history-log.md)")
    p.add_argument("--version", action="version", version=f"plantui {__version__}")
    _notify_flags(p)
    return p


def entry() -> None:
    """The ``plantui`` program (console script and ``python -m plantui``)."""
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (see plantui completion SHELL)
        from .completion import complete

        complete()
    sys.exit(main(exit_now=True))


def main(argv: list[str] | None = None, *, exit_now: bool = False) -> int:
    """Run one command line; ``exit_now``: a short command ends the process itself (see :func:`_exit_now`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS or argv[:1] in (["-h"], ["--help"]):
            args = _parser().parse_args(argv)
            if args.command == "watch" or not gc.isenabled():
                return _run(args)
            gc.disable()  # a command reads, writes and exits: no collector passes over the plan
            try:
                code = _run(args)
                if exit_now:
                    _exit_now(code)
                return code
            finally:
                gc.enable()
        args = _dashboard_parser().parse_args(argv)
        return _dashboard(args)
    except PlanError as exc:
        from .lines import printable

        print(f"plantui: {printable(str(exc))}", file=sys.stderr)
        return EXIT_BAD
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _exit_now(code: int) -> None:
    """End a finished short command at once: output flushed, the plan's objects left to the kernel.

    Its work is done and written (every write is fsynced before it returns);
    freeing the objects of a big plan one by one at exit costs more than
    reading it (~90 ms at 10,000 tasks).
    """
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass  # a reader that left: nothing more to tell it
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _run(args) -> int:
    if args.command == "status":
        return _status(args)
    if args.command in ("tick", "untick", "mark"):
        return _mark(args)
    if args.command == "sync":
        return _sync(args)
    if args.command == "watch":
        return _watch(args)
    if args.command == "check":
        return _check(args)
    if args.command == "mcp":
        return _mcp(args)
    if args.command == "completion":
        return _completion(args)
    if args.command == "history":
        return _history(args)
    if args.command == "claude":
        return _claude(args)
    _parser().print_help()
    return EXIT_OK


def _status(args) -> int:
    if args.line:
        return _status_line(args)
    if args.format or args.color or args.all or args.stdin_json or args.width != 60:
        raise PlanError("--format, --width, --color, --all and --stdin-json go with --line")
    from .discover import expand, plans_in
    from .progress import summarize
    from .report import document, plan_json, plan_text, use_color
    from .lines import printable
    from .snapshot import read

    if not args.paths:
        paths = plans_in(Path("."))  # shown as they are found: specs/001-x/tasks.md
        if not paths:
            raise PlanError(f"no plan here ({LOOKED_FOR}); give a path")
    else:
        paths = expand(args.paths)
    if not paths:
        raise PlanError(f"no plans found in {', '.join(args.paths)} (looked for {LOOKED_FOR})")
    from datetime import timedelta

    from .pace import observed, outlook
    from .report import with_outlook

    results, outlooks, dialects = [], [], []
    for path in paths:
        snap = read(path)
        results.append((str(path), snap.plan, summarize(snap.plan)))
        dialects.append(snap.settings)
        outlooks.append(outlook(snap.plan, results[-1][2], observed(path, snap.plan, git=args.git), settings=snap.settings,
                                window=timedelta(days=args.window)))
    if args.json:
        doc = document([with_outlook(plan_json(p, plan, s, d), o)
                        for (p, plan, s), o, d in zip(results, outlooks, dialects)])
        # indented for a person at a terminal; compact for a pipe (the C encoder: ~10× faster on big plans)
        pretty = sys.stdout.isatty()
        text = json.dumps(doc, ensure_ascii=False, indent=2 if pretty else None, separators=None if pretty else (",", ":"))
        sys.stdout.write(printable(text) + "\n")
    else:
        color = use_color(sys.stdout)
        sys.stdout.write(printable("\n\n".join(plan_text(p, plan, s, color, o, d)
                                                 for (p, plan, s), o, d in zip(results, outlooks, dialects))) + "\n")
    if args.check and any(s.required_open for _, _, s in results):  # open optional tasks hold no plan open
        return EXIT_OPEN
    return EXIT_OK


def _refs(args) -> list[str | int]:
    refs: list[str | int] = list(args.refs) + list(args.line)
    if not refs:
        raise PlanError("name at least one task: an id as written in the plan (1.1, T012) or --line N")
    return refs


def _mark(args) -> int:
    from .actions import mark
    from .config import is_marker
    from .lines import printable

    marker = {"tick": None, "untick": " "}.get(args.command, getattr(args, "marker", None))
    if marker is not None and not is_marker(marker):
        raise PlanError(f"marker {marker!r} must be one character, as in [x], [/] or [⚠️]")
    refs = _refs(args)
    log = _history_log(args)
    result = mark(Path(args.path), refs, marker, sync=not args.no_sync)
    if log is not None:
        _record_cli(log, Path(args.path), result, refs)
    if not result.written:
        print(f"{args.path}: already so; nothing written")
        return EXIT_OK
    for line in result.changed:
        print(printable(line))
    return EXIT_OK


def _sync(args) -> int:
    from .actions import left_as_written, sync, sync_said
    from .lines import printable

    log = _history_log(args)
    result = sync(Path(args.path))
    if log is not None:
        _record_cli(log, Path(args.path), result, [])
    if not result.written:
        print(printable(sync_said(args.path, result)))
    for line in result.changed:
        print(printable(line))
    if result.written:  # what it wrote, then what it did not (a hand-written breakdown)
        for said in left_as_written(result.snapshot.plan):
            print(printable(said))
    return EXIT_OK


def _check_plans(paths: list[Path]) -> None:
    from .snapshot import read

    for p in paths:
        read(p)  # raises PlanError with a clear sentence before Textual starts


def _watch(args) -> int:
    from .discover import expand

    paths = expand([args.path])
    if not paths:
        here = args.path == "."
        raise PlanError(f"no plan here ({LOOKED_FOR}); give a path" if here else f"no plan found in {args.path}")
    _check_plans(paths[:1])
    _check_notify(paths[:1])
    _switch_history(args)
    from .ui.app import run_watch

    return run_watch(paths[0], notify_cmd=args.notify_cmd, title=not args.no_title)


def _dashboard(args) -> int:
    from .discover import expand, plans_in

    folders: list[Path] = []  # the overview watches them for new plans
    if args.demo:
        return _demo(args)
    if args.paths:
        paths = expand(args.paths)
        folders = [Path(p) for p in args.paths if Path(p).is_dir()]
        if not paths:
            raise PlanError(f"no plans found in {', '.join(args.paths)}; try plantui --demo")
    else:
        paths = plans_in(Path.cwd())
        folders = [Path.cwd()]
        if not paths:
            raise PlanError(f"no plan here ({LOOKED_FOR}); try plantui --demo, or give a path")
    _check_plans(paths)
    _check_notify(paths)
    _switch_history(args)
    from .ui.app import run

    return run(paths, folders=folders, notify_cmd=args.notify_cmd, title=not args.no_title)


def _claude(args) -> int:
    """``plantui claude [PATH]``: the dashboard on the Claude Code lists of the project at PATH."""
    from .claude_store import config_dir, project_lists

    project = Path(args.path)
    if not project.is_dir():
        raise PlanError(f"{args.path}: not a folder (plantui claude PATH opens the Claude Code lists of the project PATH)")
    config = config_dir()
    paths = project_lists(project, config)
    if not paths:
        raise PlanError(f"no Claude Code task lists, todos or plans for {project.resolve()} in {config}")
    if args.list:
        from .lines import printable

        sys.stdout.write("".join(printable(f"{p}\n") for p in paths))
        return EXIT_OK
    _check_notify(paths)
    _switch_history(args)
    from .ui.app import run

    return run(paths, notify_cmd=args.notify_cmd, title=not args.no_title, order="last change")  # newest first


def _demo(args=None) -> int:
    """The dashboard on a copy of an example plan in a temporary folder, removed when the app exits."""
    import shutil

    from .discover import demo_copy

    path = demo_copy()
    try:
        from .ui.app import run

        note = f"Demo plan: {path} — edit it from another terminal to see live updates"
        if args is None:
            return run([path], note=note)
        return run([path], note=note, notify_cmd=args.notify_cmd, title=not args.no_title)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


# --- status --line and check --------------------------------------------------


def _chosen_plans(paths: list[str], every: bool) -> list[Path]:
    """The plans named: files as given; for a folder (none given: here) its plans,
    most recently changed first, only the first unless ``every``."""
    out: list[Path] = []
    for raw in paths or ["."]:
        p = Path(raw)
        if not p.is_dir():  # a file: as given (a status line's warm path imports no reader)
            out.append(p)
            continue
        from .claude_store import is_task_list
        from .discover import plans_in

        if is_task_list(p):  # a Claude Code task list: a folder that is one plan
            out.append(p)
            continue

        found = plans_in(p)
        if not found:
            here = raw == "." and not paths
            raise PlanError(f"no plan here ({LOOKED_FOR}); give a path" if here else
                            f"no plans found in {raw} (looked for {LOOKED_FOR})")
        found.sort(key=_changed, reverse=True)
        out.extend(found if every else found[:1])
    return out


def _changed(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _folder_from_stdin() -> str:
    """The folder in the JSON on stdin: Claude Code's ``workspace.current_dir`` (or ``cwd``)."""
    try:
        data = json.loads(sys.stdin.read() or "{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlanError(f"--stdin-json: stdin is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise PlanError("--stdin-json: stdin holds no JSON object")
    space = data.get("workspace")
    folder = (space.get("current_dir") if isinstance(space, dict) else None) or data.get("cwd")
    if not isinstance(folder, str) or not folder:
        raise PlanError("--stdin-json: the JSON on stdin names no folder (workspace.current_dir or cwd)")
    return folder


def _line_values(path: Path) -> dict:
    """The values of a plan's line: from the cache when nothing it was made from changed, else read."""
    from . import statcache
    from .statusline import fields_of, usable

    real = os.path.realpath(path)
    when = statcache.now()
    known = statcache.identity(real) if os.path.isfile(real) else None
    if known is not None:
        values = statcache.lookup(real, known[0])
        if usable(values):
            return values
    from .progress import summarize
    from .snapshot import read

    snap = read(path)
    values = fields_of(snap.plan, summarize(snap.plan))
    if known is not None:
        after = statcache.identity(real)
        if after is not None and after[0] == known[0]:  # unchanged while it was read
            statcache.store(real, known[0], known[1], values, when)
    return values


def _status_line(args) -> int:
    from .statusline import FormatError, check_format, render

    if args.json:
        raise PlanError("--line and --json: choose one")
    if args.width < 0:
        raise PlanError(f"--width must be 0 (no limit) or more, not {args.width}")
    try:
        if args.format is not None:
            check_format(args.format)
    except FormatError as exc:
        raise PlanError(str(exc)) from None
    paths = list(args.paths)
    if args.stdin_json and not paths:
        paths = [_folder_from_stdin()]
    plans = _chosen_plans(paths, args.all)
    several = len(plans) > 1
    lines, any_open = [], False
    for path in plans:
        values = _line_values(path)
        if args.format is not None and "{eta}" in args.format:
            values = {**values, "eta": _eta_of(path)}  # the clock and the event log: never from the cache
        any_open = any_open or (values["open"] > 0 and values["status"] != "Complete")  # (open optional ones)
        try:
            lines.append(render(values, args.format, args.width, args.color, str(path) if several else ""))
        except FormatError as exc:
            raise PlanError(str(exc)) from None
    sys.stdout.write("\n".join(lines) + "\n")
    if args.check and any_open:
        return EXIT_OPEN
    return EXIT_OK


def _eta_of(path: Path) -> str:
    """``{eta}`` of a status line: the plan's ETA from what was seen of it (asked for by name
    in ``--format`` only, since it reads the plan and the event log, where the rest is cached)."""
    from .pace import eta_text, observed, outlook
    from .progress import summarize
    from .snapshot import read

    snap = read(path)
    eta = outlook(snap.plan, summarize(snap.plan), observed(path, snap.plan), settings=snap.settings).plan
    return "" if eta.state == "not enough history" else eta_text(eta)  # a status bar stays short


def _check(args) -> int:
    from .gate import GateError, check
    from .progress import summarize
    from .lines import printable
    from .snapshot import read

    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if args.format == "github" else None
    results = []
    for path in _chosen_plans(args.paths, args.all):
        snap = read(path)
        try:
            result = check(snap.plan, summarize(snap.plan), args.phase, args.checkpoint, args.through)
        except GateError as exc:
            raise PlanError(f"{path}: {exc}") from None
        results.append((str(path), result))
    complete = all(r.complete for _, r in results)
    if summary_file:
        _step_summary(summary_file, results)
    if args.json:
        doc = {"schema": 1, "complete": complete,
               "plans": [{"path": p, **r.as_dict()} for p, r in results]}
        sys.stdout.write(printable(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n")
        return EXIT_OK if complete else EXIT_OPEN
    out = []
    for p, r in results:
        if args.format == "github":
            out.extend(_annotations(p, r))
        out.append(f"{p}: {r.verdict()}" if r.scope == "the plan" else f"{p} ({r.scope}): {r.verdict()}")
        out.extend(f"  {line}" for line in r.lines())
    sys.stdout.write(printable("\n".join(out)) + "\n")
    return EXIT_OK if complete else EXIT_OPEN


def _gh(text: str, prop: bool = False) -> str:
    """Escaped for a GitHub Actions workflow command (its message, or ``prop``: a property)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _annotations(path: str, result) -> list[str]:
    """``::error file=…,line=…`` for the first open boxes (GitHub shows ten per step)."""
    items = result.open_items
    out = [f"::error file={_gh(path, True)},line={it.line},title={_gh('Open in ' + result.scope, True)}::"
           f"{_gh(it.label)}" for it in items[:10]]
    if len(items) > 10:
        out.append(f"::error file={_gh(path, True)}::{len(items) - 10} more open in {_gh(result.scope)}")
    return out


def _step_summary(file: str, results) -> None:
    """Append a Markdown table of what is open to ``$GITHUB_STEP_SUMMARY``."""
    from .lines import printable

    def cell(text: str) -> str:
        return printable(text).replace("|", "\\|")

    md = []
    for p, r in results:
        md.append(f"### plantui check: `{cell(p)}` — {'✅ complete' if r.complete else '❌ not complete'}\n")
        md.append(f"{cell(r.scope[:1].upper() + r.scope[1:])}: {cell(r.verdict())}\n")
        if r.groups:
            md.append("| Scope | Open | Open boxes |")
            md.append("|---|---|---|")
            for g in r.groups:
                names = ", ".join(it.label for it in g.open[:8]) + (", …" if len(g.open) > 8 else "")
                if not g.open:
                    names = "waiting for " + ", ".join(g.waiting) if g.waiting else "not passed"
                md.append(f"| {cell(g.name)} | {len(g.open)} of {g.total} | {cell(names)} |")
        md.append("")
    try:
        with open(file, "a", encoding="utf-8", newline="") as fh:
            fh.write("\n".join(md) + "\n")
    except OSError as exc:
        raise PlanError(f"GITHUB_STEP_SUMMARY {file}: cannot write it ({exc.strerror or exc})") from None


# --- notifications and the terminal title -----------------------------------


def _notify_flags(p: argparse.ArgumentParser) -> None:
    """--notify-cmd and --no-title, for the dashboard and watch."""
    p.add_argument("--notify-cmd", metavar="CMD", default=None,
                   help="run CMD (in the shell) for each event, with PLANTUI_EVENT, PLANTUI_PLAN, PLANTUI_TITLE, "
                        "PLANTUI_DETAIL and PLANTUI_LINE set; over notify_cmd in .plantui.toml [notify]")
    p.add_argument("--no-title", action="store_true", help="leave the terminal title alone")


def _check_notify(paths: list[Path]) -> None:
    """The [notify] settings of each plan, checked before Textual starts: a bad one is one line, exit 2."""
    from .config import ConfigError, load_notify

    for p in paths:
        try:
            load_notify(p)
        except ConfigError as exc:
            raise PlanError(str(exc)) from None


# --- the MCP server and shell completion -------------------------------------


def _mcp(args) -> int:
    """``plantui mcp [ROOT]``: serve the plans under ROOT to an agent over stdio until it hangs up."""
    root = Path(args.root)
    if not root.is_dir():
        raise PlanError(f"{args.root}: not a folder (plantui mcp ROOT serves the plans under the folder ROOT)")
    try:
        from .mcp_server import serve
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("mcp", "mcp_types", "pydantic", "anyio"):
            raise
        raise PlanError("the MCP server needs the mcp package: install plantui[mcp] for this") from None
    gc.enable()  # a server runs for hours: the collector's passes belong to it
    return serve(root, read_only=args.read_only, record=not args.no_history)


def _completion(args) -> int:
    """``plantui completion SHELL``: the completion script, made by argcomplete from the parser."""
    from .completion import script

    sys.stdout.write(script(args.shell))
    return EXIT_OK


# --- history from git ---------------------------------------------------------


def _history(args) -> int:
    import shutil

    from .history import history_json, history_text, parse_since, read_history
    from .report import use_color
    from .lines import printable

    if args.json and args.chart:
        raise PlanError("history: choose --json or --chart, not both")
    if args.chart:
        from .history_chart import MISSING, available

        if not available():
            raise PlanError(MISSING)  # before git runs
    since = parse_since(args.since) if args.since else None  # a bad date is said before git runs
    if args.path is None:  # the one plan here, or say which to name
        from .discover import plans_in

        found = plans_in(Path("."))
        if not found:
            raise PlanError(f"no plan here ({LOOKED_FOR}); give a path")
        if len(found) > 1:
            names = ", ".join(str(p) for p in found[:3]) + (" …" if len(found) > 3 else "")
            raise PlanError(f"{len(found)} plans here ({names}); name the one whose history to show")
        args.path = str(found[0])
    history = read_history(Path(args.path))
    whole = len(history.commits)
    shown = history.since(since) if since is not None else history
    if args.json:
        pretty = sys.stdout.isatty()
        text = json.dumps(history_json(shown, whole), ensure_ascii=False, indent=2 if pretty else None,
                          separators=None if pretty else (",", ":"))
        sys.stdout.write(printable(text) + "\n")
        return EXIT_OK
    if args.chart:
        from .history_chart import ChartMissing, burnup_text, key

        if not shown.commits:  # nothing to draw: said as the text says it
            sys.stdout.write(printable(history_text(shown, total=whole, name=args.path)) + "\n")
            return EXIT_OK
        size = shutil.get_terminal_size((80, 24))
        last = shown.commits[-1]
        color = use_color(sys.stdout)
        title = (f"{args.path}: {last.tasks.done}/{last.tasks.countable} tasks done, {len(shown.commits)} commits"
                 f"   {key(color)}")
        try:
            chart = burnup_text(shown.points(), size.columns, max(8, min(size.lines - 3, 24)),
                                color=color)
        except ChartMissing as exc:
            raise PlanError(str(exc)) from None
        sys.stdout.write(printable(title + "\n" + chart) + "\n")
        return EXIT_OK
    text = history_text(shown, history.settings, color=use_color(sys.stdout), total=whole, name=args.path)
    sys.stdout.write(printable(text) + "\n")
    return EXIT_OK


# --- the event log -----------------------------------------------------------


def _switch_history(args) -> None:
    """The dashboard and watch record what they see unless ``--no-history`` (the demo never does)."""
    from . import eventlog

    eventlog.switch(not getattr(args, "no_history", False))


def _history_log(args):
    """The event log a change from the command line goes to (None with ``--no-history``)."""
    if getattr(args, "no_history", False):
        return None
    from .config import ConfigError

    try:
        from .eventlog import log_for_change
    except ImportError:  # a Python built without sqlite3: nothing is recorded
        return None

    try:
        return log_for_change(Path(args.path))
    except ConfigError as exc:
        raise PlanError(str(exc)) from None


def _record_cli(log, path: Path, result, refs: list) -> None:
    from .eventlog import record_change

    record_change(log, path, result, refs, origin="cli")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def _days(text: str) -> float:
    """``--window``: a number of days (``7``, ``0.5``, ``14d``)."""
    try:
        days = float(text.removesuffix("d"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not 0 < days <= 3650:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of days above 0")
    return days
