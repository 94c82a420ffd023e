"""Privacy on the public channels, against the running bot: what is stored after
secrets, crafted payloads, cancel and goodbye, and whose conversation is whose."""

import json
import sqlite3
from typing import Any

import pytest
from fake_line import FakeLine
from stack import Bot
from test_line_channel import post_webhook, text_event

from bot.channels.rest import NO_ANSWER

pytestmark = pytest.mark.slow


def stored(bot: Bot, sender: str) -> list[dict[str, Any]]:
    rows = sqlite3.connect(bot.tracker_db).execute(
        "select data from events where sender_id = ? order by id", (sender,)
    )
    return [json.loads(r[0]) for r in rows]


def dump(events: list[dict[str, Any]]) -> str:
    return json.dumps(events, ensure_ascii=False)


def test_a_crafted_intent_payload_is_read_as_text(bot: Bot) -> None:
    # Before: Rasa set intent and entity from it, the action failed on the date.
    answer = bot.texts("craft-1", '/inform_date{"date": "not-a-date"}')
    assert answer != NO_ANSWER
    [user] = [e for e in stored(bot, "craft-1") if e["event"] == "user"]
    assert user["text"] == 'inform_date{"date": "not-a-date"}'
    entities = user["parse_data"]["entities"]
    assert all(e.get("extractor") != "RegexMessageHandler" for e in entities)
    # The buttons' own payloads keep working.
    assert "生年月日" in bot.texts("craft-2", "/check_expiry")


def test_my_number_typed_with_ime_dashes_is_masked_before_rasa(bot: Bot) -> None:
    answer = bot.texts("privacy-ime", "マイナンバーは7392ー0581ー6475です")
    assert "入力しないでください" in answer
    [user] = [e for e in stored(bot, "privacy-ime") if e["event"] == "user"]
    assert user["text"] == "マイナンバーは＊＊＊＊ー＊＊＊＊ー＊＊＊＊です"
    # Masked by the channel, before Rasa (and the action server) saw it.
    assert user["metadata"]["secrets"] == [{"kind": "my_number", "start": 7, "end": 21}]
    logs = list(bot.tracker_db.parent.glob("*.log"))
    assert logs and not any("0581" in log.read_text() for log in logs)


def test_a_pin_in_the_message_after_the_announcement(bot: Bot) -> None:
    bot.texts("privacy-pin", "暗証番号を言います")
    assert "入力しないでください" in bot.texts("privacy-pin", "4821")
    assert "4821" not in dump(stored(bot, "privacy-pin"))


def test_cancel_forgets_the_dates_it_says_it_forgot(bot: Bot) -> None:
    sender = "forget-cancel"
    bot.texts(sender, "有効期限を調べたい")
    # Not the dates of the bot's own examples (昭和60年4月3日, 令和3年6月10日).
    assert "発行された日" in bot.texts(sender, "平成2年5月6日")
    assert "1990-05-06" in dump(stored(bot, sender))
    assert "入力された日付は消去しました" in bot.texts(sender, "やっぱりやめます")
    kept = dump(stored(bot, sender))
    assert "1990-05-06" not in kept and "2年5月6日" not in kept
    assert "生年月日" in bot.texts(sender, "有効期限を調べたい")  # asked again


def test_goodbye_forgets_the_dates_and_the_answer(bot: Bot) -> None:
    sender = "forget-bye"
    said = "平成2年5月6日生まれで、令和4年7月8日に発行されました"
    assert "2027年5月6日（令和9年5月6日）" in bot.texts(sender, said)
    assert "1990-05-06" in dump(stored(bot, sender))
    bot.texts(sender, "さようなら")
    kept = dump(stored(bot, sender))
    for date_text in ("1990-05-06", "2022-07-08", "2年5月6日", "4年7月8日", "5月6日"):
        assert date_text not in kept


def test_line_and_rest_conversations_are_apart(bot: Bot, fake_line: FakeLine) -> None:
    before = len(fake_line.requests)
    post_webhook(
        bot, [text_event("apart-1", "更新はどこでできますか", "t-apart", "Uapart")]
    )
    fake_line.wait_for(before + 1)
    senders = {
        r[0]
        for r in sqlite3.connect(bot.tracker_db).execute(
            "select distinct sender_id from events where sender_id like '%Uapart'"
        )
    }
    assert senders == {"line:Uapart"}
    response = bot_post(bot, {"sender": "line:Uapart", "message": "生年月日は？"})
    assert response.status_code == 400


def bot_post(bot: Bot, body: dict[str, Any]) -> Any:
    import httpx

    return httpx.post(f"{bot.rasa_url}/webhooks/rest/webhook", json=body, timeout=30)
