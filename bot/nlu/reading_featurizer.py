"""Character n-grams of the words' readings, so that kana-only input meets its kanji.

Residents type しょうめいしょ or ｼｮｳﾒｲｼｮ for 証明書 and こうしん for 更新. Their
surface forms share no characters, but their readings (``READING`` from the Sudachi
tokenizer: ショウメイショ, コウシン) do. This is Rasa's CountVectorsFeaturizer reading
each token's reading instead of its text; configure it like that one (``char_wb``).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.sudachi_tokenizer import READING


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class ReadingCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Count vectors over the katakana readings of the user's words."""

    def _get_message_tokens_by_attribute(
        self, message: Message, attribute: str
    ) -> list[str]:
        """The readings of the tokens of the user text; other attributes as usual."""
        if attribute != TEXT:
            return super()._get_message_tokens_by_attribute(message, attribute)
        return [
            str(token.get(READING) or token.text)
            for token in message.get(TOKENS_NAMES[attribute]) or []
        ]
