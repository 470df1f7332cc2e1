"""plantui as a Model Context Protocol server (``plantui mcp [ROOT]``), over stdio.

Built on the official ``mcp`` SDK (the optional extra ``plantui[mcp]``).  An
agent asks it where the work stands instead of parsing the plan itself:
``list_plans``, ``plan_status``, ``next_task`` and ``check`` read; ``tick``,
``untick`` and ``mark`` write through :func:`plantui.actions.mark`, the CLI's
own locked write path, and are refused with the CLI's own sentences.
``read_only`` leaves the write tools out.  Every plan under ROOT is also a
resource: ``plantui://plan/{path}`` (the Markdown) and
``plantui://status/{path}`` (the JSON of ``status --json``).  A path outside
ROOT is refused.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.types import Resource, ToolAnnotations

from . import __version__
from .actions import mark as mark_plan
from .config import ConfigError, is_marker
from .eventlog import log_for_change, record_change
from .discover import plans_in
from .gate import GateError
from .gate import check as check_gate
from .model import Plan
from .progress import BLOCKED, Summary, next_task, summarize
from .report import document, plan_json
from .lines import printable
from .errors import PlanError
from .snapshot import read

INSTRUCTIONS = """\
plantui reads the Markdown implementation plans (plan.md, tasks.md, TODO.md, specs/*/tasks.md ...) under one
folder. Ask it where the work stands instead of reading the file: next_task gives the task to do now (phases,
blocked phases and task dependencies respected); tick it when it is really done; check says what is still open
before you claim a phase or the plan is complete. Plans are named by their path relative to that folder."""


class Plans:
    """The plans under one folder, named by their paths relative to it."""

    def __init__(self, root: Path, shown: str | None = None):
        self.root = root
        self.real = root.resolve()
        self.shown = shown or str(root)  # how sentences name the root

    def found(self) -> list[str]:
        """The plans under the root, as relative paths (``specs/001-x/tasks.md``)."""
        return [p.relative_to(self.root).as_posix() for p in plans_in(self.root)]

    def path(self, plan: str | None) -> Path:
        """The file a caller means (relative to the root, or absolute inside it); no name: the only plan.
        Raises PlanError (one sentence) for a path outside the root, or when the choice is not clear."""
        if not plan:
            found = self.found()
            if len(found) == 1:
                return Path(found[0])
            if not found:
                raise PlanError(f"no plan under {self.shown} (looked for plan.md, tasks.md, TODO.md, specs/*/tasks.md …)")
            raise PlanError(f"{len(found)} plans under {self.shown}; name one: {_some(found)}")
        given = Path(plan)
        full = given if given.is_absolute() else self.root / given
        real = full.resolve()
        if real != self.real and self.real not in real.parents:
            raise PlanError(f"{plan}: outside {self.shown}; this server serves the plans under it only")
        rel = Path(os.path.relpath(full, self.root)) if given.is_absolute() else given
        if (self.root / rel).is_dir():
            inside = [p.relative_to(self.root) for p in plans_in(self.root / rel)]
            if len(inside) != 1:
                what = f"{len(inside)} plans ({_some([p.as_posix() for p in inside])})" if inside else "no plan"
                raise PlanError(f"{plan} is a folder holding {what}; name a plan file")
            return inside[0]
        return rel

    def read(self, plan: str | None):
        """The plan's name, as relative path, its snapshot and its summary."""
        path = self.path(plan)
        snap = read(self.root / path)
        return path.as_posix(), snap, summarize(snap.plan)


def _some(names: list[str], most: int = 8) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _refused(exc: Exception) -> ToolError:
    """The sentence the CLI prints after "plantui: ", as the tool's error."""
    return ToolError(printable(str(exc)))


# --- what the tools answer ---------------------------------------------------------------------------------------


def compacted(doc: dict) -> dict:
    """The status JSON without its per-item lists: counts, phases, checkpoints and the next task."""
    keep = ("path", "title", "status", "tasks", "checks", "next_task")
    out = {k: doc[k] for k in keep}
    out["phases"] = [{k: ph[k] for k in ("title", "number", "status", "done", "total", "percent", "blocked_by")}
                     for ph in doc["phases"]]
    out["checkpoints"] = [{k: cp[k] for k in ("title", "status", "done", "total")} for cp in doc["checkpoints"]]
    out["drift"] = [f["key"] for f in doc["fields"] if f["drift"]]
    out["warnings"] = len(doc["warnings"])
    return out


def _task(plan: Plan, k: int) -> dict:
    it = plan.items[k]
    phase = plan.phases[it.phase].title if it.phase is not None else None
    return {"line": it.line, "id": it.id, "text": printable(it.text), "marker": printable(it.marker),
            "phase": printable(phase) if phase is not None else None}


def waiting_for(plan: Plan) -> dict[str, list[str]]:
    """Task ids of the plan's task graph (``a → b``) that wait for tasks still open: id → the open ones."""
    state = {it.id.lower(): it.state.closed for it in plan.items if it.id}
    out: dict[str, list[str]] = {}
    for e in plan.graph:
        if not state.get(e.before.lower(), True):
            out.setdefault(e.after.lower(), []).append(e.before)
    return out


def next_of(plan: Plan, summary: Summary) -> dict:
    """The task to do now: the summary's next task (open, deepest first, its phase not blocked, optional ones
    last), passing over tasks that wait in the task graph for open ones; with why when there is none."""
    waits = waiting_for(plan)
    first = summary.next_task
    if first is None or not waits:
        pick = first
    else:
        pick = next_task(plan, summary.phases, waits=lambda it: (it.id or "").lower() in waits)
    if pick is not None:
        return {"next_task": _task(plan, pick), "reason": None}
    t = summary.tasks
    if t.total == 0:
        why = "the plan has no tasks"
    elif not t.open:
        why = "every task is done"
    elif first is not None:
        why = "every open task waits for another in the task graph"
    elif any(st.status == BLOCKED for st in summary.phases):
        blocked = [printable(ph.title) for ph, st in zip(plan.phases, summary.phases) if st.status == BLOCKED]
        why = "the open tasks are in blocked phases: " + _some(blocked, 4)
    else:
        why = "the open tasks are in progress or have open sub-tasks"
    return {"next_task": None, "reason": why}


def gate(name: str, plan: Plan, summary: Summary, phase: str | None, checkpoint: str | None,
         through: str | None) -> dict:
    """``plantui check`` as data: :func:`plantui.gate.check`'s result, and the lines the CLI prints."""
    try:
        result = check_gate(plan, summary, phase, checkpoint, through)
    except GateError as exc:
        raise PlanError(f"{name}: {exc}") from None
    head = f"{name}: {result.verdict()}" if result.scope == "the plan" else f"{name} ({result.scope}): {result.verdict()}"
    said = [head] + [f"  {line}" for line in result.lines()]
    doc = {"plan": name, **result.as_dict(), "said": said}
    return json.loads(printable(json.dumps(doc, ensure_ascii=False)))


def refs_of(tasks: list[str] | None, lines: list[int] | None) -> list[str | int]:
    """The items named, as the CLI takes them; no name: the CLI's refusal."""
    refs: list[str | int] = list(tasks or []) + list(lines or [])
    if not refs:
        raise PlanError("name at least one task: an id as written in the plan (1.1, T012) or --line N")
    return refs


# --- the server ---------------------------------------------------------------------------------------------------


class _Server(MCPServer):
    """An MCPServer whose resource list is the plans under the root at the time it is asked."""

    plans: Plans

    async def list_resources(self) -> list[Resource]:
        return [Resource(uri=f"plantui://{kind}/{rel}", name=f"{rel} ({what})", mime_type=mime)
                for rel in self.plans.found()
                for kind, what, mime in (("plan", "Markdown", "text/markdown"), ("status", "status JSON", "application/json"))]


def build(root: Path, read_only: bool = False, shown: str | None = None, record: bool = True) -> MCPServer:
    """The server for the plans under ``root`` (not yet running); ``shown``: how to name the root;
    ``record``: its ticks go to the event log (origin "mcp"), as the CLI's do."""
    plans = Plans(root, shown)
    server = _Server(name="plantui", title="plantui", version=__version__, instructions=INSTRUCTIONS,
                     log_level="WARNING")  # a refusal is the client's answer, not news for the log
    server.plans = plans
    reading = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    def read_or_refuse(plan: str | None):
        try:
            return plans.read(plan)
        except PlanError as exc:
            raise _refused(exc) from None

    def status_of(plan: str | None) -> dict:
        name, snap, summary = read_or_refuse(plan)
        from .pace import observed, outlook
        from .report import with_outlook

        return with_outlook(plan_json(name, snap.plan, summary, snap.settings),
                            outlook(snap.plan, summary, observed(name, snap.plan), settings=snap.settings))

    @server.tool(annotations=reading)
    def list_plans() -> dict[str, Any]:
        """The plans under the server's folder: path, title, status, tasks done of total, percent, next task id."""
        out = []
        for rel in plans.found():
            try:
                _, snap, s = plans.read(rel)
            except PlanError as exc:
                out.append({"path": rel, "error": printable(str(exc))})
                continue
            nxt = snap.plan.items[s.next_task] if s.next_task is not None else None
            out.append({"path": rel, "title": printable(snap.plan.title), "status": s.status, "done": s.tasks.done,
                        "total": s.tasks.countable, "percent": s.tasks.percent,
                        "next_task": None if nxt is None else (nxt.id or printable(nxt.text))})
        return {"root": plans.shown, "plans": out}

    @server.tool(annotations=reading)
    def plan_status(plan: str | None = None, compact: bool = False) -> dict[str, Any]:
        """One plan's status: the JSON of `plantui status --json` (schema 1: tasks, checks, phases, checkpoints,
        fields, every item), or with compact=true only the counts, phases, checkpoints and next task.
        plan: its path relative to the server's folder; may be left out when the folder holds one plan."""
        doc = status_of(plan)
        return document([compacted(doc) if compact else doc])

    @server.tool(annotations=reading)
    def next_task(plan: str | None = None) -> dict[str, Any]:
        """The task to do now: the first open task, deepest first, in a phase that is not blocked, not waiting
        for an open task in the plan's task graph (optional tasks last); null with the reason when there is none.
        plan: its path relative to the server's folder; may be left out when the folder holds one plan."""
        name, snap, summary = read_or_refuse(plan)
        return {"plan": name, **next_of(snap.plan, summary), "tasks": {"done": summary.tasks.done,
                                                                       "total": summary.tasks.countable}}

    @server.tool(annotations=reading)
    def check(plan: str | None = None, phase: str | None = None, checkpoint: str | None = None,
              through: str | None = None) -> dict[str, Any]:
        """The completion gate, as `plantui check`: is the scope complete? Scope: the whole plan (every task and
        check); or phase (its number, name or title: "2", "Phase 2"); or checkpoint (its checks); or
        through=PHASE, everything up to the end of that phase. Answers complete (true/false), the open boxes
        by phase and checkpoint, and "said": what the CLI prints. Use it before saying the work is done."""
        try:
            name, snap, summary = plans.read(plan)
            return gate(name, snap.plan, summary, phase, checkpoint, through)
        except PlanError as exc:
            raise _refused(exc) from None

    if not read_only:
        writing = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                  open_world_hint=False)

        def write(plan: str | None, tasks: list[str] | None, lines: list[int] | None, marker: str | None,
                  sync: bool) -> dict[str, Any]:
            try:
                path = plans.path(plan)
                if marker is not None and not is_marker(marker):
                    raise PlanError(f"marker {marker!r} must be one character, as in [x], [/] or [⚠️]")
                log = log_for_change(path) if record else None
                refs = refs_of(tasks, lines)
                result = mark_plan(path, refs, marker, sync=sync)
            except (PlanError, ConfigError) as exc:
                raise _refused(exc) from None
            if log is not None:
                record_change(log, path, result, refs, origin="mcp")
            name = path.as_posix()
            summary = result.snapshot.summary()
            said = [printable(c) for c in result.changed] if result.written else [f"{name}: already so; nothing written"]
            return {"plan": name, "written": result.written, "changed": said,
                    "tasks": {"done": summary.tasks.done, "total": summary.tasks.countable},
                    **next_of(result.snapshot.plan, summary)}

        @server.tool(annotations=writing)
        def tick(tasks: list[str] | None = None, plan: str | None = None, lines: list[int] | None = None,
                 sync: bool = True) -> dict[str, Any]:
            """Mark tasks done in the plan file, as `plantui tick PLAN 1.1 T012` does: only their checkbox
            changes (and the plan's Progress/Status/Last Updated fields when it has them, unless sync=false).
            tasks: ids as written in the plan (1.1, T012); lines: 1-based line numbers of items instead.
            Tick a task only when it is really done. Answers the lines changed and the next task."""
            return write(plan, tasks, lines, None, sync)

        @server.tool(annotations=writing)
        def untick(tasks: list[str] | None = None, plan: str | None = None, lines: list[int] | None = None,
                   sync: bool = True) -> dict[str, Any]:
            """Mark tasks open again (`[ ]`), as `plantui untick PLAN 1.1` does. tasks: ids as written (1.1,
            T012); lines: 1-based line numbers of items instead."""
            return write(plan, tasks, lines, " ", sync)

        @server.tool(annotations=writing)
        def mark(marker: str, tasks: list[str] | None = None, plan: str | None = None,
                 lines: list[int] | None = None, sync: bool = True) -> dict[str, Any]:
            """Set any one-character marker on tasks, as `plantui mark PLAN / 2.1` does: "/" in progress,
            "~" skipped, "x" done, " " open (or the plan's own markers, e.g. "-", "⚠️"; plan_status's
            "markers" says what each means in that plan)."""
            return write(plan, tasks, lines, marker, sync)

    def resource_plans(path: str):
        try:
            return plans.read(path)
        except PlanError as exc:
            raise ResourceError(printable(str(exc))) from None

    @server.resource("plantui://plan/{+path}", name="plan", mime_type="text/markdown",
                     description="A plan file's Markdown; path relative to the server's folder")
    def plan_markdown(path: str) -> str:
        _, snap, _ = resource_plans(path)
        return snap.lines.text

    @server.resource("plantui://status/{+path}", name="status", mime_type="application/json",
                     description="A plan's status: the JSON of `plantui status --json`")
    def plan_status_json(path: str) -> str:
        name, snap, summary = resource_plans(path)
        return json.dumps(document([plan_json(name, snap.plan, summary, snap.settings)]), ensure_ascii=False)

    return server


def serve(root: Path, read_only: bool = False, record: bool = True) -> int:
    """Run the server over stdio until the client closes it.  The process works from ``root``, so the
    plans' names in its answers and refusals read as the CLI's do there."""
    if not root.is_dir():
        raise PlanError(f"{root}: not a folder (plantui mcp ROOT serves the plans under the folder ROOT)")
    shown = str(root.resolve())
    os.chdir(root)
    server = build(Path("."), read_only, shown, record)
    server.run("stdio")
    return 0
