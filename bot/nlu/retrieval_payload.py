"""Rasa component that lets buttons carry FAQ answers: payload ``/faq/<name>``.

Rasa 3.6's payload syntax knows plain intents only; ``/faq/where`` would be parsed as
text. This component, placed after the ResponseSelector, turns such a payload into the
``faq`` intent with the ResponseSelector output selecting ``utter_faq/where``, as if
the resident had asked that question. It must know the FAQ names, so it reads them
from the training data's responses.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.stateless import StatelessComponent

RETRIEVAL_INTENT = "faq"
_PAYLOAD = re.compile(r"^\s*/" + RETRIEVAL_INTENT + r"/([A-Za-z0-9_]+)\s*$")


def selector_output(key: str) -> dict[str, Any]:
    """Return the ResponseSelector output that picks ``utter_faq/<key>``."""
    full = f"{RETRIEVAL_INTENT}/{key}"
    prediction = {
        RESPONSE_SELECTOR_RESPONSES_KEY: None,
        PREDICTED_CONFIDENCE_KEY: 1.0,
        INTENT_RESPONSE_KEY: full,
        RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{full}",
    }
    return {
        RESPONSE_SELECTOR_RETRIEVAL_INTENTS: [RETRIEVAL_INTENT],
        RETRIEVAL_INTENT: {
            RESPONSE_SELECTOR_PREDICTION_KEY: prediction,
            RESPONSE_SELECTOR_RANKING_KEY: [
                {PREDICTED_CONFIDENCE_KEY: 1.0, INTENT_RESPONSE_KEY: full}
            ],
        },
    }


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class RetrievalPayloadHandler(StatelessComponent):
    """Resolves ``/faq/<name>`` button payloads to the FAQ answer."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace the prediction of each ``/faq/<name>`` payload."""
        for message in messages:
            match = _PAYLOAD.match(message.get(TEXT) or "")
            if not match:
                continue
            key = match.group(1)
            intent = {INTENT_NAME_KEY: RETRIEVAL_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            # Without the leading slash Rasa's own payload parser leaves it alone.
            message.set(TEXT, f"{RETRIEVAL_INTENT}/{key}")
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            message.set(
                RESPONSE_SELECTOR_PROPERTY_NAME,
                selector_output(key),
                add_to_output=True,
            )
        return messages
