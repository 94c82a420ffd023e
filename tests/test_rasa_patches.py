"""Rasa's speed fixes: same answers as Rasa's own code, without its repeated work."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

import bot.privacy.tracker_store  # noqa: F401  (installs the fixes, as the server does)
from bot import rasa_patches

ANSWER = {
    "events": [
        {
            "event": "slot",
            "name": "birth_date",
            "value": "1985-04-03",
            "timestamp": None,
        },
        {"event": "active_loop", "name": "expiry_form"},
    ],
    "responses": [{"text": "発行された日を教えてください。"}],
}


def test_the_server_uses_the_fixes() -> None:
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
    assert Event.resolve_by_type("slot") is rasa_patches.event_classes()["slot"]


def test_an_action_answer_is_validated_without_checking_the_schema_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rasa_patches.action_response_validator()  # built (and its schema checked) once
    checks: list[Any] = []
    validator_class = type(rasa_patches.action_response_validator())
    monkeypatch.setattr(
        validator_class, "check_schema", classmethod(lambda cls, s: checks.append(s))
    )
    action = RemoteAction("validate_expiry_form", None)
    for _ in range(3):
        assert action._validate_action_result(ANSWER)
    # jsonschema.validate (Rasa's code) checks the schema on every call.
    jsonschema.validate(ANSWER, RemoteAction.action_response_format_spec())
    assert len(checks) == 1


@pytest.mark.parametrize(
    "answer",
    [
        {"events": [{"event": "slot"}]},  # a slot event without a name
        {"events": [{"name": "x"}]},  # an event without its type
        {"events": "slot"},
        {"responses": ["text"]},
    ],
)
def test_an_invalid_action_answer_fails_as_in_rasa(answer: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as ours:
        RemoteAction("validate_expiry_form", None)._validate_action_result(answer)
    assert ours.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in ours.value.message


@pytest.mark.parametrize(
    "type_name", sorted({cls.type_name for cls in all_subclasses(Event)})
)
def test_event_classes_are_the_ones_rasa_finds(type_name: str) -> None:
    walked = rasa_patches._original_resolve_by_type(type_name)
    assert rasa_patches.resolve_by_type(type_name) is walked


def test_unknown_event_types_behave_as_in_rasa() -> None:
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
