"""Lines: where each line starts and ends, the same however they are worked out."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from plantui.lines import BOM, Lines, decode, decode_lines, splice

BREAKS = re.compile(r"\r\n|\r|\n")
TEXTS = st.lists(st.sampled_from(["a", "b", " ", "é", "[", "x", "\n", "\r", "\r\n", "\udc80"]), max_size=40).map("".join)


def _by_regex(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    starts, ends = [0], []
    for m in BREAKS.finditer(text):
        ends.append(m.start())
        starts.append(m.end())
    ends.append(len(text))
    return tuple(starts), tuple(ends)


def _same(got: Lines, text: str) -> None:
    """``got`` holds the lines of ``text``."""
    starts, ends = _by_regex(text)
    assert got.chars == len(text)
    for offset in range(len(text) + 1):
        assert got.line_of(offset) == max(k for k, s in enumerate(starts) if s <= offset)
    for c in range(len(text) + 1):
        assert got.byte_offset(c) == len(text[:c].encode("utf-8", "surrogateescape"))
    assert [got.offset(n, 0) for n in range(len(starts))] == list(starts)
    assert got.starts == starts
    assert tuple(s + len(got.line(k)) for k, s in enumerate(got.starts)) == ends
    assert [got.line(k) for k in range(len(got))] == [text[a:b] for a, b in zip(starts, ends)]
    assert got.text == text


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_lines_break_where_commonmark_does(text):
    _same(Lines.of(text), text)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.data())
def test_spliced_lines_equal_the_lines_of_the_spliced_text(text, data):
    lines = Lines.of(text)
    edits = []
    pos = 0
    for _ in range(data.draw(st.integers(0, 3))):
        if pos > len(text):
            break
        start = data.draw(st.integers(pos, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 3)))
        new = data.draw(st.sampled_from(["", "x", "XY", " ", "\n", "é"]))
        edits.append((start, end, new))
        pos = end + 1
    _same(lines.spliced(edits), splice(text, edits))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", " ", "é", "✅", "x", "\n", "\r\n", "\udc80"]), max_size=60).map("".join),
       st.data())
def test_spliced_lines_carry_where_lines_start_in_characters_and_bytes(text, data):
    """Line starts carried through changes within lines, and byte offsets after
    them, are what a fresh count gives."""
    lines = Lines.of(text)
    lines.offset(0, 0)  # the starts, worked out before the changes
    for _ in range(data.draw(st.integers(1, 3))):
        k = data.draw(st.integers(0, len(lines) - 1))
        start = lines.offset(k, 0)
        length = len(lines.line(k))
        a = data.draw(st.integers(0, length))
        b = data.draw(st.integers(a, length))
        new = data.draw(st.sampled_from(["", "x", "éé", "✅", "\udcff", "yy"]))
        if not new and a == 0 and b == length and "\r" in text:
            continue  # (an emptied line between CR and LF joins two breaks: counted again, tested above)
        lines = lines.spliced([(start + a, start + b, new)])
        text = splice(text, [(start + a, start + b, new)])
        fresh = Lines.of(text)
        for n in range(len(fresh)):
            assert lines.offset(n, 0) == fresh.starts[n]
        for c in range(len(text) + 1):
            assert lines.byte_offset(c) == len(text[:c].encode("utf-8", "surrogateescape"))
        assert lines.text == text


def test_an_emptied_line_between_cr_and_lf_joins_two_breaks():
    text = "a\rb\nc"
    lines = Lines.of(text)
    _same(lines.spliced([(2, 3, "")]), "a\r\nc")


def test_a_marker_flip_shares_the_offsets():
    text = "# P\r\n\r\n- [ ] one\r\n- [ ] two\r\n"
    lines = Lines.of(text)
    at = text.index("[ ] two") + 1
    new = lines.spliced([(at, at + 1, "x")])
    assert new.text == text[:at] + "x" + text[at + 1 :]
    assert new.starts is lines.starts and new.line(3) == "- [x] two"


# --- relined: the lines of new bytes from the old ones ------------------------------

BYTES = st.lists(st.sampled_from([b"a", b" ", b"x", b"\n", b"\xc3\xa9", b"\xe2\x9c\x85", b"\x80", b"\xff", b"[ ]",
                                  b"\r", b"\xc3", b"\xe2\x9c"]), max_size=40).map(b"".join)  # (lone lead bytes too)


@settings(max_examples=400, deadline=None)
@given(BYTES, st.booleans(), st.data())
def test_relined_lines_are_the_lines_of_the_new_bytes(body, bom, data):
    from plantui.lines import relined

    old_raw = (BOM if bom else b"") + body
    old = Lines.of(decode(old_raw)[0])
    raw = bytearray(old_raw)
    for _ in range(data.draw(st.integers(1, 4))):  # same-size overwrites: a tick, a value, a line break…
        if raw:
            at = data.draw(st.integers(0, len(raw) - 1))
            piece = data.draw(st.sampled_from([b"x", b" ", b"\n", b"\r", b"\xc3\xa9", b"\xff", b"1"]))
            raw[at : at + len(piece)] = piece[: len(raw) - at]
    raw = bytes(raw)
    got = relined(old_raw, old, raw)
    if got is not None:
        want = Lines.of(decode(raw)[0])
        assert got.text == want.text and got.parts == want.parts
        _same(got, want.text)


def test_relined_takes_a_tick_and_declines_what_moves_a_line():
    from plantui.lines import relined

    old_raw = b"# P\n\n**Progress:** 0/2\n- [ ] one\n- [ ] two\n"
    old = Lines.of(old_raw.decode())
    tick = old_raw.replace(b"0/2", b"1/2").replace(b"[ ] two", b"[x] two")
    got = relined(old_raw, old, tick)
    assert got is not None and got.text == tick.decode()
    assert got.parts[0] is old.parts[0] and got.parts[3] is old.parts[3]  # untouched lines shared
    assert relined(old_raw, old, old_raw.replace(b"- [ ] one", b"- [ ]\none")) is None  # a break came
    assert relined(old_raw, old, old_raw.replace(b"**Progress:**", b"**Progress:*\r")) is None  # a CR came
    assert relined(old_raw, old, old_raw + b"x") is None  # another size
    assert relined(old_raw, old, old_raw) is old


@settings(max_examples=400, deadline=None)
@given(BYTES, st.booleans())
def test_decoded_lines_are_the_lines_of_the_text(body, bom):
    raw = (BOM if bom else b"") + body
    lines, got_bom = decode_lines(raw)
    text, want_bom = decode(raw)
    want = Lines.of(text)
    assert got_bom == want_bom
    _same(lines, text)
    assert lines.parts == want.parts
    assert lines._seps == want._seps  # the same line endings, or None for LF only in both
