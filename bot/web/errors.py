"""Turning bad input into HTTP 422 with Japanese and English messages naming the field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from bot.web.guard import BodyTooLarge, too_large

FIELD_JA = {
    "birthdate": "生年月日",
    "issued_on": "カードの発行日",
    "today": "基準日",
    "adult_ward": "成年被後見人かどうか",
    "face_auth_card": "顔認証マイナンバーカードかどうか",
    "application_received_on": "申請受付日",
    "text": "日付の文字",
    "body": "リクエスト本文",
}


def error_item(
    field: str, type_: str, msg: str, msg_ja: str, where: str = "body"
) -> dict[str, Any]:
    """Return one error entry in FastAPI's ``loc``/``msg``/``type`` shape, plus Japanese."""
    loc: list[str | int] = [where] if field == where else [where, field]
    return {"loc": loc, "field": field, "type": type_, "msg": msg, "msg_ja": msg_ja}


def error_response(items: Sequence[dict[str, Any]]) -> JSONResponse:
    """Return the 422 body of ``models.ErrorResponse``."""
    return JSONResponse(
        status_code=422,
        content={
            "detail": list(items),
            "message_en": " ".join(f"{i['field']}: {i['msg']}" for i in items),
            "message_ja": "".join(i["msg_ja"] for i in items),
        },
    )


def _ja_for(field: str, type_: str) -> str:
    name = FIELD_JA.get(field, field)
    if type_ == "value_error.missing":
        return f"{name}を入力してください。"
    if type_ == "value_error.extra":
        return f"「{field}」という項目は使えません。"
    if type_.startswith("value_error.jsondecode") or field == "body":
        return "リクエストの形式が正しくありません（JSONで送ってください）。"
    if field in ("adult_ward", "face_auth_card"):
        return f"{name}は true または false で指定してください。"
    if (
        type_.startswith("value_error.date")
        or type_ == "value_error"
        or "date" in type_
    ):
        return (
            f"{name}は「2021-06-10」のような形式（西暦の年-月-日）で入力してください。"
        )
    return f"{name}の値が正しくありません。"


async def _on_validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    items = []
    for err in exc.errors():
        loc = [part for part in err.get("loc", ()) if isinstance(part, (str, int))]
        where = str(loc[0]) if loc else "body"
        field = str(loc[-1]) if len(loc) > 1 else where
        type_ = str(err.get("type", "value_error"))
        items.append(
            error_item(
                field,
                type_,
                str(err.get("msg", "invalid")),
                _ja_for(field, type_),
                where,
            )
        )
    return error_response(items)


async def _on_http_error(request: Request, exc: HTTPException) -> Response:
    # FastAPI answers a body it cannot decode (e.g. invalid UTF-8) with a bare 400;
    # it is bad input like any other, so it gets the same 422 as malformed JSON.
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        return error_response(
            [
                error_item(
                    "body",
                    "value_error.jsondecode",
                    str(exc.detail),
                    _ja_for("body", ""),
                )
            ]
        )
    if isinstance(exc, BodyTooLarge):
        return too_large(exc.limit)
    return await http_exception_handler(request, exc)


def install(app: FastAPI) -> None:
    """Register the 422 handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _on_http_error)  # type: ignore[arg-type]
