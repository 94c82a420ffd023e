"""Settings from the environment: the only module that reads ``os.environ``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(ValueError):
    """A setting is missing or malformed; raised at start-up, never on a message."""


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, str(default))
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a port number, got {raw!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{name} must be between 1 and 65535, got {port}")
    return port


@dataclass(frozen=True)
class Settings:
    """Process settings; defaults are the embedded profile of DESIGN.md."""

    web_host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_url: str = "http://localhost:5005"
    timezone: str = "Asia/Tokyo"  # "today" is the Japanese calendar date (RULES.md D1)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ
        return cls(
            web_host=env.get("WEB_HOST", cls.web_host),
            web_port=_port(env, "WEB_PORT", cls.web_port),
            rasa_url=env.get("RASA_URL", cls.rasa_url).rstrip("/"),
        )
