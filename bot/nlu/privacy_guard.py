"""Rasa components that keep My Numbers and PINs out of the model's view and answers.

``SecretRedactor`` runs first: it masks secrets in the message text (same length, so
offsets stay valid) and adds a ``secret`` entity whose value is only the kind
(``my_number`` or ``pin``). ``SecretIntentOverride`` runs last: a message with a
secret is answered with a warning (intent ``share_secret``), whatever else it says.
The tracker store redacts the stored user text (bot/privacy/tracker_store.py).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.stateless import StatelessComponent
from bot.privacy import find_secrets, redact

SECRET = "secret"
SHARE_SECRET_INTENT = "share_secret"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class SecretRedactor(StatelessComponent):
    """Masks My Numbers and PINs before anything else reads the message."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Mask secrets in each message and mark them with a ``secret`` entity."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            secrets = find_secrets(text)
            if not secrets:
                continue
            masked = redact(text)
            message.set(TEXT, masked)
            entities = [
                {
                    "entity": SECRET,
                    "start": s.start,
                    "end": s.end,
                    "value": s.kind.value,
                    "text": masked[s.start : s.end],
                    "confidence": 1.0,
                    "extractor": type(self).__name__,
                }
                for s in secrets
            ]
            message.set(
                ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True
            )
        return messages


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class SecretIntentOverride(StatelessComponent):
    """Answers any message that held a secret with the privacy warning."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent ``share_secret`` where the redactor found a secret."""
        for message in messages:
            if any(e.get("entity") == SECRET for e in message.get(ENTITIES, [])):
                intent = {
                    INTENT_NAME_KEY: SHARE_SECRET_INTENT,
                    PREDICTED_CONFIDENCE_KEY: 1.0,
                }
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
