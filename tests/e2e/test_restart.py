"""Conversations survive a restart of the Rasa server (SQLite tracker store file)."""

from pathlib import Path

import pytest
from stack import running_bot

pytestmark = pytest.mark.slow


def test_dates_conversation_continues_after_a_restart(
    model_path: Path, tmp_path: Path
) -> None:
    sender = "restart-1"
    with running_bot(model_path, tmp_path) as bot:
        bot.texts(sender, "自分の有効期限を調べたい")
        assert "発行された日" in bot.texts(sender, "昭和60年4月3日")
    # The server is gone; a new one reads the same SQLite file.
    with running_bot(model_path, tmp_path) as bot:
        answer = bot.texts(sender, "令和3年6月10日")
    assert "2026年4月3日（令和8年4月3日）" in answer
