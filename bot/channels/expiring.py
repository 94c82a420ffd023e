"""Keys remembered for a while: LINE event ids already handled, announced PINs.

In-process (bounded in size and time) by default; in Redis when ``LOCK_STORE_HOST``
is set (the scale-out profile), so that every replica sees what the others saw and a
restart forgets nothing. Keys are stored hashed: a LINE user id never appears in
Redis as it is.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from bot.config import Settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "ecert:"  # beside the lock store's keys (endpoints.scale.yml key_prefix)


class ExpiringKeys(Protocol):
    """A set of keys, each forgotten ``ttl`` seconds after it was added."""

    async def add(self, key: str) -> bool:
        """Add ``key``; return False if it was already there (a repeat)."""

    async def take(self, key: str) -> bool:
        """Remove ``key``; return whether it was there."""


class LocalKeys:
    """Keys in this process's memory: at most ``max_keys``, each for ``ttl`` seconds."""

    def __init__(
        self,
        ttl: float,
        max_keys: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Remember up to ``max_keys`` keys, the oldest forgotten first."""
        self.ttl = ttl
        self.max_keys = max_keys
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        """How many keys are remembered now."""
        return len(self._expiry)

    def _forget_old(self, now: float) -> None:
        # One ttl for all, so insertion order is expiry order.
        expiry = self._expiry
        while expiry and (
            next(iter(expiry.values())) <= now or len(expiry) > self.max_keys
        ):
            expiry.popitem(last=False)

    async def add(self, key: str) -> bool:
        """Add ``key``; return False if it was already there (a repeat)."""
        now = self._clock()
        self._forget_old(now)
        if key in self._expiry:
            return False
        self._expiry[key] = now + self.ttl
        self._forget_old(now)
        return True

    async def take(self, key: str) -> bool:
        """Remove ``key``; return whether it was there."""
        self._forget_old(self._clock())
        return self._expiry.pop(key, None) is not None


class RedisKeys:
    """Keys in Redis, shared by every replica; Redis expires them after ``ttl``."""

    def __init__(self, host: str, port: int, namespace: str, ttl: float) -> None:
        """Connect lazily (on first use) to Redis at ``host``:``port``."""
        self.client = aioredis.Redis(
            host=host, port=port, socket_timeout=2, socket_connect_timeout=2
        )
        self.prefix = f"{KEY_PREFIX}{namespace}:"
        self.ttl = max(1, int(ttl))

    def _key(self, key: str) -> str:
        return self.prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    async def add(self, key: str) -> bool:
        """Add ``key``; return False if it was already there (a repeat).

        If Redis cannot be reached the key counts as new: answering a redelivered
        event twice is better than never answering.
        """
        try:
            return bool(
                await self.client.set(self._key(key), b"1", nx=True, ex=self.ttl)
            )
        except RedisError as error:
            logger.error(
                "Redis unreachable for %s (%s)", self.prefix, type(error).__name__
            )
            return True

    async def take(self, key: str) -> bool:
        """Remove ``key``; return whether it was there (False if Redis is down)."""
        try:
            return bool(await self.client.delete(self._key(key)))
        except RedisError as error:
            logger.error(
                "Redis unreachable for %s (%s)", self.prefix, type(error).__name__
            )
            return False


def expiring_keys(
    settings: Settings, namespace: str, ttl: float, max_keys: int
) -> ExpiringKeys:
    """Redis keys when Redis is configured (scale-out), else keys in this process."""
    if settings.redis_host:
        return RedisKeys(settings.redis_host, settings.redis_port, namespace, ttl)
    return LocalKeys(ttl, max_keys)
