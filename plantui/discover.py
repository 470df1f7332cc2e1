"""Where plans live: the usual file names in a folder, and the bundled examples."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

USUAL_NAMES = ("plan.md", "tasks.md", "PLAN.md", "TASKS.md", "TODO.md", "ROADMAP.md", "IMPLEMENTATION_PLAN.md")
USUAL_GLOBS = (
    "specs/*/tasks.md",
    "specs/*/plan.md",
    ".kiro/specs/*/tasks.md",
    "openspec/changes/*/tasks.md",
)


def plans_in(folder: Path) -> list[Path]:
    """The plans in ``folder`` at their usual places, in a stable order."""
    found: list[Path] = []
    seen: set[Path] = set()
    names = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    for name in USUAL_NAMES:
        p = names.get(name)
        if p is not None and p.resolve() not in seen:
            seen.add(p.resolve())
            found.append(p)
    for pattern in USUAL_GLOBS:
        for p in sorted(folder.glob(pattern)):
            if p.is_file() and p.resolve() not in seen:
                seen.add(p.resolve())
                found.append(p)
    return found


def expand(paths: list[str]) -> list[Path]:
    """Files as given; folders replaced by the plans found in them."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(plans_in(p))
        else:
            out.append(p)
    return out


EXAMPLES = ("spec-kit-tasks.md", "kiro-tasks.md", "phased-plan.md", "step-plan.md", "gated-plan.md")


def example(name: str = EXAMPLES[0]) -> Path:
    """The path of a bundled example plan (read-only: copy before writing)."""
    return Path(str(resources.files("plantui") / "examples" / name))


def demo_copy(name: str = EXAMPLES[0]) -> Path:
    """A bundled example copied to a fresh temporary folder, safe to tick."""
    folder = Path(tempfile.mkdtemp(prefix="plantui-demo-"))
    target = folder / "plan.md"
    shutil.copyfile(example(name), target)
    return target
