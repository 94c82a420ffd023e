"""Property tests for bot/dates: round trips, robustness, span invariants."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dates import (
    ERAS,
    DateParseError,
    find_dates,
    format_date_ja,
    parse_date,
    to_wareki,
)

_ERA_LETTERS = {era.name: era.letter for era in ERAS}
_KANJI_DIGITS = "〇一二三四五六七八九"

days = st.dates(min_value=date(1927, 1, 1), max_value=date(2100, 12, 31))


def _kanji_small(number: int) -> str:
    """Write 1-99 as 二十五 (multiplicative form)."""
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text += ("" if tens == 1 else _KANJI_DIGITS[tens]) + "十"
    if ones:
        text += _KANJI_DIGITS[ones]
    return text


def _wareki_forms(day: date) -> list[str]:
    era, year = to_wareki(day)
    year_forms = [str(year)] + (["元"] if year == 1 else [])
    forms = [f"{era}{y}年{day.month}月{day.day}日" for y in year_forms]
    forms.append(f"{_ERA_LETTERS[era]}{year}.{day.month}.{day.day}")
    forms.append(f"{_ERA_LETTERS[era].lower()}{year}/{day.month:02d}/{day.day:02d}")
    forms.append(
        f"{era}{_kanji_small(year)}年{_kanji_small(day.month)}月{_kanji_small(day.day)}日"
    )
    return forms


@given(days)
def test_format_date_ja_round_trips(day: date) -> None:
    assert parse_date(format_date_ja(day)) == day


@given(days)
def test_western_forms_round_trip(day: date) -> None:
    for text in (
        day.isoformat(),
        day.strftime("%Y%m%d"),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        "".join(_KANJI_DIGITS[int(c)] for c in str(day.year))
        + f"年{_kanji_small(day.month)}月{_kanji_small(day.day)}日",
    ):
        assert parse_date(text) == day, text


@given(days)
def test_wareki_forms_round_trip(day: date) -> None:
    for text in _wareki_forms(day):
        assert parse_date(text) == day, text


@given(
    days,
    st.sampled_from(["誕生日は", "生年月日：", "発行日 ", "㍻と"]),
    st.text(max_size=5),
)
def test_date_in_a_sentence_keeps_original_offsets(
    day: date, prefix: str, suffix: str
) -> None:
    # A full-width form, so that normalisation changes the text.
    written = format_date_ja(day).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    text = prefix + written + "です" + suffix
    spans = find_dates(text)
    assert [s.value for s in spans][:2] == [day, day]
    assert spans[0].start == len(prefix)


# Characters that make date-like text likely, mixed with any other text.
_DATE_ALPHABET = st.sampled_from(
    list("0123456789０１２３/.-()（）SHRTMshr ㍻㍼㋿")
    + list("年月日元一二三十〇昭和平成令大正明治ねんがつにち")
)
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=_DATE_ALPHABET, max_size=60),
    st.lists(
        st.one_of(st.text(max_size=5), st.text(alphabet=_DATE_ALPHABET, max_size=12))
    ).map("".join),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_parse_date_raises_only_date_parse_error(text: str) -> None:
    try:
        value = parse_date(text)
    except DateParseError as error:
        assert str(error) == error.message_en
    else:
        assert isinstance(value, date)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_find_dates_spans_are_ordered_disjoint_and_exact(text: str) -> None:
    spans = find_dates(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text
        previous_end = span.end


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_each_found_span_parses_on_its_own(text: str) -> None:
    for span in find_dates(text):
        assert parse_date(span.text) == span.value


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=50))
def test_huge_arbitrary_text(text: str) -> None:
    huge = (text * (10_000 // len(text) + 1))[:10_000]
    find_dates(huge)
    with pytest.raises(DateParseError):
        parse_date(huge + "。1985年4月3日と2021年6月10日")


PATHOLOGICAL = {
    "digits": "1" * 10_000,
    "slashes": "1/" * 5_000,
    "dots": "12.3." * 2_000,
    "kanji-numerals": "一二三十" * 2_500,
    "nen": "年" * 10_000,
    "era-names": "昭和" * 5_000,
    "spaced-parts": "昭和 六十 年 四 月 " * 1_000,
    "ligatures": "㍻" * 10_000,
    "combining-marks": "a" + "\u0301" * 9_999,
    "open-brackets": "2021年((((((" * 1_000,
    "dates": "昭和60年4月3日、" * 1_000,
    "full-width-dates": "２０２１年６月１０日" * 1_000,
    "control-and-emoji": "\x00\x1b😀\u200b" * 2_500,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_long_input_is_fast(text: str) -> None:
    started = time.perf_counter()
    find_dates(text)
    try:
        parse_date(text)
    except DateParseError:
        pass
    # Linear scans take tens of milliseconds here; backtracking would take minutes.
    assert time.perf_counter() - started < 2.0
