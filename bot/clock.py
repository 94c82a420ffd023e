"""Today's date as residents count it: the Japanese calendar date (RULES.md D1)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

JAPAN = "Asia/Tokyo"


def today_in(timezone: str = JAPAN) -> date:
    """Return today's calendar date in ``timezone``."""
    return datetime.now(ZoneInfo(timezone)).date()
