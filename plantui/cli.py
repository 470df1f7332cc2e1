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
from .storage import PlanError

COMMANDS = ("status", "tick", "untick", "mark", "sync", "watch")

EXIT_OK, EXIT_OPEN, EXIT_BAD = 0, 1, 2
LOOKED_FOR = "plan.md, tasks.md, TODO.md, specs/*/tasks.md …"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other bad input
        self.exit(EXIT_BAD, f"plantui: {message} (see {self.prog} --help)\n")


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
No PATH means the plans here (the current folder) for the dashboard, status
and watch; tick, untick, mark and sync change one plan file and always take
its PATH first.  'plantui COMMAND --help' for each command."""


def _parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="plantui",
        usage=USAGE,
        description=DASHBOARD,
        epilog=RULE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"plantui {__version__}")
    top.add_argument("--demo", action="store_true", help="open the dashboard on a copy of an example plan")
    sub = top.add_subparsers(dest="command", parser_class=_Parser, title="commands", metavar="COMMAND", prog="plantui")

    p = sub.add_parser("status", help="print the progress of plans (or JSON); no PATH: the plans here")
    p.add_argument("paths", nargs="*", metavar="PATH", help="plan files, or folders to look for plans in (default: here)")
    p.add_argument("--json", action="store_true", help="print JSON (schema 1) for scripts")
    p.add_argument("--check", action="store_true", help="exit 1 while any task is open (for CI)")
    p.add_argument("--window", type=_days, default=7, metavar="DAYS", help="days of history the pace is measured over (default 7)")

    for name, what in (("tick", "mark tasks done"), ("untick", "mark tasks open")):
        p = sub.add_parser(name, help=f"{what}: plantui {name} PLAN 1.1 T012 (or --line N)")
        p.add_argument("path", metavar="PATH")
        p.add_argument("refs", nargs="*", metavar="REF", help="task ids as written in the plan: 1.1, T012")
        p.add_argument("--line", type=int, action="append", default=[], metavar="N", help="the item on line N (1-based)")
        p.add_argument("--no-sync", action="store_true", help="leave Progress/Status/Last Updated fields as they are")

    p = sub.add_parser("mark", help="set any marker: plantui mark PLAN / 2.1 (/ is in progress)")
    p.add_argument("path", metavar="PATH")
    p.add_argument("marker", metavar="MARKER", help="one character: x, ' ', /, -, ~, ⚠️ …")
    p.add_argument("refs", nargs="*", metavar="REF")
    p.add_argument("--line", type=int, action="append", default=[], metavar="N")
    p.add_argument("--no-sync", action="store_true")

    p = sub.add_parser("sync", help="update the Progress / Total Tasks / Status / Last Updated fields")
    p.add_argument("path", metavar="PATH")

    p = sub.add_parser("watch", help="a compact read-only view for a split pane; no PATH: here")
    p.add_argument("path", metavar="PATH", nargs="?", default=".", help="a plan file, or a folder to look in (default: here)")
    return top


def _dashboard_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="plantui", usage=USAGE, description=DASHBOARD, epilog=f"Commands: {', '.join(COMMANDS)}.  " + RULE,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--demo", action="store_true", help="open the dashboard on a copy of an example plan")
    p.add_argument("--version", action="version", version=f"plantui {__version__}")
    return p


def entry() -> None:
    """The ``plantui`` program (console script and ``python -m plantui``)."""
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
        from .source import printable

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
    _parser().print_help()
    return EXIT_OK


def _status(args) -> int:
    from .discover import expand, plans_in
    from .progress import summarize
    from .report import document, plan_json, plan_text, use_color
    from .source import printable
    from .storage import read

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

    results, outlooks = [], []
    for path in paths:
        snap = read(path)
        results.append((str(path), snap.plan, summarize(snap.plan)))
        outlooks.append(outlook(snap.plan, results[-1][2], observed(path, snap.plan), settings=snap.settings,
                                window=timedelta(days=args.window)))
    if args.json:
        doc = document([with_outlook(plan_json(p, plan, s), o) for (p, plan, s), o in zip(results, outlooks)])
        # indented for a person at a terminal; compact for a pipe (the C encoder: ~10× faster on big plans)
        pretty = sys.stdout.isatty()
        text = json.dumps(doc, ensure_ascii=False, indent=2 if pretty else None, separators=None if pretty else (",", ":"))
        sys.stdout.write(printable(text) + "\n")
    else:
        color = use_color(sys.stdout)
        sys.stdout.write(printable("\n\n".join(plan_text(p, plan, s, color, o)
                                                 for (p, plan, s), o in zip(results, outlooks))) + "\n")
    if args.check and any(s.tasks.open for _, _, s in results):
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
    from .source import printable

    marker = {"tick": None, "untick": " "}.get(args.command, getattr(args, "marker", None))
    if marker is not None and not is_marker(marker):
        raise PlanError(f"marker {marker!r} must be one character, as in [x], [/] or [⚠️]")
    result = mark(Path(args.path), _refs(args), marker, sync=not args.no_sync)
    if not result.written:
        print(f"{args.path}: already so; nothing written")
        return EXIT_OK
    for line in result.changed:
        print(printable(line))
    return EXIT_OK


def _sync(args) -> int:
    from .actions import sync, sync_said
    from .source import printable

    result = sync(Path(args.path))
    if not result.written:
        print(printable(sync_said(args.path, result)))
    for line in result.changed:
        print(printable(line))
    return EXIT_OK


def _check_plans(paths: list[Path]) -> None:
    from .storage import read

    for p in paths:
        read(p)  # raises PlanError with a clear sentence before Textual starts


def _watch(args) -> int:
    from .discover import expand

    paths = expand([args.path])
    if not paths:
        here = args.path == "."
        raise PlanError(f"no plan here ({LOOKED_FOR}); give a path" if here else f"no plan found in {args.path}")
    _check_plans(paths[:1])
    from .ui.app import run_watch

    return run_watch(paths[0])


def _dashboard(args) -> int:
    from .discover import expand, plans_in

    folders: list[Path] = []  # the overview watches them for new plans
    if args.demo:
        return _demo()
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
    from .ui.app import run

    return run(paths, folders=folders)


def _demo() -> int:
    """The dashboard on a copy of an example plan in a temporary folder, removed when the app exits."""
    import shutil

    from .discover import demo_copy

    path = demo_copy()
    try:
        from .ui.app import run

        note = f"Demo plan: {path} — edit it from another terminal to see live updates"
        return run([path], note=note)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


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
