"""Staff report over the tracker store.

Usage:
    python -m bot.insights [--since 30d] [--csv] [--queue] [--endpoints endpoints.yml]
    python -m bot.insights --migrate [--endpoints endpoints.yml]

Reads the SQL store that the endpoints file names (SQLite or PostgreSQL), read-only.
``--migrate`` (formerly ``--create-indexes``, which still works) is the only command
that writes; run it once on a store, and once more after upgrading from a version
whose tracker store did not write the report's columns: it adds those columns (the
bot's store also does when it starts), fills them for the events stored before, and
creates the indexes that keep the report fast on a large store. The report is right
without it, only slower on the old rows.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import ConfigError, Settings
from bot.insights.queue import load_queue
from bot.insights.report import build_report, parse_since, to_csv, to_table
from bot.insights.store import migrate, read_only_engine, writable


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", default="30d", help="30d, 4w or 2026-11-01")
    parser.add_argument("--csv", action="store_true", help="CSV instead of a table")
    parser.add_argument(
        "--queue", action="store_true", help="the unanswered queue (masked, grouped)"
    )
    parser.add_argument("--endpoints", default=settings.endpoints_file, type=Path)
    parser.add_argument(
        "--migrate",
        "--create-indexes",
        action="store_true",
        help="add and fill the report's columns, create its indexes (writes)",
    )
    args = parser.parse_args(argv)
    engine = read_only_engine(args.endpoints)
    if args.migrate:
        migrate(writable(engine), print)
        return 0
    now = datetime.now(ZoneInfo(settings.timezone))
    try:
        start = parse_since(args.since, now)
    except ValueError as error:
        parser.error(str(error))
    if args.queue:
        for group in load_queue(engine, start, now, settings.insights_salt):
            guesses = ", ".join(
                f"{label} {score:.2f}" for label, score in group.guesses
            )
            print(f"{len(group.items):5d}  {group.text}  [{guesses}]")
        return 0
    report = build_report(engine, start, now, settings.timezone)
    print(to_csv(report) if args.csv else to_table(report), end="\n" * (not args.csv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
