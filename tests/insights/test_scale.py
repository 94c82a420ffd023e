"""The report on a generated store: right against a naive count, and index-driven.

The 100,000-conversation timing is bench/bench_insights.py (figures in
bench/RESULTS.md); here a small store (SQLite, and PostgreSQL when one answers)
checks the same SQL reads through the indexes, never parsing an event's JSON.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from bench_insights import fill
from known_store import database

from bot.insights.report import _report_sql, build_report
from bot.insights.store import (
    DATES_RESULT_ACTION,
    Dialect,
    create_indexes,
    read_only,
    vacuum,
)

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """1,000 conversations over 20 days, as the bot's store writes them, indexed."""
    with database(request.param, tmp_path_factory.mktemp("scale")) as url:
        engine = sa.create_engine(url)
        fill(engine, 1_000, days=20)
        create_indexes(engine)
        vacuum(engine)
        engine.dispose()
        yield url


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


def report_params() -> dict[str, Any]:
    now = time.time()
    return {
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


def test_report_reads_through_the_indexes(generated: str) -> None:
    engine = read_only(generated)
    if engine.url.get_backend_name() == "postgresql":
        check_postgresql_plan(engine)
        return
    with engine.connect() as c:
        plan = [
            row[3]
            for row in c.execute(
                sa.text("EXPLAIN QUERY PLAN " + _report_sql(Dialect(engine))),
                report_params(),
            )
        ]
    assert any("COVERING INDEX ix_events_report_user" in step for step in plan)
    assert any("ix_events_insights_action" in step for step in plan)
    # Events are only ever read by index range or by primary key, never scanned;
    # the primary-key look-ups are the JSON fallback for rows without the columns.
    assert not [s for s in plan if s.startswith("SCAN events")]
    assert all("PRIMARY KEY" in s for s in plan if s.startswith("SEARCH e "))


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def check_postgresql_plan(engine: sa.engine.Engine) -> None:
    """The user messages come from the index alone: every column the report needs.

    On this small table the planner may rightly prefer reading it whole, so the
    scans it would choose on a large one are made the only ones allowed.
    """
    with engine.connect() as c:
        c.execute(sa.text("SET enable_seqscan = off"))
        c.execute(sa.text("SET enable_bitmapscan = off"))
        (plan,) = c.execute(
            sa.text("EXPLAIN (ANALYZE, FORMAT JSON) " + _report_sql(Dialect(engine))),
            report_params(),
        ).one()
    nodes = list(plan_nodes(plan[0]["Plan"]))
    on_events = [n for n in nodes if n.get("Relation Name") == "events"]
    user_scans = [
        n for n in on_events if n.get("Index Name") == "ix_events_report_user"
    ]
    assert [n["Node Type"] for n in user_scans] == ["Index Only Scan"]
    assert user_scans[0]["Heap Fetches"] == 0
    assert any(n.get("Index Name") == "ix_events_insights_action" for n in on_events)
    assert not [n for n in on_events if n["Node Type"] == "Seq Scan"]
    # The JSON fallback (by primary key) runs for no row: every one has its columns.
    fallbacks = [n for n in on_events if n.get("Index Name") == "events_pkey"]
    assert fallbacks and all(n.get("Actual Loops", 0) == 0 for n in fallbacks)
