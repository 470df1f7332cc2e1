"""``status --json``'s quick paths write what the plain ones write, byte for byte."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from plantui.names import LazyRe, _names_topic, _TOPIC_RE, is_checkpoint_name, may_name_checkpoint
from plantui.progress import summarize
from plantui.report import compact_text, decodable, document, items_text, plan_json
from plantui.snapshot import read

FIXTURES = Path(__file__).parent / "fixtures"
PLANS = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".md", ".json", ".mdc", ".txt"))


def _plain(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("path", PLANS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_compact_text_is_json_dumps_of_the_document(path):
    try:
        snap = read(path)
    except Exception:
        pytest.skip("not a plan plantui reads")
    summary = summarize(snap.plan)
    whole = plan_json(str(path), snap.plan, summary, snap.settings)
    clean = snap.plan.source == "markdown" and decodable(snap.lines.text)
    bare = plan_json(str(path), snap.plan, summary, snap.settings, clean=clean, items=False)
    assert bare["items"] is None and list(bare) == list(whole)
    for c in {clean, False}:
        assert items_text(snap.plan, c) == _plain(whole["items"])
    extra = {"pace": {"per_day": 1.5, "seen": [1, None]}, "eta": None}  # as with_outlook adds them
    assert compact_text([{**bare, **extra}] * 2, [clean] * 2, [snap.plan] * 2) == \
        _plain(document([{**whole, **extra}] * 2))


def test_items_text_of_a_big_plan_and_of_undecodable_bytes(tmp_path):
    from benchmarks.generate import generate

    big = tmp_path / "tasks.md"
    big.write_text(generate(600).text)
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"# T\xff\n\n## Phase 1: \xfe\n\n- [x] T1 [P\xff] a \"quoted\" \\ \xff\n  - [/] T1.1 sub\n- [ ]* T2 opt\n")
    for path in (big, bad):
        snap = read(path)
        whole = plan_json(str(path), snap.plan, summarize(snap.plan), snap.settings)
        assert items_text(snap.plan, decodable(snap.lines.text)) == _plain(whole["items"])
    assert not decodable(read(bad).lines.text)


def test_lazy_re_reads_as_the_compiled_pattern():
    pattern = r"(?P<word>ab+)c"
    lazy, compiled = LazyRe(pattern, re.I), re.compile(pattern, re.I)
    assert lazy.pattern == pattern
    for text in ("xABbc", "abc abbbc", "none"):
        for got, want in ((lazy.search(text), compiled.search(text)), (lazy.match(text, 1), compiled.match(text, 1))):
            assert (got and got.span()) == (want and want.span())
        assert lazy.findall(text) == compiled.findall(text) and lazy.sub("-", text) == compiled.sub("-", text)
    assert lazy.groupindex == compiled.groupindex


def test_the_checkpoint_checks_without_a_regex_agree_with_it():
    topic = re.compile(_TOPIC_RE.pattern, re.I)
    parts = ["", " ", "/", "&", "-", ":", "1", "for", "the", "system", "ſystems", "Systems", " \u2003", "\u00a0",
             "é", "phase", "and", "—", "for the phase", "x", "K"]
    rng = random.Random(7)
    for _ in range(20000):
        rest = "".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        assert _names_topic("Checkpoint" + rest, len("Checkpoint")) == bool(topic.match(rest)), rest
    for name in ("Checkpoint System", "Checkpoint 2: after Phase 1", "Quality Gates Module", "Gate the release",
                 "Definition of Done", "Final checkpoint", "Exit criteria", "Phase 1", "**Checkpoint**", "Check_point"):
        assert may_name_checkpoint(name) or not is_checkpoint_name(name)
    assert is_checkpoint_name("Checkpoint 2: after Phase 1") and not is_checkpoint_name("Checkpoint System")


def test_a_command_reads_the_same_with_its_words_alone(capsys):
    """``command_parser(COMMAND)`` (what ``plantui COMMAND ...`` is parsed with: the other
    commands' words are not built) reads every command line as the whole parser does."""
    from plantui.arguments import COMMANDS, command_parser

    words = ["--json", "--check", "--line", "--color", "--all", "--stdin-json", "--git", "a.md", "dir", "", "T1",
             "-", "--", "--js", "--width", "5", "-h", "--window", "--no-sync", "--no-history", "--phase", "x"]
    rng = random.Random(3)
    for _ in range(1000):
        command = rng.choice(COMMANDS)
        argv = [command] + [rng.choice(words) for _ in range(rng.randint(0, 5))]
        said = []
        for parser in (command_parser(command), command_parser()):
            try:
                said.append(vars(parser.parse_args(argv)))
            except SystemExit as exc:
                said.append(("exit", exc.code, capsys.readouterr()))
        assert said[0] == said[1], argv
