"""Load benchmark: many simulated residents through the REST channel with actions.

Usage:
    cd bench && ../.venv/bin/python bench_load.py [--profile default|scale]
        [--levels 1,10,50] [--seconds 30] [--lockstep]

Each simulated resident repeats one visit: two FAQs, the dates conversation (three
messages) and a thank-you, with a fresh sender id per visit. For each level of
concurrent residents it prints messages per second, p50/p95/p99 latency, errors and
the peak resident memory of every server process. ``scale`` runs two Rasa replicas
(and two action servers) on PostgreSQL and Redis, each message to a random replica.

The residents are independent: each starts at a random step of the visit (the rest of
that first visit under a fresh sender id; a dates step then starts a conversation of
its own) after a random pause of up to one second, as residents arrive at different
times. ``--lockstep`` starts every resident at the first step at the same instant
instead: the server then admits them in order of arrival and they stay in step, all
at the dates conversation at once, then all at an FAQ (a burst, not a day's load).

The clients are aiohttp's: with 50 concurrent requests httpx's connection pool held
requests back for up to 5 s before sending them (the Rasa server's handler started
that much later than the client's request; encode/httpx#3215), which the latency
figures then counted (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import aiohttp
from stack import NO_RATE_LIMIT, ROOT, SCALE_OUT_ENV, rss_mib, running_bot

VISIT = [
    "更新の持ち物を教えて",
    "どこで手続きできますか",
    "自分の有効期限を調べたい",
    "昭和60年4月3日",
    "令和3年6月10日",
    "ありがとうございました",
]


class PeakMemory:
    """Samples the RSS of some processes every half second; keeps the peaks."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peaks = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peaks[name] = max(self.peaks[name], rss_mib(pid))
            self._stop.wait(0.5)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def run_level(
    urls: list[str], residents: int, seconds: float, lockstep: bool = False
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    rng = random.Random(residents)

    async def resident(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        first = 0
        if not lockstep:
            first = rng.randrange(len(VISIT))
            await asyncio.sleep(rng.random())
        while time.monotonic() < deadline:
            sender = f"load-{uuid.uuid4().hex[:10]}"
            for text in VISIT[first:]:
                started = time.perf_counter()
                try:
                    async with session.post(
                        f"{rng.choice(urls)}/webhooks/rest/webhook",
                        json={"sender": sender, "message": text},
                    ) as response:
                        ok = response.status == 200 and bool(await response.json())
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok
            first = 0

    connector = aiohttp.TCPConnector(limit=residents + 5)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        await asyncio.gather(*(resident(session) for _ in range(residents)))
        elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

    return {
        "messages": len(ordered),
        "per_second": len(ordered) / elapsed,
        "p50": statistics.median(ordered),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["default", "scale"], default="default")
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    parser.add_argument(
        "--lockstep", action="store_true", help="all residents start at once, in step"
    )
    args = parser.parse_args()
    model = Path(args.model).resolve()

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.profile == "default":
            bots = [stack.enter_context(running_bot(model, workdir, NO_RATE_LIMIT))]
        else:
            bots = [
                stack.enter_context(
                    running_bot(
                        model,
                        workdir / f"r{i}",
                        {**NO_RATE_LIMIT, **SCALE_OUT_ENV},
                        endpoints="endpoints.scale.yml",
                    )
                )
                for i in range(2)
                if not (workdir / f"r{i}").mkdir()
            ]
        pids = {}
        for i, bot in enumerate(bots):
            pids[f"rasa{i}"] = bot.rasa_pid
            pids[f"actions{i}"] = bot.actions_pid
        urls = [bot.rasa_url for bot in bots]
        bots[0].send("warm-up", "こんにちは")
        start = "in lockstep" if args.lockstep else "independent"
        print(
            f"profile {args.profile}: {len(bots)} Rasa replica(s), {args.seconds:g} s a "
            f"level, residents {start}"
        )
        for level in [int(x) for x in args.levels.split(",")]:
            with PeakMemory(pids) as memory:
                r = asyncio.run(run_level(urls, level, args.seconds, args.lockstep))
            peaks = ", ".join(f"{k} {v:.0f}" for k, v in memory.peaks.items())
            print(
                f"residents {level:>3}: {r['per_second']:6.1f} msg/s  p50 {r['p50']:7.0f} ms  "
                f"p95 {r['p95']:7.0f} ms  p99 {r['p99']:7.0f} ms  errors {r['errors']}/"
                f"{r['messages']}  peak RSS MiB: {peaks}"
            )


if __name__ == "__main__":
    main()
