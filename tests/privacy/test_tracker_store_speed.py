"""The tracker store's fast path: one read and one write a message, same rows as Rasa."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import MAX_SESSION_EVENTS, RedactingSQLTrackerStore

DOMAIN = Domain.from_dict(
    {
        "intents": ["faq", "inform_date"],
        "slots": {
            "birth_date": {"type": "text", "mappings": [{"type": "custom"}]},
            "requested_slot": {"type": "any", "mappings": []},
        },
        "forms": {"expiry_form": {"required_slots": ["birth_date"]}},
    }
)


def turn(i: int) -> list[Event]:
    return [
        UserUttered(f"質問{i}", {"name": "faq", "confidence": 1.0}),
        ActionExecuted("utter_faq"),
        BotUttered(f"答え{i}"),
        ActionExecuted("action_listen"),
    ]


def store_at(db: Path) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))


def statements(engine: sa.engine.Engine) -> list[str]:
    """Collect the first word of every SQL statement ``engine`` runs from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split()[0].upper())

    sa.event.listen(engine, "before_cursor_execute", record)
    return seen


def test_a_message_costs_one_read_and_one_write(tmp_path: Path) -> None:
    store = store_at(tmp_path / "t.db")
    first = DialogueStateTracker.from_events("r1", turn(0), DOMAIN.slots)
    asyncio.run(store.save(first))
    seen = statements(store.engine)
    tracker = asyncio.run(store.retrieve("r1"))
    assert tracker is not None
    for event in turn(1):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    # Rasa's own store: a SELECT, then a COUNT and one INSERT per event (four here).
    assert [s for s in seen if s not in ("PRAGMA",)] == ["SELECT", "INSERT"]
    again = asyncio.run(store.retrieve("r1"))
    assert again is not None
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
        "質問0",
        "質問1",
    ]


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = store_at(db)
    asyncio.run(store.save(DialogueStateTracker.from_events("r", turn(0))))
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.engine.connect() as connection:
        # 1 = NORMAL (the default, 2 = FULL, syncs the file on every commit)
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1


def test_saving_the_same_tracker_twice_or_a_copy_stores_each_event_once(
    tmp_path: Path,
) -> None:
    store = store_at(tmp_path / "t.db")
    asyncio.run(store.save(DialogueStateTracker.from_events("r", turn(0))))
    tracker = asyncio.run(store.retrieve("r"))
    assert tracker is not None
    for event in turn(1):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # nothing new: nothing written
    copy = tracker.copy()  # not from retrieve: counted in the database
    for event in turn(2):
        copy.update(event)
    asyncio.run(store.save(copy))
    stored = asyncio.run(store.retrieve("r"))
    assert stored is not None
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == [
        "質問0",
        "質問1",
        "質問2",
    ]


def test_compaction_still_happens_on_the_fast_path(tmp_path: Path) -> None:
    store = store_at(tmp_path / "t.db")
    asyncio.run(store.save(DialogueStateTracker.from_events("r", turn(0))))
    i = 1
    while True:
        tracker = asyncio.run(store.retrieve("r"))
        assert tracker is not None
        for event in [*turn(i), SlotSet("birth_date", "1985-04-03")]:
            tracker.update(event)
        if i == 3:
            tracker.update(ActiveLoop("expiry_form"))
        asyncio.run(store.save(tracker))
        if len(tracker.events) > MAX_SESSION_EVENTS:
            break
        i += 1
    compacted = asyncio.run(store.retrieve("r"))
    assert compacted is not None
    assert len(compacted.events) < 10
    assert compacted.get_slot("birth_date") == "1985-04-03"
    assert compacted.active_loop_name == "expiry_form"
    # The turn after the compaction is stored after it and read back.
    for event in turn(99):
        compacted.update(event)
    asyncio.run(store.save(compacted))
    after = asyncio.run(store.retrieve("r"))
    assert after is not None and after.latest_message.text == "質問99"
    assert after.get_slot("birth_date") == "1985-04-03"


def test_rows_are_the_rows_rasa_writes_and_reads(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = store_at(db)
    events = [*turn(0), SlotSet("birth_date", "1985-04-03"), *turn(1)]
    asyncio.run(store.save(DialogueStateTracker.from_events("r", events)))
    rasa = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))
    by_rasa = asyncio.run(rasa.retrieve("r"))
    assert by_rasa is not None and list(by_rasa.events) == events
    columns = "type_name, intent_name, action_name"
    rows = sqlite3.connect(db).execute(f"select {columns} from events").fetchall()
    assert rows[:2] == [("user", "faq", None), ("action", None, "utter_faq")]


def test_a_turn_stamped_just_before_the_compaction_is_read_back(tmp_path: Path) -> None:
    # A resident who answers within a millisecond of a compaction (or a clock set
    # back) gives events stamped before the new session's start: they still count.
    store = store_at(tmp_path / "t.db")
    events: list[Event] = []
    for i in range(MAX_SESSION_EVENTS // 4 + 1):
        events += turn(i)
    tracker = DialogueStateTracker.from_events("r", events, DOMAIN.slots)
    asyncio.run(store.save(tracker))  # stored with a compaction
    compacted = asyncio.run(store.retrieve("r"))
    assert compacted is not None and len(compacted.events) < 10
    session_start = compacted.events[0].timestamp
    for event in turn(99):
        event.timestamp = session_start - 0.0005
        compacted.update(event)
    asyncio.run(store.save(compacted))
    after = asyncio.run(store.retrieve("r"))
    assert after is not None and after.latest_message.text == "質問99"


def test_the_latest_session_is_found_through_indexes(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = store_at(db)
    asyncio.run(store.save(DialogueStateTracker.from_events("r", turn(0))))
    sql = str(store._session_query.compile(store.engine))
    with sqlite3.connect(db) as connection:
        plan = connection.execute(
            f"EXPLAIN QUERY PLAN {sql}", ("r", "r", "session_started", 0)
        ).fetchall()
    steps = [row[-1] for row in plan]
    # Rasa's sender_id index alone reads every event ever stored for the sender.
    assert any("ix_events_session" in step for step in steps), steps
    assert any(
        "ix_events_sender_order (sender_id=? AND id>?)" in step for step in steps
    )
