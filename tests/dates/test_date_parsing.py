"""Tables for bot/dates/parser.py: what parses, what is rejected and why."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from bot.dates import (
    DATE_ERROR_REASONS,
    DateParseError,
    DateSpan,
    find_dates,
    parse_date,
)

ACCEPTED = [
    # Western (西暦) forms.
    ("1985年4月3日", date(1985, 4, 3), "kanji-suffixes"),
    ("1985/4/3", date(1985, 4, 3), "slashes"),
    ("1985/04/03", date(1985, 4, 3), "slashes-zero-padded"),
    ("1985.4.3", date(1985, 4, 3), "dots"),
    ("1985-04-03", date(1985, 4, 3), "iso"),
    ("1985年04月03日", date(1985, 4, 3), "kanji-suffixes-zero-padded"),
    ("19850403", date(1985, 4, 3), "eight-digits"),
    ("1985年 4月 3日", date(1985, 4, 3), "spaces-between-parts"),
    # Era (和暦) names and abbreviations.
    ("昭和60年4月3日", date(1985, 4, 3), "showa"),
    ("昭和６０年４月３日", date(1985, 4, 3), "showa-full-width-digits"),
    ("Ｓ６０．４．３", date(1985, 4, 3), "full-width-letter-and-dots"),
    ("S60.4.3", date(1985, 4, 3), "letter-S-dots"),
    ("s60/4/3", date(1985, 4, 3), "lower-case-letter-slashes"),
    ("S60-4-3", date(1985, 4, 3), "letter-hyphens"),
    ("S60年4月3日", date(1985, 4, 3), "letter-with-kanji-suffixes"),
    ("H2.4.1", date(1990, 4, 1), "letter-H"),
    ("R3.6.10", date(2021, 6, 10), "letter-R"),
    ("T15.12.24", date(1926, 12, 24), "letter-T"),
    ("令和3年6月10日", date(2021, 6, 10), "reiwa"),
    ("平成2年4月1日", date(1990, 4, 1), "heisei"),
    ("昭60.4.3", date(1985, 4, 3), "one-kanji-showa"),
    ("平2.4.1", date(1990, 4, 1), "one-kanji-heisei"),
    ("令3.6.10", date(2021, 6, 10), "one-kanji-reiwa"),
    ("昭和 60年 4月 3日", date(1985, 4, 3), "era-with-spaces"),
    ("昭和　60年　4月　3日", date(1985, 4, 3), "era-with-full-width-spaces"),
    ("昭和60/4/3", date(1985, 4, 3), "era-name-with-slashes"),
    # 元年 and 1年 both mean the first year.
    ("令和元年5月1日", date(2019, 5, 1), "reiwa-gannen"),
    ("令和1年5月1日", date(2019, 5, 1), "reiwa-year-1"),
    ("R1.5.1", date(2019, 5, 1), "reiwa-letter-year-1"),
    ("昭和元年12月25日", date(1926, 12, 25), "showa-gannen-first-day"),
    # Kanji numerals.
    ("昭和六十年四月三日", date(1985, 4, 3), "kanji-showa"),
    ("平成二年四月一日", date(1990, 4, 1), "kanji-heisei"),
    ("令和三年六月十日", date(2021, 6, 10), "kanji-reiwa"),
    ("二〇二一年六月十日", date(2021, 6, 10), "kanji-western-positional"),
    ("二○二一年六月十日", date(2021, 6, 10), "kanji-western-white-circle-zero"),
    ("一九八五年四月三日", date(1985, 4, 3), "kanji-western-1985"),
    ("千九百八十五年四月三日", date(1985, 4, 3), "kanji-western-multiplicative"),
    ("令和元年五月一日", date(2019, 5, 1), "kanji-gannen"),
    ("平成十二年十二月二十五日", date(2000, 12, 25), "kanji-tens"),
    # Surrounding words.
    ("誕生日は昭和60年4月3日です", date(1985, 4, 3), "sentence-showa"),
    ("R3.6.10に作りました", date(2021, 6, 10), "sentence-letter"),
    ("生年月日：1985/4/3", date(1985, 4, 3), "label-full-width-colon"),
    ("昭和60年4月3日生まれです", date(1985, 4, 3), "sentence-born"),
    ("令和3年6月10日(木)に発行", date(2021, 6, 10), "weekday-after"),
    ("有効期限は2029年4月3日、カードは更新済み", date(2029, 4, 3), "trailing-words"),
    # Ligatures, hiragana and katakana.
    ("㍻2年4月1日", date(1990, 4, 1), "heisei-ligature"),
    ("㍼60年4月3日", date(1985, 4, 3), "showa-ligature"),
    ("㋿3年6月10日", date(2021, 6, 10), "reiwa-ligature"),
    ("しょうわ60ねん4がつ3にち", date(1985, 4, 3), "hiragana"),
    ("へいせい2年4月1日", date(1990, 4, 1), "hiragana-era"),
    ("ショウワ60年4月3日", date(1985, 4, 3), "katakana-era"),
    ("ｼｮｳﾜ60年4月3日", date(1985, 4, 3), "half-width-katakana-era"),
    # Both calendars together, naming the same day.
    ("2021年（令和3年）6月10日", date(2021, 6, 10), "western-with-era-in-brackets"),
    ("令和3年(2021年)6月10日", date(2021, 6, 10), "era-with-western-in-brackets"),
    ("2021(令和3)年6月10日", date(2021, 6, 10), "brackets-before-nen"),
    ("2021年6月10日（令和3年6月10日）", date(2021, 6, 10), "same-date-twice"),
    # Year, month and day ranges.
    ("2200年12月31日", date(2200, 12, 31), "last-supported-day"),
    ("1868年1月1日", date(1868, 1, 1), "first-supported-western-year"),
    ("2024年2月29日", date(2024, 2, 29), "leap-day"),
    ("2000年2月29日", date(2000, 2, 29), "leap-day-400-year-rule"),
    # Meiji from Meiji 6 (Gregorian calendar).
    ("明治6年1月1日", date(1873, 1, 1), "meiji-first-gregorian-day"),
    ("明治45年7月29日", date(1912, 7, 29), "meiji-last-day"),
    ("M44.5.1", date(1911, 5, 1), "meiji-letter"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for text, expected, _ in ACCEPTED],
    ids=[case_id for *_, case_id in ACCEPTED],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


REJECTED = [
    # Outside the era.
    ("平成31年5月1日", "era_out_of_range", "heisei-after-end"),
    ("平成元年1月7日", "era_out_of_range", "heisei-before-start"),
    ("昭和64年1月8日", "era_out_of_range", "showa-after-end"),
    ("昭和65年1月1日", "era_out_of_range", "showa-65"),
    ("昭和元年12月24日", "era_out_of_range", "showa-before-start"),
    ("大正15年12月25日", "era_out_of_range", "taisho-after-end"),
    ("令和元年4月30日", "era_out_of_range", "reiwa-before-start"),
    ("令和0年5月1日", "era_out_of_range", "reiwa-year-0"),
    ("R0.5.1", "era_out_of_range", "reiwa-letter-year-0"),
    ("H31.5.1", "era_out_of_range", "heisei-letter-after-end"),
    ("2019年（平成31年）5月1日", "era_out_of_range", "bracketed-era-out-of-range"),
    # Two-digit years without an era.
    ("85/4/3", "ambiguous_year", "two-digit-slashes"),
    ("60.4.3", "ambiguous_year", "two-digit-dots"),
    ("85年4月3日", "ambiguous_year", "two-digit-kanji-suffixes"),
    ("元年5月1日", "ambiguous_year", "gannen-without-era"),
    ("六十年四月三日", "ambiguous_year", "kanji-two-digit-year"),
    # Incomplete.
    ("1985年", "incomplete", "year-alone"),
    ("4月", "incomplete", "month-alone"),
    ("1985年4月", "incomplete", "year-and-month"),
    ("4月3日", "incomplete", "month-and-day"),
    ("昭和60年", "incomplete", "era-year-alone"),
    ("令和3年6月", "incomplete", "era-year-and-month"),
    ("1985/4", "incomplete", "numeric-year-and-month"),
    ("4/3", "incomplete", "numeric-month-and-day"),
    ("十二月二十五日", "incomplete", "kanji-month-and-day"),
    # Not a day in the calendar.
    ("2023年2月29日", "invalid_date", "feb-29-common-year"),
    ("2021年4月31日", "invalid_date", "april-31"),
    ("1985年13月1日", "invalid_date", "month-13"),
    ("1985年0月1日", "invalid_date", "month-0"),
    ("1985年4月0日", "invalid_date", "day-0"),
    ("1900年2月29日", "invalid_date", "feb-29-century-year"),
    ("平成31年2月29日", "invalid_date", "era-feb-29-common-year"),
    ("2021/4/31", "invalid_date", "numeric-april-31"),
    ("19851301", "invalid_date", "eight-digits-month-13"),
    ("1867年12月31日", "invalid_date", "before-1868"),
    ("2201年1月1日", "invalid_date", "after-2200"),
    ("3000/1/1", "invalid_date", "year-3000"),
    ("令和999年1月1日", "invalid_date", "reiwa-999"),
    ("2021年（平成3年）6月10日", "invalid_date", "western-and-era-years-differ"),
    # Meiji before the Gregorian calendar.
    ("明治5年12月2日", "unsupported_era", "meiji-lunisolar"),
    ("明治元年1月25日", "unsupported_era", "meiji-gannen"),
    ("明治元年1月1日", "unsupported_era", "meiji-gannen-before-start"),
    ("M5.12.2", "unsupported_era", "meiji-letter-lunisolar"),
    # Nothing date-like.
    ("こんにちは", "no_date", "greeting"),
    ("", "no_date", "empty"),
    ("   ", "no_date", "spaces"),
    ("1.2.3", "no_date", "version-number"),
    ("192.168.1.1", "no_date", "ip-address"),
    ("12345678", "no_date", "eight-digits-not-a-year"),
    ("3か月前", "no_date", "relative-months"),
    # Two different dates.
    (
        "昭和60年4月3日生まれで、令和3年6月10日に発行",
        "multiple_dates",
        "birth-and-issue",
    ),
    ("1985/4/3と1985/4/4", "multiple_dates", "two-numeric"),
]


@pytest.mark.parametrize(
    ("text", "reason"),
    [(text, reason) for text, reason, _ in REJECTED],
    ids=[case_id for *_, case_id in REJECTED],
)
def test_parse_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert caught.value.reason == reason
    assert caught.value.message_ja
    assert str(caught.value) == caught.value.message_en


ERROR_PRIORITY = [
    # An invalid date-like phrase beats a valid date next to it.
    (
        "昭和60年4月3日生まれで平成31年5月1日に発行",
        "era_out_of_range",
        "invalid-beats-valid",
    ),
    ("1985/4/3、85/4/3", "ambiguous_year", "ambiguous-beats-valid"),
    # An 8-digit number that is not a date does not hide a real date.
    ("受付番号20231399、生年月日1985/4/3", None, "bad-eight-digits-ignored"),
    # Fragments next to a full date are just words.
    ("1985年4月3日生まれ、4月に申請", None, "fragment-next-to-date"),
    ("令和3年6月10日、2026年の誕生日まで", None, "year-fragment-next-to-date"),
]


@pytest.mark.parametrize(
    ("text", "reason"),
    [(text, reason) for text, reason, _ in ERROR_PRIORITY],
    ids=[case_id for *_, case_id in ERROR_PRIORITY],
)
def test_parse_date_error_priority(text: str, reason: str | None) -> None:
    if reason is None:
        assert isinstance(parse_date(text), date)
    else:
        with pytest.raises(DateParseError) as caught:
            parse_date(text)
        assert caught.value.reason == reason


ERA_MESSAGES = [
    ("平成31年5月1日", "平成は31年4月30日までです。日付をもう一度ご確認ください。"),
    ("平成元年1月7日", "平成は元年1月8日からです。日付をもう一度ご確認ください。"),
    ("昭和64年1月8日", "昭和は64年1月7日までです。日付をもう一度ご確認ください。"),
    ("2023年2月29日", "2023年2月は28日までです。日付をもう一度ご確認ください。"),
]


@pytest.mark.parametrize(
    ("text", "message_ja"), ERA_MESSAGES, ids=[text for text, _ in ERA_MESSAGES]
)
def test_specific_messages(text: str, message_ja: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert caught.value.message_ja == message_ja


FOUND = [
    (
        "昭和60年4月3日生まれで、令和3年6月10日に発行",
        [(0, 9, date(1985, 4, 3)), (14, 23, date(2021, 6, 10))],
        "two-dates",
    ),
    ("誕生日は昭和60年4月3日です", [(4, 13, date(1985, 4, 3))], "sentence"),
    ("生年月日：１９８５／４／３", [(5, 13, date(1985, 4, 3))], "full-width"),
    # ㍻ is one character that NFKC expands to two; later offsets must not shift.
    (
        "㍻2年4月1日と㍻3年5月6日",
        [(0, 7, date(1990, 4, 1)), (8, 15, date(1991, 5, 6))],
        "ligatures",
    ),
    ("受付は㍼60年4月3日", [(3, 11, date(1985, 4, 3))], "ligature-after-words"),
    ("ｼｮｳﾜ60年4月3日", [(0, 11, date(1985, 4, 3))], "half-width-katakana"),
    ("元号：ﾍｲｾｲ2年4月1日", [(3, 13, date(1990, 4, 1))], "half-width-voiced-mark"),
    # Fragments, ambiguous and invalid dates are skipped, not raised.
    (
        "4月3日と1985年4月3日と85/4/3と平成31年5月1日",
        [(5, 14, date(1985, 4, 3))],
        "skips-bad",
    ),
    ("", [], "empty"),
    (
        "1985年4月3日（昭和60年4月3日）",
        [(0, 9, date(1985, 4, 3)), (10, 19, date(1985, 4, 3))],
        "repeat",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for text, expected, _ in FOUND],
    ids=[case_id for *_, case_id in FOUND],
)
def test_find_dates(text: str, expected: list[tuple[int, int, date]]) -> None:
    spans = find_dates(text)
    assert [(s.start, s.end, s.value) for s in spans] == expected
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_find_dates_returns_date_spans() -> None:
    assert find_dates("R3.6.10に作りました") == [
        DateSpan(0, 7, "R3.6.10", date(2021, 6, 10))
    ]


def test_error_reasons_are_the_documented_set() -> None:
    assert set(DATE_ERROR_REASONS) == {
        "no_date",
        "ambiguous_year",
        "incomplete",
        "invalid_date",
        "era_out_of_range",
        "multiple_dates",
        "unsupported_era",
    }


def test_error_is_a_value_error_and_pickles() -> None:
    error = DateParseError("no_date")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.reason, copy.message_ja, copy.message_en) == (
        error.reason,
        error.message_ja,
        error.message_en,
    )


def test_unknown_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown date error reason"):
        DateParseError("bogus")  # type: ignore[arg-type]
