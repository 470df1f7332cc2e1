"""The fast scanner (plantui.markdown.scan) must equal markdown-it + Walker wherever it answers.

``scan_chunk`` either declines (``DECLINE``) or returns exactly what
``chunks.parse_chunk`` returns for the same chunk: on every chunk of the corpus,
the seeds, the bundled examples and generated plans, on random plan-like texts,
and for whole plans.  The decline rate is held low, so the fast path cannot
quietly stop working.
"""

from __future__ import annotations

import random
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import SEEDS, corpus_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantui import parser
from benchmarks.generate import generate
from plantui.markdown import chunks, scan
from plantui.markdown.chunks import parse_chunk, read_chunk
from plantui.config import DEFAULT, DEFAULT_MARKERS, Settings
from plantui.model import State
from plantui.markdown.scan import DECLINE, scan_chunk
from plantui.lines import Lines, decode

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "plantui" / "examples").glob("*.md"))
REAL = corpus_files() + sorted(SEEDS.glob("*.md")) + EXAMPLES
GENERATED = [(n, s) for n in (100, 1000) for s in (1, 2, 3)]
# other meanings for the markers: "?" and "/" are tags, "~" is done (Walker reads tags as details)
OTHER = Settings(MappingProxyType({**DEFAULT_MARKERS, "?": None, "/": None, "~": State.DONE}))


@pytest.fixture(autouse=True)
def no_slips(monkeypatch):
    """The scanner declines for reasons, never because it raised."""
    reasons: dict[str, int] = {}
    monkeypatch.setattr(scan, "REASONS", reasons)
    yield
    assert "error" not in reasons


def read_text(path: Path) -> str:
    return decode(path.read_bytes())[0]


def chunks_of(text: str, monkeypatch) -> list[tuple[str, bool]]:
    """The chunks a cold build_plan reads, exactly as it reads them."""
    seen: list[tuple[str, bool]] = []

    def spy(chunk, settings_, last):
        seen.append((chunk, last))
        return parse_chunk(chunk, settings_, last)

    with monkeypatch.context() as m:
        m.setattr(chunks, "read_chunk", spy)
        parser.build_plan(Lines.of(text))
    return seen


def equal_or_declined(chunk: str, last: bool, settings_: Settings = DEFAULT) -> bool:
    """Assert the scanner's answer is markdown-it's; True when it answered."""
    got = scan_chunk(chunk, settings_, last)
    if got is DECLINE:
        return False
    assert got == parse_chunk(chunk, settings_, last), chunk
    return True


# 1. real text ----------------------------------------------------------------


@pytest.mark.parametrize("path", REAL, ids=[p.name[:12] for p in REAL])
def test_every_chunk_of_real_plans_reads_as_markdown_it_reads_it(path, monkeypatch):
    for chunk, last in chunks_of(read_text(path), monkeypatch):
        for s in (DEFAULT, OTHER):
            equal_or_declined(chunk, last, s)


@pytest.mark.parametrize("n,seed", GENERATED, ids=[f"{n}-{s}" for n, s in GENERATED])
def test_generated_plans_read_as_markdown_it_reads_them_and_seldom_decline(n, seed, monkeypatch):
    found = chunks_of(generate(n, seed=seed).text, monkeypatch)
    scanned = sum(equal_or_declined(chunk, last) for chunk, last in found)
    assert len(found) >= 10
    assert scanned >= 0.95 * len(found)


@pytest.mark.needs_shared
def test_most_chunks_of_the_corpus_are_scanned(monkeypatch):
    total = scanned = 0
    for path in corpus_files():
        for chunk, last in chunks_of(read_text(path), monkeypatch):
            total += 1
            scanned += scan_chunk(chunk, DEFAULT, last) is not DECLINE
    assert total > 1500
    assert scanned >= 0.9 * total  # block quotes, tab indents, other HTML are left to markdown-it


# 2. random plan-like texts -----------------------------------------------------

INDENTS = ["", "", "", " ", "  ", "  ", "   ", "    ", "     ", "      ", "        "]
MARKERS = ["-", "-", "-", "*", "+", "1.", "2)", "10.", "1)", "0.", "3.", "123456789."]
GAPS = [" ", " ", " ", "  ", "   ", "     ", "\t", ""]
BOXES = ["", "", "[ ] ", "[ ] ", "[x] ", "[X] ", "[/] ", "[~] ", "[-] ", "[P] ", "[ ]* ", "[?] ", "[✔️] ", "[ ]",
         "[x]\t", "[] ", "[ x] ", "[\\] ", "[x]  ", "[ ]*", "[x]:", "[ ] \t"]
TEXTS = ["T001 [P] [US1] Build the thing in src/app.py", "1. Set up the project", "1.1 Sub task", "2) two",
         "**Checkpoint**: verify", "**Checkpoint 2** : after phase 1", "**Progress:** 1/2", "**Gate**: x",
         "# head", "## head ##", "- nested", "- [ ] nested task", "* * *", "---", "- - -", "```", "```py", "~~~",
         "> quoted", "<!-- c -->", "<!--", "<b>x</b>", "", " ", "text `code` here", "a | b", "[ ] again", "[link]: /u",
         "*emph* x", "**bold** : x", "x\ty", "Phase 2: go", "ends -->", "=== x", "4 new tests", "\u3000wide space"]
LINES = ["", "", "", "   ", "\t", "# Title", "## Phase 1: Setup", "### Group", "#NoSpace", "####### seven",
         "## closed ##", "  ## indented", "plain text", "  indented text", "    four spaces", "      six spaces",
         "```", "```bash", "~~~", "````", "``` a`b", "  ```", "   ~~~", "    ```", "---", "***", "___", "- - -",
         "* * *", "===", "--", "  ---", "**Checkpoint**: after phase 1", "**Checkpoint 2**:", "**Progress:** 7/12",
         "**Gate**: x", "<!-- c -->", "<!--", "-->", "  -->", "<div>", "< 5 ms", "| a | b |", "|---|---|",
         "a | b", "| Status | Phase |", "| 1 | ✅ Done |", "| 2 | todo | x |", "|:--|--:|", "--- | ---", "| x",
         "  |---|---|", "\\| a | b", "> quote", "\tindented", "-\tfoo", "[foo]: /url", "[x] foo", "[/] bar",
         "text -->", "- ", "-", "1.", "**Checkpoint**:", "  more text", "Next **Checkpoint**: x", "\u00a0nbsp line",
         "\u3000"]


PLAIN_TEXTS = [t for t in TEXTS if t[:1] not in ("<", ">", "[", "=") and t.strip() and "\t" not in t]
PLAIN_LINES = [t for t in LINES if t[:1] not in ("<", ">", "[", "\t", "=", "\\") and t[:4] != "    "
               and t not in ("-", "- ", "1.", "--")]


def random_line(rng: random.Random, exotic: bool) -> str:
    texts, lines = (TEXTS, LINES) if exotic else (PLAIN_TEXTS, PLAIN_LINES)
    r = rng.random()
    if r < 0.5:
        box = rng.choice(BOXES)
        gap = rng.choice(GAPS if exotic else GAPS[:5])
        return rng.choice(INDENTS if exotic else INDENTS[:5]) + rng.choice(MARKERS) + gap + box + rng.choice(texts)
    if r < 0.6:
        return rng.choice(INDENTS[:5]) + rng.choice(texts)
    return rng.choice(lines)


def variants(text: str) -> list[tuple[str, bool]]:
    """The text as a last chunk, and followed by the heading of a next chunk."""
    return [(text, True), (text + "\n", True), (text + "\n\n## Next", False), (text + "\n# Next", False)]


line_strategy = st.one_of(
    st.builds(lambda i, m, g, b, t: i + m + g + b + t, st.sampled_from(INDENTS), st.sampled_from(MARKERS),
              st.sampled_from(GAPS), st.sampled_from(BOXES), st.sampled_from(TEXTS)),
    st.builds(lambda i, m, b, t: i + m + " " + b + t, st.sampled_from(INDENTS[:8]), st.sampled_from(MARKERS[:5]),
              st.sampled_from(BOXES[:8]), st.sampled_from(TEXTS[:12])),
    st.builds(lambda i, t: i + t, st.sampled_from(INDENTS[:8]), st.sampled_from(TEXTS)),
    st.sampled_from(LINES),
)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(line_strategy, min_size=1, max_size=25), st.booleans())
def test_random_plan_texts_read_as_markdown_it_reads_them_or_decline(lines, other):
    for chunk, last in variants("\n".join(lines)):
        equal_or_declined(chunk, last, OTHER if other else DEFAULT)
    assert "error" not in scan.REASONS


@pytest.mark.parametrize("exotic", [False, True], ids=["plain", "exotic"])
def test_many_random_texts_and_the_scanner_answers_most_plain_ones(exotic):
    rng = random.Random(20261121 + exotic)
    answered = total = 0
    for _ in range(600):
        text = "\n".join(random_line(rng, exotic) for _ in range(rng.randint(1, 20)))
        for chunk, last in variants(text):
            total += 1
            answered += equal_or_declined(chunk, last, OTHER if rng.random() < 0.3 else DEFAULT)
    # the comparison above must not be vacuous
    assert answered >= (0.15 if exotic else 0.6) * total, (answered, total)


# 3. whole plans -----------------------------------------------------------------


def _cold_plans(text: str):
    lines = Lines.of(text)
    chunks.MEMO.clear()
    return parser.build_plan(lines), parser.build_plan(lines, chunked=False)


@pytest.mark.parametrize("path", REAL, ids=[p.name[:12] for p in REAL])
def test_a_plan_read_with_the_scanner_equals_one_markdown_it_parse(path):
    fast, plain = _cold_plans(read_text(path))
    assert fast == plain


def test_the_generated_plan_read_with_the_scanner_equals_one_markdown_it_parse(monkeypatch):
    calls = []
    real = chunks.parse_chunk
    monkeypatch.setattr(chunks, "parse_chunk", lambda *a: calls.append(a) or real(*a))
    fast, plain = _cold_plans(generate(1000).text)
    assert fast == plain
    assert len(fast.items) == 1000
    assert calls == []  # the scanner reads every chunk, the status table's too


# the hook and the details ------------------------------------------------------------


def test_read_chunk_scans_first_and_falls_back_to_markdown_it(monkeypatch):
    calls = []
    real = chunks.parse_chunk
    monkeypatch.setattr(chunks, "parse_chunk", lambda *a: calls.append(a) or real(*a))
    chunks.MEMO.clear()
    plain = "## Phase 1\n\n- [ ] T001 one\n- [x] T002 two\n"
    quote = "## Phase 1\n\n> - [ ] T001 quoted\n"
    assert read_chunk(plain, DEFAULT, True) == real(plain, DEFAULT, True)
    assert calls == []
    assert read_chunk(quote, DEFAULT, True) == real(quote, DEFAULT, True)
    assert calls == [(quote, DEFAULT, True)]


def test_mdtrim_is_markdown_its():
    from markdown_it.common.utils import MD_TRIM_CHARS

    assert scan.MD_TRIM == MD_TRIM_CHARS


ANSWERED = {
    "kiro numbered task": "- [ ] 1. Set up\n  - [ ] 1.1 Sub\n    - detail\n  - [ ]* 1.2 Optional tests\n",
    "a digit after the box": "- [x] 4 new tests in `a.rs`,\n  `b`, `c`.\n- [x] next\n",
    "ordered lists": "1. [ ] one\n2. [x] two\n10) [ ] other list\n",
    "loose list": "- [ ] one\n\n- [x] two\n\n  more of two\n",
    "lazy continuation": "- [ ] one\ncontinued lazily\n- [ ] two\n",
    "rules and not": "- - -\n* * *\n___\n- [ ] after\n---\n",
    "fence in an item": "- [ ] task\n  ```\n  - [ ] not a task\n  ```\n- [ ] next\n",
    "fence closes at less indent": "- x\n  ```\n```\n# Head\n",
    "tilde fence, longer close": "~~~~\n# no heading\n~~~~~\n",
    "checkpoint label": "**Checkpoint**: Phase 1 complete\n\n**Progress:** 3/4\n",
    "label in an item": "- **Checkpoint**: run the tests\n",
    "heading forms": "# One #\n## Two ##  \n### Three#\n####\n",
    "comment block": "<!-- a\n- [ ] hidden\n-->\n- [ ] shown\n",
    "comment in an item, blank inside": "- a\n  <!--\n\n  - [ ] in comment\n  -->\n- [x] b\n",
    "comment after a box": "- [ ] <!-- a\n\n  - [ ] hidden -->\n- [ ] x\n",
    "odd markers": "- [/] doing\n- [~] skipped\n- [-] dash\n- [P] tag\n- [?] other\n- [✔️] emoji\n",
    "nested same line": "- - [ ] inner\n- [ ] - outer\n1. - [x] mixed\n",
    "deep but allowed": "- [ ] a\n  - [ ] b\n    - [ ] c\n      - [ ] d\n        - [ ] e\n",
    "paragraph then list": "Text\n- [ ] item\n2. not a list\n",
    "what cannot interrupt a paragraph": "Text\n*\n1.\nmore\n- [ ] a\n  text\n  *\n  2. two\n",
    "a wide marker's lazy line": "123. [ ] foo\n    - bar\n",
    "no final newline": "- [ ] a",
    "status table": "| Phase | Status |\n|:--|--:|\n| 1 | ✅ Done |\n| 2 | in progress | extra |\n| 3\n",
    "table ends a paragraph": "Text\n| a | b |\n| - | - |\n| x | blocked |\n- [ ] after\n",
    "table in an item": "- [ ] task\n  | a | b |\n  |---|---|\n  | c | done |\n",
    "escaped pipes": "| a \\| b | state |\n|---|---|\n| x \\| y | todo |\n",
    "not a table": "a | b\n---|---|---\n",
}
DECLINED = {
    "block quote": "> - [ ] quoted\n",
    "setext heading": "Title\n=====\n",
    "setext in an item": "- [ ] one\n  ---\n",
    "indented code": "text\n\n    code\n",
    "reference definition": "[x]: /url\n",
    "html block": "<details>\n- [ ] inside\n</details>\n",
    "tab indent": "- a\n\t- b\n",
    "empty item": "-\n  text\n",
    "task without text": "- [ ] \n",
    "too deep": "".join("  " * k + "- [ ] x\n" for k in range(8)),
}


@pytest.mark.parametrize("text", ANSWERED.values(), ids=ANSWERED.keys())
def test_the_subset_is_answered_and_equal(text):
    for chunk, last in variants(text):
        assert equal_or_declined(chunk, last), chunk


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_what_is_outside_the_subset_declines(text):
    assert scan_chunk(text, DEFAULT, True) is DECLINE


def test_a_swallowed_heading_is_none_not_a_decline():
    chunk = "```\n- [ ] in a fence\n\n## Next"
    assert scan_chunk(chunk, DEFAULT, False) is None
    assert parse_chunk(chunk, DEFAULT, False) is None
    assert scan_chunk("- [ ] a\n\n## Next", DEFAULT, False) == parse_chunk("- [ ] a\n\n## Next", DEFAULT, False)


def test_a_slip_in_the_scanner_falls_back_to_markdown_it(monkeypatch):
    def broken(self, *args):
        raise IndexError("a bug")

    monkeypatch.setattr(scan._Scan, "heading", broken)
    assert scan_chunk("# Title\n\n- [ ] a\n", DEFAULT, True) is DECLINE
    assert scan.REASONS.pop("error") == 1  # (the fixture holds every other test to none)
