"""Bad input through the command line: one line on stderr, exit 2, nothing written.

Every case runs ``python -m plantui …`` as a separate process and checks the
exit code, that stderr is empty or exactly one line starting ``plantui: ``,
that no traceback shows, and that the file's bytes are unchanged whenever an
error is reported.  Then property tests on the pure layer: on random plans
(markers, CRLF/LF/CR, BOM, invalid bytes, code fences, tables) setting a
marker and setting it back returns the original text, and only the marker
character ever changes.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import report_figures

from plantui.edits import set_markers
from plantui.parser import parse
from plantui.lines import Lines, decode, encode

PY = sys.executable
FIGURES = {"commands": 0, "errors": 0, "bytes_checked": 0, "random_plans": 0, "markers_flipped": 0}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x1f\x15\xc4\x89" + b"\x00" * 64


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([PY, "-m", "plantui", *map(str, args)], capture_output=True, cwd=cwd, env=env, timeout=300)


def outcome(p: subprocess.CompletedProcess, code: int) -> str:
    """Check the exit code and the stderr contract; return stderr as text."""
    err = p.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in p.stderr, err
    assert p.returncode == code, (p.returncode, err, p.stdout[-500:])
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("plantui: ") and err.endswith("\n"), repr(err)
        FIGURES["errors"] += 1
    else:
        assert err == "", repr(err)
    FIGURES["commands"] += 1
    return err


def refused(path: Path | None, *args, match: str = "", cwd=None) -> str:
    """The command fails with exit 2 and leaves ``path`` exactly as it was."""
    before = path.read_bytes() if path is not None and path.is_file() else None
    mode = path.stat().st_mode if path is not None and path.exists() else None
    err = outcome(cli(*args, cwd=cwd), 2)
    assert match.lower() in err.lower(), err
    if before is not None:
        assert path.read_bytes() == before
        FIGURES["bytes_checked"] += 1
    if mode is not None:
        assert path.stat().st_mode == mode
    return err


def plan(tmp_path: Path, body: str | bytes, name: str = "plan.md") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


SIMPLE = "# Plan\n\n**Progress:** 0/3 tasks complete\n\n- [ ] T001 One\n- [ ] T002 Two\n- [ ] T003 Three\n"



@pytest.fixture(scope="module", autouse=True)
def _figures(pytestconfig, tmp_path_factory):
    """After the module: print what it put plantui through, and add it to reliability.jsonl."""
    yield
    report_figures({"test": "bad-input", **FIGURES}, tmp_path_factory.mktemp("figures"), pytestconfig)

# --- paths that are not plans --------------------------------------------------------------


def test_missing_path(tmp_path):
    refused(None, "status", tmp_path / "nope.md", match="no such file")
    refused(None, "tick", tmp_path / "nope.md", "T001", match="no such file")
    assert not (tmp_path / "nope.md").exists()


def test_broken_symlink(tmp_path):
    (tmp_path / "plan.md").symlink_to(tmp_path / "gone.md")
    refused(None, "status", tmp_path / "plan.md", match="no such file")
    refused(None, "tick", tmp_path / "plan.md", "T001", match="no such file")
    assert not (tmp_path / "gone.md").exists()


def test_folder_with_no_plans(tmp_path):
    (tmp_path / "notes.txt").write_text("- [ ] not a plan name\n")
    refused(None, "status", tmp_path, match="no plans found")
    refused(tmp_path, "tick", tmp_path, "T001", match="folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "plan.md"
    os.mkfifo(fifo)
    refused(None, "status", fifo, match="not a regular file")
    refused(None, "tick", fifo, "T001", match="not a regular file")


def test_binary_file(tmp_path):
    path = plan(tmp_path, PNG, "plan.md")
    refused(path, "status", path, match="binary")
    refused(path, "tick", path, "T001", match="binary")
    refused(path, "sync", path, match="binary")


def test_nul_bytes(tmp_path):
    path = plan(tmp_path, SIMPLE.replace("Two", "T\x00wo"))
    refused(path, "status", path, match="binary")
    refused(path, "tick", path, "T001", match="binary")


def test_nul_byte_past_the_first_8_kib_is_kept(tmp_path):
    body = SIMPLE.encode() + b"\n" + (b"filler line of text\n" * 500) + b"a NUL \x00 here\n"
    path = plan(tmp_path, body)
    outcome(cli("status", path), 0)
    outcome(cli("tick", path, "T002", "--no-sync"), 0)
    assert path.read_bytes() == body.replace(b"[ ] T002", b"[x] T002")


def test_empty_file(tmp_path):
    path = plan(tmp_path, b"")
    p = cli("status", path, "--json")
    outcome(p, 0)
    doc = json.loads(p.stdout)
    assert doc["plans"][0]["tasks"]["total"] == 0
    outcome(cli("status", path), 0)
    refused(path, "tick", path, "T001", match="no task")
    refused(path, "tick", path, "--line", "1", match="no checkbox")
    assert path.read_bytes() == b""


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "plan.md"
    with open(path, "wb") as fh:  # sparse: 65 MB without writing them
        fh.truncate(65 * 1024 * 1024)
    refused(None, "status", path, match="MB")
    refused(None, "tick", path, "T001", match="MB")
    assert path.stat().st_size == 65 * 1024 * 1024


@pytest.fixture(scope="module")
def big_plan(tmp_path_factory):
    """About 50 MB: 2,000 sections of 20 tasks and 400 plain lines each."""
    path = tmp_path_factory.mktemp("big") / "plan.md"
    parts = ["# Big plan\n\n**Progress:** 0/40000 tasks complete\n\n"]
    for sec in range(1, 2001):
        parts.append(f"## Section {sec}\n\n")
        parts.extend(f"- [ ] S{sec}.{i} task {i} of section {sec}\n" for i in range(1, 21))
        parts.append("\n")
        parts.extend(f"Plain line {j} of section {sec}, simple text to fill the plan up.\n" for j in range(400))
        parts.append("\n")
    path.write_text("".join(parts))
    return path


def test_fifty_megabytes(big_plan):
    assert big_plan.stat().st_size > 50 * 1000 * 1000
    p = cli("status", big_plan, "--json")
    outcome(p, 0)
    doc = json.loads(p.stdout)
    assert doc["plans"][0]["tasks"]["total"] == 40000
    refused(big_plan, "tick", big_plan, "S2001.1", match="no task")


def test_hundred_thousand_character_line(tmp_path):
    long = "word " * 20000
    body = f"# Long\n\n- [ ] T001 {long}\n- [ ] T002 short\n{'x' * 100000}\n**Progress:** 0/2\n"
    path = plan(tmp_path, body)
    outcome(cli("status", path), 0)
    outcome(cli("tick", path, "T001"), 0)
    after = path.read_text()
    assert after == body.replace("[ ] T001", "[x] T001").replace("0/2", "1/2")


def test_lists_nested_a_thousand_deep(tmp_path):
    body = "# Nest\n\n" + "".join("  " * d + f"- [ ] N{d} level {d}\n" for d in range(1000))
    path = plan(tmp_path, body)
    outcome(cli("status", path), 0)
    outcome(cli("status", path, "--json"), 0)
    outcome(cli("tick", path, "N0"), 0)
    assert path.read_text() == body.replace("[ ] N0 ", "[x] N0 ", 1)
    # deeper than the parser follows: refused with a sentence, nothing written
    refused(path, "tick", path, "N999", match="no task")


def test_blockquotes_nested_a_thousand_deep(tmp_path):
    body = "# Quotes\n\n" + "".join(">" * d + f" - [ ] Q{d} level {d}\n" for d in range(1, 1001))
    path = plan(tmp_path, body)
    outcome(cli("status", path), 0)
    outcome(cli("tick", path, "Q1"), 0)
    assert path.read_text() == body.replace("[ ] Q1 ", "[x] Q1 ", 1)


def test_invalid_utf8_bytes_are_kept(tmp_path):
    body = b"# Bad \xff\xfe utf\n\n- [ ] T001 caf\xe9 \x80\n- [ ] T002 ok \xc3\n**Progress:** 0/2 tasks complete\n"
    path = plan(tmp_path, body)
    p = cli("status", path, "--json")
    outcome(p, 0)
    json.loads(p.stdout)  # valid JSON, whatever the bytes
    outcome(cli("status", path), 0)
    outcome(cli("tick", path, "T001"), 0)
    assert path.read_bytes() == body.replace(b"[ ] T001", b"[x] T001").replace(b"0/2", b"1/2")
    outcome(cli("tick", path, "T002"), 0)
    assert path.read_bytes() == body.replace(b"[ ] T00", b"[x] T00").replace(b"0/2", b"2/2")


def test_bom_is_kept(tmp_path):
    body = b"\xef\xbb\xbf" + SIMPLE.encode()
    path = plan(tmp_path, body)
    outcome(cli("tick", path, "T003"), 0)
    assert path.read_bytes() == body.replace(b"[ ] T003", b"[x] T003").replace(b"0/3", b"1/3")


def test_mixed_line_endings_each_line_keeps_its_own(tmp_path):
    body = b"# Mixed\r\n\r\n- [ ] T001 crlf\r\n- [ ] T002 lf\n- [ ] T003 cr\r- [ ] T004 crlf again\r\n- [ ] T005 no end"
    path = plan(tmp_path, body)
    outcome(cli("status", path), 0)
    for n in range(1, 6):
        outcome(cli("tick", path, f"T00{n}"), 0)
    assert path.read_bytes() == body.replace(b"[ ]", b"[x]")
    outcome(cli("untick", path, "T003"), 0)
    assert path.read_bytes() == body.replace(b"[ ]", b"[x]").replace(b"[x] T003", b"[ ] T003")


def test_code_fence_lookalike_is_not_ticked(tmp_path):
    body = "# Plan\n\n```markdown\n- [ ] T001 inside a fence\n```\n\n| a | b |\n|---|---|\n| - [ ] T001 | cell |\n\n- [ ] T001 the real one\n"
    path = plan(tmp_path, body)
    outcome(cli("tick", path, "T001"), 0)
    assert path.read_text() == body.replace("[ ] T001 the real one", "[x] T001 the real one")


# --- references that do not name one item --------------------------------------------------


def test_unknown_task_id(tmp_path):
    path = plan(tmp_path, SIMPLE)
    refused(path, "tick", path, "T999", match="no task with id")
    refused(path, "tick", path, "T001", "T999", match="no task with id")  # all or nothing
    refused(path, "mark", path, "/", "nope", match="no task with id")


def test_an_unknown_id_is_answered_with_the_plans_own_ids(tmp_path):
    """The refusal names the ids the plan has (it said "ids look like 1.1 or T012" to a
    Task Master or Cursor plan, whose ids are 1, 2, 3 or words)."""
    path = plan(tmp_path, SIMPLE)
    err = refused(path, "tick", path, "T999", match="no task with id 'T999'")
    assert "its ids are T001, T002" in err and "look like" not in err
    bare = plan(tmp_path, "# Plan\n\n- [ ] one\n- [ ] two\n", name="bare.md")
    assert "its tasks have no ids" in refused(bare, "tick", bare, "1", match="no task with id '1'")
    assert "line 1 holds no checkbox item" in refused(bare, "tick", bare, "--line", "1")


def test_ambiguous_id(tmp_path):
    path = plan(tmp_path, SIMPLE + "- [ ] T002 Two again\n")
    refused(path, "tick", path, "T002", match="2 items have id")
    outcome(cli("tick", path, "--line", "8"), 0)
    assert path.read_text() == (SIMPLE + "- [x] T002 Two again\n").replace("0/3", "1/4")


@pytest.mark.parametrize("line", ["1", "2", "0", "-5", "99999"])
def test_line_without_an_item(tmp_path, line):
    path = plan(tmp_path, SIMPLE)
    refused(path, "tick", path, "--line", line, match="line")


@pytest.mark.parametrize("args,match", [
    (("tick", "{p}"), "name at least one task"),
    (("mark", "{p}", "xy", "T001"), "one character"),
    (("mark", "{p}", "]", "T001"), "marker"),
    (("tick", "{p}", "--line", "two"), "invalid int"),
    (("tick", "{p}", "T001", "--bogus"), "unrecognized"),
    (("mark", "{p}"), "required"),  # status with no path reads the plans here (see test_first_hour_core)
    (("frobnicate", "{p}"), "frobnicate: no such file"),
])
def test_bad_arguments(tmp_path, args, match):
    path = plan(tmp_path, SIMPLE)
    refused(path, *[a.format(p=path) for a in args], match=match, cwd=tmp_path)


def test_unwritable_file(tmp_path):
    path = plan(tmp_path, SIMPLE.replace("0/3", "2/3"))  # out of date: sync has something to write
    os.chmod(path, 0o444)
    refused(path, "tick", path, "T001", match="read-only")
    refused(path, "sync", path, match="read-only")
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    outcome(cli("status", path), 0)  # reading is fine


# --- the pure layer, on random plans ----------------------------------------------------------

MARKERS = " xX/-~"
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n`|[]\x00"), min_size=0, max_size=12)
BAD_BYTES = st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x82", b"\x80", b"\xed\xa0\x80"])


@st.composite
def plans(draw):
    """A random plan as bytes, and the line numbers (1-based) that must not be items.

    Items under -, *, + and ordered bullets, in a blockquote, nested by spaces
    or a tab; text, headings, blank lines; lookalikes in code fences and table
    cells; invalid UTF-8 in the words; LF, CRLF or a mix with lone CRs; a BOM.
    """
    eol_mode = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    blocks: list[tuple[bytes, bool]] = []  # (line, must not be an item)
    n = 0
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["item", "item", "item", "nested", "text", "blank", "fence", "table", "heading"]))
        n += 1
        word = draw(WORDS).encode("utf-8", "surrogatepass")
        if draw(st.integers(0, 4)) == 0:
            word += draw(BAD_BYTES)
        mark = draw(st.sampled_from(MARKERS)).encode()
        if kind == "item":
            bullet = draw(st.sampled_from([b"- ", b"* ", b"+ ", b"1. ", b"2) ", b"> - ", b"   - "]))
            blocks.append((bullet + b"[" + mark + b"] T%03d " % n + word, False))
        elif kind == "nested":
            blocks.append((b"- [" + mark + b"] T%03d parent" % n, False))
            indent = draw(st.sampled_from([b"  ", b"    ", b"\t"]))
            blocks.append((indent + b"- [" + draw(st.sampled_from(MARKERS)).encode() + b"] C%03d " % n + word, False))
        elif kind == "text":
            blocks.append((b"Some text " + word, True))
        elif kind == "blank":
            blocks.append((b"", True))
        elif kind == "fence":
            blocks += [(b"", True), (b"```", True), (b"- [" + mark + b"] F%03d in a fence" % n, True), (b"```", True), (b"", True)]
        elif kind == "table":
            blocks += [(b"", True), (b"| task | state |", True), (b"|---|---|", True), (b"| - [" + mark + b"] X%03d | " % n + word + b" |", True), (b"", True)]
        else:
            blocks += [(b"", True), (b"## Heading " + word, True), (b"", True)]
    out = []
    prev = ""
    for line, _ in blocks:
        eol = draw(st.sampled_from(["\n", "\r\n", "\r"])) if eol_mode == "mixed" else eol_mode
        if prev == "\r" and line == b"" and eol == "\n":
            eol = "\r\n"  # CR then an empty LF line would read as one CRLF: keep the blank line
        out.append(line + eol.encode())
        prev = eol
    raw = b"".join(out)
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    not_items = {k + 1 for k, (_, no) in enumerate(blocks) if no}
    return raw, not_items


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.data())
def test_set_marker_and_back_is_the_identity(case, data):
    raw, not_items = case
    FIGURES["random_plans"] += 1
    text, bom = decode(raw)
    assert encode(text, bom) == raw
    plan_ = parse(text)
    lines = Lines.of(text)
    assert not any(it.line in not_items for it in plan_.items), "an item inside a fence, table or paragraph"
    for item in plan_.items:
        offset = lines.offset(item.line - 1, item.col)
        assert text[offset] == item.marker
        new_marker = data.draw(st.sampled_from([m for m in MARKERS if m != item.marker]))
        changed = set_markers(lines, plan_, [(item, new_marker)], sync=False)
        new = changed.text
        # only the marker character changed
        assert len(new) == len(text)
        assert [k for k in range(len(text)) if text[k] != new[k]] == [offset]
        assert new[offset] == new_marker
        new_raw = encode(new, bom)
        assert len(new_raw) == len(raw)
        at = (3 if bom else 0) + len(text[:offset].encode("utf-8", "surrogateescape"))
        assert [k for k in range(len(raw)) if raw[k] != new_raw[k]] == [at]
        # and back
        new_plan = parse(new)
        fresh = new_plan.item_at_line(item.line)
        assert fresh is not None and fresh.marker == new_marker and fresh.col == item.col
        back = set_markers(Lines.of(new), new_plan, [(fresh, item.marker)], sync=False)
        assert back.text == text
        assert encode(back.text, bom) == raw
        FIGURES["markers_flipped"] += 1
