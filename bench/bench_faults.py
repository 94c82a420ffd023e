"""What a resident sees, and how fast, when a part of the bot fails.

Usage:
    cd bench && ../.venv/bin/python bench_faults.py [--tries 5] [--timeout 5]

For each fault (none; action server down; action server hung; PostgreSQL cut; Redis
cut; the last two need PostgreSQL and Redis on 127.0.0.1) it sends an FAQ and a step
of the dates conversation through the REST channel, and prints the median time to the
answer and whether it was the real answer or the polite note with the phone number.
``--timeout`` is ANSWER_TIMEOUT_SECONDS for the run (default 30 in production).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

from stack import (
    NO_RATE_LIMIT,
    ROOT,
    SCALE_OUT_ENV,
    Bot,
    free_port,
    listening,
    running_actions,
    running_bot,
    silent_server,
)
from tcp_proxy import TcpProxy

from bot.channels.rest import NO_ANSWER

FAQ = "どこで更新できますか"


def timed(bot: Bot, sender: str, text: str) -> tuple[float, str]:
    """Send one message; return milliseconds and 'answer' or 'note'."""
    started = time.perf_counter()
    said = bot.texts(sender, text)
    kind = "note" if NO_ANSWER in said else "answer"
    return (time.perf_counter() - started) * 1000, kind


def dates_step(bot: Bot) -> tuple[float, str]:
    """A fresh resident asks for their dates and gives the birthdate; time the latter."""
    sender = f"d-{uuid.uuid4().hex[:8]}"
    bot.texts(sender, "自分の有効期限を調べたい")
    return timed(bot, sender, "昭和60年4月3日")


def report(name: str, tries: int, bot: Bot) -> None:
    """Print the median time and kinds of answers for the FAQ and the dates step."""
    for label, probe in (
        ("FAQ", lambda: timed(bot, f"f-{uuid.uuid4().hex[:8]}", FAQ)),
        ("dates step", lambda: dates_step(bot)),
    ):
        results = [probe() for _ in range(tries)]
        kinds = sorted({kind for _, kind in results})
        median = statistics.median(ms for ms, _ in results)
        print(f"{name:<28} {label:<11} {median:8.0f} ms   {'/'.join(kinds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=5)
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    args = parser.parse_args()
    model = Path(args.model).resolve()
    env = {**NO_RATE_LIMIT, "ANSWER_TIMEOUT_SECONDS": str(args.timeout)}
    print(f"ANSWER_TIMEOUT_SECONDS={args.timeout}, median of {args.tries} tries")

    with tempfile.TemporaryDirectory() as workdir, ExitStack() as stack:
        port = free_port()
        bot = stack.enter_context(
            running_bot(model, Path(workdir), env, action_port=port)
        )
        with running_actions(port, Path(workdir)):
            bot.texts("warm-up", FAQ)
            report("no fault", args.tries, bot)
        report("action server down", args.tries, bot)
        with silent_server(port):
            report("action server hung", args.tries, bot)

    if not (listening(5432) and listening(6379)):
        print("PostgreSQL or Redis not on 127.0.0.1: scale-out faults skipped")
        return
    with (
        tempfile.TemporaryDirectory() as workdir,
        TcpProxy(5432) as database,
        TcpProxy(6379) as redis,
    ):
        scale = {
            **env,
            **SCALE_OUT_ENV,
            "TRACKER_DB_PORT": str(database.port),
            "LOCK_STORE_PORT": str(redis.port),
        }
        with running_bot(
            model, Path(workdir), scale, endpoints="endpoints.scale.yml"
        ) as bot:
            bot.texts("warm-up", FAQ)
            report("scale-out, no fault", args.tries, bot)
            database.stop()
            report("PostgreSQL cut", args.tries, bot)
            database.start()
            redis.stop()
            report("Redis cut", args.tries, bot)
            redis.start()


if __name__ == "__main__":
    main()
