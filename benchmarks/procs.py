"""Measurements of whole processes: the command line, a real terminal, openspec.

- :func:`time_command`: wall time of a command, process start to exit, and the
  child's peak RSS (``wait4``).
- :func:`first_frame_pty`: ``python -m plantui FILE`` (or the floor,
  ``python benchmarks/floor.py FILE``) in a pseudo-terminal of 120×35; the
  time from the spawn until the terminal has received the expected strings
  (plantui: the plan's title and the next task's line; the floor: its count;
  escape sequences dropped), then ``q``.
- :func:`find_openspec` / :func:`install_openspec`: the npm package
  ``@fission-ai/openspec``, already on the PATH or in a temporary prefix.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from .app import plain_text

OPENSPEC_PREFIX = Path(os.environ.get("PLANTUI_BENCH_OPENSPEC", "/tmp/plantui-bench-openspec"))
QUIET_ENV = {"OPENSPEC_TELEMETRY": "0", "DO_NOT_TRACK": "1", "NO_COLOR": "1"}


ROOT = Path(__file__).resolve().parent.parent  # the repository, where ``benchmarks`` is found


def plantui_argv(*args: str) -> list[str]:
    """plantui's command line, as users run it."""
    return [sys.executable, "-m", "plantui", *args]


def floor_argv(*args: str) -> list[str]:
    """The floor app's command line (a script: it imports nothing of plantui or the benchmark)."""
    return [sys.executable, str(Path(__file__).with_name("floor.py")), *args]


def module_env() -> dict[str, str]:
    """The environment of a child that runs ``python -m benchmarks.…``: the repository on its path."""
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=str(ROOT) + (os.pathsep + path if path else ""))


def time_command(argv: list[str], cwd: Path | None = None, env: dict | None = None,
                 timeout: float = 600) -> tuple[float, float, int, bytes]:
    """(wall ms, peak RSS MB, exit code, stdout) of one run, process start to exit."""
    full_env = dict(os.environ, **(env or {}))
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = b""
    assert proc.stdout is not None
    deadline = t0 + timeout
    chunks = []
    while True:
        chunk = proc.stdout.read(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        if time.monotonic() > deadline:
            proc.kill()
            break
    out = b"".join(chunks)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.monotonic() - t0) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, out


def first_frame_pty(argv: list[str], want: tuple[str, ...], size: tuple[int, int] = (120, 35),
                    timeout: float = 600) -> tuple[float | None, float | None]:
    """(ms until the terminal shows every string of ``want``, peak RSS MB of the process).

    The child runs in a new pseudo-terminal (its controlling terminal), as in a
    terminal emulator; ``TERM=xterm-256color``.  After the frame it gets ``q``
    (and, failing that, SIGTERM).
    """
    width, height = size
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(width), LINES=str(height), **QUIET_ENV)
    env.pop("NO_COLOR", None)
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    seen = ""
    shown = None
    deadline = t0 + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                break  # the child is gone
            if not data:
                break
            now = time.monotonic()
            # keep a tail: a string may straddle two reads
            seen = (seen[-4096:] + plain_text(decoder.decode(data)))
            if all(w in seen for w in want):
                shown = (now - t0) * 1000
                break
            if len(seen) > 1 << 20:
                seen = seen[-8192:]
        if shown is not None:
            os.write(fd, b"q")
        rss = _reap(pid, fd)
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
    return shown, rss


def _reap(pid: int, fd: int, grace: float = 10.0) -> float | None:
    """Wait for the child (draining its output), SIGTERM/SIGKILL it if it lingers; its peak RSS."""
    deadline = time.monotonic() + grace
    sent = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return usage.ru_maxrss / 1024
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGTERM if sent == 0 else signal.SIGKILL)
            sent += 1
            deadline = time.monotonic() + 3
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 1 << 16)
            except OSError:
                pass


# --- openspec ---------------------------------------------------------------------


def find_openspec() -> list[str] | None:
    """The openspec command, if it is installed (on the PATH or in the bench's prefix)."""
    local = OPENSPEC_PREFIX / "node_modules" / ".bin" / "openspec"
    if local.exists():
        return [str(local)]
    found = shutil.which("openspec")
    return [found] if found else None


def install_openspec() -> tuple[list[str] | None, str]:
    """``npm install --prefix PREFIX @fission-ai/openspec``; (command, what happened)."""
    found = find_openspec()
    if found:
        return found, "already installed"
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm is not installed"
    try:
        proc = subprocess.run([npm, "install", "--prefix", str(OPENSPEC_PREFIX), "--no-audit", "--no-fund",
                               "@fission-ai/openspec"], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"npm install failed: {exc}"
    if proc.returncode != 0:
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
        return None, f"npm install failed: {last[0]}"
    found = find_openspec()
    return found, "installed" if found else "installed, but no openspec command was found"


def openspec_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, **QUIET_ENV))
        return out.stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def openspec_layout(root: Path, text: str) -> Path:
    """``root/openspec/changes/bench/tasks.md`` (+ a proposal), as ``openspec init`` and a change lay it out."""
    change = root / "openspec" / "changes" / "bench"
    change.mkdir(parents=True, exist_ok=True)
    (root / "openspec" / "specs").mkdir(exist_ok=True)
    (change / "proposal.md").write_text("## Why\n\nBenchmark.\n\n## What Changes\n\n- Nothing.\n", encoding="utf-8")
    tasks = change / "tasks.md"
    tasks.write_text(text, encoding="utf-8")
    return tasks
