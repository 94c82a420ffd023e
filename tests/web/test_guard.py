"""Rate limits per address and the body cap on the web app (bot/web/guard.py)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.web import create_app
from bot.web.guard import MAX_BODY_BYTES

URL = "/api/v1/certificates/assessment"
BODY = {"birthdate": "1985-04-03", "issued_on": "2021-06-10", "today": "2026-11-29"}


def client_at(app: object, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))  # type: ignore[arg-type]


def test_one_address_is_limited_and_others_are_served() -> None:
    app = create_app(Settings(rate_limit_address=5))
    noisy, quiet = client_at(app, "203.0.113.7"), client_at(app, "198.51.100.2")
    statuses = [noisy.post(URL, json=BODY).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    limited = noisy.get("/api/v1/dates/parse", params={"text": "昭和60年4月3日"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert "少し待って" in limited.json()["message_ja"]
    assert quiet.post(URL, json=BODY).status_code == 200
    # The widget files and the health check are not counted against the API limit.
    assert noisy.get("/healthz").status_code == 200
    assert noisy.get("/widget.js").status_code == 200


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield TestClient(create_app(Settings()))


def test_a_declared_oversized_body_gets_413(client: TestClient) -> None:
    response = client.post(
        URL,
        content=b'{"birthdate": "' + b"1" * MAX_BODY_BYTES + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "大きすぎます" in response.json()["message_ja"]


def test_a_streamed_oversized_body_gets_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"birthdate": "'
        for _ in range(MAX_BODY_BYTES // 1024 + 1):
            yield b"1" * 1024
        yield b'"}'

    response = client.post(
        URL, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["message_ja"]


def test_a_malformed_content_length_is_refused(client: TestClient) -> None:
    response = client.post(
        URL,
        content=b"{}",
        headers={"Content-Type": "application/json", "Content-Length": "abc"},
    )
    assert response.status_code == 400
    assert response.json()["message_ja"]


def test_the_api_still_answers_after_refusals(client: TestClient) -> None:
    client.post(URL, content=b"x" * (MAX_BODY_BYTES + 1))
    assert client.post(URL, json=BODY).json()["certificate_expires_on"] == "2026-04-03"
