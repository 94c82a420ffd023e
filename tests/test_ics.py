"""Calendar links and files (bot/ics.py): signed, expiring, nothing personal in clear."""

from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from bot.ics import LINK_LIFETIME, CalendarLinkError, build_ics, make_token, read_token

OPENS, EXPIRES = date(2026, 4, 21), date(2026, 7, 20)
NOW = datetime(2026, 1, 10, 3, 0, tzinfo=timezone.utc)
SECRET = "test-secret"


def test_token_round_trip() -> None:
    token = make_token(OPENS, EXPIRES, SECRET, NOW)
    assert read_token(token, SECRET, NOW + timedelta(days=29)) == (OPENS, EXPIRES)


def test_token_is_url_safe_and_holds_no_date_in_clear() -> None:
    token = make_token(OPENS, EXPIRES, SECRET, NOW)
    assert all(c.isalnum() or c in "-_" for c in token)
    for needle in ("2026", "0720", "07-20", "0421", "1970"):
        assert needle not in token
    # Two links for the same dates differ (random IV): they cannot be matched up.
    assert make_token(OPENS, EXPIRES, SECRET, NOW) != token


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
        lambda t: t[:40] + ("x" if t[40] != "x" else "y") + t[41:],
        lambda t: "",
        lambda t: "not a token at all",
        lambda t: t + "ü",
    ],
    ids=["signature", "body", "empty", "garbage", "non-ascii"],
)
def test_forged_or_damaged_tokens_are_refused(tamper) -> None:  # type: ignore[no-untyped-def]
    token = make_token(OPENS, EXPIRES, SECRET, NOW)
    with pytest.raises(CalendarLinkError) as caught:
        read_token(tamper(token), SECRET, NOW)
    assert not caught.value.expired


def test_another_secret_is_refused() -> None:
    token = make_token(OPENS, EXPIRES, SECRET, NOW)
    with pytest.raises(CalendarLinkError) as caught:
        read_token(token, "another-secret", NOW)
    assert not caught.value.expired


def test_an_old_link_is_refused_as_expired() -> None:
    token = make_token(OPENS, EXPIRES, SECRET, NOW)
    with pytest.raises(CalendarLinkError) as caught:
        read_token(token, SECRET, NOW + LINK_LIFETIME + timedelta(minutes=1))
    assert caught.value.expired


def test_ics_parses_back_with_both_all_day_events() -> None:
    raw = build_ics(OPENS, EXPIRES, NOW)
    calendar = Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [OPENS, EXPIRES]
    assert [e.decoded("DTEND") for e in events] == [
        OPENS + timedelta(days=1),
        EXPIRES + timedelta(days=1),
    ]
    assert "更新手続きの開始日" in str(events[0]["SUMMARY"])
    assert "有効期限" in str(events[1]["SUMMARY"])
    assert "0826-42-5616" in str(events[0]["DESCRIPTION"])
    # RFC 5545 3.6.1: UID and DTSTAMP are required; the UIDs differ per event and
    # stay the same for the same dates (importing twice updates, not duplicates).
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 2
    again = Calendar.from_ical(build_ics(OPENS, EXPIRES, NOW + timedelta(days=1)))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids
    assert all(e.get("DTSTAMP") for e in events)
    # RFC 5545 3.1: lines end with CRLF and are folded at 75 octets.
    assert raw.count(b"\r\n") == raw.count(b"\n")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
