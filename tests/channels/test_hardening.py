"""Rasa's log of a failed custom action keeps no response body (bot/channels/hardening.py)."""

from __future__ import annotations

import logging
import time

import pytest
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError

from bot.channels.hardening import install_log_scrubbing
from bot.channels.rest import clean_text

# What rasa_sdk answers a failed action with: the request, i.e. the conversation.
BODY = '{"error": "x", "request_body": {"text": "生年月日は昭和60年4月3日です"}}'


def log_a_failed_action() -> None:
    """Log as Rasa's processor does when the action server answers 500."""
    try:
        try:
            raise ClientResponseError(500, "Internal Server Error", BODY)
        except ClientResponseError as error:
            raise RasaException("Failed to execute custom action 'x'") from error
    except RasaException:
        logging.getLogger("rasa.core.processor").exception(
            "Encountered an exception while running action 'x'."
        )


def test_the_processor_log_keeps_the_trace_but_not_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_scrubbing()
    with caplog.at_level(logging.ERROR):
        log_a_failed_action()
    logged = caplog.text + "".join(
        logging.Formatter().format(record) for record in caplog.records
    )
    assert "Encountered an exception while running action 'x'." in logged
    assert "ClientResponseError (status 500)" in logged
    assert "RasaException" in logged and "log_a_failed_action" in logged
    for secret in ("昭和60年", "request_body", "生年月日"):
        assert secret not in logged


def test_text_is_cut_before_it_is_cleaned() -> None:
    # 5 million format characters then a question: cleaning walks only the start.
    flood = "\u200b" * 5_000_000 + "更新の持ち物は？"
    started = time.perf_counter()
    cleaned = clean_text(flood)
    assert time.perf_counter() - started < 0.2  # walking all of it takes seconds
    assert cleaned == ""
    assert clean_text("\x00更新" * 3000) == (
        "更新" * 1000
    )  # cut to 2000 after cleaning
