"""Settings from the environment: the only module that reads ``os.environ``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_RATE = 10_000_000  # per minute; anything above means "no limit"


class ConfigError(ValueError):
    """A setting is missing or malformed; raised at start-up, never on a message."""


def _int(
    environ: Mapping[str, str], name: str, default: int, low: int, high: int
) -> int:
    raw = environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _url(environ: Mapping[str, str], name: str, default: str) -> str:
    raw = environ.get(name, default).strip()
    if not raw.startswith(("http://", "https://")) or any(c.isspace() for c in raw):
        raise ConfigError(f"{name} must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


@dataclass(frozen=True)
class Settings:
    """Process settings; defaults are the embedded profile of DESIGN.md."""

    web_host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_url: str = "http://localhost:5005"
    timezone: str = "Asia/Tokyo"  # "today" is the Japanese calendar date (RULES.md D1)
    # Public endpoints: messages per minute from one sender, requests from one address.
    rate_limit_sender: int = 30
    rate_limit_address: int = 300
    # Longest wait for the bot's answer (a slow action server); then a polite note.
    answer_timeout_seconds: int = 30
    # The web app's address as residents reach it (calendar links in chat answers).
    public_web_url: str = "http://localhost:8000"
    # Key of the calendar links (bot/ics.py). Unset: a random one for this process
    # only (calendar_secret_random), so links made by the action server work in the
    # web app only when both share CALENDAR_SECRET (scripts/env.sh makes one per run).
    calendar_secret: str = field(
        default_factory=lambda: secrets.token_urlsafe(32), repr=False
    )
    calendar_secret_random: bool = True
    # Where the city publishes the page the answers come from (shown as their source).
    source_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ
        return cls(
            web_host=env.get("WEB_HOST", cls.web_host),
            web_port=_int(env, "WEB_PORT", cls.web_port, 1, 65535),
            rasa_url=env.get("RASA_URL", cls.rasa_url).rstrip("/"),
            rate_limit_sender=_int(
                env, "RATE_LIMIT_SENDER", cls.rate_limit_sender, 1, MAX_RATE
            ),
            rate_limit_address=_int(
                env, "RATE_LIMIT_ADDRESS", cls.rate_limit_address, 1, MAX_RATE
            ),
            answer_timeout_seconds=_int(
                env, "ANSWER_TIMEOUT_SECONDS", cls.answer_timeout_seconds, 1, 600
            ),
            public_web_url=_url(env, "PUBLIC_WEB_URL", cls.public_web_url),
            calendar_secret=env.get("CALENDAR_SECRET") or secrets.token_urlsafe(32),
            calendar_secret_random=not env.get("CALENDAR_SECRET"),
            source_url=_url(env, "SOURCE_URL", "") if env.get("SOURCE_URL") else "",
        )
