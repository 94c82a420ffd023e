"""Security headers, the demo page's CSP, /docs off, and the widget's SRI hash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.config import MAX_RATE, Settings
from bot.web import create_app
from bot.web.sri import integrity, snippet

README = Path(__file__).resolve().parents[2] / "README.md"
RASA = "https://chat.example.jp:8443"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(
        create_app(Settings(rate_limit_address=MAX_RATE, rasa_url=RASA + "/"))
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/", None),
        ("GET", "/widget.js", None),
        ("GET", "/healthz", None),
        ("GET", "/api/v1/dates/parse?text=昭和60年4月3日", None),
        ("POST", "/api/v1/certificates/assessment", b"{"),
        ("POST", "/api/v1/certificates/assessment", b"x" * 100_000),
        ("GET", "/no-such-page", None),
    ],
    ids=["demo", "widget", "health", "api", "422", "413", "404"],
)
def test_every_answer_has_the_headers(
    client: TestClient, method: str, path: str, body: bytes | None
) -> None:
    response = client.request(method, path, content=body)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_demo_page_policy_lets_only_its_script_styles_and_rasa_in(
    client: TestClient,
) -> None:
    response = client.get("/")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == RASA  # the widget talks to the Rasa server
    nonce = re.fullmatch(r"'nonce-([\w-]+)'", policy["style-src"])
    assert nonce is not None
    # The page's style and the widget's script tag carry this request's nonce.
    assert response.text.count(f'nonce="{nonce.group(1)}"') == 2
    assert client.get("/").headers["Content-Security-Policy"] != str(
        response.headers["Content-Security-Policy"]
    )
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_the_demo_page_loads_the_widget_with_its_integrity(client: TestClient) -> None:
    served = client.get("/widget.js").content
    assert f'integrity="{integrity(served)}"' in client.get("/").text


def test_the_widget_can_be_loaded_with_sri_from_any_page(client: TestClient) -> None:
    response = client.get("/widget.js", headers={"Origin": "https://www.city.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_readme_snippet_has_the_served_widgets_hash(client: TestClient) -> None:
    hashes = set(
        re.findall(r'integrity="(sha384-[A-Za-z0-9+/=]+)"', README.read_text("utf-8"))
    )
    served = integrity(client.get("/widget.js").content)
    assert hashes == {served}, (
        "README.md's embed snippet has a stale integrity hash; replace it with the "
        "output of `.venv/bin/python -m bot.web.sri`:\n" + snippet()
    )


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_docs_can_be_turned_off(path: str) -> None:
    on = TestClient(create_app(Settings()))
    off = TestClient(create_app(Settings.from_env({"WEB_DOCS": "off"})))
    assert on.get(path).status_code == 200
    assert off.get(path).status_code == 404
    assert off.get("/healthz").status_code == 200
