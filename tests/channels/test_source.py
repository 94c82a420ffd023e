"""The source line under answers from the city's page (bot/channels/source.py)."""

import asyncio
from typing import Any

import pytest

from bot.channels.source import (
    SOURCE_LINE,
    LineOutputChannel,
    SourcedOutputChannel,
    with_source,
)

URL = "https://www.akitakata.jp/ja/shisei/page-1"


@pytest.mark.parametrize(
    "action", ["utter_faq/what_to_bring", "utter_expiry_result"], ids=["faq", "result"]
)
def test_answers_from_the_page_end_with_the_source(action: str) -> None:
    message = with_source({"text": "答え", "utter_action": action}, URL)
    assert message["text"] == f"答え\n\n{SOURCE_LINE}\n{URL}"
    assert "2024年1月11日更新" in message["text"]


@pytest.mark.parametrize(
    "message",
    [
        {"text": "生年月日を教えてください。", "utter_action": "utter_ask_birth_date"},
        {"text": "こんにちは", "utter_action": "utter_greet"},
        {"text": "ほかの話", "utter_action": "utter_out_of_scope/chitchat"},
        {"text": "", "utter_action": "utter_faq/where"},
        {"text": "from an action without a response"},
    ],
    ids=["question", "greeting", "referral", "no-text", "no-action"],
)
def test_other_messages_are_left_alone(message: dict[str, Any]) -> None:
    assert with_source(message, URL) == message


def test_without_a_url_the_line_stays_short() -> None:
    message = with_source({"text": "答え", "utter_action": "utter_faq/where"}, "")
    assert message["text"] == f"答え\n\n{SOURCE_LINE}"


def test_the_collecting_channels_add_it_and_keep_buttons() -> None:
    for channel in (SourcedOutputChannel(URL), LineOutputChannel(URL)):
        message = {
            "text": "答え",
            "buttons": [{"title": "次へ", "payload": "/next"}],
            "utter_action": "utter_faq/renewal_period",
        }
        asyncio.run(channel.send_response("resident", message))
        [collected] = channel.messages
        assert collected["text"].endswith(URL)
        assert collected["buttons"] == [{"title": "次へ", "payload": "/next"}]
    assert LineOutputChannel.name() == "line"
