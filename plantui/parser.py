"""Markdown text in, :class:`~plantui.model.Plan` out.

The structure comes from markdown-it-py's block parser (CommonMark, GFM
tables and task lists), never from line regexes: a ``#`` inside a code fence
is no heading and a ``[ ]`` inside a fence, a table cell, inline code or an
HTML comment is no item.  Regexes only read *inside* blocks markdown-it has
already placed: a heading's title, a list item's first line, a field line.

Inline rules are switched off: plantui needs block structure and each
block's raw text, and the inline pass would double the cost of a parse.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import fields as fieldlib
from .config import DEFAULT, Settings
from .model import (
    Checkpoint,
    Edge,
    Item,
    Kind,
    Phase,
    Plan,
    Section,
    State,
    StatusRow,
    Warning,
)
from .source import Lines

# --- markdown-it, built once ---------------------------------------------


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"tasklists": True}).enable("table")
    md.core.ruler.disable(["inline", "text_join"])
    return md


_MD = _markdown()
_MAX_LEVEL = _MD.options["maxNesting"] - 1  # markdown-it skips what is nested deeper

# --- what names mean ------------------------------------------------------

_PHASE_WORDS = (
    r"phase|step|stage|milestone|sprint|part|iteration|"
    r"fase|tahap|étape|etapa|阶段|階段|フェーズ|단계"
)
_NUMBER = r"(?P<num>\d+(?:\.\d+)*[a-z]?\+?|[IVX]+\b)"
_PHASE_RE = re.compile(rf"^(?:{_PHASE_WORDS})s?\s*[-#]?\s*{_NUMBER}", re.I)
_TASK_HEADING_RE = re.compile(rf"^task\s*[-#]?\s*{_NUMBER}", re.I)
_CHECKPOINT_RE = re.compile(
    r"^(?:checkpoints?\b|(?:quality\s+|acceptance\s+|release\s+)?gates?\b|gate\s+status\b|"
    r"definition\s+of\s+done\b|exit\s+criteria\b)",
    re.I,
)
_AFTER_RE = re.compile(rf"\b(?:after|following)\s+(?:{_PHASE_WORDS})s?\s*{_NUMBER}", re.I)
_ALL_PHASES_RE = re.compile(r"before\s+(?:completion|release|merge|launch)|final|definition\s+of\s+done", re.I)

# a task id at the start of an item's text: **1.1**, T012, 1., 2.1, TASK-701
_ID_RE = re.compile(
    r"^(?P<lead>\*\*|__)?"
    r"(?P<id>[A-Z]{1,6}-?\d+(?:\.\d+)*|\d{1,3}(?:[.-]\d+)*[a-z]?)"
    r"(?P<dot>\.)?(?P=lead)?(?P<colon>:)?(?=\s|$)"
)
_TAG_RE = re.compile(r"^\[(?P<tag>[^\]\s]{1,24})\]\s*")
_BULLET_RE = re.compile(r"[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)")
_TAG_LINE = re.compile(r"^\s*</?[A-Za-z][\w-]*(?:[\s/>]|$)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_ATX_DECOR = re.compile(r"^[\W_]*?(?=\w)", re.UNICODE)
_GRAPH_SPLIT = re.compile(r"\s*(?:→|->|⟶|=>)\s*")
_GRAPH_ID = re.compile(r"^(?:[A-Z]{1,6}-?\d+|\d+(?:\.\d+)+)$")

_STATUS_EMOJI = {
    "✅": State.DONE,
    "✔": State.DONE,
    "☑": State.DONE,
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
    (re.compile(r"\bnot\s+started\b|\btodo\b|\bto\s+do\b|\bpending\b|\bplanned\b", re.I), State.OPEN),
    (re.compile(r"\bin[\s-]progress\b|\bwip\b|\bongoing\b|\bpartial\b", re.I), State.IN_PROGRESS),
    (re.compile(r"\b(?:done|complete|completed|passed|shipped|finished)\b", re.I), State.DONE),
    (re.compile(r"\bblocked\b|\bfailed\b|\bcancell?ed\b", re.I), State.OTHER),
)


def clean_inline(text: str) -> str:
    """Readable text from a line of Markdown: emphasis marks off, spaces folded."""
    text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def _name_of(title: str) -> str:
    """A heading's title without leading decoration, for matching its name."""
    t = clean_inline(title).lstrip("#").strip()
    t = re.sub(r"^\d+(?:\.\d+)*[.)]\s+(?=\D)", "", t)  # "14. Development Phases"
    m = _ATX_DECOR.match(t)
    return t[m.end() :] if m else t


def phase_number(title: str) -> str | None:
    m = _PHASE_RE.match(_name_of(title)) or _TASK_HEADING_RE.match(_name_of(title))
    return m.group("num").rstrip("+").lower() if m else None


def is_checkpoint_name(title: str) -> bool:
    return bool(_CHECKPOINT_RE.match(_name_of(title)))


def status_of_cell(cell: str) -> State | None:
    for emoji, state in _STATUS_EMOJI.items():
        if emoji in cell:
            return state
    for pattern, state in _STATUS_WORDS:
        if pattern.search(cell):
            return state
    return None


# --- the walk -------------------------------------------------------------


@dataclass
class _RawItem:
    line: int  # 0-based
    col: int
    marker: str
    state: State
    text: str
    source: str
    optional: bool
    parent: int | None
    depth: int
    text_lines: int = 1
    details: list[str] = field(default_factory=list)


@dataclass
class _RawHeading:
    line: int
    level: int
    title: str


@dataclass
class _BoldLabel:
    """A paragraph opening with ``**Checkpoint**:`` (a checkpoint without a heading)."""

    line: int
    title: str


@dataclass
class _Collected:
    items: list[_RawItem] = field(default_factory=list)
    headings: list[_RawHeading] = field(default_factory=list)
    labels: list[_BoldLabel] = field(default_factory=list)
    field_lines: list[int] = field(default_factory=list)
    comment_lines: list[int] = field(default_factory=list)
    code_lines: list[int] = field(default_factory=list)
    status_rows: list[StatusRow] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def _content_start(line: str, markers: int) -> int | None:
    """Column where a list item's content starts, ``markers`` list markers in."""
    pos = 0
    n = len(line)
    while markers:
        while pos < n and line[pos] in " \t>":
            pos += 1
        m = _BULLET_RE.match(line, pos)
        if not m:
            return None
        pos = m.end()
        markers -= 1
    while pos < n and line[pos] in " \t":
        pos += 1
    return pos


def _box(line: str, pos: int) -> tuple[str, int, bool] | None:
    """The checkbox at ``pos``: (marker, column of the marker, optional)."""
    if pos + 2 >= len(line) or line[pos] != "[":
        return None
    marker = line[pos + 1]
    close = pos + 2
    if close < len(line) and line[close] == "\ufe0f":  # ✔️: a symbol and its emoji selector
        marker += "\ufe0f"
        close += 1
    if close >= len(line) or line[close] != "]" or marker in ("[", "]"):
        return None
    after = close + 1
    optional = after < len(line) and line[after] == "*"
    if optional:
        after += 1
    if after < len(line) and line[after] not in " \t":
        return None
    if after >= len(line) and not optional:
        # markdown-it wants a space after "]"; "- [ ]" alone is no task
        return None
    return marker, pos + 1, optional


class _Walker:
    def __init__(self, lines: Lines, settings: Settings):
        self.lines = lines
        self.settings = settings
        self.out = _Collected()
        self.too_deep = False

    def walk(self, tokens: list[Token], offset: int = 0, depth: int = 0) -> None:
        out = self.out
        # stack of (token type, start line, item index or None)
        stack: list[tuple[str, int, int | None]] = []
        box_stack: list[int] = []  # indexes of the checkbox items we are inside
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            ttype = tok.type
            if tok.level >= _MAX_LEVEL and tok.map and not self.too_deep:
                self.too_deep = True
                out.warnings.append(Warning(tok.map[0] + offset + 1, f"{_TOO_DEEP} {_MAX_LEVEL // 2} "
                                            "levels: what is nested further is not read"))
            if ttype.endswith("_close"):
                if stack:
                    kind, _, idx = stack.pop()
                    if kind == "list_item_open" and idx is not None:
                        box_stack.pop()
                i += 1
                continue
            start = tok.map[0] + offset if tok.map else None

            if ttype == "list_item_open":
                idx = self._list_item(tokens, i, start, stack, box_stack)
                stack.append((ttype, start, idx))
                if idx is not None:
                    box_stack.append(idx)
            elif ttype.endswith("_open"):
                stack.append((ttype, start if start is not None else -1, None))
                if ttype == "heading_open":
                    title = tokens[i + 1].content if i + 1 < n else ""
                    out.headings.append(_RawHeading(start, int(tok.tag[1]), title))
                    i += 3
                    stack.pop()
                    continue
                if ttype == "paragraph_open":
                    self._paragraph(tokens, i, start)
                elif ttype == "table_open":
                    i = self._table(tokens, i, offset)
                    stack.pop()
                    continue
            elif ttype in ("fence", "code_block"):
                end = tok.map[1] + offset
                out.code_lines.extend(range(start, end))
            elif ttype == "html_block":
                self._html(tok, start, depth)
            i += 1

    # list items ------------------------------------------------------------

    def _list_item(self, tokens, i, start, stack, box_stack) -> int | None:
        out = self.out
        same_line = 1 + sum(1 for kind, s, _ in stack if kind == "list_item_open" and s == start)
        line = self.lines.line(start)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        para_here = nxt is not None and nxt.type == "paragraph_open" and nxt.map and nxt.map[0] + (start - tokens[i].map[0]) == start
        checked = "checked" in (tokens[i].meta or {})
        if box_stack and out.items[box_stack[-1]].line == start:
            # "- [x] 1. Set up": markdown-it reads "1. Set up" after the box as a
            # list inside the task; it is the task's own text, no detail
            return None
        pos = _content_start(line, same_line)
        found = _box(line, pos) if pos is not None else None
        if found is None:
            if checked:
                out.warnings.append(Warning(start + 1, "a task box plantui could not place on its line; not counted"))
            elif box_stack and para_here:
                out.items[box_stack[-1]].details.append(clean_inline(tokens[i + 2].content.split("\n", 1)[0]))
            return None
        marker, col, optional = found
        if not checked and not para_here:
            return None
        state = self.settings.state_of(marker)
        if state is None:  # a tag such as Spec Kit's [P], not a box
            if box_stack and para_here:
                out.items[box_stack[-1]].details.append(clean_inline(tokens[i + 2].content.split("\n", 1)[0]))
            return None
        text_lines = 1
        if para_here:
            content = tokens[i + 2].content
            text_lines = tokens[i + 1].map[1] - tokens[i + 1].map[0]
            if not checked:
                content = content[len(marker) + 2 + (1 if optional else 0) :]
        else:  # the text after the box is no paragraph (a nested list, a heading)
            content = line[col + len(marker) + 1 + (1 if optional else 0) :]
        text = " ".join(content.split())
        idx = len(out.items)
        out.items.append(
            _RawItem(
                line=start,
                col=col,
                marker=marker,
                state=state,
                text=text,
                source=line,
                optional=optional,
                parent=box_stack[-1] if box_stack else None,
                depth=len(box_stack),
                text_lines=text_lines,
            )
        )
        return idx

    # paragraphs: fields and bold labels --------------------------------------

    def _paragraph(self, tokens, i, start) -> None:
        tok = tokens[i]
        end = tokens[i].map[1] + (start - tok.map[0])
        self.out.field_lines.extend(range(start, end))
        content = tokens[i + 1].content
        m = re.match(r"^\*\*([^*\n]{1,60}?)\s*(?::\s*\*\*|\*\*\s*:)\s*(.*)", content)
        if m and is_checkpoint_name(m.group(1)):
            rest = clean_inline(m.group(2).split("\n", 1)[0])
            label = m.group(1).strip()
            title = f"{label}: {rest}" if rest else label
            self.out.labels.append(_BoldLabel(start, title))

    # tables: status rows ------------------------------------------------------

    def _table(self, tokens, i, offset) -> int:
        header: list[str] = []
        row: list[str] = []
        row_line = None
        in_head = False
        status_col = None
        j = i + 1
        while j < len(tokens) and tokens[j].type != "table_close":
            t = tokens[j]
            if t.type == "thead_open":
                in_head = True
            elif t.type == "thead_close":
                in_head = False
                for k, h in enumerate(header):
                    if re.search(r"status|state|progress|状态|狀態|ステータス|상태", h, re.I):
                        status_col = k
                        break
            elif t.type == "tr_open":
                row = []
                row_line = t.map[0] + offset if t.map else None
            elif t.type == "inline":
                (header if in_head else row).append(t.content.strip())
            elif t.type == "tr_close" and not in_head and row_line is not None and row:
                cells = [row[status_col]] if status_col is not None and status_col < len(row) else row
                for cell in cells:
                    state = status_of_cell(cell)
                    if state is not None:
                        self.out.status_rows.append(StatusRow(row_line + 1, clean_inline(row[0]), clean_inline(cell), state))
                        break
            j += 1
        return j + 1

    # HTML blocks: <details> holds Markdown, comments hold fields -------------

    def _html(self, tok: Token, start: int, depth: int) -> None:
        end = tok.map[1] + (start - tok.map[0])
        content_lines = [self.lines.line(k) for k in range(start, end)]
        self.out.comment_lines.extend(range(start, end))
        if tok.content.lstrip().startswith("<!--") or depth > 8:
            return
        # Blank the HTML lines and comments, then read the rest as Markdown.
        inner = []
        in_comment = False
        for text in content_lines:
            keep = text
            if in_comment:
                if "-->" in text:
                    in_comment = False
                keep = ""
            elif "<!--" in text and "-->" not in text.split("<!--", 1)[1]:
                in_comment = True
                keep = ""
            elif _TAG_LINE.match(text):  # <details>, <summary>…</summary>, </div>
                keep = ""
            inner.append(keep)
        if not any(s.strip() for s in inner):
            return
        self.walk(_MD.parse("\n".join(inner)), offset=start, depth=depth + 1)


# --- parsing in chunks ------------------------------------------------------
#
# The text splits into chunks at column-0 ATX headings that follow a blank
# line.  Each chunk parses alone, together with the heading line that opens
# the next one: if that line comes out as a top-level heading, nothing above
# it (a fence or an HTML block left open) reaches past it, so the chunk reads
# exactly as it does inside the whole text; otherwise the chunk is joined with
# the next.  What a chunk holds is remembered by its text, so after an edit
# only the chunks that changed parse again.  The result always equals one parse of the
# whole text (tested on the corpus and on random texts).

_CHUNK_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_CHUNK_CACHE: "OrderedDict[tuple[str, frozenset], _Collected | None]" = OrderedDict()
_CHUNK_CACHE_SIZE = 20000
_TOO_DEEP = "lists or quotes nested deeper than"


def _read_chunk(text: str, settings: Settings, last: bool) -> "_Collected | None":
    """What a chunk holds, its lines counted from 0; None when the heading line
    that follows it (the last line of ``text`` unless ``last``) is swallowed."""
    key = (text, _markers_key(settings), last)
    if key in _CHUNK_CACHE:
        _CHUNK_CACHE.move_to_end(key)
        return _CHUNK_CACHE[key]
    tokens = _MD.parse(text)
    lines = Lines.of(text)
    result = None
    if not last:
        head = tokens[-3] if len(tokens) >= 3 else None
        if head is not None and head.type == "heading_open" and head.level == 0 and head.map \
                and head.map[0] == len(lines) - 1:
            tokens = tokens[:-3]
        else:
            tokens = None
    if tokens is not None:
        walker = _Walker(lines, settings)
        walker.walk(tokens)
        result = walker.out
    _CHUNK_CACHE[key] = result
    if len(_CHUNK_CACHE) > _CHUNK_CACHE_SIZE:
        _CHUNK_CACHE.popitem(last=False)
    return result


def _read_chunks(body: list[str], settings: Settings) -> "_Collected":
    """The walk of the whole body, chunk by chunk, remembered by chunk text."""
    cuts = [k for k in range(1, len(body)) if not body[k - 1].strip() and _CHUNK_HEADING.match(body[k])]
    cuts.append(len(body))
    parts = []
    a = 0
    for b in cuts:
        last = b == len(body)
        got = _read_chunk("\n".join(body[a : b if last else b + 1]), settings, last)
        if got is None:
            continue  # line b is swallowed by a block above it: read on
        parts.append((a, got))
        a = b
    return _merge(parts)


def _merge(parts: list[tuple[int, "_Collected"]]) -> "_Collected":
    out = _Collected()
    deep = False
    for start, c in parts:
        base = len(out.items)
        out.items.extend(
            replace(it, line=it.line + start, parent=None if it.parent is None else it.parent + base) for it in c.items
        )
        out.headings.extend(_RawHeading(h.line + start, h.level, h.title) for h in c.headings)
        out.labels.extend(_BoldLabel(lb.line + start, lb.title) for lb in c.labels)
        out.field_lines.extend(k + start for k in c.field_lines)
        out.comment_lines.extend(k + start for k in c.comment_lines)
        out.code_lines.extend(k + start for k in c.code_lines)
        out.status_rows.extend(replace(r, line=r.line + start) for r in c.status_rows)
        for w in c.warnings:
            if w.message.startswith(_TOO_DEEP):
                if deep:
                    continue  # one warning for the plan, as a single walk gives
                deep = True
            out.warnings.append(replace(w, line=None if w.line is None else w.line + start))
    return out


# --- assembling the plan --------------------------------------------------


def _front_matter_end(lines: Lines) -> int | None:
    """Index of the line closing YAML front matter, when the file opens with it."""
    if len(lines) < 2 or lines.line(0).rstrip() != "---":
        return None
    for k in range(1, min(len(lines), 400)):
        if lines.line(k).rstrip() in ("---", "..."):
            return k
    return None


def _split_id(text: str) -> tuple[str | None, tuple[str, ...], str]:
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


def parse(text: str, settings: Settings = DEFAULT) -> Plan:
    """Parse decoded plan text (see :func:`plantui.source.decode`)."""
    lines = Lines.of(text)
    return parse_lines(lines, settings)


_CACHE: "OrderedDict[tuple[str, frozenset], Plan]" = OrderedDict()
_CACHE_SIZE = 6


def _markers_key(settings: Settings) -> frozenset:
    return frozenset(settings.markers.items())


def remember(lines: Lines, settings: Settings, plan: Plan) -> None:
    """Keep ``plan`` as the parse of ``lines`` (a few plans are kept)."""
    key = (lines.text, _markers_key(settings))
    _CACHE[key] = plan
    _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def remembered(lines: Lines, settings: Settings) -> Plan | None:
    return _CACHE.get((lines.text, _markers_key(settings)))


def parse_lines(lines: Lines, settings: Settings = DEFAULT) -> Plan:
    """The plan of ``lines``; reading a text parsed a moment ago costs nothing."""
    plan = remembered(lines, settings)
    if plan is None:
        plan = build_plan(lines, settings)
        remember(lines, settings, plan)
    return plan


def build_plan(lines: Lines, settings: Settings = DEFAULT, *, chunked: bool = True) -> Plan:
    """A full parse, always.  ``chunked=False`` parses the text in one piece
    (the plain approach the benchmark and the tests compare with)."""
    fm_end = _front_matter_end(lines)
    body = [lines.line(k) for k in range(len(lines))]
    if fm_end is not None:
        for k in range(fm_end + 1):
            body[k] = ""
    if chunked:
        raw = _read_chunks(body, settings)
    else:
        walker = _Walker(lines, settings)
        walker.walk(_MD.parse("\n".join(body)))
        raw = walker.out
    nlines = len(lines)

    # Sections from headings, each running to the next heading of its level or above.
    heads = sorted(raw.headings, key=lambda h: h.line)
    sections: list[Section] = []
    parents: list[int] = []
    for h in heads:
        while parents and sections[parents[-1]].level >= h.level:
            parents.pop()
        sections.append(Section(len(sections), h.line + 1, h.level, clean_inline(h.title), parents[-1] if parents else None))
        parents.append(len(sections) - 1)
    ends = [nlines] * len(sections)
    open_: list[int] = []
    for s in sections:
        while open_ and sections[open_[-1]].level >= s.level:
            ends[open_.pop()] = s.line - 1
        open_.append(s.index)
    sections = [replace(s, end_line=ends[k]) for k, s in enumerate(sections)]

    # The innermost section of every line (0-based).
    line_section: list[int | None] = [None] * nlines
    for s in sections:
        for k in range(s.line - 1, min(s.end_line, nlines)):
            line_section[k] = s.index
    item_section = [line_section[it.line] for it in raw.items]

    # Checkpoint headings (Checkpoint, Gates, Definition of Done), unless one
    # only groups others ("## Checkpoints" above "### Checkpoint 1").
    named_cp = [s.index for s in sections if is_checkpoint_name(s.title)]
    grouping = {a for o in named_cp for a in _ancestors(sections, o)}
    cp_heads = [k for k in named_cp if k not in grouping]
    cp_set = set(cp_heads)
    phase_heads = [s.index for s in sections if _PHASE_RE.match(_name_of(s.title)) and s.index not in cp_set]
    if not phase_heads:
        phase_heads = [s.index for s in sections if _TASK_HEADING_RE.match(_name_of(s.title)) and s.index not in cp_set]
    phase_set = set(phase_heads)

    def owner(sec: int | None) -> tuple[str, int] | None:
        """The nearest checkpoint or phase heading at or above a section."""
        while sec is not None:
            if sec in cp_set:
                return ("checkpoint", sec)
            if sec in phase_set:
                return ("phase", sec)
            sec = sections[sec].parent
        return None

    children: dict[int, list[int]] = {}
    for k, it in enumerate(raw.items):
        if it.parent is not None:
            children.setdefault(it.parent, []).append(k)

    # Bold-label checkpoints ("**Checkpoint**:") own the list right after them.
    label_items = _label_lists(raw, lines, sections)
    label_of_item = {k: li for li, ks in label_items.items() for k in ks}

    kinds: list[Kind] = []
    for k, it in enumerate(raw.items):
        o = owner(item_section[k])
        if k in label_of_item or (o is not None and o[0] == "checkpoint"):
            kinds.append(Kind.CHECK)
        elif k not in children and is_checkpoint_name(_split_id(it.text)[2]):
            kinds.append(Kind.CHECK)  # Kiro's "- [ ] 5. Checkpoint - Ensure all tests pass"
        else:
            kinds.append(Kind.TASK)

    # Phases -----------------------------------------------------------------
    phases: list[Phase] = []
    phase_of_item: list[int | None] = [None] * len(raw.items)
    section_phase: dict[int, int] = {}
    if phase_heads:
        order = {sec: n for n, sec in enumerate(phase_heads)}
        members: dict[int, list[int]] = {n: [] for n in range(len(phase_heads))}
        for k in range(len(raw.items)):
            sec = item_section[k]
            first = True
            while sec is not None:
                if sec in order:
                    if kinds[k] is Kind.TASK:
                        members[order[sec]].append(k)
                    if first:
                        phase_of_item[k] = order[sec]
                        first = False
                sec = sections[sec].parent
        for sec, n in order.items():
            s = sections[sec]
            parent_phase = next((order[a] for a in _ancestors(sections, sec) if a in order), None)
            phases.append(Phase(n, s.line, s.title, phase_number(s.title), tuple(members[n]), parent=parent_phase))
            section_phase[sec] = n
    else:
        phases = _grouped_phases(sections, raw.items, kinds, item_section)
        for ph in phases:
            for k in ph.items:
                phase_of_item[k] = ph.index
            if ph.item_backed is None:
                sec = next(s.index for s in sections if s.line == ph.line)
                section_phase[sec] = ph.index

    # Item-backed phases: "- [x] Phase 0: Research complete" stands for an empty "## Phase 0".
    for ph in list(phases):
        if ph.items or ph.item_backed is not None or ph.number is None:
            continue
        for k, it in enumerate(raw.items):
            m = _PHASE_RE.match(_name_of(_split_id(it.text)[2]))
            if m and m.group("num").rstrip("+").lower() == ph.number:
                phases[ph.index] = replace(ph, item_backed=k)
                break

    def phase_at(line1: int) -> int | None:
        sec = line_section[line1 - 1] if 0 < line1 <= nlines else None
        while sec is not None:
            if sec in section_phase:
                return section_phase[sec]
            sec = sections[sec].parent
        return None

    # Checkpoints ---------------------------------------------------------------
    entries: list[tuple[int, str, tuple[int, ...]]] = []  # (line, title, checks)
    cp_members: dict[int, list[int]] = {sec: [] for sec in cp_heads}
    for k in range(len(raw.items)):
        if kinds[k] is Kind.CHECK and k not in label_of_item:
            o = owner(item_section[k])
            if o is not None and o[0] == "checkpoint":
                cp_members[o[1]].append(k)
            else:
                entries.append((raw.items[k].line + 1, _split_id(raw.items[k].text)[2], (k,)))
    for sec in cp_heads:
        entries.append((sections[sec].line, sections[sec].title, tuple(cp_members[sec])))
    for li, label in enumerate(raw.labels):
        entries.append((label.line + 1, label.title, tuple(label_items[li])))
    entries.sort()
    top_phases = [ph for ph in phases if ph.parent is None]
    checkpoints: list[Checkpoint] = []
    checkpoint_of: list[int | None] = [None] * len(raw.items)
    prev_line = 0
    for line1, title, checks in entries:
        after = _checkpoint_after(title, line1, prev_line, phases, top_phases, phase_at(line1))
        cp = Checkpoint(len(checkpoints), line1, title, checks, after)
        checkpoints.append(cp)
        for k in checks:
            checkpoint_of[k] = cp.index
        prev_line = line1

    # Fields ------------------------------------------------------------------
    item_lines = {it.line for it in raw.items}  # "- [x] **01-03**: …" is a task, not a field
    found = fieldlib.find_fields(lines, [k for k in raw.field_lines if k not in item_lines], raw.comment_lines, fm_end)
    def field_phase(line1: int) -> int | None:
        """A field belongs to its phase when it stands before the phase's last task;
        one after it (a footer below the last phase) speaks for the whole plan."""
        ph = phase_at(line1)
        if ph is not None and phases[ph].items and line1 > raw.items[phases[ph].items[-1]].line + 1:
            return None
        return ph

    fields = [replace(f, phase=field_phase(f.line)) for f in found if not is_checkpoint_name(f.key)]

    # Phase dependencies, from their "Dependencies" fields.
    for f in fields:
        if f.phase is not None and f.name in fieldlib.DEPENDENCY_NAMES:
            deps = _phase_refs(f.value, phases, exclude=f.phase)
            ph = phases[f.phase]
            phases[f.phase] = replace(ph, dependencies=tuple(dict.fromkeys(ph.dependencies + tuple(deps))))

    items: list[Item] = []
    for k, it in enumerate(raw.items):
        ident, tags, title = _split_id(it.text)
        items.append(
            Item(
                index=k,
                line=it.line + 1,
                col=it.col,
                marker=it.marker,
                state=it.state,
                kind=kinds[k],
                id=ident,
                text=title,
                source=it.source,
                depth=it.depth,
                parent=it.parent,
                children=tuple(children.get(k, ())),
                tags=tags,
                optional=it.optional,
                details=tuple(d for d in it.details if d),
                text_lines=it.text_lines,
                section=item_section[k],
                phase=phase_of_item[k],
                checkpoint=checkpoint_of[k],
            )
        )

    cp_by_line = {c.line: c.index for c in checkpoints}
    sections = [replace(s, phase=section_phase.get(s.index), checkpoint=cp_by_line.get(s.line)) for s in sections]

    title = next((s.title for s in sections if s.level == 1), sections[0].title if sections else "")
    return Plan(
        title=title,
        items=tuple(items),
        sections=tuple(sections),
        phases=tuple(phases),
        checkpoints=tuple(checkpoints),
        fields=tuple(fields),
        status_rows=tuple(raw.status_rows),
        graph=_graph(lines, raw.code_lines, raw.field_lines),
        warnings=tuple(sorted(raw.warnings, key=lambda w: w.line or 0)),
    )


def _ancestors(sections: list[Section], k: int) -> list[int]:
    out = []
    p = sections[k].parent
    while p is not None:
        out.append(p)
        p = sections[p].parent
    return out


def _label_lists(raw: _Collected, lines: Lines, sections: list[Section]) -> dict[int, list[int]]:
    """The items of the list that directly follows each bold checkpoint label."""
    out: dict[int, list[int]] = {}
    item_lines = [it.line for it in raw.items]
    heading_lines = [s.line - 1 for s in sections]
    nlines = len(lines)
    for li, label in enumerate(raw.labels):
        k = label.line + 1
        while k < nlines and lines.line(k).strip() and not _starts_list(lines.line(k)):
            k += 1
        while k < nlines and not lines.line(k).strip():
            k += 1
        group: list[int] = []
        if k < nlines and _starts_list(lines.line(k)):
            bound = min([h for h in heading_lines if h > label.line] + [nlines])
            later = [o.line for o in raw.labels if o.line > label.line]
            if later:
                bound = min(bound, later[0])
            # the list runs while lines are list lines, continuations or blank
            end = k
            while end < bound:
                text = lines.line(end)
                if text.strip() and not (_starts_list(text) or text[:1] in " \t>"):
                    break
                end += 1
            group = [n for n, ln in enumerate(item_lines) if k <= ln < end]
        out[li] = group
    return out


def _starts_list(line: str) -> bool:
    return bool(_BULLET_RE.match(line.lstrip(" \t>")))


def _grouped_phases(sections, raw_items, kinds, item_section) -> list[Phase]:
    """Phases for a plan without Phase headings.

    The heading level that groups its tasks, where two or more headings at
    one level hold tasks; failing that (Kiro), top-level tasks with subtasks.
    """
    task_ids = [k for k in range(len(raw_items)) if kinds[k] is Kind.TASK]
    if not task_ids:
        return []
    by_level: dict[int, dict[int, list[int]]] = {}
    for k in task_ids:
        sec = item_section[k]
        while sec is not None:
            s = sections[sec]
            by_level.setdefault(s.level, {}).setdefault(sec, []).append(k)
            sec = s.parent
    for level in sorted(by_level):
        groups = by_level[level]
        if len(groups) >= 2:
            return [
                Phase(n, sections[sec].line, sections[sec].title, None, tuple(members))
                for n, (sec, members) in enumerate(sorted(groups.items()))
            ]
    # Kiro: top-level tasks that have subtasks.
    top_of: dict[int, int] = {}  # each task's top-level ancestor
    for c in task_ids:
        p = c
        while raw_items[p].parent is not None:
            p = raw_items[p].parent
        if p != c:
            top_of[c] = p
    grouped: dict[int, list[int]] = {}
    for c, p in top_of.items():
        grouped.setdefault(p, []).append(c)
    parents = [k for k in task_ids if raw_items[k].parent is None and k in grouped]
    if parents:
        phases = []
        for k in parents:
            members = tuple(sorted(grouped[k]))
            ident, _, text = _split_id(raw_items[k].text)
            phases.append(Phase(len(phases), raw_items[k].line + 1, f"{ident} {text}" if ident else text, ident, members, item_backed=k))
        return phases
    return []


_REF_RE = re.compile(rf"(?:{_PHASE_WORDS})s?\s*((?:\d+(?:\.\d+)*[a-z]?(?:\s*(?:,|and|&|-|–|to)\s*)?)+)", re.I)


def _phase_refs(text: str, phases: list[Phase], exclude: int | None = None) -> list[int]:
    """Phase indexes named in ``Phase 1``, ``Steps 4, 5``, ``Phases 1-3``."""
    wanted: list[str] = []
    for m in _REF_RE.finditer(text):
        chunk = m.group(1)
        for a, b in re.findall(r"(\d+)\s*(?:-|–|to)\s*(\d+)", chunk):
            wanted.extend(str(x) for x in range(int(a), int(b) + 1))
        wanted.extend(x.lower() for x in re.findall(r"\d+(?:\.\d+)*[a-z]?", chunk))
    by_number: dict[str, int] = {}
    for ph in phases:
        if ph.number is not None:
            by_number.setdefault(ph.number, ph.index)
    out = []
    for w in wanted:
        if w in by_number and by_number[w] != exclude and by_number[w] not in out:
            out.append(by_number[w])
    return out


def _checkpoint_after(title, line1, prev_line, phases, top_phases, holder) -> tuple[int, ...]:
    """The phases a checkpoint follows.

    "After Phase 2": every phase up to Phase 2.  "Before Completion", a
    Definition of Done: every phase before it.  Otherwise the phases since
    the previous checkpoint, the one it stands in included.
    """
    m = _AFTER_RE.search(title)
    if m:
        target = m.group("num").rstrip("+").lower()
        hit = next((ph for ph in phases if ph.number == target), None)
        if hit is not None:
            return tuple(ph.index for ph in top_phases if ph.line <= hit.line) or (hit.index,)
    if _ALL_PHASES_RE.search(title):
        return tuple(ph.index for ph in top_phases if ph.line < line1) or tuple(ph.index for ph in top_phases)
    if holder is not None:
        while phases[holder].parent is not None:
            holder = phases[holder].parent
    since = tuple(ph.index for ph in top_phases if prev_line < ph.line < line1 or ph.index == holder)
    return since or tuple(ph.index for ph in top_phases if ph.line < line1)


def _graph(lines: Lines, code_lines: list[int], para_lines: list[int]) -> tuple[Edge, ...]:
    edges: list[Edge] = []
    seen = set()
    for k in sorted(set(code_lines) | set(para_lines)):
        text = lines.line(k)
        if "→" not in text and "->" not in text and "⟶" not in text:
            continue
        parts = _GRAPH_SPLIT.split(text.strip().strip("`*"))
        groups = []
        for part in parts:
            ids = [t for t in re.split(r"[\s,/]+", clean_inline(part)) if _GRAPH_ID.match(t)]
            groups.append(ids)
        for a, b in zip(groups, groups[1:]):
            for x in a:
                for y in b:
                    if (x, y) not in seen:
                        seen.add((x, y))
                        edges.append(Edge(x, y, k + 1))
    return tuple(edges)
