"""The reading of Markdown on fixture files: input, then what is read from it.

Each file in ``tests/markdown_fixtures/`` holds cases in markdown-it-py's
fixture format: a title line, ``.``, the Markdown, ``.``, the expected
result, ``.``.  The expected result is what markdown-it and the Walker read
(:func:`plantui.markdown.chunks.parse_chunk`), one line a piece, lines counted
from 1.  A case whose result opens with ``declines: REASON`` is one the fast
scanner leaves to markdown-it for that reason; every other case the scanner
must read, and read the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plantui.config import DEFAULT
from plantui.markdown import Collected, scan
from plantui.markdown.chunks import parse_chunk
from plantui.markdown.scan import DECLINE, scan_chunk

FOLDER = Path(__file__).resolve().parent / "markdown_fixtures"


def cases() -> list[tuple[str, str, list[str]]]:
    """(id, Markdown, expected lines) of every case in the fixture files."""
    found = []
    for path in sorted(FOLDER.glob("*.md")):
        with open(path, encoding="utf-8", newline="") as f:
            lines = f.read().split("\n")
        k = 0
        while k < len(lines):
            if not lines[k].strip():
                k += 1
                continue
            title = lines[k]
            assert lines[k + 1] == ".", f"{path.name}:{k + 2}: '.' after the title"
            a = k + 2
            b = lines.index(".", a)
            c = lines.index(".", b + 1)
            found.append((f"{path.stem}: {title}", "\n".join(lines[a:b]) + "\n", lines[b + 1 : c]))
            k = c + 1
    return found


def _ranges(lines: list[int]) -> str:
    """0-based line numbers as 1-based ranges: ``1-3, 5``."""
    out: list[str] = []
    for k in sorted(lines):
        if out and out[-1][1] == k:
            out[-1][1] = k + 1
        else:
            out.append([k + 1, k + 1])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in out)


def render(got: Collected) -> list[str]:
    """What a reading holds, one line a piece (lines from 1)."""
    out = []
    for h in got.headings:
        out.append(f"heading {h.line + 1} h{h.level}: {h.title}")
    for it in got.items:
        parent = "" if it.parent is None else f" in {got.items[it.parent].line + 1}"
        star = "*" if it.optional else ""
        lines = f" ({it.text_lines} lines)" if it.text_lines != 1 else ""
        out.append(f"{'  ' * it.depth}item {it.line + 1}{parent} [{it.marker}]{star} {it.state.name}{lines}: {it.text}")
        out.extend(f"{'  ' * it.depth}  detail: {d}" for d in it.details)
    out.extend(f"label {lb.line + 1}: {lb.title}" for lb in got.labels)
    out.extend(f"status {r.line} {r.state.name}: {r.label} | {r.status}" for r in got.status_rows)
    out.extend(f"warning {w.line}: {w.message}" for w in got.warnings)
    for name, lines in (("text", got.field_lines), ("code", got.code_lines), ("html", got.comment_lines)):
        if lines:
            out.append(f"{name} lines: {_ranges(lines)}")
    return out


CASES = cases()


def test_there_are_fixtures_for_each_block_rule():
    files = {case[0].split(":")[0] for case in CASES}
    assert {"lists", "fences", "headings", "tables", "html", "declines"} <= files
    assert len(CASES) >= 20
    assert sum(case[2][:1] != [] and case[2][0].startswith("declines: ") for case in CASES) >= 8


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_markdown_it_and_the_scanner_read_the_fixture(name, text, expected, monkeypatch):
    declines = expected[0][len("declines: "):] if expected and expected[0].startswith("declines: ") else None
    if declines is not None:
        expected = expected[1:]
    assert render(parse_chunk(text, DEFAULT, True)) == expected
    reasons: dict[str, int] = {}
    monkeypatch.setattr(scan, "REASONS", reasons)
    got = scan_chunk(text, DEFAULT, True)
    if declines is None:
        assert got is not DECLINE, reasons
        assert render(got) == expected
        assert got == parse_chunk(text, DEFAULT, True)
    else:
        assert got is DECLINE
        assert reasons == {declines: 1}
