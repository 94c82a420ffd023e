"""The chat widget: the embeddable script and a demo page like the city's."""

from __future__ import annotations

import html
import secrets
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.web.headers import demo_page_policy
from bot.web.sri import integrity

router = APIRouter(tags=["widget"])
STATIC = Path(__file__).resolve().parent.parent / "static"


@cache
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


@router.get("/widget.js", include_in_schema=False)
def widget_js() -> Response:
    """Serve the embeddable widget script (any page may load it, with SRI: CORS)."""
    return Response(
        _read("widget.js"),
        media_type="text/javascript; charset=utf-8",
        headers={
            "Cache-Control": "public, max-age=300",
            # crossorigin="anonymous" + integrity on the city's pages needs CORS.
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def demo_page(request: Request) -> HTMLResponse:
    """Serve a page like the city's with the widget embedded (Rasa URL from RASA_URL)."""
    settings = request.app.state.settings
    nonce = secrets.token_urlsafe(16)
    page = (
        _read("demo.html")
        .decode("utf-8")
        .replace("{{RASA_URL}}", html.escape(settings.rasa_url, quote=True))
        .replace("{{NONCE}}", nonce)
        .replace("{{WIDGET_INTEGRITY}}", integrity(_read("widget.js")))
    )
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": demo_page_policy(settings.rasa_url, nonce),
            "Cache-Control": "no-store",  # a fresh nonce each time
        },
    )
