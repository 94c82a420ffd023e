"""Tables for bot/dates/normalize.py: normalised text and offsets to the original."""

from __future__ import annotations

import pytest

from bot.dates.normalize import normalize

NORMALIZED = [
    ("1985/4/3", "1985/4/3", "ascii-unchanged"),
    ("１９８５／４／３", "1985/4/3", "full-width"),
    ("㍻2年", "平成2年", "heisei-ligature"),
    ("㋿元年", "令和元年", "reiwa-ligature"),
    ("ｼｮｳﾜ", "しょうわ", "half-width-katakana"),
    ("ﾍｲｾｲ", "へいせい", "half-width-katakana-voiced"),
    ("1985ー4ー3", "1985-4-3", "long-vowel-mark-as-dash"),
    ("1985−4−3", "1985-4-3", "minus-sign"),
    ("二○二一", "二〇二一", "white-circle-zero"),
    ("昭和　60年", "昭和 60年", "full-width-space"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for text, expected, _ in NORMALIZED],
    ids=[case_id for *_, case_id in NORMALIZED],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text).text == expected


SPANS = [
    # (original, normalised range, original range)
    ("㍻2年", (0, 2), (0, 1), "whole-ligature"),
    ("㍻2年", (1, 2), (0, 1), "half-ligature-widens"),
    ("㍻2年", (2, 4), (1, 3), "after-ligature"),
    ("a㍻㍼b", (5, 6), (3, 4), "after-two-ligatures"),
    ("ﾍﾞ1", (1, 2), (2, 3), "after-voiced-half-width"),
    ("abc", (1, 3), (1, 3), "identity"),
    ("全角１", (2, 3), (2, 3), "same-length"),
]


@pytest.mark.parametrize(
    ("text", "normalized_span", "original_span"),
    [(text, n, o) for text, n, o, _ in SPANS],
    ids=[case_id for *_, case_id in SPANS],
)
def test_original_span(
    text: str, normalized_span: tuple[int, int], original_span: tuple[int, int]
) -> None:
    assert normalize(text).original_span(*normalized_span) == original_span
