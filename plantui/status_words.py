"""The words and emoji a plan writes a task's state in (``✅``, ``pending``,
``In Progress``, ``cancelled``…): the one vocabulary read by the tasks that are not
boxes (:mod:`.markdown.nonbox`), by the status cells of tables and by the tables of counts
(:mod:`.markdown.walk`), and by the history of ticks (:mod:`.timeline`)."""

from __future__ import annotations

import re

from .model import State

EMOJI = {
    "✅": State.DONE, "✔": State.DONE, "☑": State.DONE, "✓": State.DONE,
    "🚧": State.IN_PROGRESS, "🔄": State.IN_PROGRESS, "⏳": State.IN_PROGRESS, "🟡": State.IN_PROGRESS,
    "⬜": State.OPEN, "☐": State.OPEN, "🔲": State.OPEN, "❌": State.OPEN,
}
WORDS = (  # longest first within a state; the first that matches says the state
    (State.OPEN, r"not[\s_-]+(?:yet[\s_-]+)?(?:started|done|completed|complete)|to[\s_-]?do|todo|pending|planned|backlog|"
                 r"queued|open"),
    (State.IN_PROGRESS, r"in[\s_-]+progress|in[\s_-]+review|wip|ongoing|doing|review|partial"),
    (State.DONE, r"completed|complete|done|finished|passed|shipped|resolved"),
    (State.SKIPPED, r"cancell?ed|deferred|skipped|dropped"),
    (State.OTHER, r"blocked|failed|on[\s_-]+hold"),
)
WORD = "|".join(w for _, w in WORDS)
WORD_RE = re.compile(rf"(?<![\w-])(?:{WORD})(?![\w-])", re.I)
_STATE_RES = tuple((state, re.compile(rf"^(?:{w})$", re.I)) for state, w in WORDS)
EMOJI_RE = re.compile("(?:" + "|".join(map(re.escape, EMOJI)) + ")\ufe0f?")


def state_of_word(word: str) -> State:
    """The state a status word says (``pending``: open); OTHER for one it does not know."""
    for state, pattern in _STATE_RES:
        if pattern.match(word):
            return state
    return State.OTHER


def state_of_emoji(emoji: str) -> State:
    """The state an emoji of :data:`EMOJI` says, with or without its variation selector."""
    return EMOJI[emoji.rstrip("\ufe0f")]


def status_of_cell(cell: str) -> State | None:
    """The state a table cell says: its first status word (``Done, pending review`` is done;
    ``Not done`` is open), which wins over an emoji (``⏳ Pending`` is open); None for none."""
    m = WORD_RE.search(cell)
    if m:
        return state_of_word(m.group())
    m = EMOJI_RE.search(cell)
    return state_of_emoji(m.group()) if m else None


_MARKUP = re.compile(r"[*_`~\s.:!]+")
_NOTE = re.compile(r"\s*\([^)]*\)\s*$")  # "(2024-01-05)" after a status
_SIGNS = re.compile(r"^[^\w(]+|[^\w)]+$")


def status_of_bare_cell(cell: str) -> State | None:
    """The state of a cell that reads as a status: it starts with a status emoji (``✅ Pass``,
    ``🚧``) or says nothing but a status word (``**Pending**``, ``⚠️ Partial``); None for any
    other (``Review error logs`` is a task's name, not a status)."""
    text = _MARKUP.sub(" ", cell).strip()
    emoji = EMOJI_RE.match(text)
    if emoji:  # a status word after it says more (⏳ Pending); other words name a thing (✅ Review logs)
        word = _SIGNS.sub("", _NOTE.sub("", text[emoji.end():]))
        return state_of_word(word) if WORD_RE.fullmatch(word) else state_of_emoji(emoji.group())
    rest = _SIGNS.sub("", _NOTE.sub("", text))
    return state_of_word(rest) if WORD_RE.fullmatch(rest) else None
