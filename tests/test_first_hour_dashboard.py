"""Pilot tests of the dashboard defects users met in their first hour."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from pilot import loaded, wait_for
from ui_plan import PLAN

from plantui.ui.app import PlantuiApp
from plantui.ui.widgets.dashboard import editor_command

NOW = datetime(2026, 1, 5, 14, 2, 11)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path


def app_for(path: Path) -> PlantuiApp:
    return PlantuiApp([path], live=False, clock=lambda: NOW)


def messages(app: PlantuiApp) -> list[str]:
    return [n.message for n in app._notifications]


def fake_suspend(app: PlantuiApp, log: list[str]):
    """Stands for App.suspend, as Textual writes it: the terminal comes back only
    when the block ends normally (no try/finally)."""

    @contextmanager
    def suspend():
        log.append("suspended")
        yield
        log.append("resumed")

    return suspend


# -- 1: an editor that cannot start ----------------------------------------------


async def test_an_editor_that_cannot_start_gives_the_terminal_back_and_says_so(plan: Path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "nonexistent-editor")
    app = app_for(plan)
    log: list[str] = []
    monkeypatch.setattr(app, "suspend", fake_suspend(app, log))
    before = plan.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert log == ["suspended", "resumed"]
        assert any(m.startswith("Could not start nonexistent-editor: ") for m in messages(app))
        assert dash.expect_source is None
    assert plan.read_bytes() == before


@pytest.mark.parametrize("error", [PermissionError(13, "Permission denied"), RuntimeError("boom")])
async def test_any_failure_of_the_editor_gives_the_terminal_back(plan: Path, monkeypatch, error):
    import plantui.ui.widgets.dashboard as dashboard

    def fail(argv):
        raise error

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "vim -u NONE")
    monkeypatch.setattr(dashboard.subprocess, "call", fail)
    app = app_for(plan)
    log: list[str] = []
    monkeypatch.setattr(app, "suspend", fake_suspend(app, log))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert log == ["suspended", "resumed"]
        assert any(m.startswith("Could not start vim: ") for m in messages(app))


async def test_an_editor_that_fails_is_named_and_the_plan_is_read_again(plan: Path, monkeypatch):
    import plantui.ui.widgets.dashboard as dashboard

    calls = []

    def call(argv):
        calls.append(argv)
        return 3

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "code -w")
    monkeypatch.setattr(dashboard.subprocess, "call", call)
    app = app_for(plan)
    log: list[str] = []
    monkeypatch.setattr(app, "suspend", fake_suspend(app, log))
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        loads = dash.loads
        await pilot.press("e")
        await wait_for(pilot, lambda: dash.loads > loads, what="the read after the editor")
        assert log == ["suspended", "resumed"]
        assert calls == [["code", "-w", "--goto", f"{plan}:18"]]
        assert "code exited with status 3" in messages(app)


def test_editor_commands_with_arguments_are_split_like_a_shell():
    p = Path("/tmp/my plan.md")
    assert editor_command("vim -u NONE", p, 7) == ["vim", "-u", "NONE", "+7", str(p)]
    assert editor_command("code -w", p, 7) == ["code", "-w", "--goto", f"{p}:7"]
    assert editor_command("'/opt/my editor/bin/hx'", p, 7) == ["/opt/my editor/bin/hx", f"{p}:7"]
