"""How the dashboard and watch tell the user about events, and the terminal title.

:class:`Notifier` belongs to the app.  Each plan widget hands it the events of
a new read (:mod:`plantui.events`) and it tells the user the ways the plan's
``[notify]`` settings ask for: a toast, the terminal bell, a desktop
notification (OSC 9 or OSC 777, where the terminal shows them), and the
user's ``--notify-cmd``, run off the UI thread with a time limit.  It keeps
the terminal title on the plan shown (``58% · Phase 3 · plan.md``), pushed
on the terminal's title stack first and popped on exit.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from textual.screen import ModalScreen

from ..config import ConfigError, NotifySettings, load_notify
from ..events import SHRUNK, STALLED, UNTICKED, WARNINGS, Event, environment, stalled, title_line
from .live import LivePlan

COMMAND_TIMEOUT = 10.0  # seconds a notify command may run before it is stopped
MAX_WAITING = 20  # events queued for the command at most; more are dropped (a command that cannot keep up)
OWN = ("here", "undo", "editor")  # sources of changes made by the user here: no "un-ticked" about them
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


class Notifier:
    """The app's notifications and terminal title (see the module's docstring)."""

    def __init__(self, app, *, notify_cmd: str | None = None, title: bool = True, env=os.environ) -> None:
        self.app = app
        self.notify_cmd = notify_cmd  # from the command line: over the config's
        self.title = title
        self.env = env
        self._said_config: set[str] = set()
        self._command_said = False
        self._title_shown: str | None = None
        self._pushed = False
        self.runner = CommandRunner(self._command_failed)
        self.written: list[str] = []  # what was written to the terminal (the last few; tests)

    # -- settings -------------------------------------------------------------

    def settings_for(self, path: Path) -> NotifySettings:
        """The plan's [notify] settings, read again when the file changed (an edit takes
        effect at once); a mistake in them is said once, and the defaults used."""
        try:
            return load_notify(path)
        except ConfigError as exc:
            if str(exc) not in self._said_config:
                self._said_config.add(str(exc))
                self.app.notify(str(exc), title="Notifications", severity="warning", timeout=8)
            return NotifySettings()

    # -- events ---------------------------------------------------------------

    def plan_events(self, live: LivePlan, found: list[Event], source: str) -> None:
        """Tell the user about ``found`` (the events of ``live``'s new state) as its settings ask."""
        settings = self.settings_for(live.path)
        kinds = settings.kinds
        wanted = [e for e in found if e.kind in kinds
                  and not (source in OWN and e.kind in (UNTICKED, SHRUNK))]
        if not wanted:
            return
        log = getattr(live, "log_line", None)  # the dashboard's activity log keeps them after the toast
        for e in wanted:
            message = f"{e.title}\n{e.detail}" if e.kind in WARNINGS and e.detail else e.title
            self.app.notify(message, title=live.name_shown, severity=e.severity, timeout=6)
            if log is not None:
                log(f"★ {e.title}" if e.severity == "information" else f"⚠ {e.title}", None,
                    "warning" if e.severity == "warning" else "")
        if settings.bell:
            self.write("\x07")
        if settings.desktop:
            for e in wanted:
                seq = desktop_sequence(e, live.name_shown, self.env)
                if seq:
                    self.write(seq)
        cmd = self.notify_cmd or settings.notify_cmd
        if cmd:
            for e in wanted:
                self.runner.run(cmd, e)

    def _command_failed(self, error: str) -> None:
        """From the command's thread: say it once, as a toast."""
        if self._command_said:
            return
        self._command_said = True
        try:
            self.app.call_from_thread(self.app.notify, error, title="Notifications", severity="warning", timeout=8)
        except RuntimeError:
            pass  # the app has ended

    # -- a plan shown: title, stall timer -------------------------------------

    def plan_shown(self, live: LivePlan, changed: bool) -> None:
        """``live`` shows a new state (``changed``: its text changed, or it is the first)."""
        if changed:
            self._restart_stall(live)
        self.update_title()

    def _restart_stall(self, live: LivePlan) -> None:
        old = live._stall_timer
        if old is not None:
            old.stop()
        live._stall_timer = None
        settings = self.settings_for(live.path)
        minutes = settings.stalled_minutes
        if minutes and STALLED in settings.kinds:
            start = time.monotonic()
            live._stall_timer = live.set_timer(minutes * 60, lambda: self._stalled(live, start, minutes))

    def _stalled(self, live: LivePlan, since: float, minutes: float) -> None:
        live._stall_timer = None
        snap, summary = live.snapshot, live.summary
        if snap is None or summary is None or live.missing or live.error:
            return
        event = stalled(snap.plan, summary, (time.monotonic() - since) / 60, str(live.path))
        if event is not None:
            self.plan_events(live, [event], "outside")

    # -- the terminal ---------------------------------------------------------

    def write(self, seq: str) -> None:
        """Write an escape sequence to the terminal, through Textual's driver."""
        self.written = [*self.written[-50:], seq]
        driver = getattr(self.app, "_driver", None)
        if driver is not None:
            driver.write(seq)

    def update_title(self) -> None:
        """Set the terminal title from the plan on the screen shown."""
        if not self.title:
            return
        live = None
        for screen in reversed(self.app.screen_stack):  # the screen under a modal one (help, a detail)
            if isinstance(screen, ModalScreen):
                continue
            live = next(iter(screen.query(LivePlan)), None)
            break
        if live is not None and live.snapshot is not None and live.summary is not None:
            text = title_line(live.name_shown, live.snapshot.plan, live.summary)
        elif live is None:
            text = "plantui"
        else:
            return
        if text == self._title_shown:
            return
        if not self._pushed:
            self._pushed = True
            self.write(PUSH_TITLE)  # the title before plantui, given back on exit
        self._title_shown = text
        self.write(title_sequence(text))

    def restore_title(self) -> None:
        """Give the terminal its title back (on exit)."""
        if self._pushed:
            self._pushed = False
            self.write(POP_TITLE)
