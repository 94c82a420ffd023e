"""The privacy components: masking before the model, warning intent after it."""

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from stdnum.jp import in_

from bot.nlu.privacy_guard import SecretIntentOverride, SecretRedactor

MY_NUMBER = "12345678901" + in_.calc_check_digit("12345678901")


def test_my_number_is_masked_and_marked() -> None:
    message = Message(data={TEXT: f"マイナンバーは{MY_NUMBER}です"})
    SecretRedactor().process([message])
    assert MY_NUMBER not in message.get(TEXT)
    assert message.get(TEXT) == "マイナンバーは" + "＊" * 12 + "です"
    [entity] = message.get(ENTITIES)
    assert entity["entity"] == "secret"
    assert entity["value"] == "my_number"
    assert MY_NUMBER not in str(entity)


def test_override_sets_share_secret_intent() -> None:
    message = Message(data={TEXT: "暗証番号は1234です"})
    message.set(INTENT, {"name": "faq", "confidence": 0.9})
    SecretRedactor().process([message])
    SecretIntentOverride().process([message])
    assert message.get(INTENT) == {"name": "share_secret", "confidence": 1.0}


def test_ordinary_messages_are_untouched() -> None:
    message = Message(data={TEXT: "暗証番号を忘れました"})
    message.set(INTENT, {"name": "faq", "confidence": 0.9})
    SecretRedactor().process([message])
    SecretIntentOverride().process([message])
    assert message.get(TEXT) == "暗証番号を忘れました"
    assert message.get(INTENT)["name"] == "faq"
