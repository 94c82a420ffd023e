"""Latency per message as a conversation grows, and the servers' memory.

Usage:
    .venv/bin/python bench/bench_conversation.py [--messages 300] [--model models/current.tar.gz]

Starts the Rasa server and the action server (embedded profile), holds one
conversation of ``--messages`` messages through the REST channel (FAQs, the dates
form, corrections), and prints the latency of the first and last 50 messages, the
overall p50/p95, and the resident memory of each process.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from itertools import cycle
from pathlib import Path

from stack import NO_RATE_LIMIT, ROOT, rss_mib, running_bot

TURNS = [
    "更新の持ち物を教えて",
    "どこで手続きできますか",
    "自分の有効期限を調べたい",
    "昭和60年4月3日",
    "令和3年6月10日",
    "やっぱり生年月日は平成2年4月1日でした",
    "暗証番号を忘れました",
    "代理人でも更新できますか",
    "ありがとう",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    args = parser.parse_args()

    # One resident sending 300 messages in a minute is what the rate limit stops.
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_bot(Path(args.model).resolve(), Path(workdir), NO_RATE_LIMIT) as bot,
    ):
        bot.send("warm-up", "こんにちは")
        latencies = []
        for _, text in zip(range(args.messages), cycle(TURNS)):
            started = time.perf_counter()
            bot.send("long-conversation", text)
            latencies.append((time.perf_counter() - started) * 1000)
        first, last = latencies[:50], latencies[-50:]
        ordered = sorted(latencies)
        print(f"messages in one conversation   {args.messages}")
        print(
            f"first 50: mean {statistics.mean(first):6.1f} ms   p50 {statistics.median(first):6.1f} ms"
        )
        print(
            f"last 50:  mean {statistics.mean(last):6.1f} ms   p50 {statistics.median(last):6.1f} ms"
        )
        print(
            f"all: p50 {statistics.median(ordered):.1f} ms  p95 {ordered[int(len(ordered) * 0.95) - 1]:.1f} ms"
        )
        print(
            f"rss rasa server {rss_mib(bot.rasa_pid):.0f} MiB, action server {rss_mib(bot.actions_pid):.0f} MiB"
        )


if __name__ == "__main__":
    main()
