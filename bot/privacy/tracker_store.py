"""SQL tracker store (SQLite or PostgreSQL): no secrets stored, bounded history.

Rasa stores the user's raw text in each ``user`` event; this store masks secrets in
that text and in the parse data before the event reaches the database.

Rasa reads, deserialises and featurises every event of the current session on every
message, so a long conversation gets slower with each message (measured: 35 ms at the
start, 500 ms after 300 messages; bench/RESULTS.md). The dialogue here is all rules
looking back a few turns, so once a session holds more than MAX_SESSION_EVENTS events
the store appends a compaction: a new ``session_started`` followed by the current slot
values and active form. Rasa loads only the latest session, so the next message starts
from that short state and the time per message stays flat. Older events stay stored.

Per message the store does one read and one write (Rasa's own store also counts the
stored events before each write and builds an ORM object per event), each on a pooled
connection without an ORM session: the tracker it returns remembers how many of its
events are stored, and new events go in one multi-row insert (event classes are
looked up in a table: bot/rasa_patches.py). SQLite runs in WAL mode with
``synchronous=NORMAL`` (a commit appends to the log without syncing the database
file; a power cut may lose the last commits, never corrupt the file). Measured with
bench/bench_store.py (bench/RESULTS.md).

Each user event's channel and retrieval answer key (``faq/<name>``) also go into
columns of their own, for the staff report (:mod:`bot.privacy.report_columns`; added
to a store made without them when the store starts).

When the resident cancels the dates conversation or says goodbye (the cancel answer
says 「入力された日付は消去しました」), the store forgets that conversation's dates in the
same transaction as the turn: in every stored event of the sender, the digits of the
user's messages and of the bot's dynamic answers (dates worked out from them) are
masked, date entities lose their values, and date slots are set to null
(:func:`forget_dates`).
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import SQLAlchemyError

from bot import rasa_patches
from bot.privacy.detect import MASK, find_secrets, redact
from bot.privacy.report_columns import COLUMNS, add_columns, report_values
from bot.privacy.sqlite_file import secure_engine, secure_file

# Loaded by every Rasa server of both profiles: the place for Rasa's speed fixes.
rasa_patches.install()

logger = logging.getLogger(__name__)

# While the database is down: how often to repeat the error, and how many conversations
# answered without history to remember (so that none of them is saved half-way).
REPEAT_ERROR_SECONDS = 60.0
MAX_DEGRADED_SENDERS = 10_000


def redact_event(event: Event) -> Event:
    """Return ``event`` with secrets masked in user text (other events unchanged)."""
    if (
        not isinstance(event, UserUttered)
        or not event.text
        or not find_secrets(event.text)
    ):
        return event
    masked = copy.deepcopy(event)
    masked.text = redact(event.text)
    parse_data: dict[str, Any] = masked.parse_data
    parse_data["text"] = masked.text
    for entity in parse_data.get("entities", []):
        if isinstance(entity.get("text"), str):
            entity["text"] = redact(entity["text"])
    return masked


# The turns after which the resident's dates are forgotten: the cancel, handoff and
# goodbye rules run this action; a goodbye outside the form runs none.
FORGET_DATES_ACTION = "action_reset_dates"
FORGET_DATES_INTENT = "goodbye"
# Digits of every script, and the kanji of numbers and 元年.
_NUMERALS = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千元]")
_BOT_METADATA_KEPT = ("utter_action", "model_id", "assistant_id")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def forgets_dates(events: list[Event]) -> bool:
    """Whether these events end the dates conversation (cancel, handoff, goodbye)."""
    return any(
        (isinstance(e, ActionExecuted) and e.action_name == FORGET_DATES_ACTION)
        or (isinstance(e, UserUttered) and e.intent_name == FORGET_DATES_INTENT)
        for e in events
    )


def _is_date_slot(name: Any, value: Any) -> bool:
    return value is not None and (
        str(name).endswith("_date") or _ISO_DATE.search(json.dumps(value)) is not None
    )


def forget_dates(data: dict[str, Any], keep_bot_text: set[str]) -> dict[str, Any]:
    """Return the stored event ``data`` without the resident's dates.

    User messages lose their digits and numerals, and their entities (but the
    ``secret`` marks) their values; bot messages lose their digits unless their text
    is one of ``keep_bot_text`` (the domain's fixed responses: the dates answer is
    not one); slots holding dates (``*_date`` or an ISO date) are set to null.
    """
    kind = data.get("event")
    if kind == "slot" and _is_date_slot(data.get("name"), data.get("value")):
        return {**data, "value": None}
    text = data.get("text")
    if kind == "bot" and isinstance(text, str) and text not in keep_bot_text:
        # The values the answer was filled with are in its metadata too.
        metadata = {
            key: value
            if key in _BOT_METADATA_KEPT
            else json.loads(_NUMERALS.sub(MASK, json.dumps(value, ensure_ascii=False)))
            for key, value in (data.get("metadata") or {}).items()
        }
        return {**data, "text": _NUMERALS.sub(MASK, text), "metadata": metadata}
    if kind != "user":
        return data
    forgotten = copy.deepcopy(data)
    parse_data = forgotten.get("parse_data") or {}
    for holder in (forgotten, parse_data):
        if isinstance(holder.get("text"), str):
            holder["text"] = _NUMERALS.sub(MASK, holder["text"])
    for entity in parse_data.get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") != "secret":
            entity["value"] = MASK
            if isinstance(entity.get("text"), str):
                entity["text"] = _NUMERALS.sub(MASK, entity["text"])
    return forgotten


def _without_dates(event: Event, keep_bot_text: set[str]) -> Event:
    data = event.as_dict()
    forgotten = forget_dates(data, keep_bot_text)
    return event if forgotten == data else Event.from_parameters(forgotten)


# About a dozen turns; the policies look back at most five (config.yml).
MAX_SESSION_EVENTS = 60


def compaction_events(tracker: DialogueStateTracker) -> list[Event]:
    """Return events that start a new session holding the tracker's current state."""
    # Later than every event of this turn, so the new session starts after them.
    now = max([time.time()] + [e.timestamp for e in tracker.events]) + 0.001
    events: list[Event] = [SessionStarted(timestamp=now)]
    events += [
        SlotSet(name, slot.value, timestamp=now)
        for name, slot in tracker.slots.items()
        if slot.value is not None and slot.value != slot.initial_value
    ]
    if tracker.active_loop_name:
        events.append(ActiveLoop(tracker.active_loop_name, timestamp=now))
    events.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=now))
    return events


# Attribute of a tracker returned by ``retrieve``: (id of the tracker, number of its
# events already stored). A copy of the tracker has another id and is counted anew.
STORED = "_ecert_stored_events"


def _remember_stored(tracker: DialogueStateTracker, count: int) -> None:
    setattr(tracker, STORED, (id(tracker), count))


def _known_stored(tracker: DialogueStateTracker) -> int | None:
    owner, count = getattr(tracker, STORED, (None, 0))
    return int(count) if owner == id(tracker) else None


# IF NOT EXISTS: replicas may start at the same time.
SESSION_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_events_session ON events (sender_id, type_name, id)",
    "CREATE INDEX IF NOT EXISTS ix_events_sender_order ON events (sender_id, id)",
)


def _latest_session_query(events: sa.Table) -> sa.sql.Select:
    """The ``data`` of the events of a sender's latest session (``:sender``), in order.

    The events stored from the latest ``session_started`` on, by insertion order.
    Rasa's query compares timestamps instead, so an event stamped earlier than the
    session start before it (a message right after a compaction, a clock set back)
    was left out; and its ``OR ... IS NULL`` cannot use an index range.
    """
    sender = sa.bindparam("sender")
    session_start = (
        sa.select(sa.func.max(events.c.id))
        .where(events.c.sender_id == sender)
        .where(events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return (
        sa.select(events.c.data)
        .where(events.c.sender_id == sender)
        .where(events.c.id >= sa.func.coalesce(session_start, 0))
        .order_by(events.c.id)
    )


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def describe(error: SQLAlchemyError) -> str:
    """The driver's first line of ``error``, without SQL statement or parameters."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines() or [""]
    return f"{type(original).__name__}: {lines[0]}"


class RedactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with no secrets in user events and a bounded session."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's store; if the database is down now, say so and recover later."""
        self._degraded: OrderedDict[str, None] = OrderedDict()
        self._unavailable_since: float | None = None
        self._last_reported = 0.0
        if kwargs.get("dialect", "sqlite") == "sqlite":
            secure_file(str(kwargs.get("db", "rasa.db")))  # 0600, before Rasa opens it
        # Rasa logs and goes on when it cannot create the tables at start-up.
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Rasa opens a new SQLite connection for each read and write (NullPool).
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url,
                poolclass=sa.pool.QueuePool,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._events: sa.Table = self.SQLEvent.__table__
        self._session_query = _latest_session_query(self._events)
        secure_engine(self.engine)
        try:
            self._prepare_schema()
        except SQLAlchemyError as error:
            self._report_unavailable("start", error)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session of ``sender_id``; None (a fresh start) if unreachable."""
        try:
            self._recover()
            tracker = self._load(sender_id)
        except SQLAlchemyError as error:
            self._report_unavailable("read", error)
            self._mark_degraded(sender_id)
            return None
        self._report_available()
        self._degraded.pop(sender_id, None)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store new events; nothing for a conversation answered without history."""
        if tracker.sender_id in self._degraded:
            return
        try:
            self._recover()
            await self.stream_events(tracker)
            self._store_new_events(tracker)
        except SQLAlchemyError as error:
            self._report_unavailable("save", error)
            return
        self._report_available()

    def _mark_degraded(self, sender_id: str) -> None:
        degraded = self._degraded
        degraded[sender_id] = None
        degraded.move_to_end(sender_id)
        while len(degraded) > MAX_DEGRADED_SENDERS:
            degraded.popitem(last=False)

    def _recover(self) -> None:
        # After an outage (or a start without the database) the tables may be missing.
        if self._unavailable_since is not None:
            self.Base.metadata.create_all(self.engine)
            self._prepare_schema()

    def _prepare_schema(self) -> None:
        """The report's columns, and indexes that find a session without a scan of it.

        Rasa indexes ``sender_id`` only, so each read went through every event ever
        stored for the conversation (old sessions stay stored after a compaction).
        """
        with self.engine.begin() as connection:
            add_columns(connection)
            for statement in SESSION_INDEXES:
                connection.exec_driver_sql(statement)

    def _report_unavailable(self, operation: str, error: SQLAlchemyError) -> None:
        now = time.monotonic()
        if self._unavailable_since is None:
            self._unavailable_since = now
        elif now - self._last_reported < REPEAT_ERROR_SECONDS:
            return
        self._last_reported = now
        logger.error(
            "Tracker store database unreachable (%s failed: %s). Messages are answered "
            "without conversation history and not saved until it is back.",
            operation,
            describe(error),
        )

    def _report_available(self) -> None:
        if self._unavailable_since is not None:
            logger.warning(
                "Tracker store database reachable again after %.0f s.",
                time.monotonic() - self._unavailable_since,
            )
            self._unavailable_since = None

    def _load(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session of ``sender_id`` in one query, or None."""
        # A pooled connection, not an ORM session (Rasa's session_scope): the ORM
        # adds its own bookkeeping to every message and is used for nothing here.
        with self.engine.connect() as connection:
            rows = connection.execute(self._session_query, {"sender": sender_id}).all()
        if not rows:
            return None
        events = [json.loads(data) for (data,) in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        _remember_stored(tracker, len(rows))
        return tracker

    def _store_new_events(self, tracker: DialogueStateTracker) -> None:
        """Insert the events not stored yet (and any compaction) in one statement."""
        with self.engine.begin() as connection:
            events = list(self._additional_events(connection, tracker))
            if events:
                connection.execute(
                    _INSERT,
                    [_row(tracker.sender_id, event) for event in events],
                )
        _remember_stored(tracker, len(tracker.events))

    def _additional_events(
        self, connection: sa.engine.Connection, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """Return the events not yet stored, with secrets masked, then any compaction.

        At the end of a dates conversation, forget its dates (stored and new).
        """
        stored = _known_stored(tracker)
        if stored is None:  # not from ``retrieve``: count its latest stored session
            counting = sa.select(sa.func.count()).select_from(
                self._session_query.subquery()
            )
            stored = connection.execute(
                counting, {"sender": tracker.sender_id}
            ).scalar()
        unstored = itertools.islice(tracker.events, stored, None)
        new = [redact_event(e) for e in unstored]
        if len(tracker.events) > MAX_SESSION_EVENTS and new:
            new += compaction_events(tracker)
        if forgets_dates(new):
            keep = self._fixed_bot_texts()
            self._forget_stored_dates(connection, tracker.sender_id, keep)
            new = [_without_dates(e, keep) for e in new]
        return iter(new)

    def _fixed_bot_texts(self) -> set[str]:
        """The texts of the domain's responses that take no values."""
        responses = getattr(self.domain, "responses", None) or {}
        return {
            variant["text"]
            for variants in responses.values()
            for variant in variants
            if isinstance(variant.get("text"), str) and "{" not in variant["text"]
        }

    def _forget_stored_dates(
        self, connection: sa.engine.Connection, sender_id: str, keep_bot_text: set[str]
    ) -> None:
        """Rewrite the sender's stored events without their dates (same transaction)."""
        events = self._events
        rows = connection.execute(
            sa.select(events.c.id, events.c.data)
            .where(events.c.sender_id == sender_id)
            .where(events.c.type_name.in_(("user", "bot", "slot")))
        ).all()
        for row_id, stored in rows:
            data = json.loads(stored)
            forgotten = forget_dates(data, keep_bot_text)
            if forgotten != data:
                connection.execute(
                    events.update()
                    .where(events.c.id == row_id)
                    .values(data=json.dumps(forgotten))
                )


# Rasa's columns (its ORM class maps only these) and the report's.
_RASA_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name")
_INSERT = sa.table(
    "events", *(sa.column(name) for name in (*_RASA_COLUMNS, "data", *COLUMNS))
).insert()


def _row(sender_id: str, event: Event) -> dict[str, Any]:
    """The ``events`` row of ``event``: Rasa's (as its ``save`` writes it), and more.

    The report's columns (:func:`bot.privacy.report_columns.report_values`) besides.
    """
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
        **report_values(data),
    }
