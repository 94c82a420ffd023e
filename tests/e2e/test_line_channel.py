"""The LINE channel on the real Rasa server, answering through a fake LINE API."""

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from fake_line import LINE_SECRET, LINE_TOKEN, FakeLine
from stack import Bot

from bot.channels.line import TOO_MANY

pytestmark = pytest.mark.slow


def post_webhook(
    bot: Bot, events: list[dict[str, Any]], secret: str | None = LINE_SECRET
) -> httpx.Response:
    body = json.dumps({"destination": "Ubot", "events": events}).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
        headers["X-Line-Signature"] = base64.b64encode(digest).decode()
    return httpx.post(
        f"{bot.rasa_url}/webhooks/line/webhook",
        content=body,
        headers=headers,
        timeout=30,
    )


def text_event(
    event_id: str, text: str, reply_token: str = "reply-1", user: str = "Uresident"
) -> dict[str, Any]:
    return {
        "type": "message",
        "webhookEventId": event_id,
        "replyToken": reply_token,
        "source": {"type": "user", "userId": user},
        "message": {"type": "text", "id": event_id, "text": text},
        "deliveryContext": {"isRedelivery": False},
    }


def test_forged_and_missing_signatures_are_rejected(
    bot: Bot, fake_line: FakeLine
) -> None:
    before = len(fake_line.requests)
    assert (
        post_webhook(
            bot, [text_event("forged", "こんにちは")], secret="not-the-secret"
        ).status_code
        == 400
    )
    assert (
        post_webhook(
            bot, [text_event("unsigned", "こんにちは")], secret=None
        ).status_code
        == 400
    )
    assert (
        len(fake_line.wait_for(before + 1, seconds=3)) == before
    )  # nothing was answered


def test_text_message_is_answered_with_the_reply_token(
    bot: Bot, fake_line: FakeLine
) -> None:
    before = len(fake_line.requests)
    assert (
        post_webhook(
            bot, [text_event("ev-1", "更新の手続きはどこでできますか", "token-1")]
        ).status_code
        == 200
    )
    request = fake_line.wait_for(before + 1)[before]
    assert request["path"] == "/v2/bot/message/reply"
    assert request["auth"] == f"Bearer {LINE_TOKEN}"
    assert request["body"]["replyToken"] == "token-1"
    assert "本庁市民課" in request["body"]["messages"][0]["text"]
    assert request["body"]["messages"][-1]["quickReply"]["items"]


def test_redelivered_event_is_answered_once(bot: Bot, fake_line: FakeLine) -> None:
    before = len(fake_line.requests)
    event = text_event("ev-redelivered", "暗証番号を忘れました", "token-2")
    assert post_webhook(bot, [event]).status_code == 200
    fake_line.wait_for(before + 1)
    event["deliveryContext"] = {"isRedelivery": True}
    assert post_webhook(bot, [event]).status_code == 200
    assert len(fake_line.wait_for(before + 2, seconds=5)) == before + 1


def test_expired_reply_token_falls_back_to_push(bot: Bot, fake_line: FakeLine) -> None:
    before = len(fake_line.requests)
    post_webhook(bot, [text_event("ev-late", "ありがとう", "expired-token", "Ulate")])
    requests = fake_line.wait_for(before + 2)[before:]
    assert [r["path"] for r in requests] == [
        "/v2/bot/message/reply",
        "/v2/bot/message/push",
    ]
    assert requests[1]["body"]["to"] == "Ulate"


def test_postback_follow_and_sticker(bot: Bot, fake_line: FakeLine) -> None:
    before = len(fake_line.requests)
    source = {"type": "user", "userId": "Upost"}
    post_webhook(
        bot,
        [
            {
                "type": "postback",
                "webhookEventId": "pb-1",
                "replyToken": "t-pb",
                "source": source,
                "postback": {"data": "/faq/proxy"},
            },
        ],
    )
    post_webhook(
        bot,
        [
            {
                "type": "follow",
                "webhookEventId": "fo-1",
                "replyToken": "t-fo",
                "source": source,
            }
        ],
    )
    post_webhook(
        bot,
        [
            {
                "type": "message",
                "webhookEventId": "st-1",
                "replyToken": "t-st",
                "source": source,
                "message": {"type": "sticker", "id": "1"},
            },
        ],
    )
    by_token = {
        r["body"]["replyToken"]: r["body"]["messages"]
        for r in fake_line.wait_for(before + 3)[before:]
    }
    assert "照会書兼回答書" in by_token["t-pb"][0]["text"]
    assert "案内チャット" in by_token["t-fo"][0]["text"]
    assert by_token["t-st"][0]["text"] == "申し訳ありません。文字でご質問ください。"


def test_malformed_body_with_valid_signature_is_400(bot: Bot) -> None:
    body = b"not json"
    signature = base64.b64encode(
        hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()
    ).decode()
    response = httpx.post(
        f"{bot.rasa_url}/webhooks/line/webhook",
        content=body,
        headers={"X-Line-Signature": signature},
        timeout=30,
    )
    assert response.status_code == 400
    assert (
        httpx.get(f"{bot.rasa_url}/webhooks/rest/", timeout=10).status_code == 200
    )  # still serving


def test_a_flood_from_one_line_user_is_limited_and_told_once(
    bot: Bot, fake_line: FakeLine
) -> None:
    before = len(fake_line.requests)
    flood = [
        text_event(f"flood-{i}", "あ" * 5000, f"t-flood-{i}", "Uflood")
        for i in range(35)  # more than RATE_LIMIT_SENDER (30) in a minute
    ]
    assert post_webhook(bot, flood).status_code == 200
    answered = fake_line.wait_for(before + 31, seconds=120)[before:]
    assert len(fake_line.wait_for(before + 32, seconds=3)) == before + 31
    texts = [r["body"]["messages"][0]["text"] for r in answered]
    assert texts.count(TOO_MANY) == 1, "the flooding user is told once, not 5 times"
    # Another resident is answered normally meanwhile.
    post_webhook(bot, [text_event("calm-1", "どこで更新できますか", "t-calm", "Ucalm")])
    calm = fake_line.wait_for(before + 32)[-1]
    assert "本庁市民課" in calm["body"]["messages"][0]["text"]


def test_a_dates_result_on_line_has_the_calendar_link_and_the_source(
    bot: Bot, fake_line: FakeLine, source_url: str
) -> None:
    before = len(fake_line.requests)
    text = "昭和45年7月20日生まれで、令和5年2月1日に発行されました"
    post_webhook(bot, [text_event("ev-cal", text, "token-cal", "Ucalendar")])
    request = fake_line.wait_for(before + 1)[before]
    texts = "\n".join(m["text"] for m in request["body"]["messages"])
    assert "生年月日：1970年7月20日（昭和45年7月20日）" in texts
    assert f"2024年1月11日更新）\n{source_url}" in texts
    # LINE gets the calendar as a link in the text, never as a quick reply.
    assert "/calendar/" in texts and ".ics" in texts
    items = request["body"]["messages"][-1].get("quickReply", {}).get("items", [])
    assert not any("http" in i["action"]["data"] for i in items)
