"""The other programs at a plan while plantui ticks it: an editor, a reader, an appender.

``test_concurrency.py`` runs them in forked processes; ``test_ui_reliability.py``
runs the editor and the reader beside the app as their own programs::

    python tests/writers.py edit PLAN MODE LOCK VERSIONS OUT SEED SECONDS PAUSE_MIN PAUSE_MAX
    python tests/writers.py read PLAN MODE VERSIONS OUT ITEMS STOP_FILE PAUSE strict|loose

The editor and plantui share a "shared plan": the editor owns its remarks, its
W tasks and its notes; plantui owns its own tasks' boxes and the derived
fields.  The editor rewrites the whole file the way editors and agents do
(``MODES``), each time from a fresh read, and logs every version it writes,
plantui's share blanked (``normalize``), so that the reader can tell a complete
version from a torn one.  Each writes its figures to OUT as JSON.

Other programs do not take plantui's lock, so between plantui's last check and
its write there are a few system calls (``disk._critical``) in which a
foreign write could still slip in.  The editor respects those windows, and only
those, through a test-only lock (``flocked``) that ``plantui_env`` installs into
plantui processes; it guards its own read-to-write window with the same lock,
since a tick lost there would be the editor's doing, not plantui's.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import re
import sys
import time
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
WRITERS_PY = str(Path(__file__).resolve())  # run as ``python WRITERS_PY edit|read ...``

TASK = re.compile(r"^- \[(.)\] ([ACT]\d{3}) ")  # plantui's tasks: T on the command line; A in the app, C beside it
FIELD = re.compile(r"^\*\*(Status|Progress|Last Updated):\*\* (.*?)(\r?\n)?$")
EDITOR_TASK = re.compile(r"^- \[(.)\] (W\d{3}) ")
EDITOR_PHASE = "the editor's tasks"
MODES = ("atomic", "inplace", "vim")


# --- the test lock --------------------------------------------------------------------------


@contextlib.contextmanager
def flocked(path: str):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def locked_window(lock: str):
    """A stand-in for ``plantui.disk._cutting`` (a shrink's last look at the size, and its
    cut) that holds ``lock``: appenders that take it stay out of that one window."""

    @contextlib.contextmanager
    def _cutting():
        with flocked(lock):
            yield

    return _cutting


def locked_critical(lock: str, trace: str | None = None):
    """A stand-in for ``plantui.disk._critical`` that holds the test lock, and notes in ``trace``
    (if given) which write path reached its critical section."""

    @contextlib.contextmanager
    def _critical(path):
        if trace:
            with open(trace, "a") as fh:  # frame 2: the disk function that entered ``with _critical(...)``
                fh.write(f"{os.getpid()} {sys._getframe(2).f_code.co_name}\n")
        with flocked(lock):
            yield

    return _critical


HOOK = """\
import os
if os.environ.get("PLANTUI_TEST_LOCK"):
    import plantui.disk, writers
    if hasattr(plantui.disk, "_critical"):  # test_the_hook_reaches_plantui fails without it
        plantui.disk._critical = writers.locked_critical(os.environ["PLANTUI_TEST_LOCK"],
                                                            os.environ.get("PLANTUI_TEST_TRACE"))
    if os.environ.get("PLANTUI_TEST_CUT_LOCK"):  # a shrink's last look and cut (see append)
        plantui.disk._cutting = writers.locked_window(os.environ["PLANTUI_TEST_CUT_LOCK"])
"""


def plantui_env(tmp: Path) -> tuple[dict, str]:
    """Environment for plantui processes (a ``sitecustomize`` hook installs the test lock into them,
    and they trace their write paths to ``tmp/trace``), and the lock's path."""
    hook = tmp / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOOK)
    lock = str(tmp / "critical.lock")
    path = [str(hook), TESTS, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path), PLANTUI_TEST_LOCK=lock,
               PLANTUI_TEST_CUT_LOCK=str(tmp / "cut.lock"), PLANTUI_TEST_TRACE=str(tmp / "trace"), NO_COLOR="1")
    return env, lock


# --- the shared plan ------------------------------------------------------------------------


def editor_tasks(marks: dict[str, str]) -> list[str]:
    return [f"- [{marks[w]}] {w} Task for the editor" for w in sorted(marks)]


def shared_plan(phases: list[tuple[str, list[str]]], marks: dict[str, str], remarks: list[str],
                notes: list[str]) -> str:
    """Remarks, plantui's phases (title, task lines), the editor's tasks (W id -> mark), notes."""
    total = sum(len(tasks) for _, tasks in phases) + len(marks)
    out = ["# Shared plan", "", "**Status:** Not Started", f"**Progress:** 0/{total} tasks complete",
           "**Last Updated:** 2026-01-01", "", "## Remarks", "", *remarks, ""]
    for n, (title, tasks) in enumerate(phases, 1):
        out += [f"## Phase {n}: {title}", "", *tasks, ""]
    out += [f"## Phase {len(phases) + 1}: {EDITOR_PHASE}", "", *editor_tasks(marks), "", "## Notes", "", *notes, ""]
    return "\n".join(out)


def _block(lines: list[str], heading: str) -> tuple[int, int]:
    """Where the lines under the heading that ends with ``heading`` begin (after its blank line) and end."""
    k = next((k for k, line in enumerate(lines) if line.startswith("## ") and line.endswith(heading)), None)
    if k is None:
        raise ValueError(f"no heading {heading!r}")
    start = end = k + 2
    while lines[end] != "":
        end += 1
    return start, end


def own_state(text: str) -> tuple[tuple[str, ...], dict[str, str], tuple[str, ...]]:
    """The editor's share of a version: remarks, its tasks' marks, notes (ValueError or IndexError if torn)."""
    lines = text.split("\n")
    a, b = _block(lines, "Remarks")
    remarks = tuple(lines[a:b])
    a, b = _block(lines, EDITOR_PHASE)
    marks = {}
    for line in lines[a:b]:
        m = EDITOR_TASK.match(line)
        if not m:
            raise ValueError(line)
        marks[m.group(2)] = m.group(1)
    a, b = _block(lines, "Notes")
    return remarks, marks, tuple(lines[a:b])


def rebuild(text: str, remarks, marks: dict[str, str], notes) -> str:
    """``text`` with the editor's share replaced, plantui's share as it is."""
    lines = text.split("\n")
    for heading, new in (("Remarks", list(remarks)), (EDITOR_PHASE, editor_tasks(marks)), ("Notes", list(notes))):
        a, b = _block(lines, heading)
        lines[a:b] = new
    return "\n".join(lines)


def normalize(text: str) -> str:
    """The text with plantui's share (its tasks' markers, the derived field values) blanked."""
    out = []
    for line in text.split("\n"):
        if TASK.match(line):
            line = line[:3] + " " + line[4:]
        elif m := FIELD.match(line):
            line = f"**{m.group(1)}:** …{m.group(3) or ''}"
        out.append(line)
    return "\n".join(out)


# --- the editor -----------------------------------------------------------------------------


def write_as(mode: str, path: str, data: bytes) -> None:
    if mode == "atomic":  # write a temporary file, then os.replace (most agents, VS Code's safe save)
        tmp = path + ".editor-tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    elif mode == "inplace":  # open 'r+', write, truncate (same inode)
        with open(path, "r+b") as fh:
            fh.write(data)
            fh.truncate()
    elif mode == "vim":  # rename the old file aside, write a new one, drop the backup
        os.rename(path, path + "~")
        with open(path, "wb") as fh:
            fh.write(data)
        os.unlink(path + "~")
    else:
        raise ValueError(mode)


def edit(path: str, mode: str, lock: str, versions: str, out: str, seed: int, stop, pause: tuple[float, float]) -> None:
    """Until ``stop()``: wait ``pause`` (a random span), read the plan, change the editor's share
    (tick one of its tasks, add or drop a note or a remark) and write it back the ``mode`` way."""
    rnd = random.Random(seed)
    made = lost = retries = serial = 0
    samples: list[str] = []
    with open(path, "rb") as fh:
        intent = own_state(fh.read().decode())
    while not stop():
        time.sleep(rnd.uniform(*pause))
        with open(path, "rb") as fh:
            seen = fh.read()
        text = seen.decode("utf-8", "surrogateescape")
        try:
            remarks, marks, notes = own_state(text)
        except (ValueError, IndexError):
            retries += 1  # caught plantui mid-write (only possible in place): read again, as an editor would
            continue
        remarks, notes, marks = list(remarks), list(notes), dict(marks)
        serial += 1
        op = rnd.choice(["tick", "tick", "note+", "note-", "remark+", "remark-"])
        if op == "tick":
            w = rnd.choice(sorted(marks))
            marks[w] = " " if marks[w] == "x" else "x"
        elif op == "note+":
            notes.insert(rnd.randint(0, len(notes)), f"- note {serial:05d} by the editor")
        elif op == "note-" and notes:
            notes.pop(rnd.randrange(len(notes)))
        elif op == "remark+":
            remarks.insert(rnd.randint(0, len(remarks)), f"> remark {serial:05d} by the editor")
        elif op == "remark-" and remarks:
            remarks.pop(rnd.randrange(len(remarks)))
        new = rebuild(text, remarks, marks, notes)
        if new == text:
            continue
        with flocked(lock):
            with open(path, "rb") as fh:
                if fh.read() != seen:  # changed since we read it: start over, as a careful editor does
                    retries += 1
                    continue
            # what we read is the file as it stands: the editor's share must be as we left it
            mine = own_state(text)
            if mine != intent:
                lost += 1
                samples.append(repr((mine, intent)))
            with open(versions, "a", encoding="utf-8") as log:
                log.write(json.dumps(normalize(new)) + "\n")
            write_as(mode, path, new.encode("utf-8", "surrogateescape"))
        made += 1
        intent = (tuple(remarks), marks, tuple(notes))
    with flocked(lock):
        with open(path, "rb") as fh:
            if own_state(fh.read().decode()) != intent:
                lost += 1
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"made": made, "lost": lost, "retries": retries, "samples": samples[:3],
                   "intent": [list(intent[0]), intent[1], list(intent[2])]}, fh)


# --- the reader -----------------------------------------------------------------------------


def read(path: str, mode: str, versions: str, out: str, items: int, stop, pause: float, strict: bool) -> None:
    """Until ``stop()``: read the plan and check it is a complete version someone wrote (one the
    editor logged, whatever plantui's share), a plan of ``items`` items; ``pause`` between reads.

    The editor writing in place is seen half done at times: any version read then that nobody
    logged counts as that moment, or with ``strict`` only a logged version followed by the
    old tail (its write made, its truncate not yet)."""
    from plantui.parser import parse
    from plantui.lines import decode

    known: set[str] = set()
    offset = 0
    reads = complete = transient = bad = 0
    samples: list[str] = []

    def load() -> None:
        nonlocal offset
        with open(versions, encoding="utf-8") as log:
            log.seek(offset)
            for line in log:
                if not line.endswith("\n"):
                    break
                known.add(json.loads(line))
                offset += len(line.encode())

    while not stop():
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            data = None
        reads += 1
        if not data:
            if mode == "vim":  # the editor's own moment between its rename and its write
                transient += 1
            else:
                bad += 1
                samples.append(repr(data))
            continue
        text, _ = decode(data)
        n = normalize(text)
        if n not in known:
            load()
        if n in known:
            plan = parse(text)
            assert plan.title == "Shared plan", plan.title
            assert len(plan.items) == items, len(plan.items)
            complete += 1
        elif mode == "inplace" and (not strict or any(n.startswith(k) and len(n) > len(k) for k in known)):
            transient += 1  # the editor's own write-then-truncate, seen half done
        else:
            bad += 1
            if len(samples) < 3:
                samples.append(text)
        if pause:
            time.sleep(pause)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"reads": reads, "complete": complete, "transient": transient, "bad": bad, "samples": samples}, fh)


# --- the appender ---------------------------------------------------------------------------


def append(path: str, reopen: bool, stop, count, interval: float, cut_lock: str | None = None) -> None:
    """Until ``stop()``: append a numbered line every ``interval`` (or so) with ``O_APPEND``, the file
    kept open or reopened for every line; ``count.value`` is how many are written.  With
    ``cut_lock``, each write stays out of plantui's shrink window (``disk._cutting``), the one
    place where plantui can cut an append (docs/reliability.md); it takes no other lock."""
    n = 0
    fd = -1 if reopen else os.open(path, os.O_WRONLY | os.O_APPEND)
    outside = (lambda: flocked(cut_lock)) if cut_lock else contextlib.nullcontext
    try:
        while not stop():
            line = f"appended line {n:05d} from pid {os.getpid()}\n".encode()
            if reopen:
                fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            try:
                with outside():
                    assert os.write(fd, line) == len(line)
            finally:
                if reopen:
                    os.close(fd)
            n += 1
            count.value = n
            time.sleep(interval * random.uniform(0.5, 1.5))
    finally:
        if not reopen:
            os.close(fd)


def main(what: str, *args: str) -> None:
    if what == "edit":  # for ``seconds``, and then until ``stop_file`` exists when one is named
        path, mode, lock, versions, out, seed, seconds, low, high, *stop_file = args
        deadline = time.monotonic() + float(seconds)
        edit(path, mode, lock, versions, out, int(seed),
             lambda: time.monotonic() >= deadline and all(os.path.exists(f) for f in stop_file),
             (float(low), float(high)))
    elif what == "read":
        path, mode, versions, out, items, stop_file, pause, rule = args
        read(path, mode, versions, out, int(items), lambda: os.path.exists(stop_file), float(pause), rule == "strict")
    else:
        raise SystemExit(f"usage: see {WRITERS_PY}")


if __name__ == "__main__":
    main(*sys.argv[1:])
