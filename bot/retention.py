"""Delete conversations older than a number of days from the SQL tracker store.

Usage:
    python -m bot.retention --days 90 [--endpoints endpoints.yml] [--dry-run]

A conversation is deleted when its latest event is older than the cut-off, so a
conversation still going on is never cut in half. Works on whatever SQL store the
endpoints file names (the SQLite file of the embedded profile, or PostgreSQL of the
scale-out profile); environment variables in the file are expanded as Rasa does.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.utils.io import read_config_file

logger = logging.getLogger(__name__)

DAY = 86_400


def engine_from_endpoints(path: Path) -> sa.engine.Engine:
    """Return an engine for the ``tracker_store`` section of an endpoints file."""
    config: dict[str, Any] = read_config_file(str(path))["tracker_store"]
    url = SQLTrackerStore.get_db_url(
        dialect=config.get("dialect", "sqlite"),
        host=config.get("url"),
        port=config.get("port"),
        db=config.get("db", "rasa.db"),
        username=config.get("username"),
        password=config.get("password"),
        query=config.get("query"),
    )
    return sa.create_engine(url)


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
    return len(senders)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, required=True, help="keep this many days")
    parser.add_argument("--endpoints", default="endpoints.yml", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="count, do not delete")
    args = parser.parse_args()
    count = delete_older_than(
        engine_from_endpoints(args.endpoints), args.days, args.dry_run
    )
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {count} conversation(s) older than {args.days:g} days")


if __name__ == "__main__":
    main()
