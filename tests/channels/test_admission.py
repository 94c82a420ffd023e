"""Messages in progress at once: a few, in order of arrival, none held up for long."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import admission as admission_module
from bot.channels.admission import Admission, messages_in_progress
from bot.channels.rest import handle_within


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_slots_are_handed_over_in_order_of_arrival_without_barging() -> None:
    async def scenario() -> list[str]:
        gate = Admission(1, hold_seconds=60)
        entered: list[str] = []
        release_first = asyncio.Event()

        async def holder(name: str, until: asyncio.Event | None = None) -> None:
            async with gate.turn():
                entered.append(name)
                if until is not None:
                    await until.wait()

        first = asyncio.create_task(holder("a", release_first))
        await _settle()
        waiters = [asyncio.create_task(holder(name)) for name in "bcd"]
        await _settle()
        assert gate.waiting == 3
        # A newcomer arriving just as the slot is released queues behind b, c, d.
        release_first.set()
        newcomer = asyncio.create_task(holder("e"))
        await asyncio.gather(first, *waiters, newcomer)
        return entered

    assert asyncio.run(scenario()) == ["a", "b", "c", "d", "e"]


def test_no_more_than_the_slots_are_in_progress_at_once() -> None:
    async def scenario() -> int:
        gate = Admission(3, hold_seconds=60)
        inside = most = 0

        async def holder() -> None:
            nonlocal inside, most
            async with gate.turn():
                inside += 1
                most = max(most, inside)
                await asyncio.sleep(0.001)
                inside -= 1

        await asyncio.gather(*(holder() for _ in range(40)))
        return most

    assert asyncio.run(scenario()) == 3


def test_a_holder_stuck_past_its_hold_time_lets_the_next_one_in() -> None:
    async def scenario() -> tuple[float, bool]:
        gate = Admission(1, hold_seconds=0.05)
        stuck = asyncio.Event()

        async def hung() -> None:
            async with gate.turn():
                await stuck.wait()  # a hung action server

        first = asyncio.create_task(hung())
        await _settle()
        started = time.monotonic()
        async with gate.turn():
            waited = time.monotonic() - started
        still_inside = not first.done()
        stuck.set()
        await first
        return waited, still_inside

    waited, still_inside = asyncio.run(scenario())
    assert 0.04 < waited < 1.0
    assert still_inside


def test_cancelled_waiters_and_failing_holders_give_their_turn_on() -> None:
    async def scenario() -> list[str]:
        gate = Admission(1, hold_seconds=60)
        entered: list[str] = []
        release_first = asyncio.Event()

        async def failing() -> None:
            async with gate.turn():
                entered.append("a")
                await release_first.wait()
                raise RuntimeError("handler failed")

        async def waiter(name: str) -> None:
            async with gate.turn():
                entered.append(name)

        first = asyncio.create_task(failing())
        await _settle()
        gone = asyncio.create_task(waiter("b"))
        last = asyncio.create_task(waiter("c"))
        await _settle()
        gone.cancel()  # e.g. its answer timeout ran out at the door
        await _settle()
        release_first.set()
        with pytest.raises(RuntimeError):
            await first
        await last
        return entered

    assert asyncio.run(scenario()) == ["a", "c"]


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Admission(0, hold_seconds=1)


def test_the_rest_and_line_channels_share_one_gate() -> None:
    assert messages_in_progress() is messages_in_progress()
    assert admission_module.IN_PROGRESS >= 2


def test_the_wait_at_the_door_counts_towards_the_answer_timeout() -> None:
    async def scenario() -> tuple[bool, bool, float]:
        gate = Admission(1, hold_seconds=60)
        busy = asyncio.Event()

        async def occupying() -> None:
            async with gate.turn():
                await busy.wait()

        async def answering(message: UserMessage) -> None:
            await message.output_channel.send_text_message(message.sender_id, "はい")

        first = asyncio.create_task(occupying())
        await _settle()
        message = UserMessage("更新の持ち物は？", CollectingOutputChannel(), "r-1")
        started = time.monotonic()
        timed_out = await handle_within(answering, message, 0.2, gate)
        elapsed = time.monotonic() - started
        busy.set()
        await first
        answered = await handle_within(answering, message, 5, gate)
        return timed_out, answered, elapsed

    timed_out, answered, elapsed = asyncio.run(scenario())
    assert timed_out is False and elapsed < 2
    assert answered is True
