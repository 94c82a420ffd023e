"""The Japanese "did you mean ...?" step of the two-stage fallback."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import TITLES, ActionDefaultAskAffirmation, suggestions

PARSE = {
    "text": "だいりのひと",
    "intent": {"name": "nlu_fallback", "confidence": 0.3},
    "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "faq", "confidence": 0.25},
        {"name": "check_expiry", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ],
    "response_selector": {
        "faq": {
            "ranking": [
                {"intent_response_key": "faq/proxy", "confidence": 0.5},
                {"intent_response_key": "faq/proxy_lost_form", "confidence": 0.3},
                {"intent_response_key": "faq/where", "confidence": 0.1},
            ]
        }
    },
}


def test_suggestions_follow_the_ranking() -> None:
    assert suggestions(PARSE) == ["faq/proxy", "faq/proxy_lost_form", "check_expiry"]


def test_buttons_in_japanese_with_a_way_out() -> None:
    tracker = Tracker("r", {}, PARSE, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, tracker, {}))
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_affirmation"
    assert [b["payload"] for b in message["buttons"]] == [
        "/faq/proxy",
        "/faq/proxy_lost_form",
        "/check_expiry",
        "/out_of_scope",
    ]


def test_titles_fit_line_quick_replies() -> None:
    assert all(len(title) <= 20 for title in TITLES.values())
