"""The assessment told to a resident in plain, polite Japanese (dates in 西暦 and 和暦).

Wording follows the city's page (shared/000_63e3bc0fda860859.txt); rules that the page
predates (R17) or leaves open (D3, R9, R11 month ends) are said with a caveat.
"""

from __future__ import annotations

from bot.certificate.assessment import Assessment
from bot.certificate.eligibility import Applicant
from bot.dates import format_date_ja

CITY_DESK = "市民部市民課（0826-42-5616）"
WHERE = "本庁市民課または各支所窓口係"


def computed_from(a: Assessment) -> str:
    """Return the line that restates the dates the answer was worked out from."""
    return (
        f"生年月日：{format_date_ja(a.birthdate)}、"
        f"カードの発行日：{format_date_ja(a.issued_on)}で計算しました。"
    )


def explain(a: Assessment) -> str:
    """Return the resident-facing explanation of ``a``, one short paragraph per line.

    The first line restates the two dates it was worked out from, so a resident sees
    a wrong one at once.
    """
    return f"{computed_from(a)}\n{details(a)}"


def details(a: Assessment) -> str:
    """Return the explanation without the restated dates (see :func:`explain`)."""
    lines = _status(a)
    if not a.card_expired:
        lines += _procedure(a)
    lines += _caveats(a)
    return "\n".join(lines)


def _status(a: Assessment) -> list[str]:
    cert = format_date_ja(a.certificate_expires_on)
    card = format_date_ja(a.card_expires_on)
    if a.card_expired:
        return [
            f"マイナンバーカード本体の有効期限（{card}）が過ぎているため、"
            "電子証明書もご利用いただけません。",
            f"カードの手続きについては、{CITY_DESK}へお問い合わせください。",
        ]
    lines: list[str] = []
    if a.certificate_expired:
        lines.append(f"電子証明書の有効期限は{cert}で、すでに切れています。")
        lines.append(
            f"マイナンバーカードの有効期間中（{card}まで）は、電子証明書の発行手続きができます。"
        )
        if a.renewed_certificate_expires_on is not None:
            renewed = format_date_ja(a.renewed_certificate_expires_on)
            lines.append(
                f"本日発行した場合、新しい電子証明書の有効期限は{renewed}です。"
            )
        lines.append("カードそのものは、有効期間中は対面の本人確認書類として使えます。")
        return lines
    if a.days_until_certificate_expiry == 0:
        lines.append(f"電子証明書の有効期限は本日、{cert}です。")
    else:
        lines.append(
            f"電子証明書の有効期限は{cert}です（あと{a.days_until_certificate_expiry}日）。"
        )
    if a.in_renewal_window:
        lines.append("現在、更新手続きができます。")
    else:
        opens = format_date_ja(a.renewal_opens_on)
        about = "ごろ" if a.renewal_opening_approximate else ""
        lines.append(f"更新手続きは{opens}{about}からできます。")
    if a.renewed_certificate_expires_on is not None and a.in_renewal_window:
        renewed = format_date_ja(a.renewed_certificate_expires_on)
        lines.append(f"本日更新した場合、新しい電子証明書の有効期限は{renewed}です。")
    lines.append(f"マイナンバーカード本体の有効期限は{card}です。")
    return lines


def _procedure(a: Assessment) -> list[str]:
    """Who must come, where, and with what, for the holder's age today (the page)."""
    lines = [f"手続きは{WHERE}で受け付けています。"]
    if a.applicant is Applicant.LEGAL_REPRESENTATIVE:
        who = "成年被後見人の方" if a.adult_ward else "15歳未満の方"
        lines.append(
            f"{who}の手続きは、法定代理人（親権者または成年後見人）が行います。"
            "お持ちいただくもの（すべて原本）：本人のマイナンバーカード、"
            "法定代理人の本人確認書類（運転免許証など官公署が発行した顔写真付きのもの）、"
            "法定代理権を確認できる書類（戸籍謄本、登記事項証明書等。"
            "親権者で本籍が安芸高田市にある場合は省略可）。"
        )
    else:
        lines.append(
            f"手続きには、ご本人（現在{a.age_today}歳）が"
            "マイナンバーカードをお持ちください（顔写真は不要です）。"
        )
        if a.face_auth_card:
            lines.append("顔認証マイナンバーカードの場合、暗証番号は必要ありません。")
        else:
            lines.append("更新には、カード交付時に設定した暗証番号が必要です。")
        lines += _proxy(a)
    if a.face_auth_card:
        lines.append("顔認証マイナンバーカードでは、署名用電子証明書は発行されません。")
    elif not a.signing_certificate_eligible:
        lines.append(
            "15歳未満の方及び成年被後見人には、原則、署名用電子証明書は発行されません。"
        )
    # RULES.md R26; the city page, !注意事項!.
    lines.append(
        "発行・更新の後、市の証明書等コンビニ交付サービスが使えるまで、"
        "（土・日・祝日を除き）3日以上かかることがあります。"
    )
    return lines


def _proxy(a: Assessment) -> list[str]:
    """The proxy route for a holder who cannot come (the page, 代理人による手続き)."""
    sealed = (
        "（顔認証マイナンバーカードを希望する場合、暗証番号欄の記入と封かんは不要です）"
        if a.face_auth_card
        else "、暗証番号が代理人にわからないよう封筒等に封かんしてください"
    )
    return [
        "ご本人が来られない場合は、代理人が手続きできます。"
        "お持ちいただくもの（すべて原本）：照会書兼回答書（有効期限通知書に同封）、"
        "本人のマイナンバーカード、代理人の本人確認書類（運転免許証など官公署が"
        "発行した顔写真付きのもの）。",
        f"照会書兼回答書は、委任欄や暗証番号欄を含めた全項目をご本人が記入し{sealed}。",
    ]


def _caveats(a: Assessment) -> list[str]:
    lines: list[str] = []
    if a.certificate_expired and not a.card_expired and a.insurance_grace_until:
        if a.today <= a.insurance_grace_until:
            grace = format_date_ja(a.insurance_grace_until)
            lines.append(
                f"なお、健康保険証としての資格確認には{grace}まで利用できます"
                "（国の経過措置）。"
            )
    if a.card_expiry_uncertain:
        lines.append(
            "カードの有効期限は申請を受け付けた日によって異なる場合があります。"
            "カードに記載の有効期限をご確認ください。"
        )
    if a.leap_day_birthday:
        lines.append(
            "2月29日生まれの方は、うるう年以外の誕生日を2月28日として計算しています。"
        )
    if a.card_expiry_uncertain or a.leap_day_birthday or a.renewal_opening_approximate:
        lines.append(f"正確な日付は{CITY_DESK}にご確認ください。")
    return lines
