"""A small cache of the values a plan's status line shows, so that a status
bar polling every few seconds does not parse a 10,000-task plan each time.

One JSON file per plan in ``$XDG_CACHE_HOME/plantui/line/`` (``~/.cache``
by default), named by a checksum of the plan's real path.  An entry is used
only when everything it was made from is as it was:

- the plan file: device, inode, size, mtime_ns and ctime_ns (``touch -d``
  and a same-size rewrite within the clock's granularity both move ctime);
- every config file that could apply (``.plantui.toml`` and
  ``pyproject.toml`` in the plan's folder and each folder above it, up to
  the one holding ``.git``): the same five numbers, or that it is absent;
- plantui's version and this cache's schema.

An entry is stored only when the plan and its configs were last changed at
least :data:`SETTLED_NS` before the stat that keyed it: a file changed again
within the same timestamp tick (1 s on some file systems) would otherwise
look unchanged.  A plan being edited right now is simply read each time.
Nothing here imports the reader or the parser.
"""

from __future__ import annotations

import json
import os
import time
import zlib

from . import __version__

SCHEMA = 1
SETTLED_NS = 2_000_000_000
KEPT = 256  # cache files; past that the oldest half goes
CONFIG_NAMES = (".plantui.toml", "pyproject.toml")


def cache_dir() -> str:
    """``$XDG_CACHE_HOME/plantui/line`` (when set to an absolute path), else ``~/.cache/plantui/line``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "plantui", "line")


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def identity(real: str) -> tuple[list, int] | None:
    """What a plan's values are made from (see the module's doc), and the last
    time any of it changed (ns); None when the plan cannot be stat'ed."""
    try:
        st = os.stat(real)
    except OSError:
        return None
    key: list = [SCHEMA, __version__, real, _stamp(st)]
    newest = max(st.st_mtime_ns, st.st_ctime_ns)
    folder = os.path.dirname(real)
    while True:
        for name in CONFIG_NAMES:
            try:
                cst = os.stat(os.path.join(folder, name))
            except OSError:
                key.append(None)
                continue
            key.append(_stamp(cst))
            newest = max(newest, cst.st_mtime_ns, cst.st_ctime_ns)
        if os.path.exists(os.path.join(folder, ".git")):
            break
        up = os.path.dirname(folder)
        if up == folder:
            break
        folder = up
    return key, newest


def _file(real: str) -> str:
    return os.path.join(cache_dir(), f"{zlib.crc32(real.encode('utf-8', 'surrogateescape')):08x}.json")


def lookup(real: str, key: list) -> dict | None:
    """The values stored for the plan at ``real`` under ``key``; None when there are none."""
    try:
        with open(_file(real), "rb") as fh:
            entry = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("values"), dict):
        return None
    return entry["values"]


def store(real: str, key: list, newest: int, values: dict, stat_time: int) -> bool:
    """Keep ``values`` for the plan at ``real`` under ``key``; ``stat_time``: when the key's
    stats were taken (``time.time_ns()`` before them).  False when it was not kept:
    too fresh (see :data:`SETTLED_NS`) or the cache folder is not writable (never an error)."""
    if stat_time - newest < SETTLED_NS:
        return False
    folder = cache_dir()
    path = _file(real)
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "values": values}, fh, ensure_ascii=False)
        os.replace(tmp, path)
        _prune(folder)
    except OSError:
        return False
    return True


def _prune(folder: str) -> None:
    """Past :data:`KEPT` files, remove the older half (plans deleted long ago)."""
    names = [n for n in os.listdir(folder) if n.endswith(".json")]
    if len(names) <= KEPT:
        return
    aged = []
    for n in names:
        try:
            aged.append((os.stat(os.path.join(folder, n)).st_mtime_ns, n))
        except OSError:
            pass
    for _, n in sorted(aged)[: len(aged) // 2]:
        try:
            os.remove(os.path.join(folder, n))
        except OSError:
            pass


def now() -> int:
    return time.time_ns()
