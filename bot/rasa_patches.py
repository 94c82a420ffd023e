"""Two speed fixes for Rasa 3.6 internals on the message path (issue 11).

Profiled under load (bench/profile_server.py, bench/RESULTS.md), the Rasa server
spent about 60% of its CPU checking the action server's answers: Rasa calls
``jsonschema.validate`` on each answer, which first validates Rasa's own (constant)
schema against the JSON Schema meta-schema, every time. Here the schema is checked
once and its validator kept; each answer is still validated against it, and an
invalid answer raises the same error with the same message.

Rasa also finds the class of each event it reads (from the action server, from the
store) by walking every subclass of ``Event``, about 0.3 ms an event; here the class
is looked up in a table built once (an event type it does not know falls back to
Rasa's walk).

``install()`` runs when the tracker store is loaded (bot/privacy/tracker_store.py),
which both profiles name in their endpoints file, so every Rasa server gets it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_original_resolve_by_type = Event.resolve_by_type


@cache
def event_classes() -> dict[str, type[Event]]:
    """Event classes by type name, first match first (as ``Event.resolve_by_type``)."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def resolve_by_type(
    type_name: str, default: type[Event] | None = None
) -> type[Event] | None:
    """``Event.resolve_by_type`` from the table; Rasa's walk for anything else."""
    found = event_classes().get(type_name)
    if found is not None:
        return found
    walked: type[Event] | None = _original_resolve_by_type(type_name, default)
    return walked


@cache
def action_response_validator() -> Any:
    """The validator of Rasa's action server answer schema, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` without re-checking the schema."""
    error = jsonschema.exceptions.best_match(
        action_response_validator().iter_errors(result)
    )
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        "For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Apply both fixes (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_by_type)
