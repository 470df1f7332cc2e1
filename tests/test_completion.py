"""``plantui completion``: scripts from the parser (argcomplete), and the answers they get from plantui."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plantui.arguments import COMMANDS, command_parser as _parser

pytest.importorskip("argcomplete")

PLAN = """\
# Plan

## Phase 1: Setup

- [x] 1.1 Wire the servo
- [ ] 1.2 Calibrate the scale
- [x] 1.3 Order spare parts

## Phase 2: Schedule

- [ ] 2.1 Morning feeding
- [/] 2.2 Evening feeding
"""

BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _homes(tmp_path, monkeypatch):
    """Caches, state and config go to the test's folder, never the real home."""
    for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


@pytest.fixture
def here(tmp_path) -> Path:
    (tmp_path / "plan.md").write_bytes(PLAN.encode())
    return tmp_path


def complete(line: str, cwd: Path, shell: str = "bash") -> list[str]:
    """What plantui answers the shell for ``line`` (cursor at its end), by argcomplete's protocol."""
    answer = cwd / "answer.txt"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": shell, "COMP_LINE": line,
           "COMP_POINT": str(len(line)), "_ARGCOMPLETE_IFS": "\n", "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)}
    if shell == "fish":
        env["_ARGCOMPLETE_DFS"] = "\t"  # as the fish script sets it
    subprocess.run([sys.executable, "-m", "plantui"], env=env, cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL)
    words = answer.read_text(encoding="utf-8").split("\n")
    answer.unlink()
    return [w.rstrip() for w in words if w.strip()]


def test_every_command_and_every_option_is_offered(here):
    assert set(COMMANDS) <= set(complete("plantui ", here))
    subs = next(a for a in _parser()._actions if a.dest == "command").choices
    for name in COMMANDS:
        options = {o for a in subs[name]._actions for o in a.option_strings if o.startswith("--")}
        assert options <= set(complete(f"plantui {name} --", here)), name
    assert complete("plantui completion ", here)[-3:] == ["bash", "zsh", "fish"]


def test_the_dashboard_s_paths_once_something_is_typed(here):
    (here / "specs" / "001-x").mkdir(parents=True)
    (here / "notes.txt").write_text("not a plan")
    assert complete("plantui s", here) == ["status", "sync", "specs/"]
    assert complete("plantui p", here) == ["plan.md"]
    assert complete("plantui n", here) == []  # only Markdown files and folders


def test_task_ids_come_from_the_plan_typed(here):
    assert complete("plantui tick plan.md ", here)[-3:] == ["1.2", "2.1", "2.2"]  # open or started, not done
    assert complete("plantui tick plan.md 1", here) == ["1.2"]
    assert complete("plantui untick plan.md ", here)[-2:] == ["1.1", "1.3"]
    assert complete("plantui mark plan.md / 1", here) == ["1.1", "1.2", "1.3"]
    assert complete("plantui tick nowhere.md ", here) == ["-h", "--help", "--line", "--no-sync", "--no-history"]


def test_zsh_and_fish_get_each_task_s_text(here):
    assert "1.2:Calibrate the scale" in complete("plantui tick plan.md ", here, shell="zsh")
    assert "1.2\tCalibrate the scale" in "\n".join(complete("plantui tick plan.md ", here, shell="fish"))


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_scripts_hand_plantui_to_argcomplete(shell, here):
    out = subprocess.run([sys.executable, "-m", "plantui", "completion", shell], capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == ""
    assert "_ARGCOMPLETE" in out.stdout and "plantui" in out.stdout
    assert {"bash": "complete ", "zsh": "compdef", "fish": "complete --command plantui"}[shell] in out.stdout


@pytest.mark.skipif(not shutil.which("bash") or not (BIN / "plantui").exists(), reason="needs bash and the script")
def test_real_bash_completes_task_ids(here):
    script = subprocess.run([str(BIN / "plantui"), "completion", "bash"], capture_output=True, text=True).stdout
    (here / "plantui.bash").write_text(script)
    probe = ('source ./plantui.bash; COMP_LINE="plantui tick plan.md "; COMP_POINT=${#COMP_LINE}; '
             'COMP_WORDS=(plantui tick plan.md ""); COMP_CWORD=3; _python_argcomplete plantui; '
             'printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe], cwd=here, env=env, capture_output=True,
                         text=True)
    assert out.stdout.split() == ["-h", "--help", "--line", "--no-sync", "--no-history", "1.2", "2.1", "2.2"], out.stderr


def test_bad_shell_one_line_exit_2(here):
    out = subprocess.run([sys.executable, "-m", "plantui", "completion", "tcsh"], capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == "" and out.stderr.count("\n") == 1
    assert "invalid choice: 'tcsh'" in out.stderr


def test_without_argcomplete_one_line_exit_2(tmp_path):
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "argcomplete.py").write_text("raise ImportError('hidden', name='argcomplete')\n")
    out = subprocess.run([sys.executable, "-m", "plantui", "completion", "bash"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(hide)})
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == "plantui: shell completion needs the argcomplete package: install plantui[completion] for this\n"


def test_status_imports_neither_argcomplete_nor_the_mcp_sdk(here):
    """Completion and the MCP server cost the ordinary commands nothing at start."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "plantui", "status", "plan.md"], cwd=here,
                         capture_output=True, text=True)
    assert out.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert "plantui" in imported
    assert not imported & {"argcomplete", "mcp", "pydantic", "anyio"}
