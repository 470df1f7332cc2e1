"""Save SVG screenshots of the real app on the bundled example plans.

    python scripts/export_screenshots.py [OUTPUT_FOLDER]   # default: screenshots/

Each example is copied to a temporary folder (the package files are never
touched), opened with ``app.run_test()`` at a fixed size, and saved with
``app.save_screenshot()``.  The clock is frozen and the watchers are off, so
running the script again gives the same pictures.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from plantui.discover import EXAMPLES, example
from plantui.ui.app import PlantuiApp
from plantui.ui.live import LivePlan
from plantui.ui.widgets.overview import PlanTable

NOW = datetime(2026, 1, 5, 14, 2, 11)
ROOT = Path(__file__).resolve().parent.parent


def clock() -> datetime:
    return NOW


async def settle(pilot) -> None:
    """Until every plan on screen has been read and drawn (bounded)."""
    app = pilot.app
    deadline = time.monotonic() + 20
    while True:
        owners = [o for screen in app.screen_stack for o in (*screen.query(LivePlan), *screen.query(PlanTable))]
        if owners and all(o.loads >= (len(o.paths) if isinstance(o, PlanTable) else 1) for o in owners):
            break
        if time.monotonic() > deadline:
            raise RuntimeError("the plans were not read in time")
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause(0.1)


async def shoot(out: Path, name: str, paths: list[Path], size: tuple[int, int], *, mode: str = "dashboard",
                theme: str | None = None, before=None) -> None:
    app = PlantuiApp(paths, mode=mode, live=False, clock=clock)
    async with app.run_test(size=size) as pilot:
        if theme:
            app.theme = theme
        await settle(pilot)
        if before is not None:
            await before(pilot)
            await settle(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(out))
    print(f"  {name}.svg  ({size[0]}×{size[1]})")


async def tick_then_outside_edit(pilot) -> None:
    """A tick made here, then an agent ticking the next box from outside."""
    app = pilot.app
    dash = app.screen.query_one(LivePlan)
    path = dash.path
    before = path.read_text(encoding="utf-8")
    await pilot.press("x")
    deadline = time.monotonic() + 10
    while path.read_text(encoding="utf-8") == before or dash._writing:
        if time.monotonic() > deadline:
            raise RuntimeError("the tick was not written")
        await pilot.pause(0.05)
    await settle(pilot)
    text = path.read_text(encoding="utf-8")
    nxt = dash.summary.next_task
    if nxt is not None:
        item = dash.snapshot.plan.items[nxt]
        lines = text.splitlines(keepends=True)
        lines[item.line - 1] = item.source.replace("[ ]", "[x]", 1) + lines[item.line - 1][len(item.source):]
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text("".join(lines), encoding="utf-8")
        os.replace(tmp, path)  # an editor's atomic save
        dash.load("outside")  # the watcher is off for stable pictures: read as it would
        count = dash.loads
        while dash.loads == count:
            await pilot.pause(0.05)
    app.clear_notifications()


def synthetic_history(plan, summary):
    """Ten days of a plan's story, made up: steady work, tasks added, a reset, a stall of two days."""
    from plantui.pace import Observed
    from plantui.timeline import Point, Tick

    now = NOW.astimezone()
    done_now, total_now = summary.tasks.done, summary.tasks.countable
    # (days before now, done, total): steady work, the total grows twice, a tick undone on day 5,
    # and nothing done in the last two days
    story = []
    for d in range(10, 1, -1):
        done = round(done_now * (10 - d) / 8)
        if d == 5:
            done = story[-1][1] - 1
        story.append((d, done, total_now - (4 if d > 7 else 2 if d > 4 else 0)))
    points = tuple(Point(now - timedelta(days=d), done, total, "git") for d, done, total in story)
    ticks, last = [], 0
    for n, (d, done, _) in enumerate(story):
        for k in range(abs(done - last)):
            at = now - timedelta(days=d, hours=k)
            ticks.append(Tick(at, "plan.md", f"step {n}.{k}", " " if done > last else "x",
                              "x" if done > last else " ", "here"))
        last = done
    return Observed(tuple(sorted(ticks, key=lambda t: t.at)), points, ("events", "git"))


async def burnup_screen(pilot) -> None:
    """The burn-up chart of the plan on screen, over a made-up history."""
    from plantui.ui.plan_screens import BurnupScreen

    dash = pilot.app.screen.query_one(LivePlan)
    plan, summary = dash.snapshot.plan, dash.summary
    pilot.app.push_screen(BurnupScreen(dash.path, plan, summary, now=NOW.astimezone(),
                                       seen=synthetic_history(plan, summary)))
    await pilot.pause(0.2)


FIXTURES = ROOT / "tests" / "fixtures"
STORY = """# Story 1.2: Password reset

Status: InProgress

## Tasks / Subtasks

- [x] Send the reset mail (AC: 1)
- [ ] Expire the link after an hour (AC: 2)
- [ ] Log the reset (AC: 3)
"""
TODO = "# TODO\n\n- [x] Pin the Python version\n- [ ] Release notes for 0.4\n"


def mixed_project(root: Path) -> None:
    """A project whose plans are kept by several tools, each laid out as its tool lays it out."""
    def put(rel: str, text: str | None = None, src: Path | None = None) -> None:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src is not None:
            shutil.copyfile(src, target)
        else:
            target.write_text(text or "", encoding="utf-8")

    put("specs/001-user-auth/tasks.md", src=example("spec-kit-tasks.md"))
    put(".kiro/specs/billing/tasks.md", src=example("kiro-tasks.md"))
    put("openspec/changes/add-export/tasks.md", "# Tasks\n\n## 1. Export\n\n- [x] 1.1 CSV writer\n- [ ] 1.2 Download button\n")
    put("openspec/changes/archive/2025-12-01-login/tasks.md", "# Tasks\n\n## 1. Login\n\n- [x] 1.1 Form\n- [x] 1.2 Session\n")
    put(".cursor/plans/cache-layer_3f9a1c2e.plan.md", src=FIXTURES / "agents" / "cursor_cache_3f9a1c2e.plan.md")
    put(".agent/PLANS.md", src=FIXTURES / "agents" / "execplan_several.md")
    put(".taskmaster/tasks/tasks.json", src=FIXTURES / "stores" / "taskmaster" / ".taskmaster" / "tasks" / "tasks.json")
    put("docs/stories/1.2.password-reset.story.md", STORY)
    put("TODO.md", TODO)
    for age, path in enumerate(sorted(p for p in root.rglob("*") if p.is_file())):
        stamp = (NOW - timedelta(minutes=7 + 53 * age)).timestamp()
        os.utime(path, (stamp, stamp))


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="plantui-shots-"))
    here = Path.cwd()
    try:
        copies = []
        for name in EXAMPLES:
            src = example(name)
            if not src.is_file():
                print(f"  (skipped {name}: not bundled yet)")
                continue
            target = work / name
            shutil.copyfile(src, target)
            copies.append(target)
        if not copies:
            raise SystemExit("no example plans found in plantui/examples")
        # Paths on screen read relative to the working folder, as a user would see them.
        os.chdir(work)
        rel = [Path(p.name) for p in copies]
        print(f"Screenshots of {len(rel)} example plans into {out}")
        for path in rel:
            await shoot(out, f"dashboard-{path.stem}", [path], (120, 35))
        first = rel[0]
        await shoot(out, "dashboard-80x24", [first], (80, 24))
        await shoot(out, "dashboard-live", [rel[min(2, len(rel) - 1)]], (120, 35), before=tick_then_outside_edit)
        await shoot(out, "dashboard-light", [first], (120, 35), theme="textual-light")

        async def open_filter(pilot):
            await pilot.press("f")

        await shoot(out, "dashboard-open-filter", [first], (100, 30), before=open_filter)

        async def help_screen(pilot):
            await pilot.press("question_mark")

        await shoot(out, "help", [first], (100, 32), before=help_screen)

        async def task_detail(pilot):
            await pilot.press("d")

        await shoot(out, "dashboard-detail", [first], (120, 35), before=task_detail)

        async def warnings_list(pilot):
            await pilot.press("w")

        odd = work / "warnings-plan.md"  # a plan with markers plantui does not know, and a parent ticked early
        odd.write_text("# Release checklist\n\n## Phase 1: Build\n\n- [x] 1.1 Tag the release\n"
                       "  - [ ] 1.1.1 Update the changelog\n- [?] 1.2 Sign the artifacts\n"
                       "- [✅] 1.3 Upload to the registry\n", encoding="utf-8")
        await shoot(out, "dashboard-warnings", [Path(odd.name)], (100, 24), before=warnings_list)
        await shoot(out, "dashboard-40x12", [first], (40, 12))
        await shoot(out, "burnup", [first], (100, 30), before=burnup_screen)
        for age, path in zip((5, 40, 180, 60 * 26, 60 * 24 * 3), copies):  # "last change" as a user would see it
            stamp = (NOW - timedelta(minutes=age)).timestamp()
            os.utime(path, (stamp, stamp))
        await shoot(out, "overview", rel, (110, 16))
        mixed = work / "mixed"
        mixed_project(mixed)
        os.chdir(mixed)
        from plantui.discover import plans_in

        await shoot(out, "overview-mixed", plans_in(Path(".")), (110, 26))
        os.chdir(work)
        await shoot(out, "watch-40x12", [rel[min(2, len(rel) - 1)]], (40, 12), mode="watch")
        await shoot(out, "watch-60x24", [first], (60, 24), mode="watch")
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    asyncio.run(main(target.resolve()))
