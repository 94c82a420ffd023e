"""Japanese era (元号) table and conversions between Western and era years.

Meiji is supported only from Meiji 6-01-01 (1873-01-01), the day Japan adopted the
Gregorian calendar. Earlier Meiji dates were written in the lunisolar calendar, so
"明治5年12月1日" cannot be mapped to a Gregorian date by year arithmetic; such input is
rejected as an unsupported era rather than converted wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    """One era: its names and the first and last Gregorian day it covers."""

    name: str  # Kanji name, as printed on official documents.
    reading: str  # Hiragana reading, accepted as input.
    letter: str  # Latin initial used in forms such as "S60.4.3".
    start: date  # First day of the era (day of accession).
    end: date | None  # Last day of the era; None for the current era.
    # First day that can be converted; differs from `start` only for Meiji.
    first_supported: date

    def western_year(self, era_year: int) -> int:
        """Return the Western year of year `era_year` of this era (元年 is 1)."""
        return self.start.year + era_year - 1

    def contains(self, d: date) -> bool:
        """Return whether `d` falls inside this era."""
        return self.start <= d and (self.end is None or d <= self.end)


# The era table, oldest first. Each end date is the day before the next era starts.
ERAS: tuple[Era, ...] = (
    # Meiji: 1868-01-25 (Meiji 1-01-01 in the old calendar); Gregorian dates only from
    # 1873-01-01 (Meiji 6), when the solar calendar was introduced.
    Era("明治", "めいじ", "M", date(1868, 1, 25), date(1912, 7, 29), date(1873, 1, 1)),
    # Taisho: 1912-07-30 to 1926-12-24.
    Era(
        "大正",
        "たいしょう",
        "T",
        date(1912, 7, 30),
        date(1926, 12, 24),
        date(1912, 7, 30),
    ),
    # Showa: 1926-12-25 (昭和元年12月25日) to 1989-01-07 (昭和64年1月7日).
    Era(
        "昭和",
        "しょうわ",
        "S",
        date(1926, 12, 25),
        date(1989, 1, 7),
        date(1926, 12, 25),
    ),
    # Heisei: 1989-01-08 (平成元年1月8日) to 2019-04-30 (平成31年4月30日).
    Era("平成", "へいせい", "H", date(1989, 1, 8), date(2019, 4, 30), date(1989, 1, 8)),
    # Reiwa: from 2019-05-01 (令和元年5月1日).
    Era("令和", "れいわ", "R", date(2019, 5, 1), None, date(2019, 5, 1)),
)

ERAS_BY_NAME: dict[str, Era] = {era.name: era for era in ERAS}

# The first year of an era is written 元年 ("first year") as well as 1年.
FIRST_YEAR = "元"

# format_date_ja adds the era form only from Taisho on (see formatting.py).
FIRST_FORMATTED_ERA = ERAS_BY_NAME["大正"]


def era_of(d: date) -> Era:
    """Return the era that contains `d`.

    Raises:
        ValueError: `d` is before Meiji 6 (1873-01-01); no Gregorian era date exists.
    """
    for era in reversed(ERAS):
        if era.contains(d):
            if d < era.first_supported:
                break
            return era
    raise ValueError(
        f"no supported Japanese era for {d.isoformat()} (before 1873-01-01)"
    )


def to_wareki(d: date) -> tuple[str, int]:
    """Return the era name and era year of `d`, e.g. ("令和", 9) for 2027-04-03.

    Year 1 is returned as 1; callers render it as 元年.

    Raises:
        ValueError: `d` is before 1873-01-01 (see the module docstring).
    """
    era = era_of(d)
    return era.name, d.year - era.start.year + 1


def era_year_label(era_year: int) -> str:
    """Return "元" for the first year of an era and the number otherwise."""
    return FIRST_YEAR if era_year == 1 else str(era_year)
