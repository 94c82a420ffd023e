import pytest
from fastapi.testclient import TestClient

from bot.config import MAX_RATE, Settings
from bot.web import create_app


@pytest.fixture(scope="session")
def client() -> TestClient:
    return TestClient(create_app(Settings(rate_limit_address=MAX_RATE)))
