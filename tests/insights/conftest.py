"""Fixtures: stores (SQLite, PostgreSQL) holding the known conversations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from known_store import Store, database, fill_known, tracker_store


def known(url: str) -> Iterator[Store]:
    """The known conversations saved through the bot's store on ``url``."""
    store = tracker_store(url)
    try:
        fill_known(store)
        yield Store(url, sa.create_engine(url), store)
    finally:
        store.engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with database("sqlite", tmp_path) as url:
        yield from known(url)


@pytest.fixture
def postgres_store(tmp_path: Path) -> Iterator[Store]:
    with database("postgresql", tmp_path) as url:
        yield from known(url)
