"""Cost of the tracker store per message, in process (no Rasa server, no model).

Usage:
    .venv/bin/python bench/bench_store.py [--backend sqlite|postgresql|both]
        [--messages 2000] [--store project|rasa|both] [--secure-delete]

Replays what the Rasa server does with the store for each message: retrieve the
conversation's latest session (or create it), append the events of one turn (a user
message with a parse result of the real size, slot events, the bot's answer, listen)
and save it. A new conversation every 10 messages, 30% of turns in the dates form.
Prints the time per message (p50, mean, p95) of the store as it is in this tree
(``project``) and of Rasa's plain ``SQLTrackerStore`` (``rasa``), on a fresh SQLite
file and/or the PostgreSQL of this machine (127.0.0.1:5432, db ``test``).
``--secure-delete`` adds ``PRAGMA secure_delete=ON`` to every SQLite connection.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.privacy.tracker_store import RedactingSQLTrackerStore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INTENTS = [
    "faq",
    "check_expiry",
    "check_eligibility",
    "inform_date",
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "human_handoff",
    "out_of_scope",
    "share_secret",
]
# 17 FAQ answers and 5 out-of-scope groups, as in data/nlu/responses.
ANSWERS = [f"faq/answer_{i}" for i in range(17)] + [
    f"out_of_scope/g{i}" for i in range(5)
]
ANSWER_TEXT = "電子証明書の更新は、有効期限の3か月前から市民課の窓口でできます。" * 5


def user(text: str, intent: str) -> UserUttered:
    """A user message with a parse result shaped and sized like the model's."""
    ranking = [{"name": name, "confidence": 0.01} for name in INTENTS]
    selector = [
        {"id": i, "confidence": 0.01, "intent_response_key": key}
        for i, key in enumerate(ANSWERS)
    ]
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.97},
        "entities": [],
        "intent_ranking": ranking,
        "response_selector": {
            "all_retrieval_intents": ["faq", "out_of_scope"],
            "default": {
                "response": {
                    "responses": [{"text": ANSWER_TEXT}],
                    "confidence": 0.95,
                    "intent_response_key": ANSWERS[0],
                    "utter_action": f"utter_{ANSWERS[0]}",
                },
                "ranking": selector,
            },
        },
        "answer_gate": {"action": "answer", "reason": "confident"},
    }
    intent_data = {"name": intent, "confidence": 0.97}
    return UserUttered(text, intent_data, parse_data=parse_data)


def turn(step: int) -> list[Event]:
    """Events of one turn: an FAQ, or (30% of turns) a step of the dates form."""
    if step % 10 in (3, 4, 5):
        return [
            user("昭和60年4月3日", "inform_date"),
            SlotSet("birth_date", "1985-04-03"),
            ActionExecuted("expiry_form"),
            ActiveLoop("expiry_form"),
            SlotSet("requested_slot", "issue_date"),
            BotUttered(
                "カードの電子証明書が発行された日を教えてください。", {"buttons": None}
            ),
            ActionExecuted("action_listen"),
        ]
    return [
        user("更新の持ち物を教えて", "faq"),
        ActionExecuted("utter_faq"),
        BotUttered(
            ANSWER_TEXT, {"buttons": [{"title": "場所", "payload": "/faq/where"}]}
        ),
        ActionExecuted("action_listen"),
    ]


async def drive(store: SQLTrackerStore, messages: int) -> list[float]:
    """Retrieve, update and save as the server does; return ms per message."""
    latencies = []
    sender = ""
    for step in range(messages):
        if step % 10 == 0:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
        started = time.perf_counter()
        tracker = await store.get_or_create_tracker(sender)
        for event in turn(step):
            tracker.update(event)
        await store.save(tracker)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def make_store(
    kind: str, backend: str, workdir: Path, secure_delete: bool
) -> SQLTrackerStore:
    domain = Domain.load(str(ROOT / "domain.yml"))
    cls = RedactingSQLTrackerStore if kind == "project" else SQLTrackerStore
    if backend == "sqlite":
        store = cls(domain=domain, dialect="sqlite", db=str(workdir / f"{kind}.db"))
        if secure_delete:

            def on_connect(connection: Any, _record: Any) -> None:
                connection.execute("PRAGMA secure_delete=ON")

            sa.event.listen(store.engine, "connect", on_connect)
            store.engine.dispose()  # connections opened from now on get it
        return store
    return cls(
        domain=domain,
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        db="test",
        username="postgres",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "both"], default="both"
    )
    parser.add_argument("--store", choices=["project", "rasa", "both"], default="both")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--secure-delete", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    kinds = ["rasa", "project"] if args.store == "both" else [args.store]
    with tempfile.TemporaryDirectory() as workdir:
        for backend in backends:
            for kind in kinds:
                store = make_store(kind, backend, Path(workdir), args.secure_delete)
                asyncio.run(drive(store, 50))  # warm-up
                ms = sorted(asyncio.run(drive(store, args.messages)))
                print(
                    f"{backend:<10} {kind:<8} p50 {statistics.median(ms):6.2f} ms  "
                    f"mean {statistics.mean(ms):6.2f} ms  "
                    f"p95 {ms[int(len(ms) * 0.95)]:6.2f} ms  ({len(ms)} messages)"
                )
                store.engine.dispose()


if __name__ == "__main__":
    main()
