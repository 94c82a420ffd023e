"""Keys kept for a while: bounded in size and time here, shared through Redis."""

import asyncio
import uuid

import pytest
import redis

from bot.channels.expiring import LocalKeys, RedisKeys, expiring_keys
from bot.config import Settings


def test_local_keys_are_forgotten_after_the_ttl() -> None:
    now = [0.0]
    keys = LocalKeys(ttl=10, max_keys=100, clock=lambda: now[0])

    async def run() -> list[bool]:
        first = await keys.add("ev-1")
        again = await keys.add("ev-1")
        now[0] = 10.5
        later = await keys.add("ev-1")
        return [first, again, later]

    assert asyncio.run(run()) == [True, False, True]


def test_local_keys_are_bounded_in_number() -> None:
    keys = LocalKeys(ttl=3600, max_keys=100)

    async def run() -> bool:
        for i in range(1000):
            await keys.add(f"ev-{i}")
        return await keys.add("ev-999")

    assert asyncio.run(run()) is False  # the newest are kept
    assert len(keys) == 100
    assert asyncio.run(keys.add("ev-0")) is True  # the oldest were dropped


def test_take_removes_the_key() -> None:
    keys = LocalKeys(ttl=60, max_keys=10)
    asyncio.run(keys.add("k"))
    assert asyncio.run(keys.take("k")) is True
    assert asyncio.run(keys.take("k")) is False


def test_redis_is_used_when_the_scale_out_profile_configures_it() -> None:
    assert isinstance(expiring_keys(Settings(), "x", 60, 10), LocalKeys)
    settings = Settings.from_env(
        {"LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": "6379"}
    )
    assert isinstance(expiring_keys(settings, "x", 60, 10), RedisKeys)


def _redis_or_skip() -> None:
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_two_replicas_share_the_keys_through_redis() -> None:
    _redis_or_skip()
    namespace = f"test-{uuid.uuid4().hex}"

    async def run() -> list[bool]:
        replica_a = RedisKeys("127.0.0.1", 6379, namespace, ttl=60)
        replica_b = RedisKeys("127.0.0.1", 6379, namespace, ttl=60)
        said = [
            await replica_a.add("ev-1"),
            await replica_b.add("ev-1"),  # the redelivery reaches the other one
            await replica_b.add("ev-2"),
        ]
        stored = await replica_a.client.keys(f"ecert:{namespace}:*")
        said.append(all(b"ev-" not in key for key in stored))  # hashed, not as sent
        ttl = await replica_a.client.ttl(stored[0])
        said.append(0 < ttl <= 60)
        await replica_a.client.delete(*stored)
        await replica_a.client.close()
        await replica_b.client.close()
        return said

    assert asyncio.run(run()) == [True, False, True, True, True]


def test_unreachable_redis_answers_rather_than_drops() -> None:
    keys = RedisKeys("127.0.0.1", 1, "down", ttl=60)  # nothing listens on port 1
    assert asyncio.run(keys.add("ev-1")) is True
    assert asyncio.run(keys.take("ev-1")) is False
