"""Calendar file for a chat answer: ``GET /calendar/{token}.ics`` (bot/ics.py).

The file is built from the token alone; nothing about the resident is stored.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.config import Settings
from bot.ics import CalendarLinkError, build_ics, read_token

logger = logging.getLogger(__name__)

router = APIRouter(tags=["calendar"])

MAX_TOKEN_LENGTH = 400  # a token of two dates is about 140 characters

_EXPIRED_JA = (
    "このカレンダーのリンクは有効期間（30日）が過ぎています。"
    "チャットでもう一度日付を調べると、新しいリンクが表示されます。"
)
_INVALID_JA = (
    "このカレンダーのリンクは正しくありません。チャットでもう一度日付を調べてください。"
)


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "RFC 5545 file."},
        404: {"description": "Forged or damaged link."},
        410: {"description": "Link older than 30 days."},
    },
)
def calendar_file(token: str, request: Request) -> Response:
    """Return the .ics file for the dates in ``token``."""
    settings: Settings = request.app.state.settings
    now = datetime.now(timezone.utc)
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise CalendarLinkError(expired=False)
        opens_on, expires_on = read_token(token, settings.calendar_secret, now)
    except CalendarLinkError as error:
        return JSONResponse(
            status_code=410 if error.expired else 404,
            content={
                "message_en": str(error),
                "message_ja": _EXPIRED_JA if error.expired else _INVALID_JA,
            },
        )
    return Response(
        build_ics(opens_on, expires_on, now),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="denshi-shomeisho.ics"',
            "Cache-Control": "private, no-store",
        },
    )
