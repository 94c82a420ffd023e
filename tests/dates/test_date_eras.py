"""Tables for bot/dates/eras.py and bot/dates/numerals.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.dates import ERAS, to_wareki
from bot.dates.numerals import kanji_to_int

WAREKI = [
    # Each boundary from both sides.
    (date(1912, 7, 29), ("明治", 45), "meiji-last-day"),
    (date(1912, 7, 30), ("大正", 1), "taisho-first-day"),
    (date(1926, 12, 24), ("大正", 15), "taisho-last-day"),
    (date(1926, 12, 25), ("昭和", 1), "showa-first-day"),
    (date(1927, 1, 1), ("昭和", 2), "showa-2"),
    (date(1985, 4, 3), ("昭和", 60), "showa-60"),
    (date(1989, 1, 7), ("昭和", 64), "showa-last-day"),
    (date(1989, 1, 8), ("平成", 1), "heisei-first-day"),
    (date(1990, 4, 1), ("平成", 2), "heisei-2"),
    (date(2019, 4, 30), ("平成", 31), "heisei-last-day"),
    (date(2019, 5, 1), ("令和", 1), "reiwa-first-day"),
    (date(2020, 1, 1), ("令和", 2), "reiwa-2"),
    (date(2027, 4, 3), ("令和", 9), "reiwa-9"),
    (date(1873, 1, 1), ("明治", 6), "meiji-first-gregorian-day"),
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [(day, expected) for day, expected, _ in WAREKI],
    ids=[case_id for *_, case_id in WAREKI],
)
def test_to_wareki(day: date, expected: tuple[str, int]) -> None:
    assert to_wareki(day) == expected


def test_to_wareki_rejects_lunisolar_meiji() -> None:
    with pytest.raises(ValueError, match="before 1873-01-01"):
        to_wareki(date(1872, 12, 31))


def test_era_table_is_contiguous() -> None:
    for earlier, later in zip(ERAS, ERAS[1:], strict=False):
        assert earlier.end == later.start - timedelta(days=1)
    assert ERAS[-1].end is None


KANJI = [
    ("一", 1, "one"),
    ("十", 10, "ten"),
    ("十二", 12, "twelve"),
    ("二十", 20, "twenty"),
    ("二十五", 25, "twenty-five"),
    ("六十", 60, "sixty"),
    ("六十四", 64, "sixty-four"),
    ("一九八五", 1985, "positional"),
    ("二〇二一", 2021, "positional-with-zero"),
    ("千九百八十五", 1985, "multiplicative"),
    ("二千二十一", 2021, "multiplicative-skipping-hundreds"),
    ("百", 100, "hundred"),
]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [(numeral, value) for numeral, value, _ in KANJI],
    ids=[case_id for *_, case_id in KANJI],
)
def test_kanji_to_int(numeral: str, value: int) -> None:
    assert kanji_to_int(numeral) == value


@pytest.mark.parametrize("numeral", ["", "元", "1"], ids=["empty", "gannen", "ascii"])
def test_kanji_to_int_rejects_non_numerals(numeral: str) -> None:
    with pytest.raises(ValueError):
        kanji_to_int(numeral)
