"""The answer gate: answer, refer or ask, from the classifiers' rankings."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.answer_gate import (
    GATE_OUTPUT,
    AnswerGate,
    Decision,
    GateConfig,
    blend,
    decide,
    gives_dates,
    only_dates,
    rankings,
    second_opinion,
)
from bot.nlu.date_extractor import extract_date_entities
from bot.nlu.second_opinion import SECOND_OPINION

STRICT = GateConfig(
    intent_threshold=0.5,
    intent_ambiguity=0.1,
    faq_threshold=0.6,
    faq_margin=0.2,
    oos_veto=0.3,
)
FAQ_SELECTOR = {
    "faq": [("faq/pin", 0.9), ("faq/face_auth_card", 0.05)],
    "out_of_scope": [("out_of_scope/city_other", 0.7), ("out_of_scope/chitchat", 0.3)],
}


@pytest.mark.parametrize(
    ("intents", "selectors", "expected"),
    [
        # A clear FAQ is answered.
        (
            [("faq", 0.95), ("out_of_scope", 0.03)],
            FAQ_SELECTOR,
            Decision("answer", "faq", "faq/pin", "faq"),
        ),
        # A clear out-of-scope question is referred with its group's answer.
        (
            [("out_of_scope", 0.9), ("faq", 0.05)],
            FAQ_SELECTOR,
            Decision("refer", "out_of_scope", "out_of_scope/city_other", "intent"),
        ),
        # Unsure intent: ask.
        (
            [("faq", 0.45), ("check_expiry", 0.3)],
            FAQ_SELECTOR,
            Decision("ask", "nlu_fallback", None, "intent_threshold"),
        ),
        # Two intents close together: ask.
        (
            [("faq", 0.52), ("out_of_scope", 0.46)],
            FAQ_SELECTOR,
            Decision("ask", "nlu_fallback", None, "intent_ambiguity"),
        ),
        # The FAQ answer itself is unsure: ask.
        (
            [("faq", 0.95)],
            {"faq": [("faq/pin", 0.5), ("faq/proxy", 0.1)]},
            Decision("ask", "nlu_fallback", None, "faq_threshold"),
        ),
        # Two FAQ answers close together: ask "A or B?".
        (
            [("faq", 0.95)],
            {"faq": [("faq/pin", 0.62), ("faq/face_auth_card", 0.45)]},
            Decision("ask", "nlu_fallback", None, "faq_margin"),
        ),
        # One selector over both: it sees out-of-scope groups behind an FAQ.
        (
            [("faq", 0.95)],
            {
                "default": [
                    ("faq/what_to_bring", 0.65),
                    ("out_of_scope/city_other", 0.2),
                    ("out_of_scope/mynumber_other", 0.15),
                ]
            },
            Decision(
                "refer",
                "out_of_scope",
                "out_of_scope/city_other",
                "selector_out_of_scope",
            ),
        ),
        # Task intents pass through.
        (
            [("check_expiry", 0.9), ("faq", 0.05)],
            FAQ_SELECTOR,
            Decision("answer", "check_expiry", None, "intent"),
        ),
        # Out of scope without a group: the general referral.
        (
            [("out_of_scope", 0.9)],
            {"faq": [("faq/pin", 0.9)]},
            Decision("refer", "out_of_scope", "out_of_scope/chitchat", "intent"),
        ),
    ],
    ids=[
        "clear-faq",
        "clear-oos",
        "low-intent",
        "ambiguous-intent",
        "low-faq",
        "close-faqs",
        "selector-veto",
        "task",
        "oos-no-group",
    ],
)
def test_decide(intents, selectors, expected) -> None:
    assert decide(intents, selectors, STRICT) == expected


def test_all_thresholds_off_answers_everything() -> None:
    off = GateConfig(0, 0, 0, 0, 1.01)
    decision = decide([("faq", 0.2), ("out_of_scope", 0.19)], FAQ_SELECTOR, off)
    assert decision == Decision("answer", "faq", "faq/pin", "faq")


def _message(intents, selectors) -> Message:
    ranking = [{"name": n, "confidence": c} for n, c in intents]
    return Message(
        data={
            "text": "x",
            INTENT: ranking[0],
            INTENT_RANKING_KEY: ranking,
            "response_selector": {
                "all_retrieval_intents": list(selectors),
                **{
                    name: {
                        "response": {"intent_response_key": r[0][0]},
                        "ranking": [
                            {"intent_response_key": k, "confidence": c} for k, c in r
                        ],
                    }
                    for name, r in selectors.items()
                },
            },
        }
    )


def test_component_refers_and_sets_both_selector_keys() -> None:
    gate = AnswerGate(STRICT)
    message = _message([("out_of_scope", 0.9), ("faq", 0.1)], FAQ_SELECTOR)
    gate.process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"
    selected = message.get("response_selector")
    assert selected["out_of_scope"]["response"]["utter_action"] == (
        "utter_out_of_scope/city_other"
    )
    assert selected["faq"]["response"]["intent_response_key"] == "faq/pin"
    assert message.get(GATE_OUTPUT)["action"] == "refer"


def test_component_asks_with_nlu_fallback_first_and_keeps_the_rest() -> None:
    gate = AnswerGate(STRICT)
    selectors = {"faq": [("faq/pin", 0.55), ("faq/face_auth_card", 0.45)]}
    message = _message([("faq", 0.95), ("out_of_scope", 0.05)], selectors)
    gate.process([message])
    ranking = message.get(INTENT_RANKING_KEY)
    assert [i["name"] for i in ranking] == ["nlu_fallback", "faq", "out_of_scope"]
    # The fallback's suggestions read the two closest FAQ answers from here.
    faq = message.get("response_selector")["faq"]["ranking"]
    assert [r["intent_response_key"] for r in faq] == ["faq/pin", "faq/face_auth_card"]


def test_gated_parse_replays_to_the_same_decision() -> None:
    gate = AnswerGate(STRICT)
    message = _message([("faq", 0.95)], {"faq": [("faq/pin", 0.62), ("faq/x", 0.45)]})
    gate.process([message])
    parse = message.as_dict_nlu() | {GATE_OUTPUT: message.get(GATE_OUTPUT)}
    assert decide(*rankings(parse), STRICT).reason == "faq_margin"
    assert decide(*rankings(parse), GateConfig(0, 0, 0, 0, 1.01)).action == "answer"


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("電子証明書の期限を調べたいです", True),
        ("証明書の期限を知りたいです", True),
        ("有効期限が知りたい", True),
        ("母の証明書の期限を確認してほしい", True),
        ("期限を計算してください", True),
        ("有効期限はいつまでですか", False),  # the general rule: faq/cert_validity
        ("期限が切れたらどうなる", False),
    ],
)
def test_wanting_ones_own_dates(text: str, wanted: bool) -> None:
    decision = decide([("faq", 0.95)], FAQ_SELECTOR, STRICT, text)
    assert (decision.intent == "check_expiry") is wanted


def test_wanting_dates_of_something_else_stays_out_of_scope() -> None:
    decision = decide(
        [("out_of_scope", 0.9)], FAQ_SELECTOR, STRICT, "パスポートの期限を知りたい"
    )
    assert decision.action == "refer"


def test_a_referred_parse_replays_from_the_raw_rankings() -> None:
    gate = AnswerGate(STRICT)
    selectors = {"default": [("faq/pin", 0.4), ("out_of_scope/city_other", 0.6)]}
    message = _message([("faq", 0.95), ("out_of_scope", 0.05)], selectors)
    gate.process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"  # the selector's veto
    parse = message.as_dict_nlu() | {GATE_OUTPUT: message.get(GATE_OUTPUT)}
    off = GateConfig(0, 0, 0, 0, 1.01)
    assert decide(*rankings(parse), off) == Decision("answer", "faq", "faq/pin", "faq")


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        # 「いや、…」 reads like a "no"; the date makes it a correction.
        ("いや、生まれは昭和45年7月20日", [("deny", 0.9), ("inform_date", 0.1)]),
        ("カードは令和4年2月1日に作りました", [("faq", 0.95)]),
        ("発行日は令和4年でした", [("out_of_scope", 0.8), ("faq", 0.2)]),
        ("S45.7.20", [("faq", 0.4), ("greet", 0.35)]),  # unsure: would ask
    ],
    ids=["deny", "faq", "named-year", "unsure"],
)
def test_a_message_giving_dates_is_inform_date(
    text: str, intents: list[tuple[str, float]]
) -> None:
    message = _message(intents, FAQ_SELECTOR)
    message.set("text", text)
    message.set("entities", extract_date_entities(text))
    AnswerGate(STRICT).process([message])
    assert message.get(INTENT)["name"] == "inform_date"
    assert message.get(INTENT)["confidence"] >= STRICT.intent_threshold


@pytest.mark.parametrize(
    ("decision", "text"),
    [
        (
            Decision("answer", "check_expiry", None, "intent"),
            "昭和45年7月20日生まれの期限は？",
        ),
        (
            Decision("answer", "human_handoff", None, "intent"),
            "令和4年2月1日の件で職員と話したい",
        ),
        # A year naming no field: DIET decides.
        (Decision("answer", "faq", None, "intent"), "やっぱり平成2年でした"),
        (Decision("answer", "faq", None, "intent"), "更新はいつから？"),
        # An unnamed date inside a question answered or referred with confidence.
        (
            Decision("refer", "out_of_scope", "out_of_scope/city_other", "intent"),
            "2025年6月1日に引っ越しました。住所変更は？",
        ),
        (
            Decision("answer", "faq", None, "intent"),
            "令和7年3月31日に通知書が届いたのですが、どうすればいいですか",
        ),
    ],
)
def test_other_messages_keep_their_intent(decision: Decision, text: str) -> None:
    assert not gives_dates(decision, extract_date_entities(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "S35.10.10",
        "平成3年4月5日",
        "昭和四十五年七月二十日です",
        "２０１９／５／１、H30.2.3",
    ],
)
def test_a_message_of_dates_only_gives_dates_even_when_the_model_answers_it(
    text: str,
) -> None:
    confident_faq = Decision("answer", "faq", "faq/minor_or_ward", "faq")
    assert gives_dates(confident_faq, extract_date_entities(text), text)


@pytest.mark.parametrize(
    "text", ["S35.10.10に更新した", "平成3年4月5日の通知書", "更新はいつから？", ""]
)
def test_only_dates_needs_nothing_but_dates(text: str) -> None:
    assert not only_dates(text, extract_date_entities(text))


def test_blend_off_returns_the_rankings_unchanged() -> None:
    intents = [("faq", 0.9), ("greet", 0.1)]
    second = [("greet", 1.0)]
    assert blend(intents, FAQ_SELECTOR, second, 0.0) == (intents, FAQ_SELECTOR)
    assert blend(intents, FAQ_SELECTOR, [], 0.8) == (intents, FAQ_SELECTOR)


def test_blend_mixes_intents_and_each_selectors_own_labels() -> None:
    second = [("faq/face_auth_card", 0.5), ("greet", 0.3), ("faq/pin", 0.2)]
    intents, selectors = blend([("faq", 1.0)], FAQ_SELECTOR, second, 0.5)
    # faq: 0.5 * 1.0 + 0.5 * (0.5 + 0.2); greet only from the second opinion.
    assert intents == pytest.approx([("faq", 0.85), ("greet", 0.15)])
    # Among the faq selector's labels the second opinion says 5/7 and 2/7.
    assert dict(selectors["faq"]) == pytest.approx(
        {"faq/face_auth_card": 0.025 + 0.5 * 5 / 7, "faq/pin": 0.45 + 0.5 * 2 / 7}
    )
    assert [k for k, _ in selectors["faq"]] == ["faq/pin", "faq/face_auth_card"]
    # No out-of-scope label in the second opinion: that selector is only scaled.
    assert dict(selectors["out_of_scope"]) == pytest.approx(
        {"out_of_scope/city_other": 0.35, "out_of_scope/chitchat": 0.15}
    )


def test_the_second_opinion_can_overrule_diet_and_the_parse_replays_it() -> None:
    config = GateConfig(0.4, 0.05, 0.3, 0.05, 0.5, second_opinion_weight=0.8)
    selectors = {"default": [("faq/pin", 0.9), ("faq/proxy", 0.1)]}
    message = _message([("faq", 0.95), ("greet", 0.05)], selectors)
    message.set(
        SECOND_OPINION, [("faq/proxy", 0.9), ("faq/pin", 0.05), ("greet", 0.05)]
    )
    AnswerGate(config).process([message])
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/proxy"
    assert message.get(INTENT)["name"] == "faq"
    parse = message.as_dict_nlu() | {GATE_OUTPUT: message.get(GATE_OUTPUT)}
    # The parse keeps what each model said, so a replay blends the same way...
    assert second_opinion(parse)[0] == ("faq/proxy", 0.9)
    replayed = decide(*blend(*rankings(parse), second_opinion(parse), 0.8), config)
    assert replayed == Decision("answer", "faq", "faq/proxy", "faq")
    # ... or leaves the second opinion out.
    assert decide(*rankings(parse), config).key == "faq/pin"


def test_the_blended_intent_becomes_the_messages_intent() -> None:
    config = GateConfig(0.4, 0.05, 0.3, 0.05, 0.5, second_opinion_weight=0.8)
    message = _message([("faq", 0.6), ("greet", 0.4)], FAQ_SELECTOR)
    message.set(SECOND_OPINION, [("greet", 0.95), ("faq/pin", 0.05)])
    AnswerGate(config).process([message])
    assert message.get(INTENT)["name"] == "greet"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.2 * 0.4 + 0.8 * 0.95)
    assert message.get(GATE_OUTPUT)["action"] == "answer"
