"""The columns the staff report reads instead of parsing each user event's JSON.

Rasa's ``events`` table keeps a user message's channel and its retrieval answer
(``faq/<name>``, ``out_of_scope/<group>``) only inside the ``data`` JSON, about 5 KB a
message. Reading one value from it costs about 80 µs a row on PostgreSQL (the text is
TOAST-compressed, then parsed), which made the report over 100,000 conversations take
16 s there (bench/RESULTS.md). So the tracker store writes both values into columns
of their own as it inserts a user event, and the report reads them from its index.

Only names go into these columns, never text, dates or sender ids: a channel name
(``rest``, ``line``) and an answer key, each made of lowercase ASCII letters and
underscores. Anything else (a typed ``/faq/<digits>`` payload could put a resident's
digits into the key) is left NULL; the report then falls back to the JSON, as it does
for the rows stored before the columns existed, and counts such a value as no channel
or no key.

A store created before the columns gets them when the tracker store starts
(:func:`add_columns`, idempotent); ``python -m bot.insights --migrate`` fills them for
the rows stored before (:func:`backfill`). No Rasa import: the web app reads this.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

CHANNEL = "input_channel"
RETRIEVAL_KEY = "retrieval_key"
COLUMNS = (CHANNEL, RETRIEVAL_KEY)
USER = "user"

_NAME = r"[a-z][a-z_]{0,63}"
_CHANNEL_NAME = re.compile(_NAME)
_KEY = re.compile(rf"{_NAME}/{_NAME}")


def channel_name(value: Any) -> str | None:
    """``value`` if it is a plain channel name (``rest``, ``line``), else None."""
    return value if isinstance(value, str) and _CHANNEL_NAME.fullmatch(value) else None


def answer_key(value: Any) -> str | None:
    """``value`` if it is a plain answer key (``faq/<name>``), else None."""
    return value if isinstance(value, str) and _KEY.fullmatch(value) else None


def report_values(data: Mapping[str, Any]) -> dict[str, str | None]:
    """The report's columns for one event (``data`` as stored): channel and answer key.

    Both are None for events other than user messages, and for a value that is not a
    plain name (see the module docstring).
    """
    if data.get("event") != USER:
        return {CHANNEL: None, RETRIEVAL_KEY: None}
    intent = (data.get("parse_data") or {}).get("intent") or {}
    return {
        CHANNEL: channel_name(data.get("input_channel")),
        RETRIEVAL_KEY: answer_key(intent.get("full_retrieval_intent_name")),
    }


def missing_columns(connection: sa.engine.Connection) -> list[str]:
    """The report's columns the ``events`` table lacks (all of them without a table)."""
    inspector = sa.inspect(connection)
    if not inspector.has_table("events"):
        return list(COLUMNS)
    present = {column["name"] for column in inspector.get_columns("events")}
    return [name for name in COLUMNS if name not in present]


def add_columns(connection: sa.engine.Connection) -> list[str]:
    """Add the report's columns to an ``events`` table made without them.

    Returns the names it found missing.

    Looked up first, so a store that has them takes no lock. Several replicas may
    start at once: PostgreSQL's ``IF NOT EXISTS`` and SQLite's "duplicate column"
    error (the other process was first) both mean the column is there.
    """
    added = []
    postgresql = connection.dialect.name == "postgresql"
    for name in missing_columns(connection):
        if_not_exists = "IF NOT EXISTS " if postgresql else ""
        statement = f"ALTER TABLE events ADD COLUMN {if_not_exists}{name} VARCHAR(255)"
        try:
            connection.exec_driver_sql(statement)
        except sa.exc.OperationalError as error:
            if "duplicate column" not in str(error):
                raise
        added.append(name)
    return added


def backfill(
    engine: sa.engine.Engine,
    batch: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Fill the columns of the user events stored before they existed; return how many.

    Reads the JSON once per such row, in batches by id, one transaction per batch (the
    bot goes on writing meanwhile). Rows whose columns are set are not read again;
    running it twice does nothing the second time but read the few user events that
    have neither value.
    """
    select = sa.text(
        f"SELECT id, data FROM events WHERE type_name = '{USER}' AND id > :after "
        f"AND {CHANNEL} IS NULL AND {RETRIEVAL_KEY} IS NULL ORDER BY id LIMIT :batch"
    )
    update = sa.text(
        f"UPDATE events SET {CHANNEL} = :{CHANNEL}, {RETRIEVAL_KEY} = :{RETRIEVAL_KEY} "
        "WHERE id = :id"
    )
    after, filled = 0, 0
    while True:
        with engine.begin() as connection:
            rows = connection.execute(select, {"after": after, "batch": batch}).all()
            if not rows:
                return filled
            after = rows[-1][0]
            values = [{"id": id_, **report_values(_loads(data))} for id_, data in rows]
            values = [v for v in values if v[CHANNEL] or v[RETRIEVAL_KEY]]
            if values:
                connection.execute(update, values)
        filled += len(values)
        if progress is not None:
            progress(filled)


def _loads(data: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(data or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
