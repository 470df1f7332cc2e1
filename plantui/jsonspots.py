"""JSON read with where each value stands: for stores kept as JSON (Task Master's
tasks.json, Claude Code's task lists), whose status values plantui finds in the text.

:func:`load` returns what :func:`json.loads` would, except that every object is
a :class:`Obj` (a dict) whose ``spots`` give the character offsets (start, end)
of each member's value in the text: a string's spot includes its quotes, so its
content is ``text[start + 1:end - 1]``, exactly as written (escapes and all).
Strings are decoded by :func:`json.decoder.scanstring` (C): the same rules as
:mod:`json`.  :class:`Made`, :func:`as_list` and :func:`as_text` are what the
stores' readers share.
"""

from __future__ import annotations

import re
from json.decoder import scanstring

from .model import Edge, Item, Phase, Warning

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))
MAX_DEPTH = 200


class JSONError(ValueError):
    """Not valid JSON: ``pos`` is the character offset where reading stopped."""

    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.pos = pos


class Obj(dict):
    """A JSON object; ``spots[key]``: (start, end) of that member's value in the text."""

    __slots__ = ("spots",)

    def __init__(self) -> None:
        super().__init__()
        self.spots: dict[str, tuple[int, int]] = {}


def load(text: str) -> object:
    """The value of the JSON document ``text`` (objects as :class:`Obj`)."""
    value, end = value_at(text, _WS.match(text, 0).end())
    end = _WS.match(text, end).end()
    if end != len(text):
        raise JSONError("more after the JSON value", end)
    return value


def value_at(text: str, pos: int, depth: int = 0) -> tuple[object, int]:
    """The value that starts at ``pos`` (no whitespace before it) and where it ends."""
    if depth > MAX_DEPTH:
        raise JSONError(f"nested more than {MAX_DEPTH} deep", pos)
    ch = text[pos : pos + 1]
    if ch == '"':
        try:
            return scanstring(text, pos + 1)
        except ValueError as exc:
            said = getattr(exc, "msg", str(exc)).removesuffix(" at")  # "Unterminated string starting at"
            raise JSONError(said, getattr(exc, "pos", pos)) from None
    if ch == "{":
        return _object(text, pos, depth)
    if ch == "[":
        return _array(text, pos, depth)
    m = _NUMBER.match(text, pos)
    if m and m.end() > pos:
        number = m.group()
        return (float(number) if any(c in number for c in ".eE") else int(number)), m.end()
    for word, value in _LITERALS:
        if text.startswith(word, pos):
            return value, pos + len(word)
    raise JSONError("expected a value" if ch else "the text ends where a value should be", pos)


def _object(text: str, pos: int, depth: int) -> tuple[Obj, int]:
    out = Obj()
    pos = _WS.match(text, pos + 1).end()
    if text.startswith("}", pos):
        return out, pos + 1
    while True:
        if not text.startswith('"', pos):
            raise JSONError("expected a property name in double quotes", pos)
        key, pos = value_at(text, pos, depth + 1)
        pos = _WS.match(text, pos).end()
        if not text.startswith(":", pos):
            raise JSONError("expected ':' after a property name", pos)
        start = _WS.match(text, pos + 1).end()
        value, pos = value_at(text, start, depth + 1)
        out[key] = value  # the last of repeated keys wins, as in json.loads
        out.spots[key] = (start, pos)
        pos = _WS.match(text, pos).end()
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()
        elif text.startswith("}", pos):
            return out, pos + 1
        else:
            raise JSONError("expected ',' or '}' in an object", pos)


def _array(text: str, pos: int, depth: int) -> tuple[list, int]:
    out: list = []
    pos = _WS.match(text, pos + 1).end()
    if text.startswith("]", pos):
        return out, pos + 1
    while True:
        value, pos = value_at(text, pos, depth + 1)
        out.append(value)
        pos = _WS.match(text, pos).end()
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()
        elif text.startswith("]", pos):
            return out, pos + 1
        else:
            raise JSONError("expected ',' or ']' in an array", pos)


def string_at(lines, obj: Obj, key: str, base: int = 0) -> tuple[int, int, str] | None:
    """Where the content of ``obj``'s string member ``key`` stands in ``lines`` (a
    :class:`plantui.lines.Lines` of the text read; ``base``: the offset there of the
    text ``obj`` was loaded from): (0-based line, column, the content as written),
    inside its quotes; None when the member is not a string."""
    spot = obj.spots.get(key)
    if spot is None or not isinstance(obj.get(key), str):
        return None
    start = base + spot[0] + 1
    n = lines.line_of(start)
    return n, start - lines.offset(n, 0), lines.text[start : base + spot[1] - 1]


def first_line(lines, obj: Obj, base: int = 0) -> int:
    """The 0-based line where ``obj``'s first member's value stands (0 for an empty object)."""
    return lines.line_of(base + next(iter(obj.spots.values()), (0, 0))[0]) if obj.spots else 0


def error_text(exc: JSONError, text: str) -> str:
    """``line L column C: what``, for a person (1-based, as editors count)."""
    line = text.count("\n", 0, exc.pos) + 1
    column = exc.pos - (text.rfind("\n", 0, exc.pos) + 1) + 1
    return f"line {line} column {column}: {exc}"


# -- what the stores' readers share --------------------------------------------------------


class Made:
    """The items, phases, edges and warnings of a store, as they are read."""

    def __init__(self, lines) -> None:
        self.lines = lines
        lines.starts  # noqa: B018 - worked out once: every status is located by a bisect in them
        self.items: list[Item] = []
        self.phases: list[Phase] = []
        self.edges: list[Edge] = []
        self.warnings: list[Warning] = []


def as_list(value: object) -> list:
    """``value`` when it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def as_text(value: object) -> str:
    """``value`` on one line when it is a JSON string, else ""."""
    return " ".join(value.split()) if isinstance(value, str) else ""
