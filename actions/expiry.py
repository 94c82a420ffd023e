"""The personal-dates conversation: fill the two dates, check them, answer."""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.certificate import (
    InvalidAssessmentInput,
    assess,
    validate,
    validate_birthdate,
    validate_issued_on,
)
from bot.certificate.assessment import Assessment
from bot.certificate.explanation import computed_from, details
from bot.clock import today_in
from bot.config import Settings
from bot.dates.roles import BIRTH_SLOT, ISSUE_SLOT, Role, assign_dates, correct_year
from bot.ics import make_token

logger = logging.getLogger(__name__)

# Each date on its own, before the two are checked together.
_SINGLE_DATE_CHECK = {BIRTH_SLOT: validate_birthdate, ISSUE_SLOT: validate_issued_on}


@lru_cache(maxsize=1)
def _settings() -> Settings:
    """Read the environment once, on first use (never at import)."""
    settings = Settings.from_env()
    if settings.calendar_secret_random:
        logger.warning(
            "CALENDAR_SECRET is not set: the web app cannot open the calendar links "
            "this action server makes; give both one shared CALENDAR_SECRET"
        )
    return settings


def calendar_url(result: Assessment, settings: Settings, now: datetime) -> str | None:
    """Return the .ics link for a certificate still to renew, else ``None``."""
    if result.certificate_expired or result.card_expired:
        return None
    token = make_token(
        result.renewal_opens_on,
        result.certificate_expires_on,
        settings.calendar_secret,
        now,
    )
    return f"{settings.public_web_url}/calendar/{token}.ics"


def _entities(tracker: Tracker, name: str) -> list[dict[str, Any]]:
    entities = tracker.latest_message.get("entities", [])
    return [e for e in entities if e.get("entity") == name]


def _dates_in_latest_message(tracker: Tracker) -> list[tuple[date, Role | None]]:
    return [
        (date.fromisoformat(e["value"]), e.get("role"))
        for e in sorted(_entities(tracker, "date"), key=lambda e: e.get("start", 0))
    ]


def _slot_date(tracker: Tracker, slot: str) -> date | None:
    value = tracker.get_slot(slot)
    return date.fromisoformat(value) if isinstance(value, str) else None


def _year_correction(tracker: Tracker) -> dict[str, date]:
    """Return the slot a year said alone corrects (ValueError: no such day)."""
    for year in _entities(tracker, "year")[:1]:
        corrected = correct_year(
            int(year["value"]),
            year.get("role"),
            _slot_date(tracker, BIRTH_SLOT),
            _slot_date(tracker, ISSUE_SLOT),
        )
        return dict([corrected]) if corrected else {}
    return {}


class ValidateExpiryForm(FormValidationAction):
    """Checks each date with the rules engine and re-asks with the reason.

    The Rasa server fills the slots from the date entities and their roles (domain
    ``from_entity`` mappings), without calling this server. Only what the words cannot
    tell is left here: a year said alone that corrects a stored date, and a date that
    names no field when the form starts (its value and the dates known decide).
    """

    def name(self) -> str:
        """Rasa's name for this form's validation action."""
        return "validate_expiry_form"

    @staticmethod
    def _assigned(tracker: Tracker) -> dict[str, date]:
        """Return the slots this message fills that the Rasa server could not fill."""
        dates = _dates_in_latest_message(tracker)
        if dates:
            if tracker.get_slot("requested_slot"):
                return {}  # the server gave an unnamed date to the asked slot
            unnamed: list[tuple[date, Role | None]] = [
                (value, role) for value, role in dates if role is None
            ]
            return assign_dates(
                unnamed, None, birth_known=tracker.get_slot(BIRTH_SLOT) is not None
            )
        try:
            return _year_correction(tracker)
        except ValueError:
            return {}

    async def extract_birth_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take a birthdate the server could not place (year alone, form start)."""
        value = self._assigned(tracker).get(BIRTH_SLOT)
        return {BIRTH_SLOT: value.isoformat()} if value else {}

    async def extract_issue_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take an issuance date the server could not place (year alone, form start)."""
        value = self._assigned(tracker).get(ISSUE_SLOT)
        return {ISSUE_SLOT: value.isoformat()} if value else {}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Validate, and keep the form going when a date was given but not usable.

        Without a slot event for the requested slot Rasa rejects the form, so that
        rules can answer an FAQ or a cancellation inside it. A date that could not be
        used (平成31年5月1日) is not such a case: an explicit ``None`` makes the form
        ask again instead of falling back.
        """
        for error in _entities(tracker, "date_error")[:1]:
            message = error.get("additional_info", {}).get("message_ja")
            if message:
                dispatcher.utter_message(response="utter_invalid_date", message=message)
        if not _entities(tracker, "date"):
            try:
                _year_correction(tracker)
            except ValueError:
                dispatcher.utter_message(response="utter_invalid_corrected_date")
        events = await super().run(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        gave_a_date = tracker.latest_message.get("intent", {}).get(
            "name"
        ) == "inform_date" or any(
            _entities(tracker, name) for name in ("date", "date_error", "year")
        )
        if (
            requested
            and gave_a_date
            and not any(
                e.get("event") == "slot" and e.get("name") == requested for e in events
            )
        ):
            events.append(SlotSet(requested, None))
        return events

    @staticmethod
    def _checked(
        slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """Accept ``value`` for ``slot`` if the rules engine does, with the other date."""
        given = date.fromisoformat(value)
        other = _slot_date(tracker, ISSUE_SLOT if slot == BIRTH_SLOT else BIRTH_SLOT)
        today = today_in()
        try:
            _SINGLE_DATE_CHECK[slot](given, today)
            if other is not None:
                birth, issued = (given, other) if slot == BIRTH_SLOT else (other, given)
                validate(birth, issued, today)
        except InvalidAssessmentInput as error:
            dispatcher.utter_message(
                response="utter_invalid_date", message=error.message_ja
            )
            return {slot: None}
        return {slot: value}

    def validate_birth_date(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accept a birthdate that is not in the future and fits the issuance date."""
        return self._checked(BIRTH_SLOT, value, dispatcher, tracker)

    def validate_issue_date(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accept an issuance date a card can have, after the birthdate."""
        return self._checked(ISSUE_SLOT, value, dispatcher, tracker)


class ActionComputeExpiry(Action):
    """Answers with the resident's dates, worked out by ``bot.certificate``."""

    def name(self) -> str:
        """Rasa's name for this action."""
        return "action_compute_expiry"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Assess the card on today's date and tell the result."""
        birth = _slot_date(tracker, BIRTH_SLOT)
        issued = _slot_date(tracker, ISSUE_SLOT)
        if birth is None or issued is None:
            return []
        try:
            result = assess(
                birth,
                issued,
                today_in(),
                adult_ward=bool(tracker.get_slot("adult_ward")),
            )
        except InvalidAssessmentInput as error:
            dispatcher.utter_message(
                response="utter_invalid_date", message=error.message_ja
            )
            return [SlotSet(ISSUE_SLOT, None)]
        dispatcher.utter_message(
            response="utter_expiry_result",
            computed_from=computed_from(result),
            details=details(result),
        )
        url = calendar_url(result, _settings(), datetime.now(timezone.utc))
        if url is not None:
            dispatcher.utter_message(response="utter_expiry_calendar", calendar_url=url)
        return []


class ActionResetDates(Action):
    """Forgets the resident's dates (cancel, handoff, goodbye)."""

    def name(self) -> str:
        """Rasa's name for this action."""
        return "action_reset_dates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Clear the date slots."""
        return [
            SlotSet(BIRTH_SLOT, None),
            SlotSet(ISSUE_SLOT, None),
            SlotSet("adult_ward", None),
        ]
