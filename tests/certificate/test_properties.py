"""Invariants of the rules over all valid inputs (hypothesis)."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.certificate import Applicant, InvalidAssessmentInput, assess, birthday_in
from bot.certificate.calendar import age_on, nth_birthday_after

issuance = st.dates(min_value=date(2016, 1, 1), max_value=date(2035, 12, 31))


@st.composite
def cards(draw: st.DrawFn) -> tuple[date, date, date, bool, bool]:
    issued = draw(issuance)
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=issued))
    today = draw(
        st.dates(min_value=issued, max_value=issued + timedelta(days=12 * 366))
    )
    return born, issued, today, draw(st.booleans()), draw(st.booleans())


def is_anniversary(birthdate: date, day: date) -> bool:
    return day == birthday_in(birthdate, day.year)


@settings(max_examples=400)
@given(cards())
def test_assessment_invariants(card: tuple[date, date, date, bool, bool]) -> None:
    born, issued, today, ward, face = card
    a = assess(born, issued, today, adult_ward=ward, face_auth_card=face)
    # Expiries fall on a birthday anniversary (R1, R7; D3 for Feb 29).
    assert is_anniversary(born, a.certificate_expires_on)
    assert is_anniversary(born, a.card_expires_on)
    # After issuance, and at most five years and a day later (D4 with D3).
    assert (
        issued
        < a.certificate_expires_on
        <= issued + relativedelta(years=5) + timedelta(days=1)
    )
    # The certificate never outlives the card (R2); a card lasts 5 or 10 birthdays.
    assert a.certificate_expires_on <= a.card_expires_on
    assert a.card_expires_on <= issued + relativedelta(years=10) + timedelta(days=1)
    # Renewal opens about three months before expiry (R11).
    assert a.renewal_opens_on < a.certificate_expires_on
    assert 88 <= (a.certificate_expires_on - a.renewal_opens_on).days <= 92
    # Status agrees with itself (R14, R15).
    assert a.certificate_expired == (a.days_until_certificate_expiry < 0)
    assert a.in_renewal_window == (
        0 <= a.days_until_certificate_expiry and today >= a.renewal_opens_on
    )
    assert not (a.in_renewal_window and a.certificate_expired)
    assert a.card_expired == (today > a.card_expires_on)
    assert not a.card_expired or a.certificate_expired
    # A certificate issued today ends after today and never after the card (R2, R3, R6).
    if a.card_expired:
        assert a.renewed_certificate_expires_on is None
    else:
        assert a.renewed_certificate_expires_on is not None
        assert today < a.renewed_certificate_expires_on <= a.card_expires_on or (
            today == a.card_expires_on == a.renewed_certificate_expires_on
        )
    # Ages only grow; eligibility and applicant follow age and flags (R18-R21, R23).
    assert a.age_today >= a.age_at_issuance >= 0
    assert a.signing_certificate_eligible == (
        a.age_today >= 15 and not ward and not face
    )
    assert (a.applicant is Applicant.LEGAL_REPRESENTATIVE) == (a.age_today < 15 or ward)
    # The card of a holder under the age line is a 5-birthday card (R7).
    assert a.card_validity_birthdays == (
        10 if a.age_at_issuance >= a.card_age_line else 5
    )


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(max_value=date(9000, 1, 1)),
    st.integers(1, 12),
)
def test_nth_birthday_after_is_strictly_after_and_ordered(
    born: date, day: date, n: int
) -> None:
    first = nth_birthday_after(born, day, 1)
    nth = nth_birthday_after(born, day, n)
    assert first > day
    assert first - day <= timedelta(days=366)
    assert nth.year - first.year == n - 1


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)))
def test_age_is_zero_at_birth_and_grows_on_the_day_before_birthdays(born: date) -> None:
    assert age_on(born, born) == 0
    tenth = birthday_in(born, born.year + 10)
    assert age_on(born, tenth) == 10
    assert age_on(born, tenth - timedelta(days=2)) == 9
    if (born.month, born.day) != (2, 29):  # D5: Feb 29 births advance on Feb 28 itself
        assert age_on(born, tenth - timedelta(days=1)) == 10


@given(st.dates(), st.dates(), st.dates(), st.booleans(), st.booleans())
def test_any_dates_either_assess_or_raise_the_typed_error(
    born: date, issued: date, today: date, ward: bool, face: bool
) -> None:
    try:
        assess(born, issued, today, adult_ward=ward, face_auth_card=face)
    except InvalidAssessmentInput as error:
        assert error.field in ("birthdate", "issued_on", "today")
