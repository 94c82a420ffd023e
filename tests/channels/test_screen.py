"""What the public channels do to a message before Rasa: ids, payloads, secrets."""

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from stdnum.jp import in_

from bot.channels.expiring import LocalKeys
from bot.channels.screen import (
    as_text_unless_payload,
    is_payload,
    is_rest_sender,
    line_sender,
    screen,
)
from bot.nlu.privacy_guard import secrets_from_metadata

MY_NUMBER = "12345678901" + in_.calc_check_digit("12345678901")

# A domain read like the model's: intents, a retrieval intent and its responses,
# and a payload-only intent another feature might add.
DOMAIN = Domain.from_dict(
    {
        "intents": [
            "greet",
            "check_expiry",
            "inform_date",
            "faq",
            "out_of_scope",
            "feedback_useful",
        ],
        "entities": ["date"],
        "responses": {
            "utter_greet": [{"text": "こんにちは"}],
            "utter_faq/where": [{"text": "本庁市民課"}],
            "utter_faq/proxy": [{"text": "代理人"}],
            "utter_out_of_scope/not_on_page": [{"text": "お電話で"}],
        },
    }
)


@pytest.mark.parametrize(
    ("sender", "valid"),
    [
        ("web-6f1c2a9e-4b7d-4c1e-9a57-1f2e3d4c5b6a", True),
        ("faq-1", True),
        ("a" * 128, True),
        ("", False),
        ("a" * 129, False),
        ("line:Uresident", False),  # a LINE conversation, asked for over REST
        ("Uresident ", False),
        ("利用者", False),
        ("x\x00y", False),
        (5, False),
        (None, False),
    ],
)
def test_rest_sender_ids(sender: object, valid: bool) -> None:
    assert is_rest_sender(sender) is valid


def test_line_conversations_are_out_of_reach_of_rest_ids() -> None:
    assert line_sender("Uresident") == "line:Uresident"
    assert not is_rest_sender(line_sender("Uresident"))


@pytest.mark.parametrize(
    ("text", "payload"),
    [
        ("/greet", True),
        ("/check_expiry", True),
        ("/faq/where", True),
        (" /faq/proxy ", True),
        ("/out_of_scope", True),
        ("/out_of_scope/not_on_page", True),
        ("/feedback_useful", True),  # read from the domain, not from a list
        ("/faq/no_such_answer", False),
        ("/greet/where", False),
        ('/inform_date{"date": "2000-01-01"}', False),
        ("/check_expiry@0.9", False),
        ("/restart", False),  # Rasa's internal intents are not the residents'
        ("/session_start", False),
        ("/nlu_fallback", False),
        ("/no_such_intent", False),
        ("/", False),
    ],
)
def test_payloads_must_be_declared(text: str, payload: bool) -> None:
    assert is_payload(text, DOMAIN) is payload


def test_anything_else_starting_with_a_slash_is_text() -> None:
    crafted = '/inform_date{"date": "2000-01-01"}'
    assert (
        as_text_unless_payload(crafted, DOMAIN) == 'inform_date{"date": "2000-01-01"}'
    )
    assert as_text_unless_payload("//restart", DOMAIN) == "restart"
    assert as_text_unless_payload("/faq/where", DOMAIN) == "/faq/where"
    assert as_text_unless_payload("更新は/どこ", DOMAIN) == "更新は/どこ"
    assert as_text_unless_payload("/greet", None) == "greet"  # no model loaded yet


def test_secrets_are_masked_and_named_in_the_metadata() -> None:
    keys = LocalKeys(60, 100)
    text = f"マイナンバーは{MY_NUMBER[:4]}ー{MY_NUMBER[4:8]}ー{MY_NUMBER[8:]}です"
    masked, metadata = asyncio.run(screen(text, "r-1", DOMAIN, keys))
    assert len(masked) == len(text) and not any(c.isdigit() for c in masked)
    assert metadata == {"secrets": [{"kind": "my_number", "start": 7, "end": 21}]}
    [secret] = secrets_from_metadata(metadata, len(masked))
    assert (secret.start, secret.end) == (7, 21)
    assert asyncio.run(screen("更新の持ち物は？", "r-1", DOMAIN, keys)) == (
        "更新の持ち物は？",
        None,
    )


def test_a_pin_in_the_message_after_the_announcement() -> None:
    keys = LocalKeys(60, 100)

    async def conversation() -> list[tuple[str, object]]:
        return [
            await screen("暗証番号を言います", "r-2", DOMAIN, keys),
            await screen("4821", "r-2", DOMAIN, keys),
            await screen("1985", "r-2", DOMAIN, keys),  # only the next message
            await screen("4821", "r-3", DOMAIN, keys),  # another conversation
        ]

    said = asyncio.run(conversation())
    assert said[0] == ("暗証番号を言います", None)
    assert said[1] == ("＊＊＊＊", {"secrets": [{"kind": "pin", "start": 0, "end": 4}]})
    assert said[2] == ("1985", None)
    assert said[3] == ("4821", None)


def test_metadata_that_names_no_real_place_is_ignored() -> None:
    assert (
        secrets_from_metadata({"secrets": [{"kind": "pin", "start": 0, "end": 99}]}, 4)
        == []
    )
    assert (
        secrets_from_metadata({"secrets": [{"kind": "nope", "start": 0, "end": 1}]}, 4)
        == []
    )
    assert secrets_from_metadata({"secrets": "x"}, 4) == []
    assert secrets_from_metadata(None, 4) == []
