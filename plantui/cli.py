"""The ``plantui`` command.

``status``, ``tick``, ``untick``, ``mark`` and ``sync`` never import Textual,
so they start fast; the dashboard and ``watch`` import it when they run.
Bad input gets one line on stderr and exit code 2, and nothing is written.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

from .errors import PlanError  # not from snapshot: that imports the parser

from .arguments import (COMMANDS, EXIT_BAD, EXIT_OK, EXIT_OPEN, LOOKED_FOR,  # noqa: F401 - the command's words
                        command_parser as _parser, dashboard_parser as _dashboard_parser)


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
            args = _parser(argv[0] if argv[0] in COMMANDS else None).parse_args(argv)
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
    from .report import compact_text, decodable, document, plan_json, plan_text, use_color
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

    results, outlooks, dialects, clean = [], [], [], []
    for path in paths:
        snap = read(path)
        results.append((str(path), snap.plan, summarize(snap.plan)))
        dialects.append(snap.settings)
        # a Markdown plan's texts all come from its text: none needs printable() when it has no undecodable byte
        clean.append(args.json and snap.plan.source == "markdown" and decodable(snap.lines.text))
        outlooks.append(outlook(snap.plan, results[-1][2], observed(path, snap.plan, git=args.git), settings=snap.settings,
                                window=timedelta(days=args.window)))
    if args.json:
        # indented for a person at a terminal; compact for a pipe (the C encoder: ~10× faster on big plans),
        # where each plan's items are written straight to text (twice as fast as a dict each, then json.dumps)
        pretty = sys.stdout.isatty()
        plans = [with_outlook(plan_json(p, plan, s, d, clean=c, items=pretty), o)
                 for (p, plan, s), o, d, c in zip(results, outlooks, dialects, clean)]
        if pretty:
            text = json.dumps(document(plans), ensure_ascii=False, indent=2,
                              check_circular=False)  # a tree of fresh dicts and lists: no cycle to look for
        else:
            text = compact_text(plans, clean, [plan for _, plan, _ in results])
        _write_text(text, "\n")
    else:
        color = use_color(sys.stdout)
        sys.stdout.write(printable("\n\n".join(plan_text(p, plan, s, color, o, d)
                                                 for (p, plan, s), o, d in zip(results, outlooks, dialects))) + "\n")
    if args.check and any(s.required_open for _, _, s in results):  # open optional tasks hold no plan open
        return EXIT_OPEN
    return EXIT_OK


def _write_text(text: str, end: str = "") -> None:
    """Write ``text`` and ``end`` to stdout, printable: as UTF-8 bytes at once when stdout is UTF-8 and
    the text holds no undecodable byte (the common case: no copy through :func:`printable`)."""
    from .lines import printable

    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if os.linesep == "\n" and encoding == "utf8" and hasattr(stream, "buffer"):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # an undecodable byte (a lone surrogate): U+FFFD in its place
            data = printable(text).encode("utf-8")
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.write(end.encode("utf-8"))
    else:
        stream.write(printable(text) + end)


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


def _check_plans(paths: list[Path], found: frozenset[Path] = frozenset()) -> dict:
    """Read each plan: a PlanError says why one cannot be shown, before Textual starts.
    A plan ``found`` in a folder (not named) that cannot be read is left to the overview,
    whose row says why, unless no plan can be read.  The reads are handed to the app,
    whose first read of an unchanged plan costs no parse."""
    from .snapshot import read

    reads, errors = {}, []
    for p in paths:
        try:
            reads[p] = read(p)
        except PlanError as exc:
            if p not in found:
                raise
            errors.append(exc)
    if errors and not reads:
        raise errors[0]
    return reads


def _watch(args) -> int:
    from .discover import expand

    paths = sorted(expand([args.path]), key=_changed, reverse=True)  # a folder: the plan worked on now
    if not paths:
        here = args.path == "."
        raise PlanError(f"no plan here ({LOOKED_FOR}); give a path" if here else f"no plan found in {args.path}")
    reads = _check_plans(paths[:1])
    _check_notify(paths[:1])
    _switch_history(args)
    from .ui.app import run_watch

    return run_watch(paths[0], notify_cmd=args.notify_cmd, title=not args.no_title, reads=reads)


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
    named = {Path(p) for p in args.paths}
    reads = _check_plans(paths, found=frozenset(p for p in paths if p not in named) if len(paths) > 1 else frozenset())
    _check_notify(paths)
    _switch_history(args)
    from .ui.app import run

    return run(paths, folders=folders, notify_cmd=args.notify_cmd, title=not args.no_title, reads=reads)


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
    """The dashboard on a copy of an example plan in a temporary folder, removed when the app
    exits, and when the terminal closes (SIGHUP) or the process is told to end (SIGTERM)."""
    import shutil
    import signal

    from .discover import demo_copy

    path = demo_copy()

    def ended(signum, frame) -> None:  # the copy goes, then the signal ends the process as it would have
        shutil.rmtree(path.parent, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    kept = {sig: signal.signal(sig, ended) for sig in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if sig}
    try:
        from .ui.app import run

        note = f"Demo plan: {path} — edit it from another terminal to see live updates"
        if args is None:
            return run([path], note=note)
        return run([path], note=note, notify_cmd=args.notify_cmd, title=not args.no_title)
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
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
