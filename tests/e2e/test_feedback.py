"""役に立った／役に立たなかった after an answer, over REST, recorded for the report."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from stack import Bot

from bot.insights.queue import load_queue
from bot.insights.report import build_report
from bot.insights.store import read_only

ASK = "この回答はお役に立ちましたか。"


def test_faq_answer_asks_for_feedback_and_a_thumbs_down_offers_the_phone(
    bot: Bot,
) -> None:
    sender = "feedback-1"
    answer, ask = bot.send(sender, "更新の持ち物は何ですか")[-2:]
    assert "マイナンバーカード" in answer["text"]
    assert ask["text"] == ASK
    assert [b["payload"] for b in ask["buttons"]] == [
        "/feedback_useful",
        "/feedback_not_useful",
    ]
    [sorry] = bot.send(sender, "/feedback_not_useful")
    assert "0826-42-5616" in sorry["text"]
    assert "/faq/where" in [b["payload"] for b in sorry["buttons"]]
    # A related question from the buttons is answered (and asks again).
    assert ASK in bot.texts(sender, "/faq/where")
    [thanks] = bot.send(sender, "/feedback_useful")
    assert "ありがとうございました" in thanks["text"]


def test_dates_result_asks_for_feedback(bot: Bot) -> None:
    texts = bot.texts(
        "feedback-2", "昭和60年4月3日生まれで、令和3年6月10日に発行されました"
    )
    assert "2026年4月3日" in texts and texts.endswith(ASK)


def test_the_report_counts_real_conversations(bot: Bot) -> None:
    """What the running bot stored is what the staff report and queue read."""
    sender = "feedback-3"
    bot.send(sender, "電子証明書の更新に必要なものを教えてください")
    bot.send(sender, "/feedback_not_useful")
    engine = read_only(f"sqlite:///{bot.tracker_db}")
    end = datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(minutes=1)
    report = build_report(engine, end - timedelta(days=1), end)
    rest = [row for row in report.rows if row.channel == "rest"]
    assert sum(row.not_useful for row in rest) >= 1
    assert all(key.startswith("faq/") for row in rest for key in row.faq)
    assert sum(sum(row.faq.values()) for row in rest) >= 1
    texts = [
        t
        for g in load_queue(engine, end - timedelta(days=1), end, b"s")
        for t in g.texts
    ]
    assert "電子証明書の更新に必要なものを教えてください" in texts
    # The store wrote the report's columns from the real parse data.
    with engine.connect() as c:
        columns = c.execute(
            sa.text(
                "SELECT input_channel, retrieval_key, intent_name FROM events "
                "WHERE sender_id LIKE :sender AND type_name = 'user'"
            ),
            {"sender": f"%{sender}"},
        ).all()
    assert {channel for channel, _, _ in columns} == {"rest"}
    assert [key for _, key, intent in columns if intent == "faq"][0].startswith("faq/")
