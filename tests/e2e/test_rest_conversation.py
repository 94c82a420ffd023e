"""Whole conversations through the REST channel, with the real model and actions."""

import hashlib
import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import httpx
import pytest
import yaml
from icalendar import Calendar
from stack import Bot
from stdnum.jp import in_

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_faq_answers_from_the_page(bot: Bot) -> None:
    assert "0826-42-5616" in bot.texts("faq-1", "市民課の電話番号を教えて")
    assert "本庁市民課" in bot.texts("faq-1", "どこで更新できますか")
    assert "3か月前の翌日" in bot.texts("faq-1", "更新はいつからできる？")


def test_faq_button_payload(bot: Bot) -> None:
    assert "照会書兼回答書" in bot.texts("faq-2", "/faq/proxy")


def test_dates_conversation_showa_and_reiwa(bot: Bot) -> None:
    sender = "dates-1"
    assert "生年月日" in bot.texts(sender, "自分の電子証明書の有効期限を調べたい")
    assert "発行された日" in bot.texts(sender, "昭和60年4月3日")
    answer = bot.texts(sender, "令和3年6月10日")
    assert "2026年4月3日（令和8年4月3日）" in answer
    assert "2031年4月3日（令和13年4月3日）" in answer


def test_both_dates_in_one_message(bot: Bot) -> None:
    answer = bot.texts(
        "dates-2", "昭和60年4月3日生まれで、令和3年6月10日に発行されました"
    )
    assert "2026年4月3日（令和8年4月3日）" in answer


def test_correction_after_the_answer(bot: Bot) -> None:
    sender = "dates-3"
    bot.texts(sender, "昭和60年4月3日生まれで、令和3年6月10日に発行されました")
    answer = bot.texts(sender, "やっぱり生年月日は平成2年4月1日でした")
    # Born 1990-04-01, card 2021-06-10: certificate to the 5th birthday, 2026-04-01.
    assert "2026年4月1日（令和8年4月1日）" in answer


def test_faq_inside_the_form_then_back(bot: Bot) -> None:
    sender = "dates-4"
    bot.texts(sender, "有効期限を計算してほしい")
    answer = bot.texts(sender, "ちなみに更新はどこでできますか")
    assert "本庁市民課" in answer
    assert "生年月日" in answer  # the form asks again
    assert "発行された日" in bot.texts(sender, "S60.4.3")


def test_impossible_date_is_re_asked(bot: Bot) -> None:
    sender = "dates-5"
    bot.texts(sender, "有効期限を調べたい")
    answer = bot.texts(sender, "平成31年5月1日")
    assert "平成は" in answer and "生年月日" in answer


def test_cancel(bot: Bot) -> None:
    sender = "dates-6"
    bot.texts(sender, "有効期限を調べたい")
    assert "中止" in bot.texts(sender, "やっぱりやめます")


def test_my_number_is_warned_about_and_not_stored(bot: Bot) -> None:
    my_number = "12345678901" + in_.calc_check_digit("12345678901")
    answer = bot.texts("privacy-1", f"私のマイナンバーは{my_number}です")
    assert "入力しないでください" in answer
    rows = sqlite3.connect(bot.tracker_db).execute("select data from events").fetchall()
    stored = json.dumps([json.loads(r[0]) for r in rows], ensure_ascii=False)
    assert my_number not in stored
    assert "マイナンバーは＊＊＊＊" in stored
    logs = list(bot.tracker_db.parent.glob("*.log"))
    assert logs and not any(my_number in log.read_text() for log in logs)


def _faq_questions() -> list[tuple[str, str]]:
    stories = yaml.safe_load(
        (ROOT / "tests" / "conversations" / "test_faq.yml").read_text()
    )
    return [
        (story["story"], story["steps"][0]["user"].strip())
        for story in stories["stories"]
        if not story["steps"][0]["user"].startswith("/")
    ]


def _faq_answer(name: str) -> str:
    responses = yaml.safe_load(
        (ROOT / "data" / "nlu" / "responses" / "faq.yml").read_text()
    )
    return str(responses["responses"][f"utter_faq/{name}"][0]["text"]).strip()


@pytest.mark.parametrize(("name", "question"), _faq_questions())
def test_every_faq_gets_its_own_answer(
    bot: Bot, source_url: str, name: str, question: str
) -> None:
    messages = bot.send(f"faq-{name}", question)
    # The answer as written, then its source (bot/channels/source.py).
    answer, source = str(messages[0]["text"]).split("\n\n出典：")
    assert answer == _faq_answer(name)
    assert source.endswith(f"（2024年1月11日更新）\n{source_url}")
    assert messages[0].get("buttons"), "each answer offers a next step"


def test_two_stage_fallback_then_phone_numbers(bot: Bot) -> None:
    sender = "fallback-1"
    # Fragments neither model can place (「マイナ」 alone is now referred to the My
    # Number hotline: both models read it as the card, not the certificates).
    [first] = bot.send(sender, "電子")
    assert first["text"] == "次のどれについてのご質問でしょうか。"
    payloads = [b["payload"] for b in first["buttons"]]
    assert payloads[-1] == "/out_of_scope" and len(payloads) >= 2
    assert "別の言い方" in bot.texts(sender, "/out_of_scope")  # "none of these"
    # Still unclear after rephrasing: one more offer, then the phone numbers.
    assert "次のどれ" in bot.texts(sender, "それについて")
    assert "0826-42-5616" in bot.texts(sender, "/out_of_scope")


def _referral(group: str) -> str:
    responses = yaml.safe_load(
        (ROOT / "data" / "nlu" / "responses" / "out_of_scope.yml").read_text()
    )
    return str(responses["responses"][f"utter_out_of_scope/{group}"][0]["text"])


@pytest.mark.parametrize(
    ("question", "group"),
    [
        # Hard negatives: our words (持ち物, 紛失, 期限) about something else.
        ("パスポートの更新って何を持っていけばいいですか", "city_other"),
        (
            "マイナンバーカードをなくしてしまいました。どうすればいいですか",
            "mynumber_other",
        ),
        ("コンビニで住民票が取れるのは何時から何時までですか", "cert_services"),
        ("電子証明書の更新の手数料はいくらですか", "not_on_page"),
    ],
)
def test_out_of_scope_gets_the_referral_not_an_faq(
    bot: Bot, question: str, group: str
) -> None:
    [message] = bot.send(f"oos-{group}", question)
    assert message["text"] == _referral(group).strip()
    # A way back to what the bot can do.
    assert {b["payload"] for b in message["buttons"]} & {"/greet", "/check_expiry"}


def test_referrals_name_only_the_pages_numbers() -> None:
    page_numbers = {"0120-95-0178", "0826-42-5616"}
    responses = yaml.safe_load(
        (ROOT / "data" / "nlu" / "responses" / "out_of_scope.yml").read_text()
    )["responses"]
    for variants in responses.values():
        for variant in variants:
            assert set(re.findall(r"\d[\d-]{6,}\d", variant["text"])) <= page_numbers
    assert "0120-95-0178" in _referral("mynumber_other")
    assert "各サービスの提供元" in _referral("cert_services")
    assert "0826-42-5616" in _referral("not_on_page")


def test_out_of_scope_inside_the_form_then_back(bot: Bot) -> None:
    sender = "oos-form"
    assert "生年月日" in bot.texts(sender, "自分の有効期限を調べたい")
    answer = bot.texts(sender, "ところでパスポートの申請はどこでできますか")
    assert "市役所の担当課" in answer
    assert "生年月日" in answer  # the form asks again
    assert "発行された日" in bot.texts(sender, "昭和60年4月3日")


@pytest.mark.parametrize(
    "question", ["電子証明書の期限を調べたいです", "証明書の期限を知りたいです"]
)
def test_wanting_ones_own_dates_starts_the_calculator(bot: Bot, question: str) -> None:
    # One conversation per question (hash() % 1000 could give two the same one).
    sender = "own-" + hashlib.sha256(question.encode()).hexdigest()[:12]
    assert "生年月日" in bot.texts(sender, question)


def test_the_general_rule_offers_the_calculator(bot: Bot) -> None:
    message = bot.send("rule-1", "電子証明書の有効期限はいつまでですか")[0]
    assert "5回目の誕生日" in message["text"]
    assert "/check_expiry" in [b["payload"] for b in message["buttons"]]


# Issue 12: corrections, what the result was computed from, who goes, calendar, source.
COMPUTED_FROM = (
    "生年月日：1970年7月20日（昭和45年7月20日）、"
    "カードの発行日：2022年2月1日（令和4年2月1日）で計算しました。"
)


def test_a_named_birthdate_correction_wins_over_the_asked_card_date(bot: Bot) -> None:
    sender = "fix-1"
    assert "生年月日" in bot.texts(
        sender, "わしの電子証明書、いつ切れるか調べてもらえんかの"
    )
    assert "発行された日" in bot.texts(sender, "昭和45年1月20日生まれです")
    again = bot.texts(
        sender, "すみません、生年月日を間違えました。正しくは昭和四十五年七月二十日です"
    )
    assert "発行された日" in again  # still asking for the card date, no error
    assert "2016" not in again and "発行日" not in again.split("発行された日")[0]
    answer = bot.texts(sender, "カードは令和4年2月1日に作りました")
    assert answer.startswith(COMPUTED_FROM)
    assert "「生年月日は昭和45年7月20日」" in answer  # how to correct
    assert "2026年7月20日（令和8年7月20日）" in answer  # not 2027-01-20


def test_corrections_after_the_answer(bot: Bot) -> None:
    sender = "fix-2"
    first = bot.texts(sender, "S45.1.20生まれ、R4.2.1発行です")
    assert "生年月日：1970年1月20日（昭和45年1月20日）" in first
    # 「いや、…」 reads like a "no": the date in it makes it a correction.
    assert bot.texts(sender, "いや、生まれはS45.7.20").startswith(COMPUTED_FROM)
    card = bot.texts(sender, "作ったのは令和4年じゃなくて5年")
    assert "カードの発行日：2023年2月1日（令和5年2月1日）" in card
    issued = bot.texts(sender, "発行日は令和4年でした")
    assert issued.startswith(COMPUTED_FROM)


def test_a_date_that_fits_neither_field_is_re_asked_with_the_reason(bot: Bot) -> None:
    sender = "fix-3"
    bot.texts(sender, "有効期限を調べたい")
    bot.texts(sender, "昭和45年7月20日")
    # Asked for the card date, a date no card can have: the reason, then the question
    # again; the birthdate stays as it was.
    answer = bot.texts(sender, "昭和45年1月20日")
    assert "発行された日" in answer
    assert answer.index("発行された日") > 0, "the reason comes first"
    assert bot.texts(sender, "令和4年2月1日").startswith(COMPUTED_FROM)


def test_a_high_school_student_is_told_she_goes_herself(bot: Bot) -> None:
    sender = "who-1"
    question = (
        "高校生の娘の電子証明書はいつまでか、あと誰が更新に行けばいいかも知りたいです"
    )
    assert "生年月日" in bot.texts(sender, question)
    bot.texts(sender, "平成21年5月1日")  # 17 today
    answer = bot.texts(sender, "令和4年6月1日")
    assert "ご本人（現在17歳）がマイナンバーカードをお持ちください" in answer
    assert "照会書兼回答書" in answer and "法定代理人" not in answer


def test_a_child_under_15_needs_the_legal_representative(bot: Bot) -> None:
    answer = bot.texts("who-2", "平成27年5月5日生まれで、令和5年7月1日に発行されました")
    assert "15歳未満の方の手続きは、法定代理人（親権者または成年後見人）" in answer
    assert "法定代理権を確認できる書類" in answer


def test_the_result_offers_a_calendar_file_from_the_web_app(
    bot: Bot, web_url: str
) -> None:
    messages = bot.send(
        "cal-1", "昭和45年7月20日生まれで、令和5年2月1日に発行されました"
    )
    [link] = [
        b["payload"]
        for m in messages
        for b in m.get("buttons") or []
        if str(b["payload"]).startswith("http")
    ]  # type: ignore[attr-defined]
    assert str(link).startswith(f"{web_url}/calendar/")
    assert "1970" not in str(link) and "0720" not in str(link)
    response = httpx.get(str(link), timeout=10)
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [
        date(2027, 4, 21),
        date(2027, 7, 20),
    ]


def test_faq_answers_and_results_cite_the_page(bot: Bot, source_url: str) -> None:
    faq, feedback = bot.send("src-1", "更新の持ち物は？")
    assert "お役に立ちましたか" in str(feedback["text"])  # asked after the answer
    assert str(faq["text"]).endswith(f"（2024年1月11日更新）\n{source_url}")
    result = bot.texts(
        "src-2", "昭和45年7月20日生まれで、令和4年2月1日に発行されました"
    )
    assert f"2024年1月11日更新）\n{source_url}" in result
    question = bot.texts("src-3", "有効期限を調べたい")
    assert "出典" not in question


def test_after_the_general_rule_a_birthdate_starts_the_calculator(bot: Bot) -> None:
    # Had the NLU answered 「電子証明書の期限を調べたいです」 with the general rule,
    # the resident's next message, a date, still ends in the calculator.
    sender = "recover-1"
    assert "5回目の誕生日" in bot.texts(sender, "電子証明書の有効期限はいつまでですか")
    assert "発行された日" in bot.texts(sender, "昭和45年7月20日生まれです")
    assert bot.texts(sender, "令和4年2月1日").startswith(COMPUTED_FROM)
