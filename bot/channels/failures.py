"""Notice when Rasa swallows a failed custom action while it handles a message.

When a custom action fails (the action server down, or an error in it), Rasa's
processor logs the exception and goes on predicting as if the action had run; the
answer it then gives can make no sense without the action (an FAQ's follow-up hint
instead of the dates). Rasa offers no hook for this, so a logging filter on the
processor's logger marks the message being handled (a context variable that the
channel sets), and the channel answers with the polite note and phone number instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PROCESSOR_LOGGER = "rasa.core.processor"
FAILED_ACTION = "Encountered an exception while running action"

_failures: ContextVar[list[str] | None] = ContextVar("failed_actions", default=None)


class _FailedActionFilter(logging.Filter):
    """Record the failed action for the message being handled; drop no log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        failures = _failures.get()
        if failures is not None and str(record.msg).startswith(FAILED_ACTION):
            failures.append(record.getMessage())
        return True


_FILTER = _FailedActionFilter()


@contextmanager
def watching_actions() -> Iterator[list[str]]:
    """Collect the custom actions that fail while the block handles one message."""
    processor_logger = logging.getLogger(PROCESSOR_LOGGER)
    if _FILTER not in processor_logger.filters:
        processor_logger.addFilter(_FILTER)
    failures: list[str] = []
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)
