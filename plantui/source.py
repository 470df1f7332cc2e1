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
from dataclasses import dataclass, field

BOM = b"\xef\xbb\xbf"
_EOL = re.compile(r"\r\n|\r|\n")


def decode(raw: bytes) -> tuple[str, bool]:
    """Return the text of ``raw`` and whether it started with a UTF-8 BOM."""
    bom = raw.startswith(BOM)
    body = raw[len(BOM) :] if bom else raw
    return body.decode("utf-8", "surrogateescape"), bom


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


@dataclass(frozen=True)
class Lines:
    """Line starts of a text, with the same line breaks CommonMark uses."""

    text: str
    starts: tuple[int, ...] = field(repr=False)
    ends: tuple[int, ...] = field(repr=False)  # end of content, before the EOL

    @classmethod
    def of(cls, text: str) -> "Lines":
        starts = [0]
        ends = []
        for m in _EOL.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        return cls(text, tuple(starts), tuple(ends))

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, n: int) -> str:
        """Line ``n`` (0-based) without its line ending."""
        return self.text[self.starts[n] : self.ends[n]]

    def offset(self, n: int, col: int) -> int:
        return self.starts[n] + col

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def normalized(self) -> str:
        """The text with every line ending turned into LF, line for line."""
        return "\n".join(self.line(i) for i in range(len(self)))


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
