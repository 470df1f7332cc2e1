"""What each checkbox marker means, and where a project says otherwise.

Defaults: ``[ ]`` open; ``[x]``/``[X]`` done; ``[/]`` and ``[-]`` in progress;
``[~]`` skipped; ``[P]`` is Spec Kit's "parallel" tag, not a box.  Any other
one-character marker is an item in state "other": counted as not done and
named in the warnings.

A project changes the meanings in ``.plantui.toml`` beside the plan (or in any
folder above it), or in a ``[tool.plantui]`` table of the nearest
``pyproject.toml``::

    [markers]            # in .plantui.toml; [tool.plantui.markers] in pyproject
    "-" = "skipped"
    "✅" = "done"
"""

from __future__ import annotations

import tomllib
from functools import cached_property
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from .model import State

MEANINGS = {
    "open": State.OPEN,
    "done": State.DONE,
    "in_progress": State.IN_PROGRESS,
    "in-progress": State.IN_PROGRESS,
    "skipped": State.SKIPPED,
    "other": State.OTHER,
    "tag": None,  # not a checkbox at all
}

DEFAULT_MARKERS: Mapping[str, State | None] = MappingProxyType(
    {
        " ": State.OPEN,
        "x": State.DONE,
        "X": State.DONE,
        "/": State.IN_PROGRESS,
        "-": State.IN_PROGRESS,
        "~": State.SKIPPED,
        "P": None,
    }
)


def is_marker(text: str) -> bool:
    """One character (a symbol with its emoji selector counts as one), not a bracket or line break."""
    if len(text) == 2 and text[1] == "\ufe0f":
        text = text[0]
    return len(text) == 1 and text not in "[]\r\n"


class ConfigError(ValueError):
    """A configuration file that plantui cannot use."""


@dataclass(frozen=True)
class Settings:
    markers: Mapping[str, State | None] = field(default_factory=lambda: DEFAULT_MARKERS)
    source: str | None = None  # the file the settings came from

    def state_of(self, marker: str) -> State | None:
        """The state of a one-character marker; None when it is a tag."""
        if marker in self.markers:
            return self.markers[marker]
        return State.OTHER

    @cached_property
    def key(self) -> frozenset:
        """What parses depend on, as a key for remembering them."""
        return frozenset(self.markers.items())


DEFAULT = Settings()


def _from_table(table: object, source: str) -> Settings:
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: the plantui table must be a table")
    markers = dict(DEFAULT_MARKERS)
    raw = table.get("markers", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: 'markers' must be a table of marker = meaning")
    for marker, meaning in raw.items():
        if len(marker) != 1:
            raise ConfigError(f"{source}: marker {marker!r} must be one character")
        if meaning not in MEANINGS:
            choices = ", ".join(sorted(MEANINGS))
            raise ConfigError(f"{source}: marker {marker!r} has meaning {meaning!r}; use one of {choices}")
        markers[marker] = MEANINGS[meaning]
    return Settings(MappingProxyType(markers), source)


def load_settings(plan_path: Path) -> Settings:
    """Settings for the plan at ``plan_path``: the nearest config file wins."""
    folder = plan_path.resolve().parent
    for candidate in (folder, *folder.parents):
        dotfile = candidate / ".plantui.toml"
        if dotfile.is_file():
            return _from_table(_read_toml(dotfile), str(dotfile))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            table = data.get("tool", {}).get("plantui")
            if table is not None:
                return _from_table(table, str(pyproject))
        if (candidate / ".git").exists():
            break
    return DEFAULT


_TOML: dict[Path, tuple[tuple, dict]] = {}  # path -> (its stat when read, its tables)


def _read_toml(path: Path) -> dict:
    """A TOML file's tables; read again only when the file changed (every read of a
    plan looks for its settings, and a pyproject.toml can be long)."""
    try:
        st = path.stat()
        seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        known = _TOML.get(path)
        if known is not None and known[0] == seen:
            return known[1]
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    _TOML[path] = (seen, data)
    return data
