"""Rasa component that decides whether the bot may answer, must refer, or should ask.

DIET and the ResponseSelector always pick one of the labels they know, with a softmax
confidence that is high even for a question the page does not answer. This component
takes their outputs and decides, by thresholds chosen on a risk-coverage curve
(bench/calibrate.py, bench/RESULTS.md):

- ``answer``: the intent (or, for ``faq``, the selected ``faq/<name>``) is acted on;
- ``refer``: the question lies outside the page: intent ``out_of_scope`` with its group
  (``out_of_scope/<group>``), answered by a referral from the page;
- ``ask``: too unsure to answer: intent ``nlu_fallback``, so the two-stage fallback asks
  "did you mean A or B?" with buttons (the two closest FAQ answers first).

It replaces Rasa's ``FallbackClassifier`` (its two thresholds are the first two here)
and adds what that class cannot see: the ResponseSelector's confidence in the FAQ answer,
the margin between the two best FAQ answers, and the share of the selector's belief that
goes to out-of-scope groups when one selector ranks both. Before deciding, it blends
those rankings with a second, different model's (:func:`blend`,
:mod:`bot.nlu.second_opinion`): where the two kinds of model disagree the blended
confidence drops, which is what the thresholds act on. The decision itself is the pure
function :func:`decide`, which the calibration script replays offline from the raw
rankings kept in the parse output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from typing_extensions import Self

from bot.nlu.second_opinion import SECOND_OPINION
from bot.nlu.stateless import StatelessComponent

FAQ = "faq"
OUT_OF_SCOPE = "out_of_scope"
# The referral used when the out-of-scope group is unknown (e.g. a bare payload).
DEFAULT_OUT_OF_SCOPE_KEY = f"{OUT_OF_SCOPE}/chitchat"
# Key under which the decision is added to the parse output (no user text in it).
GATE_OUTPUT = "answer_gate"

CHECK_EXPIRY = "check_expiry"
INFORM_DATE = "inform_date"
# Intents that already lead to the dates conversation (or hand over to a person): a
# date in their message is left to them.
_DATES_INTENTS = frozenset(
    {CHECK_EXPIRY, "check_eligibility", INFORM_DATE, "human_handoff", "share_secret"}
)
# 「期限を調べたい」「有効期限が知りたい」「期限を確認してほしい」: the resident wants their
# own dates, which only the calculator gives (the general rule is faq/cert_validity).
_WANTS_OWN_DATES = re.compile(
    r"期限[をがはも]?.{0,4}(調べ|知り|確認し|確かめ|計算し|出し)(たい|て(ほしい|ください|もらえ))"
)

# How many of the second opinion's labels the gate uses and keeps in the parse (the
# rest hold next to nothing; a replay from the parse then blends exactly the same).
SECOND_OPINION_KEPT = 10

Action = Literal["answer", "refer", "ask"]
Ranking = Sequence[tuple[str, float]]


@dataclass(frozen=True)
class GateConfig:
    """Thresholds of the gate; every one at 0 (veto at 1.01) lets all answers through."""

    # Below this top intent confidence: ask (FallbackClassifier's ``threshold``).
    intent_threshold: float = 0.4
    # Below this gap between the two best intents: ask (its ``ambiguity_threshold``).
    intent_ambiguity: float = 0.05
    # Below this confidence in the best FAQ answer: ask.
    faq_threshold: float = 0.0
    # Below this gap between the two best FAQ answers: ask "A or B?".
    faq_margin: float = 0.0
    # When one selector ranks FAQ answers and out-of-scope groups together: refer
    # once the out-of-scope groups hold at least this share (1.01: never).
    oos_veto: float = 1.01
    # The second opinion's share when the rankings are blended (0: DIET and the
    # ResponseSelector alone; see :func:`blend`).
    second_opinion_weight: float = 0.0

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> GateConfig:
        """Build from a component config, ignoring Rasa's own keys."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in config.items() if k in names})


@dataclass(frozen=True)
class Decision:
    """What the bot does with a message."""

    action: Action
    intent: str
    # faq/<name> or out_of_scope/<group> for retrieval answers, else None.
    key: str | None
    reason: str


def _best(ranking: Ranking, prefix: str) -> list[tuple[str, float]]:
    """Return the candidates of one retrieval intent, best first."""
    found = [(k, c) for k, c in ranking if k.startswith(prefix + "/")]
    return sorted(found, key=lambda kc: kc[1], reverse=True)


def wants_own_dates(text: str) -> bool:
    """Return whether the message asks to look up or work out an expiry date."""
    return bool(_WANTS_OWN_DATES.search(text))


# What may surround the dates of a message that is nothing but dates.
_FILLER = re.compile(r"[\s、。,.，．・/／～〜\-ー－と&＆です?？!！]*")


def only_dates(text: str, entities: Sequence[Mapping[str, Any]]) -> bool:
    """Return whether ``text`` holds date entities and nothing else but punctuation."""
    spans = sorted(
        (int(e["start"]), int(e["end"]))
        for e in entities
        if e.get("entity") == "date" and "start" in e and "end" in e
    )
    if not text or not spans:
        return False
    rest, position = [], 0
    for start, end in spans:
        rest.append(text[position:start])
        position = max(position, end)
    rest.append(text[position:])
    return _FILLER.fullmatch("".join(rest)) is not None


def gives_dates(
    decision: Decision, entities: Sequence[Mapping[str, Any]], text: str = ""
) -> bool:
    """Return whether a message is the resident giving their dates, whatever DIET says.

    A message that is nothing but dates (「S35.10.10」「平成3年4月5日」) gives them, even
    when the model files it as an FAQ. So does a date or year that names its field
    (「いや、生まれは昭和45年7月20日」 reads like a "no"; 「発行日は令和4年でした」), and an
    unnamed full date in a message the model is unsure of or files as small talk. An
    unnamed date inside a question the model answers or refers
    confidently stays that question (「2025年6月1日に引っ越しました。住所変更は？」 is
    about moving, not the calculator).
    """
    if decision.intent in _DATES_INTENTS:
        return False
    if only_dates(text, entities):
        return True
    if any(
        e.get("entity") in ("date", "year") and e.get("role") is not None
        for e in entities
    ):
        return True
    confident_question = decision.action in ("answer", "refer") and decision.intent in (
        FAQ,
        OUT_OF_SCOPE,
    )
    return not confident_question and any(e.get("entity") == "date" for e in entities)


def decide(
    intents: Ranking,
    selectors: Mapping[str, Ranking],
    config: GateConfig,
    text: str = "",
) -> Decision:
    """Decide what to do with one message.

    Args:
        intents: DIET's intent ranking, best first, without ``nlu_fallback``.
        selectors: each ResponseSelector's ranking (``intent_response_key``,
            confidence), keyed by its retrieval intent (``faq``, ``out_of_scope``)
            or ``default`` for one selector over every retrieval intent.
        config: the thresholds.
        text: the message; an FAQ-like question that asks to look up or work out an
            expiry date (「証明書の期限を知りたい」) starts the calculator instead.
    """
    if not intents:
        return Decision("ask", DEFAULT_NLU_FALLBACK_INTENT_NAME, None, "no_intent")
    top, confidence = intents[0]
    if confidence < config.intent_threshold:
        return Decision(
            "ask", DEFAULT_NLU_FALLBACK_INTENT_NAME, None, "intent_threshold"
        )
    if len(intents) > 1 and confidence - intents[1][1] < config.intent_ambiguity:
        return Decision(
            "ask", DEFAULT_NLU_FALLBACK_INTENT_NAME, None, "intent_ambiguity"
        )

    faq_ranking = selectors.get(FAQ) or selectors.get("default") or ()
    oos_ranking = selectors.get(OUT_OF_SCOPE) or selectors.get("default") or ()
    oos = _best(oos_ranking, OUT_OF_SCOPE)
    referral = oos[0][0] if oos else DEFAULT_OUT_OF_SCOPE_KEY

    if top == OUT_OF_SCOPE:
        return Decision("refer", OUT_OF_SCOPE, referral, "intent")
    if top != FAQ:
        return Decision("answer", top, None, "intent")
    if wants_own_dates(text):
        return Decision("answer", CHECK_EXPIRY, None, "wants_own_dates")

    answers = _best(faq_ranking, FAQ)
    if not answers:
        return Decision("ask", DEFAULT_NLU_FALLBACK_INTENT_NAME, None, "no_faq")
    # One selector over FAQ answers and out-of-scope groups: a second opinion.
    oos_share = sum(c for k, c in faq_ranking if k.startswith(OUT_OF_SCOPE + "/"))
    if oos_share >= config.oos_veto:
        return Decision("refer", OUT_OF_SCOPE, referral, "selector_out_of_scope")
    best, best_confidence = answers[0]
    if best_confidence < config.faq_threshold:
        return Decision("ask", DEFAULT_NLU_FALLBACK_INTENT_NAME, None, "faq_threshold")
    if len(answers) > 1 and best_confidence - answers[1][1] < config.faq_margin:
        return Decision("ask", DEFAULT_NLU_FALLBACK_INTENT_NAME, None, "faq_margin")
    return Decision("answer", FAQ, best, "faq")


def blend(
    intents: Ranking,
    selectors: Mapping[str, Ranking],
    second: Ranking,
    weight: float,
) -> tuple[list[tuple[str, float]], dict[str, list[tuple[str, float]]]]:
    """Blend DIET's and the ResponseSelector's rankings with the second opinion's.

    The second opinion ranks full labels (``faq/pin``, ``greet``). Its intent
    probability is the sum over an intent's labels; a selector's candidates get its
    probabilities among the labels that selector ranks, renormalised. Each blended
    confidence is ``(1 - weight) * first + weight * second``; a label one side does
    not rank counts 0 there. With ``weight`` 0 or no second opinion, the rankings are
    returned as they are.
    """
    if weight <= 0 or not second:
        return list(intents), {k: list(v) for k, v in selectors.items()}
    by_intent: dict[str, float] = {}
    for label, p in second:
        name = label.split("/")[0]
        by_intent[name] = by_intent.get(name, 0.0) + p

    def mix(first: Ranking, other: Mapping[str, float]) -> list[tuple[str, float]]:
        mine = dict(first)
        names = list(mine) + [n for n in other if n not in mine]
        mixed = [
            (n, (1 - weight) * mine.get(n, 0.0) + weight * other.get(n, 0.0))
            for n in names
        ]
        return sorted(mixed, key=lambda nc: nc[1], reverse=True)

    blended_selectors = {}
    for key, ranking in selectors.items():
        prefixes = {k.split("/")[0] for k, _ in ranking}
        share = {k: p for k, p in second if "/" in k and k.split("/")[0] in prefixes}
        total = sum(share.values())
        blended_selectors[key] = mix(
            ranking, {k: p / total for k, p in share.items()} if total else {}
        )
    return mix(intents, by_intent), blended_selectors


def second_opinion(parse: Mapping[str, Any]) -> list[tuple[str, float]]:
    """Return the second opinion the gate saw, from a parse result (none: empty)."""
    gate = parse.get(GATE_OUTPUT) or {}
    return [(str(a), float(b)) for a, b in gate.get("second") or []]


def rankings(parse: Mapping[str, Any]) -> tuple[Ranking, dict[str, Ranking]]:
    """Return (intents, selectors) from a parse result, as :func:`decide` takes them.

    Works on a parse already gated: the raw rankings are read from the gate's copy, so
    a replay with other thresholds sees what the classifiers said, not what the gate
    made of it.
    """
    gate = parse.get(GATE_OUTPUT) or {}
    if "intents" in gate:
        return (
            [(str(a), float(b)) for a, b in gate["intents"]],
            {
                k: [(str(a), float(b)) for a, b in v]
                for k, v in gate["selectors"].items()
            },
        )
    intents = [
        (str(i[INTENT_NAME_KEY]), float(i[PREDICTED_CONFIDENCE_KEY]))
        for i in parse.get(INTENT_RANKING_KEY) or []
        if i.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
    ]
    selectors: dict[str, Ranking] = {}
    for name, output in (parse.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).items():
        if name == RESPONSE_SELECTOR_RETRIEVAL_INTENTS:
            continue
        selectors[name] = [
            (str(r[INTENT_RESPONSE_KEY]), float(r[PREDICTED_CONFIDENCE_KEY]))
            for r in output.get(RESPONSE_SELECTOR_RANKING_KEY) or []
        ]
    return intents, selectors


def selector_entry(key: str, ranking: Ranking) -> dict[str, Any]:
    """Return one retrieval intent's ResponseSelector output that selects ``key``."""
    confidence = dict(ranking).get(key, 1.0)
    return {
        RESPONSE_SELECTOR_PREDICTION_KEY: {
            RESPONSE_SELECTOR_RESPONSES_KEY: None,
            PREDICTED_CONFIDENCE_KEY: confidence,
            INTENT_RESPONSE_KEY: key,
            RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}",
        },
        RESPONSE_SELECTOR_RANKING_KEY: [
            {PREDICTED_CONFIDENCE_KEY: c, INTENT_RESPONSE_KEY: k} for k, c in ranking
        ]
        or [{PREDICTED_CONFIDENCE_KEY: confidence, INTENT_RESPONSE_KEY: key}],
    }


def selector_output(
    faq_key: str | None, oos_key: str | None, selectors: Mapping[str, Ranking]
) -> dict[str, Any]:
    """Return a ``response_selector`` property with one entry per retrieval intent.

    ``utter_faq`` and ``utter_out_of_scope`` each find their own key, whichever
    selectors the pipeline has; each ranking holds that retrieval intent's candidates,
    and a key not given is the best candidate.
    """
    pooled = [kc for ranking in selectors.values() for kc in ranking]
    faq_ranking = _best(pooled, FAQ)
    oos_ranking = _best(pooled, OUT_OF_SCOPE)
    output: dict[str, Any] = {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: [FAQ, OUT_OF_SCOPE]}
    chosen_faq = faq_key or (faq_ranking[0][0] if faq_ranking else None)
    if chosen_faq:
        output[FAQ] = selector_entry(chosen_faq, faq_ranking)
    chosen_oos = oos_key or (
        oos_ranking[0][0] if oos_ranking else DEFAULT_OUT_OF_SCOPE_KEY
    )
    output[OUT_OF_SCOPE] = selector_entry(chosen_oos, oos_ranking)
    return output


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class AnswerGate(StatelessComponent):
    """Turns unsure answers into a question and outside questions into a referral."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The thresholds (see :class:`GateConfig`), off except Rasa's defaults."""
        return asdict(GateConfig())

    def __init__(self, config: GateConfig) -> None:
        """Keep the thresholds."""
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """Create the component (see parent class)."""
        return cls(GateConfig.from_dict(config))

    def process(self, messages: list[Message]) -> list[Message]:
        """Gate each message's prediction."""
        for message in messages:
            self._gate(message)
        return messages

    def _gate(self, message: Message) -> None:
        parse = {
            INTENT_RANKING_KEY: message.get(INTENT_RANKING_KEY) or [],
            RESPONSE_SELECTOR_PROPERTY_NAME: message.get(
                RESPONSE_SELECTOR_PROPERTY_NAME
            ),
        }
        raw_intents, raw_selectors = rankings(parse)
        second = [
            (str(label), float(p))
            for label, p in (message.get(SECOND_OPINION) or [])[:SECOND_OPINION_KEPT]
        ]
        intents, selectors = blend(
            raw_intents, raw_selectors, second, self.config.second_opinion_weight
        )
        if intents != raw_intents:
            ranking = [
                {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                for name, confidence in intents
            ]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
        decision = decide(intents, selectors, self.config, message.get(TEXT) or "")
        oos_key = decision.key if decision.action == "refer" else None
        faq_key = decision.key if decision.intent == FAQ else None
        message.set(
            RESPONSE_SELECTOR_PROPERTY_NAME,
            selector_output(faq_key, oos_key, selectors),
            add_to_output=True,
        )
        message.set(
            GATE_OUTPUT,
            {
                "action": decision.action,
                "reason": decision.reason,
                "key": decision.key,
                "intents": [list(ic) for ic in raw_intents],
                "selectors": {
                    k: [list(kc) for kc in v] for k, v in raw_selectors.items()
                },
                "second": [list(lp) for lp in second],
            },
            add_to_output=True,
        )
        confidence = intents[0][1] if intents else 0.0
        if gives_dates(decision, message.get(ENTITIES) or [], message.get(TEXT) or ""):
            _put_first(
                message, INFORM_DATE, max(confidence, self.config.intent_threshold)
            )
        elif decision.intent == CHECK_EXPIRY and intents and intents[0][0] == FAQ:
            _put_first(message, CHECK_EXPIRY, confidence)
        elif decision.action == "ask":
            # As Rasa's FallbackClassifier does: nlu_fallback first, the rest kept.
            _put_first(
                message, DEFAULT_NLU_FALLBACK_INTENT_NAME, self.config.intent_threshold
            )
        elif decision.action == "refer" and intents and intents[0][0] != OUT_OF_SCOPE:
            _put_first(message, OUT_OF_SCOPE, confidence)


def _put_first(message: Message, name: str, confidence: float) -> None:
    """Make ``name`` the message's intent, first in its ranking (once)."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    others = [
        i
        for i in message.get(INTENT_RANKING_KEY) or []
        if i.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)
