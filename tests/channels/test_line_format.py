"""LINE signature check and message building, against fixed known answers."""

import base64
import hashlib
import hmac

import pytest

from bot.channels.line_format import (
    MAX_LABEL,
    MAX_MESSAGES,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    signature_is_valid,
    to_line_messages,
)

SECRET = "test-channel-secret"
BODY = b'{"destination":"U0","events":[]}'
# base64(HMAC-SHA256("test-channel-secret", BODY)), computed once with openssl:
# printf '%s' "$BODY" | openssl dgst -sha256 -hmac test-channel-secret -binary | base64
KNOWN = base64.b64encode(
    hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()
).decode()


def test_known_answer_matches_openssl() -> None:
    assert KNOWN == "gQe1nlhCYUjCASVA8bc80PkuRrptjwZp4BwaK3x1fFw="


@pytest.mark.parametrize(
    ("secret", "body", "signature", "valid"),
    [
        (SECRET, BODY, KNOWN, True),
        ("wrong-secret", BODY, KNOWN, False),
        (SECRET, BODY + b" ", KNOWN, False),
        (SECRET, BODY, None, False),
        (SECRET, BODY, "", False),
        (SECRET, BODY, "not base64 at all", False),
        (SECRET, BODY, "é" * 44, False),
        (SECRET, BODY, KNOWN[:-2] + "\udcff=", False),
        (SECRET, BODY, KNOWN + "==", False),
        (SECRET, BODY, KNOWN[:20], False),
    ],
    ids=[
        "right-secret",
        "wrong-secret",
        "tampered-body",
        "missing-header",
        "empty-header",
        "garbage",
        "non-ascii",
        "undecodable-byte",
        "extra-padding",
        "truncated",
    ],
)
def test_signature(
    secret: str, body: bytes, signature: str | None, valid: bool
) -> None:
    assert signature_is_valid(secret, body, signature) is valid


def test_buttons_become_quick_replies_on_the_last_message() -> None:
    messages = to_line_messages(
        [
            {"text": "一つ目"},
            {
                "text": "二つ目",
                "buttons": [{"title": "手続きの場所", "payload": "/faq/where"}],
            },
        ]
    )
    assert [m["text"] for m in messages] == ["一つ目", "二つ目"]
    [item] = messages[-1]["quickReply"]["items"]
    assert item["action"] == {
        "type": "postback",
        "label": "手続きの場所",
        "data": "/faq/where",
        "displayText": "手続きの場所",
    }
    assert "quickReply" not in messages[0]


def test_quick_reply_limits() -> None:
    buttons = [
        {
            "title": f"とても長いボタンの名前その{i}です。ほんとうに長い",
            "payload": f"/x{i}",
        }
        for i in range(15)
    ]
    [message] = to_line_messages([{"text": "選んでください", "buttons": buttons}])
    items = message["quickReply"]["items"]
    assert len(items) == MAX_QUICK_REPLIES
    assert all(len(i["action"]["label"]) <= MAX_LABEL for i in items)
    assert (
        "その13" in message["text"] and "その14" in message["text"]
    )  # the rest as text


def test_long_and_many_texts_stay_within_limits() -> None:
    long_text = "あ" * (MAX_TEXT + 100)
    messages = to_line_messages(
        [{"text": long_text}] + [{"text": f"{i}"} for i in range(8)]
    )
    assert len(messages) <= MAX_MESSAGES
    assert all(len(m["text"]) <= MAX_TEXT for m in messages)
    assert sum(m["text"].count("あ") for m in messages) >= MAX_TEXT


def test_empty_messages_send_nothing() -> None:
    assert to_line_messages([{"text": ""}]) == []
