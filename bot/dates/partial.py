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
_NUMBER = rf"{FIRST_YEAR}|[0-9]{{1,4}}|[{KANJI_NUMERAL_CHARS}]{{1,3}}"
# 「平成29年じゃなくて30年」「2017年ではなく2018年」: the year after the negation is the
# right one; without an era of its own it keeps the era of the wrong one.
_CORRECTED = re.compile(
    rf"(?P<era>{_ERA_NAMES})?\s*(?:{_NUMBER})\s*(?:年|ねん)\s*(?:じゃ|では|で)な(?:く|い)て?"
    rf"[、,\s]*(?P<new_era>{_ERA_NAMES})?\s*(?P<new>{_NUMBER})\s*(?:年|ねん)"
    rf"(?!\s*[0-9{KANJI_NUMERAL_CHARS}]+\s*(?:月|がつ))"
)


def _western(era_name: str | None, raw: str) -> int | None:
    """Return the Western year of an era year (or of a Western year), else ``None``."""
    if era_name is None:
        year = to_int(raw) if raw != FIRST_YEAR else 0
        return year if 1800 <= year <= 2199 else None
    era = _BY_NAME[era_name]
    era_year = 1 if raw == FIRST_YEAR else to_int(raw)
    year = era.western_year(era_year)
    last_year = era.end.year if era.end else None
    if era_year < 1 or (last_year is not None and year > last_year):
        return None
    return year


def find_year_only(text: str) -> int | None:
    """Return the Western year of the one year-alone phrase in ``text``, else ``None``.

    ``None`` also when the text names two different years or the era year is outside
    its era (平成32年). In a correction (「平成29年じゃなくて30年」) the year after the
    negation counts.
    """
    normalized = normalize(text).text
    corrected = _CORRECTED.search(normalized)
    if corrected:
        era = corrected.group("new_era") or corrected.group("era")
        return _western(era, corrected.group("new"))
    years = set()
    for match in _YEAR_ONLY.finditer(normalized):
        if match.group("western"):
            years.add(int(match.group("western")))
            continue
        year = _western(match.group("era"), match.group("era_year"))
        if year is None:
            return None
        years.add(year)
    return years.pop() if len(years) == 1 else None
