"""The action server: rasa_sdk's action executor in a stricter Sanic app.

Run with ``python -m bot.action_server`` (Procfile ``actions``). It serves the same
routes as ``rasa run actions`` (``/webhook``, ``/health``, ``/actions``), but:

- it listens on ``ACTION_HOST`` (default 127.0.0.1): it has no authentication, and only
  the Rasa server calls it; set ``ACTION_HOST=0.0.0.0`` only on a private network;
- request bodies are capped at ``ACTION_MAX_BODY_BYTES``, also after inflating a
  ``deflate``/``gzip`` body (rasa_sdk inflates any body without a limit);
- a failing action gets a 500 that names the action and nothing else (rasa_sdk answers
  with the whole request, i.e. the conversation, which Rasa then logs), and the log
  holds the traceback without exception messages (bot/privacy/scrub.py);
- no CORS: browsers have no business here.
"""

from __future__ import annotations

import json
import logging
import zlib
from typing import Any

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.privacy.scrub import scrubbed_traceback

logger = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"
# Content-Encoding values that are inflated (zlib's wbits: 32 reads zlib and gzip).
INFLATED = {"deflate", "gzip"}


class BodyError(Exception):
    """A request body that cannot be used; ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status and a message for the client."""
        super().__init__(message)
        self.status = status
        self.message = message


def inflate(body: bytes, limit: int) -> bytes:
    """Inflate a zlib or gzip ``body``, refusing more than ``limit`` bytes of output."""
    inflater = zlib.decompressobj(wbits=32 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise BodyError(400, "body is not valid deflate/gzip data") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise BodyError(413, f"inflated body larger than {limit} bytes")
    return data


def action_call(request: Request, limit: int) -> dict[str, Any]:
    """The JSON object of the request, inflated if it is compressed."""
    body = request.body or b""
    encoding = (request.headers.get("Content-Encoding") or "identity").lower()
    if encoding in INFLATED:
        body = inflate(body, limit)
    elif encoding != "identity":
        raise BodyError(415, f"unsupported Content-Encoding {encoding!r}")
    try:
        call = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BodyError(400, "body must be JSON") from None
    if not isinstance(call, dict):
        raise BodyError(400, "body must be a JSON object")
    return call


def create_app(settings: Settings, package: str = ACTIONS_PACKAGE) -> Sanic:
    """The action server's app, running the actions of ``package``."""
    app = Sanic("ecert_actions", configure_logging=False)
    # Compressed bodies are checked against the same cap once inflated.
    app.config.REQUEST_MAX_SIZE = settings.action_max_body_bytes
    executor = ActionExecutor()
    executor.register_package(package)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        try:
            call = action_call(request, settings.action_max_body_bytes)
        except BodyError as error:
            return response.json({"error": error.message}, status=error.status)
        utils.check_version_compatibility(call.get("version"))
        name = call.get("next_action")
        try:
            result = await executor.run(call)
        except ActionExecutionRejection as error:
            # Rasa reads action_name from a 400 (the form then rejects the input).
            body = {"error": error.message, "action_name": error.action_name}
            return response.json(body, status=400)
        except ActionNotFoundException as error:
            logger.error("No action named %r", error.action_name)
            return response.json(
                {"error": "no such action", "action_name": error.action_name},
                status=404,
            )
        except Exception as error:  # noqa: BLE001 - answered, logged without data
            logger.error(
                "Action %r failed\n%s", str(name)[:100], scrubbed_traceback(error)
            )
            return response.json(
                {"error": "the action failed", "action_name": name}, status=500
            )
        return response.json(result)

    return app


def main() -> None:
    """Serve the actions on ACTION_HOST:ACTION_PORT."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s  %(message)s"
    )
    settings = Settings.from_env()
    app = create_app(settings)
    logger.info(
        "Action server on http://%s:%s", settings.action_host, settings.action_port
    )
    app.run(
        settings.action_host,
        settings.action_port,
        workers=1,
        access_log=False,
        motd=False,
    )


if __name__ == "__main__":
    main()
