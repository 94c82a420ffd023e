"""A running bot for the end-to-end tests (bench/stack.py starts it), with LINE on,
pointed at a local fake LINE API."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from fake_line import LINE_SECRET, LINE_TOKEN, FakeLine  # noqa: E402
from stack import Bot, free_port, running_bot, running_web_app  # noqa: E402

SOURCE_URL = "https://www.example.jp/ecert-page"


@pytest.fixture(scope="session")
def source_url() -> str:
    """Where the running bot says the city publishes its page (SOURCE_URL)."""
    return SOURCE_URL


@pytest.fixture(scope="session")
def fake_line() -> Iterator[FakeLine]:
    fake = FakeLine()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def bot(
    model_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    fake_line: FakeLine,
    web_port: int,
) -> Iterator[Bot]:
    # The action server makes calendar links that the web app opens: one shared key
    # (both processes inherit this environment).
    os.environ.setdefault("CALENDAR_SECRET", "e2e-calendar-secret")
    os.environ["PUBLIC_WEB_URL"] = f"http://127.0.0.1:{web_port}"
    env = {
        "SOURCE_URL": SOURCE_URL,
        "LINE_CHANNEL_SECRET": LINE_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        "LINE_API_BASE_URL": fake_line.url,
        # As behind one reverse proxy: the client address is taken from X-Forwarded-For.
        "SANIC_PROXIES_COUNT": "1",
    }
    with running_bot(
        model_path,
        tmp_path_factory.mktemp("bot"),
        env,
        "credentials.line.yml",
        cors=[f"http://127.0.0.1:{web_port}"],
    ) as running:
        yield running


@pytest.fixture(scope="session")
def web_url(
    bot: Bot, web_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with running_web_app(web_port, bot.rasa_url, tmp_path_factory.mktemp("web")) as url:
        yield url
