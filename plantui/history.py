"""A plan's story from git: the commits that changed it, their counts and their ticks.

:func:`read_history` asks ``git`` itself: one ``git log --follow`` for the
commits that changed the plan (renames followed), one ``git cat-file --batch``
for every distinct version of its text.  Each version is parsed by plantui's
own engine, once per blob: a version seen before (a pure rename, a revert)
costs nothing, and a version one tick away from the one before it is worked
out from that one (:func:`plantui.incremental.reparse`), not parsed again.

Items are matched between versions by id, else by text (the n-th item with
the same id or text matched with the n-th), as the dashboard's activity log
does.  Who made a commit is its author, unless a ``Co-authored-by:`` (or
``Assisted-by:``) trailer names a known coding agent: then ``agent:NAME``.
Nothing is guessed from the message.  Pure but for the two ``git`` runs;
never imports Textual.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .config import DEFAULT, ConfigError, Settings, load_settings
from .incremental import reparse
from .model import Kind, Plan, one_line
from .parser import parse_lines
from .readers import read_plan, reader_for
from .after_tick import marker_changes
from .progress import Counts, count
from .lines import Lines, decode_lines, looks_binary, printable, relined
from .disk import read_bytes
from .errors import PlanError
from .timeline import Point, Tick, state_of

# A name and address belong to an agent when "name <address>" (lower case) holds one of the
# first strings, or the name (before any " (…)") is one of the second: a person called
# Claude, Devin or Haider is not an agent, Claude's noreply address is.
AGENTS = (
    ("Claude", ("@anthropic.com",), ("claude", "claude code")),
    ("Copilot", ("copilot",), ()),
    ("Cursor", ("cursoragent", "@cursor.com", "cursor agent"), ("cursor",)),
    ("Codex", ("codex", "@openai.com", "chatgpt"), ()),
    ("Devin", ("devin-ai", "cognition.ai", "cognition-labs"), ("devin ai",)),
    ("Gemini", ("gemini",), ()),
    ("Jules", ("google-labs-jules", "jules[bot]"), ()),
    ("aider", ("aider.chat", "(aider)"), ("aider",)),
    ("Amp", ("ampcode.com",), ("amp",)),
    ("Windsurf", ("windsurf", "codeium"), ()),
    ("Cline", ("cline.bot",), ("cline",)),
    ("Kiro", ("kiro.dev",), ("kiro",)),
    ("OpenHands", ("openhands", "all-hands.dev"), ()),
    ("Junie", (), ("junie",)),
    ("Qwen", ("qwen-code", "qwen code"), ("qwen",)),
)
TRAILERS = ("Co-authored-by", "Assisted-by")
_SEP, _FIELD, _LIST = "\x01", "\x1f", "\x1e"
_FORMAT = _SEP + _FIELD.join(
    ("%H", "%aI", "%aN", "%aE", "%s", "%(trailers:" + ",".join(f"key={k}" for k in TRAILERS)
     + ",valueonly,unfold,separator=%x1e)"))
_NULL_OID = re.compile(r"^0+$")
KEPT_TEXTS = 8  # versions that keep their text (and lines) while the history is read: memory stays small


@dataclass(frozen=True)
class Change:
    """One item's marker in a commit: ``old`` → ``new``, ``None`` for an item added or removed."""

    item: str  # its id when it has one, else its text
    label: str  # id and text, on one line, as a person names it
    old: str | None
    new: str | None
    done: bool  # done after the commit
    line: int | None  # its line after the commit (before it, for an item removed)


@dataclass(frozen=True)
class Commit:
    """One commit that changed the plan, and the plan as it left it."""

    sha: str
    at: datetime  # the author date, timezone-aware
    author: str
    email: str
    subject: str
    path: str  # the plan's path in the repository at that commit (renames followed)
    agents: tuple[str, ...]  # the known agents its trailers (or its author) name
    tasks: Counts
    checks: Counts
    changes: tuple[Change, ...] = ()  # empty for the first version: it is the baseline
    first: bool = False  # the commit that created the plan
    gone: bool = False  # the commit deleted it (no items after it)
    unreadable: bool = False  # not text (a binary file): counted as no items
    was: Counts | None = None  # the tasks in its parent (the version its changes are measured against)

    @property
    def by(self) -> str:
        """``agent:NAME`` when a trailer names an agent, else the author."""
        return f"agent:{self.agents[0]}" if self.agents else self.author

    @property
    def who(self) -> str:
        """"Ann (with Claude)", "Copilot (agent)", or "Ann"."""
        if not self.agents:
            return self.author
        if self.agents == (agent_of(self.author, self.email),):
            return f"{self.author} (agent)"
        return f"{self.author} (with {', '.join(self.agents)})"


@dataclass(frozen=True)
class Uncommitted:
    """The plan in the working tree, when it is not what the last commit left."""

    tasks: Counts
    checks: Counts
    changes: tuple[Change, ...]


@dataclass
class History:
    """The commits that changed a plan, oldest first."""

    path: Path  # the plan, resolved
    commits: list[Commit] = field(default_factory=list)
    versions: int = 0  # distinct texts parsed
    before: Commit | None = None  # the commit just before the first one here (see :meth:`since`)
    uncommitted: "Uncommitted | None" = None  # the file as it is now, when it differs from the last commit
    settings: Settings = DEFAULT  # the marker meanings its texts were read with

    def points(self) -> list[Point]:
        """The task counts each commit left (done, and in all with skipped ones left out)."""
        return [Point(c.at, c.tasks.done, c.tasks.countable, "git") for c in self.commits]

    def ticks(self) -> list[Tick]:
        """Every marker change, item added and item removed, in commit order (origin "git")."""
        plan = str(self.path)
        return [Tick(c.at, plan, ch.item, ch.old, ch.new, "git", c.by) for c in self.commits for ch in c.changes]

    def since(self, when: datetime) -> "History":
        """The commits from ``when`` on (their changes still measured against the version before)."""
        shown = [c for c in self.commits if c.at >= when]
        cut = self.commits.index(shown[0]) if shown else len(self.commits)
        return History(self.path, shown, self.versions, self.commits[cut - 1] if cut else None, self.uncommitted,
                       self.settings)


def agent_of(name: str, email: str = "") -> str | None:
    """The known agent a name and address belong to, or None."""
    text = f"{name} <{email}>".lower()
    bare = name.lower().split(" (")[0].strip()
    for agent, needles, names in AGENTS:
        if bare in names or any(n in text for n in needles):
            return agent
    return None


def _trailer_agents(trailers: str) -> list[str]:
    out = []
    for value in trailers.split(_LIST):
        value = value.strip()
        if not value:
            continue
        name, _, email = value.partition("<")
        agent = agent_of(name.strip(), email.rstrip(">").strip())
        if agent and agent not in out:
            out.append(agent)
    return out


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """A ``--since`` value: a date or time (``2025-03-01``, ``2025-03-01T14:00``, local
    time unless it says its zone) or an age (``12h``, ``7d``, ``2w``, ``3 days``)."""
    now = now or datetime.now().astimezone()
    m = re.fullmatch(r"\s*(\d+)\s*(h|hours?|d|days?|w|weeks?)(\s+ago)?\s*", text, re.IGNORECASE)
    if m:
        n, unit = int(m.group(1)), m.group(2)[0].lower()
        try:
            return now - timedelta(hours=n) if unit == "h" else now - timedelta(days=n * (7 if unit == "w" else 1))
        except OverflowError:  # older than any date: the whole history
            return datetime.min.replace(tzinfo=timezone.utc)
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise PlanError(f"--since {text!r}: give a date (2025-03-01), a time (2025-03-01T14:00) "
                        "or an age (12h, 7d, 2w)") from None
    if when.tzinfo:
        return when
    try:
        return when.astimezone()
    except (ValueError, OverflowError):  # 0001-01-01: too early for the local clock to place
        return when.replace(tzinfo=timezone.utc)


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", "-c", "log.showSignature=false", *args], cwd=cwd, input=stdin,
                              capture_output=True, env=env)
    except FileNotFoundError:
        raise PlanError("git is not installed: plantui history reads the plan's history with it") from None
    except OSError as exc:
        raise PlanError(f"cannot run git ({exc.strerror or exc})") from None


@dataclass
class _Entry:
    sha: str
    at: datetime
    author: str
    email: str
    subject: str
    agents: tuple[str, ...]
    path: str  # in the repository, after the commit
    oid: str | None  # the blob after the commit; None when deleted; "" when git did not say
    parent: str | None = ""  # the blob in its (first) parent; None when the commit created it; "" unknown


def _log(folder: Path, name: str) -> list[_Entry]:
    """The commits that changed ``name``, newest first, with the blob each left."""
    out = _git(["log", "--follow", "--diff-merges=first-parent", "-z", "--raw", "--no-abbrev", "--no-color", "--encoding=UTF-8",
                f"--format={_FORMAT}", "--", name], folder)
    if out.returncode != 0 and _git(["rev-parse", "--verify", "-q", "HEAD"], folder).returncode != 0:
        return []  # no commit at all yet: said as for a file never committed
    if out.returncode != 0:
        why = printable(out.stderr.decode("utf-8", "replace").strip().splitlines()[-1:][0] if out.stderr.strip() else "")
        raise PlanError(f"git log failed for {name}: {why}")
    entries: list[_Entry] = []
    current: str | None = None  # the plan's path in the repository, going back in time
    for record in out.stdout.decode("utf-8", "surrogateescape").split(_SEP)[1:]:
        head, _, raw = record.partition("\0")
        sha, date, author, email, subject, trailers = (head.split(_FIELD) + [""] * 6)[:6]
        tokens = raw.lstrip("\n").split("\0")
        path, oid, parent, before = current, "", "", current
        k = 0
        while k < len(tokens):
            meta = tokens[k]
            if not meta.startswith(":"):
                k += 1
                continue
            parts = meta[1:].split()
            status = parts[4] if len(parts) > 4 else "M"
            if status[:1] in "RC":
                before, path = tokens[k + 1], tokens[k + 2]
                k += 3
            else:
                path = before = tokens[k + 1]
                k += 2
            oid = None if status[:1] == "D" or _NULL_OID.match(parts[3]) else parts[3]
            parent = None if status[:1] == "A" or _NULL_OID.match(parts[2]) else parts[2]
        if path is None:  # a merge at the top: the path is the one asked for, from the repository's root
            path = before = _repo_path(folder, name)
        agents = _trailer_agents(trailers)
        own = agent_of(author, email)
        if own and own not in agents:
            agents.insert(0, own)
        entries.append(_Entry(sha, datetime.fromisoformat(date), printable(author), printable(email),
                              printable(subject), tuple(agents), path, oid, parent))
        current = before
    return entries


def _repo_path(folder: Path, name: str) -> str:
    out = _git(["ls-files", "--full-name", "--", name], folder)
    found = out.stdout.decode("utf-8", "surrogateescape").splitlines()
    return found[0] if found else name


def _blobs(folder: Path, names: list[str]) -> dict[str, tuple[str, bytes | None]]:
    """Name (a blob id, or ``commit:path``) -> (blob id, bytes), all in one ``git cat-file --batch``."""
    if not names:
        return {}
    out = _git(["cat-file", "--batch"], folder, ("\n".join(names) + "\n").encode("utf-8", "surrogateescape"))
    if out.returncode != 0:
        raise PlanError("git cat-file failed: " + out.stderr.decode("utf-8", "replace").strip())
    data = out.stdout
    found: dict[str, tuple[str, bytes | None]] = {}
    pos = 0
    for name in names:
        end = data.index(b"\n", pos)
        header = data[pos:end].decode("utf-8", "surrogateescape").split()
        pos = end + 1
        if len(header) == 3 and header[1] in ("blob", "commit", "tree", "tag"):
            size = int(header[2])
            found[name] = (header[0], data[pos : pos + size] if header[1] == "blob" else None)
            pos += size + 1
        else:  # "<name> missing" (not there at that commit), "ambiguous"
            found[name] = ("", None)
    return found


@dataclass
class _Version:
    raw: bytes
    lines: Lines
    plan: Plan
    tasks: Counts
    checks: Counts
    keys: list[tuple[str, int]]
    unreadable: bool = False
    oid: str = ""  # its blob id ("" for no file)


_EMPTY_LINES = Lines.of("")


def _blob_id(raw: bytes, like: str) -> str:
    """The id git gives ``raw`` as a blob, in the hash of ``like`` (SHA-1, or SHA-256 repositories)."""
    h = hashlib.sha256() if len(like) == 64 else hashlib.sha1()
    h.update(b"blob %d\0" % len(raw))
    h.update(raw)
    return h.hexdigest()


def _parse(raw: bytes | None, previous: _Version | None, settings: Settings, path: Path) -> _Version:
    """One version of the plan, from the version before it when only a few values changed."""
    unreadable = raw is not None and looks_binary(raw)
    if raw is None or unreadable:
        raw, lines = b"", _EMPTY_LINES
        plan = parse_lines(lines, settings)
    elif previous is not None and previous.raw and reader_for(path, previous.lines) is None:
        lines = relined(previous.raw, previous.lines, raw) or decode_lines(raw)[0]
        plan = reparse(previous.plan, previous.lines, lines, settings) if reader_for(path, lines) is None \
            else read_plan(path, lines, settings)
    else:
        lines = decode_lines(raw)[0]
        plan = read_plan(path, lines, settings)
    ticked = None if previous is None else marker_changes(previous.plan, plan)
    if ticked is None:
        return _Version(raw, lines, plan, count(plan.tasks), count(plan.checks), plan.item_keys, unreadable)
    tasks, checks = previous.tasks, previous.checks  # a few boxes changed: move those in the counts
    for k in ticked:
        was, now = previous.plan.items[k], plan.items[k]
        if now.kind is Kind.TASK:
            tasks = tasks.moved(was.state, now.state)
        else:
            checks = checks.moved(was.state, now.state)
    return _Version(raw, lines, plan, tasks, checks, previous.keys, unreadable)


def _change(it, old: str | None, new: str | None, line: int | None) -> Change:
    text = one_line(it.text)
    label = f"{it.id} {text}" if it.id else text
    return Change(it.id or text, label, old, new, new is not None and it.done, line)


def _changes(old: _Version, new: _Version) -> tuple[Change, ...]:
    ticked = marker_changes(old.plan, new.plan)
    if ticked is not None:  # only boxes and values changed: look at those alone
        return tuple(_change(new.plan.items[k], old.plan.items[k].marker, new.plan.items[k].marker,
                             new.plan.items[k].line) for k in ticked)
    before = dict(zip(old.keys, old.plan.items))
    after = set(new.keys)
    out = []
    for key, it in zip(new.keys, new.plan.items):
        was = before.get(key)
        if was is None:
            out.append(_change(it, None, it.marker, it.line))
        elif was.marker != it.marker:
            out.append(_change(it, was.marker, it.marker, it.line))
    out.extend(_change(it, it.marker, None, it.line) for key, it in zip(old.keys, old.plan.items) if key not in after)
    return tuple(out)


def read_history(path: str | os.PathLike) -> History:
    """The history of the plan at ``path`` from git, oldest commit first.

    Outside a git repository, or for a file git never committed, raises
    :class:`PlanError` with one sentence.
    """
    given = Path(path)
    real = Path(os.path.realpath(given))
    folder = real.parent
    if not folder.is_dir():
        raise PlanError(f"{given}: no such file")
    if real.is_dir():
        raise PlanError(f"{given} is a folder, not a plan file")
    inside = _git(["rev-parse", "--is-inside-work-tree"], folder)
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        if not real.exists():
            raise PlanError(f"{given}: no such file")
        raise PlanError(f"{given} is not in a git repository, so it has no history to show")
    entries = _log(folder, real.name)
    if not entries:
        tracked = _git(["ls-files", "--error-unmatch", "--", real.name], folder).returncode == 0
        if tracked:
            raise PlanError(f"{given} is not committed yet, so it has no history to show")
        if not real.exists():
            raise PlanError(f"{given}: no such file, and git has no history of it")
        raise PlanError(f"git does not track {given}, so it has no history to show (git add and commit it first)")
    try:
        settings = load_settings(real)
    except ConfigError as exc:
        raise PlanError(str(exc)) from None
    entries.reverse()  # oldest first
    names = [e.oid if e.oid else f"{e.sha}:{e.path}" for e in entries if e.oid is not None]
    names += [e.parent for e in entries if e.parent]
    blobs = _blobs(folder, list(dict.fromkeys(names)))
    seen: dict[str, _Version] = {}  # blob id -> its version: a text seen before is not parsed again
    history = History(real, settings=settings)
    previous: _Version | None = None  # the version the commit before left
    gone = _Version(b"", _EMPTY_LINES, parse_lines(_EMPTY_LINES, settings), Counts(), Counts(), [])

    recent: deque[_Version] = deque()  # the last versions parsed keep their text, to parse the next from

    def version_of(name: str | None, near: _Version | None) -> _Version:
        if not name:
            return gone
        if name in seen:
            return seen[name]
        oid, raw = blobs.pop(name, ("", None))  # its bytes are not kept past its parse
        if oid in seen:
            return seen[oid]
        if raw is None:
            return gone
        seen[oid] = version = _parse(raw, near, settings, real)
        version.oid = oid
        recent.append(version)
        if len(recent) > KEPT_TEXTS:  # an old version keeps its counts, items and keys, not its text
            old = recent.popleft()
            old.raw, old.lines = b"", _EMPTY_LINES
        return version

    for n, e in enumerate(entries):
        # Its ticks are measured against its own parent's text (a branch's commit against the
        # branch, a merge against the first parent), or the commit before when git did not say.
        if e.parent is None:
            parent = None if n == 0 else gone
        else:
            parent = version_of(e.parent, previous) if e.parent else previous
        version = gone if e.oid is None else version_of(e.oid or f"{e.sha}:{e.path}", parent or previous)
        changes = () if parent is None else _changes(parent, version)
        history.commits.append(Commit(e.sha, e.at, e.author, e.email, e.subject, e.path, e.agents,
                                      version.tasks, version.checks, changes, first=parent is None,
                                      gone=version is gone, unreadable=version.unreadable,
                                      was=None if parent is None else parent.tasks))
        previous = version
    history.versions = len(seen)
    if previous is not None:
        try:
            raw = read_bytes(real)[0]
        except PlanError:
            raw = None  # gone, or not text: the history is still the history
        if raw is not None and _blob_id(raw, previous.oid) != previous.oid:
            now = _parse(raw, previous, settings, real)
            history.uncommitted = Uncommitted(now.tasks, now.checks, _changes(previous, now))
    return history


# ---- what ``plantui history`` prints ------------------------------------------------------------

GLYPHS = {"done": "✓", "open": "○", "in_progress": "◐", "skipped": "⊘", "other": "◇"}
MAX_NAMED = 3  # more items added or removed in one commit than this are counted, not named
SCHEMA = 1


def _state(marker: str | None, settings: Settings) -> str:
    state = state_of(marker, settings) if marker is not None else None
    return state.value if state is not None else "other"


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _ago(before: Counts | None, now: Counts) -> str:
    if before is None or before.done == now.done:
        return ""
    return f" ({now.done - before.done:+d})"


def history_text(history: History, settings: Settings = DEFAULT, *, color: bool = False, total: int | None = None,
                 name: str | None = None) -> str:
    """The commits as a person reads them, oldest first: one header line per commit, then its ticks.

    ``total``: how many commits the whole history has (when ``history`` is a part of it)."""

    def s(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    commits = history.commits
    name = name or str(history.path)
    if not commits:
        return f"{name}: no commits in that time ({_n(total or 0, 'commit')} in all)"
    first, last = commits[0], commits[-1]
    span = f"{first.at.astimezone():%Y-%m-%d} to {last.at.astimezone():%Y-%m-%d}"
    of = f" (of {total})" if total is not None and total != len(commits) else ""
    now = history.uncommitted or last  # the file as it is, committed or not
    out = [s(name, "1") + f" — {_n(len(commits), 'commit')}{of} from {span}; now "
           + f"{now.tasks.done}/{now.tasks.countable} tasks" + (f", {now.checks.done}/{now.checks.total} checks"
                                                                 if now.checks.total else "")]
    before = history.before
    for c in commits:
        counts = f"tasks {c.tasks.done}/{c.tasks.countable}{_ago(c.was, c.tasks)}"
        if c.checks.total or (before and before.checks.total):
            counts += f"  checks {c.checks.done}/{c.checks.total}"
        out.append("")
        out.append(s(f"{c.at.astimezone():%Y-%m-%d %H:%M}  {c.sha[:8]}", "2") + f"  {counts}")
        out.append(f"  {c.subject} — by {c.who}")
        notes = []
        if c.first:
            notes.append(f"created: {_n(c.tasks.total, 'task')}" + (f", {_n(c.checks.total, 'check')}" if c.checks.total else ""))
        if before is not None and before.path != c.path and not c.first:
            notes.append(f"renamed from {before.path}")
        if c.gone:
            notes.append("deleted")
        if c.unreadable:
            notes.append("not text: counted as empty")
        if notes:
            out.append(s(f"  ({'; '.join(notes)})", "2"))
        out += _change_lines(c.changes, settings, s, first=c.first)
        before = c
    if history.uncommitted is not None:
        u = history.uncommitted
        counts = f"tasks {u.tasks.done}/{u.tasks.countable}{_ago(before.tasks if before else None, u.tasks)}"
        if u.checks.total:
            counts += f"  checks {u.checks.done}/{u.checks.total}"
        out += ["", s("now, not committed", "2") + f"  {counts}"]
        out += _change_lines(u.changes, settings, s)
    return "\n".join(out)


def _change_lines(changes: tuple[Change, ...], settings: Settings, s, first: bool = False) -> list[str]:
    """The boxes that changed, then the items added and removed (named, or counted when many)."""
    out = []
    for ch in changes:
        if ch.old is None or ch.new is None:
            continue
        st, was = _state(ch.new, settings), _state(ch.old, settings)
        line = f"  {GLYPHS.get(st, '◇')} {ch.label}"
        if was == "done" and st != "done":
            line += s("  (unticked)", "33")
        elif st not in ("done", "open"):
            line += s(f"  ({st.replace('_', ' ')})", "2")
        out.append(s(line, "32") if st == "done" else line)
    for sign, items, word in (("+", [c for c in changes if c.old is None], "added"),
                              ("−", [c for c in changes if c.new is None], "removed")):
        if not items or first:
            continue
        if len(items) <= MAX_NAMED:
            out.extend(f"  {sign} {ch.label}" for ch in items)
        else:
            out.append(f"  {sign} {_n(len(items), 'item')} {word}")
    return out


def _change_json(changes: tuple[Change, ...]) -> list[dict]:
    return [{"item": ch.item, "label": ch.label, "old": ch.old, "new": ch.new, "done": ch.done, "line": ch.line}
            for ch in changes]


def _counts(c: Counts) -> dict:
    return {"total": c.total, "done": c.done, "in_progress": c.in_progress, "skipped": c.skipped,
            "other": c.other, "open": c.open, "percent": c.percent}


def history_json(history: History, total: int | None = None) -> dict:
    """The history for scripts (schema 1, documented in docs/history.md)."""
    return {
        "schema": SCHEMA,
        "path": str(history.path),
        "commits_in_all": len(history.commits) if total is None else total,
        "commits": [{
            "commit": c.sha,
            "date": c.at.isoformat(),
            "author": c.author,
            "email": c.email,
            "agents": list(c.agents),
            "by": c.by,
            "subject": c.subject,
            "path": c.path,
            "created": c.first,
            "deleted": c.gone,
            "tasks": _counts(c.tasks),
            "checks": _counts(c.checks),
            "changes": _change_json(c.changes),
        } for c in history.commits],
        "uncommitted": None if history.uncommitted is None else {
            "tasks": _counts(history.uncommitted.tasks),
            "checks": _counts(history.uncommitted.checks),
            "changes": _change_json(history.uncommitted.changes),
        },
        "points": [{"at": p.at.isoformat(), "done": p.done, "total": p.total} for p in history.points()],
    }
