"""Expiry and eligibility rules of the My Number Card and its certificates (RULES.md).

Pure and typed: takes and returns ``datetime.date`` values and small enums; imports
nothing from Rasa, FastAPI or LINE.
"""

from bot.certificate.assessment import (
    Assessment,
    assess,
    validate,
    validate_birthdate,
    validate_issued_on,
)
from bot.certificate.calendar import (
    age_on,
    birthday_in,
    minus_months,
    nth_birthday_after,
)
from bot.certificate.eligibility import (
    Applicant,
    Certificate,
    RevocationReason,
    applicant,
    revoked_certificates,
    signing_certificate_eligible,
)
from bot.certificate.errors import InvalidAssessmentInput
from bot.certificate.expiry import (
    card_expiry,
    certificate_expiry,
    days_until,
    expiry_notice_expected,
    in_renewal_window,
    insurance_grace_until,
    is_expired,
    is_renewal,
    renewal_opening_is_approximate,
    renewal_opens_on,
)

__all__ = [
    "Applicant",
    "Assessment",
    "Certificate",
    "InvalidAssessmentInput",
    "RevocationReason",
    "age_on",
    "applicant",
    "assess",
    "birthday_in",
    "card_expiry",
    "certificate_expiry",
    "days_until",
    "expiry_notice_expected",
    "in_renewal_window",
    "insurance_grace_until",
    "is_expired",
    "is_renewal",
    "minus_months",
    "nth_birthday_after",
    "renewal_opening_is_approximate",
    "renewal_opens_on",
    "revoked_certificates",
    "signing_certificate_eligible",
    "validate",
    "validate_birthdate",
    "validate_issued_on",
]
