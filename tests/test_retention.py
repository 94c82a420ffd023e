"""Deleting old conversations from the tracker store (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.retention import DAY, delete_older_than, engine_from_endpoints, run_daily

ROOT = Path(__file__).resolve().parent.parent


def save(store: RedactingSQLTrackerStore, sender: str, *ages_days: float) -> None:
    events = []
    for age in ages_days:
        stamp = time.time() - age * DAY
        events += [
            ActionExecuted("action_listen", timestamp=stamp),
            UserUttered(
                "更新の持ち物は？",
                {"name": "faq", "confidence": 1.0},
                timestamp=stamp + 1,
            ),
        ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def senders(engine: sa.engine.Engine) -> set[str]:
    with engine.connect() as c:
        return {
            r[0] for r in c.execute(sa.text("SELECT DISTINCT sender_id FROM events"))
        }


def check_retention(
    store: RedactingSQLTrackerStore, engine: sa.engine.Engine, prefix: str
) -> None:
    save(store, f"{prefix}-old", 100)
    save(store, f"{prefix}-recent", 2)
    # A conversation that began long ago but goes on today is kept whole.
    save(store, f"{prefix}-ongoing", 100, 0)
    mine = {f"{prefix}-old", f"{prefix}-recent", f"{prefix}-ongoing"}
    assert delete_older_than(engine, 30, dry_run=True) >= 1
    assert mine <= senders(engine)
    delete_older_than(engine, 30)
    assert senders(engine) & mine == {f"{prefix}-recent", f"{prefix}-ongoing"}


def test_sqlite_retention(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(db)
    )
    # The same endpoints file the bot uses, with its ${TRACKER_SQLITE_PATH}.
    monkeypatch.setenv("TRACKER_SQLITE_PATH", str(db))
    monkeypatch.setenv("ACTION_SERVER_URL", "http://localhost:5055/webhook")
    engine = engine_from_endpoints(
        Path(__file__).resolve().parent.parent / "endpoints.yml"
    )
    check_retention(store, engine, "sqlite")


def test_negative_days_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        delete_older_than(sa.create_engine(f"sqlite:///{tmp_path}/x.db"), -1)


def postgres_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not postgres_available(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_postgresql_retention() -> None:
    store, engine = postgres_store()
    check_retention(store, engine, f"pg-{uuid.uuid4().hex[:8]}")


def postgres_store() -> tuple[RedactingSQLTrackerStore, sa.engine.Engine]:
    """The store on this machine's PostgreSQL, and an engine of its own to check it."""
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        db="test",
        username="postgres",
    )
    return store, sa.create_engine("postgresql://postgres@127.0.0.1:5432/test")


def sqlite_store(db: Path) -> tuple[RedactingSQLTrackerStore, sa.engine.Engine]:
    store = RedactingSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(db)
    )
    return store, sa.create_engine(f"sqlite:///{db}")


def test_the_daily_job_deletes_at_once_and_stops_when_told(tmp_path: Path) -> None:
    store, engine = sqlite_store(tmp_path / "conversations.db")
    save(store, "daily-old", 40)
    save(store, "daily-recent", 1)
    stop = threading.Event()
    job = threading.Thread(target=run_daily, args=(engine, 30, stop))
    job.start()
    deadline = time.monotonic() + 10
    while "daily-old" in senders(engine) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert senders(engine) == {"daily-recent"}
    stop.set()
    job.join(timeout=5)
    assert not job.is_alive()


def test_a_failed_run_is_logged_and_the_job_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = sa.create_engine(f"sqlite:///{tmp_path}/no/such/dir/x.db")
    stop = threading.Event()
    stop.set()  # one run, then stop
    with caplog.at_level(logging.ERROR, logger="bot.retention"):
        run_daily(unreachable, 30, stop)  # must not raise
    assert "Retention run failed" in caplog.text


def test_the_run_command_runs_retention_by_itself(tmp_path: Path) -> None:
    """``python -m bot.retention --daily`` (the Procfile's process) with RETENTION_DAYS."""
    db = tmp_path / "conversations.db"
    store, engine = sqlite_store(db)
    save(store, "cmd-old", 10)
    save(store, "cmd-recent", 1)
    procfile = (ROOT / "Procfile").read_text()
    assert "retention: .venv/bin/python -m bot.retention --daily" in procfile
    env = {
        **os.environ,
        "TRACKER_SQLITE_PATH": str(db),
        "ACTION_SERVER_URL": "http://localhost:5055/webhook",
        "RETENTION_DAYS": "7",
    }
    job = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.retention",
            "--daily",
            "--endpoints",
            "endpoints.yml",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "cmd-old" in senders(engine) and time.monotonic() < deadline:
            assert job.poll() is None, job.stdout.read() if job.stdout else ""
            time.sleep(0.2)
        assert senders(engine) == {"cmd-recent"}
    finally:
        job.terminate()  # honcho stops it so
        output = job.communicate(timeout=30)[0].decode()
    assert job.returncode == 0, output
    assert "deleted 1 conversation(s) older than 7 days" in output


@pytest.mark.skipif(not postgres_available(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_the_daily_job_on_postgresql() -> None:
    store, engine = postgres_store()
    old, recent = f"pg-daily-{uuid.uuid4().hex[:8]}", f"pg-daily-{uuid.uuid4().hex[:8]}"
    # Far older than anything other tests on this shared database store.
    save(store, old, 20_000)
    save(store, recent, 9_000)
    stop = threading.Event()
    stop.set()  # one run
    run_daily(engine, 10_000, stop)
    assert recent in senders(engine) and old not in senders(engine)
