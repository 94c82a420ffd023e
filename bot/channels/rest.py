"""Rasa's REST channel, hardened for the public side (webhook ``/webhooks/rest/webhook``).

Compared with Rasa's own ``RestInput`` it:
- answers malformed JSON, a missing or over-long sender and a non-text message with a
  clear 400 (English and Japanese) instead of a 500;
- cuts over-long messages and strips control characters before they reach the model;
- never logs the message text (it may hold a My Number; Rasa's own channel logs it
  when a handler fails);
- takes sender ids of 1-128 letters, digits, ``-`` and ``_`` only, masks My Numbers
  and PINs, and reads ``/...`` as a payload only when the domain declares it
  (bot/channels/screen.py);
- never answers with silence: if the bot produced nothing (the action server is down,
  the handler failed, or no answer came within ANSWER_TIMEOUT_SECONDS), the resident
  gets a polite note with the phone number instead;
- limits messages per sender and requests per client address (429 with Retry-After;
  RATE_LIMIT_SENDER and RATE_LIMIT_ADDRESS per minute).
"""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.admission import Admission, messages_in_progress
from bot.channels.expiring import expiring_keys
from bot.channels.failures import watching_actions
from bot.channels.hardening import harden
from bot.channels.screen import (
    ANNOUNCED_SECONDS,
    MAX_ANNOUNCED,
    MAX_SENDER_CHARS,
    domain_of,
    is_rest_sender,
    screen,
)
from bot.channels.source import SourcedOutputChannel
from bot.config import Settings
from bot.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
NO_ANSWER = (
    "申し訳ありません。ただいま回答できません。少し時間をおいてもう一度お試しください。"
    "お急ぎの方は市民部市民課（0826-42-5616）へお電話ください。"
)

EMPTY_REPLY = "ご質問を文字で入力してください。"


def clean_text(text: str) -> str:
    """Drop control and format characters (keeping line breaks and tabs), and cut.

    The text is cut first, so the work per message is bounded whatever was sent.
    """
    kept = (
        c
        for c in text[: 2 * MAX_MESSAGE_CHARS]
        if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return "".join(kept)[:MAX_MESSAGE_CHARS]


async def _admitted(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    admission: Admission,
) -> None:
    async with admission.turn():
        await on_new_message(message)


async def handle_within(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    timeout: float,
    admission: Admission | None = None,
) -> bool:
    """Run Rasa on ``message`` for at most ``timeout`` seconds; never raise.

    The message first waits for its turn (``admission``, by default the process's
    ``messages_in_progress``, bot/channels/admission.py); the wait counts towards
    ``timeout``.

    Return False when the handling failed, timed out, or a custom action failed (Rasa
    then goes on as if it had run, bot/channels/failures.py); the caller answers with
    NO_ANSWER instead of what the bot said. On a timeout the handling is cancelled:
    Rasa releases the conversation's lock and saves nothing of this message, so the
    resident can simply send it again. The message text is never logged.
    """
    try:
        with watching_actions() as failed_actions:
            await asyncio.wait_for(
                _admitted(on_new_message, message, admission or messages_in_progress()),
                timeout,
            )
        if not failed_actions:
            return True
        logger.error(
            "A custom action failed (action server down?); "
            "the resident gets the phone number"
        )
    except asyncio.TimeoutError:
        logger.error(
            "No answer within %s s (action server or database slow?); "
            "the resident gets the phone number",
            timeout,
        )
    except Exception:  # noqa: BLE001 - the resident must still get an answer
        logger.exception("Message handling failed on channel %s", message.input_channel)
    return False


def with_fallback(
    messages: list[dict[str, Any]], answered: bool, sender: str
) -> list[dict[str, Any]]:
    """``messages``, or only NO_ANSWER if the bot failed or said nothing.

    After a failure what the bot said is unreliable (it may assume an action ran), so
    it is not shown.
    """
    if answered and messages:
        return messages
    return [{"recipient_id": sender, "text": NO_ANSWER}]


def bad_request(message_en: str, message_ja: str) -> HTTPResponse:
    """Return a 400 that says what is wrong, in English and Japanese."""
    return response.json({"error": message_en, "message_ja": message_ja}, status=400)


def too_many(retry_after: int) -> HTTPResponse:
    """Return a 429 that says when to try again, in English and Japanese."""
    return response.json(
        {
            "error": "too many messages; try again later",
            "message_ja": "短い時間に多くのメッセージが送られました。少し待ってからお試しください。",
        },
        status=429,
        headers={"Retry-After": str(retry_after)},
    )


class GuardedRestInput(RestInput):
    """REST channel with input checks and a polite answer instead of silence."""

    @classmethod
    def name(cls) -> str:
        """Same name as Rasa's REST channel, so the URL stays /webhooks/rest/."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        """Build with the rate limits of the environment (bot/config.py)."""
        return cls(Settings.from_env())

    def __init__(self, settings: Settings | None = None) -> None:
        """Create the per-sender and per-address limiters."""
        settings = settings or Settings()
        self.per_sender = RateLimiter(settings.rate_limit_sender)
        self.per_address = RateLimiter(settings.rate_limit_address)
        self.answer_timeout = settings.answer_timeout_seconds
        self.settings = settings
        self.announced = expiring_keys(
            settings, "rest-announced", ANNOUNCED_SECONDS, MAX_ANNOUNCED
        )
        self.source_url = settings.source_url

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Return the health and webhook routes."""
        webhook = Blueprint("guarded_rest_webhook", __name__)
        harden(webhook, self.settings)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # The resident behind a reverse proxy (SANIC_PROXIES_COUNT), else the peer.
            address = str(request.remote_addr or request.ip or "unknown")
            if not self.per_address.allow(address):
                return too_many(self.per_address.retry_after(address))
            try:
                payload = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):
                return bad_request(
                    "body must be JSON", "送信内容の形式が正しくありません（JSON）。"
                )
            if not isinstance(payload, dict):
                return bad_request(
                    "body must be a JSON object", "送信内容の形式が正しくありません。"
                )
            sender, text = payload.get("sender"), payload.get("message")
            if not is_rest_sender(sender):
                return bad_request(
                    f"sender must be 1 to {MAX_SENDER_CHARS} letters, digits, - or _",
                    "送信者IDが正しくありません。",
                )
            if not isinstance(text, str):
                return bad_request(
                    "message must be a string", "メッセージは文字で送ってください。"
                )
            if not self.per_sender.allow(sender):
                return too_many(self.per_sender.retry_after(sender))
            text, metadata = await screen(
                clean_text(text), sender, domain_of(request.app), self.announced
            )
            if not text.strip():  # nothing, or only slashes
                return response.json([{"recipient_id": sender, "text": EMPTY_REPLY}])
            collector = SourcedOutputChannel(self.source_url)
            answered = await handle_within(
                on_new_message,
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=metadata,
                ),
                self.answer_timeout,
            )
            return response.json(with_fallback(collector.messages, answered, sender))

        return webhook
