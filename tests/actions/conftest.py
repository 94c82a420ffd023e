from datetime import date

import pytest

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Actions see 2026-11-29 as today (Asia/Tokyo)."""
    monkeypatch.setattr("actions.expiry.today_in", lambda *args: TODAY)
    return TODAY
