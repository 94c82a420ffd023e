"""Shared fixtures: the trained model (scripts/train builds it before pytest runs)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model trained from the current data; fails clearly when it is missing."""
    if not MODEL.exists():
        pytest.fail(
            "no trained model: run scripts/train (scripts/test does this first)"
        )
    return MODEL.resolve()
