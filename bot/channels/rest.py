"""Rasa's REST channel, hardened for the public side (webhook ``/webhooks/rest/webhook``).

Compared with Rasa's own ``RestInput`` it:
- answers malformed JSON, a missing or over-long sender and a non-text message with a
  clear 400 (English and Japanese) instead of a 500;
- cuts over-long messages and strips control characters before they reach the model;
- never logs the message text (it may hold a My Number; Rasa's own channel logs it
  when a handler fails);
- never answers with silence: if the bot produced nothing (the action server is down
  or slow, or the handler failed), the resident gets a polite note with the phone
  number instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
NO_ANSWER = (
    "申し訳ありません。ただいま回答できません。少し時間をおいてもう一度お試しください。"
    "お急ぎの方は市民部市民課（0826-42-5616）へお電話ください。"
)


def clean_text(text: str) -> str:
    """Drop control and format characters (keeping line breaks and tabs), and cut."""
    kept = (
        c
        for c in text
        if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return "".join(kept)[:MAX_MESSAGE_CHARS]


def bad_request(message_en: str, message_ja: str) -> HTTPResponse:
    """Return a 400 that says what is wrong, in English and Japanese."""
    return response.json({"error": message_en, "message_ja": message_ja}, status=400)


class GuardedRestInput(RestInput):
    """REST channel with input checks and a polite answer instead of silence."""

    @classmethod
    def name(cls) -> str:
        """Same name as Rasa's REST channel, so the URL stays /webhooks/rest/."""
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Return the health and webhook routes."""
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                payload = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return bad_request(
                    "body must be JSON", "送信内容の形式が正しくありません（JSON）。"
                )
            if not isinstance(payload, dict):
                return bad_request(
                    "body must be a JSON object", "送信内容の形式が正しくありません。"
                )
            sender, text = payload.get("sender"), payload.get("message")
            if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
                return bad_request(
                    f"sender must be a string of 1 to {MAX_SENDER_CHARS} characters",
                    "送信者IDが正しくありません。",
                )
            if not isinstance(text, str):
                return bad_request(
                    "message must be a string", "メッセージは文字で送ってください。"
                )
            text = clean_text(text)
            collector = CollectingOutputChannel()
            if text.strip():
                try:
                    await on_new_message(
                        UserMessage(text, collector, sender, input_channel=self.name())
                    )
                except asyncio.CancelledError:
                    logger.error("REST message handling was cancelled (timeout)")
                except Exception:  # noqa: BLE001 - the resident must still get an answer
                    logger.exception("REST message handling failed")
            messages = collector.messages or [
                {"recipient_id": sender, "text": NO_ANSWER}
            ]
            return response.json(messages)

        return webhook
