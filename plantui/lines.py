"""Bytes in, text out, and back again without losing a byte.

A plan is read as bytes and decoded as UTF-8 with ``surrogateescape``, so an
invalid byte becomes a lone surrogate that encodes back to the very same byte.
The BOM is kept aside, line endings are kept in the text as written (CRLF, LF
and lone CR alike), and every position plantui edits is a (line, column) pair
in that text.  Encoding the edited text therefore reproduces every byte that
was not edited.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add

BOM = b"\xef\xbb\xbf"
_EOL_SPLIT = re.compile(r"(\r\n|\r|\n)")


def decode(raw: bytes) -> tuple[str, bool]:
    """Return the text of ``raw`` and whether it started with a UTF-8 BOM."""
    bom = raw.startswith(BOM)
    body = raw[len(BOM) :] if bom else raw
    return body.decode("utf-8", "surrogateescape"), bom


def decode_lines(raw: bytes) -> tuple["Lines", bool]:
    """:func:`decode` and :meth:`Lines.of` in one."""
    text, bom = decode(raw)
    return Lines.of(text), bom


def encode(text: str, bom: bool) -> bytes:
    """The exact inverse of :func:`decode`."""
    body = text.encode("utf-8", "surrogateescape")
    return BOM + body if bom else body


def printable(text: str) -> str:
    """Text safe to print or serialise: undecodable bytes become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def looks_binary(raw: bytes) -> bool:
    """A NUL byte in the first 8 KiB, as git and grep decide it."""
    return b"\x00" in raw[:8192]


class Lines:
    """The lines of a text, broken where CommonMark breaks them (CRLF, LF, lone CR).

    Treat as immutable.  ``parts`` are the lines without their endings; where
    lines start (in characters, and in bytes) is worked out when first asked
    for, and carried over by :meth:`spliced` when no line changes its length.
    """

    __slots__ = ("text", "parts", "_seps", "_starts", "_ascii")

    def __init__(self, text: str, parts: list[str], seps: list[str] | None) -> None:
        self.text = text
        self.parts = parts
        self._seps = seps  # each line's ending; None when every one is LF
        self._starts: tuple[int, ...] | None = None
        self._ascii: bool | None = None

    @classmethod
    def of(cls, text: str) -> "Lines":
        if "\r" not in text:
            return cls(text, text.split("\n"), None)
        pieces = _EOL_SPLIT.split(text)
        return cls(text, pieces[0::2], pieces[1::2])

    def __len__(self) -> int:
        return len(self.parts)

    def __repr__(self) -> str:
        return f"Lines({len(self.parts)} lines)"

    @property
    def chars(self) -> int:
        """The length of the text."""
        return len(self.text)

    @property
    def starts(self) -> tuple[int, ...]:
        if self._starts is None:
            parts = self.parts
            if self._seps is None:
                steps = map((1).__add__, map(len, parts[:-1]))  # every line ending is one LF
            else:
                steps = map(add, map(len, parts), map(len, self._seps))
            self._starts = (0, *accumulate(steps))
        return self._starts

    def line(self, n: int) -> str:
        """Line ``n`` (0-based) without its line ending."""
        return self.parts[n]

    def offset(self, n: int, col: int) -> int:
        """The offset in the text of column ``col`` of line ``n``."""
        return self.starts[n] + col

    def line_of(self, offset: int) -> int:
        """The line that holds ``offset``."""
        return bisect_right(self.starts, offset) - 1

    def byte_offset(self, offset: int) -> int:
        """Where character ``offset`` of the text starts in its UTF-8 encoding
        (with ``surrogateescape``, as :func:`encode` writes it; BOM not counted)."""
        if self._ascii is None:
            self._ascii = self.text.isascii()
        return offset if self._ascii else offset + _extra(self.text[:offset])

    def spliced(self, edits: list[tuple[int, int, str]]) -> "Lines":
        """The lines after :func:`splice` of ``edits`` (offsets into this text).

        Edits within lines that add no line break (a marker, a field's value)
        change only their lines: the rest is shared, and the line starts too when
        every line keeps its length.
        """
        text = splice(self.text, edits)
        by_line: dict[int, list[tuple[int, int, str]]] = {}
        for start, end, new in edits:
            k = self.line_of(start)
            col, col_end = start - self.starts[k], end - self.starts[k]
            if "\n" in new or "\r" in new or col_end > len(self.parts[k]):
                return Lines.of(text)  # a line break comes or goes: count again
            by_line.setdefault(k, []).append((col, col_end, new))
        parts = list(self.parts)
        same_lengths = True
        for k, line_edits in by_line.items():
            parts[k] = splice(parts[k], line_edits)
            if not parts[k] and self._seps is not None:
                return Lines.of(text)  # "\r" + "" + "\n" would read as one break
            same_lengths = same_lengths and len(parts[k]) == len(self.parts[k])
        out = Lines(text, parts, self._seps)
        if same_lengths:
            out._starts = self._starts
        return out


def _extra(text: str) -> int:
    """How many more bytes than characters ``text`` takes in UTF-8 (``surrogateescape``)."""
    return 0 if text.isascii() else len(text.encode("utf-8", "surrogateescape")) - len(text)


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping ``(start, end, replacement)`` edits to ``text``."""
    out = []
    pos = 0
    for start, end, new in sorted(edits):
        if start < pos:
            raise ValueError("overlapping edits")
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def relined(old_raw: bytes, old: Lines, raw: bytes, most: int = 16) -> Lines | None:
    """The lines of ``raw``, from ``old`` (the lines of ``old_raw``) when ``raw``
    differs from it in a few places (at most ``most``), each within one line,
    with the size and every line break where they were: the common outside
    change, a box ticked and a field's value rewritten.  Else None.

    Only the lines that changed are decoded; the text is spliced and the rest
    of the lines are shared, so no decode or split of a big file is needed.
    """
    if len(raw) != len(old_raw) or old._seps is not None or raw[:3] != old_raw[:3]:
        return None  # other sizes, CR line ends, a BOM come or gone: decode it all
    bom = len(BOM) if raw.startswith(BOM) else 0
    edits: list[tuple[int, int, str]] = []
    pos = line = counted = 0  # lines before offset ``counted``
    n = len(raw)
    while True:
        k = pos + common_prefix(old_raw, pos, raw, pos)
        if k == n:
            break
        if len(edits) == most:
            return None
        start = raw.rfind(b"\n", 0, k) + 1  # the bytes before k are the same in both
        end, old_end = raw.find(b"\n", k), old_raw.find(b"\n", k)
        if end != old_end or raw.find(b"\r", start, end) >= 0:
            return None  # a line break came, went or moved
        end = n if end < 0 else end
        line += raw.count(b"\n", counted, start)
        counted = start
        was = old_raw[max(start, bom) : end].decode("utf-8", "surrogateescape")
        if old.parts[line] != was:
            return None  # (cannot be: old is not the lines of old_raw)
        at = old.offset(line, 0)
        edits.append((at, at + len(was), raw[max(start, bom) : end].decode("utf-8", "surrogateescape")))
        pos = end
    return old.spliced(edits) if edits else old


def common_prefix(a: str | bytes, i: int, b: str | bytes, j: int) -> int:
    """How many characters (bytes) ``a[i:]`` and ``b[j:]`` share at their start.

    Compared a block at a time, then in smaller blocks, then one by one: few
    steps in Python however long the stretch in common.
    """
    n = min(len(a) - i, len(b) - j)
    p = 0
    for block in (1 << 16, 256):
        while p + block <= n and a[i + p : i + p + block] == b[j + p : j + p + block]:
            p += block
    while p < n and a[i + p] == b[j + p]:
        p += 1
    return p
