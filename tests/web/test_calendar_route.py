"""GET /calendar/{token}.ics: the file from a signed link, nothing stored."""

from datetime import date, datetime, timedelta, timezone

from fastapi.testclient import TestClient
from icalendar import Calendar

from bot.config import MAX_RATE, Settings
from bot.ics import LINK_LIFETIME, make_token
from bot.web import create_app

SETTINGS = Settings(rate_limit_address=MAX_RATE, calendar_secret="shared-secret")
OPENS, EXPIRES = date(2026, 4, 21), date(2026, 7, 20)


def client() -> TestClient:
    return TestClient(create_app(SETTINGS))


def token(secret: str = "shared-secret", age: timedelta = timedelta(0)) -> str:
    return make_token(OPENS, EXPIRES, secret, datetime.now(timezone.utc) - age)


def test_a_signed_link_gives_the_calendar_file() -> None:
    response = client().get(f"/calendar/{token()}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    assert "no-store" in response.headers["cache-control"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [OPENS, EXPIRES]


def test_a_link_signed_with_another_secret_is_404_in_japanese() -> None:
    response = client().get(f"/calendar/{token('other-secret')}.ics")
    assert response.status_code == 404
    assert "正しくありません" in response.json()["message_ja"]


def test_an_old_link_is_410_and_says_how_to_get_a_new_one() -> None:
    old = token(age=LINK_LIFETIME + timedelta(hours=1))
    response = client().get(f"/calendar/{old}.ics")
    assert response.status_code == 410
    assert "新しいリンク" in response.json()["message_ja"]


def test_an_oversized_token_is_refused_without_decrypting() -> None:
    assert client().get(f"/calendar/{'A' * 5000}.ics").status_code == 404
