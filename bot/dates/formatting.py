"""Render dates for residents in Western and era form."""

from __future__ import annotations

from datetime import date

from bot.dates.eras import FIRST_FORMATTED_ERA, era_year_label, to_wareki


def format_date_ja(d: date) -> str:
    """Return "2027年4月3日（令和9年4月3日）"; the era form uses 元年 for year 1.

    Dates before Taisho (1912-07-30) are given in the Western form only.
    """
    western = f"{d.year}年{d.month}月{d.day}日"
    if d < FIRST_FORMATTED_ERA.start:
        return western
    era_name, era_year = to_wareki(d)
    return f"{western}（{era_name}{era_year_label(era_year)}年{d.month}月{d.day}日）"
