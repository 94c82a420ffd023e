"""The staff page: off by default, login, cookie, CSRF, lock-out, and no personal data."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from known_store import MY_NUMBER, PIN, SECRET_DATES, Store

from bot.config import MAX_RATE, ConfigError, Settings
from bot.dates import find_dates
from bot.insights.auth import MAX_FAILURES
from bot.web import create_app

PASSWORD = "correct horse battery staple"
# Cheap parameters keep the tests fast; verification reads them from the hash.
HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def endpoints_for(tmp_path: Path, store: Store) -> Path:
    path = tmp_path / "endpoints.yml"
    db = store.url.removeprefix("sqlite:///")
    path.write_text(f"tracker_store:\n  type: sql\n  dialect: sqlite\n  db: {db}\n")
    return path


@pytest.fixture
def client(sqlite_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        rate_limit_address=MAX_RATE,
        staff_password_hash=HASH,
        endpoints_file=str(endpoints_for(tmp_path, sqlite_store)),
        insights_salt=b"test-salt",
    )
    with TestClient(create_app(settings)) as client:
        yield client


def login(client: TestClient, password: str = PASSWORD) -> object:
    return client.post(
        "/staff/login",
        content=f"password={password}",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_staff_page_is_off_without_a_password_hash() -> None:
    client = TestClient(create_app(Settings(rate_limit_address=MAX_RATE)))
    assert client.get("/staff").status_code == 404
    assert client.post("/staff/login", content="password=x").status_code == 404


def test_a_plain_password_is_refused_as_a_setting() -> None:
    with pytest.raises(ConfigError, match="argon2"):
        Settings.from_env({"STAFF_PASSWORD_HASH": "hunter2"})
    assert Settings.from_env({"STAFF_PASSWORD_HASH": HASH}).staff_password_hash == HASH


def test_login_sets_a_strict_http_only_cookie(client: TestClient) -> None:
    page = client.get("/staff")
    assert page.status_code == 200 and "パスワード" in page.text
    assert "利用状況（過去" not in page.text
    response = login(client)
    assert response.status_code == 303  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # plain HTTP here; see the TLS test
    page = client.get("/staff")
    assert "利用状況（過去30日）" in page.text and "faq/what_to_bring" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "<svg" in page.text and "<script" not in page.text


def test_cookie_is_secure_behind_tls(sqlite_store: Store, tmp_path: Path) -> None:
    settings = Settings(
        staff_password_hash=HASH,
        endpoints_file=str(endpoints_for(tmp_path, sqlite_store)),
    )
    client = TestClient(create_app(settings), base_url="https://testserver")
    cookie = login(client).headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert "secure" in cookie


def test_wrong_passwords_lock_the_address_out(client: TestClient) -> None:
    for _ in range(MAX_FAILURES):
        assert login(client, "guess").status_code == 401  # type: ignore[attr-defined]
    locked = login(client)  # even the right password, now
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "しばらくログインできません" in locked.text  # type: ignore[attr-defined]
    assert "利用状況（過去" not in client.get("/staff").text


def test_cross_site_login_is_refused(client: TestClient) -> None:
    response = client.post(
        "/staff/login",
        content=f"password={PASSWORD}",
        headers={"origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_export_needs_the_csrf_token(client: TestClient) -> None:
    login(client)
    html = client.get("/staff").text
    label = re.search(r'name="(label-[0-9a-f]{12})"', html)
    assert label
    form = f"{label.group(1)}=faq/pin&format=yaml&days=30"
    forged = client.post("/staff/export", content=form + "&csrf=forged")
    assert forged.status_code == 403
    response = client.post("/staff/export", content=form + f"&csrf={csrf_of(html)}")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = yaml.safe_load(response.text)
    assert data["nlu"][0]["intent"] == "faq/pin"


def test_logout_ends_the_session(client: TestClient) -> None:
    login(client)
    html = client.get("/staff").text
    client.post("/staff/logout", content=f"csrf={csrf_of(html)}")
    assert "利用状況（過去" not in client.get("/staff").text


def test_no_personal_data_in_the_page_or_the_exports(client: TestClient) -> None:
    login(client)
    html = client.get("/staff").text
    labels = re.findall(r'name="(label-[0-9a-f]{12})"', html)
    assert len(labels) >= 3
    form = "&".join(f"{name}=new_topic" for name in labels) + f"&csrf={csrf_of(html)}"
    exports = [
        client.post("/staff/export", content=form + "&format=yaml").text,
        client.post("/staff/export", content=form + "&format=csv").text,
        client.get("/staff/report.csv").text,
    ]
    assert "〇〇年〇月〇日" in html and "〇〇年〇月〇日" in exports[0]
    for text in [html, *exports]:
        for secret in (MY_NUMBER, PIN, *SECRET_DATES, "1985", "alice", "line:U1"):
            assert secret not in text
        visible = re.sub(r"<[^>]+>", " ", text)
        # Dates of use (report days) are fine; no date a resident typed is left.
        residents = [d for d in find_dates(visible) if d.value.year < 2024]
        assert residents == []


def test_the_web_app_starts_without_importing_rasa() -> None:
    # The staff page imports Rasa (the endpoints reader) only when first used.
    code = "import sys, bot.web.app; sys.exit('rasa' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
