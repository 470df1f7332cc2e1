"""How the dashboard and watch tell the user about events, and the terminal title.

:class:`Notifier` belongs to the app.  Each plan widget hands it the events of
a new read (:mod:`plantui.events`) and it tells the user the ways the plan's
``[notify]`` settings ask for: a toast, the terminal bell, a desktop
notification (OSC 9 or OSC 777, where the terminal shows them), and the
user's ``--notify-cmd``, run off the UI thread with a time limit (the escapes
and the command: :mod:`plantui.notify`).  It keeps
the terminal title on the plan shown (``58% · Phase 3 · plan.md``), pushed
on the terminal's title stack first and popped on exit.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from textual.screen import ModalScreen

from ..config import ConfigError, NotifySettings, load_notify
from ..events import SHRUNK, STALLED, UNTICKED, WARNINGS, Event, stalled, title_line
from ..notify import POP_TITLE, PUSH_TITLE, CommandRunner, desktop_sequence, title_sequence
from .live import LivePlan

OWN = ("here", "undo", "editor")  # sources of changes made by the user here: no "un-ticked" about them


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
