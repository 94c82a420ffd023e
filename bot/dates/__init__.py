"""Pure Japanese date parsing: find and parse 西暦 and 和暦 dates in resident text.

No Rasa, FastAPI or LINE imports; bot/nlu wraps this package in a Rasa component.
"""

from bot.dates.eras import ERAS, Era, to_wareki
from bot.dates.errors import DATE_ERROR_REASONS, DateErrorReason, DateParseError
from bot.dates.formatting import format_date_ja
from bot.dates.parser import (
    MAX_YEAR,
    MIN_YEAR,
    DateSpan,
    find_date_like,
    find_dates,
    parse_date,
)

__all__ = [
    "DATE_ERROR_REASONS",
    "ERAS",
    "MAX_YEAR",
    "MIN_YEAR",
    "DateErrorReason",
    "DateParseError",
    "DateSpan",
    "Era",
    "find_date_like",
    "find_dates",
    "format_date_ja",
    "parse_date",
    "to_wareki",
]
