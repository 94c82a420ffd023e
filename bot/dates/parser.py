"""Find and parse Japanese dates (西暦 and 和暦) in free text.

The matcher is one regular expression over the normalised text (see normalize.py); every
repetition in it is bounded, so a scan is linear in the text length. Matches are then
checked against the calendar and the era table, and offsets are mapped back to the
user's text.

ja_timex (TimexParser) was evaluated for this job and is not used. On our test inputs
(ja_timex 0.2.8) it:
- accepts impossible or out-of-era dates: 2023年2月29日 → "2023-02-29",
  平成31年5月1日 → 2019-05-01, 平成元年1月7日 → 1989-01-07;
- reads two-digit years literally: 85/4/3 → "0085-04-03";
- misreads lower-case or full-width era letters and ligatures: s60/4/3 → "0060-04-03",
  Ｓ６０．４．３ → "1985-04-XX", ㍻2年4月1日 → "0002-04-01";
- misses 19850403, hiragana eras and spaced forms such as 昭和 60年 4月 3日;
- reports spans in its own normalised text (kanji numerals rewritten as digits), not
  in the user's text.
Each of those needs our own code, and what remains is what this regex already covers.
Its first call also takes about 0.2 s on top of a 0.3 s construction.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from bot.dates.eras import ERAS, FIRST_YEAR, Era, era_year_label
from bot.dates.errors import DateParseError
from bot.dates.normalize import normalize
from bot.dates.numerals import KANJI_NUMERAL_CHARS, to_int

# Supported Western years. Earlier dates are not plausible for residents; later ones are
# typing mistakes. Meiji dates are further limited to Meiji 6 on (see eras.py).
MIN_YEAR = 1868
MAX_YEAR = 2200

# Era spellings: kanji, hiragana reading, first kanji alone and the Latin initial.
_ERA_LOOKUP: dict[str, Era] = {}
for _era in ERAS:
    _ERA_LOOKUP[_era.name] = _era
    _ERA_LOOKUP[_era.reading] = _era
    _ERA_LOOKUP[_era.name[0]] = _era
    _ERA_LOOKUP[_era.letter] = _era
    _ERA_LOOKUP[_era.letter.lower()] = _era


@dataclass(frozen=True)
class DateSpan:
    """One date found in a text.

    Attributes:
        start: Offset of the first character in the original text.
        end: Offset just past the last character in the original text.
        text: The original text of the date, `text[start:end]`.
        value: The date.
    """

    start: int
    end: int
    text: str
    value: date


# --- The pattern ---------------------------------------------------------------

_K = KANJI_NUMERAL_CHARS
# Up to two spaces or tabs between parts (full-width spaces become spaces under NFKC).
_SP = r"[ \t]{0,2}"
# A number: ASCII digits or kanji numerals, never glued to a preceding digit.
_NUM = rf"(?:(?<![0-9])[0-9]{{1,4}}|(?<![{_K}])[{_K}]{{1,7}})"
_YEAR_NUM = rf"(?:{FIRST_YEAR}|{_NUM})"
_YEAR = "(?:年|ねん)"
_MONTH = "(?:月|がつ)"
_DAY = "(?:日|にち)"
_SEP_LOOKBEHIND = r"(?<![0-9])(?<![0-9][./-])"
_ERA = "(?:{names}|{readings}|{initials}|{letters})".format(
    names="|".join(era.name for era in ERAS),
    readings="|".join(era.reading for era in ERAS),
    # 昭60.4.3: a lone first kanji counts only before a number and not inside a word
    # (最大12年 is not Taisho 12).
    initials=r"(?<![\u4e00-\u9fff])[{}](?=[0-9{}{}])".format(
        "".join(era.name[0] for era in ERAS), FIRST_YEAR, _K
    ),
    letters=r"(?<![A-Za-z])[{}](?=[0-9])".format(
        "".join(era.letter + era.letter.lower() for era in ERAS)
    ),
)


def _alternative_year(prefix: str) -> str:
    # The other calendar's year in brackets: 2021年（令和3年）, 令和3(2021)年.
    return (
        rf"(?:{_SP}\({_SP}(?:(?P<{prefix}era>{_ERA}){_SP})?"
        rf"(?P<{prefix}year>{_YEAR_NUM}){_SP}{_YEAR}?{_SP}\))?"
    )


# Complete dates, tried first at each position.
_KANJI_DATE = (
    rf"(?:(?P<k_era>{_ERA}){_SP})?(?P<k_year>{_YEAR_NUM})"
    rf"{_alternative_year('k_a1')}{_SP}{_YEAR}{_alternative_year('k_a2')}"
    rf"{_SP}(?P<k_month>{_NUM}){_SP}{_MONTH}{_SP}(?P<k_day>{_NUM}){_SP}{_DAY}"
)
_NUMERIC_DATE = (
    rf"(?P<n_era>{_ERA})?{_SEP_LOOKBEHIND}(?P<n_year>[0-9]{{1,4}})(?P<n_sep>[./-])"
    r"(?P<n_month>[0-9]{1,2})(?P=n_sep)(?P<n_day>[0-9]{1,2})(?![0-9])(?![./-][0-9])"
)
_COMPACT_DATE = (
    r"(?<![0-9])(?P<c_year>[0-9]{4})(?P<c_month>[0-9]{2})(?P<c_day>[0-9]{2})(?![0-9])"
)
# Fragments that name a year, a month or a day but not all three; they only choose the
# error reason ("incomplete") when a text holds no complete date.
_FRAGMENT = (
    "(?P<fragment>"
    rf"(?:{_ERA}{_SP})?{_YEAR_NUM}{_SP}{_YEAR}(?:{_SP}{_NUM}{_SP}{_MONTH})?"
    rf"|{_NUM}{_SP}{_MONTH}(?:{_SP}{_NUM}{_SP}{_DAY})?"
    rf"|(?:{_ERA})?{_SEP_LOOKBEHIND}[0-9]{{4}}[/-][0-9]{{1,2}}(?![0-9])(?![/-][0-9])"
    rf"|{_SEP_LOOKBEHIND}[0-9]{{1,2}}/[0-9]{{1,2}}(?![0-9])(?!/[0-9])"
    ")"
)
# Every match starts with a digit, a kanji numeral, 元 or the first character of an era
# spelling; checking that first makes the scan of long texts several times faster.
_FIRST_CHARS = "".join(
    sorted(
        {FIRST_YEAR, *_K}
        | {char for era in ERAS for char in (era.name[0], era.reading[0], era.letter)}
    )
)
_PATTERN = re.compile(
    rf"(?=[0-9{_FIRST_CHARS}{_FIRST_CHARS.lower()}])(?:"
    + "|".join(
        f"(?:{alternative})"
        for alternative in (_KANJI_DATE, _NUMERIC_DATE, _COMPACT_DATE, _FRAGMENT)
    )
    + ")"
)


# --- Checking matches ------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A complete date pattern in the normalised text: its date or why it is none."""

    start: int
    end: int
    value: date | None
    error: DateParseError | None
    # An error that only counts when the text has no valid date, e.g. an 8-digit
    # number such as 20231399 that may be a reference number rather than a date.
    weak: bool = False


class _NotADate(Exception):
    """Internal: a match that should be ignored, such as the version number 1.2.3."""


def _era_label(era: Era, era_year: int) -> str:
    return f"{era.name}{era_year_label(era_year)}年"


def _western_year(
    era_text: str | None, year_text: str, numeric: bool
) -> tuple[int, Era | None, int]:
    """Return (Western year, era or None, year as written) for an optional era."""
    year = 1 if year_text == FIRST_YEAR else to_int(year_text)
    if era_text is not None:
        era = _ERA_LOOKUP[era_text]
        if year < 1:
            raise DateParseError(
                "era_out_of_range",
                f"{era.name}は元年（1年）から始まります。日付をもう一度ご確認ください。",
                f"{era.name} years start at 1 (元年). Please check the date.",
            )
        return era.western_year(year), era, year
    if numeric and len(year_text) not in (2, 4):
        raise _NotADate
    if year_text == FIRST_YEAR or (year < 100 and len(year_text) < 4):
        raise DateParseError("ambiguous_year")
    return year, None, year


def _check_era(era: Era, value: date) -> None:
    """Raise DateParseError unless `value` lies in `era` and can be converted."""
    if value < era.first_supported:
        if era.first_supported > era.start:
            # Meiji 1-5: dates of the lunisolar calendar.
            last_old_year = era.first_supported.year - era.start.year
            raise DateParseError(
                "unsupported_era",
                f"{era.name}{last_old_year}年以前の日付（旧暦）には対応していません。"
                "西暦で入力してください。",
                f"Dates before {era.first_supported.isoformat()} in the {era.name} era "
                "use the old lunisolar calendar and are not supported. "
                "Please enter the Western date.",
            )
        first = era.start
        raise DateParseError(
            "era_out_of_range",
            f"{era.name}は元年{first.month}月{first.day}日からです。"
            "日付をもう一度ご確認ください。",
            f"The {era.name} era began on {first.isoformat()}. Please check the date.",
        )
    if era.end is not None and value > era.end:
        last = era.end
        last_year = last.year - era.start.year + 1
        raise DateParseError(
            "era_out_of_range",
            f"{era.name}は{last_year}年{last.month}月{last.day}日までです。"
            "日付をもう一度ご確認ください。",
            f"The {era.name} era ended on {last.isoformat()} "
            f"({era.name} {last_year}). Please check the date.",
        )


def _build_date(
    year: int, month_text: str, day_text: str, era: Era | None, era_year: int
) -> date:
    month, day = to_int(month_text), to_int(day_text)
    shown_year = f"{year}年" if era is None else _era_label(era, era_year)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateParseError(
            "invalid_date",
            f"{MIN_YEAR}年から{MAX_YEAR}年までの日付を入力してください。",
            f"Please enter a date between {MIN_YEAR} and {MAX_YEAR}.",
        )
    if not 1 <= month <= 12:
        raise DateParseError(
            "invalid_date",
            "月は1から12までです。日付をもう一度ご確認ください。",
            "The month must be between 1 and 12. Please check the date.",
        )
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise DateParseError(
            "invalid_date",
            f"{shown_year}{month}月は{last_day}日までです。日付をもう一度ご確認ください。",
            f"{year}-{month:02d} has {last_day} days. Please check the date.",
        )
    return date(year, month, day)


def _evaluate(match: re.Match[str]) -> date:
    """Return the date of a complete-date match, or raise DateParseError / _NotADate."""
    groups = match.groupdict()
    if groups["c_year"] is not None:
        year = int(groups["c_year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _NotADate
        return _build_date(year, groups["c_month"], groups["c_day"], None, year)
    prefix = "k_" if groups["k_year"] is not None else "n_"
    year, era, era_year = _western_year(
        groups[prefix + "era"], groups[prefix + "year"], numeric=prefix == "n_"
    )
    value = _build_date(
        year, groups[prefix + "month"], groups[prefix + "day"], era, era_year
    )
    if era is not None:
        _check_era(era, value)
    if prefix == "k_":
        for alternative in ("k_a1", "k_a2"):
            if groups[alternative + "year"] is not None:
                _check_alternative_year(groups, alternative, value)
    return value


def _check_alternative_year(
    groups: dict[str, str | None], prefix: str, value: date
) -> None:
    """Check that a bracketed year in the other calendar names the same year."""
    year_text = groups[prefix + "year"]
    if year_text is None:
        return
    era_text = groups[prefix + "era"]
    year = 1 if year_text == FIRST_YEAR else to_int(year_text)
    if era_text is None:
        # Only a four-digit Western year is compared; (60) alone says nothing.
        if year < 1000:
            return
        western = year
    else:
        era = _ERA_LOOKUP[era_text]
        western = era.western_year(year)
    if western != value.year:
        raise DateParseError(
            "invalid_date",
            "西暦と和暦の年が一致しません。日付をもう一度ご確認ください。",
            "The Western year and the era year do not match. Please check the date.",
        )
    if era_text is not None:
        _check_era(_ERA_LOOKUP[era_text], value)


def _scan(text: str) -> tuple[list[_Candidate], bool]:
    """Return the complete-date candidates in `text` and whether a fragment was seen."""
    normalized = normalize(text)
    candidates: list[_Candidate] = []
    has_fragment = False
    for match in _PATTERN.finditer(normalized.text):
        if match.group("fragment") is not None:
            has_fragment = True
            continue
        start, end = normalized.original_span(match.start(), match.end())
        try:
            candidates.append(_Candidate(start, end, _evaluate(match), None))
        except DateParseError as error:
            weak = match.group("c_year") is not None
            candidates.append(_Candidate(start, end, None, error, weak))
        except _NotADate:
            continue
    return candidates, has_fragment


# --- Public functions --------------------------------------------------------------


def find_dates(text: str) -> list[DateSpan]:
    """Return every complete, valid date in `text`, in order of appearance.

    Fragments (4月, 1985年4月), ambiguous and invalid dates are skipped, never raised.
    Offsets index `text` itself, before normalisation.
    """
    candidates, _ = _scan(text)
    return [
        DateSpan(c.start, c.end, text[c.start : c.end], c.value)
        for c in candidates
        if c.value is not None
    ]


def parse_date(text: str) -> date:
    """Return the one date in `text`; surrounding words are allowed.

    The most specific problem wins: a date-like phrase that is not a valid date
    (invalid_date, era_out_of_range, ambiguous_year, unsupported_era) is reported
    first, then two or more different dates (multiple_dates), then fragments
    such as 1985年4月 (incomplete), and otherwise no_date. The same date written twice,
    as in 2021年6月10日（令和3年6月10日）, counts once.

    Raises:
        DateParseError: `text` does not hold exactly one valid date.
    """
    candidates, has_fragment = _scan(text)
    strong = [c.error for c in candidates if c.error is not None and not c.weak]
    if strong:
        raise strong[0]
    values = list(dict.fromkeys(c.value for c in candidates if c.value is not None))
    if len(values) > 1:
        raise DateParseError("multiple_dates")
    if values:
        return values[0]
    weak = [c.error for c in candidates if c.error is not None]
    if weak:
        raise weak[0]
    if has_fragment:
        raise DateParseError("incomplete")
    raise DateParseError("no_date")


def find_date_like(text: str) -> list[tuple[int, int]]:
    """Return the spans of everything in `text` that looks like a date, in order.

    Unlike :func:`find_dates` this keeps impossible and ambiguous dates (2023年2月30日,
    85/4/3) and fragments (昭和60年, 4月3日, 1985/4): what a privacy mask must hide.
    Offsets index `text` itself.
    """
    normalized = normalize(text)
    return [
        normalized.original_span(match.start(), match.end())
        for match in _PATTERN.finditer(normalized.text)
    ]
