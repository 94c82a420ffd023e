"""Two Rasa replicas on PostgreSQL (tracker store) and Redis (lock store) serve the
same conversations (endpoints.scale.yml). Skipped where those servers are absent."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
from stack import SCALE_OUT_ENV, Bot, listening, running_bot
from tcp_proxy import TcpProxy

from bot.channels.rest import NO_ANSWER

pytestmark = pytest.mark.slow


if not (listening(5432) and listening(6379)):
    pytest.skip(
        "scale-out tests need PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def replicas(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Bot]]:
    with ExitStack() as stack:
        bots = [
            stack.enter_context(
                running_bot(
                    model_path,
                    tmp_path_factory.mktemp(f"replica{i}"),
                    SCALE_OUT_ENV,
                    endpoints="endpoints.scale.yml",
                )
            )
            for i in range(2)
        ]
        yield bots


def test_one_conversation_alternating_between_replicas(replicas: list[Bot]) -> None:
    a, b = replicas
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    assert "生年月日" in a.texts(sender, "自分の有効期限を調べたい")
    assert "発行された日" in b.texts(
        sender, "昭和60年4月3日"
    )  # form state carried over
    assert "2026年4月3日（令和8年4月3日）" in a.texts(sender, "令和3年6月10日")


def _conversation(replicas: list[Bot], seed: int) -> tuple[str, list[str]]:
    rng = random.Random(seed)
    sender = f"load-{seed}-{uuid.uuid4().hex[:6]}"
    year = 1950 + seed % 50
    turns = ["自分の有効期限を調べたい", f"{year}年4月3日", "令和3年6月10日"]
    return sender, [rng.choice(replicas).texts(sender, text) for text in turns]


def test_concurrent_conversations_on_random_replicas(replicas: list[Bot]) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: _conversation(replicas, s), range(24)))
    for seed, (sender, answers) in enumerate(results):
        year = 1950 + seed % 50
        assert "生年月日" in answers[0], sender
        assert "発行された日" in answers[1], sender
        # Card issued 2021-06-10; certificate to the 5th birthday after: 2026-04-03.
        assert "2026年4月3日" in answers[2], (sender, year, answers)
        assert answers[2].count("すでに切れています") == 1, "answered once, not twice"


def test_database_down_faqs_are_answered_and_the_conversation_resumes(
    model_path: Path, tmp_path: Path
) -> None:
    sender = f"dbdown-{uuid.uuid4().hex[:8]}"
    with TcpProxy(5432) as database:
        env = {**SCALE_OUT_ENV, "TRACKER_DB_PORT": str(database.port)}
        with running_bot(
            model_path, tmp_path, env, endpoints="endpoints.scale.yml"
        ) as bot:
            assert "生年月日" in bot.texts(sender, "自分の有効期限を調べたい")
            assert "発行された日" in bot.texts(sender, "昭和60年4月3日")
            database.stop()
            # Without the database: FAQs are answered, and no message goes unanswered.
            assert "本庁市民課" in bot.texts(f"{sender}-faq", "どこで更新できますか")
            assert "3か月前の翌日" in bot.texts(sender, "更新はいつからできる？")
            assert bot.texts(sender, "令和3年6月10日").strip()
            database.start()
            # Back: the stored conversation goes on from the birthdate.
            answer = bot.texts(sender, "令和3年6月10日")
    assert "2026年4月3日（令和8年4月3日）" in answer
    log = (tmp_path / "rasa.log").read_text()
    assert "Tracker store database unreachable" in log
    assert "reachable again" in log
    assert "INSERT INTO" not in log, "no SQL (and so no message text) in the log"


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new PostgreSQL database without tables, dropped afterwards."""
    import psycopg2

    name = f"ecert_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def test_started_without_the_database_it_answers_and_recovers(
    model_path: Path, tmp_path: Path, empty_database: str
) -> None:
    sender = f"dbstart-{uuid.uuid4().hex[:8]}"
    with TcpProxy(5432) as database:
        database.stop()
        env = {
            **SCALE_OUT_ENV,
            "TRACKER_DB_PORT": str(database.port),
            "TRACKER_DB_NAME": empty_database,
        }
        with running_bot(
            model_path, tmp_path, env, endpoints="endpoints.scale.yml"
        ) as bot:
            assert "本庁市民課" in bot.texts(sender, "どこで更新できますか")
            database.start()
            # The tables are created once the database is there; conversations work.
            assert "生年月日" in bot.texts(sender, "自分の有効期限を調べたい")
            assert "発行された日" in bot.texts(sender, "昭和60年4月3日")
            answer = bot.texts(sender, "令和3年6月10日")
    assert "2026年4月3日（令和8年4月3日）" in answer
    assert "start failed" in (tmp_path / "rasa.log").read_text()


def test_lock_store_down_gives_the_polite_note_and_recovers(
    model_path: Path, tmp_path: Path
) -> None:
    # Without Redis no replica may touch a conversation (two could at once), so every
    # message gets the note with the phone number until Redis is back.
    with TcpProxy(6379) as redis:
        env = {**SCALE_OUT_ENV, "LOCK_STORE_PORT": str(redis.port)}
        with running_bot(
            model_path, tmp_path, env, endpoints="endpoints.scale.yml"
        ) as bot:
            redis.stop()
            assert NO_ANSWER in bot.texts("lockdown-1", "どこで更新できますか")
            redis.start()
            assert "本庁市民課" in bot.texts("lockdown-1", "どこで更新できますか")
