"""The report on a generated store: right against a naive count, and index-driven.

The 100,000-conversation timing is bench/bench_insights.py (figures in
bench/RESULTS.md); here a small store checks the same SQL reads through the indexes.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from bench_insights import fill

from bot.insights.report import _report_sql, build_report
from bot.insights.store import (
    DATES_RESULT_ACTION,
    Dialect,
    create_indexes,
    read_only,
    writable,
)

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = Path(tmp_path_factory.mktemp("scale")) / "generated.db"
    url = f"sqlite:///{path}"
    fill(sa.create_engine(url), 1_000, days=20)
    return url


def test_report_matches_a_naive_count(generated: str) -> None:
    end = datetime.now(TOKYO)
    report = build_report(read_only(generated), end - timedelta(days=30), end)
    channels: dict[str, str] = {}
    messages: Counter[str] = Counter()
    faq: Counter[str] = Counter()
    dates = 0
    with sa.create_engine(generated).connect() as c:
        for sender, kind, action, data in c.execute(
            sa.text("SELECT sender_id, type_name, action_name, data FROM events")
        ):
            event = json.loads(data)
            if kind == "user":
                channel = channels.setdefault(sender, event["input_channel"])
                intent = event["parse_data"]["intent"]
                if not intent["name"].startswith("feedback_"):
                    messages[channel] += 1
                if intent["name"] == "faq":
                    faq[intent["full_retrieval_intent_name"]] += 1
            dates += action == DATES_RESULT_ACTION
    assert report.conversations == 1_000 == len(channels)
    for channel in ("rest", "line"):
        assert messages[channel] == sum(
            r.messages for r in report.rows if r.channel == channel
        )
    assert report.faq_totals == faq
    assert report.total("dates_results") == dates


def test_report_reads_through_the_indexes(generated: str) -> None:
    engine = read_only(generated)
    create_indexes(writable(engine))
    now = time.time()
    params = {
        "start": now - 30 * 86_400,
        "end": now,
        "offset": 32_400,
        "useful": "feedback_useful",
        "not_useful": "feedback_not_useful",
        "oos": "out_of_scope",
        "fallback": "nlu_fallback",
        "faq": "faq",
        "action": DATES_RESULT_ACTION,
    }
    with engine.connect() as c:
        plan = [
            row[3]
            for row in c.execute(
                sa.text("EXPLAIN QUERY PLAN " + _report_sql(Dialect(engine))), params
            )
        ]
    assert any("COVERING INDEX ix_events_insights_user" in step for step in plan)
    assert any("ix_events_insights_action" in step for step in plan)
    # Events are only ever read by index range or by primary key, never scanned.
    assert not [s for s in plan if s.startswith("SCAN events")]
    assert all("PRIMARY KEY" in s for s in plan if s.startswith("SEARCH e "))
