"""Defects a user met in the first hour: the CLI and the core (one test or more each)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pilot import loaded, wait_for

from plantui import cli
from plantui.cli import main
from plantui.fields import Tally, percent
from plantui.parser import build_plan
from plantui.progress import Counts, summarize
from plantui.report import plan_json, plan_text
from plantui.lines import Lines

NOW = datetime(2026, 1, 5, 14, 2, 11)


def parse(text: str):
    return build_plan(Lines.of(text))


# --- 3: one rounding of the percentage ---------------------------------------


@pytest.mark.parametrize("done,total,want", [
    (0, 0, 0), (0, 5, 0), (1, 1000, 1), (1, 3, 33), (2, 3, 66), (1, 2, 50), (399, 400, 99), (999, 1000, 99),
    (400, 400, 100),
])
def test_one_rounding_never_100_while_open_never_0_once_done(done, total, want):
    assert percent(done, total) == want
    assert Counts(total=total, done=done).percent == want
    assert Tally(done, total, bool(done)).percent == want


async def test_the_header_shows_the_same_percent_as_status(tmp_path):
    from plantui.ui.app import PlantuiApp

    path = tmp_path / "plan.md"
    path.write_text("# Big\n\n" + "".join(f"- [{'x' if k else ' '}] task {k}\n" for k in range(400)), encoding="utf-8")
    plan = parse(path.read_text())
    assert summarize(plan).tasks.percent == 99
    assert "399/400 tasks  99%" in plan_text(str(path), plan, summarize(plan))
    from plantui.report import bar
    assert bar(399 / 400).endswith("░") and bar(1 / 1000).startswith("█")  # the bar agrees with the percent
    app = PlantuiApp([path], live=False, clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        from plantui.ui.widgets.header import PlanHeader

        assert " 99% " in dash.query_one(PlanHeader).rows()["progress"].plain


# --- 7: "done by Phase 1" ----------------------------------------------------

PHASED = """\
# Plan

## Phase 1: Setup
- [x] 1.1 one

## Phase 2: Build
**Dependencies:** Phase 4
- [x] 2.1 two

## Phase 3: Ship
**Dependencies:** Phase 4
- [ ] 3.1 three

## Phase 4: Later
- [ ] 4.1 four
"""


def test_status_says_by_only_for_blocked_phases():
    plan = parse(PHASED)
    text = plan_text("plan.md", plan, summarize(plan))
    lines = {ln.split()[1] + ln.split()[2]: ln for ln in text.splitlines() if "Phase" in ln and "/" in ln}
    assert lines["Phase2:"].rstrip().endswith("done"), text
    assert " by " not in lines["Phase2:"]
    assert lines["Phase3:"].rstrip().endswith("blocked by Phase 4"), text


# --- 11: help and "no path means here" ---------------------------------------


def test_help_shows_the_dashboard_and_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "plantui [PATH ...]" in out and "--demo" in out
    for name in cli.COMMANDS:
        assert f"\n    {name} " in out, name
    assert "No PATH means the plans here" in out


def test_status_with_no_path_reads_the_plans_here(tmp_path, monkeypatch, capsys):
    (tmp_path / "tasks.md").write_text("# T\n\n- [x] 1. a\n- [ ] 2. b\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["status", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [Path(p["path"]).name for p in doc["plans"]] == ["tasks.md"]


def test_status_with_no_path_and_no_plan_here_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plantui: no plan here") and err.count("\n") == 1


# --- 15: --demo cleans up and says where its plan is --------------------------


def test_demo_removes_its_folder_and_passes_a_note(monkeypatch):
    import plantui.ui.app as app_module

    seen = {}

    def fake_run(paths, *, note=None, **options):
        seen["path"], seen["note"] = paths[0], note
        assert paths[0].is_file()  # the app sees the copy
        return 0

    monkeypatch.setattr(app_module, "run", fake_run)
    assert main(["--demo"]) == 0
    assert seen["note"].startswith(f"Demo plan: {seen['path']}")
    assert not seen["path"].parent.exists()


def test_demo_folder_is_removed_when_the_app_fails(monkeypatch):
    import plantui.ui.app as app_module

    seen = {}

    def failing_run(paths, *, note=None, **options):
        seen["path"] = paths[0]
        raise KeyboardInterrupt

    monkeypatch.setattr(app_module, "run", failing_run)
    assert main(["--demo"]) == 130
    assert not seen["path"].parent.exists()


async def test_the_note_is_shown_once_in_the_activity_log(tmp_path):
    from plantui.ui.app import PlantuiApp

    path = tmp_path / "plan.md"
    path.write_text("# P\n\n- [ ] 1. a\n", encoding="utf-8")
    app = PlantuiApp([path], live=False, clock=lambda: NOW, note="Demo plan: here — edit it")
    async with app.run_test(size=(80, 24)) as pilot:
        dash = await loaded(pilot)
        texts = [e.text for e in dash.activity.entries]
        assert texts.count("Demo plan: here — edit it") == 1
        assert app.note is None


# --- 2: a folder at any level of a usual layout -------------------------------

from plantui.discover import expand, plans_in  # noqa: E402

TREE = [
    "plan.md",
    "specs/001-auth/tasks.md",
    "specs/001-auth/plan.md",
    "specs/001-auth/spec.md",  # not a plan name
    "specs/001-auth/contracts/tasks.md",  # not where plans sit
    "specs/002-pay/tasks.md",
    ".kiro/specs/login/tasks.md",
    ".kiro/specs/login/design.md",
    ".specify/specs/003-x/tasks.md",
    "openspec/changes/add-x/tasks.md",
    "openspec/changes/archive/old-y/tasks.md",
    ".planning/ROADMAP.md",
    "docs/TODO.md",  # not a usual layout
    "node_modules/pkg/specs/a/tasks.md",
    ".git/specs/a/tasks.md",
    ".hidden/specs/a/tasks.md",
    "venv/specs/a/tasks.md",
]


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    for rel in TREE:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("# P\n\n- [ ] 1. a\n", encoding="utf-8")
    return root


def rels(paths, base):
    return [str(p.relative_to(base)) for p in paths]


def test_discovery_from_the_project_root(project, monkeypatch):
    want = [
        "plan.md",
        ".kiro/specs/login/tasks.md",
        ".planning/ROADMAP.md",
        "openspec/changes/add-x/tasks.md",
        "specs/001-auth/plan.md",
        "specs/001-auth/tasks.md",
        "specs/002-pay/tasks.md",
        ".specify/specs/003-x/tasks.md",
        "openspec/changes/archive/old-y/tasks.md",  # archived changes last
    ]
    got = rels(plans_in(project), project)
    assert sorted(got[:-1]) == sorted(want[:-1]) and got[-1] == want[-1]
    assert got[0] == "plan.md"
    monkeypatch.chdir(project)
    assert [str(p) for p in expand(["."])] == got  # naming . is the same as naming nothing
    assert rels(plans_in(Path.cwd()), Path.cwd()) == got


@pytest.mark.parametrize("level,want", [
    ("specs", ["001-auth/plan.md", "001-auth/tasks.md", "002-pay/tasks.md"]),
    ("specs/001-auth", ["plan.md", "tasks.md"]),
    (".kiro/specs", ["login/tasks.md"]),
    (".kiro/specs/login", ["tasks.md"]),
    (".specify/specs", ["003-x/tasks.md"]),
    ("openspec/changes", ["add-x/tasks.md", "archive/old-y/tasks.md"]),
    ("openspec/changes/add-x", ["tasks.md"]),
    ("openspec", ["changes/add-x/tasks.md", "changes/archive/old-y/tasks.md"]),
    (".kiro", ["specs/login/tasks.md"]),
    (".planning", ["ROADMAP.md"]),
])
def test_discovery_from_each_level(project, monkeypatch, level, want):
    assert rels(plans_in(project / level), project / level) == want
    monkeypatch.chdir(project)
    assert rels(expand([level]), Path(level)) == want


def test_the_readme_example_plantui_specs_finds_plans(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    for level in ("specs/", ".kiro/specs", "openspec/changes"):
        assert main(["status", "--json", level]) == 0, level
        assert json.loads(capsys.readouterr().out)["plans"], level


def test_discovery_never_follows_a_symlinked_folder(tmp_path):
    outside = tmp_path / "elsewhere" / "specs" / "a"
    outside.mkdir(parents=True)
    (outside / "tasks.md").write_text("- [ ] a\n", encoding="utf-8")
    root = tmp_path / "proj"
    root.mkdir()
    (root / "specs").symlink_to(tmp_path / "elsewhere" / "specs")
    assert plans_in(root) == []


# --- 16: the file's own done spelling; sync with no derived fields --------------

from plantui import actions  # noqa: E402


def write_plan(folder: Path, text: str, toml: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        (folder / ".plantui.toml").write_text(toml, encoding="utf-8")
    path = folder / "plan.md"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_tick_writes_the_files_configured_done_marker(tmp_path):
    path = write_plan(tmp_path, "# P\n\n- [✅] 1. a\n- [✅] 2. b\n- [ ] 3. c\n", '[markers]\n"✅" = "done"\n')
    actions.mark(path, ["3"], None, now=NOW)
    assert path.read_bytes().decode() == "# P\n\n- [✅] 1. a\n- [✅] 2. b\n- [✅] 3. c\n"


def test_a_tick_writes_x_where_most_done_boxes_say_x(tmp_path):
    path = write_plan(tmp_path, "# P\n\n- [x] 1. a\n- [x] 2. b\n- [✅] 3. c\n- [ ] 4. d\n", '[markers]\n"✅" = "done"\n')
    actions.mark(path, ["4"], None, now=NOW)
    assert path.read_bytes().decode().endswith("- [x] 4. d\n")


def test_sync_says_when_a_plan_has_no_derived_fields(tmp_path, capsys):
    path = write_plan(tmp_path, "# P\n\n- [x] 1. a\n")
    before = path.read_bytes()
    assert main(["sync", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == (f"{path} has no derived fields (Progress, Total Tasks, Status, Last Updated); nothing written\n")
    assert path.read_bytes() == before
    fielded = write_plan(tmp_path / "f", "# P\n\n**Progress:** 1/1 tasks complete\n\n- [x] 1. a\n")
    assert main(["sync", str(fielded)]) == 0
    assert capsys.readouterr().out == f"{fielded}: fields already up to date; nothing written\n"


async def test_the_dashboard_says_when_there_is_nothing_to_sync(tmp_path):
    from plantui.ui.app import PlantuiApp

    path = write_plan(tmp_path, "# P\n\n- [x] 1. a\n")
    app = PlantuiApp([path], live=False, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: len(app._notifications) > 0, what="a notice")
        said = [n.message for n in app._notifications]
        assert any("plan.md has no derived fields" in m for m in said), said


# --- 14: a phase without boxes that says it is done -----------------------------

STATED = """\
# Plan

## Phase 1: Setup ✅
Done by hand last week.

## Phase 2: Research
**Status:** Complete

## Phase 3: Notes (COMPLETE)

## Phase 4: Spike — Done

## Phase 5: Later
**Status:** Not complete

## Phase 6: Build
**Dependencies:** Phase 1, Phase 2
- [ ] 6.1 build it
"""


def test_phases_without_boxes_take_their_stated_status():
    plan = parse(STATED)
    summary = summarize(plan)
    assert [st.status for st in summary.phases] == ["done", "done", "done", "done", "not started", "not started"]
    doc = plan_json("plan.md", plan, summary)
    assert [p["status"] for p in doc["phases"]][:4] == ["done"] * 4
    assert doc["phases"][5]["blocked_by"] == []
    text = plan_text("plan.md", plan, summary)
    assert "✓ Phase 1: Setup ✅" in text
    assert plan.items[summary.next_task].id == "6.1"


def test_a_step_plan_whose_first_step_has_no_boxes_is_not_blocked_for_ever():
    text = ("# Plan\n\n### Step 1: Setup\n- **Status:** Done\n\n### Step 2: Data\n- **Dependencies:** Step 1\n"
            "- [ ] make models\n\n### Step 3: API\n- **Dependencies:** Step 2\n- [ ] endpoints\n")
    summary = summarize(parse(text))
    assert [st.status for st in summary.phases] == ["done", "not started", "blocked"]
    undone = summarize(parse(text.replace("**Status:** Done", "**Status:** Planned")))
    assert [st.status for st in undone.phases] == ["not started", "blocked", "blocked"]


def test_a_phase_with_open_boxes_is_not_done_whatever_its_heading_says():
    summary = summarize(parse("# P\n\n## Phase 1: Setup ✅\n- [ ] 1.1 a\n"))
    assert summary.phases[0].status == "not started"


def test_the_stated_status_follows_an_edit_of_the_status_field(tmp_path):
    from plantui.incremental import reparse

    text = "# P\n\n## Phase 1: Setup\n**Status:** Planned\n\n## Phase 2: Go\n**Dependencies:** Phase 1\n- [ ] 2.1 go\n"
    lines = Lines.of(text)
    plan = build_plan(lines)
    before = summarize(plan)
    assert [st.status for st in before.phases] == ["not started", "blocked"]
    new_lines = Lines.of(text.replace("Planned", "Done"))
    new_plan = reparse(plan, lines, new_lines)
    assert new_plan.phases is plan.phases  # a field value changed: the same structure (the incremental path)
    assert [st.status for st in summarize(new_plan).phases] == ["done", "not started"]


# --- 6: a marker that is one character of several code points ------------------

from plantui.config import ConfigError, grapheme_end, is_marker, load_settings  # noqa: E402
from plantui.markdown.chunks import parse_chunk  # noqa: E402
from plantui.markdown.scan import DECLINE, scan_chunk  # noqa: E402

WARN = "\u26a0\ufe0f"  # ⚠️
EMOJI_PLAN = f"# P\n\n- [ ] 1.1 first\n- [{WARN}] 1.2 risky\n- [👍🏽] 1.3 liked\n- [👩‍💻] 1.4 coding\n- [x] 1.5 done\n"
EMOJI_TOML = f'[markers]\n"{WARN}" = "in_progress"\n"👍🏽" = "done"\n"👩‍💻" = "in_progress"\n'


@pytest.mark.parametrize("text,one", [
    ("x", True), (WARN, True), ("\u26a0", True), ("👍🏽", True), ("👩‍💻", True), ("🇫🇷", True), ("é", True),
    ("e\u0301", True), ("1\ufe0f\u20e3", True), ("xy", False), ("", False), ("]", False), ("\u26a0 ", False),
])
def test_a_marker_is_one_user_perceived_character(text, one):
    assert is_marker(text) is one


def test_the_config_accepts_an_emoji_marker_with_its_selector(tmp_path):
    path = write_plan(tmp_path, EMOJI_PLAN, EMOJI_TOML)
    settings = load_settings(path)
    assert settings.state_of(WARN).value == "in_progress"
    assert settings.state_of("\u26a0").value == "in_progress"  # the same marker without its selector
    bad = write_plan(tmp_path / "bad", EMOJI_PLAN, '[markers]\n"ab" = "done"\n')
    with pytest.raises(ConfigError, match="one character"):
        load_settings(bad)


def test_the_parser_reads_emoji_markers_the_same_on_both_paths(tmp_path):
    path = write_plan(tmp_path, EMOJI_PLAN, EMOJI_TOML)
    settings = load_settings(path)
    for last in (True, False):
        got = scan_chunk(EMOJI_PLAN, settings, last)
        assert got is not DECLINE and got == parse_chunk(EMOJI_PLAN, settings, last)  # the scanner answers, the same
    plan = build_plan(Lines.of(EMOJI_PLAN), settings)
    assert [(it.id, it.marker, it.state.value) for it in plan.items] == [
        ("1.1", " ", "open"), ("1.2", WARN, "in_progress"), ("1.3", "👍🏽", "done"),
        ("1.4", "👩‍💻", "in_progress"), ("1.5", "x", "done")]
    assert [it.text for it in plan.items][1:4] == ["risky", "liked", "coding"]
    assert summarize(plan).warnings == ()  # each marker has its meaning


def test_status_and_mark_with_an_emoji_marker_keep_every_other_byte(tmp_path, capsys):
    path = write_plan(tmp_path, EMOJI_PLAN.replace("\n", "\r\n"), EMOJI_TOML)
    before = path.read_bytes()
    assert main(["status", str(path)]) == 0
    assert main(["mark", str(path), WARN, "1.1"]) == 0
    after = path.read_bytes()
    assert after == before.replace(b"- [ ] 1.1", f"- [{WARN}] 1.1".encode())
    assert main(["tick", str(path), "1.2"]) == 0
    assert path.read_bytes() == after.replace(f"[{WARN}] 1.2".encode(), b"[x] 1.2")
    assert main(["untick", str(path), "1.3", "1.4"]) == 0
    assert path.read_bytes() == after.replace(f"[{WARN}] 1.2".encode(), b"[x] 1.2").replace(
        "[👍🏽] 1.3".encode(), b"[ ] 1.3").replace("[👩‍💻] 1.4".encode(), b"[ ] 1.4")
    capsys.readouterr()
    assert main(["mark", str(path), "ab", "1.1"]) == 2
    assert "one character" in capsys.readouterr().err


# --- 12: undo takes back every byte the tick changed ---------------------------

from plantui.snapshot import read  # noqa: E402

FIELDED = """\
# Plan

**Progress:** [X/Y tasks complete]
**Status:** [Not Started]
**Last Updated:** [Date]

## Phase 1: Setup
- [ ] 1.1 first
- [ ] 1.2 second
"""


@pytest.mark.parametrize("newline,bom", [("\n", False), ("\r\n", False), ("\r\n", True), ("\n", True)])
def test_tick_then_undo_gives_back_the_original_bytes(tmp_path, newline, bom):
    path = tmp_path / "plan.md"
    original = (b"\xef\xbb\xbf" if bom else b"") + FIELDED.replace("\n", newline).encode()
    path.write_bytes(original)
    item = read(path).plan.items[0]
    ticked = actions.mark_items(path, [item], None, now=NOW)
    assert ticked.written
    text = path.read_bytes()
    assert b"[x] 1.1" in text and b"[X/Y" not in text and b"[Date]" not in text and b"2026-01-05" in text
    assert len(ticked.undo) == 4  # the box and the three fields it filled in
    undone = actions.undo(path, ticked.undo)
    assert undone.written and undone.left == () and undone.said == ""
    assert path.read_bytes() == original


def test_undo_leaves_a_field_edited_since_and_restores_the_box(tmp_path):
    path = tmp_path / "plan.md"
    path.write_bytes(FIELDED.encode())
    ticked = actions.mark_items(path, [read(path).plan.items[1]], None, now=NOW)
    now = path.read_bytes().decode()
    edited = now.replace("**Progress:** 1/2 tasks complete", "**Progress:** about half")
    edited = "<!-- a note added above -->\n" + edited  # every line moves down one
    path.write_bytes(edited.encode())
    undone = actions.undo(path, ticked.undo)
    assert undone.left == (3,)  # the Progress line, as it stood after the tick
    assert "changed since the tick" in undone.said
    want = "<!-- a note added above -->\n" + FIELDED.replace("**Progress:** [X/Y tasks complete]", "**Progress:** about half")
    assert path.read_bytes().decode() == want


def test_an_undo_with_nothing_left_to_take_back_writes_nothing(tmp_path):
    path = tmp_path / "plan.md"
    path.write_bytes(FIELDED.encode())
    ticked = actions.mark_items(path, [read(path).plan.items[0]], None, now=NOW)
    assert actions.undo(path, ticked.undo).written
    again = actions.undo(path, ticked.undo)
    assert not again.written and again.left == ()
    assert path.read_bytes() == FIELDED.encode()


async def test_x_then_u_in_the_dashboard_restores_the_file_byte_for_byte(tmp_path):
    from plantui.ui.app import PlantuiApp

    path = tmp_path / "plan.md"
    original = FIELDED.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    app = PlantuiApp([path], live=False, clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: b"[x] 1.1" in path.read_bytes() and not dash._writing, what="the tick")
        assert b"[Date]" not in path.read_bytes()
        await pilot.press("u")
        await wait_for(pilot, lambda: path.read_bytes() == original and not dash._writing, what="the undo")
        await pilot.pause()
    assert path.read_bytes() == original


async def test_undo_in_the_dashboard_says_which_lines_it_left_alone(tmp_path):
    from plantui.ui.app import PlantuiApp

    path = tmp_path / "plan.md"
    path.write_bytes(FIELDED.encode())
    app = PlantuiApp([path], live=False, clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        dash = await loaded(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: b"[x] 1.1" in path.read_bytes() and not dash._writing, what="the tick")
        path.write_bytes(path.read_bytes().replace(b"**Progress:** 1/2 tasks complete", b"**Progress:** half"))
        await pilot.press("u")
        await wait_for(pilot, lambda: b"[ ] 1.1" in path.read_bytes() and not dash._writing, what="the undo")
        await wait_for(pilot, lambda: any("changed since the tick" in n.message for n in app._notifications),
                       what="the notice")
        said = [n.message for n in app._notifications if "changed since" in n.message]
        assert said == ["line 3 changed since the tick and is left as it is; the rest is undone"]
    assert path.read_bytes() == FIELDED.replace("[X/Y tasks complete]", "half").encode()


def test_watch_with_no_path_and_no_plan_here_is_the_same_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["watch"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plantui: no plan here") and err.count("\n") == 1


def test_status_with_no_path_names_the_plans_as_found_from_here(tmp_path, monkeypatch, capsys):
    (tmp_path / "specs" / "001-a").mkdir(parents=True)
    (tmp_path / "specs" / "001-a" / "tasks.md").write_text("# A\n\n- [x] 1. a\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["status", "--json"]) == 0
    assert [p["path"] for p in json.loads(capsys.readouterr().out)["plans"]] == ["specs/001-a/tasks.md"]
