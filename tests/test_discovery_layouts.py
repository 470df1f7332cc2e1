"""Plans found where each tool puts them (issue #15): every layout, from the project root and from
the plan's own folder, each named with its tool and feature, archived ones apart; the folders a walk
must skip (node_modules, virtual environments, ignored folders, a symlink loop)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from plantui.cli import main
from plantui.discover import expand, plans_in
from plantui.tools import Place, describe

BOXES = "# Plan\n\n- [x] one\n- [ ] two\n"
PROSE = "# Notes\n\nNo tasks here, only words.\n"
STORY = "# Story 1.3: Search\n\nStatus: ready-for-dev\n\n## Tasks / Subtasks\n\n- [ ] Index (AC: 1)\n"
CURSOR = ("---\nname: Dark mode\noverview: Add a dark theme\ntodos:\n  - id: t1\n    content: Add tokens\n"
          "    status: pending\nisProject: false\n---\n\n# Dark mode\n\nFree prose.\n")
TASKMASTER = '{"master": {"tasks": [{"id": 1, "title": "Set up", "status": "pending", "subtasks": []}]}}\n'

# path -> (tool, feature, archived): every plan of the layouts
PLANS = {
    "specs/001-auth/tasks.md": ("speckit", "001-auth", False),
    "specs/001-auth/plan.md": ("speckit", "001-auth", False),
    "specs/completed/000-setup/tasks.md": ("speckit", "000-setup", True),
    ".specify/specs/002-pay/tasks.md": ("speckit", "002-pay", False),
    ".kiro/specs/login/tasks.md": ("kiro", "login", False),
    "openspec/changes/add-search/tasks.md": ("openspec", "add-search", False),
    "openspec/changes/archive/2025-01-01-add-x/tasks.md": ("openspec", "2025-01-01-add-x", True),
    ".cursor/plans/dark-mode_1a2b3c4d.plan.md": ("cursor", "dark-mode", False),
    "PLANS.md": ("codex", None, False),
    ".agent/PLANS.md": ("codex", None, False),
    ".agent/plans/ep-search.md": ("codex", "ep-search", False),
    ".agent/execplans/ep-cache.md": ("codex", "ep-cache", False),
    "docs/exec-plans/active/ep-login.md": ("codex", "ep-login", False),
    "docs/exec-plans/completed/ep-setup.md": ("codex", "ep-setup", True),
    "tasks/todo.md": ("claude", None, False),
    ".planning/ROADMAP.md": ("claude", None, False),
    ".planning/phases/01-foundation/01-01-PLAN.md": ("claude", "01-foundation", False),
    ".cursor/TODO.md": ("cursor", None, False),
    "design/plans/cosy-otter.md": ("claude", "cosy-otter", False),  # plansDirectory in .claude/settings.json
    ".taskmaster/tasks/tasks.json": ("taskmaster", None, False),
    "docs/stories/1.2.login.story.md": ("bmad", "1.2.login", False),
    "_bmad-output/implementation-artifacts/stories/1-3-search.md": ("bmad", "1-3-search", False),
    ".agent-os/specs/2025-01-29-reset/tasks.md": ("agent-os", "2025-01-29-reset", False),
    ".agent-os/product/roadmap.md": ("agent-os", "product", False),
    "conductor/tracks.md": ("conductor", None, False),
    "conductor/tracks/auth_20250101/plan.md": ("conductor", "auth_20250101", False),
    "conductor/archive/cli_20240101/plan.md": ("conductor", "cli_20240101", True),
    "task.md": ("antigravity", None, False),
    "implementation_plan.md": ("antigravity", None, False),
    "TODO.md": ("markdown", None, False),
    "TASKS.md": ("markdown", None, False),
    "ROADMAP.md": ("markdown", None, False),
    "packages/web/specs/010-ui/tasks.md": ("speckit", "010-ui", False),  # a monorepo's package
}
# files that are no plan, or in folders never walked
NOT_PLANS = [
    "specs/001-auth/spec.md", "specs/001-auth/contracts/tasks.md", ".kiro/specs/login/design.md",
    "docs/exec-plans/README.md", "_bmad-output/planning-artifacts/prd.md", ".agent-os/specs/2025-01-29-reset/spec.md",
    "conductor/product.md", "conductor/tracks/auth_20250101/spec.md", "docs/TODO.md", "src/plan.md",
    ".taskmaster/docs/prd.md", ".planning/phases/01-foundation/01-CONTEXT.md",
    "node_modules/pkg/specs/a/tasks.md", ".venv/specs/a/tasks.md", "env2/specs/a/tasks.md",  # env2: pyvenv.cfg
    "conda/specs/a/tasks.md",  # conda: conda-meta
    ".git/specs/a/tasks.md", ".hidden/specs/a/tasks.md", "build/specs/a/tasks.md", "out/specs/a/tasks.md",
    "packages/web/dist/specs/a/tasks.md",
]
TEXT = {"docs/exec-plans/README.md": PROSE, "_bmad-output/planning-artifacts/prd.md": PROSE,
        "conductor/product.md": PROSE, "conductor/tracks/auth_20250101/spec.md": PROSE,
        "_bmad-output/implementation-artifacts/stories/1-3-search.md": STORY,
        ".cursor/plans/dark-mode_1a2b3c4d.plan.md": CURSOR, ".taskmaster/tasks/tasks.json": TASKMASTER}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for rel in [*PLANS, *NOT_PLANS]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEXT.get(rel, BOXES), encoding="utf-8")
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "env2" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "conda" / "conda-meta").mkdir()
    # build/ and /out ignored; .cursor/ too, but a layout's folder is walked all the same
    (root / ".gitignore").write_text("# built\nbuild/\n/out\n.cursor/\n*.log\n")
    (root / "packages" / "web" / ".gitignore").write_text("/dist\n")
    (root / ".claude").mkdir()
    (root / ".claude" / "settings.json").write_text(json.dumps({"plansDirectory": "./design/plans"}))
    (root / "specs" / "001-auth" / "loop").symlink_to(root)  # a symlink loop
    return root


def rels(paths, base) -> list[str]:
    return [Path(os.path.relpath(p, base)).as_posix() for p in paths]


def test_every_layout_is_found_from_the_project_root(project: Path):
    got = rels(plans_in(project), project)
    assert sorted(got) == sorted(PLANS), set(got) ^ set(PLANS)
    archived = [r for r in got if PLANS[r][2]]
    assert got[-len(archived):] == archived  # archived ones last


def test_each_plan_is_found_from_its_own_folder_and_from_a_level_of_its_layout(project: Path, monkeypatch):
    for rel in PLANS:
        folder = (project / rel).parent
        assert (project / rel).name in rels(plans_in(folder), folder), rel
    monkeypatch.chdir(project)
    for level, want in (("specs", ["001-auth/plan.md", "001-auth/tasks.md", "completed/000-setup/tasks.md"]),
                        (".kiro/specs", ["login/tasks.md"]),
                        ("docs", ["TODO.md", "stories/1.2.login.story.md", "exec-plans/active/ep-login.md",
                                  "exec-plans/completed/ep-setup.md"]),
                        ("conductor", ["tracks.md", "tracks/auth_20250101/plan.md", "archive/cli_20240101/plan.md"]),
                        (".agent", ["PLANS.md", "execplans/ep-cache.md", "plans/ep-search.md"])):
        assert rels(expand([level]), level) == want, level


@pytest.mark.parametrize("rel", sorted(PLANS))
def test_each_plan_is_named_with_its_tool_feature_and_archive(project: Path, rel: str):
    tool, feature, archived = PLANS[rel]
    assert describe(project / rel) == Place(tool, feature, archived)


def test_a_relative_path_is_named_too(project: Path, monkeypatch):
    monkeypatch.chdir(project / ".kiro" / "specs" / "login")
    assert describe("tasks.md") == Place("kiro", "login")
    assert describe(Path("tasks.md")).tool_name == "Kiro"


def test_a_plan_outside_every_layout_is_markdown(tmp_path: Path):
    assert describe(tmp_path / "notes" / "plan.md") == Place("markdown")


def test_antigravitys_brain_folder_is_found_from_home(tmp_path: Path):
    brain = tmp_path / ".gemini" / "antigravity" / "brain" / "3f2a-conversation"
    brain.mkdir(parents=True)
    for name in ("task.md", "implementation_plan.md", "walkthrough.md"):
        (brain / name).write_text(BOXES)
    got = plans_in(tmp_path)
    assert rels(got, brain) == ["task.md", "implementation_plan.md"]
    assert {describe(p) for p in got} == {Place("antigravity", "3f2a-conversation")}


def test_a_symlinked_folder_is_never_entered(project: Path):
    assert not any("loop" in p.parts for p in plans_in(project))


def test_a_negated_ignore_pattern_keeps_its_folder(tmp_path: Path):
    (tmp_path / ".gitignore").write_text("gen*/\n!generated-specs/\n")
    for rel in ("gen1/specs/a/tasks.md", "generated-specs/specs/b/tasks.md"):
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text(BOXES)
    assert rels(plans_in(tmp_path), tmp_path) == ["generated-specs/specs/b/tasks.md"]


def test_an_ignore_pattern_of_the_repository_above_applies_to_a_subfolder(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("target\n")
    sub = tmp_path / "app"
    for rel in ("target/specs/a/tasks.md", "specs/b/tasks.md"):
        (sub / rel).parent.mkdir(parents=True)
        (sub / rel).write_text(BOXES)
    assert rels(plans_in(sub), sub) == ["specs/b/tasks.md"]


def test_status_json_names_each_plans_tool_feature_and_archive(project: Path, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["status", "--json", "openspec", ".kiro/specs/login/tasks.md"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == 1
    got = [(p["path"], p["tool"], p["feature"], p["archived"], p["source"]) for p in doc["plans"]]
    assert got == [
        ("openspec/changes/add-search/tasks.md", "openspec", "add-search", False, "markdown"),
        ("openspec/changes/archive/2025-01-01-add-x/tasks.md", "openspec", "2025-01-01-add-x", True, "markdown"),
        (".kiro/specs/login/tasks.md", "kiro", "login", False, "markdown"),
    ]


def test_the_benchmark_tree_hides_every_plan_where_discovery_finds_it(tmp_path: Path):
    from benchmarks.discovery import make_tree

    want = make_tree(tmp_path / "repo", files=1500)
    found = plans_in(tmp_path / "repo")
    assert len(found) == want
    skipped = {"node_modules", ".venv", "build", "src"}
    assert not any(skipped & set(p.relative_to(tmp_path / "repo").parts) for p in found)
