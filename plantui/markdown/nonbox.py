"""Tasks that are not boxes: what a Markdown plan with no checkbox holds instead.

Read only when the plan has no box task: no box at all, or boxes only in the
gate lists that close it (``## Validation Checklist``, ``## Quality Gates``,
``## Definition of Done``: their boxes are then checks).  A plan with box tasks
reads as it always did (its task headings are mostly decisions and notes).
In this order:

* **Task headings** (level 2 and below, never a phase or checkpoint heading):
  a heading is a task when it names one -- ``T001``, ``TASK-12``, ``Task 3``,
  ``2.1`` under a phase heading (not a workstream's ``EP-1``, ``PR2``) -- or
  when it carries a status: an emoji (``✅ ✔ ☑ ✓`` done, ``🚧 🔄 ⏳ 🟡`` in
  progress, ``⬜ ☐ 🔲 ❌`` open), a word in brackets (``[DONE]``, ``(COMPLETE)``,
  ``[pending]``; ``[]`` is open), a closing ``— Done``; never inside `code`.
  A status word wins over the emoji before it (``⏳ Pending`` is open).  A task
  heading that says nothing is open, unless a heading above it says its state:
  a heading with a status that holds task headings (``## ✅ Completed``) is no
  task but says it, and so does a phase heading that says done.  Such a state
  is only implied: its spelling has no word, and a tick is refused.  A task
  named again later (a summary's ``### Task 2.1 ✅``) is the same task.
* **Status lines**: Task Master's ``# Status: pending`` heading (the task of the
  ``# Task ID:`` and ``# Title:`` above it; its ``## 1. Title [pending]``
  subtasks are task headings under it), or a ``**Status:** pending`` line in a
  task heading's own text, which then says that task's state.  A task's own
  Status lines are no fields of the plan.
* **Task rows** (:attr:`Collected.task_rows`): status rows of a table whose first
  column names tasks (``Task``, ``ID``, ``#``...) or whose row starts with a
  task id, never a table of phases; when the plan holds neither of the above.
  A table of counts (``| Done | 16 |``) holds no status rows: its numbers are
  checked against the tasks (a warning where they differ).

Each task is a :class:`RawItem` with a :class:`~plantui.model.Spelling` that
writes its state in the file's own words (the first it uses for each state, in
the case of the item's own word): the ``marker`` is the text that says the
state (the emoji, the word, emoji and word together, or ``""`` where a heading
says nothing and a tick inserts ``✅ ``, after its id or where the file puts
it).  Where a heading only ever says done, its emoji takes the space beside it,
so that unticking removes what ticking added.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from itertools import takewhile

from ..model import Spelling, State, Warning
from ..names import PHASE_RE, LazyRe, clean_inline, is_checkpoint_name, name_of, split_id
from ..lines import Lines
from ..status_words import EMOJI_RE as _EMOJI_RE, WORD, WORD_RE as _WORD_RE, state_of_emoji, state_of_word
from .walk import Collected, RawItem

_EMOJI_WORD_RE = LazyRe(rf"(?P<emoji>{_EMOJI_RE.pattern})(?P<sep>(?:[ \t]|&nbsp;)*)(?P<word>(?:{WORD})(?![\w-]))?", re.I)
_BRACKET_RE = LazyRe(rf"[\[(]\s*(?P<word>{WORD})\s*[\])]", re.I)
_DASH_RE = LazyRe(rf"\s[—–-]+\s*(?P<word>{WORD})\s*[.!]?\s*$", re.I)
_STATUS_HEAD_RE = LazyRe(rf"^status\s*:\s*(?:\[.?\]\s*)?(?P<word>{WORD})\b", re.I)
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_TRAILING_DASH = re.compile(r"(?:\s+[—–-]+)?\s*$")
_EMPTY_BRACKETS = re.compile(r"(?<=\s)\[ ?\](?=\s*$)")
_TITLE_HEAD_RE = re.compile(r"^title\s*:\s*(?P<title>.+)", re.I)
_TASK_ID_HEAD_RE = re.compile(r"^task\s+id\s*:\s*(?P<id>\S+)", re.I)
# A task's name at the start of a heading: T001, TASK-12, Task 3, Subtask 2.1, 2.1, and its separator
# (not a workstream's: EP-1, PR2, P12 group tasks as phases do; not ES2015 or ISO8601).
_HEAD_ID_RE = LazyRe(
    r"(?:\*\*|__)?(?P<id>(?:(?:sub)?task|story)\s*#?\s*\d+(?:\.\d+)*[a-z]?"
    r"|(?-i:(?!(?:EP|PR|P|M|W|WS)-?\d)(?:[A-Z]{1,6}-\d+|[A-Z]{1,3}\d{2,3}(?!\d)))(?:\.\d+)*"  # not a workstream (EP-1, PR2)
    r"|(?P<dec>\d+(?:\.\d+)+|\d+\.))"
    r"(?:\*\*|__)?(?:\s*[:.)—–-]+)?\s*", re.I)
# A status line under a task heading: **Status:** pending, - **Status**: done, Status: in-progress
_STATUS_LINE_RE = LazyRe(
    rf"^\s*(?:[-*+]\s+)?(?:\*\*|__)?status(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*(?:\[.?\]\s*|\[\s*)?"
    rf"(?:(?P<emoji>{_EMOJI_RE.pattern})(?P<sep>[ \t]*))?(?P<word>(?:{WORD}))(?![\w-])", re.I)

_STATUS_KEY_RE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?status\b", re.I)
DEFAULT_WORDS = {State.OPEN: "pending", State.DONE: "done", State.IN_PROGRESS: "in progress", State.SKIPPED: "cancelled"}
DEFAULT_EMOJI = {State.DONE: "✅", State.OPEN: "⬜", State.IN_PROGRESS: "🚧"}
WORDED_EMOJI = {**DEFAULT_EMOJI, State.OPEN: "⏳"}  # before a word, which says the state: "⏳ Pending", as plans write it




@lru_cache(maxsize=256)
def spelling(name: str, states: tuple[tuple[State, str], ...]) -> Spelling:
    """The one Spelling of a kind with these texts (shared by every item that writes them)."""
    return Spelling(name, states)


def _cased(word: str, like: str) -> str:
    """``word`` written in the case ``like`` is (PENDING, Pending, pending)."""
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return " ".join(w[:1].upper() + w[1:] for w in word.split(" "))
    return word.lower()


class _Found:
    """A status said in a line: where (``col``, ``text``: the marker), its state,
    and how to spell the others (``form``)."""

    __slots__ = ("col", "text", "state", "form", "emoji", "sep", "word", "end")

    def __init__(self, col, text, state, form, emoji="", sep="", word="", end=0):
        self.col, self.text, self.state, self.form = col, text, state, form
        self.emoji, self.sep, self.word = emoji, sep, word
        self.end = end  # in a heading that says nothing: where its title ends


def _in_heading(line: str, start: int, end: int) -> _Found | None:
    """The status a heading's title (``line[start:end]``) carries, if any (never inside `code`)."""
    title = _CODE_SPAN.sub(lambda m: " " * len(m.group()), line[start:end]) if "`" in line else line[start:end]
    m = _BRACKET_RE.search(title)
    if m:
        return _Found(start + m.start("word"), m["word"], state_of_word(m["word"]), "word", word=m["word"])
    m = _EMOJI_WORD_RE.search(title)
    if m:
        col = start + m.start()
        if m["word"]:
            return _Found(col, m.group(), state_of_word(m["word"]), "emoji word", m["emoji"], m["sep"] or "", m["word"])
        return _Found(col, m["emoji"], state_of_emoji(m["emoji"]), "emoji", m["emoji"])
    m = _DASH_RE.search(title)
    if m:
        return _Found(start + m.start("word"), m["word"], state_of_word(m["word"]), "word", word=m["word"])
    m = _EMPTY_BRACKETS.search(title)
    if m:  # "### Task 1 - Bootstrap []": open, and a tick writes the word its subtasks use in there
        return _Found(start + m.start() + 1, m.group()[1:-1], State.OPEN, "word", word=m.group()[1:-1])
    return None


def _title_span(line: str) -> tuple[int, int]:
    """Where an ATX (or setext) heading's title starts and ends in its line (in a quote too)."""
    s = len(line) - len(line.lstrip(" \t>"))
    if line[s:s + 1] == "#":
        s += len(line[s:]) - len(line[s:].lstrip("#"))
    while s < len(line) and line[s] in " \t":
        s += 1
    e = len(line.rstrip())
    closing = re.search(r"[ \t]+#+$", line[:e])
    if closing and closing.start() >= s:
        e = closing.start()
    return s, e


class _Words:
    """The file's own words and emoji for each state (the first it uses), and how
    heading tasks in it say they are not done (``bare``: they say nothing)."""

    def __init__(self) -> None:
        self.words: dict[State, str] = {}
        self.written: dict[State, str] = {}  # the same, as the file writes them
        self.emoji: dict[State, str] = {}
        self.bare = True

    def saw(self, f: _Found, heading: bool) -> None:
        if f.word.strip():
            self.words.setdefault(f.state, f.word.lower())
        if f.word.strip() or (f.form == "word" and f.text == f.word):  # "[]" too: its word is none
            self.written.setdefault(f.state, f.word)
        if f.emoji:
            self.emoji.setdefault(f.state, f.emoji)
        if heading and f.text and f.state is not State.DONE:
            self.bare = False

    def word(self, state: State, like: str) -> str | None:
        if state in self.written and not self.written[state].strip():  # the file says open with "[]"
            return self.written[state]
        if not like.strip():  # "[]" says nothing of its case: the file's own word, as written
            return self.written.get(state) or (None if state is State.OPEN else DEFAULT_WORDS.get(state, "").upper() or None)
        base = self.words.get(state)
        if base is None:
            base = DEFAULT_WORDS.get(state)
            if base is not None and like.islower():  # lower case and hyphens: Task Master's "in-progress"
                base = base.replace(" ", "-")
        return None if base is None else _cased(base, like)

    def mark(self, state: State, worded: bool = False) -> str | None:
        return self.emoji.get(state) or (WORDED_EMOJI if worded else DEFAULT_EMOJI).get(state)

    def spelling_of(self, name: str, f: _Found, bare: bool) -> Spelling:
        """How item ``f`` writes each state (none where no single edit is safe)."""
        states = []
        if f.form == "fixed":
            return spelling(name, ())
        for state in (State.DONE, State.OPEN, State.IN_PROGRESS, State.SKIPPED):
            if f.form == "word":
                text = f.word if state is f.state else self.word(state, f.word)
            elif f.form == "emoji word":
                emoji, word = self.mark(state, worded=True), self.word(state, f.word)
                if state is f.state:
                    emoji, word = f.emoji, f.word
                text = None if emoji is None or word is None else f"{emoji}{f.sep}{word}"
            elif bare:  # an emoji with its space, or nothing: removed and put back whole
                if state is State.OPEN:
                    text = ""
                else:
                    emoji = f.emoji if state is f.state else self.mark(state)
                    text = None if emoji is None or state is State.SKIPPED else (
                        f" {emoji}" if f.form == "end" else f"{emoji} ")
            else:
                text = f.emoji if state is f.state else self.mark(state)
                if state is State.SKIPPED:
                    text = None
            if text is not None:
                states.append((state, text))
        return spelling(name, tuple(states))


def _bare_form(line: str, f: _Found) -> _Found:
    """An emoji in a heading that only ever says done: its marker takes the
    space beside it, so that unticking removes it whole."""
    after = f.col + len(f.text)
    if line[after:after + 1] == " ":
        return _Found(f.col, f.text + " ", f.state, "start", f.emoji)
    if line[f.col - 1:f.col] == " ":
        return _Found(f.col - 1, " " + f.text, f.state, "end", f.emoji)
    return f


def add_tasks(raw: Collected, lines: Lines, body: list[str]) -> set[int]:
    """Add to ``raw`` (a plan's pieces) the tasks it holds that are not boxes, when
    it has no box tasks; ``body`` is the text as parsed (front matter blanked).
    Returns the lines of the headings whose boxes are checks beside those tasks
    (a closing ``## Validation Checklist``: see :func:`_gate_lists`)."""
    heads = sorted(raw.headings, key=lambda h: h.line)
    gates: set[int] = set()
    if raw.items:
        gates = _gate_lists(raw, heads, len(body))
        if not gates:  # a plan of box tasks reads as it always did
            raw.warnings.extend(tally_warnings(raw))
            return set()
    boxes, raw.items = raw.items, []
    found = _heading_tasks(raw, heads, body)
    if boxes and not found:
        raw.items = boxes
        raw.warnings.extend(tally_warnings(raw))
        return set()
    if found:  # a task's own Status line says how the task stands: it is no field of the plan
        ends = dict(zip((h.line for h in heads), _section_ends(heads, len(body))))
        own = {k for line in raw.task_headings for k in range(line + 1, ends.get(line, line + 1))}
        raw.field_lines = [k for k in raw.field_lines if k not in own or not _STATUS_KEY_RE.match(body[k])]
    else:
        found = _row_tasks(raw, body)
    found.sort(key=lambda t: t[0])
    found = _numbered(found, [it.text for it in boxes])
    words = _Words()
    for _, _, f, _, kind, _ in found:
        words.saw(f, heading=kind == "heading")
    if words.bare:  # emoji that only ever say done take their space: unticking removes them whole
        found = [(k, t, _bare_form(body[k], f) if kind == "heading" and f.form == "emoji" else f, p, kind, h)
                 for k, t, f, p, kind, h in found]
        first = next((f for _, _, f, _, kind, _ in found if kind == "heading" and f.text and f.state is State.DONE), None)
        if first is not None and first.form == "end":  # "### T001: Title ✅": ticks write it there
            found = [(k, t, _Found(f.end, "", State.OPEN, "end") if f.form == "start" and not f.text else f, p, kind, h)
                     for k, t, f, p, kind, h in found]
    index_of: dict[int, int] = {}  # a task heading's line -> its item
    for line, text, f, parent_head, kind, head in found:
        sp = words.spelling_of(kind, f, (kind == "heading" and words.bare) or not f.text)
        parent = index_of.get(parent_head) if parent_head is not None else None
        depth = 0 if parent is None else raw.items[parent].depth + 1
        index_of[head] = len(raw.items)
        if kind != "row":
            raw.task_of[line] = head
        raw.items.append(RawItem(line, f.col, f.text, f.state, text, lines.line(line), False, parent, depth,
                                 spelling=sp))
    if boxes:
        raw.items = _merged(raw.items, boxes)
    raw.warnings.extend(tally_warnings(raw))
    return gates


_CHECKLIST_RE = re.compile(
    r"^(?:(?:final|pre[- ]?merge|pre[- ]?release|release|launch|validation|verification|review|completion|"
    r"acceptance|quality|testing|test|qa|done)\s+)*(?:checklist|acceptance\s+criteria|success\s+criteria)\s*$", re.I)


def _is_checklist(title: str) -> bool:
    """Whether a heading names a checklist (an ASCII one holds "checklist" or "criteria", or an emphasis mark)."""
    low = title.lower()
    if title.isascii() and "checklist" not in low and "criteria" not in low and "*" not in low and "_" not in low:
        return False
    return bool(_CHECKLIST_RE.match(name_of(title)))


def _gate_lists(raw: Collected, heads, nlines: int) -> set[int]:
    """The headings (lines) of the gate lists that hold every box of the plan, when
    they do: a checkpoint or gate (``## Quality Gates``, ``## Definition of Done``) or
    a checklist (``## Validation Checklist``, ``### Acceptance Criteria``); else none
    (the plan has box tasks)."""
    named = [n for n, h in enumerate(heads) if is_checkpoint_name(h.title) or _is_checklist(h.title)]
    if not named:
        return set()
    ends = _section_ends(heads, nlines)
    spans = [(heads[n].line, ends[n]) for n in named]
    out = set()
    for it in raw.items:
        holder = next((a for a, b in reversed(spans) if a < it.line < b), None)
        if holder is None:
            return set()
        out.add(holder)
    return out


def _merged(tasks: list[RawItem], boxes: list[RawItem]) -> list[RawItem]:
    """Task items and box items (each list in file order, with parents among its own)
    in one list in file order, the parents renumbered."""
    order = sorted([(it.line, 0, k) for k, it in enumerate(tasks)] + [(it.line, 1, k) for k, it in enumerate(boxes)])
    new = {(src, k): n for n, (_, src, k) in enumerate(order)}
    out = []
    for _, src, k in order:
        it = (tasks, boxes)[src][k]
        parent = None if it.parent is None else new[(src, it.parent)]
        out.append(replace(it, parent=parent))
    return out


_WORD_ID_RE = LazyRe(r"^(?:(?:sub)?task|story)\s*#?\s*(?P<num>\d+(?:\.\d+)*[a-z]?)\s*", re.I)


def _numbered(found: list, others: list[str]) -> list:
    """``Task 4 Deploy`` read as ``4 Deploy`` (its id ``4``, so that ``plantui tick
    FILE 4`` finds it), where no other task of the plan has that id; where one
    has (a Task Master subtask ``## 4.``, a second ``Task 4``), it keeps its word
    and has no id."""
    ids = Counter(split_id(t)[0] for t in others)
    ids.update(m["num"] if (m := _WORD_ID_RE.match(t[1])) else split_id(t[1])[0] for t in found)
    out = []
    for t in found:
        m = _WORD_ID_RE.match(t[1])
        if m and ids[m["num"]] == 1 and t[1][m.end():].strip():
            t = (t[0], f"{m['num']} {t[1][m.end():]}", *t[2:])
        out.append(t)
    return out


def _heading_tasks(raw: Collected, heads, body: list[str]) -> list:
    """(line, text, found status, parent task's heading line, kind, heading line) for each task a heading or status line holds."""
    out = []
    field_lines = set(raw.field_lines)
    code = set(raw.code_lines)
    open_: list = []  # the headings enclosing the current one: (level, line, is task)
    title = task_id = None
    tm_task = None  # the line of the Task Master task that subtasks belong to
    ends = _section_ends(heads, len(body))
    groups: list[tuple[int, int, _Found]] = []  # headings that say a status and hold task headings: (line, end, status)
    seen: set[str] = set()  # the task ids read (a report may name a task twice: the first is the task)
    for n, h in enumerate(heads):
        while open_ and open_[-1][0] >= h.level:
            open_.pop()
        src = body[h.line] if h.line < len(body) else ""
        s, e, f, ident, is_phase, is_check = _read_heading(src, h.title)
        under_phase = any(p for _, _, _, p in open_)
        parent_task = next((ln for _, ln, task, _ in reversed(open_) if task), None)
        task = False
        if h.level == 1:
            m = _TASK_ID_HEAD_RE.match(clean_inline(h.title))
            if m:
                task_id, title, tm_task = m["id"], None, None
            elif (m := _TITLE_HEAD_RE.match(clean_inline(h.title))):
                title = m["title"].strip()
            elif (task_id is not None or title is not None) and (m := _STATUS_HEAD_RE.match(src[s:e])):
                text = f"{task_id} {title}" if task_id and title else title or (task_id or "task")
                f = _Found(s + m.start("word"), m["word"], state_of_word(m["word"]), "word", word=m["word"])
                out.append((h.line, text, f, None, "status", h.line))
                tm_task = h.line
                raw.task_headings.add(h.line)
        elif is_phase:
            if f is not None and f.state is State.DONE:  # "## Phase 1: Setup ✅": its tasks that say nothing are done
                groups.append((h.line, ends[n], f))
        elif not is_check:
            if ident and ident["dec"] and not (under_phase or tm_task is not None or f is not None):
                ident = None  # "2.1 Background" names a task only under a phase
            if ident and ident["dec"] and ident["id"].endswith(".") and f is None:
                ident = None  # "1. Overview": a numbered section, unless it says a status
            key = " ".join(ident["id"].lower().split()) if ident else None
            if key is not None and key in seen:
                ident = f = None  # "### Task 2.1: Node Registry ✅" again, in a summary: no task, no phase
                raw.task_headings.add(h.line)
            elif f is not None and not ident and any(_HEAD_ID_RE.match(body[k.line], _title_span(body[k.line])[0])
                                                     for k in takewhile(lambda k: k.line < ends[n], heads[n + 1:])):
                groups.append((h.line, ends[n], f))  # "## ✅ Completed": it says the state of the tasks it holds
                f = None
            if key is not None and ident:
                seen.add(key)
            if f is not None or ident:
                task = True
                text = clean_inline(_without(src[s:e], f, s))
                if ident:  # "Task 4 — Deploy" reads "Task 4 Deploy"; "T001: Setup" keeps its id for split_id
                    rest = clean_inline(_without(src[ident.end():e], f, ident.end()))
                    text = f"{ident['id'].rstrip('.') if ident['dec'] else ident['id']} {rest}".strip()
                end_line = heads[n + 1].line if n + 1 < len(heads) else len(body)
                status = _status_line(body, h.line + 1, end_line, field_lines, code) if f is None else None
                parent = parent_task if parent_task is not None else tm_task
                raw.task_headings.add(h.line)
                if status is not None:
                    out.append((status[0], text, status[1], parent, "status", h.line))
                else:
                    group = next((g for g in reversed(groups) if g[0] < h.line < g[1]), None)
                    if f is None and group is not None:  # its state is only implied: no edit is safe
                        f = _Found(ident.end(), "", group[2].state, "fixed")
                    elif f is None:  # says nothing: a tick inserts after its id (or where its title ends)
                        f = _Found(ident.end() if ident else s, "", State.OPEN, "start", end=e)
                    out.append((h.line, text, f, parent, "heading", h.line))
        open_.append((h.level, h.line, task, is_phase))
    return out


@lru_cache(maxsize=1 << 14)
def _read_heading(src: str, title: str):
    """What a heading's line says, worked out once per line text: where its title
    starts and ends, the status it carries, its task id, whether it names a phase
    or a checkpoint (a re-parse after a tick meets the same headings again)."""
    s, e = _title_span(src)
    return (s, e, _in_heading(src, s, e), _HEAD_ID_RE.match(src, s), bool(PHASE_RE.match(name_of(title))),
            is_checkpoint_name(title))


def _section_ends(heads, nlines: int) -> list[int]:
    """The line (0-based) each heading's section ends before: the next heading of its level or above."""
    ends = [nlines] * len(heads)
    open_: list[int] = []
    for n, h in enumerate(heads):
        while open_ and heads[open_[-1]].level >= h.level:
            ends[open_.pop()] = h.line
        open_.append(n)
    return ends


def _without(title: str, f: _Found | None, start: int) -> str:
    """A heading's title without the status it carries."""
    if f is None or not (f.text or f.form == "word"):
        return title
    a, b = f.col - start, f.col - start + len(f.text)
    if f.form == "word":  # the brackets or dash around the word go too
        m = _BRACKET_RE.search(title) or _DASH_RE.search(title) or _EMPTY_BRACKETS.search(title)
        if m:
            a, b = m.start(), m.end()
    if not title[b:].strip():  # "Scaffold — ✅ DONE": the dash before a status at the end goes too
        return _TRAILING_DASH.sub("", title[:a])
    return (title[:a] + " " + title[b:]).strip()


def _status_line(body, first: int, end: int, field_lines: set[int], code: set[int]):
    """The first ``Status: word`` line of a heading's own text (before the next heading)."""
    for k in range(first, min(end, len(body))):
        if k in code or k not in field_lines:
            continue
        m = _STATUS_LINE_RE.match(body[k])
        if m and m["emoji"]:  # "**Status:** ⏳ Pending": the emoji and the word say it together
            word = m["word"]
            return k, _Found(m.start("emoji"), m.group()[m.start("emoji") - m.start():], state_of_word(word), "emoji word",
                             m["emoji"], m["sep"], word)
        if m:
            word = m["word"]
            return k, _Found(m.start("word"), word, state_of_word(word), "word", word=word)
    return None


def _row_tasks(raw: Collected, body: list[str]) -> list:
    """(line, text, found status, None, "row", line) for each status row of a table of tasks."""
    out = []
    for row in raw.status_rows:
        k = row.line - 1
        if k not in raw.task_rows:
            continue
        cell = _cell_span(body[k], row.status)
        if cell is None:  # the row reads its status in two places: no single edit is safe
            out.append((k, row.label, _Found(0, "", row.state, "fixed"), None, "row", k))
            continue
        a, b = cell
        text = body[k][a:b]
        m = _WORD_RE.search(text)
        e = _EMOJI_RE.search(text)
        if m and e and e.end() <= m.start() and not text[e.end():m.start()].replace("&nbsp;", "").strip():
            sep = text[e.end():m.start()]
            f = _Found(a + e.start(), text[e.start():m.end()], state_of_word(m.group()), "emoji word", e.group(), sep, m.group())
        elif m:
            f = _Found(a + m.start(), m.group(), state_of_word(m.group()), "word", word=m.group())
        elif e:
            f = _Found(a + e.start(), e.group(), state_of_emoji(e.group()), "emoji", e.group())
        else:
            continue
        out.append((k, _row_text(body[k], row.label, a), f, None, "row", k))
    return out


def _row_text(line: str, label: str, status_at: int) -> str:
    """A task row's name: its first cell, and the next one where the first is only an id
    (``| T001 | Navigate to the page | Pending |``)."""
    ident, _, rest = split_id(label)
    if ident is None or rest:
        return label
    cells = _cells(line)
    if len(cells) > 2 and cells[1][0] != status_at:
        return f"{label} {clean_inline(line[cells[1][0]:cells[1][1]])}".strip()
    return label


def _cells(line: str) -> list[tuple[int, int]]:
    """Where each cell of a table row stands (its outer pipes optional)."""
    cuts = [m.start() for m in re.finditer(r"(?<!\\)\|", line)]
    body = line.rstrip()
    if not line.lstrip().startswith("|"):
        cuts.insert(0, -1)
    if not body.endswith("|") or body.endswith("\\|"):
        cuts.append(len(body))
    return [(a + 1, b) for a, b in zip(cuts, cuts[1:])]


def _cell_span(line: str, status: str) -> tuple[int, int] | None:
    """Where the one cell of a table row that reads ``status`` stands."""
    hits = [(a, b) for a, b in _cells(line) if clean_inline(line[a:b]) == status]
    return hits[0] if len(hits) == 1 else None


def tally_warnings(raw: Collected) -> list[Warning]:
    """Where a table of counts (``| Done | 16 |``) says other than the plan's tasks do."""
    if not raw.tallies or not raw.items:
        return []
    counts = {state: 0 for state in State}
    for it in raw.items:
        if not it.optional:
            counts[it.state] += 1
    out = []
    for line, label, state, number in raw.tallies:
        have = len([it for it in raw.items if not it.optional]) if state is None else counts[state]
        if have != number:
            out.append(Warning(line + 1, f"the table says {label}: {number}; the plan has {have}"))
    return out
