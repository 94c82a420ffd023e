"""Find My Numbers (個人番号) and PIN-like strings in a message, and mask them.

Residents type numbers in many surface forms: ASCII, full-width or kanji digits
(〇一二…九, 零 and ○ as 0), in one block or grouped 4-4-4, 3-3-3-3 or digit by digit,
with spaces, hyphens and dashes of every kind (- ー － ‐ ‑ – — − ―), dots, slashes
or commas between the groups, across line breaks. The text is read as *runs* of
digits: digits joined by short separator gaps. Masking replaces each digit (or PIN
letter) with ＊ and leaves the separators, so the message keeps its length and
every entity offset stays valid.

My Number: 12 digits of a run, in equal groups (12, 6-6, 4-4-4, 3-3-3-3, 2×6, one
by one) or 4-8 / 8-4, with one kind of separator between the groups.
- With a valid check digit (python-stdnum ``stdnum.jp.in_``): ``MY_NUMBER``.
- A run that is exactly such 12 digits with a *wrong* check digit is masked too
  (``POSSIBLE_MY_NUMBER``): it is most likely a My Number with one digit mistyped,
  which still discloses eleven of its twelve digits; the bot uses no 12-digit number
  for anything, so masking loses nothing it needs. A 12-digit run followed by a unit
  (年, 円, 件 …) is a quantity and left alone.

PIN: near a cue word (暗証番号, 暗証, パスワード, PIN …), every PIN-like token of the
sentence after the cue, or one just before it: a run of 4 or 6-16 digits in equal
groups, or 6-16 letters and digits with at least one digit. Counts, dates and prices
are not PINs (4桁, 2024年, 16文字). After a message that announces a PIN
(「暗証番号を言います」, :func:`announces_secret`) the channel calls
:func:`find_secrets` with ``pin_expected=True``: every PIN-like token of that next
message is a PIN.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from stdnum.jp import in_ as my_number

MASK = "＊"
# Message metadata key under which a channel names the secrets it masked.
SECRETS_METADATA = "secrets"


class SecretKind(str, Enum):
    """What a secret looks like."""

    MY_NUMBER = "my_number"
    POSSIBLE_MY_NUMBER = "possible_my_number"  # 12 digits, wrong check digit
    PIN = "pin"


@dataclass(frozen=True)
class Secret:
    """One secret in a message: its kind and position in the original text."""

    kind: SecretKind
    start: int
    end: int


# Digits that are not Unicode decimal digits: kanji numerals and the circles that
# IMEs offer for まる/ぜろ.
_KANJI_DIGITS = {
    **{char: value for value, char in enumerate("〇一二三四五六七八九")},
    **dict.fromkeys("零○◯", 0),
}
# Separators between the groups of one number, by kind. Whitespace (spaces of any
# width, tabs, line breaks) may go with any one of the other kinds.
_SEPARATOR_KINDS = {
    **dict.fromkeys("-‐‑‒–—―−－ーｰ─━﹣", "dash"),
    **dict.fromkeys(".．・･", "dot"),
    **dict.fromkeys("/／", "slash"),
    **dict.fromkeys(",，、､", "comma"),
}
_SPACE = "space"
MAX_GAP = 4  # separator characters between two groups ("1234 - 5678", "\r\n  ")

# Group sizes a 12-digit number is written in.
_MY_NUMBER_GROUPINGS = {
    (12,),
    (6, 6),
    (4, 4, 4),
    (3, 3, 3, 3),
    (2,) * 6,
    (1,) * 12,
    (4, 8),
    (8, 4),
}
# A number followed by one of these is a quantity, a date or a time, not a secret.
_UNIT = re.compile(
    r"\s*(?:年|月|日|歳|才|桁|けた|ケタ|文字|もじ|回|円|番目|時|分|秒|人|件|枚|通|"
    r"か月|ヶ月|カ月|ヵ月|ケ月|箇月|号|番地|丁目|万|億|千|百|%|％|個|度|キロ|km|kg|cm|mm)",
    re.IGNORECASE,
)
_CUE = re.compile(
    r"暗証番号|暗唱番号|暗証|暗唱|あんしょう|アンショウ|パスワード|ぱすわーど|"
    r"パス(?!ポート|タ)|(?<![a-z])pin(?![a-z])|ピン(?:コード|番号)",
    re.IGNORECASE,
)
# A cue closes at the end of its sentence, or this many characters after it.
_CUE_REACH = 60
_SENTENCE_END = re.compile(r"[。！？!?]")
_BEFORE_CUE = 4  # a PIN this close before a cue (1234が暗証番号) belongs to it
_ALNUM = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{6,16}(?![0-9A-Za-z])")
# Said right after a cue: 「暗証番号を言います」「パスワードは次の通りです」「暗証番号は：」
_ANNOUNCEMENT = re.compile(
    r"[^。！？?\n]{0,12}?(?:"
    r"(?:言い|いい|云い|教え|おしえ|伝え|つたえ|送り|おくり|書き|かき|打ち|うち|"
    r"入力し|にゅうりょくし)(?:ます|ましょう)|言う|[はを](?:次|つぎ|以下|いか|下記))"
    r"|\s*(?:は|:|：|↓)\s*$"
)


def _digit(char: str) -> int | None:
    if char in _KANJI_DIGITS:
        return _KANJI_DIGITS[char]
    if char.isdecimal():
        return unicodedata.decimal(char, None)
    return None


def _separator_kind(char: str) -> str | None:
    if char.isspace():
        return _SPACE
    return _SEPARATOR_KINDS.get(char)


@dataclass
class _Group:
    start: int  # offset of the first digit in the text
    end: int  # offset after the last digit
    digits: str


@dataclass
class _Run:
    """Digits joined by short separator gaps; ``kinds[i]`` is the gap after group i."""

    groups: list[_Group]
    kinds: list[str | None]  # the gap's non-space separator kind, or None

    @property
    def end(self) -> int:
        return self.groups[-1].end

    @property
    def digit_count(self) -> int:
        return sum(len(g.digits) for g in self.groups)


def _gap_kind(gap: str) -> tuple[bool, str | None]:
    """Whether ``gap`` joins two groups, and its non-space separator kind."""
    if len(gap) > MAX_GAP:
        return False, None
    kinds = {_separator_kind(c) for c in gap} - {_SPACE}
    if None in kinds or len(kinds) > 1:
        return False, None
    return True, next(iter(kinds), None)


def _runs(text: str) -> list[_Run]:
    """Split ``text`` into runs of digits (see the module docstring)."""
    runs: list[_Run] = []
    current: _Run | None = None
    gap_start = -1
    for index, char in enumerate(text):
        value = _digit(char)
        if value is not None:
            if current is not None and gap_start < 0:
                group = current.groups[-1]
                group.digits += str(value)
                group.end = index + 1
                continue
            joins, kind = _gap_kind(text[gap_start:index]) if current else (False, None)
            if current is not None and joins:
                current.groups.append(_Group(index, index + 1, str(value)))
                current.kinds.append(kind)
            else:
                current = _Run([_Group(index, index + 1, str(value))], [])
                runs.append(current)
            gap_start = -1
        elif current is not None and _separator_kind(char) is not None:
            if gap_start < 0:
                gap_start = index
        else:
            current = None
            gap_start = -1
    return runs


def _followed_by_unit(text: str, end: int) -> bool:
    return _UNIT.match(text, end) is not None


def _twelve_digit_windows(run: _Run) -> Iterator[tuple[int, int]]:
    """Yield (first, last) group indexes of run parts that can be a My Number."""
    for first in range(len(run.groups)):
        total = 0
        for last in range(first, len(run.groups)):
            total += len(run.groups[last].digits)
            if total >= 12:
                break
        if total != 12:
            continue
        sizes = tuple(len(g.digits) for g in run.groups[first : last + 1])
        kinds = {k for k in run.kinds[first:last] if k is not None}
        if sizes in _MY_NUMBER_GROUPINGS and len(kinds) <= 1:
            yield first, last


def _my_numbers(text: str, runs: list[_Run]) -> list[Secret]:
    found: list[Secret] = []
    for run in runs:
        for first, last in _twelve_digit_windows(run):
            groups = run.groups[first : last + 1]
            start, end = groups[0].start, groups[-1].end
            digits = "".join(g.digits for g in groups)
            if my_number.calc_check_digit(digits[:-1]) == digits[-1]:
                found.append(Secret(SecretKind.MY_NUMBER, start, end))
            elif (
                first == 0
                and last == len(run.groups) - 1
                and not _followed_by_unit(text, end)
            ):
                found.append(Secret(SecretKind.POSSIBLE_MY_NUMBER, start, end))
    return found


def _pin_like(text: str, folded: str, runs: list[_Run]) -> list[tuple[int, int]]:
    """Spans of every token that could be a PIN, wherever it is."""
    spans = []
    for run in runs:
        sizes = {len(g.digits) for g in run.groups}
        count = run.digit_count
        if (
            (count == 4 or 6 <= count <= 16)
            and len(sizes) == 1
            and not _followed_by_unit(text, run.end)
        ):
            spans.append((run.groups[0].start, run.end))
    for match in _ALNUM.finditer(folded):
        token = match.group()
        if not token.isdigit() and any(c.isdigit() for c in token):
            spans.append(match.span())
    return spans


@dataclass(frozen=True)
class _Cues:
    """The cue words of a text: where each starts, and how far its sentence reaches."""

    starts: list[int]
    ends: list[int]
    reaches: list[int]

    @classmethod
    def of(cls, folded: str) -> _Cues:
        starts, ends, reaches = [], [], []
        for cue in _CUE.finditer(folded):
            reach = min(len(folded), cue.end() + _CUE_REACH)
            stop = _SENTENCE_END.search(folded, cue.end(), reach)
            starts.append(cue.start())
            ends.append(cue.end())
            reaches.append(stop.start() if stop else reach)
        return cls(starts, ends, reaches)

    def near(self, start: int, end: int) -> bool:
        """Whether the token ``[start, end)`` is in a cue's sentence or just before one.

        The latest cue before the token reaches furthest of those before it, and the
        first cue after it is the closest: one look each (bisect), however many cues.
        """
        before = bisect.bisect_right(self.ends, start) - 1
        if before >= 0 and end <= self.reaches[before]:
            return True
        after = bisect.bisect_left(self.starts, end)
        return after < len(self.starts) and self.starts[after] - _BEFORE_CUE <= end


_FOLDED: dict[str, str] = {}


def _fold(char: str) -> str:
    folded = _FOLDED.get(char)
    if folded is None:
        folded = unicodedata.normalize("NFKC", char)
        folded = _FOLDED[char] = folded if len(folded) == 1 else char
    return folded


def _nfkc_aligned(text: str) -> str:
    """NFKC per character where that keeps the length (full-width digits and letters).

    Characters whose NFKC form has another length stay as they are, so offsets in the
    result are offsets in ``text``.
    """
    return "".join(map(_fold, text)) if not text.isascii() else text


def find_secrets(text: str, pin_expected: bool = False) -> list[Secret]:
    """Return the My Numbers and PINs in ``text``, in order.

    ``pin_expected``: the previous message announced a PIN, so any PIN-like token
    in this one is taken as a PIN, cue word or not.
    """
    runs = _runs(text)
    found = _my_numbers(text, runs)
    folded = _nfkc_aligned(text)
    cues = _Cues.of(folded)
    for start, end in _pin_like(text, folded, runs):
        overlaps = any(start < s.end and s.start < end for s in found)
        if not overlaps and (pin_expected or cues.near(start, end)):
            found.append(Secret(SecretKind.PIN, start, end))
    return sorted(found, key=lambda s: s.start)


def announces_secret(text: str) -> bool:
    """Whether ``text`` says a PIN comes next (「暗証番号を言います」).

    Whether it holds one already is :func:`find_secrets`'s to tell.
    """
    folded = _nfkc_aligned(text)
    return any(_ANNOUNCEMENT.match(folded, cue.end()) for cue in _CUE.finditer(folded))


def mask(text: str, secrets: list[Secret]) -> str:
    """Return ``text`` with the digits and letters of ``secrets`` replaced by ＊."""
    chars = list(text)
    for secret in secrets:
        for i in range(secret.start, secret.end):
            if _separator_kind(chars[i]) is None:
                chars[i] = MASK
    return "".join(chars)


def redact(text: str, pin_expected: bool = False) -> str:
    """Return ``text`` with every secret masked character by character."""
    return mask(text, find_secrets(text, pin_expected))
