"""Input cleaning and the no-silence guard of the hardened channels."""

import asyncio
import logging
import time

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.rest import (
    MAX_MESSAGE_CHARS,
    NO_ANSWER,
    clean_text,
    handle_within,
    with_fallback,
)


def test_control_and_format_characters_are_dropped() -> None:
    assert clean_text("\x00更新\u200bの\u202e持ち物\x7f\n？") == "更新の持ち物\n？"


def test_long_text_is_cut() -> None:
    assert len(clean_text("あ" * (MAX_MESSAGE_CHARS + 10))) == MAX_MESSAGE_CHARS


def test_emoji_and_japanese_are_kept() -> None:
    assert clean_text("更新😀ｶｰﾄﾞ") == "更新😀ｶｰﾄﾞ"


def _message() -> UserMessage:
    return UserMessage("更新の持ち物は？", CollectingOutputChannel(), "r-1", "rest")


def test_a_slow_answer_is_cancelled_and_reported() -> None:
    cancelled = []

    async def slow(message: UserMessage) -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(message.sender_id)
            raise

    started = time.monotonic()
    assert asyncio.run(handle_within(slow, _message(), 0.2)) is False
    assert time.monotonic() - started < 5
    assert cancelled == ["r-1"]  # Rasa's handling stops and releases its lock


def test_a_failed_handler_is_reported_without_the_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing(message: UserMessage) -> None:
        raise RuntimeError("action server unreachable")

    assert asyncio.run(handle_within(failing, _message(), 5)) is False
    assert "action server unreachable" in caplog.text
    assert "更新の持ち物" not in caplog.text


def test_answers_pass_and_silence_or_failure_gets_the_phone_number() -> None:
    async def answering(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "はい")

    message = _message()
    assert asyncio.run(handle_within(answering, message, 5)) is True
    said = message.output_channel.messages  # type: ignore[attr-defined]
    assert with_fallback(said, True, "r-1") == said
    assert NO_ANSWER in with_fallback([], True, "r-1")[-1]["text"]
    assert [m["text"] for m in with_fallback(said, False, "r-1")] == [NO_ANSWER]


def test_a_failed_custom_action_swallowed_by_rasa_is_noticed() -> None:
    processor = logging.getLogger("rasa.core.processor")

    async def failing_action(message: UserMessage) -> None:
        # What Rasa's processor does when a custom action raises: log and go on.
        try:
            raise ConnectionError("action server unreachable")
        except ConnectionError:
            processor.exception(
                "Encountered an exception while running action 'expiry_form'."
            )
        await message.output_channel.send_text_message(message.sender_id, "ヒント")

    assert asyncio.run(handle_within(failing_action, _message(), 5)) is False

    async def fine(message: UserMessage) -> None:
        processor.info("Some other processor message")
        await message.output_channel.send_text_message(message.sender_id, "はい")

    assert asyncio.run(handle_within(fine, _message(), 5)) is True
