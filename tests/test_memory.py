"""Memory: a plan's work leaves no reference cycles, and dashboards that were shown are freed."""

from __future__ import annotations

import gc

import pytest


@pytest.mark.needs_shared
async def test_dashboards_opened_from_the_overview_and_closed_are_freed(tmp_path):
    """Their widget trees hold reference cycles, which the collector must still free."""
    import asyncio
    import weakref

    from conftest import SEEDS

    from plantui.ui.app import PlantuiApp
    from plantui.ui.widgets.dashboard import PlanDashboard

    paths = []
    for n, seed in enumerate(sorted(SEEDS.glob("*.md"))[:2]):
        paths.append(tmp_path / f"plan{n}.md")
        paths[-1].write_bytes(seed.read_bytes())
    app = PlantuiApp(paths, live=False)
    refs = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        for _ in range(6):
            app.screen.open(paths[0])
            for _ in range(100):
                await pilot.pause(0.02)
                found = app.screen.query(PlanDashboard)
                if found and found.first().snapshot is not None:
                    break
            dash = app.screen.query_one(PlanDashboard)
            assert dash.snapshot is not None
            refs.append(weakref.ref(dash))
            del dash, found
            app.pop_screen()
            await pilot.pause(0.2)
        # Textual may hold on to a screen or two a moment longer (a finished worker of
        # theirs, a context variable); kept with their cycles, all six would stay
        for _ in range(20):
            await asyncio.sleep(0.05)
            gc.collect()
            if sum(r() is not None for r in refs) <= 2:
                break
        assert sum(r() is not None for r in refs) <= 2


def test_the_work_on_a_plan_leaves_no_reference_cycles(tmp_path):
    """A plan, its lines, summary and layout are freed by
    reference counting alone, from a cold parse to a tick written (a big plan holds
    off the full passes that would find cycles: one holding the plan would keep all
    of it).  Layout.build once did, with closures that called each other."""
    from plantui import actions, parser
    from plantui.markdown import chunks
    from benchmarks.generate import generate
    from plantui.progress import summarize
    from plantui.snapshot import read
    from plantui.events import events
    from plantui.ui.changes import compare
    from plantui.ui.tree_model import build, update
    from plantui.ui.panel_model import panel_look

    path = tmp_path / "tasks.md"
    path.write_text(generate(300).text, encoding="utf-8")

    def cyclic(work) -> int:
        gc.collect()
        gc.disable()
        try:
            work()
            return gc.collect()
        finally:
            gc.enable()

    def cold_read():
        chunks.MEMO.clear()
        return read(path)

    assert cyclic(cold_read) == 0
    snap = read(path)
    summary = summarize(snap.plan)
    layout = build(snap.plan, summary)
    assert cyclic(lambda: summarize(snap.plan)) == 0
    assert cyclic(lambda: build(snap.plan, summary, show="open", query="a")) == 0
    assert cyclic(lambda: build(snap.plan, summary)) == 0
    assert cyclic(lambda: panel_look(snap.plan, summary)) == 0
    task = next(it for it in snap.plan.items if it.state.name == "OPEN")
    assert cyclic(lambda: actions.mark_items(path, [task], None, previous=snap)) == 0
    after = read(path, previous=snap)
    assert cyclic(lambda: read(path, previous=snap)) == 0
    assert cyclic(lambda: after.summary()) == 0  # worked out from the summary before the tick
    assert cyclic(lambda: update(layout, after.plan, summarize(after.plan))) == 0
    assert cyclic(lambda: (compare(snap.plan, after.plan), events(snap.plan, summary, after.plan,
                                                                     summarize(after.plan)))) == 0
    path.write_text(path.read_text(encoding="utf-8").replace("- [ ]", "- [ ] more\n- [ ]", 1), encoding="utf-8")
    assert cyclic(lambda: read(path, previous=after)) == 0  # an edit: a chunk parsed again
