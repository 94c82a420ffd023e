"""First stage of the two-stage fallback: "did you mean ...?" with buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# Button labels (Japanese, at most 20 characters for LINE) per intent or FAQ answer.
TITLES: dict[str, str] = {
    "check_expiry": "自分の有効期限を調べる",
    "check_eligibility": "手続きできる人を調べる",
    "human_handoff": "電話で相談したい",
    "faq/cert_validity": "電子証明書の有効期間",
    "faq/after_expiry": "期限が切れたらどうなる",
    "faq/face_auth_card": "顔認証マイナンバーカード",
    "faq/check_validity": "有効かどうかの確認方法",
    "faq/renewal_period": "更新できる期間",
    "faq/expiry_notice": "有効期限通知書",
    "faq/where": "手続きの場所",
    "faq/what_to_bring": "手続きの持ち物",
    "faq/pin": "暗証番号",
    "faq/minor_or_ward": "15歳未満・成年被後見人",
    "faq/signing_cert_minor": "署名用電子証明書と15歳未満",
    "faq/after_renewal": "更新後すぐ使えるか",
    "faq/proxy": "代理人による手続き",
    "faq/proxy_lost_form": "照会書兼回答書がない",
    "faq/revocation": "期限前に失効する場合",
    "faq/new_issuance": "電子証明書の新規発行",
    "faq/contact": "問い合わせ先",
}
MAX_SUGGESTIONS = 3
# Rasa's two-stage fallback reads out_of_scope as "none of these": ask to rephrase.
NONE_OF_THESE = {"title": "どれでもない", "payload": "/out_of_scope"}


def suggestions(parse_data: dict[str, Any]) -> list[str]:
    """Return up to three likely meanings of the last message, most likely first."""
    keys: list[str] = []
    for ranked in parse_data.get("intent_ranking", []):
        name = ranked.get("name")
        if name == "faq":
            faq = parse_data.get("response_selector", {}).get("faq", {})
            keys += [r.get("intent_response_key") for r in faq.get("ranking", [])[:2]]
        elif name in TITLES:
            keys.append(name)
    unique = [k for i, k in enumerate(keys) if k in TITLES and k not in keys[:i]]
    return unique[:MAX_SUGGESTIONS]


class ActionDefaultAskAffirmation(Action):
    """Offers the likeliest topics as buttons, in Japanese."""

    def name(self) -> str:
        """Overrides Rasa's default affirmation action."""
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask which topic was meant."""
        buttons = [
            {"title": TITLES[key], "payload": f"/{key}"}
            for key in suggestions(tracker.latest_message)
        ]
        dispatcher.utter_message(
            response="utter_ask_affirmation", buttons=[*buttons, NONE_OF_THESE]
        )
        return []
