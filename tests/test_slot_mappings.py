"""The Rasa server fills the date slots itself (domain.yml mappings, issue 11).

Runs Rasa's own ``action_extract_slots`` on the real domain with the entities of the
date extractor, while any call to the action server fails the test: a message that
needs no custom action never reaches it.
"""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import ActionExtractSlots, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.date_extractor import extract_date_entities

DOMAIN = Domain.load(Path(__file__).resolve().parents[1] / "domain.yml")
BORN, ISSUED = "1970-01-20", "2022-02-01"


@pytest.fixture(autouse=True)
def no_action_server(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the action server was called")

    monkeypatch.setattr(RemoteAction, "run", refuse)


def filled(
    text: str,
    slots: dict[str, Any] | None = None,
    requested: str | None = None,
    intent: str = "inform_date",
) -> dict[str, Any]:
    tracker = DialogueStateTracker.from_events("resident", [], slots=DOMAIN.slots)
    for name, value in (slots or {}).items():
        tracker.update(SlotSet(name, value))
    if requested:
        tracker.update(ActiveLoop("expiry_form"))
        tracker.update(SlotSet("requested_slot", requested))
    tracker.update(
        UserUttered(
            text,
            {"name": intent, "confidence": 1.0},
            extract_date_entities(text),
        )
    )
    events = asyncio.run(
        ActionExtractSlots(None).run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(DOMAIN.responses),
            tracker,
            DOMAIN,
        )
    )
    return {e.key: e.value for e in events if isinstance(e, SlotSet)}


def test_no_slot_needs_the_action_server() -> None:
    for slot in DOMAIN.slots:
        for mapping in slot.mappings:
            assert mapping["type"] != "custom", slot.name
    assert "action_validate_slot_mappings" not in DOMAIN.user_actions


def test_an_faq_fills_nothing() -> None:
    assert filled("更新はどこでできますか", intent="faq") == {}


@pytest.mark.parametrize(
    ("text", "requested", "expected"),
    [
        ("昭和45年1月20日生まれです", "birth_date", {"birth_date": BORN}),
        ("令和4年2月1日", "issue_date", {"issue_date": ISSUED}),
        ("R4.2.1", "issue_date", {"issue_date": ISSUED}),
        # Named corrections win over the slot the form asked for.
        (
            "すみません、生年月日を間違えました。正しくは昭和四十五年七月二十日です",
            "issue_date",
            {"birth_date": "1970-07-20"},
        ),
        ("誕生日は昭和45年7月20日でした", "issue_date", {"birth_date": "1970-07-20"}),
        ("いや、生まれはS45.7.20", "issue_date", {"birth_date": "1970-07-20"}),
        ("カードは令和4年2月1日に作りました", "birth_date", {"issue_date": ISSUED}),
        # A date that fits only the other field still answers the question asked:
        # validation then re-asks with the reason; it never moves to the other slot.
        ("昭和45年1月20日", "issue_date", {"issue_date": BORN}),
    ],
    ids=[
        "asked-birth",
        "asked-issue",
        "abbreviated",
        "kanji-correction",
        "birthday-was",
        "iya-umare",
        "issue-named",
        "wrong-field-stays",
    ],
)
def test_in_the_form(text: str, requested: str, expected: dict[str, Any]) -> None:
    slots = {"birth_date": BORN} if requested == "issue_date" else {}
    assert filled(text, slots, requested) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("いや、生まれは昭和45年7月20日", {"birth_date": "1970-07-20"}),
        ("発行日は令和4年3月1日でした", {"issue_date": "2022-03-01"}),
        (
            "生まれは昭和45年7月20日で、カードは令和4年2月1日です",
            {"birth_date": "1970-07-20", "issue_date": ISSUED},
        ),
        ("S45.7.20 と R4.2.1", {"birth_date": "1970-07-20", "issue_date": ISSUED}),
        # Unnamed and alone, after the answer: the form validation decides.
        ("令和4年3月1日", {}),
        ("成年被後見人の父の分です", {"adult_ward": True}),
    ],
)
def test_after_the_answer(text: str, expected: dict[str, Any]) -> None:
    assert filled(text, {"birth_date": BORN, "issue_date": ISSUED}) == expected
