"""The core never imports Textual: status and tick start fast because of it."""

import subprocess
import sys

CORE = [
    "plantui.model", "plantui.source", "plantui.config", "plantui.names", "plantui.walk", "plantui.chunks",
    "plantui.parser", "plantui.fields",
    "plantui.progress", "plantui.edits", "plantui.incremental", "plantui.storage", "plantui.actions",
    "plantui.watcher", "plantui.report", "plantui.discover", "plantui.cli",
]


def test_importing_the_core_does_not_import_textual():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_status_and_tick_commands_do_not_import_textual(tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text("# P\n\n- [ ] T001 one\n")
    code = (
        "import sys\nfrom plantui.cli import main\n"
        f"main(['status', {str(plan)!r}, '--json'])\n"
        f"main(['tick', {str(plan)!r}, 'T001'])\n"
        "sys.stderr.write(str(any(m.startswith('textual') for m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip() == "False"
    assert "- [x] T001 one" in plan.read_text()


def test_the_nesting_limit_is_markdown_its():
    from markdown_it import MarkdownIt

    from plantui.walk import MAX_NESTING

    assert MarkdownIt("commonmark").options["maxNesting"] == MAX_NESTING
