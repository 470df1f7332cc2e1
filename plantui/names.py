"""What headings, items and cells say: the words and marks plantui reads.

Regexes here only ever read *inside* blocks the Markdown parser has placed (a
heading's title, an item's first line, a table cell); block structure never
comes from them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import State


PHASE_WORDS = (
    r"phase|step|stage|milestone|sprint|part|iteration|"
    r"fase|tahap|étape|etapa|阶段|階段|フェーズ|단계"
)
_NUMBER = r"(?P<num>\d+(?:\.\d+)*[a-z]?\+?|[IVX]+\b)"
PHASE_RE = re.compile(rf"^(?:{PHASE_WORDS})s?\s*[-#]?\s*{_NUMBER}", re.I)
TASK_HEADING_RE = re.compile(rf"^task\s*[-#]?\s*{_NUMBER}", re.I)
_CHECKPOINT_RE = re.compile(
    r"^(?:checkpoints?\b|(?:quality\s+|acceptance\s+|release\s+)?gates?\b|gate\s+status\b|"
    r"definition\s+of\s+done\b|exit\s+criteria\b)",
    re.I,
)
AFTER_RE = re.compile(rf"\b(?:after|following)\s+(?:{PHASE_WORDS})s?\s*{_NUMBER}", re.I)
ALL_PHASES_RE = re.compile(r"before\s+(?:completion|release|merge|launch)|final|definition\s+of\s+done", re.I)

# a task id at the start of an item's text: **1.1**, T012, 1., 2.1, TASK-701
_ID_RE = re.compile(
    r"^(?P<lead>\*\*|__)?"
    r"(?P<id>[A-Z]{1,6}-?\d+(?:\.\d+)*|\d{1,3}(?:[.-]\d+)*[a-z]?)"
    r"(?P<dot>\.)?(?P=lead)?(?P<colon>:)?(?=\s|$)"
)
_TAG_RE = re.compile(r"^\[(?P<tag>[^\]\s]{1,24})\]\s*")
BULLET_RE = re.compile(r"[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)")
TAG_LINE = re.compile(r"^\s*</?[A-Za-z][\w-]*(?:[\s/>]|$)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_ATX_DECOR = re.compile(r"^[\W_]*?(?=\w)", re.UNICODE)
GRAPH_SPLIT = re.compile(r"\s*(?:→|->|⟶|=>)\s*")
GRAPH_ID = re.compile(r"^(?:[A-Z]{1,6}-?\d+|\d+(?:\.\d+)+)$")

_STATUS_EMOJI = {
    "✅": State.DONE,
    "✔": State.DONE,
    "☑": State.DONE,
    "✓": State.DONE,
    "⬜": State.OPEN,
    "☐": State.OPEN,
    "🔲": State.OPEN,
    "⏳": State.IN_PROGRESS,
    "🔄": State.IN_PROGRESS,
    "🚧": State.IN_PROGRESS,
    "🟡": State.IN_PROGRESS,
    "❌": State.OTHER,
}
_STATUS_WORDS = (
    (re.compile(r"\bnot\s+(?:yet\s+)?(?:started|done|complete|completed)\b|\btodo\b|\bto\s+do\b|\bpending\b|"
                r"\bplanned\b|\bbacklog\b|\bqueued\b", re.I), State.OPEN),
    (re.compile(r"\bin[\s-]progress\b|\bwip\b|\bongoing\b|\bpartial\b", re.I), State.IN_PROGRESS),
    (re.compile(r"\b(?:done|complete|completed|passed|shipped|finished)\b", re.I), State.DONE),
    (re.compile(r"\bblocked\b|\bfailed\b|\bcancell?ed\b", re.I), State.OTHER),
)


def clean_inline(text: str) -> str:
    """Readable text from a line of Markdown: emphasis marks off, spaces folded."""
    if "*" in text or "_" in text:  # what emphasis is made of (most texts have none)
        text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def name_of(title: str) -> str:
    """A heading's title without leading decoration, for matching its name."""
    t = clean_inline(title).lstrip("#").strip()
    t = re.sub(r"^\d+(?:\.\d+)*[.)]\s+(?=\D)", "", t)  # "14. Development Phases"
    m = _ATX_DECOR.match(t)
    return t[m.end() :] if m else t


def phase_number(title: str) -> str | None:
    m = PHASE_RE.match(name_of(title)) or TASK_HEADING_RE.match(name_of(title))
    return m.group("num").rstrip("+").lower() if m else None


_CHECKPOINT_WORDS = ("checkpoint", "gate", "definition", "exit")


def is_checkpoint_name(title: str) -> bool:
    if title.isascii():  # the common case, without the regexes (case folding aside)
        low = title.lower().replace("*", "").replace("_", "")
        if not any(word in low for word in _CHECKPOINT_WORDS):
            return False
    return bool(_CHECKPOINT_RE.match(name_of(title)))


def status_of_cell(cell: str) -> State | None:
    """The state a table cell says: its first status word (``Done, pending review`` is done;
    ``Not done`` is open), which wins over an emoji (``⏳ Pending`` is open)."""
    best = None
    for pattern, state in _STATUS_WORDS:
        m = pattern.search(cell)
        if m and (best is None or (m.start(), -m.end()) < best[0]):
            best = ((m.start(), -m.end()), state)
    if best is not None:
        return best[1]
    for emoji, state in _STATUS_EMOJI.items():
        if emoji in cell:
            return state
    return None


@lru_cache(maxsize=1 << 17)
def split_id(text: str) -> tuple[str | None, tuple[str, ...], str]:
    """``**1.1** Setup`` -> ("1.1", (), "Setup"); tags [P] [US1] come after."""
    ident = None
    m = _ID_RE.match(text)
    if m:
        ident = m.group("id")
        text = text[m.end() :].lstrip()
    tags = []
    while True:
        t = _TAG_RE.match(text)
        if not t:
            break
        tags.append(t.group("tag"))
        text = text[t.end() :]
    return ident, tuple(tags), clean_inline(text)


def starts_list(line: str) -> bool:
    return bool(BULLET_RE.match(line.lstrip(" \t>")))


REF_RE = re.compile(rf"(?:{PHASE_WORDS})s?\s*((?:\d+(?:\.\d+)*[a-z]?(?:\s*(?:,|and|&|-|–|to)\s*)?)+)", re.I)


_DONE_WORD = r"(?:complete|completed|done|finished)"
_TITLE_DONE_RE = re.compile(
    rf"✅|✔|☑|\(\s*{_DONE_WORD}\s*\)|\[\s*{_DONE_WORD}\s*\]|\s[—–-]+\s*{_DONE_WORD}\s*[.!]?\s*$", re.I)
_VALUE_DONE_RE = re.compile(rf"^[\W_]*(?:{_DONE_WORD})\b|^\s*(?:✅|✔|☑)", re.I)


def title_says_done(title: str) -> bool:
    """Whether a heading says its section is done: ``Phase 1: Setup ✅``,
    ``Step 2 (COMPLETE)``, ``Phase 3 [DONE]``, ``Phase 4 — Done``."""
    return bool(_TITLE_DONE_RE.search(title))


def value_says_done(value: str) -> bool:
    """Whether a ``**Status:**`` value says done: ``Complete``, ``✅ Done``,
    ``Completed 2025-01-03`` (not ``Not complete``, ``In progress``)."""
    return bool(_VALUE_DONE_RE.match(value))
