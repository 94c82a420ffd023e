"""The demo page's Content-Security-Policy in Debian's Chromium: the widget works under
it (its styles and its calls to the Rasa server), and an injected script does not run."""

from __future__ import annotations

from collections.abc import Iterator

import chromium
import pytest

pytestmark = pytest.mark.slow

chromium.sync_api()

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture(scope="module")
def page(web_url: str) -> Iterator[object]:
    with chromium.launched() as browser:
        page = browser.new_page(locale="ja-JP")
        page.set_default_timeout(30_000)
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(web_url)
        yield page


def test_the_widget_works_under_the_policy(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".ecc-launcher")
    # The widget's <style> got the page's nonce: its CSS applies.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.ecc-panel')).position"
    ) == ("fixed")
    page.fill("#ecc-input", "どこで更新できますか")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('.ecc-bot').length > 0"
        " && !document.querySelector('.ecc-typing')"
    )
    # The answer, then the question whether it helped.
    assert "本庁市民課" in page.locator(".ecc-bot").nth(-2).inner_text()
    assert page.evaluate("window.__violations") == []


def test_an_injected_script_and_style_are_blocked(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__pwned = true";
          document.body.appendChild(s);
          const st = document.createElement("style");
          st.textContent = "body { display: none }";
          document.head.appendChild(st);
        }"""
    )
    page.wait_for_function("() => window.__violations.length >= 2")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    violations = " ".join(page.evaluate("window.__violations"))
    assert "script-src" in violations and "style-src" in violations
