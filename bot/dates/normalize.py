"""Text normalisation for date matching, with a map back to the original offsets.

NFKC turns full-width digits, letters and punctuation into ASCII (１→1, ／→/, Ｓ→S) and
expands era ligatures (㍻→平成, ㍼→昭和, ㋿→令和), which changes the text length. Each
character is therefore normalised together with the combining marks that follow it
(half-width ｼﾞ becomes じ), and every output character remembers the original range it
came from, so matches in the normalised text can be reported on the user's text
(as SudachiPy's input text plugins do with their offset maps).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters mapped after NFKC so that the matcher needs fewer alternatives.
_EXTRA = {
    # Dash-like characters written between date parts: hyphen, non-breaking hyphen,
    # figure dash, en dash, em dash, horizontal bar, minus sign, long vowel mark.
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"},
    # White circle, often typed for the kanji zero (二○二一年).
    ord("\u25cb"): "\u3007",
    # Katakana to hiragana, so ショウワ and ネン match the hiragana readings.
    **{code: chr(code - 0x60) for code in range(0x30A1, 0x30F7)},
}

# Marks that combine with the previous character under NFKC (half-width and
# full-width voiced and semi-voiced sound marks, besides Unicode combining marks).
_JOINERS = frozenset("\uff9e\uff9f\u3099\u309a")


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus the original range each of its characters came from."""

    text: str
    starts: tuple[int, ...] | None  # None when the normalised text equals the original.
    ends: tuple[int, ...] | None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised range [start, end) to a range of the original text.

        A range that covers part of an expansion (平 of 平成 from ㍻) widens to the
        whole original character.
        """
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            position = self.starts[start] if start < len(self.starts) else self._tail()
            return position, position
        return self.starts[start], self.ends[end - 1]

    def _tail(self) -> int:
        return self.ends[-1] if self.ends else 0


@lru_cache(maxsize=4096)
def _normalize_cluster(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster).translate(_EXTRA)


def _is_joiner(char: str) -> bool:
    return char in _JOINERS or (char > "\u02ff" and unicodedata.combining(char) != 0)


def normalize(text: str) -> NormalizedText:
    """Return the NFKC form of `text`, dashes and kana unified, with its offset map."""
    if text.isascii():
        # NFKC leaves ASCII unchanged and the extra mapping touches no ASCII character.
        return NormalizedText(text, None, None)
    if unicodedata.is_normalized("NFKC", text):
        # The extra mapping is one character to one, so offsets stay the same.
        return NormalizedText(text.translate(_EXTRA), None, None)
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index, length = 0, len(text)
    while index < length:
        end = index + 1
        while end < length and _is_joiner(text[end]):
            end += 1
        normalized = _normalize_cluster(text[index:end])
        parts.append(normalized)
        starts.extend([index] * len(normalized))
        ends.extend([end] * len(normalized))
        index = end
    return NormalizedText("".join(parts), tuple(starts), tuple(ends))
