"""RULES.md section 0: date conventions."""

from datetime import date

import pytest

from bot.certificate.calendar import (
    age_on,
    birthday_in,
    minus_months,
    nth_birthday_after,
)


@pytest.mark.parametrize(
    ("birthdate", "year", "expected"),
    [
        (date(1985, 4, 3), 2026, date(2026, 4, 3)),
        (date(1996, 2, 29), 2024, date(2024, 2, 29)),
        (date(1996, 2, 29), 2029, date(2029, 2, 28)),
        (date(1996, 2, 29), 2100, date(2100, 2, 28)),  # 2100 is not a leap year
        (date(1996, 3, 1), 2027, date(2027, 3, 1)),
    ],
    ids=["plain", "D3-leap-year", "D3-common-year", "D3-century", "mar-1"],
)
def test_birthday_in(birthdate: date, year: int, expected: date) -> None:
    assert birthday_in(birthdate, year) == expected


@pytest.mark.parametrize(
    ("birthdate", "day", "n", "expected"),
    [
        # Government example (RULES.md D4 [S9]).
        (date(1990, 10, 10), date(2020, 5, 15), 10, date(2029, 10, 10)),
        # A birthday on the day itself is not counted (R4).
        (date(1985, 4, 3), date(2021, 4, 3), 5, date(2026, 4, 3)),
        # Issued the day before the birthday: the next day is the 1st birthday (R4).
        (date(1985, 4, 3), date(2021, 4, 2), 5, date(2025, 4, 3)),
        (date(1985, 4, 3), date(2021, 4, 4), 5, date(2026, 4, 3)),
        (date(1985, 4, 3), date(2021, 6, 10), 1, date(2022, 4, 3)),
        (date(1985, 12, 31), date(2021, 12, 31), 1, date(2022, 12, 31)),
        (date(1985, 1, 1), date(2021, 12, 31), 1, date(2022, 1, 1)),
        # Feb 29 births (D3): Feb 28 in common years, and Feb 28 is then "the" birthday.
        (date(1996, 2, 29), date(2023, 2, 28), 1, date(2024, 2, 29)),
        (date(1996, 2, 29), date(2023, 2, 27), 1, date(2023, 2, 28)),
        (date(1996, 2, 29), date(2024, 2, 28), 1, date(2024, 2, 29)),
        (date(1996, 2, 29), date(2024, 2, 29), 1, date(2025, 2, 28)),
    ],
    ids=[
        "D4-government-example",
        "R4-issued-on-birthday",
        "R4-issued-day-before-birthday",
        "issued-day-after-birthday",
        "first-birthday",
        "dec-31",
        "new-year",
        "D3-feb28-common-is-birthday",
        "D3-feb27-common",
        "D3-feb28-leap-not-birthday",
        "D3-on-feb29",
    ],
)
def test_nth_birthday_after(birthdate: date, day: date, n: int, expected: date) -> None:
    assert nth_birthday_after(birthdate, day, n) == expected


def test_nth_birthday_after_rejects_zero() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        nth_birthday_after(date(1985, 4, 3), date(2021, 1, 1), 0)


@pytest.mark.parametrize(
    ("birthdate", "day", "expected"),
    [
        (date(2004, 6, 15), date(2022, 6, 13), 17),
        (date(2004, 6, 15), date(2022, 6, 14), 18),  # D5: the day before counts
        (date(2004, 6, 15), date(2022, 6, 15), 18),
        (date(1996, 2, 29), date(2023, 2, 27), 26),
        (date(1996, 2, 29), date(2023, 2, 28), 27),  # Feb 29 births: on Feb 28
        (date(1996, 2, 29), date(2024, 2, 28), 28),  # ... in leap years too
        (date(1996, 3, 1), date(2024, 2, 28), 27),
        (date(1996, 3, 1), date(2024, 2, 29), 28),  # Mar 1 births: Feb 29 in leap years
        (date(1996, 3, 1), date(2023, 2, 28), 27),
        (date(2011, 1, 1), date(2025, 12, 31), 15),  # across the new year
        (date(1985, 4, 3), date(1985, 4, 3), 0),
    ],
    ids=[
        "two-days-before",
        "D5-day-before",
        "birthday",
        "feb29-birth-feb27",
        "feb29-birth-feb28-common",
        "feb29-birth-feb28-leap",
        "mar1-birth-feb28-leap",
        "mar1-birth-feb29-leap",
        "mar1-birth-feb28-common",
        "new-year-eve",
        "day-of-birth",
    ],
)
def test_age_on(birthdate: date, day: date, expected: int) -> None:
    assert age_on(birthdate, day) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 4, 3), 3, date(2026, 1, 3)),
        (date(2023, 5, 31), 3, date(2023, 2, 28)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
        (date(2023, 7, 31), 3, date(2023, 4, 30)),
        (date(2023, 12, 31), 3, date(2023, 9, 30)),
        (date(2024, 2, 29), 3, date(2023, 11, 29)),
        (date(2024, 1, 15), 3, date(2023, 10, 15)),
    ],
    ids=[
        "plain",
        "D6-feb-common",
        "D6-feb-leap",
        "D6-apr",
        "D6-sep",
        "feb29",
        "year-back",
    ],
)
def test_minus_months(day: date, months: int, expected: date) -> None:
    assert minus_months(day, months) == expected
