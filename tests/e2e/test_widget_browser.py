"""The chat widget in a real headless Chromium (Debian's), against the running stack."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

playwright_sync = pytest.importorskip("playwright.sync_api")
if shutil.which(CHROMIUM) is None:  # scripts/setup --test installs it with apt
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, web_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1024, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(web_url)
    yield page
    context.close()


def bot_bubbles(page):  # type: ignore[no-untyped-def]
    return page.locator(".ecc-bot")


def ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    before = bot_bubbles(page).count()
    page.fill("#ecc-input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.ecc-bot').length > n && !document.querySelector('.ecc-typing')",
        arg=before,
    )


def test_faq_button_and_dates_conversation_survive_a_reload(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".ecc-launcher")
    assert page.evaluate("document.activeElement.id") == "ecc-input"  # focus moved in
    ask(page, "更新のとき何を持っていけばいいですか")
    # The answer, then 「この回答はお役に立ちましたか。」 with its two buttons.
    assert "マイナンバーカード" in bot_bubbles(page).nth(-2).inner_text()

    before = bot_bubbles(page).count()
    page.locator(".ecc-choice", has_text="手続きの場所").last.click()
    page.wait_for_function(  # the answer and the feedback question
        "n => document.querySelectorAll('.ecc-bot').length > n", arg=before + 1
    )
    assert "本庁市民課" in bot_bubbles(page).nth(-2).inner_text()

    ask(page, "自分の有効期限を調べたい")
    ask(page, "昭和60年4月3日")
    ask(page, "令和3年6月10日")
    answer = page.locator(".ecc-log").inner_text()
    assert "2026年4月3日（令和8年4月3日）" in answer

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))

    count = bot_bubbles(page).count()
    page.reload()
    page.wait_for_selector(".ecc-panel:not([hidden])")
    assert bot_bubbles(page).count() == count
    assert "令和8年4月3日" in page.locator(".ecc-log").inner_text()


def test_enter_confirming_ime_conversion_does_not_send(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".ecc-launcher")
    page.fill("#ecc-input", "こうしん")
    users = page.locator(".ecc-user").count()
    page.evaluate(
        """() => document.getElementById('ecc-input').dispatchEvent(
            new KeyboardEvent('keydown', {key: 'Enter', isComposing: true, bubbles: true}))"""
    )
    page.wait_for_timeout(500)
    assert page.locator(".ecc-user").count() == users
    assert page.input_value("#ecc-input") == "こうしん"


def test_long_message_is_capped_with_a_counter(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".ecc-launcher")
    page.fill("#ecc-input", "あ" * 600)
    assert len(page.input_value("#ecc-input")) == 500
    page.dispatch_event("#ecc-input", "input")
    assert page.inner_text("#ecc-count") == "500 / 500 文字"


def test_unreachable_server_shows_an_error_and_a_retry(page) -> None:  # type: ignore[no-untyped-def]
    page.route("**/webhooks/rest/webhook", lambda route: route.abort())
    page.click(".ecc-launcher")
    page.fill("#ecc-input", "こんにちは")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ecc-error")
    assert "接続できませんでした" in page.inner_text(".ecc-error")
    page.unroute("**/webhooks/rest/webhook")
    before = bot_bubbles(page).count()
    page.click(".ecc-error button")
    page.wait_for_function(
        "n => document.querySelectorAll('.ecc-bot').length > n", arg=before
    )


def test_keyboard_only_and_escape_returns_focus(page) -> None:  # type: ignore[no-untyped-def]
    page.focus(".ecc-launcher")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ecc-input"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.className") == "ecc-launcher"


def test_phone_width_and_accessibility_scan(browser, web_url: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        locale="ja-JP", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.goto(web_url)
    page.click(".ecc-launcher")
    ask(page, "暗証番号を忘れました")
    box = page.locator(".ecc-panel").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    results = Axe().run(page)
    serious = [
        v["id"]
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert serious == []
    context.close()
