"""Rasa component that lets buttons carry retrieval answers: ``/faq/<name>``.

Rasa 3.6's payload syntax knows plain intents only; ``/faq/where`` would be parsed as
text. This component, placed last before the privacy override, turns such a payload
into the ``faq`` intent with the ResponseSelector output selecting ``utter_faq/where``,
as if the resident had asked that question. ``/out_of_scope/<group>`` selects that
referral, and a bare ``/out_of_scope`` (the fallback's "none of these") the general one.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.answer_gate import (
    DEFAULT_OUT_OF_SCOPE_KEY,
    FAQ,
    OUT_OF_SCOPE,
    selector_output,
)
from bot.nlu.stateless import StatelessComponent

_PAYLOAD = re.compile(
    r"^\s*/(" + FAQ + "|" + OUT_OF_SCOPE + r")(?:/([A-Za-z0-9_]+))?\s*$"
)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class RetrievalPayloadHandler(StatelessComponent):
    """Resolves ``/faq/<name>`` and ``/out_of_scope/<group>`` button payloads."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace the prediction of each retrieval payload."""
        for message in messages:
            match = _PAYLOAD.match(message.get(TEXT) or "")
            if not match:
                continue
            retrieval_intent, name = match.groups()
            if name is None and retrieval_intent == FAQ:
                continue  # "/faq" alone names no answer: leave it to Rasa
            key = f"{retrieval_intent}/{name}" if name else DEFAULT_OUT_OF_SCOPE_KEY
            intent = {INTENT_NAME_KEY: retrieval_intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            if name:
                # Without the leading slash Rasa's own payload parser leaves it alone.
                message.set(TEXT, key)
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            ranking = [(key, 1.0)]
            faq_key = key if retrieval_intent == FAQ else None
            oos_key = key if retrieval_intent == OUT_OF_SCOPE else None
            message.set(
                RESPONSE_SELECTOR_PROPERTY_NAME,
                selector_output(faq_key, oos_key, {retrieval_intent: ranking}),
                add_to_output=True,
            )
        return messages
