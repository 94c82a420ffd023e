"""RULES.md sections 1-4 and 8: certificate and card expiry, windows, status."""

from datetime import date

import pytest

from bot.certificate import policy
from bot.certificate.expiry import (
    card_expiry,
    card_validity_birthdays,
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

BORN = date(1985, 4, 3)
CARD_ISSUED = date(2021, 6, 10)
CARD_E = date(2031, 4, 3)
CERT_E = date(2026, 4, 3)


@pytest.mark.parametrize(
    ("birthdate", "issued_on", "expected_cert", "expected_card"),
    [
        # R1/R5: 5th birthday after issuance; card 10th (adult).
        (BORN, CARD_ISSUED, CERT_E, CARD_E),
        # R4: issued on the birthday -> that day not counted -> full 5 / 10 years.
        (BORN, date(2021, 4, 3), date(2026, 4, 3), date(2031, 4, 3)),
        # R4: issued the day before -> about 4 / 9 years.
        (BORN, date(2021, 4, 2), date(2025, 4, 3), date(2030, 4, 3)),
        # R5: Feb 29 birth, certificate on Feb 29 but card on Feb 28 (D3).
        (date(1996, 2, 29), date(2019, 5, 1), date(2024, 2, 29), date(2029, 2, 28)),
        # R1: whatever the age: a 9-year-old's certificate also runs 5 birthdays,
        # and the minor's card (R7) ends the same day.
        (date(2010, 8, 20), date(2020, 1, 15), date(2024, 8, 20), date(2024, 8, 20)),
        # An elderly holder (大正 birth).
        (date(1925, 1, 5), date(2017, 3, 1), date(2022, 1, 5), date(2027, 1, 5)),
    ],
    ids=[
        "R1-R5-design-example",
        "R4-on-birthday",
        "R4-day-before-birthday",
        "R5-feb29-birth",
        "R1-minor-whatever-age",
        "R1-elderly",
    ],
)
def test_first_issuance(
    birthdate: date, issued_on: date, expected_cert: date, expected_card: date
) -> None:
    card_e = card_expiry(birthdate, issued_on)
    assert card_e == expected_card
    assert certificate_expiry(birthdate, issued_on, card_e) == expected_cert


@pytest.mark.parametrize(
    ("birthdate", "issued_on", "received_on", "birthdays", "expected_card"),
    [
        # R7 after 2022-04-01: age line 18.
        (date(2004, 6, 15), date(2023, 1, 10), None, 10, date(2032, 6, 15)),
        (date(2005, 6, 15), date(2023, 1, 10), None, 5, date(2027, 6, 15)),
        # R7 before 2022-04-01: age line 20; a 19-year-old got a 5-year card.
        (date(2001, 6, 15), date(2021, 1, 10), None, 5, date(2025, 6, 15)),
        (date(2000, 6, 15), date(2021, 1, 10), None, 10, date(2030, 6, 15)),
        # R10 edges after the change: day before the 18th birthday counts as 18.
        (date(2004, 6, 15), date(2022, 6, 14), None, 10, date(2031, 6, 15)),
        (date(2004, 6, 15), date(2022, 6, 13), None, 5, date(2026, 6, 15)),
        # R10 edges before the change: day before the 20th birthday counts as 20.
        (date(2000, 6, 15), date(2020, 6, 14), None, 10, date(2029, 6, 15)),
        (date(2000, 6, 15), date(2020, 6, 13), None, 5, date(2024, 6, 15)),
        # R7/R9: received before 2022-04-01 -> line 20 even if issued after.
        (date(2004, 1, 15), date(2022, 4, 20), date(2022, 3, 20), 5, date(2027, 1, 15)),
        (date(2004, 1, 15), date(2022, 4, 20), date(2022, 4, 1), 10, date(2032, 1, 15)),
        # R8: age is measured on the issuance date, not on the receipt date.
        (date(2004, 6, 15), date(2022, 6, 20), date(2022, 6, 1), 10, date(2032, 6, 15)),
    ],
    ids=[
        "R7-18-after-change",
        "R7-17-after-change",
        "R7-19-before-change",
        "R7-20-before-change",
        "R10-day-before-18th",
        "R10-two-days-before-18th",
        "R10-day-before-20th",
        "R10-two-days-before-20th",
        "R9-received-before-change",
        "R9-received-on-change-day",
        "R8-age-on-issuance",
    ],
)
def test_card_expiry_age_line(
    birthdate: date,
    issued_on: date,
    received_on: date | None,
    birthdays: int,
    expected_card: date,
) -> None:
    assert card_validity_birthdays(birthdate, issued_on, received_on) == birthdays
    assert card_expiry(birthdate, issued_on, received_on) == expected_card


def test_age_line_is_data_with_effective_dates() -> None:
    assert [(line.effective_from, line.age) for line in policy.CARD_AGE_LINES] == [
        (date(2015, 10, 5), 20),
        (date(2022, 4, 1), 18),
    ]
    assert policy.card_age_line(date(2022, 3, 31)).age == 20
    assert policy.card_age_line(date(2022, 4, 1)).age == 18
    with pytest.raises(ValueError, match="no My Number Card applications"):
        policy.card_age_line(date(2015, 1, 1))


@pytest.mark.parametrize(
    ("issued_on", "previous", "renewal", "expected"),
    [
        # R3: renewal inside the window runs to the 6th birthday -> same as the card.
        (date(2026, 2, 1), CERT_E, True, date(2031, 4, 3)),
        # R11: the first day of the window counts.
        (date(2026, 1, 4), CERT_E, True, date(2031, 4, 3)),
        # The day before the window is not a renewal: 5th birthday.
        (date(2026, 1, 3), CERT_E, False, date(2030, 4, 3)),
        # R13: renewal on the expiry day itself: 6th birthday, capped by the card (R2).
        (CERT_E, CERT_E, True, date(2031, 4, 3)),
        # R6: after expiry a new issuance: 5th birthday after, capped by the card (R2).
        (date(2026, 11, 29), CERT_E, False, date(2031, 4, 3)),
        (date(2029, 1, 1), CERT_E, False, date(2031, 4, 3)),
    ],
    ids=[
        "R3-renewal-in-window",
        "R11-first-day-of-window",
        "R3-day-before-window",
        "R13-renewal-on-expiry-day",
        "R6-new-issuance-after-expiry",
        "R2-capped-by-card",
    ],
)
def test_renewal_and_reissue(
    issued_on: date, previous: date, renewal: bool, expected: date
) -> None:
    assert is_renewal(issued_on, previous) is renewal
    assert (
        certificate_expiry(BORN, issued_on, CARD_E, previous_expires_on=previous)
        == expected
    )


def test_r3_renewal_without_cap_gives_sixth_birthday() -> None:
    # A late-life renewal far from the card end shows the 6th birthday itself.
    far_card = date(2040, 4, 3)
    assert certificate_expiry(BORN, date(2026, 2, 1), far_card, CERT_E) == date(
        2031, 4, 3
    )
    assert certificate_expiry(BORN, CERT_E, far_card, CERT_E) == date(2032, 4, 3)


def test_r2_signing_certificate_capped_by_user_certificate() -> None:
    user_e = date(2030, 1, 1)
    signing = certificate_expiry(
        BORN, date(2026, 11, 29), CARD_E, user_certificate_expires_on=user_e
    )
    assert signing == user_e


def test_no_previous_certificate_is_not_a_renewal() -> None:
    assert is_renewal(date(2026, 2, 1), None) is False


@pytest.mark.parametrize(
    ("expires_on", "opens", "approximate"),
    [
        (CERT_E, date(2026, 1, 4), False),
        (date(2023, 5, 29), date(2023, 3, 1), False),
        (date(2023, 5, 30), date(2023, 3, 1), False),
        (date(2023, 5, 31), date(2023, 3, 1), False),
        (date(2024, 5, 29), date(2024, 3, 1), False),
        (date(2023, 7, 31), date(2023, 5, 1), False),
        (date(2023, 12, 31), date(2023, 10, 1), False),
        (date(2023, 2, 28), date(2022, 11, 29), True),
        (date(2024, 2, 29), date(2023, 11, 30), True),
        (date(2023, 4, 30), date(2023, 1, 31), True),
        (date(2023, 6, 30), date(2023, 3, 31), True),
        (date(2023, 4, 29), date(2023, 1, 30), False),
    ],
    ids=[
        "R11-plain",
        "R11-may29-common",
        "R11-may30",
        "R11-may31",
        "R11-may29-leap",
        "R11-jul31",
        "R11-dec31",
        "R11-feb28",
        "R11-feb29",
        "R11-apr30-not-found",
        "R11-jun30-not-found",
        "R11-apr29",
    ],
)
def test_renewal_opens_on(expires_on: date, opens: date, approximate: bool) -> None:
    assert renewal_opens_on(expires_on) == opens
    assert renewal_opening_is_approximate(expires_on) is approximate


def test_r12_card_window_uses_the_same_rule() -> None:
    assert renewal_opens_on(CARD_E) == date(2031, 1, 4)


@pytest.mark.parametrize(
    ("today", "expired", "days", "window"),
    [
        (date(2026, 1, 3), False, 90, False),
        (date(2026, 1, 4), False, 89, True),
        (date(2026, 4, 2), False, 1, True),
        (date(2026, 4, 3), False, 0, True),
        (date(2026, 4, 4), True, -1, False),
        (date(2026, 11, 29), True, -240, False),
    ],
    ids=[
        "R15-day-before-window",
        "R15-window-opens",
        "R14-day-before-expiry",
        "R14-D1-expiry-day-valid",
        "R14-day-after-expiry",
        "R15-design-example",
    ],
)
def test_status_on_a_day(today: date, expired: bool, days: int, window: bool) -> None:
    assert is_expired(CERT_E, today) is expired
    assert days_until(CERT_E, today) == days
    assert in_renewal_window(CERT_E, today) is window


@pytest.mark.parametrize(
    ("expires_on", "grace"),
    [
        (date(2024, 12, 1), None),
        (date(2024, 12, 2), date(2025, 3, 31)),
        (date(2025, 2, 10), date(2025, 5, 31)),
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2026, 4, 3), date(2026, 7, 31)),
    ],
    ids=[
        "R17-before-start",
        "R17-start",
        "R17-feb-to-may",
        "R17-nov",
        "R17-nov-leap",
        "R17-apr",
    ],
)
def test_insurance_grace(expires_on: date, grace: date | None) -> None:
    assert insurance_grace_until(expires_on) == grace


def test_r25_expiry_notice_two_to_three_months_before() -> None:
    assert expiry_notice_expected(CERT_E) == (date(2026, 1, 3), date(2026, 2, 3))
