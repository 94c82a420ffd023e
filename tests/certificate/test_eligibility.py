"""RULES.md sections 5-7: signing certificate eligibility, applicant, revocation."""

from datetime import date

import pytest

from bot.certificate.eligibility import (
    Applicant,
    Certificate,
    RevocationReason,
    applicant,
    revoked_certificates,
    signing_certificate_eligible,
)

CHILD = date(2011, 6, 15)  # turns 15 on 2026-06-15


@pytest.mark.parametrize(
    ("birthdate", "today", "adult_ward", "face_auth", "eligible", "who"),
    [
        (CHILD, date(2026, 6, 13), False, False, False, Applicant.LEGAL_REPRESENTATIVE),
        # R19: from the day before the 15th birthday the holder counts as 15.
        (CHILD, date(2026, 6, 14), False, False, True, Applicant.SELF),
        (CHILD, date(2026, 6, 15), False, False, True, Applicant.SELF),
        # R21: 15-17-year-olds apply themselves.
        (date(2009, 1, 1), date(2026, 11, 29), False, False, True, Applicant.SELF),
        # R18/R20: adult wards: no signing certificate, legal representative applies.
        (
            date(1950, 3, 3),
            date(2026, 11, 29),
            True,
            False,
            False,
            Applicant.LEGAL_REPRESENTATIVE,
        ),
        # R23: face-authentication card: no signing certificate, holder applies.
        (date(1950, 3, 3), date(2026, 11, 29), False, True, False, Applicant.SELF),
        (date(1985, 4, 3), date(2026, 11, 29), False, False, True, Applicant.SELF),
        (
            date(2020, 1, 1),
            date(2026, 11, 29),
            False,
            True,
            False,
            Applicant.LEGAL_REPRESENTATIVE,
        ),
    ],
    ids=[
        "R18-under-15",
        "R19-day-before-15th",
        "R19-15th-birthday",
        "R21-aged-17",
        "R18-R20-adult-ward",
        "R23-face-auth-card",
        "adult",
        "R20-R23-child-face-auth",
    ],
)
def test_eligibility_and_applicant(
    birthdate: date,
    today: date,
    adult_ward: bool,
    face_auth: bool,
    eligible: bool,
    who: Applicant,
) -> None:
    assert (
        signing_certificate_eligible(birthdate, today, adult_ward, face_auth)
        is eligible
    )
    assert applicant(birthdate, today, adult_ward) is who


def test_applicant_serialises_as_contract_strings() -> None:
    assert Applicant.SELF.value == "self"
    assert Applicant.LEGAL_REPRESENTATIVE.value == "legal_representative"


@pytest.mark.parametrize(
    ("reason", "revoked"),
    [
        (RevocationReason.BASIC_FACTS_CHANGED, {Certificate.SIGNING}),
        (RevocationReason.VOLUNTARY_SIGNING, {Certificate.SIGNING}),
        (RevocationReason.VOLUNTARY_USER, {Certificate.USER}),
        (RevocationReason.CARD_INVALID, {Certificate.SIGNING, Certificate.USER}),
        (RevocationReason.DEATH, {Certificate.SIGNING, Certificate.USER}),
    ],
    ids=[
        "R24-basic-facts",
        "R24-voluntary-signing",
        "R24-voluntary-user",
        "R24-card",
        "R24-death",
    ],
)
def test_revocation(reason: RevocationReason, revoked: set[Certificate]) -> None:
    assert revoked_certificates(reason) == revoked


def test_every_revocation_reason_has_an_effect() -> None:
    assert all(revoked_certificates(reason) for reason in RevocationReason)
