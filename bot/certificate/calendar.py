"""Date conventions of RULES.md section 0: birthdays, legal age, month arithmetic.

Everything here is a pure function of ``datetime.date`` values.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

ONE_DAY = timedelta(days=1)


def birthday_in(birthdate: date, year: int) -> date:
    """Return the birthday of ``birthdate`` in ``year``.

    A 29 February birthday falls on 28 February in a common year.

    Source: RULES.md D3 (road traffic act 92-2 convention; never overstates validity).
    """
    if birthdate.month == 2 and birthdate.day == 29:
        # relativedelta clips Feb 29 to Feb 28 in common years.
        return birthdate + relativedelta(year=year)
    return birthdate.replace(year=year)


def nth_birthday_after(birthdate: date, day: date, n: int) -> date:
    """Return the n-th birthday strictly after ``day``.

    A birthday falling on ``day`` itself is not counted ("発行の日後の…回目の誕生日").

    Source: RULES.md D4; government example born 10-10, issued 2020-05-15 -> 2029-10-10.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    first_year = day.year if birthday_in(birthdate, day.year) > day else day.year + 1
    return birthday_in(birthdate, first_year + n - 1)


def age_on(birthdate: date, day: date) -> int:
    """Return the legal age on ``day``; the day before the N-th birthday counts as age N.

    Source: RULES.md D5 (年齢計算ニ関スル法律 and 民法143条; passport practice).
    """
    following = day + ONE_DAY
    before_birthday = (following.month, following.day) < (
        birthdate.month,
        birthdate.day,
    )
    return following.year - birthdate.year - (1 if before_birthday else 0)


def minus_months(day: date, months: int) -> date:
    """Return the same day-of-month ``months`` earlier, clipped to that month's end.

    Source: RULES.md D6 (by analogy with 民法143条2項ただし書).
    """
    return day - relativedelta(months=months)


def last_day_of_month(day: date) -> date:
    """Return the last day of the month containing ``day``."""
    return day + relativedelta(day=31)
