"""The LINE webhook in-process, answering through the fake LINE API: signatures,
groups, conversation ids, the API URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.line import GROUP_NOTE, LineInput, check_api_base_url
from tests.channels.test_rest_route import serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from fake_line import LINE_SECRET, LINE_TOKEN, FakeLine  # noqa: E402


@pytest.fixture(scope="module")
def fake_line() -> Iterator[FakeLine]:
    fake = FakeLine()
    yield fake
    fake.close()


def signed(events: list[dict[str, Any]], signature: Any = None) -> dict[str, Any]:
    body = json.dumps({"destination": "Ubot", "events": events}).encode()
    digest = hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()
    headers = {"X-Line-Signature": signature or base64.b64encode(digest).decode()}
    return {"content": body, "headers": headers}


def event(
    kind: str, source: dict[str, str], event_id: str, **more: Any
) -> dict[str, Any]:
    return {
        "type": kind,
        "webhookEventId": event_id,
        "replyToken": f"t-{event_id}",
        "source": source,
        **more,
    }


def text(words: str) -> dict[str, Any]:
    return {"message": {"type": "text", "id": "m", "text": words}}


def test_line_webhook(fake_line: FakeLine) -> None:
    user = {"type": "user", "userId": "Uresident"}
    group = {"type": "group", "groupId": "Cgroup", "userId": "Uresident"}
    room = {"type": "room", "roomId": "Rroom", "userId": "Uother"}
    channel = LineInput(LINE_SECRET, LINE_TOKEN, fake_line.url)
    valid = signed(
        [event("message", user, "ev-1", **text("マイナンバーは7392-0581-6475"))]
    )
    responses, received = serve(
        channel,
        "/webhooks/line",
        [
            valid,
            valid,  # redelivered: handled once
            {**valid, "headers": {"X-Line-Signature": ("é" * 22).encode()}},
            {**valid, "headers": {"X-Line-Signature": "\u3042".encode()}},
            {**valid, "headers": {"X-Line-Signature": "not base64!"}},
            signed(
                [
                    event("join", group, "g-0"),
                    event(
                        "message", group, "g-1", **text("生年月日は昭和60年4月3日です")
                    ),
                    event("message", group, "g-2", **text("有効期限は？")),
                    event("postback", room, "r-1", postback={"data": "/check_expiry"}),
                ]
            ),
        ],
    )
    assert [r.status_code for r in responses] == [200, 200, 400, 400, 400, 200]
    # One conversation, namespaced, with the number masked; nothing from the group.
    assert received == [
        (
            "マイナンバーは＊＊＊＊-＊＊＊＊-＊＊＊＊",
            "line:Uresident",
            {"secrets": [{"kind": "my_number", "start": 7, "end": 21}]},
        )
    ]
    sent = {
        r["body"].get("replyToken"): r["body"]["messages"][0]["text"]
        for r in fake_line.wait_for(3)
    }
    assert sent == {"t-ev-1": "はい", "t-g-0": GROUP_NOTE, "t-r-1": GROUP_NOTE}


@pytest.mark.parametrize(
    "url",
    [
        "http://api.line.me",
        "ftp://127.0.0.1",
        "http://10.0.0.5:8080",
        "api.line.me",
        "http://127.0.0.1.example.com",
    ],
)
def test_the_api_url_must_be_https_except_on_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="LINE_API_BASE_URL must be an https URL"):
        LineInput(LINE_SECRET, LINE_TOKEN, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.line.me/",
        "http://127.0.0.1:8080",
        "http://localhost:9",
        "http://[::1]:80",
    ],
)
def test_https_and_loopback_urls_are_accepted(url: str) -> None:
    assert check_api_base_url(url) == url.rstrip("/")
