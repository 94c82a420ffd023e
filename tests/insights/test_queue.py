"""Masking, the unanswered queue, and its export in Rasa's NLU format."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from known_store import BASE, MY_NUMBER, PIN, Store
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.dates import find_dates
from bot.insights.mask import DATE_MASK, mask_text
from bot.insights.queue import (
    NEW_TOPIC,
    QueueItem,
    group,
    guesses,
    is_label,
    known_labels,
    load_queue,
    to_csv,
    to_nlu_yaml,
)
from bot.insights.store import read_only


@pytest.mark.parametrize(
    "text",
    [
        "昭和60年4月3日生まれです",
        "S60.4.3生まれ",
        "1985/4/3です",
        "平成二年四月一日",
        "二〇二一年六月十日に作った",
        "２０２１年６月１０日",
        "令和3年6月10日（2021年6月10日）",
        "85/4/3",
        "2023年2月30日",  # impossible, still personal
        "昭和60年生まれ",  # year alone
        "4月3日が誕生日",
        "20210610に発行",
        "Ｈ２．４．１",
    ],
)
def test_dates_in_every_form_are_masked(text: str) -> None:
    masked = mask_text(text)
    assert DATE_MASK in masked
    assert not find_dates(masked)
    assert not re.search(r"[0-9０-９]{2}", masked)


def test_secrets_and_long_numbers_are_masked_and_words_kept() -> None:
    assert (
        mask_text(f"マイナンバーは{MY_NUMBER}です")
        == "マイナンバーは" + "＊" * 12 + "です"
    )
    assert PIN not in mask_text(f"暗証番号は{PIN}です")
    assert "1234" not in mask_text("番号は1234-5678-9999です")  # wrong check digit
    assert mask_text("更新の持ち物は？") == "更新の持ち物は？"


def test_guesses_are_scored_from_the_stored_rankings() -> None:
    parse = {
        "answer_gate": {
            "intents": [["faq", 0.6], ["check_expiry", 0.25], ["out_of_scope", 0.15]],
            "selectors": {
                "default": [
                    ["faq/where", 0.5],
                    ["faq/pin", 0.4],
                    ["out_of_scope/x", 0.1],
                ]
            },
        }
    }
    assert guesses(parse) == (
        ("faq/where", 0.3),
        ("check_expiry", 0.25),
        ("faq/pin", 0.24),
    )
    # Without the gate's copy, Rasa's own ranking and response selector are used.
    rasa = {
        "intent_ranking": [{"name": "faq", "confidence": 1.0}],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"ranking": [{"intent_response_key": "faq/pin", "confidence": 0.9}]},
        },
    }
    assert guesses(rasa) == (("faq/pin", 0.9),)


def item(text: str) -> QueueItem:
    return QueueItem(text, "fallback", "abcd1234", (("faq/pin", 0.5),))


def test_similar_messages_are_grouped() -> None:
    groups = group(
        [
            item("暗証番号を忘れました"),
            item("暗証番号を忘れました"),
            item("暗証番号を忘れてしまいました"),
            item("パスポートはどこで申請しますか"),
        ]
    )
    assert [len(g.items) for g in groups] == [3, 1]
    assert groups[0].texts[0] == "暗証番号を忘れました"
    assert groups[0].guesses == [("faq/pin", 0.5)]


def test_queue_holds_fallback_out_of_scope_and_thumbs_down(sqlite_store: Store) -> None:
    end = BASE + timedelta(hours=1)
    groups = load_queue(
        read_only(sqlite_store.url), end - timedelta(days=30), end, b"salt"
    )
    texts = [t for g in groups for t in g.texts]
    reasons = {t: i.reason for g in groups for i in g.items for t in [i.text]}
    assert reasons["パスポートの申請はどこ"] == "out_of_scope"
    assert reasons["〇〇年〇月〇日生まれで更新できますか"] == "fallback"
    # 👎 after an FAQ answer queues the question it answered (LINE: 暗証番号 …).
    assert "暗証番号は＊＊＊＊でいいですか" in texts
    # 👎 after a dates result: the question before it is only a date, so nothing.
    assert not any(t.strip("〇年月日") == "" for t in texts)
    everything = repr(groups)
    for secret in (MY_NUMBER, PIN, "alice", "bob", "carol", "line:U1", "1985"):
        assert secret not in everything
    senders = {i.sender for g in groups for i in g.items}
    assert all(re.fullmatch(r"[0-9a-f]{8}", s) for s in senders)


def test_export_is_rasa_nlu_yaml_and_new_topics_are_not_trained(tmp_path: Path) -> None:
    labelled = {
        "faq/pin": ["暗証番号を忘れた", f"暗証番号{PIN}を忘れた"],
        "out_of_scope/not_on_page": ["手数料はいくら"],
        NEW_TOPIC: ["マイナ保険証の使い方"],
    }
    text = to_nlu_yaml(labelled, BASE)
    path = tmp_path / "review.yml"
    path.write_text(text, encoding="utf-8")
    data = RasaYAMLReader().read(path)
    examples = {(m.get("intent"), m.get("text")) for m in data.intent_examples}
    assert ("faq", "暗証番号を忘れた") in examples
    assert any(i == "out_of_scope" for i, _ in examples)
    assert {m.get("intent_response_key") for m in data.intent_examples} >= {
        "faq/pin",
        "out_of_scope/not_on_page",
    }
    assert PIN not in text and "マイナ保険証" in text  # as a comment only
    assert yaml.safe_load(text)["nlu"] and all(
        "マイナ保険証" not in m.get("text") for m in data.intent_examples
    )
    assert "faq/pin,暗証番号を忘れた" in to_csv(labelled)


def test_labels_come_from_the_bot_data() -> None:
    labels = known_labels()
    assert "faq/what_to_bring" in labels and "out_of_scope/chitchat" in labels
    assert (
        is_label(NEW_TOPIC) and not is_label("faq/invented") and not is_label("greet")
    )
