"""Expiry of the card and of its electronic certificates (RULES.md sections 1-4, 8)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from bot.certificate import policy
from bot.certificate.calendar import (
    ONE_DAY,
    age_on,
    last_day_of_month,
    minus_months,
    nth_birthday_after,
)


def card_validity_birthdays(
    birthdate: date, issued_on: date, application_received_on: date | None = None
) -> int:
    """Return how many birthdays after issuance the card is valid: 10, or 5 for minors.

    Age is measured on the issuance date against the age line in force on the day the
    application was received (assumed to be the issuance day when unknown).

    Source: RULES.md R7, R8, R9, R10; the city page, first paragraph.
    """
    received = application_received_on or issued_on
    line = policy.card_age_line(received)
    if age_on(birthdate, issued_on) >= line.age:
        return policy.ADULT_CARD_BIRTHDAYS
    return policy.MINOR_CARD_BIRTHDAYS


def card_expiry(
    birthdate: date, issued_on: date, application_received_on: date | None = None
) -> date:
    """Return the card's last valid day: the 10th (minors: 5th) birthday after issuance.

    Source: RULES.md R7; the city page, first paragraph.
    """
    n = card_validity_birthdays(birthdate, issued_on, application_received_on)
    return nth_birthday_after(birthdate, issued_on, n)


def renewal_opens_on(expires_on: date) -> date:
    """Return the first day of the renewal window: the day after the date 3 months before.

    Source: RULES.md R11 and R12; the city page, 更新手続期間
    (「有効期限満了日の3か月前の翌日以降」).
    """
    return minus_months(expires_on, policy.RENEWAL_WINDOW_MONTHS) + ONE_DAY


def renewal_opening_is_approximate(expires_on: date) -> bool:
    """Tell whether J-LIS may open the window a day or two later than R11 computes.

    True when the expiry is the last day of a month shorter than the month three months
    earlier (e.g. 30 April): there a strict "less than three months remain" reading
    differs from the city's wording, and J-LIS has not published which it uses.

    Source: RULES.md R11 [not found].
    """
    earlier = minus_months(expires_on, policy.RENEWAL_WINDOW_MONTHS)
    is_month_end = expires_on == last_day_of_month(expires_on)
    return is_month_end and expires_on.day < last_day_of_month(earlier).day


def is_renewal(issued_on: date, previous_expires_on: date | None) -> bool:
    """Tell whether an issuance on ``issued_on`` renews a certificate ending on the other day.

    A renewal is applied for inside the window, on or before the expiry day itself.

    Source: RULES.md R3, R13.
    """
    if previous_expires_on is None:
        return False
    return renewal_opens_on(previous_expires_on) <= issued_on <= previous_expires_on


def certificate_expiry(
    birthdate: date,
    issued_on: date,
    card_expires_on: date,
    previous_expires_on: date | None = None,
    user_certificate_expires_on: date | None = None,
) -> date:
    """Return a certificate's last valid day.

    The 5th birthday after issuance (the 6th for a renewal inside the window), never
    later than the card's expiry nor, for a signing certificate, the user certificate's.

    Source: RULES.md R1, R2, R3, R5, R6, R13; the city page, first paragraph.
    """
    birthdays = (
        policy.RENEWED_CERTIFICATE_BIRTHDAYS
        if is_renewal(issued_on, previous_expires_on)
        else policy.CERTIFICATE_BIRTHDAYS
    )
    caps = [card_expires_on]
    if user_certificate_expires_on is not None:
        caps.append(user_certificate_expires_on)
    return min(nth_birthday_after(birthdate, issued_on, birthdays), *caps)


def is_expired(expires_on: date, today: date) -> bool:
    """Tell whether validity has ended; the expiry day itself is still valid.

    Source: RULES.md D1, R14.
    """
    return today > expires_on


def days_until(expires_on: date, today: date) -> int:
    """Return days left: 0 on the last valid day, negative once expired.

    Source: RULES.md R15.
    """
    return (expires_on - today).days


def in_renewal_window(expires_on: date, today: date) -> bool:
    """Tell whether ``today`` lies in the renewal window, which runs through the expiry.

    Source: RULES.md R11, R15.
    """
    return renewal_opens_on(expires_on) <= today <= expires_on


def insurance_grace_until(expires_on: date) -> date | None:
    """Return the last day an expired user certificate still works as マイナ保険証.

    Only for expiries on or after 2024-12-02: the last day of the 3rd month after the
    month of expiry. Earlier expiries get no grace (``None``).

    Source: RULES.md R17 [S22][S23].
    """
    if expires_on < policy.INSURANCE_GRACE_START:
        return None
    return last_day_of_month(
        expires_on + relativedelta(months=policy.INSURANCE_GRACE_MONTHS)
    )


def expiry_notice_expected(expires_on: date) -> tuple[date, date]:
    """Return the span in which J-LIS's expiry notice (有効期限通知書) usually arrives.

    About 2-3 months before the expiry; the notice is a guide and renewal does not need it.

    Source: RULES.md R25; the city page, 有効期限通知書の発送.
    """
    return minus_months(expires_on, 3), minus_months(expires_on, 2)
