"""役に立った／役に立たなかった after an answer, over REST, recorded for the report."""

from __future__ import annotations

from stack import Bot

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
