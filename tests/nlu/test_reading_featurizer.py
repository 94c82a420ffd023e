"""Count vectors over readings: kana-only input shares features with its kanji."""

from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.reading_featurizer import ReadingCountVectorsFeaturizer
from bot.nlu.sudachi_tokenizer import READING, SudachiTokenizer


def _features(texts: list[str], tmp_path: Path) -> list[np.ndarray]:
    tokenizer = SudachiTokenizer(
        {**SudachiTokenizer.get_default_config(), "split_mode": "C"}
    )
    featurizer = ReadingCountVectorsFeaturizer.create(
        {
            **ReadingCountVectorsFeaturizer.get_default_config(),
            "analyzer": "char_wb",
            "min_ngram": 2,
            "max_ngram": 4,
        },
        LocalModelStorage(tmp_path),
        Resource("reading"),
        ExecutionContext(None, "reading"),  # type: ignore[arg-type]
    )
    messages = [Message(data={TEXT: text}) for text in texts]
    training = TrainingData(messages)
    tokenizer.process_training_data(training)
    featurizer.train(training)
    featurizer.process_training_data(training)
    vectors = []
    for message in messages:
        _, sentence = message.get_sparse_features(TEXT)
        assert sentence is not None
        vectors.append(sentence.features.toarray()[0] > 0)
    return vectors


def test_tokens_carry_their_reading() -> None:
    tokenizer = SudachiTokenizer(SudachiTokenizer.get_default_config())
    tokens = tokenizer.tokenize(Message(data={TEXT: "更新"}), TEXT)
    assert [t.get(READING) for t in tokens] == ["コウシン"]


def test_kana_only_input_meets_its_kanji(tmp_path: Path) -> None:
    kanji, hiragana, half_width, other = _features(
        ["証明書を更新", "しょうめいしょ こうしん", "ｼｮｳﾒｲｼｮ ｺｳｼﾝ", "天気はどう"],
        tmp_path,
    )
    assert (kanji & hiragana).sum() >= 4
    assert (kanji & half_width).sum() >= 6
    assert (kanji & other).sum() == 0
