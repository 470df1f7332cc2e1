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

import math
import re
import tomllib
import unicodedata
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


# Marker dialects: what a tool's own markers mean, chosen by where the plan lives
# (:func:`preset_for`) or by ``preset = "kiro"`` in the config file; the config's
# [markers] table is applied over the preset.
PRESETS: Mapping[str, Mapping[str, State | None]] = MappingProxyType({
    "markdown": DEFAULT_MARKERS,  # Spec Kit and plain Markdown: [~] skipped
    # [~] queued; [-] (Kiro's own) before [/], so a mark made here writes [-]
    "kiro": MappingProxyType({"-": State.IN_PROGRESS, **DEFAULT_MARKERS, "~": State.OPEN}),
    # [~] (Conductor's own) first, so a mark made here writes [~]
    "conductor": MappingProxyType({"~": State.IN_PROGRESS, **{m: st for m, st in DEFAULT_MARKERS.items() if m != "~"}}),
    "execplan": MappingProxyType({**DEFAULT_MARKERS, "~": State.IN_PROGRESS}),  # Codex ExecPlans
})
PRESET_SAYS = MappingProxyType({  # what each preset makes of the markers that differ, for people
    "markdown": "[~] skipped",
    "kiro": "[~] queued, [-] in progress",
    "conductor": "[~] in progress",
    "execplan": "[~] in progress",
})


def preset_for(plan_path: Path) -> str:
    """The marker dialect of the plan at ``plan_path``, by where it lives: Kiro under
    ``.kiro/``, Conductor under ``conductor/``, a Codex ExecPlan in ``PLANS.md``,
    under ``.agent(s)/`` or ``exec-plans/``, or one that says it is an ExecPlan;
    else plain Markdown (Spec Kit's too)."""
    path = Path(plan_path)
    folders = _folders(path)
    if ".kiro" in folders:
        return "kiro"
    if "conductor" in folders:
        return "conductor"
    if (path.name == "PLANS.md" or path.name.lower().startswith(".execplan")
            or folders & {".agent", ".agents", "exec-plans", "execplans"}):
        return "execplan"
    return _declared(path)


def _folders(path: Path) -> set[str]:
    """The names of the folders the plan is in, up to its repository's root (a
    clone under ``~/conductor/`` is no Conductor plan); without a repository,
    those of the path as given."""
    try:
        folder = path.resolve().parent
        names = set()
        for candidate in (folder, *folder.parents):
            if (candidate / ".git").exists():
                return names
            names.add(candidate.name.lower())
    except OSError:
        pass
    return {part.lower() for part in path.parts[:-1]}


_DECLARED: dict[Path, tuple[tuple, str]] = {}  # path -> (its stat when read, the preset its opening declares)
_EXECPLAN = re.compile(rb"\bThis ExecPlan\b|\bExecPlans?\b[^\n]{0,80}\bPLANS\.md\b", re.I)


def _declared(path: Path) -> str:
    """The preset a plan declares in its opening lines ("This ExecPlan is a living
    document", as Codex's ExecPlans open), read again only when the file changed."""
    try:
        st = path.stat()
        seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        known = _DECLARED.get(path)
        if known is not None and known[0] == seen:
            return known[1]
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return "markdown"
    preset = "execplan" if _EXECPLAN.search(head) else "markdown"
    if len(_DECLARED) > 256:
        _DECLARED.clear()
    _DECLARED[path] = (seen, preset)
    return preset


def _extends(ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it: a combining mark, a
    variation selector (U+FE0E, U+FE0F), a skin-tone modifier, a keycap or a tag."""
    o = ord(ch)
    if o < 0x300:
        return False
    return (0xFE00 <= o <= 0xFE0F or 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F
            or unicodedata.category(ch) in ("Mn", "Me", "Mc"))


def grapheme_end(text: str, start: int) -> int:
    """Where the user-perceived character at ``start`` ends: a base character and
    what extends it (see :func:`_extends`), ZWJ sequences (👩‍💻) and flag pairs."""
    n = len(text)
    k = start + 1
    if k < n and "\U0001F1E6" <= text[start] <= "\U0001F1FF" and "\U0001F1E6" <= text[k] <= "\U0001F1FF":
        k += 1  # a flag: two regional indicators
    while k < n:
        ch = text[k]
        if _extends(ch):
            k += 1
        elif ch == "\u200d" and k + 1 < n and text[k + 1] not in "[] \t\r\n":
            k += 2
        else:
            break
    return k


def is_marker(text: str) -> bool:
    """One user-perceived character (``⚠️``, a symbol with its emoji selector, is
    one), not a bracket or line break."""
    return bool(text) and text[0] not in "[]\r\n" and grapheme_end(text, 0) == len(text)


def bare(marker: str) -> str:
    """``marker`` without variation selectors: ``⚠️`` and ``⚠`` are one marker."""
    return marker.replace("\ufe0f", "").replace("\ufe0e", "")


class ConfigError(ValueError):
    """A configuration file that plantui cannot use."""


@dataclass(frozen=True)
class Settings:
    markers: Mapping[str, State | None] = field(default_factory=lambda: DEFAULT_MARKERS)
    source: str | None = None  # the file the settings came from
    preset: str = "markdown"  # the marker dialect (PRESETS) the markers start from

    @property
    def dialect(self) -> str:
        """The markers in force, for people: ``kiro ([~] queued, [-] in progress)``,
        with ``+ .plantui.toml`` where a config file changes them."""
        said = f"{self.preset} ({PRESET_SAYS[self.preset]})"
        if self.source is not None and self.markers != PRESETS[self.preset]:
            said += f" + {Path(self.source).name}"
        return said

    def state_of(self, marker: str) -> State | None:
        """The state of a one-character marker; None when it is a tag."""
        if marker in self.markers:
            return self.markers[marker]
        if len(marker) > 1 or marker > "\u02ff":  # ⚠️ where ⚠ is set, or ⚠ where ⚠️ is
            alike = bare(marker)
            for m, state in self.markers.items():
                if len(m) > 1 or m > "\u02ff":
                    if bare(m) == alike:
                        return state
        return State.OTHER

    @cached_property
    def key(self) -> frozenset:
        """What parses depend on, as a key for remembering them."""
        return frozenset(self.markers.items())


DEFAULT = Settings()
_PRESET_SETTINGS = {name: Settings(markers, None, name) for name, markers in PRESETS.items()}


def _from_table(table: object, source: str, preset: str = "markdown") -> Settings:
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: the plantui table must be a table")
    preset = table.get("preset", preset)
    if preset not in PRESETS:
        raise ConfigError(f"{source}: preset {preset!r} is not one of {', '.join(PRESETS)}")
    markers = dict(PRESETS[preset])
    raw = table.get("markers", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: 'markers' must be a table of marker = meaning")
    for marker, meaning in raw.items():
        if not is_marker(marker):
            raise ConfigError(f"{source}: marker {marker!r} must be one character (an emoji with its selector counts as one)")
        if meaning not in MEANINGS:
            choices = ", ".join(sorted(MEANINGS))
            raise ConfigError(f"{source}: marker {marker!r} has meaning {meaning!r}; use one of {choices}")
        markers[marker] = MEANINGS[meaning]
    return Settings(MappingProxyType(markers), source, preset)


def nearest_table(plan_path: Path) -> tuple[dict, str] | None:
    """The plantui table that applies to the plan at ``plan_path``, and the file it is in:
    the nearest ``.plantui.toml``, or ``[tool.plantui]`` of the nearest ``pyproject.toml``
    that has one, looking up to the repository's root; None when there is none."""
    folder = Path(plan_path).resolve().parent
    for candidate in (folder, *folder.parents):
        dotfile = candidate / ".plantui.toml"
        if dotfile.is_file():
            return _read_toml(dotfile), str(dotfile)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("plantui")
            if table is not None:
                return table, str(pyproject)
        if (candidate / ".git").exists():
            break
    return None


def load_settings(plan_path: Path) -> Settings:
    """Settings for the plan at ``plan_path``: the markers of its dialect
    (:func:`preset_for`), with the nearest config file's over them."""
    preset = preset_for(plan_path)
    found = nearest_table(plan_path)
    if found is None:
        return DEFAULT if preset == "markdown" else _PRESET_SETTINGS[preset]
    return _from_table(*found, preset)


_TOML: dict[Path, tuple[tuple, dict]] = {}  # path -> (its stat when read, its tables)


def _read_toml(path: Path) -> dict:
    """A TOML file's tables; read again only when the file changed (every read of a
    plan looks for its settings, and a pyproject.toml can be long)."""
    try:
        st = path.stat()
        seen = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)  # ctime: a same-size rewrite, mtime set back
        known = _TOML.get(path)
        if known is not None and known[0] == seen:
            return known[1]
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    _TOML[path] = (seen, data)
    return data


# -- [notify]: which events notify, and how ------------------------------------
#
#     [notify]                 # in .plantui.toml; [tool.plantui.notify] in pyproject
#     events = ["phase_done", "checkpoint_ready", "plan_done", "unticked"]
#     bell = false             # ring the terminal bell
#     desktop = false          # desktop notifications (OSC 9 / OSC 777)
#     stalled_minutes = 0      # "stalled" after this long without a change (0: never)
#     notify_cmd = "notify-send plantui \"$PLANTUI_TITLE\""


@dataclass(frozen=True)
class NotifySettings:
    events: tuple[str, ...] | None = None  # None: plantui.events.DEFAULT_KINDS
    bell: bool = False
    desktop: bool = False
    stalled_minutes: float = 0  # 0: never stalled
    notify_cmd: str | None = None
    source: str | None = None  # the file the settings came from

    @property
    def kinds(self) -> frozenset[str]:
        """The events that notify (a stall time set asks for "stalled" too)."""
        from .events import DEFAULT_KINDS, STALLED

        kinds = set(DEFAULT_KINDS if self.events is None else self.events)
        if self.stalled_minutes:
            kinds.add(STALLED)
        return frozenset(kinds)


NOTIFY_KEYS = ("events", "bell", "desktop", "stalled_minutes", "notify_cmd")


def _notify_from_table(table: object, source: str) -> NotifySettings:
    from .events import KINDS

    if not isinstance(table, dict):
        raise ConfigError(f"{source}: the plantui table must be a table")
    raw = table.get("notify", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: 'notify' must be a table ([notify])")
    unknown = sorted(set(raw) - set(NOTIFY_KEYS))
    if unknown:
        raise ConfigError(f"{source}: [notify] has no key {unknown[0]!r}; use {', '.join(NOTIFY_KEYS)}")
    kinds = raw.get("events", None)
    if kinds is not None:
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise ConfigError(f"{source}: [notify] events must be a list of names, such as [\"phase_done\"]")
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ConfigError(f"{source}: [notify] event {bad[0]!r} is not one of {', '.join(KINDS)}")
    for key in ("bell", "desktop"):
        if not isinstance(raw.get(key, False), bool):
            raise ConfigError(f"{source}: [notify] {key} must be true or false")
    minutes = raw.get("stalled_minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 0 <= minutes < math.inf:  # nan, inf
        raise ConfigError(f"{source}: [notify] stalled_minutes must be a number of minutes (0: never)")
    cmd = raw.get("notify_cmd", None)
    if cmd is not None and not isinstance(cmd, str):
        raise ConfigError(f"{source}: [notify] notify_cmd must be a string (a shell command)")
    return NotifySettings(None if kinds is None else tuple(kinds), raw.get("bell", False), raw.get("desktop", False),
                          minutes, cmd or None, source)


def load_notify(plan_path: Path) -> NotifySettings:
    """The [notify] settings for the plan at ``plan_path``: the nearest config file wins
    (the same file :func:`load_settings` takes the markers from)."""
    found = nearest_table(plan_path)
    return NotifySettings() if found is None else _notify_from_table(*found)


# -- [history]: whether plantui records what it sees (plantui.eventlog) -------

def history_enabled(plan_path: Path) -> bool:
    """Whether the event log records this plan: ``[history] record = false`` in the
    nearest ``.plantui.toml`` (``[tool.plantui.history]`` in a ``pyproject.toml``)
    turns it off.  Raises :class:`ConfigError` when the value is not true or false."""
    found = nearest_table(plan_path)
    return True if found is None else _history_from(*found)


def _history_from(table: object, source: str) -> bool:
    history = table.get("history", {}) if isinstance(table, dict) else {}
    if not isinstance(history, dict):
        raise ConfigError(f"{source}: 'history' must be a table, e.g. [history] record = false")
    record = history.get("record", True)
    if not isinstance(record, bool):
        raise ConfigError(f"{source}: [history] record must be true or false, not {record!r}")
    return record
