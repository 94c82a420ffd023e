"""The SudachiPy tokenizer component (cf. Rasa's test_jieba_tokenizer.py)."""

from typing import Any

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sudachi_tokenizer import MAX_CHUNK_CHARS, SudachiTokenizer


def create_tokenizer(config: dict[str, Any] | None = None) -> SudachiTokenizer:
    return SudachiTokenizer({**SudachiTokenizer.get_default_config(), **(config or {})})


@pytest.mark.parametrize(
    ("text", "tokens", "offsets"),
    [
        (
            "電子証明書の更新",
            ["電子", "証明", "書", "の", "更新"],
            [(0, 2), (2, 4), (4, 5), (5, 6), (6, 8)],
        ),
        # The whitespace tokenizer's emoji filter deletes kana next to ASCII; not here.
        (
            "マイナンバーカード 2019年 発行",
            ["マイナンバー", "カード", "2019", "年", "発行"],
            [(0, 6), (6, 9), (10, 14), (14, 15), (16, 18)],
        ),
        ("ﾏｲﾅｶｰﾄﾞ", ["ﾏｲﾅ", "ｶｰﾄﾞ"], [(0, 3), (3, 7)]),
    ],
    ids=["kanji", "mixed-ascii", "half-width-katakana"],
)
def test_tokens_and_offsets(
    text: str, tokens: list[str], offsets: list[tuple[int, int]]
) -> None:
    result = create_tokenizer().tokenize(Message(data={TEXT: text}), attribute=TEXT)
    assert [t.text for t in result] == tokens
    assert [(t.start, t.end) for t in result] == offsets
    assert all(text[t.start : t.end] == t.text for t in result)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("引越し", "引っ越し"),
        ("ﾏｲﾅﾝﾊﾞｰ", "マイナンバー"),
        ("ＪＰＫＩ", "jpki"),
        ("附属", "付属"),
    ],
    ids=["okurigana", "half-width", "full-width-latin", "kanji-variant"],
)
def test_variants_share_lemmas(a: str, b: str) -> None:
    tokenizer = create_tokenizer()
    lemmas_a = [t.lemma for t in tokenizer.tokenize(Message(data={TEXT: a}), TEXT)]
    lemmas_b = [t.lemma for t in tokenizer.tokenize(Message(data={TEXT: b}), TEXT)]
    assert lemmas_a == lemmas_b


def test_split_mode_c_keeps_compounds() -> None:
    tokens = create_tokenizer({"split_mode": "C"}).tokenize(
        Message(data={TEXT: "電子証明書の有効期限"}), TEXT
    )
    assert [t.text for t in tokens] == ["電子証明書", "の", "有効期限"]


def test_bad_split_mode_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="split_mode"):
        create_tokenizer({"split_mode": "D"})


def test_whitespace_is_dropped_and_long_text_is_chunked() -> None:
    text = "更新 " * (MAX_CHUNK_CHARS // 2)
    tokens = create_tokenizer().tokenize(Message(data={TEXT: text}), TEXT)
    assert len(tokens) == MAX_CHUNK_CHARS // 2
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_response_texts_are_tokenized_too() -> None:
    message = Message(
        data={TEXT: "持ち物は？", INTENT: "faq", RESPONSE: "マイナンバーカードです"}
    )
    create_tokenizer().process_training_data(TrainingData([message]))
    assert [t.text for t in message.get(TOKENS_NAMES[RESPONSE])][:2] == [
        "マイナンバー",
        "カード",
    ]
