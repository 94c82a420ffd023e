"""Subresource Integrity of the widget script, and the embed snippet for city pages.

``python -m bot.web.sri [https://BOT-HOST] [https://RASA-HOST]`` prints the snippet
with the ``integrity`` hash of the current ``bot/web/static/widget.js``. Whenever
widget.js changes, paste its output into README.md (tests/web/test_headers.py checks
that the README's hash matches the served file and prints the right one if not).
"""

from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path

WIDGET = Path(__file__).resolve().parent / "static" / "widget.js"


def integrity(content: bytes) -> str:
    """The SRI value (sha384) of ``content``."""
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


def widget_integrity() -> str:
    """The SRI value of the widget script as served."""
    return integrity(WIDGET.read_bytes())


def snippet(
    bot_host: str = "https://BOT-HOST", rasa_url: str = "https://RASA-HOST"
) -> str:
    """The tag a city page adds to embed the widget, with its integrity hash."""
    return (
        f'<script src="{bot_host}/widget.js" data-rasa-url="{rasa_url}"\n'
        f'        integrity="{widget_integrity()}"\n'
        '        crossorigin="anonymous" defer></script>'
    )


if __name__ == "__main__":
    print(snippet(*sys.argv[1:3]))
