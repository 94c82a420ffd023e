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


def _password_hash(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    if not raw.strip().startswith("$argon2"):
        raise ConfigError(
            "STAFF_PASSWORD_HASH must be an argon2 hash "
            "(python -m bot.insights.auth prints one), not a password"
        )
    return raw.strip()


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if raw.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be on or off, got {raw!r}")


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
    # Staff insights (bot/insights): the tracker store to read, the staff page's
    # password hash (argon2; unset = no staff page) and the salt of sender hashes.
    endpoints_file: str = "endpoints.yml"
    staff_password_hash: str | None = None
    insights_salt: bytes = b""
    # Largest request body any public route reads (Rasa's webhooks, the web app):
    # a LINE webhook with a few 5000-character messages, far above a widget message.
    max_body_bytes: int = 64 * 1024
    # The LINE webhook's own cap: LINE batches events (each message up to 5000
    # characters, 30 KB once JSON-escaped) into one signed request.
    line_max_body_bytes: int = 2 * 1024 * 1024
    # The action server: loopback unless configured (it has no authentication).
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    # An action call carries the session's events (at most ~60, each message cut to
    # 2000 characters): far below this; also the cap after inflating a compressed one.
    action_max_body_bytes: int = 4 * 1024 * 1024
    # Conversations whose latest message is older than this are deleted daily.
    retention_days: int = 30
    # OpenAPI documentation (/docs, /redoc, /openapi.json) of the web app.
    web_docs: bool = True
    # Redis of the scale-out profile (the lock store's): LINE redelivery dedupe and
    # announced PINs are shared through it when set, kept in-process otherwise.
    redis_host: str | None = None
    redis_port: int = 6379
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
            endpoints_file=env.get("ENDPOINTS_FILE", cls.endpoints_file),
            staff_password_hash=_password_hash(env.get("STAFF_PASSWORD_HASH")),
            # Unset: a new salt per process (hashes differ after a restart).
            insights_salt=(env.get("INSIGHTS_SALT") or "").encode()
            or secrets.token_bytes(16),
            max_body_bytes=_int(
                env, "MAX_BODY_BYTES", cls.max_body_bytes, 1024, 10_000_000
            ),
            line_max_body_bytes=_int(
                env, "LINE_MAX_BODY_BYTES", cls.line_max_body_bytes, 1024, 10**8
            ),
            action_host=env.get("ACTION_HOST", cls.action_host),
            action_port=_int(env, "ACTION_PORT", cls.action_port, 1, 65535),
            action_max_body_bytes=_int(
                env, "ACTION_MAX_BODY_BYTES", cls.action_max_body_bytes, 1024, 10**9
            ),
            retention_days=_int(env, "RETENTION_DAYS", cls.retention_days, 1, 3650),
            web_docs=_bool(env, "WEB_DOCS", cls.web_docs),
            redis_host=env.get("LOCK_STORE_HOST") or None,
            redis_port=_int(env, "LOCK_STORE_PORT", cls.redis_port, 1, 65535),
            public_web_url=_url(env, "PUBLIC_WEB_URL", cls.public_web_url),
            calendar_secret=env.get("CALENDAR_SECRET") or secrets.token_urlsafe(32),
            calendar_secret_random=not env.get("CALENDAR_SECRET"),
            source_url=_url(env, "SOURCE_URL", "") if env.get("SOURCE_URL") else "",
        )
