"""The walls of the house: the core never imports Textual (status and tick start fast
because of it), and only the parser reads Markdown."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_walls_hold():
    """The contracts in pyproject.toml ([tool.importlinter]): the core imports no
    Textual, Rich or UI; only the parser reads Markdown."""
    lint = Path(sys.executable).with_name("lint-imports")  # import-linter's command, beside this Python
    out = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


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

    from plantui.markdown.walk import MAX_NESTING

    assert MarkdownIt("commonmark").options["maxNesting"] == MAX_NESTING
