import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.web import create_app


@pytest.fixture(scope="session")
def client() -> TestClient:
    return TestClient(create_app(Settings()))
