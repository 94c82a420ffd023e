"""A year said alone, as in a correction: 「やっぱり平成2年でした」 -> 1990.

Only a year with no month after it counts; full dates are ``find_dates``'s job.
"""

from __future__ import annotations

import re

from bot.dates.eras import ERAS, FIRST_YEAR
from bot.dates.normalize import normalize
from bot.dates.numerals import KANJI_NUMERAL_CHARS, to_int

_ERA_NAMES = (
    "|".join(era.name for era in ERAS) + "|" + "|".join(era.reading for era in ERAS)
)
_YEAR_ONLY = re.compile(
    rf"(?:(?P<era>{_ERA_NAMES})\s*(?P<era_year>{FIRST_YEAR}|[0-9]{{1,2}}|[{KANJI_NUMERAL_CHARS}]{{1,3}})"
    rf"|(?<![0-9])(?P<western>(?:18|19|20)[0-9]{{2}}))\s*(?:年|ねん)(?!\s*[0-9{KANJI_NUMERAL_CHARS}]+\s*(?:月|がつ))"
)
_BY_NAME = {era.name: era for era in ERAS} | {era.reading: era for era in ERAS}


def find_year_only(text: str) -> int | None:
    """Return the Western year of the one year-alone phrase in ``text``, else ``None``.

    ``None`` also when the text names two different years or the era year is outside
    its era (平成32年).
    """
    years = set()
    for match in _YEAR_ONLY.finditer(normalize(text).text):
        if match.group("western"):
            years.add(int(match.group("western")))
            continue
        era = _BY_NAME[match.group("era")]
        raw = match.group("era_year")
        era_year = 1 if raw == FIRST_YEAR else to_int(raw)
        year = era.western_year(era_year)
        last_year = era.end.year if era.end else None
        if era_year < 1 or (last_year is not None and year > last_year):
            return None
        years.add(year)
    return years.pop() if len(years) == 1 else None
