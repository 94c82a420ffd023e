"""Find My Numbers (個人番号) and PIN-like strings in a message, and mask them.

A My Number is 12 digits whose last digit is the check digit of the first 11
(python-stdnum ``stdnum.jp.in_``), typed with full-width digits, spaces or hyphens
between groups. A PIN is a 4-digit number, or 6-16 letters and digits, stated next to
words such as 暗証番号 or パスワード. Masking replaces each character with ＊, so the
message keeps its length and every entity offset stays valid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from stdnum.jp import in_ as my_number

MASK = "＊"


class SecretKind(str, Enum):
    """What a secret looks like."""

    MY_NUMBER = "my_number"
    PIN = "pin"


@dataclass(frozen=True)
class Secret:
    """One secret in a message: its kind and position in the original text."""

    kind: SecretKind
    start: int
    end: int


# 12 digits, optionally in groups of 4 separated by one space or hyphen; not part of a
# longer number. Matched on NFKC text, whose digits line up 1:1 with the original.
_TWELVE_DIGITS = re.compile(r"(?<![0-9])(\d{4})[ \-]?(\d{4})[ \-]?(\d{4})(?![0-9])")

# A PIN near a cue word. The PIN may come after the cue (暗証番号は1234) or before it
# (1234が暗証番号). Dates, counts and prices are not PINs (2024年, 4桁, 16文字).
_CUE = r"(?:暗証番号|あんしょうばんごう|暗証|パスワード|ぱすわーど|pin|ピン|パス)"
_PIN = r"(?<![0-9A-Za-z])(?:\d{4}|(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{6,16})(?![0-9A-Za-z]|\s*(?:年|月|日|歳|才|桁|けた|文字|回|円|番目|時|分|人))"
_PIN_AFTER_CUE = re.compile(
    _CUE + r"[^0-9A-Za-z。\n]{0,8}?(" + _PIN + r")", re.IGNORECASE
)
_PIN_BEFORE_CUE = re.compile(
    r"(" + _PIN + r")[^0-9A-Za-z。\n]{0,4}" + _CUE, re.IGNORECASE
)


def _nfkc_aligned(text: str) -> str:
    """NFKC per character where that keeps the length (full-width digits and letters).

    Characters whose NFKC form has another length stay as they are, so offsets in the
    result are offsets in ``text``.
    """
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def find_secrets(text: str) -> list[Secret]:
    """Return the My Numbers and PIN-like strings in ``text``, in order."""
    folded = _nfkc_aligned(text)
    found: list[Secret] = []
    for match in _TWELVE_DIGITS.finditer(folded):
        digits = "".join(match.groups())
        if my_number.is_valid(digits):
            found.append(Secret(SecretKind.MY_NUMBER, match.start(), match.end()))
    taken = [(s.start, s.end) for s in found]
    for pattern in (_PIN_AFTER_CUE, _PIN_BEFORE_CUE):
        for match in pattern.finditer(folded):
            start, end = match.span(1)
            if not any(start < t_end and t_start < end for t_start, t_end in taken):
                found.append(Secret(SecretKind.PIN, start, end))
                taken.append((start, end))
    return sorted(found, key=lambda s: s.start)


def redact(text: str) -> str:
    """Return ``text`` with every secret masked character by character."""
    chars = list(text)
    for secret in find_secrets(text):
        for i in range(secret.start, secret.end):
            if not chars[i].isspace() and chars[i] not in "-‐－":
                chars[i] = MASK
    return "".join(chars)
