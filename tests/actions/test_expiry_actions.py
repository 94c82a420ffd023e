"""The personal-dates actions, through rasa_sdk's dispatcher and tracker."""

import asyncio
from datetime import date, datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.expiry import ActionComputeExpiry, ActionResetDates, ValidateExpiryForm
from bot.config import Settings
from bot.ics import read_token
from bot.nlu.date_extractor import extract_date_entities

DOMAIN: dict[str, Any] = {
    "slots": {
        "birth_date": {"type": "text", "mappings": [{"type": "from_entity"}]},
        "issue_date": {"type": "text", "mappings": [{"type": "from_entity"}]},
        "adult_ward": {"type": "bool", "mappings": [{"type": "from_entity"}]},
    },
    "forms": {"expiry_form": {"required_slots": ["birth_date", "issue_date"]}},
}


def tracker(
    text: str,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    intent: str = "inform_date",
) -> Tracker:
    return Tracker(
        sender_id="resident",
        slots={
            "birth_date": None,
            "issue_date": None,
            "adult_ward": None,
            "requested_slot": None,
            **(slots or {}),
        },
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": extract_date_entities(text),
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action: Any, t: Tracker) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return events, dispatcher


@pytest.mark.parametrize(
    ("text", "slots", "expected"),
    [
        # The form starts on a date that names no field: its value decides.
        ("昭和60年4月3日", {}, {"birth_date": "1985-04-03"}),
        ("令和3年6月10日", {}, {}),
        (
            "令和4年2月1日でした",
            {"birth_date": "1985-04-03", "issue_date": "2021-06-10"},
            {"issue_date": "2022-02-01"},
        ),
        # Asked for a slot, the Rasa server already gave the date to it.
        ("昭和60年4月3日", {"requested_slot": "birth_date"}, {}),
        # Named dates are the Rasa server's job (domain mappings), not this action's.
        ("生年月日は平成2年4月1日です", {}, {}),
    ],
    ids=["old-date-is-birth", "ambiguous", "after-answer", "asked", "named"],
)
def test_form_extracts_what_the_server_cannot(
    text: str, slots: dict[str, Any], expected: dict[str, Any]
) -> None:
    extracted = {}
    action = ValidateExpiryForm()
    t = tracker(text, slots)
    for slot in ("birth_date", "issue_date"):
        method = getattr(action, f"extract_{slot}")
        extracted.update(asyncio.run(method(CollectingDispatcher(), t, DOMAIN)))
    assert extracted == expected


def test_impossible_date_is_explained_and_fills_nothing() -> None:
    events, dispatcher = run(
        ValidateExpiryForm(),
        tracker("平成31年5月1日", {"requested_slot": "birth_date"}, "expiry_form"),
    )
    assert [e for e in events if e["event"] == "slot" and e["value"]] == []
    assert dispatcher.messages[0]["response"] == "utter_invalid_date"
    assert "平成は31年4月30日まで" in dispatcher.messages[0]["message"]


@pytest.mark.parametrize(
    ("slot", "value", "other", "ok"),
    [
        ("birth_date", "1985-04-03", {}, True),
        ("birth_date", "2030-01-01", {}, False),
        ("issue_date", "2021-06-10", {"birth_date": "1985-04-03"}, True),
        ("issue_date", "2014-06-10", {"birth_date": "1985-04-03"}, False),
        ("issue_date", "2027-01-01", {}, False),
        ("birth_date", "2022-01-01", {"issue_date": "2021-06-10"}, False),
    ],
    ids=[
        "birth-ok",
        "birth-future",
        "issue-ok",
        "issue-before-cards",
        "issue-future",
        "born-after-issue",
    ],
)
def test_form_validation(
    slot: str, value: str, other: dict[str, Any], ok: bool
) -> None:
    action = ValidateExpiryForm()
    dispatcher = CollectingDispatcher()
    validate = getattr(action, f"validate_{slot}")
    result = validate(value, dispatcher, tracker("", other, "expiry_form"), DOMAIN)
    assert result == {slot: value if ok else None}
    assert bool(dispatcher.messages) is not ok
    if not ok:
        assert dispatcher.messages[0]["response"] == "utter_invalid_date"
        assert dispatcher.messages[0]["message"]


def test_compute_expiry_answers_with_both_calendars() -> None:
    events, dispatcher = run(
        ActionComputeExpiry(),
        tracker("", {"birth_date": "1985-04-03", "issue_date": "2021-06-10"}),
    )
    assert events == []
    [message] = dispatcher.messages  # expired: no calendar link
    assert message["response"] == "utter_expiry_result"
    assert message["computed_from"] == (
        "生年月日：1985年4月3日（昭和60年4月3日）、"
        "カードの発行日：2021年6月10日（令和3年6月10日）で計算しました。"
    )
    assert "2026年4月3日（令和8年4月3日）" in message["details"]
    assert "すでに切れています" in message["details"]


def test_compute_expiry_for_a_child_names_the_legal_representative() -> None:
    _, dispatcher = run(
        ActionComputeExpiry(),
        tracker("", {"birth_date": "2015-05-05", "issue_date": "2023-07-01"}),
    )
    assert "法定代理人" in dispatcher.messages[0]["details"]


def test_reset_dates() -> None:
    events, _ = run(ActionResetDates(), tracker("", {"birth_date": "1985-04-03"}))
    assert events == [
        SlotSet("birth_date", None),
        SlotSet("issue_date", None),
        SlotSet("adult_ward", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やっぱり平成2年でした", {"birth_date": "1990-04-03"}),
        ("生まれは昭和61年です", {"birth_date": "1986-04-03"}),
        ("カードを作ったのは2022年でした", {"issue_date": "2022-06-10"}),
        ("発行日は令和4年でした", {"issue_date": "2022-06-10"}),
        ("作ったのは令和3年じゃなくて4年", {"issue_date": "2022-06-10"}),
        ("生まれは昭和六十一年です", {"birth_date": "1986-04-03"}),
    ],
    ids=[
        "year-alone-is-birth",
        "birth-cue",
        "issue-cue",
        "issue-named",
        "negated",
        "kanji",
    ],
)
def test_year_alone_corrects_a_date(text: str, expected: dict[str, Any]) -> None:
    slots = {"birth_date": "1985-04-03", "issue_date": "2021-06-10"}
    events, _ = run(ValidateExpiryForm(), tracker(text, slots))
    slots_set = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert {k: v for k, v in slots_set.items() if k != "requested_slot"} == expected


def test_year_correction_to_a_missing_leap_day_is_explained() -> None:
    slots = {"birth_date": "1996-02-29", "issue_date": "2021-06-10"}
    events, dispatcher = run(
        ValidateExpiryForm(), tracker("やっぱり平成9年でした", slots)
    )
    assert [e for e in events if e["event"] == "slot" and e["value"]] == []
    assert dispatcher.messages[0]["response"] == "utter_invalid_corrected_date"


def test_form_keeps_asking_when_the_answer_held_no_date() -> None:
    t = tracker("平成31年5月1日", {"requested_slot": "birth_date"}, "expiry_form")
    events, _ = run(ValidateExpiryForm(), t)
    assert SlotSet("birth_date", None) in events


def test_form_rejects_other_messages_so_rules_can_answer_them() -> None:
    t = tracker(
        "更新の場所は？", {"requested_slot": "birth_date"}, "expiry_form", intent="faq"
    )
    events, _ = run(ValidateExpiryForm(), t)
    assert not [e for e in events if e["event"] == "slot"]


def test_a_result_to_renew_offers_a_calendar_link_without_the_birthdate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CALENDAR_SECRET", "shared")
    monkeypatch.setenv("PUBLIC_WEB_URL", "https://bot.example.jp")
    monkeypatch.setattr("actions.expiry._settings", lambda: Settings.from_env())
    _, dispatcher = run(
        ActionComputeExpiry(),
        tracker("", {"birth_date": "1970-07-20", "issue_date": "2023-02-01"}),
    )
    result, calendar = dispatcher.messages
    assert "生年月日：1970年7月20日（昭和45年7月20日）" in result["computed_from"]
    assert calendar["response"] == "utter_expiry_calendar"
    url = calendar["calendar_url"]
    assert url.startswith("https://bot.example.jp/calendar/") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert "1970" not in token and "0720" not in token
    now = datetime.now(timezone.utc)
    # 5th birthday after 2023-02-01: 2027-07-20; renewal opens three months before.
    assert read_token(token, "shared", now) == (date(2027, 4, 21), date(2027, 7, 20))
