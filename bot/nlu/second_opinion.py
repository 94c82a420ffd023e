"""A second, simple model over the full labels: the answer gate's agreement check.

DIET and the ResponseSelector are one kind of model (dense layers over the same sparse
features), so they tend to be confidently wrong together. This component is another
kind: multinomial logistic regression over TF-IDF character n-grams (``char_wb``,
1–4, sublinear term frequency) of the text followed by its words' readings from the
Sudachi tokenizer (so that ｼｮｳﾒｲｼｮ and しょうめいしょ meet 証明書), with one label
per answer the bot can give (``faq/pin``, ``out_of_scope/city_other``, ``greet``,
``check_expiry``...). It learns in seconds and predicts in well under a millisecond;
on the dev sets it is right where DIET is wrong often enough that a blend of the two
answers more questions right and fewer wrongly than either (bench/RESULTS.md). The
answer gate blends the rankings (:func:`bot.nlu.answer_gate.blend`); this component
only adds its ranking to the message under :data:`SECOND_OPINION`.

The model is stored as plain arrays and JSON (no pickle): the n-gram vocabulary, the
inverse document frequencies, the weights and the labels.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from typing_extensions import Self

from bot.nlu.sudachi_tokenizer import READING

# Message property holding the ranking: [(label, probability), ...], best first.
SECOND_OPINION = "second_opinion"
_FILES = ("vocabulary.json", "labels.json", "weights.npz")
# Version of the stored arrays' layout: part of Rasa's cache key, so a model trained
# by older code is trained again rather than read wrongly.
FORMAT = "3: text and readings; weights (features, labels)"


def normalized(text: str) -> str:
    """Return the text as the model reads it: NFKC (kana, digits), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def document(message: Message) -> str:
    """The text the model reads: the message, then its words' readings (katakana)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    readings = " ".join(str(t.get(READING) or t.text) for t in tokens)
    return f"{message.get(TEXT)} | {readings}" if readings else str(message.get(TEXT))


def _vectorizer(config: dict[str, Any]) -> CountVectorizer:
    return CountVectorizer(
        analyzer="char_wb",
        ngram_range=(int(config["min_ngram"]), int(config["max_ngram"])),
        dtype=np.float64,
    )


@dataclass(frozen=True)
class LinearModel:
    """TF-IDF character n-grams and multinomial logistic regression, as arrays."""

    analyzer: Callable[[str], list[str]]  # text -> its n-grams
    vocabulary: dict[str, int]  # n-gram -> feature
    idf: npt.NDArray[np.float64]  # (features,)
    weights: npt.NDArray[np.float64]  # (features, labels), C order: one row a feature
    bias: npt.NDArray[np.float64]  # (labels,)
    labels: tuple[str, ...]

    @classmethod
    def fit(
        cls, texts: Sequence[str], labels: Sequence[str], config: dict[str, Any]
    ) -> LinearModel:
        """Learn from (text, label) pairs; deterministic (lbfgs, no sampling)."""
        vectorizer = _vectorizer(config)
        counts = vectorizer.fit_transform([normalized(t) for t in texts])
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        regression = LogisticRegression(C=float(config["C"]), max_iter=5000)
        regression.fit(tfidf.transform(counts), list(labels))
        classes = tuple(str(c) for c in regression.classes_)
        if len(classes) == 2:  # sklearn keeps one row for two classes
            weights = np.vstack([-regression.coef_[0], regression.coef_[0]]) / 2
            bias = np.array([-regression.intercept_[0], regression.intercept_[0]]) / 2
        else:
            weights, bias = regression.coef_, regression.intercept_
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        # Stored as (features, labels), C order: a message reads only the rows of its
        # own n-grams.
        return cls.from_arrays(
            config,
            vocabulary,
            tfidf.idf_,
            np.ascontiguousarray(weights.T),
            bias,
            classes,
        )

    @classmethod
    def from_arrays(
        cls,
        config: dict[str, Any],
        vocabulary: dict[str, int],
        idf: npt.NDArray[np.float64],
        weights: npt.NDArray[np.float64],
        bias: npt.NDArray[np.float64],
        labels: Sequence[str],
    ) -> LinearModel:
        """The model from its stored parts, n-grams cut as ``config`` says."""
        return cls(
            _vectorizer(config).build_analyzer(),
            vocabulary,
            idf,
            weights,
            bias,
            tuple(labels),
        )

    def ranking(self, text: str) -> list[tuple[str, float]]:
        """(label, probability) for one text, best first.

        sklearn's TF-IDF (sublinear tf, L2 norm) and softmax, computed on the message's
        few n-grams alone (tests/nlu/test_second_opinion.py checks it against sklearn).
        """
        counts = Counter(
            self.vocabulary[gram]
            for gram in self.analyzer(normalized(text))
            if gram in self.vocabulary
        )
        if counts:
            index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            values = (np.log(tf) + 1.0) * self.idf[index]
            values /= np.sqrt(values @ values)
            scores = values @ self.weights[index] + self.bias
        else:
            scores = self.bias.copy()
        scores -= scores.max()
        row = np.exp(scores)
        row /= row.sum()
        order = np.argsort(-row, kind="stable")
        return [(self.labels[i], float(row[i])) for i in order]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SecondOpinionClassifier(GraphComponent):
    """Adds a linear model's ranking of the full labels to each message."""

    @staticmethod
    def required_components() -> list[type]:
        """The readings come from the tokenizer (the Sudachi one gives them)."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Character n-grams 1–4 and the inverse regularisation strength."""
        return {"min_ngram": 1, "max_ngram": 4, "C": 30.0}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearModel | None = None,
    ) -> None:
        """Keep the config, where to persist, and the trained model if any."""
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Key the training cache on the storage format too (see parent class)."""
        return FORMAT

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """Create an untrained component (see parent class)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn from the NLU examples; a retrieval intent's label is its sub-intent."""
        pairs = [
            (document(m), str(m.get(INTENT_RESPONSE_KEY) or m.get(INTENT)))
            for m in training_data.intent_examples
            if m.get(TEXT) and m.get(INTENT)
        ]
        if len({label for _, label in pairs}) < 2:
            self.model = None  # nothing to tell apart
        else:
            texts = [text for text, _ in pairs]
            labels = [label for _, label in pairs]
            self.model = LinearModel.fit(texts, labels, self._config)
        self._persist()
        return self._resource

    def _persist(self) -> None:
        with self._storage.write_to(self._resource) as directory:
            if self.model is None:
                return
            (directory / "vocabulary.json").write_text(
                json.dumps(self.model.vocabulary, ensure_ascii=False), encoding="utf-8"
            )
            (directory / "labels.json").write_text(
                json.dumps(list(self.model.labels), ensure_ascii=False),
                encoding="utf-8",
            )
            np.savez(
                directory / "weights.npz",
                idf=self.model.idf,
                weights=self.model.weights,
                bias=self.model.bias,
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Self:
        """Load the arrays written by :meth:`train` (none: an untrained component)."""
        config = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                if not all((directory / name).exists() for name in _FILES):
                    return cls(config, model_storage, resource)
                vocabulary = json.loads(
                    (directory / "vocabulary.json").read_text(encoding="utf-8")
                )
                labels = json.loads((directory / "labels.json").read_text("utf-8"))
                with np.load(directory / "weights.npz", allow_pickle=False) as arrays:
                    idf, bias = arrays["idf"], arrays["bias"]
                    weights = np.ascontiguousarray(arrays["weights"])
        except ValueError:  # Rasa: no such resource
            return cls(config, model_storage, resource)
        if weights.shape != (len(vocabulary), len(labels)):
            raise ValueError(
                f"second opinion weights of shape {weights.shape} do not fit "
                f"{len(vocabulary)} n-grams and {len(labels)} labels: retrain"
            )
        model = LinearModel.from_arrays(config, vocabulary, idf, weights, bias, labels)
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the ranking of each message's text (nothing when untrained)."""
        if self.model is None:
            return messages
        for message in messages:
            if message.get(TEXT):
                message.set(SECOND_OPINION, self.model.ranking(document(message)))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the training data."""
        return training_data
