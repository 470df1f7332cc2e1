"""The plan's bytes on disk: reading them, and writing byte edits back safely.

This layer knows bytes, not plans (it imports no parser, model, config or
progress; an import-linter contract keeps it so): :mod:`plantui.snapshot`
turns the bytes into a plan and a change back into byte edits.

Reading a plan from disk and writing a change back, safely.

Every write is a read-modify-write cycle on the file as it is *now*:

1. take an advisory lock (``flock`` on the plan's folder: the plan itself may
   be replaced by a rename, its folder is not), so two plantui processes
   never interleave their cycles;
2. read the bytes, parse, let the caller compute the new text (the caller
   checks that the item it means is still on its line, see
   :func:`plantui.edits.locate`);
3. write, checking first that the file still holds the bytes read in 2; if
   somebody wrote in between, start over from 2 with their bytes
   (compare-and-swap), ``ATTEMPTS`` times and more within ``PATIENCE``
   seconds.  Bytes only *appended* since the read make plantui start over
   once; after that they are carried over as they are, so a steady appender
   cannot starve a tick.  When an editor saving by rename leaves the name
   empty for a moment, plantui waits for it (``VANISH_WAIT``).  When the
   file is replaced right after plantui wrote to it, the next read tells
   whether the change survived: if it did, the write is reported as done;
   plantui never says "nothing written" about a change that is in the file.

Other programs do not take plantui's lock, so the last check and the write
that follows it are a race no lock-free program can close: a foreign write
landing in those microseconds could be overwritten.  Each such window is
marked ``with _critical(path):`` below and kept to a handful of system calls.

How bytes reach the disk depends on the change:

- Same length (a tick, a field whose value keeps its width: the common case):
  ``pwrite`` of the changed bytes only, in place.  An agent appending to the
  file with ``O_APPEND`` at that moment loses nothing, the inode, owner,
  permissions and hard links stay, and a one-byte write cannot tear.
- Different length (``**Progress:** 9/12`` becoming ``10/12``), when no other
  process holds the plan open for writing (asked of the kernel with a read
  lease, Linux), it has one link and plantui can give a new file its owner:
  a temporary file beside the plan, ``fsync``, ``rename`` over it, so the
  plan holds the old bytes or the new, never a mix, for readers and after a
  crash.  Bytes appended to the old file around the rename are carried over
  to the new one, until no process holds the old file open for writing (an
  agent that opened it just before the rename writes there just after).
  Permissions and owner are copied; a symlink stays a link because the
  link's target is what gets replaced.  Extended attributes and ACLs are
  not copied.
- Different length otherwise (someone holds the plan open for writing, hard
  links, or no temporary file can be made in its folder): in place.  A
  process keeping the plan open would go on writing to the old file after a
  rename and everything it wrote would be lost, so the bytes are moved in
  place instead: growing first reserves the extra bytes at the end with an
  ``O_APPEND`` write (an append racing with it lands after the reservation,
  not under plantui's bytes), then rewrites from the first changed byte up
  to the reservation; shrinking rewrites from the first changed byte, moves
  bytes appended meanwhile down, and truncates.  Inode, owner, permissions
  and hard links stay.  A reader may see the file mid-move for some
  microseconds, and a crash at that moment leaves the tail doubled or cut
  short: the price of not losing an appender's lines.  The truncation is the
  one step an append can still race (it would be cut off): the shrink's
  critical window.

A file whose mode has no write bit is refused, even for root (as editors
do).  A write that fails (disk full, I/O error) puts the old bytes back and
says so, or says plainly that it could not.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import time
from pathlib import Path
from typing import Callable, Iterator, Protocol

from .errors import PlanError
from .lines import common_prefix, looks_binary

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MAX_BYTES = 64 * 1024 * 1024
ATTEMPTS = 10  # read-modify-write cycles at least, before giving up…
PATIENCE = 2.0  # …and more while within this many seconds…
MAX_ATTEMPTS = 100  # …up to this many
STRICT_ATTEMPTS = 1  # cycles on which appended bytes also make plantui read again
VANISH_WAIT = 0.5  # seconds to wait for a plan an editor is saving (renamed aside) to come back
LINGER = 1.0  # seconds to keep carrying appends over from a renamed-away file
CHECK_ALL = 256 * 1024  # files up to this size are compared whole right before writing

ByteEdit = tuple[int, int, bytes]


class Read(Protocol):
    """What a write needs of the read it replaces: the path, the bytes, the inode."""

    path: Path
    raw: bytes
    inode: int


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise PlanError(f"{path} is a folder, not a plan file")
        if not stat.S_ISREG(st.st_mode):
            raise PlanError(f"{path} is not a regular file")
        if st.st_size > MAX_BYTES:
            raise PlanError(f"{path} is {st.st_size // (1024 * 1024)} MB; plantui reads plans up to "
                            f"{MAX_BYTES // (1024 * 1024)} MB")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO swapped in must not hang us
    except FileNotFoundError:
        raise PlanError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PlanError(f"{path} is a folder, not a plan file") from None
    except OSError as exc:
        raise PlanError(f"{path}: cannot read it ({_why(exc)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise PlanError(f"{path} is not a regular file")
        raw = _read_from(fd, 0, MAX_BYTES + 1)
        st = os.fstat(fd)
    except OSError as exc:
        raise PlanError(f"{path}: cannot read it ({_why(exc)})") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise PlanError(f"{path} is over {MAX_BYTES // (1024 * 1024)} MB; plantui reads plans up to {MAX_BYTES // (1024 * 1024)} MB")
    if looks_binary(raw):
        raise PlanError(f"{path} is a binary file, not a Markdown plan")
    return raw, st



@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
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


@contextlib.contextmanager
def _critical(path: Path) -> Iterator[None]:
    """The last check before a write and the write itself.

    Nothing to do here: the name marks the few system calls during which a
    program that ignores plantui's lock could still slip a write in.  Tests
    replace it to make their simulated editors respect these windows (and
    only these), so everything outside them is exercised deterministically.
    """
    yield


@contextlib.contextmanager
def _cutting() -> Iterator[None]:
    """A shrink's last look at the file's size, and its cut (``ftruncate``).

    The one window where a byte another program appends can be lost: one that
    lands between the two is cut off with the bytes the shrink removes (see
    docs/reliability.md).  Nothing to do here, as in :func:`_critical`: tests
    replace it to keep their appenders out of this window, and only this one.
    """
    yield


class Moved(Exception):
    """The file changed between our read and our write: read again."""


class Replaced(Moved):
    """Replaced (or deleted) right after we wrote to it: our bytes may or may not be in it, read again."""



def given_up(attempt: int, start: float) -> bool:
    """At least ATTEMPTS cycles, and more while within PATIENCE seconds."""
    if attempt < ATTEMPTS:
        return False
    return attempt >= MAX_ATTEMPTS or time.monotonic() - start > PATIENCE



def check_writable(path: Path, real: Path) -> None:
    try:
        st = os.stat(real)
    except OSError:
        return  # gone: the write finds out and reads again
    if not st.st_mode & 0o222:
        # read-only by its mode: refused even for root, as editors do
        raise PlanError(f"{path} is read-only (mode {stat.S_IMODE(st.st_mode):o}); nothing written")
    if not os.access(real, os.W_OK):
        if not os.path.exists(real):
            return  # gone between the two looks (an editor saving): the write finds out and reads again
        raise PlanError(f"{path} is not writable; nothing written")



def applied(raw: bytes, edits: list[ByteEdit]) -> bytes:
    out = []
    pos = 0
    for s, e, new in edits:
        out.append(raw[pos:s])
        out.append(new)
        pos = e
    out.append(raw[pos:])
    return b"".join(out)


# --- low-level helpers ------------------------------------------------------------


def _read_from(fd: int, pos: int, limit: int | None = None) -> bytes:
    """The bytes from ``pos`` to the end of the file (at most ``limit``).

    What the file holds now is read in one call (one copy of a big file: a
    join of 1 MB pieces took several times longer), then on until the end,
    for bytes appended meanwhile.
    """
    chunks = []
    total = 0
    want = max(os.fstat(fd).st_size - pos + 1, 1 << 16)  # +1: a file that grew is seen to go on
    while limit is None or total < limit:
        chunk = os.pread(fd, want if limit is None else min(want, limit - total), pos)
        if not chunk:
            break
        chunks.append(chunk)
        pos += len(chunk)
        total += len(chunk)
        want = 1 << 20
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _pwrite_all(fd: int, data: bytes, pos: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, pos)
        if n <= 0:  # pragma: no cover - the kernel reports errors as errors
            raise OSError(errno.EIO, "short write")
        view = view[n:]
        pos += n


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # pragma: no cover
            raise OSError(errno.EIO, "short write")
        view = view[n:]


def _unchanged(fd: int, snap: Read, appended_ok: bool, spans: list[tuple[int, int]] | None = None) -> int:
    """Check the open file still holds the bytes we read; return its size.

    Bytes appended after them are fine when ``appended_ok``.  With ``spans``
    (the last check, right before writing) the whole file is compared only
    when it is small, else the changed spans with a margin around them.
    """
    st = os.fstat(fd)
    n = len(snap.raw)
    if st.st_ino != snap.inode or st.st_size < n or (st.st_size != n and not appended_ok):
        raise Moved
    if spans is None or n <= CHECK_ALL:
        if not _holds(fd, snap.raw):
            raise Moved
    else:
        for s, e in spans:
            a, b = max(0, s - 4096), min(n, e + 4096)
            if _read_from(fd, a, b - a) != snap.raw[a:b]:
                raise Moved
    return st.st_size


def _holds(fd: int, raw: bytes) -> bool:
    """Whether the open file starts with the bytes ``raw``.

    Read a block at a time into one buffer, each block compared in place
    (``bytes.startswith`` at an offset) while it is still in the cache: no
    copy of the file is made.  ~1 ms for 10 MB, where one read of the whole
    file compared at once took ~3 ms (and a new 10 MB object each time 5-30 ms
    in page faults).
    """
    n = len(raw)
    if not hasattr(os, "preadv"):  # pragma: no cover - not on Linux
        return _read_from(fd, 0, n) == raw
    view = memoryview(bytearray(min(n, COMPARE_BLOCK)))
    pos = 0
    while pos < n:
        got = os.preadv(fd, [view[: n - pos]], pos)
        if got <= 0 or not raw.startswith(view[:got], pos):
            return False
        pos += got
    return True


COMPARE_BLOCK = 1 << 20


def _writers(fd: int) -> bool | None:
    """Whether any process holds this file open for writing (None: cannot tell).

    Asked of the kernel: a read lease is granted only on a file nobody has
    open for writing (Linux).  It is given back at once; its break signal is
    set to SIGURG, ignored by default, so an opener racing with us is held up
    for a microsecond and nothing else happens.
    """
    if fcntl is None or not hasattr(fcntl, "F_SETLEASE") or not hasattr(signal, "SIGURG"):
        return None
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EBUSY):
            return True
        return None  # not our file (EACCES), or no leases on this file system
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return False


def _open(real: Path, flags: int, snap: Read) -> int:
    try:
        return os.open(real, flags)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Moved from None  # gone or replaced: reading again says what it is now
    except OSError as exc:
        raise PlanError(f"{snap.path}: cannot write it ({_why(exc)}); nothing written") from None


def _still_there(real: Path, inode: int) -> None:
    """After writing to an inode: is it still the one the name points to?"""
    try:
        now = os.stat(real)
    except OSError:
        raise Replaced from None
    if now.st_ino != inode:
        raise Replaced  # replaced while we wrote: what is there now may hold our change, or not


def _failed(snap: Read, exc: OSError, undo: Callable[[], None]) -> PlanError:
    """Put the old bytes back after a failed write, and say how that went."""
    try:
        undo()
    except OSError as again:
        return PlanError(f"{snap.path}: writing failed ({_why(exc)}), and putting the old bytes back failed too "
                         f"({_why(again)}); check the file")
    return PlanError(f"{snap.path}: writing failed ({_why(exc)}); the file was left as it was")


# --- the three ways to write -----------------------------------------------------


def write(real: Path, snap: Read, edits: list[ByteEdit], appended_ok: bool = False) -> str:
    """Write ``edits`` (byte edits of ``snap.raw``) to the file ``real`` if it still holds
    ``snap``'s bytes (the compare-and-swap); raises :class:`Moved` when it does not.
    Returns how: "in-place" or "rename".  Call it under :func:`locked`."""
    if all(len(new) == e - s for s, e, new in edits):
        _write_in_place(real, snap, edits, appended_ok)
        return "in-place"
    return _write_resized(real, snap, applied(snap.raw, edits), appended_ok)


def _write_in_place(real: Path, snap: Read, edits: list[ByteEdit], appended_ok: bool) -> None:
    fd = _open(real, os.O_RDWR, snap)
    try:
        spans = [(s, e) for s, e, _ in edits]
        _unchanged(fd, snap, appended_ok)
        done: list[tuple[int, int]] = []

        def undo() -> None:
            for s, e in done:
                _pwrite_all(fd, snap.raw[s:e], s)
            os.fsync(fd)

        with _critical(real):
            _unchanged(fd, snap, appended_ok, spans)
            try:
                for s, e, new in edits:
                    done.append((s, e))
                    _pwrite_all(fd, new, s)
            except OSError as exc:
                raise _failed(snap, exc, undo) from None
        try:
            os.fsync(fd)
        except OSError as exc:
            raise _failed(snap, exc, undo) from None
        _still_there(real, snap.inode)
    finally:
        os.close(fd)


def _write_resized(real: Path, snap: Read, new_raw: bytes, appended_ok: bool) -> str:
    old_fd = _open(real, os.O_RDONLY, snap)
    try:
        st = os.fstat(old_fd)
        if st.st_ino != snap.inode:
            raise Moved
        if _rename_is_safe(st, old_fd):
            try:
                _write_by_rename(real, snap, new_raw, old_fd, appended_ok)
                return "rename"
            except _NoRoom:
                pass  # no file can be made beside it: move the bytes in place
    finally:
        os.close(old_fd)
    _write_moving(real, snap, new_raw, appended_ok)
    return "in-place"


def _rename_is_safe(st: os.stat_result, fd: int) -> bool:
    """Whether a new file renamed over the plan keeps everything the old one had.

    Not when another process holds the plan open for writing (what it writes
    later would go to the old file), not with hard links (they would part),
    not when plantui could not give the new file the old one's owner.
    """
    if st.st_nlink > 1:
        return False
    if hasattr(os, "geteuid") and os.geteuid() != 0 and st.st_uid != os.geteuid():
        return False
    return _writers(fd) is not True


class _NoRoom(Exception):
    """No temporary file can be made beside the plan."""


def _write_by_rename(real: Path, snap: Read, new_raw: bytes, old_fd: int, appended_ok: bool) -> None:
    import tempfile  # (here: with shutil, bz2, lzma and random, ~5 ms that a command that only reads need not pay)

    _unchanged(old_fd, snap, appended_ok)
    st = os.fstat(old_fd)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".plantui-tmp", dir=real.parent)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise _NoRoom from None
        raise PlanError(f"{snap.path}: cannot write beside it ({_why(exc)}); nothing written") from None
    out = -1
    copied = len(snap.raw)  # bytes of the old file that the new one holds
    try:
        try:
            out = os.open(tmp_name, os.O_WRONLY | os.O_APPEND)  # stays on the new file after the rename
            _write_all(out, new_raw)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(fd, st.st_uid, st.st_gid)
        except OSError as exc:
            raise PlanError(f"{snap.path}: writing failed ({_why(exc)}); the file was left as it was") from None
        k = common_prefix(snap.raw, 0, new_raw, 0)
        with _critical(real):
            try:
                now = os.stat(real)
            except OSError:
                raise Moved from None
            if now.st_ino != snap.inode:
                raise Moved
            size = _unchanged(old_fd, snap, appended_ok, [(k, len(snap.raw))])
            try:
                if size > copied:  # appended since our read: the new file gets them too
                    extra = _read_from(old_fd, copied)
                    _write_all(out, extra)
                    copied += len(extra)
                os.fsync(fd)
                os.replace(tmp_name, real)
            except OSError as exc:
                raise PlanError(f"{snap.path}: writing failed ({_why(exc)}); the file was left as it was") from None
        tmp_name = None
        _fsync_dir(real.parent)
        _carry_over(old_fd, out, copied)
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        if out >= 0:
            os.close(out)
        os.close(fd)
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _carry_over(old_fd: int, out: int, copied: int) -> None:
    """Move what gets appended to the renamed-away file over to the new one.

    An agent that opened the plan just before the rename writes to the old
    file just after it: keep moving its bytes (to the end of the new file,
    with O_APPEND) until no process holds the old file open for writing.
    Where the kernel cannot tell, look twice.
    """
    deadline = time.monotonic() + LINGER
    looks = 0
    while True:
        busy = _writers(old_fd)  # first ask, then read: a writer that has closed has written
        extra = _read_from(old_fd, copied)
        if extra:
            with contextlib.suppress(OSError):
                _write_all(out, extra)
                copied += len(extra)
        looks += 1
        if busy is False or (busy is None and looks >= 2) or time.monotonic() > deadline:
            return
        time.sleep(0.002)


def _write_moving(real: Path, snap: Read, new_raw: bytes, appended_ok: bool) -> None:
    """A length-changing write in place, safe for processes appending meanwhile."""
    fd = _open(real, os.O_RDWR, snap)
    try:
        afd = _open(real, os.O_WRONLY | os.O_APPEND, snap)
    except BaseException:
        os.close(fd)
        raise
    try:
        k = common_prefix(snap.raw, 0, new_raw, 0)
        _unchanged(fd, snap, appended_ok)
        splice = _Splice(fd, afd, k, snap.raw[k:], new_raw[k:])
        with _critical(real):
            _unchanged(fd, snap, appended_ok, [(k, len(snap.raw))])
            try:
                splice.run()
            except OSError as exc:
                raise _failed(snap, exc, splice.undo) from None
        try:
            os.fsync(fd)
        except OSError as exc:
            raise _failed(snap, exc, splice.undo) from None
        _still_there(real, snap.inode)
    finally:
        os.close(afd)
        os.close(fd)


class _Splice:
    """Replace ``old`` at offset ``k`` of an open file by ``new``, in place.

    Whatever follows ``old`` (the tail), including bytes other processes
    append while this runs, ends up right after ``new``.  Growing reserves
    room at the end with an O_APPEND write first, so a racing append lands
    after the reservation instead of under our bytes; shrinking moves late
    appends down before it truncates.
    """

    def __init__(self, fd: int, afd: int, k: int, old: bytes, new: bytes):
        self.fd, self.afd, self.k, self.old, self.new = fd, afd, k, old, new
        self.tail = b""  # the bytes after ``old``, as moved along
        self.reserved: tuple[int, int] | None = None  # (offset, length) we appended to make room
        self.done = False

    def run(self) -> None:
        fd, k = self.fd, self.k
        old_end = k + len(self.old)
        size = os.fstat(fd).st_size
        self.tail = _read_from(fd, old_end, size - old_end)
        d = len(self.new) - len(self.old)
        if d > 0:
            n = os.write(self.afd, (self.new + self.tail)[-d:])
            at = os.lseek(self.afd, 0, os.SEEK_CUR) - n
            self.reserved = (at, n)
            if n != d:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            if at > size:  # appended between our look at the size and our reservation
                self.tail += _read_from(fd, size, at - size)
        _pwrite_all(fd, self.new + self.tail, k)
        if d < 0:
            self._cut(size + d, -d, keep=True)
        self.done = True

    def _cut(self, at: int, n: int, keep: bool) -> None:
        """Remove ``n`` bytes at ``at``, the end of our bytes: appends after them move down."""
        pos = at + n
        while True:
            with _cutting():
                now = os.fstat(self.fd).st_size
                if now <= pos:
                    os.ftruncate(self.fd, pos - n)
                    return
            late = _read_from(self.fd, pos, now - pos)
            if keep:
                self.tail += late
            _pwrite_all(self.fd, late, pos - n)
            pos += len(late)

    def undo(self) -> None:
        if self.done:
            # the change is whole: the reverse change, made the same way
            _Splice(self.fd, self.afd, self.k, self.new, self.old).run()
        else:
            # part of it was written: the old bytes and the tail go back over it
            _pwrite_all(self.fd, self.old + self.tail, self.k)
            if self.reserved is not None and self.reserved[1] > 0:
                at, n = self.reserved
                self._cut(at, n, keep=False)
        os.fsync(self.fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
