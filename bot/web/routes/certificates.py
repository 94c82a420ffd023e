"""Rules API: the assessment of one card (DESIGN.md "Contracts")."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.certificate import InvalidAssessmentInput, assess
from bot.certificate.explanation import explain
from bot.clock import today_in
from bot.web.errors import error_item, error_response
from bot.web.models import (
    LIMIT_RESPONSES,
    AssessmentRequest,
    AssessmentResponse,
    ErrorResponse,
)

router = APIRouter(
    prefix="/api/v1/certificates", tags=["certificates"], responses=LIMIT_RESPONSES
)


@router.post(
    "/assessment",
    response_model=AssessmentResponse,
    responses={
        422: {"model": ErrorResponse, "description": "Impossible or malformed dates."}
    },
)
def assessment(
    body: AssessmentRequest, request: Request
) -> AssessmentResponse | JSONResponse:
    """Compute certificate and card expiry, renewal window, eligibility and who applies."""
    today = body.today or today_in(request.app.state.settings.timezone)
    try:
        result = assess(
            body.birthdate,
            body.issued_on,
            today,
            adult_ward=body.adult_ward,
            face_auth_card=body.face_auth_card,
            application_received_on=body.application_received_on,
        )
    except InvalidAssessmentInput as error:
        return error_response(
            [error_item(error.field, error.code, error.message_en, error.message_ja)]
        )
    return AssessmentResponse(
        **{
            name: getattr(result, name)
            for name in AssessmentResponse.__fields__
            if name != "explanation_ja"
        },
        explanation_ja=explain(result),
    )
