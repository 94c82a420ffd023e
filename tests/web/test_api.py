"""The rules REST API through the real ASGI app (DESIGN.md "Contracts")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

URL = "/api/v1/certificates/assessment"
DESIGN_EXAMPLE = {
    "birthdate": "1985-04-03",
    "issued_on": "2021-06-10",
    "today": "2026-11-29",
}


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert URL in spec["paths"] and "/api/v1/dates/parse" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_design_example(client: TestClient) -> None:
    response = client.post(URL, json=DESIGN_EXAMPLE)
    assert response.status_code == 200
    body = response.json()
    assert body["certificate_expires_on"] == "2026-04-03"
    assert body["card_expires_on"] == "2031-04-03"
    assert body["renewal_opens_on"] == "2026-01-04"
    assert body["certificate_expired"] is True
    assert body["in_renewal_window"] is False
    assert body["days_until_certificate_expiry"] == -240
    assert body["signing_certificate_eligible"] is True
    assert body["applicant"] == "self"
    assert body["age_today"] == 41
    assert body["age_at_issuance"] == 36
    assert body["renewed_certificate_expires_on"] == "2031-04-03"
    assert "2026年4月3日（令和8年4月3日）" in body["explanation_ja"]


def test_today_defaults_to_japan(client: TestClient) -> None:
    body = client.post(
        URL, json={"birthdate": "1985-04-03", "issued_on": "2021-06-10"}
    ).json()
    assert body["today"] == datetime.now(ZoneInfo("Asia/Tokyo")).date().isoformat()


def test_flags(client: TestClient) -> None:
    ward = client.post(URL, json={**DESIGN_EXAMPLE, "adult_ward": True}).json()
    assert ward["applicant"] == "legal_representative"
    assert ward["signing_certificate_eligible"] is False
    face = client.post(
        URL, json={**DESIGN_EXAMPLE, "issued_on": "2024-01-10", "face_auth_card": True}
    ).json()
    assert face["signing_certificate_eligible"] is False
    assert face["applicant"] == "self"


def test_child_needs_legal_representative(client: TestClient) -> None:
    body = client.post(
        URL,
        json={
            "birthdate": "2015-05-05",
            "issued_on": "2020-07-01",
            "today": "2024-01-01",
        },
    ).json()
    assert body["applicant"] == "legal_representative"
    assert body["signing_certificate_eligible"] is False
    assert body["card_expires_on"] == "2025-05-05"
    assert body["certificate_expires_on"] == "2025-05-05"
    assert body["in_renewal_window"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**DESIGN_EXAMPLE, "issued_on": "1980-01-01"}, "issued_on"),
        ({**DESIGN_EXAMPLE, "issued_on": "2027-01-01"}, "issued_on"),
        ({**DESIGN_EXAMPLE, "birthdate": "2030-01-01"}, "birthdate"),
        ({**DESIGN_EXAMPLE, "issued_on": "2015-06-01"}, "issued_on"),
        ({**DESIGN_EXAMPLE, "today": "2021-01-01"}, "issued_on"),
        ({**DESIGN_EXAMPLE, "birthdate": "昭和60年4月3日"}, "birthdate"),
        ({**DESIGN_EXAMPLE, "birthdate": "1985-02-30"}, "birthdate"),
        ({**DESIGN_EXAMPLE, "birthdate": 482025600}, "birthdate"),
        ({**DESIGN_EXAMPLE, "today": "9999-12-31"}, "today"),
        ({**DESIGN_EXAMPLE, "adult_ward": "yes"}, "adult_ward"),
        ({**DESIGN_EXAMPLE, "issue_date": "2021-06-10"}, "issue_date"),
        ({"issued_on": "2021-06-10"}, "birthdate"),
    ],
    ids=[
        "issued-before-birth",
        "issued-in-future",
        "born-in-future",
        "issued-before-cards-existed",
        "today-before-issuance",
        "not-iso",
        "no-such-day",
        "timestamp-not-a-date",
        "today-far-future",
        "bool-as-string",
        "unknown-field",
        "missing-field",
    ],
)
def test_impossible_input_is_422_naming_the_field(
    client: TestClient, payload: dict[str, object], field: str
) -> None:
    response = client.post(URL, json=payload)
    assert response.status_code == 422
    body = response.json()
    assert field in [item["field"] for item in body["detail"]]
    assert field in body["message_en"]
    assert body["message_ja"]
    assert all(item["msg_ja"] for item in body["detail"])


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"",
        b"null",
        b"[]",
        b'"text"',
        b"\xff\xfe",
        b'{"birthdate": null}',
        b"Q\xa0 \xe8\x26",
    ],
    ids=[
        "truncated",
        "empty",
        "null",
        "list",
        "string",
        "bom",
        "null-field",
        "invalid-utf8",
    ],
)
def test_malformed_body_is_422(client: TestClient, raw: bytes) -> None:
    response = client.post(
        URL, content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["message_ja"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昭和60年4月3日", "1985-04-03"),
        ("令和3年6月10日", "2021-06-10"),
        ("H2.4.1", "1990-04-01"),
        ("２０２１／６／１０", "2021-06-10"),
        ("昭和六十年四月三日生まれです", "1985-04-03"),
    ],
)
def test_parse_date(client: TestClient, text: str, expected: str) -> None:
    response = client.get("/api/v1/dates/parse", params={"text": text})
    assert response.status_code == 200
    assert response.json()["date"] == expected
    assert "（" in response.json()["display_ja"]


@pytest.mark.parametrize(
    "text",
    ["こんにちは", "平成31年5月1日", "85/4/3", "2023年2月29日", "1985年4月", "x" * 201],
    ids=[
        "no-date",
        "era-out-of-range",
        "two-digit-year",
        "no-feb-29",
        "incomplete",
        "too-long",
    ],
)
def test_parse_date_rejects(client: TestClient, text: str) -> None:
    response = client.get("/api/v1/dates/parse", params={"text": text})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"][0]["field"] == "text"
    assert body["message_ja"] and body["message_en"]


def test_parse_date_requires_text(client: TestClient) -> None:
    response = client.get("/api/v1/dates/parse")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "text"


def test_display_of_parsed_date(client: TestClient) -> None:
    body = client.get("/api/v1/dates/parse", params={"text": "R1.5.1"}).json()
    assert body == {
        "date": date(2019, 5, 1).isoformat(),
        "display_ja": "2019年5月1日（令和元年5月1日）",
    }


def test_widget_script_and_demo_page(client: TestClient) -> None:
    script = client.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "isComposing" in script.text
    page = client.get("/")
    assert page.status_code == 200
    assert '<script src="/widget.js" data-rasa-url="http://localhost:5005"' in page.text
