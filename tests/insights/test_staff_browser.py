"""The staff page in Debian's headless Chromium: keyboard login, export, axe scan."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import chromium
import pytest
import uvicorn
from argon2 import PasswordHasher
from known_store import MY_NUMBER, PIN, Store

from bot.config import MAX_RATE, Settings
from bot.web import create_app

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"

chromium.sync_api()


@pytest.fixture
def staff_url(sqlite_store: Store, tmp_path: Path) -> Iterator[str]:
    endpoints = tmp_path / "endpoints.yml"
    db = sqlite_store.url.removeprefix("sqlite:///")
    endpoints.write_text(
        f"tracker_store:\n  type: sql\n  dialect: sqlite\n  db: {db}\n"
    )
    settings = Settings(
        rate_limit_address=MAX_RATE,
        staff_password_hash=PasswordHasher(time_cost=1, memory_cost=1024).hash(
            PASSWORD
        ),
        endpoints_file=str(endpoints),
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), port=port, log_level="warning", ws="none")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_staff_logs_in_reviews_and_exports_with_the_keyboard(
    staff_url: str, tmp_path: Path
) -> None:
    with chromium.launched() as browser:
        context = browser.new_context(locale="ja-JP", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{staff_url}/staff")
        # The password field has focus; typing and Enter log in.
        assert page.evaluate("document.activeElement.id") == "password"
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:has-text('利用状況')")
        # One bar per calendar day the last 30 days touch.
        assert page.locator("svg.chart rect").count() in (30, 31)
        # Tab reaches the first label choice; pick an FAQ with the keyboard.
        select = page.locator("select").first
        select.focus()
        select.select_option("faq/pin")
        with page.expect_download() as download:
            page.keyboard.press("Tab")  # to the next control, then submit the form
            page.locator("button[type=submit]", has_text="書き出す").press("Enter")
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert "intent: faq/pin" in exported
        text = page.content() + exported
        assert MY_NUMBER not in text and PIN not in text
        assert chromium.serious_violations(page) == []
        context.close()
