"""The one error type of the rules engine."""

from __future__ import annotations

from typing import Literal

Field = Literal["birthdate", "issued_on", "today", "application_received_on"]


class InvalidAssessmentInput(ValueError):
    """Input that no real card can have, naming the offending field.

    ``str(error)`` is the English message; ``message_ja`` is shown to residents.
    """

    def __init__(
        self, field: Field, code: str, message_en: str, message_ja: str
    ) -> None:
        super().__init__(message_en)
        self.field = field
        self.code = code
        self.message_en = message_en
        self.message_ja = message_ja
