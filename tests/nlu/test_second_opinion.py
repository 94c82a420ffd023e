"""The second opinion: a linear model over text and readings, stored as plain arrays."""

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from bot.nlu.second_opinion import (
    FORMAT,
    SECOND_OPINION,
    LinearModel,
    SecondOpinionClassifier,
    document,
    normalized,
)
from bot.nlu.sudachi_tokenizer import SudachiTokenizer

CONFIG = SecondOpinionClassifier.get_default_config()
EXAMPLES = [
    ("電子証明書の更新に何を持っていけばいいですか", "faq/what_to_bring"),
    ("更新の持ち物を教えて", "faq/what_to_bring"),
    ("必要なものは何ですか", "faq/what_to_bring"),
    ("暗証番号を忘れました", "faq/pin"),
    ("パスワードがわからない", "faq/pin"),
    ("暗証番号をロックしてしまった", "faq/pin"),
    ("こんにちは", "greet"),
    ("おはようございます", "greet"),
    ("パスポートの申請について", "out_of_scope/city_other"),
    ("ごみの出し方を知りたい", "out_of_scope/city_other"),
]
TEXTS = [t for t, _ in EXAMPLES]
LABELS = [label for _, label in EXAMPLES]


QUERIES = [
    "暗証番号を忘れた",
    "ｺｳｼﾝ の 持ち物",
    "ﾓﾁﾓﾉ は？ | モチモノ",
    "天気",
    "zzz",
    "",
    "更新更新更新",
    "こんばんは",
]


def _sklearns() -> Pipeline:
    """The same model as sklearn computes it, end to end."""
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
        LogisticRegression(C=CONFIG["C"], max_iter=5000),
    ).fit([normalized(t) for t in TEXTS], LABELS)


@pytest.mark.parametrize("query", QUERIES)
def test_ranking_is_sklearns_tfidf_and_regression(query: str) -> None:
    model = LinearModel.fit(TEXTS, LABELS, CONFIG)
    reference = _sklearns()
    assert model.labels == tuple(reference.classes_)
    assert model.vocabulary == reference[0].vocabulary_
    expected = reference.predict_proba([normalized(query)])[0]
    ranking = dict(model.ranking(query))
    assert [ranking[label] for label in model.labels] == pytest.approx(
        list(expected), abs=1e-9
    )


def test_ranking_is_ordered_and_sums_to_one() -> None:
    ranking = LinearModel.fit(TEXTS, LABELS, CONFIG).ranking(
        "暗証番号を忘れてしまいました"
    )
    assert ranking[0][0] == "faq/pin"
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)
    assert sum(p for _, p in ranking) == pytest.approx(1.0)


def _component(tmp_path: Path, config: dict | None = None) -> SecondOpinionClassifier:
    return SecondOpinionClassifier.create(
        {**CONFIG, **(config or {})},
        LocalModelStorage(tmp_path),
        Resource("second_opinion"),
        ExecutionContext(None, "second_opinion"),  # type: ignore[arg-type]
    )


def _tokenized(examples: list[tuple[str, str | None]]) -> list[Message]:
    tokenizer = SudachiTokenizer(
        {**SudachiTokenizer.get_default_config(), "split_mode": "C"}
    )
    messages = []
    for text, label in examples:
        data = {TEXT: text}
        if label:
            data[INTENT] = label.split("/")[0]
            if "/" in label:
                data[INTENT_RESPONSE_KEY] = label
        messages.append(Message(data=data))
    tokenizer.process_training_data(TrainingData(messages))
    return messages


def test_trains_persists_and_loads_the_same_model(tmp_path: Path) -> None:
    component = _component(tmp_path)
    resource = component.train(TrainingData(_tokenized(EXAMPLES)))
    loaded = SecondOpinionClassifier.load(
        CONFIG,
        LocalModelStorage(tmp_path),
        resource,
        ExecutionContext(None, "second_opinion"),  # type: ignore[arg-type]
    )
    assert loaded.model is not None and component.model is not None
    queries = _tokenized([("あんしょうばんごうをわすれた", None), ("持ち物", None)])
    for message in queries:
        expected = component.model.ranking(document(message))
        loaded.process([message])
        assert message.get(SECOND_OPINION) == expected
    # Labels are the retrieval sub-intents where there is one.
    assert set(loaded.model.labels) == set(LABELS)
    # Nothing in the stored model is a pickle.
    files = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert files == {"vocabulary.json", "labels.json", "weights.npz"}


def test_readings_let_kana_only_input_meet_its_kanji(tmp_path: Path) -> None:
    component = _component(tmp_path)
    component.train(TrainingData(_tokenized(EXAMPLES)))
    (message,) = _tokenized([("あんしょうばんごう", None)])
    assert "アンショウ バンゴウ" in document(message)
    component.process([message])
    assert message.get(SECOND_OPINION)[0][0] == "faq/pin"


def test_one_label_trains_nothing_and_adds_nothing(tmp_path: Path) -> None:
    component = _component(tmp_path)
    resource = component.train(TrainingData(_tokenized(EXAMPLES[6:8])))
    loaded = SecondOpinionClassifier.load(
        CONFIG,
        LocalModelStorage(tmp_path),
        resource,
        ExecutionContext(None, "second_opinion"),  # type: ignore[arg-type]
    )
    (message,) = _tokenized([("こんにちは", None)])
    loaded.process([message])
    assert loaded.model is None and message.get(SECOND_OPINION) is None


def test_the_storage_format_is_part_of_the_cache_key() -> None:
    assert SecondOpinionClassifier.fingerprint_addon(CONFIG) == FORMAT


def test_weights_of_another_shape_are_refused(tmp_path: Path) -> None:
    component = _component(tmp_path)
    resource = component.train(TrainingData(_tokenized(EXAMPLES)))
    (weights,) = tmp_path.rglob("weights.npz")
    with np.load(weights) as arrays:
        stored = dict(arrays)
    np.savez(weights, **(stored | {"weights": stored["weights"].T}))
    with pytest.raises(ValueError, match="retrain"):
        SecondOpinionClassifier.load(
            CONFIG,
            LocalModelStorage(tmp_path),
            resource,
            ExecutionContext(None, "second_opinion"),  # type: ignore[arg-type]
        )
