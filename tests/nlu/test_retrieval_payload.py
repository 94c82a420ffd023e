"""Button payloads /faq/<name> select that FAQ answer."""

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


def test_other_text_is_left_alone() -> None:
    for text in ("/check_expiry", "faq について", "/faq/"):
        message = Message(data={TEXT: text})
        RetrievalPayloadHandler().process([message])
        assert message.get(TEXT) == text
        assert message.get(INTENT) is None
