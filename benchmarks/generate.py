"""Plans shaped like the corpus, of any size, deterministic (seeded).

The shape follows the large Spec Kit ``tasks.md`` files of ``../shared/corpus``
(``01_speckit-finance-manager-tasks.md``, ``03_speckit-legacy-…``): YAML front
matter, a title, ``**Status:**`` / ``**Progress:**`` / ``**Last Updated:**``
fields, a legend, a phase status table, then ``## Phase N: …`` headings with
``**Purpose**:`` and ``**Dependencies**:`` lines, ``###`` sub-groups, tasks
``- [ ] T0123 [P] [US1] …`` with nested subtasks and detail bullets, a fenced
block per phase holding ``#`` lines and ``- [ ]`` lines (no tasks), a
``**Checkpoint**:`` line and a ``---`` rule.

Every box outside the fences is a task: :func:`generate` returns a plan with
exactly ``n`` items.  The first ``done`` share of them is ticked, so the next
task sits in the middle of a phase, as in a plan being worked on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

VERBS = ("Create", "Implement", "Add", "Write", "Configure", "Wire", "Refactor", "Document", "Test", "Port",
         "Validate", "Expose", "Migrate", "Harden", "Measure")
THINGS = ("ledger service", "user model", "auth middleware", "task repository", "settings loader", "API client",
          "calendar view", "group filter", "priority enum", "export job", "retry policy", "audit log",
          "search index", "rate limiter", "webhook handler", "CLI command", "report builder", "cache layer",
          "session store", "feature flag", "notification queue", "payment adapter", "schema migration")
DIRS = ("apps/api/Features", "apps/web/src/components", "apps/web/src/services", "apps/api/Data", "tests/unit",
        "tests/integration", "apps/api/Common", "packages/shared/src")
EXTS = (".cs", ".tsx", ".ts", ".py", ".sql", ".md")
PHASE_NAMES = ("Setup", "Foundational", "User Story", "Polish", "Hardening", "Integration", "Migration", "Reporting")
GROUPS = ("Database & Schema", "Backend Services", "Frontend Components", "Tests", "Documentation", "Tooling")
DETAILS = ("File: `{path}`", "Verify: `pytest {test} -q` passes", "Depends on {dep}", "Acceptance: {thing} works offline",
           "Note: keep the public API stable", "Run: `npm run lint -- {path}`")

PHASE_SIZE = 40  # boxes per phase (the corpus: 30-60)
GROUP_SIZE = 14  # boxes per ### group


@dataclass(frozen=True)
class Generated:
    text: str
    tasks: int  # boxes outside fences (all items)
    done: int
    phases: int
    id_width: int
    title: str
    focus_line: int  # 0-based line of the next task (where the dashboard's cursor starts)
    focus_id: str

    def meta(self) -> dict:
        return {"tasks": self.tasks, "done": self.done, "phases": self.phases, "title": self.title,
                "focus_line": self.focus_line, "focus_id": self.focus_id}


def _path(rng: random.Random, thing: str) -> str:
    return f"{rng.choice(DIRS)}/{thing.title().replace(' ', '')}{rng.choice(EXTS)}"


def generate(n: int, *, seed: int = 1, done_share: float = 0.35) -> Generated:
    """A plan with exactly ``n`` checkbox tasks (subtasks included)."""
    rng = random.Random(seed * 1_000_003 + n)
    width = max(3, len(str(n)))
    done_until = int(n * done_share)
    if done_until and done_until % PHASE_SIZE == 0:
        done_until += PHASE_SIZE // 3  # the next task in the middle of a phase
    nphases = max(1, -(-n // PHASE_SIZE))
    body: list[str] = []
    box = 0  # boxes written so far
    ident = 0  # top-level task ids
    table: list[str] = []
    boxes: list[tuple[int, str, int | None]] = []  # (line in body, id, parent box)
    for p in range(1, nphases + 1):
        name = PHASE_NAMES[(p - 1) % len(PHASE_NAMES)]
        story = f"US{(p - 1) // 3 + 1}"
        title = f"{name} {story}" if name == "User Story" else name
        first_box = box
        out: list[str] = []
        out.append(f"## Phase {p}: {title} ({story})")
        out.append("")
        out.append(f"**Purpose**: {rng.choice(VERBS)} the {rng.choice(THINGS)} for {story}")
        out.append(f"**Dependencies**: {'None' if p == 1 else f'Phase {p - 1} complete'}")
        out.append("")
        in_phase = min(PHASE_SIZE, n - box)
        group_left = 0
        g = 0
        while in_phase > 0:
            if group_left == 0:
                g += 1
                out.append(f"### {GROUPS[(p + g) % len(GROUPS)]} ({p}.{g})")
                out.append("")
                group_left = GROUP_SIZE
            ident += 1
            tid = f"T{ident:0{width}d}"
            thing = rng.choice(THINGS)
            subs = 0
            r = rng.random()
            if r < 0.25 and in_phase >= 3:
                subs = 2
            elif r < 0.35 and in_phase >= 2:
                subs = 1
            tags = ""
            if rng.random() < 0.5:
                tags += " [P]"
            if rng.random() < 0.7:
                tags += f" [{story}]"
            mark = "x" if box < done_until else " "
            parent = box
            box += 1
            boxes.append((len(body) + len(out), tid, None))
            out.append(f"- [{mark}] {tid}{tags} {rng.choice(VERBS)} the {thing} in {_path(rng, thing)}")
            for s in range(1, subs + 1):
                smark = "x" if box < done_until else " "
                box += 1
                boxes.append((len(body) + len(out), f"{tid}.{s}", parent))
                out.append(f"  - [{smark}] {tid}.{s} {rng.choice(VERBS)} {rng.choice(THINGS)} ({'happy path' if s == 1 else 'edge cases'})")
            if rng.random() < 0.4:
                for d in rng.sample(DETAILS, rng.randint(1, 3)):
                    out.append("  - " + d.format(path=_path(rng, thing), test=f"tests/test_{thing.split()[0]}.py",
                                                 dep=f"T{max(1, ident - rng.randint(1, 9)):0{width}d}", thing=thing))
            in_phase -= 1 + subs
            group_left = max(0, group_left - 1 - subs)
            if group_left == 0 or in_phase <= 0:
                out.append("")
        # a fence per phase: '#' lines and boxes inside it are no headings, no tasks
        out.append("```bash")
        out.append(f"# Phase {p} smoke check")
        out.append(f"- [ ] (a box inside a fence is no task) phase {p}")
        out.append(f"pytest tests/phase_{p} -q  # T{ident:0{width}d} -> T{ident + 1:0{width}d}")
        out.append("```")
        out.append("")
        out.append(f"**Checkpoint**: Phase {p} complete - {title} can be demonstrated on its own")
        out.append("")
        out.append("---")
        out.append("")
        body.extend(out)
        state = "✅ Complete" if box <= done_until else ("🔄 In Progress" if first_box < done_until else "⬜ Not Started")
        if len(table) < 60:
            table.append(f"| {p} | {title} | {first_box + 1}-{box} | {state} |")
        if box >= n:
            break
    done = min(done_until, n)
    title = f"Tasks: Benchmark plan ({n} tasks)"
    # the next task: the first open box, or its first subtask when it has some (deepest first)
    focus = done if done < n else n - 1
    if focus + 1 < n and boxes[focus + 1][2] == focus:
        focus += 1
    head = [
        "---",
        f'description: "Task list for the benchmark plan ({n} tasks)"',
        "---",
        "",
        f"# {title}",
        "",
        f"**Status:** {'Not Started' if done == 0 else ('Complete' if done == n else 'In Progress')}",
        f"**Progress:** {done}/{n} tasks complete",
        "**Last Updated:** 2026-01-04",
        "",
        "**Input**: Design documents from `/specs/001-bench/`",
        "**Prerequisites**: plan.md, spec.md, data-model.md",
        "",
        "## Format: `[ID] [P?] [Story] Description`",
        "",
        "- **[P]**: Can run in parallel (different files, no dependencies)",
        "- **[Story]**: Which user story this task belongs to (e.g., US1, US2, US3)",
        "",
        "## Phase Status",
        "",
        "| Phase | Name | Boxes | Status |",
        "|-------|------|-------|--------|",
        *table,
        "",
        "---",
        "",
    ]
    return Generated("\n".join(head + body).rstrip("\n") + "\n", n, done, nphases, width, title,
                     len(head) + boxes[focus][0], boxes[focus][1])
