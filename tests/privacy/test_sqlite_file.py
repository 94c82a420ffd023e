"""The SQLite conversation file: owner-only (with its journal files), secure_delete on."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.retention import DAY, delete_older_than, engine_from_endpoints

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.yml"
# Plain text a resident might type (no My Number, so it is stored unmasked).
SENTINEL = "zz-born-1985-04-03-sentinel-zz"


@pytest.fixture(autouse=True)
def world_readable_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: new files would be 0644
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def store_at(db: Path) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))


def test_the_file_is_created_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "var" / "conversations.db"
    store_at(db)
    assert mode(db) == 0o600


def test_an_existing_readable_file_is_made_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "conversations.db"
    sqlite3.connect(db).execute("create table t (x)").connection.close()
    db.chmod(0o644)
    store_at(db)
    assert mode(db) == 0o600


def test_journal_and_wal_files_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "conversations.db"
    store_at(db)
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("create table t (x)")
    connection.commit()
    try:
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{db}{suffix}")) == 0o600, suffix
    finally:
        connection.close()


def test_deleted_conversations_do_not_stay_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db)
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA secure_delete")).scalar() == 1
    old = time.time() - 100 * DAY
    tracker = DialogueStateTracker.from_events(
        "resident-old",
        [
            ActionExecuted("action_listen", timestamp=old),
            UserUttered(SENTINEL, {"name": "inform_date"}, timestamp=old + 1),
        ],
    )
    asyncio.run(store.save(tracker))
    assert SENTINEL.encode() in stored_bytes(db)
    monkeypatch.setenv("TRACKER_SQLITE_PATH", str(db))
    monkeypatch.setenv("ACTION_SERVER_URL", "http://localhost:5055/webhook")
    # The retention command's own connection, as the daily job runs it, on a SQLite
    # built without SQLITE_SECURE_DELETE (Debian's has it on by default): a listener
    # that runs before ours turns it off on each new connection.
    engine = engine_from_endpoints(ENDPOINTS)
    sa.event.listen(engine, "connect", secure_delete_off, insert=True)
    engine.dispose()
    assert delete_older_than(engine, 30) == 1
    assert SENTINEL.encode() not in stored_bytes(db)


def stored_bytes(db: Path) -> bytes:
    """The database file and its write-ahead log (the store runs in WAL mode)."""
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def secure_delete_off(dbapi_connection: Any, _: Any) -> None:
    dbapi_connection.execute("PRAGMA secure_delete=OFF")
