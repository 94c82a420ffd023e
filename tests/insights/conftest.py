"""Fixtures: stores (SQLite, PostgreSQL) holding the known conversations."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from known_store import Store, fill_known, postgres_available
from rasa.shared.core.domain import Domain

from bot.privacy.tracker_store import RedactingSQLTrackerStore


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    db = tmp_path / "conversations.db"
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(db)
    )
    fill_known(store)
    url = f"sqlite:///{db}"
    return Store(url, sa.create_engine(url), store)


@pytest.fixture
def postgres_store() -> Iterator[Store]:
    """A database of its own (other tests share ``test``), dropped afterwards."""
    if not postgres_available():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"insights_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        "postgresql://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        db=name,
        username="postgres",
    )
    try:
        fill_known(store)
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        yield Store(url, sa.create_engine(url), store)
    finally:
        store.engine.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
