"""The SQL tracker store keeps no My Number or PIN (SQLite file here)."""

import asyncio
import json
import logging
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from stdnum.jp import in_

from bot.privacy.tracker_store import RedactingSQLTrackerStore

MY_NUMBER = "12345678901" + in_.calc_check_digit("12345678901")


def test_stored_user_events_are_masked(tmp_path: Path) -> None:
    db = tmp_path / "trackers.db"
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(db)
    )
    text = f"マイナンバーは{MY_NUMBER}、暗証番号は1234です"
    tracker = DialogueStateTracker.from_events(
        "resident-1",
        [
            ActionExecuted("action_listen"),
            UserUttered(
                text,
                {"name": "share_secret", "confidence": 1.0},
                parse_data={"text": text},
            ),
            UserUttered("更新の持ち物は？", {"name": "faq", "confidence": 0.9}),
        ],
    )
    asyncio.run(store.save(tracker))
    rows = [
        json.loads(r[0]) for r in sqlite3.connect(db).execute("select data from events")
    ]
    dumped = json.dumps(rows, ensure_ascii=False)
    assert MY_NUMBER not in dumped and "1234" not in dumped
    assert "更新の持ち物は？" in dumped  # ordinary text is kept
    restored = asyncio.run(store.retrieve("resident-1"))
    assert restored is not None
    texts = [e.text for e in restored.events if isinstance(e, UserUttered)]
    assert texts[0] == "マイナンバーは" + "＊" * 12 + "、暗証番号は＊＊＊＊です"


def test_long_sessions_are_compacted_keeping_slots_and_form(tmp_path: Path) -> None:
    from rasa.shared.core.events import ActiveLoop, SlotSet

    from bot.privacy.tracker_store import MAX_SESSION_EVENTS

    domain = Domain.from_dict(
        {
            "intents": ["faq"],
            "slots": {
                "birth_date": {"type": "text", "mappings": [{"type": "custom"}]},
                "requested_slot": {"type": "any", "mappings": []},
            },
            "forms": {"expiry_form": {"required_slots": ["birth_date"]}},
        }
    )
    store = RedactingSQLTrackerStore(
        domain=domain, dialect="sqlite", db=str(tmp_path / "t.db")
    )
    events: list = [ActionExecuted("action_listen")]
    for i in range(MAX_SESSION_EVENTS):
        events += [
            UserUttered(f"質問{i}", {"name": "faq", "confidence": 1.0}),
            ActionExecuted("action_listen"),
        ]
    events += [
        ActiveLoop("expiry_form"),
        SlotSet("requested_slot", "birth_date"),
        SlotSet("birth_date", "1985-04-03"),
    ]
    tracker = DialogueStateTracker.from_events("long", events, domain.slots)
    asyncio.run(store.save(tracker))
    restored = asyncio.run(store.retrieve("long"))
    assert restored is not None
    assert len(restored.events) < 10  # only the compacted session is loaded
    assert restored.get_slot("birth_date") == "1985-04-03"
    assert restored.get_slot("requested_slot") == "birth_date"
    assert restored.active_loop_name == "expiry_form"
    # The next turn saves after the compaction, not over it.
    restored.update(
        UserUttered("令和3年6月10日", {"name": "inform_date", "confidence": 1.0})
    )
    asyncio.run(store.save(restored))
    again = asyncio.run(store.retrieve("long"))
    assert again is not None and again.latest_message.text == "令和3年6月10日"
    assert again.get_slot("birth_date") == "1985-04-03"


def test_an_unreachable_database_degrades_to_answers_without_history(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import sqlalchemy as sa

    db = tmp_path / "trackers.db"
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(db)
    )
    stored = DialogueStateTracker.from_events(
        "resident-2", [ActionExecuted("action_listen"), UserUttered("昭和60年4月3日")]
    )
    asyncio.run(store.save(stored))
    working = store.engine
    # The database goes away: every connection now fails.
    store.engine = sa.create_engine(f"sqlite:///{tmp_path / 'gone' / 'trackers.db'}")

    with caplog.at_level(logging.ERROR, logger="bot.privacy.tracker_store"):
        assert asyncio.run(store.retrieve("resident-2")) is None
        degraded = DialogueStateTracker.from_events(
            "resident-2",
            [ActionExecuted("action_listen"), UserUttered("生年月日は秘密")],
        )
        asyncio.run(store.save(degraded))  # skipped, not raised
        assert asyncio.run(store.retrieve("resident-3")) is None
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, "one clear error, not one per message"
    assert "Tracker store database unreachable" in errors[0].getMessage()
    assert "生年月日は秘密" not in caplog.text and "SELECT" not in caplog.text

    # Back again: the stored conversation is as it was before the outage.
    store.engine = working
    restored = asyncio.run(store.retrieve("resident-2"))
    assert restored is not None
    texts = [e.text for e in restored.events if isinstance(e, UserUttered)]
    assert texts == ["昭和60年4月3日"]
    assert "reachable again" in caplog.text
    # And it is saved normally again.
    restored.update(UserUttered("令和3年6月10日"))
    asyncio.run(store.save(restored))
    again = asyncio.run(store.retrieve("resident-2"))
    assert again is not None
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
        "昭和60年4月3日",
        "令和3年6月10日",
    ]


def _dates_conversation(
    domain: Domain, sender: str, last: list
) -> DialogueStateTracker:
    from rasa.shared.core.events import BotUttered, SlotSet

    said = "昭和60年4月3日生まれで、令和3年6月10日に発行されました"
    entities = [
        {
            "entity": "date",
            "role": "birth",
            "start": 0,
            "end": 8,
            "value": "1985-04-03",
            "text": "昭和60年4月3日",
        },
        {
            "entity": "date",
            "role": "issue",
            "start": 13,
            "end": 22,
            "value": "2021-06-10",
            "text": "令和3年6月10日",
        },
    ]
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered(
                said,
                {"name": "inform_date", "confidence": 1.0},
                entities,
                {"text": said, "entities": entities},
            ),
            SlotSet("birth_date", "1985-04-03"),
            SlotSet("issue_date", "2021-06-10"),
            BotUttered(
                "電子証明書の有効期限は2026年4月3日（令和8年4月3日）です。",
                metadata={
                    "utter_action": "utter_expiry_result",
                    "explanation": "有効期限は2026年4月3日です。",
                },
            ),
            BotUttered("ほかにご質問はありますか。"),
            ActionExecuted("action_listen"),
            *last,
        ],
        domain.slots,
    )


DATES_DOMAIN = Domain.from_dict(
    {
        "intents": ["inform_date", "deny", "goodbye", "faq"],
        "slots": {
            "birth_date": {"type": "text", "mappings": [{"type": "custom"}]},
            "issue_date": {"type": "text", "mappings": [{"type": "custom"}]},
        },
        "responses": {
            "utter_expiry_result": [{"text": "{explanation}"}],
            "utter_expiry_next": [{"text": "ほかにご質問はありますか。"}],
        },
    }
)


@pytest.mark.parametrize("how", ["cancel", "goodbye"])
def test_the_dates_are_forgotten_after_cancel_or_goodbye(
    tmp_path: Path, how: str
) -> None:
    from rasa.shared.core.events import SlotSet

    db = tmp_path / "t.db"
    store = RedactingSQLTrackerStore(domain=DATES_DOMAIN, dialect="sqlite", db=str(db))
    tracker = _dates_conversation(DATES_DOMAIN, "forget-1", [])
    asyncio.run(store.save(tracker))
    # The other resident's dates must stay.
    asyncio.run(store.save(_dates_conversation(DATES_DOMAIN, "other-1", [])))
    if how == "cancel":
        turn = [
            UserUttered("やっぱりやめます", {"name": "deny", "confidence": 1.0}),
            ActionExecuted("action_reset_dates"),
            SlotSet("birth_date", None),
            SlotSet("issue_date", None),
        ]
    else:
        turn = [UserUttered("さようなら", {"name": "goodbye", "confidence": 1.0})]
    for event in turn:
        tracker.update(event)
    asyncio.run(store.save(tracker))

    def stored(sender: str) -> str:
        rows = sqlite3.connect(db).execute(
            "select data from events where sender_id = ?", (sender,)
        )
        return json.dumps([json.loads(r[0]) for r in rows], ensure_ascii=False)

    kept, forgotten = stored("other-1"), stored("forget-1")
    for date_text in ("1985-04-03", "2021-06-10", "昭和60年4月3日", "2026年4月3日"):
        assert date_text in kept
        assert date_text not in forgotten
    words = [
        str(value)
        for event in json.loads(forgotten)
        for holder in (
            event,
            event.get("parse_data") or {},
            *(event.get("parse_data") or {}).get("entities", []),
        )
        for key, value in holder.items()
        if key in ("text", "value")
    ]
    assert words and not any(c.isdigit() for word in words for c in word), words
    assert "ほかにご質問はありますか。" in forgotten  # fixed answers stay readable
    restored = asyncio.run(store.retrieve("forget-1"))
    assert restored is not None
    assert (
        restored.get_slot("birth_date") is None
        and restored.get_slot("issue_date") is None
    )


def test_an_ordinary_turn_forgets_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = RedactingSQLTrackerStore(domain=DATES_DOMAIN, dialect="sqlite", db=str(db))
    tracker = _dates_conversation(DATES_DOMAIN, "keep-1", [])
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("更新はどこで？", {"name": "faq", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    restored = asyncio.run(store.retrieve("keep-1"))
    assert restored is not None and restored.get_slot("birth_date") == "1985-04-03"
