"""Time the staff report over a large generated tracker store.

    .venv/bin/python bench/bench_insights.py --conversations 100000            # SQLite
    .venv/bin/python bench/bench_insights.py --conversations 100000 \
        --url postgresql://postgres@127.0.0.1:5432/test                        # PostgreSQL
    .venv/bin/python bench/bench_insights.py --conversations 100000 --old-schema

Generates conversations shaped like the ones Rasa stores for this bot (user events
with the full parse data: intent ranking, response selector, answer gate; actions,
bot messages, dates results, feedback) over the last 30 days, in one transaction with
executemany, written as the bot's tracker store writes them (the channel and answer
key in their own columns too: bot/privacy/report_columns.py); then times
``build_report`` for ``--since 30d`` and the unanswered queue, without and with the
report's indexes. ``--old-schema`` writes the rows as a store made before those
columns did, and times the report on it, then ``python -m bot.insights --migrate``
(add the columns, fill them, create the indexes), then the report again.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.insights.queue import load_queue  # noqa: E402
from bot.insights.report import build_report  # noqa: E402
from bot.insights.store import (  # noqa: E402
    create_indexes,
    migrate,
    read_only,
    vacuum,
)
from bot.privacy.report_columns import (  # noqa: E402
    COLUMNS,
    add_columns,
    report_values,
)

FAQS = [
    "cert_validity", "after_expiry", "face_auth_card", "check_validity",
    "renewal_period", "expiry_notice", "where", "what_to_bring", "pin",
    "minor_or_ward", "signing_cert_minor", "after_renewal", "proxy",
    "proxy_lost_form", "revocation", "new_issuance", "contact",
]  # fmt: skip
GROUPS = ["mynumber_other", "cert_services", "not_on_page", "city_other", "chitchat"]
INTENTS = [
    "faq", "check_expiry", "check_eligibility", "inform_date", "greet", "goodbye",
    "thank", "affirm", "deny", "out_of_scope",
]  # fmt: skip
QUESTIONS = [
    "更新の持ち物は何ですか", "暗証番号を忘れました", "どこで手続きできますか",
    "代理人でも更新できますか", "期限が切れたらどうなりますか",
    "パスポートの申請はどこですか", "コンビニで住民票は取れますか", "手数料はいくらですか",
    "土日も開いていますか", "カードをなくしました",
]  # fmt: skip
DATES = ["昭和60年4月3日", "1985/4/3", "平成二年四月一日", "S60.4.3", "令和3年6月10日"]
MY_NUMBER = "123456789018"  # a valid check digit: must never reach the report


def _ranking(
    rng: random.Random, labels: list[str], top: str
) -> list[tuple[str, float]]:
    rest = [label for label in labels if label != top]
    weights = [rng.random() ** 3 for _ in rest]
    share = 1 - (first := rng.uniform(0.3, 0.99))
    total = sum(weights) or 1.0
    return [(top, first)] + sorted(
        ((label, share * w / total) for label, w in zip(rest, weights, strict=True)),
        key=lambda kc: -kc[1],
    )


def user_event(
    rng: random.Random,
    stamp: float,
    channel: str,
    text: str,
    intent: str,
    key: str | None,
) -> dict[str, Any]:
    """A user event as Rasa stores it for this bot's pipeline."""
    intents = _ranking(rng, INTENTS, intent if intent in INTENTS else "faq")
    keys = [f"faq/{n}" for n in FAQS] + [f"out_of_scope/{g}" for g in GROUPS]
    selector = _ranking(rng, keys, key or keys[0])

    def entry(prefix: str) -> dict[str, Any]:
        ranking = [(k, c) for k, c in selector if k.startswith(prefix)]
        return {
            "response": {
                "responses": None,
                "confidence": ranking[0][1],
                "intent_response_key": ranking[0][0],
                "utter_action": f"utter_{ranking[0][0]}",
            },
            "ranking": [
                {"confidence": c, "intent_response_key": k} for k, c in ranking
            ],
        }

    intent_data: dict[str, Any] = {"name": intent, "confidence": intents[0][1]}
    if key:
        intent_data["full_retrieval_intent_name"] = key
    return {
        "event": "user",
        "timestamp": stamp,
        "metadata": {},
        "text": text,
        "parse_data": {
            "intent": intent_data,
            "entities": [],
            "text": text,
            "message_id": f"{rng.getrandbits(128):032x}",
            "metadata": {},
            "text_tokens": [[i, i + 1] for i in range(min(len(text), 20))],
            "intent_ranking": [{"name": n, "confidence": c} for n, c in intents],
            "response_selector": {
                "all_retrieval_intents": ["faq", "out_of_scope"],
                "faq": entry("faq/"),
                "out_of_scope": entry("out_of_scope/"),
            },
            "answer_gate": {
                "action": "answer",
                "reason": "faq",
                "key": key,
                "intents": [list(ic) for ic in intents],
                "selectors": {"default": [list(kc) for kc in selector]},
            },
        },
        "input_channel": channel,
        "message_id": f"{rng.getrandbits(128):032x}",
    }


def conversation(
    rng: random.Random, sender: str, start: float
) -> Iterator[tuple[str, str, float, str | None, str | None, dict[str, Any]]]:
    """(sender, type, timestamp, intent, action, data) rows of one conversation."""
    channel = "line" if rng.random() < 0.3 else "rest"
    t = start

    def action(name: str) -> tuple[str, str, float, None, str, dict[str, Any]]:
        nonlocal t
        t += 0.01
        data = {
            "event": "action",
            "timestamp": t,
            "name": name,
            "policy": "RulePolicy",
            "confidence": 1.0,
        }
        return (sender, "action", t, None, name, data)

    def user(
        text: str, intent: str, key: str | None = None
    ) -> tuple[str, str, float, str, None, dict[str, Any]]:
        nonlocal t
        t += rng.uniform(5, 60)
        return (
            sender,
            "user",
            t,
            intent,
            None,
            user_event(rng, t, channel, text, intent, key),
        )

    def bot(text: str) -> tuple[str, str, float, None, None, dict[str, Any]]:
        nonlocal t
        t += 0.01
        return (
            sender,
            "bot",
            t,
            None,
            None,
            {"event": "bot", "timestamp": t, "text": text, "data": {}, "metadata": {}},
        )

    yield action("action_session_start")
    yield (
        sender,
        "session_started",
        t,
        None,
        None,
        {"event": "session_started", "timestamp": t},
    )
    yield action("action_listen")
    for _ in range(rng.choice((1, 1, 2, 3))):
        roll = rng.random()
        if roll < 0.6:
            name = rng.choice(FAQS)
            yield user(rng.choice(QUESTIONS), "faq", f"faq/{name}")
            yield action("utter_faq")
            yield bot("回答です。" * 10)
        elif roll < 0.7:
            yield user(
                rng.choice(QUESTIONS),
                "out_of_scope",
                f"out_of_scope/{rng.choice(GROUPS)}",
            )
            yield action("utter_out_of_scope")
            yield bot("ご案内です。" * 10)
        elif roll < 0.8:
            text = rng.choice(QUESTIONS) + (
                "、" + rng.choice(DATES) if rng.random() < 0.3 else ""
            )
            if rng.random() < 0.05:
                text += f"、マイナンバーは{MY_NUMBER}"
            yield user(text, "nlu_fallback")
            yield action("action_two_stage_fallback")
            yield bot("次のどれについてのご質問でしょうか。")
        else:
            yield user("有効期限を調べたい", "check_expiry")
            yield action("expiry_form")
            yield user(rng.choice(DATES), "inform_date")
            yield user(rng.choice(DATES), "inform_date")
            yield action("action_compute_expiry")
            yield bot("計算結果です。" * 20)
        yield action("action_listen")
        if rng.random() < 0.25:
            rating = "feedback_useful" if rng.random() < 0.7 else "feedback_not_useful"
            yield user(f"/{rating}", rating)
            yield action("utter_" + rating)
            yield action("action_listen")


def fill(
    engine: sa.engine.Engine,
    conversations: int,
    days: float = 30,
    seed: int = 1,
    columns: bool = True,
) -> int:
    """Create Rasa's events table in ``engine`` and add generated conversations.

    ``columns``: with the report's columns, as the bot's store writes rows now;
    without, as a store made before them.
    """
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore.Base.metadata.create_all(engine)
    names = ["sender_id", "type_name", "timestamp", "intent_name", "action_name"]
    names += ["data", *COLUMNS] if columns else ["data"]
    if columns:
        with engine.begin() as connection:
            add_columns(connection)
    insert = sa.text(
        f"INSERT INTO events ({', '.join(names)}) "
        f"VALUES ({', '.join(':' + name for name in names)})"
    )
    rng = random.Random(seed)
    now = time.time()

    def row(s: str, t: str, ts: float, i: str | None, a: str | None, d: Any) -> Any:
        values = {"sender_id": s, "type_name": t, "timestamp": ts, "intent_name": i}
        values |= {"action_name": a, "data": json.dumps(d)}
        return values | report_values(d) if columns else values

    rows = 0
    batch: list[dict[str, Any]] = []
    with engine.begin() as connection:
        for n in range(conversations):
            # Ended by now: a conversation lasts minutes, so start an hour early at least.
            start = now - 3600 - rng.uniform(0, days) * 86_400
            for s, t, ts, i, a, d in conversation(rng, f"bench-{seed}-{n}", start):
                if t == "action" and batch and batch[-1]["type_name"] == "user":
                    # Rasa stores this (small) event after each user message.
                    featurization = {"event": "user_featurization", "timestamp": ts}
                    batch.append(
                        row(s, "user_featurization", ts, None, None, featurization)
                    )
                batch.append(row(s, t, ts, i, a, d))
            if len(batch) >= 20_000:
                connection.execute(insert, batch)
                rows += len(batch)
                batch = []
        if batch:
            connection.execute(insert, batch)
            rows += len(batch)
    return rows


def timed(engine: sa.engine.Engine) -> tuple[float, float]:
    """Seconds for the 30-day report and for the queue."""
    zone = ZoneInfo("Asia/Tokyo")
    end = datetime.now(zone)
    start = end - timedelta(days=30)
    t0 = time.perf_counter()
    report = build_report(engine, start, end)
    t1 = time.perf_counter()
    load_queue(engine, start, end, b"bench")
    t2 = time.perf_counter()
    assert report.conversations > 0
    return t1 - t0, t2 - t1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument(
        "--url",
        help="a PostgreSQL server (a database of its own is created and dropped); "
        "default: a temporary SQLite file",
    )
    parser.add_argument(
        "--old-schema",
        action="store_true",
        help="rows as a store made before the report's columns; then --migrate",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        admin = None
        if args.url:
            name = f"bench_insights_{os.getpid()}"
            admin = sa.create_engine(args.url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(sa.text(f"CREATE DATABASE {name}"))
            url = str(sa.engine.make_url(args.url).set(database=name))
            engine = sa.create_engine(url, executemany_mode="values_plus_batch")
        else:
            url = f"sqlite:///{tmp}/bench.db"
            engine = sa.create_engine(url)
        try:
            run(engine, url, args.conversations, args.old_schema)
        finally:
            engine.dispose()
            if admin is not None:
                with admin.connect() as c:
                    c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def run(engine: sa.engine.Engine, url: str, conversations: int, old: bool) -> None:
    t0 = time.perf_counter()
    rows = fill(engine, conversations, columns=not old)
    print(
        f"generated {conversations} conversations, {rows} events "
        f"in {time.perf_counter() - t0:.1f} s"
        + (" (old schema: no report columns)" if old else "")
    )
    vacuum(engine)
    reader = read_only(url)
    report_s, queue_s = timed(reader)
    print(f"without indexes: report {report_s:.2f} s, queue {queue_s:.2f} s")
    t0 = time.perf_counter()
    if old:
        migrate(engine, lambda line: None)
        print(f"migrate (columns, backfill, indexes): {time.perf_counter() - t0:.1f} s")
    else:
        create_indexes(engine)
        print(f"create indexes: {time.perf_counter() - t0:.1f} s")
    vacuum(engine)
    reader.dispose()
    reader = read_only(url)
    report_s, queue_s = timed(reader)
    print(f"with indexes:    report {report_s:.2f} s, queue {queue_s:.2f} s")
    reader.dispose()


if __name__ == "__main__":
    main()
