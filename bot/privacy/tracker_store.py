"""SQL tracker store (SQLite or PostgreSQL): no secrets stored, bounded history.

Rasa stores the user's raw text in each ``user`` event; this store masks secrets in
that text and in the parse data before the event reaches the database.

Rasa reads, deserialises and featurises every event of the current session on every
message, so a long conversation gets slower with each message (measured: 35 ms at the
start, 500 ms after 300 messages; bench/RESULTS.md). The dialogue here is all rules
looking back a few turns, so once a session holds more than MAX_SESSION_EVENTS events
the store appends a compaction: a new ``session_started`` followed by the current slot
values and active form. Rasa loads only the latest session, so the next message starts
from that short state and the time per message stays flat. Older events stay stored.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
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


# About a dozen turns; the policies look back at most five (config.yml).
MAX_SESSION_EVENTS = 60


def compaction_events(tracker: DialogueStateTracker) -> list[Event]:
    """Return events that start a new session holding the tracker's current state."""
    # Later than every event of this turn, so the new session starts after them.
    now = max([time.time()] + [e.timestamp for e in tracker.events]) + 0.001
    events: list[Event] = [SessionStarted(timestamp=now)]
    events += [
        SlotSet(name, slot.value, timestamp=now)
        for name, slot in tracker.slots.items()
        if slot.value is not None and slot.value != slot.initial_value
    ]
    if tracker.active_loop_name:
        events.append(ActiveLoop(tracker.active_loop_name, timestamp=now))
    events.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=now))
    return events


class RedactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with no secrets in user events and a bounded session."""

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """Return the events not yet stored, with secrets masked, then any compaction."""
        new = [redact_event(e) for e in super()._additional_events(session, tracker)]
        if len(tracker.events) > MAX_SESSION_EVENTS and new:
            new += compaction_events(tracker)
        return iter(new)
