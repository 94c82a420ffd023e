"""Bad input on the public REST webhook, and the action server being down."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from stack import Bot, free_port, running_bot

pytestmark = pytest.mark.slow

NO_ANSWER = "0826-42-5616"


def post(bot: Bot, content: bytes) -> httpx.Response:
    return httpx.post(
        f"{bot.rasa_url}/webhooks/rest/webhook",
        content=content,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"",
        b"[]",
        b'{"sender": "x"}',
        b'{"sender": 5, "message": "hi"}',
        b'{"sender": "' + b"x" * 500 + b'", "message": "hi"}',
        b'{"sender": "x", "message": {"text": "hi"}}',
        b"\xff\xfe\x00garbage",
    ],
    ids=[
        "truncated",
        "empty",
        "list",
        "no-message",
        "sender-int",
        "sender-long",
        "message-object",
        "binary",
    ],
)
def test_malformed_requests_get_a_clear_400(bot: Bot, body: bytes) -> None:
    response = post(bot, body)
    assert response.status_code == 400
    assert response.json()["message_ja"]


@pytest.mark.parametrize(
    "text",
    [
        "更新" * 50_000,
        "😀" * 5_000,
        "\x00\x01\x02\u200b\u202e更新の持ち物は？\x7f",
        "   ",
    ],
    ids=["oversized", "emoji-flood", "control-characters", "blank"],
)
def test_odd_messages_get_a_polite_answer(bot: Bot, text: str) -> None:
    messages = bot.send("abuse-1", text)
    assert messages and all(m.get("text") for m in messages)


def test_a_flood_from_one_sender_is_limited_and_others_are_served(bot: Bot) -> None:
    statuses = [
        post(bot, b'{"sender": "abuse-2", "message": "\xe3\x81\x82"}').status_code
        for _ in range(40)  # more than RATE_LIMIT_SENDER (30) in a minute
    ]
    assert statuses.count(200) == 30
    assert statuses[-1] == 429
    limited = post(bot, b'{"sender": "abuse-2", "message": "hi"}')
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "本庁市民課" in bot.texts("abuse-3", "どこで更新できますか")


def test_rasa_http_api_is_not_exposed(bot: Bot) -> None:
    # Started without --enable-api: no conversation or model endpoints.
    for path in ("/conversations/x/tracker", "/model/parse", "/status"):
        assert httpx.get(f"{bot.rasa_url}{path}", timeout=10).status_code == 404


def test_action_server_down_gives_a_polite_answer_and_faqs_still_work(
    model_path: Path, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/webhook"
    with running_bot(model_path, tmp_path, {"ACTION_SERVER_URL": dead}) as bot:
        assert "本庁市民課" in bot.texts("down-1", "どこで更新できますか")
        answer = bot.texts("down-2", "自分の有効期限を調べたい")
        assert NO_ANSWER in answer or "生年月日" in answer
        answer = bot.texts("down-2", "昭和60年4月3日")
        assert answer.strip(), "never silence"
