"""The Textual app: the dashboard, the overview of several plans, watch mode.

``plantui.cli`` calls :func:`run` and :func:`run_watch` once it has checked
the paths.  :class:`PlantuiApp` takes ``live=False`` to run without watchers
and ``clock`` to freeze the times it shows (snapshot tests, screenshots).
"""

from __future__ import annotations

import gc
import weakref
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.markup import escape
from textual.notifications import Notify, SeverityLevel
from textual.screen import Screen
from textual.widgets._toast import ToastRack

from .. import settings as user_settings
from ..snapshot import Snapshot
from .keys import DASHBOARD_KEYS
from .notifier import Notifier
from .screens import DashboardScreen, HelpScreen, OverviewScreen, WatchScreen
from .widgets.overview import ORDERS

MODES = ("dashboard", "watch")
TOGETHER = 1.0  # seconds: notifications raised this close together may be shown as one
FULL_PASS_EVERY = 300.0  # seconds between the app's own full passes of the garbage collector (see on_mount)


def toasts_that_fit(height: int) -> int:
    """How many notifications to show at once on a screen ``height`` rows high (one takes
    five or six): one below 20 rows, two below 30, three on a big screen."""
    return max(1, min(3, (height - 10) // 10 + 1))


class PlantuiApp(App[int]):
    """plantui's terminal UI."""

    CSS_PATH = "plantui.tcss"
    TITLE = "plantui"

    BINDINGS = [
        Binding("q", "quit", "Quit", show=True),
        Binding("question_mark", "help", "Help", show=True, key_display="?"),
    ]

    def __init__(self, paths: list[Path], *, mode: str = "dashboard", live: bool = True,
                 clock: Callable[[], datetime] | None = None, folders: list[Path] | None = None,
                 note: str | None = None, remember_theme: bool = False, notify_cmd: str | None = None,
                 title: bool = True, order: str = "path", reads: dict[Path, Snapshot] | None = None) -> None:
        super().__init__()
        self.reads = dict(reads or {})  # plans read before the app started (to check them): shown from these first
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}")
        self.order = order  # the overview's first order: "path", "progress" or "last change" (newest first)
        self.notifier = Notifier(self, notify_cmd=notify_cmd, title=title)  # events and the terminal title
        self.note = note  # shown once, in the activity log of the first dashboard
        self.remember_theme = remember_theme  # read the theme from the user's settings, save it when it changes
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.paths = [Path(p) for p in paths]
        self.folders = [Path(f) for f in folders or ()]  # the overview watches them for new plans
        self.mode = mode
        self.live = live
        self._clock = clock
        self._toast_screens: weakref.WeakSet[Screen] = weakref.WeakSet()
        self._gc_threshold = gc.get_threshold()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A toast; its words are never read as markup: they carry plan text ("[P]", "[/]",
        "[link](url)"), and a phase named "Parse [/]" ended the app with a MarkupError."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def now(self) -> datetime:
        """The time plantui shows and writes (frozen in tests)."""
        return self._clock() if self._clock is not None else datetime.now()

    def get_default_screen(self) -> Screen:
        if self.mode == "watch":
            return WatchScreen(self.paths[0], live=self.live, read=self.reads.pop(self.paths[0], None))
        if len(self.paths) == 1:
            return DashboardScreen(self.paths[0], live=self.live, read=self.reads.pop(self.paths[0], None))
        self.reads.clear()  # (the overview's rows read their plans themselves)
        return OverviewScreen(self.paths, live=self.live, folders=self.folders, order=self.order)

    def on_mount(self) -> None:
        # The collector's one policy: a reload of a big plan makes most of its objects again, and
        # left to itself the collector ran a full pass (over the plan shown, Textual's objects:
        # ~30 ms at 10,000 tasks) several times per reload, on the UI thread.  A plan holds no
        # reference cycles (tested): reference counting frees it.  So full passes are not set off
        # by allocation; the app runs one now and then, for the cycles Textual leaves.
        self._gc_threshold = gc.get_threshold()
        gc.set_threshold(*self._gc_threshold[:2], 1 << 30)
        self.set_interval(FULL_PASS_EVERY, self._full_pass)
        if self.remember_theme:
            self._use_saved_theme()
        if self.mode == "watch":
            self.sub_title = f"watch {self.paths[0].name}"
        self.screen_change_signal.subscribe(self, self._watch_toasts, immediate=True)
        self._watch_toasts(self.screen)
        self.screen_change_signal.subscribe(self, lambda _screen: self.notifier.update_title())

    def _full_pass(self) -> None:
        """The collector's full pass (Textual cannot take the built-in ``gc.collect`` as a callback)."""
        gc.collect()

    def on_unmount(self) -> None:
        self.notifier.restore_title()  # before Textual's driver closes
        gc.set_threshold(*self._gc_threshold)

    # notifications -------------------------------------------------------------
    #
    # Textual (8.2) does not repaint the cells an expired notification covered when its
    # compositor rebuilt its map lazily in between: the toast rack is never in the map
    # (it is invisible), so refreshing it marks the map stale; removing the next toast
    # asks the rack for its size, which rebuilds the map without that toast, and the
    # layout that follows finds nothing removed, so nothing is repainted.  The toast
    # stayed on screen until a resize.  So: whenever a toast has gone, repaint the screen.

    def _watch_toasts(self, screen: Screen) -> None:
        """Repaint ``screen`` after each layout in which a toast went away."""
        if screen in self._toast_screens:
            return
        self._toast_screens.add(screen)
        shown: set = set()

        def after_layout(screen: Screen) -> None:
            nonlocal shown
            try:
                now = set(screen.get_child_by_type(ToastRack).children)
            except NoMatches:
                return
            if shown - now:
                screen.refresh()
            shown = now

        screen.screen_layout_refresh_signal.subscribe(self, after_layout, immediate=True)

    def on_notify(self, event: Notify) -> None:
        """Before a notification is shown: make room, so that a small pane shows one or two
        at most.  One that would have to go for a new one raised with it (the milestones of
        one write, say) is joined to the new one instead."""
        new = event.notification
        room = toasts_that_fit(self.size.height) - 1
        older = list(self._notifications)
        if len(older) > room and older:
            last = older[-1]
            if ((last.title, last.severity, last.markup) == (new.title, new.severity, new.markup)
                    and new.raised_at - last.raised_at < TOGETHER and not last.has_expired):
                new.message = f"{last.message}\n{new.message}"
                new.timeout = max(new.timeout, last.time_left)
        for notification in older[: max(0, len(older) - room)]:
            self._unnotify(notification, refresh=False)  # Textual's toast rack then removes its toast

    # -- the theme, remembered between runs (plantui.settings) ------------------

    def _use_saved_theme(self) -> None:
        saved, error = user_settings.read_settings()
        theme = saved.get("theme")
        if error:
            self.notify(error, title="Settings", severity="warning", timeout=6)
        elif isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.watch(self, "theme", self._save_theme, init=False)

    def _save_theme(self, theme: str) -> None:
        error = user_settings.write_settings({"theme": theme})
        if error and not getattr(self, "_settings_said", False):
            self._settings_said = True  # one notification at most
            self.notify(error, title="Settings", severity="warning", timeout=6)

    def action_help(self) -> None:
        if self.mode == "watch" or isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(overview=isinstance(self.screen, OverviewScreen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, DashboardScreen):
            dashboard = screen.dashboard
            for key in DASHBOARD_KEYS:
                action = getattr(dashboard, f"action_{key.action}")
                yield SystemCommand(key.title, escape(f"{key.help}  (key: {key.display})"), action)
            yield SystemCommand("Help", "Show the keys  (key: ?)", self.action_help)
        elif isinstance(screen, OverviewScreen):
            for title, help, path, line in screen.open_entries():  # files, and the plans of a several-plan file
                yield SystemCommand(escape(title), escape(help), lambda path=path, line=line: screen.open(path, line))


def run(paths: list[Path], *, folders: list[Path] | None = None, note: str | None = None,
        notify_cmd: str | None = None, title: bool = True, order: str = "path",
        reads: dict[Path, Snapshot] | None = None) -> int:
    """The dashboard of one plan, or the overview of several.  ``folders``: the folders
    the plans were found in (as given), which the overview watches for new plans;
    ``note``: a line for the activity log of the first dashboard (where the demo plan is);
    ``notify_cmd``: a command run for each event; ``title``: set the terminal title; ``order``:
    how the overview sorts its rows at first ("last change": newest first); ``reads``: the plans as
    the command line read them to check them (a dashboard starts from its read)."""
    app = PlantuiApp(list(paths), folders=folders, note=note, remember_theme=True, notify_cmd=notify_cmd, title=title,
                     order=order, reads=reads)
    app.run()
    return app.return_code or 0


def run_watch(path: Path, *, notify_cmd: str | None = None, title: bool = True,
              reads: dict[Path, Snapshot] | None = None) -> int:
    """Watch mode: compact and read-only, for a split pane."""
    app = PlantuiApp([path], mode="watch", remember_theme=True, notify_cmd=notify_cmd, title=title, reads=reads)
    app.run()
    return app.return_code or 0
