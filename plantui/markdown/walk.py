"""markdown-it-py's block tokens in, what a plan is made of out.

:class:`Walker` reads a token stream and collects the raw pieces a plan is
assembled from (:class:`Collected`): the checkbox items with their nesting and
detail lines, the headings, the bold checkpoint labels, the lines of
paragraphs, code and HTML, the status rows of tables.  Line numbers are
0-based and relative to the text that was parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import Settings, grapheme_end
from ..model import Spelling, State, StatusRow, Warning
from ..names import BULLET_RE, PHASE_RE, TAG_LINE, LazyRe, clean_inline, is_checkpoint_name, name_of, split_id
from ..lines import Lines
from ..status_words import EMOJI_RE, WORD_RE, state_of_word, status_of_bare_cell, status_of_cell

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# --- markdown-it, built when first needed ----------------------------------

MAX_NESTING = 20  # markdown-it's commonmark preset (a test holds the two equal)
MAX_LEVEL = MAX_NESTING - 1  # markdown-it skips what is nested deeper
TOO_DEEP = "lists or quotes nested deeper than"


@lru_cache(maxsize=1)
def markdown() -> "MarkdownIt":
    """CommonMark with GFM tables and task lists, inline rules off."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"tasklists": True}).enable("table")
    md.core.ruler.disable(["inline", "text_join"])
    return md


# --- the walk -------------------------------------------------------------

_PHASE_COLUMN = re.compile(r"(?:phase|stage|milestone|sprint|epic|week|iteration|wave|workstream)s?\b", re.I)
_TASK_COLUMN = LazyRe(r"(?:tasks?|sub-?tasks?|id|#|no\.?|items?|to-?dos?|features?|stor(?:y|ies)|deliverables?|"
                          r"work\s*items?|tickets?|issues?|actions?|任务|任務|タスク|작업)$", re.I)
_NUMBER_CELL = re.compile(r"^\**\s*(\d{1,6})\s*\**$")


def _tally(row: list[str]) -> tuple[str, State | None, int] | None:
    """A row of a table of counts (``| Done | 16 |``, ``| ✅ Completed | 3 |``, ``| Total | 19 |``):
    its label, the state it counts (None: all) and the count; None for any other row."""
    if len(row) < 2:
        return None
    label = clean_inline(EMOJI_RE.sub("", row[0])).strip(" :")
    numbers = [m.group(1) for cell in row[1:] if (m := _NUMBER_CELL.match(clean_inline(cell)))]
    if len(numbers) != 1 or len(label.split()) > 3:
        return None
    if label.lower() == "total":
        return label, None, int(numbers[0])
    state = state_of_word(label)
    return (label, state, int(numbers[0])) if state is not State.OTHER or WORD_RE.fullmatch(label) else None


@dataclass(slots=True)
class RawItem:
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
    spelling: Spelling | None = None  # a task that is not a box (see .nonbox)


@dataclass(slots=True)
class RawHeading:
    line: int
    level: int
    title: str


@dataclass(slots=True)
class BoldLabel:
    """A paragraph opening with ``**Checkpoint**:`` (a checkpoint without a heading)."""

    line: int
    title: str


@dataclass
class Collected:
    items: list[RawItem] = field(default_factory=list)
    headings: list[RawHeading] = field(default_factory=list)
    labels: list[BoldLabel] = field(default_factory=list)
    field_lines: list[int] = field(default_factory=list)
    comment_lines: list[int] = field(default_factory=list)
    code_lines: list[int] = field(default_factory=list)
    status_rows: list[StatusRow] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    task_rows: set[int] = field(default_factory=set)  # status rows of a table whose rows name tasks
    # "| Done | 16 |" in a table of counts: line, label, the state it counts (None: all), the count
    tallies: list[tuple[int, str, State | None, int]] = field(default_factory=list)
    task_headings: set[int] = field(default_factory=set)  # headings read as tasks, or naming one again (see .nonbox)
    task_of: dict[int, int] = field(default_factory=dict)  # the line of a task read from a heading -> the heading's


def content_start(line: str, markers: int) -> int | None:
    """Column where a list item's content starts, ``markers`` list markers in."""
    pos = 0
    n = len(line)
    while markers:
        while pos < n and line[pos] in " \t>":
            pos += 1
        m = BULLET_RE.match(line, pos)
        if not m:
            return None
        pos = m.end()
        markers -= 1
    while pos < n and line[pos] in " \t":
        pos += 1
    return pos


def box(line: str, pos: int) -> tuple[str, int, bool] | None:
    """The checkbox at ``pos``: (marker, column of the marker, optional)."""
    if pos + 2 >= len(line) or line[pos] != "[":
        return None
    close = pos + 2
    if line[close] != "]":  # ⚠️, 👍🏽: one character, several code points (see config.grapheme_end)
        close = grapheme_end(line, pos + 1)
    marker = line[pos + 1 : close]
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


class Walker:
    def __init__(self, lines: Lines, settings: Settings):
        self.lines = lines
        self.settings = settings
        self.out = Collected()
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
            if tok.level >= MAX_LEVEL and tok.map and not self.too_deep:
                self.too_deep = True
                out.warnings.append(Warning(tok.map[0] + offset + 1, f"{TOO_DEEP} {MAX_LEVEL // 2} "
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
                    out.headings.append(RawHeading(start, int(tok.tag[1]), title))
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
        pos = content_start(line, same_line)
        found = box(line, pos) if pos is not None else None
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
            RawItem(
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
            self.out.labels.append(BoldLabel(start, title))

    # tables: status rows ------------------------------------------------------

    def _table(self, tokens, i, offset) -> int:
        header: list[str] = []
        row: list[str] = []
        row_line = None
        in_head = False
        status_col = None
        phases = False  # its rows name phases, not tasks
        tasks = False  # its rows name tasks ("| Task | Status |")
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
                first = clean_inline(header[0]) if header else ""
                phases = bool(_PHASE_COLUMN.match(first))
                tasks = status_col is not None and not phases and bool(_TASK_COLUMN.match(first))
            elif t.type == "tr_open":
                row = []
                row_line = t.map[0] + offset if t.map else None
            elif t.type == "inline":
                (header if in_head else row).append(t.content.strip())
            elif t.type == "tr_close" and not in_head and row_line is not None and row:
                tally = _tally(row)
                if tally is not None:  # "| Done | 16 |": a count, no status of a thing
                    self.out.tallies.append((row_line, *tally))
                    j += 1
                    continue
                # its status column; without one, a cell that says nothing but a status
                in_column = status_col is not None and status_col < len(row)
                for cell in [row[status_col]] if in_column else row:
                    state = status_of_cell(cell) if in_column else status_of_bare_cell(cell)
                    if state is not None:
                        self.out.status_rows.append(StatusRow(row_line + 1, clean_inline(row[0]), clean_inline(cell), state))
                        if status_col is not None and not phases and not PHASE_RE.match(name_of(row[0])) and (
                                tasks or split_id(clean_inline(row[0]))[0] is not None):
                            self.out.task_rows.add(row_line)
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
            elif TAG_LINE.match(text):  # <details>, <summary>…</summary>, </div>
                keep = ""
            inner.append(keep)
        if not any(s.strip() for s in inner):
            return
        self.walk(markdown().parse("\n".join(inner)), offset=start, depth=depth + 1)
