"""Tables for bot/dates/formatting.py."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import format_date_ja

FORMATTED = [
    (date(2027, 4, 3), "2027年4月3日（令和9年4月3日）", "reiwa-9"),
    (date(2019, 5, 1), "2019年5月1日（令和元年5月1日）", "reiwa-gannen-first-day"),
    (date(2019, 4, 30), "2019年4月30日（平成31年4月30日）", "heisei-last-day"),
    (date(1989, 1, 8), "1989年1月8日（平成元年1月8日）", "heisei-gannen-first-day"),
    (date(1989, 1, 7), "1989年1月7日（昭和64年1月7日）", "showa-last-day"),
    (
        date(1926, 12, 25),
        "1926年12月25日（昭和元年12月25日）",
        "showa-gannen-first-day",
    ),
    (date(1926, 12, 24), "1926年12月24日（大正15年12月24日）", "taisho-last-day"),
    (date(1912, 7, 30), "1912年7月30日（大正元年7月30日）", "taisho-first-day"),
    (date(1912, 7, 29), "1912年7月29日", "before-taisho-western-only"),
    (date(1868, 1, 1), "1868年1月1日", "first-supported-year"),
    (date(1985, 4, 3), "1985年4月3日（昭和60年4月3日）", "showa-60"),
    (date(2000, 12, 25), "2000年12月25日（平成12年12月25日）", "no-zero-padding"),
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [(day, expected) for day, expected, _ in FORMATTED],
    ids=[case_id for *_, case_id in FORMATTED],
)
def test_format_date_ja(day: date, expected: str) -> None:
    assert format_date_ja(day) == expected
