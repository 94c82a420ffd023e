"""Date understanding API: what a resident typed -> an ISO date."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from bot.dates import DateParseError, format_date_ja, parse_date
from bot.web.errors import error_item, error_response
from bot.web.models import LIMIT_RESPONSES, ErrorResponse, ParsedDate

router = APIRouter(prefix="/api/v1/dates", tags=["dates"], responses=LIMIT_RESPONSES)

MAX_TEXT_LENGTH = (
    200  # a chat message with one date; longer input is refused, not parsed
)


@router.get(
    "/parse",
    response_model=ParsedDate,
    responses={
        422: {"model": ErrorResponse, "description": "No date, or an impossible one."}
    },
)
def parse(
    text: str = Query(
        ...,
        min_length=1,
        max_length=MAX_TEXT_LENGTH,
        description="A date as residents type it: 昭和60年4月3日, H2.4.1, ２０２１／６／１０ …",
        example="昭和60年4月3日",
    ),
) -> ParsedDate | JSONResponse:
    """Return the one date in ``text``, or 422 naming why there is none."""
    try:
        value = parse_date(text)
    except DateParseError as error:
        return error_response(
            [
                error_item(
                    "text",
                    error.reason,
                    error.message_en,
                    error.message_ja,
                    where="query",
                )
            ]
        )
    return ParsedDate(date=value, display_ja=format_date_ja(value))
