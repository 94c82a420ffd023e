"""Which date a resident means: their birthdate or their card's issuance date.

A pure guess from the words next to a date in the message; ``None`` when the words
do not say. The conversation asks for one date at a time, so ``None`` is the common
case and the form decides by the slot it asked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Literal

from bot.dates.parser import DateSpan

Role = Literal["birth", "issue"]

# Cue words within a short window around the date (Japanese, with common kana spellings).
_BIRTH_BEFORE = re.compile(
    r"(生年月日|誕生日|たんじょうび|生まれ|うまれ)[^。、,.!?！？\n]{0,6}$"
)
_BIRTH_AFTER = re.compile(r"^[^。、,.!?！？\n]{0,3}(生まれ|うまれ|生|誕生)")
_ISSUE_BEFORE = re.compile(
    r"(発行|交付|作成|取得|更新|受け取|受取|作った|作りました|もらった|発行日)[^。、,.!?！？\n]{0,8}$"
)
_ISSUE_AFTER = re.compile(
    r"^[^。、,.!?！？\n]{0,4}(発行|交付|作成|取得|更新|に作|につく|に受け取|受取|にもら|にとっ|に取っ|作っ|作り)"
)

WINDOW = 16  # characters looked at on each side of the date

# Words that name a field anywhere in the message: a correction often names the field
# away from the date (「生年月日を間違えました。正しくは…」). 更新 and 年齢 are left out:
# residents use them for the procedure and the age line, not to name a date.
_BIRTH_ANYWHERE = re.compile(r"生年月日|誕生日?|たんじょうび|生まれ|うまれ|生れ")
_ISSUE_ANYWHERE = re.compile(
    r"発行|交付|作成|取得|受け取|受取|作っ|作り|つくっ|もらっ|もろう"
)
# 「AじゃなくてB」「Aではなく」: A is the date being corrected away.
_NEGATED_AFTER = re.compile(r"^\s*(?:じゃ|では|で)な(?:く|い)")


def text_role(text: str) -> Role | None:
    """Return the role the whole message names, when it names only one field."""
    birth = bool(_BIRTH_ANYWHERE.search(text))
    issue = bool(_ISSUE_ANYWHERE.search(text))
    if birth == issue:
        return None
    return "birth" if birth else "issue"


def negated(text: str, span: DateSpan) -> bool:
    """Return whether ``span`` is the wrong date of a correction (「Aじゃなくて」)."""
    return bool(_NEGATED_AFTER.search(text[span.end : span.end + 6]))


def date_role(text: str, span: DateSpan) -> Role | None:
    """Return the role of ``span`` in ``text`` from the cue words beside it."""
    before = text[max(0, span.start - WINDOW) : span.start]
    after = text[span.end : span.end + WINDOW]
    # The words right after a date bind closer than those before it
    # (「昭和60年4月3日生まれで、令和3年6月10日に発行」).
    if _BIRTH_AFTER.search(after):
        return "birth"
    if _ISSUE_AFTER.search(after):
        return "issue"
    if _BIRTH_BEFORE.search(before):
        return "birth"
    if _ISSUE_BEFORE.search(before):
        return "issue"
    return None


def message_roles(text: str, spans: Sequence[DateSpan]) -> list[Role | None]:
    """Return the role of each date of a message, from the words of the whole message.

    The words beside a date decide first (:func:`date_role`). Then:
    - one date: the field the message names anywhere (:func:`text_role`);
    - two dates, one named: the other one is the other field;
    - two dates, neither named: the earlier is the birthdate.
    Otherwise a date keeps ``None`` and the conversation decides (the slot it asked
    for, or the date's value).
    """
    roles = [date_role(text, span) for span in spans]
    unnamed = [i for i, role in enumerate(roles) if role is None]
    named = {role for role in roles if role is not None}
    if not unnamed:
        return roles
    if len(spans) == 1:
        return [text_role(text)]
    if len(spans) == 2 and len(unnamed) == 1 and len(named) == 1:
        roles[unnamed[0]] = "issue" if named == {"birth"} else "birth"
    elif len(spans) == 2 and len(unnamed) == 2:
        first, second = sorted(unnamed, key=lambda i: spans[i].value)
        roles[first], roles[second] = "birth", "issue"
    return roles


# The holder is an adult ward (成年被後見人): their legal representative applies.
_ADULT_WARD = re.compile(r"成年被後見人|被後見人|成年後見|後見人")


def mentions_adult_ward(text: str) -> bool:
    """Return whether the message says the holder is an adult ward."""
    return bool(_ADULT_WARD.search(text))


BIRTH_SLOT = "birth_date"
ISSUE_SLOT = "issue_date"

# No My Number Card application was received before this day (RULES.md R7 data), so
# an earlier date can only be a birthdate.
_FIRST_POSSIBLE_ISSUE = date(2015, 10, 5)


def assign_dates(
    dates: list[tuple[date, Role | None]],
    requested_slot: str | None,
    birth_known: bool,
) -> dict[str, date]:
    """Decide which slot each date of one message fills.

    Args:
        dates: the message's dates with the role their cue words gave, in text order.
        requested_slot: the slot the form just asked for, if any.
        birth_known: whether a birthdate was given earlier in the conversation.

    Returns:
        ``{"birth_date": ..., "issue_date": ...}``, either or both, or empty when the
        message does not say which date it is and the context cannot tell either.
    """
    result: dict[str, date] = {}
    for value, role in dates:
        if role is not None:
            result.setdefault(BIRTH_SLOT if role == "birth" else ISSUE_SLOT, value)
    unroled = [value for value, role in dates if role is None]
    free = [slot for slot in (BIRTH_SLOT, ISSUE_SLOT) if slot not in result]
    if not unroled or not free:
        return result
    if len(unroled) >= 2 and len(free) == 2:
        # Two dates and no cue words: the earlier is the birthdate.
        first, second = sorted(unroled[:2])
        return {**result, BIRTH_SLOT: first, ISSUE_SLOT: second}
    value = unroled[0]
    if requested_slot in free:
        slot: str | None = requested_slot
    elif value < _FIRST_POSSIBLE_ISSUE and BIRTH_SLOT in free:
        slot = BIRTH_SLOT
    elif birth_known and ISSUE_SLOT in free:
        slot = ISSUE_SLOT
    elif len(free) == 1 and free[0] == ISSUE_SLOT and value >= _FIRST_POSSIBLE_ISSUE:
        slot = ISSUE_SLOT
    else:
        slot = None
    if slot is not None:
        result[slot] = value
    return result


def correct_year(
    year: int, role: Role | None, birth: date | None, issue: date | None
) -> tuple[str, date] | None:
    """Apply a year said alone to the date it corrects, keeping month and day.

    The role from the cue words decides; without one, a year before the first card
    applications can only be a birth year. Returns ``None`` when there is nothing to
    correct.

    Raises:
        ValueError: the corrected day does not exist (29 February in a common year).
    """
    if role is None:
        role = (
            "birth" if year < _FIRST_POSSIBLE_ISSUE.year or issue is None else "issue"
        )
    slot, old = (BIRTH_SLOT, birth) if role == "birth" else (ISSUE_SLOT, issue)
    if old is None:
        return None
    try:
        return slot, old.replace(year=year)
    except ValueError:
        raise ValueError(
            f"{year}-{old.month:02d}-{old.day:02d} does not exist"
        ) from None
