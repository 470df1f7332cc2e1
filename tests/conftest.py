"""Shared test fixtures: where the seeds and the corpus live, and copies to write to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus" / "files"
INDEX = SHARED / "corpus" / "INDEX.tsv"


def seed(n: int) -> Path:
    return next(SEEDS.glob(f"{n:03d}_*.md"))


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md"))


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
