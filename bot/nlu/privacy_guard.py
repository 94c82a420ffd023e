"""Rasa components that keep My Numbers and PINs out of the model's view and answers.

``SecretRedactor`` runs first: it masks secrets in the message text (same length, so
offsets stay valid) and adds a ``secret`` entity whose value is only the kind
(``my_number`` or ``pin``). ``SecretIntentOverride`` runs last: a message with a
secret is answered with a warning (intent ``share_secret``), whatever else it says.
The tracker store redacts the stored user text (bot/privacy/tracker_store.py).

On the public channels the secrets are masked before Rasa sees the message
(bot/channels/screen.py), so that the raw digits are neither stored, sent to the
action server nor logged; the channel names their kinds and places in the message
metadata (``secrets``), and the redactor marks them from there. Other entry points
(the staff shell) are masked here.
"""

from __future__ import annotations

from typing import Any

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
from bot.privacy import find_secrets
from bot.privacy.detect import SECRETS_METADATA, Secret, SecretKind, mask

SECRET = "secret"
SHARE_SECRET_INTENT = "share_secret"
METADATA = "metadata"


def secrets_from_metadata(metadata: Any, length: int) -> list[Secret]:
    """The secrets the channel masked, as it names them in the message metadata."""
    named = metadata.get(SECRETS_METADATA) if isinstance(metadata, dict) else None
    found = []
    for item in named if isinstance(named, list) else []:
        try:
            secret = Secret(
                SecretKind(item["kind"]), int(item["start"]), int(item["end"])
            )
        except (TypeError, KeyError, ValueError):
            continue
        if 0 <= secret.start < secret.end <= length:
            found.append(secret)
    return found


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
            secrets += [
                named
                for named in secrets_from_metadata(message.get(METADATA), len(text))
                if not any(named.start < s.end and s.start < named.end for s in secrets)
            ]
            if not secrets:
                continue
            masked = mask(text, secrets)
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
