"""Kanji numerals as written in dates: 六十, 二十五, 一九八五, 千九百八十五."""

from __future__ import annotations

# Digit characters; 〇 and 零 are both zero.
_DIGITS: dict[str, int] = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# Multipliers: ten, hundred, thousand.
_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}

# All characters a kanji numeral may contain, for building regular expressions.
KANJI_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def kanji_to_int(numeral: str) -> int:
    """Return the value of a kanji numeral.

    Without 十/百/千 the characters are read digit by digit (一九八五 = 1985,
    as years are often written); otherwise they are read as multiples
    (千九百八十五 = 1985, 二十五 = 25).

    Raises:
        ValueError: `numeral` is empty or contains a character that is not a numeral.
    """
    if not numeral or any(c not in _DIGITS and c not in _UNITS for c in numeral):
        raise ValueError(f"not a kanji numeral: {numeral!r}")
    if not any(c in _UNITS for c in numeral):
        return int("".join(str(_DIGITS[c]) for c in numeral))
    total, current = 0, 0
    for char in numeral:
        if char in _UNITS:
            # A bare unit counts once: 十二 is 12, not 2.
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            current = _DIGITS[char]
    return total + current


def to_int(number: str) -> int:
    """Return the value of ASCII digits or a kanji numeral."""
    if number.isascii():
        return int(number)
    return kanji_to_int(number)
