"""Delete conversations older than a number of days from the SQL tracker store.

Usage:
    python -m bot.retention --days 90 [--endpoints endpoints.yml] [--dry-run]
    python -m bot.retention --daily [--endpoints endpoints.yml]   # RETENTION_DAYS

``--daily`` runs at start and then every day until stopped (the ``retention`` process
of the Procfile, so ``scripts/run`` keeps conversations only RETENTION_DAYS days). A
run that fails (the database down) is logged and tried again an hour later; the
process itself never stops on it.

A conversation is deleted when its latest event is older than the cut-off, so a
conversation still going on is never cut in half. Works on whatever SQL store the
endpoints file names (the SQLite file of the embedded profile, or PostgreSQL of the
scale-out profile); environment variables in the file are expanded as Rasa does.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.utils.io import read_config_file
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.privacy.sqlite_file import secure_engine, secure_file
from bot.privacy.tracker_store import describe

logger = logging.getLogger(__name__)

DAY = 86_400
RETRY_SECONDS = 3600.0  # after a failed run (the database down)


def engine_from_endpoints(path: Path) -> sa.engine.Engine:
    """Return an engine for the ``tracker_store`` section of an endpoints file."""
    config: dict[str, Any] = read_config_file(str(path))["tracker_store"]
    if config.get("dialect", "sqlite") == "sqlite":
        secure_file(str(config.get("db", "rasa.db")))
    url = SQLTrackerStore.get_db_url(
        dialect=config.get("dialect", "sqlite"),
        host=config.get("url"),
        port=config.get("port"),
        db=config.get("db", "rasa.db"),
        username=config.get("username"),
        password=config.get("password"),
        query=config.get("query"),
    )
    engine = sa.create_engine(url)
    secure_engine(engine)  # what is deleted is overwritten in the SQLite file
    return engine


def delete_older_than(
    engine: sa.engine.Engine, days: float, dry_run: bool = False
) -> int:
    """Delete every conversation whose latest event is older than ``days``; return how many."""
    if days < 0:
        raise ValueError("days must not be negative")
    cutoff = time.time() - days * DAY
    stale = sa.text(
        "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
    )
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0
        senders = [row[0] for row in connection.execute(stale, {"cutoff": cutoff})]
        if senders and not dry_run:
            delete = sa.text(
                "DELETE FROM events WHERE sender_id IN :senders"
            ).bindparams(sa.bindparam("senders", expanding=True))
            for start in range(0, len(senders), 500):
                connection.execute(delete, {"senders": senders[start : start + 500]})
    if senders and not dry_run and engine.dialect.name == "sqlite":
        # The store runs in WAL mode: the deleted rows' old pages stay in the -wal
        # file until a checkpoint copies the (zeroed) pages back; TRUNCATE empties it.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(senders)


def run_daily(
    engine: sa.engine.Engine,
    days: float,
    stop: threading.Event,
    every: float = DAY,
    retry: float = RETRY_SECONDS,
) -> None:
    """Delete old conversations now and then ``every`` seconds until ``stop`` is set."""
    while True:
        wait = every
        try:
            count = delete_older_than(engine, days)
            logger.info(
                "Retention: deleted %d conversation(s) older than %g days", count, days
            )
        except SQLAlchemyError as error:
            logger.error(
                "Retention run failed (%s); trying again in %.0f s",
                describe(error),
                retry,
            )
            wait = retry
        if stop.wait(wait):
            return


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, help="keep this many days")
    parser.add_argument("--endpoints", default="endpoints.yml", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="count, do not delete")
    parser.add_argument(
        "--daily", action="store_true", help="run every day (days: RETENTION_DAYS)"
    )
    args = parser.parse_args()
    if args.daily:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
        )
        days = (
            args.days if args.days is not None else Settings.from_env().retention_days
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        run_daily(engine_from_endpoints(args.endpoints), days, stop)
        return
    if args.days is None:
        parser.error("--days is required without --daily")
    count = delete_older_than(
        engine_from_endpoints(args.endpoints), args.days, args.dry_run
    )
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {count} conversation(s) older than {args.days:g} days")


if __name__ == "__main__":
    main()
