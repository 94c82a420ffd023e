"""Make a resident's message safe to show to staff.

Three passes, in this order:

1. the privacy guard (``bot.privacy.redact``): My Numbers and PINs become ＊;
2. every date-like phrase that ``bot.dates`` recognises (西暦, 和暦, slashes, kanji
   numerals, impossible dates and fragments such as 昭和60年 or 4月3日) becomes
   〇〇年〇月〇日;
3. any run of four or more digits left (ASCII, full-width or kanji numerals: a mistyped
   My Number, a phone or reference number) becomes ＊.

The stored text is already redacted by the tracker store; the first pass repeats it for
conversations stored before that store, or by another one.
"""

from __future__ import annotations

import re

from bot.dates import find_date_like
from bot.privacy import redact

DATE_MASK = "〇〇年〇月〇日"
DIGIT_MASK = "＊"
_DIGITS = "0-9０-９〇零一二三四五六七八九"
# Four or more digits, possibly split by one space or dash (1234-5678, 一二三四 五六).
_DIGIT_RUN = re.compile(rf"[{_DIGITS}](?:[ \-‐－ー]?[{_DIGITS}]){{3,}}")
MAX_LENGTH = 300


def mask_text(text: str) -> str:
    """Return ``text`` with secrets, dates and long numbers masked (at most 300 chars)."""
    text = redact(text[: MAX_LENGTH * 2])
    parts: list[str] = []
    position = 0
    for start, end in find_date_like(text):
        if start < position:
            continue
        parts.append(_mask_digits(text[position:start]))
        parts.append(DATE_MASK)
        position = end
    parts.append(_mask_digits(text[position:]))
    masked = "".join(parts)
    return masked if len(masked) <= MAX_LENGTH else masked[:MAX_LENGTH] + "…"


def _mask_digits(text: str) -> str:
    return _DIGIT_RUN.sub(lambda m: DIGIT_MASK * len(m.group()), text)
