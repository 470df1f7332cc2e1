"""Fields such as ``**Progress:** 7/12 tasks complete``: finding them, and
writing the values plantui derives in the form the file already uses.

Forms found: ``**Key:** value``, ``**Key**: value`` (also as a list item and
several per line, ``| **Date**: …``), ``key: value`` in YAML front matter, and
``<!-- KEY: value -->``.  ``start``/``end`` bound the value on its line, so
an update replaces the value and nothing around it (trailing spaces that make
a Markdown line break stay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .model import Field
from .names import LazyRe, starts_list
from .lines import Lines

DERIVED = ("progress", "total tasks", "status", "last updated")
DEPENDENCY_NAMES = ("dependencies", "depends on", "prerequisites", "blocked by", "dependency")
_ALIASES = {
    "overall progress": "progress",
    "current progress": "progress",
    "phase progress": "progress",
    "overall status": "status",
    "current status": "status",
    "last update": "last updated",
    "updated": "last updated",
    "last modified": "last updated",
    "last_updated": "last updated",
    "tasks total": "total tasks",
}

_BOLD_KEY = re.compile(r"\*\*(?P<key>[^*\n|]{1,60}?)\s*(?::\s*\*\*|\*\*\s*:)[ \t]*")
_LEAD = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:\[.\][ \t]+)?")
_COMMENT = LazyRe(r"<!--\s*(?P<key>[A-Za-z][\w .-]{0,40}?)\s*:\s*(?P<value>.*?)\s*-->")
_FRONT = re.compile(r"^(?P<key>[A-Za-z_][\w -]{0,40}?)\s*:[ \t]*(?P<value>.*?)[ \t]*$")
# "**Progress: 83.3%**": the whole line bold, key and value inside
_ALL_BOLD = LazyRe(r"\*\*(?P<key>[^*:\n|]{1,40}?)\s*:[ \t]*(?P<value>[^*\n]*?[^*\s])[ \t]*\*\*[^\w*\n]*$")
# "Status: IN PROGRESS 6/25", "> Status: In Progress": a plain key, only for stated progress
_PLAIN = LazyRe(r"(?P<key>[A-Za-z][A-Za-z ]{1,30}?)[ \t]*:[ \t]+(?P<value>\S(?:.*\S)?)[ \t]*$")
_PLAIN_NAMES = ("progress", "status")


def normalise(key: str) -> str:
    name = " ".join(key.replace("_", " ").replace("-", " ").split()).strip(" :").lower()
    return _ALIASES.get(name, name)


def find_fields(lines: Lines, para_lines: list[int], comment_lines: list[int], fm_end: int | None,
                item_lines: frozenset[int] = frozenset()) -> list[Field]:
    """The fields of the plan: those in front matter, on paragraph lines (``para_lines``,
    0-based) and in comments.  ``item_lines`` (0-based): the lines of task boxes; a field
    nested under one (``- **Status**: completed`` below ``- [x] Task``) is that task's
    detail, not the plan's."""
    out: list[Field] = []
    if fm_end is not None:
        for k in range(1, fm_end):
            text = lines.line(k)
            m = _FRONT.match(text)
            if m and m.group("value"):
                start, end = m.span("value")
                value = m.group("value")
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                    start, end, value = start + 1, end - 1, value[1:-1]
                out.append(Field(normalise(m.group("key")), m.group("key"), k + 1, start, end, value))
    for k in sorted(set(para_lines)):
        found = _bold_fields(lines.line(k), k + 1)
        if found and item_lines and in_item(lines, k, item_lines):
            continue
        out.extend(found)
    for k in sorted(set(comment_lines)):
        text = lines.line(k)
        for m in _COMMENT.finditer(text):
            start, end = m.span("value")
            out.append(Field(normalise(m.group("key")), m.group("key"), k + 1, start, end, m.group("value")))
    out.sort(key=lambda f: (f.line, f.start))
    return out


def in_item(lines: Lines, k: int, item_lines: frozenset[int]) -> bool:
    """Whether line ``k`` (0-based) is nested under a task box: indented past the
    box's bullet, with only deeper lines (or bullets nesting it) between them."""
    text = lines.line(k)
    indent = len(text) - len(text.lstrip(" \t"))
    if not indent or text.lstrip(" \t")[:1] == ">":
        return False
    for j in range(k - 1, max(-1, k - 200), -1):
        above = lines.line(j)
        body = above.lstrip(" \t")
        if not body.strip():
            continue
        ind = len(above) - len(body)
        if ind >= indent:
            continue
        if j in item_lines:
            return True
        if not starts_list(above) or not ind:
            return False
        indent = ind  # a bullet holding this one: look on for the box above it
    return False


def _bold_fields(text: str, line1: int) -> list[Field]:
    if "**" not in text:
        if not _may_be_plain(text):
            return []  # (most lines: "- Note: …", prose)
        return _plain_field(text, _LEAD.match(text).end(), line1)
    lead = _LEAD.match(text).end()
    matches = []
    for m in _BOLD_KEY.finditer(text):
        before = text[:m.start()].rstrip()
        if m.start() == lead or before.endswith("|"):
            matches.append(m)
    if not matches:
        whole = _ALL_BOLD.match(text, lead)
        if whole:
            start, end = whole.span("value")
            return [Field(normalise(whole.group("key")), whole.group("key").strip(), line1, start, end,
                          whole.group("value"))]
        return _plain_field(text, lead, line1)
    out = []
    for n, m in enumerate(matches):
        stop = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = text[m.end() : stop]
        trimmed = value.rstrip()
        if n + 1 < len(matches):
            trimmed = trimmed.rstrip("|").rstrip()
        out.append(Field(normalise(m.group("key")), m.group("key").strip(), line1, m.end(), m.end() + len(trimmed), trimmed))
    return out


def _may_be_plain(text: str) -> bool:
    """Whether a line could hold a plain field: its key, ASCII letters, names one of :data:`_PLAIN_NAMES`."""
    low = text.lower()
    return "progress" in low or "status" in low


def _plain_field(text: str, lead: int, line1: int) -> list[Field]:
    """``Status: In Progress`` (a line that opens with a plain key): a field only
    for the keys that state progress, so that prose ("Note: ...") is none."""
    m = _PLAIN.match(text, lead)
    if not m or normalise(m.group("key")) not in _PLAIN_NAMES:
        return []
    start, end = m.span("value")
    return [Field(normalise(m.group("key")), m.group("key").strip(), line1, start, end, m.group("value"))]


# --- derived values ---------------------------------------------------------


def percent(done: int, total: int) -> int:
    """``done`` of ``total`` as a whole percent, the one rounding plantui shows and writes.

    Rounded down, but never 100 while one is open and never 0 once one is done:
    399/400 is 99%, 1/1000 is 1%, 0/n is 0%, n/n is 100%; nothing to count is 0%.
    """
    if total <= 0 or done <= 0:
        return 0
    if done >= total:
        return 100
    return min(99, max(1, done * 100 // total))


@dataclass(frozen=True)
class Tally:
    """What a derived field is computed from."""

    done: int
    total: int  # tasks that count: skipped ones are not
    started: bool  # anything done or in progress
    complete: bool = False  # complete though some are open (only optional ones: see progress.plan_status)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def word(self) -> str:
        if self.complete or (self.total and self.done >= self.total):
            return "Complete"
        return "In Progress" if self.started else "Not Started"


_PLACEHOLDER = re.compile(r"^\s*(?:\[[^\]]*\]|\{\{[^}]*\}\}|_+|-+|\?+|tbd|n/?a|…|\.\.\.|)\s*$", re.I)
_FRACTION = re.compile(r"(\d+)(\s*/\s*)(\d+)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)(\s*%)")
_STATUS_WORD = re.compile(r"not[ _-]started|in[ _-]progress|completed|complete|done", re.I)
_STATUS_EMOJI = {"Complete": "✅", "In Progress": "🔄", "Not Started": "⬜"}
_EMOJI_SET = re.compile("✅|🔄|⏳|⬜|🚧")


def is_placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value))


def derive(name: str, value: str, tally: Tally, now: datetime) -> str | None:
    """The value a derived field should hold, in the form ``value`` uses.

    None when the field is not derived or its value has no form plantui
    recognises (``**Status**: Draft`` is a document status, not progress).
    The numbers (or date) are put in place whatever stands around them: see
    :func:`whole` for whether that may be written.
    """
    if name == "progress":
        return _progress(value, tally)
    if name == "total tasks":
        if is_placeholder(value):
            return str(tally.total)
        return _sub_first(re.compile(r"\d+"), value, str(tally.total))
    if name == "status":
        return _status(value, tally)
    if name == "last updated":
        return _date(value, now)
    return None


_PHASE_UNIT = re.compile(r"\b(?:phases?|milestones?|stages?|sprints?|weeks?|days?|epics?|slices?|stories)\b", re.I)
_NUMBER_FIRST = re.compile(r"^[\W_]*(?:(?:tasks?|overall|total)\W+)?[~≈]?\d", re.I)  # "58%", "✅ **40%", "~98%"
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_DONE_WORDS = r"(?:[ \t]+(?:complete|completed|done|finished))?"
_FRACTION_UNIT = re.compile(r"\d+\s*/\s*\d+(?:[ \t]+[A-Za-z]+)?" + _DONE_WORDS, re.I)  # "1/3 plans", "7/12 tasks complete"
_PERCENT_DONE = re.compile(r"\d+(?:\.\d+)?\s*%" + _DONE_WORDS, re.I)  # "58% complete"
_NUMBER_UNIT = re.compile(r"\d+(?:[ \t]+[A-Za-z]+)?")
_COUNT_WORDS = re.compile(r"\b(?:tasks?|items?|subtasks?|of|total|overall)\b", re.I)
_STATUS_FILLER = re.compile(r"\b(?:tasks?|complete|completed|done|not[ _-]started|in[ _-]progress)\b", re.I)
_DATE_FILLER = re.compile(r"\b(?:at|utc|gmt|z|am|pm|(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun|"
                          + "|".join(_MONTHS) + r")\b", re.I)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")


def whole(name: str, value: str) -> bool:
    """Whether ``value`` is all what plantui derives for field ``name`` (a count, a
    fraction, a percentage, a status word, a date, in the file's decoration), so
    that writing the derived value changes nothing a person wrote.  A hand-written
    breakdown ("231 (Backend: 120 + Frontend: 98) = 256+") is not: its drift is
    said, never written."""
    if is_placeholder(value):
        return True
    rest = value
    if name == "progress":  # "7/12 tasks complete (58%)"; an emoji or a status word besides is not rewritten
        rest = _COUNT_WORDS.sub(" ", _PERCENT_DONE.sub(" ", _FRACTION_UNIT.sub(" ", rest, count=1), count=1))
    elif name == "total tasks":  # "12", "12 tasks"
        rest = _COUNT_WORDS.sub(" ", _NUMBER_UNIT.sub(" ", rest, count=1))
    elif name == "status":  # "IN PROGRESS 6/25", "✅ Complete (100%)"
        rest = _PERCENT.sub(" ", _FRACTION.sub(" ", rest, count=1), count=1)
        rest = _STATUS_FILLER.sub(" ", _EMOJI_SET.sub(" ", rest))
    elif name == "last updated":  # "2026-01-02", "January 2, 2026 at 09:30 UTC"
        for pattern in (_ISO, _MDY, _DMY, _SLASH):
            rest, n = pattern.subn(" ", rest, count=1)
            if n:
                break
        rest = _DATE_FILLER.sub(" ", _TIME.sub(" ", rest, count=1))
    else:
        return True
    return not re.search(r"[^\W_]", rest)


def said_plainly(name: str, value: str, tally: Tally) -> str | None:
    """What the boxes say for field ``name``, plainly (``3``, ``1/3 (33%)``): shown
    beside a value plantui does not rewrite (see :func:`whole`)."""
    if name == "total tasks":
        return str(tally.total)
    if name == "progress":
        frac, pct = f"{tally.done}/{tally.total}", f"{tally.percent}%"
        has_frac, has_pct = bool(_FRACTION.search(value)), bool(_PERCENT.search(value))
        return f"{frac} ({pct})" if has_frac == has_pct else (frac if has_frac else pct)
    if name == "status":
        return tally.word
    return None


def _sub_first(pattern: re.Pattern, value: str, new: str) -> str | None:
    m = pattern.search(value)
    if not m:
        return None
    return value[: m.start()] + new + value[m.end() :]


def percent_text(done: int, total: int, places: int = 0) -> str:
    """:func:`percent` with ``places`` decimals (``83.3``), rounded the same way:
    down, never 100 while one is open, never 0 once one is done."""
    if not places:
        return str(percent(done, total))
    scale = 10**places
    if total <= 0 or done <= 0:
        v = 0
    elif done >= total:
        v = 100 * scale
    else:
        v = min(100 * scale - 1, max(1, done * 100 * scale // total))
    return f"{v / scale:.{places}f}"


def _places(number: str) -> int:
    return len(number.partition(".")[2])


def _progress(value: str, t: Tally) -> str | None:
    if is_placeholder(value):
        return f"{t.done}/{t.total} tasks complete"
    frac = _FRACTION.search(value)
    pct = _PERCENT.search(value)
    if not frac and not pct:
        return None
    if _PHASE_UNIT.search(value):
        return None  # "3/5 phases", "7 of 8 stages (87.5%)": not a count of tasks
    if not _NUMBER_FIRST.match(value):
        return None  # prose that holds a number ("we shipped 3/4 of the API")
    out = value
    if pct:
        out = out[: pct.start(1)] + percent_text(t.done, t.total, _places(pct.group(1))) + out[pct.end(1) :]
    frac = _FRACTION.search(out)
    if frac:
        out = out[: frac.start()] + f"{t.done}{frac.group(2)}{t.total}" + out[frac.end() :]
    return out


def _cased(template: str, word: str) -> str:
    sep = next((c for c in template if c in "_-"), None)
    if sep and " " in word and " " in template.replace(sep, " "):
        word = word.replace(" ", sep)  # "in-progress" stays hyphenated
    if template.isupper():
        return word.upper()
    if template.islower():
        return word.lower()
    return word


_BARE_STATUS = re.compile(r"^(?:not started|in progress|complete|completed|done)(?: tasks?)?$", re.I)
_PCT_PHRASE = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*(?:complete|completed|done)\b", re.I)


def _status(value: str, t: Tally) -> str | None:
    """A status word, alone or with the numbers it states ("IN PROGRESS 6/25",
    "✅ Complete (100%)", "45% complete"), brought to what the boxes say."""
    word = t.word
    if is_placeholder(value):
        return word
    phrase = _PCT_PHRASE.search(value)
    frac = _FRACTION.search(value)
    pct = None if phrase else _PERCENT.search(value)
    rest = value
    for m in (phrase, frac, pct):
        if m:
            rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
    said = _STATUS_WORD.search(rest)
    bare = " ".join(re.sub(r"[^\w]+", " ", _EMOJI_SET.sub("", rest)).replace("_", " ").split())
    if not (said and _BARE_STATUS.match(bare)) and not (phrase and not bare):
        return None  # prose ("Engine complete, UI next") or a document status ("Draft")
    edits = []
    if said:
        text = said.group(0)
        if word == "Complete" and text.lower() in ("completed", "done"):
            word = text[:1].upper() + text[1:].lower()
        edits.append((said.start(), said.end(), _cased(text, word)))
    if frac:
        edits.append((frac.start(), frac.end(), f"{t.done}{frac.group(2)}{t.total}"))
    for m in (phrase, pct):
        if m:
            edits.append((m.start(1), m.end(1), percent_text(t.done, t.total, _places(m.group(1)))))
    out = value
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    emoji = _EMOJI_SET.search(out)
    if emoji and said:
        out = out[: emoji.start()] + _STATUS_EMOJI[t.word] + out[emoji.end() :]
    return out


_ISO = re.compile(r"(\d{4})([-/.])(\d{2})\2(\d{2})(?:([ T])(\d{2}):(\d{2})(?::(\d{2}))?)?")
_MDY = LazyRe(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")([a-z]*)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
_DMY = LazyRe(r"\b(\d{1,2})\s+(" + "|".join(m[:3] for m in _MONTHS) + r")([a-z]*)\.?,?\s+(\d{4})", re.I)
_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _date(value: str, now: datetime) -> str | None:
    if is_placeholder(value):
        return now.strftime("%Y-%m-%d")
    m = _ISO.search(value)
    if m:
        sep = m.group(2)
        new = f"{now:%Y}{sep}{now:%m}{sep}{now:%d}"
        if m.group(5):
            new += f"{m.group(5)}{now:%H}:{now:%M}" + (f":{now:%S}" if m.group(8) else "")
        return value[: m.start()] + new + value[m.end() :]
    m = _MDY.search(value)
    if m:
        long = len(m.group(1)) + len(m.group(2)) > 3
        month = _MONTHS[now.month - 1] if long else _MONTHS[now.month - 1][:3]
        dot = "." if value[m.end(2) : m.end(2) + 1] == "." else ""
        comma = "," if "," in m.group(0) else ""
        return value[: m.start()] + f"{month}{dot} {now.day}{comma} {now.year}" + value[m.end() :]
    m = _DMY.search(value)
    if m:
        long = len(m.group(2)) + len(m.group(3)) > 3
        month = _MONTHS[now.month - 1] if long else _MONTHS[now.month - 1][:3]
        return value[: m.start()] + f"{now.day} {month} {now.year}" + value[m.end() :]
    m = _SLASH.search(value)
    if m:
        day_first = int(m.group(1)) > 12
        a, b = (now.day, now.month) if day_first else (now.month, now.day)
        width = len(m.group(1))
        return value[: m.start()] + f"{a:0{width}d}/{b:0{len(m.group(2))}d}/{now.year}" + value[m.end() :]
    return None
