"""What the public channels (REST, LINE) do to a message before Rasa sees it.

- **Sender ids**: REST ids are 1-128 of ``[A-Za-z0-9_-]``; LINE hands Rasa
  ``line:<userId>``. A REST id has no ``:``, so it can never name a LINE
  conversation (nor one of another channel that namespaces its ids the same way).
- **Payloads**: Rasa reads a message starting with ``/`` as ``/intent{entities}``
  and skips the NLU: a resident could set any intent and any entity
  (``/inform_date{"date": "2000-01-01"}``). A message starting with ``/`` is kept as
  a payload only if it is exactly ``/<intent>`` for an intent of the model's domain
  (not Rasa's internal ones such as ``/restart``), or ``/<retrieval intent>/<name>``
  with a response ``utter_<retrieval intent>/<name>``; the buttons of the widget and
  LINE's quick replies are such payloads. Anything else loses its leading slashes
  and is understood as text.
- **Secrets**: My Numbers and PINs are masked here, so the raw digits reach neither
  the tracker (stored, sent to the action server) nor any log. Their kinds and
  places go along in the message metadata, where the NLU's privacy guard
  (bot/nlu/privacy_guard.py) turns them into the warning. A message announcing a PIN
  (「暗証番号を言います」) is remembered for ANNOUNCED_SECONDS, and every PIN-like token
  of that conversation's next message is masked as a PIN.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, TypeGuard

from rasa.shared.core.constants import DEFAULT_INTENTS

from bot.channels.expiring import ExpiringKeys
from bot.privacy.detect import (
    SECRETS_METADATA,
    Secret,
    announces_secret,
    find_secrets,
    mask,
)

MAX_SENDER_CHARS = 128
REST_SENDER = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_SENDER_CHARS}}}")
LINE_PREFIX = "line:"
ANNOUNCED_SECONDS = 600.0
MAX_ANNOUNCED = 10_000

_PAYLOAD = re.compile(r"/([A-Za-z0-9_]+)(?:/([A-Za-z0-9_]+))?")


class DomainLike(Protocol):
    """The parts of Rasa's ``Domain`` read here."""

    intents: list[str]
    retrieval_intents: list[str]
    responses: dict[str, Any]


def is_rest_sender(sender: object) -> TypeGuard[str]:
    """Whether ``sender`` is a valid REST sender id (1-128 of A-Z a-z 0-9 _ -)."""
    return isinstance(sender, str) and REST_SENDER.fullmatch(sender) is not None


def line_sender(user_id: str) -> str:
    """The conversation id of a LINE user (never a valid REST sender id)."""
    return LINE_PREFIX + user_id


def is_payload(text: str, domain: DomainLike | None) -> bool:
    """Whether ``text`` is a button payload the domain declares (see the docstring)."""
    match = _PAYLOAD.fullmatch(text.strip())
    if match is None or domain is None:
        return False
    intent, name = match.groups()
    if name is not None:
        return intent in domain.intents and f"utter_{intent}/{name}" in domain.responses
    # Rasa's own intents (restart, session_start …) unless the domain answers them.
    answered = {key.split("/")[0][len("utter_") :] for key in domain.responses}
    internal = set(DEFAULT_INTENTS) - set(domain.retrieval_intents) - answered
    return intent in domain.intents and intent not in internal


def as_text_unless_payload(text: str, domain: DomainLike | None) -> str:
    """``text``, without its leading slashes unless it is a declared payload."""
    if not text.lstrip().startswith("/") or is_payload(text, domain):
        return text
    return text.lstrip().lstrip("/")


def domain_of(app: Any) -> DomainLike | None:
    """The domain of the model the Rasa server (a Sanic ``app``) runs, if loaded."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return getattr(agent, "domain", None)


def secret_metadata(secrets: list[Secret]) -> dict[str, Any]:
    """Message metadata naming the masked secrets' kinds and places (no digits)."""
    return {
        SECRETS_METADATA: [
            {"kind": s.kind.value, "start": s.start, "end": s.end} for s in secrets
        ]
    }


async def screen(
    text: str,
    conversation: str,
    domain: DomainLike | None,
    announced: ExpiringKeys,
) -> tuple[str, dict[str, Any] | None]:
    """Return the text Rasa may see, and the metadata to send with it.

    ``conversation`` is the namespaced sender id; ``announced`` remembers the
    conversations whose last message announced a PIN.
    """
    text = as_text_unless_payload(text, domain)
    pin_expected = await announced.take(conversation)
    secrets = find_secrets(text, pin_expected=pin_expected)
    if not secrets and announces_secret(text):
        await announced.add(conversation)
    if not secrets:
        return text, None
    return mask(text, secrets), secret_metadata(secrets)
