"""The chat widget in a real headless Chromium (Debian's), against the running stack."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import chromium
import pytest

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

chromium.sync_api()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium.launched() as browser:
        yield browser


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
    assert chromium.serious_violations(page) == []
    context.close()


def _widget_page(browser, web_url: str, init_script: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="ja-JP")
    context.add_init_script(init_script)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data or "") if "webhooks/rest" in r.url else None,
    )
    page.goto(web_url)
    return context, page, sent


def test_without_a_secure_random_source_the_widget_refuses(
    browser, web_url: str
) -> None:  # type: ignore[no-untyped-def]
    context, page, sent = _widget_page(
        browser,
        web_url,
        "delete Crypto.prototype.randomUUID; delete Crypto.prototype.getRandomValues;",
    )
    page.click(".ecc-launcher")
    assert "このブラウザではチャットをご利用いただけません" in page.inner_text(
        ".ecc-error"
    )
    assert page.is_disabled("#ecc-input") and page.is_disabled(".ecc-send")
    page.evaluate(
        """() => {
            document.getElementById('ecc-input').value = 'こんにちは';
            document.querySelector('.ecc-form').requestSubmit();
        }"""
    )
    page.wait_for_timeout(300)
    assert sent == []  # no message, so no guessable id, ever goes out
    context.close()


def test_the_id_comes_from_get_random_values_without_random_uuid(
    browser, web_url: str
) -> None:  # type: ignore[no-untyped-def]
    # An older widget's guessable id in the tab's storage is dropped, not reused.
    old = '{"sender": "web-1733100000000a1b2c3d4e5f", "messages": [], "open": false}'
    context, page, sent = _widget_page(
        browser,
        web_url,
        "delete Crypto.prototype.randomUUID;"
        f"sessionStorage.setItem('ecert-chat', {old!r});",
    )
    page.click(".ecc-launcher")
    ask(page, "更新の持ち物は？")
    [body] = sent
    assert re.fullmatch(r"web-[0-9a-f]{32}", json.loads(body)["sender"])
    context.close()


def test_the_calendar_button_downloads_the_ics_file(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".ecc-launcher")
    ask(page, "昭和45年7月20日生まれで、令和5年2月1日に発行されました")
    button = page.locator("a.ecc-choice", has_text="カレンダーに登録")
    assert button.count() == 1
    href = button.get_attribute("href")
    assert "/calendar/" in href and href.endswith(".ics")
    assert button.get_attribute("download") is not None
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.body()
