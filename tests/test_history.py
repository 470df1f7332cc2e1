"""``plantui history``: a plan's counts and ticks at every commit, read from git."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from benchmarks.history import make_repo
from plantui import history as hist
from plantui.cli import main
from plantui.history import agent_of, parse_since, read_history
from plantui.history_chart import ChartMissing, burnup_text
from plantui.errors import PlanError
from plantui.timeline import Point

COMMITS, TASKS = 40, 30


@pytest.fixture(autouse=True)
def _homes(tmp_path, monkeypatch):
    """Nothing written to the real home; git ignores the user's config; no repository above tmp_path."""
    for var, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("NO_COLOR", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Ann")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "ann@example.com")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("hist") / "repo", COMMITS, TASKS)


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "plantui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def test_counts_at_every_commit(repo):
    history = read_history(repo.plan)
    assert len(history.commits) == COMMITS
    for n, (got, want) in enumerate(zip(history.commits, repo.commits)):
        assert (got.subject, got.author, got.by, got.path) == (want.subject, want.author, want.by, want.path), n
        assert (got.tasks.done, got.tasks.total, got.checks.done, got.checks.total) == \
            (want.done, want.total, want.checks_done, want.checks_total), n
        ticked = [c for c in got.changes if c.old is not None and c.new is not None]
        assert tuple(c.item for c in ticked if c.done) == want.ticked, n
        assert tuple(c.item for c in ticked if not c.done) == want.unticked, n
        assert tuple(c.item for c in got.changes if c.old is None) == want.added, n
        assert all(c.new is not None for c in got.changes)  # nothing removed
    assert history.commits[0].first and not any(c.first for c in history.commits[1:])
    assert history.commits[0].changes == ()  # the first version is the baseline, not COMMITS ticks


def test_points_and_ticks(repo):
    history = read_history(repo.plan)
    points = history.points()
    assert [(p.done, p.total) for p in points] == [(w.done, w.total) for w in repo.commits]
    assert {p.origin for p in points} == {"git"} and all(p.at.tzinfo for p in points)
    ticks = history.ticks()
    assert len(ticks) == sum(len(w.ticked) + len(w.unticked) + len(w.added) for w in repo.commits)
    assert {t.plan for t in ticks} == {str(repo.plan.resolve())}
    untick = next(t for t in ticks if t.old == "x" and t.new == " ")
    assert untick.origin == "git" and untick.item.startswith("T")
    agents = {(t.at, t.author) for t in ticks if t.author == "agent:Claude"}
    assert agents and all(t.author in ("Ann Example", "Bob Example", "agent:Claude") for t in ticks)


def test_rename_followed(repo):
    history = read_history(repo.plan)
    paths = [c.path for c in history.commits]
    cut = paths.index("docs/plan.md")
    assert paths[:cut] == ["plan.md"] * cut and cut == COMMITS // 2
    moved = history.commits[cut]
    assert moved.subject == "Move the plan to docs/" and moved.changes == ()
    out = run("history", repo.plan)
    assert out.returncode == 0, out.stderr
    assert "(renamed from plan.md)" in out.stdout


def test_trailer_names_the_agent(repo):
    history = read_history(repo.plan)
    with_agent = [c for c in history.commits if c.agents]
    assert [history.commits.index(c) for c in with_agent] == [n for n in range(COMMITS) if n % 5 == 3]
    assert all(c.by == "agent:Claude" and c.who == f"{c.author} (with Claude)" for c in with_agent)
    out = run("history", repo.plan)
    assert "by Bob Example (with Claude)" in out.stdout and "by Ann Example\n" in out.stdout


@pytest.mark.parametrize("name, email, agent", [
    ("Claude", "noreply@anthropic.com", "Claude"),
    ("Claude Opus 4", "noreply@anthropic.com", "Claude"),
    ("Copilot", "198982749+Copilot@users.noreply.github.com", "Copilot"),
    ("Cursor Agent", "cursoragent@cursor.com", "Cursor"),
    ("aider (gpt-4o)", "noreply@aider.chat", "aider"),
    ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "Devin"),
    ("gemini-code-assist[bot]", "x@users.noreply.github.com", "Gemini"),
    ("Codex", "codex@openai.com", "Codex"),
    ("Cursor Agent", "", "Cursor"),
    ("Amp", "amp@ampcode.com", "Amp"),
    ("Ann (aider)", "ann@example.com", "aider"),
    ("Jane Doe", "jane@example.com", None),
    ("Claude Dupont", "claude.dupont@example.fr", None),  # people with an agent's name are people
    ("Devin Smith", "devin@example.com", None),
    ("Haider Ali", "haider@example.com", None),
    ("Stamp", "stamp@example.com", None),
    ("Ann", "ann@example.com", None),
])
def test_agent_of(name, email, agent):
    assert agent_of(name, email) == agent


def test_agent_as_author_and_several_trailers(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / "plan.md").write_text("- [ ] 1 One\n- [ ] 2 Two\n", newline="")
    git(folder, "add", "plan.md")
    git(folder, "commit", "-qm", "Plan\n\nCo-authored-by: Jane <jane@example.com>")
    (folder / "plan.md").write_text("- [x] 1 One\n- [ ] 2 Two\n", newline="")
    git(folder, "-c", "user.name=Copilot", "-c", "user.email=198982749+Copilot@users.noreply.github.com",
        "commit", "-qam", "Tick 1", "--author", "Copilot <198982749+Copilot@users.noreply.github.com>")
    (folder / "plan.md").write_text("- [x] 1 One\n- [x] 2 Two\n", newline="")
    git(folder, "commit", "-qam",
        "Tick 2\n\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>")
    first, second, third = read_history(folder / "plan.md").commits
    assert first.agents == () and first.by == "Ann" and first.who == "Ann"
    assert second.by == "agent:Copilot" and second.who == "Copilot (agent)"
    assert third.agents == ("Claude", "Cursor") and third.who == "Ann (with Claude, Cursor)"


def test_since(repo):
    history = read_history(repo.plan)
    cut = history.commits[30].at
    later = [c for c in history.commits if c.at >= cut]
    out = run("history", repo.plan, "--since", cut.isoformat(), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [c["commit"] for c in doc["commits"]] == [c.sha for c in later]
    assert doc["commits_in_all"] == COMMITS and len(doc["points"]) == len(later)
    first = doc["commits"][0]  # measured against the version before it, which is not shown
    assert not first["created"] and first["tasks"]["done"] == repo.commits[30].done
    assert [ch["item"] for ch in first["changes"]] == list(repo.commits[30].ticked + repo.commits[30].unticked)
    text = run("history", repo.plan, "--since", cut.isoformat())
    assert f"{len(later)} commits (of {COMMITS})" in text.stdout
    assert run("history", repo.plan, "--since", "2000-01-01").stdout.count("\n20") == COMMITS
    for extra in ((), ("--chart",)):  # a window without commits is no error
        none = run("history", repo.plan, "--since", "1h", *extra)
        assert none.returncode == 0 and none.stdout == f"{repo.plan}: no commits in that time ({COMMITS} commits in all)\n"


def test_parse_since():
    now = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("2 weeks ago", now) == now - timedelta(days=14)
    assert parse_since("12h", now) == now - timedelta(hours=12)
    assert parse_since("2025-03-01T14:00+00:00", now) == datetime(2025, 3, 1, 14, tzinfo=timezone.utc)
    assert parse_since("2025-03-01", now).tzinfo is not None
    with pytest.raises(PlanError, match="give a date"):
        parse_since("last tuesday-ish", now)


def test_bad_since_exits_2(repo):
    out = run("history", repo.plan, "--since", "soonish")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "--since 'soonish'" in out.stderr and "Traceback" not in out.stderr


def test_not_a_repository_exits_2(tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text("- [ ] 1 One\n", newline="")
    out = run("history", plan)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == f"plantui: {plan} is not in a git repository, so it has no history to show\n"
    missing = run("history", tmp_path / "nope.md")
    assert missing.returncode == 2 and missing.stderr == f"plantui: {tmp_path / 'nope.md'}: no such file\n"


def test_untracked_file_exits_2(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / "plan.md").write_text("- [ ] 1 One\n", newline="")
    fresh = run("history", folder / "plan.md")  # a repository without a commit yet
    assert fresh.returncode == 2 and "git does not track" in fresh.stderr and fresh.stderr.count("\n") == 1
    (folder / "other.md").write_text("x\n")
    git(folder, "add", "other.md")
    git(folder, "commit", "-qm", "other")
    plan = folder / "plan.md"
    plan.write_text("- [ ] 1 One\n", newline="")
    out = run("history", plan)
    assert out.returncode == 2 and out.stdout == ""
    assert "git does not track" in out.stderr and out.stderr.count("\n") == 1
    git(folder, "add", "plan.md")
    out = run("history", plan)
    assert out.returncode == 2 and "is not committed yet" in out.stderr
    assert plan.read_text() == "- [ ] 1 One\n"  # nothing written


def test_unchanged_texts_are_parsed_once(repo, monkeypatch):
    parsed = []
    real = hist._parse

    def counting(raw, previous, settings, path):
        parsed.append(raw)
        return real(raw, previous, settings, path)

    monkeypatch.setattr(hist, "_parse", counting)
    history = read_history(repo.plan)
    assert len(history.commits) == COMMITS
    assert len(parsed) == repo.blobs == history.versions < COMMITS  # the rename and the revert: no parse
    assert len(set(parsed)) == len(parsed)


def test_one_log_and_one_cat_file(repo, monkeypatch):
    calls = []
    real = subprocess.run

    def recording(cmd, *args, **kwargs):
        calls.append([c for c in cmd[1:] if not c.startswith("-") and "=" not in c][:1])
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(hist.subprocess, "run", recording)
    read_history(repo.plan)
    assert calls.count(["log"]) == 1 and calls.count(["cat-file"]) == 1 and len(calls) == 3  # and rev-parse


def test_merge_commit_read_from_its_tree(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    plan = folder / "plan.md"
    git(folder, "init", "-q", "-b", "main")
    plan.write_text("# P\n\n- [ ] 1 One\n\n- [ ] 2 Two\n\n- [ ] 3 Three\n", newline="")
    git(folder, "add", "plan.md")
    git(folder, "commit", "-qm", "Plan")
    git(folder, "checkout", "-qb", "side")
    plan.write_text("# P\n\n- [x] 1 One\n\n- [ ] 2 Two\n\n- [ ] 3 Three\n", newline="")
    git(folder, "commit", "-qam", "Tick 1 on a branch")
    git(folder, "checkout", "-q", "main")
    plan.write_text("# P\n\n- [ ] 1 One\n\n- [ ] 2 Two\n\n- [x] 3 Three\n", newline="")
    git(folder, "commit", "-qam", "Tick 3")
    git(folder, "merge", "-q", "--no-edit", "side")
    assert plan.read_text().count("[x]") == 2
    history = read_history(plan)
    assert [c.subject for c in history.commits][-1].startswith("Merge branch 'side'")
    assert history.commits[-1].tasks.done == 2 and history.commits[-1].tasks.total == 3
    by_subject = {c.subject: c for c in history.commits}
    # each commit against its own parent: no "1 unticked" in Tick 3 though the branch's commit came before it
    assert [(ch.item, ch.old, ch.new) for ch in by_subject["Tick 3"].changes] == [("3", " ", "x")]
    assert [(ch.item, ch.old, ch.new) for ch in by_subject["Tick 1 on a branch"].changes] == [("1", " ", "x")]
    assert [(ch.item, ch.old, ch.new) for ch in history.commits[-1].changes] == [("1", " ", "x")]
    assert history.commits[-1].was.done == 1


def test_deleted_and_restored(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    plan = folder / "plan.md"
    git(folder, "init", "-q")
    plan.write_text("- [x] 1 One\n- [ ] 2 Two\n", newline="")
    git(folder, "add", "plan.md")
    git(folder, "commit", "-qm", "Plan")
    git(folder, "rm", "-q", "plan.md")
    git(folder, "commit", "-qm", "Drop it")
    plan.write_text("- [x] 1 One\n- [x] 2 Two\n", newline="")
    git(folder, "add", "plan.md")
    git(folder, "commit", "-qm", "Back")
    a, b, c = read_history(plan).commits
    assert (a.tasks.done, b.tasks.total, b.gone, c.tasks.done) == (1, 0, True, 2)
    assert [ch.item for ch in b.changes if ch.new is None] == ["1", "2"]  # removed
    assert [ch.item for ch in c.changes if ch.old is None] == ["1", "2"]  # added


def test_text_output_names_ticks_and_unticks(repo):
    out = run("history", repo.plan)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{repo.plan} — {COMMITS} commits from ")
    assert f"now {repo.commits[-1].done}/{repo.commits[-1].total} tasks" in lines[0]
    assert "(created: 30 tasks, 3 checks)" in out.stdout
    untick = next(w for w in repo.commits if w.unticked).unticked[0]
    assert any(line.startswith(f"  ○ {untick} ") and line.endswith("(unticked)") for line in lines)
    first_tick = repo.commits[1].ticked[0]
    assert any(line.startswith(f"  ✓ {first_tick} ") for line in lines)
    assert f"  + {repo.commits[6].added[0]} " in out.stdout


def test_json_schema(repo):
    out = run("history", repo.plan, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == 1 and doc["path"] == str(repo.plan.resolve()) and len(doc["commits"]) == COMMITS
    c = doc["commits"][3]
    assert set(c) == {"commit", "date", "author", "email", "agents", "by", "subject", "path", "created", "deleted",
                      "tasks", "checks", "changes"}
    assert c["agents"] == ["Claude"] and c["by"] == "agent:Claude" and len(c["commit"]) == 40
    assert datetime.fromisoformat(c["date"]).tzinfo is not None
    ch = c["changes"][0]
    assert set(ch) == {"item", "label", "old", "new", "done", "line"} and ch["old"] == " " and ch["new"] == "x"
    assert [(p["done"], p["total"]) for p in doc["points"]] == [(w.done, w.total) for w in repo.commits]


def test_chart_prints_a_chart(repo):
    out = subprocess.run([sys.executable, "-m", "plantui", "history", str(repo.plan), "--chart"],
                         capture_output=True, text=True, env={**__import__("os").environ, "COLUMNS": "70", "LINES": "20"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert 10 <= len(lines) <= 20 and max(len(line) for line in lines[1:]) <= 70
    assert "total" in out.stdout and "done" in out.stdout and "\x1b[" not in out.stdout
    assert "┤" in out.stdout and any(ch in out.stdout for ch in "⠁⠂⠄⡀⣀⠉")  # axes, and braille dots
    assert f"{repo.commits[-1].done}/{repo.commits[-1].total} tasks done" in lines[0]
    assert run("history", repo.plan, "--chart", "--json").returncode == 2


def test_burnup_text_draws_done_under_total():
    t = datetime(2025, 3, 1, tzinfo=timezone.utc)
    points = [Point(t + timedelta(days=k), d, 40, "git") for k, d in enumerate((0, 5, 10, 10, 30))]
    text = burnup_text(points, 60, 16)
    lines = text.splitlines()
    assert len(lines) == 16 and max(map(len, lines)) <= 60
    assert lines[1].lstrip().startswith("40┤") or any(line.lstrip().startswith("40┤") for line in lines)
    assert any(line.lstrip().startswith("0┤") for line in lines)
    assert "2025-03-01" in lines[-1]
    assert burnup_text(points[:1], 40, 10)  # one point is drawn too


def test_without_plotext_one_line(repo, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "plotext", None)
    with pytest.raises(ChartMissing, match=r"install plantui\[chart\]"):
        burnup_text([Point(datetime.now(timezone.utc), 1, 2, "git")])
    assert main(["history", str(repo.plan), "--chart"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "install plantui[chart]" in err


def test_uncommitted_changes_are_shown_apart(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    plan = folder / "plan.md"
    git(folder, "init", "-q")
    plan.write_text("- [ ] 1 One\n- [ ] 2 Two\n", newline="")
    git(folder, "add", "plan.md")
    git(folder, "commit", "-qm", "Plan")
    assert read_history(plan).uncommitted is None
    plan.write_text("- [x] 1 One\n- [ ] 2 Two\n", newline="")
    history = read_history(plan)
    assert len(history.commits) == 1 and history.points()[-1].done == 0  # the history is the commits
    assert history.uncommitted.tasks.done == 1 and [c.item for c in history.uncommitted.changes] == ["1"]
    out = run("history", plan)
    assert out.stdout.endswith("now, not committed  tasks 1/2 (+1)\n  ✓ 1 One\n")
    doc = json.loads(run("history", plan, "--json").stdout)
    assert doc["uncommitted"]["tasks"]["done"] == 1 and doc["uncommitted"]["changes"][0]["new"] == "x"
    assert json.loads(run("history", plan, "--json").stdout)["commits"][0]["tasks"]["done"] == 0


def test_project_markers_are_used(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    plan = folder / "plan.md"
    git(folder, "init", "-q")
    (folder / ".plantui.toml").write_text('[markers]\n"-" = "skipped"\n')
    plan.write_text("- [ ] 1 One\n- [ ] 2 Two\n- [ ] 3 Three\n", newline="")
    git(folder, "add", "plan.md")
    git(folder, "commit", "-qm", "Plan")
    plan.write_text("- [x] 1 One\n- [-] 2 Two\n- [ ] 3 Three\n", newline="")
    git(folder, "commit", "-qam", "One done, two dropped")
    last = read_history(plan).commits[-1]
    assert (last.tasks.done, last.tasks.skipped, last.tasks.countable) == (1, 1, 2)
    assert read_history(plan).points()[-1] == read_history(plan).points()[-1].__class__(last.at, 1, 2, "git")
    out = run("history", plan).stdout
    assert "tasks 1/2 (+1)" in out and "  ⊘ 2 Two  (skipped)" in out


def test_no_path_means_the_one_plan_here(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / "plan.md").write_text("- [ ] 1 One\n", newline="")
    git(folder, "add", "plan.md")
    git(folder, "commit", "-qm", "Plan")
    out = run("history", cwd=folder)
    assert out.returncode == 0 and out.stdout.startswith("plan.md — 1 commit from ")
    (folder / "TODO.md").write_text("- [ ] 1 One\n", newline="")
    two = run("history", cwd=folder)
    assert two.returncode == 2 and two.stderr == "plantui: 2 plans here (plan.md, TODO.md); name the one whose history to show\n"
    none = run("history", cwd=tmp_path)
    assert none.returncode == 2 and "no plan here" in none.stderr and none.stderr.count("\n") == 1


def test_old_texts_are_let_go_and_a_revert_is_still_known(tmp_path, monkeypatch):
    monkeypatch.setattr(hist, "KEPT_TEXTS", 1)  # every version but the last parsed forgets its text
    folder = tmp_path / "r"
    folder.mkdir()
    plan = folder / "plan.md"
    git(folder, "init", "-q")
    texts = ["- [ ] 1 One\n- [ ] 2 Two\n", "- [x] 1 One\n- [ ] 2 Two\n", "- [x] 1 One\n- [x] 2 Two\n",
             "- [ ] 1 One\n- [ ] 2 Two\n"]
    for n, text in enumerate(texts):
        plan.write_text(text, newline="")
        git(folder, "add", "plan.md")
        git(folder, "commit", "-qm", f"v{n}")
    history = read_history(plan)
    assert [c.tasks.done for c in history.commits] == [0, 1, 2, 0] and history.versions == 3
    assert [(ch.item, ch.new) for ch in history.commits[-1].changes] == [("1", " "), ("2", " ")]
    assert history.uncommitted is None  # the file is what the last commit left, whose text was let go
