"""What every public channel of the Rasa server needs beyond its own route.

- A cap on request bodies (MAX_BODY_BYTES). Sanic's ``REQUEST_MAX_SIZE`` (default
  100 MB) is checked against Content-Length before a byte of the body is read, and
  while a chunked body streams in: 413 either way, before any handler (so before the
  LINE signature is hashed). Sanic reads the value when a connection opens, so it is
  set before the server starts; it covers every route of the app.
- A route that must take more (the LINE webhook: LINE batches events) is a streaming
  route, which lifts Sanic's cap for it alone, and reads its body with
  ``read_capped``: a declared length over its cap is refused before any byte is read,
  a streamed body as soon as it passes the cap.
- No personal data in Rasa's error logs. When a custom action fails, Rasa's
  processor logs the exception chain, whose innermost ``ClientResponseError`` holds
  the action server's whole response body (rasa_sdk answers a failed action with the
  request, i.e. the conversation). The filter below replaces the traceback of such
  records with one that names exception types and code lines only, no messages.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Blueprint, Sanic
from sanic.request import Request

from bot.config import Settings
from bot.privacy.scrub import scrubbed_traceback

# Loggers whose exception records may carry message text or the action server's answer.
SCRUBBED_LOGGERS = ("rasa.core.processor", "bot.channels.rest", "bot.channels.line")


class ScrubExceptionText(logging.Filter):
    """Replace a record's traceback by ``scrubbed_traceback``; drop no record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite records that carry an exception."""
        exc_info: Any = record.exc_info
        if exc_info and isinstance(exc_info, tuple) and exc_info[1] is not None:
            record.exc_text = scrubbed_traceback(exc_info[1])
            record.exc_info = None
        return True


_SCRUB = ScrubExceptionText()


def install_log_scrubbing() -> None:
    """Add the filter to the loggers that may log a failed action's body."""
    for name in SCRUBBED_LOGGERS:
        target = logging.getLogger(name)
        if _SCRUB not in target.filters:
            target.addFilter(_SCRUB)


def harden(blueprint: Blueprint, settings: Settings) -> None:
    """Cap request bodies of the whole app and scrub its error logs."""
    install_log_scrubbing()

    async def cap_bodies(app: Sanic, _: Any) -> None:
        app.config.REQUEST_MAX_SIZE = settings.max_body_bytes

    blueprint.listener("before_server_start")(cap_bodies)


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The body of a streaming route's ``request``, or None once it exceeds ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while request.stream is not None:
        chunk = await request.stream.read()
        if chunk is None:
            break
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
