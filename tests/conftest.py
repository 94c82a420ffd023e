"""Shared fixtures: the trained model (scripts/train builds it before pytest runs)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "model: needs the trained model (set below)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the trained model (directly or through a fixture).

    scripts/test runs the others while the model trains (`-m "not model"`).
    """
    e2e = ROOT / "tests" / "e2e"
    for item in items:
        # End-to-end tests run the whole stack, some choosing its servers at run time
        # (request.getfixturevalue), which fixturenames does not show.
        if "model_path" in getattr(
            item, "fixturenames", ()
        ) or item.path.is_relative_to(e2e):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model trained from the current data; fails clearly when it is missing."""
    if not MODEL.exists():
        pytest.fail(
            "no trained model: run scripts/train (scripts/test does this first)"
        )
    return MODEL.resolve()
