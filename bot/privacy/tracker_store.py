"""SQL tracker store (SQLite or PostgreSQL) that never writes a My Number or PIN.

Rasa stores the user's raw text in each ``user`` event; this store masks secrets in
that text and in the parse data before the event reaches the database.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.detect import find_secrets, redact

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def redact_event(event: Event) -> Event:
    """Return ``event`` with secrets masked in user text (other events unchanged)."""
    if (
        not isinstance(event, UserUttered)
        or not event.text
        or not find_secrets(event.text)
    ):
        return event
    masked = copy.deepcopy(event)
    masked.text = redact(event.text)
    parse_data: dict[str, Any] = masked.parse_data
    parse_data["text"] = masked.text
    for entity in parse_data.get("entities", []):
        if isinstance(entity.get("text"), str):
            entity["text"] = redact(entity["text"])
    return masked


class RedactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose stored user events hold no secrets."""

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """Return the events not yet stored, with secrets masked."""
        return map(redact_event, super()._additional_events(session, tracker))
