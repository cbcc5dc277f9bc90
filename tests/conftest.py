"""Shared fixtures: paths to the sample corpus and the gold facts."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "data" / "documents"
GOLD = ROOT / "tests" / "fixtures" / "gold"


@pytest.fixture(scope="session")
def gold_files() -> list[Path]:
    files = sorted(GOLD.glob("*.yaml"))
    assert len(files) == 5, "the five gold facts files belong in tests/fixtures/gold"
    return files
