"""Speed and memory fixes for Rasa 3.6 internals (issue 11).

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

Rasa loads each TensorFlow model (DIET, the ResponseSelector) the way it would
fine-tune it: it compiles it with Adam, fits one example to build the weights, then
reads the checkpoint, which also restores Adam's two slot variables per weight; the
served model then holds three times its weights plus a traced training step (1.6 GB
for this bot). ``load_for_inference`` reads the checkpoint first and builds the
weights with one forward pass of the loss, so each weight is created from its
checkpoint value, and leaves the optimiser's values in the file. The predictions are
the same to the bit (tests/test_rasa_patches.py); fine-tuning still gets Rasa's load.

Two more cuts on the message path, for DIET and the ResponseSelector on every
message: Rasa calls its traced prediction function (a ``tf.function`` with a fixed
input signature) through TensorFlow's dispatch, which binds, converts and checks the
batch and looks the traced function up again each time (about 0.3 ms a call, as long
as the graph runs); ``rasa_predict`` converts the batch the same way, checks it
against the signature once, and runs the graph of the one concrete function of that
signature. And both models combine the same sparse features of the same message
(scipy ``hstack`` of the three featurizers' matrices, about 0.4 ms);
``get_all_features`` keeps the combination on the message until its features change,
so the second model reuses it, and ``combine_sparse_features`` joins two COO
matrices without scipy's general block machinery (a quarter of the time).

Rasa runs the NLU graph once a message and the policy graph once for every action it
predicts (three times for an FAQ) through dask: each run computes the minimal
subgraph for its targets again, builds a dask graph and lets dask's scheduler order
and call a dozen nodes, about 0.3 ms of bookkeeping a run around nodes that do the
same work either way. ``SequentialGraphRunner`` orders each target set's subgraph
once and calls the same node objects in that order with the same arguments;
training keeps Rasa's dask runner.

The rule policy, three times a message: Rasa rebuilds the states of the whole
conversation from its first event for every prediction (twice for the first one, from
the message's text and then from its intent); ``past_states`` keeps each live
tracker's replay and continues it with the events appended since, falling back to
Rasa's replay whenever history was undone or reset. It then matches every rule
against every state back to the conversation's start, although a rule only looks as
far back as it is long; ``get_possible_keys`` stops past the longest rule still
possible. And the ResponseSelector looks up each label of its ranking by searching
every response of the domain; ``resolve_intent_response_key`` builds that lookup
once. All three give Rasa's results (tests/test_rasa_patches.py checks them against
Rasa's functions on generated conversations and rules). The rule search also starts
from the rules whose last state requires the conversation's previous action (or
none), a table built once per lookup, instead of all of them.

Two more on every message: the processor and the rule policy deep-copy events, states
and parse data as arguments of debug log lines, evaluated even when the line is
dropped (``DebugLogCopy`` copies only when debug lines are logged), and the processor
asks whether the domain is empty by building an empty domain to compare with
(``domain_is_empty`` builds it once).

And once the model is loaded (``Agent.load_model``), everything alive is frozen out of
the garbage collector's generations (``gc.freeze``): the full collections that walked
the model's millions of objects stopped the server for 230 to 310 ms every few
seconds under load; they now take a few milliseconds.

``install()`` runs when the tracker store is loaded (bot/privacy/tracker_store.py),
which both profiles name in their endpoints file, so every Rasa server gets it
before it loads the model (``rasa.core.agent.load_agent`` creates the stores first).
"""

from __future__ import annotations

import copy
import gc
import itertools
import logging
import weakref
from dataclasses import dataclass, field
from functools import cache
from graphlib import TopologicalSorter
from typing import Any, TypeVar

import jsonschema
import numpy as np
import rasa.core.policies.rule_policy
import rasa.core.processor
import scipy.sparse
import tensorflow as tf
from keras.utils import tf_utils
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.constants import DIAGNOSTIC_DATA, DOCS_BASE_URL
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, TEXT
from rasa.shared.nlu.training_data import util as training_data_util
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.utils.common import all_subclasses
from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel
from scipy.sparse._sputils import get_index_dtype

logger = logging.getLogger(__name__)

_original_resolve_by_type = Event.resolve_by_type
# The function under Rasa's classmethod, to call it for any class.
_original_model_load = RasaModel.load.__func__
_original_rasa_predict = RasaModel._rasa_predict
_original_get_all_features = Message.get_all_features
_original_combine_sparse_features = Features._combine_sparse_features
_original_past_states = DialogueStateTracker.past_states
_original_get_possible_keys = RulePolicy._get_possible_keys
_original_resolve_intent_response_key = ResponseSelector._resolve_intent_response_key
_original_load_model = Agent.load_model

ModelT = TypeVar("ModelT", bound=RasaModel)


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


def _build_from_checkpoint(
    cls: type[ModelT],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None,
    *args: Any,
    **kwargs: Any,
) -> ModelT:
    model: ModelT = cls(*args, **kwargs)
    # compile() would set this; Rasa's prediction reads it.
    model.run_eagerly = kwargs.get("config", {}).get(RUN_EAGERLY)
    # Read first: a weight created while the read is pending takes its checkpoint
    # value as its initial value (no random initialisation, no second copy).
    status = model.load_weights(model_file_name)
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    # The forward pass of the training loss builds every weight that fit() builds
    # (as in Rasa's test_step: no dropout, no gradients).
    model._training = False
    model.batch_loss(batch)
    model._training = None
    # Every weight that exists now came from the checkpoint; only the optimiser's
    # values (and its step counter) stay unread.
    status.assert_existing_objects_matched().expect_partial()
    if predict_data_example:
        # As Rasa: trace the prediction function now, not on the first message.
        model.run_inference(predict_data_example)
    return model


def load_for_inference(
    cls: type[ModelT],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> ModelT:
    """``RasaModel.load`` for serving: the weights, without an optimiser.

    Same arguments and result as Rasa's. Fine-tuning needs the optimiser's state, so
    ``finetune_mode`` gets Rasa's load, and so does a model this way cannot build
    (logged: Rasa would otherwise swallow the error and serve an untrained model).
    """
    if not finetune_mode:
        try:
            return _build_from_checkpoint(
                cls,
                model_file_name,
                model_data_example,
                predict_data_example,
                *args,
                **kwargs,
            )
        except Exception:  # noqa: BLE001 - Rasa's own load is the safe way back
            logger.warning(
                "Loading %s without its optimiser failed; using Rasa's load",
                cls.__name__,
                exc_info=True,
            )
    loaded: ModelT = _original_model_load(
        cls,
        model_file_name,
        model_data_example,
        predict_data_example,
        finetune_mode,
        *args,
        **kwargs,
    )
    return loaded


@dataclass(frozen=True)
class _Concrete:
    """A model's traced prediction, its concrete function and that one's inputs."""

    traced: Any
    function: Any
    specs: tuple[Any, ...]
    # Per input: its dtype, and its shape as a list (None where any size fits) or
    # None where any shape fits.
    dtypes: tuple[Any, ...]
    shapes: tuple[list[int | None] | None, ...]

    @classmethod
    def of(cls, traced: Any) -> _Concrete:
        # The signature is fixed (Rasa's ``input_signature``): one concrete function.
        function = traced.get_concrete_function()
        (specs,), _ = function.structured_input_signature
        return cls(
            traced,
            function,
            tuple(specs),
            tuple(spec.dtype for spec in specs),
            tuple(
                spec.shape.as_list() if spec.shape.rank is not None else None
                for spec in specs
            ),
        )

    def fits(self, batch_in: tuple[Any, ...], tensors: list[Any]) -> bool:
        """``TensorSpec.is_compatible_with`` for every input, from the arrays' shapes.

        Stricter where it cannot tell cheaply (an input that is not an array, a
        dtype that is only compatible): then the caller takes Rasa's way.
        """
        for value, tensor, dtype, shape in zip(
            batch_in, tensors, self.dtypes, self.shapes, strict=True
        ):
            if not isinstance(value, np.ndarray) or tensor.dtype != dtype:
                return False
            if shape is not None and (
                len(shape) != value.ndim
                or any(
                    s is not None and s != v
                    for s, v in zip(shape, value.shape, strict=True)
                )
            ):
                return False
        return True


# Per model: its traced prediction function and that function's concrete function.
_concrete_predict: weakref.WeakKeyDictionary[RasaModel, _Concrete] = (
    weakref.WeakKeyDictionary()
)


def _concrete_function(model: RasaModel) -> _Concrete | None:
    """The concrete function of ``model``'s traced prediction, once it is traced."""
    traced = model._tf_predict_step
    if traced is None or model._run_eagerly:
        return None
    known = _concrete_predict.get(model)
    if known is None or known.traced is not traced:
        known = _Concrete.of(traced)
        _concrete_predict[model] = known
    return known


def _rasas_predict(model: RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
    outputs: dict[str, Any] = _original_rasa_predict(model, batch_in)
    return outputs


def rasa_predict(model: RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
    """``RasaModel._rasa_predict`` through the concrete function, once traced.

    The batch is converted as TensorFlow converts arguments for a signature
    (function_spec.py, cast_inputs_to_signature: the signature's dtype as a hint
    only), checked against the signature, and given to the concrete function's graph
    call, which is what its ``__call__`` ends in after binding and checking the same
    arguments again. The first call (which traces), eager models and a batch that
    does not fit the signature take Rasa's way; the last raises Rasa's error there.
    """
    concrete = _concrete_function(model)
    if concrete is None or len(concrete.specs) != len(batch_in):
        return _rasas_predict(model, batch_in)
    tensors = [
        tf.convert_to_tensor(value, dtype_hint=spec.dtype)
        for value, spec in zip(batch_in, concrete.specs, strict=True)
    ]
    if not concrete.fits(batch_in, tensors):
        return _rasas_predict(model, batch_in)
    model._training = False
    function = concrete.function
    outputs: dict[str, Any] = tf_utils.sync_to_numpy_or_python_type(
        function._call_flat(tensors, captured_inputs=function.captured_inputs)
    )
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = model._empty_lists_to_none_in_dict(
            outputs[DIAGNOSTIC_DATA]
        )
    return outputs


def combine_sparse_features(features: Features, additional: Features) -> None:
    """``Features._combine_sparse_features`` for two COO matrices of one dtype.

    Rasa joins them with ``scipy.sparse.hstack``, which goes through ``bmat``: the
    blocks converted to COO again, an object array of blocks, offsets for a grid.
    For two COO blocks side by side that is the two blocks' entries one after the
    other, the second's columns shifted: the same arrays, in the same order, of the
    same dtypes. Anything else takes Rasa's way (and its errors).
    """
    left, right = features.features, additional.features
    if not (
        type(left) is scipy.sparse.coo_matrix
        and type(right) is scipy.sparse.coo_matrix
        and left.dtype == right.dtype
        and left.shape[0] == right.shape[0]
    ):
        _original_combine_sparse_features(features, additional)
        return
    shape = (left.shape[0], left.shape[1] + right.shape[1])
    index = get_index_dtype(maxval=max(shape))
    row = np.concatenate((left.row, right.row)).astype(index, copy=False)
    col = np.concatenate((left.col, right.col + left.shape[1])).astype(
        index, copy=False
    )
    data = np.concatenate((left.data, right.data))
    features.features = scipy.sparse.coo_matrix((data, (row, col)), shape=shape)
    features._cached_fingerprint = None


# Message attribute holding {(attribute, featurizers): (features present, combined)}.
_COMBINED = "_ecert_combined_features"


def get_all_features(
    message: Message, attribute: str, featurizers: list[str] | None = None
) -> list[Features]:
    """``Message.get_all_features``, combined once while the message's features last.

    The combination is kept with the feature objects it was made from; a feature
    added, removed or replaced makes it anew. Rasa's readers copy a combined feature
    before they change it (model_data_utils.py), so sharing it is safe; each caller
    gets a list of its own.
    """
    present = tuple(message.features)
    key = (attribute, tuple(featurizers or ()))
    cache: dict[tuple[str, tuple[str, ...]], tuple[tuple[Any, ...], list[Features]]]
    cache = message.__dict__.setdefault(_COMBINED, {})
    known = cache.get(key)
    if known is None or not _same_objects(known[0], present):
        known = (present, _original_get_all_features(message, attribute, featurizers))
        cache[key] = known
    return list(known[1])


def _same_objects(kept: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    # Identity, not equality: features are compared by value in Rasa (slow), and
    # the kept tuple holds the objects, so their ids cannot be reused meanwhile.
    return len(kept) == len(now) and all(a is b for a, b in zip(kept, now, strict=True))


class SequentialGraphRunner(DaskGraphRunner):  # type: ignore[misc]
    """Runs a graph's nodes one after the other in an order computed once a target set.

    The nodes are Rasa's own (instantiated as the dask runner does), each called with
    the outputs of its ``needs`` in the schema's order, exactly what dask calls them
    with; the result is the same ``{target: output}`` dictionary.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Instantiate the nodes (see parent class)."""
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}

    def _plan(self, targets: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        plan = self._plans.get(targets)
        if plan is None:
            nodes = self._graph_schema.minimal_graph_schema(list(targets)).nodes
            order = TopologicalSorter(
                {
                    name: [n for n in node.needs.values() if n in nodes]
                    for name, node in nodes.items()
                }
            ).static_order()
            plan = [(name, tuple(nodes[name].needs.values())) for name in order]
            self._plans[targets] = plan
        return plan

    def run(
        self,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        """Run the graph (see parent class); errors as the dask runner raises them."""
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        plan = self._plan(run_targets)
        inputs = inputs or {}
        results: dict[str, Any] = {}
        for name, value in inputs.items():
            # As the dask runner: a value naming a node is refused, and an input
            # named like a node stands in for that node's output.
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema."
                )
            results[name] = (name, value)
        try:
            for name, needs in plan:
                if name not in inputs:
                    node = self._instantiated_nodes[name]
                    results[name] = node(*(results[need] for need in needs))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(results[target] for target in run_targets)


# Events after which the events applied so far are no longer a prefix of the events
# applied then (DialogueStateTracker.applied_events): they reset or undo history, or
# (ActiveLoop) change which loop executions are undone.
_REWRITING = (
    Restarted,
    SessionStarted,
    ActionReverted,
    UserUtteranceReverted,
    ActiveLoop,
)


@dataclass
class _Replay:
    """A tracker's history replayed so far, as ``generate_all_prior_trackers`` does.

    ``seen`` are the tracker's events replayed (all of them, in order), ``replayed``
    the tracker rebuilt from their applied events, ``states`` the state before each
    applied ``ActionExecuted``.
    """

    tracker: weakref.ref[DialogueStateTracker]
    domain: weakref.ref[Domain]
    omit_unset_slots: bool
    loop_names: frozenset[str]
    replayed: DialogueStateTracker
    seen: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)

    @classmethod
    def start(
        cls, tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool
    ) -> _Replay:
        events = list(tracker.events)
        replay = cls(
            weakref.ref(tracker),
            weakref.ref(domain),
            omit_unset_slots,
            frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name),
            tracker.init_copy(),
            events,
        )
        replay._apply(tracker.applied_events(), domain)
        return replay

    def follows(
        self, tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool
    ) -> bool:
        """Whether this is ``tracker``'s replay, and its new events extend it."""
        events = tracker.events
        if (
            self.tracker() is not tracker
            or self.domain() is not domain
            or self.omit_unset_slots != omit_unset_slots
        ):
            return False
        seen = self.seen
        if len(events) < len(seen) or not all(
            a is b for a, b in zip(seen, events, strict=False)
        ):
            return False
        new = list(itertools.islice(events, len(seen), None))
        if any(
            isinstance(e, _REWRITING)
            or (isinstance(e, ActionExecuted) and e.action_name in self.loop_names)
            for e in new
        ):
            return False
        seen.extend(new)
        self._apply(new, domain)
        return True

    def _apply(self, events: list[Event], domain: Domain) -> None:
        for event in events:
            if isinstance(event, ActionExecuted):
                self.states.append(self._state(domain))
            self.replayed.update(event)

    def _state(self, domain: Domain) -> State:
        # Already cleaned (Rasa's states_for_tracker_history cleans it a second time).
        return domain.get_active_state(
            self.replayed, omit_unset_slots=self.omit_unset_slots
        )

    def past_states(self, domain: Domain) -> list[State]:
        """The states, each a new dictionary with a new user part.

        Rasa's callers change the states they get in place, and only their user
        parts (the text or the intent of a message removed: tracker_featurizers.py);
        the other parts are shared with the replay.
        """
        states: list[State] = [
            {**state, USER: dict(state[USER])} if USER in state else dict(state)
            for state in self.states
        ]
        states.append(self._state(domain))
        return states


# Replays by id of their (live) tracker.
_replays: dict[int, _Replay] = {}


def past_states(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """``DialogueStateTracker.past_states``, replaying only the events that are new.

    Rasa replays the whole conversation on each call: twice for the first prediction
    after a message (from its text, then from its intent) and once for every later
    one. Here a tracker's replay is kept while the tracker lives and continued with
    the events appended since; anything else (an event that undoes or resets
    history, a loop's action, another domain, rule-only turns to hide) gets Rasa's
    full replay. The states are the same (tests/test_rasa_patches.py).
    """
    if ignore_rule_only_turns:
        states: list[State] = _original_past_states(
            tracker, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
        return states
    key = id(tracker)
    replay = _replays.get(key)
    if replay is None or not replay.follows(tracker, domain, omit_unset_slots):
        replay = _Replay.start(tracker, domain, omit_unset_slots)
        if len(_replays) > 10_000:  # trackers kept alive elsewhere: bound the memory
            _replays.clear()
        _replays[key] = replay
        weakref.finalize(tracker, _forget_replay, key, replay)
    return replay.past_states(domain)


def _forget_replay(key: int, replay: _Replay) -> None:
    if _replays.get(key) is replay:
        del _replays[key]


# Stands for "any" among the previous actions in _by_last_action.
_ANY_ACTION = ""


@dataclass(frozen=True)
class _RulesByLastAction:
    """A lookup's rule keys by the previous action their last state requires."""

    keys: frozenset[str]
    by_action: dict[str, list[str]]
    lengths: dict[str, int]  # key -> number of states of its rule

    @classmethod
    def of(cls, policy: RulePolicy, lookup: dict[str, str]) -> _RulesByLastAction:
        by_action: dict[str, list[str]] = {}
        lengths: dict[str, int] = {}
        for key in lookup:
            rule_states = policy._rule_key_to_state(key)
            lengths[key] = len(rule_states)
            action = rule_states[-1].get(PREVIOUS_ACTION, {}) if rule_states else {}
            name = action.get(ACTION_NAME)
            if not isinstance(name, str) or name == SHOULD_NOT_BE_SET:
                name = _ANY_ACTION
            by_action.setdefault(name, []).append(key)
        return cls(frozenset(lookup), by_action, lengths)

    def candidates(self, state: State) -> set[str]:
        """The keys whose last rule state can match ``state`` as far as its action.

        Rasa's ``_does_rule_match_state`` refuses a rule that requires a previous
        action the state does not have, and ``_is_rule_applicable`` one that
        requires any previous action when the state has none.
        """
        name = state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
        found = set(self.by_action.get(_ANY_ACTION, ()))
        if isinstance(name, str) and name:
            found.update(self.by_action.get(name, ()))
        return found


# Per lookup (by id): its keys by the previous action their last state requires, and
# their rules' lengths.
_by_last_action: dict[int, _RulesByLastAction] = {}


def get_possible_keys(
    policy: RulePolicy, lookup: dict[str, str], states: list[State]
) -> set[str]:
    """``RulePolicy._get_possible_keys``, checking only rules that can still match.

    Rasa checks every rule against every state of the conversation, from the last
    one back. For the last state, only the rules whose last state requires that
    state's previous action (or none) are checked: the others cannot match it. And
    a rule is satisfied by any state further back than its own length, so once the
    walk is past the longest rule still possible (or none is left), the set can no
    longer change.
    """
    if not states:
        return set(lookup)
    index = _by_last_action.get(id(lookup))
    if index is None or index.keys != lookup.keys():
        if len(_by_last_action) > 64:
            _by_last_action.clear()
        index = _by_last_action[id(lookup)] = _RulesByLastAction.of(policy, lookup)
    possible_keys = index.candidates(states[-1])
    for turn_index, state in enumerate(reversed(states)):
        longest = max((index.lengths[key] for key in possible_keys), default=0)
        if turn_index >= longest:
            break
        possible_keys = {
            key
            for key in possible_keys
            if policy._is_rule_applicable(key, turn_index, state)
        }
    return possible_keys


# Selector attribute holding (its responses, {label name: intent response key}).
_RESPONSE_KEYS = "_ecert_response_keys"


def resolve_intent_response_key(
    selector: ResponseSelector, label: dict[str, str | None]
) -> str | None:
    """``ResponseSelector._resolve_intent_response_key`` from a table built once.

    Rasa searches every response of the domain for each label of the ranking (each
    response key, then each response's text); the table holds the first match of
    each name in that same order.
    """
    known = selector.__dict__.get(_RESPONSE_KEYS)
    if known is None or known[0] is not selector.responses:
        table: dict[Any, str] = {}
        for key, responses in selector.responses.items():
            search_key = training_data_util.template_key_to_intent_response_key(key)
            table.setdefault(search_key, search_key)
            for response in responses:
                table.setdefault(response.get(TEXT, ""), search_key)
        known = (selector.responses, table)
        selector.__dict__[_RESPONSE_KEYS] = known
    found: str | None = known[1].get(label.get("name"))
    return found


@cache
def _empty_domain() -> dict[str, Any]:
    empty: dict[str, Any] = Domain.empty().as_dict()
    return empty


def domain_is_empty(domain: Domain) -> bool:
    """``Domain.is_empty``, comparing with the empty domain's dictionary made once.

    Rasa builds an empty domain from scratch for the comparison, on every message
    (``MessageProcessor._check_for_unseen_features``).
    """
    return bool(domain.as_dict() == _empty_domain())


class DebugLogCopy:
    """The ``copy`` module for a Rasa module that deep-copies only values to log.

    Rasa's processor and rule policy deep-copy events, states and parse data for
    their debug log lines on every message (arguments are evaluated before the
    logger drops the line). In those two modules ``copy`` is used for nothing else
    (tests/test_rasa_patches.py checks their source), so this stand-in copies only
    when the module's logger lets debug lines through, and hands the value over
    otherwise.
    """

    def __init__(self, module: str) -> None:
        """Stand in for ``copy`` in ``module`` (whose logger decides)."""
        self._logger = logging.getLogger(module)

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        """``copy.deepcopy`` when debug lines are logged, else ``value`` itself."""
        if self._logger.isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def load_model(agent: Agent, *args: Any, **kwargs: Any) -> None:
    """``Agent.load_model``, then everything it loaded set aside from the collector.

    Python's full collections walk every object the process holds; after the model
    is loaded that is millions of them (TensorFlow, the featurizers' vocabularies,
    Sudachi), all kept for the life of the process, and each walk stopped the server
    for 230 to 310 ms every 7 to 15 s under load (bench/RESULTS.md). ``gc.freeze``
    moves the objects alive now out of the collector's generations: they are never
    freed (they would not be anyway), and a full collection walks only what came
    after. Garbage made while loading is collected first.
    """
    _original_load_model(agent, *args, **kwargs)
    gc.collect()
    gc.freeze()


def install() -> None:
    """Apply the fixes (idempotent)."""
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_by_type)
    RasaModel.load = classmethod(load_for_inference)
    RasaModel._rasa_predict = rasa_predict
    Message.get_all_features = get_all_features
    Features._combine_sparse_features = combine_sparse_features
    DialogueStateTracker.past_states = past_states
    RulePolicy._get_possible_keys = get_possible_keys
    ResponseSelector._resolve_intent_response_key = resolve_intent_response_key
    Domain.is_empty = domain_is_empty
    Agent.load_model = load_model
    for module in (rasa.core.processor, rasa.core.policies.rule_policy):
        if not isinstance(module.copy, DebugLogCopy):
            module.copy = DebugLogCopy(module.__name__)
