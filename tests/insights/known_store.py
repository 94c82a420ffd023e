"""Known conversations, saved through the bot's own tracker store class."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from test_retention import postgres_available

from bot.privacy.tracker_store import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

TOKYO = ZoneInfo("Asia/Tokyo")
# Personal data residents type; none of it may reach a report, page or export.
MY_NUMBER = "123456789018"  # valid check digit
PIN = "4821"
SECRET_DATES = (
    "昭和60年4月3日",
    "1985/4/3",
    "平成二年四月一日",
    "S60.4.3",
    "２０２１年６月１０日",
)
# Conversations "today" happened an hour ago (so they are in the past for the CLI).
BASE = datetime.now(TOKYO).replace(microsecond=0) - timedelta(hours=1)


def parse(
    text: str,
    intent: str,
    key: str | None = None,
    ranking: list[tuple[str, float]] | None = None,
) -> dict[str, Any]:
    """Parse data as the pipeline stores it (rankings, selector, answer gate)."""
    ranking = ranking or [(intent, 0.9), ("faq", 0.05)]
    intent_data: dict[str, Any] = {"name": intent, "confidence": ranking[0][1]}
    if key:
        intent_data["full_retrieval_intent_name"] = key
    selector = [(key or "faq/where", 0.7), ("faq/what_to_bring", 0.2)]
    return {
        "intent": intent_data,
        "entities": [],
        "text": text,
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "answer_gate": {
            "action": "answer",
            "reason": "test",
            "key": key,
            "intents": [list(r) for r in ranking],
            "selectors": {"default": [list(s) for s in selector]},
        },
    }


def user(
    text: str, intent: str, at: datetime, channel: str = "rest", **kw: Any
) -> UserUttered:
    return UserUttered(
        text,
        parse(text, intent, **kw)["intent"],
        parse_data=parse(text, intent, **kw),
        timestamp=at.timestamp(),
        input_channel=channel,
    )


def turn(
    text: str, intent: str, at: datetime, action: str, channel: str = "rest", **kw: Any
) -> list[Event]:
    return [
        ActionExecuted("action_listen", timestamp=at.timestamp() - 1),
        user(text, intent, at, channel, **kw),
        ActionExecuted(action, timestamp=at.timestamp() + 1),
        BotUttered("回答", timestamp=at.timestamp() + 2),
    ]


def save(store: SQLTrackerStore, sender: str, events: list[Event]) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


@dataclass
class Store:
    """A filled store: its URL, a writable engine and the Rasa store object."""

    url: str
    engine: sa.engine.Engine
    rasa: SQLTrackerStore


@contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or PostgreSQL's, dropped after.

    A PostgreSQL database of its own (other tests share ``test``); skips the test
    when no server answers.
    """
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'conversations.db'}"
        return
    if not postgres_available():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"insights_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        "postgresql://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def tracker_store(
    url: str, kind: type[SQLTrackerStore] = RedactingSQLTrackerStore
) -> SQLTrackerStore:
    """A tracker store of class ``kind`` (the bot's, or Rasa's own) on ``url``."""
    parts = sa.engine.make_url(url)
    if parts.get_backend_name() == "sqlite":
        return kind(domain=Domain.empty(), dialect="sqlite", db=parts.database)
    return kind(
        domain=Domain.empty(),
        dialect="postgresql",
        host=parts.host,
        port=parts.port,
        db=parts.database,
        username=parts.username,
    )


def fill_known(store: SQLTrackerStore) -> None:
    """Today: 3 REST conversations, 1 LINE; yesterday: 1 REST; 40 days ago: 1 REST."""
    today, yesterday = BASE, BASE - timedelta(days=1)
    save(
        store,
        "alice",
        turn("更新の持ち物は？", "faq", today, "utter_faq", key="faq/what_to_bring")
        + turn(
            "どこで手続きできますか",
            "faq",
            today + timedelta(minutes=1),
            "utter_faq",
            key="faq/where",
        )
        + turn(
            "/feedback_useful",
            "feedback_useful",
            today + timedelta(minutes=2),
            "utter_feedback_thanks",
        ),
    )
    save(
        store,
        "bob",
        turn(
            f"昭和60年4月3日生まれでマイナンバーは{MY_NUMBER}ですが更新できる？",
            "nlu_fallback",
            today,
            "action_two_stage_fallback",
        )
        + turn(
            "パスポートの申請はどこ",
            "out_of_scope",
            today + timedelta(minutes=1),
            "utter_out_of_scope",
            key="out_of_scope/not_on_page",
        ),
    )
    save(
        store,
        "carol",
        turn("有効期限を調べたい", "check_expiry", today, "expiry_form")
        + turn("1985/4/3", "inform_date", today + timedelta(minutes=1), "expiry_form")
        + turn(
            "令和3年6月10日",
            "inform_date",
            today + timedelta(minutes=2),
            "action_compute_expiry",
        )
        + turn(
            "/feedback_not_useful",
            "feedback_not_useful",
            today + timedelta(minutes=3),
            "utter_feedback_sorry",
        ),
    )
    save(
        store,
        "line:U1",
        turn(
            "暗証番号を忘れた", "faq", today, "utter_faq", channel="line", key="faq/pin"
        )
        + turn(
            f"暗証番号は{PIN}でいいですか",
            "nlu_fallback",
            today + timedelta(minutes=1),
            "action_two_stage_fallback",
            channel="line",
        )
        + turn(
            "/feedback_not_useful",
            "feedback_not_useful",
            today + timedelta(minutes=2),
            "utter_feedback_sorry",
            channel="line",
        ),
    )
    save(
        store,
        "dave",
        turn(
            "平成二年四月一日生まれで更新できますか",
            "nlu_fallback",
            yesterday,
            "action_two_stage_fallback",
        )
        + turn(
            "S60.4.3生まれで更新できますか",
            "nlu_fallback",
            yesterday + timedelta(minutes=1),
            "action_two_stage_fallback",
        ),
    )
    save(
        store,
        "old",
        turn(
            "更新の持ち物は？",
            "faq",
            today - timedelta(days=40),
            "utter_faq",
            key="faq/what_to_bring",
        ),
    )
