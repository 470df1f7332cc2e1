"""Shared test fixtures: where the seeds and the corpus live, copies to write to, and
the UI tests' small plan in a folder of its own (``plan``).

The seeds and the corpus are not part of the repository: they live in ``../shared`` beside
it (CI always has them), or in the folder named by $PLANTUI_SHARED.  Without them the
tests that read them are skipped, with one line saying why: mark such a test
``@pytest.mark.needs_shared`` (or call ``seed(n)``, which skips by itself); a test
parametrized over ``corpus_files()`` gets an empty list and is skipped too.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import pytest
from ui_plan import PLAN

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PLANTUI_SHARED") or ROOT.parent / "shared").resolve()
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus" / "files"
INDEX = SHARED / "corpus" / "INDEX.tsv"
HAVE_SHARED = SEEDS.is_dir() and INDEX.is_file() and CORPUS.is_dir()
NO_SHARED = (f"needs the shared seeds and corpus, not found at {SHARED}: "
             "set PLANTUI_SHARED to a folder holding seeds/ and corpus/")


def seed(n: int) -> Path:
    """Seed ``n``'s path; skips the test calling it when the seeds are missing."""
    if not HAVE_SHARED:
        pytest.skip(NO_SHARED)
    return next(SEEDS.glob(f"{n:03d}_*.md"))


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md"))


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """The UI tests' small plan (``ui_plan.PLAN``), as plan.md in the test's own folder."""
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_shared: reads the shared seeds or corpus; skipped without them")


def pytest_collection_modifyitems(config, items):
    """Without the shared folder, skip what needs it: tests marked ``needs_shared`` and
    tests parametrized over the (then empty) list of corpus files or seeds."""
    if HAVE_SHARED:
        return
    for item in items:
        empty = any(m.kwargs.get("reason", "").startswith("got empty parameter set") for m in item.iter_markers("skip"))
        if item.get_closest_marker("needs_shared") or empty:
            item.add_marker(pytest.mark.skip(reason=NO_SHARED), append=False)


def pytest_terminal_summary(terminalreporter):
    """One line, whatever the verbosity, when tests were skipped for want of the shared folder."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if NO_SHARED in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} tests skipped: {NO_SHARED}")


@pytest.fixture
def copy_to(tmp_path):
    """Copy a read-only shared file into tmp_path so a test may write to it."""

    def _copy(src: Path, name: str | None = None) -> Path:
        dst = tmp_path / (name or src.name)
        shutil.copyfile(src, dst)
        dst.chmod(0o644)
        return dst

    return _copy


SEED_000_STEPS = [  # seed 000's steps; the bundled step plan fills them in
    "Step 1: Project Setup",
    "Step 2: Data Layer",
    "Step 3: Core Business Logic",
    "Step 4: API Layer",
    "Step 5: Frontend / UI",
    "Step 6: Integration & Testing",
    "Step 7: Polish & Hardening",
]


def report_figures(figures: dict, folder: Path | None, pytestconfig=None) -> None:
    """Print what a reliability test put plantui through (one ``RELIABILITY {json}`` line,
    past pytest's capture when ``pytestconfig`` is given) and add it to reliability.jsonl
    in $PLANTUI_RELIABILITY_DIR, else in ``folder`` (nowhere when both are missing)."""
    line = json.dumps(figures, ensure_ascii=False, sort_keys=True)
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager") if pytestconfig is not None else None
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\nRELIABILITY " + line)
    out = os.environ.get("PLANTUI_RELIABILITY_DIR", folder)
    if out is None:
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    with open(Path(out) / "reliability.jsonl", "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


@pytest.fixture(autouse=True)
def _user_folders(tmp_path_factory, monkeypatch):
    """Every test (and every process it starts) keeps plantui's settings, cache and event log
    in folders of its own: the suite never reads or writes the real home's."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
