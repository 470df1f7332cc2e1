"""Parsing a plan's text in chunks, each remembered by its text.

The text splits into chunks at column-0 ATX headings that follow a blank
line.  Each chunk parses alone, together with the heading line that opens
the next one: if that line comes out as a top-level heading, nothing above
it (a fence or an HTML block left open) reaches past it, so the chunk reads
exactly as it does inside the whole text; otherwise the chunk is joined with
the next.  What a chunk holds is remembered by its text, so after an edit
only the chunks that changed parse again.  The result always equals one parse of the
whole text (tested on the corpus and on random texts).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import replace

from ..config import Settings
from ..lines import Lines
from .scan import DECLINE, scan_chunk
from .walk import TOO_DEEP, BoldLabel, Collected, RawHeading, RawItem, Walker, markdown

CHUNK_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
class ChunkMemo:
    """What chunks held, by their text (and the settings, and whether each was the
    last), the least recently read forgotten past ``size``.  One lock around each
    look and each store: overview rows read plans in parallel threads."""

    def __init__(self, size: int = 20000) -> None:
        self.size = size
        self._held: OrderedDict[tuple[str, frozenset, bool], Collected | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, frozenset, bool]) -> "Collected | None | object":
        with self._lock:
            found = self._held.get(key, _MISSING)
            if found is not _MISSING:
                self._held.move_to_end(key)
            return found

    def put(self, key: tuple[str, frozenset, bool], value: "Collected | None") -> None:
        with self._lock:
            self._held[key] = value
            if len(self._held) > self.size:
                self._held.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._held.clear()

    def __len__(self) -> int:
        return len(self._held)


_MISSING = object()
MEMO = ChunkMemo()  # the one memo of chunk readings, shared by every parse in the process


def read_chunk(text: str, settings: Settings, last: bool) -> "Collected | None":
    """What a chunk holds, its lines counted from 0; None when the heading line
    that follows it (the last line of ``text`` unless ``last``) is swallowed.
    The fast scanner (:mod:`.scan`) reads it when it can, markdown-it when not;
    a chunk read before comes from :data:`MEMO`."""
    key = (text, settings.key, last)
    found = MEMO.get(key)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    result = scan_chunk(text, settings, last)
    if result is DECLINE:
        result = parse_chunk(text, settings, last)
    MEMO.put(key, result)
    return result


def parse_chunk(text: str, settings: Settings, last: bool) -> "Collected | None":
    """:func:`read_chunk` through markdown-it, uncached (what the scanner must equal)."""
    tokens = markdown().parse(text)
    lines = Lines.of(text)
    if not last:
        head = tokens[-3] if len(tokens) >= 3 else None
        if head is None or head.type != "heading_open" or head.level != 0 or not head.map \
                or head.map[0] != len(lines) - 1:
            return None
        tokens = tokens[:-3]
    walker = Walker(lines, settings)
    walker.walk(tokens)
    return walker.out


def read_chunks(body: list[str], settings: Settings) -> "Collected":
    """The walk of the whole body, chunk by chunk, remembered by chunk text."""
    cuts = [k for k in range(1, len(body)) if not body[k - 1].strip() and CHUNK_HEADING.match(body[k])]
    cuts.append(len(body))
    parts = []
    a = 0
    for b in cuts:
        last = b == len(body)
        got = read_chunk("\n".join(body[a : b if last else b + 1]), settings, last)
        if got is None:
            continue  # line b is swallowed by a block above it: read on
        parts.append((a, got))
        a = b
    return merge(parts)


def merge(parts: list[tuple[int, "Collected"]]) -> "Collected":
    out = Collected()
    deep = False
    for start, c in parts:
        base = len(out.items)
        out.items += [RawItem(it.line + start, it.col, it.marker, it.state, it.text, it.source, it.optional,
                              None if it.parent is None else it.parent + base, it.depth, it.text_lines, it.details,
                              it.spelling) for it in c.items]  # (each item shifted, made here: no call per item)
        shift = start.__add__
        out.headings += [RawHeading(h.line + start, h.level, h.title) for h in c.headings]
        out.labels += [BoldLabel(lb.line + start, lb.title) for lb in c.labels]
        out.field_lines += map(shift, c.field_lines)
        out.comment_lines += map(shift, c.comment_lines)
        out.code_lines += map(shift, c.code_lines)
        out.status_rows += [replace(r, line=r.line + start) for r in c.status_rows]
        out.task_rows.update(map(shift, c.task_rows))
        out.tallies += [(k + start, *rest) for k, *rest in c.tallies]
        for w in c.warnings:
            if w.message.startswith(TOO_DEEP):
                if deep:
                    continue  # one warning for the plan, as a single walk gives
                deep = True
            out.warnings.append(replace(w, line=None if w.line is None else w.line + start))
    return out
