"""A fast reading of the Markdown plans are written in, equal to markdown-it's.

:func:`scan_chunk` reads a chunk's text (see :mod:`.chunks`) line by line and
returns exactly what markdown-it-py's block parser and :class:`~.walk.Walker`
return for it (:func:`.chunks.parse_chunk`): the same :class:`~.walk.Collected`,
or None when the heading line that closes the chunk is swallowed by a block
above it.  It follows markdown-it's block rules step by step -- the same line
marks (``bMarks``, ``tShift``, ``sCount``), the same rule order, the same
termination checks -- but only for the subset plans are written in:

* blank lines; paragraphs, lazy continuation lines included;
* ATX headings; thematic breaks;
* bullet and ordered lists, nested, tight or loose, with task boxes;
* fenced code blocks (backticks and tildes, in list items too);
* GFM tables; HTML comment blocks (``<!-- … -->``).

What markdown-it gives for these is read with Walker's own code where it can
be called (``box``, ``content_start``, ``clean_inline``, ``Walker._table`` and
``Walker._paragraph`` given the few tokens they read).
Whenever markdown-it could read the text as anything else -- a block quote,
any other HTML block, an indented code block, a setext heading, a link
reference definition, an empty list item, tabs where they count, lists nested
deeper than :data:`MAX_DEPTH` -- it answers :data:`DECLINE` and the caller
parses with markdown-it.  Declining is always safe and a wrong answer never
is, so every check here errs on the side of declining.
"""

from __future__ import annotations

import re
from itertools import repeat
from operator import ge, sub

from ..config import Settings
from ..model import Warning
from ..names import clean_inline
from .walk import Collected, RawHeading, RawItem, Walker, box, content_start

__all__ = ["DECLINE", "Declined", "scan_chunk"]


class Declined:
    """The type of :data:`DECLINE`: "not sure, parse this one with markdown-it"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DECLINE"


DECLINE = Declined()

MAX_DEPTH = 6  # lists nested deeper are left to markdown-it (Walker warns from 9 levels on)

# markdown-it's mdTrim set (markdown_it.common.utils.MD_TRIM_CHARS; a test holds the two equal)
MD_TRIM = "".join(
    chr(c)
    for c in sorted({0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0x2028, 0x2029}
                    | set(range(0x2000, 0x200B)))
)

_ORDERED = re.compile(r"[0-9]{1,9}[.)](?=[ \t]|$)")  # markdown-it's ordered list marker
_DELIMITER_ROW = re.compile(r"[ \t]*[|:-][|: \t-]*")  # what could be a table's second line (and more)
_SPACES = " \t"
_ALIGN = re.compile(r":?-+:?\Z")  # a delimiter row's cell
_SETEXT = re.compile(r"(?:-+|=+)[ \t]*\Z")  # markdown-it's lheading underline
_HR = re.compile(r"([-*_])[ \t]*(?:\1[ \t]*){2,}\Z")  # markdown-it's hr rule: three or more, blanks between
# the characters a block can start with other than a paragraph (a space: text after a task box)
_NOT_PLAIN = frozenset("`~>*-_+#<[0123456789 \t")
_TERMINATORS = frozenset("-=*_`~>+#<0123456789")  # what a line ending a paragraph can start with


class _Decline(Exception):
    pass


class _Token:
    """What Walker._table and Walker._paragraph read of a markdown-it token."""

    __slots__ = ("type", "map", "content")

    def __init__(self, type: str, map: "list[int] | None" = None, content: str = ""):
        self.type = type
        self.map = map
        self.content = content


def _split_row(text: str) -> list[str]:
    """A table row's cells: markdown-it's escapedSplit, without the empty
    first and last cells its pipes at the ends give."""
    if "\\" not in text:
        cells = text.split("|")
    else:
        cells = []
        escaped = False
        last = 0
        current = ""
        for pos, ch in enumerate(text):
            if ch == "|":
                if not escaped:
                    cells.append(current + text[last:pos])
                    current = ""
                    last = pos + 1
                else:
                    current += text[last : pos - 1]
                    last = pos
            escaped = ch == "\\"
        cells.append(current + text[last:])
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _bullet_end(s: str, p: int) -> int:
    """markdown-it's skipBulletListMarker: the column after the bullet at ``p``, or 0."""
    if s[p] in "*-+" and (p + 1 == len(s) or s[p + 1] == " " or s[p + 1] == "\t"):
        return p + 1
    return 0


def _ordered_end(s: str, p: int) -> int:
    """markdown-it's skipOrderedListMarker: the column after the ordered marker at ``p``, or 0."""
    m = _ORDERED.match(s, p)
    return m.end() if m else 0


def _item_start(s: str, after: int) -> "tuple[int, bool | None, int]":
    """Where a list item's content starts, its marker ending at ``after``
    (``list_block``'s contentStart), its task mark (checked; None when no task)
    and where its text starts (the tasklists rule moves the line's begin mark
    past the box).  An empty item, a tab after the marker, an indented code
    block in the item and a task with nothing after its box decline."""
    n = len(s)
    if after + 1 < n and s[after] == " " and s[after + 1] != " " and s[after + 1] != "\t":
        pos = after + 1  # one space after the marker, as most have
    else:
        rest = s[after:].lstrip(" ")
        pos = n - len(rest)
        if not rest or rest[0] == "\t" or pos - after > 4:
            raise _Decline("item")
    if pos + 4 <= n and s[pos] == "[" and s[pos + 2] == "]" and s[pos + 3] in _SPACES:
        inner = s[pos + 1]
        checked = False if inner == " " else True if inner == "x" or inner == "X" else None
        if checked is not None:
            if pos + 4 == n or (s[pos + 4] in _SPACES and not s[pos + 4 :].strip(_SPACES)):
                raise _Decline("item")
            return pos, checked, pos + 4
    return pos, None, pos

REASONS: "dict[str, int] | None" = None  # set to {} to count why chunks decline (measurements, tests)


def _declined(reason: str) -> Declined:
    if REASONS is not None:
        REASONS[reason] = REASONS.get(reason, 0) + 1
    return DECLINE


def scan_chunk(text: str, settings: Settings, last: bool) -> "Collected | None | Declined":
    """What :func:`.chunks.parse_chunk` returns for these arguments, or
    :data:`DECLINE` when the text holds something this scanner does not model."""
    if "\r" in text or "\0" in text:  # markdown-it would normalize them
        return _declined("line break or NUL")
    lines = text.split("\n")
    heads = set()  # lines that could open a table: a "|" in them, a delimiter row after
    if "|" in text:
        for k in range(len(lines) - 1):
            if "|" in lines[k] and _DELIMITER_ROW.fullmatch(lines[k + 1]):
                heads.add(k)
    try:
        return _Scan(lines, settings, "\t" in text, heads).run(last)
    except _Decline as why:
        return _declined(why.args[0])
    except Exception:  # a slip here must cost neither a wrong answer nor a crash (the tests allow none)
        return _declined("error")


class _Scan:
    """markdown-it's StateBlock and block rules for the subset, read as Walker reads tokens.

    Per line, as markdown-it keeps them: ``B`` the begin mark (``bMarks``, as a
    column in the line), ``P`` where its content starts (``bMarks + tShift``),
    ``S`` its indent in columns (``sCount``).  A list item moves them on its
    first line while it is read, as markdown-it does.
    """

    __slots__ = ("lines", "settings", "n", "P", "S", "B", "tab", "heads", "empty", "blk", "list_indent", "depth",
                 "out", "box_stack", "item_starts", "pending", "root_heading")

    def __init__(self, lines: list[str], settings: Settings, tabs: bool, heads: set[int]):
        self.lines = lines
        self.settings = settings
        n = len(lines)
        if n and not lines[-1].strip(_SPACES):
            n -= 1  # markdown-it counts no last line made of blanks only
        self.n = n
        own = lines if n == len(lines) else lines[:n]
        lengths = list(map(len, own))
        P = list(map(sub, lengths, map(len, map(str.lstrip, own, repeat(" ")))))  # leading spaces (a methodcaller: 3x slower)
        tab = [False] * n
        if tabs:
            S = []
            for k in range(n):
                s = lines[k]
                if s[P[k] : P[k] + 1] == "\t":
                    col = p = 0
                    for ch in s:
                        if ch == " ":
                            col += 1
                        elif ch == "\t":
                            col += 4 - col % 4
                        else:
                            break
                        p += 1
                    P[k] = p
                    S.append(col)
                    tab[k] = True
                else:
                    S.append(P[k])
        else:
            S = P[:]
        self.P = P
        self.S = S
        self.B = [0] * n
        self.tab = tab  # a tab in the line's indent: only fence and comment bodies may have one
        self.heads = heads  # the only lines where markdown-it's table rule needs a look
        self.empty = list(map(ge, P, lengths))  # markdown-it's isEmpty: nothing but blanks
        self.blk = 0  # blkIndent
        self.list_indent = -1  # listIndent
        self.depth = 0  # lists open
        self.out = Collected()
        self.box_stack: list[int] = []  # Walker's: the task items we are in
        self.item_starts: list[int] = []  # the first lines of the list items we are in
        self.pending: tuple[int, bool | None, int] | None = None  # an item whose first block is not read yet
        self.root_heading = -1  # the line of the last heading read outside any list

    def run(self, last: bool) -> "Collected | None":
        self.tokenize(0, self.n)
        out = self.out
        if not last:
            end = len(self.lines) - 1
            if self.root_heading != end or self.n != len(self.lines):
                return None  # the heading line that opens the next chunk is swallowed
            out.headings.pop()
        return out

    # the block loop -----------------------------------------------------------

    def tokenize(self, line: int, end: int) -> int:
        """markdown-it's ParserBlock.tokenize: blocks from ``line`` on, while
        indented enough; the line after them."""
        empty = self.empty
        S = self.S
        while line < end:
            while line < end and empty[line]:
                line += 1
            if line >= end or S[line] < self.blk:
                break
            line = self.block(line, end)
            if line < end and empty[line]:
                line += 1
        return line

    def block(self, L: int, end: int) -> int:
        """markdown-it's block rules, in their order, at line ``L``; the line after the block."""
        if self.tab[L]:
            raise _Decline("tab")
        if self.S[L] - self.blk >= 4:
            raise _Decline("indented code")
        if L in self.heads:
            got = self.table(L, end, False)
            if got:
                return got
        s = self.lines[L]
        p = self.P[L]
        c = s[p]
        if c == "`" or c == "~":
            got = self.fence(L, end)
            if got:
                return got
        elif c == ">":
            raise _Decline("quote")
        if c == "*" or c == "-" or c == "_":
            if s.count(c, p) >= 3 and _HR.match(s, p):  # (a rule is three of its character or more)
                if self.pending is not None:
                    self.resolve()
                return L + 1
        if c == "*" or c == "-" or c == "+" or "0" <= c <= "9":
            got = self.list(L, end)
            if got:
                return got
        elif c == "[":
            self.reference(s, p)
        elif c == "<":
            return self.html(L, end)
        elif c == "#":
            got = self.heading(L, s, p)
            if got:
                return got
        return self.paragraph(L)

    # leaf blocks --------------------------------------------------------------

    @staticmethod
    def fence_start(s: str, p: int) -> int:
        """The length of the fence that opens at ``p``, or 0."""
        c = s[p]
        q = p
        n = len(s)
        while q < n and s[q] == c:
            q += 1
        length = q - p
        if length < 3 or (c == "`" and "`" in s[q:]):
            return 0
        return length

    def fence(self, L: int, end: int) -> int:
        s = self.lines[L]
        p = self.P[L]
        length = self.fence_start(s, p)
        if not length:
            return 0
        marker = s[p]
        lines = self.lines
        P = self.P
        S = self.S
        blk = self.blk
        nxt = L
        closed = False
        while True:
            nxt += 1
            if nxt >= end:
                break
            t = lines[nxt]
            q = P[nxt]
            if q >= len(t):
                continue
            if S[nxt] < blk:
                break
            if t[q] != marker or S[nxt] - blk >= 4:
                continue
            r = q
            while r < len(t) and t[r] == marker:
                r += 1
            if r - q < length or t[r:].strip(_SPACES):
                continue
            closed = True
            break
        stop = nxt + 1 if closed else nxt
        if self.pending is not None:
            self.resolve()
        self.out.code_lines.extend(range(L, stop))
        return stop

    def heading(self, L: int, s: str, p: int) -> int:
        n = len(s)
        q = p + 1
        while q < n and s[q] == "#":
            q += 1
        level = q - p
        if level > 6 or (q < n and s[q] != " " and s[q] != "\t"):
            return 0
        e = n
        while e > q and s[e - 1] in _SPACES:
            e -= 1
        h = e
        while h > q and s[h - 1] == "#":
            h -= 1
        if h > q and s[h - 1] in _SPACES:
            e = h
        if self.pending is not None:
            self.resolve()
        self.out.headings.append(RawHeading(L, level, s[q:e].strip(MD_TRIM)))
        if not self.depth:
            self.root_heading = L
        return L + 1

    @staticmethod
    def reference(s: str, p: int) -> None:
        """Decline what could be a link reference definition (markdown-it's label scan)."""
        q = p + 1
        n = len(s)
        while q < n:
            ch = s[q]
            if ch == "[":
                return
            if ch == "]":
                if q + 1 < n and s[q + 1] == ":":
                    raise _Decline("reference")
                return
            if ch == "\\":
                q += 1
            q += 1
        raise _Decline("reference")  # the label could go on to the next line

    def html(self, L: int, end: int) -> int:
        """An HTML comment block; any other line that starts with ``<`` declines."""
        s = self.lines[L]
        p = self.P[L]
        if not s.startswith("<!--", p):
            raise _Decline("html")
        nxt = L + 1
        if "-->" not in s[p:]:
            lines = self.lines
            P = self.P
            S = self.S
            empty = self.empty
            blk = self.blk
            while nxt < end:
                if S[nxt] < blk and not empty[nxt]:
                    break
                t = lines[nxt]
                if "-->" in t[P[nxt] :]:
                    nxt += 1
                    break
                nxt += 1
        if self.pending is not None:
            self.resolve()
        self.out.comment_lines.extend(range(L, nxt))
        return nxt

    def table(self, L: int, end: int, silent: bool) -> int:
        """markdown-it's (GFM) table rule at line ``L``: 0 when no table starts
        there; else the line after it, its rows read as Walker reads them."""
        if L + 2 > end:
            return 0
        lines = self.lines
        P = self.P
        S = self.S
        blk = self.blk
        nxt = L + 1
        if S[nxt] < blk or S[nxt] - blk >= 4:
            return 0
        t = lines[nxt]
        q = P[nxt]
        if q + 1 >= len(t) or t[q] not in "|-:":
            return 0
        second = t[q + 1]
        if second not in "|-: \t" or (t[q] == "-" and second in _SPACES):
            return 0
        if t[q:].strip("|-: \t"):
            return 0
        columns = t[q:].split("|")
        count = 0
        last = len(columns) - 1
        for i, column in enumerate(columns):
            column = column.strip(MD_TRIM)
            if not column:
                if i == 0 or i == last:
                    continue
                return 0
            if not _ALIGN.match(column):
                return 0
            count += 1
        head = lines[L][P[L] :].strip(MD_TRIM)
        if "|" not in head or S[L] - blk >= 4:
            return 0
        cells = _split_row(head)
        if len(cells) != count or not count:
            return 0
        if silent:
            return 1
        if self.tab[L] or self.tab[nxt]:
            raise _Decline("tab")
        if self.pending is not None:
            self.resolve()
        rows = [(L, cells)]
        empty = self.empty
        missing = 0
        nxt = L + 2
        while nxt < end:
            if empty[nxt] or S[nxt] < blk:
                break
            if S[nxt] - blk >= 4:
                break  # (no terminator reads an indented code line; then markdown-it stops)
            if self.tab[nxt]:
                raise _Decline("tab")
            t = lines[nxt]
            q = P[nxt]
            if self.ends_table(t, q, nxt):
                break
            text = t[q:].strip(MD_TRIM)
            if not text:
                break
            row = _split_row(text)
            missing += count - len(row)
            if missing > 0x10000:
                raise _Decline("table")  # markdown-it's cap on cells it fills in
            rows.append((nxt, row + [""] * (count - len(row)) if len(row) < count else row[:count]))
            nxt += 1
        self.walk_table(rows)
        return nxt

    def breaks_block(self, t: str, q: int, c: str, k: int) -> bool | None:
        """What a paragraph and a table row both stop at: a fence, a heading, a rule, an
        HTML comment (a quote or other HTML: declined); not a list item indented as
        code under the list.  None: undecided; the callers then ask about lists."""
        if c == "`" or c == "~":
            return bool(self.fence_start(t, q))
        if c == ">":
            raise _Decline("quote")
        if c == "<":
            if t.startswith("<!--", q):
                return True
            raise _Decline("html")
        if c == "#":
            r = q + 1
            n = len(t)
            while r < n and t[r] == "#":
                r += 1
            return r - q <= 6 and (r == n or t[r] == " " or t[r] == "\t")
        if (c == "*" or c == "-" or c == "_") and t.count(c, q) >= 3 and _HR.match(t, q):
            return True
        S = self.S
        if self.list_indent >= 0 and S[k] - self.list_indent >= 4 and S[k] < self.blk:
            return False
        return None

    def ends_table(self, t: str, q: int, k: int) -> bool:
        """markdown-it's block quote terminators, silent, inside a table."""
        c = t[q]
        shared = self.breaks_block(t, q, c, k)
        if shared is not None:
            return shared
        # the list rule, silent, not after a paragraph: any list marker
        return bool(_bullet_end(t, q) or _ordered_end(t, q))

    def walk_table(self, rows: "list[tuple[int, list[str]]]") -> None:
        """Walker._table, given the tokens markdown-it gives for these rows."""
        tokens = [_Token("table_open"), _Token("thead_open")]
        for n, (line, cells) in enumerate(rows):
            tokens.append(_Token("tr_open", [line, line + 1]))
            tokens.extend(_Token("inline", None, cell.strip(MD_TRIM)) for cell in cells)
            tokens.append(_Token("tr_close"))
            if not n:
                tokens.append(_Token("thead_close"))
        tokens.append(_Token("table_close"))
        walker = Walker(None, self.settings)  # type: ignore[arg-type]  # (_table reads no lines)
        walker.out = self.out
        walker._table(tokens, 0, 0)

    def paragraph(self, L: int) -> int:
        nxt = self.paragraph_end(L)
        content = None
        first = self.lines[L][self.B[L] :]
        if self.pending is not None:
            content = self.content(L, nxt)
            self.resolve(nxt, content)
        elif "**" in first or not first.strip(MD_TRIM):
            content = self.content(L, nxt)
        out = self.out
        out.field_lines.extend(range(L, nxt))
        if content is not None and content.startswith("**"):
            self.label(L, nxt, content)
        return nxt

    def label(self, L: int, end: int, content: str) -> None:
        """The bold checkpoint label of a paragraph whose text opens with ``**``
        (Walker._paragraph; its field lines are counted already)."""
        walker = Walker(None, self.settings)  # type: ignore[arg-type]  # (_paragraph reads no lines)
        walker._paragraph([_Token("paragraph_open", [L, end]), _Token("inline", None, content)], 0, L)
        self.out.labels.extend(walker.out.labels)

    def paragraph_end(self, L: int) -> int:
        """Where the paragraph that starts at ``L`` ends (markdown-it's paragraph
        rule, with its lheading rule's look for a setext underline)."""
        lines = self.lines
        P = self.P
        S = self.S
        empty = self.empty
        tab = self.tab
        blk = self.blk
        n = self.n
        nxt = L + 1
        while nxt < n:
            if empty[nxt]:
                break
            d = S[nxt] - blk
            if d > 3:
                nxt += 1
                continue
            if tab[nxt]:
                raise _Decline("tab")
            t = lines[nxt]
            q = P[nxt]
            c = t[q]
            if c in _TERMINATORS and d >= 0 and (c == "-" or c == "=") and _SETEXT.match(t, q):
                raise _Decline("setext")
            if nxt in self.heads and self.table(nxt, n, True):
                break
            if c in _TERMINATORS and self.terminates(t, q, c, nxt):
                break
            nxt += 1
        return nxt

    def terminates(self, t: str, q: int, c: str, k: int) -> bool:
        """Whether line ``k`` ends a paragraph (markdown-it's paragraph terminators
        but the table rule, which :meth:`paragraph_end` tries first)."""
        shared = self.breaks_block(t, q, c, k)
        if shared is not None:
            return shared
        # a list item: markdown-it's list rule, silent, after a paragraph; at the
        # paragraph's indent ("first") only one with text, an ordered one from 1
        after = _bullet_end(t, q) or _ordered_end(t, q)
        if not after or self.S[k] < self.blk:
            return bool(after)
        return (t[after - 1] not in ".)" or int(t[q : after - 1]) == 1) and bool(t[after:].strip(_SPACES))

    def content(self, a: int, b: int) -> str:
        """A paragraph's text as markdown-it gives it (StateBlock.getLines, trimmed)."""
        lines = self.lines
        B = self.B
        P = self.P
        if b == a + 1 and (B[a] == 0 or B[a] == P[a]) and not self.tab[a]:
            # one line, with nothing but blanks or list markers before P that getLines keeps
            return lines[a][P[a] :].strip(MD_TRIM)
        indent = self.blk
        parts = []
        for k in range(a, b):
            s = lines[k]
            first = start = B[k]
            shift = P[k] - start
            n = len(s)
            li = 0
            while first < n and li < indent:
                ch = s[first]
                if ch == " ":
                    li += 1
                elif ch == "\t":
                    li += 4 - li % 4
                elif first - start < shift:
                    li += 1
                else:
                    break
                first += 1
            parts.append(" " * (li - indent) + s[first:] if li > indent else s[first:])
        return "\n".join(parts).strip(MD_TRIM)

    # lists --------------------------------------------------------------------

    def list(self, L: int, end: int) -> int:
        """markdown-it's list rule (``list_block``): the list that opens at line
        ``L``, item by item (:meth:`list_item`) while :meth:`next_item` finds
        one; the line after it, or 0 when no list opens there."""
        s = self.lines[L]
        after = _ordered_end(s, self.P[L]) if "0" <= s[self.P[L]] <= "9" else 0
        ordered = after > 0
        if not ordered:
            after = _bullet_end(s, self.P[L])
            if not after:
                return 0
        mark = s[after - 1]
        if self.pending is not None:
            self.resolve()  # a list that opens an item's first line
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Decline("depth")
        outer = self.blk
        outer_list_indent = self.list_indent
        start = L
        while True:
            nxt = self.list_item(start, after, end, outer, ordered, mark)
            self.blk = outer
            self.list_indent = outer_list_indent
            after = self.next_item(nxt, end, outer, ordered, mark)
            if not after:
                break
            start = nxt
        self.depth -= 1
        return nxt

    def list_item(self, start: int, after: int, end: int, outer: int, ordered: bool, mark: str) -> int:
        """One item of a list, its marker ending at column ``after`` (the body of
        ``list_block``'s loop): its first line's marks moved past the marker and
        the task box while its blocks are read, as markdown-it moves them; the
        line after the item."""
        s = self.lines[start]
        pos, checked, text_at = _item_start(s, after)
        offset = self.S[start] + pos - self.P[start]  # the item's blkIndent (markdown-it: sCount + marker + spaces)
        self.item_starts.append(start)
        boxes = len(self.box_stack)
        self.list_indent = outer
        self.blk = offset
        if s[text_at] not in _NOT_PLAIN and start not in self.heads:
            # The item opens with a paragraph: read here, without the round
            # through tokenize and block (the common case).
            one_line = self.ends_first_line(start + 1, offset, outer, ordered, mark)
            nxt = self.item_paragraph(start, checked, pos, text_at, end, one_line)
        else:
            old = self.move_marks(start, text_at, offset, checked)
            self.pending = (start, checked, pos)
            nxt = self.tokenize(start, end)
            if self.pending is not None:
                raise _Decline("item")  # (cannot be: the item's first line holds a block)
            self.P[start], self.S[start], self.B[start] = old
        self.item_starts.pop()
        if len(self.box_stack) > boxes:
            self.box_stack.pop()
        return nxt

    def move_marks(self, start: int, text_at: int, offset: int, checked: bool | None) -> "tuple[int, int, int]":
        """Move the marks of an item's first line past its marker (and task box),
        as markdown-it moves them while it reads the item; the old marks."""
        old = self.P[start], self.S[start], self.B[start]
        self.P[start] = text_at
        self.S[start] = offset
        if checked is not None:
            self.B[start] = text_at
        return old

    def ends_first_line(self, k: int, offset: int, outer: int, ordered: bool, mark: str) -> bool:
        """Whether line ``k`` surely ends the paragraph an item opens on the line
        before it, so that :meth:`paragraph_end` need not be asked: the end, a
        blank line, the list's next item, a bullet inside the item."""
        if k >= self.n or self.empty[k]:
            return True
        sn = self.S[k]
        if sn < outer or sn - offset >= 4 or self.tab[k]:
            return False
        t = self.lines[k]
        q = self.P[k]
        c = t[q]
        if sn < offset:
            # The commonest of all: is the next line the list's next item (or a
            # rule made of its marker)?  Then it ends this one-line paragraph
            # (markdown-it's list rule as its terminator: indented less than the
            # item, so no setext underline, and not "first").
            if sn - outer >= 4:
                return False
            if ordered:
                m = _ORDERED.match(t, q)
                return m is not None and t[m.end() - 1] == mark
            return c == mark and (q + 1 == len(t) or t[q + 1] == " " or t[q + 1] == "\t")
        if c == "-" or c == "*" or c == "+":
            # a bullet inside the item: it ends the paragraph as markdown-it's
            # list rule does after a paragraph (with text after the marker)
            if c == "-" and _SETEXT.match(t, q):
                raise _Decline("setext")
            r = q + 1
            return bool(t.count(c, q) >= 3 and _HR.match(t, q)) or (r < len(t) and (t[r] == " " or t[r] == "\t") and bool(t[r:].strip(_SPACES)))
        return False

    def item_paragraph(self, start: int, checked: bool | None, pos: int, text_at: int, end: int,
                       one_line: bool) -> int:
        """An item that opens with a paragraph (markdown-it's paragraph rule, then
        the item's other blocks through :meth:`tokenize`); the line after it."""
        nxt = start + 1 if one_line else self.paragraph_end(start)
        field_lines = self.out.field_lines
        if nxt == start + 1:
            content = self.lines[start][text_at:].strip(MD_TRIM)
            field_lines.append(start)
        else:
            old = self.move_marks(start, text_at, self.blk, checked)
            content = self.content(start, nxt)
            self.P[start], self.S[start], self.B[start] = old
            field_lines.extend(range(start, nxt))
        self.item(start, checked, pos, nxt, content)
        if content.startswith("**"):
            self.label(start, nxt, content)
        while nxt < end and self.empty[nxt]:
            nxt += 1
        if nxt < end and self.S[nxt] >= self.blk:
            nxt = self.tokenize(nxt, end)
        return nxt

    def next_item(self, k: int, end: int, outer: int, ordered: bool, mark: str) -> int:
        """Whether the list goes on at line ``k`` (the end of ``list_block``'s loop:
        indented enough, no terminator, a marker of the list's kind): the column
        after its marker, or 0."""
        if k >= end or self.S[k] < outer:
            return 0
        if self.tab[k]:
            raise _Decline("tab")
        if self.S[k] - outer >= 4:
            return 0
        t = self.lines[k]
        q = self.P[k]
        c = t[q]
        # (a fence, a rule or a quote ends the list; only a rule can start with the list's own marker)
        if ordered and "0" <= c <= "9":
            m = _ORDERED.match(t, q)
            return m.end() if m and t[m.end() - 1] == mark else 0
        if c == mark and not ordered:
            return 0 if t.count(c, q) >= 3 and _HR.match(t, q) else _bullet_end(t, q)
        if c == ">":
            raise _Decline("quote")
        return 0

    def resolve(self, end: int | None = None, content: str = "") -> None:
        """Read the open item, now that its first block is known (a paragraph
        up to ``end`` with ``content``, or something else)."""
        start, checked, pos = self.pending
        self.pending = None
        self.item(start, checked, pos, end, content)

    def item(self, start: int, checked: bool | None, pos: int, end: int | None, content: str) -> None:
        """Walker._list_item: the list item at line ``start``; ``checked`` is
        markdown-it's task mark (None: no task), ``pos`` the column its content
        starts at; when its first block is a paragraph, up to ``end``, its text
        is ``content``."""
        out = self.out
        box_stack = self.box_stack
        items = out.items
        if box_stack and items[box_stack[-1]].line == start:
            # "- [x] 1. Set up": the list after the box is the task's own text
            return
        line = self.lines[start]
        starts = self.item_starts
        if len(starts) > 1 and starts[-2] == start:
            same_line = 0
            for s in reversed(starts):
                if s != start:
                    break
                same_line += 1
            pos = content_start(line, same_line)
            found = box(line, pos) if pos is not None and line.startswith("[", pos) else None  # (box's first test)
        elif checked is not None:
            found = line[pos + 1], pos + 1, False  # the task box markdown-it found at pos, as box() reads it
        else:
            # the only item opening on this line, its marker first: Walker's
            # content_start(line, 1) is where markdown-it found the content
            found = box(line, pos) if line.startswith("[", pos) else None  # (box's first test)
        if found is None:
            if checked is not None:
                out.warnings.append(Warning(start + 1, "a task box plantui could not place on its line; not counted"))
            elif box_stack and end is not None:
                items[box_stack[-1]].details.append(clean_inline(content.split("\n", 1)[0]))
            return
        marker, col, optional = found
        if checked is None and end is None:
            return
        state = self.settings.state_of(marker)
        if state is None:  # a tag such as Spec Kit's [P], not a box
            if box_stack and end is not None:
                items[box_stack[-1]].details.append(clean_inline(content.split("\n", 1)[0]))
            return
        if end is not None:
            text_lines = end - start
            if checked is None:
                content = content[len(marker) + 2 + (1 if optional else 0) :]
        else:
            content = line[col + len(marker) + 1 + (1 if optional else 0) :]
            text_lines = 1
        box_stack.append(len(items))
        items.append(
            RawItem(start, col, marker, state, " ".join(content.split()), line, optional,
                    box_stack[-2] if len(box_stack) > 1 else None, len(box_stack) - 1, text_lines)
        )
