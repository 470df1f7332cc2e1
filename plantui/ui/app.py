"""The Textual app: the dashboard, the overview of several plans, watch mode.

``plantui.cli`` calls :func:`run` and :func:`run_watch` once it has checked
the paths.  :class:`PlantuiApp` takes ``live=False`` to run without watchers
and ``clock`` to freeze the times it shows (snapshot tests, screenshots).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen

from .. import settings as user_settings
from .keys import DASHBOARD_KEYS
from .screens import DashboardScreen, HelpScreen, OverviewScreen, WatchScreen

MODES = ("dashboard", "watch")


class PlantuiApp(App[int]):
    """plantui's terminal UI."""

    CSS_PATH = "plantui.tcss"
    TITLE = "plantui"

    BINDINGS = [
        Binding("q", "quit", "Quit", show=True),
        Binding("question_mark", "help", "Help", show=True, key_display="?"),
    ]

    def __init__(self, paths: list[Path], *, mode: str = "dashboard", live: bool = True,
                 clock: Callable[[], datetime] | None = None, remember_theme: bool = False) -> None:
        super().__init__()
        self.remember_theme = remember_theme  # read the theme from the user's settings, save it when it changes
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.paths = [Path(p) for p in paths]
        self.mode = mode
        self.live = live
        self._clock = clock

    def now(self) -> datetime:
        """The time plantui shows and writes (frozen in tests)."""
        return self._clock() if self._clock is not None else datetime.now()

    def get_default_screen(self) -> Screen:
        if self.mode == "watch":
            return WatchScreen(self.paths[0], live=self.live)
        if len(self.paths) == 1:
            return DashboardScreen(self.paths[0], live=self.live)
        return OverviewScreen(self.paths, live=self.live)

    def on_mount(self) -> None:
        if self.remember_theme:
            self._use_saved_theme()
        if self.mode == "watch":
            self.sub_title = f"watch {self.paths[0].name}"

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
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, DashboardScreen):
            dashboard = screen.dashboard
            for key in DASHBOARD_KEYS:
                action = getattr(dashboard, f"action_{key.action}")
                yield SystemCommand(key.title, escape(f"{key.help}  (key: {key.display})"), action)
            yield SystemCommand("Help", "Show the keys  (key: ?)", self.action_help)
        elif isinstance(screen, OverviewScreen):
            for path in screen.paths:
                yield SystemCommand(escape(f"Open {path.name}"), escape(f"The dashboard of {path}"),
                                    lambda path=path: screen.open(path))


def run(paths: list[Path]) -> int:
    """The dashboard of one plan, or the overview of several."""
    app = PlantuiApp(list(paths), remember_theme=True)
    app.run()
    return app.return_code or 0


def run_watch(path: Path) -> int:
    """Watch mode: compact and read-only, for a split pane."""
    app = PlantuiApp([path], mode="watch", remember_theme=True)
    app.run()
    return app.return_code or 0
