"""The source of the answers: the city's page, shown under FAQ answers and results.

The answer texts stay as written (data/nlu/responses/ are training data); the channel
adds one short line to the messages that come from the page, with the page's URL when
``SOURCE_URL`` is set (the bot cannot know where the city publishes it).
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel

# The page's own title and update date (shared/000_63e3bc0fda860859.txt).
SOURCE_LINE = "出典：安芸高田市「電子証明書の発行・更新」（2024年1月11日更新）"
# Responses worded from the page: every FAQ answer and the personal-dates result.
SOURCED_PREFIXES = ("utter_faq/", "utter_expiry_result")


def source_note(source_url: str) -> str:
    """Return the source line, with the page's address when it is known."""
    return f"{SOURCE_LINE}\n{source_url}" if source_url else SOURCE_LINE


def with_source(message: dict[str, Any], source_url: str) -> dict[str, Any]:
    """Return ``message`` with the source line under its text, if it is from the page."""
    action = str(message.get("utter_action") or "")
    text = message.get("text")
    if not text or not action.startswith(SOURCED_PREFIXES):
        return message
    return {**message, "text": f"{text}\n\n{source_note(source_url)}"}


class SourcedOutputChannel(CollectingOutputChannel):  # type: ignore[misc]
    """Collects the bot's messages, adding the source line to answers from the page."""

    def __init__(self, source_url: str = "") -> None:
        """Remember where the page is published ("" when unknown)."""
        super().__init__()
        self.source_url = source_url

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Add the source line, then collect as usual."""
        await super().send_response(recipient_id, with_source(message, self.source_url))


class LineOutputChannel(SourcedOutputChannel):
    """The same for LINE; named ``line`` so responses can have a LINE variant."""

    @classmethod
    def name(cls) -> str:
        """Responses with ``channel: line`` are chosen for this channel."""
        return "line"
