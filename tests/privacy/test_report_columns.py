"""The report's columns hold a channel name and an answer key, nothing personal."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from stdnum.jp import in_

from bot.privacy import report_columns
from bot.privacy.report_columns import add_columns, missing_columns, report_values
from bot.privacy.tracker_store import RedactingSQLTrackerStore

MY_NUMBER = "12345678901" + in_.calc_check_digit("12345678901")


def user_data(channel: Any, key: Any) -> dict[str, Any]:
    intent = {"name": "faq", "confidence": 1.0, "full_retrieval_intent_name": key}
    return {
        "event": "user",
        "text": "更新の持ち物は？",
        "input_channel": channel,
        "parse_data": {"intent": intent},
    }


@pytest.mark.parametrize(
    ("channel", "key", "expected"),
    [
        ("rest", "faq/what_to_bring", ("rest", "faq/what_to_bring")),
        ("line", "out_of_scope/not_on_page", ("line", "out_of_scope/not_on_page")),
        ("socketio", None, ("socketio", None)),
        # A typed "/faq/<digits>" payload, a date, text: not names, not stored.
        ("rest", f"faq/{MY_NUMBER}", ("rest", None)),
        ("rest", "faq/s60_4_3", ("rest", None)),
        ("rest", "faq/更新", ("rest", None)),
        ("rest", "faq", ("rest", None)),
        ("rest", "faq/a/b", ("rest", None)),
        (MY_NUMBER, "faq/pin", (None, "faq/pin")),
        ("Rest Channel", "faq/pin", (None, "faq/pin")),
        ("rest", "faq/" + "a" * 65, ("rest", None)),
        (None, {"name": "faq/pin"}, (None, None)),
    ],
)
def test_only_names_are_kept(
    channel: Any, key: Any, expected: tuple[str | None, str | None]
) -> None:
    values = report_values(user_data(channel, key))
    assert (values["input_channel"], values["retrieval_key"]) == expected


def test_other_events_have_none() -> None:
    for data in (
        {"event": "bot", "text": "faq/pin", "input_channel": "rest"},
        {"event": "action", "name": "utter_faq"},
        {"event": "slot", "name": "birth_date", "value": "1985-04-03"},
    ):
        assert set(report_values(data).values()) == {None}


def test_the_store_writes_no_personal_data_into_them(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(db)
    )
    text = f"/faq/{MY_NUMBER}"
    intent = {"name": "faq", "confidence": 1.0}
    parse = {"intent": {**intent, "full_retrieval_intent_name": f"faq/{MY_NUMBER}"}}
    events = [
        ActionExecuted("action_listen"),
        UserUttered(text, intent, parse_data=parse, input_channel="rest"),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("resident-1", events)))
    rows = sqlite3.connect(db).execute(
        "select sender_id, input_channel, retrieval_key from events"
        " where type_name = 'user'"
    )
    assert rows.fetchall() == [("resident-1", "rest", None)]


def test_adding_the_columns_twice_or_at_once_is_harmless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path}/t.db")
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)")
        assert add_columns(c) == ["input_channel", "retrieval_key"]
        assert add_columns(c) == []
        # Another replica added them between the look-up and the ALTER TABLE.
        monkeypatch.setattr(
            report_columns, "missing_columns", lambda _: ["input_channel"]
        )
        assert add_columns(c) == ["input_channel"]
    monkeypatch.undo()
    with engine.connect() as c:
        assert missing_columns(c) == []
