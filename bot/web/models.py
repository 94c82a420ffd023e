"""Request and response models of the rules API (pydantic v1 style; Rasa 3.6 pins it)."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictBool, validator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _strict_iso_date(value: Any) -> Any:
    """Accept only ``YYYY-MM-DD`` strings (pydantic v1 would also take Unix timestamps)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("date must be an ISO 8601 string YYYY-MM-DD")
    return value


def _null_for_optional(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Mark optional fields nullable in the JSON schema (pydantic v1 leaves that out)."""
    for name, field in model.__fields__.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if field.allow_none and prop is not None and "anyOf" not in prop:
            title = prop.pop("title", None)
            schema["properties"][field.alias or name] = {
                "anyOf": [prop, {"type": "null"}],
                **({"title": title} if title else {}),
            }


class AssessmentRequest(BaseModel):
    """A resident's dates, as in DESIGN.md "Rules API"."""

    birthdate: date = Field(..., description="Date of birth.", example="1985-04-03")
    issued_on: date = Field(
        ...,
        description="The card's issuance date (J-LIS 発行日), RULES.md section 11.",
        example="2021-06-10",
    )
    today: date | None = Field(
        None,
        description="Day of the assessment; default: today in Asia/Tokyo.",
        example="2026-11-29",
    )
    adult_ward: StrictBool = Field(
        False, description="The holder is an adult ward (成年被後見人)."
    )
    face_auth_card: StrictBool = Field(
        False,
        description="The card is a face-authentication card (顔認証マイナンバーカード).",
    )
    application_received_on: date | None = Field(
        None,
        description="When J-LIS received the card application, if known (RULES.md R9).",
    )

    _iso = validator(
        "birthdate",
        "issued_on",
        "today",
        "application_received_on",
        pre=True,
        allow_reuse=True,
    )(_strict_iso_date)

    class Config:
        extra = "forbid"
        schema_extra = staticmethod(_null_for_optional)


class AssessmentResponse(BaseModel):
    """The assessment of RULES.md for one card on one day, and its Japanese explanation."""

    birthdate: date
    issued_on: date
    today: date
    certificate_expires_on: date
    card_expires_on: date
    renewal_opens_on: date
    renewal_opening_approximate: bool
    certificate_expired: bool
    in_renewal_window: bool
    days_until_certificate_expiry: int
    signing_certificate_eligible: bool
    signing_certificate_on_card: bool
    applicant: Literal["self", "legal_representative"]
    age_today: int
    age_at_issuance: int
    renewed_certificate_expires_on: date | None
    card_expired: bool
    card_renewal_opens_on: date
    card_validity_birthdays: int
    card_age_line: int
    card_expiry_uncertain: bool
    insurance_grace_until: date | None
    leap_day_birthday: bool
    explanation_ja: str

    class Config:
        schema_extra = staticmethod(_null_for_optional)


class ParsedDate(BaseModel):
    """A date understood from Japanese text."""

    date: dt.date
    display_ja: str = Field(..., example="1985年4月3日（昭和60年4月3日）")


class ErrorItem(BaseModel):
    """One problem with the input, naming the field."""

    loc: list[str | int]
    field: str
    type: str
    msg: str
    msg_ja: str


class ErrorResponse(BaseModel):
    """Body of every 422: messages in Japanese and English, each naming the field."""

    detail: list[ErrorItem]
    message_en: str
    message_ja: str


class LimitError(BaseModel):
    """Body of a 413 (request too large) or 429 (too many requests)."""

    error: str
    message_ja: str


# Answers of bot.web.guard on every API route.
LIMIT_RESPONSES: dict[int | str, dict[str, object]] = {
    413: {"model": LimitError, "description": "Request body too large."},
    429: {
        "model": LimitError,
        "description": "Too many requests from this address; see Retry-After.",
    },
}


class Health(BaseModel):
    """Liveness answer."""

    status: Literal["ok"]
