"""One resident's dates and duties on a given day, from a birthdate and a card issuance date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.certificate import policy
from bot.certificate.calendar import age_on
from bot.certificate.eligibility import (
    Applicant,
    applicant,
    signing_certificate_eligible,
)
from bot.certificate.errors import Field, InvalidAssessmentInput
from bot.certificate.expiry import (
    card_expiry,
    card_validity_birthdays,
    certificate_expiry,
    days_until,
    in_renewal_window,
    insurance_grace_until,
    is_expired,
    renewal_opening_is_approximate,
    renewal_opens_on,
)

_FIELD_JA: dict[Field, str] = {
    "birthdate": "生年月日",
    "issued_on": "カードの発行日",
    "today": "基準日",
    "application_received_on": "申請受付日",
}


@dataclass(frozen=True)
class Assessment:
    """Everything RULES.md lets us say about one card on ``today``.

    Certificate dates are those of the certificates loaded with the card at issuance
    (RULES.md section 11): the user certificate, and the signing certificate if any.
    """

    birthdate: date
    issued_on: date
    today: date
    adult_ward: bool
    face_auth_card: bool
    age_today: int
    age_at_issuance: int
    card_age_line: int  # 18 or 20: the majority line applied at issuance (R7)
    card_validity_birthdays: int  # 10, or 5 for a card issued to a minor
    card_expires_on: date
    card_expired: bool
    card_renewal_opens_on: date
    card_expiry_uncertain: bool  # R9: application date could change the age line
    certificate_expires_on: date
    certificate_expired: bool
    renewal_opens_on: date
    renewal_opening_approximate: bool  # R11 month-end case not published by J-LIS
    in_renewal_window: bool
    days_until_certificate_expiry: int
    renewed_certificate_expires_on: date | None
    signing_certificate_on_card: bool  # R22: none if issued under 15 (or face-auth)
    signing_certificate_eligible: bool
    applicant: Applicant
    insurance_grace_until: date | None
    leap_day_birthday: bool  # D3: a Feb 29 birthday is taken as Feb 28; confirm

    @property
    def renewal_not_yet_open(self) -> bool:
        """True while the certificate is valid but its renewal window has not opened."""
        return self.today < self.renewal_opens_on


def _check_range(field: Field, value: date) -> None:
    if not policy.EARLIEST_SUPPORTED_DATE <= value <= policy.LATEST_SUPPORTED_DATE:
        raise InvalidAssessmentInput(
            field,
            "out_of_range",
            f"{field} {value.isoformat()} is outside the supported range "
            f"{policy.EARLIEST_SUPPORTED_DATE.isoformat()} to "
            f"{policy.LATEST_SUPPORTED_DATE.isoformat()}",
            f"{_FIELD_JA[field]}（{value.isoformat()}）は扱える範囲外の日付です。"
            "もう一度ご確認ください。",
        )


def validate_birthdate(birthdate: date, today: date) -> None:
    """Raise ``InvalidAssessmentInput`` for a birthdate no resident can have."""
    _check_range("birthdate", birthdate)
    _check_range("today", today)
    if birthdate > today:
        raise InvalidAssessmentInput(
            "birthdate",
            "in_future",
            f"birthdate {birthdate.isoformat()} is after today {today.isoformat()}",
            "生年月日が未来の日付になっています。もう一度ご確認ください。",
        )


def validate_issued_on(issued_on: date, today: date) -> None:
    """Raise ``InvalidAssessmentInput`` for a card issuance date no card can have."""
    _check_range("issued_on", issued_on)
    _check_range("today", today)
    if issued_on < policy.CARD_SYSTEM_START:
        raise InvalidAssessmentInput(
            "issued_on",
            "before_card_system",
            f"issued_on {issued_on.isoformat()} is before My Number Cards existed "
            f"(first issued {policy.CARD_SYSTEM_START.isoformat()})",
            "マイナンバーカードの交付は2016年（平成28年）1月に始まりました。"
            "カードの発行日をもう一度ご確認ください。",
        )
    if issued_on > today:
        raise InvalidAssessmentInput(
            "issued_on",
            "in_future",
            f"issued_on {issued_on.isoformat()} is after today {today.isoformat()}",
            "カードの発行日が今日より後の日付になっています。もう一度ご確認ください。",
        )


def validate(
    birthdate: date,
    issued_on: date,
    today: date,
    application_received_on: date | None = None,
) -> None:
    """Raise ``InvalidAssessmentInput`` for dates no real card can have.

    Checks, in order: supported range, birthdate not after today, card issued after
    birth, after the card system began (2016-01), and not after today.
    """
    _check_range("birthdate", birthdate)
    _check_range("issued_on", issued_on)
    validate_birthdate(birthdate, today)
    if issued_on < birthdate:
        raise InvalidAssessmentInput(
            "issued_on",
            "before_birth",
            f"issued_on {issued_on.isoformat()} is before birthdate {birthdate.isoformat()}",
            "カードの発行日が生年月日より前になっています。もう一度ご確認ください。",
        )
    validate_issued_on(issued_on, today)
    if application_received_on is not None:
        _check_range("application_received_on", application_received_on)
        if (
            not policy.APPLICATIONS_ACCEPTED_FROM
            <= application_received_on
            <= issued_on
        ):
            raise InvalidAssessmentInput(
                "application_received_on",
                "not_before_issuance",
                f"application_received_on {application_received_on.isoformat()} must lie "
                f"on or before issued_on {issued_on.isoformat()}, and not before "
                f"{policy.APPLICATIONS_ACCEPTED_FROM.isoformat()}",
                "申請受付日は、2015年（平成27年）10月以降でカードの発行日以前の日付を"
                "入力してください。",
            )


def assess(
    birthdate: date,
    issued_on: date,
    today: date,
    *,
    adult_ward: bool = False,
    face_auth_card: bool = False,
    application_received_on: date | None = None,
) -> Assessment:
    """Assess a card and its certificates on ``today``.

    Args:
        birthdate: the holder's date of birth.
        issued_on: the card's issuance date (J-LIS 発行日, RULES.md D2 and section 11).
        today: the day of the assessment (Japanese calendar date).
        adult_ward: the holder is an adult ward (成年被後見人).
        face_auth_card: the card is a face-authentication card (no PINs).
        application_received_on: when the card application was received, if known.

    Raises:
        InvalidAssessmentInput: a date no real card can have, naming the field.
    """
    validate(birthdate, issued_on, today, application_received_on)
    received = application_received_on or issued_on
    age_at_issuance = age_on(birthdate, issued_on)
    card_e = card_expiry(birthdate, issued_on, received)
    cert_e = certificate_expiry(birthdate, issued_on, card_e)
    card_expired = is_expired(card_e, today)
    cert_in_window = in_renewal_window(cert_e, today)
    renewed = (
        None
        if card_expired
        # Renewal inside the window keeps the cycle (R3); otherwise a new issuance (R6).
        else certificate_expiry(birthdate, today, card_e, previous_expires_on=cert_e)
    )
    return Assessment(
        birthdate=birthdate,
        issued_on=issued_on,
        today=today,
        adult_ward=adult_ward,
        face_auth_card=face_auth_card,
        age_today=age_on(birthdate, today),
        age_at_issuance=age_at_issuance,
        card_age_line=policy.card_age_line(received).age,
        card_validity_birthdays=card_validity_birthdays(birthdate, issued_on, received),
        card_expires_on=card_e,
        card_expired=card_expired,
        card_renewal_opens_on=renewal_opens_on(card_e),
        card_expiry_uncertain=_card_expiry_uncertain(
            issued_on, age_at_issuance, application_received_on
        ),
        certificate_expires_on=cert_e,
        certificate_expired=is_expired(cert_e, today),
        renewal_opens_on=renewal_opens_on(cert_e),
        renewal_opening_approximate=renewal_opening_is_approximate(cert_e),
        in_renewal_window=cert_in_window,
        days_until_certificate_expiry=days_until(cert_e, today),
        renewed_certificate_expires_on=renewed,
        signing_certificate_on_card=signing_certificate_eligible(
            birthdate, issued_on, adult_ward, face_auth_card
        ),
        signing_certificate_eligible=signing_certificate_eligible(
            birthdate, today, adult_ward, face_auth_card
        ),
        applicant=applicant(birthdate, today, adult_ward),
        insurance_grace_until=insurance_grace_until(cert_e),
        leap_day_birthday=(birthdate.month, birthdate.day) == (2, 29),
    )


def _card_expiry_uncertain(
    issued_on: date, age_at_issuance: int, application_received_on: date | None
) -> bool:
    """RULES.md R9: an 18/19-year-old issued in April-July 2022 with no receipt date."""
    if application_received_on is not None:
        return False
    before, after = policy.CARD_AGE_LINES[-2:]
    in_transition = (
        after.effective_from <= issued_on <= policy.AGE_LINE_TRANSITION_UNCERTAIN_UNTIL
    )
    return in_transition and after.age <= age_at_issuance < before.age
