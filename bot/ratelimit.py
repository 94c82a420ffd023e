"""A small in-process rate limiter: at most N events per key in a sliding minute.

Memory is bounded: at most ``max_keys`` keys are tracked (the least recently seen are
forgotten first), each with at most ``limit`` timestamps.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class RateLimiter:
    """Sliding-window limiter keyed by sender id or client address."""

    def __init__(
        self,
        limit: int,
        window_seconds: float = 60.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Allow ``limit`` events per ``window_seconds`` for each key."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._told: OrderedDict[str, float] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Record an event for ``key``; return False when it is over the limit."""
        now = self._clock()
        events = self._events.pop(key, None) or deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        allowed = len(events) < self.limit
        if allowed:
            events.append(now)
        self._events[key] = events
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)
        return allowed

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may send again (at least 1)."""
        events = self._events.get(key)
        if not events:
            return 1
        return max(1, int(events[0] + self.window - self._clock()) + 1)

    def first_refusal(self, key: str) -> bool:
        """True once per window for a refused ``key``: tell a flooding sender once."""
        now = self._clock()
        told = self._told.pop(key, None)
        first = told is None or told <= now - self.window
        self._told[key] = now if first or told is None else told
        while len(self._told) > self.max_keys:
            self._told.popitem(last=False)
        return first
