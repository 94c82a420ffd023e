"""The sliding-window rate limiter."""

import pytest

from bot.config import ConfigError, Settings
from bot.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_per_key_in_a_sliding_window() -> None:
    clock = Clock()
    limiter = RateLimiter(3, window_seconds=60, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # other keys are not affected
    assert limiter.retry_after("a") == 61
    clock.now += 60.5
    assert limiter.allow("a")


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(5, max_keys=100)
    for i in range(1000):
        limiter.allow(f"sender-{i}")
    assert len(limiter._events) == 100


def test_settings_validate_limits() -> None:
    assert Settings.from_env({"RATE_LIMIT_SENDER": "10"}).rate_limit_sender == 10
    with pytest.raises(ConfigError):
        Settings.from_env({"RATE_LIMIT_SENDER": "0"})
    with pytest.raises(ConfigError):
        Settings.from_env({"RATE_LIMIT_ADDRESS": "many"})


def test_a_flooding_sender_is_told_once_per_window() -> None:
    clock = Clock()
    limiter = RateLimiter(2, window_seconds=60, clock=clock)
    refused = [k for k in range(6) if not limiter.allow("a")]
    told = [limiter.first_refusal("a") for _ in refused]
    assert told == [True, False, False, False]
    clock.now += 61
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.first_refusal("a")
