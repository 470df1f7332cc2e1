"""``python -m benchmarks.history``: ``plantui history`` on a generated repository.

:func:`make_repo` writes a git repository in which a plan is ticked over many
commits by two authors (Ann and Bob), some commits with a ``Co-authored-by:``
trailer naming Claude, one commit renaming the plan into ``docs/``, one
unticking a task, one putting an earlier text back (a revert: a blob seen
before), and the total growing now and then.  It is written in one
``git fast-import`` run, so 500 commits take a second, not a minute.  It
returns what every commit must show, worked out from its own model of the
plan, not by plantui.  Deterministic (seeded).

The benchmark times :func:`plantui.history.read_history` (git log, cat-file
and the parses) and the whole ``plantui history`` command on 500 commits of a
plan of ~1,000 tasks.  The target: under 5 s.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

AUTHORS = (("Ann Example", "ann@example.com"), ("Bob Example", "bob@example.com"))
AGENT_TRAILER = "Co-authored-by: Claude <noreply@anthropic.com>"
PHASE = 25  # tasks per phase
START = 1735722000  # 2025-01-01 09:00 UTC


@dataclass
class Task:
    id: str
    text: str
    done: bool = False


@dataclass(frozen=True)
class Expected:
    """What one commit must show."""

    subject: str
    author: str
    by: str  # "agent:Claude" or the author
    path: str
    done: int
    total: int
    checks_done: int
    checks_total: int
    ticked: tuple[str, ...]  # ids ticked in it
    unticked: tuple[str, ...]
    added: tuple[str, ...]


@dataclass
class Repo:
    folder: Path
    plan: Path  # the plan's path now (after the rename)
    commits: list[Expected] = field(default_factory=list)
    blobs: int = 0  # distinct texts among the commits


def plan_text(tasks: list[Task], checks: list[Task]) -> str:
    """The plan's Markdown: phases of tasks with ids, a Progress field, a Definition of Done."""
    done = sum(t.done for t in tasks)
    out = ["# Ledger rewrite", "", f"**Progress:** {done}/{len(tasks)} tasks complete", ""]
    for k in range(0, len(tasks), PHASE):
        out += [f"## Phase {k // PHASE + 1}: Part {k // PHASE + 1}", ""]
        out += [f"- [{'x' if t.done else ' '}] {t.id} {t.text}" for t in tasks[k : k + PHASE]]
        out.append("")
    out += ["## Definition of Done", ""]
    out += [f"- [{'x' if c.done else ' '}] {c.text}" for c in checks]
    return "\n".join(out) + "\n"


def make_repo(folder: Path, commits: int = 40, tasks: int = 30, *, seed: int = 7) -> Repo:
    """A git repository in ``folder`` with ``commits`` commits of a plan of about ``tasks`` tasks."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    things = ["ledger", "parser", "exporter", "report", "login", "cache", "search", "audit log", "importer"]
    plan = [Task(f"T{k + 1:04d}", f"{rng.choice(('Build', 'Test', 'Wire', 'Document'))} the {rng.choice(things)} {k + 1}")
            for k in range(tasks)]
    checks = [Task(f"C{k}", text) for k, text in enumerate(("All tests pass", "Docs updated", "Released"))]
    path = "plan.md"
    rename_at, untick_at, revert_at = commits // 2, commits // 3, commits * 3 // 4
    stream: list[bytes] = []
    repo = Repo(folder, folder / "docs" / "plan.md")
    texts: dict[str, int] = {}
    history: list[str] = []
    for n in range(commits):
        name, email = AUTHORS[n % 2]
        agent = n % 5 == 3
        old_path = path
        if n == 0:
            subject = "Add the plan"
        elif n == rename_at:
            path, subject = "docs/plan.md", "Move the plan to docs/"
        elif n == untick_at:
            t = [t for t in plan if t.done][-1]
            t.done = False
            subject = f"Untick {t.id}: not really done"
        elif n == revert_at:
            subject = "Revert the last commit"
        elif n % 7 == 6 or all(t.done for t in plan):
            k = len(plan)
            plan.append(Task(f"T{k + 1:04d}", f"Handle the {rng.choice(things)} edge case {k + 1}"))
            subject = f"Add {plan[-1].id}"
        elif n % 11 == 10 and not all(c.done for c in checks):
            c = next(c for c in checks if not c.done)
            c.done = True
            subject = f"Check: {c.text}"
        else:
            open_ = [t for t in plan if not t.done]
            picked = rng.sample(open_, min(len(open_), rng.randint(1, 2)))
            for t in picked:
                t.done = True
            subject = f"Tick {', '.join(t.id for t in picked)}"
        if n == revert_at:  # the text of two commits back: every box as it was then
            text = history[-2]
            restore_from(text, plan, checks)
        else:
            text = plan_text(plan, checks)
        ticked, unticked, added = diff_ids(history[-1] if history else "", text) if n else ((), (), ())
        history.append(text)
        texts.setdefault(text, len(texts))
        message = subject + ("\n\n" + AGENT_TRAILER if agent else "") + "\n"
        stamp = START + n * 3600 + rng.randint(0, 1800)
        data = text.encode()
        stream += [b"commit refs/heads/main\n",
                   f"author {name} <{email}> {stamp} +0000\ncommitter {name} <{email}> {stamp} +0000\n".encode(),
                   f"data {len(message.encode())}\n".encode(), message.encode()]
        if old_path != path:
            stream.append(f"R {old_path} {path}\n".encode())
        else:
            stream += [f"M 100644 inline {path}\ndata {len(data)}\n".encode(), data, b"\n"]
        stream.append(b"\n")
        repo.commits.append(Expected(subject, name, "agent:Claude" if agent else name, path,
                                     sum(t.done for t in plan), len(plan), sum(c.done for c in checks), len(checks),
                                     tuple(ticked), tuple(unticked), tuple(added)))
    subprocess.run(["git", "-C", str(folder), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "-q", "main"], check=True)
    repo.blobs = len(texts)
    return repo


def boxes(text: str) -> dict[str, bool]:
    """Each box line's key (a task's id, else its text) and whether it is ticked, in order."""
    out = {}
    for line in text.splitlines():
        if line.startswith("- ["):
            rest = line[6:]
            out[rest.split(" ")[0] if rest[:1] == "T" else rest] = line[3] == "x"
    return out


def restore_from(text: str, plan: list[Task], checks: list[Task]) -> None:
    """Set every box of the model as ``text`` has it."""
    marks = boxes(text)
    for t in plan:
        t.done = marks.get(t.id, t.done)
    for c in checks:
        c.done = marks.get(c.text, c.done)


def diff_ids(old: str, new: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The boxes ticked, unticked and added from ``old`` to ``new``, in the order of ``new``."""
    a, b = boxes(old), boxes(new)
    return (tuple(k for k in b if k in a and b[k] and not a[k]), tuple(k for k in b if a.get(k) and not b[k]),
            tuple(k for k in b if k not in a))


def main(argv: list[str] | None = None) -> int:
    from plantui.history import read_history

    commits, tasks = 500, 1000
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        repo = make_repo(Path(tmp) / "repo", commits, tasks)
        made = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        history = read_history(repo.plan)
        core, cpu = time.perf_counter() - t0, time.process_time() - c0
        env = {**os.environ, "NO_COLOR": "1"}
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "plantui", "history", str(repo.plan)], capture_output=True, env=env)
        cli = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "plantui", "history", str(repo.plan), "--json"], capture_output=True, env=env)
        cli_json = time.perf_counter() - t0
        last = history.commits[-1]
        assert out.returncode == 0, out.stderr
        assert len(history.commits) == commits and last.tasks.done == repo.commits[-1].done
        print(f"history benchmark: {commits} commits, {last.tasks.total} tasks at the end, "
              f"{history.versions} distinct texts (repository made in {made:.2f} s)")
        print(f"  read_history (git log + cat-file + parses): {core:.2f} s ({cpu:.2f} s of CPU in Python)")
        print(f"  plantui history PATH (whole command):       {cli:.2f} s")
        print(f"  plantui history PATH --json:                {cli_json:.2f} s")
        print(f"  target: under 5 s — {'met' if max(core, cli, cli_json) < 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
