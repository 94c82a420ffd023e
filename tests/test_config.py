"""Settings from the environment: defaults, and clear errors at start-up."""

import pytest

from bot.config import ConfigError, Settings


def test_defaults_are_the_embedded_profile() -> None:
    settings = Settings.from_env({})
    assert (settings.web_port, settings.rasa_url) == (8000, "http://localhost:5005")


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {"WEB_PORT": "9000", "RASA_URL": "https://bot.example/"}
    )
    assert (settings.web_port, settings.rasa_url) == (9000, "https://bot.example")


@pytest.mark.parametrize("port", ["0", "70000", "eighty", ""])
def test_bad_port_is_a_config_error(port: str) -> None:
    with pytest.raises(ConfigError, match="WEB_PORT"):
        Settings.from_env({"WEB_PORT": port})


def test_answer_timeout_is_read_and_bounded() -> None:
    assert Settings.from_env({}).answer_timeout_seconds == 30
    assert (
        Settings.from_env({"ANSWER_TIMEOUT_SECONDS": "5"}).answer_timeout_seconds == 5
    )
    with pytest.raises(ConfigError, match="ANSWER_TIMEOUT_SECONDS"):
        Settings.from_env({"ANSWER_TIMEOUT_SECONDS": "0"})


def test_security_settings_are_read_and_bounded() -> None:
    default = Settings.from_env({})
    assert (default.max_body_bytes, default.action_host) == (65536, "127.0.0.1")
    assert (default.retention_days, default.web_docs) == (30, True)
    assert default.line_max_body_bytes == 2 * 1024 * 1024
    settings = Settings.from_env(
        {
            "MAX_BODY_BYTES": "20000",
            "ACTION_HOST": "0.0.0.0",
            "RETENTION_DAYS": "7",
            "WEB_DOCS": "off",
        }
    )
    assert (settings.max_body_bytes, settings.action_host) == (20000, "0.0.0.0")
    assert (settings.retention_days, settings.web_docs) == (7, False)
    for name, bad in [
        ("MAX_BODY_BYTES", "10"),
        ("RETENTION_DAYS", "0"),
        ("WEB_DOCS", "maybe"),
    ]:
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: bad})


def test_calendar_secret_is_random_per_process_unless_set() -> None:
    one, two = Settings.from_env({}), Settings.from_env({})
    assert one.calendar_secret_random and one.calendar_secret != two.calendar_secret
    assert len(one.calendar_secret) >= 32
    shared = Settings.from_env({"CALENDAR_SECRET": "s3cret"})
    assert (shared.calendar_secret, shared.calendar_secret_random) == ("s3cret", False)
    assert "s3cret" not in repr(shared)


def test_source_and_public_urls() -> None:
    assert Settings.from_env({}).source_url == ""
    settings = Settings.from_env(
        {"SOURCE_URL": "https://city.example/page/", "PUBLIC_WEB_URL": "https://b.jp/"}
    )
    assert settings.source_url == "https://city.example/page"
    assert settings.public_web_url == "https://b.jp"
    for name in ("SOURCE_URL", "PUBLIC_WEB_URL"):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: "javascript:alert(1)"})
