"""LINE Messaging API: signature check and message building (pure; no Rasa import).

Limits from the LINE Messaging API reference: at most 5 message objects per reply or
push, 5,000 characters per text message, 13 quick-reply items, 20 characters per
quick-reply label, 300 characters of postback data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_POSTBACK_DATA = 300


def signature_is_valid(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """Tell whether ``signature`` is the base64 HMAC-SHA256 of ``body``.

    A missing or malformed header (not base64, not ASCII, any length) is simply
    invalid, never an error. Compared in constant time, as bytes.
    """
    if not signature:
        return False
    try:
        given = base64.b64decode(signature.strip().encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        return False
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(digest, given)


def _split_text(text: str) -> list[str]:
    """Split a long text at line breaks into pieces of at most MAX_TEXT characters."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > MAX_TEXT:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:MAX_TEXT])
            line = line[MAX_TEXT:]
        if len(current) + len(line) > MAX_TEXT:
            pieces.append(current)
            current = ""
        current += line
    if current:
        pieces.append(current)
    return [p.rstrip("\n") for p in pieces if p.strip()]


def _quick_reply(buttons: list[dict[str, Any]]) -> dict[str, Any] | None:
    items = []
    for button in buttons[:MAX_QUICK_REPLIES]:
        title = str(button.get("title", ""))[:MAX_LABEL]
        payload = str(button.get("payload", title))[:MAX_POSTBACK_DATA]
        if not title:
            continue
        items.append(
            {
                "type": "action",
                "action": {
                    "type": "postback",
                    "label": title,
                    "data": payload,
                    "displayText": title,
                },
            }
        )
    return {"items": items} if items else None


def to_line_messages(bot_messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn Rasa's collected bot messages into at most five LINE text messages.

    Buttons become quick replies on the last message (LINE shows only the last
    message's quick replies). Past 13 buttons, the rest are listed in the text.
    Texts beyond five messages are joined into the fifth, within 5,000 characters.
    """
    texts: list[str] = []
    buttons: list[dict[str, Any]] = []
    for message in bot_messages:
        text = str(message.get("text") or "")
        message_buttons = list(message.get("buttons") or [])
        if len(message_buttons) > MAX_QUICK_REPLIES:
            extra = message_buttons[MAX_QUICK_REPLIES:]
            text += "\n" + "\n".join(f"・{b.get('title', '')}" for b in extra)
        if message.get("image"):
            text += ("\n" if text else "") + str(message["image"])
        texts.extend(_split_text(text))
        buttons = message_buttons or buttons
    if len(texts) > MAX_MESSAGES:
        tail = "\n\n".join(texts[MAX_MESSAGES - 1 :])
        texts = texts[: MAX_MESSAGES - 1] + [
            tail[: MAX_TEXT - 1] + "…" if len(tail) > MAX_TEXT else tail
        ]
    messages: list[dict[str, Any]] = [{"type": "text", "text": t} for t in texts]
    quick = _quick_reply(buttons)
    if messages and quick:
        messages[-1]["quickReply"] = quick
    return messages
