"""The SQLite conversation file: owner-only, and deleted rows overwritten.

Conversations hold birthdates. The file is created with mode 0600 (SQLite creates
its ``-journal``, ``-wal`` and ``-shm`` files with the mode of the database file), an
existing file is made owner-only, and every connection runs with
``PRAGMA secure_delete=ON`` so that what retention deletes is overwritten with zeros
instead of staying readable in free pages.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

OWNER_ONLY = 0o600
COMPANION_SUFFIXES = ("-journal", "-wal", "-shm")


def secure_file(db: str) -> None:
    """Create the database file ``db`` owner-only, or make it so; skip ``:memory:``."""
    if not db or db == ":memory:" or db.startswith("file:"):
        return
    path = Path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, OWNER_ONLY))
    for file in [path] + [Path(f"{path}{s}") for s in COMPANION_SUFFIXES]:
        if file.exists():
            file.chmod(OWNER_ONLY)


def _secure_delete(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def secure_engine(engine: sa.engine.Engine) -> None:
    """Make every (new) connection of a SQLite ``engine`` overwrite deleted data."""
    if engine.dialect.name != "sqlite":
        return
    if not sa.event.contains(engine, "connect", _secure_delete):
        sa.event.listen(engine, "connect", _secure_delete)
    engine.dispose()  # connections opened before this point get it too
