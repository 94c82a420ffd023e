"""Who may hold a signing certificate and who must apply (RULES.md sections 5-7)."""

from __future__ import annotations

from datetime import date
from enum import Enum

from bot.certificate import policy
from bot.certificate.calendar import age_on


class Applicant(str, Enum):
    """Who carries out issuance or renewal at the counter."""

    SELF = "self"  # the holder, or a proxy (任意代理人) with the sealed inquiry form
    LEGAL_REPRESENTATIVE = "legal_representative"  # 親権者 or 成年後見人


class Certificate(str, Enum):
    """The two JPKI certificates on the card."""

    SIGNING = "signing"  # 署名用電子証明書
    USER = "user"  # 利用者証明用電子証明書


class RevocationReason(str, Enum):
    """Reasons other than expiry for which a certificate ends."""

    VOLUNTARY_SIGNING = "voluntary_signing"  # 任意の失効申請 (signing certificate)
    VOLUNTARY_USER = "voluntary_user"  # 任意の失効申請 (user certificate)
    BASIC_FACTS_CHANGED = "basic_facts_changed"  # address, name, birthdate or sex
    CARD_INVALID = "card_invalid"  # the card itself has become invalid
    DEATH = "death"


# Which certificates each event revokes. RULES.md R24; the city page,
# <参考>電子証明書の失効条件について (基本4情報の修正: 署名用のみ失効).
REVOKED_BY: dict[RevocationReason, frozenset[Certificate]] = {
    RevocationReason.VOLUNTARY_SIGNING: frozenset({Certificate.SIGNING}),
    RevocationReason.VOLUNTARY_USER: frozenset({Certificate.USER}),
    RevocationReason.BASIC_FACTS_CHANGED: frozenset({Certificate.SIGNING}),
    RevocationReason.CARD_INVALID: frozenset({Certificate.SIGNING, Certificate.USER}),
    RevocationReason.DEATH: frozenset({Certificate.SIGNING, Certificate.USER}),
}


def revoked_certificates(reason: RevocationReason) -> frozenset[Certificate]:
    """Return the certificates that ``reason`` ends before their expiry.

    Source: RULES.md R24.
    """
    return REVOKED_BY[reason]


def is_under_signing_age(birthdate: date, day: date) -> bool:
    """Tell whether the holder counts as under 15 on ``day`` (15 from the day before).

    Source: RULES.md R18, R19 (D5 applied, [inferred]).
    """
    return age_on(birthdate, day) < policy.SIGNING_CERTIFICATE_MIN_AGE


def signing_certificate_eligible(
    birthdate: date, today: date, adult_ward: bool = False, face_auth_card: bool = False
) -> bool:
    """Tell whether a signing certificate can be issued on ``today``.

    In principle not for under-15s or adult wards; never on a face-authentication card.

    Source: RULES.md R18, R19, R22, R23; the city page (15歳未満の方及び成年被後見人には、
    原則、署名用電子証明書を発行しておりません).
    """
    return not (is_under_signing_age(birthdate, today) or adult_ward or face_auth_card)


def applicant(birthdate: date, today: date, adult_ward: bool = False) -> Applicant:
    """Return who must apply: the legal representative for under-15s and adult wards.

    Source: RULES.md R20, R21; the city page, 本人が15歳未満または成年被後見人の場合.
    """
    if is_under_signing_age(birthdate, today) or adult_ward:
        return Applicant.LEGAL_REPRESENTATIVE
    return Applicant.SELF
