"""What headings, items and cells say: the words and marks plantui reads.

Regexes here only ever read *inside* blocks the Markdown parser has placed (a
heading's title, an item's first line, a table cell); block structure never
comes from them.
"""

from __future__ import annotations

import re
from functools import lru_cache

class LazyRe:
    """A regex compiled when first used, so that an import compiles none a run may never need
    (the readings of rare forms, in a plan of Markdown boxes).  Used as the compiled pattern is."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str):
        compiled = re.compile(self.pattern, self._flags)
        for method in ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split"):
            setattr(self, method, getattr(compiled, method))  # looked up at once from now on
        return getattr(compiled, name)


PHASE_WORDS = (
    r"phase|step|stage|milestone|sprint|part|iteration|slice|"
    r"fase|tahap|étape|etapa|阶段|階段|フェーズ|단계"
)
_NUMBER = r"(?P<num>\d+(?:\.\d+)*[a-z]?\+?|[IVX]+\b)"
# "Current slice: Phase 1", "Completed slice: Phase 0": an agent's todo naming its slices
_SLICE_WORDS = r"(?:current|completed|complete|next|active|previous|finished|done|upcoming)\s+slice"
_SLICE_PREFIX = rf"(?:{_SLICE_WORDS}\s*[:—–-]\s*)?"
PHASE_RE = re.compile(rf"^{_SLICE_PREFIX}(?:{PHASE_WORDS})s?\s*[-#]?\s*{_NUMBER}", re.I)
# "## Completed Slice: Loop scopes", "## Current slice — Importer": a slice without a number
SLICE_RE = re.compile(rf"^{_SLICE_WORDS}\b", re.I)
# Workstreams that group tasks as phases do, when they hold the plan's tasks (the
# parser checks that): P0…P12, EP-…, PR1…PR4, Epic N, Story N.M, Week N.
WORKSTREAM_RE = re.compile(
    rf"^(?:P(?P<p>\d{{1,2}}(?:\.\d+)?)(?![\w.])|PR\s*[-#]?\s*(?P<pr>\d{{1,3}})\b|EP-(?P<ep>[A-Z0-9][\w.]*)|"
    rf"(?:epic|story|week)s?\s*[-#]?\s*{_NUMBER})",
    re.I,
)
TASK_HEADING_RE = re.compile(rf"^task\s*[-#]?\s*{_NUMBER}", re.I)
_CHECKPOINT_RE = re.compile(
    r"^(?:(?:final\s+)?checkpoints?\b|(?:quality\s+|acceptance\s+|release\s+)?gates?\b|gate\s+status\b|"
    r"definition\s+of\s+done\b|exit\s+criteria\b)",
    re.I,
)
# What follows a checkpoint word when the name is a topic or a verb, not a gate:
# "Checkpoint System", "Quality Gates Module", "Quality gates for the CI pipeline",
# "Gate the release behind a flag".
_TOPIC_RE = LazyRe(
    r"^[\s/&-]*(?:for\b(?!\s+(?:the\s+|this\s+|each\s+|every\s+)?(?:phase|step|stage|milestone|sprint|story|"
    r"epic|release|launch|mvp|merge|completion|v?\d|task|feature\s+\d|pr\b|slice|iteration|week))|"
    r"(?:and|or|in|into|of|to|with|via|on|as|behind|off|the|a|an|this|that|these|those|it|all|"
    r"each|every|its|their|our|new)\b|"  # "Gate the release on tests", "Checkpoint the database": verbs
    r"(?:systems?|modules?|services?|engines?|components?|managers?|management|implementation|integration|"
    r"pipelines?|frameworks?|support|logic|mechanisms?|handl(?:er|ers|ing)|api|apis|design|architecture|"
    r"library|infrastructure|config(?:uration)?|models?|schemas?|store|storage|persistence|tool(?:s|ing)?|"
    r"ui|pages?|views?|widgets?|endpoints?|controllers?|features?|creation|restore|recovery|format|"
    r"files?|classes?|functions?|helpers?|utilit(?:y|ies)|scripts?|workflows?|automation|runner|"
    r"checks?\s+(?:module|service|system))\b)",
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
TAG_LINE = LazyRe(r"^\s*</?[A-Za-z][\w-]*(?:[\s/>]|$)")
_EMPHASIS = LazyRe(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_ATX_DECOR = re.compile(r"^[\W_]*?(?=\w)", re.UNICODE)
GRAPH_SPLIT = LazyRe(r"\s*(?:→|->|⟶|=>)\s*")
GRAPH_ID = re.compile(r"^(?:[A-Z]{1,6}-?\d+|\d+(?:\.\d+)+)$")

def clean_inline(text: str) -> str:
    """Readable text from a line of Markdown: emphasis marks off, spaces folded."""
    if "*" in text or "__" in text:  # what the marks taken off are made of (most texts have none)
        text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def name_of(title: str) -> str:
    """A heading's title without leading decoration, for matching its name."""
    t = clean_inline(title).lstrip("#").strip()
    t = re.sub(r"^\d+(?:\.\d+)*[.)]\s+(?=\D)", "", t)  # "14. Development Phases"
    m = _ATX_DECOR.match(t)
    return t[m.end() :] if m else t


def phase_number(title: str) -> str | None:
    """The number a phase heading gives its phase: "3.1" for ``Phase 3.1: Setup``,
    "2" for ``P2 — Search``, ``Story 2.1``, ``PR2``; "auth" for ``EP-AUTH``."""
    name = name_of(title)
    m = PHASE_RE.match(name) or TASK_HEADING_RE.match(name)
    if m:
        return m.group("num").rstrip("+").lower()
    m = WORKSTREAM_RE.match(name)
    if m:
        return next(g for g in m.group("p", "pr", "ep", "num") if g is not None).rstrip("+").lower()
    return None


_RANGE_RE = re.compile(rf"^(?:{PHASE_WORDS})s?\s*[-#]?\s*(\d+)\s*(?:-|–|—|~|to)\s*(\d+)(?![\d.])", re.I)


def phase_range(title: str) -> tuple[str, ...] | None:
    """The phase numbers a heading naming a range covers (``Phase 2-6: …``,
    ``Phases 13–24``), None for a heading that names none."""
    m = _RANGE_RE.match(name_of(title))
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    return tuple(str(n) for n in range(a, b + 1)) if 0 <= b - a <= 100 else None


def is_workstream_name(title: str) -> bool:
    """Whether a heading names a workstream (``P0``, ``EP-12``, ``PR1``, ``Epic 2``,
    ``Story 1.3``, ``Week 4``) rather than a phase, step, stage or milestone."""
    name = name_of(title)
    return not PHASE_RE.match(name) and bool(WORKSTREAM_RE.match(name))


def may_name_checkpoint(text: str) -> bool:
    """Whether an ASCII text holds one of the words every checkpoint name holds, emphasis
    marks aside (no ASCII text without one names a checkpoint; beyond ASCII, case folding
    can make one)."""
    low = text.lower()
    if "*" in low or "_" in low:
        low = low.replace("*", "").replace("_", "")
    return "checkpoint" in low or "gate" in low or "definition" in low or "exit" in low


def is_checkpoint_name(title: str) -> bool:
    """Whether a heading, label or item names a checkpoint or gate (``Checkpoint 1:
    After Phase 2``, ``Quality Gates``, ``Definition of Done``, Kiro's ``Final
    checkpoint``), not a topic that mentions one (``Checkpoint System``,
    ``Quality Gates Module``, ``Quality gates for the CI pipeline``)."""
    if title.isascii() and not may_name_checkpoint(title):  # the common case, without the regexes
        return False
    name = name_of(title)
    m = _CHECKPOINT_RE.match(name)
    return bool(m) and not _names_topic(name, m.end())


def _names_topic(name: str, at: int) -> bool:
    """Whether what follows a checkpoint word at ``at`` makes the name a topic (:data:`_TOPIC_RE`)."""
    rest = name[at:]
    n = len(rest)
    k = 0
    while k < n and (rest[k].isspace() or rest[k] in "/&-"):
        k += 1
    if k == n or not rest[k].isalpha():
        return False  # every topic word starts with a letter ("Checkpoint 2", "Checkpoint: …" are no topic)
    return bool(_TOPIC_RE.match(rest))


# what leads an item that names a phase: a timestamp "(2025-10-01 13:00Z)", "Completed:"
_ITEM_LEAD_RE = LazyRe(
    r"^(?:\([^()]{1,40}\)\s*|(?:completed?|finished|done|started|shipped|implemented)\b\s*[:—–-]?\s*)+", re.I)


def phase_item_number(text: str) -> str | None:
    """The number of the phase an item is named for: "0" for ``Phase 0: Research
    complete``, "1" for an ExecPlan's ``(2025-10-01 13:00Z) Milestone 1: scaffold``
    or ``Completed Milestone 1``; None for an item that names no phase first."""
    t = clean_inline(text)
    m = _ITEM_LEAD_RE.match(t)
    if m:
        t = t[m.end():]
    m = PHASE_RE.match(name_of(t))
    return m.group("num").rstrip("+").lower() if m else None


_CHECKPOINT_TASK_RE = LazyRe(r"^(?:final\s+)?checkpoint\b", re.I)


def names_checkpoint_task(text: str) -> bool:
    """Whether a task's text is Kiro's checkpoint task: ``Checkpoint - Ensure all
    tests pass``, ``Final checkpoint``."""
    return bool(_CHECKPOINT_TASK_RE.match(name_of(text)))


@lru_cache(maxsize=1 << 17)
def split_id(text: str) -> tuple[str | None, tuple[str, ...], str]:
    """``**1.1** Setup`` -> ("1.1", (), "Setup"); tags [P] [US1] come after."""
    ident = None
    m = _ID_RE.match(text)
    if m:
        ident = m.group("id")
        text = text[m.end() :].lstrip()
    tags = []
    while text.startswith("["):  # (where a tag can be: the look spares most texts' last regex call)
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
_VALUE_DONE_RE = LazyRe(rf"^[\W_]*(?:{_DONE_WORD})\b|^\s*(?:✅|✔|☑)", re.I)


def title_says_done(title: str) -> bool:
    """Whether a heading says its section is done: ``Phase 1: Setup ✅``,
    ``Step 2 (COMPLETE)``, ``Phase 3 [DONE]``, ``Phase 4 — Done``."""
    return bool(_TITLE_DONE_RE.search(title))


def value_says_done(value: str) -> bool:
    """Whether a ``**Status:**`` value says done: ``Complete``, ``✅ Done``,
    ``Completed 2025-01-03`` (not ``Not complete``, ``In progress``)."""
    return bool(_VALUE_DONE_RE.match(value))


_STARTED_WORD = r"(?:in[\s-]progress|wip|ongoing|under\s+way|started|partial(?:ly\s+done)?)"
_TITLE_STARTED_RE = re.compile(
    rf"🚧|🔄|\(\s*{_STARTED_WORD}\s*\)|\[\s*{_STARTED_WORD}\s*\]|\s[—–-]+\s*{_STARTED_WORD}\s*[.!]?\s*$", re.I)
_VALUE_STARTED_RE = LazyRe(rf"^[\W_]*{_STARTED_WORD}\b|^\s*(?:🚧|🔄)", re.I)


def title_says_started(title: str) -> bool:
    """Whether a heading says its section is under way: ``Phase 4: Export 🚧``,
    ``Milestone 2 (In Progress)``, ``Step 3 [WIP]``, ``Phase 5 — in progress``."""
    return bool(_TITLE_STARTED_RE.search(title))


def value_says_started(value: str) -> bool:
    """Whether a ``**Status:**`` value says under way: ``In progress``, ``🚧 WIP``,
    ``Started 2025-01-03`` (not ``Not started``)."""
    return bool(_VALUE_STARTED_RE.match(value))
