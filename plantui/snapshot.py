"""A plan as read at one moment, and a change of it written back.

:class:`Snapshot` is the bytes of a plan file (:mod:`plantui.disk`), their
decoded lines and the plan parsed from them.  :func:`read` makes one, and
is the one place that decides how: the same bytes as the previous read are
the same plan; a few changed lines (a tick, a field's value) make the plan
from the previous one without a parse (:func:`plantui.incremental.reparse`);
anything else is a parse.  :func:`modify` ties a snapshot to the disk's
compare-and-swap: read, let the caller compute the change, write it as byte
edits if the file still holds the bytes read, else read again (see
:mod:`plantui.disk` for how bytes reach the disk).
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Sequence

from . import disk
from .after_tick import update
from .config import ConfigError, Settings, load_settings
from .disk import ByteEdit
from .errors import PlanError
from .incremental import reparse
from .model import Plan, same_structure
from .readers import folder_bytes, read_plan, reader_for
from .progress import Summary, summarize
from .lines import BOM, Lines, common_prefix, decode_lines, relined

Patch = Sequence[tuple[int, int, str]]  # edits of the text read (character offsets)


@dataclass(frozen=True)
class Snapshot:
    """A plan as read at one moment."""

    path: Path
    raw: bytes
    bom: bool
    lines: Lines
    plan: Plan
    settings: Settings
    inode: int
    mtime_ns: int
    known: _Known = field(default_factory=lambda: _Known(), compare=False, repr=False)

    @property
    def text(self) -> str:
        """The decoded text (BOM aside): made when first asked for, see :class:`Lines`."""
        return self.lines.text

    def summary(self, now: datetime | None = None) -> Summary:
        """How far along the plan is (:func:`plantui.progress.summarize`).

        The summary stays with the snapshot: asked for again, or of a snapshot
        read after a tick of this one, it is worked out from the one made before
        at the cost of what changed (:func:`plantui.after_tick.update`).
        """
        known = self.known
        made, since = known.made, known.since
        if made is not None:
            summary = update(self.plan, made, self.plan, now, [])
        elif since is not None:
            summary = update(since[0], since[1], self.plan, now)
        else:
            summary = summarize(self.plan, now)
        known.made, known.since = summary, None
        return summary


class _Known:
    """A snapshot's summary once made; until then, the plan and summary of an
    earlier read whose plan this one's is a tick of (to work it out from)."""

    __slots__ = ("made", "since")

    def __init__(self, since: tuple[Plan, Summary] | None = None) -> None:
        self.made: Summary | None = None
        self.since = since


def _after(previous: Snapshot, plan: Plan) -> _Known:
    """The summary of ``plan``, read after ``previous``: to be made from ``previous``'s
    when ``plan`` is a tick of its plan (one step back at most: no chain of old plans)."""
    made, since = previous.known.made, previous.known.since
    base = (previous.plan, made) if made is not None else since
    return _Known(base if base is not None and same_structure(base[0], plan) else None)


@dataclass(frozen=True)
class WriteResult:
    snapshot: Snapshot  # the plan as it is on disk after the write
    changed: tuple[str, ...]
    written: bool
    method: str | None = None  # "in-place" or "rename"


def from_bytes(path: Path, raw: bytes, st: os.stat_result, settings: Settings | None = None,
               previous: Snapshot | None = None) -> Snapshot:
    """The snapshot of ``raw`` (the bytes at ``path``, stat ``st``): a parse, or none when ``previous``
    (an earlier read, with the same settings) says what the plan is."""
    if settings is None:
        try:
            settings = load_settings(path)
        except ConfigError as exc:
            raise PlanError(str(exc)) from None
    if previous is None or previous.settings != settings:
        lines, bom = decode_lines(raw)
        return Snapshot(path, raw, bom, lines, read_plan(path, lines, settings), settings, st.st_ino, st.st_mtime_ns)
    if previous.raw == raw:  # the same bytes: the same plan
        return replace(previous, path=path, inode=st.st_ino, mtime_ns=st.st_mtime_ns)
    lines = relined(previous.raw, previous.lines, raw)  # a few lines changed: only those decoded
    bom = previous.bom
    if lines is None:
        lines, bom = decode_lines(raw)
    plan = _plan_after(previous, path, lines, settings)
    return Snapshot(path, raw, bom, lines, plan, settings, st.st_ino, st.st_mtime_ns, _after(previous, plan))


def _plan_after(previous: Snapshot, path: Path, lines: Lines, settings: Settings) -> Plan:
    """The plan of ``lines``, read after ``previous``: a Markdown tick (or a value) needs
    no parse; a plan of another reader is read whole."""
    reader = reader_for(path, lines)
    if reader is not None:
        return reader.read(path, lines, settings)
    return reparse(previous.plan, previous.lines, lines, settings)


def read(path: str | os.PathLike, settings: Settings | None = None, previous: Snapshot | None = None) -> Snapshot:
    """The plan at ``path`` now; ``previous`` (an earlier read) lets a small change skip the parse."""
    path = Path(path)
    folder = folder_bytes(path) if path.is_dir() else None  # a folder a reader reads as one plan
    raw, st = folder if folder is not None else disk.read_bytes(path)
    return from_bytes(path, raw, st, settings, previous)


def modify(path: str | os.PathLike, change: Callable[[Snapshot], tuple[Patch, tuple[str, ...]]],
           previous: Snapshot | None = None) -> WriteResult:
    """Apply ``change`` to the plan at ``path`` as it is on disk now.

    ``change`` gets a fresh :class:`Snapshot` and returns the edits of its
    text and a description of what changed; it raises to refuse.  Nothing
    is written when the edits change nothing.  ``previous`` (the caller's last read)
    saves parsing the file again when its bytes are still the same.
    """
    path = Path(path)
    real = Path(os.path.realpath(path))
    with disk.locked(real.parent):
        wrote: tuple[tuple[str, ...], str] | None = None  # a write of ours the file was replaced right after
        start = time.monotonic()
        attempt = 0
        unsettled = 0  # refusals seen after the file moved under us
        # The caller's read, while the file's stat says it is the same file: every
        # write compares the whole file with it before writing anything, and a
        # refusal or a "nothing to do" is only said after a real read.
        trusted = _unmoved(path, previous)
        while True:
            snap = trusted or _read_fresh(path, previous, replaced=wrote is not None)
            try:
                patch, changed = change(snap)
            except Exception:
                if trusted:
                    trusted = None
                    continue
                # On the first look a refusal is final.  After the file moved under
                # us it may be half rewritten (vim writes its new file in place of
                # the one it renamed aside): look again for a moment before refusing.
                if attempt == 0 or unsettled >= UNSETTLED_LOOKS:
                    raise
                unsettled += 1
                time.sleep(0.01)
                continue
            edits = _byte_edits(snap, patch)
            if not edits and trusted:
                trusted = None
                continue
            trusted = None
            if not edits:
                if wrote is not None:  # whoever replaced the file kept our change
                    return WriteResult(snap, wrote[0], True, wrote[1])
                return WriteResult(snap, tuple(changed), False)
            if disk.given_up(attempt, start):
                break  # that last look was only to see whether our change made it
            disk.check_writable(path, real)
            try:
                method = disk.write(real, snap, edits, appended_ok=attempt >= disk.STRICT_ATTEMPTS)
            except disk.Moved as moved:
                if isinstance(moved, disk.Replaced):
                    wrote = (tuple(changed), "in-place")
                attempt += 1
                time.sleep(random.uniform(0, 0.001 * min(attempt, 10)))
                continue
            return WriteResult(_read_after(path, snap, edits, patch), tuple(changed), True, method)
    raise PlanError(f"{path} kept changing while plantui wrote to it; nothing written")


UNSETTLED_LOOKS = 20  # × 10 ms


def _unmoved(path: Path, previous: Snapshot | None) -> Snapshot | None:
    """``previous``, if the file at ``path`` has its inode, size and time (not proof:
    the bytes are compared before any write), and its settings are the same."""
    if previous is None:
        return None
    try:
        st = os.stat(path)
        if (st.st_ino, st.st_size, st.st_mtime_ns) != (previous.inode, len(previous.raw), previous.mtime_ns):
            return None
        if load_settings(path) != previous.settings:
            return None
    except (OSError, ConfigError):
        return None
    return replace(previous, path=path) if previous.path != path else previous


def _read_fresh(path: Path, previous: Snapshot | None, replaced: bool = False) -> Snapshot:
    """Read the plan; if it is not there, wait a moment for it to come back.

    An editor saving by rename leaves the name empty for a moment.  A plan
    that really is not there costs ``disk.VANISH_WAIT`` before the error.
    ``replaced``: the plan went right after a write of ours, which its new
    bytes may or may not hold: wait longer (a busy machine can hold an editor
    in the middle of its save), and if it does not come back say so.
    """
    deadline = time.monotonic() + (REPLACED_WAIT if replaced else disk.VANISH_WAIT)
    while True:
        try:
            return read(path, previous=previous)
        except PlanError:
            if os.path.exists(path):
                raise
            if time.monotonic() > deadline:
                if replaced:
                    raise PlanError(f"{path} was moved away right after plantui wrote to it and has not come "
                                    "back; the change went with it") from None
                raise
            time.sleep(0.005)


REPLACED_WAIT = 5.0  # seconds to wait for a plan that went right after our write (see _read_fresh)



def _read_after(path: Path, snap: Snapshot, edits: list[ByteEdit], patch: Patch) -> Snapshot:
    """The plan after our write; what we wrote if it cannot be read back.

    When the file holds just what we wrote, its text and lines are ours (the
    lines we did not touch shared with ``snap``'s), so a tick costs no parse,
    nor a decode or split of the whole text.
    """
    ours = disk.applied(snap.raw, edits)
    try:
        raw, st = disk.read_bytes(path)
    except PlanError:
        return from_bytes(path, ours, SimpleNamespace(st_ino=0, st_mtime_ns=0), snap.settings)  # type: ignore[arg-type]
    if raw != ours:
        return from_bytes(path, raw, st, snap.settings, previous=snap)
    lines = snap.lines.spliced(list(patch))
    plan = _plan_after(snap, path, lines, snap.settings)
    return Snapshot(path, raw, snap.bom, lines, plan, snap.settings, st.st_ino, st.st_mtime_ns, _after(snap, plan))


def _byte_edits(snap: Snapshot, patch: Patch) -> list[ByteEdit]:
    """``patch`` as edits of the bytes read, each trimmed to the bytes it changes."""
    raw = snap.raw
    bom = len(BOM) if snap.bom else 0
    out = []
    for start, end, new in sorted(patch):
        a, b = bom + snap.lines.byte_offset(start), bom + snap.lines.byte_offset(end)
        old, nb = raw[a:b], new.encode("utf-8", "surrogateescape")
        p = common_prefix(old, 0, nb, 0)
        q = min(common_prefix(old[::-1], 0, nb[::-1], 0), min(len(old), len(nb)) - p)  # the common tail, after p
        if p == len(old) == len(nb):
            continue  # the same bytes
        out.append((a + p, b - q, nb[p : len(nb) - q]))
    return out

