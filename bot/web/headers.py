"""Security headers on every answer of the web app (a plain ASGI middleware).

- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``,
  ``X-Frame-Options: DENY`` everywhere: nothing here is meant to be framed, and no
  address (``/api/v1/dates/parse?text=…``) leaks to another site.
- A Content-Security-Policy on everything: ``default-src 'none'`` with
  ``frame-ancestors 'none'``; a route may set its own (the demo page: its script, its
  nonce'd styles, and ``connect-src`` the Rasa server, ``demo_page_policy``). The
  OpenAPI pages load Swagger UI / ReDoc from a CDN with inline scripts, so they get only
  ``frame-ancestors 'none'`` (turn them off with ``WEB_DOCS=off``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
LOCKED_DOWN = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
DOCS_PATHS = ("/docs", "/redoc")
DOCS_POLICY = "frame-ancestors 'none'; base-uri 'none'"


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: a CSP source for the Rasa server."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def demo_page_policy(rasa_url: str, nonce: str) -> str:
    """CSP of the demo page: its own script, nonce'd styles, the Rasa server."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'nonce-{nonce}'",
            f"connect-src {origin(rasa_url)}",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Add the headers above to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope["path"]).startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                headers.setdefault(
                    "Content-Security-Policy", DOCS_POLICY if docs else LOCKED_DOWN
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)
