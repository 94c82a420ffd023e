"""A calendar file (RFC 5545) for the day renewal opens and the expiry day.

Nothing about the resident is stored on the server for it. The chat answer carries a
link whose token holds only the two result dates, encrypted and signed with Fernet
(AES-128-CBC with HMAC-SHA256, from ``cryptography``, which Rasa already installs)
under a key derived from ``CALENDAR_SECRET``; the token carries its creation time and
is refused after ``LINK_LIFETIME``. The web app reads the token and builds the file on
the fly. Neither the birthdate nor the result dates appear in clear in the link.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime, timedelta, timezone

from cryptography.fernet import Fernet, InvalidToken
from icalendar import Calendar, Event

from bot.dates import format_date_ja

LINK_LIFETIME = timedelta(days=30)
PRODID = "-//Akitakata City//My Number e-certificate assistant//JA"
DESK = "本庁市民課または各支所窓口係"
PHONE = "市民部市民課 0826-42-5616"


class CalendarLinkError(ValueError):
    """A calendar token that is forged, damaged or too old."""

    def __init__(self, expired: bool) -> None:
        """Say whether the token was only too old (else forged or damaged)."""
        super().__init__(
            "calendar link expired" if expired else "invalid calendar link"
        )
        self.expired = expired


def _fernet(secret: str) -> Fernet:
    key = hashlib.sha256(b"calendar-link\0" + secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def make_token(opens_on: date, expires_on: date, secret: str, now: datetime) -> str:
    """Return the link token for the two result dates (URL-safe)."""
    payload = f"{opens_on.isoformat()}/{expires_on.isoformat()}".encode("ascii")
    return (
        _fernet(secret)
        .encrypt_at_time(payload, int(now.timestamp()))
        .decode("ascii")
        .rstrip("=")
    )


def read_token(token: str, secret: str, now: datetime) -> tuple[date, date]:
    """Return (renewal opens, expiry) from a token made by :func:`make_token`.

    Raises:
        CalendarLinkError: the token is forged, damaged, or older than LINK_LIFETIME.
    """
    padded = (token + "=" * (-len(token) % 4)).encode("ascii", "replace")
    fernet = _fernet(secret)
    try:
        fernet.extract_timestamp(padded)  # checks the signature only
    except InvalidToken:
        raise CalendarLinkError(expired=False) from None
    try:
        payload = fernet.decrypt_at_time(
            padded, int(LINK_LIFETIME.total_seconds()), int(now.timestamp())
        )
    except InvalidToken:
        raise CalendarLinkError(expired=True) from None
    try:
        opens, expires = payload.decode("ascii").split("/")
        return date.fromisoformat(opens), date.fromisoformat(expires)
    except ValueError:
        raise CalendarLinkError(expired=False) from None


def _event(uid: str, day: date, summary: str, description: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def build_ics(opens_on: date, expires_on: date, now: datetime) -> bytes:
    """Return an iCalendar file with the renewal opening and the expiry day.

    All-day events; the UIDs depend only on the dates, so importing the file twice
    updates the same entries instead of adding copies.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    key = hashlib.sha256(f"{opens_on}/{expires_on}".encode()).hexdigest()[:16]
    expiry = format_date_ja(expires_on)
    calendar.add_component(
        _event(
            f"{key}-renewal-opens@ecert-assistant",
            opens_on,
            "マイナンバーカードの電子証明書：更新手続きの開始日",
            f"この日から電子証明書の更新手続きができます（有効期限は{expiry}）。"
            f"受付：{DESK}。持ち物：マイナンバーカード（暗証番号が必要です）。"
            f"問い合わせ：{PHONE}",
            now,
        )
    )
    calendar.add_component(
        _event(
            f"{key}-expires@ecert-assistant",
            expires_on,
            "マイナンバーカードの電子証明書：有効期限",
            "電子証明書の有効期限の日です。更新がまだの方は"
            f"{DESK}で手続きしてください。問い合わせ：{PHONE}",
            now,
        )
    )
    return bytes(calendar.to_ical())
