"""Where one FAQ message's time goes inside the Rasa server, measured in process.

Usage:
    .venv/bin/python bench/bench_message_path.py [--messages 600] [--rounds 6]
        [--model models/current.tar.gz] [--reference] [--profile /tmp/path.prof]

Loads the model the way ``rasa run`` does with the embedded profile (the SQLite
tracker store of endpoints.yml in a temporary directory; the action server is not
started: an FAQ must not need it) and sends it ``--messages`` FAQ messages through
``Agent.handle_message``, a new conversation every 10 messages, as
bench_vs_reference.py does over HTTP. Prints the process CPU time a message and the
time spent inside each graph node, the tracker store and the rest of Rasa's message
handling. ``--reference`` does the same for the reference bot of bench/reference/
(in-memory store) in the same process, in rounds alternating with this bot's, so the
work of the two can be compared without the HTTP layer and the load generator (the reference then also gets
bot/rasa_patches.py's fixes, which are process-wide; over HTTP it runs without them).
``--profile`` writes a cProfile of this bot's messages.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_vs_reference import FAQS  # noqa: E402


class Timings:
    """Wall time inside named callables, accumulated."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed

    def wrap_async(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed


def time_nodes(agent: Any, timings: Timings) -> None:
    """Wrap every graph node's callable of the loaded model's runner."""
    runner = agent.processor.graph_runner
    for name, node in runner._instantiated_nodes.items():
        label = name.split("_", 1)[1] if name.startswith("run_") else name
        node._fn = timings.wrap(f"node {label}", node._fn)


async def send_all(agent: Any, messages: int) -> list[float]:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    latencies = []
    sender = ""
    for step in range(messages):
        if step % 10 == 0:
            sender = f"path-{uuid.uuid4().hex[:12]}"
        output = CollectingOutputChannel()
        started = time.perf_counter()
        await agent.handle_message(
            UserMessage(FAQS[step % len(FAQS)], output, sender_id=sender)
        )
        latencies.append((time.perf_counter() - started) * 1000)
        if not output.messages:
            raise RuntimeError(f"no answer to {FAQS[step % len(FAQS)]!r}")
    return latencies


class Measured:
    """One bot's agent, its node and store timings, and its totals over rounds."""

    def __init__(self, label: str, agent: Any) -> None:
        self.label = label
        self.agent = agent
        self.timings = Timings()
        self.cpu = 0.0
        self.wall = 0.0
        self.latencies: list[float] = []
        asyncio.run(send_all(agent, 30))  # warm-up: first calls load lazily
        time_nodes(agent, self.timings)
        store = agent.tracker_store
        store.retrieve = self.timings.wrap_async("store retrieve", store.retrieve)
        store.save = self.timings.wrap_async("store save", store.save)

    def round(self, messages: int, profiler: cProfile.Profile | None = None) -> None:
        cpu = time.process_time()
        wall = time.perf_counter()
        if profiler:
            profiler.enable()
        self.latencies += asyncio.run(send_all(self.agent, messages))
        if profiler:
            profiler.disable()
        self.cpu += time.process_time() - cpu
        self.wall += time.perf_counter() - wall

    def cpu_ms(self) -> float:
        return self.cpu * 1000 / len(self.latencies)

    def report(self) -> None:
        messages = len(self.latencies)
        wall_ms = self.wall * 1000 / messages
        print(f"\n{self.label}: {messages} FAQ messages, a new conversation every 10")
        print(
            f"  CPU {self.cpu_ms():.2f} ms a message, wall {wall_ms:.2f} ms, "
            f"p50 {statistics.median(self.latencies):.2f} ms"
        )
        inside = 0.0
        store_ms = 0.0
        seconds = self.timings.seconds
        for name, total in sorted(seconds.items(), key=lambda kv: -kv[1]):
            ms = total * 1000 / messages
            if name.startswith("store"):
                store_ms += ms
            else:
                inside += ms
            per_call = self.timings.calls[name] / messages
            print(f"  {name:<58} {ms:6.2f} ms  ({per_call:.1f} calls)")
        print(
            f"  {'rest (Rasa around the nodes, runner, events, NLG)':<58} "
            f"{wall_ms - inside - store_ms:6.2f} ms"
        )


def load(model: Path, endpoints: Path | None) -> Any:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    available = AvailableEndpoints.read_endpoints(str(endpoints) if endpoints else None)
    return asyncio.run(load_agent(model_path=str(model), endpoints=available))


def main() -> None:
    import logging

    import rasa.utils.io
    from rasa.utils.log_utils import configure_structlog

    # As `rasa run` does at its default level.
    rasa.utils.io.configure_colored_logging(logging.INFO)
    configure_structlog(logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--reference", action="store_true")
    parser.add_argument("--profile", help="write a cProfile of this bot's messages")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        os.environ["TRACKER_SQLITE_PATH"] = str(Path(workdir) / "conversations.db")
        # Not started: an FAQ answered through it would fail loudly.
        os.environ["ACTION_SERVER_URL"] = "http://127.0.0.1:9/webhook"
        os.chdir(ROOT)
        bots = [Measured("this bot", load(Path(args.model), ROOT / "endpoints.yml"))]
        if args.reference:
            from bench_vs_reference import train_reference

            bots.append(Measured("reference", load(train_reference(), None)))
        profiler = cProfile.Profile() if args.profile else None
        # Rounds alternate between the bots: the machine's speed drifts.
        per_round = max(10, args.messages // args.rounds // 10 * 10)
        for round_ in range(args.rounds):
            for bot in bots if round_ % 2 == 0 else bots[::-1]:
                bot.round(per_round, profiler if bot is bots[0] else None)
        if profiler:
            profiler.dump_stats(args.profile)
        for bot in bots:
            bot.report()
        if args.reference:
            ratio = bots[0].cpu_ms() / bots[1].cpu_ms()
            print(f"\nCPU a message, this bot / reference: {ratio:.2f}x")


if __name__ == "__main__":
    main()
