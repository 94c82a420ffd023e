"""The error raised for date text that cannot be turned into exactly one date."""

from __future__ import annotations

from typing import Literal, get_args

DateErrorReason = Literal[
    "no_date",  # Nothing that looks like a date.
    "ambiguous_year",  # Two-digit year without an era, e.g. 85/4/3.
    "incomplete",  # Year, month or day missing, e.g. 1985年4月, 4月3日.
    "invalid_date",  # No such calendar day or year out of range, e.g. 2023年2月29日.
    "era_out_of_range",  # Day outside its era, e.g. 平成31年5月1日, 令和0年.
    "multiple_dates",  # parse_date was given two or more different dates.
    "unsupported_era",  # Meiji 1-5 (lunisolar calendar).
]

DATE_ERROR_REASONS: tuple[str, ...] = get_args(DateErrorReason)

# Default wording per reason; some errors replace it with a more specific message.
_DEFAULT_MESSAGES: dict[str, tuple[str, str]] = {
    "no_date": (
        "日付が見つかりませんでした。「1985年4月3日」や「昭和60年4月3日」のように入力してください。",
        "No date was found. Please enter a date such as 1985-04-03.",
    ),
    "ambiguous_year": (
        "西暦か和暦か分かりません。「1985年4月3日」や「昭和60年4月3日」のように、"
        "4けたの西暦か元号を付けて入力してください。",
        "The year is ambiguous without an era. Please give a four-digit year or an era "
        "name, e.g. 1985-04-03 or Showa 60-04-03.",
    ),
    "incomplete": (
        "年・月・日がそろっていません。「1985年4月3日」のように、年月日をすべて入力してください。",
        "The date is incomplete. Please give the year, month and day.",
    ),
    "invalid_date": (
        "存在しない日付です。日付をもう一度ご確認ください。",
        "This date does not exist. Please check the date.",
    ),
    "era_out_of_range": (
        "元号と年の組み合わせが正しくありません。日付をもう一度ご確認ください。",
        "The date is outside the range of its era. Please check the date.",
    ),
    "multiple_dates": (
        "日付が複数あります。日付を1つだけ入力してください。",
        "More than one date was found. Please enter only one date.",
    ),
    "unsupported_era": (
        "この元号の日付には対応していません。西暦で入力してください。",
        "Dates in this era are not supported. Please enter the Western year.",
    ),
}


class DateParseError(ValueError):
    """Date text that is missing, incomplete, ambiguous, invalid or not unique.

    Attributes:
        reason: A machine-readable code, one of DATE_ERROR_REASONS.
        message_ja: A short polite message for residents, in Japanese.
        message_en: The same in English; also `str(error)`.
    """

    def __init__(
        self,
        reason: DateErrorReason,
        message_ja: str | None = None,
        message_en: str | None = None,
    ) -> None:
        """Build the error; messages default to the generic wording for `reason`."""
        if reason not in _DEFAULT_MESSAGES:
            raise ValueError(f"unknown date error reason: {reason!r}")
        default_ja, default_en = _DEFAULT_MESSAGES[reason]
        self.reason: DateErrorReason = reason
        self.message_ja: str = message_ja or default_ja
        self.message_en: str = message_en or default_en
        super().__init__(self.message_en)

    def __reduce__(self) -> tuple[type[DateParseError], tuple[str, str, str]]:
        """Pickle with all three fields (the default would pass only the message)."""
        return (type(self), (self.reason, self.message_ja, self.message_en))

    def __repr__(self) -> str:
        """Show the reason and the English message."""
        return f"DateParseError({self.reason!r}, {self.message_en!r})"
