"""Faults around a write: the plan moves, the disk fills, permissions go, links and odd names.

Every failure must end in a :class:`PlanError` with one clear sentence, and a
sentence that says "left as it was" must be true to the byte.  Faults are
injected in-process (``os.pwrite``, ``os.write``, ``os.fsync``,
``os.ftruncate``, ``os.replace``, ``tempfile.mkstemp``) while
``plantui.actions.mark`` runs, on each of the three write paths: in place
(same length), rename (length changes), and moved in place (length changes
while another process holds the plan open for writing, or with hard links).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import pwd
import re
import shutil
import stat
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from conftest import report_figures

from plantui import actions, disk, snapshot
from plantui.errors import PlanError

NOW = datetime(2026, 11, 21, 9, 30)
FIGURES = {"faults": 0, "refused_old_bytes_kept": 0, "recovered_written_right": 0, "cases": 0, "messages": set()}


@pytest.fixture(autouse=True)
def _count_cases():
    yield
    FIGURES["cases"] += 1


def recovered() -> None:
    """A fault or race was forced, and the write still came out right."""
    FIGURES["faults"] += 1
    FIGURES["recovered_written_right"] += 1


def plan_text(done: int = 3, total: int = 12, eol: str = "\n") -> str:
    lines = ["# Fault plan", "", f"**Progress:** {done}/{total} tasks complete", "**Last Updated:** 2026-01-01", "",
             "## Phase 1: Work", ""]
    lines += [f"- [{'x' if i <= done else ' '}] T{i:03d} Task {i}" for i in range(1, total + 1)]
    return eol.join(lines + ["", "Closing words.", ""])


# A tick of T004 on 3/12 keeps the length (4/12); on 9/12, T010 makes it 10/12.
SAME = dict(done=3, ref="T004")
LONGER = dict(done=9, ref="T010")
SHORTER = dict(done=10, ref="T010", marker=" ")  # untick: 10/12 becomes 9/12
MARKED = dict(done=9, ref="T010", marker="\u2713")  # [✓]: three bytes for one, the count stays


def make(tmp_path: Path, kind: dict, name: str = "plan.md", mode: int = 0o644) -> Path:
    path = tmp_path / name
    path.write_bytes(plan_text(kind["done"]).encode())
    os.chmod(path, mode)
    return path


def mark(path: Path, kind: dict):
    return actions.mark(path, [kind["ref"]], kind.get("marker"), now=NOW)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "plantui-tmp" in p.name)


@pytest.fixture
def held_open(request):
    """Hold a plan open for writing, as an appender keeping its file open would."""
    fds = []

    def hold(path: Path) -> None:
        fds.append(os.open(path, os.O_WRONLY | os.O_APPEND))

    yield hold
    for fd in fds:
        os.close(fd)


def inject(monkeypatch, target, name: str, err: int, *, after: int = 0, times: int = 1, partial: bool = False,
           when=None):
    """Make ``target.name`` fail with ``err``: after ``after`` good calls, ``times`` times.

    ``partial``: a write that fails half-way, as the kernel reports it: the
    first failing call writes one byte and returns a short count, the next
    one raises.  ``when(args)`` picks the calls that count.
    """
    real = getattr(target, name)
    state = {"calls": 0, "failed": 0, "short": False, "hits": 0}

    def fake(*args, **kwargs):
        if when is None or when(args):
            state["calls"] += 1
            if state["calls"] > after and state["failed"] < times:
                state["hits"] += 1
                if partial and not state["short"] and len(args[1]) > 1:
                    state["short"] = True
                    return real(args[0], bytes(args[1])[:1], *args[2:])
                state["failed"] += 1
                raise OSError(err, os.strerror(err))
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, fake)
    return state


def expect_refusal(path: Path, before: bytes, call, *, mode: int | None = None, inode: int | None = None) -> str:
    with pytest.raises(PlanError) as info:
        call()
    msg = str(info.value)
    assert "\n" not in msg and msg.strip() == msg and msg
    assert "Traceback" not in msg
    assert path.read_bytes() == before, msg
    if mode is not None:
        assert stat.S_IMODE(path.stat().st_mode) == mode
    if inode is not None:
        assert path.stat().st_ino == inode
    assert leftovers(path.parent) == []
    FIGURES["faults"] += 1
    FIGURES["refused_old_bytes_kept"] += 1
    FIGURES["messages"].add(msg.replace(str(path), "PLAN"))
    return msg



@pytest.fixture(scope="module", autouse=True)
def _figures(pytestconfig, tmp_path_factory):
    """After the module: print what it put plantui through, and add it to reliability.jsonl."""
    yield
    report_figures({"test": "faults", "cases": FIGURES["cases"], "faults_injected_or_raced": FIGURES["faults"],
                    "refused_old_bytes_kept": FIGURES["refused_old_bytes_kept"],
                    "recovered_written_right": FIGURES["recovered_written_right"],
                    "distinct_messages": sorted(FIGURES["messages"])}, tmp_path_factory.mktemp("figures"), pytestconfig)

# --- the file moves under plantui ----------------------------------------------------------


def _tick(snap, ref: str) -> list[tuple[int, int, str]]:
    """The edit that ticks the box of task ``ref`` in the text ``snap`` read."""
    at = snap.text.index("[ ] " + ref) + 1
    return [(at, at + 1, "x")]


@pytest.mark.parametrize("kind", [SAME, LONGER], ids=["same-length", "longer"])
def test_plan_deleted_between_read_and_write(tmp_path, kind):
    path = make(tmp_path, kind)

    def change(snap):
        if path.exists():
            path.unlink()  # someone deletes it while plantui computes
        return _tick(snap, kind["ref"]), ("tick",)

    with pytest.raises(PlanError, match="no such file"):
        snapshot.modify(path, change)
    assert not path.exists()  # not brought back to life
    assert leftovers(tmp_path) == []
    FIGURES["faults"] += 1


@pytest.mark.parametrize("kind", [SAME, LONGER], ids=["same-length", "longer"])
def test_plan_replaced_by_a_folder(tmp_path, kind):
    path = make(tmp_path, kind)

    def change(snap):
        if path.is_file():
            path.unlink()
            path.mkdir()
            (path / "inside.txt").write_text("keep me")
        return _tick(snap, kind["ref"]), ("tick",)

    with pytest.raises(PlanError, match="is a folder"):
        snapshot.modify(path, change)
    assert path.is_dir() and [p.name for p in path.iterdir()] == ["inside.txt"]
    assert (path / "inside.txt").read_text() == "keep me"
    assert leftovers(tmp_path) == []
    FIGURES["faults"] += 1


def test_plan_that_never_stops_changing_is_refused(tmp_path):
    path = make(tmp_path, SAME)
    n = [0]

    def change(snap):
        n[0] += 1
        data = re.sub(rb"Closing [^\n]*", b"Closing words, take %d." % n[0], path.read_bytes())
        path.write_bytes(data)  # somebody rewrites the middle on every cycle
        return _tick(snap, "T004"), ("tick",)

    with pytest.raises(PlanError, match="kept changing"):
        snapshot.modify(path, change)
    assert disk.ATTEMPTS < n[0] <= disk.MAX_ATTEMPTS + 1
    assert b"[ ] T004" in path.read_bytes()
    assert leftovers(tmp_path) == []
    FIGURES["faults"] += 1


def test_editor_save_window_is_waited_out(tmp_path, monkeypatch):
    """vim renames the plan aside, then writes the new one: plantui waits, never says 'not writable'."""
    path = make(tmp_path, SAME)
    real_access = os.access
    saving: list[threading.Timer] = []

    def access(p, mode, *args, **kwargs):
        if not saving and os.path.realpath(p) == os.path.realpath(path):
            os.rename(path, f"{path}~")  # right between plantui's stat and its access check

            def write_new():
                shutil.copyfile(f"{path}~", path)
                os.unlink(f"{path}~")

            saving.append(threading.Timer(0.05, write_new))
            saving[0].start()
        return real_access(p, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = mark(path, SAME)
    saving[0].join()
    assert result.written
    assert path.read_bytes() == expected_after(SAME)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.md"]
    recovered()


# --- a write that fails ------------------------------------------------------------------


def _plan_fd(path: Path):
    """A predicate: the call works on the plan (not on a temp file or a folder)."""
    ino = path.stat().st_ino

    def on_plan(args):
        try:
            return os.fstat(args[0]).st_ino == ino
        except (OSError, TypeError):
            return False

    return on_plan


CASES = [
    # (id, kind, hold open, target, name, errno, options)
    ("in-place/pwrite-half", SAME, False, os, "pwrite", errno.ENOSPC, dict(partial=True)),
    ("in-place/pwrite-EIO", SAME, False, os, "pwrite", errno.EIO, {}),
    ("in-place/fsync", SAME, False, os, "fsync", errno.EIO, {}),
    ("rename/mkstemp-ENOSPC", LONGER, False, tempfile, "mkstemp", errno.ENOSPC, {}),
    ("rename/write-half", LONGER, False, os, "write", errno.ENOSPC, dict(partial=True)),
    ("rename/fsync", LONGER, False, os, "fsync", errno.EIO, {}),
    ("rename/replace-ENOSPC", LONGER, False, os, "replace", errno.ENOSPC, {}),
    ("rename/replace-EIO", SHORTER, False, os, "replace", errno.EIO, {}),
    ("moved/reserve-ENOSPC", LONGER, True, os, "write", errno.ENOSPC, {}),
    ("moved/reserve-short", MARKED, True, os, "write", errno.ENOSPC, dict(partial=True)),
    ("moved/pwrite-half", LONGER, True, os, "pwrite", errno.ENOSPC, dict(partial=True)),
    ("moved/fsync-grow", LONGER, True, os, "fsync", errno.EIO, {}),
    ("moved/pwrite-shrink", SHORTER, True, os, "pwrite", errno.EIO, dict(partial=True)),
    ("moved/ftruncate", SHORTER, True, os, "ftruncate", errno.EIO, {}),
    ("moved/fsync-shrink", SHORTER, True, os, "fsync", errno.EIO, {}),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_failed_write_leaves_the_old_bytes(tmp_path, monkeypatch, held_open, case):
    name_, kind, hold, target, name, err, opts = case
    path = make(tmp_path, kind, mode=0o640)
    before = path.read_bytes()
    inode = path.stat().st_ino
    if hold:
        held_open(path)
    when = _plan_fd(path) if name in ("pwrite", "ftruncate") or (name == "fsync" and name_.startswith(("in-place", "moved"))) else None
    state = inject(monkeypatch, target, name, err, when=when, **opts)
    msg = expect_refusal(path, before, lambda: mark(path, kind), mode=0o640, inode=inode)
    assert state["hits"] >= 1, "the fault was never reached"
    assert os.strerror(err) in msg
    assert "left as it was" in msg or "nothing written" in msg
    monkeypatch.undo()
    # and the next try, without the fault, works
    mark(path, kind)
    assert path.read_bytes() != before


def test_failed_write_whose_undo_fails_too_says_so(tmp_path, monkeypatch):
    path = make(tmp_path, SAME)
    before = path.read_bytes()
    # the first change (the Progress digit) lands, the second fails half-way, and so does every pwrite after
    inject(monkeypatch, os, "pwrite", errno.EIO, after=1, times=99, when=_plan_fd(path), partial=True)
    with pytest.raises(PlanError) as info:
        mark(path, SAME)
    msg = str(info.value)
    monkeypatch.undo()
    assert "failed too" in msg and "check the file" in msg
    assert "left as it was" not in msg
    assert path.read_bytes() != before  # the half-written byte is there, and the message said so
    FIGURES["faults"] += 1


def test_folder_without_room_for_a_temp_file_is_written_in_place(tmp_path, monkeypatch):
    path = make(tmp_path, LONGER)
    inode = path.stat().st_ino
    state = inject(monkeypatch, tempfile, "mkstemp", errno.EACCES)
    result = mark(path, LONGER)
    assert state["failed"] == 1
    assert result.written and result.method == "in-place"
    assert path.stat().st_ino == inode
    assert path.read_bytes() == expected_after(LONGER)
    recovered()


# --- races the concurrency tests cannot time: forced here ------------------------------------------


def _foreign(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def expected_after(kind: dict) -> bytes:
    done = kind["done"]
    text = plan_text(done)
    if kind.get("marker") not in (None, " "):
        text = text.replace(f"[ ] {kind['ref']}", f"[{kind['marker']}] {kind['ref']}")
    elif kind.get("marker") == " ":
        text = text.replace(f"[x] {kind['ref']}", f"[ ] {kind['ref']}").replace(f"{done}/12", f"{done - 1}/12")
    else:
        text = text.replace(f"[ ] {kind['ref']}", f"[x] {kind['ref']}").replace(f"{done}/12", f"{done + 1}/12")
    return text.replace("2026-01-01", "2026-11-21").encode()


def test_append_racing_the_reservation_lands_after_it(tmp_path, monkeypatch, held_open):
    path = make(tmp_path, LONGER)
    held_open(path)
    real_write = os.write
    on_plan = _plan_fd(path)
    raced = []

    def write(fd, data):
        if on_plan((fd,)) and not raced:
            raced.append(1)
            _foreign(path, "racing line\n")  # lands between plantui's check and its reservation
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    result = mark(path, LONGER)
    monkeypatch.undo()
    assert raced and result.method == "in-place"
    assert path.read_bytes() == expected_after(LONGER) + b"racing line\n"
    recovered()


def test_append_racing_a_shrink_is_moved_down(tmp_path, monkeypatch, held_open):
    path = make(tmp_path, SHORTER)
    held_open(path)
    real_pwrite = os.pwrite
    on_plan = _plan_fd(path)
    raced = []

    def pwrite(fd, data, pos):
        n = real_pwrite(fd, data, pos)
        if on_plan((fd,)) and not raced:
            raced.append(1)
            _foreign(path, "racing line\n")  # lands after plantui moved the tail, before it truncates
        return n

    monkeypatch.setattr(os, "pwrite", pwrite)
    result = mark(path, SHORTER)
    monkeypatch.undo()
    assert raced and result.method == "in-place"
    assert path.read_bytes() == expected_after(SHORTER) + b"racing line\n"
    recovered()


def test_a_shrinks_last_look_and_cut_are_the_marked_window(tmp_path, monkeypatch, held_open):
    """The one window where an append can be cut (``disk._cutting``: the concurrency tests'
    appenders stay out of it) holds the shrink's ftruncate, and nothing else truncates."""
    from plantui import disk

    path = make(tmp_path, SHORTER)
    held_open(path)
    inside = []
    cuts = []
    real_cutting, real_ftruncate = disk._cutting, os.ftruncate

    @contextlib.contextmanager
    def cutting():
        inside.append(True)
        try:
            with real_cutting():
                yield
        finally:
            inside.pop()

    def ftruncate(fd, length):
        cuts.append(bool(inside))
        return real_ftruncate(fd, length)

    monkeypatch.setattr(disk, "_cutting", cutting)
    monkeypatch.setattr(os, "ftruncate", ftruncate)
    result = mark(path, SHORTER)
    monkeypatch.undo()
    assert result.method == "in-place" and cuts == [True]
    assert path.read_bytes() == expected_after(SHORTER)


def test_a_plan_saved_aside_right_after_the_tick_is_waited_for(tmp_path, monkeypatch):
    """An editor renames the plan aside right after plantui's write, and the machine is
    busy: its new file (holding the tick) comes back after longer than a plain read
    waits.  The tick said "no such file" (exit 2) although it was in the file."""
    from plantui import disk, snapshot

    path = make(tmp_path, LONGER)
    aside = tmp_path / "plan.md~"
    real_write = disk.write
    later: list[threading.Thread] = []

    def write(real, snap, edits, appended_ok=False):
        real_write(real, snap, edits, appended_ok)
        os.rename(path, aside)  # the editor's save begins: the name is empty

        def back():
            time.sleep(disk.VANISH_WAIT + 0.3)
            os.rename(aside, path)  # its new file: our bytes, as it read them under the lock

        later.append(threading.Thread(target=back))
        later[-1].start()
        raise disk.Replaced

    monkeypatch.setattr(disk, "write", write)
    monkeypatch.setattr(snapshot.disk, "write", write)
    result = mark(path, LONGER)
    for t in later:
        t.join()
    monkeypatch.undo()
    assert result.written and path.read_bytes() == expected_after(LONGER)


def test_append_racing_the_rename_is_carried_over(tmp_path, monkeypatch):
    path = make(tmp_path, LONGER)
    real_replace = os.replace
    late: list[threading.Thread] = []

    def replace(src, dst):
        _foreign(path, "just before the rename\n")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)  # an agent that opened it just before the rename

        def write_later():
            time.sleep(0.05)
            os.write(fd, b"just after the rename, to the old file\n")
            os.close(fd)

        real_replace(src, dst)
        t = threading.Thread(target=write_later)
        t.start()
        late.append(t)

    monkeypatch.setattr(os, "replace", replace)
    result = mark(path, LONGER)
    monkeypatch.undo()
    late[0].join()
    assert result.method == "rename"
    assert path.read_bytes() == expected_after(LONGER) + b"just before the rename\njust after the rename, to the old file\n"
    recovered()


def test_held_open_plan_is_never_renamed(tmp_path, held_open):
    path = make(tmp_path, LONGER)
    inode = path.stat().st_ino
    held_open(path)
    result = mark(path, LONGER)
    assert result.method == "in-place" and path.stat().st_ino == inode
    assert path.read_bytes() == expected_after(LONGER)
    recovered()


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [SAME, LONGER], ids=["same-length", "longer"])
def test_read_only_plan_is_refused(tmp_path, kind):
    path = make(tmp_path, kind, mode=0o444)
    before = path.read_bytes()
    msg = expect_refusal(path, before, lambda: mark(path, kind), mode=0o444, inode=path.stat().st_ino)
    assert "read-only" in msg or "not writable" in msg


def _as_nobody(fn) -> dict:
    """Run ``fn`` in a child process as user 'nobody' (when root) or as ourselves; return its dict."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(r)
            if os.geteuid() == 0:
                nobody = pwd.getpwnam("nobody")
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
            out = fn()
        except BaseException as exc:  # report everything to the parent
            out = {"error": f"{type(exc).__name__}: {exc}"}
            code = 1
        os.write(w, json.dumps(out).encode())
        os.close(w)
        os._exit(code)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data)


@pytest.fixture
def shared_dir():
    """A folder anybody may enter (tmp_path's parents are private to root)."""
    d = Path(tempfile.mkdtemp(prefix="plantui-faults-"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("kind", [SAME, LONGER], ids=["same-length", "longer"])
def test_plan_of_another_user_is_refused(shared_dir, kind):
    path = make(shared_dir, kind, mode=0o644)
    before = path.read_bytes()
    if os.geteuid() != 0:
        os.chmod(path, 0o444)  # without root, "not ours to write" is the closest we can make

    def child():
        import contextlib
        import io

        from plantui import cli

        try:
            mark(path, kind)
            return {"written": True}
        except PlanError as exc:
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = cli.main(["tick", str(path), kind["ref"]])
            return {"message": str(exc), "cli_code": code, "cli_stderr": err.getvalue()}

    out = _as_nobody(child)
    assert "message" in out, out
    assert "not writable" in out["message"] or "read-only" in out["message"]
    assert out["cli_code"] == 2 and out["cli_stderr"].count("\n") == 1 and out["cli_stderr"].startswith("plantui: ")
    assert path.read_bytes() == before
    assert leftovers(shared_dir) == []
    FIGURES["faults"] += 1
    FIGURES["refused_old_bytes_kept"] += 1


def test_writable_plan_in_a_folder_we_cannot_write(shared_dir):
    """The plan is ours to write, its folder is not: no temp file possible, so in place."""
    sub = shared_dir / "locked"
    sub.mkdir()
    path = make(sub, LONGER, mode=0o644)
    inode = path.stat().st_ino
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    else:
        os.chmod(sub, 0o555)
    owner = (path.stat().st_uid, path.stat().st_gid)

    def child():
        r = mark(path, LONGER)
        return {"method": r.method, "written": r.written}

    try:
        out = _as_nobody(child)
    finally:
        os.chmod(sub, 0o755)
    assert out == {"method": "in-place", "written": True}, out
    assert path.read_bytes() == expected_after(LONGER)
    assert path.stat().st_ino == inode and (path.stat().st_uid, path.stat().st_gid) == owner
    assert sorted(p.name for p in sub.iterdir()) == ["plan.md"]
    recovered()


# --- links, names, modes ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", [SAME, LONGER], ids=["same-length", "longer"])
def test_symlinked_plan_stays_a_link(tmp_path, kind):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = make(tmp_path / "real", kind, mode=0o640)
    link = tmp_path / "links" / "plan.md"
    link.symlink_to(target)
    result = mark(link, kind)
    assert result.written
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == expected_after(kind)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path / "real") == [] and sorted(p.name for p in (tmp_path / "links").iterdir()) == ["plan.md"]


@pytest.mark.parametrize("kind", [SAME, LONGER], ids=["same-length", "longer"])
def test_plan_in_a_symlinked_folder(tmp_path, kind):
    (tmp_path / "real").mkdir()
    target = make(tmp_path / "real", kind)
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    result = mark(tmp_path / "alias" / "plan.md", kind)
    assert result.written
    assert (tmp_path / "alias").is_symlink()
    assert target.read_bytes() == expected_after(kind)
    assert leftovers(tmp_path / "real") == []


@pytest.mark.parametrize("kind", [SAME, LONGER], ids=["same-length", "longer"])
def test_spaces_and_non_ascii_names(tmp_path, kind):
    folder = tmp_path / "my plans – für Ünïcode ✓"
    folder.mkdir()
    path = make(folder, kind, name="plän de travail ✓ 2026.md")
    result = mark(path, kind)
    assert result.written
    assert path.read_bytes() == expected_after(kind)
    assert sorted(p.name for p in folder.iterdir()) == ["plän de travail ✓ 2026.md"]


@pytest.mark.parametrize("kind,hold,method", [(SAME, False, "in-place"), (LONGER, False, "rename"),
                                              (SHORTER, False, "rename"), (LONGER, True, "in-place"),
                                              (SHORTER, True, "in-place")],
                         ids=["same-length", "rename-longer", "rename-shorter", "moved-longer", "moved-shorter"])
def test_mode_and_owner_are_kept(tmp_path, held_open, kind, hold, method):
    path = make(tmp_path, kind, mode=0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 5678)
    before = path.stat()
    if hold:
        held_open(path)
    result = mark(path, kind)
    assert result.method == method
    after = path.stat()
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert path.read_bytes() == expected_after(kind)


@pytest.mark.parametrize("kind", [SAME, LONGER, SHORTER], ids=["same-length", "longer", "shorter"])
def test_hard_link_stays_shared(tmp_path, kind):
    path = make(tmp_path, kind)
    other = tmp_path / "other-name.md"
    os.link(path, other)
    result = mark(path, kind)
    assert result.method == "in-place"
    assert os.path.samefile(path, other) and path.stat().st_nlink == 2
    assert other.read_bytes() == expected_after(kind)


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_crlf_plan_keeps_its_line_endings(tmp_path, eol):
    path = tmp_path / "plan.md"
    path.write_bytes(plan_text(9, eol=eol).encode())
    mark(path, LONGER)
    assert path.read_bytes() == expected_after(LONGER).decode().replace("\n", eol).encode()
