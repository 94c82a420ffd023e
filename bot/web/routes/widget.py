"""The chat widget: the embeddable script and a demo page like the city's."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["widget"])
STATIC = Path(__file__).resolve().parent.parent / "static"


@cache
def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@router.get("/widget.js", include_in_schema=False)
def widget_js() -> Response:
    """Serve the embeddable widget script."""
    return Response(
        _read("widget.js"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def demo_page(request: Request) -> HTMLResponse:
    """Serve a page like the city's with the widget embedded (Rasa URL from RASA_URL)."""
    rasa_url = html.escape(request.app.state.settings.rasa_url, quote=True)
    return HTMLResponse(_read("demo.html").replace("{{RASA_URL}}", rasa_url))
