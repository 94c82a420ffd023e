"""The whole assessment: validation (typed errors naming the field) and explanation."""

from datetime import date

import pytest

from bot.certificate import Applicant, InvalidAssessmentInput, assess
from bot.certificate.explanation import computed_from, details, explain

BORN = date(1985, 4, 3)
ISSUED = date(2021, 6, 10)
TODAY = date(2026, 11, 29)


def test_design_example() -> None:
    a = assess(BORN, ISSUED, TODAY)
    assert a.certificate_expires_on == date(2026, 4, 3)
    assert a.card_expires_on == date(2031, 4, 3)
    assert a.renewal_opens_on == date(2026, 1, 4)
    assert a.certificate_expired is True
    assert a.in_renewal_window is False
    assert a.days_until_certificate_expiry == -240
    assert a.signing_certificate_eligible is True
    assert a.applicant is Applicant.SELF
    assert (a.age_today, a.age_at_issuance) == (41, 36)
    # R6 capped by R2: a new certificate today runs to the card's end.
    assert a.renewed_certificate_expires_on == date(2031, 4, 3)
    # R16: the card itself is still valid.
    assert a.card_expired is False
    assert a.card_renewal_opens_on == date(2031, 1, 4)
    assert a.insurance_grace_until == date(2026, 7, 31)


def test_in_window_renewal_keeps_the_cycle() -> None:
    a = assess(BORN, ISSUED, date(2026, 2, 1))
    assert a.in_renewal_window is True
    assert a.renewed_certificate_expires_on == date(2031, 4, 3)
    assert a.days_until_certificate_expiry == 61


def test_before_window_new_issuance_counts_five_birthdays() -> None:
    a = assess(date(1985, 4, 3), date(2023, 6, 10), date(2024, 1, 10))
    assert a.certificate_expires_on == date(2028, 4, 3)
    assert a.in_renewal_window is False
    # Not a renewal (R3) but a new issuance (R6): the 5th birthday after today.
    assert a.renewed_certificate_expires_on == date(2028, 4, 3)
    later = assess(date(1985, 4, 3), date(2023, 6, 10), date(2024, 5, 1))
    assert later.renewed_certificate_expires_on == date(2029, 4, 3)


def test_card_expired_has_no_renewed_certificate() -> None:
    a = assess(date(2010, 8, 20), date(2016, 3, 1), TODAY)
    assert a.card_expires_on == date(2020, 8, 20)
    assert a.card_expired and a.certificate_expired
    assert a.renewed_certificate_expires_on is None


def test_r22_card_issued_under_15_has_no_signing_certificate() -> None:
    a = assess(date(2010, 8, 20), date(2022, 5, 1), TODAY)
    assert a.signing_certificate_on_card is False
    assert a.signing_certificate_eligible is True  # 16 today: may now request one
    assert a.applicant is Applicant.SELF
    assert a.card_validity_birthdays == 5


def test_r9_uncertain_card_expiry_flagged_only_without_receipt_date() -> None:
    born = date(2003, 9, 1)  # 18 at issuance
    assert assess(born, date(2022, 5, 10), TODAY).card_expiry_uncertain is True
    assert assess(born, date(2022, 8, 10), TODAY).card_expiry_uncertain is False
    received = assess(
        born, date(2022, 5, 10), TODAY, application_received_on=date(2022, 3, 1)
    )
    assert received.card_expiry_uncertain is False
    assert received.card_age_line == 20
    assert received.card_expires_on == date(2026, 9, 1)  # 5th birthday (minor card)
    assert assess(born, date(2022, 5, 10), TODAY).card_expires_on == date(2031, 9, 1)
    assert (
        assess(date(1990, 1, 1), date(2022, 5, 10), TODAY).card_expiry_uncertain
        is False
    )


def test_d3_leap_day_birthday_flag() -> None:
    assert assess(date(1996, 2, 29), date(2019, 5, 1), TODAY).leap_day_birthday is True
    assert assess(BORN, ISSUED, TODAY).leap_day_birthday is False


@pytest.mark.parametrize(
    ("birthdate", "issued_on", "today", "received", "field", "code"),
    [
        (date(2027, 1, 1), date(2027, 2, 1), TODAY, None, "birthdate", "in_future"),
        (BORN, date(1984, 1, 1), TODAY, None, "issued_on", "before_birth"),
        (date(2020, 5, 1), date(2020, 4, 1), TODAY, None, "issued_on", "before_birth"),
        (BORN, date(2015, 12, 31), TODAY, None, "issued_on", "before_card_system"),
        (BORN, date(2027, 1, 1), TODAY, None, "issued_on", "in_future"),
        (BORN, ISSUED, date(2021, 6, 9), None, "issued_on", "in_future"),
        (date(1899, 12, 31), ISSUED, TODAY, None, "birthdate", "out_of_range"),
        (BORN, ISSUED, date(2200, 1, 1), None, "today", "out_of_range"),
        (BORN, ISSUED, date(1, 1, 1), None, "today", "out_of_range"),
        (
            BORN,
            ISSUED,
            TODAY,
            date(2021, 6, 11),
            "application_received_on",
            "not_before_issuance",
        ),
        (
            BORN,
            ISSUED,
            TODAY,
            date(2015, 1, 1),
            "application_received_on",
            "not_before_issuance",
        ),
    ],
    ids=[
        "born-in-future",
        "issued-before-birth",
        "issued-before-birth-child",
        "issued-before-card-existed",
        "issued-in-future",
        "today-before-issuance",
        "birthdate-too-old",
        "today-too-late",
        "today-year-1",
        "received-after-issued",
        "received-before-applications",
    ],
)
def test_impossible_input_names_the_field(
    birthdate: date,
    issued_on: date,
    today: date,
    received: date | None,
    field: str,
    code: str,
) -> None:
    with pytest.raises(InvalidAssessmentInput) as caught:
        assess(birthdate, issued_on, today, application_received_on=received)
    assert caught.value.field == field
    assert caught.value.code == code
    assert field in str(caught.value)
    assert caught.value.message_ja  # shown to residents
    assert isinstance(caught.value, ValueError)


def test_issued_on_birth_day_and_today_equal_are_accepted() -> None:
    a = assess(date(2016, 1, 1), date(2016, 1, 1), date(2016, 1, 1))
    assert a.age_at_issuance == 0
    assert a.certificate_expires_on == date(2021, 1, 1)
    assert a.applicant is Applicant.LEGAL_REPRESENTATIVE


class TestExplanation:
    def test_expired_certificate_on_valid_card(self) -> None:
        text = explain(assess(BORN, ISSUED, TODAY))
        assert "2026年4月3日（令和8年4月3日）" in text
        assert "すでに切れています" in text
        assert "2031年4月3日（令和13年4月3日）" in text
        assert "本人確認書類" in text  # R16
        assert "本庁市民課または各支所窓口係" in text
        assert "暗証番号" in text
        assert "3日以上" in text  # R26
        assert "健康保険証" not in text  # the R17 grace ended on 2026-07-31

    def test_insurance_grace_while_it_lasts(self) -> None:
        text = explain(assess(BORN, ISSUED, date(2026, 5, 1)))
        assert (
            "健康保険証としての資格確認には2026年7月31日（令和8年7月31日）まで" in text
        )

    def test_before_window_says_when_renewal_opens(self) -> None:
        text = explain(assess(BORN, ISSUED, date(2025, 6, 1)))
        assert "更新手続きは2026年1月4日（令和8年1月4日）からできます" in text
        assert "すでに切れています" not in text

    def test_in_window_says_renewal_possible_now(self) -> None:
        text = explain(assess(BORN, ISSUED, date(2026, 4, 3)))
        assert "有効期限は本日" in text
        assert "現在、更新手続きができます" in text

    def test_child_needs_legal_representative(self) -> None:
        text = explain(assess(date(2015, 5, 5), date(2020, 7, 1), date(2024, 1, 1)))
        assert "法定代理人（親権者または成年後見人）" in text
        assert "戸籍謄本" in text
        assert "署名用電子証明書は発行されません" in text

    def test_adult_ward(self) -> None:
        text = explain(assess(date(1950, 3, 3), ISSUED, TODAY, adult_ward=True))
        assert "成年被後見人の方の手続きは、法定代理人" in text

    def test_face_auth_card_needs_no_pin(self) -> None:
        text = explain(assess(BORN, date(2024, 1, 10), TODAY, face_auth_card=True))
        assert "暗証番号は必要ありません" in text
        assert "署名用電子証明書は発行されません" in text

    def test_expired_card(self) -> None:
        text = explain(assess(date(2010, 8, 20), date(2016, 3, 1), TODAY))
        assert (
            "カード本体の有効期限（2020年8月20日（令和2年8月20日））が過ぎている"
            in text
        )
        assert "0826-42-5616" in text
        assert "窓口係で受け付けて" not in text

    def test_caveats_send_residents_to_the_desk(self) -> None:
        text = explain(assess(date(1996, 2, 29), date(2019, 5, 1), TODAY))
        assert "2月28日として計算" in text
        assert "0826-42-5616" in text

    def test_no_invented_facts(self) -> None:
        # The page states no fee and no office hours: the explanation never does either.
        for case in (
            assess(BORN, ISSUED, TODAY),
            assess(date(2015, 5, 5), date(2020, 7, 1), TODAY),
        ):
            text = explain(case)
            for word in ("無料", "手数料", "円", "時から", "受付時間"):
                assert word not in text


class TestWhatItWasComputedFromAndWhoGoes:
    def test_first_line_restates_both_dates_in_both_calendars(self) -> None:
        text = explain(assess(date(1970, 7, 20), date(2022, 2, 1), TODAY))
        assert text.splitlines()[0] == (
            "生年月日：1970年7月20日（昭和45年7月20日）、"
            "カードの発行日：2022年2月1日（令和4年2月1日）で計算しました。"
        )

    def test_details_leave_out_only_the_restated_dates(self) -> None:
        a = assess(date(1970, 7, 20), date(2022, 2, 1), TODAY)
        assert explain(a) == f"{computed_from(a)}\n{details(a)}"
        assert "計算しました" not in details(a)

    def test_a_high_school_student_goes_herself_or_sends_a_proxy(self) -> None:
        # Born 2010-05-01, 16 on 2026-11-29: 15 or over, so she applies herself.
        text = explain(assess(date(2010, 5, 1), date(2022, 6, 1), TODAY))
        assert "ご本人（現在16歳）がマイナンバーカードをお持ちください" in text
        assert "法定代理人" not in text
        assert "ご本人が来られない場合は、代理人が手続きできます" in text
        assert "照会書兼回答書（有効期限通知書に同封）" in text
        assert "代理人の本人確認書類" in text
        assert "封かん" in text

    def test_under_15_the_legal_representative_goes(self) -> None:
        # Born 2015-05-05, 11 today; card issued at 8, valid to the 5th birthday.
        text = explain(assess(date(2015, 5, 5), date(2023, 7, 1), TODAY))
        assert "15歳未満の方の手続きは、法定代理人（親権者または成年後見人）" in text
        assert "法定代理権を確認できる書類" in text
        assert "照会書兼回答書" not in text  # the proxy route is for holders 15+

    def test_proxy_for_a_face_auth_card_needs_no_sealed_pin(self) -> None:
        text = explain(assess(BORN, date(2024, 1, 10), TODAY, face_auth_card=True))
        assert "暗証番号欄の記入と封かんは不要" in text
