"""Read-only access to Rasa's ``events`` table, and the SQL the report runs on it.

Rasa's ``SQLTrackerStore`` keeps one row per event: ``type_name`` (``user``,
``action``, ``bot``, ``slot``, ...), ``intent_name`` (of a user message, after the
answer gate: ``faq``, ``out_of_scope``, ``nlu_fallback``, ...), ``action_name``,
``timestamp`` (Unix seconds), ``sender_id`` and ``data`` (the event as JSON: for a
user message ``input_channel``, ``text`` and ``parse_data`` with
``intent.full_retrieval_intent_name`` = ``faq/<name>``, the rankings, and the answer
gate's decision under ``answer_gate``). The bot's tracker store also writes a user
message's channel and answer key into columns of their own, ``input_channel`` and
``retrieval_key`` (:mod:`bot.privacy.report_columns`), so the report reads no JSON;
for rows stored before those columns (until ``--migrate`` fills them) it falls back
to the JSON.

Every count is aggregated by the database; only the messages of the unanswered queue
(bounded by ``MAX_QUEUE_MESSAGES``) come back to Python, and they are masked at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.privacy.report_columns import add_columns, backfill, missing_columns

DAY = 86_400
FAQ_INTENT = "faq"
OUT_OF_SCOPE_INTENT = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"
FEEDBACK_USEFUL = "feedback_useful"
FEEDBACK_NOT_USEFUL = "feedback_not_useful"
FEEDBACK_INTENTS = (FEEDBACK_USEFUL, FEEDBACK_NOT_USEFUL)
DATES_RESULT_ACTION = "action_compute_expiry"
MAX_QUEUE_MESSAGES = 2_000

# Indexes that make the report fast on a large store (bench/RESULTS.md); optional,
# created once by ``python -m bot.insights --migrate`` (the only write). They hold
# every column the report reads of a user message, so it never reads the table.
SQLITE_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_events_report_user ON events "
    "(type_name, timestamp, intent_name, sender_id, input_channel, retrieval_key)",
    "CREATE INDEX IF NOT EXISTS ix_events_insights_action ON events "
    "(action_name, timestamp)",
)
POSTGRESQL_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_events_report_user ON events (type_name, timestamp) "
    "INCLUDE (intent_name, sender_id, id, input_channel, retrieval_key)",
    "CREATE INDEX IF NOT EXISTS ix_events_insights_action ON events "
    "(action_name, timestamp)",
)
# The user index before the report's columns: the one above replaces it.
OLD_INDEXES = ("DROP INDEX IF EXISTS ix_events_insights_user",)


def read_only_engine(endpoints: Path) -> sa.engine.Engine:
    """An engine on the store ``endpoints`` names that cannot write to it."""
    # Imports Rasa (seconds): only here, so the web app starts without it.
    from bot.retention import engine_from_endpoints

    url = engine_from_endpoints(endpoints).url
    return read_only(url)


def read_only(url: sa.engine.URL | str) -> sa.engine.Engine:
    """An engine for ``url`` opened read-only (SQLite ``mode=ro``, PostgreSQL read-only)."""
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "").resolve()
        return sa.create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true",
            connect_args={"check_same_thread": False},
        )
    if url.get_backend_name() == "postgresql":
        return sa.create_engine(
            url, connect_args={"options": "-c default_transaction_read_only=on"}
        )
    return sa.create_engine(url)


def writable(engine: sa.engine.Engine) -> sa.engine.Engine:
    """An engine on the same database as ``engine`` that may write (migration only)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and "mode=ro" in str(url):
        path = url.database.removeprefix("file:")
        return sa.create_engine(f"sqlite:///{path}")
    if url.get_backend_name() == "postgresql":
        # The backfill's many-row UPDATEs in pages, not one round trip per row.
        return sa.create_engine(url, executemany_mode="values_plus_batch")
    return sa.create_engine(url)


def create_indexes(engine: sa.engine.Engine) -> list[str]:
    """Create the report's indexes (idempotent); return the statements run."""
    statements = (
        SQLITE_INDEXES
        if engine.url.get_backend_name() == "sqlite"
        else POSTGRESQL_INDEXES
    )
    with engine.begin() as connection:
        for statement in (*OLD_INDEXES, *statements):
            connection.execute(sa.text(statement))
    return [*OLD_INDEXES, *statements]


def migrate(
    engine: sa.engine.Engine, progress: Callable[[str], None] = lambda _: None
) -> None:
    """Bring a store up to the report: its columns, filled for old rows; its indexes.

    Idempotent; the bot may run meanwhile. ``progress`` gets a line per step.
    """
    with engine.begin() as connection:
        if not has_events(connection):
            progress("no events table yet: nothing to migrate")
            return
        for name in add_columns(connection):
            progress(f"added column events.{name}")
    filled = backfill(engine, progress=lambda n: progress(f"filled {n} rows"))
    progress(f"filled the report's columns of {filled} older user events")
    for statement in create_indexes(engine):
        progress(statement)
    # The backfill left a dead row version per row it filled: without a vacuum the
    # index-only scans read the table (PostgreSQL) until autovacuum comes by.
    if vacuum(engine):
        progress("VACUUM ANALYZE events")


def vacuum(engine: sa.engine.Engine) -> bool:
    """On PostgreSQL, vacuum and analyse ``events`` now; whether it did."""
    if engine.url.get_backend_name() != "postgresql":
        return False
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(sa.text("VACUUM ANALYZE events"))
    return True


class Dialect:
    """The few SQL expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        """Pick the expressions for ``engine``'s database."""
        self.postgresql = engine.url.get_backend_name() == "postgresql"

    def day(self, column: str = "timestamp") -> str:
        """Days since 1970-01-01 in local time (``:offset`` seconds east of UTC)."""
        if self.postgresql:
            return f"CAST(FLOOR(({column} + :offset) / {DAY}) AS BIGINT)"
        return f"CAST(({column} + :offset) / {DAY} AS INTEGER)"

    def json(self, path: str, column: str = "data") -> str:
        """The text at ``path`` (``a.b.c``) of a JSON text column."""
        keys = path.split(".")
        if self.postgresql:
            inner = "".join(f" -> '{k}'" for k in keys[:-1])
            return f"(CAST({column} AS json){inner} ->> '{keys[-1]}')"
        return f"json_extract({column}, '$.{path}')"


def fetch(
    connection: sa.engine.Connection, sql: str, **params: Any
) -> list[sa.engine.Row[Any]]:
    """Run ``sql`` with ``params``; return every row."""
    return list(connection.execute(sa.text(sql), params))


def has_events(connection: sa.engine.Connection) -> bool:
    """Whether the store has Rasa's ``events`` table yet."""
    return bool(sa.inspect(connection).has_table("events"))


def has_report_columns(connection: sa.engine.Connection) -> bool:
    """Whether the ``events`` table has the report's columns (a store since them)."""
    return not missing_columns(connection)
