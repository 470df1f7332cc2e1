"""Where plans live: the usual file names in a folder, and the bundled examples."""

from __future__ import annotations

import os
from pathlib import Path

USUAL_NAMES = ("plan.md", "tasks.md", "PLAN.md", "TASKS.md", "TODO.md", "ROADMAP.md", "IMPLEMENTATION_PLAN.md",
               "task.md", "todo.md")
DEPTH = 4  # folders walked down from the one named: enough for openspec/changes/archive/x/ from a project
SKIPPED = {".git", "node_modules", ".venv", "venv", "__pycache__"}
HIDDEN_KEPT = {".kiro", ".specify", ".cursor", ".agent", ".planning"}  # hidden folders where plans live
LAYOUT_FOLDERS = {"specs", ".kiro", ".specify", "openspec", "changes", "archive", ".cursor", ".agent", ".planning"}
AGENT_FOLDERS = {".cursor", ".agent", ".planning"}  # a plan anywhere under one of these is in a usual place


def plans_in(folder: Path) -> list[Path]:
    """The plans under ``folder`` at their usual places, by path (archived OpenSpec changes last).

    ``folder`` may be any level of a usual layout: a project, ``specs/``,
    ``specs/001-x/``, ``.kiro/specs``, ``openspec/changes``, ``openspec/changes/add-x/``...
    A plan is a file with a usual name (:data:`USUAL_NAMES`) in ``folder``
    itself, in a feature folder (``specs/X/``, ``.kiro/specs/X/``,
    ``.specify/specs/X/``, ``openspec/changes/X/``, ``openspec/changes/archive/X/``),
    or under an agent's folder (``.cursor``, ``.agent``, ``.planning``).  The walk
    goes down :data:`DEPTH` folders, into the folders of those layouts only (not
    ``src/``), and never into a symlinked folder.
    """
    if not folder.is_dir():
        return []
    named = folder.resolve().parts
    found: list[tuple[tuple, Path]] = []
    seen: set[Path] = set()

    def visit(here: Path, rel: tuple[str, ...]) -> None:
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            return  # unreadable: nothing to find there
        if _usual_place(named + rel, len(rel)):
            for e in entries:
                if e.name in USUAL_NAMES and e.is_file():
                    p = Path(e.path)
                    real = p.resolve()
                    if real not in seen:
                        seen.add(real)
                        archived = "archive" in (named + rel)[-2:-1]
                        found.append(((archived, len(rel), rel, USUAL_NAMES.index(e.name)), p))
        if len(rel) >= DEPTH:
            return
        anywhere = _leads_anywhere(named + rel, len(rel))
        for e in entries:
            name = e.name
            if name in SKIPPED or (name.startswith(".") and name not in HIDDEN_KEPT):
                continue
            if (anywhere or name in LAYOUT_FOLDERS) and e.is_dir(follow_symlinks=False):
                visit(Path(e.path), rel + (name,))

    visit(folder, ())
    return [p for _, p in sorted(found, key=lambda f: f[0])]


def _leads_anywhere(parts: tuple[str, ...], depth: int) -> bool:
    """Whether any folder in the folder of ``parts`` may hold plans (else only
    the folders of a layout, :data:`LAYOUT_FOLDERS`, are walked: not ``src/``)."""
    return (parts[-1:] == ("specs",) or parts[-2:] in (("openspec", "changes"), ("changes", "archive"))
            or bool(AGENT_FOLDERS.intersection(parts[-depth - 1:])))


def _usual_place(parts: tuple[str, ...], depth: int) -> bool:
    """Whether plans may sit in the folder of ``parts`` (``depth`` below the one named)."""
    if depth == 0:
        return True  # the folder the user named
    if AGENT_FOLDERS.intersection(parts[-depth - 1:]):
        return True
    above = parts[:-1]  # the folders above this one
    if above[-2:] == ("changes", "archive"):
        above = above[:-1]
    return above[-1:] == ("specs",) or above[-2:] == ("openspec", "changes")


def expand(paths: list[str]) -> list[Path]:
    """Files as given; folders replaced by the plans found under them (a task list folder is one plan)."""
    from .claude_store import is_task_list  # a folder that is one plan (Claude Code's task list)

    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and not is_task_list(p):
            out.extend(plans_in(p))
        else:
            out.append(p)
    return out


EXAMPLES = ("spec-kit-tasks.md", "kiro-tasks.md", "phased-plan.md", "step-plan.md", "gated-plan.md")


def example(name: str = EXAMPLES[0]) -> Path:
    """The path of a bundled example plan (read-only: copy before writing)."""
    from importlib import resources  # here, not above: finding plans (a status line) needs none of these

    return Path(str(resources.files("plantui") / "examples" / name))


def demo_copy(name: str = EXAMPLES[0]) -> Path:
    """A bundled example copied to a fresh temporary folder, safe to tick."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="plantui-demo-"))
    target = folder / "plan.md"
    shutil.copyfile(example(name), target)
    return target
