"""Where plans live: every plan of the tools' layouts under a folder, and the bundled examples."""

from __future__ import annotations

import fnmatch
import itertools
import os
import re
from pathlib import Path

from .tools import LAYOUT, LOOK, ROOT, ROOT_NAMES, claude_plans_folders, rule

SKIPPED = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache",
           ".pytest_cache", ".ruff_cache", "site-packages", "bower_components", ".next", ".gradle"}
# Hidden folders where plans live (the other hidden folders are never walked).
HIDDEN_KEPT = {".kiro", ".specify", ".cursor", ".agent", ".planning", ".taskmaster", ".agent-os", ".claude", ".gemini"}
# Folders of a layout: walked even when the project's .gitignore names them (people ignore .cursor/ or .planning/).
LAYOUT_FOLDERS = HIDDEN_KEPT | {"specs", "openspec", "changes", "archive", "completed", "docs", "stories",
                                "exec-plans", "_bmad-output", "agent-os", "conductor", "tracks", "tasks", "plans",
                                "execplans", "brain"}
LOOK_BYTES = 256 * 1024  # what is read of a file to see whether it looks like a plan
LOOKS_LIKE_A_PLAN = re.compile(rb"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[[^\]\n]?\]|^(?:#+[ \t]*)?Status\b|^todos:",
                               re.M | re.I)


def plans_in(folder: Path) -> list[Path]:
    """Every plan under ``folder`` laid out as its tool lays it out, by path (archived ones last).

    ``folder`` may be any level of a layout: a project, ``specs/``,
    ``specs/001-x/``, ``.kiro/specs``, ``openspec/changes/add-x/``...  A file is
    a plan when :func:`plantui.tools.rule` says so from its folder's names
    (those above ``folder`` too, so that ``specs/`` alone works); a usual name
    (``plan.md``, ``TODO.md``, ``PLANS.md``...) counts in ``folder`` itself;
    a Markdown file under a broad layout (``docs/exec-plans/**``,
    ``_bmad-output/**``, ``conductor/tracks/**``) counts when it looks like a
    plan (a box, a ``Status`` line, front-matter todos).  The Claude plans
    folder named by ``plansDirectory`` in a ``.claude/settings.json`` is read
    too.  The walk skips :data:`SKIPPED`, hidden folders (but
    :data:`HIDDEN_KEPT`), virtual environments (a ``pyvenv.cfg`` or
    ``conda-meta``), folders a ``.gitignore`` names (but
    :data:`LAYOUT_FOLDERS`) and never enters a symlinked folder (so never a
    symlink loop).
    """
    if not folder.is_dir():
        return []
    top = Path(os.path.abspath(folder))
    named = top.parts
    found: list[tuple[tuple, Path]] = []
    seen: set[str] = set()
    plan_folders = claude_plans_folders_above(top)  # Claude plans folders named by a .claude/settings.json
    walked: set[str] = set()

    def add(path: str, key: tuple) -> None:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            found.append((key, Path(path)))

    def take(path: str, rel: tuple[str, ...], name: str, *, claude: bool = False) -> None:
        """Count the file ``name`` in ``path``'s folder (``rel`` below the one named) if it is a plan."""
        got = rule(named + rel, name)
        if claude and name.endswith(".md"):
            got = (None, LAYOUT)
        if got is None:
            return
        place, where = got
        if where == ROOT and rel:
            return
        if where == LOOK and not _looks_like_a_plan(path):
            return
        if not os.path.isfile(path):
            return
        archived = place.archived if place is not None else False
        rank = ROOT_NAMES.index(name) if name in ROOT_NAMES else len(ROOT_NAMES)
        add(path, (archived, len(rel), rel, rank, name))

    def ignored(rel: tuple[str, ...], name: str, rules: tuple) -> bool:
        result = False
        for base, negated, anchored, match in rules:
            if rel[: len(base)] != base:
                continue
            if anchored:
                subject = "/".join(rel[len(base):] + (name,))
            else:
                subject = name
            if match(subject):
                result = not negated
        return result

    stack: list[tuple[str, tuple[str, ...], tuple]] = [(str(folder), (), _ignores_above(top))]
    while stack:
        here, rel, rules = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError:
            continue  # unreadable: nothing to find there
        names = {e.name for e in entries}
        if rel and ("pyvenv.cfg" in names or "conda-meta" in names):
            continue  # a virtual environment
        if ".gitignore" in names:
            rules = rules + _read_ignore(os.path.join(here, ".gitignore"), rel)
        claude = False
        if plan_folders:  # (a real path costs a look at each folder above: only when needed)
            real = os.path.realpath(here)
            walked.add(real)
            claude = real in plan_folders
        folders = []
        for e in entries:
            name = e.name
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name in SKIPPED or (name[0] == "." and name not in HIDDEN_KEPT):
                    continue
                if rules and name not in LAYOUT_FOLDERS and ignored(rel, name, rules):
                    continue
                if name == ".claude":
                    plan_folders.extend(claude_plans_folders(here))
                folders.append(name)
            elif name.endswith(".md") or name == "tasks.json":
                take(e.path, rel, name, claude=claude)
        for name in sorted(folders, reverse=True):
            stack.append((os.path.join(here, name), rel + (name,), rules))
    for extra in plan_folders:  # a Claude plans folder outside the walk
        if extra not in walked and os.path.isdir(extra):
            for name in sorted(os.listdir(extra)):
                if name.endswith(".md"):
                    take(os.path.join(extra, name), (), name, claude=True)
    return [p for _, p in sorted(found, key=lambda f: f[0])]


def _looks_like_a_plan(path: str) -> bool:
    """Whether the Markdown file at ``path`` has a box, a ``Status`` line or front-matter todos."""
    try:
        with open(path, "rb") as f:
            return LOOKS_LIKE_A_PLAN.search(f.read(LOOK_BYTES)) is not None
    except OSError:
        return False


def claude_plans_folders_above(top: Path) -> list[str]:
    """The Claude plans folders at or under ``top`` named by the ``.claude/settings.json`` of a folder
    above it (up to its repository's root): ``plantui docs/plans`` finds them."""
    out: list[str] = []
    here = top
    real = os.path.realpath(top)
    if (top / ".git").exists():
        return out
    for _ in range(8):
        here = here.parent
        out.extend(f for f in claude_plans_folders(str(here)) if f == real or f.startswith(real + os.sep))
        if (here / ".git").exists() or here.parent == here:
            break
    return out


def _read_ignore(path: str, base: tuple[str, ...]) -> tuple:
    """The folder patterns of the ``.gitignore`` at ``path`` (in the folder ``base``), simply read:
    ``(base, negated, anchored, match)`` each, ``match`` a compiled regular expression's; a pattern
    with a ``/`` inside is anchored to ``base``.  Patterns of one kind in a row share one expression
    (the last pattern that matches decides, as in git: a run of one kind decides the same)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return ()
    patterns = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line.lstrip("!").rstrip("/")
        if line.startswith("**/"):
            line = line[3:]
        anchored = "/" in line
        line = line.lstrip("/")
        if line and line not in ("*", "**"):
            patterns.append((negated, anchored, line))
    if not any(negated for negated, _, _ in patterns):
        patterns.sort(key=lambda p: p[1])  # nothing to undo: the order does not matter
    rules = []
    for (negated, anchored), run in itertools.groupby(patterns, key=lambda p: p[:2]):
        expression = "|".join(fnmatch.translate(p) for _, _, p in run)
        rules.append((base, negated, anchored, re.compile(expression).match))
    return tuple(rules)


def _ignores_above(top: Path) -> tuple:
    """The unanchored patterns of the ``.gitignore`` files above ``top`` up to its repository's root
    (none when ``top`` is a repository's root or in none); an anchored one names a path from its own folder."""
    if (top / ".git").exists():
        return ()
    files = []
    here = top
    for _ in range(8):
        if here.parent == here:
            return ()
        here = here.parent
        files.append(here / ".gitignore")
        if (here / ".git").exists():
            break
    else:
        return ()
    return tuple(((), neg, False, pat) for gitignore in reversed(files)
                 for _, neg, anchored, pat in _read_ignore(str(gitignore), ()) if not anchored)


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


def demo_copy() -> Path:
    """The first bundled example copied to a fresh temporary folder, safe to tick."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="plantui-demo-"))
    target = folder / "plan.md"
    shutil.copyfile(example(), target)
    return target
