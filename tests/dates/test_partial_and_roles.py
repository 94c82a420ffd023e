"""Years said alone, and which date a message means (birth or card issuance)."""

from datetime import date

import pytest

from bot.dates import find_dates
from bot.dates.partial import find_year_only
from bot.dates.roles import (
    assign_dates,
    correct_year,
    date_role,
    mentions_adult_ward,
    message_roles,
    negated,
    text_role,
)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("やっぱり平成2年でした", 1990),
        ("平成２年", 1990),
        ("へいせい2ねんです", 1990),
        ("平成二年", 1990),
        ("令和元年", 2019),
        ("1990年です", 1990),
        ("平成2年4月1日", None),
        ("2021年6月", None),
        ("平成32年", None),
        ("昭和60年と平成2年", None),
        ("こんにちは", None),
    ],
)
def test_find_year_only(text: str, year: int | None) -> None:
    assert find_year_only(text) == year


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("昭和60年4月3日生まれで、令和3年6月10日に発行されました", ["birth", "issue"]),
        ("生年月日は1985/4/3です", ["birth"]),
        ("R3.6.10に作りました", ["issue"]),
        ("発行日：令和3年6月10日", ["issue"]),
        ("平成2年4月1日", [None]),
    ],
)
def test_date_role(text: str, roles: list[str | None]) -> None:
    assert [date_role(text, span) for span in find_dates(text)] == roles


def test_text_role() -> None:
    assert text_role("生まれた年が違いました") == "birth"
    assert text_role("発行した年が違いました") == "issue"
    assert text_role("違いました") is None


BORN, ISSUED = date(1985, 4, 3), date(2021, 6, 10)


@pytest.mark.parametrize(
    ("dates", "requested", "birth_known", "expected"),
    [
        ([(BORN, None)], "birth_date", False, {"birth_date": BORN}),
        ([(ISSUED, None)], "issue_date", True, {"issue_date": ISSUED}),
        ([(ISSUED, "issue")], "birth_date", False, {"issue_date": ISSUED}),
        (
            [(ISSUED, None), (BORN, None)],
            None,
            False,
            {"birth_date": BORN, "issue_date": ISSUED},
        ),
        ([(BORN, None)], None, False, {"birth_date": BORN}),
        ([(ISSUED, None)], None, True, {"issue_date": ISSUED}),
        ([(ISSUED, None)], None, False, {}),
    ],
    ids=[
        "requested-birth",
        "requested-issue",
        "role-wins",
        "two-by-order",
        "old-is-birth",
        "after-birth-known",
        "ambiguous",
    ],
)
def test_assign_dates(dates, requested, birth_known, expected) -> None:  # type: ignore[no-untyped-def]
    assert assign_dates(dates, requested, birth_known) == expected


def test_correct_year() -> None:
    assert correct_year(1990, None, BORN, ISSUED) == ("birth_date", date(1990, 4, 3))
    assert correct_year(2022, None, BORN, ISSUED) == ("issue_date", date(2022, 6, 10))
    assert correct_year(2022, "birth", BORN, ISSUED) == ("birth_date", date(2022, 4, 3))
    assert correct_year(1990, None, None, None) is None
    with pytest.raises(ValueError, match="does not exist"):
        correct_year(1997, "birth", date(1996, 2, 29), ISSUED)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("作ったのは平成29年じゃなくて30年", 2018),
        ("平成２９年ではなく３０年です", 2018),
        ("平成三十年じゃなくて令和元年でした", 2019),
        ("2017年じゃなくて2018年", 2018),
        ("平成30年じゃなくて32年", None),  # 平成 ended in its 31st year
    ],
    ids=["era-kept", "full-width", "new-era", "western", "out-of-era"],
)
def test_corrected_year_is_the_one_after_the_negation(
    text: str, year: int | None
) -> None:
    assert find_year_only(text) == year


def roles_of(text: str) -> list[str | None]:
    spans = [span for span in find_dates(text) if not negated(text, span)]
    return message_roles(text, spans)


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        # The field is named away from the date, in another sentence.
        (
            "すみません、生年月日を間違えました。正しくは昭和四十五年七月二十日です",
            ["birth"],
        ),
        ("誕生日は昭和45年7月20日でした", ["birth"]),
        ("いや、生まれはS45.7.20", ["birth"]),
        ("発行日、間違えました。令和4年2月1日です", ["issue"]),
        ("カードは令和4年2月1日に作りました", ["issue"]),
        # Both fields named: the message does not say which date is which.
        ("生年月日と発行日を間違えました。令和4年2月1日です", [None]),
        ("令和4年2月1日です", [None]),
        # 更新 names the procedure, not a date.
        ("更新したいので。昭和45年7月20日です", [None]),
        # Two dates: one named, the other is the other field.
        ("生まれは昭和45年7月20日で、カードは令和4年2月1日です", ["birth", "issue"]),
        ("令和4年2月1日に作ったカードで、昭和45年7月20日です", ["issue", "birth"]),
        # Two unnamed dates: the earlier is the birthdate, whatever the order.
        ("R4.2.1 と S45.7.20", ["issue", "birth"]),
        # The date corrected away is dropped.
        ("昭和45年1月20日じゃなくて昭和45年7月20日です", [None]),
        ("生年月日は昭和45年1月20日ではなく昭和45年7月20日です", ["birth"]),
    ],
)
def test_message_roles(text: str, roles: list[str | None]) -> None:
    assert roles_of(text) == roles


def test_negated_keeps_the_right_date() -> None:
    text = "昭和45年1月20日じゃなくて昭和45年7月20日です"
    kept = [span.value for span in find_dates(text) if not negated(text, span)]
    assert kept == [date(1970, 7, 20)]


def test_adult_ward_is_noticed() -> None:
    assert mentions_adult_ward("成年被後見人の父の分です")
    assert mentions_adult_ward("後見人をしています")
    assert not mentions_adult_ward("父の分です")
