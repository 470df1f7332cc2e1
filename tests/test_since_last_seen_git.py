"""A re-opened dashboard's first activity lines: the event log and the plan's commits since it was last shown."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from plantui import eventlog
from plantui.timeline import Tick

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=Ann", "-c", "user.email=ann@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    plan = repo / "plan.md"
    plan.write_text("# P\n\n## Phase 1: A\n\n- [ ] 1.1 one\n- [ ] 1.2 two\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "plan")
    return plan


def test_a_commit_stands_in_for_the_outside_tick_the_log_saw(repo):
    when = datetime.now(timezone.utc) - timedelta(minutes=5)
    logged = [Tick(datetime.now(timezone.utc), str(repo), "1.1 one", " ", "x", "outside")]
    repo.write_text(repo.read_text().replace("- [ ] 1.1", "- [x] 1.1"))
    git(repo.parent, "commit", "-qam", "1.1", "-m", "Co-authored-by: Claude <noreply@anthropic.com>")
    out = eventlog._with_commits(repo, logged, when)
    assert [(t.item, t.new, t.origin, t.author) for t in out] == [("1.1 one", "x", "git", "agent:Claude")]


def test_a_commit_the_log_never_saw_is_added_and_the_cli_s_own_tick_kept(repo):
    when = datetime.now(timezone.utc) - timedelta(minutes=5)
    repo.write_text(repo.read_text().replace("- [ ] 1.2", "- [x] 1.2"))
    git(repo.parent, "commit", "-qam", "1.2")
    logged = [Tick(datetime.now(timezone.utc), str(repo), "1.1 one", " ", "x", "cli")]
    out = eventlog._with_commits(repo, logged, when)
    assert sorted((t.item, t.origin) for t in out) == [("1.1 one", "cli"), ("1.2", "git")]


def test_commits_before_the_last_showing_are_not_news(repo):
    repo.write_text(repo.read_text().replace("- [ ] 1.2", "- [x] 1.2"))
    git(repo.parent, "commit", "-qam", "1.2")
    later = datetime.now(timezone.utc) + timedelta(minutes=5)
    assert eventlog._with_commits(repo, [], later) == []


def test_a_plan_outside_git_keeps_what_the_log_has(tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text("- [x] 1.1 one\n")
    logged = [Tick(datetime.now(timezone.utc), str(plan), "1.1 one", " ", "x", "outside")]
    assert eventlog._with_commits(plan, logged, datetime.now(timezone.utc) - timedelta(days=1)) == logged
