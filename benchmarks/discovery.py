"""``python -m benchmarks.discovery``: finding the plans of a big repository.

:func:`make_tree` writes a project of about 50,000 files (deterministic): source
folders several levels deep, a ``node_modules`` and a ``.venv`` as heavy as real
ones, a ``build/`` folder the ``.gitignore`` names, and the plans of every
layout (:mod:`plantui.tools`) sprinkled in, some of them inside packages.  It
times :func:`plantui.discover.plans_in` on the tree beside two floors: a bare
``os.walk`` of the whole tree (what any walk that misses nothing pays) and
``find`` (when there is one); each the best of a few runs, the file cache warm.
The target: discovery no slower than the bare walk (it skips what the walk reads).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAN = "# Plan\n\n## Phase 1\n\n- [x] T001 one\n- [ ] T002 two\n"
PLANS = ("specs/{n:03d}-feature/tasks.md", "specs/{n:03d}-feature/plan.md", ".kiro/specs/f{n}/tasks.md",
         "openspec/changes/change-{n}/tasks.md", "openspec/changes/archive/old-{n}/tasks.md",
         ".cursor/plans/plan-{n}_0a1b2c3d.plan.md", ".agent/plans/ep-{n}.md", "docs/exec-plans/active/ep-{n}.md",
         "docs/stories/{n}.1.story.md", ".agent-os/specs/2025-01-{n:02d}-x/tasks.md",
         "conductor/tracks/t{n}/plan.md", "packages/p{n}/specs/001-x/tasks.md")
ROOT_PLANS = ("TODO.md", "PLANS.md", "tasks/todo.md", ".planning/ROADMAP.md", ".taskmaster/tasks/tasks.json",
              "task.md", "implementation_plan.md")


def make_tree(root: Path, files: int = 50_000, seed: int = 15) -> int:
    """Write the tree under ``root``; return the number of plans discovery must find."""
    rnd = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text("build/\n*.log\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    plans = set(ROOT_PLANS)
    for n in range(1, 21):
        plans.update(p.format(n=n) for p in PLANS)
    for rel in plans:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PLAN)
    written = len(plans)
    # the rest: a fifth each in node_modules, .venv, build; the rest in source folders (with Markdown docs)
    shares = (("node_modules", files // 5, ".js"), (".venv/lib/python3.12/site-packages", files // 5, ".py"),
              ("build", files // 5, ".o"), ("src", files - written - 3 * (files // 5), ".py"))
    for top, count, ext in shares:
        folder = None
        for i in range(count):
            if i % 25 == 0:  # a new folder, 1 to 4 levels below the share's top
                depth = rnd.randint(1, 4)
                folder = root / top / Path(*(f"d{rnd.randint(0, 40)}" for _ in range(depth))) / f"m{i}"
                folder.mkdir(parents=True, exist_ok=True)
            name = f"f{i}{ext}" if i % 10 else f"README{i}.md"
            (folder / name).write_text("x\n")
    return len(plans)


def best(runs: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def walk_all(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.discovery", description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from plantui.discover import plans_in

    tmp = Path(tempfile.mkdtemp(prefix="plantui-discovery-"))
    try:
        root = tmp / "repo"
        want = make_tree(root, args.files)
        walk_all(root)  # the file cache warm
        t_walk, count = best(args.runs, lambda: walk_all(root))
        t_disc, found = best(args.runs, lambda: plans_in(root))
        print(f"tree: {count:,} files, {want} plans")
        print(f"plantui discovery: {t_disc * 1000:8.1f} ms  ({len(found)} plans found)")
        print(f"os.walk, all files:{t_walk * 1000:8.1f} ms  (floor; discovery {t_disc / t_walk:.2f}×)")
        if shutil.which("find"):
            t_find, _ = best(args.runs, lambda: subprocess.run(["find", str(root), "-name", "*.md"],
                                                              stdout=subprocess.DEVNULL, check=True))
            print(f"find -name '*.md': {t_find * 1000:8.1f} ms  (floor; discovery {t_disc / t_find:.2f}×)")
        if len(found) != want:
            print(f"MISSED: found {len(found)} of {want} plans", file=sys.stderr)
            return 1
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
