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
from .source import Lines

DERIVED = ("progress", "total tasks", "status", "last updated")
DEPENDENCY_NAMES = ("dependencies", "depends on", "prerequisites", "blocked by", "dependency")
_ALIASES = {
    "last update": "last updated",
    "updated": "last updated",
    "last modified": "last updated",
    "last_updated": "last updated",
    "tasks total": "total tasks",
}

_BOLD_KEY = re.compile(r"\*\*(?P<key>[^*\n|]{1,60}?)\s*(?::\s*\*\*|\*\*\s*:)[ \t]*")
_LEAD = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:\[.\][ \t]+)?")
_COMMENT = re.compile(r"<!--\s*(?P<key>[A-Za-z][\w .-]{0,40}?)\s*:\s*(?P<value>.*?)\s*-->")
_FRONT = re.compile(r"^(?P<key>[A-Za-z_][\w -]{0,40}?)\s*:[ \t]*(?P<value>.*?)[ \t]*$")


def normalise(key: str) -> str:
    name = " ".join(key.replace("_", " ").replace("-", " ").split()).strip(" :").lower()
    return _ALIASES.get(name, name)


def find_fields(lines: Lines, para_lines: list[int], comment_lines: list[int], fm_end: int | None) -> list[Field]:
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
        out.extend(_bold_fields(lines.line(k), k + 1))
    for k in sorted(set(comment_lines)):
        text = lines.line(k)
        for m in _COMMENT.finditer(text):
            start, end = m.span("value")
            out.append(Field(normalise(m.group("key")), m.group("key"), k + 1, start, end, m.group("value")))
    out.sort(key=lambda f: (f.line, f.start))
    return out


def _bold_fields(text: str, line1: int) -> list[Field]:
    if "**" not in text:
        return []
    lead = _LEAD.match(text).end()
    matches = []
    for m in _BOLD_KEY.finditer(text):
        before = text[:m.start()].rstrip()
        if m.start() == lead or before.endswith("|"):
            matches.append(m)
    out = []
    for n, m in enumerate(matches):
        stop = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = text[m.end() : stop]
        trimmed = value.rstrip()
        if n + 1 < len(matches):
            trimmed = trimmed.rstrip("|").rstrip()
        out.append(Field(normalise(m.group("key")), m.group("key").strip(), line1, m.end(), m.end() + len(trimmed), trimmed))
    return out


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

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def word(self) -> str:
        if self.total and self.done >= self.total:
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


def _sub_first(pattern: re.Pattern, value: str, new: str) -> str | None:
    m = pattern.search(value)
    if not m:
        return None
    return value[: m.start()] + new + value[m.end() :]


def _progress(value: str, t: Tally) -> str | None:
    if is_placeholder(value):
        return f"{t.done}/{t.total} tasks complete"
    frac = _FRACTION.search(value)
    pct = _PERCENT.search(value)
    if not frac and not pct:
        return None
    out = value
    if pct:
        out = out[: pct.start(1)] + str(t.percent) + out[pct.end(1) :]
    frac = _FRACTION.search(out)
    if frac:
        out = out[: frac.start()] + f"{t.done}{frac.group(2)}{t.total}" + out[frac.end() :]
    return out


def _cased(template: str, word: str) -> str:
    if template.isupper():
        return word.upper()
    if template.islower():
        return word.lower()
    return word


_BARE_STATUS = re.compile(r"^(?:not started|in progress|complete|completed|done|\d+% complete)$", re.I)


def _status(value: str, t: Tally) -> str | None:
    word = t.word
    if is_placeholder(value):
        return word
    bare = " ".join(re.sub(r"[^\w%]+", " ", _EMOJI_SET.sub("", value)).replace("_", " ").split())
    if not _BARE_STATUS.match(bare):
        return None  # prose ("Engine complete, UI next") or a document status ("Draft")
    pct = re.search(r"(\d+)(\s*%\s*complete)", value, re.I)
    if pct:
        return value[: pct.start(1)] + str(t.percent) + value[pct.end(1) :]
    m = _STATUS_WORD.search(value)
    if not m:
        return None
    said = m.group(0)
    if word == "Complete" and said.lower() in ("completed", "done"):
        word = said[:1].upper() + said[1:].lower()
    out = value[: m.start()] + _cased(said, word) + value[m.end() :]
    emoji = _EMOJI_SET.search(out)
    if emoji:
        out = out[: emoji.start()] + _STATUS_EMOJI[t.word] + out[emoji.end() :]
    return out


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_ISO = re.compile(r"(\d{4})([-/.])(\d{2})\2(\d{2})(?:([ T])(\d{2}):(\d{2})(?::(\d{2}))?)?")
_MDY = re.compile(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")([a-z]*)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
_DMY = re.compile(r"\b(\d{1,2})\s+(" + "|".join(m[:3] for m in _MONTHS) + r")([a-z]*)\.?,?\s+(\d{4})", re.I)
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
