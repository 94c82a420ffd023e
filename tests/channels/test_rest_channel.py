"""Input cleaning of the hardened REST channel."""

from bot.channels.rest import MAX_MESSAGE_CHARS, clean_text


def test_control_and_format_characters_are_dropped() -> None:
    assert clean_text("\x00更新\u200bの\u202e持ち物\x7f\n？") == "更新の持ち物\n？"


def test_long_text_is_cut() -> None:
    assert len(clean_text("あ" * (MAX_MESSAGE_CHARS + 10))) == MAX_MESSAGE_CHARS


def test_emoji_and_japanese_are_kept() -> None:
    assert clean_text("更新😀ｶｰﾄﾞ") == "更新😀ｶｰﾄﾞ"
