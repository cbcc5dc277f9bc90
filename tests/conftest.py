"""Shared fixtures: paths to the sample corpus and the gold facts, and the session's Virtuoso."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store_servers import VIRTUOSO_MISSING, VirtuosoServer, virtuoso_binaries, virtuoso_server

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "data" / "documents"
GOLD = ROOT / "tests" / "fixtures" / "gold"


@pytest.fixture(scope="session")
def gold_files() -> list[Path]:
    files = sorted(GOLD.glob("*.yaml"))
    assert len(files) == 5, "the five gold facts files belong in tests/fixtures/gold"
    return files


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One private Virtuoso for the whole test session (it takes 15-30 s to make a database);
    tests share it, each wiping the graphs it wrote (tests.store_servers.wipe_virtuoso)."""
    if virtuoso_binaries() is None:
        pytest.skip(VIRTUOSO_MISSING)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
