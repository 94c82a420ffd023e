"""LINE Messaging API as a Rasa input channel (webhook ``/webhooks/line/webhook``).

Configured in credentials.line.yml from the environment (LINE_CHANNEL_SECRET,
LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE_URL, which must be https except on the
loopback). Each webhook is verified before it is parsed (any malformed signature is a
400), acknowledged at once, and handled in the background: text messages and
postbacks of a 1:1 chat go to Rasa as the conversation ``line:<userId>`` (so no REST
sender id can reach it), a follow event gets the greeting, other message types a
polite note. In a group or room the bot gives no personal answers: it asks, at most
once per GROUP_NOTE_SECONDS, to use a 1:1 chat. Answers go out with the reply token,
or by push when the token has expired. Redelivered events (same webhookEventId) are
handled once: the ids are kept for SEEN_SECONDS, in Redis when the scale-out profile
configures it (shared by replicas), else in this process (at most SEEN_EVENTS).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from rasa.core.channels.channel import (
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.expiring import expiring_keys
from bot.channels.hardening import harden, read_capped
from bot.channels.line_format import signature_is_valid, to_line_messages
from bot.channels.rest import clean_text, handle_within, with_fallback
from bot.channels.screen import (
    ANNOUNCED_SECONDS,
    MAX_ANNOUNCED,
    DomainLike,
    domain_of,
    line_sender,
    screen,
)
from bot.channels.source import LineOutputChannel
from bot.config import Settings
from bot.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.line.me"
SEEN_EVENTS = 10_000  # webhook event ids remembered in-process for redelivery
SEEN_SECONDS = 86_400.0  # and for how long
GROUP_NOTE_SECONDS = 600.0  # one note per group or room in this time
NON_TEXT_REPLY = "申し訳ありません。文字でご質問ください。"
GREETING_PAYLOAD = "/greet"
TOO_MANY = (
    "短い時間に多くのメッセージが送られました。少し待ってからもう一度お送りください。"
)
GROUP_NOTE = (
    "グループやトークルームでは、ご質問にお答えしていません。"
    "お手数ですが、このアカウントとの1対1のトークでお尋ねください。"
)


def check_api_base_url(url: str) -> str:
    """Return ``url`` without a trailing slash if it is https, or http on loopback.

    The access token goes with every request, so it must never travel in clear text
    beyond this machine (the tests use a fake LINE API on 127.0.0.1).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not host or not (
        parts.scheme == "https" or (parts.scheme == "http" and loopback)
    ):
        raise ValueError(
            f"LINE_API_BASE_URL must be an https URL (http only on the loopback), got {url!r}"
        )
    return url.rstrip("/")


class LineInput(InputChannel):
    """Receives LINE webhooks and answers through the Messaging API."""

    @classmethod
    def name(cls) -> str:
        """Channel name; the webhook is /webhooks/line/webhook."""
        return "line"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> LineInput:
        """Build from credentials.line.yml; fails at start-up when a secret is missing."""
        creds = credentials or {}
        return cls(
            channel_secret=creds.get("channel_secret"),
            access_token=creds.get("access_token"),
            api_base_url=creds.get("api_base_url") or DEFAULT_API_BASE_URL,
            settings=Settings.from_env(),
        )

    def __init__(
        self,
        channel_secret: str | None,
        access_token: str | None,
        api_base_url: str = DEFAULT_API_BASE_URL,
        settings: Settings | None = None,
    ) -> None:
        """Check the credentials now, not on the first message."""
        if not channel_secret or not access_token:
            raise ValueError(
                "The LINE channel needs LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN."
            )
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.api_base_url = check_api_base_url(api_base_url)
        self._tasks: set[asyncio.Task[None]] = set()
        settings = settings or Settings()
        self.seen = expiring_keys(settings, "line-event", SEEN_SECONDS, SEEN_EVENTS)
        self.group_noted = expiring_keys(
            settings, "line-group", GROUP_NOTE_SECONDS, SEEN_EVENTS
        )
        self.announced = expiring_keys(
            settings, "line-announced", ANNOUNCED_SECONDS, MAX_ANNOUNCED
        )
        # Messages per minute from one LINE user (RATE_LIMIT_SENDER); the webhook
        # itself comes from LINE's servers, so there is no per-address limit here.
        self.per_user = RateLimiter(settings.rate_limit_sender)
        self.answer_timeout = settings.answer_timeout_seconds
        self.source_url = settings.source_url

    async def _first_time(self, event: dict[str, Any]) -> bool:
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str):
            return True
        return await self.seen.add(event_id)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Return the webhook routes."""
        webhook = Blueprint("line_webhook", __name__)
        settings = Settings.from_env()
        harden(webhook, settings)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # Streamed: LINE batches events, so this route has its own, larger cap
        # (LINE_MAX_BODY_BYTES), checked before a byte is hashed.
        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            body = await read_capped(request, settings.line_max_body_bytes)
            if body is None:
                return response.json({"error": "body too large"}, status=413)
            if not signature_is_valid(
                self.channel_secret, body, request.headers.get("X-Line-Signature")
            ):
                return response.json({"error": "invalid signature"}, status=400)
            try:
                events = json.loads(body)["events"]
                if not isinstance(events, list):
                    raise TypeError("events is not a list")
            except (ValueError, KeyError, TypeError, RecursionError):
                return response.json({"error": "malformed webhook body"}, status=400)
            domain = domain_of(request.app)
            for event in events:
                # In order, before any is handled (a batch's events keep their order).
                if isinstance(event, dict) and await self._first_time(event):
                    task = asyncio.create_task(
                        self._handle(event, on_new_message, domain)
                    )
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            return response.json({"status": "ok"})

        return webhook

    async def _handle(
        self,
        event: dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        domain: DomainLike | None,
    ) -> None:
        try:
            await self._answer(event, on_new_message, domain)
        except Exception:  # noqa: BLE001 - a failed event must not stop the others
            logger.exception(
                "LINE event of type %s could not be handled", event.get("type")
            )

    async def _answer(
        self,
        event: dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        domain: DomainLike | None,
    ) -> None:
        source = event.get("source")
        reply_token = event.get("replyToken")
        if not isinstance(source, dict):
            return
        if source.get("type") in ("group", "room"):
            await self._note_in_group(event, source)
            return
        if source.get("type") != "user":
            return
        user_id = source.get("userId")
        text = _user_text(event)
        if text is None:
            if event.get("type") == "message":
                await self._send(
                    reply_token, user_id, [{"type": "text", "text": NON_TEXT_REPLY}]
                )
            return
        if not isinstance(user_id, str):
            return
        if not self.per_user.allow(user_id):
            if self.per_user.first_refusal(user_id):
                await self._send(
                    reply_token, user_id, [{"type": "text", "text": TOO_MANY}]
                )
            return
        sender = line_sender(user_id)
        text, metadata = await screen(clean_text(text), sender, domain, self.announced)
        if not text.strip():  # nothing, or only slashes
            await self._send(
                reply_token, user_id, [{"type": "text", "text": NON_TEXT_REPLY}]
            )
            return
        collector = LineOutputChannel(self.source_url)
        answered = await handle_within(
            on_new_message,
            UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            ),
            self.answer_timeout,
        )
        # Silence (action server down or slow, handler failed) becomes a polite note.
        messages = to_line_messages(
            with_fallback(collector.messages, answered, user_id)
        )
        await self._send(reply_token, user_id, messages)

    async def _note_in_group(
        self, event: dict[str, Any], source: dict[str, Any]
    ) -> None:
        """Ask, once in a while per group, to use a 1:1 chat; never answer there."""
        group = source.get("groupId") or source.get("roomId")
        if event.get("type") not in ("join", "message", "postback") or not isinstance(
            group, str
        ):
            return
        if await self.group_noted.add(group):
            await self._send(
                event.get("replyToken"), None, [{"type": "text", "text": GROUP_NOTE}]
            )

    async def _send(
        self, reply_token: Any, user_id: Any, messages: list[dict[str, Any]]
    ) -> None:
        headers = {"Authorization": f"Bearer {self.access_token}"}
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            if isinstance(reply_token, str):
                async with session.post(
                    f"{self.api_base_url}/v2/bot/message/reply",
                    json={"replyToken": reply_token, "messages": messages},
                ) as reply:
                    if reply.status == 200:
                        return
                    logger.warning(
                        "LINE reply failed with HTTP %s; pushing instead", reply.status
                    )
            if isinstance(user_id, str):
                async with session.post(
                    f"{self.api_base_url}/v2/bot/message/push",
                    json={"to": user_id, "messages": messages},
                ) as push:
                    if push.status != 200:
                        logger.error("LINE push failed with HTTP %s", push.status)


def _user_text(event: dict[str, Any]) -> str | None:
    """Return what the resident said: message text, postback data, or the greeting."""
    kind = event.get("type")
    if kind == "message":
        message = event.get("message") or {}
        if message.get("type") == "text" and isinstance(message.get("text"), str):
            return str(message["text"])
        return None
    if kind == "postback":
        data = (event.get("postback") or {}).get("data")
        return data if isinstance(data, str) and data else None
    if kind == "follow":
        return GREETING_PAYLOAD
    return None
