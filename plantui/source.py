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
MARK = 1024  # lines per entry of the table Lines.offset and Lines.byte_offset start from
_EOL_SPLIT = re.compile(r"(\r\n|\r|\n)")


def decode(raw: bytes) -> tuple[str, bool]:
    """Return the text of ``raw`` and whether it started with a UTF-8 BOM."""
    bom = raw.startswith(BOM)
    body = raw[len(BOM) :] if bom else raw
    return body.decode("utf-8", "surrogateescape"), bom


def decode_lines(raw: bytes, block: int = 1 << 20) -> tuple["Lines", bool]:
    """:func:`decode` and :meth:`Lines.of` in one: the same result, worked out a
    block of about ``block`` bytes at a time.

    Each step is a C call over one block, not over the whole file, and another
    thread (the UI) gets its turn between steps: a 10 MB plan decoded and split
    in one go held the interpreter for 40-100 ms.  Blocks end just after a line
    feed, which is never inside a UTF-8 sequence nor between a CR and its LF.
    The text stays in its blocks (:attr:`Lines.blocks`): joining them was one C
    call of 10-80 ms on a 10 MB plan.
    """
    bom = raw.startswith(BOM)
    start = len(BOM) if bom else 0
    n = len(raw)
    if n - start <= block:
        return Lines.of(raw[start:].decode("utf-8", "surrogateescape")), bom
    texts: list[str] = []
    parts: list[str] = []
    seps: list[str] | None = [] if b"\r" in raw else None
    while start < n:
        cut = raw.find(b"\n", start + block)
        end = n if cut < 0 else cut + 1
        chunk = raw[start:end].decode("utf-8", "surrogateescape")
        texts.append(chunk)
        pieces = chunk.split("\n") if seps is None else _EOL_SPLIT.split(chunk)
        if end < n:
            pieces.pop()  # the empty piece after the block's last line feed: the next block goes on
        if seps is None:
            parts.extend(pieces)
        else:
            parts.extend(pieces[0::2])
            seps.extend(pieces[1::2])
        start = end
    return Lines(tuple(texts), parts, seps), bom


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

    Treat as immutable.  ``parts`` are the lines without their endings; the
    offsets of line starts and ends are worked out when first asked for.  The
    text itself is kept in ``blocks``, each ending at the end of a line (a big
    file's text is read a block at a time: see :func:`decode_lines`); ``text``
    joins them when first asked for, and the work on a big plan never asks.
    """

    __slots__ = ("_text", "blocks", "_block_starts", "parts", "_seps", "_starts", "_ends", "_marks")

    def __init__(self, text: str | tuple[str, ...], parts: list[str], seps: list[str] | None) -> None:
        self.blocks: tuple[str, ...] = (text,) if isinstance(text, str) else text
        self._text: str | None = self.blocks[0] if len(self.blocks) == 1 else None
        self._block_starts = (0, *accumulate(map(len, self.blocks)))  # and the length of the text, last
        self.parts = parts
        self._seps = seps  # each line's ending; None when every one is LF
        self._starts: tuple[int, ...] | None = None
        self._ends: tuple[int, ...] | None = None
        self._marks: tuple[list[int], list[int]] | None = None  # see _table

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
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self.blocks)
        return self._text

    @property
    def chars(self) -> int:
        """The length of the text."""
        return self._block_starts[-1]

    def _block(self, offset: int) -> int:
        """The block that holds ``offset`` (the last one for the end of the text)."""
        return min(bisect_right(self._block_starts, offset), len(self.blocks)) - 1

    def slice(self, start: int, end: int) -> str:
        """``text[start:end]``, from the blocks."""
        if self._text is not None:
            return self._text[start:end]
        starts, blocks = self._block_starts, self.blocks
        out = []
        k = self._block(start)
        while start < end and k < len(blocks):
            out.append(blocks[k][start - starts[k] : end - starts[k]])
            start = starts[k + 1]
            k += 1
        return "".join(out)

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

    @property
    def ends(self) -> tuple[int, ...]:
        """Where each line's content ends, before its line ending."""
        if self._ends is None:
            self._ends = tuple(map(add, self.starts, map(len, self.parts)))
        return self._ends

    def line(self, n: int) -> str:
        """Line ``n`` (0-based) without its line ending."""
        return self.parts[n]

    def offset(self, n: int, col: int) -> int:
        """The offset in the text of column ``col`` of line ``n``."""
        if self._starts is not None:
            return self._starts[n] + col
        chars = self._table()[0]
        a = n - n % MARK
        between = n - a if self._seps is None else sum(map(len, self._seps[a:n]))
        return chars[a // MARK] + sum(map(len, self.parts[a:n])) + between + col

    def line_of(self, offset: int) -> int:
        """The line that holds ``offset``."""
        if self._seps is None and self._starts is None:  # no need to work out every start
            k = self._block(offset)
            before = sum(block.count("\n") for block in self.blocks[:k])
            return before + self.blocks[k].count("\n", 0, offset - self._block_starts[k])
        return bisect_right(self.starts, offset) - 1

    def byte_offset(self, offset: int) -> int:
        """Where character ``offset`` of the text starts in its UTF-8 encoding
        (with ``surrogateescape``, as :func:`encode` writes it; BOM not counted).

        An ASCII text: the offset itself.  Otherwise the extra bytes before the
        nearest line of the table (see :meth:`_table`), and those between it and
        ``offset``: a few thousand characters encoded at most.
        """
        if all(block.isascii() for block in self.blocks):
            return offset
        chars, extras = self._table()
        j = bisect_right(chars, offset) - 1
        return offset + extras[j] + _extra(self.slice(chars[j], offset))

    def _table(self) -> tuple[list[int], list[int]]:
        """For every ``MARK``-th line: where it starts in the text, and how many more
        bytes than characters the text before it takes in UTF-8.

        Worked out once, at C speed a block of lines at a time, and carried over
        to the lines after a change within lines (:meth:`spliced`): a tick of a
        10 MB plan locates its box and its bytes without summing every line.
        """
        if self._marks is None:
            parts, seps = self.parts, self._seps
            n = len(parts)
            chars: list[int] = []
            extras: list[int] = []
            char = extra = 0
            for a in range(0, n, MARK):
                chars.append(char)
                extras.append(extra)
                b = min(a + MARK, n)
                length = sum(map(len, parts[a:b])) + (b - a - (b == n) if seps is None else sum(map(len, seps[a:b])))
                extra += _extra(self.slice(char, char + length))
                char += length
            self._marks = (chars, extras)
        return self._marks

    def spliced(self, edits: list[tuple[int, int, str]]) -> "Lines":
        """The lines after :func:`splice` of ``edits`` (offsets into this text).

        Edits within lines that add no line break (a marker, a field's value)
        change only their lines: the rest is shared, and the offsets too when
        every line keeps its length.
        """
        by_line: dict[int, list[tuple[int, int, str]]] = {}
        for start, end, new in edits:
            k = self.line_of(start)
            line_start = self._line_start(k, start)
            col, col_end = start - line_start, end - line_start
            if "\n" in new or "\r" in new or col_end > len(self.parts[k]):
                return Lines.of(splice("".join(self.blocks), edits))  # a line break comes or goes: count again
            by_line.setdefault(k, []).append((col, col_end, new))
        parts = list(self.parts)
        same_lengths = True
        shifts = []  # (line, characters more, bytes more than characters more)
        for k, line_edits in by_line.items():
            parts[k] = splice(parts[k], line_edits)
            if not parts[k] and self._seps is not None:
                return Lines.of(splice("".join(self.blocks), edits))  # "\r" + "" + "\n" would read as one break
            was, now = self.parts[k], parts[k]
            same_lengths = same_lengths and len(now) == len(was)
            shift = (k, len(now) - len(was), _extra(now) - _extra(was))
            if shift[1] or shift[2]:
                shifts.append(shift)
        out = Lines(self._blocks_after(edits), parts, self._seps)
        if same_lengths:
            out._starts, out._ends = self._starts, self._ends
        if self._marks is not None:
            out._marks = self._marks
            if shifts:
                chars, extras = list(self._marks[0]), list(self._marks[1])
                for k, dc, dx in shifts:
                    for j in range(k // MARK + 1, len(chars)):
                        chars[j] += dc
                        extras[j] += dx
                out._marks = (chars, extras)
        return out

    def _line_start(self, k: int, offset: int) -> int:
        """Where line ``k``, which holds ``offset``, starts."""
        if self._starts is not None:
            return self._starts[k]
        if self._seps is None:  # the line feed before offset, in its block (blocks end at line ends)
            b = self._block(offset)
            start = self._block_starts[b]
            return start + self.blocks[b].rfind("\n", 0, offset - start) + 1
        return self.offset(k, 0)

    def _blocks_after(self, edits: list[tuple[int, int, str]]) -> tuple[str, ...]:
        """The blocks after ``edits`` within lines: only the blocks they touch are spliced."""
        if len(self.blocks) == 1:
            return (splice(self.blocks[0], edits),)
        blocks, starts = list(self.blocks), self._block_starts
        by_block: dict[int, list[tuple[int, int, str]]] = {}
        for start, end, new in edits:
            b = self._block(start)
            by_block.setdefault(b, []).append((start - starts[b], end - starts[b], new))
        for b, block_edits in by_block.items():
            blocks[b] = splice(blocks[b], block_edits)
        return tuple(blocks)

    def normalized(self) -> str:
        """The text with every line ending turned into LF, line for line."""
        return "\n".join(self.parts)


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
