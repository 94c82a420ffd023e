"""Button payloads /faq/<name> and /out_of_scope/<group> select that answer."""

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.retrieval_payload import RetrievalPayloadHandler


def test_faq_payload_selects_the_answer() -> None:
    message = Message(data={TEXT: "/faq/where"})
    RetrievalPayloadHandler().process([message])
    assert message.get(INTENT)["name"] == "faq"
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["utter_action"] == "utter_faq/where"
    assert selected["intent_response_key"] == "faq/where"


@pytest.mark.parametrize(
    ("payload", "referral"),
    [
        ("/out_of_scope/city_other", "utter_out_of_scope/city_other"),
        ("/out_of_scope", "utter_out_of_scope/chitchat"),
    ],
)
def test_out_of_scope_payload_selects_a_referral(payload: str, referral: str) -> None:
    message = Message(data={TEXT: payload})
    RetrievalPayloadHandler().process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"
    selected = message.get("response_selector")["out_of_scope"]["response"]
    assert selected["utter_action"] == referral


def test_other_text_is_left_alone() -> None:
    for text in ("/check_expiry", "faq について", "/faq/", "/faq", "/out_of_scope/"):
        message = Message(data={TEXT: text})
        RetrievalPayloadHandler().process([message])
        assert message.get(TEXT) == text
        assert message.get(INTENT) is None
