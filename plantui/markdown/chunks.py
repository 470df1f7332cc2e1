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
from collections import OrderedDict
from dataclasses import replace

from ..config import Settings
from ..source import Lines
from .scan import DECLINE, scan_chunk
from .walk import TOO_DEEP, BoldLabel, Collected, RawHeading, Walker, markdown

CHUNK_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
CACHE: "OrderedDict[tuple[str, frozenset, bool], Collected | None]" = OrderedDict()
CACHE_SIZE = 20000


def read_chunk(text: str, settings: Settings, last: bool) -> "Collected | None":
    """What a chunk holds, its lines counted from 0; None when the heading line
    that follows it (the last line of ``text`` unless ``last``) is swallowed.
    The fast scanner (:mod:`.scan`) reads it when it can, markdown-it when not."""
    key = (text, settings.key, last)
    if key in CACHE:
        CACHE.move_to_end(key)
        return CACHE[key]
    result = scan_chunk(text, settings, last)
    if result is DECLINE:
        result = parse_chunk(text, settings, last)
    CACHE[key] = result
    if len(CACHE) > CACHE_SIZE:
        CACHE.popitem(last=False)
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
        out.items.extend(it.shifted(start, base) for it in c.items)
        out.headings.extend(RawHeading(h.line + start, h.level, h.title) for h in c.headings)
        out.labels.extend(BoldLabel(lb.line + start, lb.title) for lb in c.labels)
        out.field_lines.extend(k + start for k in c.field_lines)
        out.comment_lines.extend(k + start for k in c.comment_lines)
        out.code_lines.extend(k + start for k in c.code_lines)
        out.status_rows.extend(replace(r, line=r.line + start) for r in c.status_rows)
        out.task_rows.update(k + start for k in c.task_rows)
        out.tallies.extend((k + start, *rest) for k, *rest in c.tallies)
        for w in c.warnings:
            if w.message.startswith(TOO_DEEP):
                if deep:
                    continue  # one warning for the plan, as a single walk gives
                deep = True
            out.warnings.append(replace(w, line=None if w.line is None else w.line + start))
    return out
