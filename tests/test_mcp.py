"""``plantui mcp``: the MCP server, driven by the SDK's own client over stdio."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

pytest.importorskip("mcp")

from mcp import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

PLAN = """\
# Plan: Bird Feeder Controller

## Phase 1: Setup

- [x] 1.1 Wire the servo
- [ ] 1.2 Calibrate the scale

## Phase 2: Schedule

**Dependencies**: Phase 1

- [ ] 2.1 Morning feeding
- [ ] 2.2 Evening feeding

## Phase 3: Alerts

- [ ] 3.1 Empty hopper alert
- [ ] 3.2 Squirrel alert

## Checkpoint 1: After Phase 1

- [ ] Servo turns on command
- [x] Scale reads grams

## Order

3.2 → 3.1
"""

OTHER = """\
# Tasks

- [ ] T001 Write the README
"""


@pytest.fixture(autouse=True)
def _homes(tmp_path, monkeypatch):
    """Caches, state and config go to the test's folder, never the real home."""
    for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


@pytest.fixture
def root(tmp_path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "plan.md").write_bytes(PLAN.encode())
    (project / "specs" / "001-readme").mkdir(parents=True)
    (project / "specs" / "001-readme" / "tasks.md").write_bytes(OTHER.encode())
    return project


@asynccontextmanager
async def connect(root: Path, *extra: str):
    env = {"XDG_CACHE_HOME": str(root.parent / "cache"), "XDG_STATE_HOME": str(root.parent / "state"),
           "XDG_CONFIG_HOME": str(root.parent / "config")}
    params = StdioServerParameters(command=sys.executable, args=["-m", "plantui", "mcp", str(root), *extra], env=env,
                                   cwd=str(root.parent))
    with open(root.parent / "server.log", "w") as log:
        async with stdio_client(params, errlog=log) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


def data(result) -> dict:
    assert not result.is_error, result.content[0].text
    return result.structured_content


def error(result) -> str:
    """The refusal's sentence (after the SDK's "Error executing tool NAME: ")."""
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("Error executing tool "), text
    return text.split(": ", 1)[1]


def cli(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plantui", *args], capture_output=True, text=True, cwd=cwd)


async def test_tools_listed_and_read_tools_answer(root):
    async with connect(root) as s:
        names = {t.name for t in (await s.list_tools()).tools}
        assert names == {"list_plans", "plan_status", "next_task", "check", "tick", "untick", "mark"}

        plans = data(await s.call_tool("list_plans", {}))["plans"]
        assert [p["path"] for p in plans] == ["plan.md", "specs/001-readme/tasks.md"]
        assert plans[0] == {**plans[0], "done": 1, "total": 6, "next_task": "1.2"}

        doc = data(await s.call_tool("plan_status", {"plan": "plan.md"}))
        want = json.loads(cli("status", "plan.md", "--json", cwd=root).stdout)
        assert doc == want  # the very JSON of `status --json`
        small = data(await s.call_tool("plan_status", {"plan": "plan.md", "compact": True}))["plans"][0]
        assert "items" not in small and small["tasks"]["done"] == 1
        assert [ph["status"] for ph in small["phases"]] == ["in progress", "blocked", "not started"]

        nxt = data(await s.call_tool("next_task", {"plan": "plan.md"}))
        assert nxt["next_task"]["id"] == "1.2" and nxt["next_task"]["phase"] == "Phase 1: Setup"

        for scope, cli_args in (({}, []), ({"phase": "1"}, ["--phase", "1"]), ({"checkpoint": "1"}, ["--checkpoint", "1"]),
                                ({"through": "Phase 2"}, ["--through", "Phase 2"])):
            gate = data(await s.call_tool("check", {"plan": "plan.md", **scope}))
            out = cli("check", "plan.md", *cli_args, cwd=root)
            assert out.returncode == 1 and gate["complete"] is False
            assert gate["said"] == out.stdout.splitlines()  # what the CLI prints, line for line
            want = json.loads(cli("check", "plan.md", *cli_args, "--json", cwd=root).stdout)["plans"][0]
            assert {**gate, "path": "plan.md"} == {**want, "plan": "plan.md", "said": gate["said"]}
        assert gate["said"][1:] == ["  Phase 1: 1 open — 1.2 Calibrate the scale",
                                    "  Phase 2: 2 open — 2.1 Morning feeding, 2.2 Evening feeding"]
        said = error(await s.call_tool("check", {"plan": "plan.md", "phase": "9"}))
        assert f"plantui: {said}\n" == cli("check", "plan.md", "--phase", "9", cwd=root).stderr


async def test_one_plan_needs_no_name_and_two_need_one(root):
    async with connect(root / "specs") as s:
        nxt = data(await s.call_tool("next_task", {}))
        assert nxt["plan"] == "001-readme/tasks.md" and nxt["next_task"]["id"] == "T001"
    async with connect(root) as s:
        said = error(await s.call_tool("next_task", {}))
        assert said.startswith("2 plans under ") and "plan.md, specs/001-readme/tasks.md" in said
        by_folder = data(await s.call_tool("next_task", {"plan": "specs/001-readme"}))
        assert by_folder["plan"] == "specs/001-readme/tasks.md"
        absolute = data(await s.call_tool("next_task", {"plan": str(root / "plan.md")}))
        assert absolute["plan"] == "plan.md" and absolute["next_task"]["id"] == "1.2"


async def test_next_task_passes_blocked_phases_and_the_task_graph(root):
    async with connect(root) as s:
        await s.call_tool("tick", {"plan": "plan.md", "tasks": ["1.2"]})
        nxt = data(await s.call_tool("next_task", {"plan": "plan.md"}))
        assert nxt["next_task"]["id"] == "2.1"  # phase 2 no longer blocked
        await s.call_tool("tick", {"plan": "plan.md", "tasks": ["2.1", "2.2"]})
        nxt = data(await s.call_tool("next_task", {"plan": "plan.md"}))
        assert nxt["next_task"]["id"] == "3.2"  # 3.1 waits for 3.2 (3.2 → 3.1)
        await s.call_tool("tick", {"plan": "plan.md", "tasks": ["3.1", "3.2"]})
        nxt = data(await s.call_tool("next_task", {"plan": "plan.md"}))
        assert nxt["next_task"] is None and nxt["reason"] == "every task is done"
        assert data(await s.call_tool("check", {"plan": "plan.md", "through": "2"}))["complete"] is True
        gate = data(await s.call_tool("check", {"plan": "plan.md"}))
        assert gate["complete"] is False and gate["said"][1:] == [
            "  Checkpoint 1: not passed, 1 of 2 checks open — Servo turns on command"]
        await s.call_tool("tick", {"plan": "plan.md", "lines": [22]})
        assert data(await s.call_tool("check", {"plan": "plan.md"}))["complete"] is True


def test_next_task_is_the_dashboards_when_the_graph_makes_tasks_wait(tmp_path):
    """The MCP server's next task passes over what the dashboard's does (a Cursor todo that
    waits for an open one) as well as tasks waiting in the task graph: it had offered the
    waiting todo, which has no id for the graph to name it by."""
    from plantui.mcp_server import next_of
    from plantui.progress import summarize
    from plantui.snapshot import read

    path = tmp_path / ".cursor" / "plans" / "order_1234abcd.plan.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\nname: Order\ntodos:\n  - content: Wire the client\n    status: pending\n"
                    "    dependencies:\n      - a\n  - id: a\n    content: First\n    status: pending\n---\n",
                    encoding="utf-8")
    plan = read(path).plan
    summary = summarize(plan)
    assert plan.graph and plan.items[summary.next_task].id == "a"
    assert next_of(plan, summary)["next_task"]["id"] == "a"


async def test_tick_writes_only_the_marker_bytes_and_untick_mark_too(root):
    path = root / "plan.md"
    before = path.read_bytes()
    async with connect(root) as s:
        out = data(await s.call_tool("tick", {"plan": "plan.md", "tasks": ["2.1"]}))
        assert out["written"] is True and out["tasks"] == {"done": 2, "total": 6}
        after = path.read_bytes()
        assert len(after) == len(before)
        assert [k for k in range(len(before)) if before[k] != after[k]] == [before.index(b"[ ] 2.1") + 1]
        assert b"- [x] 2.1 Morning feeding" in after

        again = data(await s.call_tool("tick", {"plan": "plan.md", "tasks": ["2.1"]}))
        assert again["written"] is False and again["changed"] == ["plan.md: already so; nothing written"]

        data(await s.call_tool("mark", {"plan": "plan.md", "marker": "/", "tasks": ["3.1"]}))
        assert b"- [/] 3.1 Empty hopper alert" in path.read_bytes()
        data(await s.call_tool("untick", {"plan": "plan.md", "lines": [12]}))
        data(await s.call_tool("untick", {"plan": "plan.md", "tasks": ["3.1"]}))
    assert path.read_bytes() == before


REFUSED = [  # a tool's arguments, and the same request on the command line
    ("tick", {"tasks": ["9.9"]}, ["tick", "plan.md", "9.9"]),
    ("tick", {"lines": [3]}, ["tick", "plan.md", "--line", "3"]),
    ("tick", {}, ["tick", "plan.md"]),
    ("untick", {"tasks": ["2"]}, ["untick", "plan.md", "2"]),
    ("mark", {"tasks": ["2.1"], "marker": "xx"}, ["mark", "plan.md", "xx", "2.1"]),
    ("tick", {"tasks": ["1.1"], "plan": "gone.md"}, ["tick", "gone.md", "1.1"]),
]


async def test_a_refused_write_says_what_the_cli_says_and_writes_nothing(root):
    path = root / "plan.md"
    before = path.read_bytes()
    async with connect(root) as s:
        said = [error(await s.call_tool(tool, {"plan": "plan.md", **args})) for tool, args, _ in REFUSED]
    for sentence, (_, _, cli_args) in zip(said, REFUSED):
        out = cli(*cli_args, cwd=root)
        assert out.returncode == 2 and out.stderr == f"plantui: {sentence}\n"
    assert path.read_bytes() == before
    assert not (root / "gone.md").exists()


async def test_paths_outside_the_root_are_refused(root, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_bytes(OTHER.encode())
    (root / "link.md").symlink_to(outside)
    async with connect(root) as s:
        for name in ("../elsewhere.md", str(outside), "link.md"):
            said = error(await s.call_tool("tick", {"plan": name, "tasks": ["T001"]}))
            assert said == f"{name}: outside {root}; this server serves the plans under it only"
            assert "outside" in error(await s.call_tool("plan_status", {"plan": name}))
        with pytest.raises(Exception):
            await s.read_resource("plantui://plan/link.md")
    assert outside.read_bytes() == OTHER.encode()


async def test_read_only_lists_no_write_tools(root):
    before = (root / "plan.md").read_bytes()
    async with connect(root, "--read-only") as s:
        names = {t.name for t in (await s.list_tools()).tools}
        assert names == {"list_plans", "plan_status", "next_task", "check"}
        assert (await s.call_tool("tick", {"plan": "plan.md", "tasks": ["2.1"]})).is_error
    assert (root / "plan.md").read_bytes() == before


async def test_plans_are_resources(root):
    async with connect(root) as s:
        uris = [str(r.uri) for r in (await s.list_resources()).resources]
        assert uris == ["plantui://plan/plan.md", "plantui://status/plan.md",
                        "plantui://plan/specs/001-readme/tasks.md", "plantui://status/specs/001-readme/tasks.md"]
        md = (await s.read_resource("plantui://plan/specs/001-readme/tasks.md")).contents[0]
        assert md.text == OTHER and md.mime_type == "text/markdown"
        st = (await s.read_resource("plantui://status/plan.md")).contents[0]
        assert json.loads(st.text)["plans"][0]["tasks"]["done"] == 1
        with pytest.raises(Exception):
            await s.read_resource("plantui://plan/../elsewhere.md")


def test_bad_root_one_line_exit_2(tmp_path):
    out = cli("mcp", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == f"plantui: {tmp_path / 'nowhere'}: not a folder (plantui mcp ROOT serves the plans under the folder ROOT)\n"


def test_without_the_sdk_one_line_exit_2(tmp_path):
    """With the mcp package hidden, the command names the extra to install."""
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "mcp.py").write_text("raise ImportError('hidden', name='mcp')\n")
    env = {"PYTHONPATH": str(hide), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "plantui", "mcp", str(tmp_path)], capture_output=True, text=True,
                         cwd=tmp_path, env=env)
    assert out.returncode == 2
    assert out.stderr == "plantui: the MCP server needs the mcp package: install plantui[mcp] for this\n"
