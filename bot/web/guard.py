"""Limits on the web app's public side, as a plain ASGI middleware.

- Requests to the API (``/api/``) are limited per client address (RATE_LIMIT_ADDRESS
  per minute): 429 with Retry-After and a message in Japanese.
- Request bodies are capped at MAX_BODY_BYTES (the setting; an assessment is under
  300 bytes): 413, whether the client declares the length or streams a chunked body.

The client address is the TCP peer; behind a reverse proxy run uvicorn with
``--proxy-headers --forwarded-allow-ips=<proxy>`` so it is the resident's address.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import Settings
from bot.ratelimit import RateLimiter

MAX_BODY_BYTES = Settings.max_body_bytes
RATE_LIMITED_PREFIX = "/api/"


class BodyTooLarge(HTTPException):
    """The streamed body went over the cap (answered by bot.web.errors)."""

    def __init__(self, limit: int) -> None:
        """A 413 for a body over ``limit`` bytes."""
        super().__init__(413, f"request body larger than {limit} bytes")
        self.limit = limit


def too_many(retry_after: int) -> JSONResponse:
    """429 saying when to try again, in English and Japanese."""
    return JSONResponse(
        {
            "error": "too many requests; try again later",
            "message_ja": "短い時間に多くの問い合わせがありました。少し待ってからお試しください。",
        },
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )


def too_large(limit: int) -> JSONResponse:
    """413 naming the limit, in English and Japanese."""
    return JSONResponse(
        {
            "error": f"request body larger than {limit} bytes",
            "message_ja": "送信内容が大きすぎます。内容を短くしてお試しください。",
        },
        status_code=413,
    )


def bad_length() -> JSONResponse:
    """400 for a Content-Length header that is no number."""
    return JSONResponse(
        {
            "error": "invalid Content-Length header",
            "message_ja": "送信内容の形式が正しくありません。",
        },
        status_code=400,
    )


class PublicGuard:
    """Rate limit per client address on the API, and a cap on request bodies."""

    def __init__(
        self,
        app: ASGIApp,
        rate_limit_address: int,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        """Wrap ``app``; ``rate_limit_address`` requests per minute per address."""
        self.app = app
        self.limiter = RateLimiter(rate_limit_address)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse over-limit requests; pass the rest on with a capped body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(RATE_LIMITED_PREFIX):
            client = scope.get("client")
            address = str(client[0]) if client else "unknown"
            if not self.limiter.allow(address):
                await too_many(self.limiter.retry_after(address))(scope, receive, send)
                return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and not declared.isdigit():
            await bad_length()(scope, receive, send)
            return
        if declared is not None and int(declared) > self.max_body_bytes:
            await too_large(self.max_body_bytes)(scope, receive, send)
            return

        # Raised while a route reads its body: an HTTP error, so the app's own
        # handler (bot.web.errors) answers it with the 413 below.
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        await self.app(scope, capped_receive, send)
