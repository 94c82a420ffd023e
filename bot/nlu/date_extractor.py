"""Rasa entity extractor for Japanese dates, wrapping the pure ``bot.dates``.

Emits Duckling-shaped entities: ``date`` with an ISO ``value`` (and a ``role`` of
``birth`` or ``issue`` when the words of the message say so, bot.dates.roles
``message_roles``; the Rasa server fills the slots from them), ``year`` for a year said
alone (a correction such as 「やっぱり平成2年でした」), and ``date_error`` when the
message holds a date that does not exist (平成31年5月1日), with the parser's reason as
value and its Japanese message in ``additional_info``, and ``adult_ward`` when the
holder is said to be an adult ward. Actions read these and never
parse Japanese themselves.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.dates import DateParseError, find_dates, parse_date
from bot.dates.partial import find_year_only
from bot.dates.roles import mentions_adult_ward, message_roles, negated, text_role
from bot.nlu.stateless import StatelessComponent

DATE = "date"
DATE_ERROR = "date_error"
YEAR = "year"
ADULT_WARD = "adult_ward"


def extract_date_entities(text: str) -> list[dict[str, Any]]:
    """Return the date entities of ``text`` (pure; the component adds its name)."""
    entities: list[dict[str, Any]] = []
    # 「昭和45年1月20日じゃなくて7月20日」: the date corrected away is dropped.
    spans = [span for span in find_dates(text) if not negated(text, span)]
    for span, role in zip(spans, message_roles(text, spans), strict=True):
        entity: dict[str, Any] = {
            "entity": DATE,
            "start": span.start,
            "end": span.end,
            "value": span.value.isoformat(),
            "text": span.text,
            "confidence": 1.0,
        }
        if role is not None:
            entity["role"] = role
        entities.append(entity)
    if not spans:
        # A year alone corrects a date given before: 「やっぱり平成2年でした」.
        year = find_year_only(text)
        if year is not None:
            entity = {
                "entity": YEAR,
                "start": 0,
                "end": len(text),
                "value": str(year),
                "text": text,
                "confidence": 1.0,
            }
            role = text_role(text)
            if role is not None:
                entity["role"] = role
            entities.append(entity)
    if mentions_adult_ward(text):
        # The holder is an adult ward: their legal representative applies.
        entities.append(
            {
                "entity": ADULT_WARD,
                "start": 0,
                "end": len(text),
                "value": True,
                "text": text,
                "confidence": 1.0,
            }
        )
    try:
        parse_date(text)
    except DateParseError as error:
        # Only a date that does not exist is worth telling: "no date", "several
        # dates" and fragments (「4月」) are ordinary chat, not errors.
        if error.reason in ("invalid_date", "era_out_of_range", "ambiguous_year"):
            entities.append(
                {
                    "entity": DATE_ERROR,
                    "start": 0,
                    "end": len(text),
                    "value": error.reason,
                    "text": text,
                    "confidence": 1.0,
                    "additional_info": {"message_ja": error.message_ja},
                }
            )
    return entities


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class JapaneseDateExtractor(StatelessComponent, EntityExtractorMixin):
    """Finds 西暦/和暦 dates (漢数字, 全角 included) in user messages."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options."""
        return {}

    def process(self, messages: list[Message]) -> list[Message]:
        """Add date entities to each message."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            extracted = self.add_extractor_name(extract_date_entities(text))
            message.set(
                ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True
            )
        return messages
