"""Telling the user outside the app's window: terminal escapes (a desktop
notification, the window title) and the user's notify command.  No Textual:
the dashboard's :class:`plantui.ui.notifier.Notifier` and anything else may use it.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading

from .events import Event, environment

COMMAND_TIMEOUT = 10.0  # seconds a notify command may run before it is stopped
MAX_WAITING = 20  # events queued for the command at most; more are dropped (a command that cannot keep up)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

PUSH_TITLE, POP_TITLE = "\x1b[22;0t", "\x1b[23;0t"


def clean(text: str) -> str:
    """``text`` safe inside an escape sequence: no control characters."""
    return CONTROL.sub(" ", text)


def in_tmux(env=os.environ) -> bool:
    return bool(env.get("TMUX"))


def passthrough(seq: str, env=os.environ) -> str:
    """``seq`` for the terminal outside tmux (tmux's DCS passthrough; tmux needs
    ``set -g allow-passthrough on``); as it is elsewhere."""
    if in_tmux(env):
        return "\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return seq


def desktop_protocol(env=os.environ) -> str | None:
    """Which desktop notification the terminal shows: "777" (VTE terminals such as
    GNOME Terminal, foot, urxvt, Ghostty), "9" (iTerm2, WezTerm, kitty, and the
    rest: a terminal that knows neither ignores it), or None inside GNU screen, which passes neither on."""
    term = env.get("TERM", "")
    if not in_tmux(env) and term.startswith("screen"):
        return None
    if (env.get("VTE_VERSION") or env.get("GHOSTTY_RESOURCES_DIR") or term.startswith(("foot", "rxvt"))
            or term == "xterm-ghostty"):
        return "777"
    return "9"


def desktop_sequence(event: Event, name: str, env=os.environ) -> str | None:
    """The escape that shows ``event`` as a desktop notification, or None."""
    proto = desktop_protocol(env)
    body = clean(f"{event.title} — {event.detail}" if event.detail else event.title)
    if proto == "777":
        return passthrough(f"\x1b]777;notify;{clean(f'plantui · {name}').replace(';', ',')};{body}\x1b\\", env)
    if proto == "9":
        return passthrough(f"\x1b]9;plantui · {clean(name)}: {body}\x1b\\", env)
    return None


def title_sequence(text: str) -> str:
    """OSC 2: the window title (tmux takes it as the pane's title)."""
    return f"\x1b]2;{clean(text)}\x07"


class CommandRunner:
    """Runs the user's notify command for each event, one at a time, in a thread of its own."""

    def __init__(self, said: callable) -> None:
        self._said = said  # called (from the thread) with a sentence when a command fails
        self._queue: queue.Queue[tuple[str, Event]] = queue.Queue(MAX_WAITING)
        self._thread: threading.Thread | None = None

    def run(self, cmd: str, event: Event) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="plantui-notify-cmd", daemon=True)
            self._thread.start()
        try:
            self._queue.put_nowait((cmd, event))
        except queue.Full:
            pass  # the command cannot keep up: this one is dropped

    def _loop(self) -> None:
        while True:
            cmd, event = self._queue.get()
            error = run_command(cmd, event)
            if error:
                self._said(error)


def run_command(cmd: str, event: Event, timeout: float = COMMAND_TIMEOUT) -> str | None:
    """Run ``cmd`` in the shell with the event in its environment; a sentence when it failed."""
    env = {**os.environ, **environment(event)}
    try:
        proc = subprocess.Popen(cmd, shell=True, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        return f"the notify command could not start: {exc}"
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            if hasattr(os, "killpg"):
                os.killpg(proc.pid, signal.SIGKILL)  # the shell and whatever it started
            else:  # pragma: no cover - Windows
                proc.kill()
        except OSError:
            pass
        proc.wait()
        return f"the notify command was stopped after {timeout:g} s: {cmd}"
    if proc.returncode:
        last = (err or b"").decode(errors="replace").strip().splitlines()
        return f"the notify command failed (exit {proc.returncode}): " + (last[-1] if last else cmd)
    return None
