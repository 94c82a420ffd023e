"""The SQL tracker store keeps no My Number or PIN (SQLite file here)."""

import asyncio
import json
import sqlite3
from pathlib import Path

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
