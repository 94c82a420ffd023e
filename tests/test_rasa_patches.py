"""Rasa's speed and memory fixes: same answers as Rasa's own code, less work."""

from __future__ import annotations

import ast
import copy
import gc
import json
import logging
import os
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
import rasa.core.processor
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.core.policies import rule_policy as rule_policy_module
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RESPONSE_KEY,
    RESPONSE,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.common import all_subclasses
from rasa.utils.tensorflow.models import RasaModel

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
    assert rasa.core.processor.DaskGraphRunner is rasa_patches.SequentialGraphRunner
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


# Loading for inference: small models trained here, loaded both ways.

TRAINING = {
    "greet": ["hello there", "hi friend", "good morning", "hello again"],
    "renew": ["renew my card", "card renewal please", "how to renew", "renew it"],
    "faq/where": ["where do I go", "which office", "where is it", "office place"],
    "faq/bring": ["what to bring", "bring what items", "what do I need", "items"],
}
PROBES = ["hello", "renew card", "where office", "what items", "unknown words"]


Trained = tuple[dict[str, Any], LocalModelStorage, ExecutionContext]


def _words(
    storage: LocalModelStorage, context: ExecutionContext, trained: bool
) -> tuple[WhitespaceTokenizer, CountVectorsFeaturizer]:
    """The tokenizer and word featurizer in front of the model (new, or as trained)."""
    make = CountVectorsFeaturizer.load if trained else CountVectorsFeaturizer.create
    featurizer = make(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("words"), context
    )
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()), featurizer


def _train(component: type[DIETClassifier], path: Path) -> Trained:
    config = {
        **component.get_default_config(),
        "epochs": 2,
        "random_seed": 1,
        # Several weights, as in the bot's model: a sparse layer per input.
        "hidden_layers_sizes": {"text": [16], "label": [16]},
    }
    storage = LocalModelStorage(path)
    context = ExecutionContext(None, "patch")  # type: ignore[arg-type]
    messages = []
    for label, texts in TRAINING.items():
        intent, _, key = label.partition("/")
        for text in texts:
            data = {TEXT: text, INTENT: intent}
            if key:
                data[INTENT_RESPONSE_KEY] = label
                data[RESPONSE] = f"answer {key}"
            messages.append(Message(data=data))
    training = TrainingData(messages)
    tokenizer, featurizer = _words(storage, context, trained=False)
    tokenizer.process_training_data(training)
    featurizer.train(training)
    featurizer.process_training_data(training)
    component.create(config, storage, Resource("model"), context).train(training)
    return config, storage, context


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[type, Trained]:
    """A DIETClassifier and a ResponseSelector, trained once for these tests."""
    return {
        component: _train(component, tmp_path_factory.mktemp(component.__name__))
        for component in (DIETClassifier, ResponseSelector)
    }


def _predictions(
    component: type[DIETClassifier],
    config: dict[str, Any],
    storage: LocalModelStorage,
    context: ExecutionContext,
) -> tuple[DIETClassifier, list[dict[str, Any]]]:
    loaded = component.load(config, storage, Resource("model"), context)
    messages = _featurized(storage, context, PROBES)
    loaded.process(messages)
    return loaded, [m.as_dict(only_output_properties=False) for m in messages]


def _featurized(
    storage: LocalModelStorage, context: ExecutionContext, texts: list[str]
) -> list[Message]:
    tokenizer, featurizer = _words(storage, context, trained=True)
    messages = [Message(data={TEXT: text}) for text in texts]
    for message in messages:
        tokenizer.process([message])
        featurizer.process([message])
    return messages


def _weights(classifier: DIETClassifier) -> list[tuple[str, np.ndarray]]:
    """Every weight but the training-loss accumulators (Keras metrics), in order."""
    model = classifier.model
    metric_variables = {id(v) for m in model.metrics for v in m.variables}
    return [(w.name, w.numpy()) for w in model.weights if id(w) not in metric_variables]


@pytest.mark.slow
@pytest.mark.parametrize("component", [DIETClassifier, ResponseSelector])
def test_a_model_loads_for_inference_with_rasas_weights_and_predictions(
    component: type[DIETClassifier],
    trained: dict[type, Trained],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert RasaModel.load.__func__ is rasa_patches.load_for_inference
    ours, our_predictions = _predictions(component, *trained[component])
    monkeypatch.setattr(
        RasaModel, "load", classmethod(rasa_patches._original_model_load)
    )
    rasas, rasa_predictions = _predictions(component, *trained[component])

    # Rasa's load holds an optimiser with two slots a weight; ours none.
    assert rasas.model.optimizer is not None
    trainable = rasas.model.trainable_weights
    assert len(rasas.model.optimizer.variables) >= 2 * len(trainable) > 0
    assert ours.model.optimizer is None
    assert ours.model.train_function is None
    # The same weights to the bit (the randomly connected layers' fixed masks too),
    # and the same predictions.
    ours_w, rasas_w = _weights(ours), _weights(rasas)
    assert [n for n, _ in ours_w] == [n for n, _ in rasas_w] and len(ours_w) > 5
    for (name, value), (_, expected) in zip(ours_w, rasas_w, strict=True):
        np.testing.assert_array_equal(value, expected, err_msg=name)
    assert our_predictions == rasa_predictions
    output = "intent" if component is DIETClassifier else "response_selector"
    assert all(p.get(output) for p in our_predictions)


@pytest.mark.slow
def test_fine_tuning_gets_rasas_load_with_the_optimiser(
    trained: dict[type, Trained],
) -> None:
    config, storage, _ = trained[DIETClassifier]
    finetuning = ExecutionContext(None, "patch", is_finetuning=True)  # type: ignore[arg-type]
    loaded = DIETClassifier.load(config, storage, Resource("model"), finetuning)
    assert loaded.model.optimizer is not None


@pytest.mark.slow
def test_a_model_it_cannot_build_falls_back_to_rasas_load(
    trained: dict[type, Trained],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, expected = _predictions(DIETClassifier, *trained[DIETClassifier])

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("cannot build")

    monkeypatch.setattr(rasa_patches, "_build_from_checkpoint", broken)
    loaded, predictions = _predictions(DIETClassifier, *trained[DIETClassifier])
    # Rasa's load, not the untrained model Rasa serves when a load raises ValueError.
    assert loaded.model is not None and loaded.model.optimizer is not None
    assert predictions == expected
    assert "using Rasa's load" in caplog.text


# Prediction through the concrete function, and features combined once a message.


def _assert_same(ours: Any, rasas: Any) -> None:
    if isinstance(rasas, dict):
        assert isinstance(ours, dict) and ours.keys() == rasas.keys()
        for key, value in rasas.items():
            _assert_same(ours[key], value)
    else:
        np.testing.assert_array_equal(ours, rasas)
        assert np.asarray(ours).dtype == np.asarray(rasas).dtype


def _batches(
    component: type[DIETClassifier], model: Trained, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[RasaModel, tuple[Any, ...]]]:
    """The model and batch of every prediction while the probes are processed."""
    batches: list[tuple[RasaModel, tuple[Any, ...]]] = []

    def spy(model: RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
        batches.append((model, batch_in))
        return rasa_patches.rasa_predict(model, batch_in)

    monkeypatch.setattr(RasaModel, "_rasa_predict", spy)
    _predictions(component, *model)
    return batches


@pytest.mark.slow
@pytest.mark.parametrize("component", [DIETClassifier, ResponseSelector])
def test_a_prediction_skips_tensorflows_dispatch_with_the_same_outputs(
    component: type[DIETClassifier],
    trained: dict[type, Trained],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batches = _batches(component, trained[component], monkeypatch)
    assert len(batches) >= len(PROBES)
    rasas = [rasa_patches._original_rasa_predict(m, b) for m, b in batches]

    # Once traced, the tf.function itself is no longer called.
    traced_type = type(batches[0][0]._tf_predict_step)

    def dispatched(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("called through tf.function")

    monkeypatch.setattr(traced_type, "__call__", dispatched)
    for (model, batch_in), expected in zip(batches, rasas, strict=True):
        _assert_same(rasa_patches.rasa_predict(model, batch_in), expected)


@pytest.mark.slow
def test_a_batch_that_does_not_fit_the_signature_fails_as_in_rasa(
    trained: dict[type, Trained], monkeypatch: pytest.MonkeyPatch
) -> None:
    batches = _batches(DIETClassifier, trained[DIETClassifier], monkeypatch)
    model, batch_in = batches[-1]
    # Sparse indices flattened: the signature wants (n, 3).
    index = next(i for i, v in enumerate(batch_in) if v.ndim == 2)
    wrong = tuple(v.ravel() if i == index else v for i, v in enumerate(batch_in))
    with pytest.raises(Exception) as rasas:
        rasa_patches._original_rasa_predict(model, wrong)
    with pytest.raises(type(rasas.value)) as ours:
        rasa_patches.rasa_predict(model, wrong)
    assert str(ours.value) == str(rasas.value)
    with pytest.raises(type(rasas.value)):
        rasa_patches.rasa_predict(model, batch_in[:-1])


def _same_features(ours: list[Features], rasas: list[Features]) -> None:
    assert len(ours) == len(rasas) > 0
    for a, b in zip(ours, rasas, strict=True):
        assert (a.type, a.attribute, a.origin) == (b.type, b.attribute, b.origin)
        assert (a.features.format, a.features.dtype) == (
            b.features.format,
            b.features.dtype,
        )
        np.testing.assert_array_equal(a.features.toarray(), b.features.toarray())


@pytest.mark.slow
def test_features_are_combined_once_while_a_message_keeps_them(
    trained: dict[type, Trained], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, storage, context = trained[DIETClassifier]
    message = _featurized(storage, context, ["renew my card"])[0]
    original = rasa_patches._original_get_all_features
    combined: list[tuple[str, Any]] = []

    def counted(m: Message, attribute: str, featurizers: Any = None) -> list[Features]:
        combined.append((attribute, featurizers))
        return original(m, attribute, featurizers)

    monkeypatch.setattr(rasa_patches, "_original_get_all_features", counted)
    first = message.get_all_features(TEXT, [])
    second = message.get_all_features(TEXT, [])
    assert len(combined) == 1
    assert second is not first  # each caller gets its own list
    assert all(a is b for a, b in zip(first, second, strict=True))
    _same_features(first, original(message, TEXT, []))

    # Other featurizers: another combination.
    origin = first[0].origin or ["words"]
    message.get_all_features(TEXT, list(origin)[:1])
    assert len(combined) == 2
    # A feature added: made anew, with it.
    extra = Features(
        scipy.sparse.coo_matrix(np.ones((1, 2))), FEATURE_TYPE_SENTENCE, TEXT, "extra"
    )
    message.add_features(extra)
    third = message.get_all_features(TEXT, [])
    assert len(combined) == 3
    _same_features(third, original(message, TEXT, []))
    sentence = next(f for f in third if f.type == FEATURE_TYPE_SENTENCE)
    assert sentence.features.shape[1] == first[1].features.shape[1] + 2
    # A feature replaced by another object (the same count): made anew.
    message.features[-1] = Features(
        scipy.sparse.coo_matrix(np.ones((1, 3))), FEATURE_TYPE_SENTENCE, TEXT, "extra"
    )
    fourth = message.get_all_features(TEXT, [])
    assert len(combined) == 4
    sentence = next(f for f in fourth if f.type == FEATURE_TYPE_SENTENCE)
    assert sentence.features.shape[1] == first[1].features.shape[1] + 3


# The bot's own model with every fix and with none: the same NLU output, to the bit,
# in a fraction of the memory.

PARSE_IN_CHILD = """
import asyncio, gc, json, os, sys
sys.path.insert(0, {bench!r})
from eval_nlu import load_agent, load_examples
from stack import rss_mib
from pathlib import Path
model, patched, examples = sys.argv[1], sys.argv[2] == "patched", sys.argv[3]
if patched:
    from bot import rasa_patches
    rasa_patches.install()
agent = load_agent(model)
loaded = rss_mib(os.getpid())
frozen = gc.get_freeze_count()
texts = [text for text, _ in load_examples(Path(examples))]
async def parse():
    return [await agent.parse_message(text) for text in texts]
async def talk():
    said = []
    for text in ["こんにちは", "電子証明書の更新の持ち物は？", "/feedback_useful",
                 "暗証番号を忘れた", "それについて", "ありがとう"]:
        said += [m.get("text") for m in await agent.handle_text(text, sender_id="c")]
    tracker = await agent.tracker_store.retrieve("c")
    actions = [[e.action_name, e.policy, e.confidence] for e in tracker.events
               if hasattr(e, "action_name")]
    return said, actions
parses = asyncio.run(parse())
said, actions = asyncio.run(talk())
print(json.dumps({{"rss": loaded, "parses": parses, "said": said, "actions": actions,
                  "frozen": frozen}}, default=str))
"""


def _parse_in_child(model: Path, how: str) -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PARSE_IN_CHILD.format(bench=str(root / "bench")),
            str(model),
            how,
            str(root / "tests" / "nlu" / "heldout.yml"),
        ],
        cwd=root,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_the_bots_model_parses_the_same_with_far_less_memory(model_path: Path) -> None:
    ours = _parse_in_child(model_path, "patched")
    rasas = _parse_in_child(model_path, "rasa")
    assert len(ours["parses"]) > 400
    # Every intent, ranking, response selection and confidence, to the last bit
    # (JSON keeps a float's every digit).
    assert ours["parses"] == rasas["parses"]
    # And a conversation (the policy graph run once an action): the same actions and
    # the same words.
    assert ours["actions"] == rasas["actions"]
    names = [name for name, _, _ in ours["actions"]]
    assert "utter_faq" in names and "utter_ask_feedback" in names
    assert ours["said"] == rasas["said"]
    # Measured 940 against 1,607 MiB (bench/RESULTS.md): the optimiser's slots and
    # the training step are gone.
    assert ours["rss"] < rasas["rss"] - 400
    # What the model loaded is out of the collector's way (Agent.load_model).
    assert ours["frozen"] > 100_000 and rasas["frozen"] == 0


# The graph runner: Rasa's nodes, called in order without dask.


class _Double(GraphComponent):
    @classmethod
    def create(cls, config, model_storage, resource, execution_context):  # type: ignore[no-untyped-def]
        return cls()

    def run(self, x: int) -> int:
        return 2 * x


class _Add(_Double):
    def run(self, x: int, y: int) -> int:  # type: ignore[override]
        if x + y > 1000:
            raise RuntimeError("too large")
        return x + y


def _schema() -> GraphSchema:
    def node(uses: type, is_target: bool = False, **needs: str) -> SchemaNode:
        return SchemaNode(needs, uses, "create", "run", {}, is_target=is_target)

    return GraphSchema(
        {
            "a": node(_Double, x="__in__"),
            "b": node(_Double, x="a"),
            "c": node(_Add, is_target=True, x="b", y="a"),
            "d": node(_Add, is_target=True, x="c", y="__in__"),
            "unused": node(_Double, x="__other__"),
        }
    )


@pytest.mark.parametrize("targets", [None, ["c"], ["b", "d"], ["a"]])
@pytest.mark.parametrize("value", [1, 7])
def test_the_sequential_runner_gives_what_dask_gives(
    tmp_path: Path, targets: list[str] | None, value: int
) -> None:
    runners = [
        cls.create(
            _schema(),
            LocalModelStorage(tmp_path),
            ExecutionContext(_schema(), "m"),  # type: ignore[arg-type]
        )
        for cls in (DaskGraphRunner, rasa_patches.SequentialGraphRunner)
    ]
    dask, ours = (r.run({"__in__": value}, targets) for r in runners)
    assert ours == dask
    # The order is computed once per target set and reused.
    runner = runners[1]
    assert runner.run({"__in__": value}, targets) == dask
    assert len(runner._plans) == 1


@pytest.mark.parametrize(
    "runner_class", [DaskGraphRunner, rasa_patches.SequentialGraphRunner]
)
def test_the_sequential_runner_fails_as_dask_does(
    tmp_path: Path, runner_class: type
) -> None:
    runner = runner_class.create(
        _schema(),
        LocalModelStorage(tmp_path),
        ExecutionContext(_schema(), "m"),  # type: ignore[arg-type]
    )
    with pytest.raises(GraphRunError, match="clashes"):
        runner.run({"__in__": "a"}, ["c"])
    # An input named like a node stands in for it.
    assert runner.run({"__in__": 1, "a": 5}, ["c"]) == {"c": 15}
    with pytest.raises(GraphComponentException, match="node c") as failed:
        runner.run({"__in__": 400}, ["c"])
    assert isinstance(failed.value.__cause__, RuntimeError)


# The rule policy's states: replayed only for the events that are new.

DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent / "domain.yml"))


def _user(intent: str | None, text: str = "text", role: str | None = None) -> Event:
    entities = []
    if role is not None:
        entities = [{"entity": "date", "role": role, "value": "1985-04-03"}]
    parse = {"name": intent, "confidence": 0.9} if intent else None
    return UserUttered(text, intent=parse, entities=entities)


# Event makers: every kind of event the bot's conversations hold, and those that undo
# or reset history (a new object each time, as the processor makes them).
EVENTS: list[Callable[[], Event]] = [
    lambda: ActionExecuted("action_listen"),
    lambda: ActionExecuted("utter_faq"),
    lambda: ActionExecuted("utter_ask_feedback"),
    lambda: ActionExecuted("action_compute_expiry", hide_rule_turn=True),
    lambda: ActionExecuted("expiry_form"),
    lambda: ActionExecuted("validate_expiry_form"),
    lambda: ActionExecuted("action_session_start"),
    lambda: ActionExecuted(action_text="文だけの応答"),  # end-to-end: no action name
    lambda: _user("faq", "持ち物は"),
    lambda: _user("check_expiry"),
    lambda: _user("inform_date", role="birth"),
    lambda: _user(None, "テキストだけ"),
    lambda: BotUttered("答え"),
    lambda: SlotSet("birth_date", "1985-04-03"),
    lambda: SlotSet("requested_slot", "issue_date"),
    lambda: SlotSet("adult_ward", True),
    lambda: ActiveLoop("expiry_form"),
    lambda: ActiveLoop(None),
    lambda: LoopInterrupted(True),
    lambda: ActionExecutionRejected("expiry_form"),
    lambda: FollowupAction("utter_faq"),
    lambda: Restarted(),
    lambda: SessionStarted(),
    lambda: ActionReverted(),
    lambda: UserUtteranceReverted(),
]


def _rasas_states(tracker: DialogueStateTracker, **kwargs: Any) -> list[Any]:
    states: list[Any] = rasa_patches._original_past_states(tracker, DOMAIN, **kwargs)
    return states


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, len(EVENTS) - 1), max_size=60),
    st.sampled_from([None, 12]),
    st.booleans(),
)
def test_past_states_are_rasas_after_every_event(
    picks: list[int], max_history: int | None, omit_unset_slots: bool
) -> None:
    tracker = DialogueStateTracker.from_events(
        "s", [], slots=DOMAIN.slots, max_event_history=max_history
    )
    for pick in picks:
        tracker.update(EVENTS[pick](), DOMAIN)
        ours = tracker.past_states(DOMAIN, omit_unset_slots=omit_unset_slots)
        assert ours == _rasas_states(tracker, omit_unset_slots=omit_unset_slots)
        # Callers change the states in place (the text or the intent of a message):
        # that does not reach the next call.
        for state in ours:
            state.get("user", {}).clear()
            state.clear()
        again = tracker.past_states(DOMAIN, omit_unset_slots=omit_unset_slots)
        assert again == _rasas_states(tracker, omit_unset_slots=omit_unset_slots)


def test_past_states_start_again_for_another_tracker_domain_or_history() -> None:
    events = [
        ActionExecuted("action_listen"),
        _user("faq"),
        ActionExecuted("utter_faq"),
    ]
    tracker = DialogueStateTracker.from_events("s", events, slots=DOMAIN.slots)
    assert tracker.past_states(DOMAIN) == _rasas_states(tracker)
    # The same events in another tracker, another domain, the events replaced.
    other = DialogueStateTracker.from_events("s", events[:2], slots=DOMAIN.slots)
    assert other.past_states(DOMAIN) == _rasas_states(other)
    domain = Domain.from_dict({"intents": ["faq"], "actions": ["utter_faq"]})
    assert tracker.past_states(domain) == rasa_patches._original_past_states(
        tracker, domain
    )
    tracker.events = deque(events[:1] + [_user("greet")])
    assert tracker.past_states(DOMAIN) == _rasas_states(tracker)
    # Rule-only turns to hide: Rasa's replay.
    hidden = tracker.past_states(DOMAIN, ignore_rule_only_turns=True, rule_only_data={})
    assert hidden == _rasas_states(
        tracker, ignore_rule_only_turns=True, rule_only_data={}
    )
    # A replay goes with its tracker.
    del tracker, other
    gc.collect()
    assert not rasa_patches._replays


def _rule_policy(tmp_path: Path) -> RulePolicy:
    return RulePolicy(
        RulePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("rules"),
        ExecutionContext(None, "rules"),  # type: ignore[arg-type]
    )


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_rule_keys_are_rasas(
    tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    policy = _rule_policy(tmp_path_factory.mktemp("rules"))
    conversation = DialogueStateTracker.from_events("s", [], slots=DOMAIN.slots)
    for pick in data.draw(st.lists(st.integers(0, len(EVENTS) - 1), max_size=40)):
        conversation.update(EVENTS[pick](), DOMAIN)
    states = rasa_patches._original_past_states(conversation, DOMAIN)
    # Rules from stretches of this and other conversations, some made looser (a
    # feature left out) and some starting the conversation.
    rules = {}
    for _ in range(data.draw(st.integers(0, 12))):
        last = len(states) - 1
        start = data.draw(st.one_of(st.just(last), st.integers(0, last)))
        rule = [dict(s) for s in states[start : start + data.draw(st.integers(1, 4))]]
        if data.draw(st.booleans()):
            rule[0].pop(data.draw(st.sampled_from(sorted(rule[0]) or ["user"])), None)
        if data.draw(st.booleans()):
            rule = [{}] + rule
        if data.draw(st.booleans()):  # another previous action, or one not to be set
            action = data.draw(st.sampled_from(["utter_faq", SHOULD_NOT_BE_SET, ""]))
            rule[-1] = {**rule[-1], "prev_action": {"action_name": action}}
        rules[json.dumps(rule, sort_keys=True)] = "utter_faq"
    ours = rasa_patches.get_possible_keys(policy, rules, states)
    assert ours == rasa_patches._original_get_possible_keys(policy, rules, states)


def test_response_keys_are_found_as_rasa_finds_them(tmp_path: Path) -> None:
    selector = ResponseSelector(
        ResponseSelector.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("selector"),
        ExecutionContext(None, "selector"),  # type: ignore[arg-type]
        responses={
            "utter_faq/bring": [{"text": "持ち物"}, {"text": "共通"}],
            "utter_faq/where": [{"text": "共通"}, {"text": "faq/bring"}],
            "utter_faq/pin": [{"text": "faq/where"}, {"image": "x"}],
            "utter_greet": [{"text": "こんにちは"}],
        },
    )
    names = ["faq/bring", "faq/where", "faq/pin", "greet", "持ち物", "共通", "", None]
    names += ["こんにちは", "utter_greet", "faq/none"]
    for name in names:
        label = {"name": name}
        assert selector._resolve_intent_response_key(
            label
        ) == rasa_patches._original_resolve_intent_response_key(selector, label)
    # New responses: a new table.
    selector.responses = {"utter_faq/bring": [{"text": "持ち物"}]}
    assert selector._resolve_intent_response_key({"name": "共通"}) is None


def _sparse(rows: int, columns: int, seed: int, fmt: str = "coo") -> Any:
    matrix = scipy.sparse.random(
        rows, columns, density=0.3, format=fmt, dtype=np.float32, random_state=seed
    )
    return matrix


@pytest.mark.parametrize("rows", [1, 4])
def test_sparse_features_are_joined_as_scipy_joins_them(rows: int) -> None:
    pairs = [
        (_sparse(rows, 7, 1), _sparse(rows, 5, 2)),
        (_sparse(rows, 7, 3), scipy.sparse.coo_matrix((rows, 9), dtype=np.float32)),
        (_sparse(rows, 70_000, 4), _sparse(rows, 3, 5)),
    ]
    for left, right in pairs:
        ours = Features(left, FEATURE_TYPE_SENTENCE, TEXT, "a")
        rasas = Features(left, FEATURE_TYPE_SENTENCE, TEXT, "a")
        ours.combine_with_features(Features(right, FEATURE_TYPE_SENTENCE, TEXT, "b"))
        rasa_patches._original_combine_sparse_features(
            rasas, Features(right, FEATURE_TYPE_SENTENCE, TEXT, "b")
        )
        a, b = ours.features, rasas.features
        assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
        for name in ("row", "col", "data"):
            assert getattr(a, name).dtype == getattr(b, name).dtype
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_other_sparse_features_are_joined_by_scipy() -> None:
    # CSR, mixed dtypes: Rasa's way, the same result type.
    left = Features(_sparse(2, 4, 1, "csr"), FEATURE_TYPE_SENTENCE, TEXT, "a")
    left.combine_with_features(
        Features(_sparse(2, 3, 2), FEATURE_TYPE_SENTENCE, TEXT, "b")
    )
    assert left.features.shape == (2, 7)
    wide = Features(
        _sparse(2, 4, 1).astype(np.float64), FEATURE_TYPE_SENTENCE, TEXT, "a"
    )
    wide.combine_with_features(
        Features(_sparse(2, 3, 2), FEATURE_TYPE_SENTENCE, TEXT, "b")
    )
    assert wide.features.dtype == np.float64
    # Different numbers of rows: Rasa's error.
    with pytest.raises(ValueError, match="sequence dimensions do not match"):
        Features(
            _sparse(2, 4, 1), FEATURE_TYPE_SENTENCE, TEXT, "a"
        ).combine_with_features(
            Features(_sparse(3, 4, 1), FEATURE_TYPE_SENTENCE, TEXT, "b")
        )


@pytest.mark.parametrize("module", [rasa.core.processor, rule_policy_module])
def test_those_modules_copy_only_values_for_debug_lines(module: Any) -> None:
    # Every use of `copy` in the module is an argument of a debug log call: what
    # makes DebugLogCopy safe there (checked again for any other Rasa version).
    tree = ast.parse(Path(module.__file__).read_text())
    logged: set[int] = set()
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "debug"
        ):
            logged.update(id(node) for node in ast.walk(call))
    uses = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "copy"
    ]
    assert uses and all(id(node) in logged for node in uses)
    assert isinstance(module.copy, rasa_patches.DebugLogCopy)


def test_values_are_copied_for_debug_lines_only_when_they_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    copier = rasa_patches.DebugLogCopy("rasa.core.processor")
    value = [{"event": "bot", "text": "答え"}]
    with caplog.at_level(logging.INFO, logger="rasa.core.processor"):
        assert copier.deepcopy(value) is value
    with caplog.at_level(logging.DEBUG, logger="rasa.core.processor"):
        copied = copier.deepcopy(value)
        assert copied == value and copied is not value and copied[0] is not value[0]
    assert copier.copy is copy.copy


def test_an_empty_domain_is_told_apart_as_rasa_tells_it() -> None:
    assert Domain.empty().is_empty()
    assert not DOMAIN.is_empty()
    assert not Domain.from_dict({"intents": ["greet"]}).is_empty()
    assert Domain.is_empty is rasa_patches.domain_is_empty
