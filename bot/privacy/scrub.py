"""Tracebacks for logs without exception messages (they may hold what a resident typed).

An exception's message can carry personal data: ``date.fromisoformat`` names the
string it could not read, aiohttp's ``ClientResponseError`` holds a whole response
body. Code locations and exception types are enough to find a bug.
"""

from __future__ import annotations

import traceback


def scrubbed_traceback(error: BaseException) -> str:
    """The traceback of ``error`` and its causes: code locations and types only."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    parts = []
    for exc in reversed(chain):
        status = getattr(exc, "status", None)
        suffix = f" (status {status})" if isinstance(status, int) else ""
        parts.append(
            "Traceback (most recent call last):\n"
            + "".join(traceback.format_tb(exc.__traceback__))
            + f"{type(exc).__module__}.{type(exc).__qualname__}{suffix} "
            "[message withheld: it may hold what a resident typed]"
        )
    return "\n\nThe above exception was followed by:\n\n".join(parts)
