"""Reading a plan from disk and writing a change back, safely.

Every write is a read-modify-write cycle on the file as it is *now*:

1. take an advisory lock (``flock`` on the plan's folder: the plan itself may
   be replaced by a rename, its folder is not), so two plantui processes
   never interleave their cycles;
2. read the bytes, parse, let the caller compute the new text (the caller
   checks that the item it means is still on its line, see
   :func:`plantui.edits.locate`);
3. write, then check nobody wrote in between; if somebody did, start over
   from 2 with their bytes (compare-and-swap), a few times at most.

How bytes reach the disk depends on the change:

- Same length (a tick, a field whose value keeps its width: the common case):
  ``pwrite`` of the changed bytes only, in place.  An agent appending to the
  file with ``O_APPEND`` at that moment loses nothing, the inode, owner,
  permissions and hard links stay, and a one-byte write cannot tear.
- Different length: a temporary file beside the plan, ``fsync``, ``rename``
  over it, so the plan holds the old bytes or the new, never a mix.  Bytes
  appended to the old file between our read and the rename are carried over
  to the new one.  Permissions are copied; a symlink stays a link because the
  link's target is what gets replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .config import ConfigError, Settings, load_settings
from .model import Plan
from .parser import parse_lines
from .source import Lines, decode, encode, looks_binary

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MAX_BYTES = 64 * 1024 * 1024
ATTEMPTS = 5


class PlanError(Exception):
    """Bad input or a refused write: the message is one sentence for a person."""


@dataclass(frozen=True)
class Snapshot:
    """A plan as read at one moment."""

    path: Path
    raw: bytes
    text: str
    bom: bool
    lines: Lines
    plan: Plan
    settings: Settings
    inode: int
    mtime_ns: int


@dataclass(frozen=True)
class WriteResult:
    snapshot: Snapshot  # the plan as it is on disk after the write
    changed: tuple[str, ...]
    written: bool
    method: str | None = None  # "in-place" or "rename"


def _quote(path: Path) -> str:
    return str(path)


def read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise PlanError(f"{_quote(path)}: no such file") from None
    except OSError as exc:
        raise PlanError(f"{_quote(path)}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise PlanError(f"{_quote(path)} is a folder, not a plan file")
    if not stat.S_ISREG(st.st_mode):
        raise PlanError(f"{_quote(path)} is not a regular file")
    if st.st_size > MAX_BYTES:
        raise PlanError(f"{_quote(path)} is {st.st_size // (1024 * 1024)} MB; plantui reads plans up to {MAX_BYTES // (1024 * 1024)} MB")
    try:
        with path.open("rb") as fh:
            raw = fh.read()
            st = os.fstat(fh.fileno())
    except OSError as exc:
        raise PlanError(f"{_quote(path)}: cannot read it ({exc.strerror or exc})") from None
    if looks_binary(raw):
        raise PlanError(f"{_quote(path)} is a binary file, not a Markdown plan")
    return raw, st


def snapshot(path: Path, raw: bytes, st: os.stat_result, settings: Settings | None = None) -> Snapshot:
    if settings is None:
        try:
            settings = load_settings(path)
        except ConfigError as exc:
            raise PlanError(str(exc)) from None
    text, bom = decode(raw)
    lines = Lines.of(text)
    return Snapshot(path, raw, text, bom, lines, parse_lines(lines, settings), settings, st.st_ino, st.st_mtime_ns)


def read(path: str | os.PathLike, settings: Settings | None = None) -> Snapshot:
    path = Path(path)
    raw, st = read_bytes(path)
    return snapshot(path, raw, st, settings)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class _Moved(Exception):
    """The file changed between our read and our write: read again."""


def modify(path: str | os.PathLike, change: Callable[[Snapshot], tuple[str, tuple[str, ...]]],
           settings: Settings | None = None) -> WriteResult:
    """Apply ``change`` to the plan at ``path`` as it is on disk now.

    ``change`` gets a fresh :class:`Snapshot` and returns the new text and a
    description of what changed; it raises to refuse.  Nothing is written
    when the text comes back the same.
    """
    path = Path(path)
    real = Path(os.path.realpath(path))
    with _locked(real.parent):
        for _ in range(ATTEMPTS):
            snap = read(path, settings)
            new_text, changed = change(snap)
            if new_text == snap.text:
                return WriteResult(snap, tuple(changed), False)
            new_raw = encode(new_text, snap.bom)
            if not os.access(real, os.W_OK):
                raise PlanError(f"{_quote(path)} is not writable; nothing written")
            try:
                method = _write(real, snap, new_raw)
            except _Moved:
                continue
            after = read(path, snap.settings)
            return WriteResult(after, tuple(changed), True, method)
    raise PlanError(f"{_quote(path)} kept changing while plantui wrote to it; nothing written")


def _write(real: Path, snap: Snapshot, new_raw: bytes) -> str:
    if len(new_raw) == len(snap.raw):
        _write_in_place(real, snap, new_raw)
        return "in-place"
    _write_by_rename(real, snap, new_raw)
    return "rename"


def _spans(old: bytes, new: bytes) -> list[tuple[int, int]]:
    """Byte ranges where two equal-length buffers differ."""
    spans = []
    n = len(old)
    k = 0
    # compare in blocks to keep this fast on big files
    block = 4096
    while k < n:
        if old[k : k + block] == new[k : k + block]:
            k += block
            continue
        end = min(n, k + block)
        j = k
        while j < end:
            if old[j] != new[j]:
                s = j
                while j < end and old[j] != new[j]:
                    j += 1
                if spans and spans[-1][1] >= s - 8:
                    spans[-1] = (spans[-1][0], j)
                else:
                    spans.append((s, j))
            else:
                j += 1
        k = end
    return spans


def _write_in_place(real: Path, snap: Snapshot, new_raw: bytes) -> None:
    try:
        fd = os.open(real, os.O_RDWR)
    except OSError as exc:
        raise PlanError(f"{_quote(snap.path)}: cannot write it ({exc.strerror or exc}); nothing written") from None
    try:
        st = os.fstat(fd)
        if st.st_ino != snap.inode or st.st_size != len(snap.raw):
            raise _Moved
        spans = _spans(snap.raw, new_raw)
        for s, e in spans:
            if os.pread(fd, e - s, s) != snap.raw[s:e]:
                raise _Moved
        if _read_all(fd) != snap.raw:
            raise _Moved
        try:
            for s, e in spans:
                os.pwrite(fd, new_raw[s:e], s)
            os.fsync(fd)
        except OSError as exc:
            # put back what we wrote, best effort, and say so
            with contextlib.suppress(OSError):
                for s, e in spans:
                    os.pwrite(fd, snap.raw[s:e], s)
            raise PlanError(f"{_quote(snap.path)}: writing failed ({exc.strerror or exc}); the file was left as it was") from None
        try:
            now = os.stat(real)
        except OSError:
            raise _Moved from None
        if now.st_ino != st.st_ino:
            raise _Moved  # replaced while we wrote: our bytes went to the old file
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    pos = 0
    while True:
        chunk = os.pread(fd, 1 << 20, pos)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        pos += len(chunk)


def _write_by_rename(real: Path, snap: Snapshot, new_raw: bytes) -> None:
    try:
        old_fd = os.open(real, os.O_RDONLY)
    except OSError:
        raise _Moved from None
    tmp_name = None
    try:
        st = os.fstat(old_fd)
        if st.st_ino != snap.inode or _read_all(old_fd) != snap.raw:
            raise _Moved
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".plantui-tmp", dir=real.parent)
        except OSError as exc:
            raise PlanError(f"{_quote(snap.path)}: cannot write beside it ({exc.strerror or exc}); nothing written") from None
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(new_raw)
                out.flush()
                os.fchmod(out.fileno(), stat.S_IMODE(st.st_mode))
                with contextlib.suppress(OSError):
                    os.fchown(out.fileno(), st.st_uid, st.st_gid)
                os.fsync(out.fileno())
        except OSError as exc:
            raise PlanError(f"{_quote(snap.path)}: writing failed ({exc.strerror or exc}); the file was left as it was") from None
        # last look before the swap: same inode, same bytes
        now = os.stat(real)
        if now.st_ino != snap.inode or now.st_size != len(snap.raw) or now.st_mtime_ns != snap.mtime_ns:
            raise _Moved
        os.replace(tmp_name, real)
        tmp_name = None
        _fsync_dir(real.parent)
        # bytes appended to the old file after we read it move to the new one
        extra = _read_all(old_fd)[len(snap.raw) :]
        if extra:
            with open(real, "ab") as fh:
                fh.write(extra)
                fh.flush()
                os.fsync(fh.fileno())
    finally:
        os.close(old_fd)
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
