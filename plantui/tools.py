"""Which tool keeps a plan, the feature it belongs to, and whether it is archived: from its path.

Each tool lays its plans out its own way (Spec Kit ``specs/001-x/tasks.md``,
Kiro ``.kiro/specs/x/tasks.md``, a Cursor plan ``.cursor/plans/x_1a2b3c4d.plan.md``...).
:func:`rule` reads one file's place in such a layout from its folder's names
and its own name; discovery (:mod:`plantui.discover`) asks it of every file it
walks past, :func:`describe` of one path (``status --json``'s ``"tool"``, the
overview's groups).  Names only, but for the Claude plans folder a project's
``.claude/settings.json`` names (:func:`claude_plans_folders`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import NamedTuple

# The tools and their names, in the order the overview groups them; "markdown" is a plan no tool is known to keep.
TOOL_NAMES = {"speckit": "Spec Kit", "kiro": "Kiro", "openspec": "OpenSpec", "cursor": "Cursor", "codex": "Codex",
              "claude": "Claude Code", "taskmaster": "Task Master", "bmad": "BMAD", "agent-os": "Agent OS",
              "conductor": "Conductor", "antigravity": "Antigravity", "markdown": "Markdown"}
TOOLS = tuple(TOOL_NAMES)

# The usual names of a plan: in the folder named, and in a feature folder of a layout.
USUAL_NAMES = ("plan.md", "tasks.md", "PLAN.md", "TASKS.md", "TODO.md", "ROADMAP.md", "IMPLEMENTATION_PLAN.md",
               "task.md", "todo.md")
ROOT_NAMES = USUAL_NAMES + ("PLANS.md", "implementation_plan.md")  # a plan when in the folder named
AGENT_OS = (".agent-os", "agent-os")
CURSOR_SLUG = re.compile(r"_[0-9a-f]{8}$")

# Where a file of a rule is a plan: "layout" wherever it is; "look" if it looks like one
# (boxes, a Status: line, todos: in its front matter); "root" only in the folder named.
LAYOUT, LOOK, ROOT = "layout", "look", "root"


class Place(NamedTuple):
    """A plan's tool (one of :data:`TOOLS`), its feature (spec, change, story... folder or file name) and
    whether it is archived or completed (OpenSpec ``archive/``, Spec Kit ``specs/completed/``...)."""

    tool: str
    feature: str | None = None
    archived: bool = False

    @property
    def tool_name(self) -> str:
        return TOOL_NAMES.get(self.tool, self.tool)


def rule(folder: tuple[str, ...], name: str) -> tuple[Place, str] | None:
    """The place of a file ``name`` in the folder whose names (from the top) are ``folder``,
    and where it counts as a plan (:data:`LAYOUT`, :data:`LOOK` or :data:`ROOT`); None: never a plan."""
    f = folder
    md = name.endswith(".md")
    last = f[-1] if f else ""
    # Cursor: .cursor/plans/<slug>_<8hex>.plan.md
    if f[-2:] == (".cursor", "plans") and name.endswith(".plan.md"):
        return Place("cursor", CURSOR_SLUG.sub("", name[: -len(".plan.md")])), LAYOUT
    if name == "tasks.json":
        return (Place("taskmaster"), LAYOUT) if f[-2:] == (".taskmaster", "tasks") else None
    if not md:
        return None
    # Codex ExecPlans: PLANS.md, .agent/PLANS.md, .agent/plans/*.md, .agent/execplans/*.md, docs/exec-plans/**
    if name == "PLANS.md":
        return Place("codex"), LAYOUT if last == ".agent" else ROOT
    if f[-2:] in ((".agent", "plans"), (".agent", "execplans")):
        return Place("codex", name[:-3]), LAYOUT
    if name in USUAL_NAMES and (".agent" in f or ".cursor" in f):  # a usual name in an agent's folder
        return Place("codex" if ".agent" in f else "cursor"), LAYOUT
    at = _find(f, "docs", "exec-plans")
    if at is not None:
        return Place("codex", name[:-3], "completed" in f[at + 2:]), LOOK
    # Claude Code: its plans folder, tasks/todo.md, .planning/ (GSD)
    if f[-2:] == (".claude", "plans"):
        return Place("claude", name[:-3]), LAYOUT
    if last == "tasks" and name == "todo.md":
        return Place("claude"), LAYOUT
    if ".planning" in f and (name in USUAL_NAMES or name.endswith("-PLAN.md")):  # GSD: phases/01-x/01-01-PLAN.md
        return Place("claude", last if last != ".planning" else None), LAYOUT
    # BMAD: docs/stories/*.story.md, _bmad-output/**/*.md
    if f[-2:] == ("docs", "stories") and name.endswith(".story.md"):
        return Place("bmad", name[: -len(".story.md")]), LAYOUT
    if "_bmad-output" in f:
        return Place("bmad", name[:-3]), LOOK
    # Agent OS: .agent-os/specs/*/tasks.md, .agent-os/product/roadmap.md
    if len(f) >= 3 and f[-3] in AGENT_OS and f[-2] == "specs" and name == "tasks.md":
        return Place("agent-os", last), LAYOUT
    if len(f) >= 2 and f[-2] in AGENT_OS and last == "product" and name == "roadmap.md":
        return Place("agent-os", "product"), LAYOUT
    # Conductor: conductor/tracks.md, conductor/**/plan.md, conductor/tracks/**
    if "conductor" in f:
        i = len(f) - 1 - f[::-1].index("conductor")
        below = f[i + 1:]
        if not below or below[0] in ("tracks", "archive"):
            place = Place("conductor", below[-1] if len(below) > 1 else None, below[:1] == ("archive",))
            if name == "plan.md":
                return place, LAYOUT
            if below or name == "tracks.md":
                return place, LOOK
    # Spec Kit, Kiro, OpenSpec: a usual name in a feature folder
    if name in USUAL_NAMES and len(f) >= 2:
        if len(f) >= 3 and f[-3:-1] == (".kiro", "specs"):
            return Place("kiro", last), LAYOUT
        if len(f) >= 3 and f[-3:-1] == ("openspec", "changes") and last != "archive":
            return Place("openspec", last), LAYOUT
        if len(f) >= 4 and f[-4:-1] == ("openspec", "changes", "archive"):
            return Place("openspec", last, True), LAYOUT
        if f[-2] == "specs" and last != "completed" and f[-3:-2] != (".agent-os",) and f[-3:-2] != ("agent-os",):
            return Place("speckit", last), LAYOUT
        if len(f) >= 3 and f[-3:-1] == ("specs", "completed"):
            return Place("speckit", last, True), LAYOUT
    # Antigravity: task.md, implementation_plan.md (in the folder named, or a brain/<conversation>/ folder)
    if name in ("task.md", "implementation_plan.md"):
        return Place("antigravity", last if f[-2:-1] == ("brain",) else None), \
            LAYOUT if f[-2:-1] == ("brain",) else ROOT
    if name in ROOT_NAMES:
        return Place("markdown"), ROOT
    return None


def _find(parts: tuple[str, ...], a: str, b: str) -> int | None:
    """Where ``a`` followed by ``b`` is in ``parts`` (the last such place), or None."""
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == a and parts[i + 1] == b:
            return i
    return None


def describe(path: str | os.PathLike) -> Place:
    """The place of the plan at ``path``: its tool, feature and whether it is archived ("markdown" if no tool's)."""
    p = Path(os.path.abspath(path))
    found = rule(p.parent.parts, p.name)
    if found is not None and found[0].tool != "markdown":
        return found[0]
    if p.name == "tasks.json" and p.parent.name == "tasks":  # Task Master before .taskmaster/
        return Place("taskmaster")
    if p.parent.name in ("tasks", "todos") and _claude_home(p.parent.parent):  # Claude Code's own lists
        return Place("claude")
    real = os.path.realpath(p.parent)
    here = p.parent
    for _ in range(8):  # a Claude plans folder, named by the settings of a project above
        if real in claude_plans_folders(str(here)):
            return Place("claude", p.stem)
        if (here / ".git").exists() or here.parent == here:
            break
        here = here.parent
    return found[0] if found is not None else Place("markdown")


def _claude_home(folder: Path) -> bool:
    """Whether ``folder`` is Claude Code's own (``~/.claude``, or ``$CLAUDE_CONFIG_DIR``)."""
    if folder.name == ".claude":
        return True
    named = os.environ.get("CLAUDE_CONFIG_DIR")
    return bool(named) and os.path.realpath(os.path.expanduser(named)) == os.path.realpath(folder)


def claude_plans_folders(project: str) -> list[str]:
    """The real path of the folder ``plansDirectory`` names in ``project``'s ``.claude/settings.json``
    (or ``settings.local.json``), relative to ``project``."""
    out = []
    for name in ("settings.json", "settings.local.json"):
        try:
            with open(os.path.join(project, ".claude", name), encoding="utf-8") as f:
                value = json.load(f).get("plansDirectory")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, str) and value.strip():
            out.append(os.path.realpath(os.path.join(project, os.path.expanduser(value.strip()))))
    return out
